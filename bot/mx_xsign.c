/*
 * mx_xsign.c -- the account's cross-signing keys in the Olm machine
 * (mx_crypto.h): made once, kept in the store under the pickle key,
 * the request bodies that publish them and sign our device, and what
 * a /keys/query says the server holds.  No I/O but the store; the
 * requests are mx_xsign_net.c's.
 *
 * Spec: client-server API, "Cross-signing": the master key signs the
 * self-signing key (which signs the account's devices) and the
 * user-signing key (which signs other users' master keys).  Each key
 * object is {"user_id", "usage": [...], "keys": {"ed25519:PUB": PUB}}
 * and its signatures are over its canonical JSON without "signatures"
 * and "unsigned", as for device keys.
 *
 * In the store a seed is kept as secret storage keeps a secret
 * (mx_ssss.h, aes-hmac-sha2), with the pickle key as the key and
 * "techpay.xsign.NAME" as the name: a seed never lies there in clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>

#include "json.h"
#include "log.h"
#include "mx_crypto_int.h"

#define XS_KIND		"xsign"
#define SSSS_ROW	"ssss_key"

const char *const mxc_xsign_secret[MXC_XS_N] = {
	"m.cross_signing.master",
	"m.cross_signing.self_signing",
	"m.cross_signing.user_signing",
};

/* Row ids and usages, by MXC_XS_. */
static const char *const xs_row[MXC_XS_N] = {
	"master", "self_signing", "user_signing"
};

static void
store_name(char *out, size_t outsz, const char *row)
{
	snprintf(out, outsz, "techpay.xsign.%s", row);
}

/* Keeps secret (len bytes) in row, encrypted with the pickle key. */
static int
put_secret(struct mxc *x, const char *row, const void *secret, size_t len)
{
	char name[64], *s;
	cJSON *e;
	int rc;

	store_name(name, sizeof(name), row);
	if ((e = ssss_encrypt(x->key, name, secret, len, NULL)) == NULL)
		return -1;
	s = cJSON_PrintUnformatted(e);
	cJSON_Delete(e);
	rc = state_crypto_put(x->st, x->scope, XS_KIND, row, s);
	free(s);
	return rc;
}

/* The secret of row into out (wiped by the caller): 1, 0 when the store
 * has none, -1 with err. */
static int
get_secret(struct mxc *x, const char *row, struct buf *out, char *err,
    size_t errlen)
{
	char name[64], serr[SSSS_ERR_MAX], *v;
	cJSON *j;
	int rc;

	if ((v = state_crypto_get(x->st, x->scope, XS_KIND, row)) == NULL)
		return 0;
	j = cJSON_Parse(v);
	free(v);
	store_name(name, sizeof(name), row);
	rc = j ? ssss_decrypt(x->key, name, j, out, serr, sizeof(serr)) :
	    (snprintf(serr, sizeof(serr), "not JSON"), -1);
	cJSON_Delete(j);
	if (rc == -1) {
		snprintf(err, errlen, "%s: the cross-signing key %s in the "
		    "state store cannot be read with this pickle key (%s): "
		    "give the pickle_key_file it was made with, or restore "
		    "the state directory", x->scope, row, serr);
		return -1;
	}
	return 1;
}

void
mxc_xsign_forget(struct mxc *x)
{
	int i;

	for (i = 0; i < MXC_XS_N; i++) {
		vz_signing_free(x->xs[i]);
		x->xs[i] = NULL;
		x->xs_pub[i][0] = '\0';
	}
}

int
mxc_xsign_keys(struct mxc *x, int make, char *err, size_t errlen)
{
	char verr[VZ_ERR_MAX], seed[VZ_SEED_SIZE];
	struct buf b = {0};
	int i, rc, have = 0;

	if (x->xs[MXC_XS_MASTER])
		return 1;
	for (i = 0; i < MXC_XS_N; i++) {
		rc = get_secret(x, xs_row[i], &b, err, errlen);
		if (rc == -1)
			goto fail;
		if (rc == 0)
			break;
		x->xs[i] = vz_signing_from_seed(buf_str(&b), verr,
		    sizeof(verr));
		OPENSSL_cleanse(b.s, b.len);
		if (x->xs[i] == NULL) {
			snprintf(err, errlen, "%s: the cross-signing key %s in "
			    "the state store: %s", x->scope, xs_row[i], verr);
			goto fail;
		}
		have++;
	}
	if (have != 0 && have != MXC_XS_N) {
		snprintf(err, errlen, "%s: the state store holds %d of the 3 "
		    "cross-signing keys: a damaged store; restore it from a "
		    "backup", x->scope, have);
		goto fail;
	}
	if (have == 0) {
		if (!make) {
			buf_free(&b);
			return 0;
		}
		for (i = 0; i < MXC_XS_N; i++) {
			if ((x->xs[i] = vz_signing_new(verr, sizeof(verr))) ==
			    NULL || vz_signing_seed(x->xs[i], seed,
			    sizeof(seed), NULL, verr, sizeof(verr)) == -1) {
				snprintf(err, errlen, "%s: %s", x->scope, verr);
				goto fail;
			}
			rc = put_secret(x, xs_row[i], seed, strlen(seed));
			OPENSSL_cleanse(seed, sizeof(seed));
			if (rc == -1) {
				snprintf(err, errlen, "%s: the new cross-signing "
				    "keys could not be saved in the state "
				    "store", x->scope);
				goto fail;
			}
		}
	}
	for (i = 0; i < MXC_XS_N; i++)
		if (vz_signing_public(x->xs[i], x->xs_pub[i],
		    sizeof(x->xs_pub[i]), NULL, verr, sizeof(verr)) == -1) {
			snprintf(err, errlen, "%s: %s", x->scope, verr);
			goto fail;
		}
	buf_free(&b);
	return 1;
fail:
	if (b.s)
		OPENSSL_cleanse(b.s, b.len);
	buf_free(&b);
	mxc_xsign_forget(x);
	return -1;
}

const char *
mxc_xsign_public(const struct mxc *x, int which)
{
	if (which < 0 || which >= MXC_XS_N || x->xs[which] == NULL)
		return NULL;
	return x->xs_pub[which];
}

int
mxc_xsign_seed(const struct mxc *x, int which, char *out, size_t outsz)
{
	char verr[VZ_ERR_MAX];

	if (which < 0 || which >= MXC_XS_N || x->xs[which] == NULL)
		return -1;
	return vz_signing_seed(x->xs[which], out, outsz, NULL, verr,
	    sizeof(verr));
}

/* ---- signatures ---- */

/* Adds obj.signatures[user]["ed25519:PUB"], the signature of key
 * (whose public half is pub) over obj's canonical JSON. */
static int
sign_with(struct mxc *x, const struct vz_signing *key, const char *pub,
    cJSON *obj)
{
	cJSON *copy = cJSON_Duplicate(obj, 1), *sigs, *mine;
	char sig[VZ_SIG_SIZE], err[VZ_ERR_MAX], name[VZ_KEY_SIZE + 16];
	struct buf b = {0};
	int rc = -1;

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	if (mxc_canonical(copy, &b) == 0 && vz_signing_sign(key, buf_str(&b),
	    b.len, sig, sizeof(sig), NULL, err, sizeof(err)) == 0) {
		if ((sigs = cJSON_GetObjectItemCaseSensitive(obj,
		    "signatures")) == NULL)
			sigs = cJSON_AddObjectToObject(obj, "signatures");
		if ((mine = cJSON_GetObjectItemCaseSensitive(sigs, x->user)) ==
		    NULL)
			mine = cJSON_AddObjectToObject(sigs, x->user);
		snprintf(name, sizeof(name), "ed25519:%s", pub);
		cJSON_AddStringToObject(mine, name, sig);
		rc = 0;
	}
	cJSON_Delete(copy);
	buf_free(&b);
	return rc;
}

/* 0 when obj.signatures[user]["ed25519:PUB"] verifies with pub. */
static int
verify_by(const cJSON *obj, const char *user, const char *pub)
{
	const cJSON *sigs = json_obj(json_obj(obj, "signatures"), user);
	char name[VZ_KEY_SIZE + 16], err[VZ_ERR_MAX];
	const char *sig;
	struct buf b = {0};
	cJSON *copy;
	int rc = -1;

	snprintf(name, sizeof(name), "ed25519:%s", pub);
	if ((sig = json_str(sigs, name)) == NULL)
		return -1;
	copy = cJSON_Duplicate(obj, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	if (mxc_canonical(copy, &b) == 0)
		rc = vz_ed25519_verify(pub, buf_str(&b), b.len, sig, err,
		    sizeof(err));
	cJSON_Delete(copy);
	buf_free(&b);
	return rc;
}

static cJSON *
key_object(struct mxc *x, int which)
{
	cJSON *o = cJSON_CreateObject(), *u, *k;
	char name[VZ_KEY_SIZE + 16];

	cJSON_AddStringToObject(o, "user_id", x->user);
	u = cJSON_AddArrayToObject(o, "usage");
	cJSON_AddItemToArray(u, cJSON_CreateString(xs_row[which]));
	k = cJSON_AddObjectToObject(o, "keys");
	snprintf(name, sizeof(name), "ed25519:%s", x->xs_pub[which]);
	cJSON_AddStringToObject(k, name, x->xs_pub[which]);
	return o;
}

/* The only ed25519 key of a key object, when it is that. */
static const char *
only_key(const cJSON *o, const char *user)
{
	const cJSON *k = json_obj(o, "keys"), *first;
	const char *u = json_str(o, "user_id");

	if (k == NULL || u == NULL || strcmp(u, user) != 0 ||
	    (first = k->child) == NULL || first->next != NULL ||
	    !cJSON_IsString(first) || first->string == NULL ||
	    strncmp(first->string, "ed25519:", 8) != 0 ||
	    strcmp(first->string + 8, first->valuestring) != 0)
		return NULL;
	return first->valuestring;
}

int
mxc_xsign_server(struct mxc *x, const char *body, struct mxc_xsign_seen *s,
    char *err, size_t errlen)
{
	cJSON *j = cJSON_Parse(body);
	const cJSON *m, *ss, *dev;
	const char *mk, *sk;

	memset(s, 0, sizeof(*s));
	if (j == NULL) {
		snprintf(err, errlen, "keys/query: the answer is not JSON");
		return -1;
	}
	m = json_obj(json_obj(j, "master_keys"), x->user);
	ss = json_obj(json_obj(j, "self_signing_keys"), x->user);
	dev = json_obj(json_obj(json_obj(j, "device_keys"), x->user),
	    x->device);
	if ((mk = only_key(m, x->user)) != NULL) {
		s->has_master = 1;
		snprintf(s->master, sizeof(s->master), "%s", mk);
	}
	/* the self-signing key counts only when the master key signs it */
	sk = only_key(ss, x->user);
	if (sk && mk && verify_by(ss, x->user, mk) != 0)
		sk = NULL;
	s->ours = mk && sk && x->xs[MXC_XS_MASTER] &&
	    strcmp(mk, x->xs_pub[MXC_XS_MASTER]) == 0 &&
	    strcmp(sk, x->xs_pub[MXC_XS_SELF]) == 0;
	s->device_signed = sk && dev && verify_by(dev, x->user, sk) == 0;
	cJSON_Delete(j);
	return 0;
}

static void
print_to(cJSON *body, struct buf *out)
{
	char *s = cJSON_PrintUnformatted(body);

	buf_puts(out, s);
	free(s);
}

int
mxc_xsign_upload_body(struct mxc *x, const cJSON *auth, struct buf *out)
{
	cJSON *b, *mk, *sk, *uk;
	int rc = -1;

	if (x->xs[MXC_XS_MASTER] == NULL)
		return -1;
	b = cJSON_CreateObject();
	mk = key_object(x, MXC_XS_MASTER);
	sk = key_object(x, MXC_XS_SELF);
	uk = key_object(x, MXC_XS_USER);
	cJSON_AddItemToObject(b, "master_key", mk);
	cJSON_AddItemToObject(b, "self_signing_key", sk);
	cJSON_AddItemToObject(b, "user_signing_key", uk);
	if (auth)
		cJSON_AddItemToObject(b, "auth", cJSON_Duplicate(auth, 1));
	if (sign_with(x, x->xs[MXC_XS_MASTER], x->xs_pub[MXC_XS_MASTER],
	    sk) == 0 && sign_with(x, x->xs[MXC_XS_MASTER],
	    x->xs_pub[MXC_XS_MASTER], uk) == 0) {
		print_to(b, out);
		rc = 0;
	}
	cJSON_Delete(b);
	return rc;
}

int
mxc_xsign_signatures_body(struct mxc *x, struct buf *out)
{
	cJSON *b, *mine, *dev, *mk;
	int rc = -1;

	if (x->xs[MXC_XS_MASTER] == NULL ||
	    (dev = mxc_device_keys(x)) == NULL)
		return -1;
	b = cJSON_CreateObject();
	mine = cJSON_AddObjectToObject(b, x->user);
	cJSON_AddItemToObject(mine, x->device, dev);
	mk = key_object(x, MXC_XS_MASTER);
	cJSON_AddItemToObject(mine, x->xs_pub[MXC_XS_MASTER], mk);
	/* the device's own signature stays: the server keeps the ones it
	 * has and adds the new */
	if (sign_with(x, x->xs[MXC_XS_SELF], x->xs_pub[MXC_XS_SELF], dev) ==
	    0 && mxc_sign_json(x, mk) == 0) {
		print_to(b, out);
		rc = 0;
	}
	cJSON_Delete(b);
	return rc;
}

int
mxc_xsign_mark(struct mxc *x, const char *flag, const char *value)
{
	return state_crypto_put(x->st, x->scope, XS_KIND, flag, value);
}

int
mxc_xsign_marked(struct mxc *x, const char *flag, const char *value)
{
	char *v = state_crypto_get(x->st, x->scope, XS_KIND, flag);
	int rc = v != NULL && strcmp(v, value) == 0;

	free(v);
	return rc;
}

int
mxc_ssss_key(struct mxc *x, uint8_t key[32], char *err, size_t errlen)
{
	struct buf b = {0};
	int rc;

	rc = get_secret(x, SSSS_ROW, &b, err, errlen);
	if (rc == 1 && b.len != 32) {
		snprintf(err, errlen, "%s: the secret storage key in the state "
		    "store is %zu bytes, not 32", x->scope, b.len);
		rc = -1;
	}
	if (rc == 1) {
		memcpy(key, b.s, 32);
		rc = 0;
	} else if (rc == 0) {
		if (getrandom(key, 32, 0) != 32 ||
		    put_secret(x, SSSS_ROW, key, 32) == -1) {
			snprintf(err, errlen, "%s: a secret storage key could "
			    "not be made and saved", x->scope);
			rc = -1;
		} else
			rc = 1;
	}
	if (b.s)
		OPENSSL_cleanse(b.s, b.len);
	buf_free(&b);
	return rc;
}
