/*
 * index.c -- the index object: compiles the kb into SQLite (in memory, or
 * in a cache file that is rebuilt whenever the knowledge changes), and
 * keeps its statements prepared.
 *
 * The tables and how they are built: index_build.c.  The lookups, by
 * concern: index_names.c, index_read.c, index_roles.c, index_passages.c
 * (index_int.h lists them).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_bm25.h"
#include "index_int.h"
#include "index_typo.h"
#include "log.h"

static const char *const stmt_sql[S_COUNT] = {
	[S_ROLE_FTS] = "SELECT rowid FROM role_fts WHERE role_fts MATCH ?1"
	    " ORDER BY bm25(role_fts, 10.0, 8.0, 3.0, 1.0) LIMIT ?2",
	/* unranked: stops at ?2 rows however many match */
	[S_ROLE_FTS_ANY] = "SELECT rowid FROM role_fts WHERE role_fts MATCH ?1"
	    " LIMIT ?2",
	[S_SKILL_FTS] = "SELECT rowid FROM skill_fts WHERE skill_fts MATCH ?1"
	    " ORDER BY bm25(skill_fts, 10.0, 8.0, 1.0) LIMIT ?2",
	[S_ROLE_SKILL] = "SELECT rid FROM role_skill WHERE sid = ?1",
	[S_RANK_MID] = "SELECT rid FROM role WHERE (?1 = 0 OR psum > 2 * ?1)"
	    " ORDER BY psum DESC, rid DESC LIMIT ?2",
	[S_RANK_MIN] = "SELECT rid FROM role WHERE (?1 = 0 OR pmin > ?1)"
	    " ORDER BY pmin DESC, rid DESC LIMIT ?2",
	[S_RANK_MAX] = "SELECT rid FROM role WHERE (?1 = 0 OR pmax > ?1"
	    " OR (open = 1 AND pmax >= ?1)) ORDER BY pmax DESC, rid DESC LIMIT ?2",
	[S_RANK_MID_ASC] = "SELECT rid FROM role WHERE (?1 = 0 OR psum < 2 * ?1)"
	    " ORDER BY psum ASC, rid LIMIT ?2",
	[S_RANK_MIN_ASC] = "SELECT rid FROM role WHERE (?1 = 0 OR pmin < ?1)"
	    " ORDER BY pmin ASC, rid LIMIT ?2",
	[S_RANK_MAX_ASC] = "SELECT rid FROM role WHERE (?1 = 0 OR"
	    " (pmax < ?1 AND open = 0)) ORDER BY pmax ASC, rid LIMIT ?2",
	/* the best few first, then only their rows (a join would look up
	 * every match); a role's part is a token of about ("rid7") */
	[S_PASSAGE] = "SELECT rowid, bm25(passage_fts, 1.0, 0.4) AS score"
	    " FROM passage_fts WHERE passage_fts MATCH ?1"
	    " ORDER BY score LIMIT ?2",
	[S_PASSAGE_ROW] = "SELECT src, line, rid, quote FROM passage"
	    " WHERE pid = ?1",
};


/* 1 if the cache at db holds an index of exactly this kb. */
static int
cache_fresh(sqlite3 *db, const struct kb *kb)
{
	sqlite3_stmt *st;
	char want[32];
	int fresh = 0;

	snprintf(want, sizeof(want), "%016llx", (unsigned long long)kb->hash);
	if (sqlite3_prepare_v2(db, "SELECT (SELECT v FROM meta WHERE k = "
	    "'hash'), (SELECT v FROM meta WHERE k = 'schema')", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) && sqlite3_column_text(st, 1) &&
	    strcmp((const char *)sqlite3_column_text(st, 0), want) == 0 &&
	    strcmp((const char *)sqlite3_column_text(st, 1),
	    SCHEMA_VERSION) == 0)
		fresh = 1;
	sqlite3_finalize(st);
	return fresh;
}

/*
 * 1 if every id in the cache fits this kb.  The hash and schema in meta
 * are computable from the public knowledge, so a cache someone else
 * could write proves nothing; the ids are what the answer path indexes
 * kb arrays with.  One pass over a few hundred rows, at open only.
 */
static int
cache_valid(sqlite3 *db, const struct kb *kb)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM name WHERE NOT ("
	    "   (kind = 0 AND target BETWEEN 0 AND ?1 - 1) OR"
	    "   (kind = 1 AND target BETWEEN 0 AND ?2 - 1) OR"
	    "   (kind = 2 AND target BETWEEN 0 AND ?3 - 1)))"
	    " + (SELECT count(*) FROM role WHERE rid NOT BETWEEN 1 AND ?1)"
	    " + (SELECT count(*) FROM role_skill WHERE"
	    "   rid NOT BETWEEN 1 AND ?1 OR sid NOT BETWEEN 1 AND ?2)"
	    " + (SELECT count(*) FROM passage WHERE rid NOT BETWEEN 0 AND ?1"
	    "   OR src NOT BETWEEN 0 AND ?4 - 1 OR line < 0)"
	    " + (SELECT count(*) FROM role_fts WHERE rowid NOT BETWEEN 1 AND ?1)"
	    " + (SELECT count(*) FROM skill_fts WHERE rowid NOT BETWEEN 1 AND ?2)"
	    " + (SELECT count(*) FROM passage_fts WHERE rowid NOT IN"
	    "   (SELECT pid FROM passage))";
	sqlite3_stmt *st;
	int ok = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, kb->nroles);
	sqlite3_bind_int(st, 2, kb->nskills);
	sqlite3_bind_int(st, 3, kb->ncategories);
	sqlite3_bind_int(st, 4, kb->nsources);
	ok = sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_type(st, 0) == SQLITE_INTEGER &&
	    sqlite3_column_int64(st, 0) == 0;
	sqlite3_finalize(st);
	return ok;
}

/*
 * An existing cache must be a regular file of ours that nobody else can
 * write; 0, or -1 with err filled.  A missing one is fine (it is built).
 */
static int
cache_owned(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : (snprintf(err, errlen,
		    "index cache %s: %s", path, strerror(errno)), -1);
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "index cache %s: %s; remove it (it is "
		    "rebuilt) or chmod go-w it", path, !S_ISREG(st.st_mode) ?
		    "not a regular file (a symlink?)" : st.st_uid != geteuid() ?
		    "owned by another user" : "others can write it");
		return -1;
	}
	return 0;
}

/*
 * Opens the cache read-only if it is fresh; otherwise builds a new one
 * beside it and renames it into place, so a crash mid-build never leaves
 * a half-built cache behind.
 */
static sqlite3 *
open_cache(struct index *ix, const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	char tmp[4096];
	int fd;

	if (cache_owned(path, err, errlen) == -1)
		return NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOFOLLOW, NULL) == SQLITE_OK &&
	    cache_fresh(db, ix->kb)) {
		if (cache_valid(db, ix->kb)) {
			ix->from_cache = 1;
			return db;
		}
		log_warn("index cache %s: ids that do not fit the knowledge; "
		    "rebuilding it", path);
	}
	sqlite3_close(db);
	db = NULL;
	/* a fresh file of our own: no symlink or file planted at the name */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "index: %s: %s", tmp, strerror(errno));
		return NULL;
	}
	close(fd);
	if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "index: %s: %s", tmp,
		    db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return NULL;
	}
	index_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
	    err, errlen);
	if (index_build(db, ix->kb, err, errlen) == -1) {
		sqlite3_close(db);
		unlink(tmp);
		return NULL;
	}
	sqlite3_close(db);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "index: cannot rename %s to %s", tmp,
		    path);
		unlink(tmp);
		return NULL;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "index: %s: cannot reopen", path);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

struct index *
index_new(const struct kb *kb, const char *cache_path, char *err,
    size_t errlen)
{
	struct index *ix = xcalloc(1, sizeof(*ix));
	int i;

	err[0] = '\0';
	ix->kb = kb;
	if (cache_path) {
		if ((ix->db = open_cache(ix, cache_path, err, errlen)) == NULL)
			goto fail;
	} else {
		if (sqlite3_open_v2(":memory:", &ix->db, SQLITE_OPEN_READWRITE,
		    NULL) != SQLITE_OK) {
			snprintf(err, errlen, "index: cannot open memory db");
			goto fail;
		}
		if (index_build(ix->db, kb, err, errlen) == -1)
			goto fail;
	}
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(ix->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &ix->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "index: %s",
			    sqlite3_errmsg(ix->db));
			goto fail;
		}
	if ((ix->rtypo = typo_open(ix->db, "rterm", err, errlen)) == NULL ||
	    (ix->stypo = typo_open(ix->db, "sterm", err, errlen)) == NULL)
		goto fail;
	if (names_load(ix->db, &ix->names) == -1) {
		snprintf(err, errlen, "index: %s", sqlite3_errmsg(ix->db));
		goto fail;
	}
	ix->pix = pindex_load(ix->db);
	return ix;
fail:
	index_free(ix);
	return NULL;
}

void
index_free(struct index *ix)
{
	int i;

	if (ix == NULL)
		return;
	for (i = 0; i < S_COUNT; i++)
		sqlite3_finalize(ix->st[i]);
	typo_free(ix->rtypo);
	typo_free(ix->stypo);
	pindex_free(ix->pix);
	names_free(&ix->names);
	sqlite3_close(ix->db);
	free(ix);
}

const struct kb *
index_kb(const struct index *ix)
{
	return ix->kb;
}

int
index_from_cache(const struct index *ix)
{
	return ix->from_cache;
}
