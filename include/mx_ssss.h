/*
 * mx_ssss.h -- Matrix secret storage (client-server API "Secrets"):
 * the m.secret_storage.v1.aes-hmac-sha2 encryption of a named secret,
 * the key description that lets a client check a key, and the recovery
 * key a person types (base58 of 0x8B 0x01, the key, a parity byte).
 *
 * Pure functions over OpenSSL (HKDF-SHA-256, AES-256-CTR,
 * HMAC-SHA-256): no I/O, no state.  The Matrix account data requests
 * that carry these objects are mx_xsign_net.c's.  The same encryption,
 * with the pickle key as its key, keeps the cross-signing keys in the
 * state store (mx_xsign.c): one scheme, read the same way.
 *
 * Base64 out is the padded standard alphabet (what Element writes);
 * base64 in may be padded or not.
 */
#ifndef TECHPAY_MX_SSSS_H
#define TECHPAY_MX_SSSS_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"

#define SSSS_ALG		"m.secret_storage.v1.aes-hmac-sha2"
#define SSSS_KEY_LEN		32	/* bytes of a secret storage key */
#define SSSS_IV_LEN		16
#define SSSS_RECOVERY_SIZE	64	/* a spaced recovery key, NUL */
#define SSSS_SECRET_MAX		4096	/* bytes of a secret decrypted */
#define SSSS_ERR_MAX		256

/* The recovery key of key, in groups of four characters with a space
 * between: 59 characters and a NUL in out (outsz >= SSSS_RECOVERY_SIZE);
 * -1 when out is too small. */
int	 ssss_recovery_encode(const uint8_t key[SSSS_KEY_LEN], char *out,
	    size_t outsz);
/* The key of a recovery key as typed (spaces and tabs ignored); -1 with
 * err for another alphabet, length, prefix or parity. */
int	 ssss_recovery_decode(const char *s, uint8_t key[SSSS_KEY_LEN],
	    char *err, size_t errlen);

/*
 * Encrypts len bytes of plain as the secret called name: a new object
 * {"iv", "ciphertext", "mac"} (the caller frees it).  iv is the one to
 * use (tests), or NULL for a random one; its bit 63 is cleared either
 * way, as the spec asks.  NULL when randomness or OpenSSL fails.
 */
cJSON	*ssss_encrypt(const uint8_t key[SSSS_KEY_LEN], const char *name,
	    const void *plain, size_t len, const uint8_t *iv);
/* The secret of such an object into out (reset first; wiped by the
 * caller after use): 0, or -1 with err for a wrong key (MAC), a
 * missing or malformed field, a secret over SSSS_SECRET_MAX. */
int	 ssss_decrypt(const uint8_t key[SSSS_KEY_LEN], const char *name,
	    const cJSON *obj, struct buf *out, char *err, size_t errlen);

/* The key description for account data m.secret_storage.key.ID:
 * {"algorithm", "iv", "mac"}, the MAC of 32 zero bytes encrypted with
 * an empty name.  iv as for ssss_encrypt. */
cJSON	*ssss_key_description(const uint8_t key[SSSS_KEY_LEN],
	    const uint8_t *iv);
/* 0 when key is the one desc describes; -1 with err if not. */
int	 ssss_key_check(const uint8_t key[SSSS_KEY_LEN], const cJSON *desc,
	    char *err, size_t errlen);

#endif
