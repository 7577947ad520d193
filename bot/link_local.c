/*
 * link_local.c -- libircclient's side of the link: the listener on
 * 127.0.0.1 it connects to, and its socket.
 *
 * The listener opens only once the server is reachable, just before
 * libircclient connects, and it takes only libircclient's own socket
 * (the port link_expect_peer was told): any other local process that
 * connects first is closed and logged, as another user on the host
 * could otherwise take the session; then the listener closes.  The
 * server's lines are written to libircclient at once and the passed
 * callback lets it read them in the same loop round (link.c's top);
 * libircclient's lines go to the send queue.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link_int.h"
#include "log.h"

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

static void
client_line(struct link *k, char *line, size_t n)
{
	if (n == 0)
		return;
	link_enqueue(k, line, n, is_urgent(line, n), NULL, 0);
}

void
link_pass(struct link *k, const char *line)
{
	if (k->cfd >= 0) {
		buf_puts(&k->to_client, line);
		buf_add(&k->to_client, "\r\n", 2);
	}
}

/*
 * Writes now, not at the next POLLOUT: a loopback socket with room
 * takes the lines in the write.  Whatever is left waits for POLLOUT.
 */
void
local_flush(struct link *k)
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
			link_fds(k);
		return;
	}
	memmove(k->to_client.s, k->to_client.s + n,
	    k->to_client.len - (size_t)n);
	buf_truncate(&k->to_client, k->to_client.len - (size_t)n);
	link_fds(k);
	if (n > 0 && k->cbs.passed)
		k->cbs.passed(k, k->ctx);
}

void
local_fd_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct link *k = ctx;
	char tmp[8192];
	ssize_t n;

	(void)l;
	link_enter(k);
	if (ev & LOOP_READ) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			link_close(k, "the IRC session closed");
		else if (n > 0) {
			buf_add(&k->from_client, tmp, (size_t)n);
			link_lines(k, &k->from_client, client_line);
			if (!k->dead)
				link_drain(k);
		}
	}
	if (!k->dead && (ev & LOOP_WRITE))
		local_flush(k);
	if (!k->dead)
		link_fds(k);
	link_leave(k);
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
	link_nonblock(c);
	/* each batch of lines leaves in the write: no Nagle wait for the
	 * delayed ACK of the batch before */
	setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	k->cfd = c;
	loop_del_fd(l, fd);
	close(fd);
	k->lfd = -1;
	link_fds(k);
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

int
local_listen(struct link *k)
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
	link_nonblock(k->lfd);
	k->port = ntohs(sin.sin_port);
	loop_add_fd(k->loop, k->lfd, LOOP_READ, listener_ev, k);
	return 0;
}

void
local_free(struct link *k)
{
	if (k->cfd >= 0) {
		loop_del_fd(k->loop, k->cfd);
		close(k->cfd);
	}
	if (k->lfd >= 0) {
		loop_del_fd(k->loop, k->lfd);
		close(k->lfd);
	}
}
