/*
 * mx_decrypt.c -- the Olm machine's reading (see mx_crypto.h): to-device
 * Olm messages decrypted with the sender's sessions or a new inbound
 * one, the m.room_key they carry kept as an inbound Megolm session, and
 * timeline m.room.encrypted events decrypted with the spec's checks
 * (recipient, sender, room id, a replayed index).
 *
 * Every session lives only during one call: unpickled from the store,
 * used, pickled back and freed, so the store is the one truth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "log.h"
#include "mx_crypto.h"
#include "mx_crypto_int.h"

/* ---- Olm: to-device messages ---- */

struct olm_try {
	struct mxc	*x;
	const char	*sender_key;
	int		 type;
	const char	*body;
	char		*out;
	size_t		 outsz;
	size_t		 outlen;
	int		 done;
	int		 tried;
};

void
mxc_save_session(struct mxc *x, const char *sender_key, struct vz_session *s)
{
	char id[VZ_ID_SIZE], err[VZ_ERR_MAX], rowid[VZ_KEY_SIZE + VZ_ID_SIZE];
	char *p = xmalloc(PICKLE_MAX);

	if (vz_session_id(s, id, sizeof(id), NULL, err, sizeof(err)) == 0 &&
	    vz_session_pickle(s, x->key, p, PICKLE_MAX, NULL, err,
	    sizeof(err)) == 0) {
		snprintf(rowid, sizeof(rowid), "%s|%s", sender_key, id);
		state_crypto_put(x->st, x->scope, "olm", rowid, p);
	} else
		log_error("%s: an Olm session could not be saved: %s",
		    x->scope, err);
	explicit_bzero(p, PICKLE_MAX);
	free(p);
}

/* One stored session of the sender: decrypts with it when it can. */
static int
try_session(const char *id, const char *value, long long at, void *ctx)
{
	struct olm_try *t = ctx;
	struct vz_session *s;
	char err[VZ_ERR_MAX];

	(void)id;
	(void)at;
	if (t->tried++ >= MXC_SESSIONS_TRIED)
		return 1;
	if ((s = vz_session_unpickle(value, t->x->key, err, sizeof(err))) ==
	    NULL)
		return 0;
	/* a pre-key message goes to the session it names only */
	if ((t->type == VZ_OLM_PREKEY && vz_session_matches(s, t->body, err,
	    sizeof(err)) == 1) || t->type == VZ_OLM_NORMAL) {
		if (vz_session_decrypt(s, t->type, t->body, t->out, t->outsz,
		    &t->outlen, err, sizeof(err)) == 0) {
			mxc_save_session(t->x, t->sender_key, s);
			t->done = 1;
		}
	}
	vz_session_free(s);
	return t->done;
}

/* The Olm plaintext of content (for our curve key) into *plain
 * (malloc'd); -1 with err. */
static int
olm_decrypt(struct mxc *x, const cJSON *content, char **plain, char *err,
    size_t errlen)
{
	const cJSON *cts, *mine, *ty;
	const char *alg = json_str(content, "algorithm");
	const char *sk = json_str(content, "sender_key"), *body;
	struct olm_try t;
	struct vz_session *s;
	char verr[VZ_ERR_MAX], prefix[VZ_KEY_SIZE + 1];

	if (alg == NULL || strcmp(alg, MXC_OLM) != 0) {
		snprintf(err, errlen, "algorithm %s is not %s",
		    alg ? alg : "(none)", MXC_OLM);
		return -1;
	}
	if (sk == NULL || strlen(sk) >= VZ_KEY_SIZE || strchr(sk, '|') ||
	    (cts = json_obj(content, "ciphertext")) == NULL) {
		snprintf(err, errlen, "no sender_key or ciphertext");
		return -1;
	}
	if ((mine = json_obj(cts, x->curve)) == NULL) {
		snprintf(err, errlen, "not encrypted for this device");
		return -1;
	}
	ty = cJSON_GetObjectItemCaseSensitive(mine, "type");
	body = json_str(mine, "body");
	if (!cJSON_IsNumber(ty) || (ty->valuedouble != VZ_OLM_PREKEY &&
	    ty->valuedouble != VZ_OLM_NORMAL) || body == NULL ||
	    strlen(body) > VZ_INPUT_MAX) {
		snprintf(err, errlen, "an Olm message without a type 0 or 1 "
		    "and a body");
		return -1;
	}
	memset(&t, 0, sizeof(t));
	t.x = x;
	t.sender_key = sk;
	t.type = ty->valueint;
	t.body = body;
	t.outsz = strlen(body) + 1;
	t.out = xmalloc(t.outsz);
	snprintf(prefix, sizeof(prefix), "%s|", sk);
	state_crypto_each(x->st, x->scope, "olm", prefix, try_session, &t);
	if (!t.done && t.type == VZ_OLM_PREKEY) {
		s = vz_account_inbound_session(x->acct, sk, body, t.out,
		    t.outsz, &t.outlen, verr, sizeof(verr));
		if (s == NULL) {
			snprintf(err, errlen, "no Olm session from %s: %s", sk,
			    verr);
			free(t.out);
			return -1;
		}
		/* the one-time key it used is gone: saved at once */
		mxc_save_account(x);
		mxc_save_session(x, sk, s);
		vz_session_free(s);
		t.done = 1;
	}
	if (!t.done) {
		snprintf(err, errlen, "no Olm session of %s decrypts it", sk);
		free(t.out);
		return -1;
	}
	*plain = t.out;
	return 0;
}

/* The m.room_key of a decrypted Olm plaintext becomes a Megolm session
 * of its room, owned by the Olm sender. */
static int
room_key(struct mxc *x, const char *sender, const char *sender_key,
    const char *ed, const cJSON *content, struct mxc_room_key *rk,
    char *err, size_t errlen)
{
	const char *alg = json_str(content, "algorithm");
	const char *room = json_str(content, "room_id");
	const char *sid = json_str(content, "session_id");
	const char *skey = json_str(content, "session_key");
	struct vz_inbound *in;
	char id[VZ_ID_SIZE], verr[VZ_ERR_MAX], *rowid, *old, *p;
	cJSON *v;
	int rc = -1;

	if (alg == NULL || strcmp(alg, MXC_MEGOLM) != 0 || room == NULL ||
	    sid == NULL || skey == NULL || strlen(room) >= sizeof(rk->room_id) ||
	    strlen(sid) >= VZ_ID_SIZE) {
		snprintf(err, errlen, "an m.room_key from %s without a Megolm "
		    "room_id, session_id and session_key", sender);
		return -1;
	}
	if ((in = vz_inbound_new(skey, verr, sizeof(verr))) == NULL) {
		snprintf(err, errlen, "an m.room_key from %s: %s", sender, verr);
		return -1;
	}
	if (vz_inbound_id(in, id, sizeof(id), NULL, verr, sizeof(verr)) == -1 ||
	    strcmp(id, sid) != 0) {
		snprintf(err, errlen, "an m.room_key from %s whose session_id "
		    "is not its key's", sender);
		vz_inbound_free(in);
		return -1;
	}
	rowid = xmalloc(strlen(room) + strlen(sid) + 2);
	sprintf(rowid, "%s|%s", room, sid);
	if ((old = state_crypto_get(x->st, x->scope, "megolm", rowid)) !=
	    NULL) {
		/* the key we have already: a second copy is no news, and
		 * one from another sender is not trusted over the first */
		free(old);
		free(rowid);
		vz_inbound_free(in);
		snprintf(err, errlen, "an m.room_key from %s for a session "
		    "already known", sender);
		return 0;
	}
	p = xmalloc(PICKLE_MAX);
	if (vz_inbound_pickle(in, x->key, p, PICKLE_MAX, NULL, verr,
	    sizeof(verr)) == 0) {
		v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "pickle", p);
		cJSON_AddStringToObject(v, "sender", sender);
		cJSON_AddStringToObject(v, "sender_key", sender_key);
		cJSON_AddStringToObject(v, "ed25519", ed ? ed : "");
		old = cJSON_PrintUnformatted(v);
		cJSON_Delete(v);
		if (state_crypto_put(x->st, x->scope, "megolm", rowid, old) ==
		    0) {
			snprintf(rk->room_id, sizeof(rk->room_id), "%s", room);
			snprintf(rk->session_id, sizeof(rk->session_id), "%s",
			    sid);
			rc = 1;
		} else
			snprintf(err, errlen, "the room key could not be saved");
		explicit_bzero(old, strlen(old));
		free(old);
	} else
		snprintf(err, errlen, "%s", verr);
	explicit_bzero(p, PICKLE_MAX);
	free(p);
	free(rowid);
	vz_inbound_free(in);
	return rc;
}

/* An error quotes what the event said (an algorithm, a sender, an id):
 * its control bytes become '?', so that it stays one log line. */
static int
one_line(int rc, char *err)
{
	unsigned char *p;

	if (rc < 0)
		for (p = (unsigned char *)err; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				*p = '?';
	return rc;
}

static int	to_device(struct mxc *, const cJSON *, struct mxc_room_key *,
		    char *, size_t);
static int	decrypt(struct mxc *, const char *, const cJSON *, cJSON **,
		    char *, size_t);

int
mxc_to_device(struct mxc *x, const cJSON *ev, struct mxc_room_key *rk,
    char *err, size_t errlen)
{
	return one_line(to_device(x, ev, rk, err, errlen), err);
}

int
mxc_decrypt(struct mxc *x, const char *room_id, const cJSON *ev,
    cJSON **clear, char *err, size_t errlen)
{
	return one_line(decrypt(x, room_id, ev, clear, err, errlen), err);
}

static int
to_device(struct mxc *x, const cJSON *ev, struct mxc_room_key *rk,
    char *err, size_t errlen)
{
	const char *type = json_str(ev, "type"), *sender = json_str(ev,
	    "sender"), *ptype, *s;
	const cJSON *content = json_obj(ev, "content"), *rkeys, *keys, *pc;
	char *plain = NULL;
	cJSON *j;
	int rc = -1;

	if (type == NULL || sender == NULL || content == NULL) {
		snprintf(err, errlen, "a to-device event without type, sender "
		    "or content");
		return -1;
	}
	if (strcmp(type, "m.room.encrypted") != 0)
		return 0;	/* verification requests: not handled here */
	if (olm_decrypt(x, content, &plain, err, errlen) == -1)
		return -1;
	j = cJSON_Parse(plain);
	explicit_bzero(plain, strlen(plain));
	free(plain);
	/*
	 * The spec's checks: the plaintext names the event's sender, us
	 * (user and fingerprint key) as recipient, and the sender's own
	 * Ed25519 key; otherwise a message to someone else was replayed
	 * to us, or the sender claims another's identity.
	 */
	if (j == NULL || (ptype = json_str(j, "type")) == NULL ||
	    (pc = json_obj(j, "content")) == NULL) {
		snprintf(err, errlen, "an Olm plaintext from %s that is not "
		    "an event", sender);
		goto out;
	}
	if ((s = json_str(j, "sender")) == NULL || strcmp(s, sender) != 0) {
		snprintf(err, errlen, "an Olm plaintext whose sender is not "
		    "%s", sender);
		goto out;
	}
	if ((s = json_str(j, "recipient")) == NULL || strcmp(s, x->user) != 0 ||
	    (rkeys = json_obj(j, "recipient_keys")) == NULL ||
	    (s = json_str(rkeys, "ed25519")) == NULL || strcmp(s, x->ed) != 0) {
		snprintf(err, errlen, "an Olm message from %s for another "
		    "recipient", sender);
		goto out;
	}
	keys = json_obj(j, "keys");
	if (strcmp(ptype, "m.room_key") == 0)
		rc = room_key(x, sender, json_str(content, "sender_key"),
		    keys ? json_str(keys, "ed25519") : NULL, pc, rk, err,
		    errlen);
	else
		rc = 0;		/* m.dummy and others: the session moved on */
out:
	cJSON_Delete(j);
	return rc;
}

/* ---- Megolm: timeline events ---- */

static int
decrypt(struct mxc *x, const char *room_id, const cJSON *ev,
    cJSON **clear, char *err, size_t errlen)
{
	const cJSON *content = json_obj(ev, "content"), *pc, *rel;
	const char *alg, *sid, *ct, *id = json_str(ev, "event_id");
	const char *sender = json_str(ev, "sender"), *s, *osk;
	char *rowid, *val, *plain, *seen, verr[VZ_ERR_MAX], ix[32];
	struct vz_inbound *in = NULL;
	cJSON *v = NULL, *j = NULL, *out;
	uint32_t index;
	size_t plen;
	int rc = MXC_BAD;

	*clear = NULL;
	if (content == NULL || id == NULL || sender == NULL) {
		snprintf(err, errlen, "an encrypted event without content, "
		    "event_id or sender");
		return MXC_BAD;
	}
	alg = json_str(content, "algorithm");
	sid = json_str(content, "session_id");
	ct = json_str(content, "ciphertext");
	if (alg == NULL || strcmp(alg, MXC_MEGOLM) != 0) {
		snprintf(err, errlen, "%s: algorithm %s is not %s", id,
		    alg ? alg : "(none)", MXC_MEGOLM);
		return MXC_BAD;
	}
	if (sid == NULL || ct == NULL || strlen(sid) >= VZ_ID_SIZE ||
	    strlen(ct) > VZ_INPUT_MAX) {
		snprintf(err, errlen, "%s: no session_id or ciphertext, or "
		    "too long", id);
		return MXC_BAD;
	}
	rowid = xmalloc(strlen(room_id) + strlen(sid) + 2);
	sprintf(rowid, "%s|%s", room_id, sid);
	val = state_crypto_get(x->st, x->scope, "megolm", rowid);
	if (val == NULL) {
		free(rowid);
		return MXC_NO_KEY;
	}
	v = cJSON_Parse(val);
	explicit_bzero(val, strlen(val));
	free(val);
	if (v == NULL || (s = json_str(v, "pickle")) == NULL ||
	    (in = vz_inbound_unpickle(s, x->key, verr, sizeof(verr))) == NULL) {
		snprintf(err, errlen, "%s: the room key in the store cannot be "
		    "read", id);
		goto out;
	}
	/* the key was shared by a user: only that user's events use it */
	if ((s = json_str(v, "sender")) == NULL || strcmp(s, sender) != 0) {
		snprintf(err, errlen, "%s: sent by %s with a room key of %s",
		    id, sender, s ? s : "(nobody)");
		goto out;
	}
	if ((osk = json_str(content, "sender_key")) != NULL &&
	    (s = json_str(v, "sender_key")) != NULL && strcmp(s, osk) != 0) {
		snprintf(err, errlen, "%s: its sender_key is not the room "
		    "key's", id);
		goto out;
	}
	plen = strlen(ct) + 1;
	plain = xmalloc(plen);
	if (vz_inbound_decrypt(in, ct, plain, plen, NULL, &index, verr,
	    sizeof(verr)) == -1) {
		snprintf(err, errlen, "%s: %s", id, verr);
		free(plain);
		goto out;
	}
	j = cJSON_Parse(plain);
	explicit_bzero(plain, plen);
	free(plain);
	if (j == NULL || json_str(j, "type") == NULL ||
	    json_obj(j, "content") == NULL) {
		snprintf(err, errlen, "%s: the plaintext is not an event", id);
		goto out;
	}
	if ((s = json_str(j, "room_id")) == NULL || strcmp(s, room_id) != 0) {
		snprintf(err, errlen, "%s: encrypted for another room (%s)",
		    id, s ? s : "none");
		goto out;
	}
	/* replay: the same message index under another event id */
	snprintf(ix, sizeof(ix), "|%u", index);
	val = xmalloc(strlen(rowid) + strlen(ix) + 1);
	sprintf(val, "%s%s", rowid, ix);
	seen = state_crypto_get(x->st, x->scope, "index", val);
	if (seen && strcmp(seen, id) != 0) {
		snprintf(err, errlen, "%s: replays message %u of session %s "
		    "(first used by %s)", id, index, sid, seen);
		free(seen);
		free(val);
		goto out;
	}
	if (seen == NULL)
		state_crypto_put(x->st, x->scope, "index", val, id);
	free(seen);
	free(val);
	out = cJSON_CreateObject();
	cJSON_AddStringToObject(out, "type", json_str(j, "type"));
	cJSON_AddStringToObject(out, "event_id", id);
	cJSON_AddStringToObject(out, "sender", sender);
	if ((pc = cJSON_GetObjectItemCaseSensitive(ev, "origin_server_ts")))
		cJSON_AddItemToObject(out, "origin_server_ts",
		    cJSON_Duplicate(pc, 1));
	if ((pc = cJSON_GetObjectItemCaseSensitive(ev, "unsigned")))
		cJSON_AddItemToObject(out, "unsigned", cJSON_Duplicate(pc, 1));
	pc = cJSON_DetachItemFromObjectCaseSensitive(j, "content");
	/* the relation stays in clear (spec): taken from outside when the
	 * plaintext has none */
	if (json_obj(pc, "m.relates_to") == NULL &&
	    (rel = json_obj(content, "m.relates_to")) != NULL)
		cJSON_AddItemToObject((cJSON *)pc, "m.relates_to",
		    cJSON_Duplicate(rel, 1));
	cJSON_AddItemToObject(out, "content", (cJSON *)pc);
	*clear = out;
	rc = MXC_OK;
out:
	free(rowid);
	cJSON_Delete(v);
	cJSON_Delete(j);
	vz_inbound_free(in);
	return rc;
}
