/*
 * link.h -- the transport under the IRC adapter: one server connection.
 *
 * Debian's libircclient is built without TLS, so libircclient never talks
 * to the server itself.  It connects to a private listener on 127.0.0.1
 * that the link opens, and the link relays to the real server, over TLS
 * (OpenSSL, certificate and host name verified) or plain TCP.  Because all
 * traffic crosses the link, it is also where:
 *   - every outgoing line waits in one queue behind a token bucket, so no
 *     burst of answers gets the bot kicked for flooding (PONG and QUIT go
 *     first);
 *   - outgoing lines are capped at IRC_MSG_MAX bytes and stripped of CR,
 *     LF and NUL;
 *   - server lines can be inspected (and consumed) before libircclient
 *     sees them: CAP and SASL happen here;
 *   - silence is detected: after ping_after seconds without a byte the
 *     link sends its own PING and closes if nothing comes back.
 * All sockets are non-blocking and driven by the bot's one loop.  A
 * server line reaches libircclient in the loop round that read it (the
 * passed callback).  The files: link.c, link_up.c (the server's
 * socket), link_local.c (libircclient's), outq.c (the queue and its
 * bucket); link_int.h is what they share.
 */
#ifndef TECHPAY_LINK_H
#define TECHPAY_LINK_H

#include <stddef.h>

#include "loop.h"

#define IRC_MSG_MAX	512	/* bytes of a line, CR LF included */

struct link;

struct link_conf {
	const char	*host;
	int		 port;
	int		 tls;
	int		 tls_verify;
	const char	*ca_file;	/* NULL: the system's CA store */
	const char	*cert_file;	/* client certificate, or NULL */
	const char	*key_file;
	int		 flood_burst;
	int		 flood_interval_ms;
	int		 ping_after;	/* seconds */
	int		 ping_timeout;
};

struct link_cbs {
	/* The server is reachable (TLS done): connect libircclient now. */
	void	(*ready)(struct link *, void *ctx);
	/* A line from the server (no CR LF, writable); return 1 to keep it
	 * from libircclient. */
	int	(*server_line)(struct link *, char *line, void *ctx);
	/* The connection is gone; why is a sentence for the log. */
	void	(*closed)(struct link *, const char *why, void *ctx);
	/* Server lines were just written to libircclient's socket: it may
	 * read them now, in this loop round (NULL: at its next POLLIN). */
	void	(*passed)(struct link *, void *ctx);
};

struct link	*link_new(struct loop *, const struct link_conf *,
		    const struct link_cbs *, void *ctx);
/* Opens the local listener and starts connecting; 0 or -1 with err. */
int		 link_start(struct link *, char *err, size_t errlen);
/* The 127.0.0.1 port libircclient must connect to (open from the ready
 * callback on). */
int		 link_local_port(const struct link *);
/* Hands libircclient a server line in place of the one the server_line
 * callback consumed (a rewritten one). */
void		 link_pass(struct link *, const char *line);
/* fd is libircclient's socket: the listener takes only its connection. */
void		 link_expect_peer(struct link *, int fd);
/* Queues one line of the bot's own to the server (without CR LF). */
void		 link_send(struct link *, const char *line, int urgent);
/* Queues a line said for one person (who: a stable key such as their
 * account or nick!user@host); see the fair queue in outq.h.  is_free:
 * a free answer's line (help, "more"), sent after other people's
 * counted ones (sendq.h). */
void		 link_send_for(struct link *, const char *who,
		    const char *line, int is_free);
/* Lines waiting for the token bucket. */
int		 link_queued(const struct link *);
/* At most how many lines leave before one queued now for who (as in
 * link_send_for), at one a flood interval. */
int		 link_turns(const struct link *, const char *who);
void		 link_free(struct link *);
/*
 * The line as it goes on the wire: cut to IRC_MSG_MAX - 2 bytes on a
 * UTF-8 boundary, CR, LF and NUL replaced by spaces, CR LF and a NUL
 * added.  out holds IRC_MSG_MAX + 1 bytes; returns the length with CR LF.
 * Not a cutter of text: answers and highlights come cut to fit (fmt_cut);
 * this is the wire's guard for any line, the bot's own commands too.
 */
size_t		 link_wire_line(const char *line, size_t n, char *out);

#endif
