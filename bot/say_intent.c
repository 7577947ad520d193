/*
 * say_intent.c -- the answer to a parsed natural question: its intent
 * (question.h) chooses what to say, from the entities already found.
 *
 * Questions about roles, lists and amounts go to the say_* functions the
 * commands use too (say.h, numbers.h, prose.h); small talk is answered
 * here; an intent that is a command's ("what are the sources") runs that
 * command's row by its enum cmd_id (command.h), never by a name.
 */
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "numbers.h"
#include "phrase.h"
#include "prose.h"
#include "say.h"
#include "text.h"

/* The intents a command answers as it stands, with no argument. */
static const struct {
	enum intent_kind kind;
	enum cmd_id	 cmd;
} intent_commands[] = {
	{ I_RANGE, CMD_RANGE }, { I_TIPS, CMD_TIPS },
	{ I_METASKILLS, CMD_METASKILLS }, { I_KEYSKILLS, CMD_KEYSKILLS },
	{ I_SOURCES, CMD_SOURCES },
	{ I_HIGHLIGHT, CMD_HIGHLIGHT }, { I_MORE, CMD_MORE },
};

static enum measure
pick(enum measure_pick p, enum measure dflt)
{
	return p == PICK_MIN ? MEASURE_MIN : p == PICK_MAX ? MEASURE_MAX :
	    p == PICK_MID ? MEASURE_MID : dflt;
}

/* The skills asked about, by name, for an answer's lead. */
static void
skill_list(const struct kb *kb, const int *sk, int n, char *out, size_t len)
{
	struct buf b = {0};
	int i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? (i == n - 1 ? " or " : ", ") : "",
		    kb->skills[sk[i]].name);
	snprintf(out, len, "%s", buf_str(&b));
	buf_free(&b);
}

/* A passage in the role's part that names the unknown title's words,
 * then the role's pay; 1 when there was one. */
static int
say_pair(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	char buf[Q_NAME_MAX], *w[8];
	int n;

	snprintf(buf, sizeof(buf), "%s", q->e.unknown[0]);
	n = text_words(buf, w, 8);
	if (prose_quote_passages(c, w, n, (int)(q->e.roles[0] - c->kb->roles), 0,
	    a) == 0)
		return 0;
	fmt_text(a, " ");
	say_salary(c, q->e.roles[0], 1, a);
	return 1;
}

static void
say_unknowns(struct cmd_ctx *c, const struct entities *e, struct answer *a)
{
	int i;

	for (i = 0; i < e->nunknown; i++) {
		fmt_text(a, i ? " " : "");
		say_unknown(c, e->unknown[i], a);
	}
}

/* How the message's role names were read ("cyber arhc"), where an
 * answer about them begins. */
static void
say_readings(const struct intent *q, struct answer *a)
{
	switch (q->kind) {
	case I_SALARY: case I_SKILLS: case I_ROLE: case I_COMPARE:
	case I_NEEDS: case I_PASSAGE: case I_NONE:
		phrase_readings(a, &q->e);
		break;
	default:
		break;
	}
}

/* "the older guide on cloud architects"; "both guides": the dated one,
 * then the other.  1 when the question asked for a guide's part. */
static int
answer_in_guide(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	int i;

	if ((q->kind != I_SALARY && q->kind != I_SKILLS &&
	    q->kind != I_ROLE) || e->nroles == 0 || !e->guide)
		return 0;
	for (i = 0; i < e->nroles && i < 2; i++) {
		if (i)
			fmt_para(a);
		if (e->guide == 4) {
			say_in_guide(c, e->roles[i], 2, q->kind, a);
			fmt_para(a);
			say_in_guide(c, e->roles[i], 1, q->kind, a);
		} else
			say_in_guide(c, e->roles[i], e->guide, q->kind, a);
	}
	c->said.guide = e->guide;
	return 1;
}

/* "how do ML engineers compare to software engineers": what the guide
 * says about the pair, if it says something; else the roles side by
 * side, or ranked by the end of the range asked. */
static void
answer_compare(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	char names[256];

	/* "frontend vs backend who makes more": skills, which the guides
	 * give no pay for; the roles that list them */
	if (e->nroles == 0 && e->nunknown == 0 && e->nskills > 0) {
		fmt_text(a, "The guides don't cover pay for skills, only for "
		    "roles. ");
		skill_list(c->kb, e->skills, e->nskills, names, sizeof(names));
		say_whoneeds(c, e->skills, e->nskills, names, a);
		return;
	}
	/* "how do ML engineers compare to software engineers": what the
	 * guide says about the pair, if it says something */
	if (e->nroles == 1 && e->nunknown > 0 && say_pair(c, q, a))
		return;
	say_unknowns(c, e, a);
	if (e->nroles > 2 || (e->nroles == 2 && (q->measure || q->lowest)))
		say_compare_n(c, e->roles, e->nroles, pick(q->measure,
		    MEASURE_MID), q->measure || q->lowest, q->lowest, a);
	else if (e->nroles == 2)
		say_compare(c, e->roles[0], e->roles[1], a);
	else if (e->nroles == 1) {
		fmt_text(a, e->nunknown ? " " : "");
		say_salary(c, e->roles[0], 1, a);
	}
	phrase_modifiers(a, e->mods, e->mod_word);
}

/* Questions about named roles; 0 for any other kind. */
static int
answer_roles(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	int i;

	switch (q->kind) {
	case I_SALARY:
		if (e->nroles == 0) {
			say_unknowns(c, e, a);
			break;
		}
		for (i = 0; i < e->nroles && i < 3; i++) {
			fmt_text(a, i ? " " : "");
			say_salary(c, e->roles[i], 1, a);
			if (q->measure == PICK_MID)	/* "and its midpoint" */
				say_midpoint(a, e->roles[i]);
		}
		/* "does ai pm pay well": and what the guide says of it */
		if (e->nroles == 1 && e->mods == 0)
			prose_pay_words(c, q, (int)(e->roles[0] - c->kb->roles),
			    a);
		phrase_modifiers(a, e->mods, e->mod_word);
		break;
	case I_SKILLS:
		if (e->nroles > 0)
			say_skills(c, e->roles[0], a);
		else
			say_unknowns(c, e, a);
		break;
	case I_ROLE:
		if (e->nroles > 0)
			say_role(c, e->roles[0], a);
		else
			say_unknowns(c, e, a);
		break;
	case I_COMPARE:
		answer_compare(c, q, a);
		break;
	case I_NEEDS:
		say_needs(c, e->roles[0], e->skills, e->nskills, a);
		break;
	case I_DIFFERENCE:
		say_unknowns(c, e, a);
		if (e->nroles >= 2)
			say_difference(c, e->roles[0], e->roles[1], a);
		else if (e->nroles == 1)
			say_role(c, e->roles[0], a);
		break;
	default:
		return 0;
	}
	return 1;
}

/* "in each guide", "per guide": one list a guide. */
static int
has_each(const struct intent *q)
{
	int i;

	for (i = 0; i < q->nwords; i++)
		if (strcmp(q->words[i], "each") == 0 ||
		    strcmp(q->words[i], "per") == 0)
			return 1;
	return 0;
}

/* Questions about many roles, amounts and the guides; 0 for others. */
static int
answer_lists(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	char names[256], *unk[8];
	int nunk;

	switch (q->kind) {
	case I_WHONEEDS:
		skill_list(c->kb, e->skills, e->nskills, names, sizeof(names));
		say_whoneeds(c, e->skills, e->nskills, names, a);
		break;
	case I_MATCH:
		nunk = unknown_words(q, unk, 8);
		say_match(c, e->skills, e->nskills, unk, nunk, a);
		break;
	case I_TOP:
		if (e->guide == 1) {	/* the undated guide: words only */
			say_pay_words(c, e->guide, e->category, a);
			break;
		}
		if (q->ends == 3 && e->count <= 1) {
			/* "which pays the most and which the least" */
			say_top(c, 1, 0, pick(q->measure, MEASURE_MID),
			    e->category, e, 0, a);
			fmt_para(a);
			say_top(c, 1, 1, pick(q->measure, MEASURE_MID),
			    e->category, e, 1, a);
			break;
		}
		say_top(c, e->count ? e->count : TOP_DEFAULT, q->lowest,
		    pick(q->measure, MEASURE_MID), e->category, e, 1, a);
		break;
	case I_ABOVE:
	case I_BELOW:
	case I_AMOUNT:
	case I_BETWEEN:
	case I_POSITION:
		/* "as a software engineer": that title is not covered */
		if (e->nroles == 0 && e->nunknown > 0)
			say_unknowns(c, e, a);
		else if (q->kind == I_POSITION)
			say_position(c, q, a);
		else
			say_amount(c, q, a);
		break;
	case I_SPREAD:
		if (e->nroles > 0)
			say_spread(c, q, a);
		else if (e->nunknown > 0)
			say_unknowns(c, e, a);
		else if (q->ends || q->lowest)
			say_widths(c, q, a);	/* "the widest range" */
		else
			say_range(c, a);	/* no role: all of them */
		break;
	case I_SAME:
		say_same(c, q, a);
		break;
	case I_ROLES:
		if (e->guide_only)	/* "only in the older guide" */
			say_roles(c, e->category, GUIDE_ONLY + e->guide_only,
			    a);
		else if (e->guide == 0 && has_each(q)) {
			/* "how many roles in each guide" */
			say_roles(c, e->category, 2, a);
			fmt_para(a);
			say_roles(c, e->category, 1, a);
		} else
			say_roles(c, e->category, e->guide, a);
		break;
	case I_CITE:
		say_cite(c, q, a);
		break;
	case I_DATA:
		say_data(c, a);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Small talk, help and what is not covered; 0 for any other kind. */
static int
answer_talk(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	int i;

	switch (q->kind) {
	case I_ACK:
		a->free = 1;
		fmt_text(a, "Ok. Ask me about any role's pay or skills "
		    "whenever you like.");
		break;
	case I_HELP:
		for (i = 0; i < q->nwords; i++)
			if (strcmp(q->words[i], "all") == 0)
				break;
		command_run(c, &commands[CMD_HELP], i < q->nwords ? "all" : "",
		    a);
		break;
	case I_HELLO:
		a->free = 1;
		fmt_printf(a, "Hi! I answer questions about the highest-paying "
		    "tech jobs from two guides. Try \"how much does an SRE "
		    "make?\" or \"i know python and sql, which job fits?\" "
		    "(%shelp).", c->prefix);
		break;
	case I_THANKS:
		fmt_text(a, "You're welcome! Ask me about any role's pay, "
		    "skills or what the job is.");
		break;
	case I_ABOUT_BOT:
		fmt_printf(a, "I'm %s, a bot (techpay %s, made by the techpay "
		    "authors, ISC licence) that answers from two published "
		    "guides to the highest-paying tech jobs: pay, skills, what "
		    "each job is, comparisons and rankings. I quote their "
		    "figures and never estimate (%ssources, %shelp).", c->nick,
		    TECHPAY_VERSION, c->prefix, c->prefix);
		break;
	case I_OFFTOPIC:
		fmt_printf(a, "That's not covered: I only answer from two guides "
		    "to the highest-paying tech jobs (pay, skills, what the job "
		    "is; %shelp).", c->prefix);
		break;
	default:
		return 0;
	}
	return 1;
}

/* The command an intent is, run with no argument; 0 when none is. */
static int
answer_command(struct cmd_ctx *c, enum intent_kind kind, struct answer *a)
{
	size_t i;

	for (i = 0; i < sizeof(intent_commands) / sizeof(intent_commands[0]);
	    i++)
		if (intent_commands[i].kind == kind) {
			command_run(c, &commands[intent_commands[i].cmd], "",
			    a);
			return 1;
		}
	return 0;
}

void
command_answer(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;

	c->said.kind = q->kind;
	say_readings(q, a);
	if (answer_in_guide(c, q, a) || answer_roles(c, q, a) ||
	    answer_lists(c, q, a) || answer_talk(c, q, a))
		return;
	switch (q->kind) {
	case I_PASSAGE:
		c->said.aspect = q->aspect;
		/* FALLTHROUGH */
	case I_NONE:
	case I_COUNT:
		/* "sysadmins make decent money or nah": the pay of a job
		 * the guides lack, which no sentence of theirs answers
		 * ("is managing engineers harder" names one in passing) */
		if (e->nroles == 0 && e->nunknown > 0 &&
		    likely_kind(q, I_SALARY)) {
			say_unknowns(c, e, a);
			return;
		}
		say_passage(c, q, e->nroles ? (int)(e->roles[0] -
		    c->kb->roles) : -1, a);
		return;
	case I_CONCLUSIONS:
		/* "will ai automate these jobs away": that sentence; "the
		 * 2026 guide's takeaway": that guide's */
		if (e->guide == 4)	/* "final thoughts of both guides" */
			say_topic_each(c, a, "conclusion");
		else if (prose_topic_item(c, q, "conclusion", a) == 0)
			say_topic(c, a, "conclusion", NULL, TOPIC_PROSE,
			    e->guide);
		return;
	case I_TIPS:
	case I_KEYSKILLS:
	case I_METASKILLS:
		/* "is equity worth negotiating for": the item it names */
		if (prose_topic_item(c, q, q->kind == I_TIPS ? "negotiation" :
		    q->kind == I_KEYSKILLS ? "market-skills" : "meta-skills",
		    a))
			return;
		break;
	default:
		break;
	}
	/* range, tips, metaskills, keyskills, sources, highlight, more:
	 * the command the intent is */
	answer_command(c, q->kind, a);
}
