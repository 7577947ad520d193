/*
 * tz.c -- IANA zones through glibc (see tz.h).
 *
 * Converting local wall time to an instant is a search rather than one
 * mktime(): mktime() moves a time in the spring gap by the gap's length
 * (02:30 -> 03:30), and picks either side of the autumn overlap.  We scan
 * minute by minute across the 30 hours around the date, which covers every
 * UTC offset in use, and take the first instant whose local time is at or
 * after the one asked for: the time itself, else the end of the gap.  The
 * scan costs 1,800 localtime_r() calls, done once a day per target.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "tz.h"

/* Switches TZ to zone; returns the old value to give to tz_restore. */
static char *
tz_enter(const char *zone)
{
	const char *old = getenv("TZ");
	char *saved = old ? xstrdup(old) : NULL;

	setenv("TZ", zone, 1);
	tzset();
	return saved;
}

static void
tz_restore(char *saved)
{
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
}

int
tz_valid(const char *name)
{
	const char *dir = getenv("TZDIR");
	struct buf path = {0};
	struct stat st;
	int ok;

	if (name == NULL || *name == '\0' || strlen(name) >= TZ_NAME_MAX ||
	    name[0] == '/' || strstr(name, "..") || name[0] == ':')
		return 0;
	if (strcmp(name, "UTC") == 0)
		return 1;
	buf_printf(&path, "%s/%s", dir ? dir : "/usr/share/zoneinfo", name);
	ok = stat(buf_str(&path), &st) == 0 && S_ISREG(st.st_mode);
	buf_free(&path);
	return ok;
}

static void
to_date(const struct tm *tm, struct tz_date *d)
{
	d->year = tm->tm_year + 1900;
	d->month = tm->tm_mon + 1;
	d->day = tm->tm_mday;
	d->secs = tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
}

int
tz_local(const char *zone, time_t t, struct tz_date *out)
{
	struct tm tm;
	char *saved;

	if (!tz_valid(zone))
		return -1;
	saved = tz_enter(zone);
	localtime_r(&t, &tm);
	tz_restore(saved);
	to_date(&tm, out);
	return 0;
}

static int
cmp_date(const struct tz_date *a, const struct tz_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->secs < b->secs ? -1 : a->secs > b->secs;
}

int
tz_instant(const char *zone, int year, int month, int day, int secs,
    time_t *out)
{
	struct tz_date want = { year, month, day, secs }, got;
	struct tm tm;
	time_t guess, u;
	char *saved;
	int found = 0;

	if (!tz_valid(zone) || year < 1970 || year > 9999 || month < 1 ||
	    month > 12 || day < 1 || day > 31 || secs < 0 || secs >= 86400)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = month - 1;
	tm.tm_mday = day;
	tm.tm_sec = secs;
	guess = timegm(&tm);	/* the wall time read as UTC */
	saved = tz_enter(zone);
	/* offsets run from -12 to +14 hours: scan 15 hours either side */
	for (u = guess - 15 * 3600; u <= guess + 15 * 3600; u += 60) {
		localtime_r(&u, &tm);
		to_date(&tm, &got);
		if (cmp_date(&got, &want) >= 0) {
			found = 1;
			break;
		}
	}
	tz_restore(saved);
	if (!found)
		return -1;
	*out = u;
	return 0;
}

void
tz_next_day(int *year, int *month, int *day)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int n = mdays[*month - 1], y = *year;

	if (*month == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		n = 29;
	if (++*day > n) {
		*day = 1;
		if (++*month > 12) {
			*month = 1;
			++*year;
		}
	}
}

/* n digits of s as a number, or -1 when one is not a digit */
static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * H:MM as well as HH:MM: "9:00" is how people write it, and refusing it
 * for want of a zero helps nobody.  Minutes and seconds keep two digits,
 * so "9:0" stays an error rather than a guess.
 */
int
tz_parse_time(const char *s)
{
	int h, m, sec = 0, hl;

	hl = s[0] != '\0' && s[1] == ':' ? 1 : 2;
	if ((h = digits(s, hl)) < 0 || s[hl] != ':' ||
	    (m = digits(s + hl + 1, 2)) < 0)
		return -1;
	s += hl + 3;
	if (*s == ':') {
		if ((sec = digits(s + 1, 2)) < 0)
			return -1;
		s += 3;
	}
	if (*s != '\0' || h > 23 || m > 59 || sec > 59)
		return -1;
	return h * 3600 + m * 60 + sec;
}
