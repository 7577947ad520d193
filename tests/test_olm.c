/*
 * test_olm.c -- the vodozemac C ABI (include/vz.h, bot/vz/): two
 * accounts open an Olm session with a pre-key message and talk both
 * ways; a Megolm session's messages are read in order, a replayed index
 * is seen by the caller and another session's message is refused;
 * every handle survives its pickle, and a wrong key or a damaged pickle
 * is an error; truncated, garbage, non-ASCII and huge input, NULLs and
 * small buffers are errors with a message, never a crash, and leave
 * the handle working.  Run under ASan+UBSan and valgrind too (every
 * handle is freed).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "vz.h"

#define BIG	65536	/* plaintext and ciphertext buffers of the tests */

static char err[VZ_ERR_MAX];
static const uint8_t KEY[VZ_PICKLE_KEY_LEN] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    "0123456789+/";

/* Another base64 character, differing in the top of its six bits: the
 * bits a last character may drop (vodozemac allows trailing bits) are
 * the low ones, so the decoded bytes always change. */
static char
flip(char c)
{
	const char *p = strchr(B64, c);

	assert_non_null(p);
	return B64[(p - B64) ^ 32];
}

/* Asserts the last call failed with a one-line message naming what. */
static void
failed_with(const char *what)
{
	assert_true(err[0] != '\0');
	assert_null(strchr(err, '\n'));
	assert_null(strchr(err, '\r'));
	if (what && strstr(err, what) == NULL) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, what);
		fail();
	}
	err[0] = '\0';
}

static void
curve(const struct vz_account *a, char out[VZ_KEY_SIZE])
{
	assert_int_equal(vz_account_curve25519(a, out, VZ_KEY_SIZE, NULL, err,
	    sizeof(err)), 0);
}

/* The value of the first (in id order) key of a key-list JSON. */
static void
first_key(const char *json, char out[VZ_KEY_SIZE])
{
	cJSON *j = cJSON_Parse(json);

	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	assert_non_null(j->child);
	assert_true(cJSON_IsString(j->child));
	assert_int_equal(strlen(j->child->valuestring), VZ_KEY_SIZE - 1);
	strcpy(out, j->child->valuestring);
	cJSON_Delete(j);
}

static int
json_count(const char *json)
{
	cJSON *j = cJSON_Parse(json), *c;
	int n = 0;

	assert_non_null(j);
	assert_true(cJSON_IsObject(j));
	for (c = j->child; c; c = c->next) {
		assert_true(cJSON_IsString(c));
		assert_int_equal(strlen(c->valuestring), VZ_KEY_SIZE - 1);
		n++;
	}
	cJSON_Delete(j);
	return n;
}

/* The counter a key id stands for: its base64 read as a number. */
static uint64_t
id_counter(const char *id)
{
	uint64_t v = 0;

	assert_int_equal(strlen(id), 11);	/* 8 bytes, unpadded */
	for (; *id; id++)
		v = v << 6 | (uint64_t)(strchr(B64, *id) - B64);
	return v >> 2;				/* 66 bits read, 64 meant */
}

/* Whether a key list's ids are in the order the keys were made. */
static int
ids_in_order(const char *json)
{
	cJSON *j = cJSON_Parse(json), *c;
	uint64_t last = 0;
	int ok = 1, n = 0;

	assert_non_null(j);
	for (c = j->child; c; c = c->next, n++) {
		if (n > 0 && id_counter(c->string) != last + 1)
			ok = 0;
		last = id_counter(c->string);
	}
	cJSON_Delete(j);
	return ok;
}

/* b's one-time keys as JSON, in a malloc'd string (size asked first). */
static char *
otks(const struct vz_account *b)
{
	size_t need = 0, n;
	char *s;

	assert_int_equal(vz_account_one_time_keys(b, NULL, 0, &need, err,
	    sizeof(err)), -1);
	failed_with("too small");
	assert_true(need >= 3);
	s = malloc(need);
	assert_int_equal(vz_account_one_time_keys(b, s, need, &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, need - 1);
	assert_int_equal(strlen(s), n);
	return s;
}

/* The pickles, each in a malloc'd string: the size is asked first. */
#define PICKLER(name, type, fn)						\
static char *								\
name(const type *h, const uint8_t *key)					\
{									\
	size_t need = 0, n = 0;						\
	char *s;							\
									\
	assert_int_equal(fn(h, key, NULL, 0, &need, err, sizeof(err)), -1); \
	failed_with("too small");					\
	s = malloc(need);						\
	assert_non_null(s);						\
	assert_int_equal(fn(h, key, s, need, &n, err, sizeof(err)), 0);	\
	assert_int_equal(n + 1, need);					\
	return s;							\
}
PICKLER(pickle_account, struct vz_account, vz_account_pickle)
PICKLER(pickle_session, struct vz_session, vz_session_pickle)
PICKLER(pickle_group, struct vz_group, vz_group_pickle)
PICKLER(pickle_inbound, struct vz_inbound, vz_inbound_pickle)

/* Two accounts and the Olm session a opened to b with b's one-time key,
 * after b read a's first (pre-key) message. */
struct pair {
	struct vz_account *a, *b;
	struct vz_session *sa, *sb;
	char		 prekey[BIG];	/* a's first message */
};

static void
olm_encrypt(struct vz_session *s, const char *plain, int want_type,
    char *out, size_t outsz)
{
	int type = -1;
	size_t n;

	assert_true(vz_olm_encrypt_size(strlen(plain)) <= outsz);
	assert_int_equal(vz_session_encrypt(s, plain, strlen(plain), &type,
	    out, outsz, &n, err, sizeof(err)), 0);
	assert_int_equal(type, want_type);
	assert_int_equal(strlen(out), n);
	assert_true(n < vz_olm_encrypt_size(strlen(plain)));
}

static void
olm_decrypt_ok(struct vz_session *s, int type, const char *ct,
    const char *want)
{
	char pt[BIG];
	size_t n = 0;

	assert_int_equal(vz_session_decrypt(s, type, ct, pt, sizeof(pt), &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, strlen(want));
	assert_string_equal(pt, want);
}

static void
pair_open(struct pair *p)
{
	char ika[VZ_KEY_SIZE], ikb[VZ_KEY_SIZE], otk[VZ_KEY_SIZE], pt[BIG];
	char ida[VZ_ID_SIZE], idb[VZ_ID_SIZE];
	char *keys;
	size_t n;

	p->a = vz_account_new(err, sizeof(err));
	p->b = vz_account_new(err, sizeof(err));
	assert_non_null(p->a);
	assert_non_null(p->b);
	curve(p->a, ika);
	curve(p->b, ikb);
	assert_int_equal(vz_account_generate_one_time_keys(p->b, 1, err,
	    sizeof(err)), 0);
	keys = otks(p->b);
	first_key(keys, otk);
	free(keys);
	p->sa = vz_account_outbound_session(p->a, ikb, otk, err, sizeof(err));
	assert_non_null(p->sa);
	olm_encrypt(p->sa, "{\"type\":\"m.room_key\"}", VZ_OLM_PREKEY,
	    p->prekey, sizeof(p->prekey));
	p->sb = vz_account_inbound_session(p->b, ika, p->prekey, pt,
	    sizeof(pt), &n, err, sizeof(err));
	assert_non_null(p->sb);
	assert_string_equal(pt, "{\"type\":\"m.room_key\"}");
	assert_int_equal(n, strlen(pt));
	assert_int_equal(vz_session_id(p->sa, ida, sizeof(ida), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_session_id(p->sb, idb, sizeof(idb), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(ida, idb);
	assert_int_equal(strlen(ida), VZ_ID_SIZE - 1);
}

static void
pair_close(struct pair *p)
{
	vz_session_free(p->sa);
	vz_session_free(p->sb);
	vz_account_free(p->a);
	vz_account_free(p->b);
}

/* A group session, the inbound one made from its key, and n messages
 * "message 0".."message n-1" encrypted with it. */
struct room {
	struct vz_group	*g;
	struct vz_inbound *in;
	char		 ct[8][1024];
};

static void
room_open(struct room *r, int n)
{
	char key[1024], plain[64];
	int i;
	size_t len;

	r->g = vz_group_new(err, sizeof(err));
	assert_non_null(r->g);
	assert_int_equal(vz_group_key(r->g, key, sizeof(key), &len, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(key), len);
	r->in = vz_inbound_new(key, err, sizeof(err));
	assert_non_null(r->in);
	for (i = 0; i < n; i++) {
		snprintf(plain, sizeof(plain), "message %d", i);
		assert_int_equal(vz_group_index(r->g), (uint32_t)i);
		assert_true(vz_megolm_encrypt_size(strlen(plain)) <=
		    sizeof(r->ct[i]));
		assert_int_equal(vz_group_encrypt(r->g, plain, strlen(plain),
		    r->ct[i], sizeof(r->ct[i]), &len, err, sizeof(err)), 0);
		assert_int_equal(strlen(r->ct[i]), len);
	}
	assert_int_equal(vz_group_index(r->g), (uint32_t)n);
}

static void
room_close(struct room *r)
{
	vz_group_free(r->g);
	vz_inbound_free(r->in);
}

static void
megolm_decrypt_ok(struct vz_inbound *in, const char *ct, const char *want,
    uint32_t want_index)
{
	char pt[1024];
	size_t n = 0;
	uint32_t idx = 999;

	assert_int_equal(vz_inbound_decrypt(in, ct, pt, sizeof(pt), &n, &idx,
	    err, sizeof(err)), 0);
	assert_string_equal(pt, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(idx, want_index);
}

/* ---- the account ---- */

static void
test_01_identity_keys_are_base64_and_per_account(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	struct vz_account *b = vz_account_new(err, sizeof(err));
	char c1[VZ_KEY_SIZE], c2[VZ_KEY_SIZE], e1[VZ_KEY_SIZE];
	size_t n = 0;

	(void)s;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(vz_account_curve25519(a, c1, sizeof(c1), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 43);
	assert_int_equal(vz_account_ed25519(a, e1, sizeof(e1), &n, err,
	    sizeof(err)), 0);
	assert_int_equal(n, 43);
	assert_int_equal(strspn(c1, B64), 43);
	assert_string_not_equal(c1, e1);
	curve(b, c2);
	assert_string_not_equal(c1, c2);
	vz_account_free(a);
	vz_account_free(b);
}

static void
test_02_a_small_buffer_says_what_it_needs(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	char k[VZ_KEY_SIZE];
	size_t n = 0;

	(void)s;
	memset(k, 'x', sizeof(k));
	/* 43 characters need 44 bytes: 43 is one short */
	assert_int_equal(vz_account_curve25519(a, k, VZ_KEY_SIZE - 1, &n, err,
	    sizeof(err)), -1);
	failed_with("44 bytes needed");
	assert_int_equal(n, VZ_KEY_SIZE);
	assert_int_equal(k[0], 'x');	/* nothing written */
	assert_int_equal(vz_account_curve25519(a, NULL, 0, &n, err,
	    sizeof(err)), -1);
	failed_with("too small");
	assert_int_equal(vz_account_curve25519(a, k, n, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(k), 43);
	vz_account_free(a);
}

static void
test_03_signature_verifies_and_a_changed_one_does_not(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	struct vz_account *b = vz_account_new(err, sizeof(err));
	const char *msg = "{\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\"]}";
	char sig[VZ_SIG_SIZE], ed[VZ_KEY_SIZE], edb[VZ_KEY_SIZE], other[64];
	size_t n = 0;

	(void)s;
	assert_int_equal(vz_account_sign(a, msg, strlen(msg), sig, sizeof(sig),
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 86);
	assert_int_equal(vz_account_ed25519(a, ed, sizeof(ed), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_ed25519(b, edb, sizeof(edb), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_ed25519_verify(ed, msg, strlen(msg), sig, err,
	    sizeof(err)), 0);
	/* one byte of the message changed, or a length short */
	snprintf(other, sizeof(other), "%s", msg);
	other[22] = '2';
	assert_int_equal(vz_ed25519_verify(ed, other, strlen(other), sig, err,
	    sizeof(err)), -1);
	failed_with("signature");
	assert_int_equal(vz_ed25519_verify(ed, msg, strlen(msg) - 1, sig, err,
	    sizeof(err)), -1);
	failed_with("signature");
	/* another device's key */
	assert_int_equal(vz_ed25519_verify(edb, msg, strlen(msg), sig, err,
	    sizeof(err)), -1);
	failed_with("signature");
	/* a changed signature: a character flipped */
	sig[10] = flip(sig[10]);
	assert_int_equal(vz_ed25519_verify(ed, msg, strlen(msg), sig, err,
	    sizeof(err)), -1);
	failed_with("signature");
	/* unreadable key and signature */
	assert_int_equal(vz_ed25519_verify("not a key", msg, strlen(msg), sig,
	    err, sizeof(err)), -1);
	failed_with("ed25519 key");
	assert_int_equal(vz_ed25519_verify(ed, msg, strlen(msg), "AAAA", err,
	    sizeof(err)), -1);
	failed_with("signature");
	/* 44 characters without a '=': vodozemac 0.11.1 itself panics on
	 * it (fuzz_olm found it); the library refuses it first */
	assert_int_equal(vz_ed25519_verify("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAA", msg, strlen(msg), sig, err, sizeof(err)), -1);
	failed_with("44 characters, not 43");
	vz_account_free(a);
	vz_account_free(b);
}

static void
test_04_one_time_keys_listed_until_published(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	char *j;

	(void)s;
	assert_int_equal(vz_account_max_one_time_keys(a), 50);
	j = otks(a);
	assert_string_equal(j, "{}");
	free(j);
	assert_int_equal(vz_account_generate_one_time_keys(a, 5, err,
	    sizeof(err)), 0);
	j = otks(a);
	assert_int_equal(json_count(j), 5);
	/* ids in order: base64 of a counter from 0 */
	assert_non_null(strstr(j, "{\"AAAAAAAAAAA\":\""));
	assert_non_null(strstr(j, ",\"AAAAAAAAAAE\":\""));
	free(j);
	assert_int_equal(vz_account_generate_one_time_keys(a, 3, err,
	    sizeof(err)), 0);
	j = otks(a);
	assert_int_equal(json_count(j), 8);
	free(j);
	assert_int_equal(vz_account_mark_published(a, err, sizeof(err)), 0);
	j = otks(a);
	assert_string_equal(j, "{}");
	free(j);
	assert_int_equal(vz_account_generate_one_time_keys(a, 2, err,
	    sizeof(err)), 0);
	j = otks(a);
	assert_int_equal(json_count(j), 2);
	free(j);
	vz_account_free(a);
}

static void
test_05_too_many_one_time_keys_at_once_refused(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	char *j;

	(void)s;
	assert_int_equal(vz_account_generate_one_time_keys(a,
	    VZ_OTK_GENERATE_MAX + 1, err, sizeof(err)), -1);
	failed_with("at most 100");
	assert_int_equal(vz_account_generate_one_time_keys(a, (size_t)-1, err,
	    sizeof(err)), -1);
	failed_with("at most");
	j = otks(a);
	assert_string_equal(j, "{}");
	free(j);
	assert_int_equal(vz_account_generate_one_time_keys(a,
	    VZ_OTK_GENERATE_MAX, err, sizeof(err)), 0);
	j = otks(a);
	assert_int_equal(json_count(j), VZ_OTK_GENERATE_MAX);
	assert_true(ids_in_order(j));
	free(j);
	vz_account_free(a);
}

static void
test_06_fallback_key_made_published_and_replaced(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	char j[256], k1[VZ_KEY_SIZE], k2[VZ_KEY_SIZE];

	(void)s;
	assert_int_equal(vz_account_fallback_key(a, j, sizeof(j), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(j, "{}");
	assert_int_equal(vz_account_generate_fallback_key(a, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_fallback_key(a, j, sizeof(j), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(json_count(j), 1);
	first_key(j, k1);
	assert_int_equal(vz_account_mark_published(a, err, sizeof(err)), 0);
	assert_int_equal(vz_account_fallback_key(a, j, sizeof(j), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(j, "{}");
	/* a used fallback key is replaced; the old one is kept until
	 * forgotten, once */
	assert_int_equal(vz_account_generate_fallback_key(a, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_fallback_key(a, j, sizeof(j), NULL, err,
	    sizeof(err)), 0);
	first_key(j, k2);
	assert_string_not_equal(k1, k2);
	assert_int_equal(vz_account_forget_old_fallback_key(a, err,
	    sizeof(err)), 1);
	assert_int_equal(vz_account_forget_old_fallback_key(a, err,
	    sizeof(err)), 0);
	vz_account_free(a);
}

static void
test_07_fallback_key_opens_a_session(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	struct vz_account *b = vz_account_new(err, sizeof(err));
	struct vz_session *sa, *sb;
	char ika[VZ_KEY_SIZE], ikb[VZ_KEY_SIZE], fb[VZ_KEY_SIZE], j[256];
	char ct[BIG], pt[BIG];

	(void)s;
	curve(a, ika);
	curve(b, ikb);
	assert_int_equal(vz_account_generate_fallback_key(b, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_fallback_key(b, j, sizeof(j), NULL, err,
	    sizeof(err)), 0);
	first_key(j, fb);
	sa = vz_account_outbound_session(a, ikb, fb, err, sizeof(err));
	assert_non_null(sa);
	olm_encrypt(sa, "via the fallback key", VZ_OLM_PREKEY, ct, sizeof(ct));
	sb = vz_account_inbound_session(b, ika, ct, pt, sizeof(pt), NULL, err,
	    sizeof(err));
	assert_non_null(sb);
	assert_string_equal(pt, "via the fallback key");
	vz_session_free(sa);
	vz_session_free(sb);
	vz_account_free(a);
	vz_account_free(b);
}

/* ---- Olm ---- */

static void
test_08_olm_pre_key_then_normal_messages_both_ways(void **s)
{
	struct pair p;
	char ct[BIG];
	int i;

	(void)s;
	pair_open(&p);
	/* b answers: b's session has received, so a normal message */
	olm_encrypt(p.sb, "answer from b", VZ_OLM_NORMAL, ct, sizeof(ct));
	olm_decrypt_ok(p.sa, VZ_OLM_NORMAL, ct, "answer from b");
	/* and now a has heard from b: normal messages from a too */
	for (i = 0; i < 3; i++) {
		olm_encrypt(p.sa, "again from a", VZ_OLM_NORMAL, ct,
		    sizeof(ct));
		olm_decrypt_ok(p.sb, VZ_OLM_NORMAL, ct, "again from a");
		olm_encrypt(p.sb, "again from b", VZ_OLM_NORMAL, ct,
		    sizeof(ct));
		olm_decrypt_ok(p.sa, VZ_OLM_NORMAL, ct, "again from b");
	}
	pair_close(&p);
}

static void
test_09_olm_prekey_messages_until_answered_and_out_of_order(void **s)
{
	struct pair p;
	char c1[BIG], c2[BIG], c3[BIG];

	(void)s;
	pair_open(&p);
	/* a has not heard back: still pre-key messages, all one session */
	olm_encrypt(p.sa, "one", VZ_OLM_PREKEY, c1, sizeof(c1));
	olm_encrypt(p.sa, "two", VZ_OLM_PREKEY, c2, sizeof(c2));
	olm_encrypt(p.sa, "three", VZ_OLM_PREKEY, c3, sizeof(c3));
	assert_int_equal(vz_session_matches(p.sb, c1, err, sizeof(err)), 1);
	assert_int_equal(vz_session_matches(p.sb, c3, err, sizeof(err)), 1);
	/* read out of order */
	olm_decrypt_ok(p.sb, VZ_OLM_PREKEY, c3, "three");
	olm_decrypt_ok(p.sb, VZ_OLM_PREKEY, c1, "one");
	olm_decrypt_ok(p.sb, VZ_OLM_PREKEY, c2, "two");
	/* a message is read once: its key is gone after */
	assert_int_equal(vz_session_decrypt(p.sb, VZ_OLM_PREKEY, c2, c1,
	    sizeof(c1), NULL, err, sizeof(err)), -1);
	failed_with("olm decrypt");
	pair_close(&p);
}

static void
test_10_olm_one_time_key_used_once(void **s)
{
	struct pair p;
	char ika[VZ_KEY_SIZE], pt[BIG], *j;

	(void)s;
	pair_open(&p);
	/* the one-time key is gone from b's list and from its store */
	j = otks(p.b);
	assert_string_equal(j, "{}");
	free(j);
	curve(p.a, ika);
	assert_null(vz_account_inbound_session(p.b, ika, p.prekey, pt,
	    sizeof(pt), NULL, err, sizeof(err)));
	failed_with("one-time key");
	pair_close(&p);
}

static void
test_11_olm_matches_only_its_own_pre_key_messages(void **s)
{
	struct pair p, q;
	char ct[BIG];

	(void)s;
	pair_open(&p);
	pair_open(&q);
	assert_int_equal(vz_session_matches(p.sb, p.prekey, err,
	    sizeof(err)), 1);
	assert_int_equal(vz_session_matches(p.sb, q.prekey, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_session_matches(q.sa, q.prekey, err,
	    sizeof(err)), 1);
	/* a normal message is no pre-key message */
	olm_encrypt(p.sb, "normal", VZ_OLM_NORMAL, ct, sizeof(ct));
	assert_int_equal(vz_session_matches(p.sa, ct, err, sizeof(err)), -1);
	failed_with("pre-key message");
	assert_int_equal(vz_session_matches(p.sa, "@@@", err, sizeof(err)),
	    -1);
	failed_with("pre-key message");
	/* and another session's message does not decrypt */
	assert_int_equal(vz_session_decrypt(q.sa, VZ_OLM_NORMAL, ct, ct,
	    sizeof(ct), NULL, err, sizeof(err)), -1);
	failed_with("olm decrypt");
	pair_close(&p);
	pair_close(&q);
}

static void
test_12_olm_inbound_checks_the_sender_key(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	struct vz_account *b = vz_account_new(err, sizeof(err));
	struct vz_account *c = vz_account_new(err, sizeof(err));
	struct vz_session *sa, *sb;
	char ika[VZ_KEY_SIZE], ikb[VZ_KEY_SIZE], ikc[VZ_KEY_SIZE];
	char otk[VZ_KEY_SIZE], ct[BIG], pt[BIG], *j;

	(void)s;
	curve(a, ika);
	curve(b, ikb);
	curve(c, ikc);
	assert_int_equal(vz_account_generate_one_time_keys(b, 1, err,
	    sizeof(err)), 0);
	j = otks(b);
	first_key(j, otk);
	free(j);
	sa = vz_account_outbound_session(a, ikb, otk, err, sizeof(err));
	olm_encrypt(sa, "hi", VZ_OLM_PREKEY, ct, sizeof(ct));
	/* the event claims c sent it */
	assert_null(vz_account_inbound_session(b, ikc, ct, pt, sizeof(pt),
	    NULL, err, sizeof(err)));
	failed_with("identity key");
	/* the one-time key is still there for the real sender */
	sb = vz_account_inbound_session(b, ika, ct, pt, sizeof(pt), NULL, err,
	    sizeof(err));
	assert_non_null(sb);
	assert_string_equal(pt, "hi");
	/* unreadable keys for an outbound session */
	assert_null(vz_account_outbound_session(a, "short", otk, err,
	    sizeof(err)));
	failed_with("identity key");
	assert_null(vz_account_outbound_session(a, ikb, "!!!!", err,
	    sizeof(err)));
	failed_with("one-time key");
	vz_session_free(sa);
	vz_session_free(sb);
	vz_account_free(a);
	vz_account_free(b);
	vz_account_free(c);
}

static void
test_13_olm_binary_and_empty_plaintexts(void **s)
{
	struct pair p;
	char ct[BIG], pt[BIG];
	const char bin[] = { 'a', 0, 'b', '\n', (char)0xff, 0 };
	int type;
	size_t n = 0;

	(void)s;
	pair_open(&p);
	assert_int_equal(vz_session_encrypt(p.sb, bin, sizeof(bin), &type, ct,
	    sizeof(ct), NULL, err, sizeof(err)), 0);
	assert_int_equal(vz_session_decrypt(p.sa, type, ct, pt, sizeof(pt),
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, sizeof(bin));
	assert_memory_equal(pt, bin, sizeof(bin));
	assert_int_equal(pt[n], '\0');
	assert_int_equal(vz_session_encrypt(p.sb, NULL, 0, &type, ct,
	    sizeof(ct), NULL, err, sizeof(err)), 0);
	assert_int_equal(vz_session_decrypt(p.sa, type, ct, pt, sizeof(pt),
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_string_equal(pt, "");
	pair_close(&p);
}

static void
test_14_olm_damaged_message_fails_and_session_goes_on(void **s)
{
	struct pair p;
	struct vz_session *fresh;
	char ct[BIG], bad[BIG], pt[BIG], *pk;
	size_t len, k;
	int refused = 0;

	(void)s;
	pair_open(&p);
	olm_encrypt(p.sb, "the real one", VZ_OLM_NORMAL, ct, sizeof(ct));
	len = strlen(ct);
	/* every truncation fails */
	for (k = 0; k < len; k++) {
		memcpy(bad, ct, k);
		bad[k] = '\0';
		assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_NORMAL, bad,
		    pt, sizeof(pt), NULL, err, sizeof(err)), -1);
		failed_with(NULL);
	}
	/* every character changed, each tried on a fresh copy of a's
	 * session (a message that decrypts uses its key up): it fails, or
	 * gives the very same plaintext.  The MAC is over the message as
	 * vodozemac re-encodes it, so a changed field tag that leaves the
	 * chain index at its default 0 still reads: never other words. */
	pk = pickle_session(p.sa, KEY);
	for (k = 0; k < len; k++) {
		strcpy(bad, ct);
		bad[k] = flip(bad[k]);
		fresh = vz_session_unpickle(pk, KEY, err, sizeof(err));
		assert_non_null(fresh);
		if (vz_session_decrypt(fresh, VZ_OLM_NORMAL, bad, pt,
		    sizeof(pt), NULL, err, sizeof(err)) == 0)
			assert_string_equal(pt, "the real one");
		else {
			failed_with(NULL);
			refused++;
		}
		vz_session_free(fresh);
	}
	free(pk);
	assert_true(refused >= (int)len - 2);
	/* the wrong type, and no type at all */
	assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_PREKEY, ct, pt,
	    sizeof(pt), NULL, err, sizeof(err)), -1);
	failed_with("olm message");
	assert_int_equal(vz_session_decrypt(p.sa, 2, ct, pt, sizeof(pt), NULL,
	    err, sizeof(err)), -1);
	failed_with("type 2");
	assert_int_equal(vz_session_decrypt(p.sa, -1, ct, pt, sizeof(pt),
	    NULL, err, sizeof(err)), -1);
	failed_with("type -1");
	/* after all that, the real message is still read */
	olm_decrypt_ok(p.sa, VZ_OLM_NORMAL, ct, "the real one");
	pair_close(&p);
}

static void
test_15_olm_small_buffer_moves_no_ratchet(void **s)
{
	struct pair p;
	struct vz_session *sa, *sb;
	char ct[BIG], pt[8], ika[VZ_KEY_SIZE], ikb[VZ_KEY_SIZE];
	char otk[VZ_KEY_SIZE], *j, *big;
	int type = -1;
	size_t need = 0;

	(void)s;
	pair_open(&p);
	/* too small for the encryption: nothing sent, nothing skipped */
	assert_int_equal(vz_session_encrypt(p.sb, "hello", 5, &type, ct, 16,
	    &need, err, sizeof(err)), -1);
	failed_with("too small");
	assert_int_equal(need, vz_olm_encrypt_size(5));
	assert_int_equal(type, -1);
	olm_encrypt(p.sb, "hello", VZ_OLM_NORMAL, ct, sizeof(ct));
	/* too small a plaintext buffer: the message is not used up */
	assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_NORMAL, ct, pt,
	    sizeof(pt), &need, err, sizeof(err)), -1);
	failed_with("too small");
	assert_int_equal(need, strlen(ct) + 1);
	olm_decrypt_ok(p.sa, VZ_OLM_NORMAL, ct, "hello");
	/* the pre-key path checks first too: the one-time key stays */
	curve(p.a, ika);
	curve(p.b, ikb);
	assert_int_equal(vz_account_generate_one_time_keys(p.b, 1, err,
	    sizeof(err)), 0);
	j = otks(p.b);
	first_key(j, otk);
	free(j);
	sa = vz_account_outbound_session(p.a, ikb, otk, err, sizeof(err));
	olm_encrypt(sa, "second session", VZ_OLM_PREKEY, ct, sizeof(ct));
	assert_null(vz_account_inbound_session(p.b, ika, ct, pt, sizeof(pt),
	    &need, err, sizeof(err)));
	failed_with("too small");
	assert_int_equal(need, strlen(ct) + 1);
	j = otks(p.b);
	assert_int_equal(json_count(j), 1);
	free(j);
	big = malloc(need);
	sb = vz_account_inbound_session(p.b, ika, ct, big, need, NULL, err,
	    sizeof(err));
	assert_non_null(sb);
	assert_string_equal(big, "second session");
	free(big);
	vz_session_free(sa);
	vz_session_free(sb);
	pair_close(&p);
}

static void
test_16_encrypt_sizes_are_bounds(void **s)
{
	struct pair p;
	struct room r;
	static char plain[BIG], ct[4 * BIG];
	size_t len, n, lens[] = { 0, 1, 15, 16, 17, 31, 32, 100, 255, 256,
	    1000, 4095, 4096, 40000, BIG - 1 };
	unsigned i;
	int type;

	(void)s;
	pair_open(&p);
	room_open(&r, 0);
	memset(plain, 'q', sizeof(plain));
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = lens[i];
		/* a pre-key message (a's side) and a normal one (b's) */
		assert_int_equal(vz_session_encrypt(p.sa, plain, len, &type,
		    ct, vz_olm_encrypt_size(len), &n, err, sizeof(err)), 0);
		assert_int_equal(type, VZ_OLM_PREKEY);
		assert_int_equal(vz_session_encrypt(p.sb, plain, len, &type,
		    ct, vz_olm_encrypt_size(len), &n, err, sizeof(err)), 0);
		assert_int_equal(type, VZ_OLM_NORMAL);
		assert_int_equal(vz_group_encrypt(r.g, plain, len, ct,
		    vz_megolm_encrypt_size(len), &n, err, sizeof(err)), 0);
		assert_true(n < vz_megolm_encrypt_size(len));
	}
	assert_int_equal(vz_olm_encrypt_size(VZ_INPUT_MAX + 1), 0);
	assert_int_equal(vz_megolm_encrypt_size((size_t)-1), 0);
	assert_true(vz_olm_encrypt_size(VZ_INPUT_MAX) > VZ_INPUT_MAX);
	room_close(&r);
	pair_close(&p);
}

/* ---- Megolm ---- */

static void
test_17_megolm_messages_decrypt_with_rising_indices(void **s)
{
	struct room r;
	char gid[VZ_ID_SIZE], iid[VZ_ID_SIZE], want[32];
	int i;

	(void)s;
	room_open(&r, 5);
	assert_int_equal(vz_group_id(r.g, gid, sizeof(gid), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_inbound_id(r.in, iid, sizeof(iid), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(gid, iid);
	assert_int_equal(vz_inbound_first_index(r.in), 0);
	for (i = 0; i < 5; i++) {
		snprintf(want, sizeof(want), "message %d", i);
		megolm_decrypt_ok(r.in, r.ct[i], want, (uint32_t)i);
	}
	/* out of order is fine: the index says which */
	megolm_decrypt_ok(r.in, r.ct[1], "message 1", 1);
	room_close(&r);
}

/* What the caller keeps: which (session, index) came with which event. */
struct seen {
	char		 id[VZ_ID_SIZE];
	uint32_t	 index;
	char		 event[16];
};

static int
replayed(struct seen *t, int *n, const char *sid, uint32_t idx,
    const char *event)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(t[i].id, sid) == 0 && t[i].index == idx)
			return strcmp(t[i].event, event) != 0;
	snprintf(t[*n].id, sizeof(t[*n].id), "%s", sid);
	t[*n].index = idx;
	snprintf(t[*n].event, sizeof(t[*n].event), "%s", event);
	(*n)++;
	return 0;
}

static void
test_18_megolm_replayed_index_seen_by_the_caller(void **s)
{
	struct room r;
	struct seen t[8];
	char sid[VZ_ID_SIZE], pt[256];
	uint32_t idx;
	int n = 0;

	(void)s;
	memset(t, 0, sizeof(t));
	room_open(&r, 3);
	assert_int_equal(vz_inbound_id(r.in, sid, sizeof(sid), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_inbound_decrypt(r.in, r.ct[2], pt, sizeof(pt),
	    NULL, &idx, err, sizeof(err)), 0);
	assert_false(replayed(t, &n, sid, idx, "$event1"));
	/* the same event again (a second /sync) is no replay... */
	assert_int_equal(vz_inbound_decrypt(r.in, r.ct[2], pt, sizeof(pt),
	    NULL, &idx, err, sizeof(err)), 0);
	assert_false(replayed(t, &n, sid, idx, "$event1"));
	/* ...the same ciphertext in another event is: index 2 again */
	assert_int_equal(vz_inbound_decrypt(r.in, r.ct[2], pt, sizeof(pt),
	    NULL, &idx, err, sizeof(err)), 0);
	assert_int_equal(idx, 2);
	assert_true(replayed(t, &n, sid, idx, "$event2"));
	assert_int_equal(vz_inbound_decrypt(r.in, r.ct[0], pt, sizeof(pt),
	    NULL, &idx, err, sizeof(err)), 0);
	assert_false(replayed(t, &n, sid, idx, "$event3"));
	room_close(&r);
}

static void
test_19_megolm_other_session_and_damage_refused(void **s)
{
	struct room r, o;
	char bad[1024], pt[1024];
	size_t k, len;
	uint32_t idx;
	int refused = 0;

	(void)s;
	room_open(&r, 2);
	room_open(&o, 2);
	assert_int_equal(vz_inbound_decrypt(r.in, o.ct[0], pt, sizeof(pt),
	    NULL, NULL, err, sizeof(err)), -1);
	failed_with("megolm decrypt");
	len = strlen(r.ct[1]);
	for (k = 0; k < len; k++) {
		memcpy(bad, r.ct[1], k);
		bad[k] = '\0';
		assert_int_equal(vz_inbound_decrypt(r.in, bad, pt, sizeof(pt),
		    NULL, NULL, err, sizeof(err)), -1);
		failed_with(NULL);
		/* a changed character: refused, or (as in test 14) the
		 * same words at the same index, never others */
		strcpy(bad, r.ct[1]);
		bad[k] = flip(bad[k]);
		idx = 99;
		if (vz_inbound_decrypt(r.in, bad, pt, sizeof(pt), NULL, &idx,
		    err, sizeof(err)) == 0) {
			assert_string_equal(pt, "message 1");
			assert_int_equal(idx, 1);
		} else {
			failed_with(NULL);
			refused++;
		}
	}
	assert_true(refused >= (int)len - 2);
	megolm_decrypt_ok(r.in, r.ct[1], "message 1", 1);
	room_close(&r);
	room_close(&o);
}

static void
test_20_megolm_key_shared_late_reads_from_its_index(void **s)
{
	struct room r;
	struct vz_inbound *late;
	char key[1024], ct[1024], pt[256];

	(void)s;
	room_open(&r, 3);
	assert_int_equal(vz_group_key(r.g, key, sizeof(key), NULL, err,
	    sizeof(err)), 0);
	late = vz_inbound_new(key, err, sizeof(err));
	assert_non_null(late);
	assert_int_equal(vz_inbound_first_index(late), 3);
	assert_int_equal(vz_inbound_decrypt(late, r.ct[0], pt, sizeof(pt),
	    NULL, NULL, err, sizeof(err)), -1);
	failed_with("unknown message index");
	assert_int_equal(vz_group_encrypt(r.g, "message 3", 9, ct, sizeof(ct),
	    NULL, err, sizeof(err)), 0);
	megolm_decrypt_ok(late, ct, "message 3", 3);
	megolm_decrypt_ok(r.in, ct, "message 3", 3);
	vz_inbound_free(late);
	room_close(&r);
}

static void
test_21_megolm_export_and_import(void **s)
{
	struct room r;
	struct vz_inbound *imp;
	char exp[1024], key[1024], a[VZ_ID_SIZE], b[VZ_ID_SIZE];

	(void)s;
	room_open(&r, 2);
	assert_int_equal(vz_inbound_export(r.in, exp, sizeof(exp), NULL, err,
	    sizeof(err)), 0);
	imp = vz_inbound_import(exp, err, sizeof(err));
	assert_non_null(imp);
	assert_int_equal(vz_inbound_id(imp, a, sizeof(a), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_inbound_id(r.in, b, sizeof(b), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(a, b);
	megolm_decrypt_ok(imp, r.ct[0], "message 0", 0);
	megolm_decrypt_ok(imp, r.ct[1], "message 1", 1);
	vz_inbound_free(imp);
	/* the two formats are not confused: an exported key is no
	 * session key (it has no signature), and the reverse */
	assert_null(vz_inbound_new(exp, err, sizeof(err)));
	failed_with("session key");
	assert_int_equal(vz_group_key(r.g, key, sizeof(key), NULL, err,
	    sizeof(err)), 0);
	assert_null(vz_inbound_import(key, err, sizeof(err)));
	failed_with("exported key");
	/* a session key whose signature does not hold */
	key[20] = flip(key[20]);
	assert_null(vz_inbound_new(key, err, sizeof(err)));
	failed_with("session key");
	room_close(&r);
}

/* ---- pickles ---- */

static void
test_22_account_pickle_round_trip(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err)), *b;
	char k1[VZ_KEY_SIZE], k2[VZ_KEY_SIZE], *p, *j1, *j2;

	(void)s;
	assert_int_equal(vz_account_generate_one_time_keys(a, 4, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_generate_fallback_key(a, err,
	    sizeof(err)), 0);
	p = pickle_account(a, KEY);
	b = vz_account_unpickle(p, KEY, err, sizeof(err));
	assert_non_null(b);
	curve(a, k1);
	curve(b, k2);
	assert_string_equal(k1, k2);
	assert_int_equal(vz_account_ed25519(a, k1, sizeof(k1), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_account_ed25519(b, k2, sizeof(k2), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(k1, k2);
	j1 = otks(a);
	j2 = otks(b);
	assert_string_equal(j1, j2);
	assert_int_equal(json_count(j2), 4);
	free(j1);
	free(j2);
	free(p);
	vz_account_free(a);
	vz_account_free(b);
}

static void
test_23_account_pickle_keeps_the_private_one_time_keys(void **s)
{
	struct pair p;
	struct vz_account *b2;
	struct vz_session *sa, *sb;
	char ika[VZ_KEY_SIZE], ikb[VZ_KEY_SIZE], otk[VZ_KEY_SIZE];
	char ct[BIG], pt[BIG], *pk, *j;

	(void)s;
	pair_open(&p);
	curve(p.a, ika);
	curve(p.b, ikb);
	assert_int_equal(vz_account_generate_one_time_keys(p.b, 1, err,
	    sizeof(err)), 0);
	j = otks(p.b);
	first_key(j, otk);
	free(j);
	/* b restarts: its pickle reads a pre-key message made for it */
	pk = pickle_account(p.b, KEY);
	b2 = vz_account_unpickle(pk, KEY, err, sizeof(err));
	assert_non_null(b2);
	sa = vz_account_outbound_session(p.a, ikb, otk, err, sizeof(err));
	olm_encrypt(sa, "after the restart", VZ_OLM_PREKEY, ct, sizeof(ct));
	sb = vz_account_inbound_session(b2, ika, ct, pt, sizeof(pt), NULL,
	    err, sizeof(err));
	assert_non_null(sb);
	assert_string_equal(pt, "after the restart");
	free(pk);
	vz_session_free(sa);
	vz_session_free(sb);
	vz_account_free(b2);
	pair_close(&p);
}

static void
test_24_session_pickle_round_trip(void **s)
{
	struct pair p;
	struct vz_session *sa2, *sb2;
	char id1[VZ_ID_SIZE], id2[VZ_ID_SIZE], ct[BIG], *pa, *pb;

	(void)s;
	pair_open(&p);
	olm_encrypt(p.sb, "before", VZ_OLM_NORMAL, ct, sizeof(ct));
	pa = pickle_session(p.sa, KEY);
	pb = pickle_session(p.sb, KEY);
	sa2 = vz_session_unpickle(pa, KEY, err, sizeof(err));
	sb2 = vz_session_unpickle(pb, KEY, err, sizeof(err));
	assert_non_null(sa2);
	assert_non_null(sb2);
	assert_int_equal(vz_session_id(p.sa, id1, sizeof(id1), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_session_id(sa2, id2, sizeof(id2), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(id1, id2);
	/* the restored sessions go on where the old ones were */
	olm_decrypt_ok(sa2, VZ_OLM_NORMAL, ct, "before");
	olm_encrypt(sa2, "after", VZ_OLM_NORMAL, ct, sizeof(ct));
	olm_decrypt_ok(sb2, VZ_OLM_NORMAL, ct, "after");
	assert_int_equal(vz_session_matches(sb2, p.prekey, err, sizeof(err)),
	    1);
	free(pa);
	free(pb);
	vz_session_free(sa2);
	vz_session_free(sb2);
	pair_close(&p);
}

static void
test_25_group_sessions_pickle_round_trip(void **s)
{
	struct room r;
	struct vz_group *g2;
	struct vz_inbound *in2;
	char id1[VZ_ID_SIZE], id2[VZ_ID_SIZE], ct[1024], *pg, *pi;

	(void)s;
	room_open(&r, 3);
	pg = pickle_group(r.g, KEY);
	pi = pickle_inbound(r.in, KEY);
	g2 = vz_group_unpickle(pg, KEY, err, sizeof(err));
	in2 = vz_inbound_unpickle(pi, KEY, err, sizeof(err));
	assert_non_null(g2);
	assert_non_null(in2);
	assert_int_equal(vz_group_index(g2), 3);
	assert_int_equal(vz_group_id(r.g, id1, sizeof(id1), NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(vz_group_id(g2, id2, sizeof(id2), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(id1, id2);
	assert_int_equal(vz_inbound_id(in2, id2, sizeof(id2), NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(id1, id2);
	assert_int_equal(vz_inbound_first_index(in2), 0);
	megolm_decrypt_ok(in2, r.ct[0], "message 0", 0);
	assert_int_equal(vz_group_encrypt(g2, "message 3", 9, ct, sizeof(ct),
	    NULL, err, sizeof(err)), 0);
	megolm_decrypt_ok(in2, ct, "message 3", 3);
	megolm_decrypt_ok(r.in, ct, "message 3", 3);
	free(pg);
	free(pi);
	vz_group_free(g2);
	vz_inbound_free(in2);
	room_close(&r);
}

static void
test_26_wrong_pickle_key_is_an_error_for_every_handle(void **s)
{
	struct pair p;
	struct room r;
	uint8_t other[VZ_PICKLE_KEY_LEN];
	char *pk;

	(void)s;
	pair_open(&p);
	room_open(&r, 1);
	memcpy(other, KEY, sizeof(other));
	other[31] ^= 1;
	pk = pickle_account(p.a, KEY);
	assert_null(vz_account_unpickle(pk, other, err, sizeof(err)));
	failed_with("account pickle");
	free(pk);
	pk = pickle_session(p.sa, KEY);
	assert_null(vz_session_unpickle(pk, other, err, sizeof(err)));
	failed_with("session pickle");
	free(pk);
	pk = pickle_group(r.g, KEY);
	assert_null(vz_group_unpickle(pk, other, err, sizeof(err)));
	failed_with("group session pickle");
	free(pk);
	pk = pickle_inbound(r.in, KEY);
	assert_null(vz_inbound_unpickle(pk, other, err, sizeof(err)));
	failed_with("inbound session pickle");
	free(pk);
	/* a pickle of one kind is not another kind's */
	pk = pickle_group(r.g, KEY);
	assert_null(vz_inbound_unpickle(pk, KEY, err, sizeof(err)));
	failed_with("inbound session pickle");
	assert_null(vz_account_unpickle(pk, KEY, err, sizeof(err)));
	failed_with("account pickle");
	free(pk);
	/* no key at all */
	assert_int_equal(vz_group_pickle(r.g, NULL, NULL, 0, NULL, err,
	    sizeof(err)), -1);
	failed_with("pickle key: NULL");
	assert_null(vz_group_unpickle("AAAA", NULL, err, sizeof(err)));
	failed_with("pickle key: NULL");
	room_close(&r);
	pair_close(&p);
}

static void
test_27_damaged_pickles_are_errors(void **s)
{
	struct vz_account *a = vz_account_new(err, sizeof(err));
	char *pk, *bad;
	size_t len, k;

	(void)s;
	pk = pickle_account(a, KEY);
	len = strlen(pk);
	bad = malloc(len + 2);
	/* truncated anywhere (every 7th length: the pickle is long) */
	for (k = 0; k < len; k += 7) {
		memcpy(bad, pk, k);
		bad[k] = '\0';
		assert_null(vz_account_unpickle(bad, KEY, err, sizeof(err)));
		failed_with(k ? "account pickle" : "empty");
	}
	/* a character changed anywhere */
	for (k = 0; k < len; k += 5) {
		strcpy(bad, pk);
		bad[k] = flip(bad[k]);
		assert_null(vz_account_unpickle(bad, KEY, err, sizeof(err)));
		failed_with("account pickle");
	}
	/* a character more */
	strcpy(bad, pk);
	strcat(bad, "A");
	assert_null(vz_account_unpickle(bad, KEY, err, sizeof(err)));
	failed_with("account pickle");
	free(bad);
	free(pk);
	vz_account_free(a);
}

/* ---- hostile input ---- */

static void
test_28_garbage_base64_everywhere(void **s)
{
	static const char *junk[] = { "", "A", "AA", "AAA", "AAAA", "====",
	    "not base64 at all", "\xff\xfe\xfd", "caf\xc3\xa9",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "AwogAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "\r\nAAAA" };
	struct pair p;
	struct room r;
	char pt[BIG];
	unsigned i;

	(void)s;
	pair_open(&p);
	room_open(&r, 1);
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_NORMAL,
		    junk[i], pt, sizeof(pt), NULL, err, sizeof(err)), -1);
		failed_with(NULL);
		assert_int_equal(vz_session_decrypt(p.sb, VZ_OLM_PREKEY,
		    junk[i], pt, sizeof(pt), NULL, err, sizeof(err)), -1);
		failed_with(NULL);
		assert_int_equal(vz_inbound_decrypt(r.in, junk[i], pt,
		    sizeof(pt), NULL, NULL, err, sizeof(err)), -1);
		failed_with(NULL);
		assert_null(vz_account_inbound_session(p.b, junk[i], p.prekey,
		    pt, sizeof(pt), NULL, err, sizeof(err)));
		failed_with(NULL);
		assert_null(vz_account_inbound_session(p.b, junk[i], junk[i],
		    pt, sizeof(pt), NULL, err, sizeof(err)));
		failed_with(NULL);
		assert_null(vz_inbound_new(junk[i], err, sizeof(err)));
		failed_with(NULL);
		assert_null(vz_inbound_import(junk[i], err, sizeof(err)));
		failed_with(NULL);
		assert_null(vz_account_unpickle(junk[i], KEY, err,
		    sizeof(err)));
		failed_with(NULL);
		assert_null(vz_session_unpickle(junk[i], KEY, err,
		    sizeof(err)));
		failed_with(NULL);
		assert_null(vz_group_unpickle(junk[i], KEY, err, sizeof(err)));
		failed_with(NULL);
		assert_null(vz_inbound_unpickle(junk[i], KEY, err,
		    sizeof(err)));
		failed_with(NULL);
		assert_int_equal(vz_session_matches(p.sb, junk[i], err,
		    sizeof(err)), -1);
		failed_with(NULL);
	}
	/* the error of a non-ASCII input says so */
	assert_int_equal(vz_inbound_decrypt(r.in, "caf\xc3\xa9", pt,
	    sizeof(pt), NULL, NULL, err, sizeof(err)), -1);
	failed_with("outside ASCII");
	megolm_decrypt_ok(r.in, r.ct[0], "message 0", 0);
	room_close(&r);
	pair_close(&p);
}

static void
test_29_random_ciphertexts_refused(void **s)
{
	struct pair p;
	struct room r;
	char ct[600], pt[600];
	int i, k, len;

	(void)s;
	srand(20);
	pair_open(&p);
	room_open(&r, 1);
	for (i = 0; i < 300; i++) {
		len = 1 + rand() % 500;
		for (k = 0; k < len; k++)
			ct[k] = B64[rand() % 64];
		ct[len] = '\0';
		/* a real header sometimes, to go past the version check */
		if (i % 2)
			ct[0] = 'A', ct[1] = 'w';
		assert_int_equal(vz_session_decrypt(p.sa, i % 2, ct, pt,
		    sizeof(pt), NULL, err, sizeof(err)), -1);
		failed_with(NULL);
		assert_int_equal(vz_inbound_decrypt(r.in, ct, pt, sizeof(pt),
		    NULL, NULL, err, sizeof(err)), -1);
		failed_with(NULL);
	}
	megolm_decrypt_ok(r.in, r.ct[0], "message 0", 0);
	room_close(&r);
	pair_close(&p);
}

static void
test_30_huge_input_is_refused_without_reading_it_all(void **s)
{
	struct room r;
	struct pair p;
	char *huge = malloc(VZ_INPUT_MAX + 2), *pt = malloc(VZ_INPUT_MAX + 2);
	size_t need = 0;

	(void)s;
	room_open(&r, 1);
	pair_open(&p);
	memset(huge, 'A', VZ_INPUT_MAX + 1);
	huge[VZ_INPUT_MAX + 1] = '\0';
	assert_int_equal(vz_inbound_decrypt(r.in, huge, pt, VZ_INPUT_MAX + 2,
	    NULL, NULL, err, sizeof(err)), -1);
	failed_with("longer than 1048576 bytes");
	assert_null(vz_account_unpickle(huge, KEY, err, sizeof(err)));
	failed_with("longer than");
	assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_NORMAL, huge, pt,
	    VZ_INPUT_MAX + 2, NULL, err, sizeof(err)), -1);
	failed_with("longer than");
	/* just within the limit: read, and refused as no message */
	huge[VZ_INPUT_MAX] = '\0';
	assert_int_equal(vz_inbound_decrypt(r.in, huge, pt, VZ_INPUT_MAX + 1,
	    NULL, NULL, err, sizeof(err)), -1);
	failed_with("megolm");
	/* a plaintext buffer smaller than the ciphertext: asked for */
	assert_int_equal(vz_inbound_decrypt(r.in, huge, pt, 100, &need,
	    NULL, err, sizeof(err)), -1);
	failed_with("too small");
	assert_int_equal(need, VZ_INPUT_MAX + 1);
	/* a plaintext too long to encrypt */
	assert_int_equal(vz_group_encrypt(r.g, huge, VZ_INPUT_MAX + 1, pt,
	    VZ_INPUT_MAX + 2, NULL, err, sizeof(err)), -1);
	failed_with("plaintext: longer than");
	assert_int_equal(vz_group_index(r.g), 1);
	free(huge);
	free(pt);
	pair_close(&p);
	room_close(&r);
}

static void
test_31_null_arguments_are_errors(void **s)
{
	struct pair p;
	char out[BIG];
	int type;

	(void)s;
	pair_open(&p);
	vz_account_free(NULL);
	vz_session_free(NULL);
	vz_group_free(NULL);
	vz_inbound_free(NULL);
	assert_int_equal(vz_account_curve25519(NULL, out, sizeof(out), NULL,
	    err, sizeof(err)), -1);
	failed_with("account: NULL handle");
	assert_int_equal(vz_account_sign(NULL, "x", 1, out, sizeof(out), NULL,
	    err, sizeof(err)), -1);
	failed_with("NULL handle");
	assert_int_equal(vz_account_sign(p.a, NULL, 1, out, sizeof(out), NULL,
	    err, sizeof(err)), -1);
	failed_with("message to sign: NULL");
	assert_int_equal(vz_account_generate_one_time_keys(NULL, 1, err,
	    sizeof(err)), -1);
	failed_with("NULL handle");
	assert_int_equal(vz_account_mark_published(NULL, err, sizeof(err)),
	    -1);
	failed_with("NULL handle");
	assert_int_equal(vz_account_max_one_time_keys(NULL), 0);
	assert_null(vz_account_outbound_session(p.a, NULL, NULL, err,
	    sizeof(err)));
	failed_with("identity key: NULL");
	assert_null(vz_account_inbound_session(p.b, NULL, p.prekey, out,
	    sizeof(out), NULL, err, sizeof(err)));
	failed_with("identity key: NULL");
	assert_int_equal(vz_session_encrypt(p.sa, "x", 1, NULL, out,
	    sizeof(out), NULL, err, sizeof(err)), -1);
	failed_with("message type: NULL");
	assert_int_equal(vz_session_encrypt(NULL, "x", 1, &type, out,
	    sizeof(out), NULL, err, sizeof(err)), -1);
	failed_with("session: NULL handle");
	assert_int_equal(vz_session_decrypt(p.sa, VZ_OLM_NORMAL, NULL, out,
	    sizeof(out), NULL, err, sizeof(err)), -1);
	failed_with("ciphertext: NULL");
	assert_int_equal(vz_session_encrypt(p.sa, "x", 1, &type, NULL,
	    sizeof(out), NULL, err, sizeof(err)), -1);
	failed_with("too small");
	assert_int_equal(vz_group_index(NULL), 0);
	assert_int_equal(vz_inbound_first_index(NULL), 0);
	assert_int_equal(vz_group_encrypt(NULL, "x", 1, out, sizeof(out),
	    NULL, err, sizeof(err)), -1);
	failed_with("group session: NULL handle");
	assert_int_equal(vz_inbound_decrypt(NULL, "AAAA", out, sizeof(out),
	    NULL, NULL, err, sizeof(err)), -1);
	failed_with("inbound session: NULL handle");
	assert_null(vz_inbound_new(NULL, err, sizeof(err)));
	failed_with("session key: NULL");
	assert_int_equal(vz_ed25519_verify(NULL, "x", 1, "AAAA", err,
	    sizeof(err)), -1);
	failed_with("ed25519 key: NULL");
	assert_int_equal(vz_session_pickle(NULL, KEY, out, sizeof(out), NULL,
	    err, sizeof(err)), -1);
	failed_with("NULL handle");
	/* no error buffer at all is allowed too */
	assert_int_equal(vz_session_pickle(NULL, KEY, out, sizeof(out), NULL,
	    NULL, 0), -1);
	pair_close(&p);
}

static void
test_32_error_message_cut_to_the_buffer(void **s)
{
	char small[8];
	struct vz_group *g = vz_group_new(err, sizeof(err));

	(void)s;
	memset(small, 'x', sizeof(small));
	assert_null(vz_inbound_new("not a key", small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, "session", 7);
	/* one byte: just the NUL */
	small[0] = 'x';
	assert_null(vz_inbound_new("not a key", small, 1));
	assert_int_equal(small[0], '\0');
	/* a zero-length buffer is not written */
	small[0] = 'x';
	assert_null(vz_inbound_new("not a key", small, 0));
	assert_int_equal(small[0], 'x');
	vz_group_free(g);
}

static void
test_33_many_handles_made_and_freed(void **s)
{
	struct pair p;
	struct room r;
	char *pk;
	int i;

	(void)s;
	/* under ASan/valgrind: nothing of these is left at exit */
	for (i = 0; i < 20; i++) {
		pair_open(&p);
		room_open(&r, 2);
		pk = pickle_account(p.a, KEY);
		free(pk);
		room_close(&r);
		pair_close(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_identity_keys_are_base64_and_per_account),
		cmocka_unit_test(test_02_a_small_buffer_says_what_it_needs),
		cmocka_unit_test(test_03_signature_verifies_and_a_changed_one_does_not),
		cmocka_unit_test(test_04_one_time_keys_listed_until_published),
		cmocka_unit_test(test_05_too_many_one_time_keys_at_once_refused),
		cmocka_unit_test(test_06_fallback_key_made_published_and_replaced),
		cmocka_unit_test(test_07_fallback_key_opens_a_session),
		cmocka_unit_test(test_08_olm_pre_key_then_normal_messages_both_ways),
		cmocka_unit_test(test_09_olm_prekey_messages_until_answered_and_out_of_order),
		cmocka_unit_test(test_10_olm_one_time_key_used_once),
		cmocka_unit_test(test_11_olm_matches_only_its_own_pre_key_messages),
		cmocka_unit_test(test_12_olm_inbound_checks_the_sender_key),
		cmocka_unit_test(test_13_olm_binary_and_empty_plaintexts),
		cmocka_unit_test(test_14_olm_damaged_message_fails_and_session_goes_on),
		cmocka_unit_test(test_15_olm_small_buffer_moves_no_ratchet),
		cmocka_unit_test(test_16_encrypt_sizes_are_bounds),
		cmocka_unit_test(test_17_megolm_messages_decrypt_with_rising_indices),
		cmocka_unit_test(test_18_megolm_replayed_index_seen_by_the_caller),
		cmocka_unit_test(test_19_megolm_other_session_and_damage_refused),
		cmocka_unit_test(test_20_megolm_key_shared_late_reads_from_its_index),
		cmocka_unit_test(test_21_megolm_export_and_import),
		cmocka_unit_test(test_22_account_pickle_round_trip),
		cmocka_unit_test(test_23_account_pickle_keeps_the_private_one_time_keys),
		cmocka_unit_test(test_24_session_pickle_round_trip),
		cmocka_unit_test(test_25_group_sessions_pickle_round_trip),
		cmocka_unit_test(test_26_wrong_pickle_key_is_an_error_for_every_handle),
		cmocka_unit_test(test_27_damaged_pickles_are_errors),
		cmocka_unit_test(test_28_garbage_base64_everywhere),
		cmocka_unit_test(test_29_random_ciphertexts_refused),
		cmocka_unit_test(test_30_huge_input_is_refused_without_reading_it_all),
		cmocka_unit_test(test_31_null_arguments_are_errors),
		cmocka_unit_test(test_32_error_message_cut_to_the_buffer),
		cmocka_unit_test(test_33_many_handles_made_and_freed),
	};

	return cmocka_run_group_tests_name("olm", t, NULL, NULL);
}
