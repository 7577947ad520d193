/*
 * irc_people.c -- who is who on an IRC network, and the answers said to
 * them (irc_int.h).
 *
 * Channel operators from NAMES, MODE, NICK, PART, KICK and QUIT; the
 * channels the bot is in; owners by hostmask, or by services account
 * through WHOIS when the server sends no account tag.  A question goes to
 * the core (bot_answer) and its answer is said in lines that fit.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "irc_int.h"
#include "log.h"
#include "policy.h"
#include "text.h"

/* ---- who is an operator where (NAMES, MODE, NICK, PART, KICK, QUIT) ---- */

void
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
void
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

void
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

int
joined_is(const struct net *n, const char *chan)
{
	int i;

	for (i = 0; i < n->njoined; i++)
		if (!strcasecmp(n->joined[i], chan))
			return 1;
	return 0;
}

/* The policy's view of a sender. */
int
owner_by(struct net *n, const char *origin, const char *account)
{
	struct person p = { n->key, origin, account };

	return policy_is_owner(bot_policy(n->irc->ad.bot), &p);
}

/*
 * Bytes of text that fit in one PRIVMSG to target, counting the prefix
 * the server puts in front when it relays our line.
 */
size_t
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
net_say(struct net *n, const char *origin, const char *target, const char *lead,
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

/* A person as the policy sees them, for counting. */
int
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
void
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
void
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
void
split_origin(const char *origin, char *who, size_t wlen, char *account,
    size_t alen)
{
	const char *soh = origin ? strchr(origin, '\001') : NULL;

	snprintf(who, wlen, "%.*s", soh ? (int)(soh - origin) : (int)wlen,
	    origin ? origin : "");
	snprintf(account, alen, "%s", soh ? soh + 1 : "");
}

void
net_answer(struct net *n, const char *tagged, const char *target, int direct,
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

void
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
	 * line between items (net_say() allows a line more when it is worse) */
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
			net_say(n, origin, direct ? nick : target, direct ? "" :
			    lead, buf_str(&irc->ans.text), !direct,
			    irc->ans.free);
	}
}

