/*
 * policy.h -- who may do what, the same on every network.
 *
 * Adapters describe the sender of a message as a struct person (its mask
 * and, where the network vouches for one, its account); the policy says
 * whether that person is an owner, is ignored, and may be answered now.
 * Nothing here knows IRC from Matrix: an IRC person is
 * nick!user@host with a services account when the server names one, a
 * Matrix person is its user id, which is also its account.
 *
 * Masks use IRC rules: '*' and '?' are the only wildcards, and case is
 * folded with rfc1459 casemapping ("[Dev]" is a nick, not a character
 * class; "{" equals "[").  An owner or ignore entry "account:NAME" matches
 * the account instead of the mask.
 */
#ifndef TECHPAY_POLICY_H
#define TECHPAY_POLICY_H

#include <stddef.h>

#define POLICY_LIST_MAX		64	/* owners, ignore masks (config and
					 * run time together) */
#define POLICY_RATE_SLOTS	1024	/* people tracked for the limit, and
					 * again for ignores */
#define POLICY_KEY_MAX		192	/* network + account or user@host */
#define POLICY_KEY_MEMBERS	8	/* people counted apart under one
					 * address (nick!user@host) */
#define POLICY_ERR_MAX		160
#define POLICY_WINDOW_MS	60000	/* the rate limit's window */
#define POLICY_RATE_DEFAULT	15	/* answers a minute */

struct policy;

struct person {
	const char	*network;	/* "irc:NAME", "matrix:NAME", "console" */
	const char	*mask;		/* nick!user@host, @user:server */
	const char	*account;	/* vouched for by the network; or NULL */
};

struct policy_conf {
	const char *const *owners;	/* masks, @user:server, account:NAME */
	int		 nowners;
	const char *const *ignore;
	int		 nignore;
	int		 user_rate;	/* answers per POLICY_WINDOW_MS */
	int		 user_ignore_s;	/* silence once over it */
};

enum rate_verdict {
	RATE_OK,	/* answer */
	RATE_TELL,	/* over the limit just now: say so once, privately */
	RATE_SILENT,	/* over the limit: say nothing */
	RATE_SHARED	/* not over, but the address as a whole is, this
			 * window: say so once, privately; no silence */
};

struct policy	*policy_new(const struct policy_conf *);
void		 policy_free(struct policy *);
/* A reloaded config: new lists and limits (the lists are copied); the
 * run-time ignores and the counts are kept. */
void		 policy_configure(struct policy *, const struct policy_conf *);

int		 policy_is_owner(const struct policy *, const struct person *);
/* 1 for an owner entry "account:NAME": worth asking the server who a
 * sender is before refusing an owner command. */
int		 policy_has_account_owners(const struct policy *);
/* Ignored by the config, by "ignore", or over the limit right now. */
int		 policy_is_ignored(struct policy *, const struct person *,
		    long long now_ms);

/*
 * Counts one thing done for a person (an answer, a CTCP reply, a look-up
 * of who they are).  The budget is the account's, else user@host's, or
 * the host's alone where the ident is unverified ("~": the client's
 * choice), never the nick's, so neither a nick change nor a new "~"
 * ident starts over.  Within it each
 * member (policy_member_key: the account, else nick!user@host) is
 * counted apart: one over user_rate in the window is ignored for
 * user_ignore_s (RATE_TELL), what they asked no longer weighs on the
 * others, and the address takes no new member meanwhile (a new nick or
 * ident gets RATE_SILENT); anyone else there, while the address is over
 * as a whole, gets RATE_SHARED and is not ignored.  So a neighbour who
 * floods cannot get you ignored.  The table is bounded; a full one
 * forgets the person seen longest ago.  Ignores are kept apart from the
 * counts (POLICY_RATE_SLOTS of each), so that people being ignored never
 * take the places of people who are not: eviction never lifts an ignore
 * early, and a table full of ignores still counts newcomers one by one
 * (only when every ignore slot is taken does the one ending soonest give
 * way to a new one).
 */
enum rate_verdict policy_rate(struct policy *, const struct person *,
		    long long now_ms);
/* The same for a free answer (help, "more", a greeting): free of the
 * question budget, not of a bound; it has a budget of its own, as many
 * a minute, and going over it is going over the limit. */
enum rate_verdict policy_rate_free(struct policy *, const struct person *,
		    long long now_ms);
/*
 * Whose an IRC conversation (and its pending "more") is, wherever a
 * nick must not count: "irc:libera a:alice" when the network vouches
 * for an account, else "irc:libera h:al@host", what follows the nick,
 * so it follows a /nick; the ident counts here even unverified ("~"):
 * the host alone would give everyone without identd on one address
 * the same conversation, and each other's "more" (convo_nick.py).
 * Written to out (at most POLICY_KEY_MAX bytes are needed; cut to n).
 */
void		 policy_person_key(const struct person *, char *out, size_t n);
/* The one that goes over the limit and is ignored, and an IRC send
 * queue lane: "irc:libera a:alice", else "irc:libera m:nick!user@host"
 * (a lane of one's own, so a neighbour's backlog is not in front of
 * you; the budget they share bounds what new nicks can queue). */
void		 policy_member_key(const struct person *, char *out,
		    size_t n);
/* The limit and the silence, for the notice. */
int		 policy_user_rate(const struct policy *);
int		 policy_ignore_secs(const struct policy *);

/*
 * Adds a run-time ignore (until restart).  A bare nick means that nick
 * anywhere ("nick!*@*").  0 with the mask kept in msg, or -1 with why
 * not in msg: a mask that would silence everyone or an owner, or a full
 * list.
 */
int		 policy_ignore_add(struct policy *, const char *mask,
		    const struct person *asker, char *msg, size_t msglen);

/* IRC mask matching (see above); 1 on a match. */
int		 policy_mask_match(const char *mask, const char *s);

/* The delay in ms before retry number `failures` (0 first): min_s
 * doubled per failure up to max_s, plus up to a quarter more so that
 * many bots do not retry in step (never less: max_s is a promise to a
 * server that refused us).  Every adapter backs off with this. */
long		 policy_backoff_ms(int min_s, int max_s, int failures);

#endif
