/*
 * test_http.c -- a server's Retry-After is obeyed only up to a cap (that
 * no delay, however large, makes a timer fire at once is test_loop's).
 */
#include <limits.h>

#include "testutil.h"
#include "http.h"

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

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_retry_after_capped),
	};

	return cmocka_run_group_tests_name("http", t, NULL, NULL);
}
