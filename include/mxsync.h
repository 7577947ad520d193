/*
 * mxsync.h -- reads a Matrix /sync response into what the bot acts on.
 *
 * Pure parsing, no I/O, so it is unit-tested and fuzzed on its own: the
 * Matrix adapter (matrix.c) gives it the JSON and gets callbacks.  The
 * filtering rules of the issue live here: no m.notice, none of our own
 * events, no redacted events; an edit (m.replace) is read as its new
 * content and says what it replaces; reply fallbacks ("> " lines) are
 * stripped from the body.  Anything missing or of the wrong
 * type makes that one event silent, never the whole batch.
 */
#ifndef TECHPAY_MXSYNC_H
#define TECHPAY_MXSYNC_H

#include <stddef.h>

#include <cjson/cJSON.h>

struct buf;

#define MX_BODY_MAX	4096	/* bytes of a body looked at */

struct mx_msg {
	const char	*room_id;
	const char	*event_id;
	const char	*sender;
	const char	*body;		/* reply fallback stripped, NUL-ended */
	const char	*thread_root;	/* NULL when not in a thread */
	const char	*reply_to;	/* m.in_reply_to's event, or NULL */
	const char	*replaces;	/* an edit: the event it edits; body
					 * is then the new content's */
	int		 mentions_self;	/* our id in m.mentions.user_ids */
};

struct mxsync_cb {
	void	(*message)(const struct mx_msg *, void *ctx);
	/* Someone invited us (is_direct from the invite). */
	void	(*invite)(const char *room_id, const char *sender,
		    int is_direct, void *ctx);
	/* We were removed: membership "leave" (a kick) or "ban". */
	void	(*removed)(const char *room_id, const char *sender,
		    const char *membership, const char *reason, void *ctx);
	/* An m.room.encrypted event from someone else: one we cannot read
	 * (behind an E2EE proxy they arrive decrypted, as m.room.message). */
	void	(*encrypted)(const char *room_id, void *ctx);
	/* The room's m.room.power_levels content, as JSON text. */
	void	(*power_levels)(const char *room_id, const char *json,
		    void *ctx);
	/* From room version 12 the creators hold power above every level
	 * and are not in power_levels: their ids, comma-separated. */
	void	(*creators)(const char *room_id, const char *ids, void *ctx);
	/* The same event whole, for an account that decrypts (mx_crypto.h);
	 * when set, it is called instead of encrypted.  ev lives as long as
	 * the call. */
	void	(*encrypted_event)(const char *room_id, const cJSON *ev,
		    void *ctx);
	/* Each to_device event, before any room of the same sync: a room
	 * key often comes in the sync that brings its first message. */
	void	(*to_device)(const cJSON *ev, void *ctx);
	/* device_one_time_keys_count's signed_curve25519 (-1 when absent),
	 * and whether device_unused_fallback_key_types lists it (-1 when
	 * absent); called once per sync, before to_device. */
	void	(*key_counts)(long otk, int fallback_unused, void *ctx);
	/* device_lists: the users whose devices changed, and those we no
	 * longer share a room with (arrays of user ids, NULL when none). */
	void	(*device_lists)(const cJSON *changed, const cJSON *left,
		    void *ctx);
	/* A joined room's summary: the people joined and invited, us
	 * included; -1 for a count it left out.  The server sends a count
	 * when it changes (lazy-loaded members): the last one holds. */
	void	(*members)(const char *room_id, long joined, long invited,
		    void *ctx);
	/* Someone else's m.room.redaction (event_id) of redacts. */
	void	(*redaction)(const char *room_id, const char *event_id,
		    const char *redacts, const char *sender, void *ctx);
};

/*
 * cJSON spends about 64 bytes and a malloc on each value, whatever its
 * size: a 16 MiB body of "0," would take over half a gigabyte and
 * seconds of the one loop.  A real sync, with the filter's event_fields,
 * is mostly strings; a million values is several times the biggest
 * answer that fits the body limit and still bounds the tree to about
 * 100 MB.
 */
#define MX_SYNC_VALUES_MAX	1000000

/*
 * Parses one /sync answer.  Returns the next_batch token (malloc'd, the
 * caller frees) or NULL when the JSON is not a sync answer, with err
 * filled.  An answer of more than MX_SYNC_VALUES_MAX values is refused
 * before cJSON sees it, with *too_big set (too_big may be NULL), so the
 * caller can ask for less rather than for the same answer again.
 */
char	*mxsync_parse(const char *json, size_t len, const char *self,
	    const struct mxsync_cb *, void *ctx, int *too_big, char *err,
	    size_t errlen);

/*
 * A decrypted timeline event (mx_crypto.h's clear form) of room, read as
 * if the sync had brought it in clear: the same rules (no m.notice, none
 * of ours, edits read as their new content ...).  An event still
 * encrypted is ignored.
 */
void	 mxsync_event(const char *room_id, const cJSON *ev, const char *self,
	    const struct mxsync_cb *, void *ctx);

/*
 * An upper bound on the values cJSON would make of json text: one for
 * the root, one per '[' or '{', one per ',' outside strings.  One pass,
 * no allocation; for text that is not JSON the number means nothing
 * but is still finite.
 */
size_t	 mx_json_values(const char *json, size_t len);

/*
 * Appends the /sync filter (JSON) to b: messages (encrypted ones too),
 * our membership, power levels and the room's creators, at most
 * timeline_limit timeline events per room, and of each event only the
 * fields this file reads (event_fields).
 */
void	 mxsync_filter(struct buf *b, int timeline_limit);

/* The power level of user in a power_levels content (JSON text); 0 when
 * the JSON is unreadable. */
int	 mx_power_level(const char *json, const char *user);

/*
 * Copies well-formed JSON text to out with every array or object nested
 * deeper than maxdepth replaced by null.  Anyone can put deeply nested
 * JSON in an event's content; without this, a sync holding one would be
 * refused whole by cJSON (its limit is 1000 levels) and the bot would
 * stop hearing the room.  -1 if the text ends inside a value.
 */
#define MX_JSON_DEPTH	64
int	 mx_json_flatten(const char *json, size_t len, int maxdepth,
	    struct buf *out);

/* Strips the "> " reply fallback lines from the start of body, in place. */
void	 mx_strip_fallback(char *body);

#endif
