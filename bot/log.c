/*
 * log.c -- one line per event on standard error: time, level, message.
 *
 * Messages often hold what someone on the network sent (a raw IRC line at
 * debug level, a channel name).  They are written with every control
 * byte but the message's own newlines, and every byte that is not UTF-8,
 * shown as '?': nobody can forge a log line, colour a terminal, or leave
 * bytes that break a log reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static enum log_level level = LOG_INFO;

void
log_set_level(enum log_level l)
{
	level = l;
}

int
log_parse_level(const char *s, enum log_level *out)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	int i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

/* The length of the UTF-8 character at s (at most n bytes), 0 if not
 * one: bad lead byte, missing continuation, overlong or surrogate. */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 1, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 2, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 3, cp = s[0] & 0x07;
	else
		return 0;
	if (need >= n)
		return 0;
	for (i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need + 1;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warn", "info", "debug" };
	char ts[32], small[1024], *msg = small, *big = NULL;
	const unsigned char *p;
	size_t len, k;
	time_t now;
	struct tm tm;
	va_list ap;
	int n;

	if (l > level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small) && (big = malloc((size_t)n + 1))) {
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		msg = big;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s: ", ts, tag[l]);
	len = strlen(msg);
	for (p = (const unsigned char *)msg; len > 0; p += k, len -= k) {
		if (*p == '\n' || (*p >= 0x20 && *p != 0x7f && *p < 0x80)) {
			fputc(*p, stderr);
			k = 1;
		} else if (*p >= 0x80 && (k = utf8_char(p, len)) > 0)
			fwrite(p, 1, k, stderr);
		else {
			fputc('?', stderr);
			k = 1;
		}
	}
	fputc('\n', stderr);
	free(big);
}
