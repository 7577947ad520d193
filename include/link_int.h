/*
 * link_int.h -- what the link's files share (link.h is the outside's).
 *
 *   link.c        the link's life (new, start, close, free), the loop's
 *                 view of its sockets, the keepalive tick, the lines
 *                 read and the queue the bot's lines wait in;
 *   link_up.c     the server's socket: name lookup, connect, the TLS
 *                 session, reading and writing;
 *   link_local.c  libircclient's side: the listener on 127.0.0.1 that
 *                 takes only libircclient's connection, and its socket;
 *   outq.c        the send queue and token bucket (outq.h, no sockets).
 */
#ifndef TECHPAY_LINK_INT_H
#define TECHPAY_LINK_INT_H

#include <openssl/ssl.h>

#include "buf.h"
#include "link.h"
#include "loop.h"

#define LINK_INBUF_MAX	(64 * 1024)	/* a line longer than this is junk */
#define LINK_BACKLOG	8		/* intruders must not crowd us out */
#define LINK_SETUP_MAX_MS 10000		/* to connect, then to shake hands */

enum link_state { L_RESOLVING, L_CONNECTING, L_HANDSHAKE, L_READY, L_CLOSED };

struct resolve;
struct outq;

struct link {
	struct loop	*loop;
	struct link_conf conf;
	char		*host;
	struct link_cbs	 cbs;
	void		*ctx;
	enum link_state	 state;
	int		 lfd, cfd, ufd;
	int		 port;		/* the listener's */
	int		 expect_port;	/* libircclient's end; 0: not yet */
	struct resolve	*rv;		/* the name lookup under way */
	long long	 since;		/* ms the connect or handshake began */
	SSL_CTX		*ssl_ctx;
	SSL		*ssl;
	struct buf	 from_client;	/* partial line from libircclient */
	struct buf	 from_server;	/* partial line from the server */
	struct buf	 to_client;
	struct buf	 to_server;	/* bytes released by the bucket */
	size_t		 to_server_off;
	struct outq	*q;		/* lines waiting for the bucket */
	long		 bucket_timer;
	long		 tick_timer;
	long long	 last_rx;	/* ms of the last byte from the server */
	long long	 ping_sent;	/* 0 when no PING is outstanding */
	int		 ssl_want_write;
	int		 in_callback;
	int		 dead;		/* closed during a callback: free later */
};

/*
 * link.c.  Every entry point (socket event, timer, link_send) brackets
 * its work with link_enter/link_leave: a link closed in the middle is
 * destroyed once, when the outermost entry returns.
 */
void	link_enter(struct link *);
void	link_leave(struct link *);
void	link_close(struct link *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Registers the sockets with the loop as their buffers want. */
void	link_fds(struct link *);
/* Moves queued lines to the server's buffer as the bucket allows. */
void	link_drain(struct link *);
/* Splits buffered bytes into lines and hands each to fn. */
void	link_lines(struct link *, struct buf *,
	    void (*fn)(struct link *, char *, size_t));
/* Debug log of the wire, never with a secret in it. */
void	link_wire_log(struct link *, const char *dir, const char *line);
/* Queues one line of libircclient's (urgent when it keeps the
 * connection or the registration going). */
void	link_enqueue(struct link *, const char *line, size_t n, int urgent,
	    const char *who, int is_free);
int	link_nonblock(int fd);

/* link_up.c */
void	up_tls_new(struct link *, const struct link_conf *);
int	up_start(struct link *, char *err, size_t errlen);
/* Writes what the bucket released; link_fds after. */
void	up_flush(struct link *);
loop_fd_cb up_fd_ev;
void	up_free(struct link *);

/* link_local.c */
/* Opens the listener; 0, or -1 after closing the link. */
int	local_listen(struct link *);
/* Writes the server's lines to libircclient's socket now, and calls the
 * passed callback when some went. */
void	local_flush(struct link *);
loop_fd_cb local_fd_ev;
void	local_free(struct link *);

#endif
