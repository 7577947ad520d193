/*
 * index_typo.c -- typo keys: each term of a vocabulary under itself and
 * each of its one-byte deletions (see index_typo.h).
 *
 * Tables (built by index_build.c from the fts5vocab of the names):
 *   rterm/sterm(term)           the words of role/skill names
 *   rdel/sdel(del, term)        each term under itself and under each of
 *                               its one-byte deletions
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

/*
 * A word is corrected by looking up the word and each of its one-byte
 * deletions: a dozen SQL probes for a word, nearly all for keys no term
 * has.  A Bloom filter of the table's keys, read at open, turns most of
 * them away without SQL; it is never wrong about a key that is there, so
 * the probes that are made find what they did.
 */
struct bloom {
	uint64_t	*bits;		/* NULL: probe everything */
	uint64_t	 mask;		/* bit count - 1, a power of two */
};

struct typo {
	sqlite3_stmt	*has;		/* SELECT 1 FROM terms WHERE term = ?1 */
	sqlite3_stmt	*del;		/* SELECT term FROM del WHERE del = ?1 */
	struct bloom	 bloom;		/* the keys of del */
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

/* ---- building ------------------------------------------------------- */

struct del_pair {
	char	key[TYPO_WORD_MAX + 1];
	int	term;		/* index into the term list */
};

static int
cmp_del(const void *a, const void *b)
{
	const struct del_pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->term > y->term) - (x->term < y->term);
}

/*
 * Fills a deletion table from a vocabulary: each term under itself and
 * under each one-byte deletion of it.  The pairs are sorted first so
 * that the B-tree is appended to, not written at random (a third of
 * the time at 100,000 roles).
 */
int
typo_build(sqlite3 *db, const char *vocab, const char *del)
{
	sqlite3_stmt *sel = NULL, *ins = NULL;
	struct del_pair *p = NULL;
	char **terms = NULL, sql[128];
	size_t np = 0, capp = 0, nt = 0, capt = 0, i, k;
	int rc = -1;

	snprintf(sql, sizeof(sql), "SELECT term FROM %s", vocab);
	if (sqlite3_prepare_v2(db, sql, -1, &sel, NULL) != SQLITE_OK)
		goto out;
	while (sqlite3_step(sel) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(sel, 0);
		size_t n = strlen(t);

		if (n > TYPO_WORD_MAX)
			continue;
		if (nt == capt) {
			capt = capt ? capt * 2 : 1024;
			terms = xrealloc(terms, capt * sizeof(*terms));
		}
		terms[nt] = xstrdup(t);
		for (i = 0; i <= n; i++) {	/* i == n: the term itself */
			if (np == capp) {
				capp = capp ? capp * 2 : 8192;
				p = xrealloc(p, capp * sizeof(*p));
			}
			deletion_key(p[np].key, t, n, i);
			p[np++].term = (int)nt;
		}
		nt++;
	}
	if (np > 0)	/* qsort(NULL, 0, ...) is undefined */
		qsort(p, np, sizeof(*p), cmp_del);
	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO %s VALUES(?, ?)",
	    del);
	if (sqlite3_prepare_v2(db, sql, -1, &ins, NULL) != SQLITE_OK)
		goto out;
	for (k = 0; k < np; k++) {
		sqlite3_bind_text(ins, 1, p[k].key, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, terms[p[k].term], -1, SQLITE_STATIC);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto out;
		sqlite3_reset(ins);
	}
	rc = 0;
out:
	for (i = 0; i < nt; i++)
		free(terms[i]);
	free(terms);
	free(p);
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	return rc;
}

/* ---- the Bloom filter ----------------------------------------------- */

/* FNV-1a, 64 bits; a key's bits are h + i * (h's upper half). */
static uint64_t
bloom_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

#define BLOOM_K		4	/* bits a key sets */

static void
bloom_add(struct bloom *bl, const char *key)
{
	uint64_t h = bloom_hash(key), h2 = (h >> 32) | 1, b;
	int i;

	for (i = 0; i < BLOOM_K; i++, h += h2) {
		b = h & bl->mask;
		bl->bits[b >> 6] |= 1ULL << (b & 63);
	}
}

/* 0 when key is certainly not in the table. */
static int
bloom_has(const struct bloom *bl, const char *key)
{
	uint64_t h, h2, b;
	int i;

	if (bl->bits == NULL)
		return 1;
	h = bloom_hash(key);
	h2 = (h >> 32) | 1;
	for (i = 0; i < BLOOM_K; i++, h += h2) {
		b = h & bl->mask;
		if (!(bl->bits[b >> 6] & (1ULL << (b & 63))))
			return 0;
	}
	return 1;
}

/* At least sixteen bits a key: an absent key is probed anyway about once
 * in 400. */
static void
bloom_load(sqlite3 *db, const char *table, struct bloom *bl)
{
	sqlite3_stmt *st = NULL;
	char sql[64];
	uint64_t nbits = 1024;
	const char *k;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		goto out;
	while (nbits < 16 * (uint64_t)sqlite3_column_int64(st, 0))
		nbits *= 2;
	sqlite3_finalize(st);
	snprintf(sql, sizeof(sql), "SELECT del FROM %s", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		goto out;
	bl->bits = xcalloc(nbits / 64, sizeof(*bl->bits));
	bl->mask = nbits - 1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((k = (const char *)sqlite3_column_text(st, 0)) != NULL)
			bloom_add(bl, k);
	if (rc != SQLITE_DONE) {
		free(bl->bits);		/* a partial filter would be wrong */
		bl->bits = NULL;
	}
out:
	sqlite3_finalize(st);
}

/* ---- opening -------------------------------------------------------- */

/* "SELECT what FROM table WHERE col = ?1", kept prepared. */
static int
prepare(sqlite3 *db, const char *what, const char *table, const char *col,
    sqlite3_stmt **st)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s = ?1", what,
	    table, col);
	return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
	    NULL) == SQLITE_OK ? 0 : -1;
}

struct typo *
typo_open(sqlite3 *db, const char *terms, const char *del, char *err,
    size_t errlen)
{
	struct typo *t = xcalloc(1, sizeof(*t));

	if (prepare(db, "1", terms, "term", &t->has) == -1 ||
	    prepare(db, "term", del, "del", &t->del) == -1) {
		snprintf(err, errlen, "index: %s", sqlite3_errmsg(db));
		typo_free(t);
		return NULL;
	}
	bloom_load(db, del, &t->bloom);
	return t;
}

void
typo_free(struct typo *t)
{
	if (t == NULL)
		return;
	sqlite3_finalize(t->has);
	sqlite3_finalize(t->del);
	free(t->bloom.bits);
	free(t);
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
	sqlite3_stmt *st = ty->del;
	size_t len = strlen(w), i;
	char key[TYPO_WORD_MAX + 1];
	int d, k, self = 0;

	if (len > TYPO_WORD_MAX)
		return n;
	for (i = 0; i <= len && !self && !(n > 0 && *best <= enough);
	    i++) {
		deletion_key(key, w, len, i);
		if (!bloom_has(&ty->bloom, key))
			continue;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);

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
		sqlite3_reset(st);
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
	int found, best = typo_limit(len);
	char *term;

	if (best == 0 || len > TYPO_WORD_MAX)
		return 0;
	if (bloom_has(&ty->bloom, *w)) {
		sqlite3_bind_text(ty->has, 1, *w, -1, SQLITE_STATIC);
		found = sqlite3_step(ty->has) == SQLITE_ROW;
		sqlite3_reset(ty->has);
		if (found)
			return 0;
	}
	if (near_terms(ty, *w, &term, 0, 1, &best, 1) <= 0)
		return 0;
	*owned = term;
	*w = term;
	return 1;
}
