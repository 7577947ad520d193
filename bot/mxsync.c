/*
 * mxsync.c -- the /sync answer, walked with cJSON (see mxsync.h).
 *
 * Shape (Client-Server API, GET /sync):
 *   { next_batch, rooms: { join: { ROOM: { timeline: { events: [...] },
 *     state: { events } } }, invite: { ROOM: { invite_state:
 *     { events } } }, leave: { ROOM: { timeline, state } } } }
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"
#include "mxsync.h"

void
mx_strip_fallback(char *body)
{
	char *p = body, *nl;

	if (strncmp(p, "> ", 2) != 0 && strcmp(p, ">") != 0 &&
	    strncmp(p, ">\n", 2) != 0)
		return;
	while (*p == '>') {
		if ((nl = strchr(p, '\n')) == NULL) {
			*body = '\0';
			return;
		}
		p = nl + 1;
	}
	if (*p == '\n')		/* the blank line after the quote */
		p++;
	memmove(body, p, strlen(p) + 1);
}

static int
mentions(const cJSON *content, const char *self)
{
	const cJSON *m = json_obj(content, "m.mentions"), *ids, *id;

	if (m == NULL || (ids = json_arr(m, "user_ids")) == NULL)
		return 0;
	cJSON_ArrayForEach(id, ids)
		if (cJSON_IsString(id) && strcmp(id->valuestring, self) == 0)
			return 1;
	return 0;
}

/*
 * The position in a timeline of our own latest join, or -1.  The events
 * before it were sent before we were there: encrypted ones among them are
 * history no key was ever shared with us for, even behind pantalaimon, and
 * no reason to tell the room we cannot read it.
 */
static int
own_join(const cJSON *evs, const char *self)
{
	const cJSON *ev, *content;
	const char *t, *key, *ms;
	int i = 0, at = -1;

	cJSON_ArrayForEach(ev, evs) {
		t = json_str(ev, "type");
		key = json_str(ev, "state_key");
		if (t && strcmp(t, "m.room.member") == 0 && key &&
		    strcmp(key, self) == 0 &&
		    (content = json_obj(ev, "content")) &&
		    (ms = json_str(content, "membership")) &&
		    strcmp(ms, "join") == 0)
			at = i;
		i++;
	}
	return at;
}

/* A redaction's target: "redacts" at the top (room versions 1-10) or
 * in the content (11 and later). */
static void
redaction(const char *room, const cJSON *ev, const char *id,
    const char *sender, const char *self, int before_join,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *content = json_obj(ev, "content");
	const char *target = json_str(ev, "redacts");

	if (target == NULL && content)
		target = json_str(content, "redacts");
	if (target == NULL || before_join || strcmp(sender, self) == 0 ||
	    cb->redaction == NULL)
		return;
	cb->redaction(room, id, target, sender, ctx);
}

static void
message(const char *room, const cJSON *ev, const char *self, int before_join,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *content = json_obj(ev, "content"), *rel, *uns, *nc, *irt;
	const char *type = json_str(ev, "type"), *id = json_str(ev, "event_id");
	const char *sender = json_str(ev, "sender"), *mt, *body, *rt;
	struct mx_msg m;
	char *copy;
	size_t n;

	if (type == NULL || id == NULL || sender == NULL)
		return;
	if (strcmp(type, "m.room.redaction") == 0) {
		redaction(room, ev, id, sender, self, before_join, cb, ctx);
		return;
	}
	if (content == NULL)
		return;
	/*
	 * Only an event we were given encrypted is one we cannot read.  The
	 * room's m.room.encryption state says nothing about that: behind an
	 * E2EE proxy (pantalaimon) the same room's messages arrive already
	 * decrypted, as m.room.message, and are answered like any other.
	 */
	if (strcmp(type, "m.room.encrypted") == 0) {
		if (before_join || strcmp(sender, self) == 0)
			return;
		if (cb->encrypted_event)
			cb->encrypted_event(room, ev, ctx);
		else if (cb->encrypted)
			cb->encrypted(room, ctx);
		return;
	}
	if (strcmp(type, "m.room.message") != 0 || strcmp(sender, self) == 0)
		return;
	if ((uns = json_obj(ev, "unsigned")) != NULL &&
	    cJSON_GetObjectItemCaseSensitive(uns, "redacted_because"))
		return;		/* redacted: nothing left to answer */
	if ((mt = json_str(content, "msgtype")) == NULL ||
	    strcmp(mt, "m.text") != 0)
		return;		/* m.notice (bots), m.emote, images ... */
	memset(&m, 0, sizeof(m));
	nc = json_obj(content, "m.new_content");
	if ((rel = json_obj(content, "m.relates_to")) != NULL) {
		rt = json_str(rel, "rel_type");
		if (rt && strcmp(rt, "m.replace") == 0) {
			/* an edit: read as its new content, which says
			 * its own mentions; the original is what it
			 * replaces (matrix_events.c edits our answer) */
			if (nc == NULL ||
			    (m.replaces = json_str(rel, "event_id")) == NULL ||
			    (mt = json_str(nc, "msgtype")) == NULL ||
			    strcmp(mt, "m.text") != 0)
				return;
			content = nc;
			nc = NULL;
		} else if (rt && strcmp(rt, "m.thread") == 0)
			m.thread_root = json_str(rel, "event_id");
		if ((irt = json_obj(rel, "m.in_reply_to")) != NULL)
			m.reply_to = json_str(irt, "event_id");
	}
	if (nc)
		return;		/* new content without saying what it edits */
	if ((body = json_str(content, "body")) == NULL || *body == '\0')
		return;
	n = strlen(body);
	if (n > MX_BODY_MAX)
		n = MX_BODY_MAX;	/* the router cuts on UTF-8 itself */
	copy = xstrndup(body, n);
	mx_strip_fallback(copy);
	m.room_id = room;
	m.event_id = id;
	m.sender = sender;
	m.body = copy;
	m.mentions_self = mentions(content, self);
	if (*copy && cb->message)
		cb->message(&m, ctx);
	free(copy);
}

void
mxsync_event(const char *room, const cJSON *ev, const char *self,
    const struct mxsync_cb *cb, void *ctx)
{
	const char *type = json_str(ev, "type");

	if (type == NULL || strcmp(type, "m.room.encrypted") == 0)
		return;		/* decrypted into another encrypted one */
	message(room, ev, self, 0, cb, ctx);
}

static void
power_levels(const char *room, const cJSON *ev, const struct mxsync_cb *cb,
    void *ctx)
{
	const cJSON *content = json_obj(ev, "content");
	const char *key = json_str(ev, "state_key");
	char *json;

	if (content == NULL || key == NULL || *key != '\0' ||
	    cb->power_levels == NULL)
		return;
	json = cJSON_PrintUnformatted(content);
	if (json)
		cb->power_levels(room, json, ctx);
	free(json);
}

/* m.room.create: the creators, when the room version gives them power. */
static void
created(const char *room, const cJSON *ev, const struct mxsync_cb *cb,
    void *ctx)
{
	const cJSON *content = json_obj(ev, "content"), *more, *id;
	const char *sender = json_str(ev, "sender"), *ver;
	struct buf ids = {0};
	char *end;
	long v;

	if (content == NULL || sender == NULL || cb->creators == NULL)
		return;
	ver = json_str(content, "room_version");
	v = ver ? strtol(ver, &end, 10) : 1;	/* absent: version 1 */
	if (ver && *end == '\0' && v < 12)
		return;		/* older rooms list the creator in users */
	buf_puts(&ids, sender);
	if ((more = json_arr(content, "additional_creators")) != NULL)
		cJSON_ArrayForEach(id, more)
			if (cJSON_IsString(id) && !strchr(id->valuestring, ','))
				buf_printf(&ids, ",%s", id->valuestring);
	cb->creators(room, buf_str(&ids), ctx);
	buf_free(&ids);
}

int
mx_power_level(const char *json, const char *user)
{
	cJSON *j = json ? cJSON_Parse(json) : NULL;
	const cJSON *users, *v;
	int level = 0;

	if (j == NULL)
		return 0;
	if ((users = json_obj(j, "users")) != NULL &&
	    cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(users, user)))
		level = v->valueint;
	else if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(j,
	    "users_default")))
		level = v->valueint;
	cJSON_Delete(j);
	return level;
}

/* Our own m.room.member changes in a list of events. */
static void
membership(const char *room, const cJSON *events, const char *self,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *ev, *content;
	const char *type, *key, *ms, *sender;

	cJSON_ArrayForEach(ev, events) {
		type = json_str(ev, "type");
		if (type && strcmp(type, "m.room.power_levels") == 0) {
			power_levels(room, ev, cb, ctx);
			continue;
		}
		if (type && strcmp(type, "m.room.create") == 0) {
			created(room, ev, cb, ctx);
			continue;
		}
		if (type == NULL || strcmp(type, "m.room.member") != 0)
			continue;
		key = json_str(ev, "state_key");
		content = json_obj(ev, "content");
		sender = json_str(ev, "sender");
		if (key == NULL || strcmp(key, self) != 0 || content == NULL ||
		    sender == NULL ||
		    (ms = json_str(content, "membership")) == NULL)
			continue;
		if ((strcmp(ms, "leave") == 0 && strcmp(sender, self) != 0) ||
		    strcmp(ms, "ban") == 0)
			if (cb->removed)
				cb->removed(room, sender, ms,
				    json_str(content, "reason"), ctx);
	}
}

/* A count of the summary, -1 when absent or not a count. */
static long
count_of(const cJSON *summary, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(summary, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 1e9)
		return -1;
	return (long)v->valuedouble;
}

static void
joined(const char *room, const cJSON *r, const char *self,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *tl, *st, *evs, *ev, *sum;
	long nj, ni;
	int i = -1, join;

	if (cb->members && (sum = json_obj(r, "summary")) != NULL) {
		nj = count_of(sum, "m.joined_member_count");
		ni = count_of(sum, "m.invited_member_count");
		if (nj >= 0 || ni >= 0)
			cb->members(room, nj, ni, ctx);
	}
	if ((st = json_obj(r, "state")) != NULL &&
	    (evs = json_arr(st, "events")))
		membership(room, evs, self, cb, ctx);
	if ((tl = json_obj(r, "timeline")) == NULL ||
	    (evs = json_arr(tl, "events")) == NULL)
		return;
	join = own_join(evs, self);
	cJSON_ArrayForEach(ev, evs) {
		i++;
		if (!cJSON_IsObject(ev))
			continue;
		if (cJSON_GetObjectItemCaseSensitive(ev, "state_key")) {
			const char *t = json_str(ev, "type");

			if (t && strcmp(t, "m.room.power_levels") == 0)
				power_levels(room, ev, cb, ctx);
			if (t && strcmp(t, "m.room.create") == 0)
				created(room, ev, cb, ctx);
			continue;
		}
		message(room, ev, self, i < join, cb, ctx);
	}
}

static void
invited(const char *room, const cJSON *r, const char *self,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *is, *evs, *ev, *content;
	const char *type, *key, *ms, *sender;

	if ((is = json_obj(r, "invite_state")) == NULL ||
	    (evs = json_arr(is, "events")) == NULL)
		return;
	cJSON_ArrayForEach(ev, evs) {
		type = json_str(ev, "type");
		key = json_str(ev, "state_key");
		sender = json_str(ev, "sender");
		content = json_obj(ev, "content");
		if (type == NULL || strcmp(type, "m.room.member") != 0 ||
		    key == NULL || strcmp(key, self) != 0 || sender == NULL ||
		    content == NULL ||
		    (ms = json_str(content, "membership")) == NULL ||
		    strcmp(ms, "invite") != 0)
			continue;
		if (cb->invite)
			cb->invite(room, sender, cJSON_IsTrue(
			    cJSON_GetObjectItemCaseSensitive(content,
			    "is_direct")), ctx);
		return;
	}
}

static void
left(const char *room, const cJSON *r, const char *self,
    const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *o, *evs;

	if ((o = json_obj(r, "state")) != NULL && (evs = json_arr(o, "events")))
		membership(room, evs, self, cb, ctx);
	if ((o = json_obj(r, "timeline")) != NULL &&
	    (evs = json_arr(o, "events")))
		membership(room, evs, self, cb, ctx);
}

/* The index after the string that opens at in[i] ('"'); len + 1 when
 * it never closes. */
static size_t
skip_string(const char *in, size_t len, size_t i)
{
	for (i++; i < len; i++)
		if (in[i] == '\\')
			i++;
		else if (in[i] == '"')
			return i + 1;
	return len + 1;
}

/* The index after the array or object that opens at in[i]; len + 1
 * when it never closes. */
static size_t
skip_value(const char *in, size_t len, size_t i)
{
	int depth = 0;

	while (i < len) {
		char c = in[i];

		if (c == '"') {
			i = skip_string(in, len, i);
			continue;
		}
		if (c == '[' || c == '{')
			depth++;
		else if ((c == ']' || c == '}') && --depth == 0)
			return i + 1;
		i++;
	}
	return len + 1;
}

int
mx_json_flatten(const char *in, size_t len, int maxdepth, struct buf *out)
{
	size_t i = 0, start = 0;
	int depth = 0;

	while (i < len) {
		char c = in[i];

		if (c == '"')
			i = skip_string(in, len, i);
		else if ((c == '[' || c == '{') && depth == maxdepth) {
			buf_add(out, in + start, i - start);
			buf_puts(out, "null");
			start = i = skip_value(in, len, i);
		} else {
			if (c == '[' || c == '{')
				depth++;
			else if (c == ']' || c == '}')
				depth--;
			i++;
		}
	}
	if (i > len)	/* a string or a value that never closes */
		return -1;
	buf_add(out, in + start, len - start);
	return depth != 0 ? -1 : 0;
}

size_t
mx_json_values(const char *in, size_t len)
{
	size_t i = 0, n = 1;

	while (i < len) {
		char c = in[i];

		if (c == '"') {
			i = skip_string(in, len, i);
			continue;
		}
		if (c == ',' || c == '[' || c == '{')
			n++;
		i++;
	}
	return n;
}

/*
 * Of each event, only what this file reads; the rest of a content (a
 * formatted body, a ciphertext, whatever a client adds) never comes
 * down.  A dot inside a key is escaped with a backslash (the spec's
 * event_fields), written twice here for JSON.  A new field read above
 * must be added here, or it arrives missing.
 */
static const char *const event_fields[] = {
	"type", "sender", "event_id", "state_key",
	"unsigned.redacted_because",
	/* m.room.message */
	"content.body", "content.msgtype", "content.m\\\\.relates_to",
	"content.m\\\\.mentions", "content.m\\\\.new_content",
	/* m.room.redaction, before and since room version 11 */
	"redacts", "content.redacts",
	/* m.room.member */
	"content.membership", "content.reason", "content.is_direct",
	/* m.room.power_levels: mx_power_level */
	"content.users", "content.users_default",
	/* m.room.create */
	"content.room_version", "content.additional_creators",
	/*
	 * m.room.encrypted: never read here, but an E2EE proxy in front of
	 * the homeserver (pantalaimon) decrypts the answer to this very
	 * filter, and with less than the whole Megolm event (its time
	 * included) it leaves the event encrypted.
	 */
	"origin_server_ts", "content.algorithm", "content.ciphertext",
	"content.sender_key", "content.session_id", "content.device_id",
	NULL
};

void
mxsync_filter(struct buf *b, int timeline_limit)
{
	int i;

	buf_puts(b, "{\"event_fields\":[");
	for (i = 0; event_fields[i]; i++)
		buf_printf(b, "%s\"%s\"", i ? "," : "", event_fields[i]);
	/* lazy members, no presence, no account data, no typing or
	 * receipts; the state types are the ones the bot acts on (not
	 * m.room.encryption: an encrypted event itself is what counts) */
	buf_printf(b, "],\"presence\":{\"types\":[]},"
	    "\"account_data\":{\"types\":[]},"
	    "\"room\":{\"ephemeral\":{\"types\":[]},"
	    "\"account_data\":{\"types\":[]},"
	    "\"state\":{\"lazy_load_members\":true,"
	    "\"types\":[\"m.room.member\","
	    "\"m.room.power_levels\",\"m.room.create\"]},"
	    "\"timeline\":{\"limit\":%d,\"lazy_load_members\":true,"
	    "\"types\":[\"m.room.message\",\"m.room.encrypted\","
	    "\"m.room.member\",\"m.room.power_levels\","
	    "\"m.room.redaction\"]}}}",
	    timeline_limit);
}

/* The end-to-end encryption parts of a sync, before its rooms. */
static void
e2ee(const cJSON *root, const struct mxsync_cb *cb, void *ctx)
{
	const cJSON *o, *v, *evs, *ev;
	long otk = -1;
	int fb = -1;

	if (cb->key_counts && (json_obj(root, "device_one_time_keys_count") ||
	    json_arr(root, "device_unused_fallback_key_types"))) {
		if ((o = json_obj(root, "device_one_time_keys_count")) &&
		    cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o,
		    "signed_curve25519")) && v->valuedouble >= 0 &&
		    v->valuedouble < 1e9)
			otk = (long)v->valuedouble;
		else if (o)
			otk = 0;	/* none left: the key is left out */
		if ((o = json_arr(root, "device_unused_fallback_key_types"))) {
			fb = 0;
			cJSON_ArrayForEach(v, o)
				if (cJSON_IsString(v) && strcmp(v->valuestring,
				    "signed_curve25519") == 0)
					fb = 1;
		}
		cb->key_counts(otk, fb, ctx);
	}
	if (cb->device_lists && (o = json_obj(root, "device_lists")) != NULL)
		cb->device_lists(json_arr(o, "changed"), json_arr(o, "left"),
		    ctx);
	if (cb->to_device && (o = json_obj(root, "to_device")) != NULL &&
	    (evs = json_arr(o, "events")) != NULL)
		cJSON_ArrayForEach(ev, evs)
			if (cJSON_IsObject(ev))
				cb->to_device(ev, ctx);
}

char *
mxsync_parse(const char *json, size_t len, const char *self,
    const struct mxsync_cb *cb, void *ctx, int *too_big, char *err,
    size_t errlen)
{
	cJSON *root;
	const cJSON *rooms, *sect, *r;
	const char *nb;
	char *next;
	size_t nv;

	if (too_big)
		*too_big = 0;
	/* counted before cJSON allocates anything: see MX_SYNC_VALUES_MAX */
	if ((nv = mx_json_values(json, len)) > MX_SYNC_VALUES_MAX) {
		if (too_big)
			*too_big = 1;
		snprintf(err, errlen, "sync: answer too big (%zu values, "
		    "at most %d)", nv, MX_SYNC_VALUES_MAX);
		return NULL;
	}
	if ((root = cJSON_ParseWithLength(json, len)) == NULL) {
		/* too deep for cJSON? the same answer with the deep parts
		 * of events cut off */
		struct buf flat = {0};

		if (mx_json_flatten(json, len, MX_JSON_DEPTH, &flat) == 0)
			root = cJSON_ParseWithLength(flat.s, flat.len);
		buf_free(&flat);
		if (root == NULL) {
			snprintf(err, errlen, "sync: not JSON");
			return NULL;
		}
	}
	if ((nb = json_str(root, "next_batch")) == NULL || *nb == '\0') {
		snprintf(err, errlen, "sync: no next_batch");
		cJSON_Delete(root);
		return NULL;
	}
	next = xstrdup(nb);
	e2ee(root, cb, ctx);
	if ((rooms = json_obj(root, "rooms")) != NULL) {
		if ((sect = json_obj(rooms, "invite")) != NULL)
			cJSON_ArrayForEach(r, sect)
				if (cJSON_IsObject(r) && r->string)
					invited(r->string, r, self, cb, ctx);
		if ((sect = json_obj(rooms, "join")) != NULL)
			cJSON_ArrayForEach(r, sect)
				if (cJSON_IsObject(r) && r->string)
					joined(r->string, r, self, cb, ctx);
		if ((sect = json_obj(rooms, "leave")) != NULL)
			cJSON_ArrayForEach(r, sect)
				if (cJSON_IsObject(r) && r->string)
					left(r->string, r, self, cb, ctx);
	}
	cJSON_Delete(root);
	return next;
}
