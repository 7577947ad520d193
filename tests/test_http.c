/*
 * test_http.c -- a server's Retry-After is obeyed only up to a cap, and
 * no delay, however large, makes a timer fire at once.
 */
#include <limits.h>

#include "testutil.h"
#include "http.h"
#include "loop.h"

static void
test_01_retry_after_capped(void **s)
{
	(void)s;
	assert_int_equal(http_retry_after_ms(0), -1);	/* none */
	assert_int_equal(http_retry_after_ms(-3), -1);
	assert_int_equal(http_retry_after_ms(30), 30000);
	assert_int_equal(http_retry_after_ms(3600), HTTP_RETRY_AFTER_MAX_MS);
	assert_int_equal(http_retry_after_ms(3601), HTTP_RETRY_AFTER_MAX_MS);
	/* the review's PoC values: 3.2 years, and an overflow */
	assert_int_equal(http_retry_after_ms(99999999LL),
	    HTTP_RETRY_AFTER_MAX_MS);
	assert_int_equal(http_retry_after_ms(9223372036854775LL),
	    HTTP_RETRY_AFTER_MAX_MS);
	assert_int_equal(http_retry_after_ms(LLONG_MAX),
	    HTTP_RETRY_AFTER_MAX_MS);
}

static void
fired(struct loop *l, long id, void *ctx)
{
	(void)l;
	(void)id;
	(*(int *)ctx)++;
}

static void
stop(struct loop *l, long id, void *ctx)
{
	(void)id;
	(void)ctx;
	loop_stop(l);
}

static void
test_02_huge_timer_not_at_once(void **s)
{
	struct loop *l = loop_new();
	int n = 0;

	(void)s;
	loop_add_timer(l, LONG_MAX, fired, &n);
	loop_add_timer(l, LONG_MAX - 1000, fired, &n);
	loop_add_timer(l, 20, stop, NULL);
	loop_run(l);
	assert_int_equal(n, 0);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_retry_after_capped),
		cmocka_unit_test(test_02_huge_timer_not_at_once),
	};

	return cmocka_run_group_tests_name("http", t, NULL, NULL);
}
