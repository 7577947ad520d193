/*
 * index_typo.c -- typo keys: each term of a vocabulary under itself and
 * each of its one-byte deletions (see index_typo.h).
 *
 * The vocabularies are tables rterm/sterm(term) of the index: the words
 * of role/skill names (built by index_build.c from the fts5vocab of the
 * names).  The deletion keys are not stored: at open each term's keys
 * are hashed into one sorted array of (hash, term), a few hundred
 * milliseconds at 100,000 roles where the table of them took seconds to
 * build and was a third of the index's memory.
 *
 * A word within one insertion, deletion, substitution or adjacent
 * transposition of a term shares a key with it: the word itself or one
 * of its deletions.  Each candidate is then checked with text_editdist.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index_typo.h"
#include "text.h"

/* A deletion key of a term: its hash, and the term (an index into the
 * terms, which are in byte order, as the table gives them). */
struct delkey {
	uint64_t	 hash;
	uint32_t	 term;
};

struct typo {
	struct buf	 pool;		/* the terms, each NUL-terminated */
	size_t		*terms;		/* offsets in pool, in byte order */
	size_t		 nterms;
	struct delkey	*keys;		/* by hash, then term */
	size_t		 nkeys;
};

/*
 * Deletion i of w (len bytes) into key: w without its byte i, or w
 * itself when i == len.  key holds TYPO_WORD_MAX + 1 bytes.
 */
static void
deletion_key(char *key, const char *w, size_t len, size_t i)
{
	memcpy(key, w, i);
	memcpy(key + i, w + i + (i < len), len - i - (i < len));
	key[len - (i < len)] = '\0';
}

/* FNV-1a, 64 bits. */
static uint64_t
key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* 1 if key is term itself or term without one of its bytes: a hash
 * that matched by chance is no key of the term. */
static int
is_key_of(const char *key, size_t klen, const char *term)
{
	size_t tlen = strlen(term), i;

	if (tlen == klen)
		return memcmp(key, term, klen) == 0;
	if (tlen != klen + 1)
		return 0;
	for (i = 0; i < klen && key[i] == term[i]; i++)
		;
	return memcmp(key + i, term + i + 1, klen - i) == 0;
}

static int
cmp_key(const void *a, const void *b)
{
	const struct delkey *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->term > y->term) - (x->term < y->term);
}

/* ---- opening -------------------------------------------------------- */

struct typo *
typo_open(sqlite3 *db, const char *vocab, char *err, size_t errlen)
{
	struct typo *t = xcalloc(1, sizeof(*t));
	sqlite3_stmt *st = NULL;
	size_t capt = 0, capk = 0, n, i, k;
	char sql[96], key[TYPO_WORD_MAX + 1];
	const char *w;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT term FROM %s ORDER BY term", vocab);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((w = (const char *)sqlite3_column_text(st, 0)) == NULL ||
		    (n = strlen(w)) > TYPO_WORD_MAX)
			continue;	/* longer words are not corrected */
		if (t->nterms == capt) {
			capt = capt ? capt * 2 : 1024;
			t->terms = xrealloc(t->terms, capt * sizeof(*t->terms));
		}
		t->terms[t->nterms] = t->pool.len;
		buf_add(&t->pool, w, n + 1);	/* the NUL too */
		for (i = 0; i <= n; i++) {	/* i == n: the term itself */
			if (t->nkeys == capk) {
				capk = capk ? capk * 2 : 8192;
				t->keys = xrealloc(t->keys,
				    capk * sizeof(*t->keys));
			}
			deletion_key(key, w, n, i);
			t->keys[t->nkeys].hash = key_hash(key);
			t->keys[t->nkeys++].term = (uint32_t)t->nterms;
		}
		t->nterms++;
	}
	if (rc != SQLITE_DONE || t->nterms > UINT32_MAX)
		goto fail;
	sqlite3_finalize(st);
	if (t->nkeys > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(t->keys, t->nkeys, sizeof(*t->keys), cmp_key);
	/* a term with a doubled letter has a key twice ("kavoon") */
	for (i = k = 0; i < t->nkeys; i++)
		if (k == 0 || cmp_key(&t->keys[k - 1], &t->keys[i]) != 0)
			t->keys[k++] = t->keys[i];
	t->nkeys = k;
	return t;
fail:
	snprintf(err, errlen, "index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	typo_free(t);
	return NULL;
}

void
typo_free(struct typo *t)
{
	if (t == NULL)
		return;
	buf_free(&t->pool);
	free(t->terms);
	free(t->keys);
	free(t);
}

/* The first of the keys hashed as key (nkeys when none is). */
static size_t
keys_lower(const struct typo *t, uint64_t h)
{
	size_t lo = 0, hi = t->nkeys, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (t->keys[mid].hash < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The terms under key, in byte order, one at a time: *at starts at
 * SIZE_MAX and is the cursor; NULL after the last.
 */
static const char *
key_next(const struct typo *t, const char *key, uint64_t h, size_t *at)
{
	size_t klen = strlen(key);
	const char *term;

	*at = *at == SIZE_MAX ? keys_lower(t, h) : *at + 1;
	for (; *at < t->nkeys && t->keys[*at].hash == h; (*at)++) {
		term = t->pool.s + t->terms[t->keys[*at].term];
		if (is_key_of(key, klen, term))
			return term;
	}
	return NULL;
}

/* 1 if w is a term of the vocabulary. */
static int
is_term(const struct typo *t, const char *w)
{
	size_t at = SIZE_MAX, n = strlen(w);
	const char *term;

	while ((term = key_next(t, w, key_hash(w), &at)) != NULL)
		if (strlen(term) == n)
			return 1;
	return 0;
}

/* ---- looking up ----------------------------------------------------- */

/*
 * Short words are left alone: "chef" is one edit from "chief", "cto"
 * from "cso", and a wrong guess is worse than "not covered".
 */
int
typo_limit(size_t len)
{
	return len <= 4 ? 0 : len <= 7 ? 1 : 2;
}

/*
 * The one probe loop: the terms under each deletion key of w, as
 * typo_terms says.  It stops early once a term is found at a distance
 * of enough or less (a nearer one is none the caller wants; 0: never).
 */
static int
near_terms(struct typo *ty, const char *w, char **out, int n, int max,
    int *best, int enough)
{
	size_t len = strlen(w), i, at;
	char key[TYPO_WORD_MAX + 1];
	const char *t;
	int d, k, self = 0;

	if (len > TYPO_WORD_MAX)
		return n;
	for (i = 0; i <= len && !self && !(n > 0 && *best <= enough);
	    i++) {
		deletion_key(key, w, len, i);
		at = SIZE_MAX;
		while ((t = key_next(ty, key, key_hash(key), &at)) != NULL) {
			if ((d = text_editdist(w, len, t, strlen(t), *best)) >
			    *best)
				continue;
			if (d == 0) {
				self = 1;
				break;
			}
			if (d < *best) {
				while (n > 0)
					free(out[--n]);
				*best = d;
			}
			for (k = 0; k < n && strcmp(out[k], t) != 0; k++)
				;
			if (k == n && n < max)
				out[n++] = xstrdup(t);
		}
	}
	if (self) {
		while (n > 0)
			free(out[--n]);
		return -1;
	}
	return n;
}

int
typo_terms(struct typo *ty, const char *w, char **out, int n, int max,
    int *best)
{
	return near_terms(ty, w, out, n, max, best, 0);
}

/*
 * A term is a key of itself: one lookup says whether the word needs no
 * correcting.  Then the first term found at the least distance; one
 * edit away is as near as another term can be.
 */
int
typo_correct(struct typo *ty, char **w, char **owned)
{
	size_t len = strlen(*w);
	int best = typo_limit(len);
	char *term;

	if (best == 0 || len > TYPO_WORD_MAX)
		return 0;
	if (is_term(ty, *w))
		return 0;
	if (near_terms(ty, *w, &term, 0, 1, &best, 1) <= 0)
		return 0;
	*owned = term;
	*w = term;
	return 1;
}
