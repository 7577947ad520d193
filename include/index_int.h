/*
 * index_int.h -- what the index's parts share (bot/index*.c); private.
 *
 *   index.c           the index object: opened from a cache file or built
 *                     in memory, its statements
 *   index_fts.c       FTS5 queries: user words as quoted FTS5 strings
 *   index_build.c     the schema, and the tables built from a kb
 *   index_typo.c      typo keys: one-edit deletions (index_typo.h)
 *   index_names.c     the names, in memory, span by span
 *   index_read.c      reading a name as people type it
 *   index_roles.c     roles, skills and categories from a command's text
 *   index_passages.c  the guides cut into passages, and their search
 *   index_bm25.c      the passages ranked in memory (index_bm25.h)
 *
 * Calls go down the list's dependencies, never back: index.c opens with
 * index_build.c, index_typo.c, index_names.c and index_bm25.c; the
 * look-ups use index_fts.c, index_names.c and index_typo.c; none calls
 * index.c.  rid is a role's index in kb->roles plus one, sid a skill's
 * plus one.  Nothing outside bot/index*.c includes this header.
 */
#ifndef TECHPAY_INDEX_INT_H
#define TECHPAY_INDEX_INT_H

#include <stddef.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"

/* a cache of another schema is rebuilt */
#define SCHEMA_VERSION	"9"

/* The statements an index keeps prepared (index.c's stmt_sql). */
enum stmt_id {
	S_ROLE_FTS, S_ROLE_FTS_ANY, S_SKILL_FTS, S_ROLE_SKILL, S_RANK_MID,
	S_RANK_MIN, S_RANK_MAX, S_RANK_MID_ASC, S_RANK_MIN_ASC,
	S_RANK_MAX_ASC, S_PASSAGE, S_PASSAGE_ROW, S_COUNT
};

/*
 * The name and nword tables, in memory: the question parser asks two or
 * three of them for every word of a message ("is this a name, does a
 * longer one start here"), and an SQL statement costs a microsecond or
 * two each time.  Both are sorted as SQLite sorts them (bytes).
 */
struct nameent {
	size_t		 key;		/* offset in pool */
	int		 kind, target;
};

struct names {
	struct nameent	*ent;		/* by key, then kind */
	int		 n;
	size_t		*words;		/* nword: offsets in pool */
	int		 nwords;
	struct buf	 pool;
};

struct index {
	const struct kb	*kb;
	sqlite3		*db;
	sqlite3_stmt	*st[S_COUNT];
	int		 from_cache;
	struct typo	*rtypo, *stypo;	/* role and skill name words */
	struct names	 names;
	struct pindex	*pix;		/* NULL: FTS5 ranks passages */
};

/* index_fts.c */
/* MATCH expression over words: AND (all) or OR (any), within columns
 * (NULL: all); each word an FTS5 string, so no input is syntax. */
void		 index_fts_expr(struct buf *, const char *cols, char **w,
		    int n, int any);
/* Runs a rowid query; returns how many rowids (minus one) went to out. */
int		 index_fts_rows(struct index *, enum stmt_id,
		    const char *match, int *out, int max);

/* index_build.c */
/* Runs sql; 0, or -1 with err filled. */
int		 index_exec(sqlite3 *, const char *sql, char *err,
		    size_t errlen);
/* Creates and fills every table from kb in db, in one transaction; 0,
 * or -1 with err filled (and nothing written). */
int		 index_build(sqlite3 *, const struct kb *, char *err,
		    size_t errlen);

/* index_passages.c: every sentence and bullet of the guides, through
 * the statements that insert into passage and passage_fts; 0 or -1. */
int		 index_build_passages(const struct kb *, sqlite3_stmt *passage,
		    sqlite3_stmt *pfts);

/* index_names.c */
/* Reads tables name and nword into nm; 0 or -1 (then names_free it). */
int		 names_load(sqlite3 *, struct names *nm);
void		 names_free(struct names *);
/* The target of the name key of that kind, or -1. */
int		 index_lookup_name(struct index *, const char *key,
		    enum name_kind);

#endif
