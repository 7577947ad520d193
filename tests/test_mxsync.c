/*
 * test_mxsync.c -- the /sync parser: which events become questions,
 * invites, removals and encryption notices, and which are silent (our own,
 * notices, edits, redacted, malformed).  Also the answer's transaction id.
 */
#include <cjson/cJSON.h>

#include "testutil.h"
#include "matrix.h"
#include "mxsync.h"

#define SELF "@techpay:hs"

struct seen {
	int	 nmsg, ninv, nrem, nenc, npl;
	char	 pl[256];
	char	 creators[128];
	char	 body[256], room[64], sender[64], thread[64], event[64];
	int	 mentions, direct;
	char	 membership[16];
	int	 nmembers;
	long	 joined, invited;
	char	 replaces[64], reply_to[64];
	int	 nredact;
	char	 redacts[64];
};

static void
on_msg(const struct mx_msg *m, void *ctx)
{
	struct seen *s = ctx;

	s->nmsg++;
	snprintf(s->body, sizeof(s->body), "%s", m->body);
	snprintf(s->room, sizeof(s->room), "%s", m->room_id);
	snprintf(s->sender, sizeof(s->sender), "%s", m->sender);
	snprintf(s->event, sizeof(s->event), "%s", m->event_id);
	snprintf(s->thread, sizeof(s->thread), "%s",
	    m->thread_root ? m->thread_root : "");
	s->mentions = m->mentions_self;
	snprintf(s->replaces, sizeof(s->replaces), "%s",
	    m->replaces ? m->replaces : "");
	snprintf(s->reply_to, sizeof(s->reply_to), "%s",
	    m->reply_to ? m->reply_to : "");
}

static void
on_inv(const char *room, const char *sender, int direct, void *ctx)
{
	struct seen *s = ctx;

	s->ninv++;
	s->direct = direct;
	snprintf(s->room, sizeof(s->room), "%s", room);
	snprintf(s->sender, sizeof(s->sender), "%s", sender);
}

static void
on_rem(const char *room, const char *sender, const char *ms,
    const char *reason, void *ctx)
{
	struct seen *s = ctx;

	(void)reason;
	s->nrem++;
	snprintf(s->room, sizeof(s->room), "%s", room);
	snprintf(s->sender, sizeof(s->sender), "%s", sender);
	snprintf(s->membership, sizeof(s->membership), "%s", ms);
}

static void
on_enc(const char *room, void *ctx)
{
	struct seen *s = ctx;

	s->nenc++;
	snprintf(s->room, sizeof(s->room), "%s", room);
}

static void
on_pl(const char *room, const char *json, void *ctx)
{
	struct seen *s = ctx;

	(void)room;
	s->npl++;
	snprintf(s->pl, sizeof(s->pl), "%s", json);
}

static void
on_creators(const char *room, const char *ids, void *ctx)
{
	struct seen *s = ctx;

	(void)room;
	snprintf(s->creators, sizeof(s->creators), "%s", ids);
}

static void
on_members(const char *room, long joined, long invited, void *ctx)
{
	struct seen *s = ctx;

	snprintf(s->room, sizeof(s->room), "%s", room);
	s->nmembers++;
	s->joined = joined;
	s->invited = invited;
}

static void
on_redact(const char *room, const char *id, const char *redacts,
    const char *sender, void *ctx)
{
	struct seen *s = ctx;

	s->nredact++;
	snprintf(s->room, sizeof(s->room), "%s", room);
	snprintf(s->event, sizeof(s->event), "%s", id);
	snprintf(s->redacts, sizeof(s->redacts), "%s", redacts);
	snprintf(s->sender, sizeof(s->sender), "%s", sender);
}

static const struct mxsync_cb cb = { on_msg, on_inv, on_rem, on_enc,
	on_pl, on_creators, NULL, NULL, NULL, NULL, on_members, on_redact };

/* Parses a sync with one joined room "!r:hs" whose timeline is events. */
static struct seen
timeline(const char *events)
{
	struct seen s;
	static char json[MX_BODY_MAX * 3];
	char err[128], *next;

	memset(&s, 0, sizeof(s));
	snprintf(json, sizeof(json), "{\"next_batch\":\"s2\",\"rooms\":"
	    "{\"join\":{\"!r:hs\":{\"timeline\":{\"events\":[%s]}}}}}", events);
	next = mxsync_parse(json, strlen(json), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	assert_non_null(next);
	assert_string_equal(next, "s2");
	free(next);
	return s;
}

#define MSG(extra, content) "{\"type\":\"m.room.message\",\"event_id\":" \
	"\"$e1\",\"sender\":\"@alice:hs\"" extra ",\"content\":" content "}"

static void
test_01_plain_question(void **st)
{
	struct seen s = timeline(MSG("", "{\"msgtype\":\"m.text\","
	    "\"body\":\"!salary sre\"}"));

	(void)st;
	assert_int_equal(s.nmsg, 1);
	assert_string_equal(s.body, "!salary sre");
	assert_string_equal(s.room, "!r:hs");
	assert_string_equal(s.sender, "@alice:hs");
	assert_string_equal(s.event, "$e1");
	assert_string_equal(s.thread, "");
	assert_int_equal(s.mentions, 0);
}

static void
test_02_silent_events(void **st)
{
	(void)st;
	/* a notice, our own message, an emote */
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.notice\","
	    "\"body\":\"!salary sre\"}")).nmsg, 0);
	assert_int_equal(timeline("{\"type\":\"m.room.message\",\"event_id\":"
	    "\"$e\",\"sender\":\"" SELF "\",\"content\":{\"msgtype\":"
	    "\"m.text\",\"body\":\"!salary sre\"}}").nmsg, 0);
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.emote\","
	    "\"body\":\"!salary sre\"}")).nmsg, 0);
	/* an edit without its new content, new content without saying
	 * what it edits (test_18 reads whole edits) */
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"* !salary sre\",\"m.relates_to\":{\"rel_type\":\"m.replace\","
	    "\"event_id\":\"$o\"}}")).nmsg, 0);
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"* x\",\"m.new_content\":{\"msgtype\":\"m.text\",\"body\":"
	    "\"!salary sre\"}}")).nmsg, 0);
	/* redacted */
	assert_int_equal(timeline(MSG(",\"unsigned\":{\"redacted_because\":{}}",
	    "{}")).nmsg, 0);
	assert_int_equal(timeline(MSG(",\"unsigned\":{\"redacted_because\":"
	    "{}}", "{\"msgtype\":\"m.text\",\"body\":\"!roles\"}")).nmsg, 0);
	/* state events in the timeline are not questions */
	assert_int_equal(timeline("{\"type\":\"m.room.member\",\"state_key\":"
	    "\"@alice:hs\",\"event_id\":\"$m\",\"sender\":\"@alice:hs\","
	    "\"content\":{\"membership\":\"join\"}}").nmsg, 0);
}

static void
test_03_wrong_types_and_missing_fields(void **st)
{
	(void)st;
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.text\","
	    "\"body\":42}")).nmsg, 0);
	assert_int_equal(timeline(MSG("", "\"a string\"")).nmsg, 0);
	assert_int_equal(timeline("{\"type\":\"m.room.message\",\"sender\":"
	    "\"@a:hs\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"x\"}}")
	    .nmsg, 0);
	assert_int_equal(timeline("1, null, \"x\", [], {}").nmsg, 0);
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.text\","
	    "\"body\":\"!roles\",\"m.relates_to\":7,\"m.mentions\":"
	    "{\"user_ids\":\"" SELF "\"}}")).nmsg, 1);
}

static void
test_04_thread_and_mentions(void **st)
{
	struct seen s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"!skills devops\",\"m.relates_to\":{\"rel_type\":\"m.thread\","
	    "\"event_id\":\"$root\"},\"m.mentions\":{\"user_ids\":"
	    "[\"@x:hs\",\"" SELF "\"]}}"));

	(void)st;
	assert_int_equal(s.nmsg, 1);
	assert_string_equal(s.thread, "$root");
	assert_int_equal(s.mentions, 1);
}

static void
test_05_reply_fallback_stripped(void **st)
{
	char b1[] = "> <@bob:hs> what?\n> more\n\n!salary sre";
	char b2[] = "> only a quote";
	char b3[] = ">not a fallback";
	struct seen s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"> <@bob:hs> hi\\n\\n!roles\",\"m.relates_to\":{"
	    "\"m.in_reply_to\":{\"event_id\":\"$o\"}}}"));

	(void)st;
	assert_string_equal(s.body, "!roles");
	mx_strip_fallback(b1);
	assert_string_equal(b1, "!salary sre");
	mx_strip_fallback(b2);
	assert_string_equal(b2, "");
	mx_strip_fallback(b3);
	assert_string_equal(b3, ">not a fallback");
	/* a body that is only a quote says nothing */
	assert_int_equal(timeline(MSG("", "{\"msgtype\":\"m.text\","
	    "\"body\":\"> <@b:hs> x\"}")).nmsg, 0);
}

static void
test_06_invites(void **st)
{
	const char *j = "{\"next_batch\":\"n\",\"rooms\":{\"invite\":{\"!i:hs\":"
	    "{\"invite_state\":{\"events\":[{\"type\":\"m.room.create\","
	    "\"state_key\":\"\",\"sender\":\"@a:hs\",\"content\":{}},"
	    "{\"type\":\"m.room.member\",\"state_key\":\"" SELF "\","
	    "\"sender\":\"@alice:hs\",\"content\":{\"membership\":\"invite\","
	    "\"is_direct\":true}}]}},\"!j:hs\":{\"invite_state\":{\"events\":"
	    "[{\"type\":\"m.room.member\",\"state_key\":\"@other:hs\","
	    "\"sender\":\"@alice:hs\",\"content\":{\"membership\":"
	    "\"invite\"}}]}}}}}";
	struct seen s;
	char err[64], *next;

	(void)st;
	memset(&s, 0, sizeof(s));
	next = mxsync_parse(j, strlen(j), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	assert_non_null(next);
	free(next);
	assert_int_equal(s.ninv, 1);	/* not the one for someone else */
	assert_string_equal(s.room, "!i:hs");
	assert_string_equal(s.sender, "@alice:hs");
	assert_int_equal(s.direct, 1);
}

#define LEAVE_FMT "{\"next_batch\":\"n\",\"rooms\":{\"leave\":{\"!l:hs\":" \
	"{\"timeline\":{\"events\":[{\"type\":\"m.room.member\"," \
	"\"state_key\":\"" SELF "\",\"sender\":\"%s\",\"content\":" \
	"{\"membership\":\"%s\"}}]}}}}}"

static void
test_07_kick_ban_and_own_leave(void **st)
{
	char j[512], err[64], *next;
	struct seen s;

	(void)st;
	memset(&s, 0, sizeof(s));
	snprintf(j, sizeof(j), LEAVE_FMT, "@mod:hs", "leave");
	next = mxsync_parse(j, strlen(j), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	free(next);
	assert_int_equal(s.nrem, 1);
	assert_string_equal(s.membership, "leave");
	assert_string_equal(s.sender, "@mod:hs");
	snprintf(j, sizeof(j), LEAVE_FMT, "@mod:hs", "ban");
	next = mxsync_parse(j, strlen(j), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	free(next);
	assert_int_equal(s.nrem, 2);
	assert_string_equal(s.membership, "ban");
	snprintf(j, sizeof(j), LEAVE_FMT, SELF, "leave");	/* we left ourselves */
	next = mxsync_parse(j, strlen(j), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	free(next);
	assert_int_equal(s.nrem, 2);
}

static void
test_08_encryption(void **st)
{
	struct seen s = timeline("{\"type\":\"m.room.encrypted\",\"event_id\":"
	    "\"$x\",\"sender\":\"@alice:hs\",\"content\":{\"algorithm\":"
	    "\"m.megolm.v1.aes-sha2\",\"ciphertext\":\"AA\"}}");

	(void)st;
	assert_int_equal(s.nenc, 1);
	assert_int_equal(s.nmsg, 0);
	/* the room's encryption state alone is not a reason to say
	 * anything: behind pantalaimon its messages come in readable */
	s = timeline("{\"type\":\"m.room.encryption\",\"state_key\":\"\","
	    "\"event_id\":\"$y\",\"sender\":\"@alice:hs\",\"content\":{}},"
	    MSG("", "{\"msgtype\":\"m.text\",\"body\":\"hi\"}"));
	assert_int_equal(s.nenc, 0);
	assert_int_equal(s.nmsg, 1);
	/* sent before we joined: history, not someone asking us */
	s = timeline("{\"type\":\"m.room.encrypted\",\"event_id\":"
	    "\"$h\",\"sender\":\"@alice:hs\",\"content\":{}},"
	    "{\"type\":\"m.room.member\",\"state_key\":\"" SELF "\","
	    "\"event_id\":\"$j\",\"sender\":\"" SELF "\",\"content\":"
	    "{\"membership\":\"join\"}},"
	    "{\"type\":\"m.room.encrypted\",\"event_id\":"
	    "\"$n\",\"sender\":\"@alice:hs\",\"content\":{}}");
	assert_int_equal(s.nenc, 1);
	/* our own encrypted event (another of our devices) is no news */
	s = timeline("{\"type\":\"m.room.encrypted\",\"event_id\":"
	    "\"$z\",\"sender\":\"" SELF "\",\"content\":{}}");
	assert_int_equal(s.nenc, 0);
}

static void
test_09_not_a_sync(void **st)
{
	const char *bad[] = { "", "not json", "[]", "{}",
	    "{\"next_batch\":5}", "{\"next_batch\":\"\"}",
	    "{\"next_batch\":\"a\"", NULL };
	char err[64], deep[3000];
	struct seen s;
	int i;

	(void)st;
	for (i = 0; bad[i]; i++) {
		err[0] = '\0';
		assert_null(mxsync_parse(bad[i], strlen(bad[i]), SELF, &cb, &s,
		    NULL, err, sizeof(err)));
		assert_true(strncmp(err, "sync: ", 6) == 0);
	}
	/* nesting past cJSON's limit: refused, not a stack overflow */
	for (i = 0; i < 1400; i++)
		deep[i] = '[';
	deep[i] = '\0';
	assert_null(mxsync_parse(deep, strlen(deep), SELF, &cb, &s, NULL, err,
	    sizeof(err)));
	/* rooms of the wrong type are skipped, the token still counts */
	{
		const char *j = "{\"next_batch\":\"t\",\"rooms\":{\"join\":[1],"
		    "\"invite\":\"x\",\"leave\":{\"!a\":7}}}";
		char *next = mxsync_parse(j, strlen(j), SELF, &cb, &s, NULL, err,
		    sizeof(err));

		assert_non_null(next);
		free(next);
	}
}

static void
test_10_long_body_cut(void **st)
{
	static char ev[MX_BODY_MAX * 2 + 256];
	char *p;
	struct seen s;

	(void)st;
	p = ev + sprintf(ev, "{\"type\":\"m.room.message\",\"event_id\":\"$l\","
	    "\"sender\":\"@a:hs\",\"content\":{\"msgtype\":\"m.text\","
	    "\"body\":\"!salary ");
	memset(p, 'x', MX_BODY_MAX * 2 - 200);
	p += MX_BODY_MAX * 2 - 200;
	strcpy(p, "\"}}");
	s = timeline(ev);
	assert_int_equal(s.nmsg, 1);
	assert_int_equal(strlen(s.body), sizeof(s.body) - 1);
}

static void
test_11_txn_id_from_event(void **st)
{
	char a[33], b[33], c[33];

	(void)st;
	matrix_txn_id("$abc:hs", a);
	matrix_txn_id("$abc:hs", b);
	matrix_txn_id("$abd:hs", c);
	assert_string_equal(a, b);		/* a replay: the same id */
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
}

static void
test_12_power_levels(void **st)
{
	struct seen s = timeline("{\"type\":\"m.room.power_levels\","
	    "\"state_key\":\"\",\"event_id\":\"$p\",\"sender\":\"@a:hs\","
	    "\"content\":{\"users\":{\"@alice:hs\":100,\"@mod:hs\":50},"
	    "\"users_default\":0}}");

	(void)st;
	assert_int_equal(s.npl, 1);
	assert_int_equal(mx_power_level(s.pl, "@alice:hs"), 100);
	assert_int_equal(mx_power_level(s.pl, "@mod:hs"), 50);
	assert_int_equal(mx_power_level(s.pl, "@bob:hs"), 0);
	assert_int_equal(mx_power_level("{\"users_default\":50}", "@x:hs"),
	    50);
	assert_int_equal(mx_power_level("{\"users\":{\"@x:hs\":\"100\"}}",
	    "@x:hs"), 0);	/* a string is not a level */
	assert_int_equal(mx_power_level("not json", "@x:hs"), 0);
	assert_int_equal(mx_power_level(NULL, "@x:hs"), 0);
	/* a power_levels event with a state key is not the room's */
	s = timeline("{\"type\":\"m.room.power_levels\",\"state_key\":"
	    "\"x\",\"event_id\":\"$p\",\"sender\":\"@a:hs\",\"content\":{}}");
	assert_int_equal(s.npl, 0);
	/* version 12: the creators; version 11: none (they are in users) */
	s = timeline("{\"type\":\"m.room.create\",\"state_key\":\"\","
	    "\"event_id\":\"$c\",\"sender\":\"@alice:hs\",\"content\":"
	    "{\"room_version\":\"12\",\"additional_creators\":"
	    "[\"@carol:hs\",5]}}");
	assert_string_equal(s.creators, "@alice:hs,@carol:hs");
	s = timeline("{\"type\":\"m.room.create\",\"state_key\":\"\","
	    "\"event_id\":\"$c\",\"sender\":\"@alice:hs\",\"content\":"
	    "{\"room_version\":\"11\"}}");
	assert_string_equal(s.creators, "");
}

static void
test_13_deep_nesting_does_not_hide_the_batch(void **st)
{
	static char json[20000];
	struct buf out = {0};
	struct seen s;
	char err[64], *next, *p;
	int i;

	(void)st;
	/* one event nested 3000 deep, then a real question */
	p = json + sprintf(json, "{\"next_batch\":\"s9\",\"rooms\":{\"join\":"
	    "{\"!r:hs\":{\"timeline\":{\"events\":[{\"type\":"
	    "\"m.room.message\",\"event_id\":\"$deep\",\"sender\":\"@a:hs\","
	    "\"content\":{\"msgtype\":\"m.text\",\"body\":\"x]}\\\"[{\","
	    "\"evil\":");
	for (i = 0; i < 3000; i++)
		*p++ = '[';
	for (i = 0; i < 3000; i++)
		*p++ = ']';
	strcpy(p, "}},{\"type\":\"m.room.message\",\"event_id\":\"$q\","
	    "\"sender\":\"@a:hs\",\"content\":{\"msgtype\":\"m.text\","
	    "\"body\":\"!salary sre\"}}]}}}}}");
	memset(&s, 0, sizeof(s));
	next = mxsync_parse(json, strlen(json), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	assert_non_null(next);
	assert_string_equal(next, "s9");
	free(next);
	assert_int_equal(s.nmsg, 2);		/* both events still seen */
	assert_string_equal(s.body, "!salary sre");
	/* flatten itself: depth kept to the limit, strings untouched */
	{
		const char *j1 = "{\"a\":[[1],\"[[\"],\"b\":{}}";

		assert_int_equal(mx_json_flatten(j1, strlen(j1), 1, &out), 0);
	}
	assert_string_equal(buf_str(&out), "{\"a\":null,\"b\":null}");
	buf_reset(&out);
	{
		const char *j2 = "[\"\\\"[\", [[2]]]";

		assert_int_equal(mx_json_flatten(j2, strlen(j2), 2, &out), 0);
	}
	assert_string_equal(buf_str(&out), "[\"\\\"[\", [null]]");
	buf_reset(&out);
	assert_int_equal(mx_json_flatten("[[[", 3, 1, &out), -1);
	buf_free(&out);
}

/* cJSON's allocations, counted through its hooks */
static size_t cjson_mallocs;

static void *
count_malloc(size_t n)
{
	cjson_mallocs++;
	return malloc(n);
}

static void
test_14_too_many_values_refused_unparsed(void **st)
{
	cJSON_Hooks hooks = { count_malloc, free };
	struct buf j = {0};
	struct seen s;
	char err[128], *next;
	int i, big;

	(void)st;
	/* a valid sync of tiny values, well under the body limit (about
	 * 2 MB): parsed, it would be a million cJSON nodes */
	buf_puts(&j, "{\"next_batch\":\"t\",\"rooms\":{\"join\":{\"!r:hs\":"
	    "{\"timeline\":{\"events\":[0");
	for (i = 0; i < MX_SYNC_VALUES_MAX; i++)
		buf_puts(&j, ",0");
	buf_puts(&j, "]}}}}}");
	assert_true(j.len < 4 * 1024 * 1024);
	memset(&s, 0, sizeof(s));
	cjson_mallocs = 0;
	cJSON_InitHooks(&hooks);
	big = 0;
	next = mxsync_parse(j.s, j.len, SELF, &cb, &s, &big, err,
	    sizeof(err));
	cJSON_InitHooks(NULL);
	assert_null(next);
	assert_int_equal(big, 1);
	assert_true(strncmp(err, "sync: answer too big", 20) == 0);
	assert_int_equal(cjson_mallocs, 0);	/* refused before parsing */
	assert_int_equal(s.nmsg + s.ninv + s.nrem + s.nenc, 0);

	/* the count: commas and brackets inside strings are not values */
	assert_int_equal(mx_json_values("[1,2,3]", 7), 4);
	/* 3 values; a bound: an empty container counts one more */
	assert_int_equal(mx_json_values("{\"a\":[],\"b\":{}}", 15), 5);
	assert_int_equal(mx_json_values("[\"a,[{b\\\",\"]", 12), 2);
	assert_int_equal(mx_json_values("\"[,,,", 5), 1);  /* unclosed */

	/* a small sync: not too big, *too_big cleared */
	buf_reset(&j);
	buf_puts(&j, "{\"next_batch\":\"t2\"}");
	big = 1;
	next = mxsync_parse(j.s, j.len, SELF, &cb, &s, &big, err,
	    sizeof(err));
	assert_non_null(next);
	assert_int_equal(big, 0);
	free(next);
	buf_free(&j);
}

static void
test_15_filter_has_event_fields(void **st)
{
	/* every field mxsync.c reads, as the spec writes it (a dot inside
	 * a key escaped with a backslash) */
	static const char *want[] = { "type", "sender", "event_id",
	    "state_key", "unsigned.redacted_because", "content.body",
	    "content.msgtype", "content.m\\.relates_to",
	    "content.m\\.mentions", "content.m\\.new_content",
	    "redacts", "content.redacts", "content.membership", "content.reason", "content.is_direct",
	    "content.users", "content.users_default",
	    "content.room_version", "content.additional_creators",
	    /* what pantalaimon needs to decrypt the answer for us */
	    "origin_server_ts", "content.algorithm", "content.ciphertext",
	    "content.sender_key", "content.session_id", "content.device_id",
	    NULL };
	struct buf b = {0};
	cJSON *f;
	const cJSON *ef, *v, *tl;
	int i, found, limit;

	(void)st;
	for (limit = 1; limit <= MX_TIMELINE_LIMIT; limit += 49) {
		buf_reset(&b);
		mxsync_filter(&b, limit);
		f = cJSON_Parse(buf_str(&b));
		assert_non_null(f);
		ef = cJSON_GetObjectItemCaseSensitive(f, "event_fields");
		assert_true(cJSON_IsArray(ef));
		for (i = 0; want[i]; i++) {
			found = 0;
			cJSON_ArrayForEach(v, ef)
				if (cJSON_IsString(v) &&
				    strcmp(v->valuestring, want[i]) == 0)
					found = 1;
			if (!found)
				fail_msg("event_fields lacks %s", want[i]);
		}
		tl = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(f, "room"), "timeline");
		v = cJSON_GetObjectItemCaseSensitive(tl, "limit");
		assert_true(cJSON_IsNumber(v));
		assert_int_equal(v->valueint, limit);
		cJSON_Delete(f);
	}
	buf_free(&b);
}

/* ---- end-to-end encryption: what an account that decrypts gets ---- */

struct e2 {
	char	 order[256];	/* "k" key counts, "l" lists, "t" to-device,
				 * "e" encrypted event, "m" message */
	long	 otk;
	int	 fb, nchanged, nleft;
	char	 body[64], room[64];
};

static void
e2_counts(long otk, int fb, void *ctx)
{
	struct e2 *e = ctx;

	strcat(e->order, "k");
	e->otk = otk;
	e->fb = fb;
}

static void
e2_lists(const cJSON *changed, const cJSON *left, void *ctx)
{
	struct e2 *e = ctx;

	strcat(e->order, "l");
	e->nchanged = changed ? cJSON_GetArraySize(changed) : -1;
	e->nleft = left ? cJSON_GetArraySize(left) : -1;
}

static void
e2_td(const cJSON *ev, void *ctx)
{
	struct e2 *e = ctx;

	(void)ev;
	strcat(e->order, "t");
}

static void
e2_enc(const char *room, const cJSON *ev, void *ctx)
{
	struct e2 *e = ctx;

	strcat(e->order, "e");
	snprintf(e->room, sizeof(e->room), "%s", room);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(ev,
	    "event_id")->valuestring, "$c1");
}

static void
e2_msg(const struct mx_msg *m, void *ctx)
{
	struct e2 *e = ctx;

	strcat(e->order, "m");
	snprintf(e->body, sizeof(e->body), "%s", m->body);
}

static const struct mxsync_cb e2cb = {
	.message = e2_msg, .encrypted = on_enc, .encrypted_event = e2_enc,
	.to_device = e2_td, .key_counts = e2_counts, .device_lists = e2_lists,
};

static void
test_16_e2ee_parts_before_rooms(void **st)
{
	static const char j[] = "{\"next_batch\":\"s9\",\"rooms\":{\"join\":"
	    "{\"!r:hs\":{\"timeline\":{\"events\":[{\"type\":"
	    "\"m.room.encrypted\",\"event_id\":\"$c1\",\"sender\":"
	    "\"@alice:hs\",\"content\":{\"algorithm\":\"m.megolm.v1."
	    "aes-sha2\"}},{\"type\":\"m.room.encrypted\",\"event_id\":"
	    "\"$own\",\"sender\":\"" SELF "\",\"content\":{}}]}}}},"
	    "\"to_device\":{\"events\":[{\"type\":\"m.room.encrypted\"},7,"
	    "{\"type\":\"m.dummy\"}]},\"device_lists\":{\"changed\":"
	    "[\"@alice:hs\",\"@bob:hs\"],\"left\":[]},"
	    "\"device_one_time_keys_count\":{\"signed_curve25519\":12},"
	    "\"device_unused_fallback_key_types\":[]}";
	struct e2 e;
	char err[128], *next;
	cJSON *clear;

	(void)st;
	memset(&e, 0, sizeof(e));
	next = mxsync_parse(j, strlen(j), SELF, &e2cb, &e, NULL, err,
	    sizeof(err));
	assert_non_null(next);
	free(next);
	/* keys first, then every to-device event (not the 7), then the
	 * room: the encrypted event whole, not the notice, ours skipped */
	assert_string_equal(e.order, "kltte");
	assert_int_equal(e.otk, 12);
	assert_int_equal(e.fb, 0);
	assert_int_equal(e.nchanged, 2);
	assert_int_equal(e.nleft, 0);
	assert_string_equal(e.room, "!r:hs");
	/* the counts object without the key: none left */
	memset(&e, 0, sizeof(e));
	next = mxsync_parse("{\"next_batch\":\"a\",\"device_one_time_keys_"
	    "count\":{},\"device_unused_fallback_key_types\":"
	    "[\"signed_curve25519\"]}", 107, SELF, &e2cb, &e, NULL, err,
	    sizeof(err));
	free(next);
	assert_string_equal(e.order, "k");
	assert_int_equal(e.otk, 0);
	assert_int_equal(e.fb, 1);
	/* a decrypted event goes through the same rules as a clear one */
	memset(&e, 0, sizeof(e));
	clear = cJSON_Parse("{\"type\":\"m.room.message\",\"event_id\":"
	    "\"$c1\",\"sender\":\"@alice:hs\",\"content\":{\"msgtype\":"
	    "\"m.text\",\"body\":\"> quoted\\n\\nsalary sre?\"}}");
	mxsync_event("!r:hs", clear, SELF, &e2cb, &e);
	assert_string_equal(e.order, "m");
	assert_string_equal(e.body, "salary sre?");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItemCaseSensitive(clear,
	    "content"), "msgtype", cJSON_CreateString("m.notice"));
	mxsync_event("!r:hs", clear, SELF, &e2cb, &e);
	cJSON_ReplaceItemInObject(clear, "type",
	    cJSON_CreateString("m.room.encrypted"));
	mxsync_event("!r:hs", clear, SELF, &e2cb, &e);
	assert_string_equal(e.order, "m");	/* neither again */
	cJSON_Delete(clear);
}

/* Parses a sync whose one joined room "!r:hs" has summary. */
static struct seen
summary(const char *sum)
{
	struct seen s;
	char json[512], err[128], *next;

	memset(&s, 0, sizeof(s));
	snprintf(json, sizeof(json), "{\"next_batch\":\"s2\",\"rooms\":"
	    "{\"join\":{\"!r:hs\":{\"summary\":%s}}}}", sum);
	next = mxsync_parse(json, strlen(json), SELF, &cb, &s, NULL, err,
	    sizeof(err));
	assert_non_null(next);
	free(next);
	return s;
}

/* The room summary's counts (a DM that became a group), each -1 when
 * left out or not a count; no summary, no call. */
static void
test_17_room_summary_counts(void **st)
{
	struct seen s;

	(void)st;
	s = summary("{\"m.joined_member_count\":3,"
	    "\"m.invited_member_count\":1,\"m.heroes\":[\"@a:hs\"]}");
	assert_int_equal(s.nmembers, 1);
	assert_string_equal(s.room, "!r:hs");
	assert_int_equal(s.joined, 3);
	assert_int_equal(s.invited, 1);
	s = summary("{\"m.joined_member_count\":2}");
	assert_int_equal(s.nmembers, 1);
	assert_int_equal(s.joined, 2);
	assert_int_equal(s.invited, -1);
	s = summary("{\"m.joined_member_count\":\"3\","
	    "\"m.invited_member_count\":-4}");
	assert_int_equal(s.nmembers, 0);
	s = summary("{}");
	assert_int_equal(s.nmembers, 0);
	s = summary("[]");
	assert_int_equal(s.nmembers, 0);
}

/* An edit is read as its new content (its mentions too) and says what
 * it replaces; an edit into a notice or an emote is silent; a reply says
 * what it replies to. */
static void
test_18_edits_and_replies(void **st)
{
	struct seen s;

	(void)st;
	s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"* techpay: salary sre\",\"m.new_content\":{\"msgtype\":"
	    "\"m.text\",\"body\":\"techpay: salary sre\",\"m.mentions\":"
	    "{\"user_ids\":[\"" SELF "\"]}},\"m.relates_to\":{\"rel_type\":"
	    "\"m.replace\",\"event_id\":\"$orig\"}}"));
	assert_int_equal(s.nmsg, 1);
	assert_string_equal(s.body, "techpay: salary sre");
	assert_string_equal(s.replaces, "$orig");
	assert_string_equal(s.event, "$e1");
	assert_int_equal(s.mentions, 1);
	assert_string_equal(s.reply_to, "");
	s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":\"* x\","
	    "\"m.new_content\":{\"msgtype\":\"m.notice\",\"body\":\"x\"},"
	    "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":"
	    "\"$orig\"}}"));
	assert_int_equal(s.nmsg, 0);
	s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":\"* x\","
	    "\"m.new_content\":{\"msgtype\":\"m.text\",\"body\":7},"
	    "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":"
	    "\"$orig\"}}"));
	assert_int_equal(s.nmsg, 0);
	s = timeline(MSG("", "{\"msgtype\":\"m.text\",\"body\":"
	    "\"> <@techpay:hs> SRE: $1\\n\\nand devops?\",\"m.relates_to\":"
	    "{\"m.in_reply_to\":{\"event_id\":\"$ans\"}}}"));
	assert_int_equal(s.nmsg, 1);
	assert_string_equal(s.body, "and devops?");
	assert_string_equal(s.reply_to, "$ans");
	assert_string_equal(s.replaces, "");
}

/* A redaction, by either room version's shape; ours, or one naming
 * nothing, asks nothing. */
static void
test_19_redactions(void **st)
{
	struct seen s;

	(void)st;
	s = timeline("{\"type\":\"m.room.redaction\",\"event_id\":\"$r1\","
	    "\"sender\":\"@alice:hs\",\"redacts\":\"$q\",\"content\":{}}");
	assert_int_equal(s.nredact, 1);
	assert_string_equal(s.redacts, "$q");
	assert_string_equal(s.event, "$r1");
	assert_string_equal(s.sender, "@alice:hs");
	assert_int_equal(s.nmsg, 0);
	s = timeline("{\"type\":\"m.room.redaction\",\"event_id\":\"$r2\","
	    "\"sender\":\"@alice:hs\",\"content\":{\"redacts\":\"$q2\"}}");
	assert_int_equal(s.nredact, 1);
	assert_string_equal(s.redacts, "$q2");
	s = timeline("{\"type\":\"m.room.redaction\",\"event_id\":\"$r3\","
	    "\"sender\":\"" SELF "\",\"redacts\":\"$q\"}");
	assert_int_equal(s.nredact, 0);
	s = timeline("{\"type\":\"m.room.redaction\",\"event_id\":\"$r4\","
	    "\"sender\":\"@alice:hs\",\"content\":{\"redacts\":5}}");
	assert_int_equal(s.nredact, 0);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_plain_question),
		cmocka_unit_test(test_02_silent_events),
		cmocka_unit_test(test_03_wrong_types_and_missing_fields),
		cmocka_unit_test(test_04_thread_and_mentions),
		cmocka_unit_test(test_05_reply_fallback_stripped),
		cmocka_unit_test(test_06_invites),
		cmocka_unit_test(test_07_kick_ban_and_own_leave),
		cmocka_unit_test(test_08_encryption),
		cmocka_unit_test(test_09_not_a_sync),
		cmocka_unit_test(test_10_long_body_cut),
		cmocka_unit_test(test_11_txn_id_from_event),
		cmocka_unit_test(test_12_power_levels),
		cmocka_unit_test(test_13_deep_nesting_does_not_hide_the_batch),
		cmocka_unit_test(test_14_too_many_values_refused_unparsed),
		cmocka_unit_test(test_15_filter_has_event_fields),
		cmocka_unit_test(test_16_e2ee_parts_before_rooms),
		cmocka_unit_test(test_17_room_summary_counts),
		cmocka_unit_test(test_18_edits_and_replies),
		cmocka_unit_test(test_19_redactions),
	};

	return cmocka_run_group_tests_name("mxsync", t, NULL, NULL);
}
