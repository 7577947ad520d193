/*
 * mx_e2ee.c -- end-to-end encryption on the network (see mx_e2ee.h).
 *
 * A prepare walks one room through its steps, each a request whose
 * answer the Olm machine reads:
 *   members   GET /rooms/R/joined_members (every time: a member who
 *             left must not get the next key, one who joined must);
 *   settings  GET /rooms/R/state/m.room.encryption/ (once a run): the
 *             room's rotation periods;
 *   query     POST /keys/query for the members whose devices are not
 *             known or changed;
 *   claim     POST /keys/claim for devices without an Olm session;
 *   share     PUT /sendToDevice/m.room.encrypted/TXN with the room key
 *             for the devices that lack it.
 * A step with nothing to do is skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>

#include "json.h"
#include "log.h"
#include "mx_e2ee_int.h"


static void	prep_next(struct prep *);

static long long
now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void
mxe_url(struct mxe *e, struct buf *b, const char *path)
{
	buf_reset(b);
	buf_puts(b, e->base);
	buf_puts(b, path);
}

struct mxe *
mxe_new(struct http *h, const char *base, const char *name, struct mxc *c,
    const struct mxe_ops *ops, void *ctx)
{
	struct mxe *e = xcalloc(1, sizeof(*e));

	e->http = h;
	e->base = xstrdup(base);
	e->name = xstrdup(name);
	e->mxc = c;
	e->ops = *ops;
	e->ctx = ctx;
	return e;
}

static void
prep_free(struct prep *p)
{
	int i;

	for (i = 0; i < p->nusers; i++)
		free(p->users[i]);
	free(p->users);
	free(p->room);
	free(p);
}

void
mxe_free(struct mxe *e)
{
	struct settings *s, *sn;
	struct prep *p, *pn;
	int i;

	if (e == NULL)
		return;
	if (e->upload)
		http_cancel(e->http, e->upload);
	for (i = 0; i < MXE_CANCELS_MAX; i++)
		if (e->cancels[i])
			http_cancel(e->http, e->cancels[i]);
	mxe_xsign_free(e);
	for (p = e->preps; p; p = pn) {
		pn = p->next;
		if (p->req)
			http_cancel(e->http, p->req);
		prep_free(p);
	}
	for (s = e->settings; s; s = sn) {
		sn = s->next;
		free(s->room);
		free(s);
	}
	for (i = 0; i < e->nfed; i++)
		free(e->fed[i]);
	mxc_free(e->mxc);
	if (e->password)
		explicit_bzero(e->password, strlen(e->password));
	free(e->password);
	free(e->recovery_file);
	free(e->token);
	free(e->base);
	free(e->name);
	free(e);
}

void
mxe_set_token(struct mxe *e, const char *token)
{
	free(e->token);
	e->token = xstrdup(token);
}

void
mxe_set_auth(struct mxe *e, const char *password, const char *recovery_file)
{
	if (e->password)
		explicit_bzero(e->password, strlen(e->password));
	free(e->password);
	free(e->recovery_file);
	e->password = password ? xstrdup(password) : NULL;
	e->recovery_file = recovery_file ? xstrdup(recovery_file) : NULL;
}

struct mxc *
mxe_machine(struct mxe *e)
{
	return e->mxc;
}

/* ---- our keys ---- */

static void
on_upload(const struct http_result *r, void *ctx)
{
	struct mxe *e = ctx;
	char err[MXC_ERR_MAX];

	e->upload = NULL;
	if (r->status != 200) {
		/* the keys stay unpublished: the next sync's counts bring
		 * the upload back */
		log_warn("matrix %s: keys/upload failed (HTTP %ld%s%.200s)",
		    e->name, r->status, r->status ? ": " : "",
		    r->status ? r->body : r->error ? r->error : "");
		return;
	}
	if (mxc_uploaded(e->mxc, r->body, err, sizeof(err)) == -1)
		log_error("matrix %s: %s", e->name, err);
	else {
		log_info("matrix %s: encryption keys uploaded for device %s",
		    e->name, mxc_device_id(e->mxc));
		mxe_xsign_start(e);	/* the device is on the server */
	}
	if (e->upload_again) {
		e->upload_again = 0;
		mxe_upload(e);
	}
}

void
mxe_upload(struct mxe *e)
{
	struct buf u = {0}, b = {0};

	if (e->token == NULL)
		return;
	if (e->upload) {
		e->upload_again = 1;
		return;
	}
	if (mxc_upload_body(e->mxc, &b) == 1) {
		mxe_url(e, &u, API "/keys/upload");
		e->upload = http_request(e->http, "POST", buf_str(&u), e->token,
		    buf_str(&b), MXE_TIMEOUT_MS, on_upload, e);
	} else
		mxe_xsign_start(e);	/* the device keys were uploaded */
	buf_free(&u);
	buf_free(&b);
}

void
mxe_key_counts(struct mxe *e, long otk, int fallback_unused)
{
	/* while an upload is out, the counts are the old ones */
	if (e->upload == NULL && mxc_key_counts(e->mxc, otk, fallback_unused))
		mxe_upload(e);
}

void
mxe_device_lists(struct mxe *e, const cJSON *changed, const cJSON *left)
{
	const cJSON *u;

	cJSON_ArrayForEach(u, changed)
		if (cJSON_IsString(u))
			mxc_devices_changed(e->mxc, u->valuestring);
	/* no room in common any more: the list would go stale unseen */
	cJSON_ArrayForEach(u, left)
		if (cJSON_IsString(u))
			mxc_devices_changed(e->mxc, u->valuestring);
}

/* ---- reading ---- */

static int
was_fed(struct mxe *e, const char *id)
{
	int i;

	for (i = 0; i < e->nfed; i++)
		if (strcmp(e->fed[i], id) == 0)
			return 1;
	return 0;
}

static void
fed(struct mxe *e, const char *id)
{
	if (e->nfed == MXE_FED_MAX) {
		free(e->fed[0]);
		memmove(e->fed, e->fed + 1, sizeof(e->fed[0]) *
		    (MXE_FED_MAX - 1));
		e->nfed--;
	}
	e->fed[e->nfed++] = xstrdup(id);
}

/* A waiting event (again): fed once its key is there, forgotten once
 * handled or undecryptable. */
static void
retry_one(const char *room, const cJSON *ev, void *ctx)
{
	struct mxe *e = ctx;
	const char *id = json_str(ev, "event_id");
	char err[MXC_ERR_MAX];
	cJSON *clear;
	int rc;

	if (id == NULL || e->ops.handled(id, e->ctx)) {
		if (id)
			mxc_unwait(e->mxc, id);
		return;
	}
	if (was_fed(e, id))
		return;		/* being answered */
	rc = mxc_decrypt(e->mxc, room, ev, &clear, err, sizeof(err));
	if (rc == MXC_NO_KEY)
		return;
	if (rc == MXC_BAD) {
		log_warn("matrix %s: encrypted event dropped: %s", e->name, err);
		mxc_unwait(e->mxc, id);
		return;
	}
	log_debug("matrix %s: %s decrypted after its room key came", e->name,
	    id);
	fed(e, id);
	e->ops.feed(room, clear, e->ctx);
	cJSON_Delete(clear);
	/* nothing to answer (chatter): nothing to keep */
	if (e->ops.handled(id, e->ctx))
		mxc_unwait(e->mxc, id);
}

static void
on_cancel(const struct http_result *r, void *ctx)
{
	struct http_req **slot = ctx;

	*slot = NULL;
	if (r->status != 200)
		log_warn("matrix: a verification cancel was not sent (HTTP "
		    "%ld)", r->status);
}

/* Whether s is an id we put in a request: a string, not too long. */
static int
id_ok(const char *s)
{
	return s && *s && strlen(s) <= MXE_VERIFY_ID_MAX;
}

/*
 * A verification request (to-device) declined at once, as the spec
 * lets either side: m.key.verification.cancel with code m.user to the
 * device that asked, so the person's client does not wait for an
 * answer that never comes.  The bot verifies no one (README, Trust).
 */
static void
decline(struct mxe *e, const cJSON *ev)
{
	const char *sender = json_str(ev, "sender");
	const cJSON *c = json_obj(ev, "content");
	const char *dev = json_str(c, "from_device");
	const char *txn = json_str(c, "transaction_id");
	struct buf u = {0}, path = {0};
	cJSON *b, *m;
	char id[33], *s;
	unsigned char rnd[16];
	int i, slot = -1;

	if (!id_ok(sender) || !id_ok(dev) || !id_ok(txn)) {
		log_warn("matrix %s: a verification request without sender, "
		    "from_device or transaction_id ignored", e->name);
		return;
	}
	for (i = 0; i < MXE_CANCELS_MAX; i++)
		if (e->cancels[i] == NULL) {
			slot = i;
			break;
		}
	log_info("matrix %s: a verification request from %s (device %.64s) "
	    "declined: the bot verifies no one (README)", e->name, sender,
	    dev);
	if (slot == -1 || e->token == NULL)
		return;		/* a flood: the rest go unanswered */
	b = cJSON_CreateObject();
	m = cJSON_AddObjectToObject(cJSON_AddObjectToObject(
	    cJSON_AddObjectToObject(b, "messages"), sender), dev);
	cJSON_AddStringToObject(m, "transaction_id", txn);
	cJSON_AddStringToObject(m, "code", "m.user");
	cJSON_AddStringToObject(m, "reason", "This is a bot: it does not "
	    "verify devices. Its device is signed by its own account.");
	s = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		memset(rnd, 0, sizeof(rnd));
	for (i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
	buf_printf(&path, API "/sendToDevice/m.key.verification.cancel/%s",
	    id);
	mxe_url(e, &u, buf_str(&path));
	e->cancels[slot] = http_request(e->http, "PUT", buf_str(&u), e->token,
	    s, MXE_TIMEOUT_MS, on_cancel, &e->cancels[slot]);
	free(s);
	buf_free(&u);
	buf_free(&path);
}

void
mxe_to_device(struct mxe *e, const cJSON *ev)
{
	struct mxc_room_key rk;
	char err[MXC_ERR_MAX];
	const char *type = json_str(ev, "type");
	int rc;

	err[0] = '\0';
	rc = mxc_to_device(e->mxc, ev, &rk, err, sizeof(err));
	if (rc == -1) {
		log_warn("matrix %s: to-device %s from %s dropped: %s", e->name,
		    type ? type : "event", json_str(ev, "sender") ?
		    json_str(ev, "sender") : "?", err);
		return;
	}
	if (rc == 1) {
		log_debug("matrix %s: room key %s for %s", e->name,
		    rk.session_id, rk.room_id);
		mxc_waiting(e->mxc, rk.room_id, rk.session_id, retry_one, e);
	} else if (type && (strcmp(type, "m.key.verification.request") ==
	    0 || strcmp(type, "m.key.verification.start") == 0))
		decline(e, ev);
}

void
mxe_encrypted(struct mxe *e, const char *room, const cJSON *ev)
{
	char err[MXC_ERR_MAX];
	const char *id = json_str(ev, "event_id");
	cJSON *clear;
	int rc;

	err[0] = '\0';
	rc = mxc_decrypt(e->mxc, room, ev, &clear, err, sizeof(err));
	if (rc == MXC_OK) {
		e->ops.feed(room, clear, e->ctx);
		cJSON_Delete(clear);
	} else if (rc == MXC_NO_KEY) {
		if (id && e->ops.handled(id, e->ctx))
			return;		/* a replayed sync */
		if (mxc_wait(e->mxc, room, ev, err, sizeof(err)) == -1)
			log_warn("matrix %s: encrypted event dropped: %s",
			    e->name, err);
		else
			log_debug("matrix %s: %s waits for its room key",
			    e->name, id ? id : "?");
	} else
		log_warn("matrix %s: encrypted event dropped: %s", e->name,
		    err);
}

void
mxe_after_sync(struct mxe *e, time_t now)
{
	mxe_xsign_tick(e, now);
	mxc_expire(e->mxc, now);
	mxc_waiting(e->mxc, NULL, NULL, retry_one, e);
}

/* ---- writing: a room made ready ---- */

static struct settings *
settings_of(struct mxe *e, const char *room)
{
	struct settings *s;

	for (s = e->settings; s; s = s->next)
		if (strcmp(s->room, room) == 0)
			return s;
	return NULL;
}

static void
prep_end(struct prep *p, int ok)
{
	struct mxe *e = p->e;
	struct prep **pp;

	for (pp = &e->preps; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	p->done(p->ctx, ok);
	prep_free(p);
}

static void
prep_fail(struct prep *p, const char *step, const struct http_result *r)
{
	log_warn("matrix %s: %s for %s failed (HTTP %ld%s%.200s); the answer "
	    "waits", p->e->name, step, p->room, r ? r->status : 0L,
	    r && r->status ? ": " : "", r && r->status ? r->body :
	    r && r->error ? r->error : "");
	prep_end(p, 0);
}

static void
on_members(const struct http_result *r, void *ctx)
{
	struct prep *p = ctx;
	const cJSON *j, *u;
	cJSON *root;
	int n = 0;

	p->req = NULL;
	if (r->status != 200 || (root = cJSON_Parse(r->body)) == NULL) {
		prep_fail(p, "joined_members", r);
		return;
	}
	if ((j = json_obj(root, "joined")) != NULL) {
		cJSON_ArrayForEach(u, j)
			n++;
		if (n > MXE_MEMBERS_MAX)
			n = MXE_MEMBERS_MAX;
		p->users = xcalloc((size_t)n + 1, sizeof(*p->users));
		cJSON_ArrayForEach(u, j)
			if (p->nusers < n && u->string)
				p->users[p->nusers++] = xstrdup(u->string);
	}
	cJSON_Delete(root);
	p->step = ST_SETTINGS;
	prep_next(p);
}

static void
on_settings(const struct http_result *r, void *ctx)
{
	struct prep *p = ctx;
	struct settings *s;
	const cJSON *v;
	cJSON *j;

	p->req = NULL;
	if (r->status != 200 && r->status != 404) {
		prep_fail(p, "m.room.encryption", r);
		return;
	}
	s = xcalloc(1, sizeof(*s));
	s->room = xstrdup(p->room);
	s->msgs = MXC_ROTATE_MSGS;
	s->ms = MXC_ROTATE_MS;
	if (r->status == 200 && (j = cJSON_Parse(r->body)) != NULL) {
		if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(j,
		    "rotation_period_msgs")) && v->valuedouble >= 1 &&
		    v->valuedouble <= 1e6)
			s->msgs = (long)v->valuedouble;
		if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(j,
		    "rotation_period_ms")) && v->valuedouble >= 1000 &&
		    v->valuedouble <= 1e12)
			s->ms = (long long)v->valuedouble;
		cJSON_Delete(j);
	}
	s->next = p->e->settings;
	p->e->settings = s;
	p->step = ST_QUERY;
	prep_next(p);
}

static void
on_query(const struct http_result *r, void *ctx)
{
	struct prep *p = ctx;
	char err[MXC_ERR_MAX];

	p->req = NULL;
	if (r->status != 200 || mxc_query_result(p->e->mxc, r->body, err,
	    sizeof(err)) == -1) {
		prep_fail(p, "keys/query", r);
		return;
	}
	p->step = ST_CLAIM;
	prep_next(p);
}

static void
on_claim(const struct http_result *r, void *ctx)
{
	struct prep *p = ctx;
	char err[MXC_ERR_MAX];

	p->req = NULL;
	if (r->status != 200 || mxc_claim_result(p->e->mxc, r->body, err,
	    sizeof(err)) == -1) {
		prep_fail(p, "keys/claim", r);
		return;
	}
	/* a device with no key left gets none now, and the room key is
	 * not held back for it */
	p->step = ST_SHARE;
	prep_next(p);
}

static void
on_share(const struct http_result *r, void *ctx)
{
	struct prep *p = ctx;

	p->req = NULL;
	if (r->status != 200) {
		prep_fail(p, "sendToDevice", r);
		return;
	}
	mxc_shared(p->e->mxc, p->room);
	p->step = ST_DONE;
	prep_next(p);
}

static void
prep_next(struct prep *p)
{
	struct mxe *e = p->e;
	struct buf u = {0}, path = {0}, b = {0};
	const struct settings *s;
	const char *const *users = (const char *const *)p->users;
	char err[MXC_ERR_MAX], txn[33];
	unsigned char rnd[16];
	int i;

	for (;;) {
		switch (p->step) {
		case ST_MEMBERS:
			buf_puts(&path, API "/rooms/");
			http_escape(&path, p->room);
			buf_puts(&path, "/joined_members");
			mxe_url(e, &u, buf_str(&path));
			p->req = http_request(e->http, "GET", buf_str(&u),
			    e->token, NULL, MXE_TIMEOUT_MS, on_members, p);
			goto out;
		case ST_SETTINGS:
			if (settings_of(e, p->room)) {
				p->step = ST_QUERY;
				continue;
			}
			buf_puts(&path, API "/rooms/");
			http_escape(&path, p->room);
			buf_puts(&path, "/state/m.room.encryption/");
			mxe_url(e, &u, buf_str(&path));
			p->req = http_request(e->http, "GET", buf_str(&u),
			    e->token, NULL, MXE_TIMEOUT_MS, on_settings, p);
			goto out;
		case ST_QUERY:
			if (mxc_query_body(e->mxc, users, p->nusers, &b) == 0) {
				p->step = ST_CLAIM;
				continue;
			}
			mxe_url(e, &u, API "/keys/query");
			p->req = http_request(e->http, "POST", buf_str(&u),
			    e->token, buf_str(&b), MXE_TIMEOUT_MS, on_query, p);
			goto out;
		case ST_CLAIM:
			if (mxc_claim_body(e->mxc, users, p->nusers, &b) == 0) {
				p->step = ST_SHARE;
				continue;
			}
			mxe_url(e, &u, API "/keys/claim");
			p->req = http_request(e->http, "POST", buf_str(&u),
			    e->token, buf_str(&b), MXE_TIMEOUT_MS, on_claim, p);
			goto out;
		case ST_SHARE:
			s = settings_of(e, p->room);
			i = mxc_share_body(e->mxc, p->room, users, p->nusers,
			    s ? s->msgs : MXC_ROTATE_MSGS, s ? s->ms :
			    MXC_ROTATE_MS, now_ms(), &b, err, sizeof(err));
			if (i == -1) {
				log_error("matrix %s: no Megolm session for "
				    "%s: %s", e->name, p->room, err);
				prep_end(p, 0);
				goto out;
			}
			if (i == 0) {
				p->step = ST_DONE;
				continue;
			}
			if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
				memset(rnd, 0, sizeof(rnd));
			for (i = 0; i < 16; i++)
				snprintf(txn + 2 * i, 3, "%02x", rnd[i]);
			buf_printf(&path, API "/sendToDevice/m.room.encrypted/"
			    "%s", txn);
			mxe_url(e, &u, buf_str(&path));
			p->req = http_request(e->http, "PUT", buf_str(&u),
			    e->token, buf_str(&b), MXE_TIMEOUT_MS, on_share, p);
			goto out;
		case ST_DONE:
			prep_end(p, 1);
			goto out;
		}
	}
out:
	/* the bodies held room keys */
	if (b.s)
		explicit_bzero(b.s, b.len);
	buf_free(&b);
	buf_free(&u);
	buf_free(&path);
}

void
mxe_prepare(struct mxe *e, const char *room, mxe_done_fn *done, void *ctx)
{
	struct prep *p = xcalloc(1, sizeof(*p));

	p->e = e;
	p->room = xstrdup(room);
	p->done = done;
	p->ctx = ctx;
	p->step = ST_MEMBERS;
	p->next = e->preps;
	e->preps = p;
	prep_next(p);	/* the members step always asks: done comes later */
}

void
mxe_cancel(struct mxe *e, void *ctx)
{
	struct prep **pp, *p;

	for (pp = &e->preps; (p = *pp) != NULL; )
		if (p->ctx == ctx) {
			*pp = p->next;
			if (p->req)
				http_cancel(e->http, p->req);
			prep_free(p);
		} else
			pp = &p->next;
}

int
mxe_encrypt(struct mxe *e, const char *room, const char *type,
    const char *content, struct buf *out, char *err, size_t errlen)
{
	cJSON *c = cJSON_Parse(content);
	int rc;

	if (c == NULL) {
		snprintf(err, errlen, "not JSON");
		return -1;
	}
	rc = mxc_encrypt(e->mxc, room, type, c, out, err, errlen);
	cJSON_Delete(c);
	return rc;
}
