/*
 * http.h -- HTTP requests on the bot's loop, with libcurl's multi interface.
 *
 * Many requests run at once without threads: libcurl tells us which
 * sockets and timeout it wants (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION)
 * and the loop calls back when they are ready.  Each request ends in one
 * callback with the status (0 for a transport error), the body, and the
 * server's Retry-After when it sent one.
 */
#ifndef TECHPAY_HTTP_H
#define TECHPAY_HTTP_H

#include <stddef.h>

#include "loop.h"

/*
 * The biggest answer taken, after decompression.  Only /sync comes near
 * it; with its filter's event_fields a first sync of hundreds of rooms
 * is a few MiB.  Past this the transfer is cut and the result says
 * too_big, so the Matrix adapter asks for less (smaller timelines)
 * instead of the same answer again.
 */
#define HTTP_BODY_MAX	(16L * 1024 * 1024)
/* A server's Retry-After (header or retry_after_ms) is obeyed up to this:
 * a longer one is a broken or hostile server, not a plan. */
#define HTTP_RETRY_AFTER_MAX_MS	(3600L * 1000)

struct http;
struct http_req;

struct http_opts {
	const char	*ca_file;	/* NULL: the system's CAs */
	int		 verify;	/* verify the peer and host name */
};

struct http_result {
	long		 status;	/* 0: no HTTP answer (see error) */
	const char	*body;		/* NUL-terminated, may be "" */
	size_t		 len;
	long		 retry_after_ms;	/* from Retry-After; -1 if none */
	const char	*error;		/* libcurl's message when status 0 */
	int		 too_big;	/* status 0: over HTTP_BODY_MAX */
};

/* The result is only valid during the call. */
typedef void http_cb(const struct http_result *, void *ctx);

struct http	*http_new(struct loop *, const struct http_opts *);
/* Cancels what is in flight (no callbacks) and frees. */
void		 http_free(struct http *);
/*
 * Starts method url with an optional bearer token and JSON body; cb runs
 * exactly once, unless the request is cancelled first.  The strings are
 * copied.  timeout_ms bounds the whole transfer.
 */
struct http_req	*http_request(struct http *, const char *method,
		    const char *url, const char *token, const char *body,
		    long timeout_ms, http_cb *cb, void *ctx);
void		 http_cancel(struct http *, struct http_req *);
/* Requests in flight. */
int		 http_busy(const struct http *);

/* Retry-After in seconds (as libcurl gives it) to milliseconds, capped
 * at HTTP_RETRY_AFTER_MAX_MS; -1 when there is none (secs <= 0). */
long		 http_retry_after_ms(long long secs);

struct buf;
/* Appends s to b, percent-encoded for a URL path segment or query. */
void		 http_escape(struct buf *, const char *s);

#endif
