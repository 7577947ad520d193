/*
 * fuzz_mxcrypto.c -- libFuzzer: any bytes to the Olm machine's reading
 * path (mx_crypto.h), as the homeserver would hand them over: to-device
 * events and encrypted timeline events.  The bot's account lives in a
 * state store under /tmp and already has an Olm session and a room key
 * from a peer (made once), so the inputs also reach past decryption:
 * the first byte picks how the rest is used --
 *   0  a to-device event, JSON as given;
 *   1  a timeline event of the room, JSON as given (and kept waiting
 *      when its key is unknown);
 *   2  an Olm message body (type 0 or 1 by the next bit) in a well-formed
 *      envelope from the peer;
 *   3  a Megolm ciphertext in a well-formed event of the known session;
 *   4  an Olm plaintext, encrypted by the peer's real session: the
 *      recipient, sender and m.room_key checks see the fuzzer's JSON;
 *   5  a Megolm plaintext, encrypted by the peer's real group session:
 *      the room id check and the clear event see the fuzzer's JSON;
 *   6  a /keys/query answer for our own user, JSON as given: what the
 *      server holds of the bot's cross-signing keys (which it has);
 *   7  a secret storage object (JSON) opened with a fixed key, and the
 *      same text read as a recovery key.
 * A call may drop the input with a message, never crash or leak.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mx_crypto.h"
#include "mx_ssss.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define BOT	"@techpay:fuzz"
#define PEER	"@peer:fuzz"
#define ROOM	"!room:fuzz"

static const uint8_t KEY[VZ_PICKLE_KEY_LEN] = "techpay fuzz pickle key, 32 byt";

static struct state *st;
static struct mxc *x;
static struct vz_session *olm;		/* the peer's, to the bot */
static struct vz_group *group;		/* the peer's, shared with the bot */
static char peer_curve[VZ_KEY_SIZE], peer_ed[VZ_KEY_SIZE];
static char sid[VZ_ID_SIZE];

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_mxcrypto setup: %s\n", what);
	abort();
}

/* A to-device m.room.encrypted event from the peer: body of type. */
static cJSON *
olm_event(int type, const char *body)
{
	cJSON *ev = cJSON_CreateObject(), *c, *cts, *mine;

	cJSON_AddStringToObject(ev, "type", "m.room.encrypted");
	cJSON_AddStringToObject(ev, "sender", PEER);
	c = cJSON_AddObjectToObject(ev, "content");
	cJSON_AddStringToObject(c, "algorithm", MXC_OLM);
	cJSON_AddStringToObject(c, "sender_key", peer_curve);
	cts = cJSON_AddObjectToObject(c, "ciphertext");
	mine = cJSON_AddObjectToObject(cts, mxc_curve25519(x));
	cJSON_AddNumberToObject(mine, "type", type);
	cJSON_AddStringToObject(mine, "body", body);
	return ev;
}

/* The peer's Olm message of plain, as a to-device event. */
static cJSON *
olm_sealed(const char *plain, size_t len)
{
	size_t n = vz_olm_encrypt_size(len);
	char *ct = malloc(n), err[VZ_ERR_MAX];
	cJSON *ev = NULL;
	int type;

	if (n && vz_session_encrypt(olm, plain, len, &type, ct, n, NULL, err,
	    sizeof(err)) == 0)
		ev = olm_event(type, ct);
	free(ct);
	return ev;
}

/* A timeline m.room.encrypted event of the known session. */
static cJSON *
megolm_event(const char *ct)
{
	cJSON *ev = cJSON_CreateObject(), *c;

	cJSON_AddStringToObject(ev, "type", "m.room.encrypted");
	cJSON_AddStringToObject(ev, "event_id", "$fuzz");
	cJSON_AddStringToObject(ev, "sender", PEER);
	c = cJSON_AddObjectToObject(ev, "content");
	cJSON_AddStringToObject(c, "algorithm", MXC_MEGOLM);
	cJSON_AddStringToObject(c, "ciphertext", ct);
	cJSON_AddStringToObject(c, "session_id", sid);
	cJSON_AddStringToObject(c, "sender_key", peer_curve);
	return ev;
}

static void
setup(void)
{
	char dir[] = "/tmp/techpay-fuzz-mxc-XXXXXX", err[MXC_ERR_MAX];
	char key[1024], *plain, *otk;
	struct vz_account *peer;
	struct mxc_room_key rk;
	struct buf b = {0};
	cJSON *j, *ev;

	log_set_level(LOG_ERROR);
	if (mkdtemp(dir) == NULL || (st = state_open(dir, err,
	    sizeof(err))) == NULL)
		die("state store");
	if ((x = mxc_open(st, "matrix:fuzz", BOT, "FUZZDEV", KEY, NULL, err,
	    sizeof(err))) == NULL)
		die(err);
	if (mxc_xsign_keys(x, 1, err, sizeof(err)) != 1)
		die(err);
	mxc_key_counts(x, 0, 0);
	if (mxc_upload_body(x, &b) != 1 || (j = cJSON_Parse(buf_str(&b))) ==
	    NULL)
		die("upload");
	otk = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    j, "one_time_keys")->child, "key")->valuestring;
	if ((peer = vz_account_new(err, sizeof(err))) == NULL ||
	    vz_account_curve25519(peer, peer_curve, sizeof(peer_curve), NULL,
	    err, sizeof(err)) || vz_account_ed25519(peer, peer_ed,
	    sizeof(peer_ed), NULL, err, sizeof(err)) ||
	    (olm = vz_account_outbound_session(peer, mxc_curve25519(x), otk,
	    err, sizeof(err))) == NULL)
		die(err);
	cJSON_Delete(j);
	buf_free(&b);
	mxc_uploaded(x, "{}", err, sizeof(err));
	if ((group = vz_group_new(err, sizeof(err))) == NULL ||
	    vz_group_key(group, key, sizeof(key), NULL, err, sizeof(err)) ||
	    vz_group_id(group, sid, sizeof(sid), NULL, err, sizeof(err)))
		die(err);
	j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "type", "m.room_key");
	cJSON_AddStringToObject(j, "sender", PEER);
	cJSON_AddStringToObject(j, "recipient", BOT);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "recipient_keys"),
	    "ed25519", mxc_ed25519(x));
	cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "keys"), "ed25519",
	    peer_ed);
	ev = cJSON_AddObjectToObject(j, "content");
	cJSON_AddStringToObject(ev, "algorithm", MXC_MEGOLM);
	cJSON_AddStringToObject(ev, "room_id", ROOM);
	cJSON_AddStringToObject(ev, "session_id", sid);
	cJSON_AddStringToObject(ev, "session_key", key);
	plain = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	ev = olm_sealed(plain, strlen(plain));
	free(plain);
	if (ev == NULL || mxc_to_device(x, ev, &rk, err, sizeof(err)) != 1)
		die(err);
	cJSON_Delete(ev);
	vz_account_free(peer);
}

static char *
base64(const uint8_t *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";
	char *s = malloc(n / 3 * 4 + 5), *o = s;
	size_t i;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	if (n - i == 1) {
		*o++ = b64[p[i] >> 2];
		*o++ = b64[(p[i] & 3) << 4];
	} else if (n - i == 2) {
		v = (uint32_t)p[i] << 8 | p[i + 1];
		*o++ = b64[v >> 10];
		*o++ = b64[v >> 4 & 63];
		*o++ = b64[(v & 15) << 2];
	}
	*o = '\0';
	return s;
}

/* One call's answer: an error is one line; a clear event is an object
 * with the outer event id. */
static void
check(int rc, const char *err, cJSON *clear)
{
	if (rc < 0 && (err[0] == '\0' || strchr(err, '\n')))
		abort();
	if (clear && (!cJSON_IsObject(clear) ||
	    !cJSON_GetObjectItemCaseSensitive(clear, "event_id")))
		abort();
	cJSON_Delete(clear);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[MXC_ERR_MAX], *in, *ct;
	struct mxc_room_key rk;
	struct mxc_xsign_seen seen;
	struct buf plain = {0};
	uint8_t rkey[SSSS_KEY_LEN];
	cJSON *ev = NULL, *clear = NULL;
	size_t n;
	int op, rc = 0;

	if (size < 1)
		return 0;
	if (x == NULL)
		setup();
	op = (data[0] & 0x7f) % 8;
	if ((op == 2 || op == 3) && (data[0] & 0x80))
		in = base64(data + 1, size - 1);
	else {
		in = malloc(size);
		memcpy(in, data + 1, size - 1);
		in[size - 1] = '\0';
	}
	err[0] = '\0';
	switch (op) {
	case 0:
		if ((ev = cJSON_Parse(in)) != NULL)
			rc = mxc_to_device(x, ev, &rk, err, sizeof(err));
		break;
	case 1:
		if ((ev = cJSON_Parse(in)) != NULL) {
			rc = mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err));
			check(rc, err, clear);
			clear = NULL;
			if (rc == MXC_NO_KEY) {
				err[0] = '\0';
				rc = mxc_wait(x, ROOM, ev, err, sizeof(err));
			}
		}
		break;
	case 2:
		ev = olm_event(data[0] & 0x40 ? 1 : 0, in);
		rc = mxc_to_device(x, ev, &rk, err, sizeof(err));
		break;
	case 3:
		ev = megolm_event(in);
		rc = mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err));
		break;
	case 4:
		if ((ev = olm_sealed(in, strlen(in))) != NULL)
			rc = mxc_to_device(x, ev, &rk, err, sizeof(err));
		break;
	case 5:
		n = vz_megolm_encrypt_size(strlen(in));
		ct = malloc(n ? n : 1);
		if (n && vz_group_encrypt(group, in, strlen(in), ct, n, NULL,
		    err, sizeof(err)) == 0) {
			ev = megolm_event(ct);
			rc = mxc_decrypt(x, ROOM, ev, &clear, err, sizeof(err));
		}
		free(ct);
		break;
	case 6:
		rc = mxc_xsign_server(x, in, &seen, err, sizeof(err));
		if (rc == 0 && seen.ours && !seen.has_master)
			abort();
		break;
	case 7:
		if ((ev = cJSON_Parse(in)) != NULL) {
			rc = ssss_decrypt(KEY, "m.cross_signing.master", ev,
			    &plain, err, sizeof(err));
			if (rc == 0 && plain.len > SSSS_SECRET_MAX)
				abort();
		}
		check(rc, err, NULL);
		err[0] = '\0';
		rc = ssss_recovery_decode(in, rkey, err, sizeof(err));
		break;
	}
	buf_free(&plain);
	check(rc, err, clear);
	cJSON_Delete(ev);
	free(in);
	return 0;
}
