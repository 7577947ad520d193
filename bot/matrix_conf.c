/*
 * matrix_conf.c -- the [matrix NAME] sections: the Matrix adapter's keys,
 * their defaults and checks, and the copy the adapter keeps (config.h).
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

static const char *const matrix_keys[] = {
	"homeserver", "user_id", "access_token", "access_token_file",
	"password", "password_file", "device_name", "invite_from", "rooms",
	"highlights", "tls_ca_file", "tls_verify", "allow_insecure_http",
	"sync_timeout", "max_bytes", "reconnect_min", "reconnect_max", NULL
};

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
	char sec[CONFIG_SECTION_LEN];

	snprintf(sec, sizeof(sec), "matrix %s", m->name);
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
	} else if (!strcmp(k, "access_token") ||
	    !strcmp(k, "access_token_file"))
		set_secret(p, sec, k, v, &m->access_token,
		    &m->access_token_forms);
	else if (!strcmp(k, "password") || !strcmp(k, "password_file"))
		set_secret(p, sec, k, v, &m->password, &m->password_forms);
	else if (!strcmp(k, "device_name"))
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
	else
		unknown_key(p, matrix_keys, k, sec);
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
matrix_section_key(struct parse *p, void *sec, const char *k, const char *v)
{
	matrix_key(p, sec, k, v);
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

/* Every [matrix] section, once the file is read. */
static void
matrix_check(struct parse *p)
{
	struct config *cf = p->cf;
	int i;

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
}

const struct section_kind matrix_section = {
	"matrix", open_matrix, matrix_section_key, matrix_check
};
