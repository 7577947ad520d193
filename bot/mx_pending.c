/*
 * mx_pending.c -- the Olm machine's waiting room (see mx_crypto.h): an
 * encrypted event whose room key has not come is kept in the store,
 * bounded in count, bytes and age, found again when its key comes, and
 * dropped with one log line when it never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "log.h"
#include "mx_crypto.h"
#include "mx_crypto_int.h"

/* ---- events waiting for their key ---- */

struct wait_walk {
	struct mxc	*x;
	const char	*room;
	const char	*session;
	mxc_event_fn	*fn;
	void		*ctx;
	long		 bytes;
	int		 n;
	time_t		 now;
	const char	*oldest;	/* id of the first row seen */
	char		*drop;
};

static int
walk_count(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;

	(void)at;
	if (w->drop == NULL)
		w->drop = xstrdup(id);
	w->bytes += (long)strlen(value);
	w->n++;
	return 0;
}

int
mxc_wait(struct mxc *x, const char *room_id, const cJSON *ev, char *err,
    size_t errlen)
{
	const char *id = json_str(ev, "event_id");
	cJSON *w;
	char *s, *have;
	struct wait_walk ww;

	if (id == NULL) {
		snprintf(err, errlen, "an encrypted event without event_id");
		return -1;
	}
	if ((have = state_crypto_get(x->st, x->scope, "pending", id)) != NULL) {
		free(have);
		return 0;
	}
	w = cJSON_CreateObject();
	cJSON_AddStringToObject(w, "room_id", room_id);
	cJSON_AddItemToObject(w, "event", cJSON_Duplicate(ev, 1));
	s = cJSON_PrintUnformatted(w);
	cJSON_Delete(w);
	if (strlen(s) > MXC_EVENT_MAX) {
		snprintf(err, errlen, "%s: too big to keep while its room key "
		    "is missing (%zu bytes)", id, strlen(s));
		free(s);
		return -1;
	}
	/* room for it: the oldest go first */
	for (;;) {
		memset(&ww, 0, sizeof(ww));
		state_crypto_each(x->st, x->scope, "pending", NULL, walk_count,
		    &ww);
		if (ww.n < MXC_PENDING_MAX &&
		    ww.bytes + (long)strlen(s) <= MXC_PENDING_BYTES) {
			free(ww.drop);
			break;
		}
		log_warn("%s: %s never got its room key; dropped to make "
		    "room (%d events wait)", x->scope, ww.drop, ww.n);
		state_crypto_del(x->st, x->scope, "pending", ww.drop);
		free(ww.drop);
	}
	state_crypto_put(x->st, x->scope, "pending", id, s);
	free(s);
	return 0;
}

static int
walk_each(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;
	cJSON *j = cJSON_Parse(value);
	const cJSON *ev = json_obj(j, "event"), *c;
	const char *room = json_str(j, "room_id"), *sid;

	(void)id;
	(void)at;
	if (ev && room && (w->room == NULL || strcmp(room, w->room) == 0)) {
		c = json_obj(ev, "content");
		sid = c ? json_str(c, "session_id") : NULL;
		if (w->session == NULL || (sid && strcmp(sid, w->session) ==
		    0)) {
			w->fn(room, ev, w->ctx);
			w->n++;
		}
	}
	cJSON_Delete(j);
	return 0;
}

int
mxc_waiting(struct mxc *x, const char *room_id, const char *session_id,
    mxc_event_fn *fn, void *ctx)
{
	struct wait_walk w;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.room = room_id;
	w.session = session_id;
	w.fn = fn;
	w.ctx = ctx;
	state_crypto_each(x->st, x->scope, "pending", NULL, walk_each, &w);
	return w.n;
}

void
mxc_unwait(struct mxc *x, const char *event_id)
{
	state_crypto_del(x->st, x->scope, "pending", event_id);
}

/* Whether the room key of a waiting event (its stored JSON) is known:
 * then it was read, and only waited to be handled. */
static int
key_known(struct mxc *x, const char *value)
{
	cJSON *j = cJSON_Parse(value);
	const cJSON *ev = json_obj(j, "event"), *c = json_obj(ev, "content");
	const char *room = json_str(j, "room_id"), *sid = json_str(c,
	    "session_id");
	char *row, *have;
	int known = 0;

	if (room && sid) {
		row = xmalloc(strlen(room) + strlen(sid) + 2);
		sprintf(row, "%s|%s", room, sid);
		have = state_crypto_get(x->st, x->scope, "megolm", row);
		known = have != NULL;
		free(have);
		free(row);
	}
	cJSON_Delete(j);
	return known;
}

static int
walk_expire(const char *id, const char *value, long long at, void *ctx)
{
	struct wait_walk *w = ctx;

	if (at + MXC_PENDING_TTL_S > (long long)w->now)
		return 1;	/* oldest first: the rest are newer */
	if (key_known(w->x, value))
		log_debug("%s: %s read and done with", w->x->scope, id);
	else
		log_warn("%s: %s never got its room key in %d s; dropped, "
		    "not answered", w->x->scope, id, MXC_PENDING_TTL_S);
	state_crypto_del(w->x->st, w->x->scope, "pending", id);
	w->n++;
	return 0;
}

int
mxc_expire(struct mxc *x, time_t now)
{
	struct wait_walk w;

	memset(&w, 0, sizeof(w));
	w.x = x;
	w.now = now;
	state_crypto_each(x->st, x->scope, "pending", NULL, walk_expire, &w);
	return w.n;
}
