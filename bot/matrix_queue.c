/*
 * matrix_queue.c -- the Matrix adapter's requests (matrix_int.h): the
 * per-room send queues, the sync batches and answered events that make
 * every answer go out exactly once, and the helpers that read the
 * server's answers.
 *
 * A room's requests go out one at a time in order, different rooms' at
 * once (up to MX_SENDS_MAX messages and MX_MEMBER_MAX joins or leaves in
 * flight per account, so 30 joins never stand in front of an answer).
 *
 * Exactly once, without one room holding back the others:
 *  - an event's id is marked handled in the state store as soon as every
 *    request it caused is done: accepted, or refused for good (a 4xx but
 *    429: that answer is dropped, logged once, and never retried);
 *  - a sync's next_batch (with the room state it brought) is committed
 *    only when every request of that sync and of all earlier syncs is
 *    done, so the committed position never passes an event whose answer
 *    could still be lost.  A room whose sends fail for a while (429,
 *    5xx, no network: retried with backoff) holds back only this commit,
 *    never another room's answers or the next sync;
 *  - after a crash the bot syncs again from the committed position: the
 *    events marked handled are skipped, the others answered again with
 *    the same transaction id (matrix_txn_id), which the homeserver
 *    de-duplicates.  Never lost, never twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "json.h"
#include "log.h"
#include "matrix_int.h"
#include "policy.h"

/* ---- the server's answers ------------------------------------------ */

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

/* delay for the n-th failure in a row (policy.h: one backoff for every
 * adapter) */
long
mx_backoff_ms(const struct config_matrix *cf, int n)
{
	return policy_backoff_ms(cf->reconnect_min, cf->reconnect_max, n);
}

/*
 * The JSON of an answer that is not a sync, or NULL.  A body past
 * MX_SMALL_BODY_MAX is not parsed at all: this is also what reads the
 * error of a failed sync, which may be the big answer itself.
 */
cJSON *
mx_parse_small(const struct http_result *r)
{
	if (r->len > MX_SMALL_BODY_MAX)
		return NULL;
	return cJSON_ParseWithLength(r->body, r->len);
}

/* The server's delay for a 429: Retry-After, else retry_after_ms. */
long
mx_retry_delay(const struct http_result *r, const struct config_matrix *cf,
    int fails)
{
	cJSON *j;
	const cJSON *v;
	long ms = r->retry_after_ms;

	if (ms < 0 && (j = mx_parse_small(r)) != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(j, "retry_after_ms");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0)
			ms = v->valuedouble > HTTP_RETRY_AFTER_MAX_MS ?
			    HTTP_RETRY_AFTER_MAX_MS :
			    (long)v->valuedouble;
		cJSON_Delete(j);
	}
	return ms >= 0 ? ms + 50 : mx_backoff_ms(cf, fails);
}

/* "M_FORBIDDEN: why" from an error body, for the log. */
void
mx_errcode(const struct http_result *r, char *out, size_t n)
{
	cJSON *j = mx_parse_small(r);
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

void
mx_url(struct mx *x, struct buf *b, const char *path)
{
	buf_reset(b);
	buf_printf(b, "%s%s", x->cf.homeserver, path);
}

/* ---- sync batches and answered events -------------------------------- */

static void
kv_free(struct pending_kv *kv)
{
	struct pending_kv *n;

	for (; kv; kv = n) {
		n = kv->next;
		free(kv->key);
		free(kv->value);
		free(kv);
	}
}

void
mx_batch_free(struct batch *b)
{
	kv_free(b->kv);
	free(b->next_batch);
	free(b);
}

/*
 * Commits the batches at the head of the list whose requests are all
 * done: the room state they brought and their sync position, in one
 * transaction each.  A failed commit (a full disk) is logged and the bot
 * goes on from memory; after a restart the handled ids and the server's
 * transaction ids still keep the answers single.
 */
static void
batch_advance(struct mx *x)
{
	struct state *st = x->m->st;
	struct pending_kv *kv;
	struct batch *b;
	int bad;

	while ((b = x->batches) != NULL && b->nout == 0) {
		bad = state_begin(st) == -1;
		for (kv = b->kv; !bad && kv; kv = kv->next)
			bad = state_set(st, x->scope, kv->key, kv->value) == -1;
		if (!bad)
			bad = state_set(st, x->scope, "next_batch",
			    b->next_batch) == -1;
		if (bad)
			state_rollback(st);
		else if (state_commit(st) == -1)
			bad = 1;
		if (bad)
			log_error("matrix %s: the sync position was not saved; "
			    "going on from memory", x->cf.name);
		x->batches = b->next;
		mx_batch_free(b);
	}
}

/*
 * The parsed batch b (with its position) joins the list.  A batch before
 * it that is done but waits behind an older one is merged into b (b's
 * values win): the list stays as short as the number of batches with
 * requests pending, however long one room retries.
 */
void
mx_batch_close(struct mx *x, struct batch *b)
{
	struct batch **pp, *t;
	struct pending_kv *kv, *n, *k;

	for (pp = &x->batches; *pp && (*pp)->next; pp = &(*pp)->next)
		;
	if ((t = *pp) != NULL && t->nout == 0) {
		for (kv = t->kv; kv; kv = n) {
			n = kv->next;
			for (k = b->kv; k; k = k->next)
				if (strcmp(k->key, kv->key) == 0)
					break;
			if (k) {
				free(kv->key);
				free(kv->value);
				free(kv);
			} else {
				kv->next = b->kv;
				b->kv = kv;
			}
		}
		t->kv = NULL;
		mx_batch_free(t);
		*pp = NULL;
	}
	for (pp = &x->batches; *pp; pp = &(*pp)->next)
		;
	*pp = b;
	batch_advance(x);
}

void
mx_batch_set(struct mx *x, const char *key, const char *value)
{
	struct pending_kv *kv;

	if (x->open == NULL)	/* only sync callbacks set values */
		x->open = xcalloc(1, sizeof(*x->open));
	for (kv = x->open->kv; kv; kv = kv->next)
		if (strcmp(kv->key, key) == 0) {
			free(kv->value);
			kv->value = xstrdup(value);
			return;
		}
	kv = xcalloc(1, sizeof(*kv));
	kv->key = xstrdup(key);
	kv->value = xstrdup(value);
	kv->next = x->open->kv;
	x->open->kv = kv;
}

/* A kv value: the newest uncommitted one, else the stored one (freed by
 * the caller). */
char *
mx_batch_get(struct mx *x, const char *key)
{
	const struct pending_kv *kv, *found = NULL;
	const struct batch *b;

	if (x->open)
		for (kv = x->open->kv; kv && !found; kv = kv->next)
			if (strcmp(kv->key, key) == 0)
				found = kv;
	if (found == NULL) {
		/* the list is oldest first: the last match is the newest */
		for (b = x->batches; b; b = b->next)
			for (kv = b->kv; kv; kv = kv->next)
				if (strcmp(kv->key, key) == 0)
					found = kv;
	}
	if (found)
		return xstrdup(found->value);
	return state_get(x->m->st, x->scope, key);
}

/* 1 if event id was answered: in this run (maybe still going out) or
 * before (in the store). */
int
mx_batch_has_id(struct mx *x, const char *id)
{
	const struct evref *e;

	for (e = x->evs; e; e = e->next)
		if (strcmp(e->id, id) == 0)
			return 1;
	return state_seen(x->m->st, x->scope, id);
}

struct evref *
mx_ev_new(struct mx *x, const char *id)
{
	struct evref *e = xcalloc(1, sizeof(*e));

	e->id = xstrdup(id);
	e->refs = 1;		/* the caller's, until ev_release */
	e->next = x->evs;
	x->evs = e;
	return e;
}

/* Takes e off the account's list and frees it. */
static void
ev_forget(struct mx *x, struct evref *e)
{
	struct evref **pp;

	for (pp = &x->evs; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	free(e->id);
	free(e);
}

/* An event that asked nothing of the server after all: forgotten, or
 * released like any other when a request holds it. */
void
mx_ev_drop(struct mx *x, struct evref *e)
{
	if (e->refs > 1)
		mx_ev_release(x, e);
	else
		ev_forget(x, e);
}

void
mx_ev_release(struct mx *x, struct evref *e)
{
	if (--e->refs > 0)
		return;
	if (state_mark(x->m->st, x->scope, e->id) == -1)
		log_error("matrix %s: %s was not saved as answered; going on "
		    "from memory", x->cf.name, e->id);
	ev_forget(x, e);
}

/* ---- the room queues ------------------------------------------------ */

static const int lane_max[NLANES] = { MX_SENDS_MAX, MX_MEMBER_MAX };

/*
 * The room of a request and its lane, read from its path (every room
 * request names its room there: .../join/ROOM, .../rooms/ROOM/...), so
 * that callers need not say it.  Requests for no room share the "" queue.
 */
static char *
path_room(const char *path, enum lane *lane)
{
	const char *p, *e;

	*lane = LANE_SEND;
	if (strncmp(path, API "/join/", sizeof(API "/join/") - 1) == 0) {
		*lane = LANE_MEMBER;
		return xstrdup(path + sizeof(API "/join/") - 1);
	}
	if (strncmp(path, API "/rooms/", sizeof(API "/rooms/") - 1) != 0)
		return xstrdup("");
	p = path + sizeof(API "/rooms/") - 1;
	if ((e = strchr(p, '/')) == NULL)
		e = p + strlen(p);
	if (strcmp(e, "/leave") == 0 || strcmp(e, "/join") == 0)
		*lane = LANE_MEMBER;
	return xstrndup(p, (size_t)(e - p));
}

static struct roomq *
roomq_get(struct mx *x, const char *room)
{
	struct roomq **pp, *q;

	for (pp = &x->rooms; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->room, room) == 0)
			return *pp;
	q = xcalloc(1, sizeof(*q));
	q->x = x;
	q->room = xstrdup(room);
	q->tail = &q->head;
	*pp = q;
	return q;
}

/* Frees q if it has nothing left to do. */
static void
roomq_gc(struct mx *x, struct roomq *q)
{
	struct roomq **pp;

	if (q->head || q->req || q->timer || q->prepping)
		return;
	for (pp = &x->rooms; *pp; pp = &(*pp)->next)
		if (*pp == q) {
			*pp = q->next;
			break;
		}
	free(q->room);
	free(q);
}

static void
out_free(struct out *o)
{
	free(o->e2ee_room);
	free(o->reply_of);
	free(o->thread);
	free(o->method);
	free(o->path);
	free(o->body);
	free(o->what);
	free(o->who);
	free(o);
}

/*
 * Queues a request in its room's queue; body is taken over (freed with
 * the request), path is emptied.  A request queued while a sync is parsed
 * belongs to that sync's batch, and to the event being answered if any.
 */
void
mx_out_push(struct mx *x, const char *method, struct buf *path, char *body,
    const char *what)
{
	struct out *o = xcalloc(1, sizeof(*o));
	struct roomq *q;
	char *room;

	o->method = xstrdup(method);
	o->path = buf_steal(path);
	o->body = body;
	o->what = xstrdup(what);
	room = path_room(o->path, &o->lane);
	if ((o->batch = x->open) != NULL)
		o->batch->nout++;
	if ((o->ev = x->cur_ev) != NULL)
		o->ev->refs++;
	o->who = x->cur_who ? xstrdup(x->cur_who) : NULL;
	o->e2ee_room = x->cur_e2ee ? xstrdup(x->cur_e2ee) : NULL;
	o->reply_of = x->cur_reply_of ? xstrdup(x->cur_reply_of) : NULL;
	o->thread = x->cur_thread ? xstrdup(x->cur_thread) : NULL;
	o->done = x->cur_done;
	q = roomq_get(x, room);
	free(room);
	*q->tail = o;
	q->tail = &o->next;
	x->nout++;
	mx_out_kick(x);
}

/*
 * An answer the server took: its event id is kept with the question's,
 * so that an edit or a redaction of the question reaches the answer and
 * a reply to the answer is known to be for us.  Kept before the question
 * is marked handled (out_done): a crash between the two answers again,
 * under the same transaction id, which the server ignores.
 */
static void
keep_reply(struct mx *x, const struct out *o, const struct http_result *r)
{
	cJSON *j;
	const char *id;

	if (o->reply_of == NULL || (j = mx_parse_small(r)) == NULL)
		return;
	if ((id = json_str(j, "event_id")) != NULL &&
	    state_reply_put(x->m->st, x->scope, o->reply_of, id, o->thread) ==
	    -1)
		log_error("matrix %s: the answer to %s was not saved; an edit "
		    "of it will be answered anew", x->cf.name, o->reply_of);
	cJSON_Delete(j);
}

/* The head of q is done, accepted or refused for good (r; NULL when
 * it was never sent). */
static void
out_done(struct mx *x, struct roomq *q, const struct http_result *r)
{
	struct out *o = q->head;

	if ((q->head = o->next) == NULL)
		q->tail = &q->head;
	q->fails = 0;
	x->nout--;
	if (o->done) {
		/* off the queue first: what it queues starts requests, and
		 * must not find o at the head again.  Its requests hold the
		 * same event and batch. */
		struct evref *ev = x->cur_ev;
		struct batch *open = x->open;

		x->cur_ev = o->ev;
		x->open = o->batch;
		o->done(x, r);
		x->cur_ev = ev;
		x->open = open;
	}
	if (o->ev)
		mx_ev_release(x, o->ev);
	if (o->batch && --o->batch->nout == 0)
		batch_advance(x);
	out_free(o);
	roomq_gc(x, q);
}

static long
on_out_timer(struct loop *l, void *ctx)
{
	struct roomq *q = ctx;

	(void)l;
	q->timer = 0;
	mx_out_kick(q->x);
	return LOOP_NOMORE;
}

/*
 * 2xx: sent.  429, 5xx, no answer: this room waits (the server's delay,
 * or a backoff) and tries again; the other rooms go on.  401: the token
 * is the account's problem, not the answer's: the control path logs in
 * again (or stops the bot) and this waits meanwhile.  Any other 4xx (403
 * M_FORBIDDEN where the bot may not post, 400, 404) can never succeed:
 * the request is dropped with one log line, and its event counts as
 * handled.
 */
static void
on_out_done(const struct http_result *r, void *ctx)
{
	struct roomq *q = ctx;
	struct mx *x = q->x;
	struct out *o = q->head;
	char why[256];
	long ms;
	int soon;

	q->req = NULL;
	x->inflight[o->lane]--;
	if (r->status >= 200 && r->status < 300) {
		log_debug("matrix %s: %s: sent", x->cf.name, o->what);
		keep_reply(x, o, r);
		out_done(x, q, r);
	} else if (r->status == 429 || r->status == 401 || r->status == 0 ||
	    r->status >= 500) {
		/*
		 * A first 5xx is most often a passing one: pantalaimon
		 * answers 500 "did not manage to sync" to a send in a room
		 * it has only just joined, and takes it a second later.
		 * So the first retry comes soon, logged as news, not as a
		 * failure; the backoff starts from the second in a row.
		 */
		soon = q->fails == 0 && r->status != 429 && r->status != 401;
		if (r->status == 429)
			ms = mx_retry_delay(r, &x->cf, q->fails);
		else if (soon)
			ms = MX_RETRY_SOON_MS + random() % (MX_RETRY_SOON_MS / 4);
		else
			ms = mx_backoff_ms(&x->cf, q->fails ? q->fails - 1 : 0);
		q->fails++;
		mx_errcode(r, why, sizeof(why));
		if (soon)
			log_info("matrix %s: %s: %s; retrying in %ld ms",
			    x->cf.name, o->what, why, ms);
		else
			log_warn("matrix %s: %s: %s; retrying in %ld ms",
			    x->cf.name, o->what, why, ms);
		q->timer = loop_add_timer(x->m->loop, ms, on_out_timer, q);
	} else {
		mx_errcode(r, why, sizeof(why));
		log_error("matrix %s: %s: %s; dropped, not retried",
		    x->cf.name, o->what, why);
		out_done(x, q, r);
	}
	mx_out_kick(x);
	/* a sync paused by a full queue goes on */
	if (!x->stopping && x->phase == PH_SYNC)
		mx_ctl_next(x);
}

/*
 * Starts the head of every idle room queue while its lane has a free
 * slot.  A room that starts moves to the end of the list, so that busy
 * rooms take turns.
 */
/*
 * The head of q, an answer to an encrypted room, may go: its room key
 * is with every member's device (mx_e2ee.h).  It is encrypted now, at
 * the last moment, under the session just shared; a failure waits like
 * a failed send.  Never in clear: an answer that cannot be encrypted is
 * dropped.
 */
static void
on_prepared(void *ctx, int ok)
{
	struct roomq *q = ctx;
	struct mx *x = q->x;
	struct out *o = q->head;
	struct buf enc = {0}, path = {0};
	char err[MXC_ERR_MAX];
	const char *p;

	q->prepping = 0;
	if (!ok) {
		q->timer = loop_add_timer(x->m->loop, mx_backoff_ms(&x->cf,
		    q->fails++), on_out_timer, q);
	} else if (mxe_encrypt(x->e2ee, o->e2ee_room, "m.room.message",
	    o->body, &enc, err, sizeof(err)) == -1) {
		log_error("matrix %s: %s: not encrypted (%s); dropped",
		    x->cf.name, o->what, err);
		out_done(x, q, NULL);
	} else {
		free(o->body);
		o->body = buf_steal(&enc);
		if ((p = strstr(o->path, "/send/m.room.message/")) != NULL) {
			buf_add(&path, o->path, (size_t)(p - o->path));
			buf_printf(&path, "/send/m.room.encrypted/%s",
			    p + strlen("/send/m.room.message/"));
			free(o->path);
			o->path = buf_steal(&path);
		}
		free(o->e2ee_room);
		o->e2ee_room = NULL;
	}
	buf_free(&enc);
	mx_out_kick(x);
}

void
mx_out_kick(struct mx *x)
{
	struct roomq **pp, *q, *started = NULL, **stail = &started;
	struct buf u = {0};
	struct out *o;

	if (x->token == NULL || x->http == NULL)
		return;
	for (pp = &x->rooms; (q = *pp) != NULL; ) {
		o = q->head;
		if (o == NULL || q->req || q->timer || q->prepping ||
		    x->inflight[o->lane] >= lane_max[o->lane]) {
			pp = &q->next;
			continue;
		}
		if (o->e2ee_room) {
			if (x->e2ee == NULL) {
				log_error("matrix %s: %s: encryption is off; "
				    "dropped, never sent in clear", x->cf.name,
				    o->what);
				out_done(x, q, NULL);	/* may free q: *pp
							 * moves on */
				continue;
			}
			q->prepping = 1;
			mxe_prepare(x->e2ee, o->e2ee_room, on_prepared, q);
			pp = &q->next;
			continue;
		}
		mx_url(x, &u, o->path);
		q->req = http_request(x->http, o->method, buf_str(&u),
		    x->token, o->body, MX_REQ_TIMEOUT_MS, on_out_done, q);
		x->inflight[o->lane]++;
		*pp = q->next;
		q->next = NULL;
		*stail = q;
		stail = &q->next;
	}
	*pp = started;
	buf_free(&u);
}

/* Answers queued for who, in every room. */
int
mx_queued_for(const struct mx *x, const char *who)
{
	const struct roomq *q;
	const struct out *o;
	int n = 0;

	for (q = x->rooms; q; q = q->next)
		for (o = q->head; o; o = o->next)
			n += o->who && strcmp(o->who, who) == 0;
	return n;
}

/* Answers queued in room (its id, as the event gives it). */
int
mx_queued_in(const struct mx *x, const char *room)
{
	const struct roomq *q;
	const struct out *o;
	struct buf esc = {0};
	int n = 0;

	http_escape(&esc, room);	/* as out_push keys the queue */
	for (q = x->rooms; q; q = q->next)
		if (strcmp(q->room, buf_str(&esc)) == 0)
			for (o = q->head; o; o = o->next)
				n += o->who != NULL;
	buf_free(&esc);
	return n;
}

void
mx_room_key(char *out, size_t n, const char *what, const char *room)
{
	snprintf(out, n, "%s:%s", what, room);
}

void
mx_queue_free(struct mx *x)
{
	struct roomq *q;
	struct batch *b;
	struct evref *e;
	struct out *o;

	while ((q = x->rooms) != NULL) {
		x->rooms = q->next;
		if (q->timer)
			loop_del_timer(x->m->loop, q->timer);
		while ((o = q->head) != NULL) {
			q->head = o->next;
			out_free(o);
		}
		free(q->room);
		free(q);
	}
	while ((b = x->batches) != NULL) {
		x->batches = b->next;
		mx_batch_free(b);
	}
	while ((e = x->evs) != NULL) {
		x->evs = e->next;
		free(e->id);
		free(e);
	}
}
