/*
 * say_role.c -- what the bot says about one role or two: its pay, its
 * skills, what the job is, one guide's part of it, a comparison, what
 * tells two apart, and a name the guides do not cover.
 *
 * Called with roles already resolved, by a command's handler and by a
 * parsed question's intent alike (say.h).  Only what the guides say:
 * figures come from kb_pay, words are quoted, and a role the guides do
 * not cover is said to be not covered, never answered by a look-alike.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "phrase.h"
#include "say.h"

/* ---- not covered ---- */

void
say_not_covered(struct cmd_ctx *c, struct answer *a, const char *what,
    const struct role_hit *hit)
{
	phrase_not_covered(a, what, hit, c->kb->nroles, c->prefix);
}

void
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

void
say_midpoint(struct answer *a, const struct kb_role *r)
{
	if (r->figure == NULL)
		return;
	fmt_text(a, " Midpoint ");
	fmt_money_x2(a, measure_x2(r, MEASURE_MID));
	fmt_text(a, r->figure->pay.open_ended ? " (of the two figures; the "
	    "top is open-ended)." : " (of the two figures).");
}

const struct kb_role_source *
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

void
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

void
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

void
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
		if (r0->figure->pay.min == r1->figure->pay.min &&
		    r0->figure->pay.max == r1->figure->pay.max)
			fmt_text(a, ": the same range, a tie.");
		else if (m0 == m1)
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
void
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
		fmt_text(a, ")");
		if (nf == 2 && measure_x2(fig[0], m) != measure_x2(fig[1], m)) {
			/* "how much more at the top": the difference of
			 * the two figures, labelled */
			const struct kb_role *o = lowest ? fig[0] : fig[1];

			fmt_text(a, ", ");
			fmt_money_x2(a, measure_x2(fig[0], m) -
			    measure_x2(fig[1], m));
			fmt_printf(a, " %s than %s (", lowest ? "less" :
			    "more", o->title);
			fmt_money_x2(a, measure_x2(o, m));
			fmt_text(a, "); a difference of the guide's figures");
		}
		fmt_text(a, ".");
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

/* The word of a two-word title that names the field ("DevOps" of DevOps
 * Engineer, "Blockchain" of Blockchain Developer) into w; 0 when the
 * title has another shape (a longer title's words say less alone). */
static int
title_word(const struct kb_role *r, char *w, size_t size)
{
	const char *sp = strchr(r->title, ' ');
	size_t n;

	if (sp == NULL || strchr(sp + 1, ' ') != NULL ||
	    (n = (size_t)(sp - r->title)) < 4 || n >= size)
		return 0;
	memcpy(w, r->title, n);
	w[n] = '\0';
	return 1;
}

/* text has w as a whole word, as written. */
static int
has_word(const char *text, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = strstr(text, w); p; p = strstr(p + 1, w))
		if ((p == text || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	return 0;
}

/* A guide without the role may still name its field: "what does the
 * first guide say about devops" gets its "DevOps Practices" line. */
static void
guide_mentions(struct cmd_ctx *c, const struct kb_role *r, int guide,
    struct answer *a)
{
	const struct kb_sentence *k;
	char w[64];
	int i;

	if (!title_word(r, w, sizeof(w)))
		return;
	for (i = 0; i < c->kb->nsentences; i++) {
		k = &c->kb->sentences[i];
		if ((k->source->year != 0) != (guide == 2) ||
		    !has_word(k->text, w))
			continue;
		fmt_printf(a, " It names %s at line %d: \"%s\"", w, k->line,
		    k->text);
		said_cite_line(c, k->source, k->text, k->line);
		return;
	}
}

/*
 * "what does the older guide say about cloud architects": the role as
 * that guide has it, what it is and its pay (words or figure); or that
 * the guide does not have it, and which does.
 */
void
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
		guide_mentions(c, r, guide, a);
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
#define DIFFERENCE_DUTIES 2	/* a role's duties in "A vs B, who does
				 * what" */
void
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
		fmt_text(a, ": ");
		/* what each does, in its words: its first duties (both
		 * must fit one line), else its summary */
		if (src->nresp > 0) {
			phrase_items(a, src->resp, src->nresp <
			    DIFFERENCE_DUTIES ? src->nresp : DIFFERENCE_DUTIES);
			fmt_text(a, ".");
		} else
			fmt_text(a, src->summary);
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
void
say_unknown(struct cmd_ctx *c, const char *name, struct answer *a)
{
	struct role_hit hit;

	index_near_roles(c->ix, name, &hit);
	say_not_covered(c, a, name, &hit);
}
