/*
 * test_policy.c -- owners, ignores and the per-person limit: IRC mask
 * rules, owners by mask, account and Matrix id, run-time ignores that
 * would silence everyone or an owner, the limit counted by account or
 * host (not the nick nor the ident) and the silence put on the one who
 * went over (nick!user@host), so a neighbour cannot get you ignored,
 * free answers' own budget, its bounded tables (ignores never crowd out
 * newcomers), and the backoff.
 */
#include "testutil.h"
#include "policy.h"

static const char *const owners[] = {
	"alice!*@owner.example", "account:Bob", "@carol:example.org"
};

static struct policy *
mk(int rate)
{
	struct policy_conf c = { owners, 3, NULL, 0, rate, 60 };

	return policy_new(&c);
}

static void
test_01_mask_rules(void **s)
{
	(void)s;
	assert_true(policy_mask_match("*!*@host", "nick!u@host"));
	assert_true(policy_mask_match("n?ck!*", "nack!x@y"));
	assert_false(policy_mask_match("nick!*@host", "nick!u@host2"));
	/* [Dev] is a nick, not a character class */
	assert_true(policy_mask_match("[Dev]!*@*", "[dev]!u@h"));
	assert_false(policy_mask_match("[Dev]!*@*", "D!u@h"));
	/* rfc1459: {} are the lower case of [] */
	assert_true(policy_mask_match("{dev}!*@*", "[DEV]!u@h"));
	assert_true(policy_mask_match("a*b*c", "aXXbYYc"));
	assert_false(policy_mask_match("a*b*c", "aXXbYY"));
	assert_true(policy_mask_match("*", ""));
	assert_false(policy_mask_match(NULL, "x"));
}

static void
test_02_owners(void **s)
{
	struct policy *p = mk(5);
	struct person a = { "irc:n", "alice!al@owner.example", NULL };
	struct person fake = { "irc:n", "alice!al@evil.example", NULL };
	struct person b = { "irc:n", "whoever!x@y", "bob" };
	struct person c = { "matrix:m", "@carol:example.org",
	    "@carol:example.org" };
	struct person d = { "matrix:m", "@carol:evil.org", "@carol:evil.org" };

	(void)s;
	assert_true(policy_is_owner(p, &a));
	assert_false(policy_is_owner(p, &fake));	/* nick alone is not */
	assert_true(policy_is_owner(p, &b));		/* account, any case */
	assert_true(policy_is_owner(p, &c));
	assert_false(policy_is_owner(p, &d));
	assert_true(policy_has_account_owners(p));
	policy_free(p);
}

static void
test_03_limit_counts_and_tells_once(void **s)
{
	struct policy *p = mk(3);
	struct person u = { "irc:n", "u!id@host", NULL };
	int i;

	(void)s;
	for (i = 0; i < 3; i++)
		assert_int_equal(policy_rate(p, &u, 1000 + i), RATE_OK);
	assert_int_equal(policy_rate(p, &u, 1010), RATE_TELL);
	assert_int_equal(policy_rate(p, &u, 1020), RATE_SILENT);
	assert_true(policy_is_ignored(p, &u, 1030));
	/* the silence lasts user_ignore_s (60 s here), then all is well */
	assert_false(policy_is_ignored(p, &u, 1010 + 60001));
	assert_int_equal(policy_rate(p, &u, 1010 + 60001), RATE_OK);
	policy_free(p);
}

static void
test_04_nick_change_keeps_the_count(void **s)
{
	struct policy *p = mk(2);
	struct person a = { "irc:n", "one!id@host", NULL };
	struct person b = { "irc:n", "two!id@host", NULL };
	struct person c = { "irc:n", "three!id@host", NULL };
	struct person other = { "irc:n", "one!id@elsewhere", NULL };
	struct person acct1 = { "irc:n", "x!a@h1", "acct" };
	struct person acct2 = { "irc:n", "y!b@h2", "acct" };

	(void)s;
	assert_int_equal(policy_rate(p, &a, 0), RATE_OK);
	/* a new nick has the address's budget, spent: told, not answered */
	assert_int_equal(policy_rate(p, &b, 1), RATE_OK);
	assert_int_equal(policy_rate(p, &b, 2), RATE_SHARED);
	assert_int_equal(policy_rate(p, &b, 3), RATE_TELL);
	assert_true(policy_is_ignored(p, &b, 4));
	assert_false(policy_is_ignored(p, &other, 4));
	/* and the next nick, while b is ignored, gets nothing, not even
	 * a notice */
	assert_int_equal(policy_rate(p, &c, 5), RATE_SILENT);
	assert_int_equal(policy_rate(p, &c, 6), RATE_SILENT);
	/* an account is one person wherever it connects from */
	assert_int_equal(policy_rate(p, &acct1, 4), RATE_OK);
	assert_int_equal(policy_rate(p, &acct2, 5), RATE_OK);
	assert_int_equal(policy_rate(p, &acct1, 6), RATE_TELL);
	assert_true(policy_is_ignored(p, &acct2, 7));
	/* the same user@host on another network is someone else */
	b.network = "irc:other";
	assert_false(policy_is_ignored(p, &b, 7));
	policy_free(p);
}

static void
test_05_eviction_never_lifts_an_ignore(void **s)
{
	struct policy *p = mk(1);
	struct person bad = { "irc:n", "bad!x@bad.host", NULL };
	struct person u = { "irc:n", NULL, NULL };
	char mask[64];
	int i;

	(void)s;
	assert_int_equal(policy_rate(p, &bad, 0), RATE_OK);
	assert_int_equal(policy_rate(p, &bad, 1), RATE_TELL);
	/* many more people than slots, each seen once, later */
	for (i = 0; i < POLICY_RATE_SLOTS * 2; i++) {
		snprintf(mask, sizeof(mask), "n%d!u%d@h%d", i, i, i);
		u.mask = mask;
		assert_int_equal(policy_rate(p, &u, 10 + i), RATE_OK);
	}
	assert_true(policy_is_ignored(p, &bad, 5000));
	assert_int_equal(policy_rate(p, &bad, 5001), RATE_SILENT);
	policy_free(p);
}

static void
test_06_ignore_add_refuses_everyone_and_owners(void **s)
{
	struct policy *p = mk(5);
	struct person asker = { "irc:n", "alice!al@owner.example", NULL };
	struct person joe = { "irc:n", "joe!j@somewhere", NULL };
	struct person mx = { "matrix:m", "@spam:example.net",
	    "@spam:example.net" };
	char err[POLICY_ERR_MAX];

	(void)s;
	assert_int_equal(policy_ignore_add(p, "*", &asker, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "everyone"));
	assert_int_equal(policy_ignore_add(p, "*!*@*", &asker, err,
	    sizeof(err)), -1);
	assert_int_equal(policy_ignore_add(p, "*!*@owner.example", &asker, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "owner"));
	assert_int_equal(policy_ignore_add(p, "account:bob", &asker, err,
	    sizeof(err)), -1);
	assert_int_equal(policy_ignore_add(p, "@carol:*", &asker, err,
	    sizeof(err)), -1);
	assert_int_equal(policy_ignore_add(p, "joe", &asker, err,
	    sizeof(err)), 0);
	assert_true(policy_is_ignored(p, &joe, 0));
	assert_int_equal(policy_ignore_add(p, "@spam:example.net", &asker, err,
	    sizeof(err)), 0);
	assert_true(policy_is_ignored(p, &mx, 0));
	assert_false(policy_is_ignored(p, &asker, 0));
	policy_free(p);
}

static void
test_07_configure_keeps_runtime_ignores(void **s)
{
	static const char *const ign[] = { "*!*@spam.example" };
	struct policy *p = mk(5);
	struct policy_conf c = { NULL, 0, ign, 1, 2, 30 };
	struct person joe = { "irc:n", "joe!j@somewhere", NULL };
	struct person sp = { "irc:n", "x!y@spam.example", NULL };
	struct person a = { "irc:n", "alice!al@owner.example", NULL };
	char err[POLICY_ERR_MAX];

	(void)s;
	assert_int_equal(policy_ignore_add(p, "joe!*@*", NULL, err,
	    sizeof(err)), 0);
	policy_configure(p, &c);
	assert_true(policy_is_ignored(p, &joe, 0));
	assert_true(policy_is_ignored(p, &sp, 0));
	assert_false(policy_is_owner(p, &a));	/* owners replaced */
	assert_int_equal(policy_user_rate(p), 2);
	assert_int_equal(policy_ignore_secs(p), 30);
	policy_free(p);
}

static void
test_08_backoff_doubles_with_jitter_and_caps(void **s)
{
	long ms;
	int i;

	(void)s;
	for (i = 0; i < 50; i++) {
		ms = policy_backoff_ms(2, 60, 0);
		assert_true(ms >= 2000 && ms <= 2500);
		ms = policy_backoff_ms(2, 60, 3);
		assert_true(ms >= 16000 && ms <= 20000);
		ms = policy_backoff_ms(2, 60, 40);	/* no overflow */
		assert_true(ms >= 60000 && ms <= 75000);
	}
}

/* N1: help, "more" and greetings are free of the question budget, not
 * of any bound: their own budget, the same notice once, then silence. */
static void
test_09_free_answers_have_a_budget_of_their_own(void **s)
{
	struct policy *p = mk(3);
	struct person u = { "matrix:m", "@eve:x.org", "@eve:x.org" };
	struct person v = { "matrix:m", "@ann:x.org", "@ann:x.org" };
	int i;

	(void)s;
	for (i = 0; i < 3; i++)
		assert_int_equal(policy_rate_free(p, &u, 1000 + i), RATE_OK);
	/* the question budget is untouched by them */
	assert_int_equal(policy_rate(p, &v, 1003), RATE_OK);
	assert_int_equal(policy_rate_free(p, &u, 1004), RATE_TELL);
	assert_int_equal(policy_rate_free(p, &u, 1005), RATE_SILENT);
	assert_int_equal(policy_rate(p, &u, 1006), RATE_SILENT);
	assert_true(policy_is_ignored(p, &u, 1007));
	/* help never ate a question's share: v asks two more */
	assert_int_equal(policy_rate_free(p, &v, 1008), RATE_OK);
	assert_int_equal(policy_rate(p, &v, 1009), RATE_OK);
	assert_int_equal(policy_rate(p, &v, 1010), RATE_OK);
	policy_free(p);
}

/* N5: with the table full of ignored people, newcomers are still
 * counted one by one, not made to share one slot (the review's PoC). */
static void
test_10_ignored_people_never_crowd_out_newcomers(void **s)
{
	struct policy *p = mk(15);
	char mask[64];
	struct person who = { "irc:t", mask, NULL };
	long long now = 1000000;
	int i, k, ok = 0;

	(void)s;
	for (i = 0; i < POLICY_RATE_SLOTS; i++) {
		snprintf(mask, sizeof(mask), "a%d!a%d@bot%d", i, i, i);
		for (k = 0; k < 16; k++)
			policy_rate(p, &who, now);
	}
	for (i = 0; i < 40; i++) {
		snprintf(mask, sizeof(mask), "honest%d!h%d@home%d", i, i, i);
		ok += policy_rate(p, &who, now + 1000 + i) == RATE_OK;
	}
	assert_int_equal(ok, 40);
	/* and the attackers are still ignored, all but the few that the
	 * newest ignores replaced once the ignore table itself was full */
	snprintf(mask, sizeof(mask), "a%d!a%d@bot%d", POLICY_RATE_SLOTS - 1,
	    POLICY_RATE_SLOTS - 1, POLICY_RATE_SLOTS - 1);
	assert_true(policy_is_ignored(p, &who, now + 2000));
	/* a newcomer who floods is ignored even then (the table is full of
	 * fresh ignores: the one ending soonest gives way) */
	snprintf(mask, sizeof(mask), "late!l@late");
	for (k = 0; k < 15; k++)
		assert_int_equal(policy_rate(p, &who, now + 3000), RATE_OK);
	assert_int_equal(policy_rate(p, &who, now + 3001), RATE_TELL);
	assert_true(policy_is_ignored(p, &who, now + 3002));
	policy_free(p);
}

/* N6: a "~" ident is the client's own word: the host is what is
 * counted, so new idents on one address buy no new budget; a verified
 * ident (no "~") or an account is counted apart.  The conversation key
 * tells idents apart, "~" or not (convo_nick.py: one "more" per person,
 * not per address). */
static void
test_11_unverified_ident_counts_by_host(void **s)
{
	struct policy *p = mk(2);
	struct person a = { "irc:n", "one!~ann@shared.host", NULL };
	struct person b = { "irc:n", "two!~bob@shared.host", NULL };
	struct person c = { "irc:n", "three!~ann@other.host", NULL };
	struct person d = { "irc:n", "four!~dan@shared.host", NULL };
	struct person v1 = { "irc:n", "v!ann@id.host", NULL };
	struct person v2 = { "irc:n", "w!bob@id.host", NULL };
	struct person acct = { "irc:n", "x!~x@shared.host", "xacct" };
	char k1[POLICY_KEY_MAX], k2[POLICY_KEY_MAX];

	(void)s;
	/* two conversations, though one budget */
	policy_person_key(&a, k1, sizeof(k1));
	policy_person_key(&b, k2, sizeof(k2));
	assert_string_not_equal(k1, k2);
	assert_string_equal(k1, "irc:n h:~ann@shared.host");
	policy_person_key(&v1, k1, sizeof(k1));
	assert_string_equal(k1, "irc:n h:ann@id.host");
	policy_member_key(&v1, k1, sizeof(k1));
	assert_string_equal(k1, "irc:n m:v!ann@id.host");
	policy_member_key(&acct, k1, sizeof(k1));
	assert_string_equal(k1, "irc:n a:xacct");
	assert_int_equal(policy_rate(p, &a, 0), RATE_OK);
	assert_int_equal(policy_rate(p, &b, 1), RATE_OK);
	assert_int_equal(policy_rate(p, &b, 2), RATE_SHARED);
	assert_false(policy_is_ignored(p, &a, 3));
	assert_int_equal(policy_rate(p, &c, 3), RATE_OK);
	assert_int_equal(policy_rate(p, &acct, 3), RATE_OK);
	assert_int_equal(policy_rate(p, &v1, 4), RATE_OK);
	assert_int_equal(policy_rate(p, &v1, 5), RATE_OK);
	assert_int_equal(policy_rate(p, &v1, 6), RATE_TELL);
	/* a verified ident is someone else */
	assert_int_equal(policy_rate(p, &v2, 7), RATE_OK);
	/* and a "~" newcomer on an address whose flooder is ignored gets
	 * nothing until the silence (60 s) is over */
	assert_int_equal(policy_rate(p, &b, 9), RATE_TELL);
	assert_int_equal(policy_rate(p, &d, 10), RATE_SILENT);
	assert_false(policy_is_ignored(p, &d, 11));
	assert_int_equal(policy_rate(p, &d, 9 + 60000), RATE_OK);
	policy_free(p);
}

/* N6, the review's test and shared_key.py: lena and mal share
 * user@host; mal floods.  mal is told and ignored; lena, who asked
 * before, is answered at once and never told she is over; mal's next
 * nick gets nothing; a second flooder in the window gets no second
 * refund, but still cannot get lena ignored. */
static void
test_12_a_neighbour_flooding_cannot_get_you_ignored(void **s)
{
	struct policy *p = mk(3);
	struct person lena = { "irc:t", "lena!lena@127.0.0.1", NULL };
	struct person mal = { "irc:t", "mal!lena@127.0.0.1", NULL };
	struct person mal2 = { "irc:t", "mal2!lena@127.0.0.1", NULL };
	struct person ally = { "irc:t", "ally!lena@127.0.0.1", NULL };
	int i;

	(void)s;
	assert_int_equal(policy_rate(p, &lena, 0), RATE_OK);
	assert_int_equal(policy_rate(p, &ally, 1), RATE_OK);
	assert_int_equal(policy_rate(p, &mal, 2), RATE_OK);
	assert_int_equal(policy_rate(p, &mal, 3), RATE_SHARED);
	assert_int_equal(policy_rate(p, &mal, 4), RATE_SILENT);
	assert_int_equal(policy_rate(p, &mal, 5), RATE_TELL);
	for (i = 0; i < 20; i++)
		assert_int_equal(policy_rate(p, &mal, 6 + i), RATE_SILENT);
	assert_true(policy_is_ignored(p, &mal, 30));
	assert_false(policy_is_ignored(p, &lena, 30));
	/* mal's questions weigh on no one else */
	assert_int_equal(policy_rate(p, &lena, 31), RATE_OK);
	/* a new nick, while mal is ignored: nothing, and no notice */
	assert_int_equal(policy_rate(p, &mal2, 32), RATE_SILENT);
	assert_false(policy_is_ignored(p, &mal2, 33));
	/* ally floods too: no second refund, so lena waits for the next
	 * window, told once, but is never ignored */
	assert_int_equal(policy_rate(p, &ally, 34), RATE_SHARED);
	assert_int_equal(policy_rate(p, &ally, 35), RATE_SILENT);
	assert_int_equal(policy_rate(p, &ally, 36), RATE_TELL);
	assert_int_equal(policy_rate(p, &lena, 37), RATE_SHARED);
	assert_false(policy_is_ignored(p, &lena, 38));
	/* the next window: lena again, as ever */
	assert_int_equal(policy_rate(p, &lena, 60000), RATE_OK);
	assert_int_equal(policy_rate(p, &lena, 60001), RATE_OK);
	/* free answers: the same, on a budget of their own */
	for (i = 0; i < 3; i++)
		assert_int_equal(policy_rate_free(p, &lena, 60002 + i),
		    RATE_OK);
	assert_int_equal(policy_rate_free(p, &lena, 60010), RATE_TELL);
	assert_true(policy_is_ignored(p, &lena, 60011));
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_mask_rules),
		cmocka_unit_test(test_02_owners),
		cmocka_unit_test(test_03_limit_counts_and_tells_once),
		cmocka_unit_test(test_04_nick_change_keeps_the_count),
		cmocka_unit_test(test_05_eviction_never_lifts_an_ignore),
		cmocka_unit_test(test_06_ignore_add_refuses_everyone_and_owners),
		cmocka_unit_test(test_07_configure_keeps_runtime_ignores),
		cmocka_unit_test(test_08_backoff_doubles_with_jitter_and_caps),
		cmocka_unit_test(test_09_free_answers_have_a_budget_of_their_own),
		cmocka_unit_test(test_10_ignored_people_never_crowd_out_newcomers),
		cmocka_unit_test(test_11_unverified_ident_counts_by_host),
		cmocka_unit_test(test_12_a_neighbour_flooding_cannot_get_you_ignored),
	};

	return cmocka_run_group_tests_name("policy", t, NULL, NULL);
}
