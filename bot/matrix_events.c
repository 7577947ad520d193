/*
 * matrix_events.c -- a sync's events, for the Matrix adapter
 * (matrix_int.h): mxsync_parse calls these for each.
 *
 * A question goes to the core (bot_answer) and its answer to the room's
 * queue; an invite is accepted or declined (invite_from); the room state
 * a later question needs (direct chats, power levels, creators, the
 * encryption notice given) goes with the sync's batch, committed with
 * its position.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "matrix_int.h"
#include "policy.h"

/* Both ways out: the asker's (another room) and the operator's
 * (encryption = yes, README "Encrypted rooms"). */
#define ENCRYPTED_NOTICE "I can't read encrypted messages, so I can't " \
	"answer questions in this room. Ask me in a room without " \
	"encryption, or ask my operator to turn my encryption on."
/* The reason on the leave that rejects an invite: the inviter sees it
 * ("techpay rejected the invite: ...") without the bot joining the room
 * to say it, so nothing is posted where nobody asked for the bot.  In
 * the inviter's words: no config key names. */
#define DECLINE_REASON	"Sorry, I only accept invites from the people " \
	"who run me. Ask them to invite me, or to let you invite me."

/* A count kept for room (on_members), or -1. */
static long
room_count(struct mx *x, const char *what, const char *room)
{
	char key[MX_KEY_MAX], *v, *end;
	long n = -1;

	mx_room_key(key, sizeof(key), what, room);
	if ((v = mx_batch_get(x, key)) != NULL) {
		n = strtol(v, &end, 10);
		if (*end != '\0' || n < 0)
			n = -1;
	}
	free(v);
	return n;
}

/*
 * A direct chat: the invite said is_direct (as clients do for DMs), and
 * no third person has joined or been invited since.  A room of two is
 * not enough: people make small rooms with a bot too.  A DM that became
 * a group is a group: "see you at lunch" there is for the others, and
 * the bot wants to be addressed.
 */
static int
is_direct(struct mx *x, const char *room)
{
	char key[MX_KEY_MAX], *d;
	long joined, invited;
	int direct;

	mx_room_key(key, sizeof(key), "direct", room);
	d = mx_batch_get(x, key);
	direct = d && strcmp(d, "1") == 0;
	free(d);
	if (!direct)
		return 0;
	joined = room_count(x, "joined", room);
	invited = room_count(x, "invited", room);
	return (joined < 0 ? 0 : joined) + (invited < 0 ? 0 : invited) <=
	    MX_DIRECT_PEOPLE;
}

/* A creator of a version 12 room, or a moderator: power level 50 or
 * more (owners are the core's business). */
static int
privileged(struct mx *x, const char *room, const char *sender)
{
	char key[MX_KEY_MAX], *pl;
	int level;

	mx_room_key(key, sizeof(key), "creators", room);
	if ((pl = mx_batch_get(x, key)) != NULL) {
		size_t n = strlen(sender);
		const char *p;

		for (p = pl; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
			if (strncmp(p, sender, n) == 0 &&
			    (p[n] == '\0' || p[n] == ',')) {
				free(pl);
				return 1;
			}
		free(pl);
	}
	mx_room_key(key, sizeof(key), "power_levels", room);
	pl = mx_batch_get(x, key);
	level = mx_power_level(pl, sender);
	free(pl);
	return level >= 50;
}

/* A room where someone wrote encrypted (mx_e2ee.h): its answers are
 * encrypted too, never sent in clear. */
static int
room_encrypted(struct mx *x, const char *room)
{
	char key[MX_KEY_MAX], *v;
	int yes;

	mx_room_key(key, sizeof(key), "encrypted", room);
	v = mx_batch_get(x, key);
	yes = v && strcmp(v, "1") == 0;
	free(v);
	return yes;
}

/* The message content of answer a: m.notice, plain and HTML, each
 * after lead ("* " for an edit's fallback). */
static cJSON *
notice(const struct answer *a, const char *lead)
{
	cJSON *c = cJSON_CreateObject();
	const char *html = buf_str(&a->html);
	struct buf t = {0};

	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	buf_printf(&t, "%s%s", lead, buf_str(&a->text));
	cJSON_AddStringToObject(c, "body", buf_str(&t));
	if (*html) {
		buf_reset(&t);
		buf_printf(&t, "%s%s", lead, html);
		cJSON_AddStringToObject(c, "format", "org.matrix.custom.html");
		cJSON_AddStringToObject(c, "formatted_body", buf_str(&t));
	}
	buf_free(&t);
	return c;
}

/*
 * Queues answer a to q in its room: a reply (in q's thread, mentioning
 * the asker), or, when prev is the answer already given to the message
 * q edits, an edit of prev (m.replace) that says the new answer.  The
 * transaction id comes from q's own event id: a resend after a crash is
 * the same request, which the server takes once.
 */
static void
send_answer(struct mx *x, const struct mx_msg *q, const char *prev,
    const struct answer *a)
{
	cJSON *c, *rel, *rep, *men, *ids, *nc;
	struct buf path = {0}, what = {0};
	const char *asked = q->replaces ? q->replaces : q->event_id;
	char txn[33], *body;

	if (prev) {
		c = notice(a, "* ");
		nc = notice(a, "");
		cJSON_AddItemToObject(c, "m.new_content", nc);
		rel = cJSON_AddObjectToObject(c, "m.relates_to");
		cJSON_AddStringToObject(rel, "rel_type", "m.replace");
		cJSON_AddStringToObject(rel, "event_id", prev);
		/* an edit notifies nobody again */
		cJSON_AddObjectToObject(c, "m.mentions");
	} else {
		c = notice(a, "");
		rel = cJSON_AddObjectToObject(c, "m.relates_to");
		if (q->thread_root) {
			cJSON_AddStringToObject(rel, "rel_type", "m.thread");
			cJSON_AddStringToObject(rel, "event_id",
			    q->thread_root);
			cJSON_AddFalseToObject(rel, "is_falling_back");
		}
		rep = cJSON_AddObjectToObject(rel, "m.in_reply_to");
		cJSON_AddStringToObject(rep, "event_id", asked);
		men = cJSON_AddObjectToObject(c, "m.mentions");
		ids = cJSON_AddArrayToObject(men, "user_ids");
		cJSON_AddItemToArray(ids, cJSON_CreateString(q->sender));
	}
	body = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);

	matrix_txn_id(q->event_id, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, q->room_id);
	buf_printf(&path, "/send/m.room.message/%s", txn);
	if (prev)
		buf_printf(&what, "edit of the answer to %s in %s", asked,
		    q->room_id);
	else
		buf_printf(&what, "answer to %s in %s", q->event_id,
		    q->room_id);
	x->cur_e2ee = room_encrypted(x, q->room_id) ? q->room_id : NULL;
	/* a new answer is kept as the answer to what was asked; an edit
	 * leaves the one kept */
	x->cur_reply_of = prev ? NULL : asked;
	x->cur_thread = q->thread_root;
	mx_out_push(x, "PUT", &path, body, buf_str(&what));
	x->cur_e2ee = NULL;
	x->cur_reply_of = NULL;
	x->cur_thread = NULL;
	buf_free(&what);
}

static void
on_message(const struct mx_msg *q, void *ctx)
{
	struct mx *x = ctx;
	struct matrix *m = x->m;
	struct message msg;
	const char *text = q->body, *names[ROUTER_NAMES_MAX];
	char where[512], *prev = NULL;
	int n = 0;

	if (x->first_sync || mx_batch_has_id(x, q->event_id))
		return;		/* history before our first start, or done */
	if (q->replaces) {
		/*
		 * An edit: of a question answered, its answer is edited to
		 * answer the new text; of a message not answered, the new
		 * text is read like a new message (it may name the bot
		 * now).  An answer still on its way has no event id yet:
		 * the edit waits, unmarked, for a later start to find it.
		 */
		prev = state_reply_get(m->st, x->scope, q->replaces);
		if (prev == NULL && mx_batch_has_id(x, q->replaces)) {
			log_debug("matrix %s: edit %s of %s, whose answer is "
			    "not sent yet: skipped", x->cf.name, q->event_id,
			    q->replaces);
			return;
		}
	}
	memset(&msg, 0, sizeof(msg));
	/* the router finds our names anywhere in the line and removes them
	 * (a pill's text is the display name) */
	if (x->display)
		names[n++] = x->display;
	if (x->self)
		names[n++] = x->self;
	if (x->localpart)
		names[n++] = x->localpart;
	names[n] = NULL;
	msg.names = names;
	if (q->mentions_self || is_direct(x, q->room_id))
		msg.direct = 1;
	/* a reply to one of our answers, or a follow-up in a thread we
	 * answered in, is for us without the name */
	if ((q->reply_to && state_reply_ours(m->st, x->scope, q->reply_to)) ||
	    (q->thread_root && state_reply_in_thread(m->st, x->scope,
	    q->thread_root)))
		msg.to_bot = 1;
	snprintf(where, sizeof(where), "%s/%s/%s", x->cf.name, q->room_id,
	    q->sender);
	msg.text = text;
	msg.len = strlen(text);
	msg.where = where;
	msg.max_bytes = (size_t)x->cf.max_bytes;
	msg.network = x->scope;
	msg.target = q->room_id;
	/* the homeserver vouches for the sender: the id is the account */
	msg.sender = q->sender;
	msg.account = q->sender;
	msg.privileged = privileged(x, q->room_id, q->sender);
	answer_reset(&m->ans);
	/* the answer and an owner action's requests (made inside
	 * bot_answer, through matrix_act) hold the event: it is marked
	 * handled when the last of them is done */
	x->cur_ev = mx_ev_new(x, q->event_id);
	if (!bot_answer(m->ad.bot, &m->ad, &msg, &m->ans)) {
		mx_ev_drop(x, x->cur_ev);	/* chatter: nothing to remember */
		x->cur_ev = NULL;
		free(prev);
		return;
	}
	log_debug("matrix %s: question %s in %s", x->cf.name, q->event_id,
	    q->room_id);
	/*
	 * One sender's answers may wait, behind the homeserver's rate
	 * limit, only up to MX_SENDER_MAX: past that the new one is
	 * dropped (its event counts as handled), as IRC's lane cap does,
	 * so no one person fills the queue to MX_OUT_MAX, where /sync
	 * pauses for every room.  Nor does one room, however many people
	 * ask in it: MX_ROOM_MAX answers wait there at most.
	 */
	if (mx_queued_for(x, q->sender) >= MX_SENDER_MAX)
		log_debug("matrix %s: %d answers already wait for %s; %s "
		    "dropped", x->cf.name, MX_SENDER_MAX, q->sender,
		    q->event_id);
	else if (mx_queued_in(x, q->room_id) >= MX_ROOM_MAX)
		log_debug("matrix %s: %d answers already wait in %s; %s "
		    "dropped", x->cf.name, MX_ROOM_MAX, q->room_id,
		    q->event_id);
	else {
		x->cur_who = q->sender;
		send_answer(x, q, prev, &m->ans);
		x->cur_who = NULL;
	}
	free(prev);
	if (x->part_after) {
		/* !part: queued after its answer, which goes first */
		mx_leave(x, x->part_after);
		free(x->part_after);
		x->part_after = NULL;
	}
	mx_ev_release(x, x->cur_ev);
	x->cur_ev = NULL;
}

/*
 * A question deleted: its answer goes too, once.  The redaction event is
 * marked handled when the request is done, and the transaction id comes
 * from it, so a restart neither misses nor repeats it.  A redaction of
 * anything else asks nothing.
 */
static void
on_redaction(const char *room, const char *id, const char *redacts,
    const char *sender, void *ctx)
{
	struct mx *x = ctx;
	struct buf path = {0}, what = {0};
	char txn[33], *ans;
	cJSON *c;

	if (x->first_sync || mx_batch_has_id(x, id) ||
	    (ans = state_reply_get(x->m->st, x->scope, redacts)) == NULL)
		return;
	log_info("matrix %s: %s deleted %s in %s; deleting my answer %s",
	    x->cf.name, sender, redacts, room, ans);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "reason", "the question was deleted");
	matrix_txn_id(id, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, room);
	buf_puts(&path, "/redact/");
	http_escape(&path, ans);
	buf_printf(&path, "/%s", txn);
	buf_printf(&what, "deletion of the answer to %s in %s", redacts, room);
	x->cur_ev = mx_ev_new(x, id);
	mx_out_push(x, "PUT", &path, cJSON_PrintUnformatted(c),
	    buf_str(&what));
	mx_ev_release(x, x->cur_ev);
	x->cur_ev = NULL;
	cJSON_Delete(c);
	buf_free(&what);
	free(ans);
}

/* invite_from's users and servers, and the bot's owners. */
static int
invite_allowed(struct mx *x, const char *sender, int *owner)
{
	const struct config_matrix *cf = &x->cf;
	const char *server = strchr(sender, ':');
	struct person p;
	int i;

	p.network = x->scope;
	p.mask = sender;
	p.account = sender;	/* the homeserver vouches for it */
	if ((*owner = policy_is_owner(bot_policy(x->m->ad.bot), &p)))
		return 1;
	for (i = 0; i < cf->ninvite_from; i++) {
		const char *a = cf->invite_from[i];

		if (a[0] == '@' ? strcmp(a, sender) == 0 :
		    server && strcasecmp(a, server + 1) == 0)
			return 1;
	}
	return 0;
}

static void
on_invite(const char *room, const char *sender, int is_direct, void *ctx)
{
	struct mx *x = ctx;
	struct buf path = {0}, what = {0};
	char key[MX_KEY_MAX];
	cJSON *c;
	int owner;

	if (!invite_allowed(x, sender, &owner)) {
		/*
		 * Rejected with a reason on the leave (a client shows "...
		 * rejected the invite: REASON" to the inviter) rather than
		 * joining to post a notice and leaving: simpler, and the bot
		 * never appears in a room it was not allowed into.
		 */
		log_info("matrix %s: invite to %s from %s declined (not in "
		    "invite_from, not an owner)", x->cf.name, room, sender);
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "reason", DECLINE_REASON);
		buf_puts(&path, API "/rooms/");
		http_escape(&path, room);
		buf_puts(&path, "/leave");
		buf_printf(&what, "decline the invite to %s", room);
		mx_out_push(x, "POST", &path, cJSON_PrintUnformatted(c),
		    buf_str(&what));
		cJSON_Delete(c);
		buf_free(&what);
		return;
	}
	log_info("matrix %s: invited to %s by %s%s; joining", x->cf.name,
	    room, owner ? "owner " : "", sender);
	if (is_direct) {
		mx_room_key(key, sizeof(key), "direct", room);
		mx_batch_set(x, key, "1");
	}
	buf_puts(&path, API "/join/");
	http_escape(&path, room);
	buf_printf(&what, "join %s", room);
	mx_out_push(x, "POST", &path, xstrdup("{}"), buf_str(&what));
	buf_free(&what);
}

static void
on_removed(const char *room, const char *sender, const char *membership,
    const char *reason, void *ctx)
{
	struct mx *x = ctx;

	log_warn("matrix %s: %s from %s by %s%s%s", x->cf.name,
	    strcmp(membership, "ban") == 0 ? "banned" : "removed", room,
	    sender, reason ? ": " : "", reason ? reason : "");
}

static void
on_encrypted(const char *room, void *ctx)
{
	struct mx *x = ctx;
	struct buf path = {0}, what = {0};
	char key[MX_KEY_MAX], txn[33], *told;
	cJSON *c;

	if (x->first_sync)
		return;		/* history before our first start */
	/* once per room, for good: the key is committed with the batch, so
	 * a restart (or a replay of this sync) finds it */
	mx_room_key(key, sizeof(key), "encrypted_notice", room);
	if ((told = mx_batch_get(x, key)) != NULL) {
		free(told);
		return;
	}
	mx_batch_set(x, key, "1");
	log_info("matrix %s: an encrypted message in %s that I cannot read; "
	    "saying so once", x->cf.name, room);
	c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	cJSON_AddStringToObject(c, "body", ENCRYPTED_NOTICE);
	matrix_txn_id(key, txn);
	buf_puts(&path, API "/rooms/");
	http_escape(&path, room);
	buf_printf(&path, "/send/m.room.message/%s", txn);
	buf_printf(&what, "encryption notice in %s", room);
	mx_out_push(x, "PUT", &path, cJSON_PrintUnformatted(c), buf_str(&what));
	cJSON_Delete(c);
	buf_free(&what);
}

static void
on_power_levels(const char *room, const char *json, void *ctx)
{
	struct mx *x = ctx;
	char key[MX_KEY_MAX];

	mx_room_key(key, sizeof(key), "power_levels", room);
	mx_batch_set(x, key, json);
}

static void
on_members(const char *room, long joined, long invited, void *ctx)
{
	struct mx *x = ctx;
	char key[MX_KEY_MAX], n[24];

	if (joined >= 0) {
		mx_room_key(key, sizeof(key), "joined", room);
		snprintf(n, sizeof(n), "%ld", joined);
		mx_batch_set(x, key, n);
	}
	if (invited >= 0) {
		mx_room_key(key, sizeof(key), "invited", room);
		snprintf(n, sizeof(n), "%ld", invited);
		mx_batch_set(x, key, n);
	}
}

static void
on_creators(const char *room, const char *ids, void *ctx)
{
	struct mx *x = ctx;
	char key[MX_KEY_MAX];

	mx_room_key(key, sizeof(key), "creators", room);
	mx_batch_set(x, key, ids);
}

/* ---- end-to-end encryption (mx_e2ee.h) ---- */

/* An encrypted event: read by our own device, or (encryption = no) the
 * notice once.  With encryption the room is remembered as encrypted,
 * so its answers never go out in clear. */
static void
on_encrypted_event(const char *room, const cJSON *ev, void *ctx)
{
	struct mx *x = ctx;
	char key[MX_KEY_MAX];

	if (x->e2ee == NULL) {
		on_encrypted(room, ctx);
		return;
	}
	mx_room_key(key, sizeof(key), "encrypted", room);
	mx_batch_set(x, key, "1");
	if (x->first_sync)
		return;		/* history before our first start */
	mxe_encrypted(x->e2ee, room, ev);
}

static void
on_to_device(const cJSON *ev, void *ctx)
{
	struct mx *x = ctx;

	if (x->e2ee)
		mxe_to_device(x->e2ee, ev);
}

static void
on_key_counts(long otk, int fallback_unused, void *ctx)
{
	struct mx *x = ctx;

	if (x->e2ee)
		mxe_key_counts(x->e2ee, otk, fallback_unused);
}

static void
on_device_lists(const cJSON *changed, const cJSON *left, void *ctx)
{
	struct mx *x = ctx;

	if (x->e2ee)
		mxe_device_lists(x->e2ee, changed, left);
}

const struct mxsync_cb mx_sync_cb = {
	on_message, on_invite, on_removed, on_encrypted, on_power_levels,
	on_creators, on_encrypted_event, on_to_device, on_key_counts,
	on_device_lists, on_members, on_redaction
};

/* A decrypted event, read as if the sync had brought it in clear. */
static void
e2ee_feed(const char *room, const cJSON *clear, void *ctx)
{
	struct mx *x = ctx;

	mxsync_event(room, clear, x->self, &mx_sync_cb, x);
}

/* Handled for good: marked in the store.  An answer still going out
 * is not: a crash before it is accepted must find the event again. */
static int
e2ee_handled(const char *id, void *ctx)
{
	struct mx *x = ctx;

	return state_seen(x->m->st, x->scope, id);
}

/* The operator must act (cross-signing's auth refused): it stops. */
static void
e2ee_fatal(const char *what, const char *why, void *ctx)
{
	mx_fatal(ctx, what, why);
}

const struct mxe_ops mx_e2ee_ops = { e2ee_feed, e2ee_handled, e2ee_fatal };

