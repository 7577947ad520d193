/*
 * mx_crypto.h -- end-to-end encryption for a Matrix account: the "Olm
 * machine" between the Matrix adapter and the cryptography of vz.h.
 *
 * No I/O but the state store: the adapter gives it what came from the
 * homeserver (a /sync's to-device events and key counts, an encrypted
 * timeline event, the answer to /keys/upload) and sends the request
 * bodies it makes.  So every rule below is unit-tested without a server
 * (tests/test_mxcrypto.c plays the other device with vz.h) and fuzzed.
 *
 * What it keeps, in the state store's crypto table (state.h) under the
 * account's scope, pickled with the operator's pickle key:
 *   account   the device's Olm account (its identity keys), the device
 *             id it belongs to, whether its device keys were uploaded;
 *   olm       one row per Olm session, SENDERKEY|SESSIONID;
 *   megolm    one row per inbound room key, ROOM|SESSIONID, with the
 *             Olm sender key, user and Ed25519 key it came with;
 *   index     ROOM|SESSIONID|INDEX -> the event id that used it (a
 *             second event with the same one is a replay);
 *   pending   events whose room key has not come yet, by event id;
 *   xsign     the account's cross-signing keys (master, self_signing,
 *             user_signing: each seed encrypted with the pickle key as
 *             secret storage encrypts, mx_ssss.h), what of them the
 *             server has (uploaded, signed: the device id signed), and
 *             the secret storage key until its recovery key was given.
 *
 * Spec: Client-Server API, "End-to-End Encryption" (m.olm.v1.curve25519-
 * aes-sha2, m.megolm.v1.aes-sha2), canonical JSON from "Signing JSON".
 */
#ifndef TECHPAY_MX_CRYPTO_H
#define TECHPAY_MX_CRYPTO_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "mx_ssss.h"
#include "state.h"
#include "vz.h"

#define MXC_ERR_MAX		512	/* any error of this module fits */
#define MXC_KEY_FILE		"pickle.key"	/* made in state_dir */
#define MXC_KEY_FILE_MIN	32	/* bytes of an operator's key file */
#define MXC_KEY_FILE_MAX	4096
#define MXC_OLM		"m.olm.v1.curve25519-aes-sha2"
#define MXC_MEGOLM	"m.megolm.v1.aes-sha2"
/* Events waiting for their room key: at most this many, this many bytes
 * of JSON in all, this long each; past that the oldest go, logged. */
#define MXC_PENDING_MAX		256
#define MXC_PENDING_BYTES	(1L << 20)
#define MXC_PENDING_TTL_S	600
#define MXC_EVENT_MAX		65536	/* bytes of an event's JSON kept */
#define MXC_SESSIONS_TRIED	16	/* Olm sessions tried per sender key */

struct mxc;

/* Canonical JSON (sorted keys, no spaces, UTF-8 as is, integers only)
 * of v appended to out; -1 (out cut short) for a number that is not a
 * whole one in the spec's range. */
int		 mxc_canonical(const cJSON *v, struct buf *out);

/*
 * The pickle key: the SHA-256 of file's contents (at least
 * MXC_KEY_FILE_MIN bytes, trailing white space ignored) when file is
 * given; else of state_dir/MXC_KEY_FILE, made at first start (random,
 * mode 0600, O_EXCL).  A key file that is another user's or readable by
 * group or others is refused.
 */
int		 mxc_pickle_key(const char *file, const char *state_dir,
		    uint8_t *key, char *err, size_t errlen);

/*
 * Opens the account of scope, or makes one when the store has none
 * (*made set; made may be NULL).  A stored account that the key cannot
 * unpickle (another pickle key, a damaged row) or that belongs to another
 * device id is an error that says what to do: never a new identity.
 * The caller keeps st alive; mxc_free frees the rest.
 */
struct mxc	*mxc_open(struct state *st, const char *scope,
		    const char *user_id, const char *device_id,
		    const uint8_t *key, int *made, char *err,
		    size_t errlen);
void		 mxc_free(struct mxc *);
/* The device's identity keys, base64. */
const char	*mxc_curve25519(const struct mxc *);
const char	*mxc_ed25519(const struct mxc *);
const char	*mxc_device_id(const struct mxc *);
const char	*mxc_user_id(const struct mxc *);

/* ---- the device's keys on the server ---- */

/*
 * The /keys/upload body for what the server lacks: the signed device
 * keys until they were uploaded once, the one-time keys and the fallback
 * key not yet published.  1 with out filled, 0 when there is nothing to
 * upload.  The account is saved first, so a crash before the answer
 * uploads the same keys again.
 */
int		 mxc_upload_body(struct mxc *, struct buf *out);
/* A 200 answer to that upload (its one_time_key_counts): the keys are
 * published; -1 with err when the account could not be saved. */
int		 mxc_uploaded(struct mxc *, const char *body, char *err,
		    size_t errlen);
/*
 * The key counts of a /sync (device_one_time_keys_count's
 * signed_curve25519, -1 when absent; whether
 * device_unused_fallback_key_types lists signed_curve25519, -1 when the
 * list is absent): makes the one-time keys that bring the count to half
 * of the account's maximum, and a new fallback key when the server has
 * used ours.  1 when an upload is now due.
 */
int		 mxc_key_counts(struct mxc *, long otk_count,
		    int fallback_unused);

/* ---- reading ---- */

/* What a to-device event brought. */
struct mxc_room_key {
	char	room_id[256];
	char	session_id[VZ_ID_SIZE];
};

/*
 * One to-device event.  An m.room.encrypted one (Olm) is decrypted with
 * the sender's sessions, or a new inbound session from a pre-key
 * message; its plaintext must name us as recipient (user and Ed25519
 * key) and the event's sender.  An m.room_key in it becomes an inbound
 * Megolm session, tied to the Olm sender key.  Returns 1 with *rk
 * filled for a new room key, 0 when the event needs nothing (another
 * type), -1 with err when it is dropped (malformed, not for us, not
 * decryptable).
 */
int		 mxc_to_device(struct mxc *, const cJSON *ev,
		    struct mxc_room_key *rk, char *err, size_t errlen);

/* mxc_decrypt's answers. */
#define MXC_OK		0
#define MXC_NO_KEY	1	/* its room key has not come (yet) */
#define MXC_BAD		(-1)

/*
 * A timeline m.room.encrypted event of room: MXC_OK with *clear a new
 * event (the caller frees it, cJSON_Delete) with the decrypted type and
 * content and the outer event_id, sender and origin_server_ts (an
 * m.relates_to left in clear is kept when the content has none);
 * MXC_NO_KEY; or MXC_BAD with err (malformed, another room's, a sender
 * that is not the key's, a replayed index).
 */
int		 mxc_decrypt(struct mxc *, const char *room_id, const cJSON *ev,
		    cJSON **clear, char *err, size_t errlen);

/*
 * Keeps ev (of room) until its room key comes, bounded by
 * MXC_PENDING_MAX, MXC_PENDING_BYTES (the oldest dropped, logged) and
 * MXC_EVENT_MAX (a bigger event is refused, -1 with err).  Keeping the
 * same event again changes nothing.
 */
int		 mxc_wait(struct mxc *, const char *room_id, const cJSON *ev,
		    char *err, size_t errlen);
typedef void	 mxc_event_fn(const char *room_id, const cJSON *ev, void *ctx);
/* Calls fn for each waiting event of room_id and session_id (NULL:
 * any), oldest first; the caller decrypts it again and mxc_unwait()s it
 * once it is handled.  Returns how many. */
int		 mxc_waiting(struct mxc *, const char *room_id,
		    const char *session_id, mxc_event_fn *fn, void *ctx);
void		 mxc_unwait(struct mxc *, const char *event_id);
/* Drops the events that waited longer than MXC_PENDING_TTL_S by now,
 * one log line each; returns how many. */
int		 mxc_expire(struct mxc *, time_t now);

/* ---- writing: the devices of others, room keys, Megolm ---- */

#define MXC_ROTATE_MSGS		100	/* m.room.encryption's defaults */
#define MXC_ROTATE_MS		(7L * 24 * 3600 * 1000)
#define MXC_CLAIM_TIMEOUT_MS	10000

/* A device list to fetch again: device_lists.changed named the user. */
void		 mxc_devices_changed(struct mxc *, const char *user);
/*
 * The /keys/query body for those of users (n of them) whose devices are
 * not known or have changed: 1 with out filled, 0 when none needs it.
 */
int		 mxc_query_body(struct mxc *, const char *const *users, int n,
		    struct buf *out);
/*
 * The answer to that query: each device whose user and device id match
 * and whose keys its own Ed25519 key signs is kept (one that changed its
 * Ed25519 key is not: logged); a device that is no longer listed is
 * forgotten.  How many devices are kept, -1 with err when the answer is
 * not JSON.
 */
int		 mxc_query_result(struct mxc *, const char *body, char *err,
		    size_t errlen);
/* The /keys/claim body for the devices of users with no Olm session
 * yet: 1 with out filled, 0 when none lacks one. */
int		 mxc_claim_body(struct mxc *, const char *const *users, int n,
		    struct buf *out);
/* The answer: a one-time key its device signs opens an Olm session to
 * it.  How many sessions were opened; -1 when the answer is not JSON. */
int		 mxc_claim_result(struct mxc *, const char *body, char *err,
		    size_t errlen);
/*
 * The room's outbound Megolm session readied for users: a new one when
 * there is none, when it has sent rot_msgs messages or is rot_ms old
 * (now_ms), or when a device it was shared with is no longer among the
 * members' (a person left, a device was removed).  Then the
 * /sendToDevice body (m.room.encrypted, each m.room_key sealed for one
 * device over Olm) for the devices that lack it: 1 with out filled, 0
 * when every device has it; those devices count as having it once
 * mxc_shared() is called after the send succeeded.
 */
int		 mxc_share_body(struct mxc *, const char *room_id,
		    const char *const *users, int n, long rot_msgs,
		    long long rot_ms, long long now_ms, struct buf *out,
		    char *err, size_t errlen);
void		 mxc_shared(struct mxc *, const char *room_id);
/*
 * The m.room.encrypted content of an event (type, content) for room_id,
 * under its outbound session (mxc_share_body first): m.relates_to stays
 * in clear.  The session is saved before the content is given.
 */
int		 mxc_encrypt(struct mxc *, const char *room_id, const char *type,
		    const cJSON *content, struct buf *out, char *err,
		    size_t errlen);

/* ---- cross-signing: the account's master, self-signing and
 * user-signing keys (spec "Cross-signing") ---- */

#define MXC_XS_MASTER	0
#define MXC_XS_SELF	1
#define MXC_XS_USER	2
#define MXC_XS_N	3

/* The keys as the server has them (mxc_xsign_server). */
struct mxc_xsign_seen {
	int	 has_master;		/* the server has a master key */
	int	 ours;			/* and it and the self-signing key
					   are the ones we hold */
	int	 device_signed;		/* our device bears a valid
					   signature of that self-signing
					   key */
	char	 master[VZ_KEY_SIZE];	/* the server's master key */
};

/* The secret names of the three keys in secret storage, by MXC_XS_. */
extern const char *const mxc_xsign_secret[MXC_XS_N];

/*
 * The cross-signing keys from the store: 1 when held (loaded), 0 when
 * the store has none and make is 0; with make, 0 never: new keys are
 * made and saved before anything is uploaded, so a crash uploads the
 * same ones again.  -1 with err when the store's cannot be read with
 * the pickle key.
 */
int		 mxc_xsign_keys(struct mxc *, int make, char *err,
		    size_t errlen);
/* A key's public half (MXC_XS_), or NULL when none is held. */
const char	*mxc_xsign_public(const struct mxc *, int which);
/* A key's private half as unpadded base64 (VZ_SEED_SIZE), for secret
 * storage; the caller wipes it.  -1 when none is held. */
int		 mxc_xsign_seed(const struct mxc *, int which, char *out,
		    size_t outsz);
void		 mxc_xsign_forget(struct mxc *);
/*
 * What a /keys/query answer for our own user says of our keys.  The
 * self-signing key counts only with a valid master signature, the
 * device's signature only when it verifies.  -1 with err when the
 * answer is not JSON.
 */
int		 mxc_xsign_server(struct mxc *, const char *body,
		    struct mxc_xsign_seen *, char *err, size_t errlen);
/* The /keys/device_signing/upload body: the three public keys, the
 * self- and user-signing keys signed by the master key; with auth
 * (the JSON of the UIA "auth" object, or NULL) when the server asks. */
int		 mxc_xsign_upload_body(struct mxc *, const cJSON *auth,
		    struct buf *out);
/* The /keys/signatures/upload body: our device signed by the
 * self-signing key, the master key by our device. */
int		 mxc_xsign_signatures_body(struct mxc *, struct buf *out);
/* Flags kept in the xsign rows: "uploaded", "signed" (set to the
 * device id), "ssss" (the secrets are in secret storage). */
int		 mxc_xsign_mark(struct mxc *, const char *flag,
		    const char *value);
int		 mxc_xsign_marked(struct mxc *, const char *flag,
		    const char *value);
/* The secret storage key: the one kept (encrypted like the seeds) or,
 * with none, a new random one kept now.  1 when it was made now. */
int		 mxc_ssss_key(struct mxc *, uint8_t key[32], char *err,
		    size_t errlen);

#endif
