/* test_text.c -- UTF-8 repair, normalisation, keys, cutting, distance. */
#include "testutil.h"

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
	check_norm("what's", 6, "whats");
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
	};

	return cmocka_run_group_tests_name("text", t, NULL, NULL);
}
