/* test_fmt.c -- money, HTML escaping, tables and the 400-byte cut. */
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

/* A sentence's end after an item's ("half the battle; ... base
 * salary. When evaluating..."): the line keeps the later one. */
static void
test_08_cut_at_later_sentence(void **s)
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
		cmocka_unit_test(test_08_cut_at_later_sentence),
	};

	return cmocka_run_group_tests_name("fmt", t, NULL, NULL);
}
