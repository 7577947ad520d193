/*
 * mx_share.c -- the writing half of the Olm machine (mx_crypto.h): the
 * devices of the people in encrypted rooms (/keys/query), Olm sessions
 * to them (/keys/claim), the room's outbound Megolm session shared with
 * every device over Olm (/sendToDevice) before its first use, rotated
 * when a device it went to is no longer in the room, and the answers
 * encrypted with it.
 *
 * In the store (state.h, crypto table, under the account's scope):
 *   devlist   USER -> "ok" once queried, "stale" when it changed;
 *   device    USER|DEVICE -> {"curve":..,"ed":..}, its verified keys;
 *   outbound  ROOM -> {"pickle","created","shared":[USER|DEVICE..],
 *             "pending":[..]}: the session, when it was made, and which
 *             devices have (or are being sent) its key.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "mx_crypto.h"
#include "mx_crypto_int.h"

#define DEVICE_ID_MAX	256	/* bytes of a user|device row id */

/* ---- device lists ---- */

void
mxc_devices_changed(struct mxc *x, const char *user)
{
	char *v = state_crypto_get(x->st, x->scope, "devlist", user);

	if (v)	/* only lists we track */
		state_crypto_put(x->st, x->scope, "devlist", user, "stale");
	free(v);
}

int
mxc_query_body(struct mxc *x, const char *const *users, int n,
    struct buf *out)
{
	cJSON *b = cJSON_CreateObject(), *dk = cJSON_AddObjectToObject(b,
	    "device_keys");
	char *v, *s;
	int i, want = 0;

	for (i = 0; i < n; i++) {
		v = state_crypto_get(x->st, x->scope, "devlist", users[i]);
		if ((v == NULL || strcmp(v, "ok") != 0) &&
		    !cJSON_GetObjectItemCaseSensitive(dk, users[i])) {
			cJSON_AddArrayToObject(dk, users[i]);
			want++;
		}
		free(v);
	}
	if (want) {
		s = cJSON_PrintUnformatted(b);
		buf_puts(out, s);
		free(s);
	}
	cJSON_Delete(b);
	return want > 0;
}

/* A device's keys as /keys/query gives them: signed by its own Ed25519
 * key, for the user and device id it is listed under.  The keys into
 * curve and ed (VZ_KEY_SIZE each); -1 with why. */
static int
device_ok(const char *user, const char *dev, const cJSON *d, char *curve,
    char *ed, const char **why)
{
	const cJSON *keys = json_obj(d, "keys"), *sigs, *mine;
	const char *c, *e, *sig, *u = json_str(d, "user_id");
	const char *id = json_str(d, "device_id");
	char name[DEVICE_ID_MAX], err[VZ_ERR_MAX];
	struct buf b = {0};
	cJSON *copy;
	int rc;

	*why = "not listed under its own user and device id";
	if (u == NULL || id == NULL || strcmp(u, user) || strcmp(id, dev) ||
	    keys == NULL)
		return -1;
	snprintf(name, sizeof(name), "curve25519:%s", dev);
	c = json_str(keys, name);
	snprintf(name, sizeof(name), "ed25519:%s", dev);
	e = json_str(keys, name);
	*why = "no curve25519 and ed25519 keys";
	if (c == NULL || e == NULL || strlen(c) >= VZ_KEY_SIZE ||
	    strlen(e) >= VZ_KEY_SIZE)
		return -1;
	*why = "not signed by its own key";
	if ((sigs = json_obj(d, "signatures")) == NULL ||
	    (mine = json_obj(sigs, user)) == NULL ||
	    (sig = json_str(mine, name)) == NULL)
		return -1;
	copy = cJSON_Duplicate(d, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	rc = mxc_canonical(copy, &b) == 0 && vz_ed25519_verify(e,
	    buf_str(&b), b.len, sig, err, sizeof(err)) == 0 ? 0 : -1;
	cJSON_Delete(copy);
	buf_free(&b);
	if (rc == 0) {
		strcpy(curve, c);
		strcpy(ed, e);
	}
	return rc;
}

struct forget {
	struct mxc	*x;
	const cJSON	*listed;	/* the user's devices in the answer */
	size_t		 skip;		/* strlen("USER|") */
};

/* A stored device of the user the answer no longer lists: removed. */
static int
forget_gone(const char *id, const char *value, long long at, void *ctx)
{
	struct forget *f = ctx;

	(void)value;
	(void)at;
	if (!cJSON_GetObjectItemCaseSensitive(f->listed, id + f->skip))
		state_crypto_del(f->x->st, f->x->scope, "device", id);
	return 0;
}

int
mxc_query_result(struct mxc *x, const char *body, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(body), *v;
	const cJSON *dk, *u, *d;
	char curve[VZ_KEY_SIZE], ed[VZ_KEY_SIZE], id[DEVICE_ID_MAX], *old;
	const char *why, *oe;
	struct forget f;
	int n = 0;

	if (j == NULL || (dk = json_obj(j, "device_keys")) == NULL) {
		snprintf(err, errlen, "keys/query: not an answer");
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(u, dk) {
		if (!cJSON_IsObject(u) || strlen(u->string) + 2 >= sizeof(id))
			continue;
		cJSON_ArrayForEach(d, u) {
			if (strcmp(d->string, x->device) == 0 &&
			    strcmp(u->string, x->user) == 0)
				continue;	/* our own device */
			if (snprintf(id, sizeof(id), "%s|%s", u->string,
			    d->string) >= (int)sizeof(id))
				continue;
			if (device_ok(u->string, d->string, d, curve, ed,
			    &why) == -1) {
				log_warn("%s: device %s of %s ignored: %s",
				    x->scope, d->string, u->string, why);
				continue;
			}
			/* a device id whose Ed25519 key changed is another
			 * device claiming its name: the first one stays */
			old = state_crypto_get(x->st, x->scope, "device", id);
			v = old ? cJSON_Parse(old) : NULL;
			oe = v ? json_str(v, "ed") : NULL;
			if (oe && strcmp(oe, ed) != 0) {
				log_warn("%s: device %s of %s changed its "
				    "Ed25519 key; ignored", x->scope,
				    d->string, u->string);
			} else {
				cJSON_Delete(v);
				v = cJSON_CreateObject();
				cJSON_AddStringToObject(v, "curve", curve);
				cJSON_AddStringToObject(v, "ed", ed);
				free(old);
				old = cJSON_PrintUnformatted(v);
				state_crypto_put(x->st, x->scope, "device", id,
				    old);
				n++;
			}
			cJSON_Delete(v);
			free(old);
		}
		snprintf(id, sizeof(id), "%s|", u->string);
		f.x = x;
		f.listed = u;
		f.skip = strlen(id);
		state_crypto_each(x->st, x->scope, "device", id, forget_gone,
		    &f);
		state_crypto_put(x->st, x->scope, "devlist", u->string, "ok");
	}
	cJSON_Delete(j);
	return n;
}

/* ---- Olm sessions to them ---- */

struct devs {
	struct mxc	*x;
	cJSON		*out;	/* user -> { device -> ... } */
	int		 n;
	int		 need_no_session;
	const char	*user;
};

static int
has_session(struct mxc *x, const char *curve)
{
	char prefix[VZ_KEY_SIZE + 1];

	snprintf(prefix, sizeof(prefix), "%s|", curve);
	return state_crypto_each(x->st, x->scope, "olm", prefix, NULL, NULL) >
	    0;
}

static int
each_claim(const char *id, const char *value, long long at, void *ctx)
{
	struct devs *d = ctx;
	cJSON *v = cJSON_Parse(value), *u;
	const char *curve = json_str(v, "curve"), *dev = strchr(id, '|');

	(void)at;
	if (curve && dev && !has_session(d->x, curve)) {
		if ((u = cJSON_GetObjectItemCaseSensitive(d->out, d->user)) ==
		    NULL)
			u = cJSON_AddObjectToObject(d->out, d->user);
		cJSON_AddStringToObject(u, dev + 1, "signed_curve25519");
		d->n++;
	}
	cJSON_Delete(v);
	return 0;
}

int
mxc_claim_body(struct mxc *x, const char *const *users, int n,
    struct buf *out)
{
	cJSON *b = cJSON_CreateObject();
	struct devs d;
	char prefix[DEVICE_ID_MAX], *s;
	int i;

	memset(&d, 0, sizeof(d));
	d.x = x;
	d.out = cJSON_AddObjectToObject(b, "one_time_keys");
	for (i = 0; i < n; i++) {
		if (snprintf(prefix, sizeof(prefix), "%s|", users[i]) >=
		    (int)sizeof(prefix))
			continue;
		d.user = users[i];
		state_crypto_each(x->st, x->scope, "device", prefix,
		    each_claim, &d);
	}
	cJSON_AddNumberToObject(b, "timeout", MXC_CLAIM_TIMEOUT_MS);
	if (d.n) {
		s = cJSON_PrintUnformatted(b);
		buf_puts(out, s);
		free(s);
	}
	cJSON_Delete(b);
	return d.n > 0;
}

/* The one-time key o (signed_curve25519: {key, signatures}) of a device
 * whose Ed25519 key is ed: 0 when its signature holds. */
static int
otk_ok(const char *user, const char *dev, const char *ed, const cJSON *o)
{
	const cJSON *sigs = json_obj(o, "signatures"), *mine;
	const char *sig;
	char name[DEVICE_ID_MAX], err[VZ_ERR_MAX];
	struct buf b = {0};
	cJSON *copy;
	int rc;

	snprintf(name, sizeof(name), "ed25519:%s", dev);
	if (sigs == NULL || (mine = json_obj(sigs, user)) == NULL ||
	    (sig = json_str(mine, name)) == NULL)
		return -1;
	copy = cJSON_Duplicate(o, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	rc = mxc_canonical(copy, &b) == 0 && vz_ed25519_verify(ed,
	    buf_str(&b), b.len, sig, err, sizeof(err)) == 0 ? 0 : -1;
	cJSON_Delete(copy);
	buf_free(&b);
	return rc;
}

/* One device's claimed key d (signed_curve25519:ID -> {key, ...}):
 * an Olm session to it when the device signed it; 1 if one was made. */
static int
claim_one(struct mxc *x, const char *user, const char *dev, const cJSON *d)
{
	const char *curve, *ed, *key;
	char id[DEVICE_ID_MAX], verr[VZ_ERR_MAX], *dv;
	const cJSON *k = cJSON_IsObject(d) ? d->child : NULL;
	struct vz_session *s;
	cJSON *v;
	int made = 0;

	if (snprintf(id, sizeof(id), "%s|%s", user, dev) >= (int)sizeof(id) ||
	    (dv = state_crypto_get(x->st, x->scope, "device", id)) == NULL)
		return 0;	/* not a device we asked for */
	v = cJSON_Parse(dv);
	free(dv);
	curve = json_str(v, "curve");
	ed = json_str(v, "ed");
	if (curve == NULL || ed == NULL || k == NULL || k->string == NULL ||
	    strncmp(k->string, "signed_curve25519:", 18) != 0 ||
	    (key = json_str(k, "key")) == NULL ||
	    otk_ok(user, dev, ed, k) == -1)
		log_warn("%s: no usable one-time key for device %s of %s",
		    x->scope, dev, user);
	else if ((s = vz_account_outbound_session(x->acct, curve, key, verr,
	    sizeof(verr))) == NULL)
		log_warn("%s: no Olm session to device %s of %s: %s",
		    x->scope, dev, user, verr);
	else {
		mxc_save_session(x, curve, s);
		vz_session_free(s);
		made = 1;
	}
	cJSON_Delete(v);
	return made;
}

int
mxc_claim_result(struct mxc *x, const char *body, char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(body);
	const cJSON *otks, *u, *d;
	int n = 0;

	if (j == NULL || (otks = json_obj(j, "one_time_keys")) == NULL) {
		snprintf(err, errlen, "keys/claim: not an answer");
		cJSON_Delete(j);
		return -1;
	}
	cJSON_ArrayForEach(u, otks) {
		if (!cJSON_IsObject(u) || u->string == NULL)
			continue;
		cJSON_ArrayForEach(d, u)
			if (d->string)
				n += claim_one(x, u->string, d->string, d);
	}
	cJSON_Delete(j);
	return n;
}

/* ---- the room's outbound session ---- */

struct pick {
	struct mxc		*x;
	struct vz_session	*s;	/* the newest that unpickles */
};

static int
pick_last(const char *id, const char *value, long long at, void *ctx)
{
	struct pick *p = ctx;
	char err[VZ_ERR_MAX];
	struct vz_session *s = vz_session_unpickle(value, p->x->key, err,
	    sizeof(err));

	(void)id;
	(void)at;
	if (s) {
		vz_session_free(p->s);
		p->s = s;
	}
	return 0;
}

/* The Olm content (m.room.encrypted) sealing plaintext for the device
 * with keys curve/ed, or NULL when there is no session to it. */
static cJSON *
seal(struct mxc *x, const char *curve, const char *plain)
{
	struct pick p = { x, NULL };
	char prefix[VZ_KEY_SIZE + 1], *ct, err[VZ_ERR_MAX];
	size_t n = vz_olm_encrypt_size(strlen(plain));
	cJSON *c = NULL, *to;
	int type;

	snprintf(prefix, sizeof(prefix), "%s|", curve);
	state_crypto_each(x->st, x->scope, "olm", prefix, pick_last, &p);
	if (p.s == NULL || n == 0)
		return NULL;
	ct = xmalloc(n);
	if (vz_session_encrypt(p.s, plain, strlen(plain), &type, ct, n, NULL,
	    err, sizeof(err)) == 0) {
		mxc_save_session(x, curve, p.s);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "algorithm", MXC_OLM);
		cJSON_AddStringToObject(c, "sender_key", x->curve);
		to = cJSON_AddObjectToObject(cJSON_AddObjectToObject(c,
		    "ciphertext"), curve);
		cJSON_AddNumberToObject(to, "type", type);
		cJSON_AddStringToObject(to, "body", ct);
	}
	free(ct);
	vz_session_free(p.s);
	return c;
}

/* The members' devices as USER|DEVICE -> {curve, ed}, in one object. */
struct collect {
	cJSON		*all;
};

static int
each_device(const char *id, const char *value, long long at, void *ctx)
{
	struct collect *c = ctx;

	(void)at;
	cJSON_AddItemToObject(c->all, id, cJSON_Parse(value));
	return 0;
}

static cJSON *
members_devices(struct mxc *x, const char *const *users, int n)
{
	struct collect c = { cJSON_CreateObject() };
	char prefix[DEVICE_ID_MAX];
	int i;

	for (i = 0; i < n; i++)
		if (snprintf(prefix, sizeof(prefix), "%s|", users[i]) <
		    (int)sizeof(prefix))
			state_crypto_each(x->st, x->scope, "device", prefix,
			    each_device, &c);
	return c.all;
}

static int
in_list(const cJSON *arr, const char *s)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
		if (cJSON_IsString(v) && strcmp(v->valuestring, s) == 0)
			return 1;
	return 0;
}

/* A new outbound session for room, shared with nobody yet. */
static cJSON *
new_outbound(struct mxc *x, long long now_ms, char *err, size_t errlen)
{
	struct vz_group *g = vz_group_new(err, errlen);
	char *p;
	cJSON *o;

	if (g == NULL)
		return NULL;
	p = xmalloc(PICKLE_MAX);
	if (vz_group_pickle(g, x->key, p, PICKLE_MAX, NULL, err, errlen) ==
	    -1) {
		free(p);
		vz_group_free(g);
		return NULL;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "pickle", p);
	cJSON_AddNumberToObject(o, "created", (double)now_ms);
	cJSON_AddArrayToObject(o, "shared");
	cJSON_AddArrayToObject(o, "pending");
	explicit_bzero(p, PICKLE_MAX);
	free(p);
	vz_group_free(g);
	return o;
}

static void
save_outbound(struct mxc *x, const char *room, const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	state_crypto_put(x->st, x->scope, "outbound", room, s);
	explicit_bzero(s, strlen(s));
	free(s);
}

/* The room's outbound session row, parsed, or NULL. */
static cJSON *
load_outbound(struct mxc *x, const char *room)
{
	char *s = state_crypto_get(x->st, x->scope, "outbound", room);
	cJSON *o = s ? cJSON_Parse(s) : NULL;

	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
	return o;
}

/* Whether the session o must go: too many messages, too old, or one of
 * the devices it went to is no longer a member's. */
static const char *
stale(struct mxc *x, const cJSON *o, const cJSON *devs, long rot_msgs,
    long long rot_ms, long long now_ms)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "created"), *d;
	const char *p = json_str(o, "pickle");
	struct vz_group *g;
	char err[VZ_ERR_MAX];
	uint32_t used;

	if (p == NULL || (g = vz_group_unpickle(p, x->key, err,
	    sizeof(err))) == NULL)
		return "unreadable";
	used = vz_group_index(g);
	vz_group_free(g);
	if (rot_msgs > 0 && used >= (uint32_t)rot_msgs)
		return "rotation_period_msgs";
	if (rot_ms > 0 && (!cJSON_IsNumber(c) ||
	    now_ms - (long long)c->valuedouble >= rot_ms))
		return "rotation_period_ms";
	cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "shared"))
		if (cJSON_IsString(d) &&
		    !cJSON_GetObjectItemCaseSensitive(devs, d->valuestring))
			return "a member or device left";
	return NULL;
}

int
mxc_share_body(struct mxc *x, const char *room, const char *const *users,
    int n, long rot_msgs, long long rot_ms, long long now_ms,
    struct buf *out, char *err, size_t errlen)
{
	cJSON *devs = members_devices(x, users, n), *o, *msgs, *pend, *d;
	cJSON *pl, *k, *u;
	const char *why, *curve, *ed;
	char key[1024], sid[VZ_ID_SIZE], *plain, *s, user[DEVICE_ID_MAX];
	struct vz_group *g;
	int count = 0;

	o = load_outbound(x, room);
	if (o && (why = stale(x, o, devs, rot_msgs, rot_ms, now_ms))) {
		log_info("%s: a new Megolm session for %s (%s)", x->scope,
		    room, why);
		cJSON_Delete(o);
		o = NULL;
	}
	if (o == NULL && (o = new_outbound(x, now_ms, err, errlen)) == NULL) {
		cJSON_Delete(devs);
		return -1;
	}
	g = vz_group_unpickle(json_str(o, "pickle"), x->key, err, errlen);
	if (g == NULL || vz_group_key(g, key, sizeof(key), NULL, err,
	    errlen) == -1 || vz_group_id(g, sid, sizeof(sid), NULL, err,
	    errlen) == -1) {
		vz_group_free(g);
		cJSON_Delete(o);
		cJSON_Delete(devs);
		return -1;
	}
	vz_group_free(g);
	/* pending: what the last body held, never confirmed; sent again */
	cJSON_DeleteItemFromObjectCaseSensitive(o, "pending");
	pend = cJSON_AddArrayToObject(o, "pending");
	msgs = cJSON_CreateObject();
	cJSON_ArrayForEach(d, devs) {
		const char *bar = strchr(d->string, '|');

		if (bar == NULL || in_list(cJSON_GetObjectItemCaseSensitive(o,
		    "shared"), d->string) || (size_t)(bar - d->string) >=
		    sizeof(user))
			continue;
		curve = json_str(d, "curve");
		ed = json_str(d, "ed");
		if (curve == NULL || ed == NULL)
			continue;
		memcpy(user, d->string, (size_t)(bar - d->string));
		user[bar - d->string] = '\0';
		pl = cJSON_CreateObject();
		cJSON_AddStringToObject(pl, "type", "m.room_key");
		k = cJSON_AddObjectToObject(pl, "content");
		cJSON_AddStringToObject(k, "algorithm", MXC_MEGOLM);
		cJSON_AddStringToObject(k, "room_id", room);
		cJSON_AddStringToObject(k, "session_id", sid);
		cJSON_AddStringToObject(k, "session_key", key);
		cJSON_AddStringToObject(pl, "sender", x->user);
		cJSON_AddStringToObject(pl, "sender_device", x->device);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(pl, "keys"),
		    "ed25519", x->ed);
		cJSON_AddStringToObject(pl, "recipient", user);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(pl,
		    "recipient_keys"), "ed25519", ed);
		plain = cJSON_PrintUnformatted(pl);
		cJSON_Delete(pl);
		k = seal(x, curve, plain);
		explicit_bzero(plain, strlen(plain));
		free(plain);
		if (k == NULL)
			continue;	/* no Olm session: no key for it */
		if ((u = cJSON_GetObjectItemCaseSensitive(msgs, user)) == NULL)
			u = cJSON_AddObjectToObject(msgs, user);
		cJSON_AddItemToObject(u, bar + 1, k);
		cJSON_AddItemToArray(pend, cJSON_CreateString(d->string));
		count++;
	}
	explicit_bzero(key, sizeof(key));
	save_outbound(x, room, o);
	cJSON_Delete(o);
	cJSON_Delete(devs);
	if (count == 0) {
		cJSON_Delete(msgs);
		return 0;
	}
	o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "messages", msgs);
	s = cJSON_PrintUnformatted(o);
	buf_puts(out, s);
	explicit_bzero(s, strlen(s));
	free(s);
	cJSON_Delete(o);
	return 1;
}

void
mxc_shared(struct mxc *x, const char *room)
{
	cJSON *o = load_outbound(x, room), *p, *sh, *d;

	if (o == NULL)
		return;
	p = cJSON_DetachItemFromObjectCaseSensitive(o, "pending");
	if ((sh = cJSON_GetObjectItemCaseSensitive(o, "shared")) == NULL)
		sh = cJSON_AddArrayToObject(o, "shared");
	cJSON_ArrayForEach(d, p)
		if (cJSON_IsString(d) && !in_list(sh, d->valuestring))
			cJSON_AddItemToArray(sh, cJSON_CreateString(
			    d->valuestring));
	cJSON_Delete(p);
	cJSON_AddArrayToObject(o, "pending");
	save_outbound(x, room, o);
	cJSON_Delete(o);
}

int
mxc_encrypt(struct mxc *x, const char *room, const char *type,
    const cJSON *content, struct buf *out, char *err, size_t errlen)
{
	cJSON *o = load_outbound(x, room), *pl, *c, *rel;
	struct vz_group *g;
	char sid[VZ_ID_SIZE], *plain, *ct, *p, *s;
	size_t n;
	int rc = -1;

	if (o == NULL) {
		snprintf(err, errlen, "no Megolm session for %s yet", room);
		return -1;
	}
	if ((g = vz_group_unpickle(json_str(o, "pickle"), x->key, err,
	    errlen)) == NULL) {
		cJSON_Delete(o);
		return -1;
	}
	pl = cJSON_CreateObject();
	cJSON_AddStringToObject(pl, "type", type);
	c = cJSON_Duplicate(content, 1);
	/* the relation stays in clear, for the server's threads and
	 * replies (spec: "m.relates_to" of encrypted events) */
	rel = cJSON_DetachItemFromObjectCaseSensitive(c, "m.relates_to");
	cJSON_AddItemToObject(pl, "content", c);
	cJSON_AddStringToObject(pl, "room_id", room);
	plain = cJSON_PrintUnformatted(pl);
	cJSON_Delete(pl);
	n = vz_megolm_encrypt_size(strlen(plain));
	ct = xmalloc(n ? n : 1);
	p = xmalloc(PICKLE_MAX);
	if (n && vz_group_encrypt(g, plain, strlen(plain), ct, n, NULL, err,
	    errlen) == 0 && vz_group_id(g, sid, sizeof(sid), NULL, err,
	    errlen) == 0 && vz_group_pickle(g, x->key, p, PICKLE_MAX, NULL,
	    err, errlen) == 0) {
		/* the index moved: saved before anyone sees the message,
		 * so a crash never sends two messages under one index */
		cJSON_ReplaceItemInObjectCaseSensitive(o, "pickle",
		    cJSON_CreateString(p));
		save_outbound(x, room, o);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "algorithm", MXC_MEGOLM);
		cJSON_AddStringToObject(c, "sender_key", x->curve);
		cJSON_AddStringToObject(c, "ciphertext", ct);
		cJSON_AddStringToObject(c, "session_id", sid);
		cJSON_AddStringToObject(c, "device_id", x->device);
		if (rel) {
			cJSON_AddItemToObject(c, "m.relates_to", rel);
			rel = NULL;
		}
		s = cJSON_PrintUnformatted(c);
		buf_puts(out, s);
		free(s);
		cJSON_Delete(c);
		rc = 0;
	}
	cJSON_Delete(rel);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	explicit_bzero(p, PICKLE_MAX);
	free(p);
	free(ct);
	vz_group_free(g);
	cJSON_Delete(o);
	return rc;
}
