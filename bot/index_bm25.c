/*
 * index_bm25.c -- the passages ranked in memory, as FTS5's bm25 ranks
 * them (see index_bm25.h): the same ranking and the same scores, to the
 * last bit.  A word the tokenizer splits ("ci/cd" is a phrase) is left
 * to FTS5 (index_passages.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_bm25.h"

struct ppost {
	int		 row;		/* passage_fts rowid (pid) */
	int		 n[2];		/* instances in text, in about */
};

struct pterm {
	size_t		 term;		/* offset in pool */
	int		 first, n;	/* its postings, by row */
};

struct prow {
	int		 src, line, rid;
	size_t		 quote;		/* offset in pool; 0: no row */
	int		 size;		/* tokens in text and about */
};

struct pindex {
	struct pterm	*terms;		/* in byte order */
	int		 nterms;
	struct ppost	*posts;
	struct prow	*rows;		/* by rowid, 0..maxrow */
	int		 maxrow;
	long long	 nrow, ntokens;	/* as bm25 reads them */
	struct buf	 pool;		/* terms and quotes */
	unsigned	*mark;		/* rows seen: the query's stamp */
	unsigned	 stamp;
	fts5_tokenizer	 tok;		/* the table's tokenizer */
	Fts5Tokenizer	*toker;
};

/* As the table was created: porter over unicode61, accents removed. */
static int
pindex_tokenizer(sqlite3 *db, struct pindex *p)
{
	static const char *args[] = { "unicode61", "remove_diacritics", "2" };
	sqlite3_stmt *st;
	fts5_api *api = NULL;
	void *ctx;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (api == NULL || api->xFindTokenizer(api, "porter", &ctx,
	    &p->tok) != SQLITE_OK || p->tok.xCreate(ctx, args, 3,
	    &p->toker) != SQLITE_OK) {
		p->toker = NULL;
		return -1;
	}
	return 0;
}

void
pindex_free(struct pindex *p)
{
	if (p == NULL)
		return;
	if (p->toker)
		p->tok.xDelete(p->toker);
	free(p->terms);
	free(p->posts);
	free(p->rows);
	free(p->mark);
	buf_free(&p->pool);
	free(p);
}

/* The rows by pid: where each passage is, and its quote; 0 or -1. */
static int
load_rows(sqlite3 *db, struct pindex *p)
{
	sqlite3_stmt *st = NULL;
	const char *t;
	int row, rc = SQLITE_ERROR;

	if (sqlite3_prepare_v2(db, "SELECT max(pid) FROM passage",
	    -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto out;
	p->maxrow = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	p->rows = xcalloc((size_t)p->maxrow + 1, sizeof(*p->rows));
	p->mark = xcalloc((size_t)p->maxrow + 1, sizeof(*p->mark));
	if (sqlite3_prepare_v2(db, "SELECT pid, src, line, rid, quote FROM"
	    " passage", -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct prow *r;

		if ((row = sqlite3_column_int(st, 0)) < 1 || row > p->maxrow) {
			rc = SQLITE_ERROR;
			break;
		}
		r = &p->rows[row];
		r->src = sqlite3_column_int(st, 1);
		r->line = sqlite3_column_int(st, 2);
		r->rid = sqlite3_column_int(st, 3);
		r->quote = p->pool.len;
		t = (const char *)sqlite3_column_text(st, 4);
		buf_puts(&p->pool, t ? t : "");
		buf_putc(&p->pool, '\0');
	}
out:
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The postings as they are read: where the arrays stand. */
struct ploader {
	struct pindex	*p;
	size_t		 capt, capp;
	int		 npost;
	const char	*last;		/* the term before, in p->pool */
};

/* One token instance of term t in row and column col (1: about), in the
 * index's order: by term, then by row; -1 when out of it. */
static int
load_instance(struct ploader *l, const char *t, int row, int col)
{
	struct pindex *p = l->p;
	struct pterm *pt;
	struct ppost *pp;

	if (l->last == NULL || strcmp(l->last, t) != 0) {
		/* a new term: the index gives them in byte order */
		if (l->last && strcmp(l->last, t) > 0)
			return -1;
		if ((size_t)p->nterms == l->capt) {
			l->capt = l->capt ? l->capt * 2 : 512;
			p->terms = xrealloc(p->terms, l->capt *
			    sizeof(*p->terms));
		}
		pt = &p->terms[p->nterms++];
		pt->term = p->pool.len;
		pt->first = l->npost;
		pt->n = 0;
		buf_puts(&p->pool, t);
		buf_putc(&p->pool, '\0');
	}
	pt = &p->terms[p->nterms - 1];
	l->last = p->pool.s + pt->term;
	/* the term's last posting, if it has one */
	if (pt->n == 0 || p->posts[l->npost - 1].row != row) {
		if (pt->n > 0 && p->posts[l->npost - 1].row > row)
			return -1;
		if ((size_t)l->npost == l->capp) {
			l->capp = l->capp ? l->capp * 2 : 4096;
			p->posts = xrealloc(p->posts, l->capp *
			    sizeof(*p->posts));
		}
		pp = &p->posts[l->npost++];
		pp->row = row;
		pp->n[0] = pp->n[1] = 0;
		pt->n++;
	}
	pp = &p->posts[l->npost - 1];
	pp->n[col]++;
	p->rows[row].size++;
	p->ntokens++;
	return 0;
}

/* Every token instance (term, row, column), and the row count bm25
 * reads; 0 or -1. */
static int
load_postings(sqlite3 *db, struct pindex *p)
{
	struct ploader l = { .p = p };
	sqlite3_stmt *st = NULL;
	const char *t, *c;
	int row, rc = SQLITE_ERROR;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM passage_fts", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto out;
	p->nrow = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT term, doc, col FROM passage_inst",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c = (const char *)sqlite3_column_text(st, 2);
		t = (const char *)sqlite3_column_text(st, 0);
		row = sqlite3_column_int(st, 1);
		if (t == NULL || c == NULL || row < 1 || row > p->maxrow ||
		    load_instance(&l, t, row, strcmp(c, "about") == 0) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
	}
out:
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The rows, then their postings.  NULL when anything is off. */
struct pindex *
pindex_load(sqlite3 *db)
{
	struct pindex *p = xcalloc(1, sizeof(*p));

	buf_putc(&p->pool, '\0');	/* offset 0: no quote */
	if (pindex_tokenizer(db, p) == -1 || load_rows(db, p) == -1 ||
	    load_postings(db, p) == -1) {
		pindex_free(p);
		return NULL;
	}
	return p;
}

struct ptoken {
	char	 s[64];
	int	 n;		/* tokens seen */
	int	 ok;		/* the first fitted in s */
};

static int
ptoken_cb(void *ctx, int flags, const char *tok, int len, int start,
    int end)
{
	struct ptoken *t = ctx;

	(void)flags;
	(void)start;
	(void)end;
	if (t->n++ == 0 && len >= 0 && (size_t)len < sizeof(t->s)) {
		memcpy(t->s, tok, (size_t)len);
		t->s[len] = '\0';
		t->ok = 1;
	}
	return SQLITE_OK;
}

/* bsearch's key: a token, and the pool the terms' offsets are in. */
struct term_key {
	const char	*tok;
	const char	*pool;
};

static int
cmp_term(const void *key, const void *ent)
{
	const struct term_key *k = key;

	return strcmp(k->tok, k->pool + ((const struct pterm *)ent)->term);
}

/* The postings of word as a query term, in *pt (n 0: none); -1 when it
 * is no single token. */
static int
pindex_term(struct pindex *p, const char *word, struct pterm *pt)
{
	struct ptoken t = { .n = 0 };
	struct term_key k = { t.s, p->pool.s };
	const struct pterm *found;

	memset(pt, 0, sizeof(*pt));
	if (p->tok.xTokenize(p->toker, &t, FTS5_TOKENIZE_QUERY, word,
	    (int)strlen(word), ptoken_cb) != SQLITE_OK || t.n != 1 || !t.ok)
		return -1;
	if (p->nterms > 0 && (found = bsearch(&k, p->terms,
	    (size_t)p->nterms, sizeof(*p->terms), cmp_term)) != NULL)
		*pt = *found;
	return 0;
}

static int
cmp_post(const void *key, const void *ent)
{
	int row = *(const int *)key, r = ((const struct ppost *)ent)->row;

	return (row > r) - (row < r);
}

/* The posting of row in pt, or NULL. */
static const struct ppost *
pindex_post(const struct pindex *p, const struct pterm *pt, int row)
{
	if (pt->n <= 0)
		return NULL;
	return bsearch(&row, &p->posts[pt->first], (size_t)pt->n,
	    sizeof(*p->posts), cmp_post);
}

struct pscore {
	int	 row;
	double	 score;
};

/* bm25's order: best first, then as FTS5 found them (by row). */
#define PASSES_MAX	8	/* selection passes, then a sort */

static int
cmp_pscore(const void *a, const void *b)
{
	const struct pscore *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* One question, as it is ranked. */
struct pquery {
	struct pterm	*pt;		/* the words' terms, then the role's */
	double		*idf;		/* of each phrase */
	int		 nwords, nph;	/* words, and phrases (the role too) */
	struct pscore	*hit;		/* the rows found */
	int		 nhit, caphit;
};

/* The phrases' postings and their idf; -1 when a word is not one token. */
static int
query_terms(struct pindex *p, struct pquery *q, char **words, int role)
{
	char rid[32];
	int i, k;

	for (i = 0; i < q->nwords; i++)
		if (pindex_term(p, words[i], &q->pt[i]) == -1)
			return -1;
	if (role >= 0) {
		snprintf(rid, sizeof(rid), "rid%d", role + 1);
		if (pindex_term(p, rid, &q->pt[q->nph++]) == -1)
			return -1;
	}
	/* document frequencies: rows with the phrase (the role: in about) */
	for (i = 0; i < q->nph; i++) {
		long long nh = 0;

		if (i < q->nwords)
			nh = q->pt[i].n;
		else
			for (k = 0; k < q->pt[i].n; k++)
				nh += p->posts[q->pt[i].first + k].n[1] > 0;
		q->idf[i] = log((p->nrow - nh + 0.5) / (nh + 0.5));
		if (q->idf[i] <= 0.0)
			q->idf[i] = 1e-6;
	}
	return 0;
}

/* The rows any word is in (and the role's, in about), each once. */
static void
query_rows(struct pindex *p, struct pquery *q, int role)
{
	const struct ppost *pp, *rp;
	int i, k;

	if (++p->stamp == 0) {		/* wrapped: no stale marks */
		memset(p->mark, 0, ((size_t)p->maxrow + 1) * sizeof(*p->mark));
		p->stamp = 1;
	}
	for (i = 0; i < q->nwords; i++)
		for (k = 0; k < q->pt[i].n; k++) {
			pp = &p->posts[q->pt[i].first + k];
			if (p->mark[pp->row] == p->stamp)
				continue;
			p->mark[pp->row] = p->stamp;
			if (role >= 0 && ((rp = pindex_post(p,
			    &q->pt[q->nwords], pp->row)) == NULL ||
			    rp->n[1] == 0))
				continue;
			if (q->nhit == q->caphit) {
				q->caphit = q->caphit ? q->caphit * 2 : 64;
				q->hit = xrealloc(q->hit, (size_t)q->caphit *
				    sizeof(*q->hit));
			}
			q->hit[q->nhit++].row = pp->row;
		}
}

/* bm25, as fts5_aux.c computes it, in its order of operations. */
static void
query_score(const struct pindex *p, struct pquery *q)
{
	const double k1 = 1.2, b = 0.75, wcol[2] = { 1.0, 0.4 };
	double avgdl = (double)p->ntokens / (double)p->nrow;
	int i, j, k, c;

	for (j = 0; j < q->nhit; j++) {
		double score = 0.0, D = p->rows[q->hit[j].row].size;

		for (i = 0; i < q->nph; i++) {
			const struct ppost *pp = pindex_post(p, &q->pt[i],
			    q->hit[j].row);
			double f = 0.0;

			if (pp == NULL)
				continue;	/* adds 0.0 */
			/* instances come column by column */
			for (c = i < q->nwords ? 0 : 1; c < 2; c++)
				for (k = 0; k < pp->n[c]; k++)
					f += wcol[c];
			score += q->idf[i] * ((f * (k1 + 1.0)) /
			    (f + k1 * (1 - b + b * D / avgdl)));
		}
		q->hit[j].score = -1.0 * score;
	}
}

/* The best max rows in order, as passages of kb; returns the count. */
static int
query_best(const struct pindex *p, const struct kb *kb, struct pquery *q,
    struct passage *out, int max)
{
	struct pscore *hit = q->hit, t;
	const struct prow *r;
	int n, j, k, best;

	/* a few passes for a few; for more, the best max in order at
	 * the front, by insertion (cmp_pscore orders all: the prefix a
	 * sort of every hit would give, without that sort) */
	if (max > PASSES_MAX)
		for (n = 0, k = 0; k < q->nhit; k++) {
			t = hit[k];
			if (n < max)
				j = n++;
			else if (cmp_pscore(&t, &hit[max - 1]) < 0)
				j = max - 1;
			else
				continue;
			for (; j > 0 && cmp_pscore(&t, &hit[j - 1]) < 0; j--)
				hit[j] = hit[j - 1];
			hit[j] = t;
		}
	for (n = 0, j = 0; j < q->nhit && j < max; j++) {
		best = j;
		for (k = j + 1; k < q->nhit && max <= PASSES_MAX; k++)
			if (cmp_pscore(&hit[k], &hit[best]) < 0)
				best = k;
		t = hit[j];
		hit[j] = hit[best];
		hit[best] = t;
		r = &p->rows[hit[j].row];
		if (r->quote == 0 || r->src < 0 || r->src >= kb->nsources)
			continue;	/* other knowledge */
		out[n].source = &kb->sources[r->src];
		out[n].line = r->line;
		out[n].role = r->rid - 1;
		if (out[n].role >= kb->nroles)
			out[n].role = -1;
		snprintf(out[n].text, sizeof(out[n].text), "%s",
		    p->pool.s + r->quote);
		out[n].score = hit[j].score;
		n++;
	}
	return n;
}

/*
 * What S_PASSAGE answers for ("w1" OR "w2" ...) AND about : "ridN",
 * ranked by bm25(passage_fts, 1.0, 0.4): phrases are the words and then
 * the role, the role's only in about.
 */
int
pindex_passages(struct pindex *p, const struct kb *kb, char **words,
    int nwords, int role, struct passage *out, int max)
{
	struct pquery q = { .nwords = nwords, .nph = nwords };
	int n = -1;

	q.pt = xcalloc((size_t)nwords + 1, sizeof(*q.pt));
	q.idf = xcalloc((size_t)nwords + 1, sizeof(*q.idf));
	if (query_terms(p, &q, words, role) == 0) {
		query_rows(p, &q, role);
		query_score(p, &q);
		n = query_best(p, kb, &q, out, max);
	}
	free(q.pt);
	free(q.idf);
	free(q.hit);
	return n;
}
