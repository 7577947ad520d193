/*
 * test_outq.c -- the IRC send queue's token bucket and urgent lines
 * (bot/outq.c), on made-up clocks: a burst leaves at once and the rest
 * one an interval; urgent lines jump the queue and bring their token;
 * an interval of 0 sends everything; the wait after an empty pop is
 * the time to the next token; lanes take turns under the bucket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "buf.h"
#include "outq.h"

static char *
line(const char *what, int i)
{
	struct buf b = {0};

	buf_printf(&b, "%s %d\r\n", what, i);
	return buf_steal(&b);
}

/* Pops everything allowed at now; how many lines left. */
static int
pop_all(struct outq *q, long long now)
{
	char *s;
	int n = 0;

	while ((s = outq_pop(q, now)) != NULL) {
		free(s);
		n++;
	}
	return n;
}

static void
test_01_burst_then_one_per_interval(void **s)
{
	struct outq *q = outq_new(3, 500, 1000);
	int i;

	(void)s;
	for (i = 0; i < 10; i++)
		assert_int_equal(outq_push(q, line("PRIVMSG #a :x", i), 0,
		    NULL, 0), 0);
	assert_int_equal(pop_all(q, 1000), 3);
	assert_int_equal(outq_len(q), 7);
	assert_int_equal(pop_all(q, 1499), 0);	/* not yet a token */
	assert_int_equal(pop_all(q, 1500), 1);
	assert_int_equal(pop_all(q, 2500), 2);	/* two intervals later */
	assert_int_equal(outq_len(q), 4);
	outq_free(q);
}

static void
test_02_tokens_never_above_the_burst(void **s)
{
	struct outq *q = outq_new(2, 100, 0);
	int i;

	(void)s;
	for (i = 0; i < 10; i++)
		outq_push(q, line("PRIVMSG #a :x", i), 0, NULL, 0);
	/* an hour idle buys no more than the burst */
	assert_int_equal(pop_all(q, 3600 * 1000LL), 2);
	outq_free(q);
}

static void
test_03_urgent_first_in_order(void **s)
{
	struct outq *q = outq_new(5, 1000, 0);
	char *l;

	(void)s;
	outq_push(q, line("PRIVMSG #a :answer", 1), 0, "alice", 0);
	outq_push(q, line("PONG :x", 1), 1, NULL, 0);
	outq_push(q, line("QUIT :bye", 2), 1, NULL, 0);
	l = outq_pop(q, 0);
	assert_string_equal(l, "PONG :x 1\r\n");
	free(l);
	l = outq_pop(q, 0);
	assert_string_equal(l, "QUIT :bye 2\r\n");
	free(l);
	l = outq_pop(q, 0);
	assert_string_equal(l, "PRIVMSG #a :answer 1\r\n");
	free(l);
	assert_null(outq_pop(q, 0));
	outq_free(q);
}

/* An empty bucket still lets a PONG out at once: it brings its token. */
static void
test_04_urgent_leaves_with_no_tokens_left(void **s)
{
	struct outq *q = outq_new(1, 10000, 0);
	char *l;

	(void)s;
	outq_push(q, line("PRIVMSG #a :x", 1), 0, NULL, 0);
	outq_push(q, line("PRIVMSG #a :x", 2), 0, NULL, 0);
	assert_int_equal(pop_all(q, 0), 1);
	assert_null(outq_pop(q, 0));
	outq_push(q, line("PONG :y", 1), 1, NULL, 0);
	l = outq_pop(q, 0);
	assert_non_null(l);
	assert_string_equal(l, "PONG :y 1\r\n");
	free(l);
	assert_null(outq_pop(q, 0));	/* the answer still waits */
	outq_free(q);
}

static void
test_05_interval_zero_sends_everything(void **s)
{
	struct outq *q = outq_new(1, 0, 0);
	int i;

	(void)s;
	for (i = 0; i < 100; i++)
		outq_push(q, line("PRIVMSG #a :x", i), 0, NULL, 0);
	assert_int_equal(pop_all(q, 0), 100);
	assert_int_equal(outq_wait_ms(q), 0);
	outq_free(q);
}

static void
test_06_wait_is_the_time_to_the_next_token(void **s)
{
	struct outq *q = outq_new(1, 400, 0);

	(void)s;
	assert_int_equal(outq_wait_ms(q), 0);	/* nothing waits */
	outq_push(q, line("PRIVMSG #a :x", 1), 0, NULL, 0);
	outq_push(q, line("PRIVMSG #a :x", 2), 0, NULL, 0);
	assert_int_equal(pop_all(q, 0), 1);
	assert_int_equal(outq_wait_ms(q), 401);
	assert_int_equal(pop_all(q, 100), 0);
	assert_int_equal(outq_wait_ms(q), 301);	/* a quarter came */
	assert_int_equal(pop_all(q, 400), 1);
	assert_int_equal(outq_wait_ms(q), 0);
	outq_free(q);
}

/* Under the bucket, a newcomer's line still goes before a flooder's
 * backlog, and turns say how long it waits. */
static void
test_07_lanes_take_turns_under_the_bucket(void **s)
{
	struct outq *q = outq_new(1, 100, 0);
	char *l;
	int i, t;

	(void)s;
	for (i = 0; i < 10; i++)
		outq_push(q, line("PRIVMSG #a :flood", i), 0, "flooder", 0);
	assert_int_equal(outq_lane_len(q, "flooder"), 10);
	t = outq_turns(q, "quiet");
	assert_int_equal(t, 2);		/* one turn of the flooder's */
	outq_push(q, line("PRIVMSG #a :quiet", 0), 0, "quiet", 0);
	l = outq_pop(q, 0);
	assert_string_equal(l, "PRIVMSG #a :flood 0\r\n");
	free(l);
	assert_null(outq_pop(q, 50));
	l = outq_pop(q, 100);
	assert_string_equal(l, "PRIVMSG #a :quiet 0\r\n");
	free(l);
	assert_int_equal(outq_len(q), 9);
	outq_free(q);
}

/* A person over their lane's cap loses their own line, reported. */
static void
test_08_a_full_lane_drops(void **s)
{
	struct outq *q = outq_new(1, 100, 0);
	int i, dropped = 0;

	(void)s;
	for (i = 0; i < OUTQ_LANE_MAX + 5; i++)
		dropped += outq_push(q, line("PRIVMSG #a :x", i), 0, "bob",
		    0);
	assert_int_equal(dropped, 5);
	assert_int_equal(outq_lane_len(q, "bob"), OUTQ_LANE_MAX);
	/* urgent lines are never dropped */
	for (i = 0; i < OUTQ_LANE_MAX + 5; i++)
		assert_int_equal(outq_push(q, line("PONG :p", i), 1, NULL,
		    0), 0);
	assert_int_equal(outq_len(q), 2 * OUTQ_LANE_MAX + 5);
	outq_free(q);	/* frees what waits (valgrind, asan) */
}

/* A clock that goes back (a test, or a caller's bug) adds no tokens. */
static void
test_09_clock_going_back_adds_nothing(void **s)
{
	struct outq *q = outq_new(1, 100, 10000);
	int i;

	(void)s;
	for (i = 0; i < 3; i++)
		outq_push(q, line("PRIVMSG #a :x", i), 0, NULL, 0);
	assert_int_equal(pop_all(q, 10000), 1);
	assert_int_equal(pop_all(q, 0), 0);
	assert_int_equal(pop_all(q, 10099), 0);	/* counted from 10000 */
	assert_int_equal(pop_all(q, 10100), 1);
	outq_free(q);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_burst_then_one_per_interval),
		cmocka_unit_test(test_02_tokens_never_above_the_burst),
		cmocka_unit_test(test_03_urgent_first_in_order),
		cmocka_unit_test(test_04_urgent_leaves_with_no_tokens_left),
		cmocka_unit_test(test_05_interval_zero_sends_everything),
		cmocka_unit_test(test_06_wait_is_the_time_to_the_next_token),
		cmocka_unit_test(test_07_lanes_take_turns_under_the_bucket),
		cmocka_unit_test(test_08_a_full_lane_drops),
		cmocka_unit_test(test_09_clock_going_back_adds_nothing),
	};

	return cmocka_run_group_tests_name("outq", t, NULL, NULL);
}
