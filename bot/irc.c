/*
 * irc.c -- the IRC adapter; see irc.h.
 *
 * One struct net per [network] section.  Its life: DOWN -> (link up)
 * REGISTERING -> (001) UP -> (any loss) DOWN, then a reconnect after a
 * backoff that doubles per failure (plus jitter), rotating through the
 * network's servers.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <libircclient.h>
#include <libirc_rfcnumeric.h>
#include <openssl/evp.h>

#include "config.h"
#include "highlight.h"
#include "irc.h"
#include "irc_conf.h"
#include "link.h"
#include "log.h"
#include "policy.h"
#include "text.h"

#define SASL_CHUNK	400	/* AUTHENTICATE payload bytes per line */
#define REGAIN_EVERY_MS	10000	/* try the main nick again (a 433 costs
				   nothing; not every server has MONITOR) */
#define QUIT_MESSAGE	"techpay: shutting down"

enum net_state { NET_DOWN, NET_REGISTERING, NET_UP };
enum cap_state { CAP_LS, CAP_DONE };
enum sasl_state { SASL_OFF, SASL_LS, SASL_REQ, SASL_AUTH, SASL_DONE,
	SASL_FAILED };

struct irc;

#define INVITES_MAX	32	/* invites waiting for a WHOIS answer, one
				   per person at most */
#define WHOIS_WAIT_MS	5000	/* after it leaves the queue, what waits
				   for WHOIS is dropped */
#define WHOIS_WAIT_MAX_MS 120000	/* however long the queue */
#define OPS_MAX		256	/* (channel, nick) pairs with +o or above */
#define JOINED_MAX	64	/* channels we are in */

/* A channel operator, from NAMES and MODE, for owner-or-op commands. */
struct chanop {
	char		 chan[64];
	char		 nick[64];
};

/*
 * An invite, or an owner command, waiting for WHOIS to name the sender's
 * services account (owners may be account:NAME).  The answer is about
 * whoever holds the nick when the server answers, so it counts only when
 * its user@host (RPL_WHOISUSER) is the asker's, and a NICK or QUIT of
 * the nick meanwhile cancels it: otherwise someone could ask as the
 * owner's nick, drop it, and have the owner's WHOIS vouch for them.
 */
struct invite {
	char		 nick[64];	/* "" when the slot is free */
	char		 origin[256];	/* nick!user@host, for the hostmask */
	char		 channel[128];	/* invite: where to; command: target */
	char		*command;	/* NULL for an invite */
	int		 direct;
	long long	 expires;	/* ms */
	int		 user_ok;	/* 311 named the asker's user@host */
	char		 account[64];	/* from 330, once user_ok */
};

struct net {
	struct irc		*irc;
	struct config_network	*cf;		/* our own copy */
	int			 gone;		/* removed by a reload */
	enum net_state		 state;
	struct link		*link;
	irc_session_t		*sess;
	int			 sess_fd;
	int			 sess_events;
	int			 server;	/* index into cf->servers */
	int			 failures;
	int			 auth_failed;	/* login refused: back off long */
	long			 reconnect_timer;
	long			 regain_timer;
	long			 sasl_timer;
	enum sasl_state		 sasl;
	enum config_sasl	 sasl_mech;	/* this connection's */
	char			 sasl_account[64];	/* from 900 */
	/* IRCv3: the server's account-tag names the sender's account on
	 * each message, so owners need no WHOIS (and no race) */
	enum cap_state		 cap;
	int			 tag_offered;	/* in CAP LS */
	int			 sasl_offered;	/* with our mechanism */
	int			 account_tag;	/* ACKed: a message without
						   the tag is from nobody's
						   account */
	char			 nick[64];	/* the nick we have now */
	int			 nick_try;
	struct invite		 invites[INVITES_MAX];
	struct chanop		 ops[OPS_MAX];
	int			 nops;
	char			 joined[JOINED_MAX][64];
	int			 njoined;
	/* how MODE takes its arguments, from ISUPPORT (005) CHANMODES
	 * and PREFIX: list modes (A), modes with an argument always (B)
	 * or when set (C), and status modes (nick arguments); until then
	 * RFC 1459's, with the common status modes.  Servers add modes
	 * with arguments (InspIRCd's +j, +f, +L): without these a -o
	 * after one takes the wrong argument and an op stays an op. */
	char			 modes_list[32];
	char			 modes_arg[32];
	char			 modes_set_arg[32];
	char			 modes_status[16];
	char			 key[80];	/* "irc:NAME" for highlights */
};

struct irc {
	struct adapter		 ad;
	struct loop		*loop;
	struct net		 nets[CONFIG_NETWORKS_MAX];
	int			 nnets;
	int			 stopping;
	struct answer		 ans;
};

static void net_connect(struct net *);
static void invite_decide(struct net *, const char *, const char *,
    const char *, int);
static void net_down(struct net *, const char *why);
static irc_callbacks_t callbacks;

/* ---- helpers ---------------------------------------------------------- */

/*
 * Every line the bot writes goes straight to the link's queue (the one
 * send queue, behind the token bucket).  Not through libircclient: its
 * outgoing buffer is 1 KB, and a burst of answers would overflow it.
 */
static void
sendf(struct net *n, int urgent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A line to the link: the bot's own (who NULL), or said for who (a
 * free answer's line when is_free: it waits for others' questions). */
static void
vsendf(struct net *n, int urgent, const char *who, int is_free,
    const char *fmt, va_list ap)
{
	char line[IRC_MSG_MAX * 2];

	if (n->link == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (who)
		link_send_for(n->link, who, line, is_free);
	else
		link_send(n->link, line, urgent);
}

static void
sendf(struct net *n, int urgent, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsendf(n, urgent, NULL, 0, fmt, ap);
	va_end(ap);
}

/*
 * A line said for the person origin (nick!user@host): it waits in
 * their lane of the send queue, keyed as the limit keys the one who
 * goes over (policy_member_key), so that a neighbour on the same
 * address, with the same ident even, is never in front of you; a new
 * nick buys a lane but no lines (the address's budget is shared).
 * is_free: a free answer's line (help, "more", the limit's notice),
 * sent after other people's questions.
 */
static void
sendf_for(struct net *n, const char *origin, int is_free, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
sendf_for(struct net *n, const char *origin, int is_free, const char *fmt,
    ...)
{
	struct person p = { n->key, origin ? origin : "", NULL };
	char who[POLICY_KEY_MAX];
	va_list ap;

	policy_member_key(&p, who, sizeof(who));
	va_start(ap, fmt);
	vsendf(n, 0, who, is_free, fmt, ap);
	va_end(ap);
}

static void
origin_nick(const char *origin, char *out, size_t n)
{
	size_t len = strcspn(origin ? origin : "", "!@");

	if (len >= n)
		len = n - 1;
	memcpy(out, origin ? origin : "", len);
	out[len] = '\0';
}

/* ---- who is an operator where (NAMES, MODE, NICK, PART, KICK, QUIT) ---- */

static void
op_set(struct net *n, const char *chan, const char *nick, int on)
{
	int i;

	for (i = 0; i < n->nops; i++)
		if (!strcasecmp(n->ops[i].chan, chan) &&
		    !strcasecmp(n->ops[i].nick, nick)) {
			if (!on)
				n->ops[i] = n->ops[--n->nops];
			return;
		}
	if (on && n->nops < OPS_MAX) {
		snprintf(n->ops[n->nops].chan, sizeof(n->ops[0].chan), "%s",
		    chan);
		snprintf(n->ops[n->nops].nick, sizeof(n->ops[0].nick), "%s",
		    nick);
		n->nops++;
	}
}

/* Forgets nick in chan, or everywhere when chan is NULL, or everyone in
 * chan when nick is NULL. */
static void
op_forget(struct net *n, const char *chan, const char *nick)
{
	int i;

	for (i = 0; i < n->nops; )
		if ((chan == NULL || !strcasecmp(n->ops[i].chan, chan)) &&
		    (nick == NULL || !strcasecmp(n->ops[i].nick, nick)))
			n->ops[i] = n->ops[--n->nops];
		else
			i++;
}

static int
op_is(const struct net *n, const char *chan, const char *nick)
{
	int i;

	for (i = 0; i < n->nops; i++)
		if (!strcasecmp(n->ops[i].chan, chan) &&
		    !strcasecmp(n->ops[i].nick, nick))
			return 1;
	return 0;
}

static void
joined_set(struct net *n, const char *chan, int in)
{
	int i;

	for (i = 0; i < n->njoined; i++)
		if (!strcasecmp(n->joined[i], chan)) {
			if (!in)
				memcpy(n->joined[i], n->joined[--n->njoined],
				    sizeof(n->joined[0]));
			return;
		}
	if (in && n->njoined < JOINED_MAX)
		snprintf(n->joined[n->njoined++], sizeof(n->joined[0]), "%s",
		    chan);
}

static int
joined_is(const struct net *n, const char *chan)
{
	int i;

	for (i = 0; i < n->njoined; i++)
		if (!strcasecmp(n->joined[i], chan))
			return 1;
	return 0;
}

/* The policy's view of a sender. */
static int
owner_by(struct net *n, const char *origin, const char *account)
{
	struct person p = { n->key, origin, account };

	return policy_is_owner(bot_policy(n->irc->ad.bot), &p);
}

/*
 * Bytes of text that fit in one PRIVMSG to target, counting the prefix
 * the server puts in front when it relays our line.
 */
static size_t
payload_max(struct net *n, const char *target)
{
	size_t over = 1 + strlen(n->nick) + 1 + IRC_USER_MAX + 1 +
	    IRC_HOST_MAX + strlen(" PRIVMSG ") + strlen(target) + 2 + 2;

	return over < IRC_MSG_MAX - 64 ? IRC_MSG_MAX - over : 64;
}

size_t
irc_split_at(const char *text, size_t len, size_t max)
{
	size_t cut = utf8_cut(text, len, max), i;

	if (cut >= len)
		return cut;
	/* between items ("; ", ". ") in the last quarter, then a space in
	 * the second half: a reader should never get "(no figure |" on
	 * one line and "in the guides)" on the next */
	for (i = cut; i > max - max / 4 && i > 1; i--)
		if (text[i] == ' ' && (text[i - 1] == ';' ||
		    text[i - 1] == '.'))
			return i;
	for (i = cut; i > max / 2; i--)
		if (text[i] == ' ')
			return i;
	return cut;
}

/*
 * Sends text to target in lines that fit, each starting with lead
 * ("nick: " in a channel, "" in private) so that every line of a long
 * answer says whom it is for.  In a channel as NOTICE: an automatic
 * reply, which by IRC's rule no bot answers (and the bot answers no
 * NOTICE), so two bots in a channel cannot keep answering each other,
 * as m.notice does on Matrix; in private as PRIVMSG, a conversation.
 */
static void
say(struct net *n, const char *origin, const char *target, const char *lead,
    const char *text, int notice, int is_free)
{
	size_t max = payload_max(n, target), len = strlen(text), cut;
	size_t ll = strlen(lead);
	int lines = 0;

	if (ll > max / 2)
		ll = 0;
	while (len > 0 && lines < n->cf->max_lines * 2) {
		cut = irc_split_at(text, len, max - ll);
		sendf_for(n, origin, is_free, "%s %s :%.*s%.*s", notice ?
		    "NOTICE" : "PRIVMSG", target, (int)ll, lead, (int)cut,
		    text);
		lines++;
		text += cut;
		len -= cut;
		while (len > 0 && *text == ' ') {
			text++;
			len--;
		}
	}
}

/* ops->act: an owner's join or part, on the network that asked. */
static void
irc_act(struct adapter *ad, const struct message *m, enum action what,
    const char *arg)
{
	struct irc *irc = ad->priv;
	int i;

	for (i = 0; i < irc->nnets; i++) {
		struct net *n = &irc->nets[i];

		/* one channel: a list could hold "0", which parts all */
		if (m->network == NULL || strcmp(n->key, m->network) != 0 ||
		    !strchr("#&+!", arg[0]) || !valid_irc_word(arg))
			continue;
		if (what == ACT_JOIN)
			sendf(n, 0, "JOIN %s", arg);
		else if (what == ACT_PART)
			sendf(n, 0, "PART %s :%s", arg, "asked by an owner");
	}
}

static void	answer_as(struct net *, const char *, const char *, int,
		    const char *, const char *);

/* A person as the policy sees them, for counting. */
static int
count_of(struct net *n, const char *origin, const char *account)
{
	struct message m = { 0 };

	m.network = n->key;
	m.sender = origin;
	m.account = account;
	return bot_count(n->irc->ad.bot, &m);
}

/* A free slot for what waits on WHOIS, or NULL (all busy and fresh). */
static struct invite *
whois_slot(struct net *n)
{
	long long now = loop_now_ms();
	int i;

	for (i = 0; i < INVITES_MAX; i++) {
		struct invite *iv = &n->invites[i];

		if (iv->nick[0] == '\0' || iv->expires < now) {
			free(iv->command);
			memset(iv, 0, sizeof(*iv));
			return iv;
		}
	}
	return NULL;
}

/* The look-up origin (as the limit knows them) is waiting for, or
 * NULL. */
static struct invite *
whois_pending(struct net *n, const char *origin)
{
	struct person p = { n->key, origin, NULL };
	char key[POLICY_KEY_MAX], k[POLICY_KEY_MAX];
	long long now = loop_now_ms();
	int i;

	policy_person_key(&p, key, sizeof(key));
	for (i = 0; i < INVITES_MAX; i++) {
		struct invite *iv = &n->invites[i];

		if (iv->nick[0] == '\0' || iv->expires < now)
			continue;
		p.mask = iv->origin;
		policy_person_key(&p, k, sizeof(k));
		if (strcmp(k, key) == 0)
			return iv;
	}
	return NULL;
}

/*
 * Asks the server who origin is; what waits runs when it answers.  One
 * look-up per person at a time, counted like a question, and the WHOIS
 * waits in the person's lane behind the token bucket like their answer
 * would: many people's look-ups cannot crowd out the owner's, nor buy
 * lines past the server's flood limit (and get the session throttled).
 * The wait is counted from when the line can leave.
 */
static void
whois_ask(struct net *n, const char *origin, const char *channel,
    const char *command, int direct)
{
	struct person p = { n->key, origin, NULL };
	char who[POLICY_KEY_MAX];
	struct invite *iv;
	long long wait;

	if (count_of(n, origin, NULL) == -1)
		return;		/* a look-up costs like a question */
	if (whois_pending(n, origin) != NULL) {
		log_info("%s: a WHOIS look-up already waits for %s; its %s "
		    "is dropped", n->cf->name, origin, command ?
		    "owner command" : "invite");
		return;
	}
	if ((iv = whois_slot(n)) == NULL) {
		log_warn("%s: too many WHOIS look-ups waiting; dropped %s's",
		    n->cf->name, origin);
		return;
	}
	origin_nick(origin, iv->nick, sizeof(iv->nick));
	snprintf(iv->origin, sizeof(iv->origin), "%s", origin);
	snprintf(iv->channel, sizeof(iv->channel), "%s", channel);
	iv->command = command ? xstrdup(command) : NULL;
	iv->direct = direct;
	policy_member_key(&p, who, sizeof(who));	/* its lane */
	wait = WHOIS_WAIT_MS + (n->link ? (long long)link_turns(n->link,
	    who) * n->cf->flood_interval_ms : 0);
	iv->expires = loop_now_ms() + (wait < WHOIS_WAIT_MAX_MS ? wait :
	    WHOIS_WAIT_MAX_MS);
	sendf_for(n, origin, 0, "WHOIS %s", iv->nick);
}

/* The nick changed or left: what waits for its WHOIS is void. */
static void
whois_cancel(struct net *n, const char *nick)
{
	int i;

	for (i = 0; i < INVITES_MAX; i++) {
		struct invite *iv = &n->invites[i];

		if (iv->nick[0] == '\0' || strcasecmp(iv->nick, nick) != 0)
			continue;
		log_info("%s: %s changed nick or left before WHOIS answered; "
		    "its %s is dropped", n->cf->name, iv->origin,
		    iv->command ? "owner command" : "invite");
		free(iv->command);
		memset(iv, 0, sizeof(*iv));
	}
}

/*
 * origin as libircclient passes it, split into the sender's prefix and
 * the account an IRCv3 account tag named (untag() put it after a \001);
 * account is "" when the message carried none.
 */
static void
split_origin(const char *origin, char *who, size_t wlen, char *account,
    size_t alen)
{
	const char *soh = origin ? strchr(origin, '\001') : NULL;

	snprintf(who, wlen, "%.*s", soh ? (int)(soh - origin) : (int)wlen,
	    origin ? origin : "");
	snprintf(account, alen, "%s", soh ? soh + 1 : "");
}

static void
answer(struct net *n, const char *tagged, const char *target, int direct,
    const char *raw)
{
	struct irc *irc = n->irc;
	char origin[256], account[64];

	split_origin(tagged, origin, sizeof(origin), account, sizeof(account));
	/* with account-tag the message says who it is from: no look-up,
	 * no window for a nick swap */
	if (n->account_tag) {
		answer_as(n, origin, target, direct, raw, account[0] ? account :
		    NULL);
		return;
	}
	/* an owner command from someone who is not an owner by hostmask:
	 * ask the server for the services account first */
	if (bot_owner_command(irc->ad.bot, raw) && !owner_by(n, origin, NULL) &&
	    policy_has_account_owners(bot_policy(irc->ad.bot))) {
		whois_ask(n, origin, target, raw, direct);
		return;
	}
	answer_as(n, origin, target, direct, raw, NULL);
}

static void
answer_as(struct net *n, const char *origin, const char *target, int direct,
    const char *raw, const char *account)
{
	struct irc *irc = n->irc;
	struct message m = { 0 };
	struct person p = { n->key, origin, account };
	char nick[64], who[POLICY_KEY_MAX], where[POLICY_KEY_MAX + 256];
	char lead[80];
	size_t max;

	origin_nick(origin, nick, sizeof(nick));
	/* the conversation is the person's as the limit counts them
	 * (account, else user@host), never the nick's: it follows a /nick,
	 * and whoever takes the old nick starts afresh */
	policy_person_key(&p, who, sizeof(who));
	snprintf(where, sizeof(where), "%s/%s", direct ? "-" : target, who);
	/* raw: text_clean (in the router) removes IRC formatting */
	m.text = raw;
	m.len = strlen(raw);
	m.where = where;
	m.direct = direct;
	m.network = n->key;
	m.target = direct ? NULL : target;
	m.sender = origin;
	m.account = account;
	m.privileged = !direct && op_is(n, target, nick);
	snprintf(lead, sizeof(lead), "%s: ", nick);
	max = payload_max(n, direct ? nick : target) - (direct ? 0 :
	    strlen(lead));
	/* room for max_lines lines, less the usual slack of cutting each
	 * line between items (say() allows a line more when it is worse) */
	m.max_bytes = (size_t)n->cf->max_lines * (max - max / 6);
	if (m.max_bytes > ROUTER_INPUT_MAX * 4)
		m.max_bytes = ROUTER_INPUT_MAX * 4;
	/* a free answer (help, "more") and the limit's notice wait for
	 * other people's questions in the send queue */
	if (bot_answer(irc->ad.bot, &irc->ad, &m, &irc->ans)) {
		if (irc->ans.notice)	/* to the person alone */
			sendf_for(n, origin, 1, "NOTICE %s :%s", nick,
			    buf_str(&irc->ans.text));
		else
			say(n, origin, direct ? nick : target, direct ? "" :
			    lead, buf_str(&irc->ans.text), !direct,
			    irc->ans.free);
	}
}

/* ---- libircclient events ------------------------------------------------ */

static struct net *
net_of(irc_session_t *s)
{
	return irc_get_ctx(s);
}

static void
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
static void
modes_default(struct net *n)
{
	snprintf(n->modes_list, sizeof(n->modes_list), "beI");
	snprintf(n->modes_arg, sizeof(n->modes_arg), "k");
	snprintf(n->modes_set_arg, sizeof(n->modes_set_arg), "l");
	snprintf(n->modes_status, sizeof(n->modes_status), "qaohv");
}

/* One ISUPPORT token: CHANMODES=A,B,C,D and PREFIX=(modes)symbols. */
static void
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
		answer(net_of(s), origin, p[0], 0, p[1]);
}

static void
ev_privmsg(irc_session_t *s, const char *ev, const char *origin,
    const char **p, unsigned int count)
{
	(void)ev;
	if (count >= 2)
		answer(net_of(s), origin, p[0], 1, p[1]);
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

static long
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

static int
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

/* ---- connection life ------------------------------------------------ */

static void
sess_event(struct loop *l, int fd, int ev, void *ctx)
{
	struct net *n = ctx;
	fd_set in, out;

	(void)l;
	FD_ZERO(&in);
	FD_ZERO(&out);
	if (ev & LOOP_READ)
		FD_SET(fd, &in);
	if (ev & LOOP_WRITE)
		FD_SET(fd, &out);
	if (irc_process_select_descriptors(n->sess, &in, &out) != 0 ||
	    !irc_is_connected(n->sess))
		net_down(n, irc_strerror(irc_errno(n->sess)));
}

/* Before each poll: register the session's socket as libircclient
 * wants it (connecting: writable; otherwise readable, and writable
 * while it has output). */
static void
prepare(struct loop *l, void *ctx)
{
	struct irc *irc = ctx;
	fd_set in, out;
	int i, fd, maxfd, ev;

	for (i = 0; i < irc->nnets; i++) {
		struct net *n = &irc->nets[i];

		if (n->sess == NULL)
			continue;
		FD_ZERO(&in);
		FD_ZERO(&out);
		maxfd = -1;
		irc_add_select_descriptors(n->sess, &in, &out, &maxfd);
		for (fd = 0; fd <= maxfd; fd++) {
			ev = (FD_ISSET(fd, &in) ? LOOP_READ : 0) |
			    (FD_ISSET(fd, &out) ? LOOP_WRITE : 0);
			if (ev == 0)
				continue;
			if (n->sess_fd >= 0 && n->sess_fd != fd)
				loop_del_fd(l, n->sess_fd);
			if (n->sess_fd != fd || n->sess_events != ev)
				loop_add_fd(l, fd, ev, sess_event, n);
			n->sess_fd = fd;
			n->sess_events = ev;
			break;
		}
	}
}

/*
 * PASS goes first, before CAP, NICK and USER: some servers take it only
 * then.  Not through irc_connect's password: libircclient would send it
 * after the link's CAP LS, and without the ':' a password with a space
 * needs.  Urgent lines leave in the order sent (each brings its token).
 */
static void
send_pass(struct net *n, struct link *k)
{
	const char *pw = n->cf->server_password;
	char line[IRC_MSG_MAX];

	snprintf(line, sizeof(line), "PASS %s%s",
	    strchr(pw, ' ') || pw[0] == ':' ? ":" : "", pw);
	link_send(k, line, 1);	/* the link logs it redacted */
	explicit_bzero(line, sizeof(line));
}

/* Tells the link which local socket is libircclient's, so that the
 * relay takes that connection and no other. */
static void
session_fd_to_link(struct net *n, struct link *k)
{
	fd_set in, out;
	int maxfd = -1;

	FD_ZERO(&in);
	FD_ZERO(&out);
	irc_add_select_descriptors(n->sess, &in, &out, &maxfd);
	if (maxfd >= 0)
		link_expect_peer(k, maxfd);
}

static void
link_ready(struct link *k, void *ctx)
{
	struct net *n = ctx;

	if (n->cf->server_password)
		send_pass(n, k);
	n->sasl_mech = config_sasl(n->cf);
	n->sasl_account[0] = '\0';
	n->sasl = n->sasl_mech != CONFIG_SASL_NONE ? SASL_LS : SASL_OFF;
	/* before libircclient's NICK and USER: registration waits for CAP
	 * END (account-tag always, SASL when configured) */
	n->cap = CAP_LS;
	n->tag_offered = n->account_tag = n->sasl_offered = 0;
	link_send(k, "CAP LS 302", 1);
	n->sasl_timer = loop_add_timer(n->irc->loop,
	    n->cf->sasl_timeout * 1000L, sasl_timeout, n);
	n->sess = irc_create_session(&callbacks);
	irc_set_ctx(n->sess, n);
	irc_set_ctcp_version(n->sess, "techpay " TECHPAY_VERSION);
	n->nick_try = 0;
	snprintf(n->nick, sizeof(n->nick), "%s", n->cf->nicks[0]);
	modes_default(n);
	if (irc_connect(n->sess, "127.0.0.1", (unsigned short)link_local_port(k),
	    NULL, n->nick, n->cf->user, n->cf->realname) != 0) {
		log_error("%s: cannot start the IRC session: %s", n->cf->name,
		    irc_strerror(irc_errno(n->sess)));
		net_down(n, "session start failed");
		return;
	}
	session_fd_to_link(n, k);
	n->state = NET_REGISTERING;
}

static void
link_closed(struct link *k, const char *why, void *ctx)
{
	struct net *n = ctx;

	(void)k;
	n->link = NULL;		/* the link frees itself after this */
	net_down(n, why);
}

static long
reconnect_fire(struct loop *l, void *ctx)
{
	struct net *n = ctx;

	(void)l;
	n->reconnect_timer = 0;
	n->server = (n->server + 1) % n->cf->nservers;
	net_connect(n);
	return LOOP_NOMORE;
}

/* Tears the connection down and, unless stopping, schedules the next. */
static void
net_down(struct net *n, const char *why)
{
	struct irc *irc = n->irc;
	long delay;

	if (n->sess_fd >= 0)
		loop_del_fd(irc->loop, n->sess_fd);
	n->sess_fd = -1;
	n->sess_events = 0;
	if (n->sess) {
		irc_destroy_session(n->sess);
		n->sess = NULL;
	}
	if (n->link) {
		struct link *k = n->link;

		n->link = NULL;
		link_free(k);
	}
	if (n->sasl_timer) {
		loop_del_timer(irc->loop, n->sasl_timer);
		n->sasl_timer = 0;
	}
	if (n->regain_timer) {
		loop_del_timer(irc->loop, n->regain_timer);
		n->regain_timer = 0;
	}
	if (n->state == NET_DOWN && n->reconnect_timer)
		return;
	n->state = NET_DOWN;
	n->nops = 0;
	n->njoined = 0;
	if (irc->stopping) {
		log_info("%s: disconnected (%s)", n->cf->name, why);
		return;
	}
	if (n->gone) {
		log_info("%s: disconnected (%s); removed from the config",
		    n->cf->name, why);
		return;
	}
	/* a refused login waits longest */
	delay = policy_backoff_ms(n->cf->reconnect_min, n->cf->reconnect_max,
	    n->auth_failed ? 64 : n->failures);
	n->failures++;
	log_warn("%s: disconnected (%s); reconnecting in %.1f s", n->cf->name,
	    why, delay / 1000.0);
	n->reconnect_timer = loop_add_timer(irc->loop, delay, reconnect_fire, n);
}

static void
net_connect(struct net *n)
{
	const struct config_network *c = n->cf;
	const struct config_server *sv = &c->servers[n->server];
	struct link_conf lc = {
		.host = sv->host, .port = sv->port, .tls = c->tls,
		.tls_verify = c->tls_verify, .ca_file = c->tls_ca_file,
		.cert_file = c->tls_cert_file, .key_file = c->tls_key_file,
		.flood_burst = c->flood_burst,
		.flood_interval_ms = c->flood_interval_ms,
		.ping_after = c->ping_after, .ping_timeout = c->ping_timeout,
	};
	static const struct link_cbs cbs = {
		link_ready, link_server_line, link_closed
	};
	char err[256];

	log_info("%s: connecting to %s:%d%s", c->name, sv->host, sv->port,
	    c->tls ? " (TLS)" : "");
	if (c->tls && !c->tls_verify)
		log_warn("%s: tls_verify = no: the server's certificate is NOT "
		    "checked; anyone on the path can read and change traffic",
		    c->name);
	n->link = link_new(n->irc->loop, &lc, &cbs, n);
	if (link_start(n->link, err, sizeof(err)) == -1) {
		struct link *k = n->link;

		n->link = NULL;
		link_free(k);
		net_down(n, err);
	}
}

/* ---- adapter ops -------------------------------------------------------- */

static int
irc_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct irc *irc = ad->priv;
	int i;

	irc->loop = l;
	if (loop_add_prepare(l, prepare, irc) == -1) {
		snprintf(err, errlen, "irc: event loop full");
		return -1;
	}
	for (i = 0; i < irc->nnets; i++)
		net_connect(&irc->nets[i]);
	return 0;
}

/* Says goodbye on one network; the reconnect timer is off for good. */
static void
net_quit(struct net *n)
{
	if (n->reconnect_timer) {
		loop_del_timer(n->irc->loop, n->reconnect_timer);
		n->reconnect_timer = 0;
	}
	if (n->sess && n->state != NET_DOWN)
		sendf(n, 1, "QUIT :%s", QUIT_MESSAGE);
}

static void
irc_stop(struct adapter *ad)
{
	struct irc *irc = ad->priv;
	int i;

	irc->stopping = 1;
	for (i = 0; i < irc->nnets; i++)
		net_quit(&irc->nets[i]);
}

static void
irc_free(struct adapter *ad)
{
	struct irc *irc;
	int i, j;

	if (ad == NULL)
		return;
	irc = ad->priv;
	irc->stopping = 1;
	for (i = 0; i < irc->nnets; i++) {
		if (irc->nets[i].reconnect_timer)
			loop_del_timer(irc->loop, irc->nets[i].reconnect_timer);
		irc->nets[i].reconnect_timer = 1;	/* no new one */
		net_down(&irc->nets[i], "shutdown");
	}
	if (irc->loop)
		loop_del_prepare(irc->loop, prepare, irc);
	for (i = 0; i < irc->nnets; i++) {
		for (j = 0; j < INVITES_MAX; j++)
			free(irc->nets[i].invites[j].command);
		config_network_clear(irc->nets[i].cf);
		free(irc->nets[i].cf);
	}
	answer_free(&irc->ans);
	free(irc);
}

static struct net *
net_by_key(struct irc *irc, const char *network)
{
	int i;

	for (i = 0; i < irc->nnets; i++)
		if (!irc->nets[i].gone && strcmp(irc->nets[i].key, network) == 0)
			return &irc->nets[i];
	return NULL;
}

/* A daily highlight: one line to a channel we are in. */
static int
irc_post(struct adapter *ad, const char *network, const char *target,
    const char *id, const struct answer *a)
{
	struct net *n = net_by_key(ad->priv, network);
	const char *text = buf_str(&a->text);

	(void)id;
	if (n == NULL || n->state != NET_UP || !joined_is(n, target))
		return -1;
	sendf(n, 0, "PRIVMSG %s :%.*s", target,
	    (int)utf8_cut(text, strlen(text), payload_max(n, target)), text);
	return 0;
}

static size_t
irc_line_max(struct adapter *ad, const char *network, const char *target)
{
	struct net *n = net_by_key(ad->priv, network);
	size_t max = n ? payload_max(n, target) : ANSWER_LINE_MAX;

	/* an answer's one line, and never more than the server relays */
	return max < ANSWER_LINE_MAX ? max : ANSWER_LINE_MAX;
}

static int
irc_pending(struct adapter *ad)
{
	struct irc *irc = ad->priv;
	int i, n = 0;

	for (i = 0; i < irc->nnets; i++)
		if (irc->nets[i].link)
			n += link_queued(irc->nets[i].link) + 1;
	return n;
}

static void
irc_highlights(struct adapter *ad, const struct config *cf,
    struct highlights *hl)
{
	const struct config_networks *ns = config_networks(cf);
	char net[96];
	int i;

	(void)ad;
	for (i = 0; i < ns->n; i++) {
		snprintf(net, sizeof(net), "irc:%s", ns->v[i].name);
		hl_add_all(hl, net, ns->v[i].highlights, ns->v[i].nhighlights);
	}
}

static int
irc_has(struct adapter *ad, const char *network)
{
	return net_by_key(ad->priv, network) != NULL;
}

/* A network of the config, copied: the config may go on a reload. */
static struct net *
net_add(struct irc *irc, const struct config_network *c)
{
	struct net *n;

	if (irc->nnets >= CONFIG_NETWORKS_MAX)
		return NULL;
	n = &irc->nets[irc->nnets++];
	memset(n, 0, sizeof(*n));
	n->irc = irc;
	n->cf = xcalloc(1, sizeof(*n->cf));
	config_network_copy(n->cf, c);
	snprintf(n->key, sizeof(n->key), "irc:%s", c->name);
	n->sess_fd = -1;
	return n;
}

static void
irc_reconfigure(struct adapter *ad, const struct config *cf)
{
	const struct config_networks *ns = config_networks(cf);
	struct irc *irc = ad->priv;
	struct config_network *old;
	struct net *n;
	int i, j;

	for (i = 0; i < irc->nnets; i++) {
		n = &irc->nets[i];
		if (n->gone)
			continue;
		for (j = 0; j < ns->n; j++)
			if (!strcmp(ns->v[j].name, n->cf->name))
				break;
		if (j == ns->n) {
			log_info("%s: removed from the config: disconnecting",
			    n->cf->name);
			n->gone = 1;
			net_quit(n);
			continue;
		}
		/* the new settings apply now; the server list from the
		 * next connect */
		old = n->cf;
		n->cf = xcalloc(1, sizeof(*n->cf));
		config_network_copy(n->cf, &ns->v[j]);
		config_network_clear(old);
		free(old);
		if (n->server >= n->cf->nservers)
			n->server = 0;
		if (n->state == NET_UP)
			join_all(n);	/* joins any new channel */
	}
	for (j = 0; j < ns->n; j++) {
		for (i = 0; i < irc->nnets; i++)
			if (!irc->nets[i].gone &&
			    !strcmp(ns->v[j].name, irc->nets[i].cf->name))
				break;
		if (i < irc->nnets)
			continue;
		if ((n = net_add(irc, &ns->v[j])) == NULL) {
			log_warn("%s: not added: at most %d networks",
			    ns->v[j].name, CONFIG_NETWORKS_MAX);
			continue;
		}
		log_info("%s: added to the config: connecting", n->cf->name);
		if (irc->loop)
			net_connect(n);
	}
}

static struct adapter *
irc_new(struct bot *bot, const struct config *cf, struct state *st)
{
	struct irc *irc;
	int i;

	(void)st;
	if (config_networks(cf)->n == 0)
		return NULL;
	irc = xcalloc(1, sizeof(*irc));
	irc->ad.ops = &irc_ops;
	irc->ad.bot = bot;
	irc->ad.priv = irc;
	answer_init(&irc->ans);
	srandom((unsigned)time(NULL) ^ (unsigned)loop_now_ms());
	memset(&callbacks, 0, sizeof(callbacks));
	callbacks.event_connect = ev_connect;
	callbacks.event_numeric = ev_numeric;
	callbacks.event_nick = ev_nick;
	callbacks.event_quit = ev_quit;
	callbacks.event_channel = ev_channel;
	callbacks.event_privmsg = ev_privmsg;
	callbacks.event_ctcp_req = ev_ctcp;
	callbacks.event_invite = ev_invite;
	callbacks.event_kick = ev_kick;
	callbacks.event_join = ev_join;
	callbacks.event_part = ev_part;
	callbacks.event_mode = ev_mode;
	callbacks.event_umode = ev_ignore;
	callbacks.event_topic = ev_ignore;
	callbacks.event_notice = ev_notice;
	callbacks.event_channel_notice = ev_ignore;
	callbacks.event_unknown = ev_ignore;
	callbacks.event_ctcp_rep = ev_ignore;
	callbacks.event_ctcp_action = ev_ignore;
	for (i = 0; i < config_networks(cf)->n; i++)
		net_add(irc, &config_networks(cf)->v[i]);
	return &irc->ad;
}

const struct adapter_ops irc_ops = {
	.name = "irc",
	.conf = &irc_config,
	.new = irc_new,
	.reconfigure = irc_reconfigure,
	.start = irc_start,
	.stop = irc_stop,
	.free = irc_free,
	.pending = irc_pending,
	/* no .failed: a network that refuses us is retried, never fatal */
	.post = irc_post,
	.highlights = irc_highlights,
	.act = irc_act,
	.line_max = irc_line_max,
	.has = irc_has,
};
