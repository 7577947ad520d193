/*
 * test_sendq.c -- the IRC send queue's lanes (bot/sendq.c): one lane per
 * person however many there are (the 64th is no different), each
 * capped, the whole bounded, an overflow paid by the largest lane and
 * never by a quiet person, and turns that reach everyone, a newcomer
 * first, and counted lines before free answers' lines.
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
#include "sendq.h"

#define LANE	32
#define TOTAL	4096

static char *
line(const char *who, int i)
{
	struct buf b = {0};

	buf_printf(&b, "PRIVMSG %s :line %d", who, i);
	return buf_steal(&b);
}

/* Pops until a line starting with want comes out; how many pops. */
static int
turns_until(struct sendq *q, const char *want)
{
	char *s;
	int n = 0, hit;

	while ((s = sendq_pop(q)) != NULL) {
		n++;
		hit = strncmp(s, want, strlen(want)) == 0;
		free(s);
		if (hit)
			return n;
	}
	return -1;
}

/* The review's N2 load: 200 people x 100 lines (more than the queue
 * holds), then the bot's JOIN and a quiet person's one line. */
static void
test_01_many_people_bounded_and_everyone_gets_a_turn(void **s)
{
	struct sendq *q = sendq_new(LANE, TOTAL);
	char who[32];
	int i, k, dropped = 0;

	(void)s;
	for (k = 0; k < 100; k++)
		for (i = 0; i < 200; i++) {
			snprintf(who, sizeof(who), "~*@clone%d", i);
			dropped += sendq_push(q, who, line(who, k), 0);
			assert_true(sendq_len(q) <= TOTAL);
		}
	assert_true(dropped > 0);
	assert_int_equal(sendq_len(q), TOTAL);
	assert_int_equal(sendq_lanes(q), 200);
	/* no one lane holds more than its cap, and the flood is shared
	 * out evenly: the largest pays first */
	for (i = 0; i < 200; i++) {
		snprintf(who, sizeof(who), "~*@clone%d", i);
		assert_true(sendq_lane_len(q, who) <= LANE);
		assert_true(sendq_lane_len(q, who) >= TOTAL / 200 - 1);
	}
	/* the bot's own JOIN and a quiet person's line are queued, and
	 * leave within one turn of each lane */
	assert_int_equal(sendq_push(q, NULL, line("JOIN", 0), 0), 1);
	assert_int_equal(sendq_push(q, "lena@home", line("lena", 0), 0), 1);
	assert_int_equal(sendq_len(q), TOTAL);
	assert_int_equal(sendq_lane_len(q, NULL), 1);
	assert_int_equal(sendq_lane_len(q, "lena@home"), 1);
	k = turns_until(q, "PRIVMSG lena");
	assert_true(k > 0 && k <= 202);
	/* once the flooders have had lines, a newcomer goes next: one
	 * line's wait, not one per flooder */
	assert_int_equal(sendq_push(q, "ann@home", line("ann", 0), 0), 0);
	assert_int_equal(turns_until(q, "PRIVMSG ann"), 1);
	sendq_free(q);
}

/* A person over the cap loses their own lines; a full queue never
 * drops a quiet person's line to make room for the largest lane's. */
static void
test_02_overflow_drops_from_the_largest_lane(void **s)
{
	struct sendq *q = sendq_new(4, 10);
	int i;

	(void)s;
	for (i = 0; i < 6; i++)
		sendq_push(q, "eve", line("eve", i), 0);
	assert_int_equal(sendq_lane_len(q, "eve"), 4);
	sendq_push(q, "ann", line("ann", 0), 0);
	for (i = 0; i < 5; i++)
		sendq_push(q, NULL, line("JOIN", i), 0);
	assert_int_equal(sendq_len(q), 10);
	/* eve at her cap: her new line goes, nobody else's */
	assert_int_equal(sendq_push(q, "eve", line("eve", 9), 0), 1);
	assert_int_equal(sendq_lane_len(q, NULL), 5);
	assert_int_equal(sendq_lane_len(q, "eve"), 4);
	/* full: a newcomer costs the largest lane (the bot's, 5) a line,
	 * and ann's one line is never what goes */
	assert_int_equal(sendq_push(q, "bob", line("bob", 0), 0), 1);
	assert_int_equal(sendq_lane_len(q, NULL), 4);
	assert_int_equal(sendq_lane_len(q, "ann"), 1);
	assert_int_equal(sendq_lane_len(q, "bob"), 1);
	assert_int_equal(sendq_len(q), 10);
	/* a new line of a largest lane is itself dropped */
	assert_int_equal(sendq_push(q, NULL, line("JOIN", 7), 0), 1);
	assert_int_equal(sendq_lane_len(q, NULL), 4);
	assert_int_equal(sendq_lane_len(q, "ann"), 1);
	assert_int_equal(sendq_lane_len(q, "bob"), 1);
	assert_int_equal(sendq_len(q), 10);
	sendq_free(q);
}

/* Turns: one line per lane; lanes come and go; nothing is lost or
 * repeated while under the bounds. */
static void
test_03_round_robin_and_lanes_reused(void **s)
{
	struct sendq *q = sendq_new(32, 4096);
	char *l;
	int i;

	(void)s;
	for (i = 0; i < 3; i++)
		sendq_push(q, "a", line("a", i), 0);
	sendq_push(q, "b", line("b", 0), 0);
	sendq_push(q, NULL, line("JOIN", 0), 0);
	assert_int_equal(sendq_lanes(q), 3);
	l = sendq_pop(q);
	assert_string_equal(l, "PRIVMSG JOIN :line 0");
	free(l);
	l = sendq_pop(q);
	assert_string_equal(l, "PRIVMSG a :line 0");
	free(l);
	l = sendq_pop(q);
	assert_string_equal(l, "PRIVMSG b :line 0");
	free(l);
	assert_int_equal(sendq_lanes(q), 1);
	/* a has had a line: a newcomer's goes first, then a's */
	sendq_push(q, "d", line("d", 0), 0);
	l = sendq_pop(q);
	assert_string_equal(l, "PRIVMSG d :line 0");
	free(l);
	sendq_push(q, "c", line("c", 0), 0);	/* takes b's slot */
	for (i = 0; (l = sendq_pop(q)) != NULL; i++)
		free(l);
	assert_int_equal(i, 3);
	assert_int_equal(sendq_len(q), 0);
	assert_int_equal(sendq_lanes(q), 0);
	assert_null(sendq_pop(q));
	sendq_free(q);
}

/* lanes.py B: 70 clones with free lines (help) each, then one honest
 * question: it goes next, not after one free line per clone; and the
 * free lines still take turns, per person, once no question waits. */
static void
test_04_counted_lines_before_free_ones(void **s)
{
	struct sendq *q = sendq_new(LANE, TOTAL);
	char who[32], *l;
	int i, k;

	(void)s;
	for (k = 0; k < 3; k++)
		for (i = 0; i < 70; i++) {
			snprintf(who, sizeof(who), "c%02d", i);
			sendq_push(q, who, line(who, k), 1);
		}
	sendq_push(q, "lena", line("lena", 0), 0);
	assert_int_equal(turns_until(q, "PRIVMSG lena"), 1);
	/* a clone's own question waits behind its free line (a person's
	 * lines keep their order), but ahead of the other clones' help */
	sendq_push(q, "c05", line("c05-q", 0), 0);
	sendq_push(q, "bob", line("bob", 0), 0);
	l = sendq_pop(q);
	assert_string_equal(l, "PRIVMSG bob :line 0");
	free(l);
	/* then every lane's head is free: served least first, in turn */
	for (i = 0; i < 70; i++) {
		l = sendq_pop(q);
		assert_non_null(l);
		assert_non_null(strstr(l, ":line 0"));
		free(l);
	}
	assert_int_equal(sendq_len(q), 2 * 70 + 1);
	/* the bot's own lines are never free */
	sendq_push(q, NULL, line("JOIN", 0), 0);
	assert_int_equal(turns_until(q, "PRIVMSG JOIN"), 1);
	sendq_free(q);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_many_people_bounded_and_everyone_gets_a_turn),
		cmocka_unit_test(test_02_overflow_drops_from_the_largest_lane),
		cmocka_unit_test(test_03_round_robin_and_lanes_reused),
		cmocka_unit_test(test_04_counted_lines_before_free_ones),
	};

	return cmocka_run_group_tests_name("sendq", t, NULL, NULL);
}
