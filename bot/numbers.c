/*
 * numbers.c -- the answers about amounts of money (numbers.h).
 *
 * index_rank orders the roles by a figure; these answers only filter
 * that order and print it with ranked() (answer.c), so there is one
 * ranking.  The amount asked is the asker's and is said as such; what is
 * worked out is a midpoint or a difference of two figures, and the words
 * next to it say which.  An amount in another currency, per hour or
 * month, or after tax is not held against the guides' annual US-dollar
 * averages: that would be converting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numbers.h"
#include "phrase.h"

#define NUM_LIST_MAX	64	/* roles looked at for one answer */
#define NUM_NAMED_MAX	3	/* named roles answered in one line */

/* What an amount cannot be compared across without converting. */
#define MOD_UNCOMPARABLE	(MOD_CURRENCY | MOD_PERIOD | MOD_TAX)

static const char *
cmp_name(enum comparator cmp)
{
	switch (cmp) {
	case CMP_ABOVE:
		return "above";
	case CMP_ATLEAST:
		return "at least";
	case CMP_BELOW:
		return "below";
	case CMP_ATMOST:
		return "at most";
	case CMP_BETWEEN:
		return "between";
	default:
		return "";
	}
}

/* The end of the range a comparator reads: its own ("starts at"), the
 * one the question names ("start above 150k"), or as !above and !below
 * read it: the top for what a range reaches, the bottom for where it
 * starts, the midpoint between two amounts. */
static enum measure
cmp_measure(enum comparator cmp, enum measure_pick pick)
{
	if (cmp == CMP_STARTS)
		return MEASURE_MIN;
	if (cmp == CMP_TOPS)
		return MEASURE_MAX;
	if (cmp == CMP_MID || pick == PICK_MID)
		return MEASURE_MID;
	if (pick == PICK_MIN)
		return MEASURE_MIN;
	if (pick == PICK_MAX)
		return MEASURE_MAX;
	if (cmp == CMP_BELOW || cmp == CMP_ATMOST)
		return MEASURE_MIN;
	return cmp == CMP_BETWEEN ? MEASURE_MID : MEASURE_MAX;
}

/* The guide wrote "+" after the top: it is at least that figure. */
static int
open_top(const struct kb_role *r, enum measure m)
{
	return m == MEASURE_MAX && r->figure->pay.open_ended;
}

/*
 * r's measure m against the amount lo (and hi, between), in half units
 * as measure_x2 gives them.  An open-ended top reaching the amount is
 * above it, and never at most anything, as index_rank has it.
 */
static int
meets(const struct kb_role *r, enum measure m, enum comparator cmp,
    long lo, long hi)
{
	long v = measure_x2(r, m);
	int open = open_top(r, m);

	switch (cmp) {
	case CMP_ABOVE:
		return v > 2 * lo || (open && v >= 2 * lo);
	case CMP_ATLEAST:
		return v >= 2 * lo;
	case CMP_BELOW:
		return !open && v < 2 * lo;
	case CMP_ATMOST:
		return !open && v <= 2 * lo;
	case CMP_BETWEEN:
		return !open && v >= 2 * lo && v <= 2 * hi;
	default:
		return v == 2 * lo;
	}
}

/* A role's measure as money, with the guide's "+" on an open top. */
static void
measure_money(struct answer *a, const struct kb_role *r, enum measure m)
{
	fmt_money_x2(a, measure_x2(r, m));
	if (open_top(r, m))
		fmt_text(a, "+");
}

/* "TITLE ($min–$max)", its pay noted for "source?". */
static void
role_range(struct cmd_ctx *c, struct answer *a, const struct kb_role *r)
{
	const struct kb_pay *p = &r->figure->pay;

	said_pay(c, r);
	fmt_text(a, r->title);
	fmt_text(a, " (");
	fmt_range(a, p->min, p->max, p->open_ended);
	fmt_text(a, ")");
}

/* The titles of the roles of all[0..n) whose measure m is v2 (half
 * units): "A", "A and B", "A, B and C". */
static void
titles_at(struct cmd_ctx *c, struct answer *a,
    const struct kb_role *const *all, int n, enum measure m, long v2)
{
	const struct kb_role *r[NUM_LIST_MAX];
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (measure_x2(all[i], m) == v2) {
			said_pay(c, all[i]);
			r[k++] = all[i];
		}
	phrase_roles(a, r, k, " and ");
}

/* A named role without a figure: the guide's words, and why nothing is
 * compared. */
static int
words_only(struct cmd_ctx *c, const struct kb_role *r, const char *what,
    struct answer *a)
{
	if (r->figure)
		return 0;
	said_pay(c, r);
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	phrase_pay(a, r);
	phrase_end_sentence(a);
	fmt_printf(a, "The guides give words only, no figure, so %s.", what);
	return 1;
}

/* ---- roles against an amount ------------------------------------- */

/* "Roles whose top of range is above $200,000 (2026 guide): 1. ..." */
static void
say_against(struct cmd_ctx *c, enum comparator cmp, enum measure m,
    long lo, long hi, struct answer *a)
{
	const struct kb_role *all[NUM_LIST_MAX], *r[NUM_LIST_MAX];
	const struct kb_pay *p;
	int asc = cmp == CMP_BELOW || cmp == CMP_ATMOST, n, k = 0, i, inside;

	n = index_rank(c->ix, m, asc, 0, all, NUM_LIST_MAX);
	for (i = 0; i < n; i++)
		if (meets(all[i], m, cmp, lo, hi))
			r[k++] = all[i];
	fmt_printf(a, "Roles whose %s is %s ", measure_name(m),
	    cmp_name(cmp));
	fmt_money(a, lo);
	if (cmp == CMP_BETWEEN) {
		fmt_text(a, " and ");
		fmt_money(a, hi);
	}
	if (k == 0) {
		fmt_text(a, ": none in the guides");
		if (n > 0 && cmp != CMP_BETWEEN) {
			/* the nearest there is, so "none" is not a dead end */
			fmt_printf(a, "; the %s %s is ", asc ? "lowest" :
			    "highest", measure_name(m));
			measure_money(a, all[0], m);
			fmt_text(a, " (");
			titles_at(c, a, all, n, m, measure_x2(all[0], m));
			fmt_text(a, ")");
		}
		fmt_text(a, ".");
		return;
	}
	for (i = 0; i < k; i++)
		said_pay(c, r[i]);
	fmt_printf(a, " (%s", figure_label(r, k));
	if (cmp == CMP_BETWEEN) {
		/* the other reading of "between": all of the range */
		fmt_text(a, "; whole range inside it: ");
		for (inside = 0, i = 0; i < n; i++) {
			p = &all[i]->figure->pay;
			if (p->min >= lo && p->max <= hi && !p->open_ended) {
				fmt_text(a, inside++ ? ", " : "");
				fmt_text(a, all[i]->title);
			}
		}
		if (inside == 0)
			fmt_text(a, "none");
	}
	fmt_text(a, "): ");
	ranked(a, r, k, m);
	fmt_plain(a, ".");
}

/* "; nearest above: $210,000 (Title), $10,000 more than $200,000", or
 * below and less: the roles at all[i]'s measure, and how far from x. */
static void
say_nearest(struct cmd_ctx *c, struct answer *a,
    const struct kb_role *const *all, int n, int i, enum measure m, long x)
{
	long v = measure_x2(all[i], m);
	int up = v > 2 * x;

	fmt_text(a, up ? "; nearest above: " : "; nearest below: ");
	measure_money(a, all[i], m);
	fmt_text(a, " (");
	titles_at(c, a, all, n, m, v);
	fmt_text(a, "), ");
	fmt_money_x2(a, up ? v - 2 * x : 2 * x - v);
	fmt_text(a, up ? " more than " : " less than ");
	fmt_money(a, x);
}

/* "starts at", "tops out at", "midpoint of": the roles whose end is the
 * amount, or the nearest on either side with the difference. */
static void
say_at(struct cmd_ctx *c, enum measure m, long x, struct answer *a)
{
	const struct kb_role *all[NUM_LIST_MAX], *r[NUM_LIST_MAX];
	int n, i, k = 0, above = -1, below = -1, open = 0;
	long v;

	n = index_rank(c->ix, m, 0, 0, all, NUM_LIST_MAX);
	for (i = 0; i < n; i++) {
		v = measure_x2(all[i], m);
		if (v == 2 * x) {
			r[k++] = all[i];
			open |= open_top(all[i], m);
		} else if (v > 2 * x)
			above = i;	/* highest first: the last is nearest */
		else if (below < 0)
			below = i;
	}
	if (k > 0) {
		fmt_printf(a, "Roles whose %s is ", measure_name(m));
		fmt_money(a, x);
		fmt_printf(a, " (%s): ", figure_label(r, k));
		for (i = 0; i < k; i++) {
			if (i > 0)
				fmt_text(a, i == k - 1 ? " and " : ", ");
			role_range(c, a, r[i]);
		}
		fmt_text(a, ".");
		if (open)
			fmt_text(a, " A top written with \"+\" is open-ended: "
			    "the guide gives no ceiling.");
		return;
	}
	fmt_printf(a, "No role's %s is ", measure_name(m));
	fmt_money(a, x);
	fmt_text(a, " in the guides");
	if (above >= 0)
		say_nearest(c, a, all, n, above, m, x);
	if (below >= 0)
		say_nearest(c, a, all, n, below, m, x);
	fmt_text(a, ".");
}

/* No comparator ("jobs paying 180k"): the ranges that hold it. */
static void
say_holding(struct cmd_ctx *c, long x, struct answer *a)
{
	const struct kb_role *all[NUM_LIST_MAX], *r[NUM_LIST_MAX];
	const struct kb_pay *p;
	int n, i, k = 0;

	n = index_rank(c->ix, MEASURE_MID, 0, 0, all, NUM_LIST_MAX);
	for (i = 0; i < n; i++) {
		p = &all[i]->figure->pay;
		if (p->min <= x && x <= p->max)
			r[k++] = all[i];
	}
	if (k > 0) {
		fmt_text(a, "Roles whose range includes ");
		fmt_money(a, x);
		fmt_printf(a, " (%s): ", figure_label(r, k));
		for (i = 0; i < k; i++) {
			fmt_text(a, i ? "; " : "");
			role_range(c, a, r[i]);
		}
		fmt_text(a, ".");
		return;
	}
	fmt_text(a, "No role's range in the guides includes ");
	fmt_money(a, x);
	if (n > 0) {
		n = index_rank(c->ix, MEASURE_MIN, 1, 0, all, NUM_LIST_MAX);
		if (2 * x < measure_x2(all[0], MEASURE_MIN)) {
			fmt_text(a, "; the lowest bottom of range is ");
			measure_money(a, all[0], MEASURE_MIN);
			fmt_text(a, " (");
			titles_at(c, a, all, n, MEASURE_MIN,
			    measure_x2(all[0], MEASURE_MIN));
			fmt_text(a, ")");
		} else {
			n = index_rank(c->ix, MEASURE_MAX, 0, 0, all,
			    NUM_LIST_MAX);
			fmt_text(a, "; the highest top of range is ");
			measure_money(a, all[0], MEASURE_MAX);
			fmt_text(a, " (");
			titles_at(c, a, all, n, MEASURE_MAX,
			    measure_x2(all[0], MEASURE_MAX));
			fmt_text(a, ")");
		}
	}
	fmt_text(a, ".");
}

/* A named role against the amount: "its top of range, $185,000, is
 * $35,000 more than $150,000". */
static void
role_against(struct cmd_ctx *c, const struct kb_role *r, enum comparator cmp,
    enum measure m, long lo, long hi, struct answer *a)
{
	long v;

	if (words_only(c, r, "there is nothing to compare", a))
		return;
	said_pay(c, r);
	v = measure_x2(r, m);
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	phrase_pay(a, r);
	fmt_printf(a, "; its %s, ", measure_name(m));
	measure_money(a, r, m);
	fmt_text(a, ", is ");
	if (cmp == CMP_BETWEEN && v >= 2 * lo && v <= 2 * hi &&
	    !open_top(r, m)) {
		fmt_text(a, "between ");
		fmt_money(a, lo);
		fmt_text(a, " and ");
		fmt_money(a, hi);
	} else if (cmp == CMP_BETWEEN && v > 2 * hi) {
		fmt_money_x2(a, v - 2 * hi);
		fmt_text(a, " more than ");
		fmt_money(a, hi);
	} else if (v == 2 * lo)
		fmt_text(a, "exactly that");
	else {
		fmt_money_x2(a, v > 2 * lo ? v - 2 * lo : 2 * lo - v);
		fmt_text(a, v > 2 * lo ? " more than " : " less than ");
		fmt_money(a, lo);
	}
	if (open_top(r, m))
		fmt_text(a, " (the top is open-ended)");
	fmt_text(a, ".");
}

/* ---- where an amount sits -------------------------------------- */

/* x in r's range: below it, inside it (below, at or above the
 * midpoint), above it, with the differences named by what they are
 * from.  x == 0: the range and its midpoint only. */
static void
position_one(struct cmd_ctx *c, const struct kb_role *r, long x,
    int comparable, struct answer *a)
{
	const struct kb_pay *p;
	long mid2, x2 = 2 * x;

	if (words_only(c, r, "there is no range to place an amount in", a))
		return;
	p = &r->figure->pay;
	mid2 = p->min + p->max;
	said_pay(c, r);
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	phrase_pay(a, r);
	fmt_text(a, ", an average range; midpoint ");
	fmt_money_x2(a, mid2);
	fmt_text(a, ".");
	if (x <= 0) {
		fmt_text(a, " Say an amount to place in it, e.g. \"150k as ");
		fmt_text(a, r->title);
		fmt_text(a, "\".");
		return;
	}
	if (!comparable) {
		fmt_text(a, " I can't place that amount in it.");
		return;
	}
	fmt_text(a, " ");
	fmt_money(a, x);
	if (x < p->min) {
		fmt_text(a, " is below the range: ");
		fmt_money(a, p->min - x);
		fmt_text(a, " below the bottom of the range.");
	} else if (x == p->min) {
		fmt_text(a, " is at the bottom of the range, ");
		fmt_money_x2(a, mid2 - x2);
		fmt_text(a, " below the midpoint.");
	} else if (x2 < mid2) {
		fmt_text(a, " is inside the range, below the midpoint: ");
		fmt_money_x2(a, mid2 - x2);
		fmt_text(a, " below the midpoint, ");
		fmt_money(a, x - p->min);
		fmt_text(a, " above the bottom of the range.");
	} else if (x2 == mid2)
		fmt_text(a, " is inside the range, at the midpoint.");
	else if (x < p->max) {
		fmt_text(a, " is inside the range, above the midpoint: ");
		fmt_money_x2(a, x2 - mid2);
		fmt_text(a, " above the midpoint, ");
		fmt_money(a, p->max - x);
		fmt_text(a, " below the top of the range.");
	} else if (x == p->max) {
		fmt_text(a, " is at the top of the range, ");
		fmt_money_x2(a, x2 - mid2);
		fmt_text(a, " above the midpoint");
		fmt_text(a, p->open_ended ? "; the top is open-ended (\"+\"): "
		    "the guide gives no ceiling." : ".");
	} else if (p->open_ended) {
		fmt_text(a, " is ");
		fmt_money(a, x - p->max);
		fmt_text(a, " above the top figure, but the top is "
		    "open-ended (\"+\"): the guide gives no ceiling, so it is "
		    "not above the range.");
	} else {
		fmt_text(a, " is above the range: ");
		fmt_money(a, x - p->max);
		fmt_text(a, " above the top of the range.");
	}
}

/* One list of position_all's: "; inside the range of A, B". */
static void
position_group(struct cmd_ctx *c, struct answer *a, const char *what,
    const struct kb_role *const *r, int n, int *said)
{
	int i;

	if (n == 0)
		return;
	fmt_printf(a, "%s%s ", (*said)++ ? "; " : "", what);
	for (i = 0; i < n; i++) {
		said_role(c, r[i]);
		fmt_text(a, i ? ", " : "");
		fmt_text(a, r[i]->title);
	}
}

/* No role named: x against every range. */
static void
position_all(struct cmd_ctx *c, long x, struct answer *a)
{
	const struct kb_role *all[NUM_LIST_MAX], *in[NUM_LIST_MAX];
	const struct kb_role *lo[NUM_LIST_MAX], *hi[NUM_LIST_MAX];
	const struct kb_role *op[NUM_LIST_MAX];
	const struct kb_pay *p;
	int n, i, nin = 0, nlo = 0, nhi = 0, nop = 0, said = 0;

	n = index_rank(c->ix, MEASURE_MID, 0, 0, all, NUM_LIST_MAX);
	if (n == 0) {
		fmt_text(a, "The guides give no salary figures to place it "
		    "against.");
		return;
	}
	for (i = 0; i < n; i++) {
		p = &all[i]->figure->pay;
		if (x < p->min)
			lo[nlo++] = all[i];
		else if (x <= p->max)
			in[nin++] = all[i];
		else if (p->open_ended)
			op[nop++] = all[i];
		else
			hi[nhi++] = all[i];
	}
	said_pay(c, all[0]);
	fmt_money(a, x);
	fmt_printf(a, " against the %s's ranges (name a role for more): ",
	    figure_label(all, n));
	position_group(c, a, "inside the range of", in, nin, &said);
	position_group(c, a, "below the bottom of", lo, nlo, &said);
	position_group(c, a, "above the top of", hi, nhi, &said);
	position_group(c, a, "above the top figure, which is open-ended "
	    "(\"+\"), of", op, nop, &said);
	fmt_text(a, ".");
}

/* ---- answers ---------------------------------------------------- */

void
say_amount(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	enum comparator cmp = e->cmp;
	enum measure m;
	long lo = e->amount, hi = e->amount2, t;
	int i;

	/* a cue chose the direction when no comparator was found */
	if (cmp == CMP_NONE && q->kind == I_ABOVE)
		cmp = CMP_ABOVE;
	else if (cmp == CMP_NONE && q->kind == I_BELOW)
		cmp = CMP_BELOW;
	else if (cmp == CMP_NONE && q->kind == I_BETWEEN)
		cmp = CMP_BETWEEN;
	m = cmp_measure(cmp, q->measure);
	if (lo <= 0 && e->nroles > 0) {
		say_spread(c, q, a);	/* "midpoint of the sre range" */
		return;
	}
	if (lo <= 0) {
		fmt_text(a, "Which amount? For example \"roles that start at "
		    "150k\", \"anything over 200k\" or \"between 150k and "
		    "200k\".");
		return;
	}
	if (e->mods & MOD_UNCOMPARABLE) {
		fmt_text(a, "I can't hold that amount against the guides' "
		    "ranges.");
		phrase_modifiers(a, e->mods, e->mod_word);
		return;
	}
	if (cmp == CMP_BETWEEN && hi <= 0) {
		fmt_text(a, "Between ");
		fmt_money(a, lo);
		fmt_text(a, " and what? For example \"between 150k and "
		    "200k\".");
		return;
	}
	if (cmp == CMP_BETWEEN && hi < lo) {
		t = lo;
		lo = hi;
		hi = t;
	}
	if (e->nroles > 0) {
		/* "does an sre make over 150k": those roles only */
		for (i = 0; i < e->nroles && i < NUM_NAMED_MAX; i++) {
			fmt_text(a, i ? " " : "");
			if (cmp == CMP_NONE)
				position_one(c, e->roles[i], lo, 1, a);
			else
				role_against(c, e->roles[i], cmp, m, lo, hi,
				    a);
		}
	} else if (cmp == CMP_NONE)
		say_holding(c, lo, a);
	else if (cmp == CMP_STARTS || cmp == CMP_TOPS || cmp == CMP_MID)
		say_at(c, m, lo, a);
	else
		say_against(c, cmp, m, lo, hi, a);
	phrase_modifiers(a, e->mods, e->mod_word);
}

void
say_position(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	int i, comparable = !(e->mods & MOD_UNCOMPARABLE);

	if (e->nroles == 0 && e->amount <= 0) {
		fmt_text(a, "Tell me the amount and the role, e.g. \"I make "
		    "150k as an SRE\", and I'll say where it sits in the "
		    "guide's range.");
		return;
	}
	if (e->nroles == 0 && comparable)
		position_all(c, e->amount, a);
	else if (e->nroles == 0)
		fmt_text(a, "I can't hold that amount against the guides' "
		    "ranges.");
	for (i = 0; i < e->nroles && i < NUM_NAMED_MAX; i++) {
		fmt_text(a, i ? " " : "");
		position_one(c, e->roles[i], e->amount, comparable, a);
	}
	phrase_modifiers(a, e->mods, e->mod_word);
}

/* r's range and its width: the difference of the guide's figures. */
static void
spread_one(struct cmd_ctx *c, const struct kb_role *r, struct answer *a)
{
	const struct kb_pay *p;

	if (words_only(c, r, "there is no range to measure", a))
		return;
	p = &r->figure->pay;
	said_pay(c, r);
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	phrase_pay(a, r);
	fmt_text(a, p->open_ended ? "; the range is at least " :
	    "; the range is ");
	fmt_money(a, p->max - p->min);
	fmt_text(a, " wide (the top figure minus the bottom one");
	if (p->open_ended)
		fmt_text(a, "; the top is open-ended, \"+\"");
	fmt_text(a, "), midpoint ");
	fmt_money_x2(a, p->min + p->max);
	fmt_text(a, ".");
}

void
say_spread(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	int i;

	for (i = 0; i < e->nroles && i < NUM_NAMED_MAX; i++) {
		fmt_text(a, i ? " " : "");
		spread_one(c, e->roles[i], a);
	}
	phrase_modifiers(a, e->mods, e->mod_word);
}

/* qsort order of roles by their range's width, widest first. */
static int
wider(const void *x, const void *y)
{
	const struct kb_pay *p = &(*(const struct kb_role *const *)x)->
	    figure->pay, *o = &(*(const struct kb_role *const *)y)->
	    figure->pay;
	long a = p->max - p->min, b = o->max - o->min;

	return a < b ? 1 : a > b ? -1 : 0;
}

/*
 * "which job has the widest range": every range's width (the top
 * figure minus the bottom one), widest first, or narrowest first when
 * the question asks for the lowest; roles of one width together.
 */
void
say_widths(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct kb_role *r[NUM_LIST_MAX];
	const struct kb_pay *p;
	int n = 0, i, j, k, lo, hi, step;

	for (i = 0; i < c->kb->nroles && n < NUM_LIST_MAX; i++)
		if (c->kb->roles[i].figure)
			r[n++] = &c->kb->roles[i];
	if (n == 0) {
		fmt_text(a, "The guides loaded give no figures, so no range "
		    "has a width.");
		return;
	}
	qsort(r, (size_t)n, sizeof(r[0]), wider);
	fmt_printf(a, "The salary ranges (the top figure minus the bottom "
	    "one, %s), %s first: ", r[0]->figure->source->label,
	    q->lowest ? "narrowest" : "widest");
	lo = q->lowest ? n - 1 : 0;
	hi = q->lowest ? -1 : n;
	step = q->lowest ? -1 : 1;
	for (i = lo, k = 0; i != hi; i = j, k++) {
		p = &r[i]->figure->pay;
		fmt_text(a, k ? "; " : "");
		for (j = i; j != hi && wider(&r[j], &r[i]) == 0; j += step) {
			fmt_text(a, j != i ? ", " : "");
			fmt_text(a, r[j]->title);
		}
		fmt_text(a, p->open_ended ? " at least " : " ");
		fmt_money(a, p->max - p->min);
		fmt_text(a, " wide");	/* each difference says what it is */
	}
	fmt_text(a, ".");
	said_pay(c, r[lo]);
}

/* x and y have the same range (whole), or the same measure m. */
static int
same_pay(const struct kb_role *x, const struct kb_role *y, int whole,
    enum measure m)
{
	const struct kb_pay *p = &x->figure->pay, *o = &y->figure->pay;

	if (whole)
		return p->min == o->min && p->max == o->max &&
		    p->open_ended == o->open_ended;
	return measure_x2(x, m) == measure_x2(y, m) &&
	    open_top(x, m) == open_top(y, m);
}

/* The pay two roles share: a range, or one measure. */
static void
shared_pay(struct answer *a, const struct kb_role *r, int whole,
    enum measure m)
{
	const struct kb_pay *p = &r->figure->pay;

	if (whole)
		fmt_range(a, p->min, p->max, p->open_ended);
	else
		measure_money(a, r, m);
}

/* Does the named role share its range (or measure) with another? */
static void
same_as(struct cmd_ctx *c, const struct kb_role *r,
    const struct kb_role *const *all, int n, int whole, enum measure m,
    struct answer *a)
{
	const struct kb_role *o[NUM_LIST_MAX];
	const char *what = whole ? "range" : measure_name(m);
	int i, k = 0;

	if (words_only(c, r, "there is no range to compare", a))
		return;
	said_pay(c, r);
	for (i = 0; i < n; i++)
		if (all[i] != r && same_pay(all[i], r, whole, m))
			o[k++] = all[i];
	if (k == 0)
		fmt_printf(a, "No other role has %s's %s, ", r->title, what);
	else
		fmt_printf(a, "%s's %s, ", r->title, what);
	shared_pay(a, r, whole, m);
	fmt_printf(a, " (%s)", r->figure->source->label);
	if (k > 0) {
		fmt_text(a, ", is also ");
		for (i = 0; i < k; i++) {
			said_pay(c, o[i]);
			if (i > 0)
				fmt_text(a, i == k - 1 ? " and " : ", ");
			fmt_printf(a, "%s's", o[i]->title);
		}
	}
	fmt_text(a, ".");
}

void
say_same(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct kb_role *all[NUM_LIST_MAX], *g[NUM_LIST_MAX];
	char done[NUM_LIST_MAX] = { 0 };
	int whole = q->measure == PICK_DEFAULT, n, i, j, k, groups = 0;
	enum measure m = q->measure == PICK_MIN ? MEASURE_MIN :
	    q->measure == PICK_MAX ? MEASURE_MAX : MEASURE_MID;

	n = index_rank(c->ix, m, 0, 0, all, NUM_LIST_MAX);
	if (q->e.nroles > 0) {
		same_as(c, q->e.roles[0], all, n, whole, m, a);
		return;
	}
	for (i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (k = 0, j = i; j < n; j++)
			if (!done[j] && same_pay(all[i], all[j], whole, m)) {
				done[j] = 1;
				g[k++] = all[j];
			}
		if (k < 2)
			continue;
		if (groups++ > 0)
			fmt_text(a, "; ");
		else if (whole)
			fmt_printf(a, "Roles with identical ranges (%s): ",
			    figure_label(all, n));
		else
			fmt_printf(a, "Roles with the same %s (%s): ",
			    measure_name(m), figure_label(all, n));
		for (j = 0; j < k; j++)
			said_pay(c, g[j]);
		phrase_roles(a, g, k, " and ");
		fmt_text(a, ", ");
		shared_pay(a, g[0], whole, m);
	}
	if (groups == 0)
		fmt_printf(a, "No two roles in the guides have the same %s.",
		    whole ? "range" : measure_name(m));
	else
		fmt_text(a, ".");
	if (n < c->kb->nroles)
		fmt_printf(a, " (%d roles have words only, no figure to "
		    "compare.)", c->kb->nroles - n);
}
