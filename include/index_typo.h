/*
 * index_typo.h -- typo keys: the one-edit deletions of a vocabulary.
 *
 * Private to the index's parts (bot/index*.c).  A vocabulary (the words
 * of the role names, or of the skill names) is read at open and each
 * term hashed under itself and each of its one-byte deletions; a typo
 * within one edit shares such a key with its term, so the candidates
 * for a word are a few look-ups in memory, then checked by edit
 * distance.
 */
#ifndef TECHPAY_INDEX_TYPO_H
#define TECHPAY_INDEX_TYPO_H

#include <stddef.h>

#include <sqlite3.h>

#define TYPO_WORD_MAX	32	/* longer words are not corrected */

struct typo;

/*
 * At open: the terms of table vocab (term) and their deletion keys, in
 * memory (db is not kept); NULL on an SQLite error, with err filled.
 */
struct typo	*typo_open(sqlite3 *db, const char *vocab, char *err,
		    size_t errlen);
void		 typo_free(struct typo *);
/* Edits allowed when correcting a word of len bytes (0: none). */
int		 typo_limit(size_t len);
/*
 * Replaces *w by the nearest term when it is not a term itself; returns
 * 1 if it did.  The replacement is malloc'd into *owned (the caller
 * frees it).
 */
int		 typo_correct(struct typo *, char **w, char **owned);
/*
 * The terms nearest to w, all of those at the least distance up to
 * *best (ties are kept: they may read as different names), appended to
 * out[n..max) as malloc'd strings the caller frees; returns the new
 * count.  A nearer term than *best drops those before it and lowers
 * *best.  A word that is a term itself has nothing near it: -1.
 */
int		 typo_terms(struct typo *, const char *w, char **out, int n,
		    int max, int *best);

#endif
