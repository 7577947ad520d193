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

#include "answer.h"
#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "question.h"


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

#endif
