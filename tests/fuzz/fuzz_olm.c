/*
 * fuzz_olm.c -- libFuzzer: any bytes to the encryption library's calls
 * that read what others send or what the store holds (include/vz.h):
 * Olm and Megolm decryption, an inbound Olm session from a pre-key
 * message, the four unpicklers, room keys and Ed25519 checks.  The first
 * byte picks the call (low bits) and whether the rest is taken as it is
 * or base64-encoded first (high bit: so the fuzzer's bytes reach the
 * message parsers behind the base64).  A call may fail, never crash; a
 * panic inside Rust, which the library turns into an error, is a crash
 * here, and so is a result that does not fit what the call said.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vz.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum { OLM_PREKEY, OLM_NORMAL, MEGOLM, INBOUND_SESSION, MATCHES,
    UNPICKLE_ACCOUNT, UNPICKLE_SESSION, UNPICKLE_GROUP, UNPICKLE_INBOUND,
    ROOM_KEY, EXPORTED_KEY, VERIFY, NOPS };

static const uint8_t KEY[VZ_PICKLE_KEY_LEN] = "techpay fuzz pickle key, 32 byt";

/* Made once: an account, an Olm session that has heard from its peer,
 * and a Megolm session with its inbound side. */
static struct vz_account *acct;
static struct vz_session *sess;
static struct vz_inbound *inb;
static char peer_key[VZ_KEY_SIZE];

static void
check(int failed, const char *err)
{
	if (failed && strstr(err, "panic") != NULL) {
		fprintf(stderr, "vz: %s\n", err);
		abort();
	}
}

static void
setup(void)
{
	struct vz_account *peer;
	struct vz_session *ps;
	struct vz_group *g;
	char err[VZ_ERR_MAX], otks[4096], otk[VZ_KEY_SIZE], ct[4096];
	char mine[VZ_KEY_SIZE], key[1024], pt[4096];
	const char *q;
	int type;

	acct = vz_account_new(err, sizeof(err));
	peer = vz_account_new(err, sizeof(err));
	if (acct == NULL || peer == NULL ||
	    vz_account_generate_one_time_keys(acct, 50, err, sizeof(err)) ||
	    vz_account_one_time_keys(acct, otks, sizeof(otks), NULL, err,
	    sizeof(err)) ||
	    vz_account_curve25519(acct, mine, sizeof(mine), NULL, err,
	    sizeof(err)) ||
	    vz_account_curve25519(peer, peer_key, sizeof(peer_key), NULL,
	    err, sizeof(err)))
		abort();
	/* the first key of {"id":"key",...} */
	q = strstr(otks, "\":\"");
	if (q == NULL)
		abort();
	memcpy(otk, q + 3, VZ_KEY_SIZE - 1);
	otk[VZ_KEY_SIZE - 1] = '\0';
	ps = vz_account_outbound_session(peer, mine, otk, err, sizeof(err));
	if (ps == NULL || vz_session_encrypt(ps, "hi", 2, &type, ct,
	    sizeof(ct), NULL, err, sizeof(err)))
		abort();
	sess = vz_account_inbound_session(acct, peer_key, ct, pt, sizeof(pt),
	    NULL, err, sizeof(err));
	g = vz_group_new(err, sizeof(err));
	if (sess == NULL || g == NULL ||
	    vz_group_key(g, key, sizeof(key), NULL, err, sizeof(err)))
		abort();
	inb = vz_inbound_new(key, err, sizeof(err));
	if (inb == NULL)
		abort();
	vz_session_free(ps);
	vz_account_free(peer);
	vz_group_free(g);
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

/* A successful call's output: *outlen bytes and a NUL, inside outsz. */
static void
fits(int rc, size_t outlen, size_t outsz, const char *out)
{
	if (rc == 0 && (outlen >= outsz || out[outlen] != '\0'))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[VZ_ERR_MAX], *in, *out;
	size_t outsz, n = 0;
	uint32_t idx;
	int op, rc = 0;
	void *h = NULL;

	if (size < 1)
		return 0;
	if (acct == NULL)
		setup();
	op = (data[0] & 0x7f) % NOPS;
	if (data[0] & 0x80)
		in = base64(data + 1, size - 1);
	else {
		in = malloc(size);
		memcpy(in, data + 1, size - 1);
		in[size - 1] = '\0';
	}
	outsz = strlen(in) + 1;
	out = malloc(outsz);
	err[0] = '\0';
	switch (op) {
	case OLM_PREKEY:
	case OLM_NORMAL:
		rc = vz_session_decrypt(sess, op == OLM_PREKEY ? VZ_OLM_PREKEY :
		    VZ_OLM_NORMAL, in, out, outsz, &n, err, sizeof(err));
		fits(rc, n, outsz, out);
		break;
	case MEGOLM:
		rc = vz_inbound_decrypt(inb, in, out, outsz, &n, &idx, err,
		    sizeof(err));
		fits(rc, n, outsz, out);
		break;
	case INBOUND_SESSION:
		h = vz_account_inbound_session(acct, peer_key, in, out, outsz,
		    &n, err, sizeof(err));
		rc = h == NULL;
		fits(rc, n, outsz, out);
		vz_session_free(h);
		break;
	case MATCHES:
		rc = vz_session_matches(sess, in, err, sizeof(err)) < 0;
		break;
	case UNPICKLE_ACCOUNT:
		h = vz_account_unpickle(in, KEY, err, sizeof(err));
		rc = h == NULL;
		vz_account_free(h);
		break;
	case UNPICKLE_SESSION:
		h = vz_session_unpickle(in, KEY, err, sizeof(err));
		rc = h == NULL;
		vz_session_free(h);
		break;
	case UNPICKLE_GROUP:
		h = vz_group_unpickle(in, KEY, err, sizeof(err));
		rc = h == NULL;
		vz_group_free(h);
		break;
	case UNPICKLE_INBOUND:
		h = vz_inbound_unpickle(in, KEY, err, sizeof(err));
		rc = h == NULL;
		vz_inbound_free(h);
		break;
	case ROOM_KEY:
		h = vz_inbound_new(in, err, sizeof(err));
		rc = h == NULL;
		vz_inbound_free(h);
		break;
	case EXPORTED_KEY:
		h = vz_inbound_import(in, err, sizeof(err));
		rc = h == NULL;
		vz_inbound_free(h);
		break;
	case VERIFY:
		/* the input as key, message and signature at once */
		rc = vz_ed25519_verify(in, in, strlen(in), in, err,
		    sizeof(err));
		break;
	}
	check(rc, err);
	if (rc && err[0] == '\0')
		abort();	/* a failure always says why */
	free(in);
	free(out);
	return 0;
}
