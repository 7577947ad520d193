/*
 * test_conversation.c -- the router's memory and what it reads a message
 * as: memory fills gaps only, a follow-up uses it, a guide can be chosen
 * (also as a follow-up), several roles are compared, clauses are read
 * one by one, and explain shows why.  Each case is its own conversation.
 */
#include "testutil.h"

static int convo;	/* a new conversation per case */

/* Asks each of turns in one new conversation; returns the last answer. */
static const char *
talk(const char *const *turns)
{
	char where[32];
	const char *a = "";

	snprintf(where, sizeof(where), "c%d", ++convo);
	for (; *turns; turns++)
		a = ask_where(*turns, strlen(*turns), 1, where);
	return a;
}

#define TALK(...)	talk((const char *const[]){ __VA_ARGS__, NULL })

/* 1 a new role is answered on its own, not from memory */
static void
test_01_new_role_wins(void **s)
{
	const char *a;

	(void)s;
	a = TALK("how much does a ciso make", "wats the salery for a data scientst");
	assert_has(a, "Data Scientist");
	assert_lacks(a, "Chief Information Security");
	a = TALK("what does a blockchain dev make", "tell me about ai jobs");
	assert_lacks(a, "Blockchain");
	assert_has(a, "AI");
}

/* 2 an uncovered job after a covered one is not the covered one */
static void
test_02_uncovered_after_covered(void **s)
{
	const char *a;

	(void)s;
	a = TALK("how much does a ciso make",
	    "how much does a nurse make");
	assert_has(a, "isn't covered");
	assert_lacks(a, "Chief Information Security");
}

/* 3 a bare follow-up takes the last question with the new role */
static void
test_03_follow_up(void **s)
{
	const char *a;

	(void)s;
	a = TALK("how much do devops folks take home", "and sre?");
	assert_has(a, "Site Reliability Engineer");
	assert_has(a, "$140,000");
	assert_lacks(a, "DevOps");
	a = TALK("what skills does a data scientist need", "and devops");
	assert_has(a, "Jenkins");
}

/* 4 "the older guide" and "the other guide" choose the source */
static void
test_04_guide(void **s)
{
	const char *a;

	(void)s;
	a = TALK("what does the older guide say about cloud architects");
	assert_has(a, "undated guide");
	assert_has(a, "cloud computing strategy");
	assert_lacks(a, "$145,000");
	a = TALK("!salary devops", "what about it in the other guide");
	assert_has(a, "isn't in the undated guide");
	assert_lacks(a, "$130,000");
	/* the guide without the role names its field: that line */
	assert_has(a, "\"DevOps Practices: Streamlining");
	a = TALK("what does the older guide say about blockchain devs");
	assert_has(a, "isn't in the undated guide");
	assert_lacks(a, "It names");
}

/* 5 three roles are compared, none dropped; "those" are the last ones */
static void
test_05_three_roles(void **s)
{
	const char *a;

	(void)s;
	a = TALK("ml engineer vs ai research scientist vs data scientist");
	assert_has(a, "Machine Learning Engineer");
	assert_has(a, "AI Research Scientist");
	assert_has(a, "Data Scientist");
	a = TALK("compare ml engineer, data scientist and devops pay",
	    "which of those three has the lowest top end");
	assert_has(a, "DevOps Engineer ($175,000)");
}

/* 6 a difference is what each does, the guides' own sentence first */
static void
test_06_difference(void **s)
{
	const char *a;

	(void)s;
	a = TALK("whats the difference between a ciso and a security "
	    "architect");
	assert_has(a, "manages the strategy");
	assert_has(a, "line 14");
}

/* 7 two clauses: the one that asks is answered */
static void
test_07_clauses(void **s)
{
	const char *a;

	(void)s;
	a = TALK("thx. what about cloud solutions architects pay");
	assert_has(a, "$145,000");
	a = TALK("hey there, hope you're well. long day here. anyway how "
	    "much does a site reliability engineer make");
	assert_has(a, "$140,000");
}

/* 8 how current, which money, which country: what the guides say */
static void
test_08_data(void **s)
{
	const char *a;

	(void)s;
	a = TALK("are your numbers up to date");
	assert_has(a, "2026");
	assert_has(a, "undated");
	a = TALK("are these salaries for the us");
	assert_has(a, "Neither says which country");
}

/* 9 a prose question gets the sentence of its subject and aspect, with
 * the line the map gives it */
static void
test_09_prose(void **s)
{
	const char *a;

	(void)s;
	a = TALK("who hires ml engineers the most");
	assert_has(a, "finance, healthcare, and e-commerce");
	assert_has(a, "line 8");
	a = TALK("why do sres get paid so well");
	assert_has(a, "line 20");
	assert_has(a, "most competitive salaries");
}

/* 10 "source?" cites the line of the role's own sentence, even where two
 * roles' pay sentences are word for word the same */
static void
test_10_cite_line(void **s)
{
	const char *a;

	(void)s;
	a = TALK("how much does an ai product manager make", "source?");
	assert_has(a, "line 198");
	a = TALK("how much does an ml engineer make", "source?");
	assert_has(a, "line 39");
}

/* 11 explain: the spans, the scores, the state and the choice */
static void
test_11_explain(void **s)
{
	struct message m = { .where = "x", .direct = 1 };
	struct buf t = {0};
	const char *q = "how much do sres make";

	(void)s;
	m.text = q;
	m.len = strlen(q);
	assert_int_equal(router_explain(F.rt, &m, 1790000000, &F.a, &t), 1);
	assert_has(buf_str(&t), "role[3-3]=\"sres\"");
	assert_has(buf_str(&t), "role=Site Reliability Engineer");
	assert_has(buf_str(&t), "intent scores: salary=");
	assert_has(buf_str(&t), "conversation: none");
	assert_has(buf_str(&t), "chosen: salary");
	buf_free(&t);
	q = "and devops?";
	m.text = q;
	m.len = strlen(q);
	router_explain(F.rt, &m, 1790000000, &F.a, &t);
	assert_has(buf_str(&t), "conversation: last=salary role=Site");
	assert_has(buf_str(&t), "chosen: salary role=DevOps Engineer");
	buf_free(&t);
}

/* 12 a modifier is named even after a reading note used the echo */
static void
test_12_modifier_named(void **s)
{
	const char *a;

	(void)s;
	a = TALK("wats the salery for a cyber arhc in london");
	assert_has(a, "taking \"cyber arhc\"");
	assert_has(a, "nothing for \"london\"");
}

/* 13 "those" goes back to the roles asked one after the other; a
 * follow-up keeps the last question's measure */
static void
test_13_those_asked_in_turn(void **s)
{
	const char *a;

	(void)s;
	a = TALK("what do sres earn", "and devops",
	    "and which of those has the lower midpoint");
	assert_has(a, "Site Reliability Engineer");
	assert_has(a, "Lowest midpoint: DevOps Engineer");
	a = TALK("whats the midpoint for sre", "and for blockchain");
	assert_has(a, "Blockchain Developer");
	assert_has(a, "Midpoint $170,000");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_new_role_wins),
		cmocka_unit_test(test_02_uncovered_after_covered),
		cmocka_unit_test(test_03_follow_up),
		cmocka_unit_test(test_04_guide),
		cmocka_unit_test(test_05_three_roles),
		cmocka_unit_test(test_06_difference),
		cmocka_unit_test(test_07_clauses),
		cmocka_unit_test(test_08_data),
		cmocka_unit_test(test_09_prose),
		cmocka_unit_test(test_10_cite_line),
		cmocka_unit_test(test_11_explain),
		cmocka_unit_test(test_12_modifier_named),
		cmocka_unit_test(test_13_those_asked_in_turn),
	};

	return cmocka_run_group_tests_name("conversation", t, fixture_setup,
	    fixture_teardown);
}
