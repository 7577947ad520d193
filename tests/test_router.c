/*
 * test_router.c -- commands and natural questions, end to end through the
 * router: every role's salary and skills, rankings and ties, the roles
 * without figures, questions out of scope, addressing, "more", hostile
 * input.  Expected values come from the knowledge, not from copies here.
 */
#include "testutil.h"

static void
expect_range(const char *ans, const struct kb_pay *p)
{
	struct answer a;

	answer_init(&a);
	fmt_range(&a, p->min, p->max, p->open_ended);
	assert_has(ans, buf_str(&a.text));
	answer_free(&a);
}

static void
test_01_salary_every_role(void **s)
{
	char q[256];
	int i;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		const char *ans;

		snprintf(q, sizeof(q), "!salary %s", r->title);
		ans = ask(q);
		assert_clean(ans);
		assert_has(ans, r->title);
		if (r->figure) {
			expect_range(ans, &r->figure->pay);
			assert_has(ans, r->figure->source->label);
		} else {
			/* no figure: say so, quote the words, no dollar */
			assert_has(ans, "no salary figure");
			assert_lacks(ans, "$");
			assert_lacks(ans, ",000");
		}
	}
}

static void
test_02_example_line_format(void **s)
{
	(void)s;
	{
		char *a = xstrdup(ask("!salary sre"));

		assert_string_equal(a, ask("!salary site reliability engineer"));
		free(a);
	}
	assert_memory_equal(ask("!salary sre"),
	    "Site Reliability Engineer: $140,000–$185,000 (2026 guide). "
	    "Skills: distributed systems, observability, debugging, "
	    "automation scripting.", 132);
	assert_has(ask("!salary cloud architect"),
	    "(2026 guide, as Cloud Solutions Architect)");
	assert_has(ask("!salary ai research scientist"), "$240,000+");
}

static void
test_03_skills_every_role(void **s)
{
	char q[256];
	int i, j;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		const struct kb_role_source *p = r->primary;
		struct buf all = {0};

		snprintf(q, sizeof(q), "!skills %s", r->id);
		buf_puts(&all, ask(q));
		assert_clean(buf_str(&all));
		/* the whole answer, with its "more", names every skill */
		while (F.a.more.len) {
			buf_puts(&all, " ");
			buf_puts(&all, ask("more"));
		}
		for (j = 0; j < p->nskills; j++) {
			char *t = xstrdup(p->skills[j].text);
			size_t n = strlen(t);

			if (n && t[n - 1] == '.')
				t[n - 1] = '\0';
			assert_has(buf_str(&all), t);
			free(t);
		}
		buf_free(&all);
	}
}

static void
test_04_role_and_whoneeds(void **s)
{
	const char *a;

	(void)s;
	a = ask("!role devops");
	assert_has(a, "CI/CD");
	assert_has(a, "deploy");
	a = ask("!whoneeds terraform");
	assert_has(a, "Cloud Architect");
	assert_lacks(a, "DevOps");
	assert_lacks(a, "Site Reliability");
	a = ask("!whoneeds c++");
	assert_has(a, "Machine Learning Engineer");
	a = ask("!whoneeds cobol");
	assert_has(a, "No role in the guides lists");
	a = ask("!whoneeds");
	assert_has(a, "Usage:");
}

static void
test_05_top_keeps_ties(void **s)
{
	const char *a;

	(void)s;
	a = ask("!top");
	assert_has(a, "by midpoint");
	assert_has(a, "1= AI Research Scientist $200,000");
	assert_has(a, "1= Software Engineering Manager $200,000");
	assert_has(a, "3. Cybersecurity Architect");
	/* the 5th place is tied: both tied roles are listed */
	assert_has(a, "4= AI Product Manager");
	assert_has(a, "4= Machine Learning Engineer");
	a = ask("!top 1");
	assert_has(a, "Top 2");		/* a tie for 1st shows both */
	a = ask("!top 3 by max");
	assert_has(a, "by top of range");
	assert_has(a, "1. AI Research Scientist $240,000+");
	a = ask("!top by min");
	assert_has(a, "1. Software Engineering Manager $170,000");
	a = ask("!top 999");
	assert_clean(a);
}

static void
test_06_compare(void **s)
{
	const char *a;

	(void)s;
	a = ask("!compare ciso vs cybersecurity architect");
	assert_has(a, "Chief Information Security Officer");
	assert_has(a, "$155,000–$220,000");
	a = ask("!compare sre vs devops");
	assert_has(a, "Midpoints $162,500 vs $152,500");
	a = ask("!compare nurse vs sre");
	assert_has(a, "\"nurse\" isn't covered by the guides");
	assert_has(a, "$140,000–$185,000");
	a = ask("!compare sre");
	assert_has(a, "Usage:");
	/* the HTML form is a table */
	ask("!compare sre vs devops");
	assert_has(buf_str(&F.a.html), "<table>");
	assert_has(buf_str(&F.a.html), "<td>$140,000–$185,000</td>");
}

static void
test_07_out_of_scope(void **s)
{
	static const char *const q[] = {
		"techpay: how much does a nurse make?",
		"techpay how much does a CTO make?",
		"!salary ios developer",
		"techpay: what's the weather like today?",
	};
	size_t i;
	const char *a;

	(void)s;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		a = ask(q[i]);
		if (!contains(a, "isn't covered by the guides") &&
		    !contains(a, "not covered"))
			fail_msg("not said to be out of scope: %s", a);
		assert_lacks(a, "$");
		assert_clean(a);
	}
	a = ask("techpay: what do SREs earn in pounds?");
	assert_has(a, "$140,000–$185,000");
	assert_has(a, "US-dollar averages only");
	assert_lacks(a, "£");
	a = ask("techpay: salary of a devops engineer in €?");
	assert_has(a, "$130,000–$175,000");
	assert_has(a, "US-dollar averages only");
	/* a look-alike is offered as another job, never as a guess */
	assert_has(ask("!salary ios developer"),
	    "closest covered roles, which are different jobs");
	assert_lacks(ask("!salary ios developer"), "did you mean");
}

static void
test_08_natural_questions(void **s)
{
	(void)s;
	assert_has(ask("techpay: how much does an SRE make?"), "$140,000");
	assert_has(ask("techpay, which roles need kubernetes?"),
	    "Machine Learning Engineer");
	assert_has(ask("techpay: who earns the most?"), "AI Research Scientist");
	assert_has(ask("techpay what does an ai pm do"), "Define AI product");
	assert_has(ask("techpay: what skills does a data scientist need?"),
	    "Advanced statistics");
	assert_has(ask("techpay: what are the meta skills?"), "AI fluency");
	assert_has(ask("techpay: what should I negotiate beyond base salary?"),
	    "Signing Bonuses");
	assert_has(ask("techpay: which roles pay above $200k?"),
	    "above $200,000");
	assert_has(ask("techpay: sre or devops, which pays more?"),
	    "Midpoints");
	assert_has(ask("techpay: what are the lowest paying roles?"),
	    "Lowest");
	{
		struct buf all = {0};
		int guard = 0;

		buf_puts(&all, ask("techpay: what are the conclusions?"));
		while (F.a.more.len && guard++ < 10)
			buf_puts(&all, ask("more"));
		assert_has(buf_str(&all), "undated guide");
		assert_has(buf_str(&all), "(2026 guide)");
		assert_has(buf_str(&all), "difficulty pays");
		buf_free(&all);
	}
	assert_has(ask("techpay: what is the role of the day?"),
	    "Role of the day");
	/* every form of address, the same answer */
	assert_string_equal(ask("salary sre"), "Site Reliability Engineer: "
	    "$140,000–$185,000 (2026 guide). Skills: distributed systems, "
	    "observability, debugging, automation scripting. The undated "
	    "guide: \"The unique combination of coding skills and systems "
	    "administration knowledge allows SREs to negotiate some of the "
	    "most competitive salaries in the industry.\"");
	{
		char *want = xstrdup(ask("salary sre"));

		assert_string_equal(ask("techpay: salary sre"), want);
		assert_string_equal(ask("techpay, salary sre"), want);
		assert_string_equal(ask("techpay salary sre"), want);
		assert_string_equal(ask("!salary sre"), want);
		free(want);
	}
}

static void
test_09_every_command_answers(void **s)
{
	const struct command *c;
	char q[64];

	(void)s;
	for (c = commands; c->name; c++) {
		snprintf(q, sizeof(q), "!%s", c->name);
		assert_true(strlen(ask(q)) > 0);
		assert_clean(ask(q));
		snprintf(q, sizeof(q), "!help %s", c->name);
		if (c->who == CMD_OWNERS)	/* only owners see these */
			assert_has(ask(q), "No command");
		else
			assert_has(ask(q), c->help);
		if (c->alias) {
			snprintf(q, sizeof(q), "!%s", c->alias);
			assert_true(strlen(ask(q)) > 0);
		}
	}
	assert_has(ask("!tips"), "Equity and Stock Options");
	assert_has(ask("!keyskills"), "Distributed Systems");
	assert_has(ask("!sources"), "2026");
	assert_has(ask("!range"), "$130,000");
	assert_has(ask("!range"), "$240,000+");
	assert_has(ask("!roles security"), "Cybersecurity Architect");
	assert_has(ask("!roles nope"), "No category");
	assert_has(ask("!salary"), "Usage:");
	assert_has(ask("!salary architect"), "matches several roles");
}

static void
test_10_addressing_in_channels(void **s)
{
	const char *t;

	(void)s;
	t = "just chatting about sre salaries";
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "techpay salary sre";	/* the name, then the question */
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "@techpay what does an sre make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "hey techpay, what does an sre make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "what does an sre make techpay";	/* the name last */
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "i think techpay is neat";	/* named in passing */
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "techpayer salary sre";	/* not the name */
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "!unknowncommand x";	/* maybe another bot's */
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "TechPay: salary sre";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "!salary sre";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "!unknowncommand";
	assert_has(ask_where(t, strlen(t), 1, "pm"), "I answer from");
}

static void
test_11_more_per_conversation(void **s)
{
	const char *t = "!tips";
	char *first;
	int i;

	(void)s;
	first = xstrdup(ask_where(t, strlen(t), 1, "alice"));
	assert_has(first, "say \"more\"");
	assert_true(strlen(first) <= ANSWER_LINE_MAX);
	assert_has(ask_where("more", 4, 1, "bob"), "Nothing more");
	t = ask_where("more", 4, 1, "alice");
	assert_lacks(t, "Nothing more");
	assert_has(t, "One-time payments");	/* the details */
	/* the rest, part by part, then nothing (bounded) */
	for (i = 0; i < 5 && strstr(t, "Nothing more") == NULL; i++)
		t = ask_where("more", 4, 1, "alice");
	assert_has(t, "Nothing more");
	free(first);
}

static void
test_12_hostile_input(void **s)
{
	static const char *const q[] = {
		"!salary \"salary AND OR", "techpay: NEAR(", "!salary *",
		"!role '; DROP TABLE roles;--", "!role %s%s%n", "!skills %x%x",
		"!whoneeds NEAR(a b", "!compare \" vs (", "!top -5", "!top x y z",
		"!above $99999999999999999999", "!above", "!below 0",
		"techpay: \x01\x02", "!salary \xff\xfe\xfd", "!roles \xc0\xaf",
		"!salary sre\r\nPRIVMSG #x :owned", "!salary sre\0hidden",
		"techpay: " "vs vs vs vs", "!compare vs", "more more more",
	};
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		assert_clean(ask_where(q[i], strlen(q[i]) + (i == 17 ? 7 : 0),
		    1, "h"));
	assert_lacks(ask("!role %s%s%n"), "0x");
	/* a 2,000-byte line: answered, not echoed back */
	{
		char big[2001];

		memcpy(big, "!salary ", 8);
		memset(big + 8, 'A', sizeof(big) - 9);
		big[2000] = '\0';
		assert_clean(ask(big));
		assert_lacks(ask(big), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	}
	assert_has(ask("!skills d\xe9vops"), "Jenkins");
}

static void
test_13_custom_prefix_and_nick(void **s)
{
	struct router_opts o = { "?", "paybot" };
	struct router *saved = F.rt;
	const char *t;

	(void)s;
	F.rt = router_new(F.kb, F.ix, &o);
	t = "?salary sre";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "!salary sre";
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "paybot: salary sre";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	assert_has(ask("help"), "?salary");
	router_free(F.rt);
	F.rt = saved;
}

static void
test_15_styled_and_lookalike_questions(void **s)
{
	const char *t;

	(void)s;
	/* as IRC clients send them: bold and colour inside words */
	t = "\x02techpay\x02: what does an \x03" "04s\x03re make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "techpay: which roles pay above \x03" "04,12150k?";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "above $150,000");
	/* Cyrillic letters inside Latin words */
	t = "techpay: what does a d\xd0\xb0ta scientist make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "Data Scientist: $");
	t = "\xd1\x95re salary";
	assert_has(ask(t), "$140,000");
}

static const struct kb_role *
role_named(const char *id)
{
	int i;

	for (i = 0; i < F.kb->nroles; i++)
		if (strcmp(F.kb->roles[i].id, id) == 0)
			return &F.kb->roles[i];
	fail_msg("no role %s", id);
	return NULL;
}

/* A role read from short forms, glued words or typos: its own figures,
 * and the answer says how the words were read. */
static void
test_16_readings(void **s)
{
	static const struct { const char *q, *typed, *id; } c[] = {
		{ "cyber arhc salary", "cyber arhc", "cybersecurity-architect" },
		{ "swe mngr pay", "swe mngr", "software-engineering-manager" },
		{ "what does an ml engg make", "ml engg",
		    "machine-learning-engineer" },
		{ "how much does a bc dev make", "bc dev",
		    "blockchain-developer" },
		{ "datascientist salary", "datascientist", "data-scientist" },
		{ "ai prod manager salary", "ai prod manager",
		    "ai-product-manager" },
		{ "cloud sol architect pay", "cloud sol architect",
		    "cloud-architect" },
		{ "!salary security archtect", "security archtect",
		    "cybersecurity-architect" },
		{ "!salary big dta eng", "big dta eng", "big-data-engineer" },
		{ "!skills sec architect", "sec architect",
		    "cybersecurity-architect" },
	};
	char note[160], where[32];
	const struct kb_role *r;
	const char *a;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		r = role_named(c[i].id);
		snprintf(where, sizeof(where), "readings/%zu", i);
		a = ask_where(c[i].q, strlen(c[i].q), 1, where);
		assert_clean(a);
		snprintf(note, sizeof(note), "(taking \"%s\" as %s) %s",
		    c[i].typed, r->title, r->title);
		assert_has(a, note);
		if (c[i].q[0] == '!' && strncmp(c[i].q, "!salary", 7) != 0)
			continue;
		if (r->figure)
			expect_range(a, &r->figure->pay);
		else {
			assert_has(a, "no salary figure");
			assert_lacks(a, "$");
		}
	}
	/* names as typed: nothing to say about them */
	assert_lacks(ask_where("eng manager salary", 18, 1, "r/a"), "taking");
	assert_lacks(ask_where("!salary mle", 11, 1, "r/b"), "taking");
	assert_lacks(ask_where("!salary senior full stack dev", 29, 1, "r/c"),
	    "taking");
}

/* Jobs the guides do not cover are not covered: never another role's
 * figures, a category's ranking or the overall range; the closest
 * covered roles are named as different jobs. */
static void
test_17_look_alikes(void **s)
{
	static const struct { const char *q, *name, *near; } c[] = {
		{ "frontend dev salary", "frontend dev", "Full-Stack Developer" },
		{ "android dev salary 2026", "android dev", "Developer" },
		{ "tech lead salary", "tech lead", NULL },
		{ "how much does a sysadmin make", "sysadmin", NULL },
		{ "devrel salary", "devrel", NULL },
		{ "!salary software engineer", "software engineer",
		    "Software Engineering Manager" },
		{ "backend developer", "backend developer", "Developer" },
		{ "qa engineer", "qa engineer", "Engineer" },
		{ "data analyst", "data analyst", "Data Scientist" },
		{ "product manager", "product manager", "AI Product Manager" },
		{ "web developer", "web developer", "Full-Stack Developer" },
		{ "network engineer", "network engineer", NULL },
		{ "game dev", "game dev", "Developer" },
		{ "security analyst", "security analyst",
		    "Cybersecurity Architect" },
		{ "penetration tester", "penetration tester",
		    "Cybersecurity Architect" },
		{ "!salary product manager", "product manager",
		    "AI Product Manager" },
		{ "!skills web developer", "web developer",
		    "Full-Stack Developer" },
	};
	char want[96], where[32];
	const char *a;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(where, sizeof(where), "look/%zu", i);
		a = ask_where(c[i].q, strlen(c[i].q), 1, where);
		assert_clean(a);
		snprintf(want, sizeof(want), "\"%s\" isn't covered by the "
		    "guides", c[i].name);
		assert_has(a, want);
		assert_lacks(a, "$");
		assert_lacks(a, ",000");
		assert_lacks(a, "Salary ranges");	/* the overall range */
		assert_lacks(a, "Top ");		/* a category's ranking */
		assert_lacks(a, "did you mean");
		if (c[i].near) {
			assert_has(a, "different job");
			assert_has(a, c[i].near);
		}
	}
	/* "software engineer" is not "software engineering manager" */
	assert_lacks(ask("!salary software engineer"),
	    "Software Engineering Manager:");
	/* skills compared for pay: no ranking, no figure */
	a = ask("frontend vs backend who makes more");
	assert_has(a, "don't cover pay for skills");
	assert_lacks(a, "$");
	assert_lacks(a, "Top ");
}

static void
test_18_more_and_memory_expire(void **s)
{
	const time_t t0 = 1790000000;

	(void)s;
	assert_has(ask_at("!tips", "exp", t0, 0), "say \"more\"");
	/* within ROUTER_MEMORY_SECS the rest is there */
	assert_lacks(ask_at("more", "exp", t0 + ROUTER_MEMORY_SECS - 1, 0),
	    "Nothing more");
	/* then it is forgotten: whoever speaks later as this conversation
	 * (a nick taken over, a shared host) gets nothing of it */
	assert_has(ask_at("!tips", "exp", t0, 0), "say \"more\"");
	assert_has(ask_at("more", "exp", t0 + ROUTER_MEMORY_SECS + 1, 0),
	    "Nothing more");
	/* a bare "more" in a channel finds nothing either: silence */
	assert_has(ask_at("!tips", "exp2", t0, 0), "say \"more\"");
	{
		struct message m = { .text = "more", .len = 4,
		    .where = "exp2" };

		assert_false(router_handle(F.rt, &m,
		    t0 + ROUTER_MEMORY_SECS + 1, &F.a));
	}
	/* what the last answer was about expires the same way */
	assert_has(ask_at("!salary sre", "exp3", t0, 0), "Site Reliability");
	assert_has(ask_at("and devops?", "exp3", t0 + 10, 0), "DevOps");
	assert_lacks(ask_at("how much do they make", "exp3",
	    t0 + 10 + ROUTER_MEMORY_SECS + 1, 0), "DevOps Engineer:");
}

/* "more" with nothing pending says so once, not at every "more" (a
 * person who keeps typing it gets one line, and no one can make the
 * bot repeat it); an answer in between makes it worth saying again. */
static void
test_22_nothing_more_said_once(void **s)
{
	const time_t t0 = 1790000000;
	int i;

	(void)s;
	assert_has(ask_at("more", "nm", t0, 0), "Nothing more to show.");
	assert_string_equal(ask_at("more", "nm", t0 + 1, 0), "");
	assert_string_equal(ask_at("!more", "nm", t0 + 2, 0), "");
	/* another person is told, once, too */
	assert_has(ask_at("more", "nm2", t0 + 4, 0), "Nothing more");
	/* an answer with nothing cut: the next "more" is told again */
	assert_has(ask_at("!salary sre", "nm", t0 + 5, 0), "Site Reliability");
	assert_has(ask_at("more", "nm", t0 + 6, 0), "Nothing more to show.");
	assert_string_equal(ask_at("more", "nm", t0 + 7, 0), "");
	/* a cut answer: the rest, page by page, then nothing more, once */
	assert_has(ask_at("!tips", "nm", t0 + 8, 0), "say \"more\"");
	assert_lacks(ask_at("more", "nm", t0 + 9, 0), "Nothing more");
	for (i = 0; i < 20; i++)
		if (strstr(ask_at("more", "nm", t0 + 10, 0),
		    "Nothing more to show.") != NULL)
			break;
	assert_true(i < 20);
	assert_string_equal(ask_at("more", "nm", t0 + 11, 0), "");
}

/* Counts the occurrences of needle in hay. */
static int
count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* A field compared with a role is the field's own role when its words
 * name one, else its roles; memory never stands in for it; a gap asked
 * "at the top" is the labelled difference of the two figures. */
static void
test_23_field_compared(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	assert_has(ask_at("techpay: devops salary", "fc", t0, 0), "DevOps");
	a = ask_at("techpay: data science or sre, which pays more", "fc",
	    t0 + 1, 0);
	assert_has(a, "Data Scientist");
	assert_has(a, "Site Reliability Engineer");
	assert_lacks(a, "DevOps");
	a = ask_at("techpay: the blockchain person or the ml person", "fc",
	    t0 + 2, 0);
	assert_has(a, "Blockchain Developer");
	assert_has(a, "Machine Learning Engineer");
	assert_has(a, "AI Research Scientist");
	a = ask_at("techpay: blockchain or data science, whats the gap at "
	    "the max", "fc", t0 + 3, 0);
	assert_has(a, "$20,000 more than Data Scientist");
	assert_has(a, "difference of the guide's figures");
}

/* Rankings read how many are asked for in words ("the three", "all",
 * one for a singular head) and what is left out ("non ai", "besides
 * research scientists", "not a management role"). */
static void
test_24_ranking_words(void **s)
{
	const time_t t0 = 1790000000;
	const char *a;

	(void)s;
	a = ask_at("techpay: the three worst paid ones", "rw", t0, 0);
	assert_has(a, "Lowest 3");
	a = ask_at("techpay: rank them all by the top of their range", "rw",
	    t0 + 1, 0);
	assert_has(a, "Top 10 by top of range");
	a = ask_at("techpay: lowest earning role and how much", "rw", t0 + 2,
	    0);
	assert_has(a, "Lowest by midpoint with a figure: DevOps Engineer, "
	    "$130,000");
	a = ask_at("techpay: which non-ai job pays the most", "rw", t0 + 3, 0);
	assert_has(a, "Software Engineering Manager");
	assert_lacks(a, "AI Research Scientist");
	a = ask_at("techpay: best paid ai role besides research scientist",
	    "rw", t0 + 4, 0);
	assert_has(a, "Machine Learning Engineer");
	assert_lacks(a, "AI Research Scientist");
	a = ask_at("techpay: highest paying job thats not a management role",
	    "rw", t0 + 5, 0);
	assert_has(a, "AI Research Scientist");
	assert_lacks(a, "Software Engineering Manager");
	/* two fields: each in turn */
	a = ask_at("techpay: which role earns the most in security and which "
	    "in cloud", "rw", t0 + 7, 0);
	assert_has(a, "Highest in Cybersecurity");
	assert_has(a, "Highest in Cloud and infrastructure");
	/* "more than devops" compares: "than" alone leaves nothing out */
	a = ask_at("techpay: is sre paid more than devops", "rw", t0 + 6, 0);
	assert_has(a, "DevOps Engineer");
}


static void
test_19_echo_once(void **s)
{
	const char *t;

	(void)s;
	/* two unknown sides: one short echo, not two lists of nicks */
	t = ask("!compare alice bob carol dave erin frank vs gina hank ivan "
	    "judy karl liam mona");
	assert_int_equal(count_of(t, "\""), 4);
	assert_lacks(t, "gina");
	assert_lacks(t, "frank");
	/* four unknown roles in a question */
	t = ask("how much do alice engineers, bob developers, carol "
	    "architects and dave analysts make");
	assert_lacks(t, "bob");
	assert_lacks(t, "carol");
	assert_lacks(t, "dave");
	t = ask("!help alice bob carol dave erin frank gina hank");
	assert_lacks(t, "gina");
	/* RLO reaches no answer */
	t = ask("!salary \xe2\x80\xaeorez si yrals");
	assert_lacks(t, "\xe2\x80\xae");
}

static void
test_20_join_one_channel(void **s)
{
	const char *t;

	(void)s;
	/* on IRC "0" in a JOIN list leaves every channel; a list is not
	 * one channel on any network */
	t = ask_at("!join #x,0", "owner", 1790000000, 1);
	assert_int_equal(F.a.action, ACT_NONE);
	assert_has(t, "one channel");
	t = ask_at("!join 0", "owner", 1790000000, 1);
	assert_int_equal(F.a.action, ACT_NONE);
	t = ask_at("!part #a,#b", "owner", 1790000000, 1);
	assert_int_equal(F.a.action, ACT_NONE);
	t = ask_at("!join #techpay", "owner", 1790000000, 1);
	assert_int_equal(F.a.action, ACT_JOIN);
	assert_string_equal(F.a.action_arg, "#techpay");
	t = ask_at("!join !room:example.org", "owner", 1790000000, 1);
	assert_int_equal(F.a.action, ACT_JOIN);
	(void)t;
}

/* 21 "where's the 160k from": the sentence of the range with that
 * figure, without a question before; a figure no range has: no quote */
static void
test_21_cite_a_figure(void **s)
{
	const char *t;

	(void)s;
	t = ask_where("where did the 160k come from", 28, 1, "cite1");
	assert_has(t, "bottom figure for AI Research Scientist");
	assert_has(t, "$160,000 to $240,000+");
	assert_has(t, "line ");
	t = ask_where("whats the source for the 210k figure", 36, 1, "cite2");
	assert_has(t, "top figure for AI Product Manager and Machine Learning");
	t = ask_where("where does 999k come from", 25, 1, "cite3");
	assert_has(t, "No range in the guides has $999,000");
	assert_lacks(t, "Average salary");
}

/* The answer in a room to text that replies to the bot (to_bot), ""
 * for silence. */
static const char *
ask_to_bot(const char *text, const char *where, int to_bot)
{
	struct message m = { .text = text, .len = strlen(text),
	    .where = where, .target = "!r:hs", .to_bot = to_bot };

	if (!router_handle(F.rt, &m, (time_t)1790000000, &F.a))
		return "";
	return buf_str(&F.a.text);
}

/* A reply to the bot's answer (or in its thread) is addressed without
 * the name: a follow-up is answered, chatter ("lol") is not, and the
 * same line not to the bot is silence. */
static void
test_25_replies_to_the_bot_addressed(void **s)
{
	(void)s;
	assert_has(ask_to_bot("!salary sre", "rep", 0), "Site Reliability");
	assert_string_equal(ask_to_bot("and devops?", "rep", 0), "");
	assert_has(ask_to_bot("and devops?", "rep", 1), "DevOps");
	assert_has(ask_to_bot("what does a data scientist earn?", "rep", 1),
	    "Data Scientist");
	assert_string_equal(ask_to_bot("lol", "rep", 1), "");
	assert_string_equal(ask_to_bot("what does a data scientist earn?",
	    "rep", 0), "");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_salary_every_role),
		cmocka_unit_test(test_02_example_line_format),
		cmocka_unit_test(test_03_skills_every_role),
		cmocka_unit_test(test_04_role_and_whoneeds),
		cmocka_unit_test(test_05_top_keeps_ties),
		cmocka_unit_test(test_06_compare),
		cmocka_unit_test(test_07_out_of_scope),
		cmocka_unit_test(test_08_natural_questions),
		cmocka_unit_test(test_09_every_command_answers),
		cmocka_unit_test(test_10_addressing_in_channels),
		cmocka_unit_test(test_11_more_per_conversation),
		cmocka_unit_test(test_12_hostile_input),
		cmocka_unit_test(test_13_custom_prefix_and_nick),
		cmocka_unit_test(test_15_styled_and_lookalike_questions),
		cmocka_unit_test(test_16_readings),
		cmocka_unit_test(test_17_look_alikes),
		cmocka_unit_test(test_18_more_and_memory_expire),
		cmocka_unit_test(test_22_nothing_more_said_once),
		cmocka_unit_test(test_23_field_compared),
		cmocka_unit_test(test_24_ranking_words),
		cmocka_unit_test(test_25_replies_to_the_bot_addressed),
		cmocka_unit_test(test_19_echo_once),
		cmocka_unit_test(test_20_join_one_channel),
		cmocka_unit_test(test_21_cite_a_figure),
	};

	return cmocka_run_group_tests_name("router", t, fixture_setup,
	    fixture_teardown);
}
