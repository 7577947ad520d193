/*
 * config.c -- reads the INI configuration with libinih and checks it.
 *
 * libinih gives sections, keys and values; this file knows what each key
 * means.  Line numbers come from a reader that counts lines as inih asks
 * for them (Debian's libinih is built without INI_HANDLER_LINENO).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "kb.h"
#include "policy.h"
#include "tz.h"

struct parse {
	struct config		*cf;
	FILE			*fp;
	int			 line;
	struct buf		 errs;
	int			 nerr;
	struct config_network	*net;	/* current [network] section */
	struct config_matrix	*mx;	/* current [matrix] section */
	int			 in_bot;
	struct buf		 warns;	/* lines for config_load's warn */
	int			 after_key;	/* an indented line continues */
	int			 hl_line[CONFIG_NETWORKS_MAX];	/* highlights = */
};

static void
perr(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
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

static void
pwarn(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A warning, with its line when it has one (0: the whole file). */
static void
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
 * inih joins an indented line to the value above it (a multi-line value):
 * "  channels = #b" under "nick = x" makes the nick "x\nchannels = #b",
 * and the error then names nick, two lines up.  Say what happened and
 * drop the line.  Only after a key: inih reads an indented line that
 * follows a section header (or nothing) as a line of its own.
 */
static void
indented(struct parse *p, char *str)
{
	const char *s = str + strspn(str, " \t");
	int blank = *s == '\0' || strchr("\r\n;#", *s) != NULL;

	if (s == str) {
		if (*s == '[')
			p->after_key = 0;
		else if (!blank)
			p->after_key = 1;
		return;
	}
	if (!blank && p->after_key) {
		perr(p, "line %d is indented: INI continues the previous "
		    "value (remove the indentation)", p->line);
		str[0] = '\0';
	}
}

/*
 * inih's reader: one line at a time, counted.  A line longer than inih's
 * buffer (200 bytes in Debian's build) is reported and skipped whole,
 * rather than read as two broken lines.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->fp);
	size_t n;
	int c;

	if (r == NULL)
		return NULL;
	p->line++;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->fp)) {
		perr(p, "line longer than %d bytes (for a long password use "
		    "sasl_password_file)", num - 1);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		str[0] = '\0';	/* an empty line for inih */
	}
	indented(p, str);
	return r;
}

/*
 * The first line of a file, for secrets kept outside the config.  Opened
 * without blocking and checked before anything is read: a FIFO (or a
 * device) would hang the start, or feed us without end, and a file that
 * others can write could hand the bot a password of their choosing.  The
 * read is bounded: a secret is a line, not a file.
 */
static char *
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

/* The keys of each section, for "did you mean" (keep with the parsers). */
static const char *const bot_keys[] = {
	"prefix", "nick", "knowledge", "state_dir", "log_level", "owners",
	"ignore", "user_rate", "user_ignore_seconds", "highlight_time",
	"highlight_zone", "highlight_catchup_minutes", NULL
};
static const char *const net_keys[] = {
	"servers", "tls", "tls_verify", "tls_ca_file", "tls_cert_file",
	"tls_key_file", "nick", "alt_nicks", "user", "realname",
	"server_password", "server_password_file", "sasl_mechanism",
	"sasl_user", "sasl_password", "sasl_password_file", "sasl_required",
	"sasl_timeout", "nickserv_password", "nickserv_target", "channels",
	"highlights", "flood_burst", "flood_interval_ms", "max_lines",
	"ping_after", "ping_timeout", "reconnect_min", "reconnect_max", NULL
};
static const char *const matrix_keys[] = {
	"homeserver", "user_id", "access_token", "access_token_file",
	"password", "password_file", "device_name", "invite_from", "rooms",
	"highlights", "tls_ca_file", "tls_verify", "allow_insecure_http",
	"sync_timeout", "max_bytes", "reconnect_min", "reconnect_max", NULL
};

/*
 * An unknown key, with the nearest valid one of its section when a typo
 * (at most CONFIG_SUGGEST_MAX edits) explains it.
 */
static void
unknown_key(struct parse *p, const char *const *keys, const char *k,
    const char *section)
{
	const char *best = NULL;
	int i, d, bestd = CONFIG_SUGGEST_MAX + 1;

	for (i = 0; keys[i]; i++)
		if ((d = distance(k, keys[i], CONFIG_SUGGEST_MAX)) < bestd) {
			bestd = d;
			best = keys[i];
		}
	if (best)
		perr(p, "unknown key \"%s\" in [%s]: did you mean %s?", k,
		    section, best);
	else
		perr(p, "unknown key \"%s\" in [%s]", k, section);
}

static char *
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
static int
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

static int
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

static int
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

static void
set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? xstrdup(v) : NULL;
}

static int
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

static void
free_list(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(v[i]);
		v[i] = NULL;
	}
}

static int
valid_irc_word(const char *s)	/* no space, control, comma or colon start */
{
	if (*s == '\0' || *s == ':')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == ',')
			return 0;
	return 1;
}

/* "TARGET [HH:MM[:SS]] [Zone]" items into out. */
static int
parse_highlights(struct parse *p, const char *v, struct config_highlight *out,
    int is_room)
{
	char *items[CONFIG_CHANNELS_MAX], *tok, *save;
	int i, n = split_list(p, "highlights", v, items, CONFIG_CHANNELS_MAX);

	for (i = 0; i < n; i++) {
		struct config_highlight *h = &out[i];

		h->secs = -1;
		tok = strtok_r(items[i], " \t", &save);
		h->target = xstrdup(tok);
		/* room ids: "!opaque:server", or "!opaque" since room
		 * version 12 */
		if (is_room ? h->target[0] != '!' || h->target[1] == '\0' :
		    !strchr("#&+!", h->target[0]) || !valid_irc_word(h->target))
			perr(p, "highlights: \"%s\" is not a %s", h->target,
			    is_room ? "room id (!id)" : "channel name");
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

static void
free_highlights(struct config_highlight *h, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		free(h[i].target);
		free(h[i].zone);
		h[i].target = h[i].zone = NULL;
	}
}

void
config_network_defaults(struct config_network *n)
{
	n->tls = 1;
	n->tls_verify = 1;
	n->sasl_timeout = 15;
	n->flood_burst = 4;
	n->flood_interval_ms = 2000;
	n->max_lines = 3;
	n->ping_after = 120;
	n->ping_timeout = 60;
	n->reconnect_min = 5;
	n->reconnect_max = 300;
}

/*
 * server_password and server_password_file set the same password: the
 * second of them is an error rather than a silent choice (which one the
 * server gets would depend on the order of the lines).
 */
static void
server_password_key(struct parse *p, struct config_network *n, int key)
{
	if (n->server_password_keys & ~key)
		perr(p, "[network %s]: server_password and "
		    "server_password_file: give one of them", n->name);
	n->server_password_keys |= key;
}

/*
 * A server is host[:port].  URLs and host/port are common guesses (the
 * first from clients' docs, the second from Cisco-style lists): say what
 * to write instead, since "ircs://host" would otherwise be taken as a
 * host named "ircs" with the port "//host".  0 when the item is refused.
 */
static int
server_form(struct parse *p, const char *item)
{
	const char *u = strstr(item, "://"), *h, *slash;
	size_t sl, hl;

	if (u) {
		sl = (size_t)(u - item);
		h = u + 3;
		hl = strcspn(h, "/?#");
		perr(p, "servers: \"%s\" is a URL: write %.*s%s", item,
		    (int)hl, h, sl == 4 && !strncasecmp(item, "ircs", 4) ?
		    " and tls = yes" : sl == 3 && !strncasecmp(item, "irc", 3) ?
		    " and tls = no" : "");
		return 0;
	}
	if ((slash = strchr(item, '/')) != NULL) {
		if (slash[1] != '\0' && strspn(slash + 1, "0123456789") ==
		    strlen(slash + 1))
			perr(p, "servers: \"%s\": write %.*s:%s", item,
			    (int)(slash - item), item, slash + 1);
		else
			perr(p, "servers: \"%s\" is not host[:port]", item);
		return 0;
	}
	return 1;
}

static void
net_key(struct parse *p, struct config_network *n, const char *k,
    const char *v)
{
	char *items[CONFIG_CHANNELS_MAX];
	int i, m;

	if (!strcmp(k, "servers")) {
		/* a repeated key replaces the list (found by fuzz_config:
		 * it used to append past the end of the array) */
		for (i = 0; i < n->nservers; i++)
			free(n->servers[i].host);
		n->nservers = 0;
		m = split_list(p, k, v, items, CONFIG_SERVERS_MAX);
		for (i = 0; i < m; i++) {
			char *colon;
			struct config_server *s = &n->servers[n->nservers];

			if (!server_form(p, items[i])) {
				free(items[i]);
				continue;
			}
			colon = strrchr(items[i], ':');

			s->port = n->tls ? 6697 : 6667;
			if (colon) {
				*colon = '\0';
				s->port = parse_int(p, "servers port", colon + 1,
				    1, 65535);
			} else
				s->port = 0;	/* filled from tls below */
			if (!valid_irc_word(items[i]))
				perr(p, "servers: \"%s\" is not a host name",
				    items[i]);
			s->host = items[i];
			n->nservers++;
		}
	} else if (!strcmp(k, "tls"))
		n->tls = parse_bool(p, k, v);
	else if (!strcmp(k, "tls_verify"))
		n->tls_verify = parse_bool(p, k, v);
	else if (!strcmp(k, "tls_ca_file"))
		set_str(&n->tls_ca_file, v);
	else if (!strcmp(k, "tls_cert_file"))
		set_str(&n->tls_cert_file, v);
	else if (!strcmp(k, "tls_key_file"))
		set_str(&n->tls_key_file, v);
	else if (!strcmp(k, "nick") || !strcmp(k, "alt_nicks")) {
		int main_nick = !strcmp(k, "nick");

		m = split_list(p, k, v, items, CONFIG_NICKS_MAX);
		for (i = 0; i < m; i++) {
			if (!valid_nick(items[i]))
				perr(p, "%s: \"%s\" is not a valid nick", k,
				    items[i]);
			if (main_nick && i == 0) {
				free(n->nicks[0]);
				n->nicks[0] = items[i];
				if (n->nnicks == 0)
					n->nnicks = 1;
			} else if (n->nnicks < CONFIG_NICKS_MAX) {
				if (n->nnicks == 0)
					n->nnicks = 1;	/* slot 0 stays main */
				n->nicks[n->nnicks++] = items[i];
			} else {
				perr(p, "%s: at most %d nicks", k,
				    CONFIG_NICKS_MAX);
				free(items[i]);
			}
		}
	} else if (!strcmp(k, "user"))
		set_str(&n->user, v);
	else if (!strcmp(k, "realname"))
		set_str(&n->realname, v);
	else if (!strcmp(k, "server_password")) {
		set_str(&n->server_password, v);
		p->cf->secrets |= *v != '\0';
		server_password_key(p, n, 1);
	} else if (!strcmp(k, "server_password_file")) {
		if (*v) {	/* empty: no file */
			free(n->server_password);
			n->server_password = read_secret(p, k, v);
			server_password_key(p, n, 2);
		}
	} else if (!strcmp(k, "sasl_mechanism")) {
		if (!strcasecmp(v, "plain"))
			n->sasl_mechanism = CONFIG_SASL_PLAIN;
		else if (!strcasecmp(v, "external"))
			n->sasl_mechanism = CONFIG_SASL_EXTERNAL;
		else if (!strcasecmp(v, "none"))
			n->sasl_mechanism = CONFIG_SASL_NONE;
		else if (*v == '\0')
			n->sasl_mechanism = CONFIG_SASL_AUTO;
		else
			perr(p, "sasl_mechanism: \"%s\" is not plain, external "
			    "or none", v);
	} else if (!strcmp(k, "sasl_user"))
		set_str(&n->sasl_user, v);
	else if (!strcmp(k, "sasl_password")) {
		set_str(&n->sasl_password, v);
		p->cf->secrets |= *v != '\0';
	} else if (!strcmp(k, "sasl_password_file")) {
		if (*v) {	/* empty: keeps what the other key set */
			free(n->sasl_password);
			n->sasl_password = read_secret(p, k, v);
		}
	} else if (!strcmp(k, "sasl_required"))
		n->sasl_required = parse_bool(p, k, v);
	else if (!strcmp(k, "sasl_timeout"))
		n->sasl_timeout = parse_int(p, k, v, 1, 600);
	else if (!strcmp(k, "nickserv_password")) {
		set_str(&n->nickserv_password, v);
		p->cf->secrets |= *v != '\0';
	} else if (!strcmp(k, "nickserv_target")) {
		/* nick or nick@server: a message to nick@server reaches
		 * only a user of that name on that server (RFC 2812 3.3.1) */
		if (*v && (strpbrk(v, ",:") || strchr("#&+!", *v) ||
		    !valid_irc_word(v)))
			perr(p, "nickserv_target: \"%s\" is not a nick or "
			    "nick@server", v);
		set_str(&n->nickserv_target, v);
	} else if (!strcmp(k, "channels")) {
		for (i = 0; i < n->nchannels; i++) {
			free(n->channels[i].name);
			free(n->channels[i].key);
			n->channels[i].key = NULL;
		}
		n->nchannels = 0;
		m = split_list(p, k, v, items, CONFIG_CHANNELS_MAX);
		for (i = 0; i < m; i++) {
			struct config_channel *c = &n->channels[n->nchannels++];
			char *sp = strchr(items[i], ' ');

			if (sp) {
				*sp = '\0';
				c->key = xstrdup(sp + 1 + strspn(sp + 1, " "));
				/* a key is a secret like a password */
				p->cf->secrets = 1;
				if (strchr("#&", c->key[0]))
					perr(p, "channels: \"%s %s\" looks like "
					    "two channels: separate them with "
					    "commas (a channel's key follows it "
					    "after a space)", items[i], c->key);
			}
			c->name = items[i];
			if (!strchr("#&+!", c->name[0]) ||
			    !valid_irc_word(c->name))
				perr(p, "channels: \"%s\" is not a channel name",
				    c->name);
		}
	} else if (!strcmp(k, "highlights")) {
		free_highlights(n->highlights, n->nhighlights);
		n->nhighlights = parse_highlights(p, v, n->highlights, 0);
		p->hl_line[n - p->cf->networks] = p->line;
	} else if (!strcmp(k, "flood_burst"))
		n->flood_burst = parse_int(p, k, v, 1, 100);
	else if (!strcmp(k, "flood_interval_ms"))
		n->flood_interval_ms = parse_int(p, k, v, 0, 60000);
	else if (!strcmp(k, "max_lines"))
		n->max_lines = parse_int(p, k, v, 1, 20);
	else if (!strcmp(k, "ping_after"))
		n->ping_after = parse_int(p, k, v, 1, 3600);
	else if (!strcmp(k, "ping_timeout"))
		n->ping_timeout = parse_int(p, k, v, 1, 3600);
	else if (!strcmp(k, "reconnect_min"))
		n->reconnect_min = parse_int(p, k, v, 1, 3600);
	else if (!strcmp(k, "reconnect_max"))
		n->reconnect_max = parse_int(p, k, v, 1, 86400);
	else {
		char sec[CONFIG_SECTION_LEN];

		snprintf(sec, sizeof(sec), "network %s", n->name);
		unknown_key(p, net_keys, k, sec);
	}
}


void
config_matrix_defaults(struct config_matrix *m)
{
	m->tls_verify = 1;
	m->sync_timeout = 30;
	m->max_bytes = 1500;
	m->reconnect_min = 2;
	m->reconnect_max = 300;
}

static void
matrix_key(struct parse *p, struct config_matrix *m, const char *k,
    const char *v)
{
	if (!strcmp(k, "homeserver")) {
		if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
			perr(p, "homeserver: \"%s\" is not an http:// or "
			    "https:// URL", v);
		set_str(&m->homeserver, v);
		/* no trailing slash: paths are appended */
		if (m->homeserver) {
			size_t n = strlen(m->homeserver);

			while (n > 0 && m->homeserver[n - 1] == '/')
				m->homeserver[--n] = '\0';
		}
		/* "https://hs/_matrix/client" would give ".../_matrix/client/
		 * _matrix/client/v3/login": a 404 that looks like a bad
		 * password */
		if (m->homeserver && strstr(m->homeserver, "://") &&
		    strchr(strstr(m->homeserver, "://") + 3, '/'))
			perr(p, "homeserver: \"%s\" has a path: give the "
			    "server's base URL (%.*s), the bot adds /_matrix/...",
			    v, (int)(strchr(strstr(m->homeserver, "://") + 3,
			    '/') - m->homeserver), m->homeserver);
	} else if (!strcmp(k, "user_id")) {
		if (v[0] != '@' || !strchr(v, ':') || strpbrk(v, " /"))
			perr(p, "user_id: \"%s\" is not a Matrix user id "
			    "(@name:server)", v);
		set_str(&m->user_id, v);
	} else if (!strcmp(k, "access_token")) {
		set_str(&m->access_token, v);
		p->cf->secrets |= *v != '\0';
	} else if (!strcmp(k, "access_token_file")) {
		if (*v) {	/* empty: keeps what the other key set */
			free(m->access_token);
			m->access_token = read_secret(p, k, v);
		}
	} else if (!strcmp(k, "password")) {
		set_str(&m->password, v);
		p->cf->secrets |= *v != '\0';
	} else if (!strcmp(k, "password_file")) {
		if (*v) {	/* empty: keeps what the other key set */
			free(m->password);
			m->password = read_secret(p, k, v);
		}
	} else if (!strcmp(k, "device_name"))
		set_str(&m->device_name, v);
	else if (!strcmp(k, "invite_from")) {
		int i;

		free_list(m->invite_from, m->ninvite_from);
		m->ninvite_from = split_list(p, k, v, m->invite_from,
		    CONFIG_LIST_MAX);
		for (i = 0; i < m->ninvite_from; i++)
			if (m->invite_from[i][0] == '@' &&
			    !strchr(m->invite_from[i], ':'))
				perr(p, "invite_from: \"%s\" is not a user id "
				    "(@name:server) or a server name",
				    m->invite_from[i]);
	} else if (!strcmp(k, "rooms")) {
		int i;

		free_list(m->rooms, m->nrooms);
		m->nrooms = split_list(p, k, v, m->rooms, CONFIG_CHANNELS_MAX);
		for (i = 0; i < m->nrooms; i++)
			if ((m->rooms[i][0] != '!' && m->rooms[i][0] != '#') ||
			    !strchr(m->rooms[i], ':'))
				perr(p, "rooms: \"%s\" is not a room id "
				    "(!id:server) or alias (#name:server)",
				    m->rooms[i]);
	} else if (!strcmp(k, "highlights")) {
		free_highlights(m->highlights, m->nhighlights);
		m->nhighlights = parse_highlights(p, v, m->highlights, 1);
	} else if (!strcmp(k, "tls_ca_file"))
		set_str(&m->tls_ca_file, v);
	else if (!strcmp(k, "tls_verify"))
		m->tls_verify = parse_bool(p, k, v);
	else if (!strcmp(k, "allow_insecure_http"))
		m->allow_insecure_http = parse_bool(p, k, v);
	else if (!strcmp(k, "sync_timeout"))
		m->sync_timeout = parse_int(p, k, v, 1, 300);
	else if (!strcmp(k, "max_bytes"))
		m->max_bytes = parse_int(p, k, v, 100, 30000);
	else if (!strcmp(k, "reconnect_min"))
		m->reconnect_min = parse_int(p, k, v, 1, 3600);
	else if (!strcmp(k, "reconnect_max"))
		m->reconnect_max = parse_int(p, k, v, 1, 86400);
	else {
		char sec[CONFIG_SECTION_LEN];

		snprintf(sec, sizeof(sec), "matrix %s", m->name);
		unknown_key(p, matrix_keys, k, sec);
	}
}

/*
 * Masks are matched against nick!user@host, accounts as account:NAME and
 * Matrix users as @name:server: a bare "alice" matches none of them, and
 * would leave the owner wondering why the bot will not listen.
 */
static void
bare_nicks(struct parse *p, const char *k, char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strpbrk(v[i], "!@*?") && strncasecmp(v[i], "account:", 8))
			pwarn(p, "%s: \"%s\" is a bare nick and never matches: "
			    "write %s!*@* or account:%s", k, v[i], v[i], v[i]);
}

static void
bot_key(struct parse *p, const char *k, const char *v)
{
	struct config *cf = p->cf;

	if (!strcmp(k, "prefix")) {
		if (*v == '\0' || strlen(v) > 8 || strchr(v, ' '))
			perr(p, "prefix: 1 to 8 characters, no spaces");
		else
			set_str(&cf->prefix, v);
	} else if (!strcmp(k, "nick")) {
		if (!valid_nick(v))
			perr(p, "nick: \"%s\" is not a valid nick", v);
		set_str(&cf->nick, v);
	} else if (!strcmp(k, "knowledge")) {
		set_str(&cf->knowledge, v);
		cf->knowledge_line = p->line;
	} else if (!strcmp(k, "state_dir")) {
		set_str(&cf->state_dir, v);
		cf->state_dir_line = p->line;
	}
	else if (!strcmp(k, "log_level")) {
		if (strcmp(v, "error") && strcmp(v, "warn") &&
		    strcmp(v, "info") && strcmp(v, "debug"))
			perr(p, "log_level: \"%s\" is not error, warn, info "
			    "or debug", v);
		set_str(&cf->log_level, v);
	} else if (!strcmp(k, "owners")) {
		free_list(cf->owners, cf->nowners);	/* a repeated key wins */
		cf->nowners = split_list(p, k, v, cf->owners, CONFIG_LIST_MAX);
		bare_nicks(p, k, cf->owners, cf->nowners);
	} else if (!strcmp(k, "ignore")) {
		free_list(cf->ignore, cf->nignore);
		cf->nignore = split_list(p, k, v, cf->ignore, CONFIG_LIST_MAX);
		bare_nicks(p, k, cf->ignore, cf->nignore);
	}
	else if (!strcmp(k, "user_rate"))
		cf->user_rate = parse_int(p, k, v, 1, 1000);
	else if (!strcmp(k, "user_ignore_seconds"))
		cf->user_ignore_s = parse_int(p, k, v, 1, 86400);
	else if (!strcmp(k, "highlight_time")) {
		if ((cf->highlight_secs = tz_parse_time(v)) < 0) {
			perr(p, "highlight_time: \"%s\" is not a time (HH:MM)",
			    v);
			cf->highlight_secs = 9 * 3600;
		}
	} else if (!strcmp(k, "highlight_zone")) {
		if (!tz_valid(v))
			perr(p, "highlight_zone: \"%s\" is not a time zone (an "
			    "IANA name such as Europe/Berlin)", v);
		else
			set_str(&cf->highlight_zone, v);
	} else if (!strcmp(k, "highlight_catchup_minutes"))
		cf->highlight_catchup_s = 60 * parse_int(p, k, v, 0, 1440);
	else
		unknown_key(p, bot_keys, k, "bot");
}

/*
 * What config.example holds for a value the operator must choose.  A copy
 * left unchanged must not run as someone else's bot: the nick is an error
 * (it is what the network sees), the rest are warned about (they fail on
 * their own, at the first login).
 */
static const struct {
	const char	*key;
	const char	*value;
	int		 fatal;
} placeholders[] = {
	{ "nick",		CONFIG_NICK_PLACEHOLDER,	1 },
	{ "password",		"change-me",			0 },
	{ "sasl_password",	"change-me",			0 },
	{ "server_password",	"change-me",			0 },
	{ "nickserv_password",	"change-me",			0 },
	{ "access_token",	"change-me",			0 },
	{ "homeserver",		"https://matrix.example.org",	0 },
	{ "user_id",		"@techpay:example.org",		0 },
	{ "invite_from",	"@you:example.org",		0 },
	{ "rooms",		"#techpay:example.org",		0 },
	{ "owners",		"account:you",			0 },
};

static void
placeholder(struct parse *p, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		if (strcmp(k, placeholders[i].key) ||
		    strcasecmp(v, placeholders[i].value))
			continue;
		if (placeholders[i].fatal)
			perr(p, "%s: set %s (\"%s\" is config.example's "
			    "placeholder)", k, k, v);
		else
			pwarn(p, "%s: \"%s\" is config.example's placeholder",
			    k, v);
	}
}

/* The [network NAME] section called name: found, or made. */
static void *
open_network(struct parse *p, const char *name)
{
	struct config *cf = p->cf;
	int i;

	if (p->net && strcmp(p->net->name, name) == 0)
		return p->net;
	for (i = 0; i < cf->nnetworks; i++)
		if (!strcmp(cf->networks[i].name, name))
			return p->net = &cf->networks[i];
	if (cf->nnetworks == CONFIG_NETWORKS_MAX) {
		perr(p, "at most %d networks", CONFIG_NETWORKS_MAX);
		return NULL;
	}
	p->net = &cf->networks[cf->nnetworks++];
	config_network_defaults(p->net);
	p->net->name = xstrdup(name);
	return p->net;
}

/* The [matrix NAME] section called name: found, or made. */
static void *
open_matrix(struct parse *p, const char *name)
{
	struct config *cf = p->cf;
	int i;

	if (p->mx && strcmp(p->mx->name, name) == 0)
		return p->mx;
	for (i = 0; i < cf->nmatrix; i++)
		if (!strcmp(cf->matrix[i].name, name))
			return p->mx = &cf->matrix[i];
	if (cf->nmatrix == CONFIG_MATRIX_MAX) {
		perr(p, "at most %d Matrix accounts", CONFIG_MATRIX_MAX);
		return NULL;
	}
	p->mx = &cf->matrix[cf->nmatrix++];
	config_matrix_defaults(p->mx);
	p->mx->name = xstrdup(name);
	return p->mx;
}

static void
network_key(struct parse *p, void *sec, const char *k, const char *v)
{
	net_key(p, sec, k, v);
}

static void
matrix_section_key(struct parse *p, void *sec, const char *k, const char *v)
{
	matrix_key(p, sec, k, v);
}

/*
 * The kinds of [KIND NAME] section, found by name as OpenSMTPD finds its
 * table backends: each kind is one adapter's (adapter.h), with the
 * function that finds or makes a section and the one that reads a key of
 * it.  A new kind of network is one line here.
 */
static const struct section_kind {
	const char	*kind;
	void		*(*open)(struct parse *, const char *name);
	void		(*key)(struct parse *, void *, const char *,
			    const char *);
} section_kinds[] = {
	{ "network",	open_network,	network_key },
	{ "matrix",	open_matrix,	matrix_section_key },
	{ NULL,		NULL,		NULL }
};

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct section_kind *sk;
	size_t n = strcspn(section, " ");
	void *sec;

	if (name == NULL)	/* a new section (INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	placeholder(p, name, value);
	if (!strcmp(section, "bot")) {
		bot_key(p, name, value);
		return 1;
	}
	for (sk = section_kinds; sk->kind; sk++)
		if (strlen(sk->kind) == n && !strncmp(section, sk->kind, n) &&
		    section[n] == ' ') {
			if ((sec = sk->open(p, section + n +
			    strspn(section + n, " "))) != NULL)
				sk->key(p, sec, name, value);
			return 1;
		}
	perr(p, "unknown section [%s] (use [bot], [network NAME] or "
	    "[matrix NAME])", section);
	return 1;
}

enum config_sasl
config_sasl(const struct config_network *n)
{
	if (n->sasl_mechanism != CONFIG_SASL_AUTO)
		return n->sasl_mechanism;
	if (n->sasl_password)
		return CONFIG_SASL_PLAIN;
	/* a certificate without a password: log in with the certificate */
	if (n->tls && n->tls_cert_file)
		return CONFIG_SASL_EXTERNAL;
	return CONFIG_SASL_NONE;
}

static void
check_sasl(struct parse *p, const struct config_network *n)
{
	switch (n->sasl_mechanism) {
	case CONFIG_SASL_EXTERNAL:
		if (n->tls_cert_file == NULL)
			perr(p, "[network %s]: sasl_mechanism = external needs "
			    "a client certificate (tls_cert_file and "
			    "tls_key_file)", n->name);
		if (!n->tls)
			perr(p, "[network %s]: sasl_mechanism = external needs "
			    "tls = yes (the certificate is sent in the TLS "
			    "handshake)", n->name);
		if (n->sasl_user || n->sasl_password)
			perr(p, "[network %s]: sasl_mechanism = external logs "
			    "in with the certificate: sasl_user and "
			    "sasl_password are for plain", n->name);
		break;
	case CONFIG_SASL_PLAIN:
		if (n->sasl_user == NULL || n->sasl_password == NULL)
			perr(p, "[network %s]: sasl_mechanism = plain needs "
			    "sasl_user and sasl_password", n->name);
		break;
	default:
		if ((n->sasl_user == NULL) != (n->sasl_password == NULL))
			perr(p, "[network %s]: sasl_user and sasl_password go "
			    "together", n->name);
		break;
	}
	if (n->sasl_required && config_sasl(n) == CONFIG_SASL_NONE)
		perr(p, "[network %s]: sasl_required needs sasl_user and "
		    "sasl_password, or a client certificate (tls_cert_file)",
		    n->name);
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

/* The host of an http:// URL (no user info, port or path) into out. */
static void
url_host(const char *url, char *out, size_t outlen)
{
	const char *h = url + strlen("http://"), *e, *at;
	size_t n;

	e = h + strcspn(h, "/?#");
	if ((at = memchr(h, '@', (size_t)(e - h))) != NULL)
		h = at + 1;
	if (*h == '[')		/* [::1]:8008: up to the bracket */
		e = (at = memchr(h, ']', (size_t)(e - h))) ? at + 1 : e;
	else if ((at = memchr(h, ':', (size_t)(e - h))) != NULL)
		e = at;
	n = (size_t)(e - h) < outlen ? (size_t)(e - h) : outlen - 1;
	memcpy(out, h, n);
	out[n] = '\0';
}

/* http:// to another machine, whether allowed or not. */
static int
matrix_cleartext(const struct config_matrix *m)
{
	char host[256];

	if (m->homeserver == NULL || strncmp(m->homeserver, "http://", 7))
		return 0;
	url_host(m->homeserver, host, sizeof(host));
	return !config_host_is_loopback(host);
}

int
config_matrix_insecure(const struct config_matrix *m)
{
	return m->allow_insecure_http && matrix_cleartext(m);
}

/*
 * Credentials sent without TLS to another machine: refused for a Matrix
 * homeserver unless allow_insecure_http says it is meant, and for SASL
 * PLAIN with sasl_required (asking for SASL is asking for a safe login);
 * otherwise a warning.  Loopback is fine: nothing crosses a network (the
 * tests, a local bouncer or homeserver).
 */
static void
check_cleartext(struct parse *p)
{
	struct config *cf = p->cf;
	int i, j, remote;

	for (i = 0; i < cf->nmatrix; i++) {
		struct config_matrix *m = &cf->matrix[i];

		if (!matrix_cleartext(m))
			continue;
		if (!m->allow_insecure_http)
			perr(p, "[matrix %s]: homeserver %s is http:// to "
			    "another machine: the password and access token "
			    "would cross the network in clear; use https://, "
			    "or set allow_insecure_http = yes", m->name,
			    m->homeserver);
		else
			buf_printf(&p->warns, "%s: warning: [matrix %s]: "
			    "allow_insecure_http: the password and access "
			    "token go to %s in clear\n", cf->path, m->name,
			    m->homeserver);
	}
	for (i = 0; i < cf->nnetworks; i++) {
		struct config_network *n = &cf->networks[i];

		if (n->tls)
			continue;
		for (j = 0, remote = 0; j < n->nservers; j++)
			remote |= !config_host_is_loopback(n->servers[j].host);
		if (!remote)
			continue;
		if (config_sasl(n) == CONFIG_SASL_PLAIN) {
			if (n->sasl_required)
				perr(p, "[network %s]: sasl_required with SASL "
				    "PLAIN and tls = no: the password would "
				    "cross the network in clear; set tls = "
				    "yes", n->name);
			else
				buf_printf(&p->warns, "%s: warning: [network "
				    "%s]: SASL PLAIN with tls = no: the "
				    "password crosses the network in clear\n",
				    cf->path, n->name);
		}
		if (config_nickserv_target(n))
			buf_printf(&p->warns, "%s: warning: [network %s]: "
			    "nickserv_password with tls = no: the password "
			    "crosses the network in clear\n", cf->path,
			    n->name);
	}
}

const char *
config_nickserv_target(const struct config_network *n)
{
	if (n->nickserv_password == NULL || *n->nickserv_password == '\0' ||
	    config_sasl(n) != CONFIG_SASL_NONE)
		return NULL;
	return n->nickserv_target ? n->nickserv_target : "NickServ";
}

/*
 * IDENTIFY to the bare nick NickServ goes to whoever holds that nick: on
 * a network that does not reserve service nicks (or while services are
 * split off) that can be anyone.  Warned, not refused: most networks do
 * reserve them, and SASL is the real fix.
 */
static void
check_nickserv(struct parse *p, const struct config_network *n)
{
	const char *t = config_nickserv_target(n);

	if (n->nickserv_password && *n->nickserv_password &&
	    config_sasl(n) != CONFIG_SASL_NONE)
		buf_printf(&p->warns, "%s: warning: [network %s]: "
		    "nickserv_password is not used with SASL\n", p->cf->path,
		    n->name);
	else if (t && strchr(t, '@') == NULL)
		buf_printf(&p->warns, "%s: warning: [network %s]: IDENTIFY "
		    "goes to whoever has the nick %s; prefer SASL, or set "
		    "nickserv_target = %s@<services server>\n", p->cf->path,
		    n->name, t, t);
}

/*
 * The bot posts a highlight only in a channel it is in, and it joins
 * only its channels: a highlight for another (a typo, or a channel left
 * out of channels) would wait every day for nothing.
 */
static void
check_highlights(struct parse *p, const struct config_network *n, int ni)
{
	int i, j, line = p->line;

	p->line = p->hl_line[ni];
	for (i = 0; i < n->nhighlights; i++) {
		for (j = 0; j < n->nchannels; j++)
			if (!strcasecmp(n->highlights[i].target,
			    n->channels[j].name))
				break;
		if (j == n->nchannels)
			perr(p, "[network %s]: highlights: %s is not in "
			    "channels (the bot posts only where it joins)",
			    n->name, n->highlights[i].target);
	}
	p->line = line;
}

static void
check(struct parse *p)
{
	struct config *cf = p->cf;
	int i, j;

	p->line = 0;	/* whole-file errors carry line 0 */
	if (cf->nnetworks == 0 && cf->nmatrix == 0)
		perr(p, "no [network NAME] or [matrix NAME] section: nothing "
		    "to connect to");
	if (cf->nmatrix > 0 && cf->state_dir == NULL)
		perr(p, "[matrix]: state_dir is missing in [bot] (the sync "
		    "position and login are kept there)");
	for (i = 0, j = 0; i < cf->nnetworks; i++)
		j += cf->networks[i].nhighlights;
	for (i = 0; i < cf->nmatrix; i++)
		j += cf->matrix[i].nhighlights;
	if (j > 0 && cf->state_dir == NULL)
		perr(p, "highlights: state_dir is missing in [bot] (what was "
		    "posted where is kept there)");
	for (i = 0; i < cf->nmatrix; i++) {
		struct config_matrix *m = &cf->matrix[i];

		if (m->homeserver == NULL)
			perr(p, "[matrix %s]: homeserver is missing", m->name);
		if (m->user_id == NULL)
			perr(p, "[matrix %s]: user_id is missing", m->name);
		if ((m->access_token == NULL) == (m->password == NULL))
			perr(p, "[matrix %s]: give access_token or password "
			    "(one of them)", m->name);
		if (m->reconnect_min > m->reconnect_max)
			perr(p, "[matrix %s]: reconnect_min is above "
			    "reconnect_max", m->name);
		if (m->device_name == NULL)
			m->device_name = xstrdup("techpay");
		/* invites are declined unless from these: with none, the
		 * account can never be brought into a room */
		if (m->ninvite_from == 0)
			pwarn(p, "[matrix %s]: invite_from is empty: nobody can "
			    "invite the bot (it joins only its rooms)", m->name);
		if (m->tls_ca_file && access(m->tls_ca_file, R_OK) == -1)
			perr(p, "[matrix %s]: tls_ca_file: %s: %s", m->name,
			    m->tls_ca_file, strerror(errno));
	}
	for (i = 0; i < cf->nnetworks; i++) {
		struct config_network *n = &cf->networks[i];

		if (n->nservers == 0)
			perr(p, "[network %s]: servers is missing", n->name);
		for (j = 0; j < n->nservers; j++)
			if (n->servers[j].port == 0)
				n->servers[j].port = n->tls ? 6697 : 6667;
		if (n->nicks[0] == NULL) {
			n->nicks[0] = xstrdup(cf->nick ? cf->nick : "techpay");
			if (n->nnicks == 0)
				n->nnicks = 1;
		}
		check_sasl(p, n);
		check_nickserv(p, n);
		if ((n->tls_cert_file == NULL) != (n->tls_key_file == NULL))
			perr(p, "[network %s]: tls_cert_file and tls_key_file "
			    "go together", n->name);
		/* a certificate that cannot be read fails every connect */
		if (n->tls_cert_file && access(n->tls_cert_file, R_OK) == -1)
			perr(p, "[network %s]: tls_cert_file: %s: %s", n->name,
			    n->tls_cert_file, strerror(errno));
		if (n->tls_key_file && access(n->tls_key_file, R_OK) == -1)
			perr(p, "[network %s]: tls_key_file: %s: %s", n->name,
			    n->tls_key_file, strerror(errno));
		if (n->tls_ca_file && access(n->tls_ca_file, R_OK) == -1)
			perr(p, "[network %s]: tls_ca_file: %s: %s", n->name,
			    n->tls_ca_file, strerror(errno));
		if (n->reconnect_min > n->reconnect_max)
			perr(p, "[network %s]: reconnect_min is above "
			    "reconnect_max", n->name);
		check_highlights(p, n, i);
		if (n->user == NULL)
			n->user = xstrdup("techpay");
		if (n->realname == NULL)
			n->realname = xstrdup("techpay salary bot");
	}
	check_cleartext(p);
}

/*
 * Opens the file without blocking, as a regular file only: a FIFO given
 * as -c would hang check-config (and a start) with nothing said.
 */
static FILE *
open_config(const char *path, struct stat *st, char *err, size_t errlen)
{
	FILE *fp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1 || fstat(fd, st) == -1) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file\n", path);
		close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		close(fd);
	}
	return fp;
}

struct config *
config_load(const char *path, char *err, size_t errlen, char *warn,
    size_t warnlen)
{
	struct parse p = {0};
	struct stat st;
	int rc;

	err[0] = warn[0] = '\0';
	p.cf = xcalloc(1, sizeof(*p.cf));
	p.cf->path = xstrdup(path);
	p.cf->prefix = xstrdup("!");
	p.cf->nick = xstrdup("techpay");
	p.cf->log_level = xstrdup("info");
	p.cf->user_rate = POLICY_RATE_DEFAULT;
	p.cf->user_ignore_s = 300;
	p.cf->highlight_secs = 9 * 3600;
	p.cf->highlight_zone = xstrdup("UTC");
	p.cf->highlight_catchup_s = 3 * 3600;
	if ((p.fp = open_config(path, &st, err, errlen)) == NULL) {
		config_free(p.cf);
		return NULL;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (rc > 0) {		/* a syntax error inih could not read past */
		p.line = rc;
		perr(&p, "not an INI line (expected [section] or key = value)");
	}
	if (p.cf->secrets && (st.st_mode & (S_IRGRP | S_IROTH)))
		snprintf(warn, warnlen, "%s: warning: the file holds passwords "
		    "and others can read it (chmod 600 %s)\n", path, path);
	fclose(p.fp);
	check(&p);
	/* whoever can write the file decides whom the bot obeys, where it
	 * logs in and with what: as good as running it */
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		perr(&p, "the file is writable by group or others (chmod 600 "
		    "%s)", path);
	if (p.warns.len) {
		size_t w = strlen(warn);

		snprintf(warn + w, warnlen - w, "%s", buf_str(&p.warns));
		buf_free(&p.warns);
	}
	if (p.nerr) {
		snprintf(err, errlen, "%s", buf_str(&p.errs));
		buf_free(&p.errs);
		config_free(p.cf);
		return NULL;
	}
	buf_free(&p.errs);
	return p.cf;
}

/*
 * state_dir as state_open will meet it, without creating it: a directory
 * of ours that we can write and others cannot, or a missing one whose
 * parent lets us create it.
 */
static void
check_state_dir(struct parse *p, const char *dir)
{
	char parent[PATH_MAX];
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT) {
			perr(p, "state_dir %s: %s", dir, strerror(errno));
			return;
		}
		if ((size_t)snprintf(parent, sizeof(parent), "%s", dir) >=
		    sizeof(parent)) {
			perr(p, "state_dir %s: path too long", dir);
			return;
		}
		if (faccessat(AT_FDCWD, dirname(parent), W_OK | X_OK,
		    AT_EACCESS) == -1)
			perr(p, "state_dir %s: cannot be created in %s: %s", dir,
			    parent, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode))
		perr(p, "state_dir %s: not a directory", dir);
	else if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		perr(p, "state_dir %s: must be owned by uid %lu and not "
		    "writable by group or others (it is uid %lu, mode %03o); "
		    "chown it or chmod 700 %s", dir, (unsigned long)geteuid(),
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 0777),
		    dir);
	else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == -1)
		perr(p, "state_dir %s: not writable by uid %lu: %s", dir,
		    (unsigned long)geteuid(), strerror(errno));
}

int
config_check_start(const struct config *cf, const char *kdir, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	static char kerr[KB_ERR_MAX];
	struct parse p = {0};
	struct kb *kb;
	const char *dir = kdir ? kdir : cf->knowledge;

	err[0] = warn[0] = '\0';
	p.cf = (struct config *)cf;	/* perr reads only the path */
	/* -k overrides the file's knowledge: its errors have no line */
	p.line = kdir ? 0 : cf->knowledge_line;
	kb = dir ? kb_load_dir(dir, kerr, sizeof(kerr)) :
	    kb_load_embedded(kerr, sizeof(kerr));
	if (kb == NULL) {
		perr(&p, "knowledge %s does not load:", dir ? dir :
		    "(built in)");
		buf_printf(&p.errs, "%s", kerr);
	}
	kb_free(kb);
	if (cf->state_dir) {
		p.line = cf->state_dir_line;
		check_state_dir(&p, cf->state_dir);
	}
	snprintf(err, errlen, "%s", buf_str(&p.errs));
	snprintf(warn, warnlen, "%s", buf_str(&p.warns));
	buf_free(&p.errs);
	buf_free(&p.warns);
	return p.nerr;
}

static char *
dupnull(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

const char *
config_summary(const struct config *cf)
{
	static char s[96];

	snprintf(s, sizeof(s), "%d IRC network%s, %d Matrix account%s",
	    cf->nnetworks, cf->nnetworks == 1 ? "" : "s", cf->nmatrix,
	    cf->nmatrix == 1 ? "" : "s");
	return s;
}

void
config_network_copy(struct config_network *dst,
    const struct config_network *src)
{
	int i;

	*dst = *src;
	dst->name = dupnull(src->name);
	for (i = 0; i < src->nservers; i++)
		dst->servers[i].host = dupnull(src->servers[i].host);
	for (i = 0; i < CONFIG_NICKS_MAX; i++)
		dst->nicks[i] = dupnull(src->nicks[i]);
	for (i = 0; i < src->nchannels; i++) {
		dst->channels[i].name = dupnull(src->channels[i].name);
		dst->channels[i].key = dupnull(src->channels[i].key);
	}
	/* highlights are the highlights module's, not the network's */
	memset(dst->highlights, 0, sizeof(dst->highlights));
	dst->nhighlights = 0;
	dst->tls_ca_file = dupnull(src->tls_ca_file);
	dst->tls_cert_file = dupnull(src->tls_cert_file);
	dst->tls_key_file = dupnull(src->tls_key_file);
	dst->user = dupnull(src->user);
	dst->realname = dupnull(src->realname);
	dst->server_password = dupnull(src->server_password);
	dst->sasl_user = dupnull(src->sasl_user);
	dst->sasl_password = dupnull(src->sasl_password);
	dst->nickserv_password = dupnull(src->nickserv_password);
	dst->nickserv_target = dupnull(src->nickserv_target);
}

void
config_network_clear(struct config_network *n)
{
	int j;

	free(n->name);
	for (j = 0; j < n->nservers; j++)
		free(n->servers[j].host);
	for (j = 0; j < CONFIG_NICKS_MAX; j++)
		free(n->nicks[j]);
	for (j = 0; j < n->nchannels; j++) {
		free(n->channels[j].name);
		free(n->channels[j].key);
	}
	free_highlights(n->highlights, n->nhighlights);
	free(n->tls_ca_file);
	free(n->tls_cert_file);
	if (n->sasl_password)
		explicit_bzero(n->sasl_password, strlen(n->sasl_password));
	if (n->server_password)
		explicit_bzero(n->server_password, strlen(n->server_password));
	if (n->nickserv_password)
		explicit_bzero(n->nickserv_password,
		    strlen(n->nickserv_password));
	free(n->tls_key_file);
	free(n->user);
	free(n->realname);
	free(n->server_password);
	free(n->sasl_user);
	free(n->sasl_password);
	free(n->nickserv_password);
	free(n->nickserv_target);
	memset(n, 0, sizeof(*n));
}

void
config_matrix_copy(struct config_matrix *dst, const struct config_matrix *src)
{
	int i;

	*dst = *src;
	dst->name = dupnull(src->name);
	dst->homeserver = dupnull(src->homeserver);
	dst->user_id = dupnull(src->user_id);
	dst->access_token = dupnull(src->access_token);
	dst->password = dupnull(src->password);
	dst->device_name = dupnull(src->device_name);
	dst->tls_ca_file = dupnull(src->tls_ca_file);
	memset(dst->highlights, 0, sizeof(dst->highlights));
	dst->nhighlights = 0;
	for (i = 0; i < src->ninvite_from; i++)
		dst->invite_from[i] = xstrdup(src->invite_from[i]);
	for (i = 0; i < src->nrooms; i++)
		dst->rooms[i] = xstrdup(src->rooms[i]);
}

void
config_matrix_clear(struct config_matrix *m)
{
	free(m->name);
	free(m->homeserver);
	free(m->user_id);
	free(m->access_token);
	free(m->password);
	free(m->device_name);
	free_list(m->invite_from, m->ninvite_from);
	free_list(m->rooms, m->nrooms);
	free(m->tls_ca_file);
	free_highlights(m->highlights, m->nhighlights);
	memset(m, 0, sizeof(*m));
}

void
config_free(struct config *cf)
{
	int i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nnetworks; i++)
		config_network_clear(&cf->networks[i]);
	for (i = 0; i < cf->nmatrix; i++)
		config_matrix_clear(&cf->matrix[i]);
	free_list(cf->owners, cf->nowners);
	free_list(cf->ignore, cf->nignore);
	free(cf->path);
	free(cf->prefix);
	free(cf->nick);
	free(cf->knowledge);
	free(cf->state_dir);
	free(cf->log_level);
	free(cf->highlight_zone);
	free(cf);
}
