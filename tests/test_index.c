/*
 * test_index.c -- role and skill resolution over the FTS5 index: every
 * alias, the typos users make, hostile FTS5/SQL text, rankings, the cache.
 */
#include <unistd.h>

#include "testutil.h"

static const char *
role_id(const char *q, int *corrected)
{
	struct role_hit h;

	index_find_role(F.ix, q, &h);
	if (corrected)
		*corrected = h.corrected;
	return h.role ? h.role->id : NULL;
}

#define assert_role(q, id) do {						\
	const char *got_ = role_id((q), NULL);				\
	if (got_ == NULL || strcmp(got_, (id)) != 0)			\
		fail_msg("\"%s\" -> %s, want %s", (q),			\
		    got_ ? got_ : "(none)", (id));			\
} while (0)

static void
test_01_every_alias_and_title(void **s)
{
	int i, j;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];

		assert_role(r->title, r->id);
		for (j = 0; j < r->naliases; j++)
			assert_role(r->aliases[j], r->id);
		for (j = 0; j < r->nsrc; j++)
			assert_role(r->src[j].title, r->id);
	}
}

static void
test_02_chat_abbreviations(void **s)
{
	(void)s;
	assert_role("SRE", "site-reliability-engineer");
	assert_role("SREs", "site-reliability-engineer");
	assert_role("mle", "machine-learning-engineer");
	assert_role("ML engineer", "machine-learning-engineer");
	assert_role("machine learning engineers", "machine-learning-engineer");
	assert_role("CISO", "ciso");
	assert_role("AI PM", "ai-product-manager");
	assert_role("devops", "devops-engineer");
	assert_role("full stack", "full-stack-developer");
	assert_role("Full-Stack Developers", "full-stack-developer");
	assert_role("eng manager", "software-engineering-manager");
	assert_role("cloud solutions architect", "cloud-architect");
	assert_role("senior data scientist", "data-scientist");
	assert_role("Data Scientists", "data-scientist");
}

static void
test_03_typos_and_encodings(void **s)
{
	static const char *const cases[][2] = {
		{ "devpos", "devops-engineer" },
		{ "cybersecurty", "cybersecurity-architect" },
		{ "cybersecurty architect", "cybersecurity-architect" },
		{ "machine lerning engineers", "machine-learning-engineer" },
		{ "site reliabilty engineer", "site-reliability-engineer" },
		{ "data scientst", "data-scientist" },
		{ "blockchian developer", "blockchain-developer" },
		/* short forms, glued words */
		{ "swe mngr", "software-engineering-manager" },
		{ "big dta eng", "big-data-engineer" },
		{ "datascientist", "data-scientist" },
		{ "bigdata engineer", "big-data-engineer" },
		{ "cloud sol architect", "cloud-architect" },
		{ "chief info sec officer", "ciso" },
		{ "bc dev", "blockchain-developer" },
		/* name words cut off or written without vowels */
		{ "ful stack developrs", "full-stack-developer" },
		{ "ai archit", "ai-architect" },
		{ "ai rsrch scientist", "ai-research-scientist" },
		{ "ml engnr", "machine-learning-engineer" },
		{ "cloud archt", "cloud-architect" },
		{ "d\xe9vops", "devops-engineer" },
		{ "D\xc3\x89VOPS", "devops-engineer" },
	};
	size_t i;
	int corr;

	(void)s;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_role(cases[i][0], cases[i][1]);
		assert_non_null(role_id(cases[i][0], &corr));
		if (!corr && strcmp(cases[i][0], "d\xe9vops") != 0 &&
		    strcmp(cases[i][0], "D\xc3\x89VOPS") != 0)
			fail_msg("\"%s\": not marked corrected", cases[i][0]);
	}
	assert_non_null(role_id("devpos", &corr));
	assert_true(corr);
	assert_non_null(role_id("devops", &corr));
	assert_false(corr);
}

static void
test_04_not_covered(void **s)
{
	static const char *const no[] = {
		"nurse", "cto", "ios developer", "weather", "", "   ",
		"pounds", "a b c d e f g h i j", "chef", "cios", "nures",
		/* a role that holds the words is another job */
		"software engineer", "product manager", "web developer",
		"senior software engineer",
		/* short forms alone are no role */
		"bc", "arch",
		/* a cut-off word alone, or in no role's name, is none */
		"ful", "archit", "engnr", "rsrch", "ful archit",
	};
	struct role_hit h;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (role_id(no[i], NULL) != NULL)
			fail_msg("\"%s\" matched %s", no[i], role_id(no[i], NULL));
	/* "did you mean" offers the developer roles, not a guess */
	index_find_role(F.ix, "ios developer", &h);
	assert_null(h.role);
	assert_true(h.nalts >= 2);
	assert_has(h.alts[0]->title, "Developer");
}

static void
test_05_ambiguous(void **s)
{
	struct role_hit h;

	(void)s;
	index_find_role(F.ix, "architect", &h);
	assert_null(h.role);
	assert_true(h.ambiguous);
	assert_int_equal(h.nalts, 3);
	index_find_role(F.ix, "scientist", &h);
	assert_true(h.ambiguous);
	assert_int_equal(h.nalts, 2);
}

static void
test_06_hostile_fts_and_sql(void **s)
{
	static const char *const bad[] = {
		"\"salary AND OR", "NEAR(", "*", "'; DROP TABLE roles;--",
		"\"", "^", "title:x", "{title}: x", "a OR b NOT c", "(((",
		"sre\" OR \"devops", "NEAR(sre devops, 2)", "-sre", "+", "\\",
		"%s%n", "' OR 1=1 --", "\x01\x02\x03",
	};
	struct role_hit h;
	int sk[8];
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		index_find_role(F.ix, bad[i], &h);
		(void)index_find_skills(F.ix, bad[i], sk, 8);
		(void)index_find_category(F.ix, bad[i]);
	}
	/* the tables are all still there */
	assert_role("sre", "site-reliability-engineer");
	assert_int_equal(index_find_skills(F.ix, "python", sk, 8), 1);
}

static int
skill_roles(const char *q, const struct kb_role **r)
{
	int sk[8], n = index_find_skills(F.ix, q, sk, 8);

	return n ? index_roles_with_skills(F.ix, sk, n, r, 32) : 0;
}

static int
has_role(const struct kb_role **r, int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(r[i]->id, id) == 0)
			return 1;
	return 0;
}

static void
test_07_skills(void **s)
{
	const struct kb_role *r[32];
	int n, i, j, sk[8];

	(void)s;
	for (i = 0; i < F.kb->nskills; i++)
		for (j = 0; j < F.kb->skills[i].naliases; j++) {
			n = index_find_skills(F.ix, F.kb->skills[i].aliases[j],
			    sk, 8);
			assert_int_equal(n, 1);
			assert_int_equal(sk[0], i);
		}
	n = skill_roles("terraform", r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0]->id, "cloud-architect");
	n = skill_roles("python", r);
	assert_int_equal(n, 2);
	assert_true(has_role(r, n, "machine-learning-engineer"));
	assert_true(has_role(r, n, "data-scientist"));
	n = skill_roles("c++", r);
	assert_int_equal(n, 1);
	assert_string_equal(r[0]->id, "machine-learning-engineer");
	n = skill_roles("kubernets", r);	/* typo */
	assert_int_equal(n, 1);
	assert_int_equal(skill_roles("cobol", r), 0);
	assert_int_equal(skill_roles("hadoop", r), 1);
}

static void
test_08_rank_measures_and_ties(void **s)
{
	const struct kb_role *r[32];
	int n;

	(void)s;
	n = index_rank(F.ix, MEASURE_MID, 0, 0, r, 32);
	assert_int_equal(n, 10);
	/* AI Research Scientist and Software Engineering Manager tie at
	 * a $200,000 midpoint */
	assert_int_equal(measure_x2(r[0], MEASURE_MID), 400000);
	assert_int_equal(measure_x2(r[1], MEASURE_MID), 400000);
	assert_true(measure_x2(r[2], MEASURE_MID) < 400000);
	n = index_rank(F.ix, MEASURE_MAX, 0, 0, r, 32);
	assert_string_equal(r[0]->id, "ai-research-scientist");
	n = index_rank(F.ix, MEASURE_MIN, 0, 0, r, 32);
	assert_string_equal(r[0]->id, "software-engineering-manager");
	n = index_rank(F.ix, MEASURE_MIN, 1, 0, r, 32);
	assert_int_equal(r[0]->figure->pay.min, 130000);
	assert_int_equal(r[1]->figure->pay.min, 130000);
	/* strictly above $200,000 at the top: Blockchain ($200,000) out */
	n = index_rank(F.ix, MEASURE_MAX, 0, 200000, r, 32);
	assert_int_equal(n, 5);
	assert_false(has_role(r, n, "blockchain-developer"));
	/* an open-ended $240,000+ counts as reaching $240,000 */
	n = index_rank(F.ix, MEASURE_MAX, 0, 240000, r, 32);
	assert_int_equal(n, 1);
}

static void
test_09_cache_file(void **s)
{
	char path[] = "/tmp/techpay-test-cacheXXXXXX", err[512];
	struct index *ix;
	int fd;

	(void)s;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	ix = index_new(F.kb, path, err, sizeof(err));
	assert_non_null(ix);
	assert_false(index_from_cache(ix));
	index_free(ix);
	ix = index_new(F.kb, path, err, sizeof(err));
	assert_non_null(ix);
	assert_true(index_from_cache(ix));
	{
		struct role_hit h;

		index_find_role(ix, "devpos", &h);
		assert_non_null(h.role);
	}
	index_free(ix);
	F.kb->hash ^= 1;	/* the knowledge changed: rebuilt */
	ix = index_new(F.kb, path, err, sizeof(err));
	F.kb->hash ^= 1;
	assert_non_null(ix);
	assert_false(index_from_cache(ix));
	index_free(ix);
	unlink(path);
	/* an unwritable place is an error message, not a crash */
	assert_null(index_new(F.kb, "/nonexistent-dir/x.db", err,
	    sizeof(err)));
	assert_has(err, "index:");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_every_alias_and_title),
		cmocka_unit_test(test_02_chat_abbreviations),
		cmocka_unit_test(test_03_typos_and_encodings),
		cmocka_unit_test(test_04_not_covered),
		cmocka_unit_test(test_05_ambiguous),
		cmocka_unit_test(test_06_hostile_fts_and_sql),
		cmocka_unit_test(test_07_skills),
		cmocka_unit_test(test_08_rank_measures_and_ties),
		cmocka_unit_test(test_09_cache_file),
	};

	return cmocka_run_group_tests_name("index", t, fixture_setup,
	    fixture_teardown);
}
