/*
 * test_recall.c -- follow-ups completed from the conversation
 * (recall.c): the recent roles kept, a name alone asking the last
 * question again, "they", "the other guide", "which of those", "the
 * other one"; then the same end to end through the router.
 */
#include "testutil.h"

#include "recall.h"
#include "repair.h"


/* A conversation whose last answer was kind about roles ids. */
static void
said_of(struct said *s, enum intent_kind kind, const char *id1,
    const char *id2)
{
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->roles[s->nroles++] = role(id1);
	if (id2)
		s->roles[s->nroles++] = role(id2);
	recall_keep(s, NULL);
}

static void
test_01_keep_own_roles_first(void **s)
{
	struct said before, now;

	(void)s;
	said_of(&before, I_SALARY, "devops-engineer", "data-scientist");
	assert_int_equal(before.nrecent, 2);
	assert_ptr_equal(before.recent[0], role("devops-engineer"));
	said_of(&now, I_SALARY, "data-scientist", NULL);
	recall_keep(&now, &before);
	/* its own, then the ones before, each once */
	assert_int_equal(now.nrecent, 2);
	assert_ptr_equal(now.recent[0], role("data-scientist"));
	assert_ptr_equal(now.recent[1], role("devops-engineer"));
}

static void
test_02_keep_at_most_recent_max(void **s)
{
	struct said before, now;

	(void)s;
	said_of(&before, I_SALARY, "devops-engineer", "data-scientist");
	said_of(&now, I_COMPARE, "ciso", "cloud-architect");
	recall_keep(&now, &before);
	assert_int_equal(now.nrecent, SAID_RECENT_MAX);
	assert_ptr_equal(now.recent[0], role("ciso"));
	assert_ptr_equal(now.recent[1], role("cloud-architect"));
	assert_ptr_equal(now.recent[2], role("devops-engineer"));
}

static void
test_03_nothing_to_follow(void **s)
{
	struct intent q;

	(void)s;
	read_q("and devops?", &q);
	recall_fill(&q, NULL, F.kb);
	/* no last question to repeat: never "again" */
	assert_int_not_equal(q.kind, I_AGAIN);
	question_free(&q);
}

static void
test_04_a_name_alone_asks_again(void **s)
{
	struct said last;
	struct intent q;

	(void)s;
	said_of(&last, I_SKILLS, "site-reliability-engineer", NULL);
	read_q("and devops?", &q);
	recall_fill(&q, &last, F.kb);
	assert_int_equal(q.kind, I_SKILLS);
	assert_int_equal(q.e.nroles, 1);
	assert_ptr_equal(q.e.roles[0], role("devops-engineer"));
	question_free(&q);
}

static void
test_05_they_are_the_last_roles(void **s)
{
	struct said last;
	struct intent q;

	(void)s;
	said_of(&last, I_ROLE, "ciso", NULL);
	read_q("how much do they make", &q);
	recall_fill(&q, &last, F.kb);
	assert_int_equal(q.kind, I_SALARY);
	assert_int_equal(q.e.nroles, 1);
	assert_ptr_equal(q.e.roles[0], role("ciso"));
	question_free(&q);
}

static void
test_06_the_other_guide(void **s)
{
	struct said last;
	struct intent q;

	(void)s;
	said_of(&last, I_SALARY, "ciso", NULL);
	last.guide = 1;
	read_q("what about in the other guide", &q);
	assert_int_equal(q.e.guide, 3);
	recall_fill(&q, &last, F.kb);
	assert_int_equal(q.e.guide, 2);
	question_free(&q);
	read_q("what about in the other guide", &q);
	recall_fill(&q, NULL, F.kb);	/* none used yet: the first */
	assert_int_equal(q.e.guide, 1);
	question_free(&q);
}

static void
test_07_which_of_those(void **s)
{
	struct said last;
	struct intent q;

	(void)s;
	said_of(&last, I_SALARY, "ciso", "cloud-architect");
	read_q("which of those pays more", &q);
	recall_fill(&q, &last, F.kb);
	assert_int_equal(q.kind, I_COMPARE);
	assert_int_equal(q.e.nroles, 2);
	assert_ptr_equal(q.e.roles[0], role("ciso"));
	assert_ptr_equal(q.e.roles[1], role("cloud-architect"));
	question_free(&q);
}

/* Follow-ups that name nothing: words about pay ("money", "middle of
 * that", "what's that per hour", "how big is that gap") are about the
 * last answer's role; "same question for devops" keeps the aspect. */
static void
test_08_router_followups_fill_gaps(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	assert_has(ask_at("techpay: whats a cloud solutions architect", "fg",
	    t0, 0), "Cloud");
	assert_has(ask_at("techpay: money", "fg", t0 + 1, 0), "$145,000");
	assert_has(ask_at("techpay: sem range", "fg", t0 + 2, 0), "$170,000");
	assert_has(ask_at("techpay: middle of that", "fg", t0 + 3, 0),
	    "$200,000");
	assert_has(ask_at("techpay: cybersecurity architect salary", "fg",
	    t0 + 4, 0), "$220,000");
	assert_has(ask_at("techpay: how big is that gap", "fg", t0 + 5, 0),
	    "$65,000");
	a = ask_at("techpay: why do sres earn so much", "fg", t0 + 6, 0);
	assert_has(a, "competitive salaries");
	a = ask_at("techpay: same question for devops", "fg", t0 + 7, 0);
	assert_has(a, "DevOps enables that acceleration");
}

/* "the cloud one", "the other data job", "the architect one", "the
 * other one": one of the roles just talked about, or of the field. */
static void
test_09_router_pick_recent(void **s)
{
	const time_t t0 = 1790000000;

	(void)s;
	assert_has(ask_at("techpay: devops salary", "pr", t0, 0), "DevOps");
	assert_has(ask_at("techpay: ok the cloud one", "pr", t0 + 1, 0),
	    "Cloud Architect: $145,000");
	assert_has(ask_at("techpay: tell me about the data scientist role",
	    "pr", t0 + 2, 0), "Data Scientist");
	assert_has(ask_at("techpay: the other data job", "pr", t0 + 3, 0),
	    "Big Data Engineer");
	assert_has(ask_at("techpay: which roles are in security", "pr",
	    t0 + 4, 0), "Cybersecurity");
	assert_has(ask_at("techpay: the architect one, what skills", "pr",
	    t0 + 5, 0), "Cybersecurity Architect skills");
	assert_has(ask_at("techpay: tell me about the ciso", "pr", t0 + 6, 0),
	    "Chief Information Security Officer");
	assert_has(ask_at("techpay: the other one", "pr", t0 + 7, 0),
	    "Cybersecurity Architect");
}

/* After two roles are compared, an end of the range asked alone is the
 * comparison again by that end, not every role's ranking. */
static void
test_10_router_measure_after_compare(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	assert_has(ask_at("techpay: ml engineer vs data scientist pay", "mc",
	    t0, 0), "Midpoints");
	a = ask_at("techpay: whats the difference per year at the top", "mc",
	    t0 + 1, 0);
	assert_has(a, "Highest top of range: Machine Learning Engineer");
	assert_has(a, "$30,000 more");
	a = ask_at("techpay: and at the bottom", "mc", t0 + 2, 0);
	assert_has(a, "Lowest bottom of range: Data Scientist");
	assert_lacks(a, "DevOps");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_keep_own_roles_first),
		cmocka_unit_test(test_02_keep_at_most_recent_max),
		cmocka_unit_test(test_03_nothing_to_follow),
		cmocka_unit_test(test_04_a_name_alone_asks_again),
		cmocka_unit_test(test_05_they_are_the_last_roles),
		cmocka_unit_test(test_06_the_other_guide),
		cmocka_unit_test(test_07_which_of_those),
		cmocka_unit_test(test_08_router_followups_fill_gaps),
		cmocka_unit_test(test_09_router_pick_recent),
		cmocka_unit_test(test_10_router_measure_after_compare),
	};

	return cmocka_run_group_tests_name("recall", t, fixture_setup,
	    fixture_teardown);
}
