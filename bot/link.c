/*
 * link.c -- relays between libircclient and an IRC server; see link.h.
 *
 * Three sockets: the upstream socket (with an OpenSSL session on it when
 * tls is set; link_up.c), the listener on 127.0.0.1 and the accepted
 * local socket (link_local.c).  This file holds the link's life, the
 * loop's view of its sockets, the keepalive tick, the line splitting,
 * and the queue the lines to the server wait in (outq.h: urgent lines
 * first, then the fair lanes, behind a token bucket).  The files share
 * link_int.h.
 *
 * One loop round per server line: the lines read from the server are
 * written to libircclient's socket at once (loopback takes them without
 * waiting) and the passed callback lets libircclient read them in the
 * same round, instead of one poll for the local socket's POLLOUT and
 * another for libircclient's POLLIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "link_int.h"
#include "log.h"
#include "outq.h"
#include "resolve.h"
#include "text.h"

static void	destroy(struct link *);

void
link_enter(struct link *k)
{
	k->in_callback++;
}

void
link_leave(struct link *k)
{
	if (--k->in_callback == 0 && k->dead)
		destroy(k);
}

int
link_nonblock(int fd)
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
	k->q = outq_new(c->flood_burst, c->flood_interval_ms, loop_now_ms());
	if (c->tls)
		up_tls_new(k, c);
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
	return outq_len(k->q);
}

int
link_turns(const struct link *k, const char *who)
{
	return outq_turns(k->q, who);
}

/* ---- the queue to the server ------------------------------------------ */

static long
bucket_fire(struct loop *l, void *ctx)
{
	struct link *k = ctx;

	(void)l;
	k->bucket_timer = 0;	/* link_drain arms a new one if lines wait */
	link_enter(k);
	link_drain(k);
	link_leave(k);
	return LOOP_NOMORE;
}

void
link_drain(struct link *k)
{
	char *s;

	if (k->state != L_READY)
		return;
	while ((s = outq_pop(k->q, loop_now_ms())) != NULL) {
		s[strlen(s) - 2] = '\0';
		link_wire_log(k, "->", s);
		s[strlen(s)] = '\r';
		buf_puts(&k->to_server, s);
		free(s);
	}
	if (outq_len(k->q) > 0 && k->bucket_timer == 0)
		k->bucket_timer = loop_add_timer(k->loop, outq_wait_ms(k->q),
		    bucket_fire, k);
	up_flush(k);
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

/*
 * Queues one line: cleaned, capped, CR LF added.  The queue is fair
 * (outq.h, sendq.h): urgent lines go first and are never dropped; the
 * rest wait in who's lane, a free answer's line after other lanes'
 * counted ones, and a person over their lane's cap loses their own
 * lines, not anyone else's.
 */
void
link_enqueue(struct link *k, const char *line, size_t n, int urgent,
    const char *who, int is_free)
{
	char *s = xmalloc(IRC_MSG_MAX + 1);

	link_wire_line(line, n, s);
	if (outq_push(k->q, s, urgent, who, is_free) != 0)
		log_debug("%s: send queue: %d lines wait for %s, %d in all; "
		    "dropped one", k->host, outq_lane_len(k->q, who),
		    who && *who ? who : "the bot", outq_len(k->q));
}

void
link_send(struct link *k, const char *line, int urgent)
{
	if (k->dead)
		return;
	link_enter(k);
	link_enqueue(k, line, strlen(line), urgent, NULL, 0);
	link_drain(k);
	link_leave(k);
}

void
link_send_for(struct link *k, const char *who, const char *line,
    int is_free)
{
	if (k->dead)
		return;
	link_enter(k);
	link_enqueue(k, line, strlen(line), 0, who, is_free);
	link_drain(k);
	link_leave(k);
}

/* ---- lines ------------------------------------------------------------ */

void
link_lines(struct link *k, struct buf *b,
    void (*fn)(struct link *, char *, size_t))
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

void
link_wire_log(struct link *k, const char *dir, const char *line)
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

/* ---- the loop's view ---------------------------------------------------- */

void
link_fds(struct link *k)
{
	int ev;

	if (k->dead)
		return;
	if (k->ufd >= 0) {
		ev = LOOP_READ;
		if (k->state == L_CONNECTING || k->ssl_want_write ||
		    k->to_server_off < k->to_server.len)
			ev |= LOOP_WRITE;
		loop_add_fd(k->loop, k->ufd, ev, up_fd_ev, k);
	}
	if (k->cfd >= 0)
		loop_add_fd(k->loop, k->cfd, LOOP_READ |
		    (k->to_client.len ? LOOP_WRITE : 0), local_fd_ev, k);
}

/* ---- keepalive and life -------------------------------------------------- */

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
		link_enter(k);
		if (k->state == L_HANDSHAKE)
			link_close(k, "TLS handshake: no answer in %d s; if port "
			    "%d does not speak TLS, set tls = no, or use the "
			    "server's TLS port (usually 6697)",
			    LINK_SETUP_MAX_MS / 1000, k->conf.port);
		else
			link_close(k, "cannot connect to %s:%d: no answer in "
			    "%d s", k->host, k->conf.port,
			    LINK_SETUP_MAX_MS / 1000);
		link_leave(k);
		return 1000;	/* unless the close freed k */
	}
	if (k->state != L_READY)
		return 1000;
	link_enter(k);
	if (k->ping_sent && now - k->ping_sent > k->conf.ping_timeout * 1000LL)
		link_close(k, "ping timeout: no reply in %d s",
		    k->conf.ping_timeout);
	else if (!k->ping_sent &&
	    now - k->last_rx > k->conf.ping_after * 1000LL) {
		char line[64];

		snprintf(line, sizeof(line), "PING :techpay-%lld", now);
		k->ping_sent = now;
		/* already entered: not link_send's own enter and leave */
		link_enqueue(k, line, strlen(line), 1, NULL, 0);
		link_drain(k);
	}
	link_leave(k);
	return 1000;
}

int
link_start(struct link *k, char *err, size_t errlen)
{
	if (up_start(k, err, errlen) == -1)
		return -1;
	k->tick_timer = loop_add_timer(k->loop, 1000, tick, k);
	return 0;
}

void
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
	resolve_cancel(k->rv);
	if (k->bucket_timer)
		loop_del_timer(k->loop, k->bucket_timer);
	if (k->tick_timer)
		loop_del_timer(k->loop, k->tick_timer);
	up_free(k);
	local_free(k);
	outq_free(k->q);
	buf_free(&k->from_client);
	buf_free(&k->from_server);
	buf_free(&k->to_client);
	buf_free(&k->to_server);
	free(k->host);
	free(k);
}
