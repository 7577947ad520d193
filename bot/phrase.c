/*
 * phrase.c -- the pieces answers are made of (see phrase.h).
 *
 * Only the guides' own words and figures: a range is printed as the
 * guide gives it, words are quoted, and the modifier clause names what
 * is missing instead of computing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "phrase.h"
#include "question.h"

void
phrase_roles(struct answer *a, const struct kb_role *const *r, int n,
    const char *last_sep)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			fmt_text(a, i == n - 1 ? last_sep : ", ");
		fmt_text(a, r[i]->title);
	}
}

void
phrase_source(struct answer *a, const struct kb_role *r,
    const struct kb_role_source *s)
{
	fmt_text(a, s->source->label);
	if (strcmp(s->title, r->title) != 0) {
		fmt_text(a, ", as ");
		fmt_text(a, s->title);
	}
}

void
phrase_pay(struct answer *a, const struct kb_role *r)
{
	int i;

	if (r->figure) {
		const struct kb_pay *p = &r->figure->pay;

		fmt_range(a, p->min, p->max, p->open_ended);
		fmt_text(a, " (");
		phrase_source(a, r, r->figure);
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

void
phrase_skill_names(struct answer *a, const struct kb *kb,
    const struct kb_role *r, int max)
{
	const struct kb_role_source *s = r->primary;
	int seen[64], nseen = 0, i, j, k, dup;

	for (i = 0; i < s->nskills && nseen < max && nseen < 64; i++)
		for (j = 0; j < s->skills[i].nrefs && nseen < max &&
		    nseen < 64; j++) {
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

void
phrase_end_sentence(struct answer *a)
{
	size_t n = a->text.len;

	if (n >= 2 && a->text.s[n - 1] == '"' && strchr(".!?",
	    a->text.s[n - 2]))
		fmt_text(a, " ");
	else
		fmt_text(a, ". ");
}

void
phrase_item(struct answer *a, const char *s)
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

void
phrase_items(struct answer *a, const char *const *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			fmt_text(a, "; ");
		phrase_item(a, v[i]);
	}
}

void
phrase_reading(struct answer *a, const char *typed, const struct kb_role *r)
{
	fmt_text(a, "(taking ");
	fmt_echo(a, typed);
	fmt_text(a, " as ");
	fmt_text(a, r->title);
	fmt_text(a, ") ");
}

void
phrase_readings(struct answer *a, const struct entities *e)
{
	int i;

	for (i = 0; i < e->nread; i++)
		phrase_reading(a, e->read[i].typed, e->read[i].role);
}

void
phrase_not_covered(struct answer *a, const char *what,
    const struct role_hit *hit, int nroles, const char *prefix)
{
	fmt_echo(a, what);
	fmt_text(a, " isn't covered by the guides");
	if (hit && hit->ambiguous && hit->nalts > 0) {
		/* two readings as close: asked, not guessed */
		fmt_text(a, " (did you mean ");
		phrase_roles(a, hit->alts, hit->nalts, " or ");
		fmt_text(a, "?)");
	} else if (hit && hit->nalts > 0) {
		/* a look-alike is another job: never its figures */
		fmt_text(a, hit->nalts > 1 ? "; the closest covered roles, "
		    "which are different jobs: " : "; the closest covered "
		    "role, which is a different job: ");
		phrase_roles(a, hit->alts, hit->nalts, " and ");
	} else
		fmt_printf(a, ": they cover %d tech roles (%sroles lists them)",
		    nroles, prefix);
	fmt_text(a, ".");
}

/* What each modifier asks for that the guides do not give. */
static const struct { unsigned m; const char *missing; } mod_phrases[] = {
	{ MOD_CURRENCY, "other currencies (I never convert)" },
	{ MOD_PLACE, "cities, countries or regions" },
	{ MOD_LEVEL, "levels such as entry or senior" },
	{ MOD_PERIOD, "hourly or monthly pay" },
	{ MOD_STAT, "medians or percentiles" },
	{ MOD_TAX, "after-tax pay" },
	{ MOD_YEAR, "other years" },
	{ MOD_EMPLOYER, "single employers" },
};

void
phrase_modifiers(struct answer *a, unsigned mods, const char *word)
{
	size_t i, n = 0, total = 0;

	if (mods == 0)
		return;
	for (i = 0; i < sizeof(mod_phrases) / sizeof(mod_phrases[0]); i++)
		total += (mods & mod_phrases[i].m) != 0;
	fmt_text(a, " The guides have nothing for ");
	if (word && *word) {
		/* a word of the modifier table (or a currency sign), not
		 * the asker's free text: said as it is, not as an echo */
		fmt_printf(a, "\"%s\": ", word);
	}
	fmt_text(a, "the 2026 guide gives US-dollar averages only, with no "
	    "figures for ");
	for (i = 0; i < sizeof(mod_phrases) / sizeof(mod_phrases[0]); i++)
		if (mods & mod_phrases[i].m) {
			if (n > 0)
				fmt_text(a, n == total - 1 ? " or " : ", ");
			fmt_text(a, mod_phrases[i].missing);
			n++;
		}
	fmt_text(a, ", and I don't estimate.");
}

void
hl_format(const struct kb *kb, const struct kb_role *r, struct answer *a)
{
	fmt_text(a, "Role of the day: ");
	fmt_strong(a, r->title);
	fmt_text(a, " — ");
	phrase_pay(a, r);
	phrase_end_sentence(a);
	fmt_text(a, "Key skills: ");
	phrase_skill_names(a, kb, r, 3);
	fmt_printf(a, ". %s", r->primary->summary);
}
