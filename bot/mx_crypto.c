/*
 * mx_crypto.c -- the Olm machine of a Matrix account (see mx_crypto.h):
 * canonical JSON and signing, the pickle key, the device's account
 * (opened, saved, guarded) and its keys on the server (uploads, counts).
 * Its other files: mx_decrypt.c (reading: Olm to-device messages, room
 * keys, Megolm timeline events), mx_pending.c (events waiting for
 * their key), mx_share.c (writing), mx_xsign.c (cross-signing).
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
