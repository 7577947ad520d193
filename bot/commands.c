/*
 * commands.c -- the command table, its handlers, and the answers to
 * parsed natural questions.
 *
 * Each command is one entry in commands[]: name, alias, usage, help and a
 * handler.  A command's handler resolves its argument and calls the same
 * say_* function that answers the natural question of that kind, so the
 * two never drift apart.  Handlers only state what the guides say:
 * figures come from kb_pay, words are quoted, and a role the guides do
 * not cover is said to be not covered, never answered by a look-alike.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "highlight.h"
#include "intent.h"
#include "numbers.h"
#include "phrase.h"
#include "prose.h"
#include "router.h"
#include "text.h"

#define TOP_DEFAULT	5
#define TOP_MAX		20
#define LIST_MAX	64	/* roles listed by whoneeds/above/match */

/* ---- shared pieces -------------------------------------------------- */

static void
not_covered(struct cmd_ctx *c, struct answer *a, const char *what,
    const struct role_hit *hit)
{
	phrase_not_covered(a, what, hit, c->kb->nroles, c->prefix);
}

/* Resolves a role or writes why not; NULL in the latter case. */
static const struct kb_role *
need_role(struct cmd_ctx *c, const char *arg, struct answer *a,
    const char *cmd)
{
	struct role_hit hit;

	if (*arg == '\0') {
		fmt_printf(a, "Usage: %s%s ROLE (e.g. %s%s sre).", c->prefix,
		    cmd, c->prefix, cmd);
		return NULL;
	}
	index_find_role(c->ix, arg, &hit);
	if (hit.role) {
		if (hit.corrected)
			phrase_reading(a, arg, hit.role);
		return hit.role;
	}
	if (hit.ambiguous) {
		fmt_echo(a, arg);
		fmt_text(a, " matches several roles: ");
		phrase_roles(a, hit.alts, hit.nalts, " or ");
		fmt_text(a, ". Which one?");
		return NULL;
	}
	not_covered(c, a, arg, &hit);
	return NULL;
}

static enum measure
parse_measure(const char *w, int *ok)
{
	static const struct { const char *w; enum measure m; } t[] = {
		{ "min", MEASURE_MIN }, { "minimum", MEASURE_MIN },
		{ "bottom", MEASURE_MIN }, { "low", MEASURE_MIN },
		{ "floor", MEASURE_MIN }, { "start", MEASURE_MIN },
		{ "starting", MEASURE_MIN }, { "entry", MEASURE_MIN },
		{ "max", MEASURE_MAX }, { "maximum", MEASURE_MAX },
		{ "high", MEASURE_MAX }, { "ceiling", MEASURE_MAX },
		{ "mid", MEASURE_MID }, { "midpoint", MEASURE_MID },
		{ "middle", MEASURE_MID }, { "average", MEASURE_MID },
		{ "avg", MEASURE_MID }, { "mean", MEASURE_MID },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].w, w) == 0) {
			*ok = 1;
			return t[i].m;
		}
	*ok = 0;
	return MEASURE_MID;
}

/* ---- answers, from resolved entities -------------------------------- */

/* brief: the pay and its source only (a natural question about pay). */
static void
say_salary(struct cmd_ctx *c, const struct kb_role *r, int brief,
    struct answer *a)
{
	int i;

	said_pay(c, r);
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	phrase_pay(a, r);
	if (brief) {
		if (r->figure)
			fmt_text(a, ", an average range.");
		else
			phrase_end_sentence(a);
		return;
	}
	phrase_end_sentence(a);
	fmt_text(a, "Skills: ");
	phrase_skill_names(a, c->kb, r, 5);
	fmt_text(a, ".");
	if (r->figure)
		for (i = 0; i < r->figure->npay_notes; i++)
			fmt_printf(a, " %s", r->figure->pay_notes[i]);
	for (i = 0; i < r->nsrc; i++)
		if (&r->src[i] != r->figure && r->src[i].pay.words &&
		    r->figure)
			fmt_printf(a, " The %s: \"%s\"", r->src[i].source->label,
			    r->src[i].pay.words);
}

/* "Midpoint $180,000 (of the guide's two figures)." after a range. */
static void
say_midpoint(struct answer *a, const struct kb_role *r)
{
	if (r->figure == NULL)
		return;
	fmt_text(a, " Midpoint ");
	fmt_money_x2(a, measure_x2(r, MEASURE_MID));
	fmt_text(a, r->figure->pay.open_ended ? " (of the two figures; the "
	    "top is open-ended)." : " (of the two figures).");
}

/* The role's sources, newest guide first: s = nth of them. */
static const struct kb_role_source *
nth_source(const struct kb_role *r, int nth)
{
	int i;

	if (nth == 0)
		return r->primary;
	for (i = 0; i < r->nsrc; i++)
		if (&r->src[i] != r->primary && --nth == 0)
			return &r->src[i];
	return NULL;
}

static void
say_skills(struct cmd_ctx *c, const struct kb_role *r, struct answer *a)
{
	const struct kb_role_source *s;
	int k, j;

	said_role(c, r);
	fmt_strong(a, r->title);
	fmt_text(a, " skills");
	for (k = 0; (s = nth_source(r, k)) != NULL; k++) {
		if (k > 0)
			fmt_para(a);
		fmt_printf(a, k == 0 ? " (%s): " : "The %s: ",
		    s->source->label);
		for (j = 0; j < s->nskills; j++) {
			if (j)
				fmt_text(a, "; ");
			phrase_item(a, s->skills[j].text);
		}
		fmt_text(a, ".");
		if (s->nskills > 0 && s->skills[0].text)
			said_cite_of(c, s->source, s->skills[0].text, r);
	}
}

static void
say_role(struct cmd_ctx *c, const struct kb_role *r, struct answer *a)
{
	const struct kb_role_source *s;
	int k;

	said_role(c, r);
	said_cite_of(c, r->primary->source, r->primary->summary, r);
	fmt_strong(a, r->title);
	for (k = 0; (s = nth_source(r, k)) != NULL; k++) {
		if (k == 0) {
			fmt_printf(a, " (%s): %s", s->source->label,
			    s->summary);
			if (s->nresp > 0) {
				fmt_text(a, " What they do: ");
				phrase_items(a, s->resp, s->nresp);
				fmt_text(a, ".");
			}
			continue;
		}
		fmt_para(a);
		fmt_printf(a, "The %s", s->source->label);
		if (strcmp(s->title, r->title) != 0)
			fmt_printf(a, " (as %s)", s->title);
		fmt_printf(a, ": %s", s->summary);
	}
}

static void
compare_row(struct answer *a, const struct kb_role *r)
{
	int i;

	fmt_row_begin(a, " vs ");
	fmt_cell_begin(a);
	fmt_strong(a, r->title);
	fmt_plain(a, ":");
	fmt_cell_end(a);
	fmt_cell_begin(a);
	if (r->figure) {
		const struct kb_pay *p = &r->figure->pay;

		fmt_range(a, p->min, p->max, p->open_ended);
	} else
		fmt_text(a, "no figure");
	fmt_cell_end(a);
	fmt_cell_begin(a);
	fmt_plain(a, "(");
	if (r->figure)
		phrase_source(a, r, r->figure);
	else {
		for (i = 0; i < r->nsrc && !r->src[i].pay.words; i++)
			;
		if (i < r->nsrc)
			fmt_printf(a, "%s: \"%s\"", r->src[i].source->label,
			    r->src[i].pay.words);
	}
	fmt_plain(a, ")");
	fmt_cell_end(a);
	fmt_row_end(a);
}

static void
say_compare(struct cmd_ctx *c, const struct kb_role *r0,
    const struct kb_role *r1, struct answer *a)
{
	static const char *const hdr[] = { "Role", "Salary", "Source" };
	long m0, m1;

	said_pay(c, r0);
	said_pay(c, r1);
	if (r0 == r1) {
		fmt_text(a, "Both name ");
		fmt_strong(a, r0->title);
		fmt_text(a, ": ");
		phrase_pay(a, r0);
		fmt_text(a, ".");
		return;
	}
	fmt_table_begin(a, hdr, 3);
	compare_row(a, r0);
	compare_row(a, r1);
	fmt_table_end(a);
	fmt_plain(a, ".");
	if (r0->figure && r1->figure) {
		m0 = measure_x2(r0, MEASURE_MID);
		m1 = measure_x2(r1, MEASURE_MID);
		fmt_text(a, " Midpoints ");
		fmt_money_x2(a, m0);
		fmt_text(a, " vs ");
		fmt_money_x2(a, m1);
		if (m0 == m1)
			fmt_text(a, ": a tie.");
		else {
			fmt_text(a, ": ");
			fmt_text(a, (m0 > m1 ? r0 : r1)->title);
			fmt_text(a, " is higher by ");
			fmt_money_x2(a, m0 > m1 ? m0 - m1 : m1 - m0);
			fmt_text(a, ".");
		}
	} else
		fmt_text(a, " Only one has a figure in the guides, so they "
		    "can't be ranked by pay.");
}

/*
 * Three or more roles, or a pair asked by one end of the range ("which
 * has the lowest top end"): a row each, then the one asked for, or the
 * order by midpoint.  Roles without a figure are named as such.
 */
static void
say_compare_n(struct cmd_ctx *c, const struct kb_role *const *r, int n,
    enum measure m, int asked, int lowest, struct answer *a)
{
	static const char *const hdr[] = { "Role", "Salary", "Source" };
	const struct kb_role *fig[Q_ROLES_MAX], *t;
	int i, j, nf = 0;

	fmt_table_begin(a, hdr, 3);
	for (i = 0; i < n; i++) {
		said_pay(c, r[i]);
		compare_row(a, r[i]);
		if (r[i]->figure)
			fig[nf++] = r[i];
	}
	fmt_table_end(a);
	fmt_plain(a, ".");
	if (nf < 2) {
		fmt_text(a, " Fewer than two have a figure in the guides, so "
		    "they can't be ranked by pay.");
		return;
	}
	for (i = 1; i < nf; i++)	/* at most four: insertion sort */
		for (j = i; j > 0 && measure_x2(fig[j], m) >
		    measure_x2(fig[j - 1], m); j--) {
			t = fig[j];
			fig[j] = fig[j - 1];
			fig[j - 1] = t;
		}
	if (asked) {
		t = lowest ? fig[nf - 1] : fig[0];
		fmt_printf(a, " %s %s: ", lowest ? "Lowest" : "Highest",
		    measure_name(m));
		fmt_strong(a, t->title);
		fmt_text(a, " (");
		fmt_money_x2(a, measure_x2(t, m));
		fmt_text(a, ").");
		return;
	}
	fmt_printf(a, " By %s: ", measure_name(m));
	for (i = 0; i < nf; i++) {
		fmt_text(a, i ? " > " : "");
		fmt_text(a, fig[i]->title);
		fmt_text(a, " ");
		fmt_money_x2(a, measure_x2(fig[i], m));
	}
	fmt_text(a, ".");
}

/* The role's part of one guide (1 the undated, 2 the dated), or NULL. */
static const struct kb_role_source *
source_in(const struct kb_role *r, int guide)
{
	int i;

	for (i = 0; i < r->nsrc; i++)
		if ((r->src[i].source->year != 0) == (guide == 2))
			return &r->src[i];
	return NULL;
}

static const char *
guide_label(const struct kb *kb, int guide)
{
	int i;

	for (i = 0; i < kb->nsources; i++)
		if ((kb->sources[i].year != 0) == (guide == 2))
			return kb->sources[i].label;
	return guide == 2 ? "dated guide" : "undated guide";
}

/*
 * "what does the older guide say about cloud architects": the role as
 * that guide has it, what it is and its pay (words or figure); or that
 * the guide does not have it, and which does.
 */
static void
say_in_guide(struct cmd_ctx *c, const struct kb_role *r, int guide,
    enum intent_kind kind, struct answer *a)
{
	const struct kb_role_source *s = source_in(r, guide);
	const char *duty[3];
	int j, n;

	said_role(c, r);
	if (s == NULL) {
		fmt_strong(a, r->title);
		fmt_printf(a, " isn't in the %s; only the %s has it.",
		    guide_label(c->kb, guide), guide_label(c->kb, 3 - guide));
		return;
	}
	fmt_printf(a, "The %s on ", s->source->label);
	fmt_strong(a, s->title);
	fmt_text(a, ": ");
	if (kind == I_SKILLS && s->nskills > 0) {
		for (j = 0; j < s->nskills; j++) {
			fmt_text(a, j ? "; " : "");
			phrase_item(a, s->skills[j].text);
		}
		fmt_text(a, ".");
		said_cite_of(c, s->source, s->skills[0].text, r);
	} else if (kind == I_SALARY && s->pay.has_figure) {
		fmt_range(a, s->pay.min, s->pay.max, s->pay.open_ended);
		fmt_text(a, " (average salary).");
		said_cite_of(c, s->source, s->pay.quote, r);
	} else if (kind == I_SALARY && s->pay.words) {
		fmt_printf(a, "no figure; in its words: \"%s\"", s->pay.words);
		said_cite_of(c, s->source, s->pay.words, r);
	} else {
		/* what the guide says of it: what it is, does, pays */
		fmt_text(a, s->summary);
		said_cite_of(c, s->source, s->summary, r);
		/* duties the summary has not already said, three at most */
		for (j = 0, n = 0; j < s->nresp && n < 3 && kind == I_ROLE; j++)
			if (strstr(s->summary, s->resp[j]) == NULL)
				duty[n++] = s->resp[j];
		if (n > 0) {
			fmt_text(a, " What they do: ");
			phrase_items(a, duty, n);
			fmt_text(a, ".");
		}
		if (s->pay.words)
			fmt_printf(a, " On pay: \"%s\"", s->pay.words);
		else if (s->pay.has_figure) {
			fmt_text(a, " Average salary: ");
			fmt_range(a, s->pay.min, s->pay.max, s->pay.open_ended);
			fmt_text(a, ".");
		}
	}
}

/*
 * "difference between a CISO and a security architect": the guides'
 * sentence that sets the two apart, where one names both; else what each
 * does; then their pay, briefly.
 */
static void
say_difference(struct cmd_ctx *c, const struct kb_role *r0,
    const struct kb_role *r1, struct answer *a)
{
	const struct kb_sentence *k;
	const struct kb_role *pair[2] = { r0, r1 };
	int i, j, w, quoted = 0;

	for (i = 0; i < c->kb->nsentences && !quoted; i++) {
		k = &c->kb->sentences[i];
		if (!(k->aspects & (1u << ASPECT_DIFFERENCE)))
			continue;
		for (j = 0; j < 2 && !quoted; j++) {
			const struct kb_role *o = pair[1 - j];

			if (k->role != (int)(pair[j] - c->kb->roles))
				continue;
			for (w = 0; w < o->naliases; w++)
				if (strlen(o->aliases[w]) >= 4 &&
				    strcasestr(k->text, o->aliases[w]))
					break;
			if (w == o->naliases && !strcasestr(k->text, o->title))
				continue;
			fmt_printf(a, "The %s (line %d): \"%s\"",
			    k->source->label, k->line, k->text);
			said_cite_line(c, k->source, k->text, k->line);
			quoted = 1;
		}
	}
	for (j = 0; j < 2; j++) {
		const struct kb_role_source *src = pair[j]->primary;

		if (quoted || j)
			fmt_para(a);
		fmt_strong(a, pair[j]->title);
		fmt_printf(a, ": %s", src->summary);
		if (src->nresp > 0) {	/* what each does, in its words */
			fmt_text(a, " What they do: ");
			phrase_items(a, src->resp, src->nresp < 3 ? src->nresp :
			    3);
			fmt_text(a, ".");
		}
		said_cite_of(c, pair[j]->primary->source,
		    pair[j]->primary->summary, pair[j]);
		said_role(c, pair[j]);
	}
	fmt_para(a);
	fmt_text(a, "Pay: ");
	for (j = 0; j < 2; j++) {
		fmt_text(a, j ? "; " : "");
		fmt_text(a, pair[j]->title);
		fmt_text(a, " ");
		phrase_pay(a, pair[j]);
	}
	fmt_text(a, ".");
}

/* A role the guides lack: said once, with what they do have. */
static void
say_unknown(struct cmd_ctx *c, const char *name, struct answer *a)
{
	struct role_hit hit;

	index_near_roles(c->ix, name, &hit);
	not_covered(c, a, name, &hit);
}

/* Roles without a figure (of a category, or all), named so rankings are
 * not mistaken as complete. */
static void
unranked_note(struct cmd_ctx *c, struct answer *a, int cat)
{
	int i, n = 0;

	for (i = 0; i < c->kb->nroles; i++)
		if (c->kb->roles[i].figure == NULL &&
		    (cat < 0 || c->kb->roles[i].category == cat)) {
			fmt_text(a, n++ ? ", " : " Not ranked (no figure in "
			    "the guides): ");
			fmt_text(a, c->kb->roles[i].title);
		}
	if (n)
		fmt_text(a, ".");
}

static void
say_top(struct cmd_ctx *c, int want, int asc, enum measure m, int cat,
    int note, struct answer *a)
{
	const struct kb_role *all[LIST_MAX], *r[LIST_MAX];
	int i, n, k;

	if (want < 1)
		want = TOP_DEFAULT;
	if (want > TOP_MAX)
		want = TOP_MAX;
	k = index_rank(c->ix, m, asc, 0, all, LIST_MAX);
	for (n = 0, i = 0; i < k; i++)
		if (cat < 0 || all[i]->category == cat)
			r[n++] = all[i];
	/* keep every role tied with the last one shown */
	for (i = want; i < n; i++)
		if (measure_x2(r[i], m) != measure_x2(r[want - 1], m))
			break;
	if (n > want)
		n = i;
	if (n == 0) {
		fmt_text(a, "The guides give no salary figures to rank");
		if (cat >= 0) {
			fmt_text(a, " in ");
			fmt_text(a, c->kb->categories[cat].name);
		}
		fmt_text(a, ".");
		unranked_note(c, a, cat);
		return;
	}
	for (i = 0; i < n; i++)
		said_role(c, r[i]);
	if (n == 1) {
		fmt_printf(a, "%s", asc ? "Lowest" : "Highest");
		if (cat >= 0)
			fmt_printf(a, " in %s", c->kb->categories[cat].name);
		fmt_printf(a, " by %s with a figure: ", measure_name(m));
		fmt_strong(a, r[0]->title);
		fmt_text(a, ", ");
		phrase_pay(a, r[0]);
		fmt_text(a, ".");
		said_pay(c, r[0]);
	} else {
		fmt_printf(a, "%s %d", asc ? "Lowest" : "Top", n);
		if (cat >= 0)
			fmt_printf(a, " in %s", c->kb->categories[cat].name);
		fmt_printf(a, " by %s (%s): ", measure_name(m),
		    figure_label(r, n));
		ranked(a, r, n, m);
		fmt_plain(a, ".");
	}
	if (note)
		unranked_note(c, a, cat);
}

static void
say_bound(struct cmd_ctx *c, long amount, int below, enum measure m,
    struct answer *a)
{
	const struct kb_role *r[LIST_MAX];
	int n, i;

	n = index_rank(c->ix, m, below, amount, r, LIST_MAX);
	fmt_printf(a, "Roles whose %s is %s ", measure_name(m),
	    below ? "below" : "above");
	fmt_money(a, amount);
	if (n == 0) {
		fmt_text(a, ": none in the guides.");
		return;
	}
	for (i = 0; i < n; i++)
		said_role(c, r[i]);
	fmt_printf(a, " (%s): ", figure_label(r, n));
	ranked(a, r, n, m);
	fmt_plain(a, ".");
}

/* The guide's words for skill id in role r, newest guide first. */
static const struct kb_role_source *
skill_use(const struct kb_role *r, int id, const char **text)
{
	const struct kb_role_source *s;
	int k, j, m;

	for (k = 0; (s = nth_source(r, k)) != NULL; k++)
		for (j = 0; j < s->nskills; j++)
			for (m = 0; m < s->skills[j].nrefs; m++)
				if (s->skills[j].refs[m] == id) {
					*text = s->skills[j].text;
					return s;
				}
	return NULL;
}

static void
say_whoneeds(struct cmd_ctx *c, const int *sk, int nsk, const char *asked,
    struct answer *a)
{
	const struct kb_role *r[LIST_MAX];
	const struct kb_role_source *s;
	const char *text = NULL;
	int n, i, k;

	n = nsk ? index_roles_with_skills(c->ix, sk, nsk, r, LIST_MAX) : 0;
	for (k = 0; k < nsk && c->said.nskills < Q_SKILLS_MAX; k++)
		c->said.skills[c->said.nskills++] = sk[k];
	if (n == 0) {
		fmt_text(a, "No role in the guides lists ");
		fmt_echo(a, asked);
		fmt_printf(a, " as a skill, so that's not covered (%shelp "
		    "whoneeds).", c->prefix);
		return;
	}
	if (nsk == 1)
		fmt_strong(a, c->kb->skills[sk[0]].name);
	else
		fmt_strong(a, asked);
	fmt_printf(a, " is listed for %d role%s: ", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		said_role(c, r[i]);
		fmt_text(a, i ? "; " : "");
		fmt_text(a, r[i]->title);
		for (k = 0; k < nsk; k++)
			if ((s = skill_use(r[i], sk[k], &text)) != NULL) {
				fmt_text(a, " (\"");
				phrase_item(a, text);
				fmt_printf(a, "\", %s)", s->source->label);
				said_cite(c, s->source, text);
				break;
			}
	}
	fmt_text(a, ".");
}

/* "does an SRE need Python": yes with the guide's words, or no with what
 * the guides do list for the role. */
static void
say_needs(struct cmd_ctx *c, const struct kb_role *r, const int *sk,
    int nsk, struct answer *a)
{
	const struct kb_role_source *s;
	const char *text = NULL;
	int k, yes = 0;

	said_role(c, r);
	for (k = 0; k < nsk; k++) {
		if ((s = skill_use(r, sk[k], &text)) == NULL)
			continue;
		fmt_text(a, yes++ ? " " : "Yes: ");
		fmt_text(a, "the ");
		fmt_text(a, s->source->label);
		fmt_text(a, " lists \"");
		phrase_item(a, text);
		fmt_text(a, "\" for ");
		fmt_strong(a, r->title);
		fmt_text(a, ".");
		said_cite(c, s->source, text);
	}
	if (yes) {
		fmt_printf(a, " All it lists (%s): ", r->primary->source->label);
		for (k = 0; k < r->primary->nskills; k++) {
			fmt_text(a, k ? "; " : "");
			phrase_item(a, r->primary->skills[k].text);
		}
		fmt_text(a, ".");
		return;
	}
	fmt_text(a, "The guides don't list ");
	for (k = 0; k < nsk; k++) {
		if (k)
			fmt_text(a, k == nsk - 1 ? " or " : ", ");
		fmt_text(a, c->kb->skills[sk[k]].name);
	}
	fmt_text(a, " for ");
	fmt_strong(a, r->title);
	fmt_text(a, ". What they do list: ");
	for (k = 0; (s = nth_source(r, k)) != NULL; k++) {
		int j;

		if (k)
			fmt_text(a, "; ");
		fmt_printf(a, "%s: ", s->source->label);
		for (j = 0; j < s->nskills; j++) {
			if (j)
				fmt_text(a, ", ");
			phrase_item(a, s->skills[j].text);
		}
	}
	fmt_text(a, ".");
}

struct fit {
	const struct kb_role *role;
	int		 n;		/* the person's skills it lists */
	int		 first;		/* kb order, for ties */
};

static int
cmp_fit(const void *x, const void *y)
{
	const struct fit *a = x, *b = y;

	return a->n != b->n ? b->n - a->n : a->first - b->first;
}

/*
 * The undated guide's closing advice, done: the roles ranked by how many
 * of the person's skills they list, each with the matched skills and the
 * guide that lists them.
 */
static void
say_match(struct cmd_ctx *c, const int *sk, int nsk, char **unknown,
    int nunknown, struct answer *a)
{
	struct fit *f = xcalloc((size_t)c->kb->nroles + 1, sizeof(*f));
	const struct kb_role_source *s;
	const char *text;
	int i, k, n = 0;

	for (k = 0; k < nsk && c->said.nskills < Q_SKILLS_MAX; k++)
		c->said.skills[c->said.nskills++] = sk[k];
	for (i = 0; i < c->kb->nroles; i++) {
		f[n].role = &c->kb->roles[i];
		f[n].first = i;
		for (k = 0; k < nsk; k++)
			f[n].n += skill_use(f[n].role, sk[k], &text) != NULL;
		if (f[n].n > 0)
			n++;
	}
	if (n == 0) {
		fmt_text(a, "None of the roles in the guides lists ");
		if (nsk + nunknown == 0)
			fmt_text(a, "that");
		for (k = 0; k < nsk; k++)
			fmt_printf(a, "%s%s", k ? ", " : "",
			    c->kb->skills[sk[k]].name);
		for (k = 0; k < nunknown; k++) {
			fmt_text(a, k + nsk ? ", " : "");
			fmt_echo(a, unknown[k]);
		}
		fmt_printf(a, ", so a match is not covered by the guides. "
		    "Try %smatch with skills such as python, sql, kubernetes "
		    "or react.", c->prefix);
		free(f);
		return;
	}
	qsort(f, (size_t)n, sizeof(*f), cmp_fit);
	fmt_text(a, "Best fit: ");
	for (i = 0; i < n && i < 4; i++) {
		const char *sep = " (";

		if (i >= 2 && f[i].n < f[0].n)
			break;
		said_role(c, f[i].role);
		fmt_text(a, i ? "; " : "");
		fmt_strong(a, f[i].role->title);
		for (k = 0; k < nsk; k++) {
			if ((s = skill_use(f[i].role, sk[k], &text)) == NULL)
				continue;
			fmt_printf(a, "%s%s, %s", sep,
			    c->kb->skills[sk[k]].name, s->source->label);
			sep = "; ";
			if (i == 0)
				said_cite(c, s->source, text);
		}
		fmt_text(a, ")");
	}
	fmt_text(a, ".");
	if (nunknown > 0) {
		fmt_text(a, " Not in the guides: ");
		for (k = 0; k < nunknown; k++) {
			fmt_text(a, k ? ", " : "");
			fmt_echo(a, unknown[k]);
		}
		fmt_text(a, ".");
	}
	free(f);
}

/*
 * A prose question answered from the sentence map: among the sentences
 * of its subject (a role, then its category; a category; or the guides
 * as a whole, then everything), the one whose aspects the question most
 * likely asks, with the words it shares (bm25, over the passages) to
 * tell close ones apart.  Returns 1 when one was quoted, 0 when the map
 * has nothing close (the caller searches instead).
 */

/* A prose question about a role's pay that may be asking its figures
 * too ("do blockchain devs make good money"): the salary model thinks
 * so this likely, and the aspect is the pay's. */
#define PASSAGE_PAY_P	0.15

/* The model found kind k this likely (PASSAGE_PAY_P) for q. */
static int
likely(const struct intent *q, enum intent_kind k)
{
	int i;

	for (i = 0; i < 3; i++)
		if (q->top[i].kind == k && q->top[i].p >= PASSAGE_PAY_P)
			return 1;
	return 0;
}

static int
asks_figures(const struct intent *q, const struct kb_role *r)
{
	if (r->figure == NULL || q->e.mods || q->aspect == NULL ||
	    (strcmp(q->aspect, "pay_words") != 0 &&
	    strcmp(q->aspect, "why_pays") != 0))
		return 0;
	return likely(q, I_SALARY);
}

static void
say_passage(struct cmd_ctx *c, const struct intent *q, int role,
    struct answer *a)
{
	if (role >= 0 && asks_figures(q, &c->kb->roles[role])) {
		say_salary(c, &c->kb->roles[role], 1, a);
		fmt_text(a, " ");
	}
	if (prose_answer(c, q, role, a) > 0)
		return;
	if (role >= 0) {
		/* nothing in the prose: what the guides do have on it */
		say_in_guide(c, &c->kb->roles[role], q->e.guide ? q->e.guide :
		    c->kb->roles[role].primary->source->year ? 2 : 1, I_NONE,
		    a);
		return;
	}
	if (prose_quote_passages(c, (char **)q->pwords, q->npwords, role,
	    q->e.guide, a) == 0)
		fmt_printf(a, "That's not covered by the guides. I can answer "
		    "about %d tech roles: pay, skills, what the job is, "
		    "comparisons, rankings, who needs a skill, which role fits "
		    "your skills (%shelp).", c->kb->nroles, c->prefix);
}

/* How current the figures are, in what money, for where: what the
 * guides say, and that they say no more. */
static void
say_data(struct cmd_ctx *c, struct answer *a)
{
	int i;

	for (i = 0; i < c->kb->nsources; i++) {
		const struct kb_source *s = &c->kb->sources[i];

		fmt_text(a, i ? " " : "");
		if (s->year)
			fmt_printf(a, "The figures come from the %s (\"%s\"): "
			    "\"Average salary\" ranges in dollars ($), for %d.",
			    s->label, s->title, s->year);
		else
			fmt_printf(a, "The %s gives no year and no figures, "
			    "only words.", s->label);
	}
	fmt_text(a, " Neither says which country the figures are for, or "
	    "whether bonuses and equity are in them; I quote them as "
	    "written and never convert or update them.");
	c->said.kind = I_DATA;
}

/*
 * "where's the 160k from": the role whose range has that figure (each,
 * when several have it), or the role named; NULL when none.
 */
static const struct kb_role *
cited_role(struct cmd_ctx *c, const struct entities *e, struct answer *a)
{
	const struct kb_role *r, *first = NULL;
	int i, end, n;

	if (e->nroles > 0)
		return e->roles[0];
	if (e->amount <= 0)
		return NULL;
	/* "$210,000 is the top figure for A and B": bottoms, then tops */
	for (end = 0; end < 2; end++) {
		for (n = 0, i = 0; i < c->kb->nroles; i++) {
			r = &c->kb->roles[i];
			if (r->figure == NULL || (end ? r->figure->pay.max :
			    r->figure->pay.min) != e->amount)
				continue;
			if (first == NULL) {
				fmt_money(a, e->amount);
				fmt_text(a, " is");
				first = r;
			}
			fmt_text(a, n++ ? " and " : end && first != r &&
			    a->text.len ? "; and" : "");
			if (n == 1)
				fmt_printf(a, " the %s figure for ", end ?
				    "top" : "bottom");
			fmt_text(a, r->title);
		}
	}
	if (first)
		fmt_text(a, ". ");
	return first;
}

/* "source?": the sentence behind the last answer, or behind the
 * figure or role the question names. */
static void
say_cite(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct said *l = c->last;
	const struct kb_role *r;
	int line;

	if ((r = cited_role(c, &q->e, a)) != NULL) {
		said_pay(c, r);
		l = &c->said;
	} else if (q->e.amount > 0) {
		fmt_text(a, "No range in the guides has ");
		fmt_money(a, q->e.amount);
		fmt_printf(a, " as a figure, so no sentence of theirs says it "
		    "(%stop lists their figures).", c->prefix);
		return;
	}
	if (l == NULL || l->cite_source == NULL) {
		fmt_printf(a, "Everything I say comes from two guides "
		    "(%ssources); ask a question first and then \"source?\" "
		    "for the exact sentence.", c->prefix);
		return;
	}
	fmt_printf(a, "The %s", l->cite_source->label);
	line = l->cite_line;
	if (line > 0)
		fmt_printf(a, ", line %d", line);
	fmt_printf(a, ": \"%s\" (\"%s\")", l->cite, l->cite_source->title);
	if (l != &c->said)
		c->said = *l;
}

/* Role r is in what guide asks for: 0 any, 1 the undated guide, 2 the
 * dated one, 4 both. */
static int
in_guide(const struct kb_role *r, int guide)
{
	int i, undated = 0, dated = 0;

	for (i = 0; i < r->nsrc; i++) {
		undated |= r->src[i].source->year == 0;
		dated |= r->src[i].source->year != 0;
	}
	return guide == 1 ? undated : guide == 2 ? dated :
	    guide == 4 ? undated && dated : 1;
}

/*
 * The roles (of one category when cat >= 0, of one guide or both by
 * guide, as in_guide): all of them plainly, so that the list fits one
 * line; a category's under its name.
 */
static void
say_roles(struct cmd_ctx *c, int cat, int guide, struct answer *a)
{
	const struct kb *kb = c->kb;
	const struct kb_source *s = NULL;
	int i, j, n;

	for (n = 0, j = 0; j < kb->nroles; j++)
		n += (cat < 0 || kb->roles[j].category == cat) &&
		    in_guide(&kb->roles[j], guide);
	for (i = 0; i < kb->nsources && (guide == 1 || guide == 2); i++)
		if ((kb->sources[i].year != 0) == (guide == 2))
			s = &kb->sources[i];
	if (cat >= 0) {
		fmt_strong(a, kb->categories[cat].name);
		fmt_printf(a, " (%d", n);
	} else
		fmt_printf(a, "%d role%s", n, n == 1 ? "" : "s");
	if (s)
		fmt_printf(a, "%sin the %s", cat >= 0 ? ", " : " ", s->label);
	else if (guide == 4)
		fmt_printf(a, "%sin both guides", cat >= 0 ? ", " : " ");
	else if (cat < 0)
		fmt_text(a, " from the two guides");
	fmt_text(a, cat >= 0 ? "): " : ": ");
	for (n = 0, j = 0; j < kb->nroles; j++)
		if ((cat < 0 || kb->roles[j].category == cat) &&
		    in_guide(&kb->roles[j], guide))
			fmt_printf(a, "%s%s", n++ ? ", " : "",
			    kb->roles[j].title);
	fmt_text(a, n ? "." : "none.");
}

/* TOPIC_NAMED: the names first, then "Name: text; ..."; TOPIC_LIST:
 * "text; text"; TOPIC_PROSE: the sentences as written. */
enum { TOPIC_NAMED, TOPIC_LIST, TOPIC_PROSE };

/* The topics of that kind (of one guide when guide is 1, the undated,
 * or 2, the dated; else of both), each in its guide's words. */
static void
topic(struct cmd_ctx *c, struct answer *a, const char *kind,
    const char *lead, int style, int guide)
{
	const struct kb_topic *t;
	int nth, i, shown = 0;

	for (nth = 0; (t = kb_topic_by_kind(c->kb, kind, nth)) != NULL;
	    nth++) {
		if ((guide == 1 || guide == 2) &&
		    (guide == 2) != (t->source->year != 0))
			continue;
		if (shown++)
			fmt_para(a);
		fmt_strong(a, lead ? lead : t->title);
		fmt_printf(a, " (%s): ", t->source->label);
		if (t->nitems > 0)
			said_cite(c, t->source, t->items[0].text);
		if (style == TOPIC_NAMED) {
			/* every item named briefly, the details after */
			for (i = 0; i < t->nitems; i++)
				fmt_printf(a, "%s%s", i ? ", " : "",
				    t->items[i].name);
			fmt_text(a, ". In the guide's words:");
		}
		/* a list: the guide's own lead-in, then its items (a named
		 * list keeps its items first: the lead-in comes after) */
		if (t->intro && style == TOPIC_LIST)
			fmt_printf(a, "%s ", t->intro);
		for (i = 0; i < t->nitems; i++) {
			if (style == TOPIC_NAMED) {
				fmt_text(a, i ? "; " : " ");
				fmt_text(a, t->items[i].name);
				fmt_text(a, ": ");
				phrase_item(a, t->items[i].text);
			} else if (style == TOPIC_LIST) {
				fmt_text(a, i ? "; " : "");
				phrase_item(a, t->items[i].text);
			} else {
				fmt_text(a, i ? " " : "");
				fmt_text(a, t->items[i].text);
			}
		}
		if (style != TOPIC_PROSE)
			fmt_text(a, ".");
		if (t->intro && style == TOPIC_NAMED)
			fmt_printf(a, " %s", t->intro);
		if (t->outro && style != TOPIC_PROSE)
			fmt_printf(a, " %s", t->outro);
	}
	if (shown == 0)
		fmt_text(a, "The guides loaded have nothing on that.");
}

/* ---- command handlers --------------------------------------------- */

static int
visible(const struct cmd_ctx *c, const struct command *cmd)
{
	return !(cmd->flags & CMD_OWNER) || (c->msg && c->msg->owner);
}

static void
help_entry(struct cmd_ctx *c, const struct command *cmd, struct answer *a)
{
	fmt_printf(a, "%s%s%s%s", c->prefix, cmd->name, *cmd->usage ? " " :
	    "", cmd->usage);
}

/* "help": five main commands and an example, one line; "help all": the
 * rest (owner commands to owners only); "help CMD": one command. */
static void
cmd_help(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct command *cmd;
	const char *p = arg;
	int all = strcasecmp(arg, "all") == 0;

	a->free = 1;	/* asking how to ask is not a question */
	if (*p && !all) {
		if (strncmp(p, c->prefix, strlen(c->prefix)) == 0)
			p += strlen(c->prefix);
		if ((cmd = command_find(p, strcspn(p, " "))) != NULL &&
		    visible(c, cmd)) {
			help_entry(c, cmd, a);
			fmt_printf(a, " — %s", cmd->help);
			if (cmd->alias)
				fmt_printf(a, " (also %s%s)", c->prefix,
				    cmd->alias);
			return;
		}
		fmt_text(a, "No command ");
		fmt_echo(a, arg);
		fmt_text(a, ". ");
	}
	fmt_text(a, all ? "All commands: " : "I answer from two guides to the "
	    "highest-paying tech jobs: ");
	fmt_list_begin(a);
	for (cmd = commands; cmd->name; cmd++) {
		if ((!all && !(cmd->flags & CMD_MAIN)) || !visible(c, cmd))
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

static void
cmd_salary(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a, "salary")) != NULL)
		say_salary(c, r, 0, a);
}

static void
cmd_skills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a, "skills")) != NULL)
		say_skills(c, r, a);
}

static void
cmd_role(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a, "role")) != NULL)
		say_role(c, r, a);
}

/* Splits "A vs B" at the first separator; 0 if there is none. */
static int
split_pair(const char *arg, char **left, char **right)
{
	static const char *const seps[] = {
		" vs. ", " vs ", " versus ", " v ", " and ", " or ", " with ",
		", ", " to ", NULL
	};
	char *low = xstrdup(arg), *p;
	int i;

	for (p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; seps[i]; i++)
		if ((p = strstr(low, seps[i])) != NULL) {
			size_t at = (size_t)(p - low);

			*left = xstrndup(arg, at);
			*right = xstrdup(arg + at + strlen(seps[i]));
			free(low);
			return 1;
		}
	free(low);
	return 0;
}

static void
cmd_compare(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct role_hit h[2];
	struct intent q;
	const struct kb_role *found = NULL;
	char *side[2] = { NULL, NULL };
	int i, bad = 0;

	/* "ml engineer, data scientist and devops": the roles the entity
	 * finder sees, when it sees every one of them */
	question_parse(c->ix, arg, strlen(arg), &q);
	if (q.e.nroles >= 2 && q.e.nunknown == 0) {
		if (q.e.nroles > 2)
			say_compare_n(c, q.e.roles, q.e.nroles, MEASURE_MID, 0,
			    0, a);
		else
			say_compare(c, q.e.roles[0], q.e.roles[1], a);
		question_free(&q);
		return;
	}
	question_free(&q);
	if (!split_pair(arg, &side[0], &side[1]) || !*side[0] || !*side[1]) {
		fmt_printf(a, "Usage: %scompare ROLE vs ROLE (e.g. %scompare "
		    "sre vs devops).", c->prefix, c->prefix);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		index_find_role(c->ix, side[i], &h[i]);
		if (h[i].role != NULL) {
			found = h[i].role;
			if (h[i].corrected)
				phrase_reading(a, side[i], h[i].role);
			continue;
		}
		fmt_text(a, bad++ ? " " : "");
		if (h[i].ambiguous) {
			fmt_echo(a, side[i]);
			fmt_text(a, " matches several roles: ");
			phrase_roles(a, h[i].alts, h[i].nalts, " or ");
			fmt_text(a, ".");
		} else
			not_covered(c, a, side[i], &h[i]);
	}
	if (bad == 0)
		say_compare(c, h[0].role, h[1].role, a);
	else if (found) {	/* the one side the guides have */
		fmt_text(a, " ");
		say_salary(c, found, 1, a);
	}
out:
	free(side[0]);
	free(side[1]);
}

/* Words of arg: a count, "lowest", a measure. */
static void
rank_args(const char *arg, int *want, int *asc, enum measure *m)
{
	char *copy = text_norm(arg, strlen(arg)), *w[8];
	enum measure mm;
	int nw = text_words(copy, w, 8), i, ok;

	for (i = 0; i < nw; i++) {
		if (isdigit((unsigned char)w[i][0]))
			*want = atoi(w[i]);
		else if (strcmp(w[i], "lowest") == 0 ||
		    strcmp(w[i], "least") == 0)
			*asc = 1;
		else if ((mm = parse_measure(w[i], &ok)), ok)
			*m = mm;
	}
	free(copy);
}

static void
cmd_top(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	enum measure m = MEASURE_MID;
	int want = TOP_DEFAULT, asc = 0;

	rank_args(arg, &want, &asc, &m);
	say_top(c, want, asc, m, -1, 1, a);
}

static void
bound_list(struct cmd_ctx *c, const char *arg, struct answer *a, int below)
{
	enum measure m = below ? MEASURE_MIN : MEASURE_MAX;
	long amount = parse_amount(arg);
	int want = 0, asc = 0;

	rank_args(arg, &want, &asc, &m);
	if (amount <= 0) {
		fmt_printf(a, "Usage: %s%s AMOUNT [by min|max|mid] (e.g. "
		    "%s%s $200k).", c->prefix, below ? "below" : "above",
		    c->prefix, below ? "below" : "above");
		return;
	}
	say_bound(c, amount, below, m, a);
}

static void
cmd_above(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	bound_list(c, arg, a, 0);
}

static void
cmd_below(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	bound_list(c, arg, a, 1);
}

static void
cmd_range(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *lo[LIST_MAX], *hi[LIST_MAX];
	int nlo, nhi, i, j;

	(void)arg;
	nlo = index_rank(c->ix, MEASURE_MIN, 1, 0, lo, LIST_MAX);
	nhi = index_rank(c->ix, MEASURE_MAX, 0, 0, hi, LIST_MAX);
	if (nlo == 0) {
		fmt_text(a, "The guides give no salary figures.");
		return;
	}
	for (i = 1; i < nlo && lo[i]->figure->pay.min ==
	    lo[0]->figure->pay.min; i++)
		;
	for (j = 1; j < nhi && hi[j]->figure->pay.max ==
	    hi[0]->figure->pay.max; j++)
		;
	fmt_printf(a, "Salary ranges in the %s run from ", figure_label(lo,
	    nlo));
	fmt_money(a, lo[0]->figure->pay.min);
	fmt_text(a, " (bottom for ");
	phrase_roles(a, lo, i, " and ");
	fmt_text(a, ") to ");
	fmt_money(a, hi[0]->figure->pay.max);
	if (hi[0]->figure->pay.open_ended)
		fmt_text(a, "+");
	fmt_text(a, " (top for ");
	phrase_roles(a, hi, j, " and ");
	fmt_printf(a, "), across %d roles with figures.", nlo);
}

static void
cmd_whoneeds(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	int sk[8], nsk;

	if (*arg == '\0') {
		fmt_printf(a, "Usage: %swhoneeds SKILL (e.g. %swhoneeds "
		    "kubernetes).", c->prefix, c->prefix);
		return;
	}
	nsk = index_find_skills(c->ix, arg, sk, 8);
	say_whoneeds(c, sk, nsk, arg, a);
}

/* Words of a parsed message that are no skill, cue or filler. */
static int
unknown_words(const struct intent *q, char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < q->nwords && n < max; i++)
		if (!q->used[i] && !question_word(q->words[i]) &&
		    strlen(q->words[i]) > 1)
			out[n++] = q->words[i];
	return n;
}

static void
cmd_match(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct intent q;
	char *unk[8];
	int nunk;

	if (*arg == '\0') {
		fmt_printf(a, "Usage: %smatch SKILL, SKILL, ... (e.g. %smatch "
		    "python, sql, docker).", c->prefix, c->prefix);
		return;
	}
	question_parse(c->ix, arg, strlen(arg), &q);
	nunk = unknown_words(&q, unk, 8);
	say_match(c, q.e.skills, q.e.nskills, unk, nunk, a);
	question_free(&q);
}

static void
cmd_roles(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb *kb = c->kb;
	int cat = -1, i;

	if (*arg && (cat = index_find_category(c->ix, arg)) < 0) {
		fmt_text(a, "No category ");
		fmt_echo(a, arg);
		fmt_text(a, ". Categories: ");
		for (i = 0; i < kb->ncategories; i++)
			fmt_printf(a, "%s%s", i ? ", " : "",
			    kb->categories[i].id);
		fmt_text(a, ".");
		return;
	}
	say_roles(c, cat, 0, a);
}

static void
cmd_tips(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "negotiation", "What to negotiate beyond base salary",
	    TOPIC_NAMED, 0);
}

static void
cmd_metaskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "meta-skills", "Meta skills that raise pay across roles",
	    TOPIC_LIST, 0);
}

static void
cmd_keyskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "market-skills", "Key skills to increase your market "
	    "value", TOPIC_NAMED, 0);
}

static void
cmd_conclusions(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "conclusion", NULL, TOPIC_PROSE, 0);
}

static void
cmd_sources(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb *kb = c->kb;
	int i, j, k, nrole, nfig;

	(void)arg;
	fmt_printf(a, "I answer only from %d guides: ", kb->nsources);
	for (i = 0; i < kb->nsources; i++) {
		const struct kb_source *s = &kb->sources[i];

		for (nrole = nfig = 0, j = 0; j < kb->nroles; j++)
			for (k = 0; k < kb->roles[j].nsrc; k++)
				if (kb->roles[j].src[k].source == s) {
					nrole++;
					nfig += kb->roles[j].src[k].pay.has_figure;
				}
		fmt_printf(a, "%s\"%s\" (the %s: %d roles, %s)",
		    i ? "; " : "", s->title, s->label, nrole,
		    nfig ? "average salary ranges in US dollars" :
		    "pay described in words, no figures");
	}
	fmt_printf(a, ". %d roles in all; the undated guide's Cloud Architect "
	    "and the 2026 guide's Cloud Solutions Architect are one role. "
	    "Figures are quoted, never estimated.", kb->nroles);
}

/* Local calendar day number, the basis of the role of the day. */
static long
local_day(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return (long)(tm.tm_year + 1900) * 366 + tm.tm_yday;
}

static const char *
clock_text(int secs, char *buf, size_t n)
{
	if (secs % 60)
		snprintf(buf, n, "%02d:%02d:%02d", secs / 3600,
		    secs / 60 % 60, secs % 60);
	else
		snprintf(buf, n, "%02d:%02d", secs / 3600, secs / 60 % 60);
	return buf;
}

/*
 * "highlight": today's role here.  "highlight on|off", "highlight time
 * HH:MM [Zone]": owners and channel operators change this channel's daily
 * post; everyone else is told who can.
 */
static void
cmd_highlight(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct message *m = c->msg;
	const struct kb_role *r;
	char zone[TZ_NAME_MAX], word[16], hhmm[16], tzarg[TZ_NAME_MAX + 1];
	int on, secs, n, rc = 0;

	word[0] = '\0';
	if (sscanf(arg, "%15s", word) != 1 || (strcasecmp(word, "on") &&
	    strcasecmp(word, "off") && strcasecmp(word, "time"))) {
		r = c->hl ? hl_today(c->hl, m ? m->network : NULL,
		    m ? m->target : NULL, c->now) : NULL;
		if (r == NULL)	/* no state store: the day number decides */
			r = &c->kb->roles[(size_t)local_day(c->now) %
			    (size_t)c->kb->nroles];
		hl_format(c->kb, r, a, 0);
		return;
	}
	if (c->hl == NULL || m == NULL || m->network == NULL ||
	    m->target == NULL) {
		fmt_text(a, "Daily highlights are set per channel: say this "
		    "in the channel or room that should get them.");
		return;
	}
	if (!m->privileged) {
		fmt_text(a, "Sorry, only channel operators and the bot's "
		    "owners can change the daily highlight here.");
		return;
	}
	if (strcasecmp(word, "time") == 0) {
		n = sscanf(arg, "%*s %15s %64s", hhmm, tzarg);
		if (n < 1 || (secs = tz_parse_time(hhmm)) < 0) {
			fmt_printf(a, "Usage: %shighlight time HH:MM [Zone], "
			    "for example 08:30 America/New_York.", c->prefix);
			return;
		}
		if (n == 2 && !tz_valid(tzarg)) {
			fmt_text(a, "I don't know the time zone ");
			fmt_echo(a, tzarg);
			fmt_text(a, "; use an IANA name such as Europe/Berlin.");
			return;
		}
		rc = hl_set_time(c->hl, m->network, m->target, secs,
		    n == 2 ? tzarg : NULL);
	} else
		rc = hl_switch(c->hl, m->network, m->target,
		    strcasecmp(word, "on") == 0);
	if (rc == -1) {
		fmt_text(a, "Sorry, I can't keep any more highlight settings.");
		return;
	}
	hl_settings(c->hl, m->network, m->target, &on, &secs, zone,
	    sizeof(zone));
	if (on) {
		time_t when;
		struct tz_date d, today;

		fmt_printf(a, "Daily highlight here: on, at %s %s.",
		    clock_text(secs, hhmm, sizeof(hhmm)), zone);
		if (hl_next(c->hl, m->network, m->target, c->now, &when) == 0 &&
		    tz_local(zone, when, &d) == 0 &&
		    tz_local(zone, c->now, &today) == 0) {
			if (when <= c->now)
				fmt_text(a, " The first post goes out now.");
			else if (d.year == today.year && d.month == today.month &&
			    d.day == today.day)
				fmt_printf(a, " Next post: today at %s.",
				    clock_text(d.secs, hhmm, sizeof(hhmm)));
			else
				fmt_printf(a, " Next post: %04d-%02d-%02d at %s.",
				    d.year, d.month, d.day,
				    clock_text(d.secs, hhmm, sizeof(hhmm)));
		}
	} else
		fmt_text(a, "Daily highlight here: off.");
}

/*
 * Owner commands (CMD_OWNER: the router has refused everyone else): the
 * handler answers; the adapter carries out a->action (it knows how to join
 * a channel or a room).
 */
static void
set_action(struct answer *a, enum action what, const char *arg)
{
	a->action = what;
	snprintf(a->action_arg, sizeof(a->action_arg), "%s", arg);
}

static void
cmd_reload(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)c;
	(void)arg;
	set_action(a, ACT_RELOAD, "");
	fmt_text(a, "Reloading the config and the knowledge.");
}

/*
 * One channel or room, or 0 after saying why not: IRC takes a list
 * ("#a,#b"), and "0" in it leaves every channel, so an owner's
 * "!join #x,0" (or a command slipped in as an owner's) must not reach a
 * JOIN.  No channel or room name holds a comma.
 */
static int
one_place(struct answer *a, const char *where)
{
	if (strchr(where, ',') == NULL && strcmp(where, "0") != 0)
		return 1;
	fmt_text(a, "Not that: one channel or room at a time, by its name.");
	return 0;
}

static void
cmd_join(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char where[200];

	if (sscanf(arg, "%199s", where) != 1) {
		fmt_printf(a, "Usage: %sjoin CHANNEL-OR-ROOM", c->prefix);
		return;
	}
	if (!one_place(a, where))
		return;
	set_action(a, ACT_JOIN, where);
	fmt_text(a, "Joining ");
	fmt_echo(a, where);
	fmt_text(a, ".");
}

static void
cmd_part(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char where[200];
	const char *t = c->msg ? c->msg->target : NULL;

	if (sscanf(arg, "%199s", where) != 1) {
		if (t == NULL) {
			fmt_printf(a, "Usage: %spart CHANNEL-OR-ROOM",
			    c->prefix);
			return;
		}
		snprintf(where, sizeof(where), "%s", t);
	}
	if (!one_place(a, where))
		return;
	set_action(a, ACT_PART, where);
	fmt_text(a, "Leaving ");
	fmt_echo(a, where);
	fmt_text(a, ".");
}

static void
cmd_ignore(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char who[200];

	if (sscanf(arg, "%199s", who) != 1) {
		fmt_printf(a, "Usage: %signore NICK!USER@HOST or @user:server",
		    c->prefix);
		return;
	}
	set_action(a, ACT_IGNORE, who);
	fmt_text(a, "Ignoring ");
	fmt_echo(a, who);
	fmt_text(a, " until the next restart.");
}

static void
cmd_more(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	if (c->pending_more == NULL || *c->pending_more == '\0') {
		fmt_text(a, "Nothing more to show.");
		c->nothing_more = 1;	/* said once (router.c) */
	} else
		fmt_text(a, c->pending_more);
	a->free = 1;	/* the limit counts questions, not pages */
}

const struct command commands[] = {
	{ "help", "commands", "[all|command]", "what I can answer", cmd_help,
	    0 },
	{ "salary", "pay", "ROLE", "the salary range the guides give for a role "
	    "(or their words, where they give no figure)", cmd_salary,
	    CMD_MAIN },
	{ "skills", "skill", "ROLE", "the skills the guides list for a role",
	    cmd_skills, CMD_MAIN },
	{ "role", "job", "ROLE", "what the job is and what they do", cmd_role,
	    0 },
	{ "compare", "vs", "ROLE vs ROLE", "two roles' salaries side by side",
	    cmd_compare, CMD_MAIN },
	{ "top", "rank", "[N] [lowest] [by min|max|mid]", "the best-paid "
	    "roles by the midpoint, bottom or top of their range; ties stay "
	    "ties", cmd_top, CMD_MAIN },
	{ "match", "fit", "SKILL, SKILL, ...", "the roles that list the most "
	    "of your skills, and which guide lists them", cmd_match,
	    CMD_MAIN },
	{ "above", NULL, "AMOUNT [by min|max|mid]", "roles whose range goes "
	    "above an amount (top of range by default)", cmd_above, 0 },
	{ "below", NULL, "AMOUNT [by min|max|mid]", "roles whose range starts "
	    "below an amount (bottom of range by default)", cmd_below, 0 },
	{ "range", NULL, "", "the lowest and highest figures in the guides",
	    cmd_range, 0 },
	{ "whoneeds", "needs", "SKILL", "which roles list a skill",
	    cmd_whoneeds, 0 },
	{ "roles", "list", "[category]", "all roles, or one category's",
	    cmd_roles, 0 },
	{ "tips", "negotiate", "", "what to negotiate beyond base salary",
	    cmd_tips, 0 },
	{ "metaskills", "meta", "", "skills that raise pay across roles",
	    cmd_metaskills, 0 },
	{ "keyskills", "market", "", "key skills to increase your market value",
	    cmd_keyskills, 0 },
	{ "conclusions", "conclusion", "", "each guide's conclusions",
	    cmd_conclusions, 0 },
	{ "highlight", "today", "[on|off|time HH:MM [Zone]]",
	    "today's role of the day; operators set the daily post",
	    cmd_highlight, 0 },
	{ "sources", "source", "", "where my answers come from", cmd_sources,
	    0 },
	{ "more", NULL, "", "the rest of a long answer", cmd_more, 0 },
	{ "reload", NULL, "", "owners: reload the config and the knowledge",
	    cmd_reload, CMD_OWNER },
	{ "join", NULL, "CHANNEL-OR-ROOM", "owners: join a channel or room",
	    cmd_join, CMD_OWNER },
	{ "part", "leave", "[CHANNEL-OR-ROOM]", "owners: leave one",
	    cmd_part, CMD_OWNER },
	{ "ignore", NULL, "MASK-OR-USER", "owners: ignore someone",
	    cmd_ignore, CMD_OWNER },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
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

/* ---- natural questions ---------------------------------------------- */

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

void
command_answer(struct cmd_ctx *c, const struct intent *q, struct answer *a)
{
	const struct entities *e = &q->e;
	const struct command *cmd;
	char names[256], *unk[8];
	int i, nunk;

	c->said.kind = q->kind;
	say_readings(q, a);
	if ((q->kind == I_SALARY || q->kind == I_SKILLS ||
	    q->kind == I_ROLE) && e->nroles > 0 && e->guide) {
		/* "the older guide on cloud architects"; "both guides":
		 * the dated one, then the other */
		for (i = 0; i < e->nroles && i < 2; i++) {
			if (i)
				fmt_para(a);
			if (e->guide == 4) {
				say_in_guide(c, e->roles[i], 2, q->kind, a);
				fmt_para(a);
				say_in_guide(c, e->roles[i], 1, q->kind, a);
			} else
				say_in_guide(c, e->roles[i], e->guide, q->kind,
				    a);
		}
		c->said.guide = e->guide;
		return;
	}
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
		/* "frontend vs backend who makes more": skills, which the
		 * guides give no pay for; the roles that list them */
		if (e->nroles == 0 && e->nunknown == 0 && e->nskills > 0) {
			fmt_text(a, "The guides don't cover pay for skills, "
			    "only for roles. ");
			skill_list(c->kb, e->skills, e->nskills, names,
			    sizeof(names));
			say_whoneeds(c, e->skills, e->nskills, names, a);
			break;
		}
		/* "how do ML engineers compare to software engineers": what
		 * the guide says about the pair, if it says something */
		if (e->nroles == 1 && e->nunknown > 0 && say_pair(c, q, a))
			break;
		say_unknowns(c, e, a);
		if (e->nroles > 2 || (e->nroles == 2 && (q->measure ||
		    q->lowest)))
			say_compare_n(c, e->roles, e->nroles,
			    pick(q->measure, MEASURE_MID), q->measure ||
			    q->lowest, q->lowest, a);
		else if (e->nroles == 2)
			say_compare(c, e->roles[0], e->roles[1], a);
		else if (e->nroles == 1) {
			fmt_text(a, e->nunknown ? " " : "");
			say_salary(c, e->roles[0], 1, a);
		}
		phrase_modifiers(a, e->mods, e->mod_word);
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
	case I_ACK:
		a->free = 1;
		fmt_text(a, "Ok. Ask me about any role's pay or skills "
		    "whenever you like.");
		break;
	case I_DATA:
		say_data(c, a);
		break;
	case I_WHONEEDS:
		skill_list(c->kb, e->skills, e->nskills, names, sizeof(names));
		say_whoneeds(c, e->skills, e->nskills, names, a);
		break;
	case I_MATCH:
		nunk = unknown_words(q, unk, 8);
		say_match(c, e->skills, e->nskills, unk, nunk, a);
		break;
	case I_TOP:
		if (q->ends == 3 && e->count == 0) {
			/* "which pays the most and which the least" */
			say_top(c, 1, 0, pick(q->measure, MEASURE_MID),
			    e->category, 0, a);
			fmt_para(a);
			say_top(c, 1, 1, pick(q->measure, MEASURE_MID),
			    e->category, 1, a);
			break;
		}
		say_top(c, e->count ? e->count : TOP_DEFAULT, q->lowest,
		    pick(q->measure, MEASURE_MID), e->category, 1, a);
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
			cmd_range(c, "", a);	/* no role: all of them */
		break;
	case I_SAME:
		say_same(c, q, a);
		break;
	case I_ROLES:
		say_roles(c, e->category, e->guide, a);
		break;
	case I_CITE:
		say_cite(c, q, a);
		break;
	case I_HELP:
		for (i = 0; i < q->nwords; i++)
			if (strcmp(q->words[i], "all") == 0)
				break;
		cmd_help(c, i < q->nwords ? "all" : "", a);
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
	case I_PASSAGE:
		c->said.aspect = q->aspect;
		/* FALLTHROUGH */
	case I_NONE:
	case I_COUNT:
		/* "sysadmins make decent money or nah": the pay of a job
		 * the guides lack, which no sentence of theirs answers
		 * ("is managing engineers harder" names one in passing) */
		if (e->nroles == 0 && e->nunknown > 0 && likely(q, I_SALARY)) {
			say_unknowns(c, e, a);
			break;
		}
		say_passage(c, q, e->nroles ? (int)(e->roles[0] -
		    c->kb->roles) : -1, a);
		break;
	case I_CONCLUSIONS:
		/* "will ai automate these jobs away": that sentence; "the
		 * 2026 guide's takeaway": that guide's */
		if (prose_topic_item(c, q, "conclusion", a) == 0)
			topic(c, a, "conclusion", NULL, TOPIC_PROSE, e->guide);
		break;
	case I_TIPS:
	case I_KEYSKILLS:
	case I_METASKILLS:
		/* "is equity worth negotiating for": the item it names */
		if (prose_topic_item(c, q, q->kind == I_TIPS ? "negotiation" :
		    q->kind == I_KEYSKILLS ? "market-skills" : "meta-skills",
		    a))
			break;
		/* FALLTHROUGH */
	default:
		/* range, tips, metaskills, keyskills, conclusions, sources,
		 * highlight, more: the command of the intent's name */
		cmd = command_find(intent_name(q->kind),
		    strlen(intent_name(q->kind)));
		if (cmd && !(cmd->flags & CMD_OWNER))
			cmd->handler(c, "", a);
		break;
	}
}
