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
 * matched, as Snips NLU feeds its gazetteers to its classifier; and the
 * stem of every word as typed, names included, for the sentence model.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "intent.h"
#include "text.h"

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

/* Appends s to f[*n], cut at INTENT_FEAT_MAX (a feature that long is
 * one no model knows). */
static void
put(char *f, size_t *n, const char *s)
{
	size_t k = strlen(s);

	if (k > INTENT_FEAT_MAX - 1 - *n)
		k = INTENT_FEAT_MAX - 1 - *n;
	memcpy(f + *n, s, k);
	*n += k;
	f[*n] = '\0';
}

/* "kind:a" or "kind:a_b", to fn; built by hand: it runs a hundred times
 * a message. */
static void
emit(void (*fn)(const char *, void *), void *arg, const char *kind,
    const char *a, const char *b)
{
	char f[INTENT_FEAT_MAX];
	size_t n = 0;

	put(f, &n, kind);
	put(f, &n, ":");
	put(f, &n, a);
	if (b) {
		put(f, &n, "_");
		put(f, &n, b);
	}
	fn(f, arg);
}

int
intent_stem(const char *word, char *out, size_t sz)
{
	/* made once, kept for the process: Snowball's stemmers are
	 * not thread-safe, and the bot reads questions on one thread */
	static struct sb_stemmer *st;
	const sb_symbol *r;
	size_t n = strlen(word), i;

	if (n < 3 || n >= INTENT_STEM_MAX || n >= sz)
		return -1;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)word[i]) && word[i] != '-')
			return -1;
	if (st == NULL && (st = sb_stemmer_new("english", NULL)) == NULL)
		return -1;
	if ((r = sb_stemmer_stem(st, (const sb_symbol *)word, (int)n)) ==
	    NULL || (n = (size_t)sb_stemmer_length(st)) >= sz)
		return -1;
	memcpy(out, r, n);
	out[n] = '\0';
	return 0;
}

int
intent_lexicon_find(const struct intent_lexicon *lex, const char *stem)
{
	int lo = 0, hi, mid;

	if (lex == NULL)
		return -1;
	/* the first of its entries: a chat word may stand for two (the
	 * lower bound; bsearch(3) may land on any of them) */
	for (hi = lex->n; lo < hi;) {
		mid = (lo + hi) / 2;
		if (strcmp(stem, lex->from[mid]) <= 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < lex->n && strcmp(stem, lex->from[lo]) == 0 ? lo : -1;
}

int
intent_expand(const struct intent_lexicon *lex, const struct intent *q,
    const char **out, int max)
{
	char stem[INTENT_STEM_MAX];
	int i, k, j, n = 0;

	for (i = 0; i < q->npwords && n < max; i++)
		out[n++] = q->pwords[i];
	for (i = 0; i < q->npwords && n < max; i++) {
		if (intent_stem(q->pwords[i], stem, sizeof(stem)) == -1 ||
		    (k = intent_lexicon_find(lex, stem)) < 0)
			continue;
		for (; k < lex->n && n < max && strcmp(lex->from[k], stem) ==
		    0; k++) {
			for (j = 0; j < n && strcmp(out[j], lex->word[k]); j++)
				;
			if (j == n)
				out[n++] = lex->word[k];
		}
	}
	return n;
}

unsigned
intent_hash(const char *s)
{
	return text_hash(s, strlen(s));
}

void
intent_features(const struct intent *q, const struct intent_lexicon *lex,
    void (*fn)(const char *, void *), void *arg)
{
	const struct entities *e = &q->e;
	const char *prev = "^", *t;
	/* each word's stem, made once for both its uses below (has[i]
	 * 0: none): Snowball costs more than all the rest */
	char tri[4], stems[Q_WORDS_MAX][INTENT_STEM_MAX], *stem;
	unsigned char has[Q_WORDS_MAX] = {0};
	int i, k, named = e->nroles + e->nunknown;
	size_t n;

	for (i = 0; i < q->nwords; i++)
		has[i] = intent_stem(q->words[i], stems[i],
		    sizeof(stems[i])) == 0;
	for (i = 0; i < q->nwords; i++) {
		if (i > 0 && same_entity(q->used[i - 1], q->used[i]))
			continue;
		t = token(q, i);
		emit(fn, arg, "w", t, NULL);
		emit(fn, arg, "b", prev, t);
		prev = t;
		if (t != q->words[i])
			continue;
		/* a guide word, or a chat word for one, as the guide
		 * word's stem (stems of other words: no better, make cv) */
		stem = stems[i];
		if (has[i] && (k = intent_lexicon_find(lex, stem)) >= 0)
			for (; k < lex->n && strcmp(lex->from[k], stem) == 0;
			    k++)
				emit(fn, arg, "s", lex->to[k], NULL);
		if ((n = strlen(t)) < 4)
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
	/* every word's own stem, a name's too ("devops" of "is devops a
	 * resume booster"): which sentence, not which intent (only the
	 * sentence model is trained on them); last, so that a long
	 * message that fills q->feat loses these first */
	for (i = 0; i < q->nwords; i++)
		if (has[i])
			emit(fn, arg, INTENT_TERM, stems[i], NULL);
}

#define SEEN_SLOTS	(2 * Q_FEATS_MAX)	/* a power of two, twice the
						 * features kept */

struct reading {
	const struct intent_vocab *v;
	struct intent	*q;
	int		 seen[SEEN_SLOTS];	/* the features kept, by
						 * index; -1 empty */
};

/* The vocabulary's index of feature f, or -1. */
static int
feat_index(const struct intent_vocab *v, const char *f)
{
	unsigned mask = (unsigned)v->nslots - 1, h;
	int i;

	if (v->nslots == 0)
		return -1;
	for (h = intent_hash(f) & mask; (i = v->slots[h]) >= 0;
	    h = (h + 1) & mask)
		if (strcmp(v->feats[i], f) == 0)
			return i;
	return -1;
}

static void
read_feat(const char *f, void *arg)
{
	struct reading *r = arg;
	int i, k;

	if ((i = feat_index(r->v, f)) < 0 || r->q->nfeat == Q_FEATS_MAX)
		return;
	/* once, as trained: a feature already kept is in the table (a
	 * scan of those kept cost a message of sixty some 2,000 tests) */
	for (k = (int)((unsigned)i * 2654435761u % SEEN_SLOTS);
	    r->seen[k] >= 0; k = (k + 1) % SEEN_SLOTS)
		if (r->seen[k] == i)
			return;
	r->seen[k] = i;
	r->q->feat[r->q->nfeat++] = i;
}

void
intent_read(const struct intent_vocab *v, struct intent *q)
{
	struct reading r = { v, q, {0} };

	memset(r.seen, -1, sizeof(r.seen));
	q->nfeat = 0;
	intent_features(q, v->lex, read_feat, &r);
}

int
intent_score(const struct intent_model *m, const struct intent *q,
    double *p)
{
	double sum = 0;
	int i, k, best = 0;

	for (k = 0; k < m->nclass; k++)
		p[k] = m->bias[k];
	for (i = 0; i < q->nfeat; i++)
		for (k = m->off[q->feat[i]]; k < m->off[q->feat[i] + 1]; k++)
			p[m->cls[k]] += m->w[k];
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
	case I_WHONEEDS:
		/* "which jobs do you know": no skill, so not who needs one */
		return q->e.nskills > 0 || q->e.refers;
	case I_COMPARE:
		/* one role against an amount is an amount question */
		return q->e.amount == 0 || q->e.nroles + q->e.nunknown >= 2;
	default:
		return 1;
	}
}

/* The most probable class not yet taken (the lower on a tie), now
 * taken: the classes in the order a stable sort would give, as far as
 * they are asked for (three intents, four aspects of some dozens). */
static int
next_class(const double *p, unsigned char *taken, int n)
{
	int k, best = -1;

	for (k = 0; k < n; k++)
		if (!taken[k] && (best < 0 || p[k] > p[best]))
			best = k;
	if (best >= 0)
		taken[best] = 1;
	return best;
}

void
intent_choose(const struct intent_vocab *v, const struct intent_model *im,
    const struct intent_model *am, struct intent *q)
{
	double p[INTENT_CLASSES_MAX];
	unsigned char taken[INTENT_CLASSES_MAX] = {0};
	int i, j, c, n;
	enum intent_kind kind;

	if (im == NULL || im->nclass == 0)
		return;
	intent_read(v, q);
	intent_score(im, q, p);
	n = im->nclass;
	for (i = 0, j = 0; i < n && j < 3; i++) {
		c = next_class(p, taken, n);
		kind = intent_kind_of(im->labels[c]);
		if (kind == I_COUNT || !feasible(kind, q))
			continue;
		q->top[j].kind = kind;
		q->top[j++].p = (float)p[c];
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
	for (i = 0; i < j && q->top[i].kind != I_PASSAGE; i++)
		;
	if (am && am->nclass > 0 && (i < j || q->kind == I_AGAIN)) {
		/* a question the guides may answer in prose (or a
		 * follow-up that may become one): its aspects */
		intent_score(am, q, p);
		memset(taken, 0, sizeof(taken));
		for (i = 0; i < am->nclass && i < 4; i++) {
			c = next_class(p, taken, am->nclass);
			q->aspects[i].name = am->labels[c];
			q->aspects[i].p = (float)p[c];
		}
		if (q->kind == I_PASSAGE) {
			q->aspect = q->aspects[0].name;
			q->aspect_p = q->aspects[0].p;
		}
	}
}

/* The fifth held out: 0 for the bot; make cv trains and asks each. */
static unsigned heldout_fold;

void
intent_set_fold(unsigned fold)
{
	heldout_fold = fold % INTENT_FOLDS;
}

int
intent_heldout(const char *id)
{
	return text_hash(id, strlen(id)) % INTENT_FOLDS == heldout_fold;
}
