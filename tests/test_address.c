/*
 * test_address.c -- whether a message calls the bot by name (address.c):
 * first, after a greeting, last or as an @mention; in passing not; the
 * name removed from what is left.  Then the same rules end to end
 * through the router, in a channel and with Matrix-like names.
 */
#include "testutil.h"

#include "address.h"

/* How text calls "techpay" (names: NULL), and what is left of it. */
static int
call(const char *text, char *left, size_t size)
{
	snprintf(left, size, "%s", text);
	return address_call(left, "techpay", NULL);
}

static void
test_01_first_with_colon(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("techpay: salary sre", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, " salary sre");
	assert_int_equal(call("techpay, salary sre", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, " salary sre");
	assert_int_equal(call("techpay salary sre", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, " salary sre");
}

static void
test_02_after_a_greeting(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("hey techpay, what", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, "hey  what");
	assert_int_equal(call("ok techpay what", b, sizeof(b)), ADDRESS_FIRST);
	/* not a greeting: the name in passing */
	assert_int_equal(call("ask techpay what", b, sizeof(b)), ADDRESS_NOT);
}

static void
test_03_last(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("how much, techpay?", b, sizeof(b)),
	    ADDRESS_LAST);
	assert_string_equal(b, "how much, ?");
	assert_int_equal(call("how much techpay :)", b, sizeof(b)),
	    ADDRESS_LAST);
	assert_string_equal(b, "how much  :)");
}

static void
test_04_at_mention_anywhere(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("what @techpay do you think", b, sizeof(b)),
	    ADDRESS_LAST);
	assert_string_equal(b, "what  do you think");	/* the @ goes too */
	/* after a greeting ("so" is one) it stands first */
	assert_int_equal(call("so @techpay what", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, "so  what");
}

static void
test_05_in_passing(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("I asked techpay yesterday", b, sizeof(b)),
	    ADDRESS_NOT);
	/* the first name found is removed all the same (a private chat
	 * answers what is left) */
	assert_string_equal(b, "I asked  yesterday");
	assert_int_equal(call("techpay's answer was odd", b, sizeof(b)),
	    ADDRESS_NOT);
	assert_int_equal(call("techpay\xe2\x80\x99s answer", b, sizeof(b)),
	    ADDRESS_NOT);
	assert_int_equal(call("mail me@techpay.org about it", b, sizeof(b)),
	    ADDRESS_NOT);
}

static void
test_06_a_word_of_its_own(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("techpayer salary sre", b, sizeof(b)),
	    ADDRESS_NOT);
	assert_string_equal(b, "techpayer salary sre");
	assert_int_equal(call("mytechpay salary", b, sizeof(b)), ADDRESS_NOT);
	assert_int_equal(call("", b, sizeof(b)), ADDRESS_NOT);
}

static void
test_07_case_does_not_matter(void **s)
{
	char b[128];

	(void)s;
	assert_int_equal(call("TechPay: salary sre", b, sizeof(b)),
	    ADDRESS_FIRST);
	assert_string_equal(b, " salary sre");
}

static void
test_08_other_names(void **s)
{
	static const char *const names[] = { "Pay Bot",
	    "@techpay:example.org", NULL };
	char b[128];

	(void)s;
	snprintf(b, sizeof(b), "%s", "Pay Bot: how much");
	assert_int_equal(address_call(b, "techpay", names), ADDRESS_FIRST);
	assert_string_equal(b, " how much");
	/* a name that is itself an @ (a Matrix user id) is a mention */
	snprintf(b, sizeof(b), "%s", "well @techpay:example.org how much");
	assert_int_equal(address_call(b, "techpay", names), ADDRESS_LAST);
	/* the nick is still a name */
	snprintf(b, sizeof(b), "%s", "techpay: how much");
	assert_int_equal(address_call(b, "techpay", names), ADDRESS_FIRST);
	snprintf(b, sizeof(b), "%s", "I told Pay Bot about it");
	assert_int_equal(address_call(b, "techpay", names), ADDRESS_NOT);
}

static void
test_09_a_later_call_wins_over_a_mention(void **s)
{
	char b[128];

	(void)s;
	/* in passing first, then called last: called, and that one goes */
	assert_int_equal(call("is techpay right, techpay?", b, sizeof(b)),
	    ADDRESS_LAST);
	assert_string_equal(b, "is techpay right, ?");
}

static void
test_10_empty_nick(void **s)
{
	char b[128];

	(void)s;
	snprintf(b, sizeof(b), "%s", "techpay: x");
	assert_int_equal(address_call(b, "", NULL), ADDRESS_NOT);
	assert_string_equal(b, "techpay: x");
}

static void
test_11_router_in_a_channel(void **s)
{
	const char *t;

	(void)s;
	t = "just chatting about sre salaries";
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	t = "hey techpay, what does an sre make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "i think techpay is neat";	/* named in passing */
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
}

/* The answer in channel #c to text, with Matrix-like names ("" for
 * silence). */
static const char *
ask_named(const char *text, const char *const *names)
{
	struct message m = { .text = text, .len = strlen(text), .where = "n",
	    .names = names };

	if (!router_handle(F.rt, &m, (time_t)1790000000, &F.a))
		return "";
	return buf_str(&F.a.text);
}

static void
test_12_router_start_end_mention(void **s)
{
	static const char *const passing[] = {
		"I asked techpay yesterday about devops",
		"my boss thinks techpay is wrong about sre pay",
		"techpay's answer on sre pay was odd, wasn't it",
		"mail me@techpay.org about sre pay",
		"the techpay bot says sres make $140k, what do you think",
	};
	static const char *const names[] = { "Pay Bot", "@techpay:example.org",
	    NULL };
	const char *t;
	size_t i;

	(void)s;
	/* first, after a greeting, last, or @ anywhere: answered */
	t = "techpay, how much do sres make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "ok techpay how much do sres make";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "how much do sres make techpay";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "how much do sres make, techpay?";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "how much do sres make TechPay :)";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "so how much do sres make @techpay, any idea";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	/* the name is gone from what is parsed: no "techpay" role asked */
	assert_lacks(F.a.text.s, "techpay");
	/* the name in passing: not for the bot */
	for (i = 0; i < sizeof(passing) / sizeof(passing[0]); i++)
		if (*ask_where(passing[i], strlen(passing[i]), 0, "#c"))
			fail_msg("answered \"%s\": %s", passing[i], F.a.text.s);
	/* last but nothing asked: chatter */
	t = "lol techpay";
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
	/* private: everything is for the bot, the name anywhere */
	assert_has(ask_where(passing[0], strlen(passing[0]), 1, "pm"),
	    "DevOps");
	t = "how much do sres make";
	assert_has(ask_where(t, strlen(t), 1, "pm"), "$140,000");
	/* other names (Matrix): the same rules, a user id is a mention */
	assert_has(ask_named("Pay Bot: how much do sres make", names),
	    "$140,000");
	assert_has(ask_named("how much do sres make, pay bot?", names),
	    "$140,000");
	assert_has(ask_named("so @techpay:example.org how much do sres make",
	    names), "$140,000");
	assert_string_equal(ask_named("I told Pay Bot about sre pay", names),
	    "");
	/* the prefix is as it was: a command anywhere in the channel */
	t = "!salary sre";
	assert_has(ask_where(t, strlen(t), 0, "#c"), "$140,000");
	t = "!unknowncommand techpay";
	assert_string_equal(ask_where(t, strlen(t), 0, "#c"), "");
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_first_with_colon),
		cmocka_unit_test(test_02_after_a_greeting),
		cmocka_unit_test(test_03_last),
		cmocka_unit_test(test_04_at_mention_anywhere),
		cmocka_unit_test(test_05_in_passing),
		cmocka_unit_test(test_06_a_word_of_its_own),
		cmocka_unit_test(test_07_case_does_not_matter),
		cmocka_unit_test(test_08_other_names),
		cmocka_unit_test(test_09_a_later_call_wins_over_a_mention),
		cmocka_unit_test(test_10_empty_nick),
		cmocka_unit_test(test_11_router_in_a_channel),
		cmocka_unit_test(test_12_router_start_end_mention),
	};

	return cmocka_run_group_tests_name("address", t, fixture_setup,
	    fixture_teardown);
}
