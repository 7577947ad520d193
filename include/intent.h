/*
 * intent.h -- the intent classifier: logistic regression over the words
 * of a message, their bigrams and character trigrams, the entities found
 * and the cue words matched.
 *
 * The model is learned at build time (bot/intent_train.c, liblinear) from
 * the labelled questions in tests/data/labelled/ (all but the held-out
 * part, which make eval measures) and compiled into the binary as a
 * sparse table: nothing is read at run time.  The same function turns a
 * parsed question into features for training and for answering, so the
 * two can never disagree.  question.c reads the message (entities, cues);
 * this module only scores it: it names no answer.
 */
#ifndef TECHPAY_INTENT_H
#define TECHPAY_INTENT_H

#include "question.h"

#define INTENT_FEAT_MAX	64	/* bytes of one feature's name */
#define INTENT_TERM	"t"	/* kind of the features of a word's stem,
				 * names' too: the sentence model's only */
#define INTENT_CLASSES_MAX 512	/* the sentence model has one a sentence */

/* The features the models know, shared by the three: feats sorted
 * (strcmp); slots (nslots, a power of two) hold each feature's index at
 * its intent_hash, linear probing, -1 empty.  Compiled in. */
struct intent_vocab {
	int		 nfeat;
	const char *const *feats;
	const int	*slots;
	int		 nslots;
	const struct intent_lexicon *lex;	/* the words it was read with */
};

/* A learned model: vocabulary feature i's weights are the pairs
 * off[i]..off[i+1] of cls/w; a bias per class. */
struct intent_model {
	int		 nclass;
	const int	*off;		/* nfeat + 1 */
	const unsigned short *cls;
	const float	*w;
	const float	*bias;
	const char *const *labels;	/* class -> label name */
};

/* The builtin vocabulary and models (build/gen/intent_model.c): the
 * intent; the aspect of a question the guides answer in prose; and which
 * sentence answers it, labelled "SOURCE:LINE:N" (the Nth sentence of
 * that line in sentences.json), learned from the prose questions and the
 * sentences' own words. */
extern const struct intent_vocab intent_vocab_builtin;
extern const struct intent_lexicon intent_lexicon_builtin;
extern const struct intent_model intent_model_builtin;
extern const struct intent_model aspect_model_builtin;
extern const struct intent_model sentence_model_builtin;

/*
 * The words people use for the guides' words (knowledge/lexicon.txt:
 * "attackers: hackers, black-hats"), by stem: a question's "hackers"
 * becomes the feature of the guide's "attackers" too, so a sentence
 * the models learned from its own words is found by the chat word.
 * from[] (stems of the chat words) sorted; to[i] the guide word's stem,
 * word[i] the guide word as written (for a passage search).
 */
struct intent_lexicon {
	int		 n;
	const char *const *from;
	const char *const *to;
	const char *const *word;
};

#define INTENT_STEM_MAX	32	/* bytes of a stem; longer words have none */

/* The Snowball English stem of word (lowercase) in out, or -1 when the
 * word is not one to stem (too short or long, not letters). */
int		 intent_stem(const char *word, char *out, size_t);

/* The index in lex of a chat word's stem's first entry (the next ones
 * with the same from[] follow it), or -1. */
int		 intent_lexicon_find(const struct intent_lexicon *,
		    const char *stem);

/* q's passage words, then the guide words the lexicon gives for them
 * (not already there), in out[max]; how many.  They point into q and
 * lex: valid while both are. */
int		 intent_expand(const struct intent_lexicon *,
		    const struct intent *q, const char **out, int max);

/* FNV-1a of a feature's name: the model's slots are laid out by it. */
unsigned	 intent_hash(const char *);

/* Calls fn with each feature of q (a parsed question). */
void		 intent_features(const struct intent *q,
		    const struct intent_lexicon *lex,
		    void (*fn)(const char *feat, void *), void *arg);

/* Looks q's features up in v once, into q->feat (each once, as trained):
 * every model then only adds weights. */
void		 intent_read(const struct intent_vocab *v, struct intent *q);

/* Class probabilities (one-vs-rest logistic, normalised) into p[nclass]
 * from q->feat (intent_read first); returns the best class. */
int		 intent_score(const struct intent_model *, const struct intent *q,
		    double *p);

/*
 * Chooses q->kind from the model's classes, best first, skipping one
 * whose entity the message lacks (an amount); fills q->top for explain
 * and, for a prose question, q->aspect from the aspect model (reading
 * q's features in the vocabulary first).  A NULL model leaves the cue
 * table's choice.
 */
void		 intent_choose(const struct intent_vocab *,
		    const struct intent_model *intent,
		    const struct intent_model *aspect, struct intent *q);

/* 1 if the labelled question with this id is in the held-out part (a
 * fifth, by a hash of the id): never trained on, measured by make eval. */
int		 intent_heldout(const char *id);
/* Which fifth is held out (0 unless make cv says; a tool's setting,
 * never the bot's). */
#define INTENT_FOLDS	5
void		 intent_set_fold(unsigned fold);

#endif
