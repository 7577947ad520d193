/*
 * intent.c -- features of a parsed question, and a compiled-in logistic
 * regression over them.
 *
 * A word the entities took becomes its kind ("<role>", "<skill>",
 * "<cat>"), a number "<num>", so the model learns "how much do <role>
 * make" once for every role.  Features: each such token, each bigram
 * (with the message's start and end), character trigrams of the words
 * left as typed (typos keep most of theirs), what the entities found
 * (how many roles, a skill, an amount...) and the intents the cue table
 * matched, as Snips NLU feeds its gazetteers to its classifier.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"

#define INTENT_SURE	0.5	/* below this the model is unsure */

/* The token a word stands for in features. */
static const char *
token(const struct intent *q, int i)
{
	const char *w = q->words[i];

	switch (q->used[i]) {
	case USED_ROLE:
		return "<role>";
	case USED_SKILL:
		return "<skill>";
	case USED_CATEGORY:
		return "<cat>";
	default:
		break;
	}
	if (isdigit((unsigned char)w[0]) || (w[0] == '$' && w[1]))
		return "<num>";
	return w;
}

/* Consecutive words of one entity count once ("site reliability
 * engineer" is one "<role>"): cur follows prev. */
static int
same_entity(unsigned char prev, unsigned char cur)
{
	return cur == prev && (cur == USED_ROLE || cur == USED_SKILL ||
	    cur == USED_CATEGORY);
}

static void
emit(void (*fn)(const char *, void *), void *arg, const char *kind,
    const char *a, const char *b)
{
	char f[INTENT_FEAT_MAX];

	if (b)
		snprintf(f, sizeof(f), "%s:%s_%s", kind, a, b);
	else
		snprintf(f, sizeof(f), "%s:%s", kind, a);
	fn(f, arg);
}

void
intent_features(const struct intent *q, void (*fn)(const char *, void *),
    void *arg)
{
	const struct entities *e = &q->e;
	const char *prev = "^", *t;
	char tri[4];
	int i, k, named = e->nroles + e->nunknown;
	size_t n;

	for (i = 0; i < q->nwords; i++) {
		if (i > 0 && same_entity(q->used[i - 1], q->used[i]))
			continue;
		t = token(q, i);
		emit(fn, arg, "w", t, NULL);
		emit(fn, arg, "b", prev, t);
		prev = t;
		if (t != q->words[i] || (n = strlen(t)) < 4)
			continue;
		/* "#sal", "sal", ..., "ry#": the word's edges count */
		for (k = -1; k + 3 <= (int)n + 1; k++) {
			tri[0] = k < 0 ? '#' : t[k];
			tri[1] = t[k + 1];
			tri[2] = k + 2 < (int)n ? t[k + 2] : '#';
			tri[3] = '\0';
			emit(fn, arg, "c", tri, NULL);
		}
	}
	emit(fn, arg, "b", prev, "$");
	emit(fn, arg, "e", named == 0 ? "r0" : named == 1 ? "r1" :
	    named == 2 ? "r2" : "r3", NULL);
	if (e->nunknown)
		emit(fn, arg, "e", "unknown", NULL);
	if (e->nskills)
		emit(fn, arg, "e", e->nskills > 1 ? "skills" : "skill", NULL);
	if (e->category >= 0)
		emit(fn, arg, "e", "cat", NULL);
	if (e->amount > 0)
		emit(fn, arg, "e", "amount", NULL);
	/* what a linear model cannot make of two features alone */
	if (named && e->amount > 0)
		emit(fn, arg, "e", "role+amount", NULL);
	if (e->cmp != CMP_NONE)
		emit(fn, arg, "e", named ? "role+cmp" : "cmp", NULL);
	if (named && e->nskills)
		emit(fn, arg, "e", "role+skill", NULL);
	if (e->mods)
		emit(fn, arg, "e", "mod", NULL);
	if (e->guide)
		emit(fn, arg, "e", "guide", NULL);
	if (e->refers)
		emit(fn, arg, "e", "refers", NULL);
	emit(fn, arg, "e", q->nwords <= 1 ? "n1" : q->nwords <= 3 ? "n3" :
	    q->nwords <= 8 ? "n8" : "nlong", NULL);
	for (k = 1; k < I_COUNT; k++)
		if (q->cues & (1ULL << k))
			emit(fn, arg, "k", intent_name((enum intent_kind)k),
			    NULL);
}

struct scoring {
	const struct intent_model *m;
	double		*z;
};

static int
cmp_feat(const void *key, const void *elt)
{
	return strcmp((const char *)key, *(const char *const *)elt);
}

static void
add_feat(const char *f, void *arg)
{
	struct scoring *s = arg;
	const char *const *hit;
	int i, k;

	hit = bsearch(f, s->m->feats, (size_t)s->m->nfeat, sizeof(char *),
	    cmp_feat);
	if (hit == NULL)
		return;
	i = (int)(hit - s->m->feats);
	for (k = s->m->off[i]; k < s->m->off[i + 1]; k++)
		s->z[s->m->cls[k]] += s->m->w[k];
}

int
intent_score(const struct intent_model *m, const struct intent *q,
    double *p)
{
	struct scoring s = { m, p };
	double sum = 0;
	int k, best = 0;

	for (k = 0; k < m->nclass; k++)
		p[k] = m->bias[k];
	intent_features(q, add_feat, &s);
	for (k = 0; k < m->nclass; k++) {
		p[k] = 1.0 / (1.0 + exp(-p[k]));
		sum += p[k];
	}
	for (k = 0; k < m->nclass; k++) {
		p[k] = sum > 0 ? p[k] / sum : 0;
		if (p[k] > p[best])
			best = k;
	}
	return best;
}

/* The message has what kind k cannot do without. */
static int
feasible(enum intent_kind k, const struct intent *q)
{
	switch (k) {
	case I_POSITION:
	case I_AMOUNT:
	case I_BETWEEN:
		return q->e.amount > 0;
	case I_COMPARE:
		/* one role against an amount is an amount question */
		return q->e.amount == 0 || q->e.nroles + q->e.nunknown >= 2;
	default:
		return 1;
	}
}

/* order[0..n) = the classes, most probable first (a few dozen:
 * insertion sort). */
static void
sort_classes(const double *p, int *order, int n)
{
	int i, j, k;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && p[order[j]] > p[order[j - 1]]; j--) {
			k = order[j];
			order[j] = order[j - 1];
			order[j - 1] = k;
		}
}

void
intent_choose(const struct intent_model *im, const struct intent_model *am,
    struct intent *q)
{
	double p[INTENT_CLASSES_MAX];
	int order[INTENT_CLASSES_MAX], i, j, n;
	enum intent_kind kind;

	if (im == NULL || im->nclass == 0)
		return;
	intent_score(im, q, p);
	n = im->nclass;
	sort_classes(p, order, n);
	for (i = 0, j = 0; i < n && j < 3; i++) {
		kind = intent_kind_of(im->labels[order[i]]);
		if (kind == I_COUNT || !feasible(kind, q))
			continue;
		q->top[j].kind = kind;
		q->top[j++].p = (float)p[order[i]];
	}
	if (j == 0)
		return;
	q->kind = q->top[0].kind;
	/* the deterministic layer: the guides' own names ("meta skills",
	 * "role of the day") decide; a phrase that cannot mean anything
	 * else decides when the model is unsure and ranks it among its
	 * best */
	if (q->strong_weight >= CUE_EXACT)
		q->kind = q->strong;
	else if (q->strong_weight >= CUE_SURE && q->top[0].p < INTENT_SURE)
		for (i = 1; i < j; i++)
			if (q->top[i].kind == q->strong)
				q->kind = q->strong;
	if (am && am->nclass > 0) {
		/* every question gets its aspects: a follow-up may turn it
		 * into a prose question ("and why is that") */
		intent_score(am, q, p);
		sort_classes(p, order, am->nclass);
		for (i = 0; i < am->nclass && i < 4; i++) {
			q->aspects[i].name = am->labels[order[i]];
			q->aspects[i].p = (float)p[order[i]];
		}
		if (q->kind == I_PASSAGE) {
			q->aspect = q->aspects[0].name;
			q->aspect_p = q->aspects[0].p;
		}
	}
}

int
intent_heldout(const char *id)
{
	unsigned h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % 5 == 0;
}
