/*
 * matrix.c -- the Matrix adapter; see matrix.h.
 *
 * One struct mx per [matrix] account.  Its control requests run one at a
 * time: (login) -> whoami -> displayname -> sync -> sync ...  A sync's
 * events become answers, joins and notices in the account's out queue,
 * sent one at a time in order.  The next sync starts only when the queue
 * is empty; then the batch's next_batch and answered event ids are
 * committed together.  429s wait for the server's delay, transport errors
 * and 5xx back off exponentially with jitter; nothing queued is dropped
 * while waiting.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "highlight.h"
#include "http.h"
#include "log.h"
#include "matrix.h"
#include "mxsync.h"
#include "policy.h"

#define API	"/_matrix/client/v3"
#define ENCRYPTED_NOTICE "I can't read encrypted messages yet, so I can't " \
	"answer questions in this room. Ask me in a room without encryption."

struct matrix;

enum phase { PH_LOGIN, PH_WHOAMI, PH_PROFILE, PH_SYNC, PH_DEAD };

/* One request waiting in the out queue. */
struct out {
	char		*method;
	char		*path;		/* after the homeserver URL */
	char		*body;
	char		*what;		/* for the log */
	struct out	*next;
};

/* A key/value to commit with the batch. */
struct pending_kv {
	char			*key;
	char			*value;
	struct pending_kv	*next;
};

struct mx {
	struct matrix		*m;
	struct config_matrix	 cf;		/* our copy */
	char			 scope[80];	/* "matrix:NAME": store, highlights */
	struct http		*http;
	char			*token;
	int			 token_is_config;
	char			*self;		/* our user id, from whoami */
	char			*display;	/* our display name */
	char			*localpart;
	char			*since;		/* the committed next_batch */
	int			 first_sync;	/* no position saved yet */
	int			 catching_up;	/* first sync of this run */
	enum phase		 phase;
	struct http_req		*ctl;		/* the control request */
	long			 ctl_timer;
	int			 ctl_fails;
	struct out		*outq, **outtail;
	int			 nout;
	struct http_req		*outreq;
	long			 out_timer;
	int			 out_fails;
	/* the batch waiting for its answers to go out */
	char			*batch_next;
	char			**batch_ids;
	int			 nbatch_ids;
	struct pending_kv	*batch_kv;
	int			 stopping;
};

struct matrix {
	struct adapter		 ad;
	struct loop		*loop;
	struct state		*st;
	char			*prefix;
	struct mx		 accts[CONFIG_MATRIX_MAX];
	int			 naccts;
	int			 failed;
	struct answer		 ans;
};

static void	ctl_next(struct mx *);
static void	out_kick(struct mx *);

/* ---- small helpers ------------------------------------------------ */

void
matrix_txn_id(const char *event_id, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_Digest(event_id, strlen(event_id), md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 16; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[32] = '\0';
}

/* delay for the n-th failure in a row: min * 2^n up to max, in ms, with
 * the upper half jittered so that many bots do not retry in step */
static long
backoff_ms(const struct config_matrix *cf, int n)
{
	return policy_backoff_ms(cf->reconnect_min, cf->reconnect_max, n);
}

/* The server's delay for a 429: Retry-After, else retry_after_ms. */
static long
retry_delay(const struct http_result *r, const struct config_matrix *cf,
    int fails)
{
	cJSON *j;
	const cJSON *v;
	long ms = r->retry_after_ms;

	if (ms < 0 && (j = cJSON_ParseWithLength(r->body, r->len)) != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(j, "retry_after_ms");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0)
			ms = v->valuedouble > 3600000 ? 3600000 :
			    (long)v->valuedouble;
		cJSON_Delete(j);
	}
	return ms >= 0 ? ms + 50 : backoff_ms(cf, fails);
}

/* "M_FORBIDDEN: why" from an error body, for the log. */
static void
errcode(const struct http_result *r, char *out, size_t n)
{
	cJSON *j = cJSON_ParseWithLength(r->body, r->len);
	const cJSON *c, *e;

	if (r->status == 0)
		snprintf(out, n, "%s", r->error ? r->error : "no answer");
	else if (j && cJSON_IsString(c = cJSON_GetObjectItemCaseSensitive(j,
	    "errcode")))
		snprintf(out, n, "HTTP %ld %s: %s", r->status, c->valuestring,
		    cJSON_IsString(e = cJSON_GetObjectItemCaseSensitive(j,
		    "error")) ? e->valuestring : "");
	else
		snprintf(out, n, "HTTP %ld", r->status);
	cJSON_Delete(j);
}

static void
url(struct mx *x, struct buf *b, const char *path)
{
	buf_reset(b);
	buf_printf(b, "%s%s", x->cf.homeserver, path);
}

static void
fatal(struct mx *x, const char *fmt, const char *detail)
{
	log_error("matrix %s: %s (%s); this account stops", x->cf.name, fmt,
	    detail);
	x->phase = PH_DEAD;
	x->m->failed = 1;
	loop_stop(x->m->loop);
}

/* ---- the out queue -------------------------------------------------- */

static void
out_push(struct mx *x, const char *method, struct buf *path, char *body,
    const char *what)
{
	struct out *o = xcalloc(1, sizeof(*o));

	o->method = xstrdup(method);
	o->path = buf_steal(path);
	o->body = body;
	o->what = xstrdup(what);
	*x->outtail = o;
	x->outtail = &o->next;
	x->nout++;
	out_kick(x);
}

static void
out_pop(struct mx *x)
{
	struct out *o = x->outq;

	x->outq = o->next;
	if (x->outq == NULL)
		x->outtail = &x->outq;
	x->nout--;
	free(o->method);
	free(o->path);
	free(o->body);
	free(o->what);
	free(o);
}

static void
batch_clear(struct mx *x)
{
	struct pending_kv *kv, *n;
	int i;

	for (i = 0; i < x->nbatch_ids; i++)
		free(x->batch_ids[i]);
	free(x->batch_ids);
	x->batch_ids = NULL;
	x->nbatch_ids = 0;
	for (kv = x->batch_kv; kv; kv = n) {
		n = kv->next;
		free(kv->key);
		free(kv->value);
		free(kv);
	}
	x->batch_kv = NULL;
	free(x->batch_next);
	x->batch_next = NULL;
}

/*
 * Every answer of the batch has been accepted: commit its sync token and
 * answered ids together.  A failed commit (a full disk) is logged and the
 * bot goes on from memory; after a restart the server's transaction ids
 * still keep the answers single.
 */
static void
batch_commit(struct mx *x)
{
	struct state *st = x->m->st;
	struct pending_kv *kv;
	int i, bad = 0;

	if (x->batch_next == NULL)
		return;
	if (state_begin(st) == -1)
		bad = 1;
	for (i = 0; !bad && i < x->nbatch_ids; i++)
		bad = state_mark(st, x->scope, x->batch_ids[i]) == -1;
	for (kv = x->batch_kv; !bad && kv; kv = kv->next)
		bad = state_set(st, x->scope, kv->key, kv->value) == -1;
	if (!bad)
		bad = state_set(st, x->scope, "next_batch", x->batch_next) == -1;
	if (bad)
		state_rollback(st);
	else if (state_commit(st) == -1)
		bad = 1;
	if (bad)
		log_error("matrix %s: the sync position was not saved; going "
		    "on from memory", x->cf.name);
	free(x->since);
	x->since = x->batch_next;
	x->batch_next = NULL;
	batch_clear(x);
}

static void
on_out_timer(struct loop *l, long id, void *ctx)
{
	struct mx *x = ctx;

	(void)l;
	(void)id;
	x->out_timer = 0;
	out_kick(x);
}

static void
on_out_done(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	char why[256];
	long ms;

	x->outreq = NULL;
	if (r->status >= 200 && r->status < 300) {
		log_debug("matrix %s: %s: sent", x->cf.name, x->outq->what);
		x->out_fails = 0;
		out_pop(x);
	} else if (r->status == 429 || r->status == 0 || r->status >= 500) {
		ms = r->status == 429 ?
		    retry_delay(r, &x->cf, x->out_fails) :
		    backoff_ms(&x->cf, x->out_fails);
		x->out_fails++;
		errcode(r, why, sizeof(why));
		log_warn("matrix %s: %s: %s; retrying in %ld ms", x->cf.name,
		    x->outq->what, why, ms);
		x->out_timer = loop_add_timer(x->m->loop, ms, on_out_timer, x);
		return;
	} else {
		/* 403 (not in the room), 400 ...: it will never succeed */
		errcode(r, why, sizeof(why));
		log_error("matrix %s: %s: %s; dropped", x->cf.name,
		    x->outq->what, why);
		x->out_fails = 0;
		out_pop(x);
	}
	if (x->outq)
		out_kick(x);
	else {
		batch_commit(x);
		if (!x->stopping && x->phase == PH_SYNC && x->ctl == NULL &&
		    x->ctl_timer == 0)
			ctl_next(x);
	}
}

static void
out_kick(struct mx *x)
{
	struct buf u = {0};
	struct out *o = x->outq;

	if (o == NULL || x->outreq || x->out_timer || x->token == NULL)
		return;
	url(x, &u, o->path);
	x->outreq = http_request(x->http, o->method, buf_str(&u), x->token,
	    o->body, MX_REQ_TIMEOUT_MS, on_out_done, x);
	buf_free(&u);
}

/* ---- the batch: kv values waiting to be committed -------------------- */

static void
batch_set(struct mx *x, const char *key, const char *value)
{
	struct pending_kv *kv;

	for (kv = x->batch_kv; kv; kv = kv->next)
		if (strcmp(kv->key, key) == 0) {
			free(kv->value);
			kv->value = xstrdup(value);
			return;
		}
	kv = xcalloc(1, sizeof(*kv));
	kv->key = xstrdup(key);
	kv->value = xstrdup(value);
	kv->next = x->batch_kv;
	x->batch_kv = kv;
}

/* A kv value: this batch's pending one, else the stored one (freed by
 * the caller). */
static char *
batch_get(struct mx *x, const char *key)
{
	struct pending_kv *kv;

	for (kv = x->batch_kv; kv; kv = kv->next)
		if (strcmp(kv->key, key) == 0)
			return xstrdup(kv->value);
	return state_get(x->m->st, x->scope, key);
}

static int
batch_has_id(struct mx *x, const char *id)
{
	int i;

	for (i = 0; i < x->nbatch_ids; i++)
		if (strcmp(x->batch_ids[i], id) == 0)
			return 1;
	return state_seen(x->m->st, x->scope, id);
}

static void
room_key(char *out, size_t n, const char *what, const char *room)
{
	snprintf(out, n, "%s:%s", what, room);
}

/* ---- events ------------------------------------------------------- */

/* A direct chat: the invite said is_direct (as clients do for DMs).  A
 * room of two is not enough: people make small rooms with a bot too. */
static int
is_direct(struct mx *x, const char *room)
{
	char key[300], *d;
	int direct;

	room_key(key, sizeof(key), "direct", room);
	d = batch_get(x, key);
	direct = d && strcmp(d, "1") == 0;
	free(d);
	return direct;
}

/* ops->act: an owner's join or part, by the account that was asked. */
static void
matrix_act(struct adapter *ad, const struct message *msg, enum action what,
    const char *arg)
{
	struct matrix *m = ad->priv;
	struct buf path = {0}, whatb = {0};
	struct mx *x = NULL;
	int i;

	for (i = 0; i < m->naccts; i++)
		if (msg->network && strcmp(m->accts[i].scope, msg->network) == 0)
			x = &m->accts[i];
	if (x == NULL)
		return;
	if (what == ACT_JOIN && (arg[0] == '!' || arg[0] == '#')) {
		buf_puts(&path, API "/join/");
		http_escape(&path, arg);
		buf_printf(&whatb, "join %s", arg);
		out_push(x, "POST", &path, xstrdup("{}"), buf_str(&whatb));
	} else if (what == ACT_PART && arg[0] == '!') {
		buf_puts(&path, API "/rooms/");
		http_escape(&path, arg);
		buf_puts(&path, "/leave");
		buf_printf(&whatb, "leave %s", arg);
		out_push(x, "POST", &path, xstrdup("{}"), buf_str(&whatb));
	}
	buf_free(&path);
	buf_free(&whatb);
}

/* A creator of a version 12 room, or a moderator: power level 50 or
 * more (owners are the core's business). */
static int
privileged(struct mx *x, const char *room, const char *sender)
{
	char key[300], *pl;
	int level;

	room_key(key, sizeof(key), "creators", room);
	if ((pl = batch_get(x, key)) != NULL) {
		size_t n = strlen(sender);
		const char *p;

		for (p = pl; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			if (strncmp(p, sender, n) == 0 &&
			    (p[n] == '\0' || p[n] == ',')) {
				free(pl);
				return 1;
			}
		free(pl);
	}
	room_key(key, sizeof(key), "power_levels", room);
	pl = batch_get(x, key);
	level = mx_power_level(pl, sender);
	free(pl);
	return level >= 50;
}

static void
send_answer(struct mx *x, const struct mx_msg *q, const struct answer *a)
{
	cJSON *c = cJSON_CreateObject(), *rel, *rep, *men, *ids;
	struct buf path = {0}, what = {0};
	const char *html = buf_str(&a->html);
	char txn[33], *body;

	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	cJSON_AddStringToObject(c, "body", buf_str(&a->text));
	if (*html) {
		cJSON_AddStringToObject(c, "format", "org.matrix.custom.html");
		cJSON_AddStringToObject(c, "formatted_body", html);
	}
	rel = cJSON_AddObjectToObject(c, "m.relates_to");
	if (q->thread_root) {
		cJSON_AddStringToObject(rel, "rel_type", "m.thread");
		cJSON_AddStringToObject(rel, "event_id", q->thread_root);
		cJSON_AddFalseToObject(rel, "is_falling_back");
	}
	rep = cJSON_AddObjectToObject(rel, "m.in_reply_to");
	cJSON_AddStringToObject(rep, "event_id", q->event_id);
	men = cJSON_AddObjectToObject(c, "m.mentions");
	ids = cJSON_AddArrayToObject(men, "user_ids");
	cJSON_AddItemToArray(ids, cJSON_CreateString(q->sender));
	body = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);

	matrix_txn_id(q->event_id, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, q->room_id);
	buf_printf(&path, "/send/m.room.message/%s", txn);
	buf_printf(&what, "answer to %s in %s", q->event_id, q->room_id);
	out_push(x, "PUT", &path, body, buf_str(&what));
	buf_free(&what);
}

static void
on_message(const struct mx_msg *q, void *ctx)
{
	struct mx *x = ctx;
	struct matrix *m = x->m;
	struct message msg;
	const char *text = q->body, *names[ROUTER_NAMES_MAX];
	char where[512];
	int n = 0;

	if (x->first_sync || batch_has_id(x, q->event_id))
		return;		/* history before our first start, or done */
	memset(&msg, 0, sizeof(msg));
	/* the router finds our names anywhere in the line and removes them
	 * (a pill's text is the display name) */
	if (x->display)
		names[n++] = x->display;
	if (x->self)
		names[n++] = x->self;
	if (x->localpart)
		names[n++] = x->localpart;
	names[n] = NULL;
	msg.names = names;
	if (q->mentions_self || is_direct(x, q->room_id))
		msg.direct = 1;
	snprintf(where, sizeof(where), "%s/%s/%s", x->cf.name, q->room_id,
	    q->sender);
	msg.text = text;
	msg.len = strlen(text);
	msg.where = where;
	msg.max_bytes = (size_t)x->cf.max_bytes;
	msg.network = x->scope;
	msg.target = q->room_id;
	/* the homeserver vouches for the sender: the id is the account */
	msg.sender = q->sender;
	msg.account = q->sender;
	msg.privileged = privileged(x, q->room_id, q->sender);
	answer_reset(&m->ans);
	if (!bot_answer(m->ad.bot, &m->ad, &msg, &m->ans))
		return;
	log_debug("matrix %s: question %s in %s", x->cf.name, q->event_id,
	    q->room_id);
	send_answer(x, q, &m->ans);
	x->batch_ids = xrealloc(x->batch_ids,
	    sizeof(char *) * (size_t)(x->nbatch_ids + 1));
	x->batch_ids[x->nbatch_ids++] = xstrdup(q->event_id);
}

static int
invite_allowed(const struct config_matrix *cf, const char *sender)
{
	const char *server = strchr(sender, ':');
	int i;

	for (i = 0; i < cf->ninvite_from; i++) {
		const char *a = cf->invite_from[i];

		if (a[0] == '@' ? strcmp(a, sender) == 0 :
		    server && strcasecmp(a, server + 1) == 0)
			return 1;
	}
	return 0;
}

static void
on_invite(const char *room, const char *sender, int is_direct, void *ctx)
{
	struct mx *x = ctx;
	struct buf path = {0}, what = {0};
	char key[300];

	if (!invite_allowed(&x->cf, sender)) {
		log_info("matrix %s: invite to %s from %s ignored (not in "
		    "invite_from)", x->cf.name, room, sender);
		return;
	}
	log_info("matrix %s: invited to %s by %s; joining", x->cf.name, room,
	    sender);
	if (is_direct) {
		room_key(key, sizeof(key), "direct", room);
		batch_set(x, key, "1");
	}
	buf_puts(&path, API "/join/");
	http_escape(&path, room);
	buf_printf(&what, "join %s", room);
	out_push(x, "POST", &path, xstrdup("{}"), buf_str(&what));
	buf_free(&what);
}

static void
on_removed(const char *room, const char *sender, const char *membership,
    const char *reason, void *ctx)
{
	struct mx *x = ctx;

	log_warn("matrix %s: %s from %s by %s%s%s", x->cf.name,
	    strcmp(membership, "ban") == 0 ? "banned" : "removed", room,
	    sender, reason ? ": " : "", reason ? reason : "");
}

static void
on_encrypted(const char *room, void *ctx)
{
	struct mx *x = ctx;
	struct buf path = {0}, what = {0};
	char key[300], txn[33], *told;
	cJSON *c;

	room_key(key, sizeof(key), "encrypted_notice", room);
	if ((told = batch_get(x, key)) != NULL) {
		free(told);
		return;
	}
	batch_set(x, key, "1");
	log_info("matrix %s: %s is encrypted; saying so once", x->cf.name,
	    room);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	cJSON_AddStringToObject(c, "body", ENCRYPTED_NOTICE);
	matrix_txn_id(key, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, room);
	buf_printf(&path, "/send/m.room.message/%s", txn);
	buf_printf(&what, "encryption notice in %s", room);
	out_push(x, "PUT", &path, cJSON_PrintUnformatted(c), buf_str(&what));
	cJSON_Delete(c);
	buf_free(&what);
}

static void
on_power_levels(const char *room, const char *json, void *ctx)
{
	struct mx *x = ctx;
	char key[300];

	room_key(key, sizeof(key), "power_levels", room);
	batch_set(x, key, json);
}

static void
on_creators(const char *room, const char *ids, void *ctx)
{
	struct mx *x = ctx;
	char key[300];

	room_key(key, sizeof(key), "creators", room);
	batch_set(x, key, ids);
}

static const struct mxsync_cb sync_cb = {
	on_message, on_invite, on_removed, on_encrypted, on_power_levels,
	on_creators
};

/* ---- control: login, whoami, profile, sync -------------------------- */

static void
on_ctl_timer(struct loop *l, long id, void *ctx)
{
	struct mx *x = ctx;

	(void)l;
	(void)id;
	x->ctl_timer = 0;
	ctl_next(x);
}

/* A failed control request: wait and try the same step again. */
static void
ctl_retry(struct mx *x, const struct http_result *r, const char *step)
{
	char why[256];
	long ms = r->status == 429 ? retry_delay(r, &x->cf, x->ctl_fails) :
	    backoff_ms(&x->cf, x->ctl_fails);

	x->ctl_fails++;
	errcode(r, why, sizeof(why));
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

	errcode(r, why, sizeof(why));
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
	ctl_next(x);
}

static cJSON *
parse_ok(const struct http_result *r)
{
	return cJSON_ParseWithLength(r->body, r->len);
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
	j = r->status == 200 ? parse_ok(r) : NULL;
	if (j == NULL || !cJSON_IsString(t = cJSON_GetObjectItemCaseSensitive(
	    j, "access_token"))) {
		errcode(r, why, sizeof(why));
		cJSON_Delete(j);
		fatal(x, "login failed; check user_id and password", why);
		return;
	}
	x->token = xstrdup(t->valuestring);
	/* kept so that restarts reuse the device and its transaction ids */
	state_set(x->m->st, x->scope, "access_token", x->token);
	if (cJSON_IsString(d = cJSON_GetObjectItemCaseSensitive(j,
	    "device_id")))
		state_set(x->m->st, x->scope, "device_id", d->valuestring);
	cJSON_Delete(j);
	log_info("matrix %s: logged in as %s", x->cf.name, x->cf.user_id);
	x->ctl_fails = 0;
	x->phase = PH_WHOAMI;
	ctl_next(x);
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
	j = r->status == 200 ? parse_ok(r) : NULL;
	if (j == NULL || !cJSON_IsString(u = cJSON_GetObjectItemCaseSensitive(
	    j, "user_id"))) {
		errcode(r, why, sizeof(why));
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
	cJSON_Delete(j);
	free(x->self);
	x->self = xstrdup(x->cf.user_id);
	x->ctl_fails = 0;
	x->phase = PH_PROFILE;
	ctl_next(x);
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
	if (r->status == 200 && (j = parse_ok(r)) != NULL) {
		if (cJSON_IsString(d = cJSON_GetObjectItemCaseSensitive(j,
		    "displayname")) && *d->valuestring)
			x->display = xstrdup(d->valuestring);
		cJSON_Delete(j);
	}
	free(x->since);
	x->since = state_get(x->m->st, x->scope, "next_batch");
	x->first_sync = x->since == NULL;
	log_info("matrix %s: signed in as %s (%s)%s", x->cf.name, x->self,
	    x->display ? x->display : x->localpart,
	    x->first_sync ? "; first start, history skipped" : "");
	x->ctl_fails = 0;
	x->phase = PH_SYNC;
	ctl_next(x);
}

static void
on_sync(const struct http_result *r, void *ctx)
{
	struct mx *x = ctx;
	char err[128], *next;

	x->ctl = NULL;
	if (r->status == 401) {
		token_refused(x, r);
		return;
	}
	if (r->status != 200) {
		ctl_retry(x, r, "sync");
		return;
	}
	if ((next = mxsync_parse(r->body, r->len, x->self, &sync_cb, x, err,
	    sizeof(err))) == NULL) {
		log_warn("matrix %s: %s", x->cf.name, err);
		ctl_retry(x, r, "sync");
		return;
	}
	x->ctl_fails = 0;
	x->first_sync = 0;
	x->catching_up = 0;
	free(x->batch_next);
	x->batch_next = next;
	if (x->outq == NULL) {
		batch_commit(x);
		if (!x->stopping)
			ctl_next(x);
	}
	/* else on_out_done commits and syncs when the queue is empty */
}

/* The filter: messages, our membership, encryption, power levels (who may
 * change the highlights); lazy members, no presence, no account data, no
 * typing or receipts. */
static void
sync_filter(struct buf *b)
{
	buf_printf(b, "{\"presence\":{\"types\":[]},"
	    "\"account_data\":{\"types\":[]},"
	    "\"room\":{\"ephemeral\":{\"types\":[]},"
	    "\"account_data\":{\"types\":[]},"
	    "\"state\":{\"lazy_load_members\":true,"
	    "\"types\":[\"m.room.member\",\"m.room.encryption\","
	    "\"m.room.power_levels\",\"m.room.create\"]},"
	    "\"timeline\":{\"limit\":%d,\"lazy_load_members\":true,"
	    "\"types\":[\"m.room.message\",\"m.room.encrypted\","
	    "\"m.room.member\",\"m.room.encryption\","
	    "\"m.room.power_levels\"]}}}", MX_TIMELINE_LIMIT);
}

static void
ctl_next(struct mx *x)
{
	struct buf u = {0}, p = {0}, f = {0};
	cJSON *c, *id;
	char *body;
	long timeout;

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
		url(x, &u, API "/login");
		x->ctl = http_request(x->http, "POST", buf_str(&u), NULL, body,
		    MX_REQ_TIMEOUT_MS, on_login, x);
		/* the password is in this body only; wipe our copy */
		explicit_bzero(body, strlen(body));
		free(body);
		break;
	case PH_WHOAMI:
		url(x, &u, API "/account/whoami");
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, MX_REQ_TIMEOUT_MS, on_whoami, x);
		break;
	case PH_PROFILE:
		buf_puts(&p, API "/profile/");
		http_escape(&p, x->cf.user_id);
		buf_puts(&p, "/displayname");
		url(x, &u, buf_str(&p));
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, MX_REQ_TIMEOUT_MS, on_profile, x);
		break;
	case PH_SYNC:
		if (x->outq || x->batch_next)
			break;	/* the last batch is still going out */
		sync_filter(&f);
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
		url(x, &u, buf_str(&p));
		x->ctl = http_request(x->http, "GET", buf_str(&u), x->token,
		    NULL, timeout + MX_SYNC_SLACK_MS, on_sync, x);
		break;
	case PH_DEAD:
		break;
	}
	buf_free(&u);
	buf_free(&p);
	buf_free(&f);
}

/* ---- the adapter ---------------------------------------------------- */

static int
matrix_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct matrix *m = ad->priv;
	struct http_opts ho;
	int i;

	(void)err;
	(void)errlen;
	m->loop = l;
	for (i = 0; i < m->naccts; i++) {
		struct mx *x = &m->accts[i];

		ho.ca_file = x->cf.tls_ca_file;
		ho.verify = x->cf.tls_verify;
		if (!x->cf.tls_verify)
			log_warn("matrix %s: tls_verify = no: the homeserver's "
			    "certificate is NOT checked", x->cf.name);
		x->http = http_new(l, &ho);
		if (x->cf.access_token) {
			x->token = xstrdup(x->cf.access_token);
			x->token_is_config = 1;
		} else
			x->token = state_get(m->st, x->scope, "access_token");
		x->phase = x->token ? PH_WHOAMI : PH_LOGIN;
		x->catching_up = 1;
		ctl_next(x);
	}
	return 0;
}

static void
matrix_stop(struct adapter *ad)
{
	struct matrix *m = ad->priv;
	int i;

	for (i = 0; i < m->naccts; i++) {
		struct mx *x = &m->accts[i];

		x->stopping = 1;
		if (x->ctl)
			http_cancel(x->http, x->ctl);
		x->ctl = NULL;
		if (x->ctl_timer)
			loop_del_timer(m->loop, x->ctl_timer);
		x->ctl_timer = 0;
	}
}

static void
matrix_free(struct adapter *ad)
{
	struct matrix *m = ad->priv;
	int i;

	for (i = 0; i < m->naccts; i++) {
		struct mx *x = &m->accts[i];

		if (x->out_timer)
			loop_del_timer(m->loop, x->out_timer);
		if (x->ctl_timer)
			loop_del_timer(m->loop, x->ctl_timer);
		http_free(x->http);
		while (x->outq)
			out_pop(x);
		batch_clear(x);
		if (x->token)
			explicit_bzero(x->token, strlen(x->token));
		free(x->token);
		free(x->self);
		free(x->display);
		free(x->localpart);
		free(x->since);
		config_matrix_clear(&x->cf);
	}
	answer_free(&m->ans);
	free(m->prefix);
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

static void
matrix_reconfigure(struct adapter *ad, const struct config *cf)
{
	struct matrix *m = ad->priv;
	struct config_matrix c;
	struct mx *x;
	int i, j, k;

	for (j = 0; j < cf->nmatrix; j++) {
		for (i = 0; i < m->naccts; i++)
			if (strcmp(m->accts[i].cf.name, cf->matrix[j].name) == 0)
				break;
		if (i == m->naccts) {
			log_warn("matrix %s: a new account starts after a "
			    "restart", cf->matrix[j].name);
			continue;
		}
		/* the invite list and the limits change at once; the
		 * account itself (server, user, login) needs a restart */
		x = &m->accts[i];
		config_matrix_copy(&c, &cf->matrix[j]);
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
}

static struct adapter *
matrix_new(struct bot *bot, const struct config *cf, struct state *st)
{
	struct matrix *m;
	const char *colon;
	int i;

	if (cf->nmatrix == 0)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->ad.ops = &matrix_ops;
	m->ad.bot = bot;
	m->ad.priv = m;
	m->st = st;
	m->prefix = xstrdup(cf->prefix);
	answer_init(&m->ans);
	for (i = 0; i < cf->nmatrix; i++) {
		struct mx *x = &m->accts[m->naccts++];

		x->m = m;
		config_matrix_copy(&x->cf, &cf->matrix[i]);
		snprintf(x->scope, sizeof(x->scope), "matrix:%s", x->cf.name);
		x->outtail = &x->outq;
		colon = strchr(x->cf.user_id, ':');
		x->localpart = xstrndup(x->cf.user_id + 1,
		    (size_t)(colon - x->cf.user_id - 1));
	}
	return &m->ad;
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
	out_push(x, "PUT", &path, cJSON_PrintUnformatted(c), buf_str(&what));
	cJSON_Delete(c);
	buf_free(&what);
	return 0;
}

static void
matrix_highlights(struct adapter *ad, const struct config *cf,
    struct highlights *hl)
{
	char net[96];
	int i, j;

	(void)ad;
	for (i = 0; i < cf->nmatrix; i++) {
		snprintf(net, sizeof(net), "matrix:%s", cf->matrix[i].name);
		for (j = 0; j < cf->matrix[i].nhighlights; j++)
			hl_add(hl, net, cf->matrix[i].highlights[j].target, 1,
			    cf->matrix[i].highlights[j].secs,
			    cf->matrix[i].highlights[j].zone);
	}
}

static size_t
matrix_line_max(struct adapter *ad, const char *network, const char *target)
{
	struct matrix *m = ad->priv;
	int i;

	(void)target;
	for (i = 0; i < m->naccts; i++)
		if (strcmp(m->accts[i].scope, network) == 0)
			return (size_t)m->accts[i].cf.max_bytes;
	return ANSWER_LINE_MAX;
}

const struct adapter_ops matrix_ops = {
	.name = "matrix",
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
};
