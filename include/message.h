/*
 * message.h -- what an adapter hands the bot core, and what it gets back.
 *
 * A network's event becomes a struct message (the text, where it was
 * said and who said it); the core answers with a struct answer (plain
 * text and HTML, the rest kept for "more", and at most one owner action
 * for the adapter to carry out).  Nothing here knows a network: an XMPP
 * or Discord adapter fills the same two structs.
 */
#ifndef TECHPAY_MESSAGE_H
#define TECHPAY_MESSAGE_H

#include <stddef.h>

#include "buf.h"

#define ANSWER_LINE_MAX	400	/* bytes of the one plain line */
#define ACTION_ARG_MAX	256

struct message {
	const char	*text;		/* raw bytes, any encoding */
	size_t		 len;
	const char	*where;		/* conversation key: network, channel
					 * or room, and person (not a nick,
					 * which anyone can take) */
	/* other names the bot answers to here (Matrix: display name, user
	 * id, localpart); NULL-terminated, may be NULL */
	const char *const *names;
	int		 direct;	/* private chat / console: all addressed */
	/* a reply to the bot's message, or in a thread it answered in:
	 * addressed as if named last ("..., techpay") */
	int		 to_bot;
	size_t		 max_bytes;	/* answer budget; 0: ANSWER_LINE_MAX */
	/* for per-channel settings (highlights); NULL in the terminal */
	const char	*network;	/* "irc:NAME", "matrix:NAME" */
	const char	*target;	/* the channel or room; NULL in private */
	/* who asked, for the policy (policy.h): nick!user@host or a Matrix
	 * id, and the account the network vouches for (NULL: none) */
	const char	*sender;
	const char	*account;
	int		 privileged;	/* a channel operator (owners are
					 * added by the core) */
	int		 owner;		/* set by the core from the policy */
};

/* What an owner command asks the adapter (or the core) to do. */
enum action {
	ACT_NONE,
	ACT_JOIN,	/* arg: a channel or room */
	ACT_PART,	/* arg: a channel or room */
	ACT_IGNORE,	/* arg: a mask; the core keeps the list */
	ACT_RELOAD	/* the core raises the reload flag */
};

struct answer {
	struct buf	text;	/* plain, one line */
	struct buf	html;	/* HTML fragment */
	struct buf	more;	/* plain continuation after the cut */
	int		row_cells;
	int		rows;
	int		paras;	/* <p> opened by fmt_para */
	enum action	action;
	char		action_arg[ACTION_ARG_MAX];
	int		free;	/* "more", help: their own budget, not
				   the questions' (policy_rate_free) */
	int		notice;	/* to the asker alone (the limit's notice) */
	int		echoes;	/* fmt_echo's so far */
};

#endif
