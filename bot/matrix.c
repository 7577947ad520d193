/*
 * matrix.c -- the Matrix adapter; see matrix.h.
 *
 * One struct mx per [matrix] account.  Its control requests run one at a
 * time: (login) -> whoami -> displayname -> sync -> sync ...  A sync's
 * events become answers, joins, leaves and notices, queued per room: a
 * room's requests go out one at a time in order, different rooms' at
 * once (up to MX_SENDS_MAX messages and MX_MEMBER_MAX joins or leaves in
 * flight per account, so 30 joins never stand in front of an answer).
 * The sync loop does not wait for them.
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
/* Both ways out: the asker's (another room) and the operator's (the
 * proxy, README "Encrypted rooms"). */
#define ENCRYPTED_NOTICE "I can't read encrypted messages, so I can't " \
	"answer questions in this room. Ask me in a room without " \
	"encryption, or ask my operator to run me behind pantalaimon " \
	"(an end-to-end encryption proxy)."
/* The reason on the leave that rejects an invite: the inviter sees it
 * ("techpay rejected the invite: ...") without the bot joining the room
 * to say it, so nothing is posted where nobody asked for the bot. */
#define DECLINE_REASON	"I only join rooms when invited by my operators " \
	"(invite_from); ask them to add me."

#define MX_SENDS_MAX	4	/* messages in flight per account */
#define MX_MEMBER_MAX	2	/* joins and leaves in flight per account */
#define MX_OUT_MAX	512	/* requests queued before /sync pauses */
#define MX_SENDER_MAX	8	/* answers queued for one sender */
#define MX_ROOM_MAX	32	/* answers queued for one room: many
				 * senders cannot fill MX_OUT_MAX either */
#define MX_RETRY_SOON_MS 1000	/* a send's first retry after a 5xx */

struct matrix;

enum phase { PH_LOGIN, PH_WHOAMI, PH_PROFILE, PH_SYNC, PH_DEAD };

/* What a request is, for the in-flight limits: joins are slow on the
 * server and must not take the slots of answers. */
enum lane { LANE_SEND, LANE_MEMBER, NLANES };

/* A key/value to commit with a sync batch. */
struct pending_kv {
	char			*key;
	char			*value;
	struct pending_kv	*next;
};

/*
 * One /sync answer: its position may be committed once nout is 0 and
 * every earlier batch is committed.  Owned by the account's batch list
 * (or x->open while the sync is parsed); freed when committed.
 */
struct batch {
	char			*next_batch;	/* NULL while being parsed */
	int			 nout;		/* its requests not yet done */
	struct pending_kv	*kv;
	struct batch		*next;
};

/* An event that got an answer: marked handled when refs drops to 0
 * (every request it caused done).  On the account's evs list. */
struct evref {
	char			*id;
	int			 refs;
	struct evref		*next;
};

/* One request waiting in a room queue; owned by the queue. */
struct out {
	char		*method;
	char		*path;		/* after the homeserver URL */
	char		*body;
	char		*what;		/* for the log */
	enum lane	 lane;
	struct batch	*batch;		/* NULL: not caused by a sync */
	struct evref	*ev;		/* NULL: answers no event */
	char		*who;		/* the asker answered, or NULL */
	struct out	*next;
};

/* One room's requests, in order, one at a time; freed when empty. */
struct roomq {
	struct mx	*x;
	char		*room;		/* as in the path (URL-encoded) */
	struct out	*head, **tail;
	struct http_req	*req;		/* head in flight */
	long		 timer;		/* head waiting for a retry */
	int		 fails;		/* in a row, for the backoff */
	struct roomq	*next;
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
	char			*since;		/* the next sync's position */
	int			 first_sync;	/* no position saved yet */
	int			 shrink;	/* index in sync_limits */
	int			 catching_up;	/* first sync of this run */
	int			 rooms_joined;	/* rooms = asked for this run */
	enum phase		 phase;
	struct http_req		*ctl;		/* the control request */
	long			 ctl_timer;
	int			 ctl_fails;
	struct roomq		*rooms;		/* round robin: started go last */
	int			 nout;		/* queued in all rooms */
	int			 inflight[NLANES];
	struct batch		*open;		/* the sync being parsed */
	struct batch		*batches;	/* oldest first, uncommitted */
	struct evref		*evs;		/* events being answered */
	struct evref		*cur_ev;	/* on_message's, for out_push */
	const char		*cur_who;	/* its sender, likewise */
	int			 stopping;
	int			 gone;		/* removed by a reload */
};

struct matrix {
	struct adapter		 ad;
	struct loop		*loop;
	struct state		*st;
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

/* delay for the n-th failure in a row (policy.h: one backoff for every
 * adapter) */
static long
backoff_ms(const struct config_matrix *cf, int n)
{
	return policy_backoff_ms(cf->reconnect_min, cf->reconnect_max, n);
}

/*
 * The JSON of an answer that is not a sync, or NULL.  A body past
 * MX_SMALL_BODY_MAX is not parsed at all: this is also what reads the
 * error of a failed sync, which may be the big answer itself.
 */
static cJSON *
parse_small(const struct http_result *r)
{
	if (r->len > MX_SMALL_BODY_MAX)
		return NULL;
	return cJSON_ParseWithLength(r->body, r->len);
}

/* The server's delay for a 429: Retry-After, else retry_after_ms. */
static long
retry_delay(const struct http_result *r, const struct config_matrix *cf,
    int fails)
{
	cJSON *j;
	const cJSON *v;
	long ms = r->retry_after_ms;

	if (ms < 0 && (j = parse_small(r)) != NULL) {
		v = cJSON_GetObjectItemCaseSensitive(j, "retry_after_ms");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0)
			ms = v->valuedouble > HTTP_RETRY_AFTER_MAX_MS ?
			    HTTP_RETRY_AFTER_MAX_MS :
			    (long)v->valuedouble;
		cJSON_Delete(j);
	}
	return ms >= 0 ? ms + 50 : backoff_ms(cf, fails);
}

/* "M_FORBIDDEN: why" from an error body, for the log. */
static void
errcode(const struct http_result *r, char *out, size_t n)
{
	cJSON *j = parse_small(r);
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

static void
batch_free(struct batch *b)
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
		batch_free(b);
	}
}

/*
 * The parsed batch b (with its position) joins the list.  A batch before
 * it that is done but waits behind an older one is merged into b (b's
 * values win): the list stays as short as the number of batches with
 * requests pending, however long one room retries.
 */
static void
batch_close(struct mx *x, struct batch *b)
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
		batch_free(t);
		*pp = NULL;
	}
	for (pp = &x->batches; *pp; pp = &(*pp)->next)
		;
	*pp = b;
	batch_advance(x);
}

static void
batch_set(struct mx *x, const char *key, const char *value)
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
static char *
batch_get(struct mx *x, const char *key)
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
static int
batch_has_id(struct mx *x, const char *id)
{
	const struct evref *e;

	for (e = x->evs; e; e = e->next)
		if (strcmp(e->id, id) == 0)
			return 1;
	return state_seen(x->m->st, x->scope, id);
}

static struct evref *
ev_new(struct mx *x, const char *id)
{
	struct evref *e = xcalloc(1, sizeof(*e));

	e->id = xstrdup(id);
	e->refs = 1;		/* the caller's, until ev_release */
	e->next = x->evs;
	x->evs = e;
	return e;
}

/* Drops one reference; the last marks the event handled and frees it. */
static void	ev_release(struct mx *, struct evref *);

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
static void
ev_drop(struct mx *x, struct evref *e)
{
	if (e->refs > 1)
		ev_release(x, e);
	else
		ev_forget(x, e);
}

static void
ev_release(struct mx *x, struct evref *e)
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

	if (q->head || q->req || q->timer)
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
static void
out_push(struct mx *x, const char *method, struct buf *path, char *body,
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
	q = roomq_get(x, room);
	free(room);
	*q->tail = o;
	q->tail = &o->next;
	x->nout++;
	out_kick(x);
}

/* The head of q is done, accepted or refused for good. */
static void
out_done(struct mx *x, struct roomq *q)
{
	struct out *o = q->head;

	if ((q->head = o->next) == NULL)
		q->tail = &q->head;
	q->fails = 0;
	x->nout--;
	if (o->ev)
		ev_release(x, o->ev);
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
	out_kick(q->x);
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
		out_done(x, q);
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
			ms = retry_delay(r, &x->cf, q->fails);
		else if (soon)
			ms = MX_RETRY_SOON_MS + random() % (MX_RETRY_SOON_MS / 4);
		else
			ms = backoff_ms(&x->cf, q->fails ? q->fails - 1 : 0);
		q->fails++;
		errcode(r, why, sizeof(why));
		if (soon)
			log_info("matrix %s: %s: %s; retrying in %ld ms",
			    x->cf.name, o->what, why, ms);
		else
			log_warn("matrix %s: %s: %s; retrying in %ld ms",
			    x->cf.name, o->what, why, ms);
		q->timer = loop_add_timer(x->m->loop, ms, on_out_timer, q);
	} else {
		errcode(r, why, sizeof(why));
		log_error("matrix %s: %s: %s; dropped, not retried",
		    x->cf.name, o->what, why);
		out_done(x, q);
	}
	out_kick(x);
	/* a sync paused by a full queue goes on */
	if (!x->stopping && x->phase == PH_SYNC)
		ctl_next(x);
}

/*
 * Starts the head of every idle room queue while its lane has a free
 * slot.  A room that starts moves to the end of the list, so that busy
 * rooms take turns.
 */
static void
out_kick(struct mx *x)
{
	struct roomq **pp, *q, *started = NULL, **stail = &started;
	struct buf u = {0};
	struct out *o;

	if (x->token == NULL || x->http == NULL)
		return;
	for (pp = &x->rooms; (q = *pp) != NULL; ) {
		o = q->head;
		if (o == NULL || q->req || q->timer ||
		    x->inflight[o->lane] >= lane_max[o->lane]) {
			pp = &q->next;
			continue;
		}
		url(x, &u, o->path);
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
static int
queued_for(const struct mx *x, const char *who)
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
static int
queued_in(const struct mx *x, const char *room)
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
	/* the answer and an owner action's requests (made inside
	 * bot_answer, through matrix_act) hold the event: it is marked
	 * handled when the last of them is done */
	x->cur_ev = ev_new(x, q->event_id);
	if (!bot_answer(m->ad.bot, &m->ad, &msg, &m->ans)) {
		ev_drop(x, x->cur_ev);	/* chatter: nothing to remember */
		x->cur_ev = NULL;
		return;
	}
	log_debug("matrix %s: question %s in %s", x->cf.name, q->event_id,
	    q->room_id);
	/*
	 * One sender's answers may wait, behind the homeserver's rate
	 * limit, only up to MX_SENDER_MAX: past that the new one is
	 * dropped (its event counts as handled), as IRC's lane cap does,
	 * so no one person fills the queue to MX_OUT_MAX, where /sync
	 * pauses for every room.  Nor does one room, however many people
	 * ask in it: MX_ROOM_MAX answers wait there at most.
	 */
	if (queued_for(x, q->sender) >= MX_SENDER_MAX)
		log_debug("matrix %s: %d answers already wait for %s; %s "
		    "dropped", x->cf.name, MX_SENDER_MAX, q->sender,
		    q->event_id);
	else if (queued_in(x, q->room_id) >= MX_ROOM_MAX)
		log_debug("matrix %s: %d answers already wait in %s; %s "
		    "dropped", x->cf.name, MX_ROOM_MAX, q->room_id,
		    q->event_id);
	else {
		x->cur_who = q->sender;
		send_answer(x, q, &m->ans);
		x->cur_who = NULL;
	}
	ev_release(x, x->cur_ev);
	x->cur_ev = NULL;
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
	cJSON *c;

	if (!invite_allowed(&x->cf, sender)) {
		/*
		 * Rejected with a reason on the leave (a client shows "...
		 * rejected the invite: REASON" to the inviter) rather than
		 * joining to post a notice and leaving: simpler, and the bot
		 * never appears in a room it was not allowed into.
		 */
		log_info("matrix %s: invite to %s from %s declined (not in "
		    "invite_from)", x->cf.name, room, sender);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "reason", DECLINE_REASON);
		buf_puts(&path, API "/rooms/");
		http_escape(&path, room);
		buf_puts(&path, "/leave");
		buf_printf(&what, "decline the invite to %s", room);
		out_push(x, "POST", &path, cJSON_PrintUnformatted(c),
		    buf_str(&what));
		cJSON_Delete(c);
		buf_free(&what);
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

	if (x->first_sync)
		return;		/* history before our first start */
	/* once per room, for good: the key is committed with the batch, so
	 * a restart (or a replay of this sync) finds it */
	room_key(key, sizeof(key), "encrypted_notice", room);
	if ((told = batch_get(x, key)) != NULL) {
		free(told);
		return;
	}
	batch_set(x, key, "1");
	log_info("matrix %s: an encrypted message in %s that I cannot read; "
	    "saying so once", x->cf.name, room);
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

static long
on_ctl_timer(struct loop *l, void *ctx)
{
	struct mx *x = ctx;

	(void)l;
	x->ctl_timer = 0;
	ctl_next(x);
	return LOOP_NOMORE;
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
	j = r->status == 200 ? parse_small(r) : NULL;
	if (j == NULL || !cJSON_IsString(t = cJSON_GetObjectItemCaseSensitive(
	    j, "access_token"))) {
		errcode(r, why, sizeof(why));
		cJSON_Delete(j);
		fatal(x, "login failed; check user_id and password", why);
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
	out_kick(x);	/* what waited for a token while we logged in */
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
	j = r->status == 200 ? parse_small(r) : NULL;
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
		out_push(x, "POST", &path, xstrdup("{}"), buf_str(&what));
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
	if (r->status == 200 && (j = parse_small(r)) != NULL) {
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
	ctl_next(x);
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
	int big;

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
	next = mxsync_parse(r->body, r->len, x->self, &sync_cb, x, &big, err,
	    sizeof(err));
	x->open = NULL;
	if (next == NULL) {
		/* refused before any callback: the batch is empty (nothing
		 * points to it) */
		batch_free(b);
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
	batch_close(x, b);
	/* the next sync does not wait for this batch's answers */
	if (!x->stopping)
		ctl_next(x);
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
	x->phase = x->token ? PH_WHOAMI : PH_LOGIN;
	x->catching_up = 1;
	ctl_next(x);
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

		struct roomq *q;
		struct batch *b;
		struct evref *e;
		struct out *o;

		if (x->ctl_timer)
			loop_del_timer(m->loop, x->ctl_timer);
		/* what is still queued is lost here, and so was never
		 * marked handled nor its batch committed: the next start
		 * answers it */
		http_free(x->http);
		while ((q = x->rooms) != NULL) {
			x->rooms = q->next;
			if (q->timer)
				loop_del_timer(m->loop, q->timer);
			while ((o = q->head) != NULL) {
				q->head = o->next;
				out_free(o);
			}
			free(q->room);
			free(q);
		}
		while ((b = x->batches) != NULL) {
			x->batches = b->next;
			batch_free(b);
		}
		while ((e = x->evs) != NULL) {
			x->evs = e->next;
			free(e->id);
			free(e);
		}
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
	out_push(x, "PUT", &path, cJSON_PrintUnformatted(c), buf_str(&what));
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
