/* test_text.c -- UTF-8 repair, IRC formatting, look-alike letters,
 * normalisation, keys, cutting, distance. */
#include "testutil.h"

/* text_clean of in[0..len) is want; in is shown escaped on failure. */
static void
check_clean(const char *in, size_t len, const char *want)
{
	char *got = text_clean(in, len), shown[256];
	size_t i, n = 0;

	for (i = 0; i < len && n + 5 < sizeof(shown); i++)
		n += (size_t)snprintf(shown + n, sizeof(shown) - n,
		    (unsigned char)in[i] < 0x20 ? "\\x%02x" : "%c",
		    (unsigned char)in[i]);
	if (strcmp(got, want) != 0)
		fail_msg("clean(\"%s\") = \"%s\", want \"%s\"", shown, got,
		    want);
	free(got);
}

#define CLEAN(lit, want)	check_clean((lit), sizeof(lit) - 1, (want))

static void
check_norm(const char *in, size_t len, const char *want)
{
	char *got = text_norm(in, len);

	if (strcmp(got, want) != 0)
		fail_msg("norm(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

static void
test_01_norm_ascii(void **s)
{
	(void)s;
	check_norm("Machine Learning Engineers?", 27,
	    "machine learning engineers");
	check_norm("  SREs!!  ", 10, "sres");
	/* a final 's goes: "an em's job" names the em */
	check_norm("what's", 6, "what");
	check_norm("an em's job", 11, "an em job");
	check_norm("the sre\xe2\x80\x99s pay", 16, "the sre pay");
	check_norm("it's", 4, "it");
	/* not inside a word, nor before more letters */
	check_norm("o'sullivan", 10, "osullivan");
	check_norm("Full-Stack", 10, "full stack");
	check_norm("C++ and C#", 10, "c++ and c#");
	check_norm("CI/CD", 5, "ci/cd");
	check_norm("a / b", 5, "a b");
	check_norm("+++", 3, "");
	check_norm("", 0, "");
}

static void
test_02_norm_latin1_and_accents(void **s)
{
	(void)s;
	check_norm("d\xe9vops", 6, "devops");		/* Latin-1 byte */
	check_norm("d\xc3\xa9vops", 7, "devops");	/* UTF-8 é */
	check_norm("\xef\xbc\xb3\xef\xbc\xb2\xef\xbc\xa5", 9, "sre");	/* fullwidth */
	check_norm("DÉVOPS", strlen("DÉVOPS"), "devops");
}

static void
test_03_clean_controls(void **s)
{
	char *c;

	(void)s;
	c = text_clean("a\r\nb\0c\x7f\x01", 8);
	assert_string_equal(c, "a  b c  ");
	free(c);
	/* C1 control written as UTF-8 U+0085 */
	c = text_clean("x\xc2\x85y", 4);
	assert_string_equal(c, "x y");
	free(c);
	/* overlong encoding of '/' is not UTF-8: read as Latin-1 */
	c = text_clean("\xc0\xaf", 2);
	assert_string_equal(c, "\xc3\x80\xc2\xaf");
	free(c);
}

static void
test_04_key_singular(void **s)
{
	static const char *const cases[][2] = {
		{ "sres", "sre" }, { "engineers", "engineer" },
		{ "abilities", "ability" }, { "devops", "devop" },
		{ "aws", "aws" }, { "status", "status" },
		{ "machine learning engineers", "machine learning engineer" },
	};
	size_t i;
	char *k;

	(void)s;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = text_key(cases[i][0]);
		assert_string_equal(k, cases[i][1]);
		free(k);
	}
}

static void
test_05_utf8_cut(void **s)
{
	const char *t = "ab\xc3\xa9" "cd";	/* "abécd" */

	(void)s;
	assert_int_equal(utf8_cut(t, 6, 10), 6);
	assert_int_equal(utf8_cut(t, 6, 3), 2);	/* not inside é */
	assert_int_equal(utf8_cut(t, 6, 4), 4);
	assert_int_equal(utf8_cut("\xe2\x82\xac", 3, 2), 0);
}

static void
test_06_editdist(void **s)
{
	(void)s;
	assert_int_equal(text_editdist("devops", 6, "devops", 6, 2), 0);
	assert_int_equal(text_editdist("devpos", 6, "devops", 6, 2), 1);
	assert_int_equal(text_editdist("lerning", 7, "learning", 8, 2), 1);
	assert_int_equal(text_editdist("cto", 3, "ciso", 4, 2), 2);
	assert_int_equal(text_editdist("abc", 3, "xyz", 3, 1), 2);
	assert_int_equal(text_editdist("a", 1, "abcdef", 6, 2), 3);
}

static void
test_07_words(void **s)
{
	char buf[] = "a  bb ccc", *w[4];

	(void)s;
	assert_int_equal(text_words(buf, w, 4), 3);
	assert_string_equal(w[1], "bb");
	assert_string_equal(w[2], "ccc");
}

static void
test_08_format_inside_a_word(void **s)
{
	/* every code that only styles text, where it splits a word */
	static const char codes[] = { 0x02, 0x0f, 0x11, 0x16, 0x1d, 0x1e,
	    0x1f, 0x03, 0x04 };
	char in[8];
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(codes); i++) {
		in[0] = 's';
		in[1] = codes[i];
		memcpy(in + 2, "re", 3);
		check_clean(in, 4, "sre");
		check_norm(in, 4, "sre");	/* not the ASCII fast path's */
	}
	CLEAN("\x02sre\x02", "sre");
	CLEAN("\x1d\x1f" "da\x1eta\x0f \x16sci\x11" "entist",
	    "data scientist");
}

static void
test_09_colour_digits(void **s)
{
	(void)s;
	CLEAN("\x03" "04,12salary", "salary");
	CLEAN("\x03" "4,1salary", "salary");
	CLEAN("\x03" "04salary", "salary");
	CLEAN("\x03" "salary\x03", "salary");	/* bare: colour off */
	/* at most two digits each side: the figure after them is text */
	CLEAN("\x03" "04150k", "150k");
	CLEAN("\x03" "04,12150k", "150k");
	CLEAN("\x03" "4,150k", "0k");		/* mIRC reads 4,15 */
	/* a comma without a digit after it is text */
	CLEAN("\x03" "5, and", ", and");
	CLEAN("\x03" ",5x", ",5x");		/* no foreground: no pair */
	CLEAN("above \x03" "03$150k\x03", "above $150k");
	check_norm("\x03" "04150k", 7, "150k");
}

static void
test_10_hex_colour(void **s)
{
	(void)s;
	CLEAN("\x04" "FF0000sre", "sre");
	CLEAN("\x04" "ff0000,00FF00sre", "sre");
	CLEAN("\x04" "ff0000" "deadbeef", "deadbeef");	/* six, no more */
	CLEAN("\x04" "ff0000,12sre", ",12sre");	/* not six after ',' */
	CLEAN("\x04" "abc sre", "abc sre");	/* too short: only the code */
	CLEAN("d\x04" "ata", "data");
	CLEAN("\x04", "");
}

static void
test_11_lookalikes_folded(void **s)
{
	(void)s;
	CLEAN("\xd1\x95re", "sre");			/* Cyrillic dze */
	CLEAN("d\xd0\xb0ta", "data");			/* Cyrillic a */
	CLEAN("r\xce\xbfle", "role");			/* Greek omicron */
	CLEAN("\xd0\x86T", "IT");			/* Cyrillic I, not l */
	CLEAN("k8\xd1\x95", "k8s");			/* digits join a word */
	CLEAN("\xd1\x95\x02re", "sre");		/* both at once */
	/* a look-alike of nothing Latin stays (Cyrillic zhe) */
	CLEAN("s\xd0\xb6re", "s\xd0\xb6re");
	/* accents are kept: only other scripts' letters are folded */
	CLEAN("d\xc3\xa9v\xd0\xbeps", "d\xc3\xa9vops");
	check_norm("what does an \xd1\x95r\xd0\xb5 make", 23,
	    "what does an sre make");
	/* closed, then opened again on the next mixed word */
	text_shutdown();
	text_shutdown();
	CLEAN("d\xd0\xb0ta", "data");
}

static void
test_12_other_scripts_kept(void **s)
{
	(void)s;
	/* "данные" (Russian: data) and "ρόλος" (Greek: role) */
	CLEAN("\xd0\xb4\xd0\xb0\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5",
	    "\xd0\xb4\xd0\xb0\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5");
	CLEAN("\xcf\x81\xcf\x8c\xce\xbb\xce\xbf\xcf\x82",
	    "\xcf\x81\xcf\x8c\xce\xbb\xce\xbf\xcf\x82");
	/* a Latin word beside it does not make it a mixed word */
	CLEAN("sre \xd0\xb4\xd0\xb0\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5",
	    "sre \xd0\xb4\xd0\xb0\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb5");
	CLEAN("\xd0\xb0 \xd1\x95", "\xd0\xb0 \xd1\x95");
}

static void
test_13_controls_still_spaces(void **s)
{
	(void)s;
	CLEAN("s\rr\ne", "s r e");
	CLEAN("s\0re", "s re");
	CLEAN("s\tre", "s re");
	CLEAN("s\x01re\x05x\x1b", "s re x ");	/* CTCP, ESC: not styles */
	CLEAN("a\x02\r\n\x0f" "b", "a  b");
	check_norm("s\0re", 4, "s re");
}

static void
test_14_format_characters_removed(void **s)
{
	(void)s;
	/* RLO (the rest of a line shown reversed), LRE, PDF, an isolate */
	CLEAN("\xe2\x80\xaeorez", "orez");
	CLEAN("a\xe2\x80\xaa" "b\xe2\x80\xac" "c\xe2\x81\xa6" "d", "abcd");
	/* zero-width space, joiner, soft hyphen, BOM, a tag character:
	 * inside a word they leave nothing, as IRC formatting does */
	CLEAN("s\xe2\x80\x8bre", "sre");
	CLEAN("s\xe2\x80\x8dr\xc2\xad" "e\xef\xbb\xbf", "sre");
	CLEAN("x\xf3\xa0\x80\x81y", "xy");
	/* line and paragraph separators end a line: spaces */
	CLEAN("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c", "a b c");
	check_norm("s\xe2\x80\x8bre", 6, "sre");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_norm_ascii),
		cmocka_unit_test(test_02_norm_latin1_and_accents),
		cmocka_unit_test(test_03_clean_controls),
		cmocka_unit_test(test_04_key_singular),
		cmocka_unit_test(test_05_utf8_cut),
		cmocka_unit_test(test_06_editdist),
		cmocka_unit_test(test_07_words),
		cmocka_unit_test(test_08_format_inside_a_word),
		cmocka_unit_test(test_09_colour_digits),
		cmocka_unit_test(test_10_hex_colour),
		cmocka_unit_test(test_11_lookalikes_folded),
		cmocka_unit_test(test_12_other_scripts_kept),
		cmocka_unit_test(test_13_controls_still_spaces),
		cmocka_unit_test(test_14_format_characters_removed),
	};
	int rc;

	rc = cmocka_run_group_tests_name("text", t, NULL, NULL);
	text_shutdown();	/* the spoof checker: no leak to report */
	return rc;
}
