/*
 * test_numbers.c -- the answers about amounts (bot/numbers.c), through
 * the router as a person sees them: where an amount sits in a role's
 * range, roles against an amount, spreads, identical ranges, and what
 * "source?" cites after them.  Every answer is also checked figure by
 * figure: a "$" figure must be the guide's, the amount asked, a midpoint
 * (in an answer that says "midpoint"), or a difference of two of those
 * followed by what it is a difference from.
 */
#include <ctype.h>

#include "testutil.h"

#define FIGURES_MAX	256

/* Half units (x2), as measure_x2 gives them. */
struct figures {
	long	 fig[FIGURES_MAX];	/* the guides' figures and amounts */
	int	 nfig;
	long	 mid[FIGURES_MAX];	/* the guides' midpoints */
	int	 nmid;
};

static void
figures_of(struct figures *f, const long *amounts)
{
	int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role_source *s = F.kb->roles[i].figure;

		if (s == NULL)
			continue;
		f->fig[f->nfig++] = 2 * s->pay.min;
		f->fig[f->nfig++] = 2 * s->pay.max;
		f->mid[f->nmid++] = s->pay.min + s->pay.max;
	}
	for (; amounts && *amounts; amounts++)
		f->fig[f->nfig++] = 2 * *amounts;
}

static int
in(const long *v, int n, long x)
{
	int i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return 1;
	return 0;
}

/* x2 is the difference of two figures or midpoints. */
static int
is_difference(const struct figures *f, long x2)
{
	long all[2 * FIGURES_MAX];
	int n = 0, i, j;

	for (i = 0; i < f->nfig; i++)
		all[n++] = f->fig[i];
	for (i = 0; i < f->nmid; i++)
		all[n++] = f->mid[i];
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (all[i] - all[j] == x2)
				return 1;
	return 0;
}

/* What may follow a difference: the words that say what it is. */
static int
labelled(const char *p)
{
	static const char *const labels[] = {
		" below", " above", " more than", " less than", " wide", NULL
	};
	int i;

	for (i = 0; labels[i]; i++)
		if (strncmp(p, labels[i], strlen(labels[i])) == 0)
			return 1;
	return 0;
}

/* Every "$N" of ans is allowed (see the top); amounts: the asker's, 0
 * at the end (NULL: none). */
static void
assert_figures(const char *ans, const long *amounts)
{
	struct figures f;
	const char *p, *q;
	long v;

	figures_of(&f, amounts);
	for (p = ans; (p = strchr(p, '$')) != NULL; p++) {
		if (!isdigit((unsigned char)p[1]))
			continue;
		for (v = 0, q = p + 1; isdigit((unsigned char)*q) ||
		    (*q == ',' && isdigit((unsigned char)q[1])); q++)
			if (*q != ',')
				v = v * 10 + (*q - '0');
		v *= 2;
		if (strncmp(q, ".50", 3) == 0) {
			v++;
			q += 3;
		}
		if (*q == '+')
			q++;
		if (in(f.fig, f.nfig, v))
			continue;
		if (in(f.mid, f.nmid, v) && contains(ans, "midpoint"))
			continue;
		if (is_difference(&f, v) && labelled(q))
			continue;
		fail_msg("figure \"%.*s\" is not the guide's, the amount asked, "
		    "a midpoint or a labelled difference, in: %s",
		    (int)(q - p), p, ans);
	}
}

/* The whole answer, with its "more" pages, in a conversation of its
 * own: what was asked before leaves no role behind. */
static char *
ask_all(const char *text)
{
	static int conversations;
	struct buf all = {0};
	char where[32];
	int guard = 0;

	snprintf(where, sizeof(where), "num/%d", conversations++);

	buf_puts(&all, ask_where(text, strlen(text), 1, where));
	assert_clean(buf_str(&all));
	while (F.a.more.len && guard++ < 10) {
		buf_puts(&all, " ");
		buf_puts(&all, ask_where("more", 4, 1, where));
	}
	return buf_steal(&all);
}

/* Asks, checks the figures against the amounts, returns the answer
 * (freed by the caller). */
static char *
num(const char *text, long amount, long amount2)
{
	long am[3] = { amount, amount2, 0 };
	char *a = ask_all(text);

	assert_figures(a, am);
	return a;
}

#define EXPECT(q, amount, amount2, ...) do {				\
	static const char *const has_[] = { __VA_ARGS__, NULL };	\
	char *a_ = num((q), (amount), (amount2));			\
	int k_;								\
	for (k_ = 0; has_[k_]; k_++)					\
		assert_has(a_, has_[k_]);				\
	free(a_);							\
} while (0)

#define LACKS(q, ...) do {						\
	static const char *const not_[] = { __VA_ARGS__, NULL };	\
	char *a_ = ask_all(q);					\
	int k_;								\
	for (k_ = 0; not_[k_]; k_++)					\
		assert_lacks(a_, not_[k_]);				\
	free(a_);							\
} while (0)

static void
test_01_position_below(void **s)
{
	(void)s;
	EXPECT("offer of 125k for sre", 125000, 0, "Site Reliability",
	    "$140,000–$185,000", "below the range",
	    "$15,000 below the bottom of the range");
	LACKS("offer of 125k for sre", "inside", "above the range");
	EXPECT("got an offer for 125k as an SRE, is that a lowball?", 125000,
	    0, "$140,000", "$185,000", "below the range");
	LACKS("got an offer for 125k as an SRE, is that a lowball?",
	    "Equity", "$130,000", "$175,000");
}

static void
test_02_position_inside(void **s)
{
	(void)s;
	EXPECT("I make 150k as an SRE, lowball?", 150000, 0,
	    "inside the range, below the midpoint", "midpoint $162,500",
	    "$12,500 below the midpoint", "$10,000 above the bottom");
	LACKS("I make 150k as an SRE, lowball?", "above the midpoint");
	EXPECT("i'm on $175,000 as a site reliability engineer", 175000, 0,
	    "inside the range, above the midpoint",
	    "$12,500 above the midpoint", "$10,000 below the top");
	EXPECT("on 170k as a blockchain dev where does that sit", 170000, 0,
	    "Blockchain Developer", "$140,000–$200,000",
	    "inside the range, at the midpoint", "midpoint $170,000");
	EXPECT("I make 140k as an sre", 140000, 0,
	    "at the bottom of the range", "$22,500 below the midpoint");
}

static void
test_03_position_above_and_open(void **s)
{
	(void)s;
	EXPECT("I make 200k as an sre, am I overpaid", 200000, 0,
	    "above the range", "$15,000 above the top of the range");
	LACKS("I make 200k as an sre, am I overpaid", "inside");
	/* "$240,000+": the guide gives no ceiling */
	EXPECT("I make 250k as an ai research scientist", 250000, 0,
	    "$160,000–$240,000+", "open-ended", "not above the range");
	LACKS("I make 250k as an ai research scientist", "is above the range");
}

static void
test_04_position_without_a_figure(void **s)
{
	char *a;

	(void)s;
	/* words only: quoted, and no comparison */
	a = num("I make 150k as a ciso, is that good", 150000, 0);
	assert_has(a, "words only");
	assert_has(a, "top earners");
	assert_lacks(a, "$");
	free(a);
	/* a title the guides lack is not covered, and nothing is placed */
	a = num("I make 150k as a software engineer", 150000, 0);
	assert_has(a, "isn't covered");
	assert_lacks(a, "$");
	free(a);
	/* another currency or period is never compared (no conversion) */
	a = num("I make 100k euros as an SRE", 100000, 0);
	assert_has(a, "never convert");
	assert_has(a, "can't place");
	assert_lacks(a, "$100,000");
	free(a);
	a = num("I make 12k a month as a devops engineer", 12000, 0);
	assert_has(a, "can't place");
	assert_lacks(a, "$12,000");
	free(a);
	/* no role: against every range */
	EXPECT("i make 150k, where do i stand", 150000, 0,
	    "inside the range of", "Site Reliability Engineer",
	    "below the bottom of", "Software Engineering Manager");
}

/* Every role with a figure, at five places around its range. */
static void
test_05_position_every_role(void **s)
{
	static const struct { long d; const char *word; } at[] = {
		{ -5000, "below the range" },
		{ 0, "at the bottom of the range" },
		{ 1, "inside the range" },
		{ 2, "at the top of the range" },
		{ 5000, "above the range" },
	};
	char q[256];
	int i, k;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		const struct kb_pay *p;
		long x;

		if (r->figure == NULL)
			continue;
		p = &r->figure->pay;
		for (k = 0; k < 5; k++) {
			char *a;

			x = at[k].d == 1 ? p->min + 5000 : at[k].d == 2 ?
			    p->max : at[k].d < 0 ? p->min + at[k].d :
			    at[k].d == 0 ? p->min : p->max + at[k].d;
			snprintf(q, sizeof(q), "I make $%ld as a %s", x,
			    r->title);
			a = num(q, x, 0);
			assert_has(a, r->title);
			if (k == 4 && p->open_ended)
				assert_has(a, "not above the range");
			else
				assert_has(a, at[k].word);
			free(a);
		}
	}
}

static void
test_06_spread(void **s)
{
	char q[256], want[64];
	int i;

	(void)s;
	EXPECT("spread for blockchain devs", 0, 0, "$140,000–$200,000",
	    "$60,000 wide", "midpoint $170,000");
	EXPECT("how wide is the ai research scientist range", 0, 0,
	    "at least $80,000 wide", "open-ended");
	LACKS("how wide is the ciso range", "$");
	EXPECT("how wide is the ciso range", 0, 0, "words only");
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		struct answer a;
		char *ans;

		if (r->figure == NULL)
			continue;
		answer_init(&a);
		fmt_money(&a, r->figure->pay.max - r->figure->pay.min);
		snprintf(want, sizeof(want), "%s wide", buf_str(&a.text));
		answer_free(&a);
		snprintf(q, sizeof(q), "how wide is the %s range", r->title);
		ans = num(q, 0, 0);
		assert_has(ans, want);
		free(ans);
	}
}

static void
test_07_same(void **s)
{
	(void)s;
	EXPECT("roles with identical pay ranges", 0, 0, "AI Product Manager",
	    "Machine Learning Engineer", "$150,000–$210,000");
	LACKS("roles with identical pay ranges", "Site Reliability",
	    "Data Scientist", "Software Engineering Manager");
	EXPECT("which roles have the same starting salary", 0, 0,
	    "bottom of range", "Data Scientist", "DevOps Engineer",
	    "$130,000", "Blockchain Developer", "$140,000");
	EXPECT("which roles have the same range as ml engineers", 0, 0,
	    "AI Product Manager", "$150,000–$210,000");
	EXPECT("does sre have the same range as any other role", 0, 0,
	    "No other role", "$140,000–$185,000");
}

static void
test_08_ends_of_the_range(void **s)
{
	(void)s;
	EXPECT("which roles start at 150k", 150000, 0, "bottom of range",
	    "Machine Learning Engineer", "AI Product Manager");
	LACKS("which roles start at 150k", "Cybersecurity", "Site Reliability");
	EXPECT("which jobs bottom out at 130k", 130000, 0, "Data Scientist",
	    "DevOps Engineer", "$130,000");
	EXPECT("what maxes out at 185k", 185000, 0, "top of range",
	    "Site Reliability Engineer");
	LACKS("what maxes out at 185k", "Cloud", "Data Scientist");
	/* none exactly: the nearest on either side, with the difference */
	EXPECT("which roles start at 152k", 152000, 0, "No role's",
	    "Cybersecurity Architect", "$3,000 more than $152,000",
	    "$2,000 less than $152,000");
	EXPECT("roles with a midpoint of 180k", 180000, 0,
	    "Machine Learning Engineer", "AI Product Manager");
	EXPECT("what tops out at 240k", 240000, 0, "$240,000+",
	    "open-ended");
}

static void
test_09_directions(void **s)
{
	(void)s;
	EXPECT("anything over 200 grand", 200000, 0,
	    "top of range is above $200,000", "AI Research Scientist",
	    "Software Engineering Manager", "AI Product Manager");
	LACKS("anything over 200 grand", "Blockchain");
	EXPECT("i want at least 200 grand, which jobs can get me there",
	    200000, 0, "at least $200,000", "Blockchain Developer $200,000",
	    "$240,000+");
	EXPECT("north of 215K", 215000, 0, "above $215,000",
	    "Cybersecurity Architect");
	LACKS("north of 215K", "Machine Learning");
	EXPECT("which jobs start above 150k", 150000, 0,
	    "bottom of range is above $150,000");
	LACKS("which jobs start above 150k", "AI Product Manager");
	EXPECT("roles under 140k", 140000, 0, "bottom of range is below",
	    "Data Scientist", "DevOps Engineer");
	LACKS("roles under 140k", "Site Reliability");
	EXPECT("roles at most 140k", 140000, 0, "Site Reliability");
	EXPECT("anything over 300k", 300000, 0, "none", "$240,000+");
	/* one role against an amount: where it sits in the role's range
	 * (the classifier may read it as a position question) */
	EXPECT("does an sre make more than 150k", 150000, 0,
	    "$185,000", "$150,000");
	/* the HTML form of a ranking is a table */
	ask("anything over 200 grand");
	assert_has(buf_str(&F.a.html), "<table>");
}

static void
test_10_between_and_holding(void **s)
{
	(void)s;
	EXPECT("jobs paying between 150 and 200k", 150000, 200000,
	    "midpoint is between $150,000 and $200,000",
	    "whole range inside it: none");
	EXPECT("roles paying $150-160k", 150000, 160000, "Data Scientist",
	    "DevOps Engineer");
	LACKS("roles paying $150-160k", "Site Reliability");
	EXPECT("what pays $185,000", 185000, 0, "includes $185,000",
	    "Site Reliability Engineer", "Cloud Architect");
	LACKS("what pays $185,000", "DevOps");
	EXPECT("jobs paying 100k", 100000, 0, "No role's range",
	    "$130,000");
}

static void
test_11_never_converted(void **s)
{
	(void)s;
	EXPECT("roles over £150k", 150000, 0, "never convert");
	LACKS("roles over £150k", "$150,000", "Roles whose");
	EXPECT("jobs over 150k in london", 150000, 0, "Roles whose",
	    "\"london\"");
}

/* "source?" after each kind of answer: the figure's own sentence. */
static void
test_12_source(void **s)
{
	static const struct { const char *q, *quote; } t[] = {
		{ "offer of 125k for sre", "$140,000 to $185,000" },
		{ "spread for blockchain devs", "$140,000 to $200,000" },
		{ "roles with identical pay ranges", "$150,000 to $210,000" },
		{ "which jobs bottom out at 130k", "$130,000 to" },
		{ "north of 215K", "$160,000 to $240,000+" },
	};
	size_t i;
	const char *a;

	(void)s;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ask_where(t[i].q, strlen(t[i].q), 1, "src");
		a = ask_where("source?", 7, 1, "src");
		assert_has(a, "Average salary");
		assert_has(a, t[i].quote);
		assert_has(a, "line");
	}
	/* a role from the conversation: "is 150k good for that?" */
	ask_where("what does a data scientist make", 31, 1, "conv");
	a = ask_where("is 150k good for that?", 22, 1, "conv");
	assert_has(a, "Data Scientist");
	assert_has(a, "inside the range");
}

/* 13 no role: every range's width, widest (or narrowest) first */
static void
test_13_widths(void **s)
{
	char *a;
	int i;

	(void)s;
	a = num("which job has the widest salary range", 0, 0);
	assert_has(a, "widest first");
	assert_has(a, "AI Research Scientist at least $80,000");
	assert_true(strstr(a, "$80,000") < strstr(a, "$45,000"));
	for (i = 0; i < F.kb->nroles; i++)
		if (F.kb->roles[i].figure)
			assert_has(a, F.kb->roles[i].title);
		else
			assert_lacks(a, F.kb->roles[i].title);
	free(a);
	a = num("narrowest range?", 0, 0);
	assert_has(a, "narrowest first");
	assert_true(strstr(a, "$45,000") < strstr(a, "$80,000"));
	free(a);
	/* a role named: its own spread, not the list */
	a = num("how wide is the sre range", 0, 0);
	assert_lacks(a, "first:");
	free(a);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_position_below),
		cmocka_unit_test(test_02_position_inside),
		cmocka_unit_test(test_03_position_above_and_open),
		cmocka_unit_test(test_04_position_without_a_figure),
		cmocka_unit_test(test_05_position_every_role),
		cmocka_unit_test(test_06_spread),
		cmocka_unit_test(test_07_same),
		cmocka_unit_test(test_08_ends_of_the_range),
		cmocka_unit_test(test_09_directions),
		cmocka_unit_test(test_10_between_and_holding),
		cmocka_unit_test(test_11_never_converted),
		cmocka_unit_test(test_12_source),
		cmocka_unit_test(test_13_widths),
	};

	return cmocka_run_group_tests_name("numbers", t, fixture_setup,
	    fixture_teardown);
}
