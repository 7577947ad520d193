/*
 * test_explain.c -- the trace of how a question was read (explain.c):
 * its lines in order, the spans and what took them, the entities, the
 * conversation used and the intent chosen.
 */
#include "testutil.h"

#include "explain.h"
#include "repair.h"


static void
test_01_parse_lines_in_order(void **s)
{
	static const char *const lines[] = { "normalised:", "\nspans:",
	    "\nentities:", "\nintent scores:", "\nintent: ", NULL };
	struct intent q;
	struct buf t;
	const char *p;
	int i;

	(void)s;
	memset(&t, 0, sizeof(t));
	read_q("what does an sre make", &q);
	explain_parse(&t, F.kb, &q);
	for (i = 0, p = buf_str(&t); lines[i]; i++) {
		p = strstr(p, lines[i]);
		if (p == NULL)
			fail_msg("no \"%s\" in order: %s", lines[i],
			    buf_str(&t));
	}
	assert_int_equal(buf_str(&t)[t.len - 1], '\n');
	question_free(&q);
	buf_free(&t);
}

static void
test_02_spans_and_entities(void **s)
{
	struct intent q;
	struct buf t;

	(void)s;
	memset(&t, 0, sizeof(t));
	read_q("cloud architect salary in euros", &q);
	explain_parse(&t, F.kb, &q);
	assert_has(buf_str(&t), "normalised: cloud architect salary in euros");
	assert_has(buf_str(&t), "role[0-1]=\"cloud architect\"");
	assert_has(buf_str(&t), " role=Cloud Architect");
	assert_has(buf_str(&t), " modifier=\"");
	assert_has(buf_str(&t), "\nintent: salary");
	question_free(&q);
	buf_free(&t);
}

static void
test_03_not_covered_and_guide(void **s)
{
	struct intent q;
	struct buf t;

	(void)s;
	memset(&t, 0, sizeof(t));
	read_q("scrum master pay", &q);
	(void)repair_unknown_subject(&q);
	explain_parse(&t, F.kb, &q);
	assert_has(buf_str(&t), "not-covered=\"scrum master\"");
	question_free(&q);
	buf_reset(&t);
	read_q("ciso pay in the older guide", &q);
	explain_parse(&t, F.kb, &q);
	assert_has(buf_str(&t), " guide=undated");
	question_free(&q);
	buf_free(&t);
}

static void
test_04_state_without_a_conversation(void **s)
{
	struct intent q;
	struct buf t;

	(void)s;
	memset(&t, 0, sizeof(t));
	read_q("what does an sre make", &q);
	explain_state(&t, NULL, &q);
	assert_string_equal(buf_str(&t), "conversation: none\nchosen: salary "
	    "role=Site Reliability Engineer\n");
	question_free(&q);
	buf_free(&t);
}

static void
test_05_state_with_the_last_answer(void **s)
{
	struct said last;
	struct intent q;
	struct buf t;

	(void)s;
	memset(&last, 0, sizeof(last));
	last.kind = I_SKILLS;
	last.roles[last.nroles++] = role("ciso");
	memset(&t, 0, sizeof(t));
	read_q("what does an sre make", &q);
	explain_state(&t, &last, &q);
	assert_has(buf_str(&t), "conversation: last=skills "
	    "role=Chief Information Security Officer\n");
	question_free(&q);
	buf_free(&t);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_parse_lines_in_order),
		cmocka_unit_test(test_02_spans_and_entities),
		cmocka_unit_test(test_03_not_covered_and_guide),
		cmocka_unit_test(test_04_state_without_a_conversation),
		cmocka_unit_test(test_05_state_with_the_last_answer),
	};

	return cmocka_run_group_tests_name("explain", t, fixture_setup,
	    fixture_teardown);
}
