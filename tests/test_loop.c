/*
 * test_loop.c -- the event loop's timers: one-shot and repeating (a
 * callback returns its next delay, or LOOP_NOMORE), deleted from inside
 * and outside their callback, run in deadline order, and no delay,
 * however large, makes a timer fire at once; descriptors are called.
 */
#include <limits.h>
#include <unistd.h>

#include "testutil.h"
#include "loop.h"

/* What a callback saw, and what it answers. */
struct probe {
	int		 calls;
	int		 repeat;	/* return period this many times */
	long		 period;
	long		 id;		/* its own timer, for self-deletion */
	int		 del_self;	/* deletes its own timer on this call */
	struct probe	*other;		/* deletes the other's timer */
	int		*order;		/* appends tag here */
	int		*norder;
	int		 tag;
	long long	 at[8];		/* loop_now_ms() of each call */
};

static struct loop *L;

static long
probe_cb(struct loop *l, void *ctx)
{
	struct probe *p = ctx;

	(void)l;
	if (p->calls < 8)
		p->at[p->calls] = loop_now_ms();
	p->calls++;
	if (p->order)
		p->order[(*p->norder)++] = p->tag;
	if (p->other) {
		loop_del_timer(L, p->other->id);
		p->other = NULL;
	}
	if (p->del_self && p->calls == p->del_self)
		loop_del_timer(L, p->id);
	return p->calls <= p->repeat ? p->period : LOOP_NOMORE;
}

static long
stop_cb(struct loop *l, void *ctx)
{
	(void)ctx;
	loop_stop(l);
	return LOOP_NOMORE;
}

/* Stops after the loop has had time for what the test set up. */
static void
run_for(struct loop *l, long ms)
{
	loop_add_timer(l, ms, stop_cb, NULL);
	loop_run(l);
}

static int
setup(void **s)
{
	(void)s;
	L = loop_new();
	return 0;
}

static int
teardown(void **s)
{
	(void)s;
	loop_free(L);
	L = NULL;
	return 0;
}

static void
test_01_one_shot_runs_once(void **s)
{
	struct probe p = {0};

	(void)s;
	p.id = loop_add_timer(L, 1, probe_cb, &p);
	assert_true(p.id > 0);
	run_for(L, 30);
	assert_int_equal(p.calls, 1);
}

static void
test_02_repeats_until_nomore(void **s)
{
	struct probe p = { .repeat = 3, .period = 5 };

	(void)s;
	p.id = loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 100);
	assert_int_equal(p.calls, 4);	/* the first, then three repeats */
	/* each repeat waited its period */
	assert_true(p.at[1] - p.at[0] >= 5);
	assert_true(p.at[3] - p.at[2] >= 5);
}

static void
test_03_repeat_keeps_its_id(void **s)
{
	struct probe p = { .repeat = 100, .period = 2 };

	(void)s;
	p.id = loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 20);
	assert_true(p.calls >= 2);
	/* deleted by the id it was given: it never runs again */
	loop_del_timer(L, p.id);
	p.calls = 0;
	run_for(L, 20);
	assert_int_equal(p.calls, 0);
}

static void
test_04_deleted_in_its_callback_not_rearmed(void **s)
{
	struct probe p = { .repeat = 100, .period = 1, .del_self = 2 };

	(void)s;
	p.id = loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 40);
	/* asked for a repeat on the second call, but deleted itself */
	assert_int_equal(p.calls, 2);
}

static void
test_05_callback_deletes_another(void **s)
{
	struct probe a = {0}, b = {0};

	(void)s;
	b.id = loop_add_timer(L, 10, probe_cb, &b);
	a.other = &b;
	a.id = loop_add_timer(L, 1, probe_cb, &a);
	run_for(L, 40);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
}

static void
test_06_deadline_order(void **s)
{
	struct probe p[3] = {0};
	int order[8], n = 0, i;

	(void)s;
	for (i = 0; i < 3; i++) {
		p[i].order = order;
		p[i].norder = &n;
		p[i].tag = i;
	}
	/* added out of order; equal deadlines run first come, first run */
	loop_add_timer(L, 20, probe_cb, &p[2]);
	loop_add_timer(L, 5, probe_cb, &p[0]);
	loop_add_timer(L, 5, probe_cb, &p[1]);
	run_for(L, 60);
	assert_int_equal(n, 3);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 2);
}

static void
test_07_huge_delay_not_at_once(void **s)
{
	struct probe a = {0}, b = {0};

	(void)s;
	loop_add_timer(L, LONG_MAX, probe_cb, &a);
	loop_add_timer(L, LONG_MAX - 1000, probe_cb, &b);
	run_for(L, 20);
	assert_int_equal(a.calls, 0);
	assert_int_equal(b.calls, 0);
}

static void
test_08_huge_repeat_not_at_once(void **s)
{
	struct probe p = { .repeat = 5, .period = LONG_MAX };

	(void)s;
	loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 20);
	assert_int_equal(p.calls, 1);	/* the repeat is a day away */
}

static void
test_09_zero_repeat_lets_descriptors_run(void **s)
{
	struct probe p = { .repeat = 1000000, .period = 0 };

	(void)s;
	/* a timer that always wants to run again at once must still let
	 * the loop reach the stop timer, and repeat at most once a ms */
	loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 30);
	assert_true(p.calls >= 2);
	assert_true(p.calls <= 40);
}

static void
test_10_deleted_id_ignored(void **s)
{
	struct probe p = {0}, q = {0};

	(void)s;
	p.id = loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 10);
	assert_int_equal(p.calls, 1);
	/* an ended timer's id deletes nothing, and ids are not reused */
	q.id = loop_add_timer(L, 5, probe_cb, &q);
	assert_true(q.id != p.id);
	loop_del_timer(L, p.id);
	run_for(L, 30);
	assert_int_equal(q.calls, 1);
}

static int nread;

static void
on_read(struct loop *l, int fd, int ev, void *ctx)
{
	char c;

	(void)ctx;
	assert_true(ev & LOOP_READ);
	assert_int_equal(read(fd, &c, 1), 1);
	nread++;
	loop_del_fd(l, fd);
}

static void
test_11_descriptor_and_timer(void **s)
{
	struct probe p = { .repeat = 2, .period = 3 };
	int fds[2];

	(void)s;
	nread = 0;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "x", 1), 1);
	assert_int_equal(loop_add_fd(L, fds[0], LOOP_READ, on_read, NULL), 0);
	loop_add_timer(L, 0, probe_cb, &p);
	run_for(L, 40);
	assert_int_equal(nread, 1);
	assert_int_equal(p.calls, 3);
	close(fds[0]);
	close(fds[1]);
}

static void
test_12_nothing_left_returns(void **s)
{
	struct probe p = { .repeat = 2, .period = 1 };

	(void)s;
	/* no descriptors, and the only timer ends: loop_run returns */
	loop_add_timer(L, 0, probe_cb, &p);
	loop_run(L);
	assert_int_equal(p.calls, 3);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_01_one_shot_runs_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_02_repeats_until_nomore,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_03_repeat_keeps_its_id,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_04_deleted_in_its_callback_not_rearmed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_05_callback_deletes_another,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_06_deadline_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_07_huge_delay_not_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_08_huge_repeat_not_at_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_09_zero_repeat_lets_descriptors_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_10_deleted_id_ignored,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_11_descriptor_and_timer,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_12_nothing_left_returns,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("loop", t, NULL, NULL);
}
