/*
 * mx_crypto.c -- the Olm machine of a Matrix account (see mx_crypto.h):
 * its device keys, to-device Olm messages and room keys, Megolm
 * decryption and the events that wait for their key.
 *
 * Every handle of vz.h lives only during one call: sessions are
 * unpickled from the store, used, pickled back and freed, so the store
 * is the one truth and a crash at any point loses at most what the
 * homeserver will send again.  Only the account stays open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "json.h"
#include "log.h"
#include "mx_crypto.h"
#include "mx_crypto_int.h"

/* ---- canonical JSON ---- */

static void
canon_str(const char *s, struct buf *out)
{
	const unsigned char *p;

	buf_putc(out, '"');
	for (p = (const unsigned char *)s; *p; p++)
		switch (*p) {
		case '"':  buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\b': buf_puts(out, "\\b"); break;
		case '\f': buf_puts(out, "\\f"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20)
				buf_printf(out, "\\u%04x", *p);
			else
				buf_putc(out, (char)*p);
		}
	buf_putc(out, '"');
}

static int
cmp_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	/* byte order of UTF-8 is code point order */
	return strcmp(x->string, y->string);
}

int
mxc_canonical(const cJSON *v, struct buf *out)
{
	const cJSON *c, **kids;
	size_t n = 0, i;
	int rc = 0;

	if (cJSON_IsObject(v)) {
		cJSON_ArrayForEach(c, v)
			n++;
		kids = xcalloc(n ? n : 1, sizeof(*kids));
		n = 0;
		cJSON_ArrayForEach(c, v)
			kids[n++] = c;
		qsort(kids, n, sizeof(*kids), cmp_key);
		buf_putc(out, '{');
		for (i = 0; i < n && rc == 0; i++) {
			if (i)
				buf_putc(out, ',');
			canon_str(kids[i]->string, out);
			buf_putc(out, ':');
			rc = mxc_canonical(kids[i], out);
		}
		buf_putc(out, '}');
		free(kids);
		return rc;
	}
	if (cJSON_IsArray(v)) {
		buf_putc(out, '[');
		cJSON_ArrayForEach(c, v) {
			if (c != v->child)
				buf_putc(out, ',');
			if (mxc_canonical(c, out) == -1)
				return -1;
		}
		buf_putc(out, ']');
		return 0;
	}
	if (cJSON_IsString(v))
		canon_str(v->valuestring, out);
	else if (cJSON_IsTrue(v))
		buf_puts(out, "true");
	else if (cJSON_IsFalse(v))
		buf_puts(out, "false");
	else if (cJSON_IsNull(v))
		buf_puts(out, "null");
	else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		/* the spec's integers: [-(2**53)+1, (2**53)-1] */
		if (d != (double)(long long)d || d > 9007199254740991.0 ||
		    d < -9007199254740991.0)
			return -1;
		buf_printf(out, "%lld", (long long)d);
	} else
		return -1;
	return 0;
}

/* The Ed25519 signature of obj's canonical JSON without signatures and
 * unsigned, added as obj.signatures[user]["ed25519:DEVICE"]. */
int
mxc_sign_json(struct mxc *x, cJSON *obj)
{
	cJSON *sigs, *mine, *copy = cJSON_Duplicate(obj, 1);
	struct buf b = {0};
	char sig[VZ_SIG_SIZE], err[VZ_ERR_MAX], name[128];
	int rc = -1;

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	if (mxc_canonical(copy, &b) == 0 &&
	    vz_account_sign(x->acct, buf_str(&b), b.len, sig, sizeof(sig),
	    NULL, err, sizeof(err)) == 0) {
		if ((sigs = cJSON_GetObjectItemCaseSensitive(obj,
		    "signatures")) == NULL)
			sigs = cJSON_AddObjectToObject(obj, "signatures");
		if ((mine = cJSON_GetObjectItemCaseSensitive(sigs, x->user)) ==
		    NULL)
			mine = cJSON_AddObjectToObject(sigs, x->user);
		snprintf(name, sizeof(name), "ed25519:%s", x->device);
		cJSON_AddStringToObject(mine, name, sig);
		rc = 0;
	}
	cJSON_Delete(copy);
	buf_free(&b);
	return rc;
}

/* ---- the pickle key ---- */

static int
key_from(int fd, const char *path, int check_mode, uint8_t *key, char *err,
    size_t errlen)
{
	char data[MXC_KEY_FILE_MAX + 1];
	struct stat sb;
	ssize_t n;
	size_t len = 0;
	unsigned int mdlen = 0;

	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "pickle key %s: not a regular file",
		    path);
		return -1;
	}
	if (sb.st_uid != geteuid() || (check_mode && (sb.st_mode & 077))) {
		snprintf(err, errlen, "pickle key %s: must be ours and "
		    "readable by no one else (chmod 600 %s)", path, path);
		return -1;
	}
	while (len < sizeof(data) &&
	    (n = read(fd, data + len, sizeof(data) - len)) > 0)
		len += (size_t)n;
	while (len > 0 && strchr(" \t\r\n", data[len - 1]))
		len--;
	if (len < MXC_KEY_FILE_MIN || len > MXC_KEY_FILE_MAX) {
		snprintf(err, errlen, "pickle key %s: must hold %d to %d "
		    "bytes (e.g. openssl rand -hex 32 > %s)", path,
		    MXC_KEY_FILE_MIN, MXC_KEY_FILE_MAX, path);
		explicit_bzero(data, sizeof(data));
		return -1;
	}
	EVP_Digest(data, len, key, &mdlen, EVP_sha256(), NULL);
	explicit_bzero(data, sizeof(data));
	return mdlen == VZ_PICKLE_KEY_LEN ? 0 : -1;
}

int
mxc_pickle_key(const char *file, const char *state_dir, uint8_t *key,
    char *err, size_t errlen)
{
	char path[4096], hex[65];
	uint8_t rnd[32];
	int fd, i, rc;

	if (file) {
		if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
			snprintf(err, errlen, "pickle_key_file %s: %s", file,
			    strerror(errno));
			return -1;
		}
		rc = key_from(fd, file, 1, key, err, errlen);
		close(fd);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%s", state_dir, MXC_KEY_FILE);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT) {
		/* first start: 32 random bytes, as hex, for good */
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
			snprintf(err, errlen, "getrandom: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
		explicit_bzero(rnd, sizeof(rnd));
		hex[64] = '\n';
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd == -1 || write(fd, hex, 65) != 65 || fsync(fd) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			explicit_bzero(hex, sizeof(hex));
			if (fd != -1) {
				close(fd);
				unlink(path);
			}
			return -1;
		}
		explicit_bzero(hex, sizeof(hex));
		close(fd);
		log_info("made the pickle key %s: keep it with the state "
		    "store (both are needed to read the other)", path);
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = key_from(fd, path, 1, key, err, errlen);
	close(fd);
	return rc;
}

/* ---- the account ---- */

int
mxc_save_account(struct mxc *x)
{
	char *p = xmalloc(PICKLE_MAX), err[VZ_ERR_MAX];
	int rc = -1;

	if (vz_account_pickle(x->acct, x->key, p, PICKLE_MAX, NULL, err,
	    sizeof(err)) == -1)
		log_error("%s: the encryption account could not be pickled: "
		    "%s", x->scope, err);
	else
		rc = state_crypto_put(x->st, x->scope, "account", "pickle", p);
	explicit_bzero(p, PICKLE_MAX);
	free(p);
	return rc;
}

struct mxc *
mxc_open(struct state *st, const char *scope, const char *user_id,
    const char *device_id, const uint8_t *key, int *made, char *err,
    size_t errlen)
{
	struct mxc *x = xcalloc(1, sizeof(*x));
	char verr[VZ_ERR_MAX], *p, *dev, *up;

	x->st = st;
	x->scope = xstrdup(scope);
	x->user = xstrdup(user_id);
	x->device = xstrdup(device_id);
	memcpy(x->key, key, VZ_PICKLE_KEY_LEN);
	if (made)
		*made = 0;
	p = state_crypto_get(st, scope, "account", "pickle");
	dev = state_crypto_get(st, scope, "account", "device");
	up = state_crypto_get(st, scope, "account", "uploaded");
	x->uploaded = up && strcmp(up, "1") == 0;
	free(up);
	if (p) {
		x->acct = vz_account_unpickle(p, key, verr, sizeof(verr));
		explicit_bzero(p, strlen(p));
		free(p);
		if (x->acct == NULL) {
			snprintf(err, errlen, "%s: the encryption account in "
			    "the state store cannot be read with this pickle "
			    "key (%s): give the pickle_key_file it was made "
			    "with, or restore the state directory from a "
			    "backup; only if neither is possible, move the "
			    "state store away (a new device that people "
			    "must trust again)", scope, verr);
			goto fail;
		}
		if (dev == NULL || strcmp(dev, device_id) != 0) {
			snprintf(err, errlen, "%s: the encryption account in "
			    "the state store belongs to device %s, but this "
			    "login is device %s: use the access token of "
			    "device %s (or the password, which logs in to "
			    "it again)", scope, dev ? dev : "(none)",
			    device_id, dev ? dev : "(none)");
			goto fail;
		}
	} else {
		if ((x->acct = vz_account_new(verr, sizeof(verr))) == NULL) {
			snprintf(err, errlen, "%s: %s", scope, verr);
			goto fail;
		}
		x->uploaded = 0;
		if (mxc_save_account(x) == -1 || state_crypto_put(st, scope,
		    "account", "device", device_id) == -1 ||
		    state_crypto_put(st, scope, "account", "uploaded", "0") ==
		    -1) {
			snprintf(err, errlen, "%s: the new encryption account "
			    "could not be saved in the state store", scope);
			goto fail;
		}
		if (made)
			*made = 1;
	}
	free(dev);
	if (vz_account_curve25519(x->acct, x->curve, sizeof(x->curve), NULL,
	    verr, sizeof(verr)) == -1 || vz_account_ed25519(x->acct, x->ed,
	    sizeof(x->ed), NULL, verr, sizeof(verr)) == -1) {
		snprintf(err, errlen, "%s: %s", scope, verr);
		mxc_free(x);
		return NULL;
	}
	return x;
fail:
	free(dev);
	mxc_free(x);
	return NULL;
}

void
mxc_free(struct mxc *x)
{
	if (x == NULL)
		return;
	vz_account_free(x->acct);
	mxc_xsign_forget(x);
	explicit_bzero(x->key, sizeof(x->key));
	free(x->scope);
	free(x->user);
	free(x->device);
	free(x);
}

const char *
mxc_curve25519(const struct mxc *x)
{
	return x->curve;
}

const char *
mxc_ed25519(const struct mxc *x)
{
	return x->ed;
}

const char *
mxc_user_id(const struct mxc *x)
{
	return x->user;
}

const char *
mxc_device_id(const struct mxc *x)
{
	return x->device;
}

/* ---- keys on the server ---- */

cJSON *
mxc_device_keys(struct mxc *x)
{
	cJSON *d = cJSON_CreateObject(), *alg, *keys;
	char name[128];

	cJSON_AddStringToObject(d, "user_id", x->user);
	cJSON_AddStringToObject(d, "device_id", x->device);
	alg = cJSON_AddArrayToObject(d, "algorithms");
	cJSON_AddItemToArray(alg, cJSON_CreateString(MXC_OLM));
	cJSON_AddItemToArray(alg, cJSON_CreateString(MXC_MEGOLM));
	keys = cJSON_AddObjectToObject(d, "keys");
	snprintf(name, sizeof(name), "curve25519:%s", x->device);
	cJSON_AddStringToObject(keys, name, x->curve);
	snprintf(name, sizeof(name), "ed25519:%s", x->device);
	cJSON_AddStringToObject(keys, name, x->ed);
	if (mxc_sign_json(x, d) == -1) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

/* The keys of a vz_account_one_time_keys/fallback_key JSON, each signed
 * as signed_curve25519 into dst; how many. */
static int
add_keys(struct mxc *x, cJSON *dst, const char *json, int fallback)
{
	cJSON *j = cJSON_Parse(json), *k, *o;
	char name[64];
	int n = 0;

	cJSON_ArrayForEach(k, j) {
		if (!cJSON_IsString(k))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", k->valuestring);
		if (fallback)
			cJSON_AddTrueToObject(o, "fallback");
		if (mxc_sign_json(x, o) == -1) {
			cJSON_Delete(o);
			continue;
		}
		snprintf(name, sizeof(name), "signed_curve25519:%s", k->string);
		cJSON_AddItemToObject(dst, name, o);
		n++;
	}
	cJSON_Delete(j);
	return n;
}

int
mxc_upload_body(struct mxc *x, struct buf *out)
{
	char *otk = xmalloc(OTK_JSON_MAX), fb[256], err[VZ_ERR_MAX];
	cJSON *body = cJSON_CreateObject(), *o, *d;
	char *s;
	int n = 0;

	if (!x->uploaded && (d = mxc_device_keys(x)) != NULL) {
		cJSON_AddItemToObject(body, "device_keys", d);
		n++;
	}
	o = cJSON_CreateObject();
	if (vz_account_one_time_keys(x->acct, otk, OTK_JSON_MAX, NULL, err,
	    sizeof(err)) == 0 && add_keys(x, o, otk, 0) > 0) {
		cJSON_AddItemToObject(body, "one_time_keys", o);
		n++;
	} else
		cJSON_Delete(o);
	o = cJSON_CreateObject();
	if (vz_account_fallback_key(x->acct, fb, sizeof(fb), NULL, err,
	    sizeof(err)) == 0 && add_keys(x, o, fb, 1) > 0) {
		cJSON_AddItemToObject(body, "fallback_keys", o);
		n++;
	} else
		cJSON_Delete(o);
	free(otk);
	if (n == 0 || mxc_save_account(x) == -1) {
		cJSON_Delete(body);
		return 0;
	}
	s = cJSON_PrintUnformatted(body);
	buf_puts(out, s);
	free(s);
	cJSON_Delete(body);
	return 1;
}

int
mxc_uploaded(struct mxc *x, const char *body, char *err, size_t errlen)
{
	char verr[VZ_ERR_MAX];

	(void)body;
	if (vz_account_mark_published(x->acct, verr, sizeof(verr)) == -1) {
		snprintf(err, errlen, "%s", verr);
		return -1;
	}
	x->uploaded = 1;
	if (mxc_save_account(x) == -1 || state_crypto_put(x->st, x->scope,
	    "account", "uploaded", "1") == -1) {
		snprintf(err, errlen, "the published keys could not be "
		    "saved in the state store");
		return -1;
	}
	return 0;
}

int
mxc_key_counts(struct mxc *x, long otk_count, int fallback_unused)
{
	char fb[256], err[VZ_ERR_MAX];
	size_t want = vz_account_max_one_time_keys(x->acct) / 2;
	int due = 0, changed = 0;

	if (otk_count >= 0 && (size_t)otk_count < want) {
		size_t n = want - (size_t)otk_count;

		if (n > VZ_OTK_GENERATE_MAX)
			n = VZ_OTK_GENERATE_MAX;
		if (vz_account_generate_one_time_keys(x->acct, n, err,
		    sizeof(err)) == 0)
			changed = due = 1;
	}
	/* a fallback key the server has given out is replaced; the old
	 * one stays for a late pre-key message until the next one */
	if (fallback_unused == 0 && vz_account_fallback_key(x->acct, fb,
	    sizeof(fb), NULL, err, sizeof(err)) == 0 && strcmp(fb, "{}") == 0) {
		vz_account_forget_old_fallback_key(x->acct, err, sizeof(err));
		if (vz_account_generate_fallback_key(x->acct, err,
		    sizeof(err)) == 0)
			changed = due = 1;
	}
	if (changed)
		mxc_save_account(x);
	return due || !x->uploaded;
}

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

/* ---- events waiting for their key ---- */

struct wait_walk {
	struct mxc	*x;
	const char	*room;
	const char	*session;
	mxc_event_fn	*fn;
	void		*ctx;
	long		 bytes;
	int		 n;
	time_t		 now;
	const char	*oldest;	/* id of the first row seen */
	char		*drop;
};

static int
walk_count(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;

	(void)at;
	if (w->drop == NULL)
		w->drop = xstrdup(id);
	w->bytes += (long)strlen(value);
	w->n++;
	return 0;
}

int
mxc_wait(struct mxc *x, const char *room_id, const cJSON *ev, char *err,
    size_t errlen)
{
	const char *id = json_str(ev, "event_id");
	cJSON *w;
	char *s, *have;
	struct wait_walk ww;

	if (id == NULL) {
		snprintf(err, errlen, "an encrypted event without event_id");
		return -1;
	}
	if ((have = state_crypto_get(x->st, x->scope, "pending", id)) != NULL) {
		free(have);
		return 0;
	}
	w = cJSON_CreateObject();
	cJSON_AddStringToObject(w, "room_id", room_id);
	cJSON_AddItemToObject(w, "event", cJSON_Duplicate(ev, 1));
	s = cJSON_PrintUnformatted(w);
	cJSON_Delete(w);
	if (strlen(s) > MXC_EVENT_MAX) {
		snprintf(err, errlen, "%s: too big to keep while its room key "
		    "is missing (%zu bytes)", id, strlen(s));
		free(s);
		return -1;
	}
	/* room for it: the oldest go first */
	for (;;) {
		memset(&ww, 0, sizeof(ww));
		state_crypto_each(x->st, x->scope, "pending", NULL, walk_count,
		    &ww);
		if (ww.n < MXC_PENDING_MAX &&
		    ww.bytes + (long)strlen(s) <= MXC_PENDING_BYTES) {
			free(ww.drop);
			break;
		}
		log_warn("%s: %s never got its room key; dropped to make "
		    "room (%d events wait)", x->scope, ww.drop, ww.n);
		state_crypto_del(x->st, x->scope, "pending", ww.drop);
		free(ww.drop);
	}
	state_crypto_put(x->st, x->scope, "pending", id, s);
	free(s);
	return 0;
}

static int
walk_each(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;
	cJSON *j = cJSON_Parse(value);
	const cJSON *ev = json_obj(j, "event"), *c;
	const char *room = json_str(j, "room_id"), *sid;

	(void)id;
	(void)at;
	if (ev && room && (w->room == NULL || strcmp(room, w->room) == 0)) {
		c = json_obj(ev, "content");
		sid = c ? json_str(c, "session_id") : NULL;
		if (w->session == NULL || (sid && strcmp(sid, w->session) ==
		    0)) {
			w->fn(room, ev, w->ctx);
			w->n++;
		}
	}
	cJSON_Delete(j);
	return 0;
}

int
mxc_waiting(struct mxc *x, const char *room_id, const char *session_id,
    mxc_event_fn *fn, void *ctx)
{
	struct wait_walk w;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.room = room_id;
	w.session = session_id;
	w.fn = fn;
	w.ctx = ctx;
	state_crypto_each(x->st, x->scope, "pending", NULL, walk_each, &w);
	return w.n;
}

void
mxc_unwait(struct mxc *x, const char *event_id)
{
	state_crypto_del(x->st, x->scope, "pending", event_id);
}

/* Whether the room key of a waiting event (its stored JSON) is known:
 * then it was read, and only waited to be handled. */
static int
key_known(struct mxc *x, const char *value)
{
	cJSON *j = cJSON_Parse(value);
	const cJSON *ev = json_obj(j, "event"), *c = json_obj(ev, "content");
	const char *room = json_str(j, "room_id"), *sid = json_str(c,
	    "session_id");
	char *row, *have;
	int known = 0;

	if (room && sid) {
		row = xmalloc(strlen(room) + strlen(sid) + 2);
		sprintf(row, "%s|%s", room, sid);
		have = state_crypto_get(x->st, x->scope, "megolm", row);
		known = have != NULL;
		free(have);
		free(row);
	}
	cJSON_Delete(j);
	return known;
}

static int
walk_expire(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;

	if (at + MXC_PENDING_TTL_S > (long long)w->now)
		return 1;	/* oldest first: the rest are newer */
	if (key_known(w->x, value))
		log_debug("%s: %s read and done with", w->x->scope, id);
	else
		log_warn("%s: %s never got its room key in %d s; dropped, "
		    "not answered", w->x->scope, id, MXC_PENDING_TTL_S);
	state_crypto_del(w->x->st, w->x->scope, "pending", id);
	w->n++;
	return 0;
}

int
mxc_expire(struct mxc *x, time_t now)
{
	struct wait_walk w;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.now = now;
	state_crypto_each(x->st, x->scope, "pending", NULL, walk_expire, &w);
	return w.n;
}
