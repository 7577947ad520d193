/*
 * command.h -- the command table and its dispatch (cmd.c), and the
 * answers to parsed questions (say_intent.c).
 *
 * A command is one const row of commands[]: its name and alias, its
 * arguments (kind, fewest and most words), its usage and an example, a
 * one-line help, who may run it, whether it is free of the question rate
 * limit, and its handler.  Usage errors and "help" are made from the row;
 * the argument kind decides whether a bare word runs it ("techpay: salary
 * sre"); a natural question's intent names its command by enum cmd_id,
 * never by a name looked up.  A new command is one row and its handler.
 *
 * A natural question arrives parsed (question.h) and is answered by the
 * say_* functions (say.h) from the entities already found, never re-split
 * as a string.  Answers only state what the guides say; each notes what
 * it was about (struct said) for the conversation.
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

/* Each row's index in commands[]: what intents and the router name. */
enum cmd_id {
	CMD_HELP, CMD_SALARY, CMD_SKILLS, CMD_ROLE, CMD_COMPARE, CMD_TOP,
	CMD_MATCH, CMD_ABOVE, CMD_BELOW, CMD_RANGE, CMD_WHONEEDS, CMD_ROLES,
	CMD_TIPS, CMD_METASKILLS, CMD_KEYSKILLS, CMD_CONCLUSIONS,
	CMD_HIGHLIGHT, CMD_SOURCES, CMD_MORE, CMD_RELOAD, CMD_JOIN, CMD_PART,
	CMD_IGNORE,
	CMD_COUNT
};

/*
 * What a command's argument text is.  With the prefix the handler gets
 * it (its first max words); without ("techpay: salary sre", a private
 * chat) the kind says whether the line is the command or a question.
 */
enum cmd_arg {
	ARG_NONE,	/* nothing: the prefixed command ignores what follows;
			 * a bare one followed by words is a question */
	ARG_ROLE,	/* a role's name: bare only when it names one */
	ARG_CATEGORY,	/* a category, or nothing: bare only then */
	ARG_TEXT,	/* words the handler reads: roles, skills, an amount,
			 * options */
	ARG_WORD	/* one channel, room or mask */
};

#define ARGS_REST	(-1)	/* max: the rest of the line */
#define ARGS_WORDS_MAX	8	/* the most words a row's max may name */

struct cmd_args {
	enum cmd_arg	 kind;
	int		 min;	/* fewer words: the row's usage */
	int		 max;	/* words the handler gets, or ARGS_REST */
};

enum cmd_who {
	CMD_ANYONE,
	CMD_OWNERS	/* the bot's owners, with the prefix: others refused */
};

struct cmd_ctx;
typedef void	 cmd_handler(struct cmd_ctx *, const char *args,
		    struct answer *);

struct command {
	const char	*name;
	const char	*alias;		/* may be NULL */
	struct cmd_args	 args;
	enum cmd_who	 who;
	const char	*usage;		/* the arguments as help shows them,
					 * "" for none */
	const char	*example;	/* arguments of an example, or NULL */
	const char	*help;		/* one line */
	int		 free;		/* free of the question rate limit */
	int		 main;		/* in the short help */
	cmd_handler	*handler;
};

/* CMD_COUNT rows and a NULL row. */
extern const struct command commands[];

const struct command *command_find(const char *name, size_t len);
/* The command a line starts with after the prefix (NULL if none). */
const struct command *command_of(const char *line, const char *prefix);
/* Runs cmd with args (trimmed) as the row says: refuses who may not, the
 * usage for too few words, at most max words to the handler. */
void		 command_run(struct cmd_ctx *, const struct command *,
		    const char *args, struct answer *);
/* "Usage: !salary ROLE (e.g. !salary sre)." from c's running row. */
void		 command_usage(struct cmd_ctx *c, struct answer *);

/* Answers a parsed natural question (say_intent.c). */
void		 command_answer(struct cmd_ctx *, const struct intent *,
		    struct answer *);

/* The handlers of the rows: the guides' commands (cmd_guide.c), the
 * daily highlight's and the owners' (cmd_admin.c), help (cmd.c). */
cmd_handler	 cmd_help, cmd_salary, cmd_skills, cmd_role, cmd_compare,
		 cmd_top, cmd_match, cmd_above, cmd_below, cmd_range,
		 cmd_whoneeds, cmd_roles, cmd_tips, cmd_metaskills,
		 cmd_keyskills, cmd_conclusions, cmd_sources, cmd_more,
		 cmd_highlight, cmd_reload, cmd_join, cmd_part, cmd_ignore;

/* The words of s (separated by spaces), counted up to max; *end:
 * where word max ends, else the end of s. */
int	count_words(const char *s, int max, const char **end);

#endif
