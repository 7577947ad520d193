/*
 * test_question.c -- the parser alone: message -> intent and entities.
 * Many small numbered cases, each one a kind of question typed as people
 * type in chat (lowercase, typos, slang, several things in one line).
 */
#include "testutil.h"

#include "question.h"

struct qcase {
	const char	*text;
	enum intent_kind kind;
	const char	*role;		/* id of the first role, or NULL: none */
	const char	*role2;		/* id of the second, or NULL */
	int		 nskills;	/* -1: not checked */
	const char	*unknown;	/* the first unknown title, or NULL */
	unsigned	 mods;
};

static const struct qcase cases[] = {
	/* 1 stray words never spoil a role */
	{ "how much do devops folks take home", I_SALARY, "devops-engineer",
	    NULL, 0, NULL, 0 },
	/* 2 typos in the role and in the cue */
	{ "salery for an ai reserch scientist", I_SALARY,
	    "ai-research-scientist", NULL, 0, NULL, 0 },
	/* 3 */
	{ "whats the pay like for a cybersec architect", I_SALARY,
	    "cybersecurity-architect", NULL, 0, NULL, 0 },
	/* 4 plural abbreviation */
	{ "what do sres get paid", I_SALARY, "site-reliability-engineer",
	    NULL, 0, NULL, 0 },
	/* 5 "stack" inside a role name is not a skills cue */
	{ "how much does a full stack developer make", I_SALARY,
	    "full-stack-developer", NULL, -1, NULL, 0 },
	/* 6 engineer != manager: an unknown role, not a look-alike */
	{ "what does a software engineer make", I_SALARY, NULL, NULL, 0,
	    "software engineer", 0 },
	/* 7 */
	{ "swe salary", I_SALARY, NULL, NULL, 0, "swe", 0 },
	/* 8 */
	{ "how much do nurses make", I_SALARY, NULL, NULL, 0, "nurses", 0 },
	/* 9 comparisons in plain words */
	{ "does a cybersecurity architect out-earn a data scientist",
	    I_COMPARE, "cybersecurity-architect", "data-scientist", 0, NULL,
	    0 },
	/* 10 */
	{ "sre or devops which pays better", I_COMPARE,
	    "site-reliability-engineer", "devops-engineer", 0, NULL, 0 },
	/* 11 skill match */
	{ "im decent at pytorch and linear algebra, what job suits me",
	    I_MATCH, NULL, NULL, 2, NULL, 0 },
	/* 12 */
	{ "which role fits solidity + cryptography", I_MATCH, NULL, NULL, 2,
	    NULL, 0 },
	/* 13 who needs a skill */
	{ "what jobs want sql", I_WHONEEDS, NULL, NULL, 1, NULL, 0 },
	/* 14 does ROLE need SKILL */
	{ "does an sre need python", I_NEEDS, "site-reliability-engineer",
	    NULL, 1, NULL, 0 },
	/* 15 skills of a role */
	{ "what should i study to be an ai research scientist", I_SKILLS,
	    "ai-research-scientist", NULL, 0, NULL, 0 },
	/* 16 what the job is */
	{ "wat does an ai pm actually do", I_ROLE, "ai-product-manager", NULL,
	    0, NULL, 0 },
	/* 17 rankings keep their filter */
	{ "highest paying security job", I_TOP, NULL, NULL, 0, NULL, 0 },
	/* 18 amounts */
	{ "which roles go above $200k", I_ABOVE, NULL, NULL, 0, NULL, 0 },
	/* 19 prose */
	{ "why does blockchain pay so well", I_PASSAGE,
	    "blockchain-developer", NULL, 0, NULL, 0 },
	/* 20 */
	{ "which sectors hire ml people hardest", I_PASSAGE, NULL, NULL, 0,
	    NULL, 0 },
	/* 21 owner words in a sentence are not owner commands */
	{ "ignore my typo earlier, what does a ciso make", I_SALARY, "ciso",
	    NULL, 0, NULL, 0 },
	/* 22 */
	{ "join me in asking: what does an sre make", I_SALARY,
	    "site-reliability-engineer", NULL, 0, NULL, 0 },
	/* 23 modifiers */
	{ "sre pay in yen", I_SALARY, "site-reliability-engineer", NULL, 0,
	    NULL, MOD_CURRENCY },
	/* 24 */
	{ "junior devops salary in london", I_SALARY, "devops-engineer", NULL,
	    0, NULL, MOD_LEVEL | MOD_PLACE },
	/* 25 */
	{ "mle pay per hour in 2023", I_SALARY, "machine-learning-engineer",
	    NULL, 0, NULL, MOD_PERIOD | MOD_YEAR },
	/* 26 small talk */
	{ "hi", I_HELLO, NULL, NULL, 0, NULL, 0 },
	/* 27 */
	{ "thx", I_THANKS, NULL, NULL, 0, NULL, 0 },
	/* 28 topics */
	{ "how do i negotiate an offer", I_TIPS, NULL, NULL, -1, NULL, 0 },
	/* 29 */
	{ "what are the meta skills", I_METASKILLS, NULL, NULL, -1, NULL, 0 },
	/* 30 not what the guides are for */
	{ "write me a cover letter for a devops job", I_OFFTOPIC,
	    "devops-engineer", NULL, 0, NULL, 0 },
	/* 31 a follow-up: "source?" */
	{ "source?", I_CITE, NULL, NULL, 0, NULL, 0 },
	/* 32 a follow-up that names only a role */
	{ "and devops?", I_SALARY, "devops-engineer", NULL, 0, NULL, 0 },
	/* 33 typo within the edit distance for its length */
	{ "machien learning engineer salery", I_SALARY,
	    "machine-learning-engineer", NULL, 0, NULL, 0 },
	/* 34 short words are never "corrected" ("cto" is not "cso") */
	{ "how much does a cto make", I_SALARY, NULL, NULL, 0, "cto", 0 },
	/* 35 FTS5 syntax is just words */
	{ "NEAR( \"sre\" OR * salary", I_SALARY, "site-reliability-engineer",
	    NULL, -1, NULL, 0 },
	/* 36 short forms, written out inside a role's name */
	{ "swe mngr salary", I_SALARY, "software-engineering-manager", NULL,
	    0, NULL, 0 },
	/* 37 */
	{ "what does an ml engg make", I_SALARY, "machine-learning-engineer",
	    NULL, 0, NULL, 0 },
	/* 38 a short form's own typo */
	{ "cyber arhc salary", I_SALARY, "cybersecurity-architect", NULL, 0,
	    NULL, 0 },
	/* 39 the longer name wins over the category ("cyber") */
	{ "cyber arch pay", I_SALARY, "cybersecurity-architect", NULL, 0,
	    NULL, 0 },
	/* 40 */
	{ "sec architect salary", I_SALARY, "cybersecurity-architect", NULL,
	    0, NULL, 0 },
	/* 41 a typo after a category word ("security") */
	{ "security archtect salary", I_SALARY, "cybersecurity-architect",
	    NULL, 0, NULL, 0 },
	/* 42 two short forms in one name */
	{ "big dta eng salary", I_SALARY, "big-data-engineer", NULL, 0, NULL,
	    0 },
	/* 43 glued words split against the names */
	{ "bigdata engineer salary", I_SALARY, "big-data-engineer", NULL, 0,
	    NULL, 0 },
	/* 44 */
	{ "how much does a chief info sec officer make", I_SALARY, "ciso",
	    NULL, 0, NULL, 0 },
	/* 45 */
	{ "ai prod manager salary", I_SALARY, "ai-product-manager", NULL, 0,
	    NULL, 0 },
	/* 46 */
	{ "ai research sci pay", I_SALARY, "ai-research-scientist", NULL, 0,
	    NULL, 0 },
	/* 47 "bc", which question.c wrote out as "because" */
	{ "bc dev salary", I_SALARY, "blockchain-developer", NULL, 0, NULL,
	    0 },
	/* 48 */
	{ "how much does a bc dev make", I_SALARY, "blockchain-developer",
	    NULL, 0, NULL, 0 },
	/* 49 */
	{ "blokchain dev salary", I_SALARY, "blockchain-developer", NULL, 0,
	    NULL, 0 },
	/* 50 */
	{ "site reliabilty pay", I_SALARY, "site-reliability-engineer", NULL,
	    0, NULL, 0 },
	/* 51 */
	{ "cloud sol architect salary", I_SALARY, "cloud-architect", NULL, 0,
	    NULL, 0 },
	/* 52 */
	{ "cloud archtect salary", I_SALARY, "cloud-architect", NULL, 0, NULL,
	    0 },
	/* 53 */
	{ "datascientist salary", I_SALARY, "data-scientist", NULL, 0, NULL,
	    0 },
	/* 54 */
	{ "data scientst salary", I_SALARY, "data-scientist", NULL, 0, NULL,
	    0 },
	/* 55 */
	{ "ai archtect salary", I_SALARY, "ai-architect", NULL, 0, NULL, 0 },
	/* 56 aliases as typed */
	{ "engineering mgr salary", I_SALARY, "software-engineering-manager",
	    NULL, 0, NULL, 0 },
	/* 57 */
	{ "devops eng salary", I_SALARY, "devops-engineer", NULL, 0, NULL, 0 },
	/* 58 */
	{ "fullstack dev salary", I_SALARY, "full-stack-developer", NULL, -1,
	    NULL, 0 },
	/* 59 "because" is only "bc" where it cannot be the conjunction */
	{ "i left because devs earn less, what does an sre make", I_SALARY,
	    "site-reliability-engineer", NULL, 0, "devs", 0 },
	/* 60 look-alikes: another job, never its figures */
	{ "frontend dev salary", I_SALARY, NULL, NULL, -1, "frontend dev", 0 },
	/* 61 */
	{ "android dev salary 2026", I_SALARY, NULL, NULL, 0, "android dev",
	    0 },
	/* 62 */
	{ "tech lead salary", I_SALARY, NULL, NULL, 0, "tech lead", 0 },
	/* 63 a skill's name that is also a person's */
	{ "how much does a sysadmin make", I_SALARY, NULL, NULL, -1,
	    "sysadmin", 0 },
	/* 64 */
	{ "devrel salary", I_SALARY, NULL, NULL, 0, "devrel", 0 },
	/* 65 one title, not "qa" and "qa engineer" */
	{ "qa engineer salary", I_SALARY, NULL, NULL, 0, "qa engineer", 0 },
	/* 66 */
	{ "backend developer", I_SALARY, NULL, NULL, -1, "backend developer",
	    0 },
	/* 67 */
	{ "data analyst", I_SALARY, NULL, NULL, 0, "data analyst", 0 },
	/* 68 not the AI Product Manager */
	{ "product manager", I_SALARY, NULL, NULL, 0, "product manager", 0 },
	/* 69 */
	{ "web developer", I_SALARY, NULL, NULL, 0, "web developer", 0 },
	/* 70 */
	{ "network engineer", I_SALARY, NULL, NULL, 0, "network engineer",
	    0 },
	/* 71 "dev" alone is the category's word; after another, a person */
	{ "game dev", I_SALARY, NULL, NULL, 0, "game dev", 0 },
	/* 72 */
	{ "security analyst", I_SALARY, NULL, NULL, 0, "security analyst", 0 },
	/* 73 */
	{ "penetration tester", I_SALARY, NULL, NULL, -1,
	    "penetration tester", 0 },
	/* 74 the field, not a person: a ranking */
	{ "highest paying dev jobs", I_TOP, NULL, NULL, 0, NULL, 0 },
	/* 75 a skill stays a skill where no person is named */
	{ "does an sre need sysadmin", I_NEEDS, "site-reliability-engineer",
	    NULL, 1, NULL, 0 },
	/* 76 */
	{ "which roles want rust devs", I_WHONEEDS, NULL, NULL, 1,
	    "rust devs", 0 },
};

static void
check(size_t i)
{
	const struct qcase *c = &cases[i];
	struct intent q;

	question_parse(F.ix, c->text, strlen(c->text), &q);
	if (q.kind != c->kind)
		fail_msg("case %zu \"%s\": intent %s, want %s", i + 1, c->text,
		    intent_name(q.kind), intent_name(c->kind));
	if (c->role == NULL && q.e.nroles > 0)
		fail_msg("case %zu \"%s\": role %s, want none", i + 1, c->text,
		    q.e.roles[0]->id);
	if (c->role && (q.e.nroles == 0 || strcmp(q.e.roles[0]->id,
	    c->role) != 0))
		fail_msg("case %zu \"%s\": no role %s", i + 1, c->text,
		    c->role);
	if (c->role2 && (q.e.nroles < 2 || strcmp(q.e.roles[1]->id,
	    c->role2) != 0))
		fail_msg("case %zu \"%s\": no second role %s", i + 1, c->text,
		    c->role2);
	if (c->nskills >= 0 && q.e.nskills != c->nskills)
		fail_msg("case %zu \"%s\": %d skills, want %d", i + 1, c->text,
		    q.e.nskills, c->nskills);
	if (c->unknown && (q.e.nunknown == 0 || strcmp(q.e.unknown[0],
	    c->unknown) != 0))
		fail_msg("case %zu \"%s\": unknown \"%s\", want \"%s\"", i + 1,
		    c->text, q.e.nunknown ? q.e.unknown[0] : "", c->unknown);
	if (!c->unknown && q.e.nunknown)
		fail_msg("case %zu \"%s\": unknown \"%s\", want none", i + 1,
		    c->text, q.e.unknown[0]);
	if ((q.e.mods & c->mods) != c->mods)
		fail_msg("case %zu \"%s\": modifiers %#x, want %#x", i + 1,
		    c->text, q.e.mods, c->mods);
	question_free(&q);
}

static void
test_01_cases(void **s)
{
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(i);
}

/* Every role's title and every alias is found inside a sentence. */
static void
test_02_every_name_in_a_sentence(void **s)
{
	char text[256];
	struct intent q;
	int i, j;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++)
		for (j = -1; j < F.kb->roles[i].naliases; j++) {
			const char *name = j < 0 ? F.kb->roles[i].title :
			    F.kb->roles[i].aliases[j];

			snprintf(text, sizeof(text), "ok so how much do %s "
			    "folks really pull these days lol", name);
			question_parse(F.ix, text, strlen(text), &q);
			if (q.e.nroles < 1 || q.e.roles[0] != &F.kb->roles[i])
				fail_msg("\"%s\": not %s", text,
				    F.kb->roles[i].id);
			question_free(&q);
		}
}

/* Hostile bytes: a parse, never a crash; words stay within bounds. */
static void
test_03_hostile(void **s)
{
	char big[8192];
	struct intent q;

	(void)s;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	question_parse(F.ix, big, strlen(big), &q);
	assert_int_equal(q.e.nroles, 0);
	question_free(&q);
	memset(big, ' ', sizeof(big) - 1);
	for (size_t i = 0; i + 4 < sizeof(big); i += 4)
		memcpy(big + i, "sre ", 4);
	question_parse(F.ix, big, strlen(big), &q);
	assert_true(q.nwords <= Q_WORDS_MAX);
	question_free(&q);
	question_parse(F.ix, "\xff\xfe\x00", 3, &q);
	question_free(&q);
}

/* The conversation: follow-ups through the router, per person. */
static void
test_04_follow_ups(void **s)
{
	const char *t;

	(void)s;
	assert_has(ask_where("!salary data scientist", 22, 1, "alice"),
	    "$130,000");
	t = "what skills does that need";
	assert_has(ask_where(t, strlen(t), 1, "alice"), "statistics");
	/* bob has no conversation: "that" is nothing to him */
	assert_lacks(ask_where(t, strlen(t), 1, "bob"), "Data Scientist");
	t = "and devops?";
	assert_has(ask_where(t, strlen(t), 1, "alice"), "DevOps Engineer");
	t = "is that more than a data scientist";
	assert_has(ask_where(t, strlen(t), 1, "alice"), "Midpoints");
	t = "source?";
	assert_has(ask_where(t, strlen(t), 1, "alice"), "line");
	assert_has(ask_where(t, strlen(t), 1, "alice"), "guide");
}

/* Amounts as chat writes them, what compares them, and the intent. */
struct acase {
	const char	*text;
	long		 amount, amount2;
	enum comparator	 cmp;
	enum intent_kind kind;
	const char	*role;		/* id of the first role, or NULL */
};

static const struct acase acases[] = {
	/* 1 where an amount sits in a role's range */
	{ "I make 150k as an SRE, lowball?", 150000, 0, CMP_NONE, I_POSITION,
	    "site-reliability-engineer" },
	/* 2 */
	{ "offer of 125k for sre", 125000, 0, CMP_NONE, I_POSITION,
	    "site-reliability-engineer" },
	/* 3 "offer" is a negotiation cue too: the amount and role win */
	{ "got an offer for 125k as an SRE, is that a lowball?", 125000, 0,
	    CMP_NONE, I_POSITION, "site-reliability-engineer" },
	/* 4 "i'm on" */
	{ "I'm on 170k as a blockchain dev where does that sit", 170000, 0,
	    CMP_NONE, I_POSITION, "blockchain-developer" },
	/* 5 */
	{ "165000 for a data scientist, is that good", 165000, 0, CMP_NONE,
	    I_POSITION, "data-scientist" },
	/* 6 the bottom end */
	{ "which roles start at 150k", 150000, 0, CMP_STARTS, I_AMOUNT, NULL },
	/* 7 */
	{ "which jobs bottom out at 130k", 130000, 0, CMP_STARTS, I_AMOUNT,
	    NULL },
	/* 8 the top end */
	{ "what maxes out at 185k", 185000, 0, CMP_TOPS, I_AMOUNT, NULL },
	/* 9 */
	{ "anything that caps at $230,000", 230000, 0, CMP_TOPS, I_AMOUNT,
	    NULL },
	/* 10 the midpoint */
	{ "roles with a midpoint of 180k", 180000, 0, CMP_MID, I_AMOUNT, NULL },
	/* 11 directions */
	{ "anything over 200 grand", 200000, 0, CMP_ABOVE, I_ABOVE, NULL },
	/* 12 */
	{ "north of 215K", 215000, 0, CMP_ABOVE, I_AMOUNT, NULL },
	/* 13 */
	{ "i want at least 200 grand, which jobs can get me there", 200000,
	    0, CMP_ATLEAST, I_ABOVE, NULL },
	/* 14 "+" is "at least" */
	{ "150K+ jobs", 150000, 0, CMP_ATLEAST, I_AMOUNT, NULL },
	/* 15 */
	{ "jobs paying 150k or more", 150000, 0, CMP_ATLEAST, I_AMOUNT, NULL },
	/* 16 */
	{ "roles under 140k", 140000, 0, CMP_BELOW, I_BELOW, NULL },
	/* 17 */
	{ "south of 150 thousand", 150000, 0, CMP_BELOW, I_AMOUNT, NULL },
	/* 18 */
	{ "jobs that pay at most $150,000", 150000, 0, CMP_ATMOST, I_BELOW,
	    NULL },
	/* 19 a direction wins over the end it names */
	{ "which jobs start above 150k", 150000, 0, CMP_ABOVE, I_ABOVE, NULL },
	/* 20 two amounts, the unit written once */
	{ "jobs paying between 150 and 200k", 150000, 200000, CMP_BETWEEN,
	    I_BETWEEN, NULL },
	/* 21 a range with a dash is "between" */
	{ "roles paying $150-160k", 150000, 160000, CMP_BETWEEN, I_AMOUNT,
	    NULL },
	/* 22 */
	{ "between $150k and $200k", 150000, 200000, CMP_BETWEEN, I_BETWEEN,
	    NULL },
	/* 23 "or" shares the unit but is no range */
	{ "jobs paying 150 or 160k", 150000, 160000, CMP_NONE, I_AMOUNT,
	    NULL },
	/* 24 no comparator: the ranges that hold it */
	{ "what pays $185,000", 185000, 0, CMP_NONE, I_AMOUNT, NULL },
	/* 25 millions */
	{ "anything over 1.5m", 1500000, 0, CMP_ABOVE, I_ABOVE, NULL },
	/* 26 a year and a count are no amounts */
	{ "top 5 in 2026 over 150k", 150000, 0, CMP_ABOVE, I_ABOVE, NULL },
	/* 27 "5 k8s" is no 5,000 */
	{ "top 5 k8s roles", 0, 0, CMP_NONE, I_TOP, NULL },
	/* 28 a role against a direction */
	{ "does an sre make more than 150k", 150000, 0, CMP_ABOVE, I_ABOVE,
	    "site-reliability-engineer" },
	/* 29 spread */
	{ "spread for blockchain devs", 0, 0, CMP_NONE, I_SPREAD,
	    "blockchain-developer" },
	/* 30 */
	{ "how wide is the ai research scientist range", 0, 0, CMP_NONE,
	    I_SPREAD, "ai-research-scientist" },
	/* 31 same ranges */
	{ "roles with identical pay ranges", 0, 0, CMP_NONE, I_SAME, NULL },
	/* 32 */
	{ "which roles have the same starting salary", 0, 0, CMP_STARTS,
	    I_SAME, NULL },
	/* 33 without an amount, "over" is no amount question */
	{ "does ai pm make more than ml engineer", 0, 0, CMP_ABOVE, I_COMPARE,
	    "ai-product-manager" },
	/* 34 "lowball" alone makes it a position */
	{ "sre at 125k, lowball?", 125000, 0, CMP_NONE, I_POSITION,
	    "site-reliability-engineer" },
	/* 35 the conversation's role: "is 150k good for that?" */
	{ "is 150k good for that?", 150000, 0, CMP_NONE, I_POSITION, NULL },
};

static void
check_amount(size_t i)
{
	const struct acase *c = &acases[i];
	struct intent q;

	question_parse(F.ix, c->text, strlen(c->text), &q);
	if (q.kind != c->kind)
		fail_msg("amount case %zu \"%s\": intent %s, want %s", i + 1,
		    c->text, intent_name(q.kind), intent_name(c->kind));
	if (q.e.amount != c->amount || q.e.amount2 != c->amount2)
		fail_msg("amount case %zu \"%s\": amounts %ld, %ld, want %ld, "
		    "%ld", i + 1, c->text, q.e.amount, q.e.amount2, c->amount,
		    c->amount2);
	if (q.e.cmp != c->cmp)
		fail_msg("amount case %zu \"%s\": comparator %d, want %d",
		    i + 1, c->text, (int)q.e.cmp, (int)c->cmp);
	if (c->role && (q.e.nroles == 0 || strcmp(q.e.roles[0]->id,
	    c->role) != 0))
		fail_msg("amount case %zu \"%s\": no role %s", i + 1, c->text,
		    c->role);
	if (!c->role && q.e.nroles > 0)
		fail_msg("amount case %zu \"%s\": role %s, want none", i + 1,
		    c->text, q.e.roles[0]->id);
	question_free(&q);
}

static void
test_05_amounts(void **s)
{
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(acases) / sizeof(acases[0]); i++)
		check_amount(i);
}

/* The raw-text parse alone: every form, ranges, and what is no amount. */
static void
test_06_parse_amounts(void **s)
{
	static const struct {
		const char	*text;
		int		 n, range;
		long		 a[3];
	} t[] = {
		{ "150k", 1, 0, { 150000 } },
		{ "$185,000", 1, 0, { 185000 } },
		{ "185000", 1, 0, { 185000 } },
		{ "200 grand", 1, 0, { 200000 } },
		{ "150 thousand", 1, 0, { 150000 } },
		{ "North of 215K", 1, 0, { 215000 } },
		{ "150K+", 1, 0, { 150000 } },
		{ "1.5m", 1, 0, { 1500000 } },
		{ "162.5k", 1, 0, { 162500 } },
		{ "$150-160k", 2, 1, { 150000, 160000 } },
		{ "$150k–$160k", 2, 1, { 150000, 160000 } },
		{ "between 150 and 200k", 2, 1, { 150000, 200000 } },
		{ "150k to 200", 2, 1, { 150000, 200000 } },
		{ "150 or 160k", 2, 0, { 150000, 160000 } },
		{ "150k, then 170k", 2, 0, { 150000, 170000 } },
		/* none: counts, years, versions, names, too big */
		{ "top 5 in 2026", 0, 0, { 0 } },
		{ "between 150 and 200", 0, 0, { 0 } },
		{ "python 3.10 on k8s", 0, 0, { 0 } },
		{ "p90 of web3 pay", 0, 0, { 0 } },
		{ "$99999999999999999999", 0, 0, { 0 } },
		{ "5 k8s clusters", 0, 0, { 0 } },
		{ "2 months", 0, 0, { 0 } },
	};
	long got[3];
	size_t i;
	int n, range, k;

	(void)s;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(got, 0, sizeof(got));
		n = parse_amounts(t[i].text, got, 3, &range);
		if (n != t[i].n || range != t[i].range)
			fail_msg("parse %zu \"%s\": %d amounts, range %d; want "
			    "%d, %d", i + 1, t[i].text, n, range, t[i].n,
			    t[i].range);
		for (k = 0; k < n; k++)
			if (got[k] != t[i].a[k])
				fail_msg("parse %zu \"%s\": amount %d is %ld, "
				    "want %ld", i + 1, t[i].text, k + 1, got[k],
				    t[i].a[k]);
		assert_int_equal(parse_amount(t[i].text), n ? t[i].a[0] : 0);
	}
	/* more numbers than are looked at: no overrun, the first kept */
	{
		char many[1024] = "100k";
		size_t len;

		while ((len = strlen(many)) + 6 < sizeof(many))
			snprintf(many + len, sizeof(many) - len, " 200k");
		n = parse_amounts(many, got, 3, NULL);
		assert_int_equal(n, 3);
		assert_int_equal(got[0], 100000);
	}
}

/* How a role was read is kept with the words as typed, and only when
 * the words as typed did not name it. */
static void
test_07_readings(void **s)
{
	static const struct { const char *text, *typed, *role; } read[] = {
		{ "cyber arhc salary", "cyber arhc", "cybersecurity-architect" },
		{ "what do big dta eng folks make", "big dta eng",
		    "big-data-engineer" },
		{ "datascientist pay", "datascientist", "data-scientist" },
		{ "bc dev salary", "bc dev", "blockchain-developer" },
		{ "ml engg vs sre", "ml engg", "machine-learning-engineer" },
	};
	static const char *const plain[] = {
		"eng manager salary", "mle pay", "full stack salary",
		/* "ai research" already names it: nothing to say */
		"ai research sci salary",
	};
	struct intent q;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(read) / sizeof(read[0]); i++) {
		question_parse(F.ix, read[i].text, strlen(read[i].text), &q);
		if (q.e.nread != 1 || strcmp(q.e.read[0].typed,
		    read[i].typed) != 0 || strcmp(q.e.read[0].role->id,
		    read[i].role) != 0)
			fail_msg("\"%s\": read %d, \"%s\" as %s", read[i].text,
			    q.e.nread, q.e.nread ? q.e.read[0].typed : "",
			    q.e.nread ? q.e.read[0].role->id : "-");
		assert_true(q.e.corrected);
		question_free(&q);
	}
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		question_parse(F.ix, plain[i], strlen(plain[i]), &q);
		assert_int_equal(q.e.nroles, 1);
		if (q.e.nread != 0)
			fail_msg("\"%s\": read \"%s\"", plain[i],
			    q.e.read[0].typed);
		question_free(&q);
	}
}

/* Short forms are read only inside a role's name: alone, "sec" is no
 * category and "dev" no role; "software engineer" is no role at all. */
static void
test_08_short_forms_alone(void **s)
{
	static const char *const none[] = {
		"sec", "what about sec", "dta", "arch", "because it pays",
		"software engineer", "software engineers earn what",
	};
	struct intent q;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		question_parse(F.ix, none[i], strlen(none[i]), &q);
		if (q.e.nroles != 0 || q.e.category >= 0)
			fail_msg("\"%s\": %d roles, category %d", none[i],
			    q.e.nroles, q.e.category);
		question_free(&q);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_cases),
		cmocka_unit_test(test_02_every_name_in_a_sentence),
		cmocka_unit_test(test_03_hostile),
		cmocka_unit_test(test_04_follow_ups),
		cmocka_unit_test(test_05_amounts),
		cmocka_unit_test(test_06_parse_amounts),
		cmocka_unit_test(test_07_readings),
		cmocka_unit_test(test_08_short_forms_alone),
	};

	return cmocka_run_group_tests_name("question", t, fixture_setup,
	    fixture_teardown);
}
