/*
 * test_mxcrypto.c -- the Olm machine (mx_crypto.h) against another
 * device played with vz.h: canonical JSON; the pickle key made once and
 * kept private; the account kept across reopens and refused under
 * another pickle key or device; signed device, one-time and fallback
 * keys that verify; a room key over Olm (a pre-key message, then the
 * same session again) and the room's Megolm events decrypted; an event
 * whose key comes late waits and is found again; the spec's checks
 * (recipient, sender, room id, replayed index) and malformed input
 * refused with a message; the cross-signing keys (RFC 8032 signing,
 * made once, kept under the pickle key, their upload and signature
 * bodies verifying, what the server holds read right) and secret
 * storage's encoding (recovery keys, aes-hmac-sha2) against vectors
 * computed independently (Python's cryptography).
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
#include <openssl/evp.h>

#include "json.h"
#include "log.h"
#include "mx_crypto.h"
#include "mx_ssss.h"

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

/* ---- writing ---- */

/* Alice's device keys as /keys/query lists them, signed by her. */
static cJSON *
alice_device(struct alice *a, const char *user, const char *dev, int forge)
{
	cJSON *d = cJSON_CreateObject(), *k, *sg;
	struct buf b = {0};
	char name[64], sig[VZ_SIG_SIZE], e[VZ_ERR_MAX];

	cJSON_AddStringToObject(d, "user_id", user);
	cJSON_AddStringToObject(d, "device_id", dev);
	k = cJSON_AddArrayToObject(d, "algorithms");
	cJSON_AddItemToArray(k, cJSON_CreateString(MXC_OLM));
	k = cJSON_AddObjectToObject(d, "keys");
	snprintf(name, sizeof(name), "curve25519:%s", dev);
	cJSON_AddStringToObject(k, name, a->curve);
	snprintf(name, sizeof(name), "ed25519:%s", dev);
	cJSON_AddStringToObject(k, name, a->ed);
	assert_int_equal(mxc_canonical(d, &b), 0);
	assert_int_equal(vz_account_sign(a->acct, buf_str(&b), b.len, sig,
	    sizeof(sig), NULL, e, sizeof(e)), 0);
	if (forge)
		sig[3] = sig[3] == 'A' ? 'B' : 'A';
	sg = cJSON_AddObjectToObject(cJSON_AddObjectToObject(d, "signatures"),
	    user);
	cJSON_AddStringToObject(sg, name, sig);
	/* unsigned is not signed: a server may add to it */
	cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "unsigned"),
	    "device_display_name", "Alice's phone");
	buf_free(&b);
	return d;
}

/* A /keys/query answer: the devices of the users given in pairs of
 * (user, device object). */
static char *
query_answer(int n, ...)
{
	cJSON *j = cJSON_CreateObject(), *dk = cJSON_AddObjectToObject(j,
	    "device_keys"), *u, *d;
	const char *user;
	va_list ap;
	char *s;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		user = va_arg(ap, const char *);
		d = va_arg(ap, cJSON *);
		if ((u = cJSON_GetObjectItemCaseSensitive(dk, user)) == NULL)
			u = cJSON_AddObjectToObject(dk, user);
		if (d)
			cJSON_AddItemToObject(u, cJSON_GetObjectItemCaseSensitive(
			    d, "device_id")->valuestring, d);
	}
	va_end(ap);
	cJSON_AddObjectToObject(j, "failures");
	s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	return s;
}

/* Alice's one-time key, signed by her, as /keys/claim answers. */
static char *
claim_answer(struct alice *a, const char *user, const char *dev, int forge)
{
	char otks[4096], sig[VZ_SIG_SIZE], e[VZ_ERR_MAX], name[64], *s;
	cJSON *j, *k, *o, *res;
	struct buf b = {0};

	assert_int_equal(vz_account_generate_one_time_keys(a->acct, 1, e,
	    sizeof(e)), 0);
	assert_int_equal(vz_account_one_time_keys(a->acct, otks, sizeof(otks),
	    NULL, e, sizeof(e)), 0);
	vz_account_mark_published(a->acct, e, sizeof(e));
	j = cJSON_Parse(otks);
	k = j->child;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "key", k->valuestring);
	assert_int_equal(mxc_canonical(o, &b), 0);
	assert_int_equal(vz_account_sign(a->acct, buf_str(&b), b.len, sig,
	    sizeof(sig), NULL, e, sizeof(e)), 0);
	if (forge)
		sig[3] = sig[3] == 'A' ? 'B' : 'A';
	snprintf(name, sizeof(name), "ed25519:%s", dev);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(
	    cJSON_AddObjectToObject(o, "signatures"), user), name, sig);
	snprintf(name, sizeof(name), "signed_curve25519:%s", k->string);
	res = cJSON_CreateObject();
	cJSON_AddItemToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(
	    cJSON_AddObjectToObject(res, "one_time_keys"), user), dev), name,
	    o);
	s = cJSON_PrintUnformatted(res);
	cJSON_Delete(res);
	cJSON_Delete(j);
	buf_free(&b);
	return s;
}

static void
test_11_device_lists_verified(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	const char *users[] = { ALICE, "@bob:example.org" };
	struct alice a, b, m;
	struct buf q = {0};
	char *ans;
	int n = 0;

	(void)s;
	alice_new(&a);
	alice_new(&b);
	alice_new(&m);
	assert_int_equal(mxc_query_body(x, users, 2, &q), 1);
	assert_string_equal(buf_str(&q), "{\"device_keys\":{\"" ALICE
	    "\":[],\"@bob:example.org\":[]}}");
	/* Alice's phone, Bob's forged laptop, one listed under another id */
	ans = query_answer(4, ALICE, alice_device(&a, ALICE, "PHONE", 0),
	    "@bob:example.org", alice_device(&b, "@bob:example.org", "LAPTOP",
	    1), ALICE, alice_device(&m, ALICE, "TABLET", 0),
	    "@bob:example.org", alice_device(&m, ALICE, "SPY", 0));
	assert_int_equal(mxc_query_result(x, ans, err, sizeof(err)), 2);
	free(ans);
	state_crypto_each(st, "matrix:t", "device", NULL, count_row, &n);
	assert_int_equal(n, 2);	/* PHONE and TABLET */
	buf_reset(&q);
	assert_int_equal(mxc_query_body(x, users, 2, &q), 0);
	/* the tablet's key changes (another device claims its id), and the
	 * phone is removed */
	mxc_devices_changed(x, ALICE);
	mxc_devices_changed(x, "@carol:example.org");	/* not tracked */
	assert_int_equal(mxc_query_body(x, users, 2, &q), 1);
	assert_string_equal(buf_str(&q), "{\"device_keys\":{\"" ALICE
	    "\":[]}}");
	ans = query_answer(1, ALICE, alice_device(&b, ALICE, "TABLET", 0));
	assert_int_equal(mxc_query_result(x, ans, err, sizeof(err)), 0);
	free(ans);
	n = 0;
	state_crypto_each(st, "matrix:t", "device", NULL, count_row, &n);
	assert_int_equal(n, 1);
	ans = state_crypto_get(st, "matrix:t", "device", ALICE "|TABLET");
	assert_non_null(strstr(ans, m.ed));	/* the first key stays */
	free(ans);
	assert_int_equal(mxc_query_result(x, "[1", err, sizeof(err)), -1);
	buf_free(&q);
	alice_free(&a);
	alice_free(&b);
	alice_free(&m);
	mxc_free(x);
	state_free(st);
}

/* The bot knows Alice's device (queried) and has an Olm session to it
 * (claimed). */
static void
bot_knows(struct mxc *x, struct alice *a, const char *user,
    const char *dev)
{
	struct buf q = {0};
	char *ans;

	ans = query_answer(1, user, alice_device(a, user, dev, 0));
	assert_true(mxc_query_result(x, ans, err, sizeof(err)) >= 1);
	free(ans);
	if (mxc_claim_body(x, &user, 1, &q) == 1) {
		ans = claim_answer(a, user, dev, 0);
		assert_int_equal(mxc_claim_result(x, ans, err, sizeof(err)), 1);
		free(ans);
	}
	buf_free(&q);
}

static void
test_12_claimed_keys_verified(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	const char *users[] = { ALICE };
	struct buf q = {0};
	struct alice a;
	char *ans;

	(void)s;
	alice_new(&a);
	ans = query_answer(1, ALICE, alice_device(&a, ALICE, "PHONE", 0));
	mxc_query_result(x, ans, err, sizeof(err));
	free(ans);
	assert_int_equal(mxc_claim_body(x, users, 1, &q), 1);
	assert_string_equal(buf_str(&q), "{\"one_time_keys\":{\"" ALICE "\":"
	    "{\"PHONE\":\"signed_curve25519\"}},\"timeout\":10000}");
	ans = claim_answer(&a, ALICE, "PHONE", 1);	/* forged */
	assert_int_equal(mxc_claim_result(x, ans, err, sizeof(err)), 0);
	free(ans);
	buf_reset(&q);
	assert_int_equal(mxc_claim_body(x, users, 1, &q), 1);
	ans = claim_answer(&a, ALICE, "PHONE", 0);
	assert_int_equal(mxc_claim_result(x, ans, err, sizeof(err)), 1);
	free(ans);
	buf_reset(&q);
	assert_int_equal(mxc_claim_body(x, users, 1, &q), 0);
	buf_free(&q);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

/* Alice's device reads a /sendToDevice body: the m.room_key for her,
 * as an inbound Megolm session (NULL when the body has none for her). */
static struct vz_inbound *
alice_receive(struct alice *a, const char *body, const char *user,
    const char *dev, const char *room)
{
	cJSON *j = cJSON_Parse(body), *c, *m, *p;
	char plain[BIG], e[VZ_ERR_MAX];
	struct vz_inbound *in;
	size_t n;
	int type;

	c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "messages"), user), dev);
	if (c == NULL) {
		cJSON_Delete(j);
		return NULL;
	}
	m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    c, "ciphertext"), a->curve);
	assert_non_null(m);
	type = cJSON_GetObjectItemCaseSensitive(m, "type")->valueint;
	if (type == VZ_OLM_PREKEY && (a->olm == NULL || vz_session_matches(
	    a->olm, cJSON_GetObjectItemCaseSensitive(m, "body")->valuestring,
	    e, sizeof(e)) != 1)) {
		vz_session_free(a->olm);
		a->olm = vz_account_inbound_session(a->acct,
		    cJSON_GetObjectItemCaseSensitive(c,
		    "sender_key")->valuestring,
		    cJSON_GetObjectItemCaseSensitive(m, "body")->valuestring,
		    plain, sizeof(plain), &n, e, sizeof(e));
		assert_non_null(a->olm);
	} else
		assert_int_equal(vz_session_decrypt(a->olm, type,
		    cJSON_GetObjectItemCaseSensitive(m, "body")->valuestring,
		    plain, sizeof(plain), &n, e, sizeof(e)), 0);
	cJSON_Delete(j);
	j = cJSON_Parse(plain);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "type")->valuestring, "m.room_key");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "recipient")->valuestring, user);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "recipient_keys"),
	    "ed25519")->valuestring, a->ed);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "sender")->valuestring, BOT);
	p = cJSON_GetObjectItemCaseSensitive(j, "content");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(p,
	    "room_id")->valuestring, room);
	in = vz_inbound_new(cJSON_GetObjectItemCaseSensitive(p,
	    "session_key")->valuestring, e, sizeof(e));
	assert_non_null(in);
	cJSON_Delete(j);
	return in;
}

/* Alice reads an m.room.encrypted content of the bot's: its body. */
static char *
alice_read(struct vz_inbound *in, const char *content, const char *room)
{
	cJSON *c = cJSON_Parse(content), *j;
	char plain[BIG], e[VZ_ERR_MAX], *body;
	uint32_t ix;

	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c,
	    "algorithm")->valuestring, MXC_MEGOLM);
	if (vz_inbound_decrypt(in, cJSON_GetObjectItemCaseSensitive(c,
	    "ciphertext")->valuestring, plain, sizeof(plain), NULL, &ix, e,
	    sizeof(e)) == -1) {
		cJSON_Delete(c);
		return NULL;
	}
	cJSON_Delete(c);
	j = cJSON_Parse(plain);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j,
	    "room_id")->valuestring, room);
	body = strdup(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(j, "content"),
	    "body")->valuestring);
	cJSON_Delete(j);
	return body;
}

static void
answer(struct mxc *x, const char *text, struct buf *out)
{
	cJSON *c = cJSON_CreateObject(), *r;

	cJSON_AddStringToObject(c, "msgtype", "m.notice");
	cJSON_AddStringToObject(c, "body", text);
	r = cJSON_AddObjectToObject(cJSON_AddObjectToObject(c, "m.relates_to"),
	    "m.in_reply_to");
	cJSON_AddStringToObject(r, "event_id", "$q");
	buf_reset(out);
	assert_int_equal(mxc_encrypt(x, ROOM, "m.room.message", c, out, err,
	    sizeof(err)), 0);
	cJSON_Delete(c);
}

static void
test_13_share_then_encrypt(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	const char *users[] = { ALICE, "@bob:example.org" };
	struct buf b = {0}, m = {0};
	struct vz_inbound *ia, *ib;
	struct alice a, bob;
	char *body;
	cJSON *c;

	(void)s;
	alice_new(&a);
	alice_new(&bob);
	assert_int_equal(mxc_encrypt(x, ROOM, "m.room.message", NULL, &m, err,
	    sizeof(err)), -1);	/* nothing shared yet */
	bot_knows(x, &a, ALICE, "PHONE");
	bot_knows(x, &bob, "@bob:example.org", "LAPTOP");
	assert_int_equal(mxc_share_body(x, ROOM, users, 2, 100, MXC_ROTATE_MS,
	    1000, &b, err, sizeof(err)), 1);
	ia = alice_receive(&a, buf_str(&b), ALICE, "PHONE", ROOM);
	ib = alice_receive(&bob, buf_str(&b), "@bob:example.org", "LAPTOP",
	    ROOM);
	mxc_shared(x, ROOM);
	buf_reset(&b);
	assert_int_equal(mxc_share_body(x, ROOM, users, 2, 100, MXC_ROTATE_MS,
	    2000, &b, err, sizeof(err)), 0);	/* all have it */
	answer(x, "Staff engineers earn most.", &m);
	/* the relation in clear, the body not */
	assert_non_null(strstr(buf_str(&m), "\"m.relates_to\":{\"m.in_reply_to"
	    "\":{\"event_id\":\"$q\"}}"));
	assert_null(strstr(buf_str(&m), "Staff"));
	body = alice_read(ia, buf_str(&m), ROOM);
	assert_string_equal(body, "Staff engineers earn most.");
	free(body);
	body = alice_read(ib, buf_str(&m), ROOM);
	assert_string_equal(body, "Staff engineers earn most.");
	free(body);
	c = cJSON_Parse(buf_str(&m));
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(c,
	    "sender_key")->valuestring, mxc_curve25519(x));
	cJSON_Delete(c);
	vz_inbound_free(ia);
	vz_inbound_free(ib);
	/* Bob leaves: a new session, which only Alice gets */
	buf_reset(&b);
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 100, MXC_ROTATE_MS,
	    3000, &b, err, sizeof(err)), 1);
	assert_null(alice_receive(&bob, buf_str(&b), "@bob:example.org",
	    "LAPTOP", ROOM));
	ia = alice_receive(&a, buf_str(&b), ALICE, "PHONE", ROOM);
	/* a send that failed (no mxc_shared): the key goes again */
	buf_reset(&b);
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 100, MXC_ROTATE_MS,
	    3000, &b, err, sizeof(err)), 1);
	vz_inbound_free(alice_receive(&a, buf_str(&b), ALICE, "PHONE", ROOM));
	mxc_shared(x, ROOM);
	answer(x, "Second answer.", &m);
	body = alice_read(ia, buf_str(&m), ROOM);
	assert_string_equal(body, "Second answer.");
	free(body);
	vz_inbound_free(ia);
	buf_free(&b);
	buf_free(&m);
	alice_free(&a);
	alice_free(&bob);
	mxc_free(x);
	state_free(st);
}

static void
test_14_rotation(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	const char *users[] = { ALICE };
	struct buf b = {0}, m = {0};
	struct vz_inbound *ia;
	struct alice a;
	char *body;
	int i;

	(void)s;
	alice_new(&a);
	bot_knows(x, &a, ALICE, "PHONE");
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 3, 60000, 0, &b,
	    err, sizeof(err)), 1);
	ia = alice_receive(&a, buf_str(&b), ALICE, "PHONE", ROOM);
	mxc_shared(x, ROOM);
	for (i = 0; i < 3; i++) {
		buf_reset(&b);
		assert_int_equal(mxc_share_body(x, ROOM, users, 1, 3, 60000,
		    1000, &b, err, sizeof(err)), 0);
		answer(x, "a", &m);
	}
	/* three sent: the fourth needs a new session */
	buf_reset(&b);
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 3, 60000, 1000, &b,
	    err, sizeof(err)), 1);
	mxc_shared(x, ROOM);
	answer(x, "fourth", &m);
	assert_null(alice_read(ia, buf_str(&m), ROOM));	/* not the old one */
	vz_inbound_free(ia);
	ia = alice_receive(&a, buf_str(&b), ALICE, "PHONE", ROOM);
	body = alice_read(ia, buf_str(&m), ROOM);
	assert_string_equal(body, "fourth");
	free(body);
	vz_inbound_free(ia);
	/* a minute later: new again; and the sessions survive a restart */
	mxc_free(x);
	x = bot_open(st, NULL);
	buf_reset(&b);
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 3, 60000, 30000, &b,
	    err, sizeof(err)), 0);
	assert_int_equal(mxc_share_body(x, ROOM, users, 1, 3, 60000, 61000, &b,
	    err, sizeof(err)), 1);
	buf_free(&b);
	buf_free(&m);
	alice_free(&a);
	mxc_free(x);
	state_free(st);
}

/* ---- cross-signing and secret storage ---- */

static void
hex_to(const char *h, uint8_t *out, size_t n)
{
	size_t i;
	unsigned v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

/* RFC 8032, 7.1, TEST 3 (two bytes), through vz.h as C calls it. */
static void
test_15_signing_rfc8032(void **s)
{
	uint8_t seed[32], msg[2] = { 0xaf, 0x82 }, sig[64], pub[32];
	char b64[64], out[VZ_SIG_SIZE], e[VZ_ERR_MAX];
	struct vz_signing *k;

	(void)s;
	hex_to("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b"
	    "4458f7", seed, 32);
	hex_to("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548"
	    "908025", pub, 32);
	hex_to("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db"
	    "5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027be"
	    "ceea1ec40a", sig, 64);
	/* unpadded base64 of the seed, as vz_signing_seed gives it */
	EVP_EncodeBlock((unsigned char *)b64, seed, 32);
	b64[43] = '\0';
	k = vz_signing_from_seed(b64, e, sizeof(e));
	assert_non_null(k);
	assert_int_equal(vz_signing_seed(k, out, sizeof(out), NULL, e,
	    sizeof(e)), 0);
	assert_string_equal(out, b64);
	assert_int_equal(vz_signing_sign(k, msg, sizeof(msg), out,
	    sizeof(out), NULL, e, sizeof(e)), 0);
	{
		/* the signature decoded equals the RFC's */
		uint8_t got[66];
		char padded[VZ_SIG_SIZE + 4];
		int n;

		snprintf(padded, sizeof(padded), "%s==", out);
		n = EVP_DecodeBlock(got, (unsigned char *)padded,
		    (int)strlen(padded));
		assert_int_equal(n - 2, 64);
		assert_memory_equal(got, sig, 64);
	}
	assert_int_equal(vz_signing_public(k, out, sizeof(out), NULL, e,
	    sizeof(e)), 0);
	{
		uint8_t got[66];
		char padded[VZ_SIG_SIZE + 4];

		snprintf(padded, sizeof(padded), "%s=", out);
		assert_int_equal(EVP_DecodeBlock(got, (unsigned char *)padded,
		    (int)strlen(padded)) - 1, 32);
		assert_memory_equal(got, pub, 32);
	}
	/* bad seeds */
	assert_null(vz_signing_from_seed("AAAA", e, sizeof(e)));
	assert_non_null(strstr(e, "not 32"));
	assert_null(vz_signing_from_seed(NULL, e, sizeof(e)));
	vz_signing_free(k);
	vz_signing_free(NULL);
}

static void
test_16_recovery_key(void **s)
{
	uint8_t key[32], back[32];
	char rk[SSSS_RECOVERY_SIZE], e[SSSS_ERR_MAX];
	size_t i;

	(void)s;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	assert_int_equal(ssss_recovery_encode(key, rk, sizeof(rk)), 0);
	/* computed with Python (big integers, the spec's recipe) */
	assert_string_equal(rk, "EsSz ykH7 LCZx 7Cae cmKD wcmY JRXi Ybtu "
	    "8iQ3 t8Ez nRwK pUY1");
	assert_int_equal(ssss_recovery_encode(key, rk, 59), -1);
	assert_int_equal(ssss_recovery_decode("EsSzykH7LCZx7CaecmKDwcmYJRXi"
	    "Ybtu8iQ3 t8Ez\tnRwK pUY1", back, e, sizeof(e)), 0);
	assert_memory_equal(back, key, 32);
	/* one character off: the parity (or prefix) says so */
	assert_int_equal(ssss_recovery_decode("EsSz ykH7 LCZx 7Cae cmKD wcmY "
	    "JRXi Ybtu 8iQ3 t8Ez nRwK pUY2", back, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "parity"));
	assert_int_equal(ssss_recovery_decode("EsSz ykH7 LCZx 7Cae cmKD wcmY "
	    "JRXi Ybtu 8iQ3 t8Ez nRwK pUY", back, e, sizeof(e)), -1);
	assert_int_equal(ssss_recovery_decode("EsSz ykH7 LCZx 0Cae", back, e,
	    sizeof(e)), -1);
	assert_non_null(strstr(e, "not base58"));
	assert_int_equal(ssss_recovery_decode("", back, e, sizeof(e)), -1);
	/* many random keys: each comes back, each 59 characters */
	for (i = 0; i < 200; i++) {
		size_t j;

		for (j = 0; j < 32; j++)
			key[j] = (uint8_t)(rand() & 0xff);
		if (i == 0)
			memset(key, 0, 32);
		if (i == 1)
			memset(key, 0xff, 32);
		assert_int_equal(ssss_recovery_encode(key, rk, sizeof(rk)), 0);
		assert_int_equal(strlen(rk), 59);
		assert_int_equal(ssss_recovery_decode(rk, back, e, sizeof(e)),
		    0);
		assert_memory_equal(back, key, 32);
	}
}

static void
test_17_secret_storage_encoding(void **s)
{
	uint8_t key[32], iv[16], other[32] = { 1 };
	char e[SSSS_ERR_MAX];
	struct buf out = {0};
	cJSON *o, *d;
	size_t i;

	(void)s;
	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (i = 0; i < 16; i++)
		iv[i] = (uint8_t)(16 + i);
	/* computed with Python's cryptography (HKDF, AES-CTR, HMAC) */
	o = ssss_encrypt(key, "m.cross_signing.master", "a secret: techpay",
	    17, iv);
	assert_non_null(o);
	assert_string_equal(json_str(o, "iv"), "EBESExQVFhcYGRobHB0eHw==");
	assert_string_equal(json_str(o, "ciphertext"),
	    "PbEKcvepAJQrZJ7vOWdsaGU=");
	assert_string_equal(json_str(o, "mac"),
	    "1w2yETWtSrVfTzxzPU6reNnb5Ljn/QYoXQV8QxADw5o=");
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.master", o, &out,
	    e, sizeof(e)), 0);
	assert_int_equal(out.len, 17);
	assert_memory_equal(out.s, "a secret: techpay", 17);
	/* another key, another name: the MAC refuses */
	assert_int_equal(ssss_decrypt(other, "m.cross_signing.master", o,
	    &out, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "MAC"));
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.self_signing", o,
	    &out, e, sizeof(e)), -1);
	/* a changed byte of the ciphertext */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "ciphertext",
	    cJSON_CreateString("PbEKcvepAJQrZJ7vOWdsaGQ="));
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.master", o, &out,
	    e, sizeof(e)), -1);
	/* unpadded base64 is read too */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "ciphertext",
	    cJSON_CreateString("PbEKcvepAJQrZJ7vOWdsaGU"));
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.master", o, &out,
	    e, sizeof(e)), 0);
	/* malformed fields */
	cJSON_ReplaceItemInObjectCaseSensitive(o, "iv",
	    cJSON_CreateString("!!"));
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.master", o, &out,
	    e, sizeof(e)), -1);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "iv");
	assert_int_equal(ssss_decrypt(key, "m.cross_signing.master", o, &out,
	    e, sizeof(e)), -1);
	assert_non_null(strstr(e, "missing"));
	cJSON_Delete(o);
	/* bit 63 of the iv is cleared */
	iv[8] = 0xff;
	o = ssss_encrypt(key, "n", "x", 1, iv);
	assert_string_equal(json_str(o, "iv"), "EBESExQVFhd/GRobHB0eHw==");
	cJSON_Delete(o);
	/* a random iv: two encryptions differ, both decrypt */
	o = ssss_encrypt(key, "n", "x", 1, NULL);
	d = ssss_encrypt(key, "n", "x", 1, NULL);
	assert_string_not_equal(json_str(o, "iv"), json_str(d, "iv"));
	assert_int_equal(ssss_decrypt(key, "n", d, &out, e, sizeof(e)), 0);
	cJSON_Delete(o);
	cJSON_Delete(d);
	/* the key description: the MAC of 32 zero bytes under "" */
	iv[8] = 0x18;
	d = ssss_key_description(key, iv);
	assert_string_equal(json_str(d, "algorithm"), SSSS_ALG);
	assert_string_equal(json_str(d, "mac"),
	    "nrMWSgMXBpO1lS9nLEL08Saa+XuAn1pdQ0B7gSgsrQQ=");
	assert_int_equal(ssss_key_check(key, d, e, sizeof(e)), 0);
	assert_int_equal(ssss_key_check(other, d, e, sizeof(e)), -1);
	assert_non_null(strstr(e, "not the account's"));
	cJSON_Delete(d);
	buf_free(&out);
}

/* Verifies obj's signature by pub (key id ed25519:ID). */
static int
signed_by(const cJSON *obj, const char *id, const char *pub)
{
	const cJSON *sigs = json_obj(json_obj(obj, "signatures"), BOT);
	char name[128], e[VZ_ERR_MAX];
	struct buf b = {0};
	cJSON *copy = cJSON_Duplicate(obj, 1);
	int rc = -1;

	snprintf(name, sizeof(name), "ed25519:%s", id);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "signatures");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "unsigned");
	if (json_str(sigs, name) && mxc_canonical(copy, &b) == 0)
		rc = vz_ed25519_verify(pub, buf_str(&b), b.len,
		    json_str(sigs, name), e, sizeof(e));
	cJSON_Delete(copy);
	buf_free(&b);
	return rc;
}

static void
test_18_cross_signing_keys(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL), *y;
	struct mxc_xsign_seen seen;
	uint8_t other[VZ_PICKLE_KEY_LEN] = { 9 };
	char master[VZ_KEY_SIZE], self[VZ_KEY_SIZE], q[8192];
	struct buf b = {0}, sb = {0};
	const cJSON *dev, *mk;
	char *mks;
	cJSON *j;

	(void)s;
	/* none until made; made once, then the same after a reopen */
	assert_int_equal(mxc_xsign_keys(x, 0, err, sizeof(err)), 0);
	assert_null(mxc_xsign_public(x, MXC_XS_MASTER));
	assert_int_equal(mxc_xsign_upload_body(x, NULL, &b), -1);
	assert_int_equal(mxc_xsign_keys(x, 1, err, sizeof(err)), 1);
	snprintf(master, sizeof(master), "%s", mxc_xsign_public(x,
	    MXC_XS_MASTER));
	snprintf(self, sizeof(self), "%s", mxc_xsign_public(x, MXC_XS_SELF));
	assert_int_equal(strlen(master), 43);
	assert_string_not_equal(master, self);
	assert_string_not_equal(master, mxc_xsign_public(x, MXC_XS_USER));
	mxc_free(x);
	x = bot_open(st, NULL);
	assert_int_equal(mxc_xsign_keys(x, 0, err, sizeof(err)), 1);
	assert_string_equal(mxc_xsign_public(x, MXC_XS_MASTER), master);
	assert_string_equal(mxc_xsign_public(x, MXC_XS_SELF), self);
	/* no seed lies in the store in clear */
	{
		char seed[VZ_SEED_SIZE], *v;

		assert_int_equal(mxc_xsign_seed(x, MXC_XS_MASTER, seed,
		    sizeof(seed)), 0);
		v = state_crypto_get(st, "matrix:t", "xsign", "master");
		assert_non_null(v);
		assert_null(strstr(v, seed));
		free(v);
	}
	/* the upload body: three keys, two signed by the master key */
	assert_int_equal(mxc_xsign_upload_body(x, NULL, &b), 0);
	j = cJSON_Parse(buf_str(&b));
	assert_non_null(j);
	assert_null(json_obj(j, "auth"));
	assert_string_equal(json_str(json_obj(json_obj(j, "master_key"),
	    "keys"), ((void)snprintf(q, sizeof(q), "ed25519:%s", master), q)),
	    master);
	assert_int_equal(signed_by(json_obj(j, "self_signing_key"), master,
	    master), 0);
	assert_int_equal(signed_by(json_obj(j, "user_signing_key"), master,
	    master), 0);
	assert_int_not_equal(signed_by(json_obj(j, "self_signing_key"), self,
	    self), 0);
	cJSON_Delete(j);
	/* with auth, as given */
	buf_reset(&b);
	j = cJSON_Parse("{\"type\":\"m.login.password\",\"session\":\"S\"}");
	assert_int_equal(mxc_xsign_upload_body(x, j, &b), 0);
	cJSON_Delete(j);
	j = cJSON_Parse(buf_str(&b));
	assert_string_equal(json_str(json_obj(j, "auth"), "session"), "S");
	cJSON_Delete(j);
	/* the signatures: our device by the self-signing key, the master
	 * key by our device */
	assert_int_equal(mxc_xsign_signatures_body(x, &sb), 0);
	j = cJSON_Parse(buf_str(&sb));
	dev = json_obj(json_obj(j, BOT), "BOTDEV");
	mk = json_obj(json_obj(j, BOT), master);
	assert_non_null(dev);
	assert_non_null(mk);
	assert_int_equal(signed_by(dev, self, self), 0);
	assert_int_equal(signed_by(dev, "BOTDEV", mxc_ed25519(x)), 0);
	assert_int_equal(signed_by(mk, "BOTDEV", mxc_ed25519(x)), 0);
	/* what the server holds: ours, with the device signed */
	mks = cJSON_PrintUnformatted(mk);
	snprintf(q, sizeof(q), "{\"master_keys\":{\"%s\":%s},"
	    "\"self_signing_keys\":{\"%s\":", BOT, mks, BOT);
	free(mks);
	cJSON_Delete(j);
	j = cJSON_Parse(buf_str(&b));
	{
		char *ss = cJSON_PrintUnformatted(json_obj(j,
		    "self_signing_key"));
		char *dv;
		cJSON *sj = cJSON_Parse(buf_str(&sb));

		dv = cJSON_PrintUnformatted(json_obj(json_obj(sj, BOT),
		    "BOTDEV"));
		snprintf(q + strlen(q), sizeof(q) - strlen(q), "%s},"
		    "\"device_keys\":{\"%s\":{\"BOTDEV\":%s}}}", ss, BOT, dv);
		free(ss);
		free(dv);
		cJSON_Delete(sj);
	}
	cJSON_Delete(j);
	assert_int_equal(mxc_xsign_server(x, q, &seen, err, sizeof(err)), 0);
	assert_true(seen.has_master);
	assert_true(seen.ours);
	assert_true(seen.device_signed);
	assert_string_equal(seen.master, master);
	/* a device signature that does not verify does not count */
	{
		char *p = strstr(q, "\"device_keys\"");

		assert_non_null(p);
		p = strstr(p, "\"device_id\":\"BOTDEV\"");
		assert_non_null(p);
		p[15] = 'X';	/* BOTDEV -> BOXDEV in the signed content */
	}
	assert_int_equal(mxc_xsign_server(x, q, &seen, err, sizeof(err)), 0);
	assert_true(seen.ours);
	assert_false(seen.device_signed);
	/* another account's keys: not ours */
	y = mxc_open(st, "matrix:u", BOT, "BOTDEV2", KEY, NULL, err,
	    sizeof(err));
	assert_non_null(y);
	assert_int_equal(mxc_xsign_keys(y, 1, err, sizeof(err)), 1);
	assert_int_equal(mxc_xsign_server(y, q, &seen, err, sizeof(err)), 0);
	assert_true(seen.has_master);
	assert_false(seen.ours);
	assert_int_equal(mxc_xsign_server(y, "{}", &seen, err, sizeof(err)),
	    0);
	assert_false(seen.has_master);
	assert_int_equal(mxc_xsign_server(y, "not json", &seen, err,
	    sizeof(err)), -1);
	mxc_free(y);
	/* flags */
	assert_false(mxc_xsign_marked(x, "ssss", "1"));
	assert_int_equal(mxc_xsign_mark(x, "ssss", "1"), 0);
	assert_true(mxc_xsign_marked(x, "ssss", "1"));
	mxc_free(x);
	/* another pickle key: the keys cannot be read, and say so */
	x = mxc_open(st, "matrix:t", BOT, "BOTDEV", other, NULL, err,
	    sizeof(err));
	assert_null(x);	/* the account itself refuses first */
	buf_free(&b);
	buf_free(&sb);
	state_free(st);
}

static void
test_19_secret_storage_key_kept(void **s)
{
	struct state *st = store();
	struct mxc *x = bot_open(st, NULL);
	uint8_t k1[32], k2[32];
	char *v;

	(void)s;
	assert_int_equal(mxc_ssss_key(x, k1, err, sizeof(err)), 1);
	assert_int_equal(mxc_ssss_key(x, k2, err, sizeof(err)), 0);
	assert_memory_equal(k1, k2, 32);
	mxc_free(x);
	x = bot_open(st, NULL);
	assert_int_equal(mxc_ssss_key(x, k2, err, sizeof(err)), 0);
	assert_memory_equal(k1, k2, 32);
	/* a damaged row is an error, not a new key */
	v = state_crypto_get(st, "matrix:t", "xsign", "ssss_key");
	assert_non_null(v);
	free(v);
	assert_int_equal(state_crypto_put(st, "matrix:t", "xsign",
	    "ssss_key", "{\"iv\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"ciphertext\":"
	    "\"AA\",\"mac\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"),
	    0);
	assert_int_equal(mxc_ssss_key(x, k2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "pickle key"));
	/* and a damaged cross-signing key too */
	assert_int_equal(state_crypto_put(st, "matrix:t", "xsign", "master",
	    "not json"), 0);
	assert_int_equal(mxc_xsign_keys(x, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cross-signing key master"));
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
		cmocka_unit_test_setup_teardown(test_11_device_lists_verified,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_12_claimed_keys_verified,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_13_share_then_encrypt,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_14_rotation, setup,
		    teardown),
		cmocka_unit_test(test_15_signing_rfc8032),
		cmocka_unit_test(test_16_recovery_key),
		cmocka_unit_test(test_17_secret_storage_encoding),
		cmocka_unit_test_setup_teardown(test_18_cross_signing_keys,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_19_secret_storage_key_kept, setup, teardown),
	};

	log_set_level(LOG_ERROR);	/* the drops' warnings are expected */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
