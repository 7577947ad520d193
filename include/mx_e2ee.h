/*
 * mx_e2ee.h -- a Matrix account's end-to-end encryption on the network:
 * the Olm machine (mx_crypto.h) driven over http.h.
 *
 * The adapter (matrix.c) hands it what a /sync brought (key counts,
 * device list changes, to-device events, encrypted timeline events) and
 * gets back, through ops->feed, each timeline event decrypted, at once
 * or when its room key comes.  Before an answer goes to an encrypted
 * room the adapter asks mxe_prepare() to make the room ready (members'
 * devices queried, Olm sessions claimed, the room key shared) and then
 * encrypts the answer with mxe_encrypt().  A failed step fails the
 * prepare: the adapter retries the answer with its usual backoff.
 */
#ifndef TECHPAY_MX_E2EE_H
#define TECHPAY_MX_E2EE_H

#include <time.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "http.h"
#include "mx_crypto.h"

#define MXE_TIMEOUT_MS		30000	/* each of its requests */
#define MXE_MEMBERS_MAX		1000	/* members of a room keys go to */
#define MXE_FED_MAX		MXC_PENDING_MAX	/* late events fed per run */

struct mxe;

struct mxe_ops {
	/* A timeline event decrypted (the clear event of mxc_decrypt),
	 * to read as the sync would have brought it. */
	void	(*feed)(const char *room_id, const cJSON *clear, void *ctx);
	/* Whether event_id was handled for good (its answer accepted, as
	 * the store says): the event waiting for its key is then
	 * forgotten.  One with nothing to answer is kept until it is
	 * MXC_PENDING_TTL_S old, and fed again only after a restart. */
	int	(*handled)(const char *event_id, void *ctx);
	/* Something the operator must fix before the account can go on
	 * (cross-signing refused the password): the account stops. */
	void	(*fatal)(const char *what, const char *why, void *ctx);
};

/* An account's; mxc becomes the mxe's (mxe_free frees it).  base is the
 * homeserver's URL, name the account's for the log. */
struct mxe	*mxe_new(struct http *, const char *base, const char *name,
		    struct mxc *, const struct mxe_ops *, void *ctx);
/* Cancels what is in flight (no callbacks) and frees. */
void		 mxe_free(struct mxe *);
void		 mxe_set_token(struct mxe *, const char *token);
/* The password for user-interactive auth (cross-signing keys, when
 * the server asks), NULL with an access token only; the file the
 * recovery key is written to, NULL to log it once. */
void		 mxe_set_auth(struct mxe *, const char *password,
		    const char *recovery_key_file);
struct mxc	*mxe_machine(struct mxe *);

/* The keys the server lacks, uploaded (one request at a time).  Once
 * the device keys are there, cross-signing is bootstrapped: the
 * account's master, self-signing and user-signing keys made (or read
 * from the store), uploaded unless the server has them, our device
 * signed, and the private keys put in secret storage behind a recovery
 * key given once (mx_xsign_net.c). */
void		 mxe_upload(struct mxe *);
/* From a /sync, in its order: counts, lists, to-device, then rooms. */
void		 mxe_key_counts(struct mxe *, long otk, int fallback_unused);
void		 mxe_device_lists(struct mxe *, const cJSON *changed,
		    const cJSON *left);
void		 mxe_to_device(struct mxe *, const cJSON *ev);
void		 mxe_encrypted(struct mxe *, const char *room_id,
		    const cJSON *ev);
/* After each sync: late events whose key is known are fed (again, if a
 * restart came between), handled ones forgotten, old ones dropped. */
void		 mxe_after_sync(struct mxe *, time_t now);

typedef void	 mxe_done_fn(void *ctx, int ok);
/* Makes room ready for an encrypted send, then done(ctx, 1), or
 * done(ctx, 0) after a failure (logged); done is never called from
 * inside this call.  One prepare per ctx at a time. */
void		 mxe_prepare(struct mxe *, const char *room_id,
		    mxe_done_fn *done, void *ctx);
/* Stops ctx's prepare (its requester is gone): done is not called. */
void		 mxe_cancel(struct mxe *, void *ctx);
/* The m.room.encrypted content for (type, content JSON) in room_id:
 * 0, or -1 with err. */
int		 mxe_encrypt(struct mxe *, const char *room_id, const char *type,
		    const char *content, struct buf *out, char *err,
		    size_t errlen);

#endif
