/*
 * prose.c -- answers from the guides' prose: the sentence of the map
 * (knowledge/sentences.json) whose subject is the question's and whose
 * aspect the question most likely asks, with the sentence model's and
 * bm25's word for it; a topic's one item a question names; and the
 * plain bm25 quote when the map has nothing.  Each quote carries the
 * line its sentence has in the map.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intent.h"
#include "prose.h"

#define PASSAGES	8	/* passages looked at for one quote */
#define LINE_BITS	1024	/* a set of lines, as bits: a line past
				 * it shares a bit, and is only looked at
				 * more */
/* bm25 (lower is better) a passage must beat to be quoted: above it,
 * the match is too loose and the answer is "not covered". */
#define PASSAGE_SCORE_MAX	(-2.0)
#define PROSE_PASSAGES	24	/* the bm25 order a prose answer uses */
#define PROSE_LEXICAL	1.0	/* weight of the bm25 order against the
				 * aspect's probability */
#define PROSE_LEXICAL_LINE 0.3	/* of a neighbour's on the same line */
#define PROSE_LEARNED	2.5	/* and of the sentence model's */
#define PROSE_TOP	8	/* sentences the model names, at most */
#define PROSE_MIN	0.5	/* below this nothing fits */
#define PROSE_TIER	0.4	/* what a sentence of a near subject loses */
#define TIER_OFF_FIELD	3	/* a field's question, another subject's
				 * sentence: "how is ai changing
				 * cybersecurity" names the AI field, and the
				 * answer is a security sentence; a field's
				 * word is too loose a subject to exclude
				 * (make cv: prose +0.6, topics +0.4; 2 and 5
				 * tiers did less) */
#define PROSE_SHORT	60	/* bytes: a shorter sentence comes with its line */
#define PAY_WORDS_P	0.15	/* a pay question this likely a prose one
				 * gets the guide's words on that pay too */
#define TOPIC_NAMED	0.6	/* what an item whose name the question has
				 * gains */
#define TOPIC_SENTENCE_MIN 1.2	/* a topic's sentence that fits this well
				 * answers alone, not the whole list */

/*
 * The best sentence or two of the guides for words, quoted with guide and
 * line (guide: 1 the undated one, 2 the dated one, 0 either); returns
 * how many were quoted, 0 when nothing matched well enough.
 */
int
prose_quote_passages(struct cmd_ctx *c, char **words, int nwords, int role,
    int guide, struct answer *a)
{
	struct passage *p = xcalloc(PASSAGES, sizeof(*p));
	int n, i, shown = 0;

	n = index_passages(c->ix, words, nwords, role, p, PASSAGES);
	for (i = 0; i < n && shown < 2; i++) {
		int dated = p[i].source->year != 0;

		if ((guide == 1 || guide == 2) && (guide == 2) != dated)
			continue;
		if (p[i].score > PASSAGE_SCORE_MAX ||
		    (shown > 0 && p[i].score > p[0].score * 0.8))
			break;
		if (shown > 0)
			fmt_para(a);
		fmt_printf(a, "The %s", p[i].source->label);
		if (p[i].role >= 0)
			fmt_printf(a, " on %s", c->kb->roles[p[i].role].title);
		fmt_printf(a, " (line %d): \"%s\"", p[i].line, p[i].text);
		if (p[i].role >= 0)
			said_role(c, &c->kb->roles[p[i].role]);
		said_cite_line(c, p[i].source, p[i].text, p[i].line);
		shown++;
	}
	free(p);
	return shown;
}

/* How likely the question asks what a sentence of these aspects tells:
 * the aspect model's probabilities (ap, by enum kb_aspect) of them. */
static double
prose_aspect_p(const double *ap, unsigned aspects)
{
	double p = 0;
	int a;

	for (; aspects != 0; aspects &= aspects - 1) {	/* each bit set */
		a = __builtin_ctz(aspects);
		if (a < ASPECT_COUNT)
			p += ap[a];
	}
	return p;
}

/* The map's sentence a sentence-model label names ("guide-2026:238:0",
 * the Nth sentence of that line), or -1. */
static int
sentence_of_label(const struct kb *kb, const char *label)
{
	const char *colon = strchr(label, ':');
	int i, line, nth;

	if (colon == NULL || sscanf(colon + 1, "%d:%d", &line, &nth) != 2)
		return -1;
	for (i = 0; i < kb->nsentences; i++)
		if (kb->sentences[i].line == line &&
		    strncmp(kb->sentences[i].source->id, label,
		    (size_t)(colon - label)) == 0 &&
		    kb->sentences[i].source->id[colon - label] == '\0' &&
		    nth-- == 0)
			return i;
	return -1;
}

/*
 * The map's sentence of each of the model's labels, found once for a
 * knowledge (by its hash: a reload with other sentences finds them
 * again), not by a scan of the map for each label of every question.
 */
static const int *
label_sentences(const struct kb *kb, const struct intent_model *m)
{
	static int idx[INTENT_CLASSES_MAX];
	static uint64_t for_hash;
	static int for_n = -1;
	int i;

	if (for_n != kb->nsentences || for_hash != kb->hash) {
		for (i = 0; i < m->nclass; i++)
			idx[i] = sentence_of_label(kb, m->labels[i]);
		for_hash = kb->hash;
		for_n = kb->nsentences;
	}
	return idx;
}

/* sp[i]: how likely the map's sentence i answers q, by the sentence
 * model (its best PROSE_TOP; the rest 0). */
static void
sentence_p(const struct kb *kb, const struct intent *q, double *sp)
{
	const struct intent_model *m = &sentence_model_builtin;
	double p[INTENT_CLASSES_MAX];
	const int *of;
	int top[PROSE_TOP], i, k, n, idx;

	if (m->nclass == 0 || m->nclass > INTENT_CLASSES_MAX)
		return;
	of = label_sentences(kb, m);
	intent_score(m, q, p);
	/* one pass keeps the best PROSE_TOP, most probable first, the
	 * lower class first on a tie (a full sort of the classes for
	 * eight of them cost more than the scoring) */
	for (n = 0, i = 0; i < m->nclass; i++) {
		if (p[i] <= 0 || (n == PROSE_TOP && p[i] <= p[top[n - 1]]))
			continue;
		for (k = n < PROSE_TOP ? n++ : n - 1; k > 0 &&
		    p[i] > p[top[k - 1]]; k--)
			top[k] = top[k - 1];
		top[k] = i;
	}
	for (k = 0; k < n; k++)
		if ((idx = of[top[k]]) >= 0 && idx < kb->nsentences)
			sp[idx] = p[top[k]];
}

/* Sentence k is about what the question is: its role, else the role's
 * category (1: a second choice); its category, else a role of it (1),
 * else any other a few tiers down; or anything when nothing is named. */
static int
prose_subject(const struct cmd_ctx *c, const struct kb_sentence *k, int role,
    int cat)
{
	if (role >= 0)
		return k->role == role ? 0 :
		    k->category >= 0 && k->category ==
		    c->kb->roles[role].category ? 1 : -1;
	if (cat >= 0)
		return k->category == cat ? 0 : k->role >= 0 &&
		    c->kb->roles[k->role].category == cat ? 1 : TIER_OFF_FIELD;
	return k->role < 0 ? 0 : 1;
}

/* Sentences i and k speak of the same subject on the same line of the
 * same guide. */
static int
same_thought(const struct kb_sentence *i, const struct kb_sentence *k)
{
	return i->source == k->source && i->line == k->line &&
	    i->role == k->role && i->category == k->category &&
	    i->topic == k->topic;
}

/*
 * Sentence k, and when it is short ("Costs explode.") the sentences of
 * its line about the same subject, in their order: a few words alone
 * read as a riddle.
 */
static void
quote_with_line(struct cmd_ctx *c, const struct kb_sentence *k,
    struct answer *a)
{
	const struct kb_sentence *lo = k, *hi = k + 1, *s,
	    *first = c->kb->sentences, *end = c->kb->sentences +
	    c->kb->nsentences;

	if (strlen(k->text) < PROSE_SHORT) {
		while (lo > first && same_thought(lo - 1, k))
			lo--;
		while (hi < end && same_thought(hi, k))
			hi++;
	}
	for (s = lo; s < hi; s++) {
		if (s > lo)
			fmt_text(a, " ");
		fmt_text(a, s->text);
	}
}

/* The question has a word of the item's name ("equity" of "Equity and
 * Stock Options"): it asks about that item. */
static int
names_item(const struct intent *q, const char *name)
{
	char stem[6];
	int i;

	for (i = 0; i < q->nwords; i++) {
		if (strlen(q->words[i]) < 4)
			continue;
		snprintf(stem, sizeof(stem), "%s", q->words[i]);
		if (strcasestr(name, stem))
			return 1;
	}
	return 0;
}

/* Sentence k is an item of a list whose name the question has ("is
 * remote work worth anything": Remote Work Flexibility). */
static int
item_named(const struct cmd_ctx *c, const struct intent *q,
    const struct kb_sentence *k)
{
	const struct kb_topic *t;
	int i, j;

	for (i = 0; i < c->kb->ntopics; i++) {
		t = &c->kb->topics[i];
		if (strcmp(t->id, k->topic) != 0)
			continue;
		for (j = 0; j < t->nitems; j++)
			if (strstr(k->text, t->items[j].text) != NULL &&
			    names_item(q, t->items[j].name))
				return 1;
	}
	return 0;
}

/*
 * Which sentences a choice is among: of a role (or its category's, a
 * tier down), of a category, of anything (a subject's own first), or of
 * one kind of topic.
 */
struct among {
	int		 role, cat;
	const char	*topic_kind;	/* "negotiation"...; NULL: by subject */
	int		 soft;	/* role is the conversation's: a sentence of
				 * no subject may answer too, a tier down */
};

/* The tier of sentence k in what w allows (0 best), or -1: not in it. */
static int
tier_of(const struct cmd_ctx *c, const struct kb_sentence *k,
    const struct among *w)
{
	const struct kb_topic *t;
	int nth;

	if (w->soft && k->role < 0 && k->category < 0)
		return 1;
	if (w->topic_kind == NULL)
		return prose_subject(c, k, w->role, w->cat);
	if (k->topic == NULL)
		return -1;
	for (nth = 0; (t = kb_topic_by_kind(c->kb, w->topic_kind, nth));
	    nth++)
		if (strcmp(t->id, k->topic) == 0)
			return 0;
	return -1;
}

/*
 * The sentence of w that most likely answers q, and its score in *top:
 * the aspect model's probability of its aspects, the sentence model's of
 * it, and how high bm25 puts its line for the question's words and the
 * guide words the lexicon brings; a near subject's sentence loses a tier.
 * NULL when none reaches PROSE_MIN.
 */
static const struct kb_sentence *
choose(struct cmd_ctx *c, const struct intent *q, const struct among *w,
    double *top)
{
	const struct kb_sentence *k, *best = NULL;
	struct passage *p;
	double score, *sp, ap[ASPECT_COUNT] = {0}, lex, wt;
	const char *words[Q_WORDS_MAX];
	uint64_t lines[LINE_BITS / 64] = {0};
	unsigned bit;
	int i, j, np, nw, tier;

	*top = 0;
	for (i = 0; i < 4 && q->aspects[i].name; i++)
		if ((j = kb_aspect_of(q->aspects[i].name)) >= 0)
			ap[j] = q->aspects[i].p;
	sp = xcalloc((size_t)c->kb->nsentences, sizeof(*sp));
	sentence_p(c->kb, q, sp);
	/* not zeroed: index_passages fills the np it returns, all that
	 * is read (24 passages of 700 bytes cost a memset each question) */
	p = xmalloc(PROSE_PASSAGES * sizeof(*p));
	nw = intent_expand(intent_vocab_builtin.lex, q, words, Q_WORDS_MAX);
	np = index_passages(c->ix, (char **)words, nw, -1, p, PROSE_PASSAGES);
	/* the passages' lines, as bits: most sentences are on none of
	 * them, and skip the passages (and their strstr) at once */
	for (j = 0; j < np; j++) {
		bit = (unsigned)p[j].line % LINE_BITS;
		lines[bit / 64] |= 1ULL << bit % 64;
	}
	for (i = 0; i < c->kb->nsentences; i++) {
		k = &c->kb->sentences[i];
		if ((q->e.guide == 1 || q->e.guide == 2) &&
		    (q->e.guide == 2) != (k->source->year != 0))
			continue;
		if ((tier = tier_of(c, k, w)) < 0)
			continue;
		score = prose_aspect_p(ap, k->aspects) + PROSE_LEARNED * sp[i];
		/* the sentence's own words, or its line's (a neighbour
		 * that matched: "invisible... everyone notices") */
		bit = (unsigned)k->line % LINE_BITS;
		for (j = 0, lex = 0; j < np &&
		    (lines[bit / 64] & 1ULL << bit % 64); j++)
			if (p[j].source == k->source && p[j].line == k->line) {
				wt = (1.0 - (double)j / np) *
				    (strstr(p[j].text, k->text) != NULL ?
				    PROSE_LEXICAL : PROSE_LEXICAL_LINE);
				if (wt > lex)
					lex = wt;
			}
		score += lex;
		if (w->topic_kind && item_named(c, q, k))
			score += TOPIC_NAMED;
		/* the subject's own sentences first, a near one when it
		 * fits much better */
		score -= PROSE_TIER * tier;
		if (score >= PROSE_MIN && score > *top) {
			best = k;
			*top = score;
		}
	}
	free(p);
	free(sp);
	return best;
}

/* The sentence quoted: guide, subject, line, words. */
static void
quote(struct cmd_ctx *c, const struct kb_sentence *best, const char *title,
    struct answer *a)
{
	fmt_printf(a, "The %s", best->source->label);
	if (best->role >= 0)
		fmt_printf(a, " on %s", c->kb->roles[best->role].title);
	else if (best->category >= 0)
		fmt_printf(a, " on %s", c->kb->categories[best->category].name);
	else if (title) {
		fmt_text(a, " on ");
		fmt_strong(a, title);
	}
	fmt_printf(a, " (line %d): \"", best->line);
	quote_with_line(c, best, a);
	fmt_text(a, "\"");
	if (best->role >= 0)
		said_role(c, &c->kb->roles[best->role]);
	said_cite_line(c, best->source, best->text, best->line);
}

int
prose_answer(struct cmd_ctx *c, const struct intent *q, int role,
    struct answer *a)
{
	const struct kb_sentence *best;
	struct among w = { role, q->e.category, NULL, 0 };
	double top;

	if (q->aspects[0].name == NULL || c->kb->nsentences == 0)
		return 0;
	if (role < 0 && q->e.category < 0 && q->e.context_role) {
		w.role = (int)(q->e.context_role - c->kb->roles);
		w.soft = 1;
	}
	if ((best = choose(c, q, &w, &top)) == NULL)
		return 0;
	quote(c, best, NULL, a);
	return 1;
}

void
prose_pay_words(struct cmd_ctx *c, const struct intent *q, int role,
    struct answer *a)
{
	const struct kb_sentence *best;
	struct among w = { role, -1, NULL, 0 };
	double top, passage = 0;
	int i;

	for (i = 0; i < 3; i++)
		if (q->top[i].kind == I_PASSAGE)
			passage = q->top[i].p;
	if (passage < PAY_WORDS_P || q->aspects[0].name == NULL ||
	    (best = choose(c, q, &w, &top)) == NULL || best->role != role ||
	    !(best->aspects & (1u << ASPECT_WHY_PAYS | 1u << ASPECT_PAY_WORDS)))
		return;
	fmt_text(a, " ");
	quote(c, best, NULL, a);
}

/*
 * The one sentence of a topic a question is about ("can i negotiate
 * money for certs", "does systems thinking pay"), chosen as prose answers
 * are, when it fits well enough (TOPIC_SENTENCE_MIN); 1 when one was
 * quoted, 0 leaves the whole list.
 */
int
prose_topic_item(struct cmd_ctx *c, const struct intent *q, const char *kind,
    struct answer *a)
{
	const struct kb_sentence *best;
	const struct kb_topic *t;
	struct among w = { -1, -1, kind, 0 };
	double top;
	int nth;

	if (c->kb->nsentences == 0 ||
	    (best = choose(c, q, &w, &top)) == NULL ||
	    top < TOPIC_SENTENCE_MIN)
		return 0;
	for (nth = 0; (t = kb_topic_by_kind(c->kb, kind, nth)) != NULL; nth++)
		if (strcmp(t->id, best->topic) == 0)
			break;
	/* the list's lead-in ("several meta skills stand out:") asks
	 * for the list */
	if (t && t->nitems > 0 && t->intro && strstr(t->intro, best->text))
		return 0;
	quote(c, best, t ? t->title : NULL, a);
	return 1;
}
