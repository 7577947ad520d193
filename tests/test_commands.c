/*
 * test_commands.c -- the command table, row by row: every row is whole,
 * its usage renders from its fields, too few words get that usage, no
 * more than max words reach the handler, help lists it, owner rows refuse
 * everyone else, the argument kind decides a bare command, free rows are
 * free, and intents run the row they name.  The daily highlight is
 * reached through a fake handle: this suite links no scheduler (Makefile:
 * MODS_test_commands is the answer path alone).
 */
#include "testutil.h"

#define WHOLE	65536	/* a line long enough for any answer: no "more" */

/*
 * The whole plain answer to text in a private chat, as an owner or not,
 * each in a conversation of its own: nothing is left for "more" by the
 * question before.
 */
static const char *
ask_as(const char *text, int owner)
{
	static int n;
	char where[32];
	struct message m = { .text = text, .len = strlen(text),
	    .where = where, .direct = 1, .owner = owner, .max_bytes = WHOLE };

	snprintf(where, sizeof(where), "cmdtest%d", n++);
	if (!router_handle(F.rt, &m, (time_t)1790000000, &F.a))
		return "";
	return buf_str(&F.a.text);
}

static const char *
ask_one(const char *text)
{
	return ask_as(text, 0);
}

/* An owner may run every row: the tests ask as one unless refusal is
 * what they test. */
static const char *
ask_owner(const char *text)
{
	return ask_as(text, 1);
}

/* The usage text a row renders, made here from its fields. */
static void
usage_of(const struct command *c, char *out, size_t n)
{
	int k = snprintf(out, n, "Usage: !%s%s%s", c->name,
	    *c->usage ? " " : "", c->usage);

	if (c->example && k > 0 && (size_t)k < n)
		snprintf(out + k, n - (size_t)k, " (e.g. !%s %s).", c->name,
		    c->example);
}

static void
test_01_every_row_is_whole(void **s)
{
	int i;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		assert_non_null(c->name);
		assert_non_null(c->usage);
		assert_non_null(c->help);
		assert_non_null(c->handler);
		assert_true(strlen(c->help) > 10);
		assert_true(c->args.min >= 0);
		assert_true(c->args.max == ARGS_REST ||
		    (c->args.max >= c->args.min &&
		    c->args.max <= ARGS_WORDS_MAX));
		/* a row that takes nothing shows nothing, and only it */
		assert_int_equal(c->args.kind == ARG_NONE, *c->usage == '\0');
		if (c->args.kind == ARG_NONE)
			assert_int_equal(c->args.max, 0);
		/* an optional argument is shown in brackets */
		if (c->args.min == 0 && *c->usage)
			assert_int_equal(c->usage[0], '[');
		if (c->args.min > 0)
			assert_true(c->usage[0] != '[');
	}
	assert_null(commands[CMD_COUNT].name);
}

static void
test_02_names_and_aliases_find_their_row(void **s)
{
	int i, j;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		assert_ptr_equal(command_find(c->name, strlen(c->name)), c);
		if (c->alias)
			assert_ptr_equal(command_find(c->alias,
			    strlen(c->alias)), c);
		for (j = 0; j < i; j++) {
			assert_true(strcasecmp(commands[j].name, c->name));
			if (c->alias && commands[j].alias)
				assert_true(strcasecmp(commands[j].alias,
				    c->alias));
		}
	}
	assert_null(command_find("nosuch", 6));
	assert_null(command_find("sal", 3));	/* no prefixes of names */
}

static void
test_03_command_of_needs_the_prefix(void **s)
{
	(void)s;
	assert_ptr_equal(command_of("!join #x", "!"), &commands[CMD_JOIN]);
	assert_ptr_equal(command_of("!leave", "!"), &commands[CMD_PART]);
	assert_ptr_equal(command_of("~salary sre", "~"),
	    &commands[CMD_SALARY]);
	assert_null(command_of("join #x", "!"));
	assert_null(command_of("!nosuch", "!"));
	assert_null(command_of("", "!"));
}

/* Too few words: the row's usage, exactly as the row renders it. */
static void
test_04_too_few_words_get_the_rows_usage(void **s)
{
	char want[256], q[64];
	int i, n = 0;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		if (c->args.min == 0)
			continue;
		usage_of(c, want, sizeof(want));
		snprintf(q, sizeof(q), "!%s", c->name);
		assert_string_equal(ask_owner(q), want);
		snprintf(q, sizeof(q), "!%s   ??", c->name);
		assert_string_equal(ask_owner(q), want);
		if (c->alias) {	/* the usage names the command */
			snprintf(q, sizeof(q), "!%s", c->alias);
			assert_string_equal(ask_owner(q), want);
		}
		n++;
	}
	assert_true(n >= 8);
}

static void
test_05_usage_texts(void **s)
{
	(void)s;
	assert_string_equal(ask_one("!salary"),
	    "Usage: !salary ROLE (e.g. !salary sre).");
	assert_string_equal(ask_one("!compare"),
	    "Usage: !compare ROLE vs ROLE (e.g. !compare sre vs devops).");
	assert_string_equal(ask_one("!below"),
	    "Usage: !below AMOUNT [by min|max|mid] (e.g. !below $200k).");
	assert_string_equal(ask_one("!whoneeds"),
	    "Usage: !whoneeds SKILL (e.g. !whoneeds kubernetes).");
	assert_string_equal(ask_one("!match"),
	    "Usage: !match SKILL, SKILL, ... (e.g. !match python, sql, "
	    "docker).");
	assert_string_equal(ask_owner("!join"), "Usage: !join CHANNEL-OR-ROOM");
	/* the two that disagreed with the table now say what it says */
	assert_string_equal(ask_owner("!ignore"), "Usage: !ignore MASK-OR-USER");
	assert_string_equal(ask_owner("!part"),
	    "Usage: !part [CHANNEL-OR-ROOM]");
}

/* What a handler cannot read is answered with the same usage. */
static void
test_06_unreadable_arguments_get_the_usage(void **s)
{
	char want[256];

	(void)s;
	usage_of(&commands[CMD_COMPARE], want, sizeof(want));
	assert_string_equal(ask_one("!compare sre"), want);
	usage_of(&commands[CMD_ABOVE], want, sizeof(want));
	assert_string_equal(ask_one("!above lots"), want);
	usage_of(&commands[CMD_BELOW], want, sizeof(want));
	assert_string_equal(ask_one("!below by max"), want);
	usage_of(&commands[CMD_HIGHLIGHT], want, sizeof(want));
	assert_has(want, "HH:MM");
	assert_has(want, "(e.g. !highlight time 08:30 America/New_York).");
}

/* No more than max words reach the handler: the rest changes nothing. */
static void
test_07_words_past_max_are_not_read(void **s)
{
	static const char *const word[] = { "#one", "two", "three", "four",
	    "five", "six", "seven", "eight" };
	char q[256], *first;
	int i, k;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];
		int at;

		if (c->args.max == ARGS_REST)
			continue;
		at = snprintf(q, sizeof(q), "!%s", c->name);
		for (k = 0; k < c->args.max; k++)
			at += snprintf(q + at, sizeof(q) - (size_t)at, " %s",
			    word[k]);
		first = xstrdup(ask_owner(q));
		snprintf(q + at, sizeof(q) - (size_t)at, " extra words");
		assert_string_equal(ask_owner(q), first);
		free(first);
	}
	/* "!source sre": a row that takes nothing ignores what follows */
	first = xstrdup(ask_one("!sources"));
	assert_string_equal(ask_one("!source sre"), first);
	free(first);
	assert_string_equal(ask_owner("!join #a #b"), "Joining \"#a\".");
	assert_string_equal(F.a.action_arg, "#a");
}

static void
test_08_help_lists_every_row(void **s)
{
	char entry[128];
	char *all_owner, *all_other, *brief;
	int i;

	(void)s;
	all_owner = xstrdup(ask_owner("!help all"));
	all_other = xstrdup(ask_one("!help all"));
	brief = xstrdup(ask_one("!help"));
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		snprintf(entry, sizeof(entry), "!%s%s%s (", c->name,
		    *c->usage ? " " : "", c->usage);
		assert_has(all_owner, entry);
		if (c->who == CMD_OWNERS)
			assert_lacks(all_other, entry);
		else
			assert_has(all_other, entry);
		snprintf(entry, sizeof(entry), "!%s%s%s", c->name,
		    *c->usage ? " " : "", c->usage);
		if (c->main)
			assert_has(brief, entry);
	}
	free(all_owner);
	free(all_other);
	free(brief);
}

static void
test_09_help_for_one_command(void **s)
{
	char q[64], want[256];
	int i;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		snprintf(q, sizeof(q), "!help %s", c->name);
		snprintf(want, sizeof(want), "!%s%s%s — %s", c->name,
		    *c->usage ? " " : "", c->usage, c->help);
		assert_has(ask_owner(q), want);
		if (c->alias) {
			snprintf(want, sizeof(want), "(also !%s)", c->alias);
			assert_has(ask_owner(q), want);
		}
		/* "help !name" is the same */
		snprintf(q, sizeof(q), "!help !%s", c->name);
		assert_has(ask_owner(q), c->help);
		snprintf(q, sizeof(q), "!help %s", c->name);
		if (c->who == CMD_OWNERS)
			assert_has(ask_one(q), "No command");
	}
}

static void
test_10_owner_rows_refuse_others(void **s)
{
	char q[64];
	int i, n = 0;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		if (c->who != CMD_OWNERS)
			continue;
		n++;
		snprintf(q, sizeof(q), "!%s #somewhere", c->name);
		assert_string_equal(ask_as(q, 0),
		    "Sorry, only the bot's owners can do that.");
		assert_int_equal(F.a.action, ACT_NONE);
		/* even the usage is theirs alone */
		snprintf(q, sizeof(q), "!%s", c->name);
		assert_string_equal(ask_as(q, 0),
		    "Sorry, only the bot's owners can do that.");
		/* without the prefix it is no command at all */
		snprintf(q, sizeof(q), "%s #somewhere", c->name);
		assert_lacks(ask_as(q, 1), "Sorry, only");
		assert_int_equal(F.a.action, ACT_NONE);
		snprintf(q, sizeof(q), "!%s #somewhere", c->name);
		ask_owner(q);
		assert_true(F.a.action != ACT_NONE);
	}
	assert_int_equal(n, 4);
}

/* Without the prefix the argument kind decides: a row that takes
 * nothing is a command alone; a role's row only before a role. */
static void
test_11_bare_commands_by_kind(void **s)
{
	char q[64], *with;
	int i;

	(void)s;
	for (i = 0; i < CMD_COUNT; i++) {
		const struct command *c = &commands[i];

		if (c->who == CMD_OWNERS || c->args.kind != ARG_NONE)
			continue;
		snprintf(q, sizeof(q), "!%s", c->name);
		with = xstrdup(ask_one(q));
		assert_string_equal(ask_one(c->name), with);
		free(with);
	}
	with = xstrdup(ask_one("!salary sre"));
	assert_string_equal(ask_one("salary sre"), with);
	free(with);
	/* "skills for devops" is a question, not !skills "for devops" */
	assert_lacks(ask_one("skills for devops"), "not covered");
	with = xstrdup(ask_one("!roles security"));
	assert_string_equal(ask_one("roles security"), with);
	free(with);
	/* "range of salaries?" asks the same thing, but as a question */
	assert_lacks(ask_one("range of the pay in the guides"), "Usage");
	/* a text row bare with a few words ("top 3"); with more, the
	 * words are a question: the roles it names are compared */
	with = xstrdup(ask_one("!top 3"));
	assert_string_equal(ask_one("top 3"), with);
	free(with);
	assert_has(ask_one("rank devops, sre and cloud architect by pay"),
	    "DevOps Engineer: $130,000");
	assert_lacks(ask_one("rank devops, sre and cloud architect by pay"),
	    "Top 5");
}

static void
test_12_free_rows_are_free(void **s)
{
	(void)s;
	ask_one("!help");
	assert_int_equal(F.a.free, commands[CMD_HELP].free);
	assert_int_equal(F.a.free, 1);
	ask_one("!more");
	assert_int_equal(F.a.free, 1);
	ask_one("!salary sre");
	assert_int_equal(F.a.free, 0);
	ask_one("!sources");
	assert_int_equal(F.a.free, commands[CMD_SOURCES].free);
}

/* The daily highlight through a handle, as the core gives it. */
static int fake_on, fake_secs = 9 * 3600, fake_turned, fake_rc;

static const struct kb_role *
fake_today(void *ctx, const char *network, const char *target, time_t now)
{
	(void)network;
	(void)target;
	(void)now;
	return &((const struct kb *)ctx)->roles[1];
}

static int
fake_turn(void *ctx, const char *network, const char *target, int on)
{
	(void)ctx;
	(void)network;
	(void)target;
	fake_turned++;
	fake_on = on;
	return fake_rc;
}

static int
fake_set_time(void *ctx, const char *network, const char *target,
    const char *hhmm, const char *zone)
{
	(void)ctx;
	(void)network;
	(void)target;
	(void)zone;
	if (strcmp(hhmm, "08:30") != 0)
		return DAILY_BAD_TIME;
	fake_on = 1;
	fake_secs = 8 * 3600 + 1800;
	return fake_rc;
}

static void
fake_status(void *ctx, const char *network, const char *target, time_t now,
    struct daily_status *st)
{
	(void)ctx;
	(void)network;
	(void)target;
	(void)now;
	st->on = fake_on;
	st->secs = fake_secs;
	snprintf(st->zone, sizeof(st->zone), "UTC");
	st->has_next = 1;
	st->next_today = 1;
	st->next.secs = fake_secs;
}

static const struct daily_ops fake_ops = {
	fake_today, fake_turn, fake_set_time, fake_status
};

static const char *
ask_channel(const char *text, int privileged)
{
	struct message m = { .text = text, .len = strlen(text),
	    .where = "chan", .network = "irc:t", .target = "#t",
	    .privileged = privileged, .max_bytes = WHOLE };

	if (!router_handle(F.rt, &m, (time_t)1790000000, &F.a))
		return "";
	return buf_str(&F.a.text);
}

static void
test_13_highlight_through_the_handle(void **s)
{
	struct daily d = { &fake_ops, F.kb };
	char want[256];

	(void)s;
	router_set_daily(F.rt, &d);
	assert_has(ask_channel("!highlight", 0), F.kb->roles[1].title);
	assert_has(ask_channel("!highlight off", 0), "only channel operators");
	assert_int_equal(fake_turned, 0);
	assert_string_equal(ask_channel("!highlight off", 1),
	    "Daily highlight here: off.");
	assert_int_equal(fake_turned, 1);
	assert_string_equal(ask_channel("!highlight time 08:30", 1),
	    "Daily highlight here: on, at 08:30 UTC. Next post: today at "
	    "08:30.");
	usage_of(&commands[CMD_HIGHLIGHT], want, sizeof(want));
	assert_string_equal(ask_channel("!highlight time 8h", 1), want);
	assert_string_equal(ask_channel("!highlight time", 1), want);
	fake_rc = DAILY_FULL;
	assert_has(ask_channel("!highlight on", 1), "can't keep any more");
	fake_rc = 0;
	router_set_daily(F.rt, NULL);
	/* no handle: the day number picks the role, settings are refused */
	assert_has(ask_channel("!highlight on", 1), "set per channel");
	assert_true(strlen(ask_channel("!highlight", 0)) > 0);
}

/* An intent that is a command runs that row, as "!name" would. */
static void
test_14_intents_run_their_row(void **s)
{
	static const struct { enum intent_kind kind; enum cmd_id cmd; } t[] = {
		{ I_RANGE, CMD_RANGE }, { I_HIGHLIGHT, CMD_HIGHLIGHT },
		{ I_SOURCES, CMD_SOURCES }, { I_MORE, CMD_MORE },
	};
	struct cmd_ctx c;
	struct intent q;
	struct answer a;
	char cmd[64], *want;
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(cmd, sizeof(cmd), "!%s", commands[t[i].cmd].name);
		want = xstrdup(ask_one(cmd));
		memset(&c, 0, sizeof(c));
		c.kb = F.kb;
		c.ix = F.ix;
		c.prefix = "!";
		c.nick = "techpay";
		c.now = 1790000000;
		question_parse(F.ix, "", 0, &q);
		q.kind = t[i].kind;
		answer_init(&a);
		command_answer(&c, &q, &a);
		fmt_finish(&a, WHOLE);
		assert_string_equal(buf_str(&a.text), want);
		assert_ptr_equal(c.cmd, &commands[t[i].cmd]);
		assert_int_equal(a.free, commands[t[i].cmd].free);
		answer_free(&a);
		question_free(&q);
		free(want);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_every_row_is_whole),
		cmocka_unit_test(test_02_names_and_aliases_find_their_row),
		cmocka_unit_test(test_03_command_of_needs_the_prefix),
		cmocka_unit_test(test_04_too_few_words_get_the_rows_usage),
		cmocka_unit_test(test_05_usage_texts),
		cmocka_unit_test(test_06_unreadable_arguments_get_the_usage),
		cmocka_unit_test(test_07_words_past_max_are_not_read),
		cmocka_unit_test(test_08_help_lists_every_row),
		cmocka_unit_test(test_09_help_for_one_command),
		cmocka_unit_test(test_10_owner_rows_refuse_others),
		cmocka_unit_test(test_11_bare_commands_by_kind),
		cmocka_unit_test(test_12_free_rows_are_free),
		cmocka_unit_test(test_13_highlight_through_the_handle),
		cmocka_unit_test(test_14_intents_run_their_row),
	};

	return cmocka_run_group_tests_name("commands", t, fixture_setup,
	    fixture_teardown);
}
