/*
 * index_names.c -- the names, in memory: every lookup key of a role,
 * skill or category (table name) and every word of one (table nword),
 * read at open into sorted arrays, so that finding names span by span
 * ("is this a name, does a longer one start here") takes no SQL.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_int.h"

/* Both tables in their primary key's order, which is strcmp's. */
int
names_load(sqlite3 *db, struct names *nm)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	const char *t;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT key, kind, target FROM name"
	    " ORDER BY key, kind", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((size_t)nm->n == cap) {
			cap = cap ? cap * 2 : 256;
			nm->ent = xrealloc(nm->ent, cap * sizeof(*nm->ent));
		}
		t = (const char *)sqlite3_column_text(st, 0);
		nm->ent[nm->n].key = nm->pool.len;
		nm->ent[nm->n].kind = sqlite3_column_int(st, 1);
		nm->ent[nm->n].target = sqlite3_column_int(st, 2);
		nm->n++;
		buf_puts(&nm->pool, t ? t : "");
		buf_putc(&nm->pool, '\0');
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	cap = 0;
	if (sqlite3_prepare_v2(db, "SELECT w FROM nword ORDER BY w", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((size_t)nm->nwords == cap) {
			cap = cap ? cap * 2 : 256;
			nm->words = xrealloc(nm->words,
			    cap * sizeof(*nm->words));
		}
		t = (const char *)sqlite3_column_text(st, 0);
		nm->words[nm->nwords++] = nm->pool.len;
		buf_puts(&nm->pool, t ? t : "");
		buf_putc(&nm->pool, '\0');
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
names_free(struct names *nm)
{
	free(nm->ent);
	free(nm->words);
	buf_free(&nm->pool);
}

/* ---- looking up --------------------------------------------------- */

/*
 * The first entry whose key is not below key (n when none is): a lower
 * bound, which bsearch(3) does not give (it finds any equal entry, and
 * none for a key that only starts some).
 */
static int
names_lower(const struct names *nm, const char *key)
{
	int lo = 0, hi = nm->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(nm->pool.s + nm->ent[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
index_lookup_name(struct index *ix, const char *key, enum name_kind kind)
{
	const struct names *nm = &ix->names;
	int i;

	for (i = names_lower(nm, key); i < nm->n &&
	    strcmp(nm->pool.s + nm->ent[i].key, key) == 0; i++)
		if (nm->ent[i].kind == (int)kind)
			return nm->ent[i].target;
	return -1;
}

int
index_names(struct index *ix, const char *key, struct name_ref *out, int max)
{
	const struct names *nm = &ix->names;
	int i, n = 0;

	for (i = names_lower(nm, key); n < max && i < nm->n &&
	    strcmp(nm->pool.s + nm->ent[i].key, key) == 0; i++) {
		out[n].kind = (enum name_kind)nm->ent[i].kind;
		out[n].target = nm->ent[i].target;
		n++;
	}
	return n;
}

int
index_name_continues(struct index *ix, const char *key)
{
	const struct names *nm = &ix->names;
	size_t n = strlen(key);
	const char *k;
	int i;

	/* the keys starting with key follow it in byte order: key itself,
	 * then key and a space (more words: the answer), then key and a
	 * byte above the space (a longer word); no key has one below it */
	for (i = names_lower(nm, key); i < nm->n; i++) {
		k = nm->pool.s + nm->ent[i].key;
		if (strncmp(k, key, n) != 0)
			return 0;
		if (k[n] == ' ' && k[n + 1] != '\0')
			return 1;
		if ((unsigned char)k[n] > ' ')
			return 0;
	}
	return 0;
}

/* bsearch's key: a word, and the pool the entries' offsets are in. */
struct word_key {
	const char	*word;
	const char	*pool;
};

static int
cmp_word(const void *key, const void *ent)
{
	const struct word_key *k = key;

	return strcmp(k->word, k->pool + *(const size_t *)ent);
}

int
index_name_word(struct index *ix, const char *word)
{
	const struct names *nm = &ix->names;
	struct word_key k = { word, nm->pool.s };

	return nm->nwords > 0 && bsearch(&k, nm->words, (size_t)nm->nwords,
	    sizeof(*nm->words), cmp_word) != NULL;
}
