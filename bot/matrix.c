/*
 * matrix.c -- the Matrix adapter; see matrix.h.
 *
 * One struct mx per [matrix] account.  Its control requests run one at a
 * time: discovery (matrix_discover.c) -> (login) -> whoami -> displayname -> sync -> sync ...  A sync's
 * events become answers, joins, leaves and notices, queued per room: a
 * room's requests go out one at a time in order, different rooms' at
 * once (up to MX_SENDS_MAX messages and MX_MEMBER_MAX joins or leaves in
 * flight per account, so 30 joins never stand in front of an answer).
 * The sync loop does not wait for them.
 *
 * The parts (matrix_int.h): this file, the adapter's ops and each
 * account's session and sync loop; matrix_events.c, what a sync's events
 * do; matrix_queue.c, the room queues and the bookkeeping that makes
 * every answer go out exactly once (its opening comment says how).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "highlight.h"
#include "json.h"
#include "log.h"
#include "matrix_int.h"

static void
fatal(struct mx *x, const char *fmt, const char *detail)
{
	log_error("matrix %s: %s (%s); this account stops", x->cf.name, fmt,
	    detail);
	x->phase = PH_DEAD;
	x->m->failed = 1;
	loop_stop(x->m->loop);
}

void
mx_fatal(struct mx *x, const char *what, const char *why)
{
	fatal(x, what, why);
}

/* ---- control: login, whoami, profile, sync -------------------------- */

static long
on_ctl_timer(struct loop *l, void *ctx)
{
	struct mx *x = ctx;

	(void)l;
	x->ctl_timer = 0;
	mx_ctl_next(x);
	return LOOP_NOMORE;
}

/* A failed control request: wait and try the same step again. */
static void
ctl_retry(struct mx *x, const struct http_result *r, const char *step)
{
	char why[256];
	long ms = r->status == 429 ? mx_retry_delay(r, &x->cf, x->ctl_fails) :
	    mx_backoff_ms(&x->cf, x->ctl_fails);

	x->ctl_fails++;
	mx_errcode(r, why, sizeof(why));
	log_warn("matrix %s: %s: %s; retrying in %ld ms", x->cf.name, step,
	    why, ms);
	x->ctl_timer = loop_add_timer(x->m->loop, ms, on_ctl_timer, x);
}

static int
transient(const struct http_result *r)
{
	return r->status == 0 || r->status == 429 || r->status >= 500;
}

/* The token was refused: log in again with the password, or give up. */
static void
token_refused(struct mx *x, const struct http_result *r)
{
	char why[256];

	mx_errcode(r, why, sizeof(why));
	if (x->token_is_config || x->cf.password == NULL) {
		fatal(x, "the access token was refused; set a valid "
		    "access_token", why);
		return;
	}
	log_warn("matrix %s: the saved login was refused (%s); logging in "
	    "again", x->cf.name, why);
	state_del(x->m->st, x->scope, "access_token");
	free(x->token);
	x->token = NULL;
	x->phase = PH_LOGIN;
	mx_ctl_next(x);
}

static void
on_login(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	const cJSON *t, *d;
	cJSON *j;
	char why[256];

	x->ctl = NULL;
	if (transient(r)) {
		ctl_retry(x, r, "login");
		return;
	}
	j = r->status == 200 ? mx_parse_small(r) : NULL;
	if (j == NULL || !cJSON_IsString(t = cJSON_GetObjectItemCaseSensitive(
	    j, "access_token"))) {
		mx_errcode(r, why, sizeof(why));
		cJSON_Delete(j);
		/* only a refusal is about the password: a 404 or 501 is a
		 * URL without this API */
		fatal(x, r->status == 400 || r->status == 401 ||
		    r->status == 403 ? "login failed; check user_id and "
		    "password" : "login failed: the homeserver URL does not "
		    "serve the login API; check homeserver", why);
		return;
	}
	x->token = xstrdup(t->valuestring);
	/* kept so that restarts reuse the device and its transaction ids;
	 * a login that cannot be kept would mean a new device (and new
	 * transaction ids: answers twice) at every start, so it stops */
	if (state_set(x->m->st, x->scope, "access_token", x->token) == -1 ||
	    (cJSON_IsString(d = cJSON_GetObjectItemCaseSensitive(j,
	    "device_id")) && state_set(x->m->st, x->scope, "device_id",
	    d->valuestring) == -1)) {
		cJSON_Delete(j);
		fatal(x, "the login could not be saved in the state store",
		    "see the error above");
		return;
	}
	cJSON_Delete(j);
	log_info("matrix %s: logged in as %s", x->cf.name, x->cf.user_id);
	mx_out_kick(x);	/* what waited for a token while we logged in */
	x->ctl_fails = 0;
	x->phase = PH_WHOAMI;
	mx_ctl_next(x);
}

/*
 * encryption = yes: the device's Olm machine, opened once the device id
 * is known (whoami).  A store it cannot read, or one of another device,
 * stops the account with what to do: a new identity is never made
 * behind the operator's back.
 */
static int
e2ee_start(struct mx *x)
{
	uint8_t key[VZ_PICKLE_KEY_LEN];
	char err[MXC_ERR_MAX];
	struct mxc *c;
	int made;

	if (x->e2ee) {		/* a new login: the same device */
		mxe_set_token(x->e2ee, x->token);
		return 0;
	}
	if (!x->cf.encryption)
		return 0;
	if (x->m->st == NULL || x->m->state_dir == NULL) {
		fatal(x, "encryption = yes needs state_dir", "the device's "
		    "keys are kept in the state store");
		return -1;
	}
	if (x->device_id == NULL) {
		fatal(x, "encryption = yes, but the homeserver gave no device "
		    "id for this access token", "log in with the password, "
		    "or give the token of a device");
		return -1;
	}
	if (mxc_pickle_key(x->cf.pickle_key_file, x->m->state_dir, key, err,
	    sizeof(err)) == -1) {
		fatal(x, "encryption: no pickle key", err);
		return -1;
	}
	c = mxc_open(x->m->st, x->scope, x->self, x->device_id, key, &made,
	    err, sizeof(err));
	explicit_bzero(key, sizeof(key));
	if (c == NULL) {
		fatal(x, "encryption: the state store", err);
		return -1;
	}
	log_info("matrix %s: end-to-end encryption on, device %s (%s)%s",
	    x->cf.name, x->device_id, mxc_ed25519(c),
	    made ? "; its keys made now" : "");
	x->e2ee = mxe_new(x->http, x->cf.homeserver, x->cf.name, c,
	    &mx_e2ee_ops, x);
	mxe_set_token(x->e2ee, x->token);
	mxe_set_auth(x->e2ee, x->cf.password, x->cf.recovery_key_file);
	mxe_upload(x->e2ee);
	return 0;
}

static void
on_whoami(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	const cJSON *u;
	cJSON *j;
	char why[256];

	x->ctl = NULL;
	if (r->status == 401) {
		token_refused(x, r);
		return;
	}
	if (transient(r)) {
		ctl_retry(x, r, "whoami");
		return;
	}
	j = r->status == 200 ? mx_parse_small(r) : NULL;
	if (j == NULL || !cJSON_IsString(u = cJSON_GetObjectItemCaseSensitive(
	    j, "user_id"))) {
		mx_errcode(r, why, sizeof(why));
		cJSON_Delete(j);
		fatal(x, "whoami failed", why);
		return;
	}
	if (strcmp(u->valuestring, x->cf.user_id) != 0) {
		fatal(x, "the access token belongs to another user; check "
		    "user_id", u->valuestring);
		cJSON_Delete(j);
		return;
	}
	free(x->device_id);
	x->device_id = cJSON_IsString(u = cJSON_GetObjectItemCaseSensitive(j,
	    "device_id")) ? xstrdup(u->valuestring) : NULL;
	cJSON_Delete(j);
	free(x->self);
	x->self = xstrdup(x->cf.user_id);
	if (e2ee_start(x) == -1)
		return;
	x->ctl_fails = 0;
	x->phase = PH_PROFILE;
	mx_ctl_next(x);
}

/* The rooms = list, joined once a run (joining a room the bot is in
 * already is harmless); in their room queues, beside the sync. */
static void
join_configured(struct mx *x)
{
	struct buf path = {0}, what = {0};
	int i;

	if (x->rooms_joined)
		return;
	x->rooms_joined = 1;
	for (i = 0; i < x->cf.nrooms; i++) {
		log_info("matrix %s: joining %s (rooms)", x->cf.name,
		    x->cf.rooms[i]);
		buf_puts(&path, API "/join/");
		http_escape(&path, x->cf.rooms[i]);
		buf_reset(&what);
		buf_printf(&what, "join %s", x->cf.rooms[i]);
		mx_out_push(x, "POST", &path, xstrdup("{}"), buf_str(&what));
	}
	buf_free(&what);
}

static void
on_profile(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	const cJSON *d;
	cJSON *j;

	x->ctl = NULL;
	if (transient(r)) {
		ctl_retry(x, r, "displayname");
		return;
	}
	free(x->display);
	x->display = NULL;
	if (r->status == 200 && (j = mx_parse_small(r)) != NULL) {
		if (cJSON_IsString(d = cJSON_GetObjectItemCaseSensitive(j,
		    "displayname")) && *d->valuestring)
			x->display = xstrdup(d->valuestring);
		cJSON_Delete(j);
	}
	/* after a new login the position in memory (maybe ahead of the
	 * committed one) stays */
	if (x->since == NULL)
		x->since = state_get(x->m->st, x->scope, "next_batch");
	x->first_sync = x->since == NULL;
	log_info("matrix %s: signed in as %s (%s)%s", x->cf.name, x->self,
	    x->display ? x->display : x->localpart,
	    x->first_sync ? "; first start, history skipped" : "");
	x->ctl_fails = 0;
	x->phase = PH_SYNC;
	join_configured(x);
	mx_ctl_next(x);
}

/*
 * The timeline limits of the sync filter: the normal one, then the ones
 * asked for after an answer too big to take.  Asking again for the same
 * answer would fail the same way forever (the position does not move);
 * a smaller one skips the older events of the busiest rooms but gets
 * the account going again.
 */
static const int sync_limits[] = {
	MX_TIMELINE_LIMIT, MX_TIMELINE_SMALL, MX_TIMELINE_TINY
};
#define NSYNC_LIMITS	(int)(sizeof(sync_limits) / sizeof(sync_limits[0]))

/* The last sync answer was too big: ask for a smaller one next, logged
 * once per step, not at every retry. */
static void
sync_shrink(struct mx *x)
{
	if (x->shrink + 1 >= NSYNC_LIMITS)
		return;		/* the smallest already: only retry */
	x->shrink++;
	log_warn("matrix %s: the sync answer is too big to take; asking for "
	    "at most %d events per room until one passes (older events of "
	    "busy rooms are skipped)", x->cf.name, sync_limits[x->shrink]);
}

static void
on_sync(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	struct batch *b;
	char err[128], *next;
	int big, answered;

	x->ctl = NULL;
	if (r->status == 401) {
		token_refused(x, r);
		return;
	}
	if (r->status != 200) {
		if (r->too_big)
			sync_shrink(x);
		ctl_retry(x, r, "sync");
		return;
	}
	/* what the events queue belongs to this batch (see out_push) */
	if (x->open == NULL)
		x->open = xcalloc(1, sizeof(*x->open));
	b = x->open;
	next = mxsync_parse(r->body, r->len, x->self, &mx_sync_cb, x, &big, err,
	    sizeof(err));
	x->open = NULL;
	if (next == NULL) {
		/* refused before any callback: the batch is empty (nothing
		 * points to it) */
		mx_batch_free(b);
		log_warn("matrix %s: %s", x->cf.name, err);
		if (big)
			sync_shrink(x);
		ctl_retry(x, r, "sync");
		return;
	}
	if (x->shrink) {
		log_info("matrix %s: a sync passed with at most %d events per "
		    "room; back to %d", x->cf.name, sync_limits[x->shrink],
		    sync_limits[0]);
		x->shrink = 0;
	}
	x->ctl_fails = 0;
	x->first_sync = 0;
	x->catching_up = 0;
	free(x->since);
	x->since = xstrdup(next);
	b->next_batch = next;
	answered = b->nout > 0;
	mx_batch_close(x, b);
	/* late events whose key came, handled ones forgotten */
	if (x->e2ee)
		mxe_after_sync(x->e2ee, time(NULL));
	/*
	 * The next sync does not wait for this batch's answers, but for a
	 * moment it does: a sync request that reaches the homeserver with
	 * the answer makes the server compute it while it takes the answer
	 * (Synapse does both on one thread), and the answer is seen later.
	 * So after a sync that asked something of the server, the next one
	 * starts when those requests are answered (on_out_done calls
	 * here), or after MX_SYNC_HOLD_MS, whichever comes first: a slow
	 * room holds the others back by that much at most.
	 */
	if (answered && !x->stopping && x->ctl_timer == 0) {
		x->sync_held = 1;
		x->ctl_timer = loop_add_timer(x->m->loop, MX_SYNC_HOLD_MS,
		    on_ctl_timer, x);
	}
	if (!x->stopping)
		mx_ctl_next(x);
}

static int
in_flight(const struct mx *x)
{
	int i, n = 0;

	for (i = 0; i < NLANES; i++)
		n += x->inflight[i];
	return n;
}

void
mx_ctl_next(struct mx *x)
{
	struct buf u = {0}, p = {0}, f = {0};
	cJSON *c, *id;
	char *body;
	long timeout;

	if (x->sync_held && x->ctl_timer && in_flight(x) == 0) {
		/* the answers the hold waited for are done (on_sync); one
		 * waiting to be retried does not hold the sync */
		loop_del_timer(x->m->loop, x->ctl_timer);
		x->ctl_timer = 0;
	}
	if (x->ctl_timer == 0)
		x->sync_held = 0;
	if (x->ctl || x->ctl_timer || x->stopping)
		return;
	switch (x->phase) {
	case PH_LOGIN:
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "type", "m.login.password");
		id = cJSON_AddObjectToObject(c, "identifier");
		cJSON_AddStringToObject(id, "type", "m.id.user");
		cJSON_AddStringToObject(id, "user", x->cf.user_id);
		cJSON_AddStringToObject(c, "password", x->cf.password);
		if ((body = state_get(x->m->st, x->scope, "device_id")) != NULL) {
			cJSON_AddStringToObject(c, "device_id", body);
			free(body);
		}
		cJSON_AddStringToObject(c, "initial_device_display_name",
		    x->cf.device_name);
		body = cJSON_PrintUnformatted(c);
		cJSON_Delete(c);
		mx_url(x, &u, API "/login");
		x->ctl = http_request(x->http, "POST", buf_str(&u), NULL, body,
		    MX_REQ_TIMEOUT_MS, on_login, x);
		/* the password is in this body only; wipe our copy */
		explicit_bzero(body, strlen(body));
		free(body);
		break;
	case PH_WHOAMI:
		mx_url(x, &u, API "/account/whoami");
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, MX_REQ_TIMEOUT_MS, on_whoami, x);
		break;
	case PH_PROFILE:
		buf_puts(&p, API "/profile/");
		http_escape(&p, x->cf.user_id);
		buf_puts(&p, "/displayname");
		mx_url(x, &u, buf_str(&p));
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, MX_REQ_TIMEOUT_MS, on_profile, x);
		break;
	case PH_SYNC:
		if (x->nout >= MX_OUT_MAX)
			break;	/* on_out_done syncs when there is room */
		mxsync_filter(&f, sync_limits[x->shrink]);
		/*
		 * The first sync of a run does not wait: it takes the position
		 * or catches up at once.  It also differs from the long-poll
		 * of a run that was killed, which Synapse may still hold in
		 * its response cache with events since redacted.
		 */
		timeout = x->catching_up ? 0 : x->cf.sync_timeout * 1000L;
		buf_printf(&p, API "/sync?timeout=%ld&filter=", timeout);
		http_escape(&p, buf_str(&f));
		if (x->since) {
			buf_puts(&p, "&since=");
			http_escape(&p, x->since);
		}
		mx_url(x, &u, buf_str(&p));
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, timeout + MX_SYNC_SLACK_MS, on_sync, x);
		break;
	case PH_DISCOVER:
		mx_discover_next(x);
		break;
	case PH_DEAD:
		break;
	}
	buf_free(&u);
	buf_free(&p);
	buf_free(&f);
}

/* ---- the adapter ---------------------------------------------------- */

/* ops->act: an owner's join or part, by the account that was asked. */
static int
matrix_act(struct adapter *ad, const struct message *msg, enum action what,
    const char *arg, char *err, size_t errlen)
{
	struct matrix *m = ad->priv;
	struct buf path = {0}, whatb = {0};
	struct mx *x = NULL;
	int i;

	if (what == ACT_JOIN && !matrix_id_ok(arg, MXID_ROOM | MXID_ALIAS)) {
		snprintf(err, errlen, "not a room id (!id:server, or "
		    "!id alone in version 12 rooms) or alias (#name:server)");
		return -1;
	}
	if (what == ACT_PART && !matrix_id_ok(arg, MXID_ROOM | MXID_ALIAS)) {
		snprintf(err, errlen, "not a room id (!id:server, or "
		    "!id alone in version 12 rooms) or alias (#name:server)");
		return -1;
	}
	for (i = 0; i < m->naccts; i++)
		if (msg->network && strcmp(m->accts[i].scope, msg->network) == 0)
			x = &m->accts[i];
	if (x == NULL)
		return 0;
	if (what == ACT_JOIN) {
		buf_puts(&path, API "/join/");
		http_escape(&path, arg);
		buf_printf(&whatb, "join %s", arg);
		mx_out_push(x, "POST", &path, xstrdup("{}"), buf_str(&whatb));
	} else if (what == ACT_PART) {
		/* after the answer ("Leaving ..."), which on_message queues
		 * next: a leave first would make the answer a 403 */
		free(x->part_after);
		x->part_after = xstrdup(arg);
	}
	buf_free(&path);
	buf_free(&whatb);
	return 0;
}

/* The alias looked up (GET /directory/room): the room it names is
 * left, or why not is logged. */
static void
on_alias(struct mx *x, const struct http_result *r)
{
	cJSON *j = r ? mx_parse_small(r) : NULL;
	const char *room = j ? json_str(j, "room_id") : NULL;
	char why[256];

	if (r && r->status >= 200 && r->status < 300 && room &&
	    matrix_id_ok(room, MXID_ROOM))
		mx_leave(x, room);
	else if (r) {
		mx_errcode(r, why, sizeof(why));
		log_warn("matrix %s: not leaving: the alias names no room "
		    "(%s)", x->cf.name, why);
	}
	cJSON_Delete(j);
}

void
mx_leave(struct mx *x, const char *room)
{
	struct buf path = {0}, what = {0};

	if (room[0] == '#') {
		buf_puts(&path, API "/directory/room/");
		http_escape(&path, room);
		buf_printf(&what, "look up %s to leave it", room);
		x->cur_done = on_alias;
		mx_out_push(x, "GET", &path, NULL, buf_str(&what));
		x->cur_done = NULL;
	} else {
		buf_puts(&path, API "/rooms/");
		http_escape(&path, room);
		buf_puts(&path, "/leave");
		buf_printf(&what, "leave %s", room);
		mx_out_push(x, "POST", &path, xstrdup("{}"), buf_str(&what));
	}
	buf_free(&what);
}

/* Logs in (or checks the token) and starts syncing. */
static void
mx_start(struct mx *x)
{
	struct http_opts ho;

	ho.ca_file = x->cf.tls_ca_file;
	ho.verify = x->cf.tls_verify;
	if (!x->cf.tls_verify)
		log_warn("matrix %s: tls_verify = no: the homeserver's "
		    "certificate is NOT checked", x->cf.name);
	if (config_matrix_insecure(&x->cf))
		log_warn("matrix %s: allow_insecure_http: the password and "
		    "access token go to %s in clear", x->cf.name,
		    x->cf.homeserver);
	x->http = http_new(x->m->loop, &ho);
	if (x->cf.access_token) {
		x->token = xstrdup(x->cf.access_token);
		x->token_is_config = 1;
	} else
		x->token = state_get(x->m->st, x->scope, "access_token");
	x->disc_then = x->token ? PH_WHOAMI : PH_LOGIN;
	x->phase = PH_DISCOVER;
	x->catching_up = 1;
	mx_ctl_next(x);
}

static int
matrix_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct matrix *m = ad->priv;
	int i;

	(void)err;
	(void)errlen;
	m->loop = l;
	for (i = 0; i < m->naccts; i++)
		mx_start(&m->accts[i]);
	return 0;
}

/* No more syncs; what is queued still goes out. */
static void
mx_stop(struct mx *x)
{
	x->stopping = 1;
	if (x->ctl)
		http_cancel(x->http, x->ctl);
	x->ctl = NULL;
	if (x->ctl_timer)
		loop_del_timer(x->m->loop, x->ctl_timer);
	x->ctl_timer = 0;
}

static void
matrix_stop(struct adapter *ad)
{
	struct matrix *m = ad->priv;
	int i;

	for (i = 0; i < m->naccts; i++)
		mx_stop(&m->accts[i]);
}

static void
matrix_free(struct adapter *ad)
{
	struct matrix *m = ad->priv;
	int i;

	for (i = 0; i < m->naccts; i++) {
		struct mx *x = &m->accts[i];

		if (x->ctl_timer)
			loop_del_timer(m->loop, x->ctl_timer);
		/* what is still queued is lost here, and so was never
		 * marked handled nor its batch committed: the next start
		 * answers it */
		mxe_free(x->e2ee);	/* cancels its requests: before http */
		x->e2ee = NULL;
		free(x->device_id);
		http_free(x->http);
		mx_queue_free(x);
		if (x->token)
			explicit_bzero(x->token, strlen(x->token));
		free(x->token);
		free(x->self);
		free(x->display);
		free(x->part_after);
		free(x->localpart);
		free(x->since);
		free(x->disc_base);
		buf_free(&x->disc_why);
		config_matrix_clear(&x->cf);
	}
	answer_free(&m->ans);
	free(m->state_dir);
	free(m);
}

static int
matrix_pending(struct adapter *ad)
{
	struct matrix *m = ad->priv;
	int i, n = 0;

	for (i = 0; i < m->naccts; i++)
		if (m->accts[i].phase != PH_DEAD)
			n += m->accts[i].nout;
	return n;
}

static int
matrix_failed(struct adapter *ad)
{
	return ((struct matrix *)ad->priv)->failed;
}

/* An account of the config, copied: the config may go on a reload. */
static struct mx *
mx_add(struct matrix *m, const struct config_matrix *c)
{
	struct mx *x;
	const char *colon;

	if (m->naccts == CONFIG_MATRIX_MAX)
		return NULL;
	x = &m->accts[m->naccts++];
	x->m = m;
	config_matrix_copy(&x->cf, c);
	snprintf(x->scope, sizeof(x->scope), "matrix:%s", x->cf.name);
	colon = strchr(x->cf.user_id, ':');
	x->localpart = xstrndup(x->cf.user_id + 1,
	    (size_t)(colon - x->cf.user_id - 1));
	return x;
}

/* The account called name, not removed by a reload; or NULL. */
static struct mx *
mx_named(struct matrix *m, const char *name)
{
	int i;

	for (i = 0; i < m->naccts; i++)
		if (!m->accts[i].gone && strcmp(m->accts[i].cf.name, name) == 0)
			return &m->accts[i];
	return NULL;
}

/* The invite list and the limits change at once; the account itself
 * (server, user, login) needs a restart. */
static void
mx_update(struct mx *x, const struct config_matrix *cm)
{
	struct config_matrix c;
	int k;

	config_matrix_copy(&c, cm);
	for (k = 0; k < x->cf.ninvite_from; k++)
		free(x->cf.invite_from[k]);
	memcpy(x->cf.invite_from, c.invite_from, sizeof(c.invite_from));
	x->cf.ninvite_from = c.ninvite_from;
	c.ninvite_from = 0;
	x->cf.max_bytes = c.max_bytes;
	x->cf.reconnect_min = c.reconnect_min;
	x->cf.reconnect_max = c.reconnect_max;
	config_matrix_clear(&c);
}

/*
 * Accounts gone from the config stop syncing (what they queued still
 * goes out); new ones log in and sync, in a slot of their own (a removed
 * account keeps its slot until the exit).
 */
static void
matrix_reconfigure(struct adapter *ad, const struct config *cf)
{
	const struct config_accounts *as = config_accounts(cf);
	struct matrix *m = ad->priv;
	struct mx *x;
	int i, j;

	for (i = 0; i < m->naccts; i++) {
		x = &m->accts[i];
		if (x->gone)
			continue;
		for (j = 0; j < as->n; j++)
			if (strcmp(x->cf.name, as->v[j].name) == 0)
				break;
		if (j < as->n)
			continue;
		log_info("matrix %s: removed from the config: stopping",
		    x->cf.name);
		x->gone = 1;
		mx_stop(x);
	}
	for (j = 0; j < as->n; j++) {
		if ((x = mx_named(m, as->v[j].name)) != NULL) {
			mx_update(x, &as->v[j]);
			continue;
		}
		if ((x = mx_add(m, &as->v[j])) == NULL) {
			log_warn("matrix %s: not added: at most %d accounts",
			    as->v[j].name, CONFIG_MATRIX_MAX);
			continue;
		}
		log_info("matrix %s: added to the config: connecting",
		    x->cf.name);
		if (m->loop)
			mx_start(x);
	}
}

static struct adapter *
matrix_new(struct bot *bot, const struct config *cf, struct state *st)
{
	const struct config_accounts *as = config_accounts(cf);
	struct matrix *m;
	int i;

	if (as->n == 0)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->ad.ops = &matrix_ops;
	m->ad.bot = bot;
	m->ad.priv = m;
	m->st = st;
	m->state_dir = cf->state_dir ? xstrdup(cf->state_dir) : NULL;
	answer_init(&m->ans);
	for (i = 0; i < as->n; i++)
		mx_add(m, &as->v[i]);
	return &m->ad;
}

static int
matrix_has(struct adapter *ad, const char *network)
{
	struct matrix *m = ad->priv;
	int i;

	for (i = 0; i < m->naccts; i++)
		if (!m->accts[i].gone &&
		    strcmp(m->accts[i].scope, network) == 0)
			return 1;
	return 0;
}

/* A daily highlight: an m.notice with HTML, its txnId made from id. */
static int
matrix_post(struct adapter *ad, const char *network, const char *target,
    const char *id, const struct answer *a)
{
	struct matrix *m = ad->priv;
	struct buf path = {0}, what = {0};
	struct mx *x = NULL;
	char txn[33];
	cJSON *c;
	int i;

	for (i = 0; i < m->naccts; i++)
		if (strcmp(m->accts[i].scope, network) == 0)
			x = &m->accts[i];
	if (x == NULL || x->phase != PH_SYNC || x->stopping || x->self == NULL)
		return -1;
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	cJSON_AddStringToObject(c, "body", buf_str(&a->text));
	cJSON_AddStringToObject(c, "format", "org.matrix.custom.html");
	cJSON_AddStringToObject(c, "formatted_body", buf_str(&a->html));
	matrix_txn_id(id, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, target);
	buf_printf(&path, "/send/m.room.message/%s", txn);
	buf_printf(&what, "highlight %s", id);
	mx_out_push(x, "PUT", &path, cJSON_PrintUnformatted(c), buf_str(&what));
	cJSON_Delete(c);
	buf_free(&what);
	return 0;
}

static void
matrix_highlights(struct adapter *ad, const struct config *cf,
    struct highlights *hl)
{
	const struct config_accounts *as = config_accounts(cf);
	char net[96];
	int i;

	(void)ad;
	for (i = 0; i < as->n; i++) {
		snprintf(net, sizeof(net), "matrix:%s", as->v[i].name);
		hl_add_all(hl, net, as->v[i].highlights, as->v[i].nhighlights);
	}
}

static size_t
matrix_line_max(struct adapter *ad, const char *network, const char *target)
{
	struct matrix *m = ad->priv;
	int i;

	(void)target;
	for (i = 0; i < m->naccts; i++)
		if (!m->accts[i].gone &&
		    strcmp(m->accts[i].scope, network) == 0)
			return (size_t)m->accts[i].cf.max_bytes;
	return ANSWER_LINE_MAX;
}

const struct adapter_ops matrix_ops = {
	.name = "matrix",
	.conf = &matrix_config,
	.new = matrix_new,
	.reconfigure = matrix_reconfigure,
	.start = matrix_start,
	.stop = matrix_stop,
	.free = matrix_free,
	.pending = matrix_pending,
	.failed = matrix_failed,
	.post = matrix_post,
	.highlights = matrix_highlights,
	.act = matrix_act,
	.line_max = matrix_line_max,
	.has = matrix_has,
};

