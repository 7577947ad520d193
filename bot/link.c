/*
 * link.c -- relays between libircclient and an IRC server; see link.h.
 *
 * Three sockets: the upstream socket (with an OpenSSL session on it when
 * tls is set), the listener on 127.0.0.1, and the accepted local socket.
 * The server's name is resolved off the loop (resolve.h).  The listener
 * opens only once the server is reachable, just before libircclient
 * connects, and it takes only libircclient's own socket: any other local
 * process that connects first is closed and logged (another user on the
 * host could otherwise take the session).  Outgoing lines are queued and
 * released by a token bucket; incoming lines are offered to the
 * server_line callback and then passed on.
 *
 * One loop round per server line: the lines read from the server are
 * written to libircclient's socket at once (loopback takes them without
 * waiting) and the passed callback lets libircclient read them in the
 * same round, instead of one poll for the local socket's POLLOUT and
 * another for libircclient's POLLIN.  A read that returns less than it
 * asked for (or a TLS session with nothing buffered) ends the reading:
 * poll is level-triggered, so what came meanwhile wakes the next round
 * without a read that returns EAGAIN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "link.h"
#include "log.h"
#include "resolve.h"
#include "sendq.h"
#include "text.h"

#define LINK_INBUF_MAX	(64 * 1024)	/* a line longer than this is junk */
#define LINK_QUEUE_MAX	4096		/* lines waiting for the bucket */
#define LINK_LANE_MAX	32		/* lines one person may have waiting */
#define LINK_BACKLOG	8		/* intruders must not crowd us out */
#define LINK_SETUP_MAX_MS 10000		/* to connect, then to shake hands */

enum state { L_RESOLVING, L_CONNECTING, L_HANDSHAKE, L_READY, L_CLOSED };

struct qline {
	char		*s;	/* with CR LF */
	struct qline	*next;
};

/*
 * The send queue is fair: urgent lines (PONG, QUIT, CAP, registration)
 * go first and are never dropped; then one line per lane in turn
 * (sendq.h).  The bot's own lines (JOIN, highlights) have a lane; so
 * does every person with lines waiting, however many people there are,
 * so a person with a long backlog delays someone else by at most one
 * line per turn, and a person over LINK_LANE_MAX loses their own lines,
 * not anyone else's.  Past LINK_QUEUE_MAX lines in all, the largest
 * lane loses its newest.
 */

struct link {
	struct loop	*loop;
	struct link_conf conf;
	char		*host;
	struct link_cbs	 cbs;
	void		*ctx;
	enum state	 state;
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
	struct qline	*uhead, *utail;		/* urgent */
	struct sendq	*fair;			/* the rest, lane by lane */
	int		 nurgent;
	double		 tokens;
	long long	 refill_at;	/* ms of the last refill */
	long		 bucket_timer;
	long		 tick_timer;
	long long	 last_rx;	/* ms of the last byte from the server */
	long long	 ping_sent;	/* 0 when no PING is outstanding */
	int		 ssl_want_write;
	int		 in_callback;
	int		 dead;		/* closed during a callback: free later */
};

static void link_close(struct link *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void destroy(struct link *);
static void wire(struct link *, const char *, const char *);

/*
 * Every entry point (socket event, timer, link_send) brackets its work
 * with enter/leave: a link closed in the middle is destroyed once, when
 * the outermost entry returns, never under a caller's feet.
 */
static void
enter(struct link *k)
{
	k->in_callback++;
}

static void
leave(struct link *k)
{
	if (--k->in_callback == 0 && k->dead)
		destroy(k);
}
static void update_fds(struct link *);
static void flush_upstream(struct link *);
static void flush_client(struct link *);

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

struct link *
link_new(struct loop *l, const struct link_conf *c, const struct link_cbs *cbs,
    void *ctx)
{
	struct link *k = xcalloc(1, sizeof(*k));

	k->loop = l;
	k->conf = *c;
	k->host = xstrdup(c->host);
	k->conf.host = k->host;
	k->conf.ca_file = NULL;	/* only used in link_start, copied there */
	k->cbs = *cbs;
	k->ctx = ctx;
	k->lfd = k->cfd = k->ufd = -1;
	k->tokens = c->flood_burst;
	k->refill_at = loop_now_ms();
	k->fair = sendq_new(LINK_LANE_MAX, LINK_QUEUE_MAX);
	if (c->tls) {
		k->ssl_ctx = SSL_CTX_new(TLS_client_method());
		SSL_CTX_set_min_proto_version(k->ssl_ctx, TLS1_2_VERSION);
		if (c->tls_verify) {
			SSL_CTX_set_verify(k->ssl_ctx, SSL_VERIFY_PEER, NULL);
			if (c->ca_file == NULL ||
			    SSL_CTX_load_verify_locations(k->ssl_ctx,
			    c->ca_file, NULL) != 1)
				SSL_CTX_set_default_verify_paths(k->ssl_ctx);
		} else
			SSL_CTX_set_verify(k->ssl_ctx, SSL_VERIFY_NONE, NULL);
		if (c->cert_file && c->key_file &&
		    (SSL_CTX_use_certificate_chain_file(k->ssl_ctx,
		    c->cert_file) != 1 || SSL_CTX_use_PrivateKey_file(
		    k->ssl_ctx, c->key_file, SSL_FILETYPE_PEM) != 1))
			log_error("%s: cannot load client certificate %s",
			    k->host, c->cert_file);
	}
	return k;
}

int
link_local_port(const struct link *k)
{
	return k->port;
}

int
link_queued(const struct link *k)
{
	return k->nurgent + sendq_len(k->fair);
}

int
link_turns(const struct link *k, const char *who)
{
	/* every waiting lane gets a turn per line of who's own */
	return k->nurgent + (sendq_lane_len(k->fair, who) + 1) *
	    (sendq_lanes(k->fair) + 1);
}

static void
tls_error(struct link *k, const char *what)
{
	char msg[256] = "";
	unsigned long e = ERR_get_error();
	long v;

	if (e)
		ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	if (k->ssl && (v = SSL_get_verify_result(k->ssl)) != X509_V_OK)
		link_close(k, "TLS %s failed: certificate not trusted (%s)",
		    what, X509_verify_cert_error_string(v));
	else if (ERR_GET_REASON(e) == SSL_R_WRONG_VERSION_NUMBER ||
	    ERR_GET_REASON(e) == SSL_R_PACKET_LENGTH_TOO_LONG)
		/* what a plain-text IRC server answers a ClientHello with */
		link_close(k, "TLS %s failed: %s; port %d does not speak "
		    "TLS: set tls = no, or use the server's TLS port "
		    "(usually 6697)", what, msg, k->conf.port);
	else
		link_close(k, "TLS %s failed: %s", what,
		    *msg ? msg : strerror(errno));
}

/* ---- the token bucket ------------------------------------------------ */

static long bucket_fire(struct loop *, void *);

static void
refill(struct link *k)
{
	long long now = loop_now_ms();

	if (k->conf.flood_interval_ms <= 0) {
		k->tokens = k->conf.flood_burst;
		k->refill_at = now;
		return;
	}
	k->tokens += (double)(now - k->refill_at) / k->conf.flood_interval_ms;
	if (k->tokens > k->conf.flood_burst)
		k->tokens = k->conf.flood_burst;
	k->refill_at = now;
}

static void
q_push(struct qline **head, struct qline **tail, struct qline *q)
{
	q->next = NULL;
	if (*tail)
		(*tail)->next = q;
	else
		*head = q;
	*tail = q;
}

static struct qline *
q_pop(struct qline **head, struct qline **tail)
{
	struct qline *q = *head;

	if (q) {
		*head = q->next;
		if (*head == NULL)
			*tail = NULL;
	}
	return q;
}

/* The next line to send (the caller frees it): urgent first, then the
 * lanes in turn. */
static char *
next_line(struct link *k)
{
	struct qline *q;
	char *s;

	if ((q = q_pop(&k->uhead, &k->utail)) != NULL) {
		s = q->s;
		free(q);
		k->nurgent--;
		return s;
	}
	return sendq_pop(k->fair);
}

/* Moves queued lines to the upstream buffer as tokens allow. */
static void
drain(struct link *k)
{
	char *s;

	if (k->state != L_READY)
		return;
	refill(k);
	while (link_queued(k) > 0 &&
	    (k->tokens >= 1.0 || k->conf.flood_interval_ms <= 0) &&
	    (s = next_line(k)) != NULL) {
		k->tokens -= 1.0;
		s[strlen(s) - 2] = '\0';
		wire(k, "->", s);
		s[strlen(s)] = '\r';
		buf_puts(&k->to_server, s);
		free(s);
	}
	if (link_queued(k) > 0 && k->bucket_timer == 0) {
		long wait = (long)((1.0 - k->tokens) *
		    k->conf.flood_interval_ms) + 1;

		k->bucket_timer = loop_add_timer(k->loop, wait, bucket_fire, k);
	}
	flush_upstream(k);
}

static long
bucket_fire(struct loop *l, void *ctx)
{
	struct link *k = ctx;

	(void)l;
	k->bucket_timer = 0;	/* drain arms a new one if lines wait */
	enter(k);
	drain(k);
	leave(k);
	return LOOP_NOMORE;
}

size_t
link_wire_line(const char *line, size_t n, char *out)
{
	size_t i, m = utf8_cut(line, n, IRC_MSG_MAX - 2);

	for (i = 0; i < m; i++)	/* no CR, LF or NUL reaches the wire */
		out[i] = (line[i] == '\r' || line[i] == '\n' ||
		    line[i] == '\0') ? ' ' : line[i];
	memcpy(out + m, "\r\n", 3);
	return m + 2;
}

/* Queues one line: cleaned, capped, CR LF added.  urgent goes first;
 * the rest waits in who's lane (see struct link's queue), a free
 * answer's line after other lanes' counted ones. */
static void
enqueue(struct link *k, const char *line, size_t n, int urgent,
    const char *who, int is_free)
{
	struct qline *q;
	char *s = xmalloc(IRC_MSG_MAX + 1);

	link_wire_line(line, n, s);
	if (!urgent) {
		if (sendq_push(k->fair, who, s, is_free) != 0)
			log_debug("%s: send queue: %d lines wait for %s, %d in "
			    "all; dropped one", k->host,
			    sendq_lane_len(k->fair, who), who && *who ? who :
			    "the bot", sendq_len(k->fair));
		return;
	}
	q = xcalloc(1, sizeof(*q));
	q->s = s;
	q_push(&k->uhead, &k->utail, q);
	/* urgent lines are few (PONG, QUIT, CAP): one token's debt */
	k->tokens += 1.0;
	k->nurgent++;
}

void
link_send(struct link *k, const char *line, int urgent)
{
	if (k->dead)
		return;
	enter(k);
	enqueue(k, line, strlen(line), urgent, NULL, 0);
	drain(k);
	leave(k);
}

void
link_send_for(struct link *k, const char *who, const char *line,
    int is_free)
{
	if (k->dead)
		return;
	enter(k);
	enqueue(k, line, strlen(line), 0, who, is_free);
	drain(k);
	leave(k);
}

/* Lines that keep the connection alive or get it registered. */
static int
is_urgent(const char *s, size_t n)
{
	static const char *const words[] = {
		"PONG", "QUIT", "CAP", "PASS", "NICK", "USER", "AUTHENTICATE",
		NULL
	};
	size_t w;
	int i;

	for (i = 0; words[i]; i++) {
		w = strlen(words[i]);
		if (n >= w && strncmp(s, words[i], w) == 0 &&
		    (n == w || s[w] == ' '))
			return 1;
	}
	return 0;
}

/* ---- upstream I/O ----------------------------------------------------- */

static void
flush_upstream(struct link *k)
{
	ssize_t n;

	while (k->state == L_READY && k->to_server_off < k->to_server.len) {
		const char *p = k->to_server.s + k->to_server_off;
		size_t left = k->to_server.len - k->to_server_off;

		if (k->ssl) {
			int r = SSL_write(k->ssl, p, (int)left);

			if (r <= 0) {
				int e = SSL_get_error(k->ssl, r);

				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ)
					break;
				tls_error(k, "write");
				return;
			}
			n = r;
		} else {
			n = write(k->ufd, p, left);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				link_close(k, "write to server: %s",
				    strerror(errno));
				return;
			}
		}
		k->to_server_off += (size_t)n;
	}
	if (k->to_server_off == k->to_server.len) {
		buf_reset(&k->to_server);
		k->to_server_off = 0;
	}
	update_fds(k);
}

/* Splits buffered bytes into lines and hands each to fn. */
static void
lines(struct link *k, struct buf *b, void (*fn)(struct link *, char *, size_t))
{
	char *start = b->s, *nl;
	size_t used;

	if (b->len == 0)
		return;
	while (!k->dead && (nl = memchr(start, '\n', b->len -
	    (size_t)(start - b->s))) != NULL) {
		size_t n = (size_t)(nl - start);

		if (n > 0 && start[n - 1] == '\r')
			n--;
		start[n] = '\0';
		fn(k, start, n);
		start = nl + 1;
	}
	if (k->dead)
		return;
	used = (size_t)(start - b->s);
	memmove(b->s, start, b->len - used);
	buf_truncate(b, b->len - used);
	if (b->len > LINK_INBUF_MAX)
		buf_reset(b);	/* a line with no end: drop it */
}

/* Debug log of the wire, never with a secret in it. */
static void
wire(struct link *k, const char *dir, const char *line)
{
	if (!strncmp(line, "AUTHENTICATE ", 13) && strcmp(line + 13, "+") &&
	    strcmp(line + 13, "PLAIN") && strcmp(line + 13, "EXTERNAL"))
		log_debug("%s %s AUTHENTICATE [redacted]", k->host, dir);
	else if (strstr(line, "IDENTIFY") || !strncmp(line, "PASS ", 5))
		log_debug("%s %s [a line with a password, redacted]", k->host,
		    dir);
	else if (!strncmp(line, "JOIN ", 5) && strchr(line + 5, ' '))
		/* JOIN #a,#b key1,key2: channel keys are secrets too */
		log_debug("%s %s JOIN %.*s [keys redacted]", k->host, dir,
		    (int)strcspn(line + 5, " "), line + 5);
	else
		log_debug("%s %s %s", k->host, dir, line);
}

static void
server_line(struct link *k, char *line, size_t n)
{
	wire(k, "<-", line);
	if (k->ping_sent && !strncmp(line, "PONG", 4))
		k->ping_sent = 0;
	if (k->cbs.server_line && k->cbs.server_line(k, line, k->ctx))
		return;
	if (k->cfd >= 0) {
		buf_add(&k->to_client, line, n);
		buf_add(&k->to_client, "\r\n", 2);
	}
}

void
link_pass(struct link *k, const char *line)
{
	if (k->cfd >= 0) {
		buf_puts(&k->to_client, line);
		buf_add(&k->to_client, "\r\n", 2);
	}
}

static void
client_line(struct link *k, char *line, size_t n)
{
	if (n == 0)
		return;
	enqueue(k, line, n, is_urgent(line, n), NULL, 0);
}

static void
read_upstream(struct link *k)
{
	char tmp[8192];
	ssize_t n;

	for (;;) {
		if (k->ssl) {
			int r = SSL_read(k->ssl, tmp, sizeof(tmp));

			if (r <= 0) {
				int e = SSL_get_error(k->ssl, r);

				if (e == SSL_ERROR_WANT_READ)
					break;
				if (e == SSL_ERROR_WANT_WRITE) {
					k->ssl_want_write = 1;
					break;
				}
				if (e == SSL_ERROR_ZERO_RETURN ||
				    (e == SSL_ERROR_SYSCALL && ERR_peek_error()
				    == 0)) {
					link_close(k, "the server closed the "
					    "connection");
					return;
				}
				tls_error(k, "read");
				return;
			}
			n = r;
		} else {
			n = read(k->ufd, tmp, sizeof(tmp));
			if (n == 0) {
				link_close(k, "the server closed the connection");
				return;
			}
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				link_close(k, "read from server: %s",
				    strerror(errno));
				return;
			}
		}
		k->last_rx = loop_now_ms();
		buf_add(&k->from_server, tmp, (size_t)n);
		lines(k, &k->from_server, server_line);
		if (k->dead)
			return;
		/* drained: no read just to hear EAGAIN (see the top) */
		if (k->ssl ? !SSL_has_pending(k->ssl) :
		    (size_t)n < sizeof(tmp))
			break;
	}
}

static int	listen_local(struct link *);

/* The server is reachable: open the listener, let libircclient in. */
static void
ready(struct link *k)
{
	if (listen_local(k) == -1)
		return;		/* closed */
	k->state = L_READY;
	k->cbs.ready(k, k->ctx);
	if (!k->dead)
		drain(k);
}

static void
handshake(struct link *k)
{
	int r = SSL_connect(k->ssl), e;

	if (r == 1) {
		log_info("%s: TLS %s, %s", k->host, SSL_get_version(k->ssl),
		    k->conf.tls_verify ? "certificate verified" :
		    "certificate NOT verified (tls_verify = no)");
		ready(k);
		return;
	}
	e = SSL_get_error(k->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		k->ssl_want_write = e == SSL_ERROR_WANT_WRITE;
		update_fds(k);
		return;
	}
	tls_error(k, "handshake");
}

static void
connected(struct link *k)
{
	int err = 0, one = 1;
	socklen_t len = sizeof(err);

	if (getsockopt(k->ufd, SOL_SOCKET, SO_ERROR, &err, &len) == -1 || err) {
		link_close(k, "cannot connect to %s:%d: %s", k->host,
		    k->conf.port, strerror(err ? err : errno));
		return;
	}
	setsockopt(k->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	k->last_rx = loop_now_ms();
	if (k->ssl_ctx) {
		struct in6_addr a6;
		struct in_addr a4;

		k->ssl = SSL_new(k->ssl_ctx);
		SSL_set_fd(k->ssl, k->ufd);
		/* host name checked against the certificate; SNI unless an IP */
		if (k->conf.tls_verify)
			SSL_set1_host(k->ssl, k->host);
		if (inet_pton(AF_INET, k->host, &a4) != 1 &&
		    inet_pton(AF_INET6, k->host, &a6) != 1)
			SSL_set_tlsext_host_name(k->ssl, k->host);
		k->state = L_HANDSHAKE;
		k->since = loop_now_ms();
		handshake(k);
		return;
	}
	ready(k);
}

static void
upstream_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct link *k = ctx;

	(void)l;
	(void)fd;
	enter(k);
	switch (k->state) {
	case L_CONNECTING:
		connected(k);
		break;
	case L_HANDSHAKE:
		handshake(k);
		break;
	case L_READY:
		k->ssl_want_write = 0;
		if (ev & LOOP_READ)
			read_upstream(k);
		if (!k->dead)
			flush_client(k);
		if (!k->dead)
			flush_upstream(k);
		break;
	case L_RESOLVING:
	case L_CLOSED:
		break;
	}
	leave(k);
}

/* ---- the local side (libircclient) -------------------------------------- */

/*
 * Writes the server's lines to libircclient's socket now, not at the
 * next POLLOUT (a loopback socket with room takes them in the write),
 * and tells the owner they are there to read (the passed callback).
 */
static void
flush_client(struct link *k)
{
	ssize_t n;

	if (k->cfd < 0 || k->to_client.len == 0)
		return;
	n = write(k->cfd, k->to_client.s, k->to_client.len);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			link_close(k, "write to the IRC session: %s",
			    strerror(errno));
		else
			update_fds(k);	/* POLLOUT says when */
		return;
	}
	memmove(k->to_client.s, k->to_client.s + n,
	    k->to_client.len - (size_t)n);
	buf_truncate(&k->to_client, k->to_client.len - (size_t)n);
	update_fds(k);
	if (n > 0 && k->cbs.passed)
		k->cbs.passed(k, k->ctx);
}

static void
client_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct link *k = ctx;
	char tmp[8192];
	ssize_t n;

	(void)l;
	enter(k);
	if (ev & LOOP_READ) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			link_close(k, "the IRC session closed");
		else if (n > 0) {
			buf_add(&k->from_client, tmp, (size_t)n);
			lines(k, &k->from_client, client_line);
			if (!k->dead)
				drain(k);
		}
	}
	if (!k->dead && (ev & LOOP_WRITE))
		flush_client(k);
	if (!k->dead)
		update_fds(k);
	leave(k);
}

static void
listener_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct link *k = ctx;
	struct sockaddr_in peer = { 0 };
	socklen_t len = sizeof(peer);
	int c, one = 1;

	(void)ev;
	if (k->dead || (c = accept(fd, (struct sockaddr *)&peer, &len)) == -1)
		return;
	if (k->cfd >= 0 || k->expect_port == 0 ||
	    peer.sin_family != AF_INET ||
	    ntohs(peer.sin_port) != k->expect_port) {
		/* not libircclient's socket: someone else on this host */
		log_warn("%s: closed a local connection to the relay from "
		    "port %d: not the IRC session", k->host,
		    peer.sin_family == AF_INET ? ntohs(peer.sin_port) : -1);
		close(c);
		return;
	}
	nonblock(c);
	/* each batch of lines leaves in the write: no Nagle wait for the
	 * delayed ACK of the batch before */
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	k->cfd = c;
	loop_del_fd(l, fd);
	close(fd);
	k->lfd = -1;
	update_fds(k);
}

void
link_expect_peer(struct link *k, int fd)
{
	struct sockaddr_in sin = { 0 };
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) == 0 &&
	    sin.sin_family == AF_INET)
		k->expect_port = ntohs(sin.sin_port);
}

static void
update_fds(struct link *k)
{
	int ev;

	if (k->dead)
		return;
	if (k->ufd >= 0) {
		ev = LOOP_READ;
		if (k->state == L_CONNECTING || k->ssl_want_write ||
		    k->to_server_off < k->to_server.len)
			ev |= LOOP_WRITE;
		loop_add_fd(k->loop, k->ufd, ev, upstream_ev, k);
	}
	if (k->cfd >= 0)
		loop_add_fd(k->loop, k->cfd, LOOP_READ |
		    (k->to_client.len ? LOOP_WRITE : 0), client_ev, k);
}

/* Once a second: is the server still there? */
static long
tick(struct loop *l, void *ctx)
{
	struct link *k = ctx;
	long long now = loop_now_ms();

	(void)l;
	if ((k->state == L_CONNECTING || k->state == L_HANDSHAKE) &&
	    now - k->since > LINK_SETUP_MAX_MS) {
		/* a plain-text IRC server waits for a line end that a
		 * ClientHello never has: say what is likely wrong */
		enter(k);
		if (k->state == L_HANDSHAKE)
			link_close(k, "TLS handshake: no answer in %d s; if port "
			    "%d does not speak TLS, set tls = no, or use the "
			    "server's TLS port (usually 6697)",
			    LINK_SETUP_MAX_MS / 1000, k->conf.port);
		else
			link_close(k, "cannot connect to %s:%d: no answer in "
			    "%d s", k->host, k->conf.port,
			    LINK_SETUP_MAX_MS / 1000);
		leave(k);
		return 1000;	/* unless the close freed k */
	}
	if (k->state != L_READY)
		return 1000;
	enter(k);
	if (k->ping_sent && now - k->ping_sent > k->conf.ping_timeout * 1000LL)
		link_close(k, "ping timeout: no reply in %d s",
		    k->conf.ping_timeout);
	else if (!k->ping_sent &&
	    now - k->last_rx > k->conf.ping_after * 1000LL) {
		char line[64];

		snprintf(line, sizeof(line), "PING :techpay-%lld", now);
		k->ping_sent = now;
		link_send(k, line, 1);
	}
	leave(k);
	return 1000;
}

/* The listener libircclient connects to; 0, or -1 after closing. */
static int
listen_local(struct link *k)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	k->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (k->lfd == -1 || bind(k->lfd, (struct sockaddr *)&sin, sizeof(sin))
	    == -1 || listen(k->lfd, LINK_BACKLOG) == -1 ||
	    getsockname(k->lfd, (struct sockaddr *)&sin, &len) == -1) {
		link_close(k, "local listener: %s", strerror(errno));
		return -1;
	}
	nonblock(k->lfd);
	k->port = ntohs(sin.sin_port);
	loop_add_fd(k->loop, k->lfd, LOOP_READ, listener_ev, k);
	return 0;
}

/* The name is resolved: connect to the first address that takes it. */
static void
resolved(struct addrinfo *res, const char *why, void *ctx)
{
	struct link *k = ctx;
	struct addrinfo *ai;
	int e = 0;

	k->rv = NULL;
	enter(k);
	if (res == NULL) {
		link_close(k, "%s", why);
		leave(k);
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		k->ufd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    0);
		if (k->ufd == -1)
			continue;
		nonblock(k->ufd);
		if (connect(k->ufd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS)
			break;
		e = errno;
		close(k->ufd);
		k->ufd = -1;
	}
	freeaddrinfo(res);
	if (k->ufd == -1)
		link_close(k, "cannot connect to %s:%d: %s", k->host,
		    k->conf.port, strerror(e ? e : errno));
	else {
		k->state = L_CONNECTING;
		k->since = loop_now_ms();
		update_fds(k);
	}
	leave(k);
}

int
link_start(struct link *k, char *err, size_t errlen)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", k->conf.port);
	k->state = L_RESOLVING;
	if ((k->rv = resolve_start(k->loop, k->host, port, RESOLVE_TIMEOUT_MS,
	    resolved, k, err, errlen)) == NULL)
		return -1;
	k->tick_timer = loop_add_timer(k->loop, 1000, tick, k);
	return 0;
}

static void
link_close(struct link *k, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	if (k->state == L_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	k->state = L_CLOSED;
	k->dead = 1;
	resolve_cancel(k->rv);
	k->rv = NULL;
	if (k->ufd >= 0)
		loop_del_fd(k->loop, k->ufd);
	if (k->cfd >= 0)
		loop_del_fd(k->loop, k->cfd);
	if (k->lfd >= 0)
		loop_del_fd(k->loop, k->lfd);
	if (k->cbs.closed)
		k->cbs.closed(k, why, k->ctx);
}

/*
 * Frees the link without calling its closed callback; from inside one of
 * its callbacks the free waits until they return.  After a closed
 * callback the link frees itself: its owner must forget it then.
 */
void
link_free(struct link *k)
{
	if (k == NULL)
		return;
	k->dead = 1;
	k->cbs.closed = NULL;
	if (k->in_callback == 0)
		destroy(k);
}

static void
destroy(struct link *k)
{
	struct qline *q;

	resolve_cancel(k->rv);
	if (k->bucket_timer)
		loop_del_timer(k->loop, k->bucket_timer);
	if (k->tick_timer)
		loop_del_timer(k->loop, k->tick_timer);
	if (k->ssl) {
		SSL_shutdown(k->ssl);
		SSL_free(k->ssl);
	}
	SSL_CTX_free(k->ssl_ctx);
	if (k->ufd >= 0) {
		loop_del_fd(k->loop, k->ufd);
		close(k->ufd);
	}
	if (k->cfd >= 0) {
		loop_del_fd(k->loop, k->cfd);
		close(k->cfd);
	}
	if (k->lfd >= 0) {
		loop_del_fd(k->loop, k->lfd);
		close(k->lfd);
	}
	while ((q = q_pop(&k->uhead, &k->utail)) != NULL) {
		free(q->s);
		free(q);
	}
	sendq_free(k->fair);
	buf_free(&k->from_client);
	buf_free(&k->from_server);
	buf_free(&k->to_client);
	buf_free(&k->to_server);
	free(k->host);
	free(k);
}
