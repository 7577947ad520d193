/*
 * recall.c -- a follow-up completed from the conversation.
 *
 * What the last answer was about (struct said, answer.h) fills what a
 * question leaves out: "and devops?" asks the last question of another
 * role, "how much do they make" asks about the role just named, "the
 * other one", "which of those pays more", "source?".  Memory only fills
 * gaps: a question that names its own subject keeps it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "recall.h"
#include "repair.h"
#include "text.h"

/* A data question ("which country") the model is this sure of is one,
 * whatever pay words it has */
#define ABOUT_LAST_DATA_P	0.6f

static int
wants_role(enum intent_kind k)
{
	return k == I_SALARY || k == I_SKILLS || k == I_ROLE || k == I_NEEDS ||
	    k == I_SPREAD || k == I_POSITION || k == I_PASSAGE;
}

/* Adds r to e's roles unless it is there or they are full. */
static void
add_role_once(struct entities *e, const struct kb_role *r)
{
	int k;

	for (k = 0; k < e->nroles && e->roles[k] != r; k++)
		;
	if (k == e->nroles && e->nroles < Q_ROLES_MAX)
		e->roles[e->nroles++] = r;
}

/* 1 if a word of the message is one of list's. */
static int
any_word(const struct intent *q, const char *const *list)
{
	int i;

	for (i = 0; i < q->nwords; i++)
		if (text_in_list(q->words[i], list))
			return 1;
	return 0;
}

/* "which one pays more": a comparative, of the last two. */
static int
comparative(const struct intent *q)
{
	static const char *const words[] = { "more", "less", "better",
	    "higher", "lower", "worse", NULL };

	return any_word(q, words);
}

/* The question points back at more than one: "those", "both". */
static int
plural(const struct intent *q)
{
	/* "which of those three", not "the three worst paid ones" */
	static const char *const words[] = { "those", "these", "both",
	    "them", "either", NULL };

	return any_word(q, words);
}

/* The roles of this answer first, then those of the ones before, each
 * once, SAID_RECENT_MAX at most; an answer of several parts has kept
 * its parts' already (they come first). */
void
recall_keep(struct said *now, const struct said *before)
{
	int i, k;

	if (now->nrecent == 0)
		for (i = 0; i < now->nroles && now->nrecent < SAID_RECENT_MAX;
		    i++)
			now->recent[now->nrecent++] = now->roles[i];
	for (i = 0; before && i < before->nrecent &&
	    now->nrecent < SAID_RECENT_MAX; i++) {
		for (k = 0; k < now->nrecent &&
		    now->recent[k] != before->recent[i]; k++)
			;
		if (k == now->nrecent)
			now->recent[now->nrecent++] = before->recent[i];
	}
}

/* A follow-up with nothing to follow ("what currency" as a first
 * message): what the model found next likeliest, else by its names. */
static void
not_again(struct intent *q)
{
	int i;

	/* "2026 guide numbers for cloud architects": its cue words */
	if (q->strong != I_NONE && q->strong != I_AGAIN && repair_names_subject(&q->e)
	    && wants_role(q->strong)) {
		q->kind = q->strong;
		return;
	}
	for (i = 0; i < 3 && q->top[i].kind != I_NONE; i++)
		if (q->top[i].kind != I_AGAIN) {
			q->kind = q->top[i].kind;
			if (q->kind == I_PASSAGE && q->aspects[0].name) {
				q->aspect = q->aspects[0].name;
				q->aspect_p = q->aspects[0].p;
			}
			return;
		}
	q->kind = q->e.nroles + q->e.nunknown ? I_SALARY : I_NONE;
}

/* The role-taking intent the message's own words point to: the
 * model's likeliest among its best three, else the cue words' (the
 * measure or modifier of a pay question: salary); unchanged if none. */
static void
about_last(struct intent *q)
{
	static const enum intent_kind order[] = { I_SPREAD, I_POSITION,
	    I_SKILLS, I_SALARY, I_ROLE };
	size_t k;
	int i;

	if (q->measure == PICK_DEFAULT && q->e.mods == 0 &&
	    !(q->cues & (1ULL << I_SALARY | 1ULL << I_SKILLS |
	    1ULL << I_SPREAD | 1ULL << I_POSITION)))
		return;
	for (i = 0; i < 3 && q->top[i].kind != I_NONE; i++)
		if (wants_role(q->top[i].kind) &&
		    q->top[i].kind != I_PASSAGE) {
			q->kind = q->top[i].kind;
			return;
		}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		if (q->cues & (1ULL << order[k])) {
			q->kind = order[k];
			return;
		}
	q->kind = I_SALARY;
}

/* 1 if word w is in the message. */
static int
has_word(const struct intent *q, const char *w)
{
	const char *const one[] = { w, NULL };

	return any_word(q, one);
}

/* 1 if a word of the title begins as w does ("architect", "arch"). */
static int
title_has(const char *title, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = title; *p; p++)
		if ((p == title || p[-1] == ' ' || p[-1] == '-') &&
		    strncasecmp(p, w, n) == 0)
			return 1;
	return 0;
}

/*
 * "the cloud one", "the architect one, what skills", "the other data
 * job", "the other one": one of the roles just talked about (or of the
 * field named), told apart by a word or by "other"; 1 when exactly one
 * fits, which the question then names.
 */
static int
pick_recent(struct intent *q, const struct said *last, const struct kb *kb)
{
	struct entities *e = &q->e;
	const struct kb_role *cand[SAID_RECENT_MAX + 16], *r;
	int n = 0, i, k, other = has_word(q, "other");
	const char *w = e->nunknown == 1 && strchr(e->unknown[0], ' ') ==
	    NULL ? e->unknown[0] : NULL;

	if (e->nroles > 0 || e->nunknown > 1 || (e->nunknown && !w) ||
	    !(has_word(q, "one") || other))
		return 0;
	if (e->category < 0 && !w && !other)
		return 0;
	if (e->cat_role && !other)
		cand[n++] = e->cat_role;
	else	/* "the other one" alone: of the last two */
		for (i = 0; i < last->nrecent && (i < 2 || w ||
		    e->category >= 0); i++)
			cand[n++] = last->recent[i];
	for (i = 0; e->category >= 0 && (other || !e->cat_role) &&
	    n < (int)(sizeof(cand) /
	    sizeof(cand[0])) && i < kb->nroles; i++)
		if (kb->roles[i].category == e->category)
			cand[n++] = &kb->roles[i];
	for (i = 0, k = 0; i < n; i++) {
		r = cand[i];
		if ((e->category >= 0 && r->category != e->category) ||
		    (w && !title_has(r->title, w)) ||
		    (other && last->nroles && r == last->roles[0]))
			continue;
		if (k == 0 || cand[0] != r)
			cand[k++] = r;
		if (k > 1)
			return 0;
	}
	if (k != 1)
		return 0;
	e->roles[0] = cand[0];
	e->nroles = 1;
	e->nunknown = 0;
	e->category = -1;
	return 1;
}

/* A follow-up as the rules below see it: the question, the last answer
 * and how many subjects the question names (a rule may settle one). */
struct fill {
	struct intent		*q;
	const struct said	*last;
	const struct kb		*kb;
	int			 named;
};

/* "the cloud one", "the other one": one of the roles just talked about */
static void
rule_pick_recent(struct fill *f)
{
	if (pick_recent(f->q, f->last, f->kb))
		f->named = 1;
}

/* "k and the pay": nothing named anew, so what changed is the question
 * itself, which its cue words say */
static void
rule_again_by_cues(struct fill *f)
{
	struct intent *q = f->q;
	const struct entities *e = &q->e;

	if (q->kind == I_AGAIN && !repair_names_subject(e) && !e->guide &&
	    e->amount == 0 && e->mods == 0 && q->strong != I_NONE &&
	    q->strong != I_AGAIN && !(q->measure != PICK_DEFAULT &&
	    f->last->nroles == 1 && (f->last->kind == I_SALARY ||
	    f->last->kind == I_SPREAD)))	/* "and the top end": same role */
		q->kind = q->strong;
}

/* "and sre?", "same for data scientists", "in the older guide": the
 * last question, with what this one names */
static void
rule_again(struct fill *f)
{
	struct intent *q = f->q;
	const struct said *last = f->last;

	if (q->kind != I_AGAIN)
		return;
	q->kind = last->kind == I_AGAIN || last->kind == I_NONE ?
	    I_SALARY : last->kind;
	if (q->measure == PICK_DEFAULT)
		q->measure = (enum measure_pick)last->measure;
	if (q->ends == 0)	/* "and the highest" says its own */
		q->lowest |= last->lowest;
}

/* "and devops?": a name alone asks what was asked before ("sre
 * midpoint", "devops min and max" say what they ask) */
static void
rule_name_alone(struct fill *f)
{
	const struct intent *q = f->q;

	if (!q->cued && f->named == 1 && wants_role(f->last->kind) &&
	    f->last->kind != I_PASSAGE && q->measure == PICK_DEFAULT &&
	    !q->mean && !q->both_ends)
		f->q->kind = f->last->kind;
}

/* "how much is rent in nyc": something new, not covered; memory does
 * not stand in for it */
static void
rule_not_covered(struct fill *f)
{
	struct intent *q = f->q;

	if (q->kind == I_SALARY && !repair_names_subject(&q->e) &&
	    !q->e.refers && !q->measure && !q->lowest &&
	    repair_unknown_subject(q))
		f->named = 1;
}

/* "money", "middle of that", "what's that per hour", "how big is that
 * gap": nothing named, but words about a role's pay or skills, which the
 * model read as something else; the last answer's role is what they are
 * about */
static void
rule_about_last(struct fill *f)
{
	struct intent *q = f->q;
	const struct entities *e = &q->e;

	if (!repair_names_subject(e) && f->last->nroles &&
	    (q->kind == I_NONE || q->kind == I_ACK || q->kind == I_HELP ||
	    /* "are these salaries for the us" is about the data, surely */
	    (q->kind == I_DATA && (e->mods || q->measure != PICK_DEFAULT ||
	    q->top[0].p < ABOUT_LAST_DATA_P)) ||
	    q->kind == I_OFFTOPIC || (q->kind == I_CITE &&
	    q->measure != PICK_DEFAULT)))
		about_last(q);
}

/* "in euros?", "and for a senior?": the last pay question again */
static void
rule_modifier_alone(struct fill *f)
{
	if (f->q->kind == I_NONE && f->q->e.mods && f->named == 0 &&
	    f->last->nroles)
		f->q->kind = I_SALARY;
}

/* memory fills gaps only: "how much do they make", not "tell me about
 * ai jobs" (a category) or "what about a frontend dev"; a passage keeps
 * the last role as its near subject ("why tho") */
static void
rule_passage_context(struct fill *f)
{
	struct intent *q = f->q;

	if (q->kind == I_PASSAGE && !repair_names_subject(&q->e) &&
	    !q->e.refers && f->last->nroles)
		q->e.context_role = f->last->roles[0];
}

/* ...and "which job has the widest range" asks about them all */
static void
rule_last_roles(struct fill *f)
{
	struct intent *q = f->q;
	struct entities *e = &q->e;
	int i;

	if (wants_role(q->kind) && !repair_names_subject(e) &&
	    (q->kind != I_PASSAGE || e->refers) && (q->ends == 0 || e->refers))
		for (i = 0; i < f->last->nroles && e->nroles < Q_ROLES_MAX &&
		    (i < 1 || q->kind != I_PASSAGE); i++)
			e->roles[e->nroles++] = f->last->roles[i];
}

/* "is that more than a data scientist", "which of those three has the
 * lowest top end", "compare them": the roles just named in a
 * comparison */
static void
rule_compare_last(struct fill *f)
{
	struct intent *q = f->q;
	struct entities *e = &q->e;
	const struct said *last = f->last;
	int i;

	if (q->kind == I_COMPARE && f->named == 1 && e->nroles == 1 &&
	    e->category < 0 && last->nroles >= 1 &&
	    last->roles[0] != e->roles[0]) {
		/* "is that more than a data scientist" */
		e->roles[1] = e->roles[0];
		e->roles[0] = last->roles[0];
		e->nroles = 2;
	} else if (e->refers && f->named == 0 && (last->nroles >= 2 ||
	    ((plural(q) || comparative(q)) && last->nrecent >= 2)) &&
	    (q->kind == I_TOP || q->kind == I_SALARY || q->kind == I_RANGE ||
	    q->kind == I_COMPARE)) {
		/* "which of those three has the lowest top end": a ranking
		 * of the roles just named (or asked one after the other) is
		 * a comparison of them */
		q->kind = I_COMPARE;
		if (last->nroles >= 2)
			for (i = 0; i < last->nroles; i++)
				add_role_once(e, last->roles[i]);
		else	/* "which one": the last two; "those three" */
			for (i = (plural(q) ? last->nrecent : 2) - 1; i >= 0;
			    i--)
				if (i < last->nrecent)
					add_role_once(e, last->recent[i]);
	} else if ((q->kind == I_COMPARE || q->kind == I_DIFFERENCE) &&
	    !repair_names_subject(e))
		/* "which of those three", "compare them" */
		for (i = 0; i < last->nroles; i++)
			add_role_once(e, last->roles[i]);
}

#define SHORT_FOLLOWUP_WORDS 4	/* "and at the bottom" */

/* "whats the difference at the top", "and the bottoms" after two roles
 * were compared: the comparison again, by that end */
static void
rule_measure_after_compare(struct fill *f)
{
	struct intent *q = f->q;

	if (f->last->kind == I_COMPARE && f->last->nroles >= 2 &&
	    f->named == 0 && !repair_names_subject(&q->e) &&
	    q->measure != PICK_DEFAULT && q->e.amount == 0 &&
	    (q->kind == I_PASSAGE || q->kind == I_DATA || q->kind == I_SALARY ||
	    q->kind == I_RANGE || q->kind == I_DIFFERENCE ||
	    /* "and at the bottom": short, of those two, not all */
	    (q->kind == I_TOP && q->nwords <= SHORT_FOLLOWUP_WORDS)))
		q->kind = I_COMPARE;
}

/* "what else matches": the skills asked about last */
static void
rule_last_skills(struct fill *f)
{
	struct entities *e = &f->q->e;
	int i;

	if (f->q->kind == I_MATCH && e->nskills == 0)
		for (i = 0; i < f->last->nskills; i++)
			e->skills[e->nskills++] = f->last->skills[i];
}

/* The follow-up rules, in the order they apply: each may change the
 * question the next one sees.  A new kind of follow-up is a line here
 * and its rule. */
static void (*const rules[])(struct fill *) = {
	rule_pick_recent,	/* "the other one" */
	rule_again_by_cues,	/* "k and the pay" */
	rule_again,		/* "and sre?" */
	rule_name_alone,	/* "and devops?" */
	rule_not_covered,	/* "how much is rent in nyc" */
	rule_about_last,	/* "money", "middle of that" */
	rule_modifier_alone,	/* "in euros?" */
	rule_passage_context,	/* "why tho" */
	rule_last_roles,	/* "how much do they make" */
	rule_measure_after_compare, /* "the difference at the top" */
	rule_compare_last,	/* "which of those three" */
	rule_last_skills,	/* "what else matches" */
};

/* Fills what the question leaves to the conversation. */
void
recall_fill(struct intent *q, const struct said *last, const struct kb *kb)
{
	struct entities *e = &q->e;
	struct fill f = { q, last, kb, e->nroles + e->nunknown };
	size_t i;

	if (e->guide == 3)	/* "the other guide": the one not just used */
		e->guide = last && (last->guide == 1 || last->guide == 2) ?
		    3 - last->guide : 1;
	/* "rank devops, sre and cloud architect by pay": a ranking of the
	 * roles named is a comparison of them */
	if (q->kind == I_TOP && f.named >= 2)
		q->kind = I_COMPARE;
	if (last == NULL) {
		if (q->kind == I_AGAIN)	/* nothing to repeat */
			not_again(q);
		/* "where do your numbers come from" with nothing said
		 * yet: the sources ("where's the 160k from" names its
		 * figure) */
		if (q->kind == I_CITE && q->e.amount == 0 &&
		    !repair_names_subject(&q->e))
			q->kind = I_SOURCES;
		return;
	}
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		rules[i](&f);
}
