/*
 * mx_e2ee_int.h -- what the files of the network half of encryption
 * share (mx_e2ee.c: uploads, reading, rooms made ready; mx_xsign_net.c:
 * the cross-signing bootstrap and secret storage).  Not for other
 * modules: they use mx_e2ee.h.
 */
#ifndef TECHPAY_MX_E2EE_INT_H
#define TECHPAY_MX_E2EE_INT_H

#include "mx_e2ee.h"

#define API	"/_matrix/client/v3"

enum step { ST_MEMBERS, ST_SETTINGS, ST_QUERY, ST_CLAIM, ST_SHARE, ST_DONE };

#define MXE_CANCELS_MAX	4	/* verification cancels in flight */
#define MXE_VERIFY_ID_MAX	255	/* bytes of a transaction or device id */

struct xboot;

/* Rotation periods of a room, as its m.room.encryption says. */
struct settings {
	char		*room;
	long		 msgs;
	long long	 ms;
	struct settings	*next;
};

/* One room being made ready; on the mxe's list until done. */
struct prep {
	struct mxe	*e;
	char		*room;
	mxe_done_fn	*done;
	void		*ctx;
	enum step	 step;
	struct http_req	*req;
	char		**users;
	int		 nusers;
	struct prep	*next;
};

struct mxe {
	struct http	*http;
	char		*base;
	char		*name;
	char		*token;
	struct mxc	*mxc;
	struct mxe_ops	 ops;
	void		*ctx;
	struct http_req	*upload;	/* one /keys/upload at a time */
	int		 upload_again;	/* more became due meanwhile */
	/* verification requests declined: the cancels in flight */
	struct http_req	*cancels[MXE_CANCELS_MAX];
	struct prep	*preps;
	struct settings	*settings;
	char		*fed[MXE_FED_MAX];	/* late events fed this run */
	int		 nfed;
	char		*password;	/* for user-interactive auth */
	char		*recovery_file;	/* NULL: the recovery key logged */
	struct xboot	*boot;		/* cross-signing, mx_xsign_net.c */
};

/* The homeserver's base URL and path into b (reset first). */
void	 mxe_url(struct mxe *, struct buf *b, const char *path);

/* Cross-signing (mx_xsign_net.c): started once the device keys are on
 * the server (once a run), a failed step tried again from
 * mxe_after_sync after a backoff. */
void	 mxe_xsign_start(struct mxe *);
void	 mxe_xsign_tick(struct mxe *, time_t now);
void	 mxe_xsign_free(struct mxe *);

#endif
