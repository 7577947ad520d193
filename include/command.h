/*
 * command.h -- the command table, and answers to parsed questions.
 *
 * A command is one const entry {name, alias, usage, help, handler,
 * flags}: "!salary sre" runs the handler with "sre".  A natural question
 * arrives parsed (question.h) and is answered by the handler its intent
 * names, from the entities already found, never re-split as a string.
 * Handlers only state what the guides say: figures from kb_pay, words
 * quoted, a role the guides do not cover said to be not covered.  Each
 * answer notes what it was about (struct said) for the conversation.
 */
#ifndef TECHPAY_COMMAND_H
#define TECHPAY_COMMAND_H

#include <stddef.h>
#include <time.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "question.h"

struct message;
struct highlights;

#define SAID_QUOTE_MAX	PASSAGE_TEXT_MAX

/* What an answer was about: the router keeps it as the conversation. */
struct said {
	enum intent_kind kind;
	const struct kb_role *roles[Q_ROLES_MAX];
	int		 nroles;
	int		 skills[Q_SKILLS_MAX];
	int		 nskills;
	int		 guide;		/* the guide asked for; 0 either */
	const char	*aspect;	/* a prose answer's aspect, or NULL */
	/* the sentence behind the answer's figure or claim */
	const struct kb_source *cite_source;
	int		 cite_line;	/* from the sentence map; 0: none */
	char		 cite[SAID_QUOTE_MAX];
};

struct cmd_ctx {
	const struct kb	*kb;
	struct index	*ix;
	const char	*prefix;
	const char	*nick;
	time_t		 now;
	const char	*pending_more;	/* this conversation's, or NULL */
	const struct said *last;	/* the conversation so far, or NULL */
	const struct message *msg;	/* who asked, where */
	struct highlights *hl;		/* may be NULL */
	struct said	 said;		/* filled by the handler */
};

struct command {
	const char	*name;
	const char	*alias;		/* may be NULL */
	const char	*usage;		/* arguments, "" for none */
	const char	*help;		/* one line */
	void		(*handler)(struct cmd_ctx *, const char *args,
			    struct answer *);
	int		 flags;		/* CMD_MAIN, CMD_OWNER */
};

#define CMD_MAIN	1	/* in the short help */
#define CMD_OWNER	2	/* owners only: the router refuses others */

extern const struct command commands[];
const struct command *command_find(const char *name, size_t len);
/* The command a line starts with after the prefix (NULL if none). */
const struct command *command_of(const char *line, const char *prefix);

/* Answers a parsed natural question. */
void		 command_answer(struct cmd_ctx *, const struct intent *,
		    struct answer *);

/* Pieces of answers that the answers about amounts (numbers.c) share. */
/* The answer was about r; said_pay: and its pay's sentence ("source?"). */
void		 said_role(struct cmd_ctx *, const struct kb_role *r);
void		 said_pay(struct cmd_ctx *, const struct kb_role *r);
/* "bottom of range", "top of range", "midpoint". */
const char	*measure_name(enum measure);
/* The label of the guide the figures of r[0..n) come from, or "guides". */
const char	*figure_label(const struct kb_role *const *r, int n);
/* r[0..n), already in index_rank's order, as a ranking with ties kept
 * ("1= A $x; 1= B $x; 3. C $y"): a table in HTML. */
void		 ranked(struct answer *, const struct kb_role *const *r,
		    int n, enum measure);

#endif
