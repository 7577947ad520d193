/*
 * resolve.c -- host names resolved off the loop; see resolve.h.
 *
 * glibc runs each getaddrinfo_a request in a thread of its own and calls
 * notify() there when it is done; notify() only writes the request's
 * address to a pipe.  The loop reads the pipe and finishes the request on
 * its own thread.  A request belongs to this file until glibc is done with
 * it: cancelling (or a timeout) only detaches the caller, and the memory
 * goes when the completion arrives, or at once when glibc never started
 * the request (gai_cancel says EAI_CANCELED).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "resolve.h"

struct resolve {
	struct gaicb	 gai;		/* first: glibc's view */
	struct addrinfo	 hints;
	char		*host;
	char		*port;
	struct loop	*loop;
	long		 timer;
	int		 timeout_ms;
	resolve_cb	 cb;		/* NULL once detached */
	void		*ctx;
};

static int pipefd[2] = { -1, -1 };
static struct loop *pipe_loop;

static void
req_free(struct resolve *r)
{
	if (r->gai.ar_result)
		freeaddrinfo(r->gai.ar_result);
	free(r->host);
	free(r->port);
	free(r);
}

/* In glibc's thread: only hand the request to the loop. */
static void
notify(union sigval v)
{
	struct resolve *r = v.sival_ptr;
	ssize_t n;

	do
		n = write(pipefd[1], &r, sizeof(r));
	while (n == -1 && errno == EINTR);
}

static void
finish(struct resolve *r)
{
	resolve_cb cb = r->cb;
	struct addrinfo *res;
	char err[RESOLVE_ERR_MAX];
	int rc;

	if (r->timer)
		loop_del_timer(r->loop, r->timer);
	r->timer = 0;
	if (cb == NULL) {		/* given up on earlier */
		req_free(r);
		return;
	}
	rc = gai_error(&r->gai);
	res = rc == 0 ? r->gai.ar_result : NULL;
	r->gai.ar_result = NULL;	/* the callee's now */
	if (rc != 0)
		snprintf(err, sizeof(err), "%s: %s", r->host, gai_strerror(rc));
	cb(res, rc == 0 ? NULL : err, r->ctx);
	req_free(r);
}

static void
pipe_ev(struct loop *l, int fd, int ev, void *ctx)
{
	struct resolve *r;

	(void)l;
	(void)ev;
	(void)ctx;
	while (read(fd, &r, sizeof(r)) == (ssize_t)sizeof(r))
		finish(r);
}

/* Gives up on r: no callback; freed now or when glibc is done. */
static void
detach(struct resolve *r)
{
	r->cb = NULL;
	if (r->timer)
		loop_del_timer(r->loop, r->timer);
	r->timer = 0;
	if (gai_cancel(&r->gai) == EAI_CANCELED)
		req_free(r);	/* never started: no completion will come */
}

static long
timeout(struct loop *l, void *arg)
{
	struct resolve *r = arg;
	resolve_cb cb = r->cb;
	void *ctx = r->ctx;
	char err[RESOLVE_ERR_MAX];

	(void)l;
	r->timer = 0;
	snprintf(err, sizeof(err), "%s: no answer from the resolver in %.1f s",
	    r->host, r->timeout_ms / 1000.0);
	detach(r);		/* may free r */
	if (cb)
		cb(NULL, err, ctx);
	return LOOP_NOMORE;
}

struct resolve *
resolve_start(struct loop *l, const char *host, const char *port,
    int timeout_ms, resolve_cb cb, void *ctx, char *err, size_t errlen)
{
	struct resolve *r;
	struct gaicb *list[1];
	struct sigevent sev;
	int rc;

	if (pipefd[0] == -1) {
		if (pipe2(pipefd, O_CLOEXEC) == -1) {
			snprintf(err, errlen, "resolver pipe: %s",
			    strerror(errno));
			return NULL;
		}
		fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	}
	if (pipe_loop != l) {
		if (loop_add_fd(l, pipefd[0], LOOP_READ, pipe_ev, NULL) == -1) {
			snprintf(err, errlen, "resolver: event loop full");
			return NULL;
		}
		pipe_loop = l;
	}
	r = xcalloc(1, sizeof(*r));
	r->host = xstrdup(host);
	r->port = xstrdup(port);
	r->loop = l;
	r->cb = cb;
	r->ctx = ctx;
	r->hints.ai_socktype = SOCK_STREAM;
	r->gai.ar_name = r->host;
	r->gai.ar_service = r->port;
	r->gai.ar_request = &r->hints;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = notify;
	sev.sigev_value.sival_ptr = r;
	list[0] = &r->gai;
	if ((rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &sev)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		req_free(r);
		return NULL;
	}
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : RESOLVE_TIMEOUT_MS;
	r->timer = loop_add_timer(l, r->timeout_ms, timeout, r);
	return r;
}

void
resolve_cancel(struct resolve *r)
{
	if (r != NULL)
		detach(r);
}
