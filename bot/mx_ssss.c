/*
 * mx_ssss.c -- Matrix secret storage encoding (see mx_ssss.h): the
 * recovery key's base58 and the aes-hmac-sha2 secret encryption.
 *
 * Spec: client-server API, "Secrets" > "Key storage" >
 * m.secret_storage.v1.aes-hmac-sha2, and "Recovery key".
 *   keys      HKDF-SHA-256(ikm = the key, salt = 32 zero bytes,
 *             info = the secret's name) -> 64 bytes: AES key, MAC key;
 *   cipher    AES-256-CTR, 16-byte iv with bit 63 clear (implementations
 *             differ in how the counter's low half wraps);
 *   mac       HMAC-SHA-256 of the ciphertext bytes.
 */
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>

#include "json.h"
#include "mx_ssss.h"

#define RECOVERY_RAW	(2 + SSSS_KEY_LEN + 1)	/* prefix, key, parity */
#define RECOVERY_B58	64	/* characters of base58 at most */
#define MAC_LEN		32

static const char b58[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* ---- base64 ---- */

static void
b64_put(cJSON *obj, const char *name, const uint8_t *p, size_t len)
{
	char out[4 * ((SSSS_SECRET_MAX + 2) / 3) + 1];

	if (len > SSSS_SECRET_MAX)
		return;
	EVP_EncodeBlock((unsigned char *)out, p, (int)len);
	cJSON_AddStringToObject(obj, name, out);
}

/* Padded or unpadded standard base64 into out (outsz bytes); the
 * length, or -1 for another alphabet, a length base64 cannot have, or
 * more than outsz bytes. */
static long
b64_get(const char *s, uint8_t *out, size_t outsz)
{
	size_t n = strlen(s), pad, i, max;
	char *t;
	uint8_t *tmp;
	int len;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1 || n > 4 * ((SSSS_SECRET_MAX + 2) / 3))
		return -1;
	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
		    "xyz0123456789+/", s[i]) == NULL)
			return -1;
	pad = (4 - n % 4) % 4;
	max = (n + pad) / 4 * 3;
	t = xmalloc(n + pad + 1);
	tmp = xmalloc(max + 1);
	memcpy(t, s, n);
	memset(t + n, '=', pad);
	t[n + pad] = '\0';
	/* EVP_DecodeBlock counts the padding's zero bytes in */
	len = EVP_DecodeBlock(tmp, (unsigned char *)t, (int)(n + pad));
	if (len >= 0)
		len -= (int)pad;
	if (len >= 0 && (size_t)len <= outsz)
		memcpy(out, tmp, (size_t)len);
	else
		len = -1;
	OPENSSL_cleanse(tmp, max + 1);
	free(tmp);
	free(t);
	return len;
}

/* ---- the recovery key ---- */

int
ssss_recovery_encode(const uint8_t key[SSSS_KEY_LEN], char *out,
    size_t outsz)
{
	uint8_t raw[RECOVERY_RAW], parity = 0;
	unsigned char digits[RECOVERY_B58] = {0};
	size_t nd = 0, i, j, o = 0, zeros = 0;

	raw[0] = 0x8B;
	raw[1] = 0x01;
	memcpy(raw + 2, key, SSSS_KEY_LEN);
	for (i = 0; i < RECOVERY_RAW - 1; i++)
		parity ^= raw[i];
	raw[RECOVERY_RAW - 1] = parity;
	/* big-number base conversion, digits least significant first */
	for (i = 0; i < RECOVERY_RAW; i++) {
		unsigned carry = raw[i];

		for (j = 0; j < nd; j++) {
			carry += (unsigned)digits[j] << 8;
			digits[j] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry) {
			digits[nd++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	while (zeros < RECOVERY_RAW && raw[zeros] == 0)
		zeros++;	/* never: raw starts 0x8B */
	OPENSSL_cleanse(raw, sizeof(raw));
	if (outsz < (nd + zeros) + (nd + zeros) / 4 + 1) {
		OPENSSL_cleanse(digits, sizeof(digits));
		return -1;
	}
	for (i = 0; i < zeros + nd; i++) {
		if (i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = i < zeros ? '1' : b58[digits[nd - 1 - (i - zeros)]];
	}
	out[o] = '\0';
	OPENSSL_cleanse(digits, sizeof(digits));
	return 0;
}

int
ssss_recovery_decode(const char *s, uint8_t key[SSSS_KEY_LEN], char *err,
    size_t errlen)
{
	uint8_t raw[RECOVERY_B58], parity = 0;
	size_t nb = 0, i, j;
	const char *p;
	int rc = -1;

	memset(raw, 0, sizeof(raw));
	for (p = s; *p; p++) {
		unsigned carry;

		if (*p == ' ' || *p == '\t')
			continue;
		if (*p == '\0' || strchr(b58, *p) == NULL) {
			snprintf(err, errlen, "the recovery key has a character "
			    "that is not base58 (0x%02x)", (unsigned char)*p);
			goto out;
		}
		carry = (unsigned)(strchr(b58, *p) - b58);
		/* bytes least significant first */
		for (j = 0; j < nb; j++) {
			carry += (unsigned)raw[j] * 58;
			raw[j] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
		while (carry) {
			if (nb == sizeof(raw)) {
				snprintf(err, errlen, "the recovery key is too "
				    "long");
				goto out;
			}
			raw[nb++] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
	}
	if (nb != RECOVERY_RAW) {
		snprintf(err, errlen, "the recovery key is %zu bytes, not %d "
		    "(a character missing or too many?)", nb, RECOVERY_RAW);
		goto out;
	}
	/* raw is little-endian: raw[nb - 1] is the first byte */
	for (i = 0; i < nb; i++)
		parity ^= raw[i];
	if (raw[nb - 1] != 0x8B || raw[nb - 2] != 0x01) {
		snprintf(err, errlen, "not a recovery key (its prefix is "
		    "not 0x8B 0x01)");
		goto out;
	}
	if (parity != 0) {
		snprintf(err, errlen, "the recovery key's parity byte is "
		    "wrong (a character mistyped?)");
		goto out;
	}
	for (i = 0; i < SSSS_KEY_LEN; i++)
		key[i] = raw[nb - 3 - i];
	rc = 0;
out:
	OPENSSL_cleanse(raw, sizeof(raw));
	return rc;
}

/* ---- aes-hmac-sha2 ---- */

static int
derive(const uint8_t key[SSSS_KEY_LEN], const char *name, uint8_t out[64])
{
	static const uint8_t salt[32];
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	size_t n = 64;
	int ok;

	ok = c != NULL && EVP_PKEY_derive_init(c) > 0 &&
	    EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(c, salt, sizeof(salt)) > 0 &&
	    EVP_PKEY_CTX_set1_hkdf_key(c, key, SSSS_KEY_LEN) > 0 &&
	    EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)name,
	    (int)strlen(name)) > 0 &&
	    EVP_PKEY_derive(c, out, &n) > 0 && n == 64;
	EVP_PKEY_CTX_free(c);
	return ok ? 0 : -1;
}

/* AES-256-CTR of len bytes (the same both ways). */
static int
ctr(const uint8_t *aes, const uint8_t *iv, const uint8_t *in, size_t len,
    uint8_t *out)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int n = 0, m = 0, ok;

	ok = c != NULL && len <= SSSS_SECRET_MAX &&
	    EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), NULL, aes, iv) == 1 &&
	    EVP_EncryptUpdate(c, out, &n, in, (int)len) == 1 &&
	    EVP_EncryptFinal_ex(c, out + n, &m) == 1 &&
	    (size_t)n + (size_t)m == len;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

cJSON *
ssss_encrypt(const uint8_t key[SSSS_KEY_LEN], const char *name,
    const void *plain, size_t len, const uint8_t *iv_in)
{
	uint8_t keys[64], iv[SSSS_IV_LEN], mac[MAC_LEN];
	uint8_t ct[SSSS_SECRET_MAX];
	unsigned maclen = 0;
	cJSON *o = NULL;

	if (len > SSSS_SECRET_MAX)
		return NULL;
	if (iv_in)
		memcpy(iv, iv_in, sizeof(iv));
	else if (getrandom(iv, sizeof(iv), 0) != sizeof(iv))
		return NULL;
	iv[8] &= 0x7f;
	if (derive(key, name, keys) == 0 &&
	    ctr(keys, iv, plain, len, ct) == 0 &&
	    HMAC(EVP_sha256(), keys + 32, 32, ct, len, mac, &maclen) &&
	    maclen == MAC_LEN) {
		o = cJSON_CreateObject();
		b64_put(o, "iv", iv, sizeof(iv));
		b64_put(o, "ciphertext", ct, len);
		b64_put(o, "mac", mac, sizeof(mac));
	}
	OPENSSL_cleanse(keys, sizeof(keys));
	return o;
}

int
ssss_decrypt(const uint8_t key[SSSS_KEY_LEN], const char *name,
    const cJSON *obj, struct buf *out, char *err, size_t errlen)
{
	uint8_t keys[64], iv[SSSS_IV_LEN + 2], mac[MAC_LEN + 2];
	uint8_t want[MAC_LEN], ct[SSSS_SECRET_MAX], pt[SSSS_SECRET_MAX];
	const char *siv = json_str(obj, "iv"), *sct = json_str(obj,
	    "ciphertext"), *smac = json_str(obj, "mac");
	unsigned wlen = 0;
	long ctlen;
	int rc = -1;

	buf_reset(out);
	if (siv == NULL || sct == NULL || smac == NULL) {
		snprintf(err, errlen, "%s: iv, ciphertext or mac missing",
		    name);
		return -1;
	}
	if (b64_get(siv, iv, sizeof(iv)) != SSSS_IV_LEN ||
	    b64_get(smac, mac, sizeof(mac)) != MAC_LEN ||
	    (ctlen = b64_get(sct, ct, sizeof(ct))) < 0) {
		snprintf(err, errlen, "%s: iv, ciphertext or mac is not "
		    "base64 of its size (the ciphertext at most %d bytes)",
		    name, SSSS_SECRET_MAX);
		return -1;
	}
	if (derive(key, name, keys) == -1 ||
	    !HMAC(EVP_sha256(), keys + 32, 32, ct, (size_t)ctlen, want,
	    &wlen) || wlen != MAC_LEN) {
		snprintf(err, errlen, "%s: HKDF or HMAC failed (OpenSSL)",
		    name);
		goto out;
	}
	if (CRYPTO_memcmp(want, mac, MAC_LEN) != 0) {
		snprintf(err, errlen, "%s: the MAC does not match: another "
		    "key, or a damaged secret", name);
		goto out;
	}
	if (ctr(keys, iv, ct, (size_t)ctlen, pt) == -1) {
		snprintf(err, errlen, "%s: AES-CTR failed (OpenSSL)", name);
		goto out;
	}
	buf_add(out, (const char *)pt, (size_t)ctlen);
	rc = 0;
out:
	OPENSSL_cleanse(keys, sizeof(keys));
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

cJSON *
ssss_key_description(const uint8_t key[SSSS_KEY_LEN], const uint8_t *iv)
{
	static const uint8_t zeros[32];
	cJSON *e = ssss_encrypt(key, "", zeros, sizeof(zeros), iv), *d;

	if (e == NULL)
		return NULL;
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "algorithm", SSSS_ALG);
	cJSON_AddStringToObject(d, "iv", json_str(e, "iv"));
	cJSON_AddStringToObject(d, "mac", json_str(e, "mac"));
	cJSON_Delete(e);
	return d;
}

int
ssss_key_check(const uint8_t key[SSSS_KEY_LEN], const cJSON *desc,
    char *err, size_t errlen)
{
	static const uint8_t zeros[32];
	const char *alg = json_str(desc, "algorithm"), *siv = json_str(desc,
	    "iv"), *smac = json_str(desc, "mac");
	uint8_t iv[SSSS_IV_LEN + 2];
	const char *got;
	cJSON *e;
	int rc;

	if (alg == NULL || strcmp(alg, SSSS_ALG) != 0) {
		snprintf(err, errlen, "the key's algorithm is not %s",
		    SSSS_ALG);
		return -1;
	}
	if (siv == NULL || smac == NULL || b64_get(siv, iv, sizeof(iv)) !=
	    SSSS_IV_LEN) {
		snprintf(err, errlen, "the key description has no iv or mac");
		return -1;
	}
	if ((e = ssss_encrypt(key, "", zeros, sizeof(zeros), iv)) == NULL) {
		snprintf(err, errlen, "OpenSSL failed");
		return -1;
	}
	got = json_str(e, "mac");
	/* compared as strings: both padded base64 of 32 bytes, unless
	 * desc's is unpadded */
	rc = got && (strcmp(got, smac) == 0 || (strlen(smac) == 43 &&
	    strncmp(got, smac, 43) == 0)) ? 0 : -1;
	cJSON_Delete(e);
	if (rc == -1)
		snprintf(err, errlen, "the recovery key is not the account's "
		    "secret storage key (the MAC differs)");
	return rc;
}
