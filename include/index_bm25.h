/*
 * index_bm25.h -- the passages ranked in memory, as FTS5's bm25 would.
 *
 * Private to the index's parts (bot/index*.c).  FTS5's bm25 looks up
 * each matching row's size with an SQL statement and runs every phrase
 * of the query a second time for its document frequency: most of an
 * answer's time for a question of ten words over a few hundred
 * sentences.  So the postings of passage_fts are read once at open
 * (fts5vocab), the question's words stemmed with the table's own
 * tokenizer, and the rows scored with bm25's formula in its order of
 * operations: the same ranking and the same scores, to the last bit.
 */
#ifndef TECHPAY_INDEX_BM25_H
#define TECHPAY_INDEX_BM25_H

#include <sqlite3.h>

#include "index.h"

struct pindex;

/* The passages and their postings from db (tables passage and
 * passage_inst); NULL when anything is off (FTS5 then ranks them).
 * Nothing of db is kept. */
struct pindex	*pindex_load(sqlite3 *db);
void		 pindex_free(struct pindex *);
/*
 * What ("w1" OR "w2" ...) AND about : "ridN" finds, ranked by
 * bm25(passage_fts, 1.0, 0.4), best first; role < 0: any part.  The
 * passages point into kb, which the rows were built from.  Returns the
 * count, or -1 when a word is not one token (FTS5 reads it as a phrase).
 */
int		 pindex_passages(struct pindex *, const struct kb *,
		    char **words, int nwords, int role, struct passage *out,
		    int max);

#endif
