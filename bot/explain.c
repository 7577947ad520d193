/*
 * explain.c -- the trace of how a question was read ("!explain" and
 * techpay --explain): the normalised words and what took them, the
 * entities, the intent and aspect scores, then the conversation used and
 * the intent chosen, as "name: value" lines.
 */
#include "explain.h"
#include "intent.h"

static const char *
used_name(unsigned char u)
{
	switch (u) {
	case USED_ROLE: return "role";
	case USED_SKILL: return "skill";
	case USED_CATEGORY: return "category";
	case USED_OTHER: return "other";
	case USED_CUE: return "cue";
	default: return NULL;
	}
}

/* What the parser saw: the words and what took them, the entities. */
void
explain_parse(struct buf *t, const struct kb *kb, const struct intent *q)
{
	const struct entities *e = &q->e;
	int i, j;

	buf_puts(t, "normalised:");
	for (i = 0; i < q->nwords; i++)
		buf_printf(t, " %s", q->words[i]);
	buf_puts(t, "\nspans:");
	for (i = 0; i < q->nwords; i = j) {
		for (j = i + 1; j < q->nwords && q->used[j] == q->used[i] &&
		    q->used[i] != USED_CUE && q->used[i] != USED_NOT; j++)
			;
		if (used_name(q->used[i]) == NULL)
			continue;
		buf_printf(t, " %s[%d-%d]=\"", used_name(q->used[i]), i,
		    j - 1);
		for (int k = i; k < j; k++)
			buf_printf(t, "%s%s", k > i ? " " : "", q->words[k]);
		buf_puts(t, "\"");
	}
	buf_puts(t, "\nentities:");
	for (i = 0; i < e->nroles; i++)
		buf_printf(t, " role=%s", e->roles[i]->title);
	for (i = 0; i < e->nskills; i++)
		buf_printf(t, " skill=%s", kb->skills[e->skills[i]].name);
	if (e->category >= 0)
		buf_printf(t, " category=%s", kb->categories[e->category].name);
	for (i = 0; i < e->nxroles; i++)
		buf_printf(t, " left-out=%s", e->xroles[i]->title);
	if (e->xcategory >= 0)
		buf_printf(t, " left-out=%s",
		    kb->categories[e->xcategory].name);
	for (i = 0; i < e->nunknown; i++)
		buf_printf(t, " not-covered=\"%s\"", e->unknown[i]);
	if (e->amount)
		buf_printf(t, " amount=%ld", e->amount);
	if (e->amount2)
		buf_printf(t, " amount2=%ld", e->amount2);
	if (e->cmp)
		buf_printf(t, " comparator=%d", (int)e->cmp);
	if (e->count)
		buf_printf(t, " count=%d", e->count);
	if (e->mods)
		buf_printf(t, " modifier=\"%s\"", e->mod_word);
	if (e->guide)
		buf_printf(t, " guide=%s", e->guide == 2 ? "dated" :
		    e->guide == 4 ? "both" : e->guide == 3 ? "other" :
		    "undated");
	if (e->guide_only)
		buf_printf(t, " only-in=%s", e->guide_only == 2 ? "dated" :
		    "undated");
	if (e->refers)
		buf_puts(t, " refers-back");
	if (e->corrected)
		buf_puts(t, " corrected");
	buf_puts(t, "\nintent scores:");
	for (i = 0; i < 3 && q->top[i].p > 0; i++)
		buf_printf(t, " %s=%.2f", intent_name(q->top[i].kind),
		    q->top[i].p);
	buf_printf(t, "\nintent: %s", intent_name(q->kind));
	if (q->aspect)
		buf_printf(t, "\naspect: %s=%.2f", q->aspect, q->aspect_p);
	for (i = 0; i < 4 && q->aspects[i].name; i++)
		buf_printf(t, "%s%s=%.2f", i ? " " : "\naspect scores: ",
		    q->aspects[i].name, q->aspects[i].p);
	buf_putc(t, '\n');
}

void
explain_state(struct buf *t, const struct said *last, const struct intent *q)
{
	int i;

	buf_puts(t, "conversation:");
	if (last == NULL)
		buf_puts(t, " none");
	else {
		buf_printf(t, " last=%s", intent_name(last->kind));
		for (i = 0; i < last->nroles; i++)
			buf_printf(t, " role=%s", last->roles[i]->title);
	}
	buf_printf(t, "\nchosen: %s", intent_name(q->kind));
	for (i = 0; i < q->e.nroles; i++)
		buf_printf(t, " role=%s", q->e.roles[i]->title);
	buf_putc(t, '\n');
}
