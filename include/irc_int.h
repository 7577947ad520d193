/*
 * irc_int.h -- what the IRC adapter's parts share (bot/irc*.c); private.
 *
 *   irc.c         the adapter: its ops, a network's connection life
 *                 (connect, reconnect with backoff, down) and the lines
 *                 the bot writes
 *   irc_reg.c     registration: CAP, SASL, PASS refusals, nick in use;
 *                 every server line is read here before libircclient
 *                 (tags, ISUPPORT, lines it could not parse)
 *   irc_events.c  libircclient's events: welcome, numerics, WHOIS
 *                 answers, messages, invites, joins, parts, modes
 *   irc_people.c  who is who on a network (channel operators, joined
 *                 channels, owners by WHOIS), and the answers said to
 *                 them, cut into lines
 *   irc_conf.c    the [irc NAME] section (irc_conf.h)
 *
 * Nothing outside bot/irc*.c includes this header.
 */
#ifndef TECHPAY_IRC_INT_H
#define TECHPAY_IRC_INT_H

#include <stddef.h>

#include <libircclient.h>

#include "answer.h"
#include "config.h"
#include "irc.h"
#include "irc_conf.h"
#include "link.h"
#include "loop.h"

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

/* irc.c: lines to the server.  Every line the bot writes goes straight
 * to the link's queue (the one send queue, behind the token bucket), not
 * through libircclient: its outgoing buffer is 1 KB, and a burst of
 * answers would overflow it.  sendf_for: said for the person origin, in
 * their lane (is_free: after other people's questions). */
void		 sendf(struct net *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void		 sendf_for(struct net *, const char *, int, const char *,
	    ...)
	    __attribute__((format(printf, 4, 5)));
void		 origin_nick(const char *origin, char *out, size_t n);

/* irc_people.c: who is who, and the answers said to them */
void		 op_set(struct net *n, const char *chan, const char *nick,
	    int on);
void		 op_forget(struct net *n, const char *chan, const char *nick);
void		 joined_set(struct net *n, const char *chan, int in);
int		 joined_is(const struct net *n, const char *chan);
int		 owner_by(struct net *n, const char *origin,
	    const char *account);
size_t		 payload_max(struct net *n, const char *target);
int		 count_of(struct net *n, const char *origin,
	    const char *account);
void		 whois_ask(struct net *n, const char *origin,
	    const char *channel, const char *command, int direct);
void		 whois_cancel(struct net *n, const char *nick);
void		 split_origin(const char *origin, char *who, size_t wlen,
	    char *account, size_t alen);
void		 net_answer(struct net *n, const char *tagged,
	    const char *target, int direct, const char *raw);
void		 answer_as(struct net *n, const char *origin,
	    const char *target, int direct, const char *raw,
	    const char *account);

/* irc_events.c: libircclient's events */
void		 join_all(struct net *n);
void		 modes_default(struct net *n);
void		 isupport(struct net *n, const char *tok);
extern irc_callbacks_t	 irc_callbacks;

/* irc_reg.c: registration, and server lines read before libircclient */
long		 sasl_timeout(struct loop *l, void *ctx);
int		 link_server_line(struct link *k, char *line, void *ctx);

#endif
