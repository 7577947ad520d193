/*
 * confparse.c -- what the config's readers share; see confparse.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "confparse.h"
#include "policy.h"
#include "tz.h"

void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->nerr++;
	buf_printf(&p->errs, "%s:%d: %s\n", p->cf->path, p->line, msg);
}

/* A warning, with its line when it has one (0: the whole file). */
void
pwarn(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line > 0)
		buf_printf(&p->warns, "%s:%d: warning: %s\n", p->cf->path,
		    p->line, msg);
	else
		buf_printf(&p->warns, "%s: warning: %s\n", p->cf->path, msg);
}

/*
 * The first line of a file, for secrets kept outside the config.  Opened
 * without blocking and checked before anything is read: a FIFO (or a
 * device) would hang the start, or feed us without end, and a file that
 * others can write could hand the bot a password of their choosing.  The
 * read is bounded: a secret is a line, not a file.
 */
char *
read_secret(struct parse *p, const char *key, const char *path)
{
	char buf[CONFIG_SECRET_MAX + 1], *line = NULL;
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1) {
		perr(p, "%s: %s: %s", key, path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1) {
		perr(p, "%s: %s: %s", key, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		perr(p, "%s: %s is not a regular file", key, path);
		goto out;
	}
	if (st.st_size > CONFIG_SECRET_MAX) {
		perr(p, "%s: %s is larger than %d bytes (a secret is one line)",
		    key, path, CONFIG_SECRET_MAX);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		perr(p, "%s: %s is writable by group or others (chmod 600 %s)",
		    key, path, path);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH))
		pwarn(p, "%s: %s is readable by group or others (chmod 600 %s)",
		    key, path, path);
	/* the size can grow between fstat and read: read at most the cap */
	while (len < CONFIG_SECRET_MAX && (n = read(fd, buf + len,
	    CONFIG_SECRET_MAX - len)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			perr(p, "%s: %s: %s", key, path, strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	len = strcspn(buf, "\r\n");
	if (len == 0)
		perr(p, "%s: %s is empty", key, path);
	else
		line = xstrndup(buf, len);
out:
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return line;
}

/*
 * A secret given as KEY = value, or as KEY_file = path (the file's first
 * line, read_secret).  Every secret has both forms, so that none has to
 * sit in a config that others may read (the unit's dynamic user needs
 * it readable).  Both for one secret is an error rather than a silent
 * choice: which one the server got would depend on the order of the
 * lines.  *forms collects the forms met in the section (SECRET_*).  An
 * empty value is neither: it clears an inline secret and names no file,
 * so config.example's empty pairs stay valid.
 */
void
set_secret(struct parse *p, const char *section, const char *k,
    const char *v, char **dst, int *forms)
{
	size_t n = strlen(k);
	int file = n > 5 && strcmp(k + n - 5, "_file") == 0;

	if (*v == '\0' && file)
		return;
	if (*v != '\0') {
		*forms |= file ? SECRET_FILE : SECRET_INLINE;
		if (*forms == (SECRET_INLINE | SECRET_FILE)) {
			n -= file ? 5 : 0;
			perr(p, "[%s]: %.*s and %.*s_file: give one of them",
			    section, (int)n, k, (int)n, k);
		}
	}
	if (*dst) {
		explicit_bzero(*dst, strlen(*dst));
		free(*dst);
		*dst = NULL;
	}
	if (file)
		*dst = read_secret(p, k, v);
	else if (*v != '\0') {
		*dst = xstrdup(v);
		p->cf->secrets = 1;
	}
}

/* Edit distance of a and b (case-insensitive), capped at max + 1. */
static int
distance(const char *a, const char *b, int max)
{
	int row[CONFIG_KEY_LEN + 1], i, j, diag, up, best;
	size_t la = strlen(a), lb = strlen(b);

	if (la > CONFIG_KEY_LEN || lb > CONFIG_KEY_LEN)
		return max + 1;
	for (j = 0; j <= (int)lb; j++)
		row[j] = j;
	for (i = 1; i <= (int)la; i++) {
		diag = row[0];
		row[0] = i;
		best = i;
		for (j = 1; j <= (int)lb; j++) {
			up = row[j];
			row[j] = diag + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
			if (row[j] < best)
				best = row[j];
		}
		if (best > max)
			return max + 1;
	}
	return row[lb];
}

/*
 * An unknown key, with the nearest valid one of its section when a typo
 * (at most CONFIG_SUGGEST_MAX edits) explains it.
 */
static void
unknown_key(struct parse *p, const struct config_key *keys, const char *k,
    const char *section)
{
	const char *best = NULL;
	int i, d, bestd = CONFIG_SUGGEST_MAX + 1;

	for (i = 0; keys[i].name; i++)
		if ((d = distance(k, keys[i].name, CONFIG_SUGGEST_MAX)) <
		    bestd) {
			bestd = d;
			best = keys[i].name;
		}
	if (best)
		perr(p, "unknown key \"%s\" in [%s]: did you mean %s?", k,
		    section, best);
	else
		perr(p, "unknown key \"%s\" in [%s]", k, section);
}

void
config_set(struct parse *p, const struct config_key *keys, void *sec,
    const char *section, const char *k, const char *v)
{
	const struct config_key *row;
	char *base = sec;

	for (row = keys; row->name; row++)
		if (strcmp(row->name, k) == 0)
			break;
	if (row->name == NULL) {
		unknown_key(p, keys, k, section);
		return;
	}
	if (row->check)
		row->check(p, sec, k, v);
	switch (row->type) {
	case CONFIG_STR:
		set_str((char **)(void *)(base + row->offset), v);
		break;
	case CONFIG_BOOL:
		*(int *)(void *)(base + row->offset) = parse_bool(p, k, v);
		break;
	case CONFIG_INT:
		*(int *)(void *)(base + row->offset) = parse_int(p, k, v,
		    row->lo, row->hi);
		break;
	case CONFIG_SECRET:
		set_secret(p, section, k, v,
		    (char **)(void *)(base + row->offset),
		    (int *)(void *)(base + row->forms));
		break;
	case CONFIG_FN:
		break;
	}
}

char *
trimdup(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* Splits a comma-separated list into out (at most max items). */
int
split_list(struct parse *p, const char *key, const char *v, char **out,
    int max)
{
	int n = 0;
	const char *c;

	while (*v) {
		c = strchr(v, ',');
		if (c == NULL)
			c = v + strlen(v);
		if (n == max) {
			perr(p, "%s: at most %d items", key, max);
			break;
		}
		out[n] = trimdup(v, (size_t)(c - v));
		if (*out[n] == '\0')
			free(out[n]);
		else
			n++;
		v = *c ? c + 1 : c;
	}
	return n;
}

int
parse_bool(struct parse *p, const char *key, const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1") || !strcasecmp(v, "on"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcmp(v, "0") || !strcasecmp(v, "off"))
		return 0;
	perr(p, "%s: \"%s\" is not yes or no", key, v);
	return 0;
}

int
parse_int(struct parse *p, const char *key, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < lo || n > hi) {
		perr(p, "%s: \"%s\" is not a number from %ld to %ld", key, v,
		    lo, hi);
		return (int)lo;
	}
	return (int)n;
}

void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
}

int
valid_nick(const char *n)
{
	size_t i, len = strlen(n);

	if (len == 0 || len > 30 || isdigit((unsigned char)n[0]) || n[0] == '-')
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)n[i]) && !strchr("-_[]\\`^{}|", n[i]))
			return 0;
	return 1;
}

void
free_list(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

/* "TARGET [HH:MM[:SS]] [Zone]" items into out; the kind says what a
 * target is (target_ok) and what it is called (what). */
int
parse_highlights(struct parse *p, const char *v, struct config_highlight *out,
    const char *what, int (*target_ok)(const char *))
{
	char *items[CONFIG_CHANNELS_MAX], *tok, *save;
	int i, n = split_list(p, "highlights", v, items, CONFIG_CHANNELS_MAX);

	for (i = 0; i < n; i++) {
		struct config_highlight *h = &out[i];

		h->secs = -1;
		tok = strtok_r(items[i], " \t", &save);
		h->target = xstrdup(tok);
		if (!target_ok(h->target))
			perr(p, "highlights: \"%s\" is not a %s", h->target,
			    what);
		while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
			if (isdigit((unsigned char)tok[0])) {
				if ((h->secs = tz_parse_time(tok)) < 0)
					perr(p, "highlights: \"%s\" is not a "
					    "time (HH:MM)", tok);
			} else if (!tz_valid(tok))
				perr(p, "highlights: \"%s\" is not a time "
				    "zone (an IANA name such as Europe/Berlin)",
				    tok);
			else {
				free(h->zone);
				h->zone = xstrdup(tok);
			}
		}
		free(items[i]);
	}
	return n;
}

void
free_highlights(struct config_highlight *h, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(h[i].target);
		free(h[i].zone);
		h[i].target = h[i].zone = NULL;
	}
}

char *
dupnull(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int
config_host_is_loopback(const char *host)
{
	char h[INET6_ADDRSTRLEN + 2];
	struct in_addr a4;
	struct in6_addr a6;
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' &&
	    n - 2 < sizeof(h)) {
		memcpy(h, host + 1, n - 2);
		h[n - 2] = '\0';
		host = h;
	}
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return 0;
}
