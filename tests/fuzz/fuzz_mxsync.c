/*
 * fuzz_mxsync.c -- libFuzzer: any bytes as a Matrix /sync answer, and as
 * a power_levels content.  Callbacks read every string they are given.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mxsync.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t sink;

static void
msg(const struct mx_msg *m, void *ctx)
{
	(void)ctx;
	sink += strlen(m->room_id) + strlen(m->event_id) + strlen(m->sender) +
	    strlen(m->body) + (m->thread_root ? strlen(m->thread_root) : 0) +
	    (m->reply_to ? strlen(m->reply_to) : 0) +
	    (m->replaces ? strlen(m->replaces) : 0);
	if (strlen(m->body) > MX_BODY_MAX)
		abort();
}

static void
inv(const char *r, const char *s, int d, void *ctx)
{
	(void)ctx;
	sink += strlen(r) + strlen(s) + (size_t)d;
}

static void
rem(const char *r, const char *s, const char *ms, const char *why, void *c)
{
	(void)c;
	sink += strlen(r) + strlen(s) + strlen(ms) + (why ? strlen(why) : 0);
}

static void
enc(const char *r, void *ctx)
{
	(void)ctx;
	sink += strlen(r);
}

static void
pl(const char *r, const char *json, void *ctx)
{
	(void)ctx;
	sink += strlen(r) + (size_t)mx_power_level(json, "@techpay:hs");
}

static void
creators(const char *r, const char *ids, void *ctx)
{
	(void)ctx;
	sink += strlen(r) + strlen(ids);
}

static void
members(const char *r, long joined, long invited, void *ctx)
{
	(void)ctx;
	if (joined < -1 || invited < -1)
		abort();
	sink += strlen(r);
}

static void
redaction(const char *r, const char *id, const char *redacts,
    const char *sender, void *ctx)
{
	(void)ctx;
	sink += strlen(r) + strlen(id) + strlen(redacts) + strlen(sender);
}

static const struct mxsync_cb cb = { .message = msg, .invite = inv,
	.removed = rem, .encrypted = enc, .power_levels = pl,
	.creators = creators, .members = members, .redaction = redaction };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128], *next, *copy;

	next = mxsync_parse((const char *)data, size, "@techpay:hs", &cb, NULL,
	    NULL, err, sizeof(err));
	free(next);
	copy = xstrndup((const char *)data, size);
	sink += (size_t)mx_power_level(copy, "@a:hs");
	mx_strip_fallback(copy);
	free(copy);
	return 0;
}
