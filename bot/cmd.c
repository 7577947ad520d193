/*
 * cmd.c -- the command table and its dispatch.
 *
 * Each command is one row of commands[] (command.h): name, alias,
 * arguments {kind, min, max}, usage, an example, a one-line help, who may
 * run it, whether it is free of the question rate limit, and its
 * handler.  Everything said about a command comes from its row: "help",
 * "help CMD", and the usage when its arguments are missing or cannot be
 * read.  The handlers live in cmd_guide.c (the guides' commands) and
 * cmd_admin.c (the daily highlight's settings, the owners' commands).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "message.h"
#include "text.h"

#define ROLE_ARG	{ ARG_ROLE, 1, ARGS_REST }
#define TEXT_ARG(min)	{ ARG_TEXT, (min), ARGS_REST }
#define NO_ARG		{ ARG_NONE, 0, 0 }
#define ANYONE		CMD_ANYONE
#define OWNERS		CMD_OWNERS
#define FREE		1	/* free of the question rate limit */
#define PAID		0
#define MAIN		1	/* in the short help */
#define ALL		0	/* in "help all" only */

/*
 * { name, alias, {kind, min, max}, who, usage, example,
 *   help,
 *   free, main, handler }
 */
const struct command commands[CMD_COUNT + 1] = {
	[CMD_HELP] = { "help", "commands", TEXT_ARG(0), ANYONE,
	    "[all|command]", NULL,
	    "what I can answer",
	    FREE /* asking how to ask is not a question */, ALL, cmd_help },
	[CMD_SALARY] = { "salary", "pay", ROLE_ARG, ANYONE, "ROLE", "sre",
	    "the salary range the guides give for a role (or their words, "
	    "where they give no figure)",
	    PAID, MAIN, cmd_salary },
	[CMD_SKILLS] = { "skills", "skill", ROLE_ARG, ANYONE, "ROLE", "sre",
	    "the skills the guides list for a role",
	    PAID, MAIN, cmd_skills },
	[CMD_ROLE] = { "role", "job", ROLE_ARG, ANYONE, "ROLE", "sre",
	    "what the job is and what they do",
	    PAID, ALL, cmd_role },
	[CMD_COMPARE] = { "compare", "vs", TEXT_ARG(1), ANYONE,
	    "ROLE vs ROLE", "sre vs devops",
	    "two roles' salaries side by side",
	    PAID, MAIN, cmd_compare },
	[CMD_TOP] = { "top", "rank", TEXT_ARG(0), ANYONE,
	    "[N] [lowest] [by min|max|mid]", NULL,
	    "the best-paid roles by the midpoint, bottom or top of their "
	    "range; ties stay ties",
	    PAID, MAIN, cmd_top },
	[CMD_MATCH] = { "match", "fit", TEXT_ARG(1), ANYONE,
	    "SKILL, SKILL, ...", "python, sql, docker",
	    "the roles that list the most of your skills, and which guide "
	    "lists them",
	    PAID, MAIN, cmd_match },
	[CMD_ABOVE] = { "above", NULL, TEXT_ARG(1), ANYONE,
	    "AMOUNT [by min|max|mid]", "$200k",
	    "roles whose range goes above an amount (top of range by "
	    "default)",
	    PAID, ALL, cmd_above },
	[CMD_BELOW] = { "below", NULL, TEXT_ARG(1), ANYONE,
	    "AMOUNT [by min|max|mid]", "$200k",
	    "roles whose range starts below an amount (bottom of range by "
	    "default)",
	    PAID, ALL, cmd_below },
	[CMD_RANGE] = { "range", NULL, NO_ARG, ANYONE, "", NULL,
	    "the lowest and highest figures in the guides",
	    PAID, ALL, cmd_range },
	[CMD_WHONEEDS] = { "whoneeds", "needs", TEXT_ARG(1), ANYONE,
	    "SKILL", "kubernetes",
	    "which roles list a skill",
	    PAID, ALL, cmd_whoneeds },
	[CMD_ROLES] = { "roles", "list", { ARG_CATEGORY, 0, ARGS_REST },
	    ANYONE, "[category]", NULL,
	    "all roles, or one category's",
	    PAID, ALL, cmd_roles },
	[CMD_TIPS] = { "tips", "negotiate", NO_ARG, ANYONE, "", NULL,
	    "what to negotiate beyond base salary",
	    PAID, ALL, cmd_tips },
	[CMD_METASKILLS] = { "metaskills", "meta", NO_ARG, ANYONE, "", NULL,
	    "skills that raise pay across roles",
	    PAID, ALL, cmd_metaskills },
	[CMD_KEYSKILLS] = { "keyskills", "market", NO_ARG, ANYONE, "", NULL,
	    "key skills to increase your market value",
	    PAID, ALL, cmd_keyskills },
	[CMD_CONCLUSIONS] = { "conclusions", "conclusion", NO_ARG, ANYONE, "",
	    NULL,
	    "each guide's conclusions",
	    PAID, ALL, cmd_conclusions },
	[CMD_HIGHLIGHT] = { "highlight", "today", { ARG_TEXT, 0, 3 }, ANYONE,
	    "[on|off|time HH:MM [Zone]]", "time 08:30 America/New_York",
	    "today's role of the day; operators set the daily post",
	    PAID, ALL, cmd_highlight },
	[CMD_SOURCES] = { "sources", "source", NO_ARG, ANYONE, "", NULL,
	    "where my answers come from",
	    PAID, ALL, cmd_sources },
	[CMD_MORE] = { "more", NULL, NO_ARG, ANYONE, "", NULL,
	    "the rest of a long answer",
	    FREE /* the limit counts questions, not pages */, ALL,
	    cmd_more },
	[CMD_RELOAD] = { "reload", NULL, NO_ARG, OWNERS, "", NULL,
	    "owners: reload the config and the knowledge",
	    PAID, ALL, cmd_reload },
	[CMD_JOIN] = { "join", NULL, { ARG_WORD, 1, 1 }, OWNERS,
	    "CHANNEL-OR-ROOM", NULL,
	    "owners: join a channel or room",
	    PAID, ALL, cmd_join },
	[CMD_PART] = { "part", "leave", { ARG_WORD, 0, 1 }, OWNERS,
	    "[CHANNEL-OR-ROOM]", NULL,
	    "owners: leave one",
	    PAID, ALL, cmd_part },
	[CMD_IGNORE] = { "ignore", NULL, { ARG_WORD, 1, 1 }, OWNERS,
	    "MASK-OR-USER", NULL,
	    "owners: ignore someone",
	    PAID, ALL, cmd_ignore },
	[CMD_COUNT] = { NULL, NULL, NO_ARG, ANYONE, NULL, NULL, NULL, PAID,
	    ALL, NULL }
};

const struct command *
command_of(const char *line, const char *prefix)
{
	size_t pl = strlen(prefix);

	if (strncmp(line, prefix, pl) != 0)
		return NULL;
	line += pl;
	return command_find(line, strcspn(line, " "));
}

const struct command *
command_find(const char *name, size_t len)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if ((strlen(c->name) == len &&
		    strncasecmp(c->name, name, len) == 0) ||
		    (c->alias && strlen(c->alias) == len &&
		    strncasecmp(c->alias, name, len) == 0))
			return c;
	return NULL;
}

/* ---- dispatch ------------------------------------------------------- */

void
command_usage(struct cmd_ctx *c, struct answer *a)
{
	const struct command *cmd = c->cmd;

	fmt_printf(a, "Usage: %s%s%s%s", c->prefix, cmd->name, *cmd->usage ?
	    " " : "", cmd->usage);
	if (cmd->example)
		fmt_printf(a, " (e.g. %s%s %s).", c->prefix, cmd->name,
		    cmd->example);
}

int
count_words(const char *s, int max, const char **end)
{
	int n = 0;

	*end = s + strlen(s);
	while (*s) {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		s += strcspn(s, " ");
		if (++n == max)
			*end = s;
	}
	return n;
}

void
command_run(struct cmd_ctx *c, const struct command *cmd, const char *args,
    struct answer *a)
{
	const char *end;
	char *cut = NULL;
	int n;

	c->cmd = cmd;
	if (cmd->who == CMD_OWNERS && (c->msg == NULL || !c->msg->owner)) {
		fmt_text(a, "Sorry, only the bot's owners can do that.");
		return;
	}
	n = count_words(args, cmd->args.max, &end);
	if (n < cmd->args.min) {
		command_usage(c, a);
		return;
	}
	/* the handler reads no more than the row says: the rest of
	 * "!join #a #b", "!sources please" is not its */
	if (cmd->args.max == 0)
		args = "";
	else if (cmd->args.max != ARGS_REST && n > cmd->args.max)
		args = cut = xstrndup(args, (size_t)(end - args));
	if (cmd->free)
		a->free = 1;
	cmd->handler(c, args, a);
	free(cut);
}

/* ---- help ----------------------------------------------------------- */

static int
visible(const struct cmd_ctx *c, const struct command *cmd)
{
	return cmd->who != CMD_OWNERS || (c->msg && c->msg->owner);
}

static void
help_entry(struct cmd_ctx *c, const struct command *cmd, struct answer *a)
{
	fmt_printf(a, "%s%s%s%s", c->prefix, cmd->name, *cmd->usage ? " " :
	    "", cmd->usage);
}

/* "help CMD": its usage, help and alias; 0 when there is no such
 * command for this person. */
static int
help_one(struct cmd_ctx *c, const char *name, struct answer *a)
{
	const struct command *cmd;

	if (strncmp(name, c->prefix, strlen(c->prefix)) == 0)
		name += strlen(c->prefix);
	if ((cmd = command_find(name, strcspn(name, " "))) == NULL ||
	    !visible(c, cmd))
		return 0;
	help_entry(c, cmd, a);
	fmt_printf(a, " — %s", cmd->help);
	if (cmd->alias)
		fmt_printf(a, " (also %s%s)", c->prefix, cmd->alias);
	return 1;
}

/* "help": the main commands and an example, one line; "help all": the
 * rest (owner commands to owners only); "help CMD": one command. */
void
cmd_help(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct command *cmd;
	int all = strcasecmp(arg, "all") == 0;

	if (*arg && !all) {
		if (help_one(c, arg, a))
			return;
		fmt_text(a, "No command ");
		fmt_echo(a, arg);
		fmt_text(a, ". ");
	}
	fmt_text(a, all ? "All commands: " : "I answer from two guides to the "
	    "highest-paying tech jobs: ");
	fmt_list_begin(a);
	for (cmd = commands; cmd->name; cmd++) {
		if ((!all && !cmd->main) || !visible(c, cmd))
			continue;
		fmt_li_begin(a, ", ");
		help_entry(c, cmd, a);
		if (all)
			fmt_printf(a, " (%s)", cmd->help);
		fmt_li_end(a);
	}
	fmt_list_end(a);
	if (all)
		fmt_plain(a, ".");
	else
		fmt_printf(a, " — or just ask: \"%s: how much does an SRE "
		    "make?\" (%shelp all for the rest)", c->nick, c->prefix);
}
