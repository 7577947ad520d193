/*
 * log.c -- one line per event on standard error: time, level, message.
 *
 * Messages often hold what someone on the network sent (a raw IRC line at
 * debug level, a channel name, a Matrix kick reason).  They are written
 * with every control byte, newlines included, and every byte that is not
 * UTF-8, shown as '?': nobody can forge a log line, colour a terminal, or
 * leave bytes that break a log reader.  The same goes for characters that
 * are valid UTF-8 but act like controls: C1 (NEL, the 8-bit CSI), the
 * line and paragraph separators, and format characters (bidi overrides
 * and isolates, zero-width spaces), which would start a line, colour it
 * or show it reversed.  Text of our own that has several
 * lines (config errors) goes through log_lines, one record per line.
 *
 * Under systemd (JOURNAL_STREAM names our stderr) each line starts with
 * the syslog priority "<N>" instead of a time and a level: the journal
 * keeps its own time, and the priority lets "journalctl -p warning"
 * filter.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <utf8proc.h>

#include "log.h"

static enum log_level level = LOG_INFO;
static int journal = -1;	/* -1: not looked yet */

/* 1 if stderr is the journal's stream: JOURNAL_STREAM is "dev:inode"
 * of it, and a child with stderr redirected must not take it on trust. */
static int
to_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &st) == 0 &&
	    (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(void)
{
	journal = to_journal();
}

void
log_set_level(enum log_level l)
{
	level = l;
}

int
log_on(enum log_level l)
{
	return l <= level;
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

/* A character of valid UTF-8 that a terminal or a log reader would act
 * on: C1 controls, U+2028/U+2029, and format characters (Cf). */
static int
acts(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF ||
	    c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

void
log_msg(enum log_level l, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warn", "info", "debug" };
	static const int prio[] = { 3, 4, 6, 7 };
	char ts[32], small[1024], *msg = small, *big = NULL, *w;
	const unsigned char *p;
	size_t len, k;
	time_t now;
	struct tm tm;
	va_list ap;
	utf8proc_ssize_t r;
	utf8proc_int32_t cp;
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
	/*
	 * Cleaned in place (a mark is never longer than what it stands
	 * for), then written whole: stderr is unbuffered, and a character
	 * at a time was a write(2) per character.
	 */
	len = strlen(msg);
	w = msg;
	for (p = (const unsigned char *)msg; len > 0; p += k, len -= k) {
		k = 1;
		if (*p >= 0x20 && *p != 0x7f && *p < 0x80)
			*w++ = (char)*p;
		else if (*p >= 0x80 && (r = utf8proc_iterate(p,
		    (utf8proc_ssize_t)len, &cp)) > 0) {
			/* utf8proc rejects overlongs and surrogates; a
			 * character that acts is one mark */
			k = (size_t)r;
			if (acts(cp))
				*w++ = '?';
			else {
				memmove(w, p, k);
				w += k;
			}
		} else
			*w++ = '?';
	}
	*w = '\0';
	if (journal == -1)
		journal = to_journal();
	if (journal)	/* sd-daemon(3) priorities: err 3, warning 4, ... */
		fprintf(stderr, "<%d>%s\n", prio[l], msg);
	else {
		now = time(NULL);
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s %s: %s\n", ts, tag[l], msg);
	}
	free(big);
}

void
log_lines(enum log_level l, const char *prefix, const char *text)
{
	const char *nl;
	int n;

	for (; *text; text = *nl ? nl + 1 : nl) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		n = nl - text > INT_MAX ? INT_MAX : (int)(nl - text);
		if (n > 0)
			log_msg(l, "%s%.*s", prefix, n, text);
	}
}
