/*
 * index_roles.c -- roles, skills and categories from a command's text
 * ("!pay data scientist", "!skill rust"), and roles ranked by pay.
 *
 * A role's name is read as index_read.c reads names; failing that, FTS5
 * finds the roles whose title or aliases hold every word, then the
 * words corrected (index_typo.c); failing that, the closest covered
 * roles, which are different jobs.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_int.h"
#include "index_typo.h"
#include "text.h"

#define AMBIGUITY_SCAN	64	/* matches ranked by bm25 at most */

/*
 * The best INDEX_ALTS_MAX matches of an FTS5 query.  Ranking every match
 * by bm25 costs as much as there are matches ("engineer" in 100,000
 * roles), so matches are first counted without ranking; past
 * AMBIGUITY_SCAN the first few found stand in for the best.
 */
static int
ranked_rows(struct index *ix, const char *match, int *out)
{
	int probe[AMBIGUITY_SCAN + 1], n;

	n = index_fts_rows(ix, S_ROLE_FTS_ANY, match, probe, AMBIGUITY_SCAN + 1);
	if (n <= 1 || n > AMBIGUITY_SCAN) {
		if (n > INDEX_ALTS_MAX)
			n = INDEX_ALTS_MAX;
		memcpy(out, probe, sizeof(int) * (size_t)n);
		return n;
	}
	return index_fts_rows(ix, S_ROLE_FTS, match, out, INDEX_ALTS_MAX);
}

static char *
join_words(char **w, int n)
{
	struct buf b = {0};
	int i;

	for (i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? " " : "", w[i]);
	return buf_steal(&b);
}

/* Words that qualify a title without naming a different role. */
static int
is_qualifier(const char *w)
{
	static const char *const q[] = {
		"senior", "sr", "junior", "jr", "lead", "principal", "staff",
		"level", "mid", "entry", "experienced", "head", NULL
	};
	int i;

	for (i = 0; q[i]; i++)
		if (strcmp(q[i], w) == 0)
			return 1;
	return 0;
}

/* The words end in a job's head noun ("data analyst"). */
static int
ends_in_head(char **w, int n)
{
	char *key = text_key(w[n - 1]);
	int head = index_job_head(key);

	free(key);
	return head;
}

/* The whole of w read as one role's name; 1 on a decision. */
static int
read_role(struct index *ix, char **w, int n, struct role_hit *hit)
{
	struct name_reader *rd = index_reader(ix, w, n, NULL);
	struct name_read r;
	int i, found = 0;

	if (index_read_name(ix, rd, 0, &r) == n && r.nroles > 0) {
		found = 1;
		if (r.nroles == 1) {
			hit->role = r.roles[0];
			hit->corrected = r.cost > 0 && !r.typed;
		} else {
			hit->ambiguous = 1;
			for (i = 0; i < r.nroles; i++)
				hit->alts[hit->nalts++] = r.roles[i];
		}
	}
	index_reader_free(rd);
	return found;
}

/*
 * A role whose title or aliases hold every word ("cybersecurity",
 * "architect": one, or the several it may be); 1 on a decision.  Words
 * that end in a head noun are a job title of their own: a role that
 * merely holds them is another job.
 */
static int
match_words(struct index *ix, char **w, int n, struct role_hit *hit)
{
	struct buf q = {0};
	int rows[INDEX_ALTS_MAX], nrows, i;

	if (n > 1 && ends_in_head(w, n))
		return 0;
	index_fts_expr(&q, "{title aliases}", w, n, 0);
	nrows = ranked_rows(ix, buf_str(&q), rows);
	buf_free(&q);
	if (nrows == 1) {
		hit->role = &ix->kb->roles[rows[0]];
		return 1;
	}
	if (nrows > 1) {
		hit->ambiguous = 1;
		for (i = 0; i < nrows; i++)
			hit->alts[hit->nalts++] = &ix->kb->roles[rows[i]];
		return 1;
	}
	return 0;
}

/*
 * The closest covered roles: those whose titles or aliases share a word,
 * then those whose skills or descriptions do ("penetration"); the head
 * noun counts last, as every engineer shares "engineer".
 */
static void
near_roles(struct index *ix, char **words, int nwords, struct role_hit *hit)
{
	struct buf q = {0};
	char *w[INDEX_QUERY_WORDS];
	int rows[INDEX_ALTS_MAX], nrows = 0, n = 0, m, i, k;

	/* a letter alone ("%s%n" leaves "s n") is no word of a job */
	for (i = 0; i < nwords && n < INDEX_QUERY_WORDS; i++)
		if (words[i][0] != '\0' && words[i][1] != '\0')
			w[n++] = words[i];
	if (n == 0)
		return;
	m = n;
	if (n > 1 && ends_in_head(w, n))
		m = n - 1;
	index_fts_expr(&q, "{title aliases}", w, m, 1);
	nrows = ranked_rows(ix, buf_str(&q), rows);
	/* in the descriptions, "it" or "ai" is in every other sentence
	 * (only w[0..m) is rewritten: the head stays last) */
	for (i = k = 0; i < m; i++)
		if (strlen(w[i]) > 2)
			w[k++] = w[i];
	if (nrows == 0 && k > 0) {
		buf_reset(&q);
		index_fts_expr(&q, NULL, w, k, 1);
		nrows = ranked_rows(ix, buf_str(&q), rows);
	}
	if (nrows == 0 && m < n) {
		buf_reset(&q);
		index_fts_expr(&q, "{title aliases}", &w[n - 1], 1, 1);
		nrows = ranked_rows(ix, buf_str(&q), rows);
	}
	buf_free(&q);
	for (i = 0; i < nrows; i++)
		hit->alts[hit->nalts++] = &ix->kb->roles[rows[i]];
}

void
index_find_role(struct index *ix, const char *text, struct role_hit *hit)
{
	char *norm = text_norm(text, strlen(text));
	char *w[INDEX_QUERY_WORDS + 1], *owned[INDEX_QUERY_WORDS] = {0};
	char *kept[INDEX_QUERY_WORDS];
	int n, i, nk = 0, changed = 0;

	memset(hit, 0, sizeof(*hit));
	n = text_words(norm, w, INDEX_QUERY_WORDS + 1);
	if (n == 0 || n > INDEX_QUERY_WORDS)
		goto out;
	if (read_role(ix, w, n, hit))
		goto out;
	for (i = 0; i < n; i++)
		if (!is_qualifier(w[i]))
			kept[nk++] = w[i];
	if (nk == 0)
		goto out;
	if (nk < n && read_role(ix, kept, nk, hit))
		goto out;
	if (match_words(ix, kept, nk, hit))
		goto out;
	for (i = 0; i < nk; i++)
		changed += typo_correct(ix->rtypo, &kept[i], &owned[i]);
	if (changed && match_words(ix, kept, nk, hit)) {
		hit->corrected = hit->role != NULL;
		goto out;
	}
	/* nothing: the roles closest to it, as different jobs */
	near_roles(ix, kept, nk, hit);
out:
	for (i = 0; i < INDEX_QUERY_WORDS; i++)
		free(owned[i]);
	free(norm);
}

void
index_near_roles(struct index *ix, const char *text, struct role_hit *hit)
{
	char *norm = text_norm(text, strlen(text));
	char *w[INDEX_QUERY_WORDS + 1], *kept[INDEX_QUERY_WORDS];
	int n, i, nk = 0;

	memset(hit, 0, sizeof(*hit));
	n = text_words(norm, w, INDEX_QUERY_WORDS + 1);
	if (n > 0 && n <= INDEX_QUERY_WORDS && !read_role(ix, w, n, hit)) {
		for (i = 0; i < n; i++)
			if (!is_qualifier(w[i]))
				kept[nk++] = w[i];
		if (nk > 0)
			near_roles(ix, kept, nk, hit);
	}
	if (hit->role) {
		/* read as one role where the parser did not: still only
		 * the closest */
		hit->alts[0] = hit->role;
		hit->nalts = 1;
		hit->role = NULL;
		hit->corrected = 0;
	}
	free(norm);
}

int
index_find_category(struct index *ix, const char *text)
{
	char *norm = text_norm(text, strlen(text)), *key = text_key(norm);
	int t = index_lookup_name(ix, key, NAME_CATEGORY);

	free(norm);
	free(key);
	return t;
}

int
index_find_skills(struct index *ix, const char *text, int *out, int max)
{
	char *norm = text_norm(text, strlen(text)), *key;
	char *w[INDEX_QUERY_WORDS + 1], *owned[INDEX_QUERY_WORDS] = {0};
	struct buf q = {0};
	int n = 0, nw, i, changed = 0, t;

	key = text_key(norm);
	t = index_lookup_name(ix, key, NAME_SKILL);
	free(key);
	if (t >= 0 && max > 0) {
		out[0] = t;
		free(norm);
		return 1;
	}
	nw = text_words(norm, w, INDEX_QUERY_WORDS + 1);
	if (nw == 0 || nw > INDEX_QUERY_WORDS)
		goto out;
	index_fts_expr(&q, NULL, w, nw, 0);
	n = index_fts_rows(ix, S_SKILL_FTS, buf_str(&q), out, max);
	if (n > 0)
		goto out;
	for (i = 0; i < nw; i++)
		changed += typo_correct(ix->stypo, &w[i], &owned[i]);
	if (changed) {
		char *joined = join_words(w, nw);

		key = text_key(joined);
		free(joined);
		t = index_lookup_name(ix, key, NAME_SKILL);
		free(key);
		if (t >= 0 && max > 0) {
			out[0] = t;
			n = 1;
			goto out;
		}
		buf_reset(&q);
		index_fts_expr(&q, NULL, w, nw, 0);
		n = index_fts_rows(ix, S_SKILL_FTS, buf_str(&q), out, max);
	}
out:
	buf_free(&q);
	for (i = 0; i < INDEX_QUERY_WORDS; i++)
		free(owned[i]);
	free(norm);
	return n;
}

static int
cmp_role_ptr(const void *a, const void *b)
{
	const struct kb_role *x = *(const struct kb_role *const *)a;
	const struct kb_role *y = *(const struct kb_role *const *)b;

	return x < y ? -1 : x > y;
}

int
index_roles_with_skills(struct index *ix, const int *skills, int nskills,
    const struct kb_role **out, int max)
{
	sqlite3_stmt *st = ix->st[S_ROLE_SKILL];
	int n = 0, i, j, dup;

	for (i = 0; i < nskills; i++) {
		sqlite3_bind_int(st, 1, skills[i] + 1);
		while (n < max && sqlite3_step(st) == SQLITE_ROW) {
			const struct kb_role *r =
			    &ix->kb->roles[sqlite3_column_int(st, 0) - 1];

			for (dup = 0, j = 0; j < n && !dup; j++)
				dup = out[j] == r;
			if (!dup)
				out[n++] = r;
		}
		sqlite3_reset(st);
	}
	qsort(out, (size_t)n, sizeof(*out), cmp_role_ptr);
	return n;
}

int
index_rank(struct index *ix, enum measure m, int asc, long bound,
    const struct kb_role **out, int max)
{
	static const enum stmt_id ids[2][3] = {
		{ S_RANK_MID, S_RANK_MIN, S_RANK_MAX },
		{ S_RANK_MID_ASC, S_RANK_MIN_ASC, S_RANK_MAX_ASC },
	};
	sqlite3_stmt *st = ix->st[ids[asc ? 1 : 0][m]];
	int n = 0;

	sqlite3_bind_int64(st, 1, bound);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = &ix->kb->roles[sqlite3_column_int(st, 0) - 1];
	sqlite3_reset(st);
	return n;
}

long
measure_x2(const struct kb_role *r, enum measure m)
{
	const struct kb_pay *p = &r->figure->pay;

	switch (m) {
	case MEASURE_MIN:
		return 2 * p->min;
	case MEASURE_MAX:
		return 2 * p->max;
	default:
		return p->min + p->max;
	}
}
