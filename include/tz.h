/*
 * tz.h -- wall-clock time in IANA time zones, for the daily highlights.
 *
 * "09:00 in Europe/Berlin on 2026-03-29" becomes one UTC instant, with
 * the two DST rules the highlights need: a time that does not exist that
 * day (inside the spring gap) is the first valid instant after it, and a
 * time that exists twice (the autumn hour) is the first of the two.
 * glibc's zone code is reached through TZ and tzset(); these functions
 * put TZ back as they found it, so the rest of the bot is not affected.
 */
#ifndef TECHPAY_TZ_H
#define TECHPAY_TZ_H

#include <time.h>

#define TZ_NAME_MAX	64

struct tz_date {
	int	year, month, day;	/* local calendar date */
	int	secs;			/* seconds since local midnight */
};

/* 1 if name is a zone in the system's tzdata ("UTC", "Europe/Berlin"). */
int	tz_valid(const char *name);
/* The local date and time of t in zone; 0, or -1 for an unknown zone. */
int	tz_local(const char *zone, time_t t, struct tz_date *out);
/* The first instant at or after the local wall time secs on the date;
 * 0, or -1 for an unknown zone or a date out of range. */
int	tz_instant(const char *zone, int year, int month, int day, int secs,
	    time_t *out);
/* The date after (y, m, d), as a proleptic Gregorian calendar date. */
void	tz_next_day(int *year, int *month, int *day);
/* "HH:MM", "H:MM" or "HH:MM:SS" to seconds since midnight; -1 if malformed. */
int	tz_parse_time(const char *s);

#endif
