/* test_fmt.c -- money, HTML escaping, tables and the one cutter. */
#include "testutil.h"

static void
test_01_money(void **s)
{
	struct answer a;

	(void)s;
	answer_init(&a);
	fmt_money(&a, 140000);
	fmt_text(&a, " ");
	fmt_range(&a, 160000, 240000, 1);
	fmt_text(&a, " ");
	fmt_money_x2(&a, 325001);
	fmt_text(&a, " ");
	fmt_money(&a, 999);
	assert_string_equal(buf_str(&a.text),
	    "$140,000 $160,000–$240,000+ $162,500.50 $999");
	answer_free(&a);
}

static void
test_02_html_escape(void **s)
{
	struct answer a;

	(void)s;
	answer_init(&a);
	fmt_strong(&a, "<b>&\"");
	fmt_echo(&a, "<script>");
	assert_string_equal(buf_str(&a.text), "<b>&\"\"<script>\"");
	assert_string_equal(buf_str(&a.html),
	    "<b>&lt;b&gt;&amp;&quot;</b>&quot;&lt;script&gt;&quot;");
	answer_free(&a);
}

static void
test_03_table(void **s)
{
	static const char *const h[] = { "Role", "Pay" };
	struct answer a;

	(void)s;
	answer_init(&a);
	fmt_table_begin(&a, h, 2);
	fmt_row_begin(&a, "; ");
	fmt_cell_begin(&a); fmt_text(&a, "A"); fmt_cell_end(&a);
	fmt_cell_begin(&a); fmt_text(&a, "1"); fmt_cell_end(&a);
	fmt_row_end(&a);
	fmt_row_begin(&a, "; ");
	fmt_cell_begin(&a); fmt_text(&a, "B"); fmt_cell_end(&a);
	fmt_html_cell_range(&a, 1, 2, 0);
	fmt_row_end(&a);
	fmt_table_end(&a);
	assert_string_equal(buf_str(&a.text), "A 1; B");
	assert_string_equal(buf_str(&a.html), "<table><tr><th>Role</th>"
	    "<th>Pay</th></tr><tr><td>A</td><td>1</td></tr><tr><td>B</td>"
	    "<td>$1–$2</td></tr></table>");
	answer_free(&a);
}

static void
test_04_cut_utf8(void **s)
{
	struct answer a;
	struct buf all = {0};
	int i;

	(void)s;
	answer_init(&a);
	for (i = 0; i < 300; i++)
		fmt_text(&a, "é");	/* 600 bytes, no spaces */
	fmt_finish(&a, ANSWER_LINE_MAX);
	assert_true(a.text.len <= ANSWER_LINE_MAX);
	assert_true(a.more.len > 0);
	/* no half character anywhere: the line and the rest are valid */
	{
		char *c = text_clean(a.text.s, a.text.len);

		assert_string_equal(c, a.text.s);
		free(c);
	}
	buf_puts(&all, a.text.s);
	assert_has(buf_str(&all), "more");
	buf_free(&all);
	answer_free(&a);
}

static void
test_05_cut_at_separator(void **s)
{
	struct answer a;
	int i;

	(void)s;
	answer_init(&a);
	for (i = 0; i < 60; i++)
		fmt_printf(&a, "%sitem number %d", i ? "; " : "", i);
	fmt_finish(&a, ANSWER_LINE_MAX);
	assert_true(a.text.len <= ANSWER_LINE_MAX);
	/* cut after a "; " item boundary, the rest starts with an item */
	assert_memory_equal(a.more.s, "item number", 11);
	fmt_continue(&a, buf_str(&a.more), ANSWER_LINE_MAX);
	assert_true(a.text.len <= ANSWER_LINE_MAX);
	answer_free(&a);
}

static void
test_06_echo_limits(void **s)
{
	struct answer a;
	char big[300];

	(void)s;
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	answer_init(&a);
	fmt_echo(&a, big);
	assert_true(a.text.len < ECHO_MAX + 8);
	answer_reset(&a);
	fmt_echo(&a, "a\r\nPRIVMSG #x :hi");
	assert_null(strchr(a.text.s, '\r'));
	assert_null(strchr(a.text.s, '\n'));
	answer_free(&a);
}

/* Counts the occurrences of needle in hay. */
static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

static void
test_07_echo_once_short_and_clean(void **s)
{
	struct answer a;

	(void)s;
	answer_init(&a);
	/* RLO would show the rest of the bot's line reversed */
	fmt_echo(&a, "\xe2\x80\xaeorez si yrals");
	assert_string_equal(buf_str(&a.text), "\"orez si yrals\"");
	answer_reset(&a);
	/* one echo per answer, short: no list of nicks to highlight */
	fmt_echo(&a, "alice bob carol dave erin frank gina hank");
	fmt_text(&a, " and ");
	fmt_echo(&a, "ivan judy karl liam mona");
	assert_int_equal(count(buf_str(&a.text), "\"") , 4);
	assert_null(strstr(buf_str(&a.text), "ivan"));
	assert_null(strstr(buf_str(&a.text), "hank"));
	assert_non_null(strstr(buf_str(&a.text), "\" and \"…\""));
	/* a new answer may echo again */
	answer_reset(&a);
	fmt_echo(&a, "sre");
	assert_string_equal(buf_str(&a.text), "\"sre\"");
	answer_free(&a);
}

/* The one cutter: what fits is not cut, whatever back says. */
static void
test_08_cut_fits_whole(void **s)
{
	(void)s;
	assert_int_equal(fmt_cut("a; b c", 6, 6, FMT_BACK_HALF), 6);
	assert_int_equal(fmt_cut("a; b c", 6, 40, FMT_BACK_WORDS), 6);
	assert_int_equal(fmt_cut("", 0, 0, FMT_BACK_QUARTER), 0);
}

/* Items first: "; " before ". " before ", ", the ';' kept on the line. */
static void
test_09_cut_items_in_order(void **s)
{
	const char *t = "aaaa, bbbb. cccc; dddd eeee";

	(void)s;
	assert_int_equal(fmt_cut(t, strlen(t), 24, FMT_BACK_HALF), 17);
	assert_int_equal(t[17 - 1], ';');
	/* no "; " in reach: the ". " */
	assert_int_equal(fmt_cut(t, strlen(t), 15, FMT_BACK_HALF), 11);
	assert_int_equal(t[11 - 1], '.');
}

/* back: an item far from the end does not pull the cut in a quarter
 * or with words only; a word does. */
static void
test_10_cut_back_limits_items(void **s)
{
	const char *t = "aaaaaaaa; bbb ccc ddd eee fff ggg";
	size_t len = strlen(t);

	(void)s;
	/* max 30: the "; " at 8 is past half (15): not an item in reach */
	assert_int_equal(fmt_cut(t, len, 30, FMT_BACK_HALF), 29);
	assert_int_equal(fmt_cut(t, len, 14, FMT_BACK_HALF), 9);
	assert_int_equal(fmt_cut(t, len, 14, FMT_BACK_QUARTER), 13);
	assert_int_equal(fmt_cut(t, len, 14, FMT_BACK_WORDS), 13);
}

/* No space in the second half: the last whole UTF-8 character. */
static void
test_11_cut_utf8_exact_without_space(void **s)
{
	const char *t = "ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9";	/* abéééé */
	size_t c;

	(void)s;
	c = fmt_cut(t, strlen(t), 5, FMT_BACK_WORDS);
	assert_int_equal(c, 4);
	c = fmt_cut(t, strlen(t), 7, FMT_BACK_HALF);
	assert_int_equal(c, 6);
}

/* fmt_cut_line: the mark counts in max, trailing spaces go, the rest
 * starts at its first word. */
static void
test_12_cut_line_mark_and_rest(void **s)
{
	struct buf line = {0}, rest = {0};
	const char *t = "one two three four five";

	(void)s;
	fmt_cut_line(&line, &rest, t, strlen(t), 14, "…", FMT_BACK_WORDS);
	assert_string_equal(buf_str(&line), "one two…");
	assert_true(line.len <= 14);
	assert_string_equal(buf_str(&rest), "three four five");
	fmt_cut_line(&line, &rest, t, strlen(t), 100, "…", FMT_BACK_WORDS);
	assert_string_equal(buf_str(&line), t);
	fmt_cut_line(&line, &rest, t, strlen(t), strlen(t), "…",
	    FMT_BACK_HALF);
	assert_string_equal(buf_str(&line), t);
	assert_string_equal(buf_str(&rest), "");
	buf_free(&line);
	buf_free(&rest);
}

/* Every cut of a long mixed text is at most max, on a character
 * boundary, and moves forward. */
static void
test_13_cut_never_over_max(void **s)
{
	const char *t = "Rôle: ingénieur; salaire — $140,000. Compétences, "
	    "Kubernetes, Go; fin.";
	size_t len = strlen(t), max, c;
	enum fmt_back b;

	(void)s;
	for (b = FMT_BACK_HALF; b <= FMT_BACK_WORDS; b++)
		for (max = 4; max < len + 2; max++) {
			c = fmt_cut(t, len, max, b);
			assert_true(c <= max || c == len);
			assert_true(c > 0);
			assert_true(((unsigned char)t[c] & 0xc0) != 0x80);
		}
}

/* A sentence's end after an item's ("half the battle; ... base
 * salary. When evaluating..."): the line keeps the later one. */
static void
test_14_cut_at_later_sentence(void **s)
{
	struct answer a;
	int i;

	(void)s;
	answer_init(&a);
	fmt_text(&a, "Lead: one; two");
	for (i = 0; i < 40; i++)
		fmt_text(&a, " word");
	fmt_text(&a, ". Second sentence");
	for (i = 0; i < 60; i++)
		fmt_text(&a, " more");
	fmt_finish(&a, ANSWER_LINE_MAX);
	assert_true(a.text.len <= ANSWER_LINE_MAX);
	assert_memory_equal(a.more.s, "Second sentence", 15);
	answer_free(&a);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_money),
		cmocka_unit_test(test_02_html_escape),
		cmocka_unit_test(test_03_table),
		cmocka_unit_test(test_04_cut_utf8),
		cmocka_unit_test(test_05_cut_at_separator),
		cmocka_unit_test(test_06_echo_limits),
		cmocka_unit_test(test_07_echo_once_short_and_clean),
		cmocka_unit_test(test_08_cut_fits_whole),
		cmocka_unit_test(test_09_cut_items_in_order),
		cmocka_unit_test(test_10_cut_back_limits_items),
		cmocka_unit_test(test_11_cut_utf8_exact_without_space),
		cmocka_unit_test(test_12_cut_line_mark_and_rest),
		cmocka_unit_test(test_13_cut_never_over_max),
		cmocka_unit_test(test_14_cut_at_later_sentence),
	};

	return cmocka_run_group_tests_name("fmt", t, NULL, NULL);
}
