/*
 * test_bot.c -- the core (bot.c): the policy applied to every message.
 *
 * A bot over the real knowledge, and a fake adapter that records what
 * the core hands it (owner actions); people are senders on a network.
 */
#include "testutil.h"

#include "adapter.h"
#include "policy.h"

#define NET	"irc:test"
#define CHAN	"#techpay"
#define QUESTION "!range data scientist"

/* What the fake adapter was asked to do. */
static struct {
	int		 nact;
	enum action	 what;
	char		 arg[64];
	int		 reloads;
} rec;

static int
fake_act(struct adapter *ad, const struct message *m, enum action what,
    const char *arg, char *err, size_t errlen)
{
	(void)ad;
	(void)m;
	(void)err;
	(void)errlen;
	rec.nact++;
	rec.what = what;
	snprintf(rec.arg, sizeof(rec.arg), "%s", arg ? arg : "");
	return 0;
}

static const struct adapter_ops fake_ops = { .name = "fake",
	.act = fake_act };
static struct adapter fake = { .ops = &fake_ops };

static struct bot *B;

static void
on_reload(void *ctx)
{
	(void)ctx;
	rec.reloads++;
}

/* A bot with owner boss, nobody ignored, and a limit of rate a minute. */
static void
bot_with(int rate)
{
	static const char *const owners[] = { "boss!*@*" };
	struct policy_conf pc = { owners, 1, NULL, 0, rate, 60 };
	struct router_opts o = { "!", "techpay" };

	bot_free(B);
	B = bot_new(F.kb, F.ix, &o);
	bot_set_policy(B, &pc);
	bot_on_reload(B, on_reload, NULL);
	memset(&rec, 0, sizeof(rec));
}

static int
setup(void **s)
{
	if (fixture_setup(s) != 0)
		return -1;
	bot_with(3);
	return 0;
}

static int
teardown(void **s)
{
	bot_free(B);
	B = NULL;
	return fixture_teardown(s);
}

/* A message in the channel from sender (NULL: the console). */
static int
say_in(const char *sender, const char *text)
{
	struct message m;

	memset(&m, 0, sizeof(m));
	m.text = text;
	m.len = strlen(text);
	m.where = sender ? sender : "console";
	m.network = sender ? NET : NULL;
	m.target = sender ? CHAN : NULL;
	m.sender = sender;
	m.direct = sender == NULL;
	return bot_answer(B, &fake, &m, &F.a);
}

/* The console has no sender: nobody to limit. */
static void
test_01_console_never_limited(void **s)
{
	int i;

	(void)s;
	bot_with(1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(say_in(NULL, QUESTION), 1);
		assert_int_equal(F.a.notice, 0);
		assert_has(buf_str(&F.a.text), "$");
	}
}

/* A question in the channel is answered, with the router's answer. */
static void
test_02_question_answered(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("alice!a@host1", QUESTION), 1);
	assert_has(buf_str(&F.a.text), "$");
	assert_int_equal(F.a.notice, 0);
}

/* Chatter not addressed to the bot gets silence. */
static void
test_03_chatter_silent(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("alice!a@host1", "lunch anyone?"), 0);
}

/* Past the limit: one notice to the asker, then silence. */
static void
test_04_limit_tells_once_then_silence(void **s)
{
	int i;

	(void)s;
	bot_with(2);
	for (i = 0; i < 2; i++)
		assert_int_equal(say_in("bob!b@host2", QUESTION), 1);
	assert_int_equal(say_in("bob!b@host2", QUESTION), 1);
	assert_int_equal(F.a.notice, 1);
	assert_has(buf_str(&F.a.text), "more than 2 questions a minute");
	assert_int_equal(say_in("bob!b@host2", QUESTION), 0);
	assert_int_equal(say_in("bob!b@host2", QUESTION), 0);
}

/* One person over the limit holds back nobody else. */
static void
test_05_limit_is_per_person(void **s)
{
	(void)s;
	bot_with(1);
	assert_int_equal(say_in("bob!b@host2", QUESTION), 1);
	assert_int_equal(say_in("bob!b@host2", QUESTION), 1);
	assert_int_equal(F.a.notice, 1);
	assert_int_equal(say_in("carol!c@host3", QUESTION), 1);
	assert_int_equal(F.a.notice, 0);
}

/* Owners are not limited. */
static void
test_06_owner_not_limited(void **s)
{
	int i;

	(void)s;
	bot_with(1);
	for (i = 0; i < 5; i++) {
		assert_int_equal(say_in("boss!o@host9", QUESTION), 1);
		assert_int_equal(F.a.notice, 0);
	}
}

/* An owner's join reaches the adapter that asked, with its argument. */
static void
test_07_owner_join_handed_to_adapter(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("boss!o@host9", "!join #other"), 1);
	assert_int_equal(rec.nact, 1);
	assert_int_equal(rec.what, ACT_JOIN);
	assert_string_equal(rec.arg, "#other");
	assert_int_equal(say_in("boss!o@host9", "!part #other"), 1);
	assert_int_equal(rec.nact, 2);
	assert_int_equal(rec.what, ACT_PART);
}

/* The same command from someone else does nothing. */
static void
test_08_stranger_join_refused(void **s)
{
	(void)s;
	bot_with(3);
	(void)say_in("mallory!m@host6", "!join #other");
	assert_int_equal(rec.nact, 0);
	(void)say_in("mallory!m@host6", "!reload");
	assert_int_equal(rec.reloads, 0);
}

/* An owner's ignore is kept by the core: the mask gets silence. */
static void
test_09_owner_ignore_silences(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("troll!t@host7", QUESTION), 1);
	assert_int_equal(say_in("boss!o@host9", "!ignore troll!*@*"), 1);
	assert_int_equal(rec.nact, 0);	/* the core's, not the adapter's */
	assert_int_equal(say_in("troll!t@host7", QUESTION), 0);
	assert_int_equal(F.a.text.len, 0);
	assert_int_equal(say_in("alice!a@host1", QUESTION), 1);
}

/* An ignore the policy refuses is answered with the reason. */
static void
test_10_bad_ignore_says_why(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("boss!o@host9", "!ignore boss!*@*"), 1);
	assert_has(buf_str(&F.a.text), "Not ignoring that");
	assert_int_equal(say_in("boss!o@host9", QUESTION), 1);
}

/* An owner's reload calls the hook main gave. */
static void
test_11_owner_reload_calls_hook(void **s)
{
	(void)s;
	bot_with(3);
	assert_int_equal(say_in("boss!o@host9", "!reload"), 1);
	assert_int_equal(rec.reloads, 1);
	assert_int_equal(rec.nact, 0);
}

/* bot_owner_command: only the owners' rows of the table. */
static void
test_12_owner_command_by_table(void **s)
{
	(void)s;
	bot_with(3);
	assert_true(bot_owner_command(B, "!join #x"));
	assert_true(bot_owner_command(B, "!reload"));
	assert_true(bot_owner_command(B, "!ignore x!*@*"));
	assert_false(bot_owner_command(B, "!help"));
	assert_false(bot_owner_command(B, QUESTION));
	assert_false(bot_owner_command(B, "join #x"));
}

/* bot_count: what is not an answer counts against the same limit, and
 * an ignored person gets nothing. */
static void
test_13_count_shares_the_limit(void **s)
{
	struct message m;

	(void)s;
	bot_with(2);
	memset(&m, 0, sizeof(m));
	m.network = NET;
	m.sender = "dave!d@host4";
	assert_int_equal(bot_count(B, &m), 0);
	assert_int_equal(bot_count(B, &m), 0);
	assert_int_equal(bot_count(B, &m), -1);
	m.sender = "troll!t@host7";
	(void)say_in("boss!o@host9", "!ignore troll!*@*");
	assert_int_equal(bot_count(B, &m), -1);
}

/* An owner by account (services), not by mask. */
static void
test_14_owner_by_account(void **s)
{
	static const char *const owners[] = { "account:chief" };
	struct policy_conf pc = { owners, 1, NULL, 0, 3, 60 };
	struct message m;

	(void)s;
	bot_with(3);
	bot_set_policy(B, &pc);
	memset(&m, 0, sizeof(m));
	m.text = "!reload";
	m.len = strlen(m.text);
	m.where = "x";
	m.network = NET;
	m.target = CHAN;
	m.sender = "anyone!x@host5";
	assert_int_equal(bot_answer(B, &fake, &m, &F.a), 1);
	assert_int_equal(rec.reloads, 0);
	m.account = "chief";
	assert_int_equal(bot_answer(B, &fake, &m, &F.a), 1);
	assert_int_equal(rec.reloads, 1);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_console_never_limited),
		cmocka_unit_test(test_02_question_answered),
		cmocka_unit_test(test_03_chatter_silent),
		cmocka_unit_test(test_04_limit_tells_once_then_silence),
		cmocka_unit_test(test_05_limit_is_per_person),
		cmocka_unit_test(test_06_owner_not_limited),
		cmocka_unit_test(test_07_owner_join_handed_to_adapter),
		cmocka_unit_test(test_08_stranger_join_refused),
		cmocka_unit_test(test_09_owner_ignore_silences),
		cmocka_unit_test(test_10_bad_ignore_says_why),
		cmocka_unit_test(test_11_owner_reload_calls_hook),
		cmocka_unit_test(test_12_owner_command_by_table),
		cmocka_unit_test(test_13_count_shares_the_limit),
		cmocka_unit_test(test_14_owner_by_account),
	};

	return cmocka_run_group_tests(t, setup, teardown);
}
