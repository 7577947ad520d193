/*
 * vz.h -- the Olm and Megolm cryptography of Matrix end-to-end
 * encryption, from vodozemac (the Rust implementation Element uses),
 * through the small static library in bot/vz/ (src/lib.rs) and its C ABI.
 *
 * Only the cryptography is here: an account (identity keys, one-time
 * and fallback keys, signing), Olm sessions, Megolm outbound and inbound
 * group sessions, their pickles, Ed25519 key pairs of their own (the
 * cross-signing keys) and an Ed25519 check.  The Matrix
 * protocol, canonical JSON, the store and every decision stay in C.
 *
 * Who owns what.  Each handle (struct vz_account, vz_session, vz_group,
 * vz_inbound, vz_signing) is opaque, made by a _new, _unpickle or session-creating
 * call, and freed by its own _free (NULL is fine there); the library
 * never keeps a pointer the caller gave.  Inputs are the caller's: base64
 * as NUL-terminated strings (at most VZ_INPUT_MAX bytes), plaintexts and
 * signed messages as bytes and a length.  Outputs go to the caller's
 * buffer `out` of `outsz` bytes, which gets the result and a NUL after
 * it; on success *outlen (outlen may be NULL) is the result's length
 * without the NUL.  When the buffer is too small the call fails, changes
 * no state, writes nothing to out, and sets *outlen to the buffer size
 * it needs: call with outsz 0 to learn it.  Encrypting and decrypting
 * move a ratchet, so their buffer is checked before anything is done:
 * vz_olm_encrypt_size() and vz_megolm_encrypt_size() give a size that
 * always fits, and a plaintext buffer as large as the ciphertext string
 * (with its NUL) always fits the plaintext.
 *
 * Errors.  Fallible calls return 0, or -1 with a one-line message (no
 * CR or LF) in err, of errlen bytes (VZ_ERR_MAX fits any); handle makers
 * return the handle, or NULL with err filled.  Bad input (NULL, not
 * base64, truncated, a wrong pickle key, a forged message) is such an
 * error, never a crash, and leaves the handle as it was.  A panic inside
 * Rust is caught at the boundary and reported as an error too.
 *
 * Not thread-safe per handle: one caller at a time for each.
 */
#ifndef TECHPAY_VZ_H
#define TECHPAY_VZ_H

#include <stddef.h>
#include <stdint.h>

#define VZ_ERR_MAX		256	/* any error message fits */
#define VZ_PICKLE_KEY_LEN	32	/* bytes of a pickle key */
#define VZ_KEY_SIZE		44	/* a base64 Curve25519/Ed25519 key, NUL */
#define VZ_SIG_SIZE		88	/* a base64 Ed25519 signature, NUL */
#define VZ_SEED_SIZE		44	/* a base64 Ed25519 private key, NUL */
#define VZ_ID_SIZE		44	/* an Olm or Megolm session id, NUL */
#define VZ_INPUT_MAX		(1 << 20) /* longest base64 or plaintext taken */
#define VZ_OTK_GENERATE_MAX	100	/* one-time keys made by one call */
#define VZ_OLM_PREKEY		0	/* Olm message types, as on the wire */
#define VZ_OLM_NORMAL		1

struct vz_account;
struct vz_session;
struct vz_group;
struct vz_inbound;
struct vz_signing;

/* ---- the account: the device's identity and its published keys ---- */

struct vz_account *vz_account_new(char *err, size_t errlen);
void		 vz_account_free(struct vz_account *);
/* The identity keys, base64: curve25519 (the sender key) and ed25519
 * (the fingerprint key).  VZ_KEY_SIZE fits either. */
int		 vz_account_curve25519(const struct vz_account *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
int		 vz_account_ed25519(const struct vz_account *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
/* The base64 Ed25519 signature of msg (canonical JSON, made by the
 * caller) with the fingerprint key.  VZ_SIG_SIZE fits it. */
int		 vz_account_sign(const struct vz_account *, const void *msg,
		    size_t msglen, char *out, size_t outsz, size_t *outlen,
		    char *err, size_t errlen);
/* How many one-time keys to keep on the server (vodozemac's advice);
 * 0 for NULL. */
size_t		 vz_account_max_one_time_keys(const struct vz_account *);
/* Makes n (at most VZ_OTK_GENERATE_MAX) new unpublished one-time keys. */
int		 vz_account_generate_one_time_keys(struct vz_account *, size_t n,
		    char *err, size_t errlen);
/* The unpublished one-time keys as one JSON object, key id to base64
 * key, oldest first: {"AAAAAAAAAAA":"<key>",...}; {} when none.
 * The caller signs each as signed_curve25519 and uploads them. */
int		 vz_account_one_time_keys(const struct vz_account *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
/* Makes a new fallback key; the previous one is still kept (a late
 * pre-key message may use it) until vz_account_forget_old_fallback_key. */
int		 vz_account_generate_fallback_key(struct vz_account *, char *err,
		    size_t errlen);
/* The unpublished fallback key, in the same JSON as the one-time keys
 * (one entry, or {} once published or when none was made). */
int		 vz_account_fallback_key(const struct vz_account *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
/* Forgets the fallback key before the current one: 1 if there was one,
 * 0 if not, -1 on error. */
int		 vz_account_forget_old_fallback_key(struct vz_account *,
		    char *err, size_t errlen);
/* After a successful upload: every one-time and fallback key listed
 * above is published, and no longer listed. */
int		 vz_account_mark_published(struct vz_account *, char *err,
		    size_t errlen);

/* An outbound Olm session to the device with identity key their_curve25519,
 * using one of its one-time (or fallback) keys from /keys/claim. */
struct vz_session *vz_account_outbound_session(const struct vz_account *,
		    const char *their_curve25519, const char *their_one_time_key,
		    char *err, size_t errlen);
/* An inbound Olm session from a pre-key message (type VZ_OLM_PREKEY,
 * base64) sent by the device with identity key their_curve25519 (the
 * event's sender_key).  Its plaintext goes to out (outsz at least the
 * message's length + 1).  Uses up the one-time key it names, so the
 * account must be pickled again afterwards. */
struct vz_session *vz_account_inbound_session(struct vz_account *,
		    const char *their_curve25519, const char *prekey, void *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);

/* ---- Olm sessions: one device to one device ---- */

void		 vz_session_free(struct vz_session *);
/* The session id, base64; VZ_ID_SIZE fits it. */
int		 vz_session_id(const struct vz_session *, char *out, size_t outsz,
		    size_t *outlen, char *err, size_t errlen);
/* A buffer size that always fits the ciphertext of len plaintext bytes,
 * or 0 when len is over VZ_INPUT_MAX. */
size_t		 vz_olm_encrypt_size(size_t len);
/* Encrypts: *type is VZ_OLM_PREKEY until the other side has answered,
 * then VZ_OLM_NORMAL; the base64 ciphertext goes to out. */
int		 vz_session_encrypt(struct vz_session *, const void *plain,
		    size_t len, int *type, char *out, size_t outsz, size_t *outlen,
		    char *err, size_t errlen);
/* Decrypts a message of type (VZ_OLM_PREKEY or VZ_OLM_NORMAL) into out
 * (outsz at least strlen(ciphertext) + 1).  A message this session
 * cannot decrypt leaves it as it was. */
int		 vz_session_decrypt(struct vz_session *, int type,
		    const char *ciphertext, void *out, size_t outsz, size_t *outlen,
		    char *err, size_t errlen);
/* Whether the pre-key message (base64) belongs to this session: 1 yes,
 * 0 no (make a new inbound session), -1 when it is not a pre-key
 * message. */
int		 vz_session_matches(const struct vz_session *, const char *prekey,
		    char *err, size_t errlen);

/* ---- Megolm outbound group session: the bot's side in a room ---- */

struct vz_group	*vz_group_new(char *err, size_t errlen);
void		 vz_group_free(struct vz_group *);
/* The session id (the room key's session_id); VZ_ID_SIZE fits it. */
int		 vz_group_id(const struct vz_group *, char *out, size_t outsz,
		    size_t *outlen, char *err, size_t errlen);
/* The session key at the current index, base64, for m.room_key (a
 * secret: sent only over Olm). */
int		 vz_group_key(const struct vz_group *, char *out, size_t outsz,
		    size_t *outlen, char *err, size_t errlen);
/* The index the next message will have (messages sent so far); 0 for
 * NULL. */
uint32_t	 vz_group_index(const struct vz_group *);
/* A buffer size that always fits the ciphertext of len plaintext bytes,
 * or 0 when len is over VZ_INPUT_MAX. */
size_t		 vz_megolm_encrypt_size(size_t len);
/* Encrypts and moves the ratchet on: the base64 ciphertext to out. */
int		 vz_group_encrypt(struct vz_group *, const void *plain, size_t len,
		    char *out, size_t outsz, size_t *outlen, char *err,
		    size_t errlen);

/* ---- Megolm inbound group session: a sender's room key ---- */

/* From an m.room_key's session_key (signed by the session's key). */
struct vz_inbound *vz_inbound_new(const char *session_key, char *err,
		    size_t errlen);
/* From an exported key (m.forwarded_room_key, a key backup). */
struct vz_inbound *vz_inbound_import(const char *exported_key, char *err,
		    size_t errlen);
void		 vz_inbound_free(struct vz_inbound *);
int		 vz_inbound_id(const struct vz_inbound *, char *out, size_t outsz,
		    size_t *outlen, char *err, size_t errlen);
/* The first message index this session can decrypt; 0 for NULL. */
uint32_t	 vz_inbound_first_index(const struct vz_inbound *);
/* The session exported at its first known index, base64 (a secret). */
int		 vz_inbound_export(const struct vz_inbound *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
/* Decrypts into out (outsz at least strlen(ciphertext) + 1) and gives
 * the message's index: the caller remembers (session, index) per event
 * id, and a second event with the same pair is a replay.  Does not
 * change the session. */
int		 vz_inbound_decrypt(struct vz_inbound *, const char *ciphertext,
		    void *out, size_t outsz, size_t *outlen, uint32_t *index,
		    char *err, size_t errlen);

/* ---- pickles: each handle, encrypted with a VZ_PICKLE_KEY_LEN key ----
 * The pickle is base64 text for the store.  Unpickling with another key,
 * or a damaged pickle, fails with an error. */

int		 vz_account_pickle(const struct vz_account *, const uint8_t *key,
		    char *out, size_t outsz, size_t *outlen, char *err,
		    size_t errlen);
struct vz_account *vz_account_unpickle(const char *pickle, const uint8_t *key,
		    char *err, size_t errlen);
int		 vz_session_pickle(const struct vz_session *, const uint8_t *key,
		    char *out, size_t outsz, size_t *outlen, char *err,
		    size_t errlen);
struct vz_session *vz_session_unpickle(const char *pickle, const uint8_t *key,
		    char *err, size_t errlen);
int		 vz_group_pickle(const struct vz_group *, const uint8_t *key,
		    char *out, size_t outsz, size_t *outlen, char *err,
		    size_t errlen);
struct vz_group	*vz_group_unpickle(const char *pickle, const uint8_t *key,
		    char *err, size_t errlen);
int		 vz_inbound_pickle(const struct vz_inbound *, const uint8_t *key,
		    char *out, size_t outsz, size_t *outlen, char *err,
		    size_t errlen);
struct vz_inbound *vz_inbound_unpickle(const char *pickle, const uint8_t *key,
		    char *err, size_t errlen);

/* ---- Ed25519 key pairs: the cross-signing keys ----
 * Not a device's: the master, self-signing and user-signing keys of an
 * account.  Their private key (the 32-byte RFC 8032 seed) leaves the
 * library only as unpadded base64 (vz_signing_seed, VZ_SEED_SIZE fits
 * it) for the caller to store encrypted (the state store, secret
 * storage): a secret, wiped by the caller after use. */

struct vz_signing *vz_signing_new(char *err, size_t errlen);
/* The key pair of a seed that vz_signing_seed gave; a seed of another
 * length or not base64 is an error. */
struct vz_signing *vz_signing_from_seed(const char *seed, char *err,
		    size_t errlen);
void		 vz_signing_free(struct vz_signing *);
/* The public key, unpadded base64 (the key id's part); VZ_KEY_SIZE. */
int		 vz_signing_public(const struct vz_signing *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
int		 vz_signing_seed(const struct vz_signing *, char *out,
		    size_t outsz, size_t *outlen, char *err, size_t errlen);
/* The base64 signature of msg (canonical JSON made by the caller);
 * VZ_SIG_SIZE fits it. */
int		 vz_signing_sign(const struct vz_signing *, const void *msg,
		    size_t msglen, char *out, size_t outsz, size_t *outlen,
		    char *err, size_t errlen);

/* ---- Ed25519: a device's or a cross-signing key's signature ---- */

/* 0 when sig (base64) is key's (base64 Ed25519) signature of msg, -1
 * with err when it is not or cannot be read. */
int		 vz_ed25519_verify(const char *key, const void *msg, size_t msglen,
		    const char *sig, char *err, size_t errlen);

#endif
