/*
 * cmd_guide.c -- the handlers of the commands that ask the guides:
 * salary, skills, role, compare, top, above, below, range, whoneeds,
 * match, roles, the topics, sources and more.
 *
 * A handler reads its argument text (the table has already refused too
 * few words: cmd.c) into roles, skills, an amount or options, and calls
 * the say_* function that answers the natural question of that kind
 * (say.h), so the two never drift apart.  An argument it cannot read is
 * answered with the row's usage (command_usage).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "phrase.h"
#include "say.h"
#include "text.h"

/* Resolves a role or writes why not; NULL in the latter case. */
static const struct kb_role *
need_role(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct role_hit hit;

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
	say_not_covered(c, a, arg, &hit);
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

void
cmd_salary(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a)) != NULL)
		say_salary(c, r, 0, a);
}

void
cmd_skills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a)) != NULL)
		say_skills(c, r, a);
}

void
cmd_role(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct kb_role *r;

	if ((r = need_role(c, arg, a)) != NULL)
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

/* "A vs B" read side by side: both compared, or why not, with the pay
 * of the one side the guides have. */
static void
compare_sides(struct cmd_ctx *c, char *const side[2], struct answer *a)
{
	struct role_hit h[2];
	const struct kb_role *found = NULL;
	int i, bad = 0;

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
			say_not_covered(c, a, side[i], &h[i]);
	}
	if (bad == 0)
		say_compare(c, h[0].role, h[1].role, a);
	else if (found) {	/* the one side the guides have */
		fmt_text(a, " ");
		say_salary(c, found, 1, a);
	}
}

void
cmd_compare(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct intent q;
	char *side[2] = { NULL, NULL };

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
	if (!split_pair(arg, &side[0], &side[1]) || !*side[0] || !*side[1])
		command_usage(c, a);
	else
		compare_sides(c, side, a);
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

void
cmd_top(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	enum measure m = MEASURE_MID;
	int want = TOP_DEFAULT, asc = 0;

	rank_args(arg, &want, &asc, &m);
	say_top(c, want, asc, m, -1, NULL, 1, a);
}

static void
bound_list(struct cmd_ctx *c, const char *arg, struct answer *a, int below)
{
	enum measure m = below ? MEASURE_MIN : MEASURE_MAX;
	long amount = parse_amount(arg);
	int want = 0, asc = 0;

	rank_args(arg, &want, &asc, &m);
	if (amount <= 0) {
		command_usage(c, a);
		return;
	}
	say_bound(c, amount, below, m, a);
}

void
cmd_above(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	bound_list(c, arg, a, 0);
}

void
cmd_below(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	bound_list(c, arg, a, 1);
}

void
cmd_range(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_range(c, a);
}

void
cmd_whoneeds(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	int sk[8], nsk;

	nsk = index_find_skills(c->ix, arg, sk, 8);
	say_whoneeds(c, sk, nsk, arg, a);
}

void
cmd_match(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	struct intent q;
	char *unk[8];
	int nunk;

	question_parse(c->ix, arg, strlen(arg), &q);
	nunk = unknown_words(&q, unk, 8);
	say_match(c, q.e.skills, q.e.nskills, unk, nunk, a);
	question_free(&q);
}

void
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

void
cmd_tips(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_topic(c, a, "negotiation", NULL, TOPIC_NAMED, 0);
}

void
cmd_metaskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_topic(c, a, "meta-skills", "Meta skills that raise pay across "
	    "roles", TOPIC_LIST, 0);
}

void
cmd_keyskills(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_topic(c, a, "market-skills", "Key skills to increase your market "
	    "value", TOPIC_NAMED, 0);
}

void
cmd_conclusions(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_topic(c, a, "conclusion", NULL, TOPIC_PROSE, 0);
}

void
cmd_sources(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	say_sources(c, a);
}

/* The rest of the conversation's last answer (free: the row says so;
 * the limit counts questions, not pages). */
void
cmd_more(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)arg;
	if (c->pending_more == NULL || *c->pending_more == '\0') {
		fmt_text(a, "Nothing more to show.");
		c->nothing_more = 1;	/* said once (router.c) */
	} else
		fmt_text(a, c->pending_more);
}
