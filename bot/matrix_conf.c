/*
 * matrix_conf.c -- the [matrix NAME] sections: the Matrix adapter's keys,
 * their defaults and checks, and the copy the adapter keeps
 * (matrix_conf.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
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
#include "matrix_conf.h"
#include "policy.h"
#include "tz.h"

void
config_matrix_defaults(struct config_matrix *m)
{
	m->tls_verify = 1;
	m->sync_timeout = 30;
	m->max_bytes = 1500;
	m->reconnect_min = 2;
	m->reconnect_max = 300;
	/* Element encrypts every DM and private room: a bot that cannot
	 * read them answers no one there */
	m->encryption = 1;
}

/* ---- identifiers (matrix_id_ok) ------------------------------------ */

/* A room version 12 id: "!" and the create event's reference hash, 43
 * characters of unpadded URL-safe base64 (MSC4291). */
#define MXID_HASH_LEN	43

int
matrix_server_ok(const char *s, size_t n)
{
	char ip6[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	size_t h, i;

	if (n == 0 || n > MXID_LEN_MAX)
		return 0;
	if (s[0] == '[') {		/* [1234:5678::abcd] */
		const char *e = memchr(s, ']', n);

		if (e == NULL || (size_t)(e - s) - 1 >= sizeof(ip6))
			return 0;
		memcpy(ip6, s + 1, (size_t)(e - s) - 1);
		ip6[e - s - 1] = '\0';
		if (inet_pton(AF_INET6, ip6, &a6) != 1)
			return 0;
		h = (size_t)(e - s) + 1;
	} else {			/* a DNS name or IPv4 address */
		for (h = 0; h < n && s[h] != ':'; h++)
			if (!isalnum((unsigned char)s[h]) && s[h] != '-' &&
			    s[h] != '.')
				return 0;
		if (h == 0)
			return 0;
	}
	if (h == n)
		return 1;
	if (s[h] != ':' || n - h - 1 < 1 || n - h - 1 > 5)
		return 0;
	for (i = h + 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A local part's byte: visible ASCII but ':' (which ends it) and ','
 * (which ends a list item); an alias may hold UTF-8 too. */
static int
local_char(unsigned char c, int utf8)
{
	if (c >= 0x80)
		return utf8;
	return c > ' ' && c < 0x7f && c != ':' && c != ',';
}

static int
hash_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_';
}

int
matrix_id_ok(const char *s, int kinds)
{
	size_t n, l;
	int kind;

	if (s == NULL || (n = strlen(s)) < 2 || n > MXID_LEN_MAX)
		return 0;
	switch (s[0]) {
	case '!':	kind = MXID_ROOM; break;
	case '#':	kind = MXID_ALIAS; break;
	case '@':	kind = MXID_USER; break;
	default:	return 0;
	}
	if (!(kinds & kind))
		return 0;
	for (l = 1; l < n && s[l] != ':'; l++)
		if (!local_char((unsigned char)s[l], kind == MXID_ALIAS))
			return 0;
	if (l == 1)
		return 0;		/* no local part */
	if (l == n) {			/* no server: a room version 12 id */
		if (kind != MXID_ROOM || n - 1 != MXID_HASH_LEN)
			return 0;
		for (l = 1; l < n; l++)
			if (!hash_char((unsigned char)s[l]))
				return 0;
		return 1;
	}
	return matrix_server_ok(s + l + 1, n - l - 1);
}

/* ---- the keys ------------------------------------------------------- */

static void
key_homeserver(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_matrix *m = sec;

	(void)k;
	if (strncmp(v, "https://", 8) && strncmp(v, "http://", 7))
		perr(p, "homeserver: \"%s\" is not an http:// or https:// URL",
		    v);
	set_str(&m->homeserver, v);
	/* no trailing slash: paths are appended */
	if (m->homeserver) {
		size_t n = strlen(m->homeserver);

		while (n > 0 && m->homeserver[n - 1] == '/')
			m->homeserver[--n] = '\0';
	}
	/* "https://hs/_matrix/client" would give ".../_matrix/client/
	 * _matrix/client/v3/login": a 404 that looks like a bad password */
	if (m->homeserver && strstr(m->homeserver, "://") &&
	    strchr(strstr(m->homeserver, "://") + 3, '/'))
		perr(p, "homeserver: \"%s\" has a path: give the server's "
		    "base URL (%.*s), the bot adds /_matrix/...", v,
		    (int)(strchr(strstr(m->homeserver, "://") + 3, '/') -
		    m->homeserver), m->homeserver);
}

static void
check_user_id(struct parse *p, void *sec, const char *k, const char *v)
{
	(void)sec;
	(void)k;
	if (!matrix_id_ok(v, MXID_USER))
		perr(p, "user_id: \"%s\" is not a Matrix user id "
		    "(@name:server)", v);
}

/*
 * An invite_from entry as a server: ":name" is one whatever it looks like
 * (a server may be called "matrixhost"); a bare name only when it cannot
 * be a person's, with a dot, a port, an IP literal or "localhost".  The
 * colon is dropped: the invite's sender is compared with the rest.
 */
static int
invite_server(char *e)
{
	if (e[0] == ':') {
		if (!matrix_server_ok(e + 1, strlen(e + 1)))
			return 0;
		memmove(e, e + 1, strlen(e));
		return 1;
	}
	return matrix_server_ok(e, strlen(e)) && (strpbrk(e, ".:[") ||
	    strcasecmp(e, "localhost") == 0);
}

/* Why an invite_from entry never matches, for the person who wrote it. */
static const char *
invite_hint(const char *e)
{
	if (strstr(e, "://"))
		return "a URL, not a server name";
	if (strpbrk(e, "*?"))
		return "no wildcards: a server name takes everyone there";
	if (strpbrk(e, " \t"))
		return "two entries? separate them with commas";
	if (e[0] != '@' && strchr(e, '@'))
		return "an e-mail style address; a Matrix user id is "
		    "@name:server";
	if (e[0] == '@')
		return "not a whole user id";
	return "neither a user id nor a server name";
}

/* A repeated key replaces the list. */
static void
key_invite_from(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_matrix *m = sec;
	int i;

	free_list(m->invite_from, m->ninvite_from);
	m->ninvite_from = split_list(p, k, v, m->invite_from, CONFIG_LIST_MAX);
	for (i = 0; i < m->ninvite_from; i++) {
		char *e = m->invite_from[i];

		/* "@*:hs" is a valid (historical) user id, but not the
		 * wildcard it was meant as: an entry matches exactly */
		if (!strpbrk(e, "*?") && (matrix_id_ok(e, MXID_USER) ||
		    invite_server(e)))
			continue;
		perr(p, "invite_from: \"%s\" never matches (%s): write a user "
		    "id (@alice:example.org) or a server name (example.org, "
		    "or :name for a server without a dot)", e, invite_hint(e));
	}
}

static void
key_rooms(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_matrix *m = sec;
	int i;

	free_list(m->rooms, m->nrooms);
	m->nrooms = split_list(p, k, v, m->rooms, CONFIG_CHANNELS_MAX);
	for (i = 0; i < m->nrooms; i++)
		if (!matrix_id_ok(m->rooms[i], MXID_ROOM | MXID_ALIAS))
			perr(p, "rooms: \"%s\" is not a room id (!id:server, "
			    "or !id alone in version 12 rooms) or alias "
			    "(#name:server)", m->rooms[i]);
}

/* the daily post goes to a room id (an alias is not where a message
 * is sent, nor what a room's questions name) */
static int
room_id(const char *s)
{
	return matrix_id_ok(s, MXID_ROOM);
}

static void
key_highlights(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_matrix *m = sec;

	(void)k;
	free_highlights(m->highlights, m->nhighlights);
	m->nhighlights = parse_highlights(p, v, m->highlights,
	    "room id (!id:server, or !id alone in version 12 rooms)",
	    room_id);
}

#define MX(f)		offsetof(struct config_matrix, f)
#define STR(k, f)	{ k, CONFIG_STR, MX(f), NULL, 0, 0, 0 }
#define BOOL(k, f)	{ k, CONFIG_BOOL, MX(f), NULL, 0, 0, 0 }
#define INT(k, f, lo, hi) { k, CONFIG_INT, MX(f), NULL, lo, hi, 0 }
#define SECRET(k, f)	{ k, CONFIG_SECRET, MX(f), NULL, 0, 0, MX(f##_forms) }
#define FN(k, fn)	{ k, CONFIG_FN, 0, fn, 0, 0, 0 }

/* The keys of a [matrix] section, in config.example's order. */
static const struct config_key matrix_keys[] = {
	FN("homeserver", key_homeserver),
	{ "user_id", CONFIG_STR, MX(user_id), check_user_id, 0, 0, 0 },
	SECRET("access_token", access_token),
	SECRET("access_token_file", access_token),
	SECRET("password", password),
	SECRET("password_file", password),
	STR("device_name", device_name),
	FN("invite_from", key_invite_from),
	FN("rooms", key_rooms),
	FN("highlights", key_highlights),
	STR("tls_ca_file", tls_ca_file),
	BOOL("tls_verify", tls_verify),
	BOOL("allow_insecure_http", allow_insecure_http),
	INT("sync_timeout", sync_timeout, 1, 300),
	INT("max_bytes", max_bytes, 100, 30000),
	INT("reconnect_min", reconnect_min, 1, 3600),
	INT("reconnect_max", reconnect_max, 1, 86400),
	BOOL("encryption", encryption),
	STR("pickle_key_file", pickle_key_file),
	STR("recovery_key_file", recovery_key_file),
	{ NULL, CONFIG_FN, 0, NULL, 0, 0, 0 }
};

static void
matrix_section_key(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_matrix *m = sec;
	char label[CONFIG_SECTION_LEN];

	snprintf(label, sizeof(label), "matrix %s", m->name);
	config_set(p, matrix_keys, m, label, k, v);
}

/* The [matrix NAME] section called name: found, or made. */
static void *
open_matrix(struct parse *p, void *set, const char *name)
{
	struct config_accounts *as = set;
	struct config_matrix *m;
	int i;

	for (i = 0; i < as->n; i++)
		if (!strcmp(as->v[i].name, name))
			return &as->v[i];
	if (as->n == CONFIG_MATRIX_MAX) {
		perr(p, "at most %d Matrix accounts", CONFIG_MATRIX_MAX);
		return NULL;
	}
	m = &as->v[as->n++];
	config_matrix_defaults(m);
	m->name = xstrdup(name);
	return m;
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

int
config_url_cleartext(const char *url)
{
	char host[256];

	if (url == NULL || strncmp(url, "http://", 7))
		return 0;
	url_host(url, host, sizeof(host));
	return !config_host_is_loopback(host);
}

/* http:// to another machine, whether allowed or not. */
static int
matrix_cleartext(const struct config_matrix *m)
{
	return config_url_cleartext(m->homeserver);
}

int
config_matrix_insecure(const struct config_matrix *m)
{
	return m->allow_insecure_http && matrix_cleartext(m);
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
	dst->pickle_key_file = dupnull(src->pickle_key_file);
	dst->recovery_key_file = dupnull(src->recovery_key_file);
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
	free(m->pickle_key_file);
	free(m->recovery_key_file);
	free_highlights(m->highlights, m->nhighlights);
	memset(m, 0, sizeof(*m));
}

/* 1 when an owner may be a Matrix user (a user id, or a mask that could
 * match one): owners may invite the bot too. */
static int
matrix_owners(const struct config *cf)
{
	int i;

	for (i = 0; i < cf->nowners; i++)
		if (cf->owners[i][0] == '@' || cf->owners[i][0] == '*')
			return 1;
	return 0;
}

/* Every [matrix] section, once the file is read. */
static void
matrix_check(struct parse *p, void *set)
{
	struct config_accounts *as = set;
	struct config *cf = p->cf;
	int i;

	for (i = 0; i < as->n; i++) {
		struct config_matrix *m = &as->v[i];

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
		/* invites are declined unless from these or an owner: with
		 * neither, the account can never be brought into a room */
		if (m->ninvite_from == 0 && !matrix_owners(cf))
			pwarn(p, "[matrix %s]: invite_from is empty: nobody can "
			    "invite the bot (it joins only its rooms)", m->name);
		if (m->tls_ca_file && access(m->tls_ca_file, R_OK) == -1)
			perr(p, "[matrix %s]: tls_ca_file: %s: %s", m->name,
			    m->tls_ca_file, strerror(errno));
		if (m->pickle_key_file && access(m->pickle_key_file, R_OK) ==
		    -1)
			perr(p, "[matrix %s]: pickle_key_file: %s: %s",
			    m->name, m->pickle_key_file, strerror(errno));
		if (m->pickle_key_file && !m->encryption)
			pwarn(p, "[matrix %s]: pickle_key_file is set but "
			    "encryption = no: it is not used", m->name);
		if (m->recovery_key_file && !m->encryption)
			pwarn(p, "[matrix %s]: recovery_key_file is set but "
			    "encryption = no: it is not used", m->name);
	}
	for (i = 0; i < as->n; i++) {
		struct config_matrix *m = &as->v[i];

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
}

static void *
matrix_set_new(void)
{
	return xcalloc(1, sizeof(struct config_accounts));
}

static void
matrix_set_free(void *set)
{
	struct config_accounts *as = set;
	int i;

	for (i = 0; i < as->n; i++)
		config_matrix_clear(&as->v[i]);
	free(as);
}

static int
matrix_count(const void *set)
{
	return ((const struct config_accounts *)set)->n;
}

static int
matrix_nhighlights(const void *set)
{
	const struct config_accounts *as = set;
	int i, n = 0;

	for (i = 0; i < as->n; i++)
		n += as->v[i].nhighlights;
	return n;
}

const struct config_accounts *
config_accounts(const struct config *cf)
{
	static const struct config_accounts none;
	const struct config_accounts *as = config_sections(cf, &matrix_config);

	return as ? as : &none;
}

static const struct config_placeholder matrix_placeholders[] = {
	{ "password",		"change-me",			0 },
	{ "access_token",	"change-me",			0 },
	{ "homeserver",		"https://matrix.example.org",	0 },
	{ "user_id",		"@techpay:example.org",		0 },
	{ "invite_from",	"@you:example.org",		0 },
	{ "rooms",		"#techpay:example.org",		0 },
	{ NULL, NULL, 0 }
};

const struct config_kind matrix_config = {
	.section = "matrix",
	.noun = "Matrix account",
	.state_why = "the sync position and login are kept there",
	.placeholders = matrix_placeholders,
	.new = matrix_set_new,
	.open = open_matrix,
	.key = matrix_section_key,
	.check = matrix_check,
	.count = matrix_count,
	.nhighlights = matrix_nhighlights,
	.nick = NULL,	/* the account's user id is not a nick */
	.free = matrix_set_free,
};
