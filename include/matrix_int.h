/*
 * matrix_int.h -- what the Matrix adapter's parts share (bot/matrix*.c);
 * private.
 *
 *   matrix.c         the adapter: its ops, an account's session (login,
 *                    whoami, display name) and its sync loop
 *   matrix_events.c  a sync's events: questions answered, invites
 *                    accepted or declined, room state kept for later
 *   matrix_queue.c   the requests: the per-room send queues, the sync
 *                    batches and answered events (exactly once), and
 *                    the helpers that read the server's answers
 *   matrix_discover.c  where the client API is (.well-known), first
 *   matrix_conf.c    the [matrix NAME] section (matrix_conf.h)
 *
 * Calls go down the list: matrix.c parses a sync with matrix_events.c's
 * callbacks, which queue requests in matrix_queue.c.  One call goes back:
 * a finished request lets a sync paused by a full queue go on
 * (mx_ctl_next).  Nothing outside bot/matrix*.c includes this header.
 */
#ifndef TECHPAY_MATRIX_INT_H
#define TECHPAY_MATRIX_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "answer.h"
#include "buf.h"
#include "http.h"
#include "loop.h"
#include "matrix.h"
#include "mx_e2ee.h"
#include "mxsync.h"
#include "state.h"

#define API	"/_matrix/client/v3"

#define MX_SENDS_MAX	4	/* messages in flight per account */
#define MX_MEMBER_MAX	2	/* joins and leaves in flight per account */
#define MX_OUT_MAX	512	/* requests queued before /sync pauses */
#define MX_SENDER_MAX	8	/* answers queued for one sender */
#define MX_ROOM_MAX	32	/* answers queued for one room: many
				 * senders cannot fill MX_OUT_MAX either */
#define MX_RETRY_SOON_MS 1000	/* a send's first retry after a 5xx */
#define MX_DIRECT_PEOPLE 2	/* a DM: the asker and the bot */
#define MX_KEY_MAX	300	/* a room key: "what:!room:server" */


struct matrix;
struct mx;

enum phase { PH_DISCOVER, PH_LOGIN, PH_WHOAMI, PH_PROFILE, PH_SYNC, PH_DEAD };

/* What a request is, for the in-flight limits: joins are slow on the
 * server and must not take the slots of answers. */
enum lane { LANE_SEND, LANE_MEMBER, NLANES };

/* A key/value to commit with a sync batch. */
struct pending_kv {
	char			*key;
	char			*value;
	struct pending_kv	*next;
};

/*
 * One /sync answer: its position may be committed once nout is 0 and
 * every earlier batch is committed.  Owned by the account's batch list
 * (or x->open while the sync is parsed); freed when committed.
 */
struct batch {
	char			*next_batch;	/* NULL while being parsed */
	int			 nout;		/* its requests not yet done */
	struct pending_kv	*kv;
	struct batch		*next;
};

/* An event that got an answer: marked handled when refs drops to 0
 * (every request it caused done).  On the account's evs list. */
struct evref {
	char			*id;
	int			 refs;
	struct evref		*next;
};

/* One request waiting in a room queue; owned by the queue. */
struct out {
	char		*method;
	char		*path;		/* after the homeserver URL */
	char		*body;
	char		*what;		/* for the log */
	enum lane	 lane;
	struct batch	*batch;		/* NULL: not caused by a sync */
	struct evref	*ev;		/* NULL: answers no event */
	char		*who;		/* the asker answered, or NULL */
	char		*e2ee_room;	/* an answer to encrypt there first */
	char		*reply_of;	/* the question it answers: its event
					 * id is kept (state_reply_put) */
	char		*thread;	/* the thread it goes to, or NULL */
	/* called with the server's final answer (taken or refused for
	 * good; NULL: never sent), as the event and the batch the
	 * request held */
	void		(*done)(struct mx *, const struct http_result *);
	struct out	*next;
};

/* One room's requests, in order, one at a time; freed when empty. */
struct roomq {
	struct mx	*x;
	char		*room;		/* as in the path (URL-encoded) */
	struct out	*head, **tail;
	struct http_req	*req;		/* head in flight */
	long		 timer;		/* head waiting for a retry */
	int		 prepping;	/* head's room key being shared */
	int		 fails;		/* in a row, for the backoff */
	struct roomq	*next;
};

struct mx {
	struct matrix		*m;
	struct config_matrix	 cf;		/* our copy */
	char			 scope[80];	/* "matrix:NAME": store, highlights */
	struct http		*http;
	char			*token;
	int			 token_is_config;
	char			*self;		/* our user id, from whoami */
	char			*display;	/* our display name */
	char			*localpart;
	char			*since;		/* the next sync's position */
	int			 first_sync;	/* no position saved yet */
	int			 shrink;	/* index in sync_limits */
	int			 catching_up;	/* first sync of this run */
	int			 rooms_joined;	/* rooms = asked for this run */
	enum phase		 phase;
	int			 disc_step;	/* matrix_discover.c */
	enum phase		 disc_then;	/* login or whoami, after */
	char			*disc_base;	/* a base URL being checked */
	struct buf		 disc_why;	/* what it found, for the log */
	struct http_req		*ctl;		/* the control request */
	long			 ctl_timer;
	int			 sync_held;	/* ctl_timer: a hold (on_sync) */
	int			 ctl_fails;
	struct roomq		*rooms;		/* round robin: started go last */
	int			 nout;		/* queued in all rooms */
	int			 inflight[NLANES];
	struct batch		*open;		/* the sync being parsed */
	struct batch		*batches;	/* oldest first, uncommitted */
	struct evref		*evs;		/* events being answered */
	struct evref		*cur_ev;	/* on_message's, for out_push */
	const char		*cur_who;	/* its sender, likewise */
	const char		*cur_e2ee;	/* its room, when encrypted */
	const char		*cur_reply_of;	/* the question answered */
	const char		*cur_thread;	/* its thread */
	void			(*cur_done)(struct mx *,
				    const struct http_result *);
	char			*part_after;	/* !part's room, left once its
						 * answer is queued */
	struct mxe		*e2ee;		/* encryption = yes, once signed in */
	char			*device_id;	/* from whoami */
	int			 stopping;
	int			 gone;		/* removed by a reload */
};

struct matrix {
	struct adapter		 ad;
	struct loop		*loop;
	struct state		*st;
	struct mx		 accts[CONFIG_MATRIX_MAX];
	int			 naccts;
	int			 failed;
	struct answer		 ans;
	char			*state_dir;	/* a pickle key is made there */
};

/* matrix.c: the next control request (login, whoami, profile, sync),
 * unless one is in flight or waits. */
void		 mx_ctl_next(struct mx *);
/* Stops the account (and the bot: exit 1) with what and why logged. */
void		 mx_fatal(struct mx *, const char *what, const char *why);
/* matrix_discover.c: the next request of PH_DISCOVER; then the phase in
 * disc_then, with cf.homeserver the client API's base URL, or PH_DEAD
 * (logged). */
void		 mx_discover_next(struct mx *);

/* matrix_events.c: what mxsync_parse calls for a sync's events (ctx is
 * the struct mx). */
extern const struct mxsync_cb mx_sync_cb;
/* matrix_events.c: what the Olm machine's glue calls back (ctx is the
 * struct mx): a decrypted event read, an event handled */
extern const struct mxe_ops mx_e2ee_ops;

/* matrix_queue.c: the server's answers */
long		 mx_backoff_ms(const struct config_matrix *, int);
cJSON		*mx_parse_small(const struct http_result *);
long		 mx_retry_delay(const struct http_result *,
		    const struct config_matrix *, int);
void		 mx_errcode(const struct http_result *, char *, size_t);
void		 mx_url(struct mx *, struct buf *, const char *);

/* matrix_queue.c: sync batches and answered events */
void		 mx_batch_free(struct batch *);
void		 mx_batch_close(struct mx *, struct batch *);
void		 mx_batch_set(struct mx *, const char *, const char *);
char		*mx_batch_get(struct mx *, const char *);
int		 mx_batch_has_id(struct mx *, const char *);
struct evref	*mx_ev_new(struct mx *, const char *);
void		 mx_ev_drop(struct mx *, struct evref *);
void		 mx_ev_release(struct mx *, struct evref *);

/* matrix.c: leaves a room, by id or alias (looked up first). */
void		 mx_leave(struct mx *, const char *);

/* matrix_queue.c: the room queues */
void		 mx_out_push(struct mx *, const char *, struct buf *, char *,
		    const char *);
void		 mx_out_kick(struct mx *);
int		 mx_queued_for(const struct mx *, const char *);
int		 mx_queued_in(const struct mx *, const char *);
void		 mx_room_key(char *, size_t, const char *, const char *);
/* Frees what x still queues, its batches and events: never sent, never
 * marked handled, so the next start answers them. */
void		 mx_queue_free(struct mx *);

#endif
