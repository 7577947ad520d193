/*
 * mx_crypto_int.h -- what the Olm machine's files share (mx_crypto.c:
 * canonical JSON, the pickle key, the device and its uploads;
 * mx_decrypt.c: reading; mx_pending.c: events waiting for their key;
 * mx_share.c: devices of others, room keys shared and Megolm
 * encryption; mx_xsign.c: the account's cross-signing keys).  Not for other modules: they use
 * mx_crypto.h.
 */
#ifndef TECHPAY_MX_CRYPTO_INT_H
#define TECHPAY_MX_CRYPTO_INT_H

#include <cjson/cJSON.h>

#include "mx_crypto.h"
#include "state.h"
#include "vz.h"

#define PICKLE_MAX	(64 * 1024)	/* an account's pickle is ~10 KB */
#define OTK_JSON_MAX	(16 * 1024)	/* VZ_OTK_GENERATE_MAX keys */

struct mxc {
	struct state	*st;
	char		*scope;
	char		*user;
	char		*device;
	uint8_t		 key[VZ_PICKLE_KEY_LEN];
	struct vz_account *acct;
	char		 curve[VZ_KEY_SIZE];
	char		 ed[VZ_KEY_SIZE];
	int		 uploaded;	/* device keys on the server */
	/* the cross-signing keys, once made or loaded (mx_xsign.c) */
	struct vz_signing *xs[MXC_XS_N];
	char		 xs_pub[MXC_XS_N][VZ_KEY_SIZE];
};

/* Our device's keys object, signed by the device (/keys/upload). */
cJSON	*mxc_device_keys(struct mxc *);

/* Signs obj (canonical JSON without signatures and unsigned) as our
 * device: obj.signatures[user]["ed25519:DEVICE"]. */
int	 mxc_sign_json(struct mxc *, cJSON *obj);
/* The account and an Olm session to the store, pickled; -1 logged. */
int	 mxc_save_account(struct mxc *);
void	 mxc_save_session(struct mxc *, const char *sender_key,
	    struct vz_session *);

#endif
