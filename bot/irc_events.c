/*
 * irc_events.c -- libircclient's events, for the IRC adapter
 * (irc_int.h): the welcome (channels joined, the main nick regained),
 * numerics (ISUPPORT, WHOIS answers, nick in use), messages and CTCP,
 * invites, joins, parts, kicks, modes and notices.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libirc_rfcnumeric.h>

#include "irc_int.h"
#include "log.h"
#include "policy.h"
#include "text.h"

static void	invite_decide(struct net *, const char *, const char *,
    const char *, int);

/* ---- libircclient events ------------------------------------------------ */

static struct net *
net_of(irc_session_t *s)
{
	return irc_get_ctx(s);
}

void
join_all(struct net *n)
{
	int i;

	for (i = 0; i < n->cf->nchannels; i++)
		sendf(n, 0, "JOIN %s%s%s", n->cf->channels[i].name,
		    n->cf->channels[i].key ? " " : "",
		    n->cf->channels[i].key ? n->cf->channels[i].key : "");
}

static long
regain(struct loop *l, void *ctx)
{
	struct net *n = ctx;

	(void)l;
	if (n->state == NET_UP && strcasecmp(n->nick, n->cf->nicks[0]) != 0)
		sendf(n, 0, "NICK %s", n->cf->nicks[0]);
	return REGAIN_EVERY_MS;
}

static void
ev_connect(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char msg[256];
	const char *ns;

	(void)ev;
	(void)origin;
	n->state = NET_UP;
	n->failures = 0;
	n->auth_failed = 0;
	if (count > 0)
		snprintf(n->nick, sizeof(n->nick), "%s", p[0]);
	log_info("%s: registered as %s on %s", n->cf->name, n->nick,
	    n->cf->servers[n->server].host);
	if ((ns = config_nickserv_target(n->cf)) != NULL) {
		snprintf(msg, sizeof(msg), "IDENTIFY %s",
		    n->cf->nickserv_password);
		sendf(n, 0, "PRIVMSG %s :%s", ns, msg);
		explicit_bzero(msg, sizeof(msg));
	}
	join_all(n);
	if (n->regain_timer == 0)
		n->regain_timer = loop_add_timer(n->irc->loop, REGAIN_EVERY_MS,
		    regain, n);
}

/* One line of a WHOIS answer, for what waits on it (see struct invite). */
static void
whois_reply(struct net *n, unsigned int code, const char **p,
    unsigned int count)
{
	long long now = loop_now_ms();
	char uh[256];
	int i;

	for (i = 0; i < INVITES_MAX; i++) {
		struct invite *iv = &n->invites[i];
		const char *account;
		int owner;

		if (iv->nick[0] == '\0' || strcasecmp(iv->nick, p[1]) != 0)
			continue;
		if (code == 311) {
			const char *bang = strchr(iv->origin, '!');

			snprintf(uh, sizeof(uh), "%s@%s", count >= 4 ? p[2] :
			    "?", count >= 4 ? p[3] : "?");
			iv->user_ok = count >= 4 && bang &&
			    strcasecmp(bang + 1, uh) == 0;
			if (!iv->user_ok)
				log_warn("%s: WHOIS %s names %s, not the asker "
				    "%s: not vouched for", n->cf->name,
				    iv->nick, uh, iv->origin);
			continue;
		}
		if (code == 330) {
			if (iv->user_ok && count >= 3)
				snprintf(iv->account, sizeof(iv->account), "%s",
				    p[2]);
			continue;
		}
		/* 318: the end.  Late, or about someone else: no account. */
		account = iv->user_ok && iv->account[0] && now <= iv->expires ?
		    iv->account : NULL;
		if (iv->command)
			answer_as(n, iv->origin, iv->channel, iv->direct,
			    iv->command, account);
		else {
			owner = owner_by(n, iv->origin, account);
			invite_decide(n, iv->origin, iv->channel, account,
			    owner);
		}
		free(iv->command);
		memset(iv, 0, sizeof(*iv));
	}
}

/* The modes of a new connection, until its ISUPPORT says otherwise. */
void
modes_default(struct net *n)
{
	snprintf(n->modes_list, sizeof(n->modes_list), "beI");
	snprintf(n->modes_arg, sizeof(n->modes_arg), "k");
	snprintf(n->modes_set_arg, sizeof(n->modes_set_arg), "l");
	snprintf(n->modes_status, sizeof(n->modes_status), "qaohv");
}

/* One ISUPPORT token: CHANMODES=A,B,C,D and PREFIX=(modes)symbols. */
void
isupport(struct net *n, const char *tok)
{
	char *v[4] = { n->modes_list, n->modes_arg, n->modes_set_arg, NULL };
	size_t len;
	int i;

	if (strncmp(tok, "CHANMODES=", 10) == 0) {
		tok += 10;
		for (i = 0; i < 3; i++) {
			len = strcspn(tok, ",");
			snprintf(v[i], sizeof(n->modes_list), "%.*s",
			    (int)len, tok);
			tok += len;
			if (*tok == ',')
				tok++;
		}
	} else if (strncmp(tok, "PREFIX=(", 8) == 0) {
		tok += 8;
		snprintf(n->modes_status, sizeof(n->modes_status), "%.*s",
		    (int)strcspn(tok, ")"), tok);
	}
}

static void
ev_numeric(irc_session_t *s, unsigned int code, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);

	(void)origin;
	if ((code == LIBIRC_RFC_ERR_NICKNAMEINUSE ||
	    code == LIBIRC_RFC_ERR_ERRONEUSNICKNAME ||
	    code == 437 /* ERR_UNAVAILRESOURCE */) && n->state != NET_UP) {
		char alt[64];

		n->nick_try++;
		if (n->nick_try < n->cf->nnicks)
			snprintf(alt, sizeof(alt), "%s",
			    n->cf->nicks[n->nick_try]);
		else	/* all taken: the main nick with a number */
			snprintf(alt, sizeof(alt), "%.20s%d", n->cf->nicks[0],
			    n->nick_try);
		log_warn("%s: nick %s is taken, trying %s", n->cf->name,
		    count > 1 ? p[1] : "?", alt);
		snprintf(n->nick, sizeof(n->nick), "%s", alt);
		sendf(n, 0, "NICK %s", alt);
	} else if ((code == 311 || code == 330 || code == 318) &&
	    count >= 2) {
		/* RPL_WHOISUSER me nick user host * :real,
		 * RPL_WHOISACCOUNT me nick account, RPL_ENDOFWHOIS me nick */
		whois_reply(n, code, p, count);
	} else if (code == 353 && count >= 4) {
		/* RPL_NAMREPLY me = #chan :@op +voice nick ~owner */
		char *names = xstrdup(p[3]), *tok, *save;

		for (tok = strtok_r(names, " ", &save); tok;
		    tok = strtok_r(NULL, " ", &save)) {
			size_t pre = strspn(tok, "~&@%+");

			if (strcspn(tok, "~&@") < pre && tok[pre])
				op_set(n, p[2], tok + pre, 1);
		}
		free(names);
	} else if (code == 465 || code == 464)	/* banned, bad password */
		log_error("%s: the server refused us: %s", n->cf->name,
		    count > 1 ? p[count - 1] : "?");
}

/* The holder of our main nick (who) just left it: take it back. */
static void
regain_if_freed(struct net *n, const char *who)
{
	if (strcasecmp(who, n->cf->nicks[0]) == 0 &&
	    strcasecmp(n->nick, n->cf->nicks[0]) != 0)
		sendf(n, 0, "NICK %s", n->cf->nicks[0]);
}

static void
ev_nick(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char who[64];

	(void)ev;
	origin_nick(origin, who, sizeof(who));
	whois_cancel(n, who);
	if (count > 0) {
		int i;

		for (i = 0; i < n->nops; i++)
			if (!strcasecmp(n->ops[i].nick, who))
				snprintf(n->ops[i].nick, sizeof(n->ops[i].nick),
				    "%s", p[0]);
	}
	if (count > 0 && strcasecmp(who, n->nick) == 0) {
		snprintf(n->nick, sizeof(n->nick), "%s", p[0]);
		log_info("%s: now known as %s", n->cf->name, n->nick);
	} else
		regain_if_freed(n, who);
}

static void
ev_quit(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char who[64];

	(void)ev;
	(void)p;
	(void)count;
	origin_nick(origin, who, sizeof(who));
	whois_cancel(n, who);
	op_forget(n, NULL, who);
	regain_if_freed(n, who);
}

static void
ev_channel(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	(void)ev;
	if (count >= 2)
		net_answer(net_of(s), origin, p[0], 0, p[1]);
}

static void
ev_privmsg(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	(void)ev;
	if (count >= 2)
		net_answer(net_of(s), origin, p[0], 1, p[1]);
}

static void
ev_ctcp(irc_session_t *s, const char *ev, const char *tagged,
    const char **p, unsigned int count)
{
	char nick[64], reply[256], origin[256], account[64];

	(void)ev;
	if (count < 1 || tagged == NULL)
		return;
	split_origin(tagged, origin, sizeof(origin), account, sizeof(account));
	/* a reply is a line on the queue like an answer: counted */
	if (count_of(net_of(s), origin, account[0] ? account : NULL) == -1)
		return;
	origin_nick(origin, nick, sizeof(nick));
	if (strcmp(p[0], "VERSION") == 0)
		sendf_for(net_of(s), origin, 0, "NOTICE %s :\001VERSION "
		    "techpay "
		    TECHPAY_VERSION " - answers from two guides to the "
		    "highest-paying tech jobs\001", nick);
	else if (strncmp(p[0], "PING", 4) == 0 && strlen(p[0]) < 200) {
		char *clean = text_clean(p[0], strlen(p[0]));

		snprintf(reply, sizeof(reply), "%s", clean);
		free(clean);
		sendf_for(net_of(s), origin, 0, "NOTICE %s :\001%s\001",
		    nick, reply);
	}
}

static void
invite_decide(struct net *n, const char *who, const char *channel,
    const char *account, int owner)
{
	if (owner) {
		log_info("%s: invited to %s by owner %s%s%s%s", n->cf->name,
		    channel, who, account ? " (account " : "",
		    account ? account : "", account ? ")" : "");
		sendf(n, 0, "JOIN %s", channel);
	} else
		log_info("%s: ignored an invite to %s from %s (not an owner)",
		    n->cf->name, channel, who);
}

static void
ev_invite(irc_session_t *s, const char *ev, const char *tagged,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char origin[256], account[64];

	(void)ev;
	if (count < 2 || tagged == NULL)
		return;
	split_origin(tagged, origin, sizeof(origin), account, sizeof(account));
	if (n->account_tag) {
		const char *a = account[0] ? account : NULL;

		invite_decide(n, origin, p[1], a, owner_by(n, origin, a));
		return;
	}
	if (owner_by(n, origin, NULL))
		invite_decide(n, origin, p[1], NULL, 1);
	else if (policy_has_account_owners(bot_policy(n->irc->ad.bot)))
		whois_ask(n, origin, p[1], NULL, 0);	/* the account first */
	else
		invite_decide(n, origin, p[1], NULL, 0);
}

static void
ev_kick(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);

	(void)ev;
	if (count < 2)
		return;
	if (strcasecmp(p[1], n->nick) == 0) {
		log_warn("%s: kicked from %s by %s: %s", n->cf->name, p[0],
		    origin ? origin : "?", count > 2 ? p[2] : "");
		joined_set(n, p[0], 0);
		op_forget(n, p[0], NULL);
	} else
		op_forget(n, p[0], p[1]);
}

static void
ev_join(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char who[64];

	(void)ev;
	origin_nick(origin, who, sizeof(who));
	if (count >= 1 && strcasecmp(who, n->nick) == 0)
		joined_set(n, p[0], 1);
}

static void
ev_part(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	char who[64];

	(void)ev;
	if (count < 1)
		return;
	origin_nick(origin, who, sizeof(who));
	if (strcasecmp(who, n->nick) == 0) {
		joined_set(n, p[0], 0);
		op_forget(n, p[0], NULL);
	} else
		op_forget(n, p[0], who);
}

/* MODE #chan +o-v nick1 nick2: follows o (and owner q, admin a, when
 * the server has them as status modes), taking each mode's argument as
 * the server's CHANMODES says. */
static void
ev_mode(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	struct net *n = net_of(s);
	const char *m;
	unsigned int arg = 2;
	int plus = 1;

	(void)ev;
	(void)origin;
	if (count < 2 || !strchr("#&+!", p[0][0]))
		return;
	for (m = p[1]; *m; m++) {
		if (*m == '+' || *m == '-') {
			plus = *m == '+';
			continue;
		}
		if (strchr(n->modes_status, *m)) {
			if (arg < count && strchr("oqa", *m))
				op_set(n, p[0], p[arg], plus);
			arg++;
		} else if (strchr(n->modes_list, *m) ||
		    strchr(n->modes_arg, *m) ||
		    (plus && strchr(n->modes_set_arg, *m)))
			arg++;	/* modes with an argument */
	}
}

/*
 * A NOTICE to us.  NickServ's answer to IDENTIFY is the one that matters:
 * a refused password is otherwise silent (the bot runs on, unidentified,
 * and owner look-ups by account fail later for no visible reason).
 */
static void
ev_notice(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	static const char *const refusals[] = {
		"invalid password", "incorrect", "password is wrong",
		"not registered", "isn't registered", "failed", NULL
	};
	struct net *n = net_of(s);
	char who[64], *text;
	int i;

	(void)ev;
	origin_nick(origin, who, sizeof(who));
	if (count < 2 || strcasecmp(who, "NickServ") != 0 ||
	    n->cf->nickserv_password == NULL)
		return;
	text = text_clean(p[1], strlen(p[1]));
	for (i = 0; refusals[i]; i++)
		if (strcasestr(text, refusals[i])) {
			log_warn("%s: NickServ refused us: \"%.200s\" (check "
			    "nickserv_password, or use SASL)", n->cf->name,
			    text);
			break;
		}
	free(text);
}

static void
ev_ignore(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	(void)s; (void)ev; (void)origin; (void)p; (void)count;
}

/* What libircclient calls; set once, shared by every session. */
irc_callbacks_t irc_callbacks = {
	.event_connect = ev_connect,
	.event_numeric = ev_numeric,
	.event_nick = ev_nick,
	.event_quit = ev_quit,
	.event_channel = ev_channel,
	.event_privmsg = ev_privmsg,
	.event_ctcp_req = ev_ctcp,
	.event_invite = ev_invite,
	.event_kick = ev_kick,
	.event_join = ev_join,
	.event_part = ev_part,
	.event_mode = ev_mode,
	.event_umode = ev_ignore,
	.event_topic = ev_ignore,
	.event_notice = ev_notice,
	.event_channel_notice = ev_ignore,
	.event_unknown = ev_ignore,
	.event_ctcp_rep = ev_ignore,
	.event_ctcp_action = ev_ignore,
};
