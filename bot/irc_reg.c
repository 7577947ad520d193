/*
 * irc_reg.c -- IRC registration, and every server line read before
 * libircclient (irc_int.h).
 *
 * CAP LS/REQ (account-tag, sasl), SASL PLAIN or EXTERNAL in
 * AUTHENTICATE chunks, refusals of PASS and of the login; then each line
 * the link reads: IRCv3 tags taken off (the account kept for the
 * handlers), ISUPPORT read whole, and lines libircclient's parser could
 * not take dropped.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libirc_rfcnumeric.h>
#include <openssl/evp.h>

#include "buf.h"
#include "irc_int.h"
#include "log.h"
#include "policy.h"
#include "text.h"

/* ---- SASL, seen by the link before libircclient --------------------- */

static const char *
sasl_mech_name(enum config_sasl m)
{
	return m == CONFIG_SASL_EXTERNAL ? "EXTERNAL" : "PLAIN";
}

static void	sasl_end(struct net *, int, const char *);

static void
sasl_send_credentials(struct net *n)
{
	const char *u, *pw;
	size_t ul, pl, rl, off, blen;
	unsigned char *raw;
	char *b64, line[SASL_CHUNK + 32];

	if (n->sasl_mech == CONFIG_SASL_EXTERNAL) {
		/* the certificate is the credential; "+" is an empty
		 * authorization identity: the certificate's own account */
		link_send(n->link, "AUTHENTICATE +", 1);
		return;
	}
	u = n->cf->sasl_user;
	pw = n->cf->sasl_password;
	if (u == NULL || pw == NULL) {	/* config_sasl says PLAIN only with both */
		sasl_end(n, 0, "no sasl_user or sasl_password for PLAIN");
		return;
	}
	ul = strlen(u);
	pl = strlen(pw);
	rl = ul * 2 + pl + 2;
	raw = xmalloc(rl);
	b64 = xmalloc(4 * ((rl + 2) / 3) + 1);
	memcpy(raw, u, ul);		/* authzid \0 authcid \0 password */
	raw[ul] = '\0';
	memcpy(raw + ul + 1, u, ul);
	raw[2 * ul + 1] = '\0';
	memcpy(raw + 2 * ul + 2, pw, pl);
	blen = (size_t)EVP_EncodeBlock((unsigned char *)b64, raw, (int)rl);
	for (off = 0; off < blen; off += SASL_CHUNK) {
		size_t c = blen - off < SASL_CHUNK ? blen - off : SASL_CHUNK;

		snprintf(line, sizeof(line), "AUTHENTICATE %.*s", (int)c,
		    b64 + off);
		link_send(n->link, line, 1);
	}
	if (blen % SASL_CHUNK == 0)	/* a full last chunk needs a "+" */
		link_send(n->link, "AUTHENTICATE +", 1);
	explicit_bzero(raw, rl);
	explicit_bzero(b64, blen);
	free(raw);
	free(b64);
}

static void
sasl_end(struct net *n, int ok, const char *why)
{
	if (n->sasl_timer) {
		loop_del_timer(n->irc->loop, n->sasl_timer);
		n->sasl_timer = 0;
	}
	n->sasl = ok ? SASL_DONE : SASL_FAILED;
	if (ok)
		log_info("%s: SASL: logged in as %s (%s)", n->cf->name,
		    n->sasl_account[0] ? n->sasl_account :
		    n->cf->sasl_user ? n->cf->sasl_user : "?",
		    sasl_mech_name(n->sasl_mech));
	else
		log_error("%s: SASL authentication failed: %s%s", n->cf->name,
		    why, n->cf->sasl_required ? " (sasl_required: "
		    "disconnecting)" : "");
	if (!ok && n->cf->sasl_required) {
		/* no CAP END: registration must not complete without SASL */
		n->auth_failed = 1;
		link_send(n->link, "QUIT :SASL authentication failed", 1);
		return;
	}
	link_send(n->link, "CAP END", 1);
	n->cap = CAP_DONE;
}

long
sasl_timeout(struct loop *l, void *ctx)
{
	struct net *n = ctx;

	(void)l;
	n->sasl_timer = 0;
	if (n->link && n->sasl != SASL_OFF && n->sasl != SASL_DONE &&
	    n->sasl != SASL_FAILED)
		sasl_end(n, 0, "no answer from the server in time");
	else if (n->link && n->cap == CAP_LS) {
		/* a server that never finishes CAP: register without it */
		link_send(n->link, "CAP END", 1);
		n->cap = CAP_DONE;
	}
	return LOOP_NOMORE;
}

/* Splits ":prefix CMD a b :trailing" in place; returns the param count. */
static int
parse_line(char *line, char **cmd, char **par, int max)
{
	char *p = line;
	int n = 0;

	if (*p == '@')		/* message tags */
		p += strcspn(p, " ") + strspn(p + strcspn(p, " "), " ");
	if (*p == ':')
		p += strcspn(p, " ") + strspn(p + strcspn(p, " "), " ");
	*cmd = p;
	p += strcspn(p, " ");
	while (*p == ' ')
		*p++ = '\0';
	while (*p && n < max) {
		if (*p == ':') {
			par[n++] = p + 1;
			break;
		}
		par[n++] = p;
		p += strcspn(p, " ");
		while (*p == ' ')
			*p++ = '\0';
	}
	return n;
}

/*
 * The sasl capability in a CAP LS list: 0 when absent, 1 when present
 * and listing mech (or, before CAP 302, no mechanisms), -1 when its
 * list (returned in *list) lacks mech.
 */
static int
cap_sasl(const char *caps, const char *mech, const char **list,
    size_t *listlen)
{
	const char *p = caps, *v, *end;
	size_t n, m, ml = strlen(mech);

	for (; *p; p += n) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n < 4 || strncmp(p, "sasl", 4) || (n > 4 && p[4] != '='))
			continue;
		if (n <= 5)
			return 1;
		*list = p + 5;
		*listlen = n - 5;
		for (v = p + 5, end = p + n; v < end; v += m + 1) {
			for (m = 0; v + m < end && v[m] != ','; m++)
				;
			if (m == ml && !strncasecmp(v, mech, ml))
				return 1;
		}
		return -1;
	}
	return 0;
}

/*
 * A wrong or missing server password, before 001: 464, or an ERROR that
 * speaks of a password (ngircd sends only "ERROR :Access denied: Bad
 * password?").  Trying again at once cannot help: the next try waits
 * reconnect_max, as after a refused SASL login.  Returns 1 to keep the
 * line from libircclient (its 464 would be logged a second time).
 */
static int
pass_refused(struct net *n, const char *cmd, int np, char **par)
{
	const char *why;

	if (n->state != NET_REGISTERING)
		return 0;
	if (!strcmp(cmd, "464"))
		why = np > 1 ? par[np - 1] : "password incorrect";
	else if (!strcmp(cmd, "ERROR") && np > 0 &&
	    strcasestr(par[0], "password"))
		why = par[0];
	else
		return 0;
	n->auth_failed = 1;
	log_error("%s: server password refused (%s %s): %s", n->cf->name,
	    cmd, why, n->cf->server_password ? "server_password is wrong" :
	    "the server needs server_password");
	return cmd[0] == '4';
}

/* 1 if caps (a CAP LS or ACK list) names cap, valued or not. */
static int
cap_has(const char *caps, const char *cap)
{
	size_t n = strlen(cap);
	const char *p;

	for (p = caps; (p = strstr(p, cap)) != NULL; p += n)
		if ((p == caps || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
			return 1;
	return 0;
}

/* The server's CAP LS is complete: ask for what we use, then end the
 * negotiation or go on to SASL. */
static void
cap_ls_done(struct net *n, int has_sasl, const char *mechs, size_t nmechs)
{
	char why[256];

	if (n->tag_offered)
		link_send(n->link, "CAP REQ :account-tag", 1);
	if (n->sasl != SASL_LS) {
		link_send(n->link, "CAP END", 1);
		n->cap = CAP_DONE;
		return;
	}
	if (has_sasl == 1) {
		link_send(n->link, "CAP REQ :sasl", 1);
		n->sasl = SASL_REQ;
	} else if (has_sasl == -1) {
		snprintf(why, sizeof(why), "the server does not offer SASL %s "
		    "(only %.*s)", sasl_mech_name(n->sasl_mech), (int)nmechs,
		    mechs);
		sasl_end(n, 0, why);
	} else
		sasl_end(n, 0, "the server does not offer SASL");
}

/* Registration lines the adapter answers itself: CAP, SASL, PASS
 * errors.  1 when the line is consumed. */
static int
registration_line(struct net *n, const char *line)
{
	char *copy, *cmd, *par[16], why[256];
	const char *mechs = "", *mech = sasl_mech_name(n->sasl_mech);
	size_t nmechs = 0;
	int np, consumed = 0, code;

	if (n->state != NET_REGISTERING && n->cap == CAP_DONE &&
	    (n->sasl == SASL_OFF || n->sasl == SASL_DONE ||
	    n->sasl == SASL_FAILED))
		return 0;	/* registered: nothing to look at here */
	copy = xstrdup(line);
	np = parse_line(copy, &cmd, par, 16);
	code = atoi(cmd);
	if (pass_refused(n, cmd, np, par)) {
		free(copy);
		return 1;
	}
	if (strcmp(cmd, "CAP") == 0 && np >= 2) {
		consumed = 1;
		if (!strcmp(par[1], "LS") && n->cap == CAP_LS) {
			int more = np >= 4 && !strcmp(par[2], "*");
			int has = n->sasl == SASL_LS ? cap_sasl(par[np - 1],
			    mech, &mechs, &nmechs) : 0;

			if (cap_has(par[np - 1], "account-tag"))
				n->tag_offered = 1;
			if (has == 1 && n->sasl == SASL_LS)
				n->sasl_offered = 1;
			if (!more)
				cap_ls_done(n, n->sasl_offered ? 1 : has,
				    mechs, nmechs);
		} else if (!strcmp(par[1], "ACK")) {
			if (cap_has(par[np - 1], "account-tag"))
				n->account_tag = 1;
			if (cap_has(par[np - 1], "sasl") &&
			    n->sasl == SASL_REQ) {
				snprintf(why, sizeof(why), "AUTHENTICATE %s",
				    mech);
				link_send(n->link, why, 1);
				n->sasl = SASL_AUTH;
			}
		} else if (!strcmp(par[1], "NAK")) {
			if (cap_has(par[np - 1], "sasl") &&
			    n->sasl == SASL_REQ)
				sasl_end(n, 0, "the server refused the sasl "
				    "capability");
		}
	} else if (code == 421 && np >= 2 && !strcmp(par[1], "CAP")) {
		/* a server without CAP registers us anyway */
		consumed = 1;
		n->cap = CAP_DONE;
		if (n->sasl == SASL_LS)
			sasl_end(n, 0, "the server does not support CAP");
	} else if (code == 1)
		n->cap = CAP_DONE;
	else if (n->sasl == SASL_OFF || n->sasl == SASL_DONE ||
	    n->sasl == SASL_FAILED)
		;	/* no SASL under way */
	else if (strcmp(cmd, "AUTHENTICATE") == 0) {
		consumed = 1;
		if (np >= 1 && !strcmp(par[0], "+") && n->sasl == SASL_AUTH)
			sasl_send_credentials(n);
	} else if (code == 900 || code == 901) {
		consumed = 1;
		if (code == 900 && np >= 3)	/* nick mask account :text */
			snprintf(n->sasl_account, sizeof(n->sasl_account), "%s",
			    par[2]);
	} else if (code == 903) {
		consumed = 1;
		sasl_end(n, 1, NULL);
	} else if (code == 902 || code == 904 || code == 905 || code == 906 ||
	    code == 907 || code == 908) {
		consumed = 1;
		snprintf(why, sizeof(why), "%s%s", np > 0 ? par[np - 1] :
		    "refused", code == 904 && n->sasl_mech ==
		    CONFIG_SASL_EXTERNAL ? " (EXTERNAL: is the certificate's "
		    "fingerprint on the account? NickServ CERT ADD)" : "");
		if (code != 908)
			sasl_end(n, 0, why);
	}
	free(copy);
	return consumed;
}

/*
 * A line with IRCv3 message tags, as libircclient (which knows no tags)
 * can take it: the tags go, and an account tag is kept in the prefix
 * after a \001 ("nick!user@host\001account"), a byte no real prefix
 * holds.  The handlers split it off again (split_origin).  Freed by the
 * caller.
 */
static char *
untag(const char *line)
{
	const char *sp = line + strcspn(line, " "), *p, *next, *rest;
	const char *acct = NULL, *pend;
	size_t alen = 0, i;
	struct buf b = {0};

	for (p = line + 1; p < sp; p = next + 1) {
		next = memchr(p, ';', (size_t)(sp - p));
		if (next == NULL)
			next = sp;
		if (next - p > 8 && strncmp(p, "account=", 8) == 0) {
			acct = p + 8;
			alen = (size_t)(next - acct);
		}
	}
	for (rest = sp; *rest == ' '; rest++)
		;
	for (i = 0; acct && i < alen; i++)	/* escaped or odd: ignored */
		if (acct[i] == '\\' || (unsigned char)acct[i] < 0x21 ||
		    acct[i] == '!' || acct[i] == '@')
			acct = NULL;
	if (acct && alen > 0 && alen < 64 && *rest == ':') {
		pend = rest + strcspn(rest, " ");
		buf_printf(&b, "%.*s\001%.*s%s", (int)(pend - rest), rest,
		    (int)alen, acct, pend);
	} else
		buf_puts(&b, rest);
	return buf_steal(&b);
}

/*
 * Whether libircclient's parser can take line, read as it reads it (one
 * space after the prefix, each space ends a parameter).  It dereferences
 * what a server line does not have: the prefix of a NICK (or any line
 * but PING), the second parameter of a NOTICE, the command of "000"
 * (any three digits are a numeric, and it steps four bytes on); and a
 * line that ends after its prefix or command sends it past the line
 * into stale bytes.  So: a prefix, a command, a parameter after it, a
 * numeric of three digits but not 000, two parameters for PRIVMSG and
 * NOTICE.  Real servers send nothing else to a client; CAP,
 * AUTHENTICATE and PASS errors are read before (registration_line).
 */
static int
parsable(const char *line)
{
	const char *c = line, *p;
	size_t len;
	int params = 0;

	if (*c == ':') {
		c += strcspn(c, " ");
		if (c == line + 1 || *c != ' ')
			return 0;
		c++;
	} else if (strncmp(c, "PING ", 5) != 0)
		return 0;
	len = strcspn(c, " ");
	if (len == 0 || c[len] != ' ' || c[len + 1] == '\0')
		return 0;
	if (isdigit((unsigned char)c[0]) && isdigit((unsigned char)c[1]) &&
	    isdigit((unsigned char)c[2]) && (len != 3 ||
	    strncmp(c, "000", 3) == 0))
		return 0;
	for (p = c + len + 1; *p; p++, params++) {
		if (*p == ':') {
			params++;
			break;
		}
		p += strcspn(p, " ");
		if (*p == '\0') {
			params++;
			break;
		}
	}
	if ((len == 6 && strncmp(c, "NOTICE", 6) == 0) ||
	    (len == 7 && strncmp(c, "PRIVMSG", 7) == 0))
		return params >= 2;
	return params >= 1;
}

/*
 * RPL_ISUPPORT (005) read here, whole: libircclient hands its handlers
 * ten parameters at most, and a server's 005 has more (CHANMODES is
 * often past the tenth).
 */
static void
isupport_line(struct net *n, const char *line)
{
	char *copy, *cmd, *par[16];
	int np, i;

	if (strncmp(line + strcspn(line, " "), " 005 ", 5) != 0)
		return;
	copy = xstrdup(line);
	np = parse_line(copy, &cmd, par, 16);
	/* me TOKEN[=VALUE]... :are supported by this server */
	for (i = 1; strcmp(cmd, "005") == 0 && i + 1 < np; i++)
		isupport(n, par[i]);
	free(copy);
}

int
link_server_line(struct link *k, char *line, void *ctx)
{
	struct net *n = ctx;
	char *clean;
	int consumed = 1;

	clean = line[0] == '@' ? untag(line) : line;
	isupport_line(n, clean);
	if (registration_line(n, clean))
		;
	else if (!parsable(clean))
		log_debug("%s: a server line libircclient cannot parse; "
		    "dropped", n->cf->name);
	else if (clean == line)
		consumed = 0;	/* onwards as it is */
	else
		link_pass(k, clean);	/* the untagged line */
	if (clean != line)
		free(clean);
	return consumed;
}

