/*
 * test_repair.c -- a parsed question made answerable (repair.c): the
 * clause that asks, small talk, a subject not covered, the fall-backs
 * when entities are missing, two roles' pay or difference; then the
 * same end to end through the router.
 */
#include "testutil.h"

#include "repair.h"


/* An empty question of kind k (no entities, no cue). */
static void
blank(struct intent *q, enum intent_kind k)
{
	memset(q, 0, sizeof(*q));
	q->kind = k;
	q->e.category = q->e.category2 = q->e.xcategory = -1;
}

static void
test_01_names_subject(void **s)
{
	struct intent q;

	(void)s;
	blank(&q, I_SALARY);
	assert_false(repair_names_subject(&q.e));
	q.e.nskills = 1;
	assert_true(repair_names_subject(&q.e));
	blank(&q, I_SALARY);
	q.e.category = 0;
	assert_true(repair_names_subject(&q.e));
	blank(&q, I_SALARY);
	q.e.nunknown = 1;
	assert_true(repair_names_subject(&q.e));
}

static void
test_02_last_clause_that_asks(void **s)
{
	struct intent q;

	(void)s;
	read_q("thx. what do cloud architects make", &q);
	assert_int_equal(q.e.nroles, 1);
	assert_ptr_equal(q.e.roles[0], role("cloud-architect"));
	/* "thx" was its own clause: not among the words read */
	assert_string_not_equal(q.words[0], "thx");
	question_free(&q);
}

static void
test_03_unknown_subject(void **s)
{
	struct intent q;

	(void)s;
	read_q("scrum master pay", &q);
	assert_int_equal(repair_unknown_subject(&q), 1);
	assert_int_equal(q.e.nunknown, 1);
	assert_string_equal(q.e.unknown[0], "scrum master");
	question_free(&q);
	/* general words and chat filler are no subject */
	read_q("what do tech jobs pay", &q);
	assert_int_equal(repair_unknown_subject(&q), 0);
	assert_int_equal(q.e.nunknown, 0);
	question_free(&q);
}

static void
test_04_small_talk(void **s)
{
	struct intent q;

	(void)s;
	read_q("hello", &q);
	q.kind = I_NONE;
	repair_small_talk(&q);
	assert_int_equal(q.kind, I_HELLO);
	question_free(&q);
	read_q("thx", &q);
	q.kind = I_NONE;
	repair_small_talk(&q);
	assert_int_equal(q.kind, I_THANKS);
	question_free(&q);
	/* a subject is no small talk */
	read_q("hello devops", &q);
	q.kind = I_NONE;
	repair_small_talk(&q);
	assert_int_equal(q.kind, I_NONE);
	question_free(&q);
}

static void
test_05_fall_back_without_a_role(void **s)
{
	struct intent q;

	(void)s;
	blank(&q, I_SALARY);
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_RANGE);	/* the whole range */
	blank(&q, I_SALARY);
	q.lowest = 1;
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_TOP);	/* a ranking */
	blank(&q, I_SKILLS);
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_KEYSKILLS);
	blank(&q, I_ABOVE);
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_TOP);	/* no amount */
}

static void
test_06_fall_back_one_role_both_ends(void **s)
{
	struct intent q;

	(void)s;
	blank(&q, I_SALARY);
	q.e.roles[q.e.nroles++] = role("ciso");
	q.both_ends = 1;
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_SPREAD);
	blank(&q, I_RANGE);
	q.e.roles[q.e.nroles++] = role("ciso");
	q.mean = 1;
	repair_fall_back(&q, F.kb);
	assert_int_equal(q.kind, I_SALARY);
	assert_int_equal(q.measure, PICK_MID);
}

static void
test_07_pair_pay_or_difference(void **s)
{
	struct intent q;

	(void)s;
	blank(&q, I_DIFFERENCE);
	q.e.roles[q.e.nroles++] = role("ciso");
	q.e.roles[q.e.nroles++] = role("cloud-architect");
	q.cues = 1ULL << I_SALARY;
	repair_pair(&q);
	assert_int_equal(q.kind, I_COMPARE);	/* pay words: their pay */
	q.cues = 1ULL << I_ROLE;
	repair_pair(&q);
	assert_int_equal(q.kind, I_DIFFERENCE);	/* job words: apart */
	/* one role is no pair */
	blank(&q, I_COMPARE);
	q.e.roles[q.e.nroles++] = role("ciso");
	q.cues = 1ULL << I_ROLE;
	repair_pair(&q);
	assert_int_equal(q.kind, I_COMPARE);
}

static void
test_08_pay_or_prose_needs_an_unsure_model(void **s)
{
	struct intent q;

	(void)s;
	blank(&q, I_SALARY);
	q.top[0].kind = I_SALARY;
	q.top[0].p = 0.5f;
	q.top[1].kind = I_PASSAGE;
	q.top[1].p = 0.3f;
	q.aspects[0].name = kb_aspect_names[ASPECT_WHY_PAYS];
	q.aspects[0].p = 0.9f;
	repair_pay_or_prose(&q);
	assert_int_equal(q.kind, I_PASSAGE);
	assert_string_equal(q.aspect, kb_aspect_names[ASPECT_WHY_PAYS]);
	/* sure of the pay question: the figure */
	q.kind = I_SALARY;
	q.aspect = NULL;
	q.top[0].p = 0.9f;
	repair_pay_or_prose(&q);
	assert_int_equal(q.kind, I_SALARY);
}

/* One role and both ends of its range: how wide it is; "the average of
 * the min and max": its labelled midpoint (the guide's "average salary"
 * alone is not). */
static void
test_09_router_range_ends(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	a = ask_at("techpay: gap between lowest and highest sre pay", "re",
	    t0, 0);
	assert_has(a, "$45,000 wide");
	a = ask_at("techpay: ai product manager min to max difference", "re",
	    t0 + 1, 0);
	assert_has(a, "$60,000 wide");
	a = ask_at("techpay: avg of the min and max for sre", "re", t0 + 2, 0);
	assert_has(a, "Midpoint $162,500");
	a = ask_at("techpay: whats the midpt of blockchain dev pay", "re",
	    t0 + 3, 0);
	assert_has(a, "Midpoint $170,000");
	a = ask_at("techpay: whats the average salary for a devops engineer",
	    "re", t0 + 4, 0);
	assert_has(a, "$130,000");
}

/* A pay question naming nothing known but words the bot does not know
 * is about something not covered: never the overall range, never the
 * last role; chat filler is no subject; a skill's pay is no role's. */
static void
test_10_router_unknown_subject(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	a = ask_at("techpay: scrum master pay", "us", t0, 0);
	assert_has(a, "\"scrum master\" isn't covered");
	assert_lacks(a, "$");
	a = ask_at("techpay: how much do plumbers make", "us", t0 + 1, 0);
	assert_has(a, "isn't covered");
	assert_lacks(a, "$");
	assert_has(ask_at("techpay: what do tech jobs pay", "us", t0 + 2, 0),
	    "Salary ranges");
	assert_has(ask_at("techpay: what does a blockchain dev do", "us",
	    t0 + 3, 0), "Blockchain");
	assert_has(ask_at("techpay: no i meant the pay", "us", t0 + 4, 0),
	    "$140,000");
	a = ask_at("techpay: sysadmin salary", "us", t0 + 5, 0);
	assert_has(a, "don't cover pay for skills");
	assert_has(a, "Site Reliability Engineer");
}

/* Small talk of one kind decides; help and the bot's name by phrase. */
static void
test_11_router_small_talk(void **s)
{
	const time_t t0 = 1790000000;

	(void)s;
	assert_has(ask_at("techpay: good morning", "st", t0, 0), "Hi!");
	assert_has(ask_at("techpay: thanks a lot", "st", t0 + 1, 0),
	    "welcome");
	assert_has(ask_at("techpay: give me some example questions", "st",
	    t0 + 2, 0), "!salary");
	assert_has(ask_at("techpay: whats ur name", "st", t0 + 3, 0),
	    "I'm techpay");
}

/* Bonuses and equity of a named role: its own sentence when the guides
 * have one, else the general advice. */
static void
test_12_router_role_tips(void **s)
{
	const time_t t0 = 1790000000;

	(void)s;
	assert_has(ask_at("techpay: do engineering managers get bonuses",
	    "rt", t0, 0), "performance-based bonuses");
	assert_has(ask_at("techpay: do ai research scientists get equity",
	    "rt", t0 + 1, 0), "equity packages");
	assert_has(ask_at("techpay: do devops engineers get equity", "rt",
	    t0 + 2, 0), "stock grants");
}

/* Where a message asks a second thing: "and"/"also"/"plus" after a
 * sentence's end, or before a question word; not after a comma alone,
 * not before "which" or "who" (two sides of one question). */
static void
test_13_parts(void **s)
{
	size_t at[REPAIR_PARTS_MAX];

	(void)s;
	assert_int_equal(repair_parts("sre midpoint. and devops too", at,
	    REPAIR_PARTS_MAX), 2);
	assert_int_equal(at[1], strlen("sre midpoint. "));
	assert_int_equal(repair_parts("ml engg salary and what skills do "
	    "they need", at, REPAIR_PARTS_MAX), 2);
	assert_int_equal(at[1], strlen("ml engg salary "));
	assert_int_equal(repair_parts("ds pay, and whats the midpoint", at,
	    REPAIR_PARTS_MAX), 2);
	assert_int_equal(repair_parts("how much do devops and sres make", at,
	    REPAIR_PARTS_MAX), 1);
	assert_int_equal(repair_parts("which pays the most and which the "
	    "least", at, REPAIR_PARTS_MAX), 1);
	assert_int_equal(repair_parts("i run standups, and i have no idea",
	    at, REPAIR_PARTS_MAX), 1);
	assert_int_equal(repair_parts("a? and what. also how. plus why", at,
	    REPAIR_PARTS_MAX), REPAIR_PARTS_MAX);
	assert_int_equal(repair_parts("and what is it", at,
	    REPAIR_PARTS_MAX), 1);	/* nothing before the "and" */
}

/* A part asks more when it asks another kind of thing, surely or of a
 * subject of its own; small talk and two of a kind do not. */
static void
test_14_asks_more(void **s)
{
	struct intent a, b;

	(void)s;
	read_q("ml engineer salary", &a);
	read_q("and what skills do they need", &b);
	assert_true(repair_asks_more(&a, &b));
	question_free(&b);
	read_q("and what is the point of it", &b);
	assert_false(repair_asks_more(&a, &b));
	question_free(&b);
	read_q("thx", &b);
	assert_false(repair_asks_more(&a, &b));
	assert_false(repair_asks_more(&b, &a));
	question_free(&b);
	read_q("sre salary", &b);
	assert_false(repair_asks_more(&a, &b));	/* two of a kind */
	question_free(&b);
	question_free(&a);
}

/* Each part answered in turn, the second following the first; one
 * question with an "and" stays one. */
static void
test_15_router_parts(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	a = ask_at("techpay: ml engg salary and what skills do they need",
	    "pt", t0, 0);
	assert_has(a, "$150,000");
	assert_has(a, "Python and SQL");
	a = ask_at("techpay: sre mid point. and devops too while ur at it",
	    "pt", t0 + 1, 0);
	assert_has(a, "Midpoint $162,500");
	assert_has(a, "Midpoint $152,500");
	/* both parts' roles are the conversation's */
	a = ask_at("techpay: which of those has the higher top", "pt", t0 + 2,
	    0);
	assert_has(a, "Site Reliability Engineer");
	assert_has(a, "DevOps Engineer");
	a = ask_at("techpay: list all roles with their pay", "pt", t0 + 4, 0);
	assert_has(a, "Top 10 by midpoint");
	a = ask_at("techpay: which role earns the most in security and which "
	    "in cloud", "pt", t0 + 3, 0);
	assert_has(a, "Highest in Cybersecurity");
	assert_has(a, "Highest in Cloud and infrastructure");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_names_subject),
		cmocka_unit_test(test_02_last_clause_that_asks),
		cmocka_unit_test(test_03_unknown_subject),
		cmocka_unit_test(test_04_small_talk),
		cmocka_unit_test(test_05_fall_back_without_a_role),
		cmocka_unit_test(test_06_fall_back_one_role_both_ends),
		cmocka_unit_test(test_07_pair_pay_or_difference),
		cmocka_unit_test(test_08_pay_or_prose_needs_an_unsure_model),
		cmocka_unit_test(test_09_router_range_ends),
		cmocka_unit_test(test_10_router_unknown_subject),
		cmocka_unit_test(test_11_router_small_talk),
		cmocka_unit_test(test_12_router_role_tips),
		cmocka_unit_test(test_13_parts),
		cmocka_unit_test(test_14_asks_more),
		cmocka_unit_test(test_15_router_parts),
	};

	return cmocka_run_group_tests_name("repair", t, fixture_setup,
	    fixture_teardown);
}
