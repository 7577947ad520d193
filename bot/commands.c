/*
 * commands.c -- the command table and its handlers.
 *
 * Each command is one entry in commands[]: name, alias, usage, help and a
 * handler that describes its answer through fmt.h.  Handlers only state
 * what the guides say: figures come from kb_pay, words are quoted, and a
 * role the guides do not cover is said to be not covered.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "highlight.h"
#include "router.h"
#include "text.h"

#define TOP_DEFAULT	5
#define TOP_MAX		20
#define LIST_MAX	64	/* roles listed by whoneeds/above */

/* ---- shared pieces -------------------------------------------------- */

static void
list_names(struct answer *a, const struct kb_role *const *r, int n,
    const char *last_sep)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fmt_text(a, i == n - 1 ? last_sep : ", ");
		fmt_text(a, r[i]->title);
	}
}

static void
not_covered(struct cmd_ctx *c, struct answer *a, const char *what,
    const struct role_hit *hit)
{
	fmt_echo(a, what);
	fmt_text(a, " is not one of the roles the guides cover");
	if (hit && hit->nalts > 0) {
		fmt_text(a, ". Did you mean ");
		list_names(a, hit->alts, hit->nalts, " or ");
		fmt_text(a, "?");
	} else
		fmt_printf(a, " (they cover %d tech roles: %sroles lists them).",
		    c->kb->nroles, c->prefix);
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
	if (hit.role)
		return hit.role;
	if (hit.ambiguous) {
		fmt_echo(a, arg);
		fmt_text(a, " matches several roles: ");
		list_names(a, hit.alts, hit.nalts, " or ");
		fmt_text(a, ". Which one?");
		return NULL;
	}
	not_covered(c, a, arg, &hit);
	return NULL;
}

/* The source entry named in answers for a figure: "2026 guide[, as X]". */
static void
source_note(struct answer *a, const struct kb_role *r,
    const struct kb_role_source *s)
{
	fmt_text(a, s->source->label);
	if (strcmp(s->title, r->title) != 0) {
		fmt_text(a, ", as ");
		fmt_text(a, s->title);
	}
}

/* "$140,000–$185,000 (2026 guide)" or the guide's words, quoted. */
static void
pay_phrase(struct answer *a, const struct kb_role *r)
{
	int i;

	if (r->figure) {
		const struct kb_pay *p = &r->figure->pay;

		fmt_range(a, p->min, p->max, p->open_ended);
		fmt_text(a, " (");
		source_note(a, r, r->figure);
		fmt_text(a, ")");
		return;
	}
	fmt_text(a, "no salary figure in the guides");
	for (i = 0; i < r->nsrc; i++)
		if (r->src[i].pay.words) {
			fmt_printf(a, "; the %s says: \"%s\"",
			    r->src[i].source->label, r->src[i].pay.words);
			break;
		}
}

/* Up to max distinct skill names of the role's primary source. */
static void
skill_names(struct answer *a, const struct kb *kb, const struct kb_role *r,
    int max)
{
	const struct kb_role_source *s = r->primary;
	int seen[64], nseen = 0, i, j, k, dup;

	for (i = 0; i < s->nskills && nseen < max; i++)
		for (j = 0; j < s->skills[i].nrefs && nseen < max; j++) {
			int id = s->skills[i].refs[j];

			for (dup = 0, k = 0; k < nseen; k++)
				dup |= seen[k] == id;
			if (dup)
				continue;
			fmt_text(a, nseen ? ", " : "");
			fmt_text(a, kb->skills[id].name);
			seen[nseen++] = id;
		}
}

/* Ends a sentence: ". " unless the text already ends with '."'. */
static void
end_sentence(struct answer *a)
{
	size_t n = a->text.len;

	if (n >= 2 && a->text.s[n - 1] == '"' && strchr(".!?",
	    a->text.s[n - 2]))
		fmt_text(a, " ");
	else
		fmt_text(a, ". ");
}

/* Guide text without its final period, for joining with "; ". */
static void
fmt_item(struct answer *a, const char *s)
{
	size_t n = strlen(s);
	char *t;

	if (n > 0 && s[n - 1] == '.') {
		t = xstrndup(s, n - 1);
		fmt_text(a, t);
		free(t);
	} else
		fmt_text(a, s);
}

static void
fmt_items(struct answer *a, const char *const *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fmt_text(a, "; ");
		fmt_item(a, v[i]);
	}
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

static const char *
measure_name(enum measure m)
{
	return m == MEASURE_MIN ? "bottom of range" :
	    m == MEASURE_MAX ? "top of range" : "midpoint";
}

/* The label of the guide the ranked figures come from, if one. */
static const char *
figure_label(const struct kb_role *const *r, int n)
{
	int i;

	for (i = 1; i < n; i++)
		if (r[i]->figure->source != r[0]->figure->source)
			return "guides";
	return n ? r[0]->figure->source->label : "guides";
}

/* ---- handlers ------------------------------------------------------- */

static void
cmd_help(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct command *cmd;
	int first = 1;

	if (*arg) {
		const char *p = arg;

		if (strncmp(p, c->prefix, strlen(c->prefix)) == 0)
			p += strlen(c->prefix);
		if ((cmd = command_find(p, strcspn(p, " "))) != NULL &&
		    !(cmd->flags & CMD_HIDDEN)) {
			fmt_printf(a, "%s%s%s%s — %s", c->prefix, cmd->name,
			    *cmd->usage ? " " : "", cmd->usage, cmd->help);
			if (cmd->alias)
				fmt_printf(a, " (also %s%s)", c->prefix,
				    cmd->alias);
			return;
		}
		fmt_text(a, "No command ");
		fmt_echo(a, arg);
		fmt_text(a, ". ");
	}
	fmt_text(a, "I answer from two guides to the highest-paying tech "
	    "jobs: ");
	for (cmd = commands; cmd->name; cmd++) {
		if (cmd->flags & CMD_HIDDEN)
			continue;
		fmt_printf(a, "%s%s%s%s", first ? "" : ", ", c->prefix,
		    cmd->name, *cmd->usage ? " " : "");
		fmt_text(a, cmd->usage);
		first = 0;
	}
	fmt_printf(a, " — or ask: \"%s: how much does an SRE make?\" "
	    "(%shelp COMMAND for details)", c->nick, c->prefix);
}

static void cmd_currency(struct cmd_ctx *, const char *, struct answer *);

static void
cmd_salary(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;
	const char *cur;
	int i;

	if ((cur = question_currency(arg)) != NULL) {
		cmd_currency(c, cur, a);
		return;
	}
	if ((r = need_role(c, arg, a, "salary")) == NULL)
		return;
	fmt_strong(a, r->title);
	fmt_text(a, ": ");
	pay_phrase(a, r);
	end_sentence(a);
	fmt_text(a, "Skills: ");
	skill_names(a, c->kb, r, 5);
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

static void
cmd_skills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r = need_role(c, arg, a, "skills");
	const struct kb_role_source *s;
	int i, j, first = 1;

	if (r == NULL)
		return;
	fmt_strong(a, r->title);
	fmt_text(a, " skills");
	/* newest guide first */
	for (s = r->primary, i = -1; i < r->nsrc; i++) {
		if (i >= 0) {
			s = &r->src[i];
			if (s == r->primary)
				continue;
		}
		fmt_printf(a, first ? " (%s): " : ". The %s: ",
		    s->source->label);
		for (j = 0; j < s->nskills; j++) {
			if (j)
				fmt_text(a, "; ");
			fmt_item(a, s->skills[j].text);
		}
		first = 0;
	}
	fmt_text(a, ".");
}

static void
cmd_role(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r = need_role(c, arg, a, "role");
	const struct kb_role_source *s;
	int i;

	if (r == NULL)
		return;
	fmt_strong(a, r->title);
	fmt_printf(a, " (%s): %s", r->primary->source->label,
	    r->primary->summary);
	if (r->primary->nresp > 0) {
		fmt_text(a, " What they do: ");
		fmt_items(a, r->primary->resp, r->primary->nresp);
		fmt_text(a, ".");
	}
	for (i = 0; i < r->nsrc; i++) {
		s = &r->src[i];
		if (s == r->primary)
			continue;
		fmt_printf(a, " The %s", s->source->label);
		if (strcmp(s->title, r->title) != 0)
			fmt_printf(a, " (as %s)", s->title);
		fmt_printf(a, ": %s", s->summary);
	}
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
compare_row(struct answer *a, const struct kb_role *r)
{
	fmt_row_begin(a, " vs ");
	fmt_cell_begin(a);
	fmt_strong(a, r->title);
	fmt_text(a, ":");
	fmt_cell_end(a);
	fmt_cell_begin(a);
	if (r->figure) {
		const struct kb_pay *p = &r->figure->pay;

		fmt_range(a, p->min, p->max, p->open_ended);
	} else
		fmt_text(a, "no figure");
	fmt_cell_end(a);
	fmt_cell_begin(a);
	fmt_text(a, "(");
	if (r->figure)
		source_note(a, r, r->figure);
	else {
		int i;

		for (i = 0; i < r->nsrc && !r->src[i].pay.words; i++)
			;
		if (i < r->nsrc)
			fmt_printf(a, "%s: \"%s\"", r->src[i].source->label,
			    r->src[i].pay.words);
	}
	fmt_text(a, ")");
	fmt_cell_end(a);
	fmt_row_end(a);
}

static void
cmd_compare(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	static const char *const hdr[] = { "Role", "Salary", "Source" };
	struct role_hit h[2];
	char *side[2] = { NULL, NULL };
	int i, bad = 0;

	if (!split_pair(arg, &side[0], &side[1]) || !*side[0] || !*side[1]) {
		fmt_printf(a, "Usage: %scompare ROLE vs ROLE (e.g. %scompare "
		    "sre vs devops).", c->prefix, c->prefix);
		goto out;
	}
	for (i = 0; i < 2; i++) {
		index_find_role(c->ix, side[i], &h[i]);
		if (h[i].role == NULL) {
			fmt_text(a, bad++ ? " " : "");
			if (h[i].ambiguous) {
				fmt_echo(a, side[i]);
				fmt_text(a, " matches several roles: ");
				list_names(a, h[i].alts, h[i].nalts, " or ");
				fmt_text(a, ".");
			} else {
				not_covered(c, a, side[i], &h[i]);
			}
		}
	}
	if (bad == 2)
		goto out;
	if (bad == 1) {
		const struct kb_role *r = h[0].role ? h[0].role : h[1].role;

		if (r == NULL)
			goto out;
		fmt_text(a, " ");
		fmt_strong(a, r->title);
		fmt_text(a, ": ");
		pay_phrase(a, r);
		fmt_text(a, ".");
		goto out;
	}
	if (h[0].role == h[1].role) {
		fmt_text(a, "Both name ");
		fmt_strong(a, h[0].role->title);
		fmt_text(a, ": ");
		pay_phrase(a, h[0].role);
		fmt_text(a, ".");
		goto out;
	}
	fmt_table_begin(a, hdr, 3);
	compare_row(a, h[0].role);
	compare_row(a, h[1].role);
	fmt_table_end(a);
	fmt_text(a, ".");
	if (h[0].role->figure && h[1].role->figure) {
		long m0 = measure_x2(h[0].role, MEASURE_MID);
		long m1 = measure_x2(h[1].role, MEASURE_MID);

		fmt_text(a, " Midpoints ");
		fmt_money_x2(a, m0);
		fmt_text(a, " vs ");
		fmt_money_x2(a, m1);
		if (m0 == m1)
			fmt_text(a, ": a tie.");
		else {
			fmt_text(a, ": ");
			fmt_text(a, (m0 > m1 ? h[0] : h[1]).role->title);
			fmt_text(a, " is higher by ");
			fmt_money_x2(a, m0 > m1 ? m0 - m1 : m1 - m0);
			fmt_text(a, ".");
		}
	}
out:
	free(side[0]);
	free(side[1]);
}

/* Ranked list with ties kept: "1= A $x; 1= B $x; 3. C $y". */
static void
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

/* Roles without a figure, named so rankings are not mistaken as complete. */
static void
unranked_note(struct cmd_ctx *c, struct answer *a)
{
	int i, n = 0;

	for (i = 0; i < c->kb->nroles; i++)
		if (c->kb->roles[i].figure == NULL) {
			fmt_text(a, n++ ? ", " : " Not ranked (no figure in "
			    "the guides): ");
			fmt_text(a, c->kb->roles[i].title);
		}
	if (n)
		fmt_text(a, ".");
}

static void
cmd_top(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r[TOP_MAX + 32];
	char *copy = text_norm(arg, strlen(arg)), *w[8];
	enum measure m = MEASURE_MID, mm;
	int nw = text_words(copy, w, 8), i, n, want = TOP_DEFAULT, asc = 0, ok;

	for (i = 0; i < nw; i++) {
		if (isdigit((unsigned char)w[i][0])) {
			want = atoi(w[i]);
			if (want < 1)
				want = 1;
			if (want > TOP_MAX)
				want = TOP_MAX;
		} else if (strcmp(w[i], "lowest") == 0 ||
		    strcmp(w[i], "least") == 0)
			asc = 1;
		else if ((mm = parse_measure(w[i], &ok)), ok)
			m = mm;
	}
	free(copy);
	n = index_rank(c->ix, m, asc, 0, r, TOP_MAX + 32);
	/* keep every role tied with the last one shown */
	for (i = want; i < n; i++)
		if (measure_x2(r[i], m) != measure_x2(r[want - 1], m))
			break;
	if (n > want)
		n = i;
	if (n == 0) {
		fmt_text(a, "The guides give no salary figures to rank.");
		return;
	}
	fmt_printf(a, "%s %d by %s (%s): ", asc ? "Lowest" : "Top", n,
	    measure_name(m), figure_label(r, n));
	ranked(a, r, n, m);
	fmt_text(a, ".");
	unranked_note(c, a);
}

static void
bound_list(struct cmd_ctx *c, const char *arg, struct answer *a, int below)
{
	const struct kb_role *r[LIST_MAX];
	char *copy = text_norm(arg, strlen(arg)), *w[8];
	long amount = parse_amount(arg);
	enum measure m = below ? MEASURE_MIN : MEASURE_MAX, mm;
	int nw = text_words(copy, w, 8), i, n, ok;

	for (i = 0; i < nw; i++)
		if ((mm = parse_measure(w[i], &ok)), ok)
			m = mm;
	free(copy);
	if (amount <= 0) {
		fmt_printf(a, "Usage: %s%s AMOUNT [by min|max|mid] (e.g. "
		    "%s%s $200k).", c->prefix, below ? "below" : "above",
		    c->prefix, below ? "below" : "above");
		return;
	}
	n = index_rank(c->ix, m, below, amount, r, LIST_MAX);
	fmt_printf(a, "Roles whose %s is %s ", measure_name(m),
	    below ? "below" : "above");
	fmt_money(a, amount);
	if (n == 0) {
		fmt_text(a, ": none in the guides.");
		return;
	}
	fmt_printf(a, " (%s): ", figure_label(r, n));
	ranked(a, r, n, m);
	fmt_text(a, ".");
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
	list_names(a, lo, i, " and ");
	fmt_text(a, ") to ");
	fmt_money(a, hi[0]->figure->pay.max);
	if (hi[0]->figure->pay.open_ended)
		fmt_text(a, "+");
	fmt_text(a, " (top for ");
	list_names(a, hi, j, " and ");
	fmt_printf(a, "), across %d roles with figures.", nlo);
}

static void
cmd_whoneeds(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r[LIST_MAX];
	int sk[8], nsk, n, i, j, k, m, found;

	if (*arg == '\0') {
		fmt_printf(a, "Usage: %swhoneeds SKILL (e.g. %swhoneeds "
		    "kubernetes).", c->prefix, c->prefix);
		return;
	}
	nsk = index_find_skills(c->ix, arg, sk, 8);
	n = nsk ? index_roles_with_skills(c->ix, sk, nsk, r, LIST_MAX) : 0;
	if (n == 0) {
		fmt_text(a, "No role in the guides lists ");
		fmt_echo(a, arg);
		fmt_printf(a, " as a skill (%shelp whoneeds).", c->prefix);
		return;
	}
	fmt_strong(a, nsk == 1 ? c->kb->skills[sk[0]].name : arg);
	fmt_printf(a, " is listed for %d role%s: ", n, n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		const struct kb_role_source *s;

		fmt_text(a, i ? "; " : "");
		fmt_text(a, r[i]->title);
		/* quote the guide's words, newest guide first */
		found = 0;
		for (k = -1; k < r[i]->nsrc && !found; k++) {
			s = k < 0 ? r[i]->primary : &r[i]->src[k];
			if (k >= 0 && s == r[i]->primary)
				continue;
			for (j = 0; j < s->nskills && !found; j++)
				for (m = 0; m < s->skills[j].nrefs; m++) {
					int id = s->skills[j].refs[m], q;

					for (q = 0; q < nsk && sk[q] != id; q++)
						;
					if (q == nsk)
						continue;
					fmt_text(a, " (\"");
					fmt_item(a, s->skills[j].text);
					fmt_printf(a, "\", %s)",
					    s->source->label);
					found = 1;
					break;
				}
		}
	}
	fmt_text(a, ".");
}

static void
cmd_roles(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb *kb = c->kb;
	int cat = -1, i, j, n;

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
	if (cat < 0)
		fmt_printf(a, "%d roles from the two guides — ", kb->nroles);
	for (i = 0; i < kb->ncategories; i++) {
		if (cat >= 0 && i != cat)
			continue;
		for (n = 0, j = 0; j < kb->nroles; j++)
			n += kb->roles[j].category == i;
		if (n == 0)
			continue;
		fmt_printf(a, "%s", cat < 0 && i > 0 ? "; " : "");
		fmt_strong(a, kb->categories[i].name);
		fmt_printf(a, cat >= 0 ? " (%d): " : ": ", n);
		for (n = 0, j = 0; j < kb->nroles; j++)
			if (kb->roles[j].category == i)
				fmt_printf(a, "%s%s", n++ ? ", " : "",
				    kb->roles[j].title);
	}
	fmt_text(a, ".");
}

/* TOPIC_NAMED: "Name — text; ..."; TOPIC_LIST: "text; text";
 * TOPIC_PROSE: the sentences as written. */
enum { TOPIC_NAMED, TOPIC_LIST, TOPIC_PROSE };

static void
topic(struct cmd_ctx *c, struct answer *a, const char *kind,
    const char *lead, int style)
{
	const struct kb_topic *t;
	int nth, i;

	for (nth = 0; (t = kb_topic_by_kind(c->kb, kind, nth)) != NULL;
	    nth++) {
		fmt_text(a, nth ? " " : "");
		fmt_strong(a, lead ? lead : t->title);
		fmt_printf(a, " (%s): ", t->source->label);
		for (i = 0; i < t->nitems; i++) {
			if (style != TOPIC_PROSE) {
				fmt_text(a, i ? "; " : "");
				if (style == TOPIC_NAMED) {
					fmt_text(a, t->items[i].name);
					fmt_text(a, " — ");
				}
				fmt_item(a, t->items[i].text);
			} else {
				fmt_text(a, i ? " " : "");
				fmt_text(a, t->items[i].text);
			}
		}
		if (style != TOPIC_PROSE)
			fmt_text(a, ".");
	}
	if (nth == 0)
		fmt_text(a, "The guides loaded have nothing on that.");
}

static void
cmd_tips(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "negotiation", "What to negotiate beyond base salary",
	    TOPIC_NAMED);
}

static void
cmd_metaskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "meta-skills", "Meta skills that raise pay across roles",
	    TOPIC_LIST);
}

static void
cmd_keyskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "market-skills", "Key skills to increase your market "
	    "value", TOPIC_NAMED);
}

static void
cmd_conclusions(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	topic(c, a, "conclusion", NULL, TOPIC_PROSE);
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

void
hl_format(const struct kb *kb, const struct kb_role *r, struct answer *a,
    int brief)
{
	int i;

	fmt_text(a, "Role of the day: ");
	fmt_strong(a, r->title);
	fmt_text(a, " — ");
	if (brief && r->figure == NULL) {
		/* the same quote, with a shorter lead-in */
		for (i = 0; i < r->nsrc && !r->src[i].pay.words; i++)
			;
		if (i < r->nsrc)
			fmt_printf(a, "pay, in the %s's words: \"%s\"",
			    r->src[i].source->label, r->src[i].pay.words);
		else
			pay_phrase(a, r);
	} else
		pay_phrase(a, r);
	end_sentence(a);
	fmt_text(a, "Key skills: ");
	skill_names(a, kb, r, brief ? 2 : 3);
	fmt_printf(a, ". %s", r->primary->summary);
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
	if (on)
		fmt_printf(a, "Daily highlight here: on, at %s %s.",
		    clock_text(secs, hhmm, sizeof(hhmm)), zone);
	else
		fmt_text(a, "Daily highlight here: off.");
}

/*
 * Owner commands (CMD_OWNER: the router has refused everyone else): the
 * handler answers; the adapter carries out a->action (it knows how to join
 * a channel or a room).
 */
static void
set_action(struct answer *a, const char *what, const char *arg)
{
	snprintf(a->action, sizeof(a->action), "%s", what);
	snprintf(a->action_arg, sizeof(a->action_arg), "%s", arg);
}

static void
cmd_reload(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)c;
	(void)arg;
	set_action(a, "reload", "");
	fmt_text(a, "Reloading the config and the knowledge.");
}

static void
cmd_join(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char where[200];

	if (sscanf(arg, "%199s", where) != 1) {
		fmt_printf(a, "Usage: %sjoin CHANNEL-OR-ROOM", c->prefix);
		return;
	}
	set_action(a, "join", where);
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
	set_action(a, "part", where);
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
	set_action(a, "ignore", who);
	fmt_text(a, "Ignoring ");
	fmt_echo(a, who);
	fmt_text(a, " until the next restart.");
}

static void
cmd_more(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	if (c->pending_more == NULL || *c->pending_more == '\0')
		fmt_text(a, "Nothing more to show.");
	else
		fmt_text(a, c->pending_more);
}

/* A natural question in a currency the guides do not use. */
static void
cmd_currency(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	fmt_text(a, "The guides don't cover salaries in ");
	fmt_echo(a, arg);
	fmt_printf(a, ": the 2026 guide gives US dollars only, and I never "
	    "convert or estimate. Try %ssalary ROLE for the dollar figures.",
	    c->prefix);
}

/* A question nothing else placed: a role, a skill, a category, or no. */
static void
cmd_guess(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct role_hit hit;
	int sk[8];

	if (*arg) {
		index_find_role(c->ix, arg, &hit);
		if (hit.role) {
			cmd_salary(c, arg, a);
			return;
		}
		if (index_find_category(c->ix, arg) >= 0) {
			cmd_roles(c, arg, a);
			return;
		}
		if (index_find_skills(c->ix, arg, sk, 8) > 0) {
			cmd_whoneeds(c, arg, a);
			return;
		}
	}
	fmt_printf(a, "That is not covered by the guides. I can answer about %d "
	    "tech roles: salary, skills, what the job is, comparisons, "
	    "rankings, who needs a skill, negotiation tips (%shelp).",
	    c->kb->nroles, c->prefix);
}

const struct command commands[] = {
	{ "help", "commands", "[command]", "what I can answer", cmd_help, 0 },
	{ "salary", "pay", "ROLE", "the salary range the guides give for a role "
	    "(or their words, where they give no figure)", cmd_salary, 0 },
	{ "skills", "skill", "ROLE", "the skills the guides list for a role",
	    cmd_skills, 0 },
	{ "role", "job", "ROLE", "what the job is and what they do", cmd_role,
	    0 },
	{ "compare", "vs", "ROLE vs ROLE", "two roles' salaries side by side",
	    cmd_compare, 0 },
	{ "top", "rank", "[N] [by min|max|mid]", "the best-paid roles by the "
	    "midpoint, bottom or top of their range; ties stay ties", cmd_top,
	    0 },
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
	{ "_currency", NULL, "", "", cmd_currency, CMD_HIDDEN },
	{ "_guess", NULL, "", "", cmd_guess, CMD_HIDDEN },
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

long
parse_amount(const char *s)
{
	const char *p;
	long v;
	int digits;

	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		if (p > s && (isalnum((unsigned char)p[-1])))
			continue;
		v = 0;
		digits = 0;
		while (isdigit((unsigned char)*p) || (*p == ',' &&
		    isdigit((unsigned char)p[1]))) {
			if (*p != ',') {
				if (v > 100000000L)
					return 0;
				v = v * 10 + (*p - '0');
				digits++;
			}
			p++;
		}
		if (*p == 'k' || *p == 'K')
			v *= 1000;
		else if (v < 1000 || (v >= 1900 && v <= 2200 && digits == 4))
			{ if (*p == '\0') break; continue; }	/* years, counts */
		return v > 0 && v <= 100000000L ? v : 0;
	}
	return 0;
}
