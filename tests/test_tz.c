/*
 * test_tz.c -- local wall time in IANA zones: ordinary days, both DST
 * changes in two zones (Europe/Berlin, America/New_York), a zone south of
 * the equator, the year boundary, and bad input.
 */
#include "testutil.h"
#include "tz.h"

/* The UTC instant as "YYYY-MM-DD HH:MM:SS". */
static const char *
utc(time_t t)
{
	static char s[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm);
	return s;
}

static const char *
at(const char *zone, int y, int m, int d, const char *hhmm)
{
	time_t t;

	assert_int_equal(tz_instant(zone, y, m, d, tz_parse_time(hhmm), &t), 0);
	return utc(t);
}

static void
test_01_ordinary_days(void **s)
{
	(void)s;
	assert_string_equal(at("UTC", 2026, 6, 1, "09:00"),
	    "2026-06-01 09:00:00");
	assert_string_equal(at("Europe/Berlin", 2026, 1, 15, "09:00"),
	    "2026-01-15 08:00:00");	/* CET, +1 */
	assert_string_equal(at("Europe/Berlin", 2026, 7, 15, "09:00"),
	    "2026-07-15 07:00:00");	/* CEST, +2 */
	assert_string_equal(at("America/New_York", 2026, 1, 15, "08:30"),
	    "2026-01-15 13:30:00");
	assert_string_equal(at("Asia/Kolkata", 2026, 1, 15, "09:00"),
	    "2026-01-15 03:30:00");
}

static void
test_02_dst_days_keep_local_time(void **s)
{
	(void)s;
	/* Berlin springs forward 2026-03-29 02:00 -> 03:00, falls back
	 * 2026-10-25 03:00 -> 02:00: 09:00 stays 09:00 local */
	assert_string_equal(at("Europe/Berlin", 2026, 3, 28, "09:00"),
	    "2026-03-28 08:00:00");
	assert_string_equal(at("Europe/Berlin", 2026, 3, 29, "09:00"),
	    "2026-03-29 07:00:00");
	assert_string_equal(at("Europe/Berlin", 2026, 10, 25, "09:00"),
	    "2026-10-25 08:00:00");
	/* New York: 2026-03-08 and 2026-11-01 */
	assert_string_equal(at("America/New_York", 2026, 3, 8, "09:00"),
	    "2026-03-08 13:00:00");
	assert_string_equal(at("America/New_York", 2026, 11, 1, "09:00"),
	    "2026-11-01 14:00:00");
}

static void
test_03_time_in_the_spring_gap(void **s)
{
	(void)s;
	/* 02:30 does not exist: the first valid minute after it, 03:00 */
	assert_string_equal(at("Europe/Berlin", 2026, 3, 29, "02:30"),
	    "2026-03-29 01:00:00");	/* 03:00 CEST */
	assert_string_equal(at("America/New_York", 2026, 3, 8, "02:30"),
	    "2026-03-08 07:00:00");	/* 03:00 EDT */
	assert_string_equal(at("America/New_York", 2026, 3, 8, "03:00"),
	    "2026-03-08 07:00:00");
}

static void
test_04_time_in_the_autumn_overlap(void **s)
{
	(void)s;
	/* 02:30 happens twice in Berlin on 2026-10-25: the first, CEST */
	assert_string_equal(at("Europe/Berlin", 2026, 10, 25, "02:30"),
	    "2026-10-25 00:30:00");
	/* 01:30 twice in New York on 2026-11-01: the first, EDT */
	assert_string_equal(at("America/New_York", 2026, 11, 1, "01:30"),
	    "2026-11-01 05:30:00");
}

static void
test_05_year_boundary_and_south(void **s)
{
	int y = 2026, m = 12, d = 31;

	(void)s;
	tz_next_day(&y, &m, &d);
	assert_int_equal(y * 10000 + m * 100 + d, 20270101);
	y = 2028, m = 2, d = 28;
	tz_next_day(&y, &m, &d);
	assert_int_equal(m * 100 + d, 229);
	y = 2100, m = 2, d = 28;
	tz_next_day(&y, &m, &d);
	assert_int_equal(m * 100 + d, 301);
	/* 09:00 on New Year's day in Auckland is still 2026 in UTC */
	assert_string_equal(at("Pacific/Auckland", 2027, 1, 1, "09:00"),
	    "2026-12-31 20:00:00");
	{
		struct tz_date d0;

		assert_int_equal(tz_local("Pacific/Auckland", 1798747200, &d0),
		    0);	/* 2026-12-31 20:00 UTC */
		assert_int_equal(d0.year, 2027);
		assert_int_equal(d0.month, 1);
		assert_int_equal(d0.day, 1);
		assert_int_equal(d0.secs, 9 * 3600);
	}
}

static void
test_06_bad_input(void **s)
{
	time_t t;
	struct tz_date d;

	(void)s;
	assert_int_equal(tz_valid("Europe/Berlin"), 1);
	assert_int_equal(tz_valid("UTC"), 1);
	assert_int_equal(tz_valid("Mars/Olympus"), 0);
	assert_int_equal(tz_valid("../../etc/passwd"), 0);
	assert_int_equal(tz_valid("/etc/localtime"), 0);
	assert_int_equal(tz_valid(""), 0);
	assert_int_equal(tz_valid("Europe"), 0);	/* a directory */
	assert_int_equal(tz_instant("Mars/Olympus", 2026, 1, 1, 0, &t), -1);
	assert_int_equal(tz_instant("UTC", 2026, 13, 1, 0, &t), -1);
	assert_int_equal(tz_local("Nope/Zone", 0, &d), -1);
	assert_int_equal(tz_parse_time("09:00"), 9 * 3600);
	assert_int_equal(tz_parse_time("23:59:59"), 86399);
	assert_int_equal(tz_parse_time("00:00"), 0);
	assert_int_equal(tz_parse_time("9:00"), 9 * 3600);	/* H:MM too */
	assert_int_equal(tz_parse_time("9:05:30"), 9 * 3600 + 5 * 60 + 30);
	assert_int_equal(tz_parse_time("9:0"), -1);
	assert_int_equal(tz_parse_time("123:00"), -1);
	assert_int_equal(tz_parse_time(":00"), -1);
	assert_int_equal(tz_parse_time("24:00"), -1);
	assert_int_equal(tz_parse_time("09:60"), -1);
	assert_int_equal(tz_parse_time("09:00:5"), -1);
	assert_int_equal(tz_parse_time("09:00x"), -1);
	assert_int_equal(tz_parse_time(""), -1);
	/* TZ is left as it was */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	assert_int_equal(tz_local("Europe/Berlin", 0, &d), 0);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	unsetenv("TZ");
	tzset();
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_ordinary_days),
		cmocka_unit_test(test_02_dst_days_keep_local_time),
		cmocka_unit_test(test_03_time_in_the_spring_gap),
		cmocka_unit_test(test_04_time_in_the_autumn_overlap),
		cmocka_unit_test(test_05_year_boundary_and_south),
		cmocka_unit_test(test_06_bad_input),
	};

	return cmocka_run_group_tests_name("tz", t, NULL, NULL);
}
