/*
 * mx_xsign_net.c -- cross-signing on the network (mx_e2ee.h): the
 * bootstrap that gives the account its master, self-signing and
 * user-signing keys, signs our device with them, and keeps their
 * private halves in the account's secret storage behind a recovery key.
 * The keys and bodies are the Olm machine's (mx_xsign.c); the secret
 * storage encoding mx_ssss.c's.
 *
 * The steps, each one request, each skipped when the server or the
 * store says it was done:
 *   query     POST /keys/query for our own user: what the server holds.
 *             Keys on the account that are not ours are never replaced:
 *             the log says what the operator can do, and the bot goes
 *             on without cross-signing.
 *   upload    POST /keys/device_signing/upload.  Synapse takes the first
 *             upload without user-interactive auth (MSC3967); when it
 *             asks (401 with flows), again with m.login.password and
 *             the account's password.  No password, or one refused:
 *             the account stops with what to do.
 *   sign      POST /keys/signatures/upload: our device signed by the
 *             self-signing key, the master key by our device.
 *   ssss      PUT /user/U/account_data/ for the key description
 *             m.secret_storage.key.ID, the three secrets, then
 *             m.secret_storage.default_key (last, so the default never
 *             names a key without its secrets); then the recovery key
 *             is written to recovery_key_file, or logged, once.
 * A step that fails for the network or the server (no answer, 429,
 * 5xx, failures listed) is tried again from the query after a backoff.
 *
 * Spec: client-server API, "Cross-signing", "User-Interactive
 * Authentication API" (m.login.password), "Secrets" (Storage, Recovery
 * key).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "json.h"
#include "log.h"
#include "mx_e2ee_int.h"

#define XS_BACKOFF_MIN_S	30
#define XS_BACKOFF_MAX_S	3600
#define XS_SSSS_ID_LEN		24	/* hex characters of a key id */

enum xstep {
	XS_QUERY, XS_UPLOAD, XS_SIGN, XS_SSSS, XS_DONE, XS_WAIT
};

struct xboot {
	enum xstep	 step;
	struct http_req	*req;
	int		 fails;
	time_t		 next;		/* XS_WAIT: when to try again */
	int		 uia;		/* the password was sent */
	char		*session;	/* the UIA session */
	int		 put;		/* secret storage: requests done */
	char		 ssss_id[XS_SSSS_ID_LEN + 1];
};

static void	xs_next(struct mxe *);

void
mxe_xsign_free(struct mxe *e)
{
	struct xboot *b = e->boot;

	if (b == NULL)
		return;
	if (b->req)
		http_cancel(e->http, b->req);
	free(b->session);
	free(b);
	e->boot = NULL;
}

void
mxe_xsign_start(struct mxe *e)
{
	if (e->boot)
		return;		/* once a run */
	e->boot = xcalloc(1, sizeof(*e->boot));
	e->boot->step = XS_QUERY;
	xs_next(e);
}

void
mxe_xsign_tick(struct mxe *e, time_t now)
{
	struct xboot *b = e->boot;

	if (b && b->step == XS_WAIT && b->req == NULL && now >= b->next) {
		b->step = XS_QUERY;
		b->put = 0;
		xs_next(e);
	}
}

static int
transient(const struct http_result *r)
{
	return r->status == 0 || r->status == 429 || r->status >= 500;
}

/* A step that failed for a reason that may pass: wait, then again. */
static void
xs_later(struct mxe *e, const char *step, const struct http_result *r,
    const char *why)
{
	struct xboot *b = e->boot;
	long s = XS_BACKOFF_MIN_S;
	int i;

	for (i = 0; i < b->fails && s < XS_BACKOFF_MAX_S; i++)
		s *= 2;
	if (s > XS_BACKOFF_MAX_S)
		s = XS_BACKOFF_MAX_S;
	b->fails++;
	log_warn("matrix %s: cross-signing: %s failed (%s%ld%s%.200s); "
	    "trying again in %ld s", e->name, step, r ? "HTTP " : "",
	    r ? r->status : 0L, r && r->status ? ": " : "", why ? why :
	    r && r->status ? r->body : r && r->error ? r->error : "", s);
	b->step = XS_WAIT;
	b->next = time(NULL) + s;
}

static void
xs_stop(struct mxe *e, const char *what, const char *why)
{
	e->boot->step = XS_DONE;
	e->ops.fatal(what, why, e->ctx);
}

/* ---- query ---- */

static void
on_query(const struct http_result *r, void *ctx)
{
	struct mxe *e = ctx;
	struct xboot *b = e->boot;
	struct mxc_xsign_seen seen;
	char err[MXC_ERR_MAX];
	const char *mine;
	int held;

	b->req = NULL;
	if (r->status != 200) {
		xs_later(e, "keys/query", r, NULL);
		return;
	}
	if ((held = mxc_xsign_keys(e->mxc, 0, err, sizeof(err))) == -1) {
		xs_stop(e, "encryption: the state store", err);
		return;
	}
	if (mxc_xsign_server(e->mxc, r->body, &seen, err, sizeof(err)) ==
	    -1) {
		xs_later(e, "keys/query", r, err);
		return;
	}
	if (seen.has_master && !seen.ours) {
		mine = mxc_xsign_public(e->mxc, MXC_XS_MASTER);
		log_error("matrix %s: cross-signing: the account already has "
		    "a master key (%s) that this bot does not hold%s%s%s; it "
		    "is not replaced, and the bot's device stays "
		    "unverified, so Element users may not share room keys "
		    "with it.  To let the bot set up its own: reset the "
		    "account's cross-signing (in Element, signed in as the "
		    "bot: Settings > Encryption > Reset cryptographic "
		    "identity), then restart the bot", e->name, seen.master,
		    mine ? " (its own is " : "", mine ? mine : "",
		    mine ? ")" : "");
		b->step = XS_DONE;
		return;
	}
	if (!seen.has_master) {
		if (!held && mxc_xsign_keys(e->mxc, 1, err, sizeof(err)) !=
		    1) {
			xs_stop(e, "encryption: cross-signing keys", err);
			return;
		}
		log_info("matrix %s: cross-signing: %s master key %s",
		    e->name, held ? "uploading the" : "made a new",
		    mxc_xsign_public(e->mxc, MXC_XS_MASTER));
		b->step = XS_UPLOAD;
	} else if (!seen.device_signed)
		b->step = XS_SIGN;
	else
		b->step = XS_SSSS;
	xs_next(e);
}

/* ---- upload, with user-interactive auth when asked ---- */

/* Whether a UIA answer offers m.login.password alone in a flow. */
static int
offers_password(const cJSON *j)
{
	const cJSON *f, *st;

	cJSON_ArrayForEach(f, json_arr(j, "flows")) {
		st = json_arr(f, "stages");
		if (cJSON_GetArraySize(st) == 1 && cJSON_IsString(st->child) &&
		    strcmp(st->child->valuestring, "m.login.password") == 0)
			return 1;
	}
	return 0;
}

static void
on_upload(const struct http_result *r, void *ctx)
{
	struct mxe *e = ctx;
	struct xboot *b = e->boot;
	char why[512];
	cJSON *j;

	b->req = NULL;
	if (r->status == 200) {
		log_info("matrix %s: cross-signing keys uploaded", e->name);
		mxc_xsign_mark(e->mxc, "uploaded", "1");
		b->step = XS_SIGN;
		xs_next(e);
		return;
	}
	if (transient(r)) {
		xs_later(e, "keys/device_signing/upload", r, NULL);
		return;
	}
	j = r->status == 401 ? cJSON_Parse(r->body) : NULL;
	snprintf(why, sizeof(why), "HTTP %ld: %.300s", r->status, r->body);
	if (j == NULL || !json_arr(j, "flows")) {
		cJSON_Delete(j);
		xs_stop(e, "cross-signing: the homeserver refused the keys",
		    why);
		return;
	}
	if (b->uia) {
		cJSON_Delete(j);
		xs_stop(e, "cross-signing: the homeserver refused the "
		    "password for user-interactive auth; check password "
		    "(or password_file)", why);
		return;
	}
	if (!offers_password(j)) {
		cJSON_Delete(j);
		xs_stop(e, "cross-signing: the homeserver asks for a "
		    "user-interactive auth other than m.login.password, "
		    "which the bot cannot do; set up the bot's "
		    "cross-signing keys with the homeserver's admin, or "
		    "allow password auth", why);
		return;
	}
	if (e->password == NULL) {
		cJSON_Delete(j);
		xs_stop(e, "cross-signing: the homeserver asks for the "
		    "account's password to upload cross-signing keys, and "
		    "only an access token is configured; add password (or "
		    "password_file) to the [matrix] section and restart", why);
		return;
	}
	free(b->session);
	b->session = json_str(j, "session") ? xstrdup(json_str(j,
	    "session")) : NULL;
	cJSON_Delete(j);
	b->uia = 1;
	xs_next(e);	/* again, with the password */
}

/* ---- sign our device ---- */

static void
on_sign(const struct http_result *r, void *ctx)
{
	struct mxe *e = ctx;
	struct xboot *b = e->boot;
	const cJSON *f;
	cJSON *j;

	b->req = NULL;
	if (r->status != 200) {
		xs_later(e, "keys/signatures/upload", r, NULL);
		return;
	}
	j = cJSON_Parse(r->body);
	f = json_obj(j, "failures");
	if (f && f->child) {
		cJSON_Delete(j);
		xs_later(e, "keys/signatures/upload", r, "failures listed");
		return;
	}
	cJSON_Delete(j);
	log_info("matrix %s: cross-signing: device %s signed by the "
	    "self-signing key", e->name, mxc_device_id(e->mxc));
	mxc_xsign_mark(e->mxc, "signed", mxc_device_id(e->mxc));
	b->step = XS_SSSS;
	xs_next(e);
}

/* ---- secret storage ---- */

/* The key id: from the key, so that a retry names the same one. */
static void
ssss_id(const uint8_t key[32], char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned n = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, "techpay secret storage key id", 29);
	EVP_DigestUpdate(c, key, 32);
	EVP_DigestFinal_ex(c, md, &n);
	EVP_MD_CTX_free(c);
	for (i = 0; i < XS_SSSS_ID_LEN / 2; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[XS_SSSS_ID_LEN] = '\0';
}

/* Gives the recovery key once: to the operator's file, or the log. */
static void
give_recovery(struct mxe *e, const uint8_t key[32])
{
	char rk[SSSS_RECOVERY_SIZE];
	int fd = -1;
	size_t n;

	if (ssss_recovery_encode(key, rk, sizeof(rk)) == -1)
		return;
	n = strlen(rk);
	if (e->recovery_file) {
		fd = open(e->recovery_file, O_WRONLY | O_CREAT | O_TRUNC |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 && (write(fd, rk, n) != (ssize_t)n ||
		    write(fd, "\n", 1) != 1 || close(fd) == -1)) {
			log_error("matrix %s: recovery_key_file %s: %s",
			    e->name, e->recovery_file, strerror(errno));
			fd = -1;
		} else if (fd == -1)
			log_error("matrix %s: recovery_key_file %s: %s",
			    e->name, e->recovery_file, strerror(errno));
	}
	if (fd != -1)
		log_warn("matrix %s: cross-signing: the recovery key of the "
		    "account's secret storage is in %s; keep it safe and "
		    "away from the state directory", e->name,
		    e->recovery_file);
	else
		log_warn("matrix %s: cross-signing: the recovery key of the "
		    "account's secret storage, shown this once: %s -- keep "
		    "it safe and away from the state directory: with it a "
		    "client (Element) can restore the bot's cross-signing "
		    "keys", e->name, rk);
	OPENSSL_cleanse(rk, sizeof(rk));
}

/* The next account data PUT of secret storage into path and body: 1,
 * or 0 when all were put. */
static int
ssss_put(struct mxe *e, const uint8_t key[32], struct buf *path,
    struct buf *body)
{
	struct xboot *b = e->boot;
	char seed[VZ_SEED_SIZE], type[128], *s;
	cJSON *c = NULL, *enc;
	int which;

	if (b->put == 0) {
		snprintf(type, sizeof(type), "m.secret_storage.key.%s",
		    b->ssss_id);
		c = ssss_key_description(key, NULL);
	} else if (b->put <= MXC_XS_N) {
		which = b->put - 1;
		snprintf(type, sizeof(type), "%s", mxc_xsign_secret[which]);
		if (mxc_xsign_seed(e->mxc, which, seed, sizeof(seed)) == 0 &&
		    (enc = ssss_encrypt(key, type, seed, strlen(seed),
		    NULL)) != NULL) {
			c = cJSON_CreateObject();
			cJSON_AddItemToObject(cJSON_AddObjectToObject(c,
			    "encrypted"), b->ssss_id, enc);
		}
		OPENSSL_cleanse(seed, sizeof(seed));
	} else if (b->put == MXC_XS_N + 1) {
		snprintf(type, sizeof(type), "m.secret_storage.default_key");
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "key", b->ssss_id);
	} else
		return 0;
	if (c == NULL)
		return -1;
	buf_puts(path, API "/user/");
	http_escape(path, mxc_user_id(e->mxc));
	buf_puts(path, "/account_data/");
	http_escape(path, type);
	s = cJSON_PrintUnformatted(c);
	buf_puts(body, s);
	free(s);
	cJSON_Delete(c);
	return 1;
}

static void
on_ssss(const struct http_result *r, void *ctx)
{
	struct mxe *e = ctx;
	struct xboot *b = e->boot;

	b->req = NULL;
	if (r->status != 200) {
		xs_later(e, "secret storage (account_data)", r, NULL);
		return;
	}
	b->put++;
	xs_next(e);
}

/* ---- the steps ---- */

static void
xs_next(struct mxe *e)
{
	struct xboot *b = e->boot;
	struct buf u = {0}, path = {0}, body = {0};
	uint8_t key[32];
	char err[MXC_ERR_MAX];
	cJSON *q, *auth, *id;
	char *s;
	int rc;

	switch (b->step) {
	case XS_QUERY:
		q = cJSON_CreateObject();
		cJSON_AddArrayToObject(cJSON_AddObjectToObject(q,
		    "device_keys"), mxc_user_id(e->mxc));
		s = cJSON_PrintUnformatted(q);
		buf_puts(&body, s);
		free(s);
		cJSON_Delete(q);
		mxe_url(e, &u, API "/keys/query");
		b->req = http_request(e->http, "POST", buf_str(&u), e->token,
		    buf_str(&body), MXE_TIMEOUT_MS, on_query, e);
		break;
	case XS_UPLOAD:
		auth = NULL;
		if (b->uia) {
			auth = cJSON_CreateObject();
			cJSON_AddStringToObject(auth, "type",
			    "m.login.password");
			id = cJSON_AddObjectToObject(auth, "identifier");
			cJSON_AddStringToObject(id, "type", "m.id.user");
			cJSON_AddStringToObject(id, "user",
			    mxc_user_id(e->mxc));
			cJSON_AddStringToObject(auth, "password", e->password);
			if (b->session)
				cJSON_AddStringToObject(auth, "session",
				    b->session);
		}
		rc = mxc_xsign_upload_body(e->mxc, auth, &body);
		if (auth) {
			/* the password: wiped from our copies */
			cJSON *pw = cJSON_GetObjectItemCaseSensitive(auth,
			    "password");

			explicit_bzero(pw->valuestring,
			    strlen(pw->valuestring));
			cJSON_Delete(auth);
		}
		if (rc == -1) {
			xs_stop(e, "cross-signing", "the keys could not be "
			    "signed");
			break;
		}
		mxe_url(e, &u, API "/keys/device_signing/upload");
		b->req = http_request(e->http, "POST", buf_str(&u), e->token,
		    buf_str(&body), MXE_TIMEOUT_MS, on_upload, e);
		break;
	case XS_SIGN:
		if (mxc_xsign_signatures_body(e->mxc, &body) == -1) {
			xs_stop(e, "cross-signing", "the device could not be "
			    "signed");
			break;
		}
		mxe_url(e, &u, API "/keys/signatures/upload");
		b->req = http_request(e->http, "POST", buf_str(&u), e->token,
		    buf_str(&body), MXE_TIMEOUT_MS, on_sign, e);
		break;
	case XS_SSSS:
		if (mxc_xsign_marked(e->mxc, "ssss", "1")) {
			log_info("matrix %s: cross-signing in place, master "
			    "key %s", e->name, mxc_xsign_public(e->mxc,
			    MXC_XS_MASTER));
			b->step = XS_DONE;
			break;
		}
		if (mxc_ssss_key(e->mxc, key, err, sizeof(err)) == -1) {
			xs_stop(e, "encryption: secret storage", err);
			break;
		}
		ssss_id(key, b->ssss_id);
		rc = ssss_put(e, key, &path, &body);
		if (rc == 1) {
			mxe_url(e, &u, buf_str(&path));
			b->req = http_request(e->http, "PUT", buf_str(&u),
			    e->token, buf_str(&body), MXE_TIMEOUT_MS, on_ssss,
			    e);
		} else if (rc == 0) {
			log_info("matrix %s: cross-signing keys kept in the "
			    "account's secret storage (key %s)", e->name,
			    b->ssss_id);
			give_recovery(e, key);
			mxc_xsign_mark(e->mxc, "ssss", "1");
			b->step = XS_DONE;
			b->fails = 0;
		} else
			xs_stop(e, "encryption: secret storage", "a secret "
			    "could not be encrypted");
		OPENSSL_cleanse(key, sizeof(key));
		break;
	case XS_DONE:
	case XS_WAIT:
		break;
	}
	/* the bodies held the password or secrets */
	if (body.s)
		OPENSSL_cleanse(body.s, body.len);
	buf_free(&body);
	buf_free(&path);
	buf_free(&u);
}
