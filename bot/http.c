/*
 * http.c -- libcurl's multi interface driven by the bot's poll loop.
 *
 * libcurl owns the connections (keep-alive, the threaded resolver, TLS
 * with OpenSSL); this file only moves readiness between the loop and
 * curl_multi_socket_action(), and turns finished transfers into
 * callbacks.  Only http and https are allowed, redirects are not
 * followed, and certificates are verified unless the config says not to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "buf.h"
#include "http.h"
#include "log.h"

/* The method and path (no query: a filter, a position) of a request in
 * the debug log's timing lines. */
#define HTTP_WHAT_MAX	96

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct http_req {
	struct http		*h;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*body;		/* what we send */
	struct buf		 resp;		/* what we get */
	int			 too_big;
	http_cb			*cb;
	void			*ctx;
	char			 errbuf[CURL_ERROR_SIZE];
	long long		 started_us;	/* debug timing only */
	char			 what[HTTP_WHAT_MAX];
	struct http_req		*next;
};

struct http {
	struct loop		*loop;
	CURLM			*multi;
	long			 timer;		/* loop timer id, 0 if none */
	struct http_opts	 o;
	char			*ca_file;
	struct http_req		*reqs;		/* in flight */
	int			 nreqs;
};

/*
 * A bench mode (TECHPAY_HTTP_TIMING set, at debug level): where a
 * request's time went, curl's own stages (the connect, the request sent,
 * the first byte back) and its callback's time, with monotonic stamps so
 * that a sync answer's line can be followed to the send it caused
 * (tests/bench/bench_matrix.py sets it).  Not in every debug log: two
 * long lines a request would crowd it.
 */
static int
timing_on(void)
{
	static int on = -1;

	if (on == -1)
		on = getenv("TECHPAY_HTTP_TIMING") != NULL;
	return on && log_on(LOG_DEBUG);
}

static void
timing_start(struct http_req *r, const char *method, const char *url)
{
	const char *p = strstr(url, "://");

	r->started_us = now_us();
	p = p ? strchr(p + 3, '/') : NULL;
	snprintf(r->what, sizeof(r->what), "%s %.*s", method,
	    (int)strcspn(p ? p : "", "?"), p ? p : "");
	/* no ": " after the path: the suites count "sync: " lines */
	log_debug("http: %s started at %lld us", r->what, r->started_us);
}

static void
timing_done(struct http_req *r, long long cb_us)
{
	curl_off_t c = 0, pre = 0, first = 0, total = 0;
	long conns = 0;

	curl_easy_getinfo(r->easy, CURLINFO_CONNECT_TIME_T, &c);
	curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pre);
	curl_easy_getinfo(r->easy, CURLINFO_STARTTRANSFER_TIME_T, &first);
	curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &conns);
	log_debug("http: %s done at %lld us, %.3f ms after its start (curl: "
	    "connected %.3f, sent %.3f, first byte %.3f, all "
	    "%.3f ms; %ld new connection%s); callback %.3f ms",
	    r->what, now_us() - cb_us, (now_us() - cb_us - r->started_us) /
	    1000.0, c / 1000.0, pre / 1000.0, first / 1000.0,
	    total / 1000.0, conns, conns == 1 ? "" : "s", cb_us / 1000.0);
}

static void	check_done(struct http *);

static void
on_fd(struct loop *l, int fd, int events, void *ctx)
{
	struct http *h = ctx;
	int running, flags = 0;

	(void)l;
	if (events & LOOP_READ)
		flags |= CURL_CSELECT_IN;
	if (events & LOOP_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, fd, flags, &running);
	check_done(h);
}

static int
socket_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct http *h = userp;
	int ev = 0;

	(void)e;
	(void)socketp;
	if (what == CURL_POLL_REMOVE) {
		loop_del_fd(h->loop, s);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= LOOP_READ;
	if (what & CURL_POLL_OUT)
		ev |= LOOP_WRITE;
	if (loop_add_fd(h->loop, s, ev, on_fd, h) == -1) {
		log_error("http: too many open descriptors");
		return -1;
	}
	return 0;
}

static long
on_timeout(struct loop *l, void *ctx)
{
	struct http *h = ctx;
	int running;

	(void)l;
	h->timer = 0;	/* timer_cb replaces (deletes) any earlier one */
	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
	return LOOP_NOMORE;
}

static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	struct http *h = userp;

	(void)multi;
	if (h->timer)
		loop_del_timer(h->loop, h->timer);
	h->timer = timeout_ms < 0 ? 0 :
	    loop_add_timer(h->loop, timeout_ms, on_timeout, h);
	return 0;
}

static size_t
write_cb(char *p, size_t size, size_t n, void *ctx)
{
	struct http_req *r = ctx;

	n *= size;	/* size is 1 in practice; be exact anyway */
	if (r->resp.len + n > (size_t)HTTP_BODY_MAX) {
		r->too_big = 1;
		return 0;	/* makes libcurl fail the transfer */
	}
	buf_add(&r->resp, p, n);
	return n;
}

struct http *
http_new(struct loop *l, const struct http_opts *o)
{
	static int inited;
	struct http *h;

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	h = xcalloc(1, sizeof(*h));
	h->loop = l;
	h->o = *o;
	if (o->ca_file)
		h->o.ca_file = h->ca_file = xstrdup(o->ca_file);
	h->multi = curl_multi_init();
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	return h;
}

static void
req_free(struct http_req *r)
{
	curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->body);
	buf_free(&r->resp);
	free(r);
}

/* Unlinks r from the in-flight list and the multi handle. */
static void
req_detach(struct http *h, struct http_req *r)
{
	struct http_req **pp;

	for (pp = &h->reqs; *pp; pp = &(*pp)->next)
		if (*pp == r) {
			*pp = r->next;
			h->nreqs--;
			break;
		}
	curl_multi_remove_handle(h->multi, r->easy);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	while (h->reqs) {
		struct http_req *r = h->reqs;

		req_detach(h, r);
		req_free(r);
	}
	if (h->timer)
		loop_del_timer(h->loop, h->timer);
	curl_multi_cleanup(h->multi);
	free(h->ca_file);
	free(h);
}

int
http_busy(const struct http *h)
{
	return h->nreqs;
}

struct http_req *
http_request(struct http *h, const char *method, const char *url,
    const char *token, const char *body, long timeout_ms, http_cb *cb,
    void *ctx)
{
	struct http_req *r = xcalloc(1, sizeof(*r));
	struct buf auth = {0};
	CURL *e;

	r->h = h;
	r->cb = cb;
	r->ctx = ctx;
	r->easy = e = curl_easy_init();
	if (token) {
		/* the token lives only in this header, never in a log line */
		buf_printf(&auth, "Authorization: Bearer %s", token);
		r->headers = curl_slist_append(r->headers, buf_str(&auth));
		buf_free(&auth);
	}
	if (body) {
		r->body = xstrdup(body);
		r->headers = curl_slist_append(r->headers,
		    "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
	}
	r->headers = curl_slist_append(r->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 15000L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "techpay/" TECHPAY_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, h->o.verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, h->o.verify ? 2L : 0L);
	if (h->o.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->o.ca_file);
	if (timing_on())
		timing_start(r, method, url);
	r->next = h->reqs;
	h->reqs = r;
	h->nreqs++;
	curl_multi_add_handle(h->multi, e);
	return r;
}

void
http_cancel(struct http *h, struct http_req *r)
{
	if (r == NULL)
		return;
	req_detach(h, r);
	req_free(r);
}

static void
check_done(struct http *h)
{
	struct http_result res;
	struct http_req *r;
	CURLMsg *msg;
	curl_off_t ra;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		memset(&res, 0, sizeof(res));
		res.retry_after_ms = -1;
		if (msg->data.result == CURLE_OK) {
			curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE,
			    &res.status);
			if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER,
			    &ra) == CURLE_OK)
				res.retry_after_ms = http_retry_after_ms(ra);
		} else {
			res.too_big = r->too_big;
			res.error = r->too_big ? "answer too big" :
			    r->errbuf[0] ? r->errbuf :
			    curl_easy_strerror(msg->data.result);
		}
		res.body = buf_str(&r->resp);
		res.len = r->resp.len;
		req_detach(h, r);
		/* the callback may start new requests or free others */
		if (timing_on()) {
			long long t0 = now_us();

			r->cb(&res, r->ctx);
			timing_done(r, now_us() - t0);
		} else
			r->cb(&res, r->ctx);
		req_free(r);
	}
}

long
http_retry_after_ms(long long secs)
{
	if (secs <= 0)
		return -1;
	/* compare before multiplying: the header can be any number */
	if (secs > HTTP_RETRY_AFTER_MAX_MS / 1000)
		return HTTP_RETRY_AFTER_MAX_MS;
	return (long)secs * 1000;
}

void
http_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
			buf_putc(b, (char)*p);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}
