/*
 * router.h -- turns a chat message into an answer, or into silence.
 *
 * The router decides whether a message is for the bot (command prefix,
 * the bot's nick in front, or a private chat), rewrites natural questions
 * into commands (question.c), runs the command from the table in
 * commands.c and keeps each conversation's pending "more".  It does not
 * know which network asked: adapters pass a struct message and send the
 * struct answer (plain or HTML) their own way.
 */
#ifndef TECHPAY_ROUTER_H
#define TECHPAY_ROUTER_H

#include <stddef.h>
#include <time.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"

#define ROUTER_INPUT_MAX	2048	/* bytes of a message looked at */
#define ROUTER_PREFIX_MAX	8
#define ROUTER_MORE_SLOTS	64	/* conversations with a pending "more" */

struct router;

struct router_opts {
	const char	*prefix;	/* command prefix, default "!" */
	const char	*nick;		/* the bot's name, default "techpay" */
};

struct message {
	const char	*text;		/* raw bytes, any encoding */
	size_t		 len;
	const char	*where;		/* conversation key, for "more" */
	int		 direct;	/* private chat / console: all addressed */
	size_t		 max_bytes;	/* answer budget; 0: ANSWER_LINE_MAX */
	/* for per-channel settings (highlights); NULL in the terminal */
	const char	*network;	/* "irc:NAME", "matrix:NAME" */
	const char	*target;	/* the channel or room; NULL in private */
	int		 privileged;	/* an owner, or a channel operator */
	int		 owner;		/* one of the config's owners */
};

struct highlights;

struct router	*router_new(const struct kb *, struct index *,
		    const struct router_opts *);
void		 router_free(struct router *);
/* Swaps in a new knowledge base (after a reload); drops pending "more". */
void		 router_set_knowledge(struct router *, const struct kb *,
		    struct index *);
/* The highlights that "!highlight" shows and changes; NULL: none. */
void		 router_set_highlights(struct router *, struct highlights *);
/* 1 with an answer in a (already cut by fmt_finish), 0 for silence. */
int		 router_handle(struct router *, const struct message *,
		    time_t now, struct answer *a);

/* ---- shared by router.c, commands.c and question.c ----------------- */

struct cmd_ctx {
	const struct kb	*kb;
	struct index	*ix;
	const char	*prefix;
	const char	*nick;
	time_t		 now;
	const char	*pending_more;	/* this conversation's, or NULL */
	const struct message *msg;	/* who asked, where */
	struct highlights *hl;		/* may be NULL */
};

struct command {
	const char	*name;
	const char	*alias;		/* may be NULL */
	const char	*usage;		/* arguments, "" for none */
	const char	*help;		/* one line */
	void		(*handler)(struct cmd_ctx *, const char *args,
			    struct answer *);
	int		 flags;		/* CMD_HIDDEN, CMD_OWNER */
};

#define CMD_HIDDEN	1	/* internal, for natural questions */
#define CMD_OWNER	2	/* owners only: the router refuses others */

extern const struct command commands[];
const struct command *command_find(const char *name, size_t len);
/* The command a line starts with after the prefix (NULL if none). */
const struct command *command_of(const char *line, const char *prefix);

/*
 * Rewrites a natural question ("how much does an sre make?") as a command
 * line ("salary sre") in out.  Always produces one: questions it cannot
 * place become the hidden "_guess" command.
 */
void		 question_route(const char *text, struct buf *out);

/* The currency word or sign in text when it is not dollars, or NULL
 * (a static string). */
const char	*question_currency(const char *text);

/* Parses "$200k", "200,000", "200000" in text; 0 if none. */
long		 parse_amount(const char *text);

#endif
