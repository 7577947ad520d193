/*
 * matrix_discover.c -- where an account's client API is, before the
 * first login or whoami (matrix_int.h, phase PH_DISCOVER).
 *
 * People give the server name, as Element asks for it
 * (https://example.org), and that host often serves only a web site.
 * So: GET homeserver/_matrix/client/versions; when that is no client
 * API (a 404, a 501, a page that is not JSON), follow
 * /.well-known/matrix/client, first the homeserver's, then the user_id
 * server's (https://SERVER), check the base URL it names the same way,
 * and use it for the rest of the run, logged.  When none is found the
 * account stops, saying which URL answered what: a 404 is never blamed
 * on the password, a 501 never retried.  Network errors, 429 and the
 * other 5xx of a client API check are retried with the usual backoff
 * (the server may be starting).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "matrix_int.h"

/* The steps, in order; each failed one goes on to the next. */
enum {
	D_VERSIONS,	/* homeserver/_matrix/client/versions */
	D_WELL_HS,	/* homeserver/.well-known/matrix/client */
	D_WELL_USER,	/* https://SERVER/.well-known/matrix/client */
	D_CHECK,	/* the named base URL's versions */
	D_FAILED
};

static void
stop(struct mx *x, const char *why)
{
	log_error("matrix %s: %s; this account stops", x->cf.name, why);
	x->phase = PH_DEAD;
	x->m->failed = 1;
	loop_stop(x->m->loop);
}

static long
on_retry(struct loop *l, void *ctx)
{
	struct mx *x = ctx;

	(void)l;
	x->ctl_timer = 0;
	mx_ctl_next(x);
	return LOOP_NOMORE;
}

/* A client API answers /versions with {"versions": [...]}. */
static int
is_client_api(const struct http_result *r)
{
	cJSON *j = r->status == 200 ? mx_parse_small(r) : NULL;
	int ok = j && cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(j,
	    "versions"));

	cJSON_Delete(j);
	return ok;
}

/* What a URL answered, for the log: "404", "not JSON", libcurl's error. */
static void
answered(const struct http_result *r, char *out, size_t n)
{
	if (r->status == 0)
		snprintf(out, n, "%s", r->error ? r->error : "no answer");
	else if (r->status == 200)
		snprintf(out, n, "200 but no Matrix client API");
	else
		snprintf(out, n, "HTTP %ld", r->status);
}

/* The base URL a well-known document names, without trailing slashes;
 * NULL when it names none. */
static char *
well_known_base(const struct http_result *r)
{
	cJSON *j = r->status == 200 ? mx_parse_small(r) : NULL;
	const char *u = json_str(json_obj(j, "m.homeserver"), "base_url");
	char *base = NULL;
	size_t n;

	if (u && (strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "http://", 7) == 0)) {
		base = xstrdup(u);
		n = strlen(base);
		while (n > 0 && base[n - 1] == '/')
			base[--n] = '\0';
	}
	cJSON_Delete(j);
	return base;
}

static void	on_step(const struct http_result *, void *);

/* This step's request, or the failure once none is left. */
void
mx_discover_next(struct mx *x)
{
	struct buf u = {0};
	const char *server;

	switch (x->disc_step) {
	case D_VERSIONS:
		buf_printf(&u, "%s/_matrix/client/versions", x->cf.homeserver);
		break;
	case D_WELL_HS:
		buf_printf(&u, "%s/.well-known/matrix/client",
		    x->cf.homeserver);
		break;
	case D_WELL_USER:
		/* the user id's server name, without its port (the spec's
		 * client discovery asks https://hostname) */
		server = strchr(x->cf.user_id, ':') + 1;
		buf_puts(&u, "https://");
		if (server[0] == '[')
			buf_printf(&u, "%.*s", (int)(strchr(server, ']') -
			    server + 1), server);
		else
			buf_printf(&u, "%.*s", (int)strcspn(server, ":"),
			    server);
		buf_puts(&u, "/.well-known/matrix/client");
		break;
	case D_CHECK:
		buf_printf(&u, "%s/_matrix/client/versions", x->disc_base);
		break;
	default:
		stop(x, buf_str(&x->disc_why));
		return;
	}
	x->ctl = http_request(x->http, "GET", buf_str(&u), NULL, NULL,
	    MX_REQ_TIMEOUT_MS, on_step, x);
	buf_free(&u);
}

static int
transient(const struct http_result *r)
{
	return r->status == 0 || r->status == 429 ||
	    (r->status >= 500 && r->status != 501);
}

static void
found(struct mx *x, const char *base)
{
	if (strcmp(base, x->cf.homeserver) != 0) {
		log_info("matrix %s: %s; using it as the client API",
		    x->cf.name, buf_str(&x->disc_why));
		free(x->cf.homeserver);
		x->cf.homeserver = xstrdup(base);
	}
	x->ctl_fails = 0;
	x->phase = x->disc_then;
	mx_ctl_next(x);
}

/* A named base URL, unless it would carry the password in clear where
 * the homeserver given would not. */
static void
try_base(struct mx *x, char *base, const char *from)
{
	free(x->disc_base);
	x->disc_base = base;
	buf_printf(&x->disc_why, "; %s names %s", from, base);
	if (config_url_cleartext(base) && !x->cf.allow_insecure_http) {
		buf_puts(&x->disc_why, ", http:// to another machine: the "
		    "password and access token would cross the network in "
		    "clear; set homeserver to an https:// URL");
		x->disc_step = D_FAILED;
		return;
	}
	x->disc_step = D_CHECK;
}

static void
on_step(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	char what[160], *base;

	x->ctl = NULL;
	answered(r, what, sizeof(what));
	switch (x->disc_step) {
	case D_VERSIONS:
	case D_CHECK:
		if (is_client_api(r)) {
			found(x, x->disc_step == D_CHECK ? x->disc_base :
			    x->cf.homeserver);
			return;
		}
		if (transient(r)) {
			long ms = mx_backoff_ms(&x->cf, x->ctl_fails++);

			log_warn("matrix %s: %s/_matrix/client/versions: %s; "
			    "retrying in %ld ms", x->cf.name,
			    x->disc_step == D_CHECK ? x->disc_base :
			    x->cf.homeserver, what, ms);
			x->ctl_timer = loop_add_timer(x->m->loop, ms, on_retry,
			    x);
			return;
		}
		if (x->disc_step == D_CHECK) {
			buf_printf(&x->disc_why, ", which serves no Matrix "
			    "client API either (%s); set homeserver to the "
			    "client API's base URL", what);
			x->disc_step = D_FAILED;
			break;
		}
		buf_reset(&x->disc_why);
		buf_printf(&x->disc_why, "%s serves no Matrix client API "
		    "(/_matrix/client/versions: %s)", x->cf.homeserver, what);
		x->disc_step = D_WELL_HS;
		break;
	case D_WELL_HS:
	case D_WELL_USER:
		if ((base = well_known_base(r)) != NULL) {
			try_base(x, base, x->disc_step == D_WELL_HS ?
			    "its /.well-known/matrix/client" : "the user_id "
			    "server's /.well-known/matrix/client");
			break;
		}
		if (x->disc_step == D_WELL_HS) {
			x->disc_step = D_WELL_USER;
			break;
		}
		buf_printf(&x->disc_why, ", and no /.well-known/matrix/client "
		    "names one (the user_id server's: %s); set homeserver to "
		    "the client API's base URL", what);
		x->disc_step = D_FAILED;
		break;
	}
	mx_ctl_next(x);
}
