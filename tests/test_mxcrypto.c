/*
 * test_mxcrypto.c -- the Olm machine (mx_crypto.h) against another
 * device played with vz.h: canonical JSON; the pickle key made once and
 * kept private; the account kept across reopens and refused under
 * another pickle key or device; signed device, one-time and fallback
 * keys that verify; a room key over Olm (a pre-key message, then the
 * same session again) and the room's Megolm events decrypted; an event
 * whose key comes late waits and is found again; the spec's checks
 * (recipient, sender, room id, replayed index) and malformed input
 * refused with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "log.h"
#include "mx_crypto.h"

#define BOT	"@techpay:example.org"
#define ALICE	"@alice:example.org"
#define ROOM	"!room:example.org"
#define BIG	65536

static char dir[64];
static char err[MXC_ERR_MAX];
static uint8_t KEY[VZ_PICKLE_KEY_LEN] = { 7, 7, 7, 7, 1, 2, 3 };

static int
setup(void **s)
{
	(void)s;
	snprintf(dir, sizeof(dir), "/tmp/techpay-mxc-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **s)
{
	char cmd[128];

	(void)s;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct state *
store(void)
{
	struct state *st = state_open(dir, err, sizeof(err));

	assert_non_null(st);
	return st;
}

static struct mxc *
bot_open(struct state *st, int *made)
{
	struct mxc *x = mxc_open(st, "matrix:t", BOT, "BOTDEV", KEY, made, err,
	    sizeof(err));

	if (x == NULL)
		fprintf(stderr, "%s\n", err);
	assert_non_null(x);
	return x;
}

/* ---- the other device: Alice, with vz.h directly ---- */

struct alice {
	struct vz_account	*acct;
	struct vz_session	*olm;
	struct vz_group		*group;
	char			 curve[VZ_KEY_SIZE], ed[VZ_KEY_SIZE];
};

static void
alice_new(struct alice *a)
{
	char e[VZ_ERR_MAX];

	memset(a, 0, sizeof(*a));
	a->acct = vz_account_new(e, sizeof(e));
	assert_non_null(a->acct);
	assert_int_equal(vz_account_curve25519(a->acct, a->curve,
	    sizeof(a->curve), NULL, e, sizeof(e)), 0);
	assert_int_equal(vz_account_ed25519(a->acct, a->ed, sizeof(a->ed),
	    NULL, e, sizeof(e)), 0);
	a->group = vz_group_new(e, sizeof(e));
	assert_non_null(a->group);
}

static void
alice_free(struct alice *a)
{
	vz_session_free(a->olm);
	vz_group_free(a->group);
	vz_account_free(a->acct);
}

/* The first one-time key of an upload body (as /keys/claim gives it). */
static char *
claim_key(const char *upload)
{
	cJSON *j = cJSON_Parse(upload), *otks, *k;
	char *key;

	assert_non_null(j);
	otks = cJSON_GetObjectItemCaseSensitive(j, "one_time_keys");
	assert_non_null(otks);
	k = otks->child;
	assert_non_null(k);
	key = strdup(cJSON_GetObjectItemCaseSensitive(k, "key")->valuestring);
	cJSON_Delete(j);
	return key;
}

/* A to-device m.room.encrypted event from Alice carrying plaintext. */
static cJSON *
alice_olm(struct alice *a, const char *bot_curve, const char *plain)
{
	char *ct = malloc(vz_olm_encrypt_size(strlen(plain))), e[VZ_ERR_MAX];
	cJSON *ev = cJSON_CreateObject(), *c, *cts, *mine;
	int type;

	assert_int_equal(vz_session_encrypt(a->olm, plain, strlen(plain), &type,
	    ct, vz_olm_encrypt_size(strlen(plain)), NULL, e, sizeof(e)), 0);
	cJSON_AddStringToObject(ev, "type", "m.room.encrypted");
	cJSON_AddStringToObject(ev, "sender", ALICE);
	c = cJSON_AddObjectToObject(ev, "content");
	cJSON_AddStringToObject(c, "algorithm", MXC_OLM);
	cJSON_AddStringToObject(c, "sender_key", a->curve);
	cts = cJSON_AddObjectToObject(c, "ciphertext");
	mine = cJSON_AddObjectToObject(cts, bot_curve);
	cJSON_AddNumberToObject(mine, "type", type);
	cJSON_AddStringToObject(mine, "body", ct);
	free(ct);
	return ev;
}

/* The Olm plaintext of an m.room_key for Alice's group session. */
static char *
room_key_plain(struct alice *a, const char *bot_ed, const char *sender,
    const char *recipient, const char *room)
{
	char key[1024], id[VZ_ID_SIZE], e[VZ_ERR_MAX], *s;
	cJSON *p = cJSON_CreateObject(), *c, *k;

	assert_int_equal(vz_group_key(a->group, key, sizeof(key), NULL, e,
	    sizeof(e)), 0);
	assert_int_equal(vz_group_id(a->group, id, sizeof(id), NULL, e,
	    sizeof(e)), 0);
	cJSON_AddStringToObject(p, "type", "m.room_key");
	cJSON_AddStringToObject(p, "sender", sender);
	cJSON_AddStringToObject(p, "recipient", recipient);
	k = cJSON_AddObjectToObject(p, "recipient_keys");
	cJSON_AddStringToObject(k, "ed25519", bot_ed);
	k = cJSON_AddObjectToObject(p, "keys");
	cJSON_AddStringToObject(k, "ed25519", a->ed);
	c = cJSON_AddObjectToObject(p, "content");
	cJSON_AddStringToObject(c, "algorithm", MXC_MEGOLM);
	cJSON_AddStringToObject(c, "room_id", room);
	cJSON_AddStringToObject(c, "session_id", id);
	cJSON_AddStringToObject(c, "session_key", key);
	s = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	return s;
}

/* A timeline m.room.encrypted event of Alice's, saying body. */
static cJSON *
alice_megolm(struct alice *a, const char *event_id, const char *sender,
    const char *room, const char *body)
{
	cJSON *p = cJSON_CreateObject(), *c, *ev;
	char *plain, *ct, id[VZ_ID_SIZE], e[VZ_ERR_MAX];
	size_t n;

	cJSON_AddStringToObject(p, "type", "m.room.message");
	cJSON_AddStringToObject(p, "room_id", room);
	c = cJSON_AddObjectToObject(p, "content");
	cJSON_AddStringToObject(c, "msgtype", "m.text");
	cJSON_AddStringToObject(c, "body", body);
	plain = cJSON_PrintUnformatted(p);
	cJSON_Delete(p);
	n = vz_megolm_encrypt_size(strlen(plain));
	ct = malloc(n);
	assert_int_equal(vz_group_encrypt(a->group, plain, strlen(plain), ct, n,
	    NULL, e, sizeof(e)), 0);
	assert_int_equal(vz_group_id(a->group, id, sizeof(id), NULL, e,
	    sizeof(e)), 0);
	ev = cJSON_CreateObject();
	cJSON_AddStringToObject(ev, "type", "m.room.encrypted");
	cJSON_AddStringToObject(ev, "event_id", event_id);
	cJSON_AddStringToObject(ev, "sender", sender);
	cJSON_AddNumberToObject(ev, "origin_server_ts", 1700000000000.0);
	c = cJSON_AddObjectToObject(ev, "content");
	cJSON_AddStringToObject(c, "algorithm", MXC_MEGOLM);
	cJSON_AddStringToObject(c, "ciphertext", ct);
	cJSON_AddStringToObject(c, "session_id", id);
	cJSON_AddStringToObject(c, "sender_key", a->curve);
	cJSON_AddStringToObject(c, "device_id", "ALICEDEV");
	free(plain);
	free(ct);
	return ev;
}

/* Opens Alice's Olm session to the bot with one of its one-time keys. */
static void
alice_connect(struct alice *a, struct mxc *x)
{
	struct buf b = {0};
	char *otk, e[VZ_ERR_MAX];

	assert_int_equal(mxc_key_counts(x, 0, 0), 1);
	assert_int_equal(mxc_upload_body(x, &b), 1);
	otk = claim_key(buf_str(&b));
	assert_int_equal(mxc_uploaded(x, "{}", err, sizeof(err)), 0);
	a->olm = vz_account_outbound_session(a->acct, mxc_curve25519(x), otk,
	    e, sizeof(e));
	assert_non_null(a->olm);
	free(otk);
	buf_free(&b);
}

/* Alice shares her room key with the bot: mxc_to_device's answer. */
static int
share(struct alice *a, struct mxc *x, const char *sender,
    const char *recipient, const char *room, struct mxc_room_key *rk)
{
	char *plain = room_key_plain(a, mxc_ed25519(x), sender, recipient,
	    room);
	cJSON *ev = alice_olm(a, mxc_curve25519(x), plain);
	int rc = mxc_to_device(x, ev, rk, err, sizeof(err));

	free(plain);
	cJSON_Delete(ev);
	return rc;
}

static const char *
body_of(const cJSON *clear)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(clear, "content");

	return cJSON_GetObjectItemCaseSensitive(c, "body")->valuestring;
}

/* ---- the tests ---- */

static void
test_01_canonical_json(void **s)
{
	cJSON *j = cJSON_Parse("{\"b\":\"2\",\"a\":{\"z\":[1,true,null],"
	    "\"\\u00e9\":\"\\u65e5\\n\",\"Z\":-7},\"aa\":false}");
	struct buf b = {0};

	(void)s;
	assert_int_equal(mxc_canonical(j, &b), 0);
	/* sorted by code point (Z before z, ASCII before é), no spaces,
	 * UTF-8 kept, only the shorthand escapes */
	assert_string_equal(buf_str(&b), "{\"a\":{\"Z\":-7,\"z\":[1,true,"
	    "null],\"\xc3\xa9\":\"\xe6\x97\xa5\\n\"},\"aa\":false,\"b\":\"2\"}");
	cJSON_Delete(j);
	buf_reset(&b);
	j = cJSON_Parse("{\"x\":1.5}");
	assert_int_equal(mxc_canonical(j, &b), -1);	/* no floats */
	cJSON_Delete(j);
	buf_reset(&b);
	j = cJSON_Parse("{\"x\":\"\\u0001\"}");
	assert_int_equal(mxc_canonical(j, &b), 0);
	assert_string_equal(buf_str(&b), "{\"x\":\"\\u0001\"}");
	cJSON_Delete(j);
	buf_free(&b);
}

static void
test_02_pickle_key_made_once_private(void **s)
{
	uint8_t k1[VZ_PICKLE_KEY_LEN], k2[VZ_PICKLE_KEY_LEN];
	char path[128];
	struct stat sb;
	FILE *f;

	(void)s;
	assert_int_equal(mxc_pickle_key(NULL, dir, k1, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, MXC_KEY_FILE);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(mxc_pickle_key(NULL, dir, k2, err, sizeof(err)), 0);
	assert_memory_equal(k1, k2, sizeof(k1));
	/* an operator's file: its own key; too short or readable by
	 * others is refused with what to do */
	snprintf(path, sizeof(path), "%s/op.key", dir);
	f = fopen(path, "w");
	fputs("0123456789abcdef0123456789abcdef0123\n", f);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(mxc_pickle_key(path, dir, k2, err, sizeof(err)), 0);
	assert_memory_not_equal(k1, k2, sizeof(k1));
	chmod(path, 0644);
	assert_int_equal(mxc_pickle_key(path, dir, k2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "chmod 600"));
	f = fopen(path, "w");
	fputs("short\n", f);
	fclose(f);
	chmod(path, 0600);
	assert_int_equal(mxc_pickle_key(path, dir, k2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "openssl rand"));
	assert_int_equal(mxc_pickle_key("/nonexistent/k", dir, k2, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "pickle_key_file"));
}

static void
test_03_account_kept_and_guarded(void **s)
{
	struct state *st = store();
	struct mxc *x;
	char curve[VZ_KEY_SIZE], ed[VZ_KEY_SIZE];
	uint8_t other[VZ_PICKLE_KEY_LEN] = { 9 };
	int made;

	(void)s;
	x = bot_open(st, &made);
	assert_int_equal(made, 1);
	strcpy(curve, mxc_curve25519(x));
	strcpy(ed, mxc_ed25519(x));
	assert_int_equal((int)strlen(curve), 43);
	mxc_free(x);
	x = bot_open(st, &made);
	assert_int_equal(made, 0);
	assert_string_equal(mxc_curve25519(x), curve);
	assert_string_equal(mxc_ed25519(x), ed);
	assert_string_equal(mxc_device_id(x), "BOTDEV");
	mxc_free(x);
	/* another pickle key: stops, says what to do, makes nothing */
	assert_null(mxc_open(st, "matrix:t", BOT, "BOTDEV", other, &made, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "pickle_key_file"));
	assert_null(strchr(err, '\n'));
	/* another device's login: stops too */
	assert_null(mxc_open(st, "matrix:t", BOT, "NEWDEV", KEY, &made, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "device BOTDEV"));
	/* a damaged row likewise */
	state_crypto_put(st, "matrix:t", "account", "pickle", "garbage!");
	assert_null(mxc_open(st, "matrix:t", BOT, "BOTDEV", KEY, &made, err,
	    sizeof(err)));
	assert_non_null(strstr(err, "cannot be read"));
	/* another account's scope is its own */
	x = mxc_open(st, "matrix:u", BOT, "OTHER", KEY, &made, err,
	    sizeof(err));
	assert_non_null(x);
	assert_int_equal(made, 1);
	mxc_free(x);
	state_free(st);
}

/* Every signature of obj by ed25519:dev verifies over its canonical
 * JSON without signatures and unsigned. */
static void
assert_signed(const cJSON *obj, const char *ed)
{
	cJSON *copy = cJSON_Duplicate(obj, 1);
	const cJSON *sigs = cJSON_GetObjectItemCaseSensitive(obj, "signatures");
	const cJSON *mine = cJSON_GetObjectItemCaseSensitive(sigs, BOT);
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(mine,
	    "ed25519:BOTDEV");
	struct buf b = {0};
	char e[VZ_ERR_MAX];

	assert_true(cJSON_IsString(sig));
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	assert_int_equal(mxc_canonical(copy, &b), 0);
	assert_int_equal(vz_ed25519_verify(ed, buf_str(&b), b.len,
	    sig->valuestring, e, sizeof(e)), 0);
	/* and not over anything else */
	assert_int_equal(vz_ed25519_verify(ed, buf_str(&b), b.len - 1,
	    sig->valuestring, e, sizeof(e)), -1);
	buf_free(&b);
	cJSON_Delete(copy);
}

static void
test_04_upload_signed_keys(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct buf b = {0};
	cJSON *j, *d, *k;
	int n = 0;

	(void)s;
	/* first start: the device keys are due before any count */
	assert_int_equal(mxc_key_counts(x, -1, -1), 1);
	assert_int_equal(mxc_upload_body(x, &b), 1);
	j = cJSON_Parse(buf_str(&b));
	d = cJSON_GetObjectItemCaseSensitive(j, "device_keys");
	assert_non_null(d);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(d,
	    "device_id")->valuestring, "BOTDEV");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(d, "keys"),
	    "curve25519:BOTDEV")->valuestring, mxc_curve25519(x));
	assert_signed(d, mxc_ed25519(x));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "one_time_keys"));
	cJSON_Delete(j);
	assert_int_equal(mxc_uploaded(x, "{}", err, sizeof(err)), 0);
	buf_reset(&b);
	assert_int_equal(mxc_upload_body(x, &b), 0);
	/* the server has none: half the maximum, signed, and a fallback */
	assert_int_equal(mxc_key_counts(x, 0, 0), 1);
	assert_int_equal(mxc_upload_body(x, &b), 1);
	j = cJSON_Parse(buf_str(&b));
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "device_keys"));
	cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(j,
	    "one_time_keys")) {
		assert_non_null(strstr(k->string, "signed_curve25519:"));
		assert_signed(k, mxc_ed25519(x));
		n++;
	}
	assert_int_equal(n, 25);	/* vodozemac's maximum is 50 */
	k = cJSON_GetObjectItemCaseSensitive(j, "fallback_keys")->child;
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(k,
	    "fallback")));
	assert_signed(k, mxc_ed25519(x));
	cJSON_Delete(j);
	/* the same keys again if the answer never came (a crash) */
	mxc_free(x);
	x = bot_open(st, NULL);
	buf_reset(&b);
	assert_int_equal(mxc_upload_body(x, &b), 1);
	j = cJSON_Parse(buf_str(&b));
	n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j,
	    "one_time_keys"));
	assert_int_equal(n, 25);
	cJSON_Delete(j);
	assert_int_equal(mxc_uploaded(x, "{}", err, sizeof(err)), 0);
	/* published and counted: nothing is due */
	assert_int_equal(mxc_key_counts(x, 25, 1), 0);
	buf_reset(&b);
	assert_int_equal(mxc_upload_body(x, &b), 0);
	/* five used: five more */
	assert_int_equal(mxc_key_counts(x, 20, 1), 1);
	assert_int_equal(mxc_upload_body(x, &b), 1);
	j = cJSON_Parse(buf_str(&b));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j,
	    "one_time_keys")), 5);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "fallback_keys"));
	cJSON_Delete(j);
	buf_free(&b);
	mxc_free(x);
	state_free(st);
}

static void
test_05_room_key_then_messages(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct mxc_room_key rk;
	struct alice a;
	cJSON *ev, *clear;
	char sid[VZ_ID_SIZE], e[VZ_ERR_MAX];

	(void)s;
	alice_new(&a);
	alice_connect(&a, x);
	assert_int_equal(share(&a, x, ALICE, BOT, ROOM, &rk), 1);
	assert_string_equal(rk.room_id, ROOM);
	vz_group_id(a.group, sid, sizeof(sid), NULL, e, sizeof(e));
	assert_string_equal(rk.session_id, sid);
	ev = alice_megolm(&a, "$e1", ALICE, ROOM, "what pays most?");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_OK);
	assert_string_equal(body_of(clear), "what pays most?");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(clear,
	    "type")->valuestring, "m.room.message");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(clear,
	    "event_id")->valuestring, "$e1");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(clear,
	    "sender")->valuestring, ALICE);
	cJSON_Delete(clear);
	/* the same event again (a replayed sync, a restart) decrypts */
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_OK);
	cJSON_Delete(clear);
	/* the same ciphertext under another id is a replay */
	cJSON_ReplaceItemInObject(ev, "event_id", cJSON_CreateString("$e9"));
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_BAD);
	assert_non_null(strstr(err, "replays message 0"));
	assert_null(clear);
	cJSON_Delete(ev);
	/* the store keeps it all: a restart reads the next one */
	mxc_free(x);
	x = bot_open(st, NULL);
	ev = alice_megolm(&a, "$e2", ALICE, ROOM, "and in Berlin?");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_OK);
	assert_string_equal(body_of(clear), "and in Berlin?");
	cJSON_Delete(clear);
	cJSON_Delete(ev);
	/* a second room key over the same (still pre-key) Olm session */
	vz_group_free(a.group);
	a.group = vz_group_new(e, sizeof(e));
	assert_int_equal(share(&a, x, ALICE, BOT, ROOM, &rk), 1);
	ev = alice_megolm(&a, "$e3", ALICE, ROOM, "third");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_OK);
	cJSON_Delete(clear);
	cJSON_Delete(ev);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

static int
count_row(const char *id, const char *value, long long at, void *ctx)
{
	(void)id;
	(void)value;
	(void)at;
	(*(int *)ctx)++;
	return 0;
}

static void
test_06_one_olm_session_per_sender(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct mxc_room_key rk;
	struct alice a;
	char e[VZ_ERR_MAX];
	int n = 0;

	(void)s;
	alice_new(&a);
	alice_connect(&a, x);
	assert_int_equal(share(&a, x, ALICE, BOT, ROOM, &rk), 1);
	vz_group_free(a.group);
	a.group = vz_group_new(e, sizeof(e));
	assert_int_equal(share(&a, x, ALICE, BOT, "!other:example.org", &rk),
	    1);
	assert_string_equal(rk.room_id, "!other:example.org");
	state_crypto_each(st, "matrix:t", "olm", NULL, count_row, &n);
	assert_int_equal(n, 1);	/* the pre-key message matched it */
	/* the same room key again: known, nothing new */
	assert_int_equal(share(&a, x, ALICE, BOT, "!other:example.org", &rk),
	    0);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

static int nseen;
static char seen_id[64];

static void
on_wait(const char *room, const cJSON *ev, void *ctx)
{
	(void)ctx;
	assert_string_equal(room, ROOM);
	snprintf(seen_id, sizeof(seen_id), "%s",
	    cJSON_GetObjectItemCaseSensitive(ev, "event_id")->valuestring);
	nseen++;
}

static void
test_07_late_key_waits(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct mxc_room_key rk;
	struct alice a;
	cJSON *ev, *clear;

	(void)s;
	alice_new(&a);
	alice_connect(&a, x);
	ev = alice_megolm(&a, "$late", ALICE, ROOM, "salary of an SRE?");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_NO_KEY);
	assert_int_equal(mxc_wait(x, ROOM, ev, err, sizeof(err)), 0);
	assert_int_equal(mxc_wait(x, ROOM, ev, err, sizeof(err)), 0);
	cJSON_Delete(ev);
	/* kept across a restart */
	mxc_free(x);
	x = bot_open(st, NULL);
	assert_int_equal(share(&a, x, ALICE, BOT, ROOM, &rk), 1);
	nseen = 0;
	assert_int_equal(mxc_waiting(x, "!elsewhere:x", rk.session_id, on_wait,
	    NULL), 0);
	assert_int_equal(mxc_waiting(x, rk.room_id, rk.session_id, on_wait,
	    NULL), 1);
	assert_int_equal(nseen, 1);
	assert_string_equal(seen_id, "$late");
	mxc_unwait(x, "$late");
	assert_int_equal(mxc_waiting(x, NULL, NULL, on_wait, NULL), 0);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

static void
test_08_waiting_is_bounded(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct alice a;
	cJSON *ev;
	char id[32], *big;
	int i;

	(void)s;
	alice_new(&a);
	for (i = 0; i < MXC_PENDING_MAX + 5; i++) {
		snprintf(id, sizeof(id), "$w%03d", i);
		ev = alice_megolm(&a, id, ALICE, ROOM, "q");
		assert_int_equal(mxc_wait(x, ROOM, ev, err, sizeof(err)), 0);
		cJSON_Delete(ev);
	}
	nseen = 0;
	assert_int_equal(mxc_waiting(x, NULL, NULL, on_wait, NULL),
	    MXC_PENDING_MAX);
	/* one too big to keep is refused */
	big = malloc(MXC_EVENT_MAX + 1);
	memset(big, 'a', MXC_EVENT_MAX);
	big[MXC_EVENT_MAX] = '\0';
	ev = alice_megolm(&a, "$big", ALICE, ROOM, big);
	assert_int_equal(mxc_wait(x, ROOM, ev, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too big"));
	cJSON_Delete(ev);
	free(big);
	/* and time ends the wait */
	assert_int_equal(mxc_expire(x, time(NULL)), 0);
	assert_int_equal(mxc_expire(x, time(NULL) + MXC_PENDING_TTL_S + 1),
	    MXC_PENDING_MAX);
	assert_int_equal(mxc_waiting(x, NULL, NULL, on_wait, NULL), 0);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

static void
test_09_spec_checks(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	struct mxc_room_key rk;
	struct alice a;
	cJSON *ev, *clear;

	(void)s;
	alice_new(&a);
	alice_connect(&a, x);
	/* an Olm message meant for someone else */
	assert_int_equal(share(&a, x, ALICE, "@bob:example.org", ROOM, &rk),
	    -1);
	assert_non_null(strstr(err, "another recipient"));
	/* one claiming another sender than the event's */
	assert_int_equal(share(&a, x, "@mallory:example.org", BOT, ROOM, &rk),
	    -1);
	assert_non_null(strstr(err, "sender"));
	assert_int_equal(share(&a, x, ALICE, BOT, ROOM, &rk), 1);
	/* Megolm: another room's plaintext put in this room */
	ev = alice_megolm(&a, "$x1", ALICE, "!other:example.org", "q");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_BAD);
	assert_non_null(strstr(err, "another room"));
	cJSON_Delete(ev);
	/* a key of this room's, used by another sender */
	ev = alice_megolm(&a, "$x2", "@mallory:example.org", ROOM, "q");
	assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err)),
	    MXC_BAD);
	assert_non_null(strstr(err, "room key of " ALICE));
	cJSON_Delete(ev);
	/* a key of this room, looked up for another: not known there */
	ev = alice_megolm(&a, "$x3", ALICE, ROOM, "q");
	assert_int_equal(mxc_decrypt(x, "!other:example.org", ev, &clear, err,
	    sizeof(err)), MXC_NO_KEY);
	cJSON_Delete(ev);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

/* Parses text as an event and hands it to mxc_to_device. */
static int
to_device(struct mxc *x, const char *text)
{
	cJSON *ev = cJSON_Parse(text);
	struct mxc_room_key rk;
	int rc;

	assert_non_null(ev);
	err[0] = '\0';
	rc = mxc_to_device(x, ev, &rk, err, sizeof(err));
	cJSON_Delete(ev);
	return rc;
}

static void
test_10_malformed_dropped_with_a_message(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	char text[1024];
	cJSON *ev, *clear;
	static const char *const megolm[] = {
		"{\"event_id\":\"$m\",\"sender\":\"@a:b\"}",
		"{\"event_id\":\"$m\",\"sender\":\"@a:b\",\"content\":"
		    "{\"algorithm\":\"m.olm.v1.curve25519-aes-sha2\"}}",
		"{\"event_id\":\"$m\",\"sender\":\"@a:b\",\"content\":"
		    "{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}",
		"{\"event_id\":\"$m\",\"sender\":\"@a:b\",\"content\":"
		    "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"session_id\":"
		    "7,\"ciphertext\":\"x\"}}",
		NULL
	};
	int i;

	(void)s;
	assert_int_equal(to_device(x, "{\"type\":\"m.room.encrypted\"}"), -1);
	assert_non_null(strstr(err, "without type"));
	/* another type needs nothing */
	assert_int_equal(to_device(x, "{\"type\":\"m.key.verification."
	    "request\",\"sender\":\"@a:b\",\"content\":{}}"), 0);
	assert_int_equal(to_device(x, "{\"type\":\"m.room.encrypted\","
	    "\"sender\":\"@a:b\",\"content\":{\"algorithm\":\"m.megolm.v1."
	    "aes-sha2\"}}"), -1);
	assert_non_null(strstr(err, "algorithm"));
	assert_int_equal(to_device(x, "{\"type\":\"m.room.encrypted\","
	    "\"sender\":\"@a:b\",\"content\":{\"algorithm\":\"" MXC_OLM
	    "\",\"sender_key\":\"k\",\"ciphertext\":{\"other\":{}}}}"), -1);
	assert_non_null(strstr(err, "not encrypted for this device"));
	snprintf(text, sizeof(text), "{\"type\":\"m.room.encrypted\","
	    "\"sender\":\"@a:b\",\"content\":{\"algorithm\":\"" MXC_OLM
	    "\",\"sender_key\":\"k\",\"ciphertext\":{\"%s\":{\"type\":7,"
	    "\"body\":\"x\"}}}}", mxc_curve25519(x));
	assert_int_equal(to_device(x, text), -1);
	assert_non_null(strstr(err, "type 0 or 1"));
	/* bad base64, truncated: no session from it */
	snprintf(text, sizeof(text), "{\"type\":\"m.room.encrypted\","
	    "\"sender\":\"@a:b\",\"content\":{\"algorithm\":\"" MXC_OLM
	    "\",\"sender_key\":\"%s\",\"ciphertext\":{\"%s\":{\"type\":0,"
	    "\"body\":\"!!!not base64\"}}}}", mxc_curve25519(x),
	    mxc_curve25519(x));
	assert_int_equal(to_device(x, text), -1);
	assert_non_null(strstr(err, "no Olm session"));
	snprintf(text, sizeof(text), "{\"type\":\"m.room.encrypted\","
	    "\"sender\":\"@a:b\",\"content\":{\"algorithm\":\"" MXC_OLM
	    "\",\"sender_key\":\"%s\",\"ciphertext\":{\"%s\":{\"type\":1,"
	    "\"body\":\"AwogAAAA\"}}}}", mxc_curve25519(x), mxc_curve25519(x));
	assert_int_equal(to_device(x, text), -1);
	assert_non_null(strstr(err, "decrypts it"));
	for (i = 0; megolm[i]; i++) {
		ev = cJSON_Parse(megolm[i]);
		err[0] = '\0';
		assert_int_equal(mxc_decrypt(x, ROOM, ev, &clear, err,
		    sizeof(err)), MXC_BAD);
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
		assert_null(clear);
		cJSON_Delete(ev);
	}
	mxc_free(x);
	state_free(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_01_canonical_json),
		cmocka_unit_test_setup_teardown(
		    test_02_pickle_key_made_once_private, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_03_account_kept_and_guarded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_04_upload_signed_keys,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_05_room_key_then_messages,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_06_one_olm_session_per_sender, setup, teardown),
		cmocka_unit_test_setup_teardown(test_07_late_key_waits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_08_waiting_is_bounded,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_09_spec_checks, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_10_malformed_dropped_with_a_message, setup, teardown),
	};

	log_set_level(LOG_ERROR);	/* the drops' warnings are expected */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
