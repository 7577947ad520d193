/*
 * link_up.c -- the link's socket to the IRC server: the name looked up
 * off the loop (resolve.h), a non-blocking connect to the first address
 * that takes it, the TLS session on it when tls is set (OpenSSL, the
 * certificate and host name verified unless tls_verify = no), and the
 * reading and writing.  A line read is offered to the server_line
 * callback and otherwise goes to libircclient (link_local.c).
 */
#include <arpa/inet.h>
#include <errno.h>
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

#include "link_int.h"
#include "log.h"
#include "resolve.h"

void
up_tls_new(struct link *k, const struct link_conf *c)
{
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

void
up_flush(struct link *k)
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
	link_fds(k);
}

static void
server_line(struct link *k, char *line, size_t n)
{
	link_wire_log(k, "<-", line);
	if (k->ping_sent && !strncmp(line, "PONG", 4))
		k->ping_sent = 0;
	if (k->cbs.server_line && k->cbs.server_line(k, line, k->ctx))
		return;
	if (k->cfd >= 0) {
		buf_add(&k->to_client, line, n);
		buf_add(&k->to_client, "\r\n", 2);
	}
}

/*
 * A read that returns less than it asked for (or a TLS session with
 * nothing buffered) ends the reading: poll is level-triggered, so what
 * came meanwhile wakes the next round, without a read that returns
 * EAGAIN.
 */
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
		link_lines(k, &k->from_server, server_line);
		if (k->dead)
			return;
		if (k->ssl ? !SSL_has_pending(k->ssl) :
		    (size_t)n < sizeof(tmp))
			break;
	}
}

/* The server is reachable: open the listener, let libircclient in. */
static void
ready(struct link *k)
{
	if (local_listen(k) == -1)
		return;		/* closed */
	k->state = L_READY;
	k->cbs.ready(k, k->ctx);
	if (!k->dead)
		link_drain(k);
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
		link_fds(k);
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

void
up_fd_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct link *k = ctx;

	(void)l;
	(void)fd;
	link_enter(k);
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
			local_flush(k);
		if (!k->dead)
			up_flush(k);
		break;
	case L_RESOLVING:
	case L_CLOSED:
		break;
	}
	link_leave(k);
}

/* The name is resolved: connect to the first address that takes it. */
static void
resolved(struct addrinfo *res, const char *why, void *ctx)
{
	struct link *k = ctx;
	struct addrinfo *ai;
	int e = 0;

	k->rv = NULL;
	link_enter(k);
	if (res == NULL) {
		link_close(k, "%s", why);
		link_leave(k);
		return;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		k->ufd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    0);
		if (k->ufd == -1)
			continue;
		link_nonblock(k->ufd);
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
		link_fds(k);
	}
	link_leave(k);
}

int
up_start(struct link *k, char *err, size_t errlen)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", k->conf.port);
	k->state = L_RESOLVING;
	k->rv = resolve_start(k->loop, k->host, port, RESOLVE_TIMEOUT_MS,
	    resolved, k, err, errlen);
	return k->rv == NULL ? -1 : 0;
}

void
up_free(struct link *k)
{
	if (k->ssl) {
		SSL_shutdown(k->ssl);
		SSL_free(k->ssl);
	}
	SSL_CTX_free(k->ssl_ctx);
	if (k->ufd >= 0) {
		loop_del_fd(k->loop, k->ufd);
		close(k->ufd);
	}
}
