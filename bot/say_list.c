/*
 * say_list.c -- what the bot says about many roles and about the guides:
 * rankings, roles above or below an amount, the whole range, who needs a
 * skill, whether a role needs one, the roles that fit someone's skills,
 * the list of roles, the guides' topics, their sources, what their data
 * is, the sentence behind the last answer, and prose questions.
 *
 * Called by a command's handler and by a parsed question's intent alike
 * (say.h), with what they ask already resolved.  Rankings keep ties and
 * name the roles they leave out for want of a figure.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "phrase.h"
#include "prose.h"
#include "say.h"
#include "text.h"

/* Roles without a figure (of a category, or all), named so rankings are
 * not mistaken as complete: the kb lists them, so a ranking of 100,000
 * roles does not walk them all. */
static void
unranked_note(struct cmd_ctx *c, struct answer *a, int cat)
{
	const struct kb_role *r;
	int i, n = 0;

	for (i = 0; i < c->kb->nunranked; i++) {
		r = &c->kb->roles[c->kb->unranked[i]];
		if (cat < 0 || r->category == cat) {
			fmt_text(a, n++ ? ", " : " Not ranked (no figure in "
			    "the guides): ");
			fmt_text(a, r->title);
		}
	}
	if (n)
		fmt_text(a, ".");
}

void
say_top(struct cmd_ctx *c, int want, int asc, enum measure m, int cat,
    const struct entities *out, int note, struct answer *a)
{
	const struct kb_role *all[LIST_MAX], *r[LIST_MAX];
	int i, n, k, j;

	if (want < 1)
		want = TOP_DEFAULT;
	if (want > TOP_MAX)
		want = TOP_MAX;
	k = index_rank(c->ix, m, asc, 0, all, LIST_MAX);
	for (n = 0, i = 0; i < k; i++) {
		if ((cat >= 0 && all[i]->category != cat) || (out &&
		    out->xcategory >= 0 && all[i]->category == out->xcategory))
			continue;
		for (j = 0; out && j < out->nxroles && out->xroles[j] !=
		    all[i]; j++)
			;
		if (out == NULL || j == out->nxroles)
			r[n++] = all[i];
	}
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
		if (m == MEASURE_MID) {	/* the figure it was ranked by */
			fmt_text(a, ", midpoint ");
			fmt_money_x2(a, measure_x2(r[0], m));
		}
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

void
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

void
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
void
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

int
unknown_words(const struct intent *q, char **out, int max)
{
	int i, n = 0;

	for (i = 0; i < q->nwords && n < max; i++)
		if (!q->used[i] && !question_word(q->words[i]) &&
		    strlen(q->words[i]) > 1)
			out[n++] = q->words[i];
	return n;
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
void
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

/* A prose question about a role's pay that may be asking its figures
 * too ("do blockchain devs make good money"): the salary model thinks
 * so this likely, and the aspect is the pay's. */
#define PASSAGE_PAY_P	0.15

int
likely_kind(const struct intent *q, enum intent_kind k)
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
	return likely_kind(q, I_SALARY);
}

/* A prose question: the sentence of the map (prose.c), else what the
 * guides have on the role, else a bm25 quote, else not covered. */
void
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
void
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
void
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
	    guide == 4 ? undated && dated :
	    guide == GUIDE_ONLY + 1 ? undated && !dated :
	    guide == GUIDE_ONLY + 2 ? dated && !undated : 1;
}

/*
 * The roles (of one category when cat >= 0, of one guide or both by
 * guide, as in_guide): all of them plainly, so that the list fits one
 * line; a category's under its name.
 */
void
say_roles(struct cmd_ctx *c, int cat, int guide, struct answer *a)
{
	const struct kb *kb = c->kb;
	const struct kb_source *s = NULL;
	int i, j, n;

	for (n = 0, j = 0; j < kb->nroles; j++)
		n += (cat < 0 || kb->roles[j].category == cat) &&
		    in_guide(&kb->roles[j], guide);
	int g = guide > GUIDE_ONLY ? guide - GUIDE_ONLY : guide;

	for (i = 0; i < kb->nsources && (g == 1 || g == 2); i++)
		if ((kb->sources[i].year != 0) == (g == 2))
			s = &kb->sources[i];
	if (cat >= 0) {
		fmt_strong(a, kb->categories[cat].name);
		fmt_printf(a, " (%d", n);
	} else
		fmt_printf(a, "%d role%s", n, n == 1 ? "" : "s");
	if (s)
		fmt_printf(a, "%s%sin the %s", cat >= 0 ? ", " : " ",
		    guide > GUIDE_ONLY ? "only " : "", s->label);
	else if (guide == 4)
		fmt_printf(a, "%sin both guides", cat >= 0 ? ", " : " ");
	else if (cat < 0)
		fmt_text(a, " from the two guides");
	fmt_text(a, cat >= 0 ? "): " : ": ");
	for (n = 0, j = 0; j < kb->nroles; j++)
		if ((cat < 0 || kb->roles[j].category == cat) &&
		    in_guide(&kb->roles[j], guide)) {
			fmt_printf(a, "%s%s", n++ ? ", " : "",
			    kb->roles[j].title);
			/* a field's few roles: "the architect one", "which
			 * of those pays more" */
			if (cat >= 0)
				said_role(c, &kb->roles[j]);
		}
	fmt_text(a, n ? "." : "none.");
}

/* The topics of that kind (of one guide when guide is 1, the undated,
 * or 2, the dated; else of both), each in its guide's words. */
void
say_topic(struct cmd_ctx *c, struct answer *a, const char *kind,
    const char *lead, enum topic_style style, int guide)
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
			/* every item named briefly, the details after, in
			 * the guide's words from its lead-in on ("...only
			 * half the battle... consider the following
			 * components:") */
			for (i = 0; i < t->nitems; i++)
				fmt_printf(a, "%s%s", i ? ", " : "",
				    t->items[i].name);
			fmt_text(a, t->intro ? ". " : ". In the guide's "
			    "words:");
		}
		/* the guide's own lead-in, then its items */
		if (t->intro && style != TOPIC_PROSE)
			fmt_text(a, t->intro);
		if (t->intro && style == TOPIC_LIST)
			fmt_text(a, " ");
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
		if (t->outro && style != TOPIC_PROSE)
			fmt_printf(a, " %s", t->outro);
	}
	if (shown == 0)
		fmt_text(a, "The guides loaded have nothing on that.");
}

/* The lowest and highest figures, and whose. */
void
say_range(struct cmd_ctx *c, struct answer *a)
{
	const struct kb_role *lo[LIST_MAX], *hi[LIST_MAX];
	int nlo, nhi, i, j;

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

/* The guides, what each covers, and that figures are quoted. */
void
say_sources(struct cmd_ctx *c, struct answer *a)
{
	const struct kb *kb = c->kb;
	int i, j, k, nrole, nfig;

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

/*
 * "which job does the undated guide say pays the most": a guide without
 * figures ranks nothing, so what it says of each role's pay, quoted, in
 * the knowledge's order.  The caller has seen that guide has no figure.
 */
void
say_pay_words(struct cmd_ctx *c, int guide, int cat, struct answer *a)
{
	const struct kb_role_source *s;
	const struct kb_role *r;
	int i, k, n = 0;

	for (i = 0; i < c->kb->nroles; i++) {
		r = &c->kb->roles[i];
		if (cat >= 0 && r->category != cat)
			continue;
		for (k = 0; k < r->nsrc; k++) {
			s = &r->src[k];
			if ((s->source->year != 0) != (guide == 2) ||
			    s->pay.words == NULL)
				continue;
			if (n++ == 0)
				fmt_printf(a, "The %s gives no figures and ranks "
				    "no role by pay; what it says of each one's "
				    "pay: ", s->source->label);
			else
				fmt_text(a, "; ");
			fmt_strong(a, r->title);
			fmt_printf(a, ": \"%s\"", s->pay.words);
			said_role(c, r);
			break;
		}
	}
	if (n == 0)
		fmt_text(a, "That guide says nothing of these roles' pay.");
	else
		fmt_text(a, ".");
}

/*
 * "final thoughts of both guides": each guide's topic of this kind by its
 * first item, the dated guide's first, so both fit one line.
 */
void
say_topic_each(struct cmd_ctx *c, struct answer *a, const char *kind)
{
	const struct kb_topic *t;
	int pass, nth, shown = 0;

	for (pass = 2; pass >= 1; pass--)
		for (nth = 0; (t = kb_topic_by_kind(c->kb, kind, nth)) != NULL;
		    nth++) {
			if ((t->source->year != 0) != (pass == 2) ||
			    t->nitems == 0)
				continue;
			if (shown++)
				fmt_text(a, " ");
			fmt_strong(a, t->title);
			fmt_printf(a, " (%s): %s", t->source->label,
			    t->items[0].text);
			said_cite(c, t->source, t->items[0].text);
		}
}
