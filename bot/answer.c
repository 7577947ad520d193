/*
 * answer.c -- what every answer shares: noting what it was about (its
 * roles, and the sentence behind its claim with the line the sentence
 * map gives), naming a measure and a ranking's guide, and a ranking with
 * its ties.  say_*.c, numbers.c and prose.c answer; this is below
 * all three, so they never call each other for these.
 */
#include <stdio.h>
#include <string.h>

#include "answer.h"

void
said_role(struct cmd_ctx *c, const struct kb_role *r)
{
	int i;

	for (i = 0; i < c->said.nroles; i++)
		if (c->said.roles[i] == r)
			return;
	if (c->said.nroles < Q_ROLES_MAX)
		c->said.roles[c->said.nroles++] = r;
}

/* The claim behind an answer: its guide, its words and their line in
 * the sentence map (of role's part where two roles share the words, as
 * the ML Engineer's and AI Product Manager's pay do), 0 if unmapped. */
void
said_cite_line(struct cmd_ctx *c, const struct kb_source *s,
    const char *quote, int line)
{
	if (c->said.cite_source || s == NULL || quote == NULL)
		return;		/* the first claim of an answer is its own */
	c->said.cite_source = s;
	c->said.cite_line = line;
	snprintf(c->said.cite, sizeof(c->said.cite), "%s", quote);
}

void
said_cite_of(struct cmd_ctx *c, const struct kb_source *s, const char *quote,
    const struct kb_role *r)
{
	const struct kb_sentence *k;

	if (c->said.cite_source || s == NULL || quote == NULL)
		return;
	k = kb_sentence_of(c->kb, s, quote, r ? (int)(r - c->kb->roles) : -1);
	said_cite_line(c, s, quote, k ? k->line : 0);
}

void
said_cite(struct cmd_ctx *c, const struct kb_source *s, const char *quote)
{
	said_cite_of(c, s, quote, NULL);
}

/* The sentence behind a role's pay: the figure's quote, or the words. */
void
said_pay(struct cmd_ctx *c, const struct kb_role *r)
{
	int i;

	said_role(c, r);
	if (r->figure) {
		said_cite_of(c, r->figure->source, r->figure->pay.quote, r);
		return;
	}
	for (i = 0; i < r->nsrc; i++)
		if (r->src[i].pay.words) {
			said_cite_of(c, r->src[i].source, r->src[i].pay.words,
			    r);
			return;
		}
}

const char *
measure_name(enum measure m)
{
	return m == MEASURE_MIN ? "bottom of range" :
	    m == MEASURE_MAX ? "top of range" : "midpoint";
}

/* The label of the guide the ranked figures come from, if one. */
const char *
figure_label(const struct kb_role *const *r, int n)
{
	int i;

	for (i = 1; i < n; i++)
		if (r[i]->figure->source != r[0]->figure->source)
			return "guides";
	return n ? r[0]->figure->source->label : "guides";
}

/* Ranked list with ties kept: "1= A $x; 1= B $x; 3. C $y". */
void
ranked(struct answer *a, const struct kb_role *const *r, int n,
    enum measure m)
{
	static const char *const hdr[] = { "Rank", "Role", "Measure", "Range" };
	int i, rank = 1;

	fmt_table_begin(a, hdr, 4);
	for (i = 0; i < n; i++) {
		long v = measure_x2(r[i], m);
		int tie_prev = i > 0 && measure_x2(r[i - 1], m) == v;
		int tie_next = i + 1 < n && measure_x2(r[i + 1], m) == v;
		const struct kb_pay *p = &r[i]->figure->pay;
		char rk[16];

		if (!tie_prev)
			rank = i + 1;
		snprintf(rk, sizeof(rk), "%d%s", rank,
		    tie_prev || tie_next ? "=" : ".");
		fmt_row_begin(a, "; ");
		fmt_cell_begin(a); fmt_text(a, rk); fmt_cell_end(a);
		fmt_cell_begin(a); fmt_text(a, r[i]->title); fmt_cell_end(a);
		fmt_cell_begin(a); fmt_money_x2(a, v);
		if (m == MEASURE_MAX && p->open_ended)
			fmt_text(a, "+");
		fmt_cell_end(a);
		/* the full range only in HTML: the plain line stays short */
		fmt_html_cell_range(a, p->min, p->max, p->open_ended);
		fmt_row_end(a);
	}
	fmt_table_end(a);
}
