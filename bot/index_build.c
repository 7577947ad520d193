/*
 * index_build.c -- the index's schema, and its tables built from a kb.
 *
 * Tables:
 *   name(key, kind, target)     exact lookup keys (text_key of every title,
 *                               alias and skill/category name)
 *   role(rid, pmin, pmax, psum, open)  the figure each role is ranked by
 *   role_skill(sid, rid)        which roles list which skill
 *   role_fts                    FTS5, porter stemming: title, aliases,
 *                               skills, description (bm25 weights 10/8/3/1)
 *   skill_fts                   FTS5 keeping '+' and '#' in tokens ("c++")
 *   nword(w)                    every word of every name key (name and
 *                               nword are read into memory at open:
 *                               index_names.c)
 *   passage(pid, src, line, rid, quote), passage_fts(text, about)
 *                               each sentence and bullet of the guides
 *                               (index_passages.c), ranked in memory
 *                               from passage_fts's postings (passage_inst,
 *                               an fts5vocab read at open: index_bm25.c)
 *   rterm/sterm, rdel/sdel      the vocabulary of role/skill names (from
 *                               fts5vocab over the names) and its typo
 *                               keys (index_typo.c)
 *
 * rid is the role's index in kb->roles plus one, sid the skill's plus one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_int.h"
#include "index_typo.h"
#include "text.h"

static const char schema_sql[] =
    "CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;"
    "CREATE TABLE name(key TEXT, kind INT, target INT,"
    "  PRIMARY KEY(key, kind)) WITHOUT ROWID;"
    "CREATE TABLE role(rid INTEGER PRIMARY KEY, pmin INT, pmax INT,"
    "  psum INT, open INT);"
    "CREATE TABLE role_skill(sid INT, rid INT, PRIMARY KEY(sid, rid))"
    "  WITHOUT ROWID;"
    /* contentless (content = ''): only rowids and bm25 are read, and
     * a copy of every text would be most of the database in memory */
    "CREATE VIRTUAL TABLE role_fts USING fts5(title, aliases, skills,"
    "  description, content = '',"
    "  tokenize = 'porter unicode61 remove_diacritics 2');"
    "CREATE VIRTUAL TABLE skill_fts USING fts5(name, aliases, texts,"
    "  content = '',"
    "  tokenize = \"unicode61 remove_diacritics 2 tokenchars '+#'\");"
    "CREATE TABLE nword(w TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TABLE passage(pid INTEGER PRIMARY KEY, src INT, line INT,"
    "  rid INT, quote TEXT);"
    /* the tokenizer of pindex_tokenizer */
    "CREATE VIRTUAL TABLE passage_fts USING fts5(text, about,"
    "  content = '', tokenize = 'porter unicode61 remove_diacritics 2');"
    "CREATE VIRTUAL TABLE rword USING fts5(w,"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    "CREATE VIRTUAL TABLE sword USING fts5(w,"
    "  tokenize = \"unicode61 remove_diacritics 2 tokenchars '+#'\");";

static const char index_sql[] =
    "CREATE INDEX role_pmin ON role(pmin, rid);"
    "CREATE INDEX role_pmax ON role(pmax, rid);"
    "CREATE INDEX role_psum ON role(psum, rid);"
    "CREATE VIRTUAL TABLE rword_v USING fts5vocab(rword, 'row');"
    "CREATE VIRTUAL TABLE sword_v USING fts5vocab(sword, 'row');"
    "CREATE TABLE rterm(term TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TABLE sterm(term TEXT PRIMARY KEY) WITHOUT ROWID;"
    "INSERT INTO rterm SELECT term FROM rword_v;"
    "INSERT INTO sterm SELECT term FROM sword_v;"
    "CREATE TABLE rdel(del TEXT, term TEXT, PRIMARY KEY(del, term))"
    "  WITHOUT ROWID;"
    "CREATE TABLE sdel(del TEXT, term TEXT, PRIMARY KEY(del, term))"
    "  WITHOUT ROWID;"
    "DROP TABLE rword_v; DROP TABLE sword_v;"
    "DROP TABLE rword; DROP TABLE sword;"
    /* kept: read at open (pindex_load), no temp schema needed */
    "CREATE VIRTUAL TABLE passage_inst USING"
    "  fts5vocab(passage_fts, 'instance');";

int
index_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "index: %s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* ---- building ------------------------------------------------------- */

struct builder {
	sqlite3		*db;
	sqlite3_stmt	*name, *role, *rskill, *rfts, *sfts, *rword, *sword;
	sqlite3_stmt	*nword, *passage, *pfts;
};

static void
add_name(struct builder *b, const char *text, int kind, int target)
{
	char *norm = text_norm(text, strlen(text)), *key = text_key(norm);
	char *w[INDEX_QUERY_WORDS * 2];
	int n, i;

	sqlite3_bind_text(b->name, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(b->name, 2, kind);
	sqlite3_bind_int(b->name, 3, target);
	sqlite3_step(b->name);	/* a repeated key of one record is fine */
	sqlite3_reset(b->name);
	n = text_words(key, w, INDEX_QUERY_WORDS * 2);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(b->nword, 1, w[i], -1, SQLITE_STATIC);
		sqlite3_step(b->nword);		/* known words are ignored */
		sqlite3_reset(b->nword);
	}
	free(norm);
	free(key);
}

static void
add_word(sqlite3_stmt *st, const char *text)
{
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_reset(st);
}

static int
build_role(struct builder *b, const struct kb *kb, int i, struct buf *texts)
{
	const struct kb_role *r = &kb->roles[i];
	struct buf title = {0}, aliases = {0}, skills = {0}, desc = {0};
	int j, k, m, rc;

	buf_puts(&title, r->title);
	add_name(b, r->title, NAME_ROLE, i);
	for (j = 0; j < r->naliases; j++) {
		add_name(b, r->aliases[j], NAME_ROLE, i);
		buf_printf(&aliases, "%s%s", j ? " | " : "", r->aliases[j]);
	}
	for (j = 0; j < r->nsrc; j++) {
		const struct kb_role_source *s = &r->src[j];

		if (strcmp(s->title, r->title) != 0) {
			buf_printf(&title, " | %s", s->title);
			add_name(b, s->title, NAME_ROLE, i);
		}
		buf_printf(&desc, "%s %s ", s->description, s->summary);
		for (k = 0; k < s->nresp; k++)
			buf_printf(&desc, "%s ", s->resp[k]);
		for (k = 0; k < s->nskills; k++) {
			buf_printf(&skills, "%s | ", s->skills[k].text);
			for (m = 0; m < s->skills[k].nrefs; m++) {
				int sid = s->skills[k].refs[m];

				buf_printf(&skills, "%s | ", kb->skills[sid].name);
				buf_printf(&texts[sid], "%s | ",
				    s->skills[k].text);
				sqlite3_bind_int(b->rskill, 1, sid + 1);
				sqlite3_bind_int(b->rskill, 2, i + 1);
				sqlite3_step(b->rskill);	/* dups ignored */
				sqlite3_reset(b->rskill);
			}
		}
	}
	/* the vocabulary wants the words, not one row per name */
	buf_printf(&title, " | %s", buf_str(&aliases));
	add_word(b->rword, buf_str(&title));
	buf_truncate(&title, title.len - aliases.len - 3);
	sqlite3_bind_int(b->rfts, 1, i + 1);
	sqlite3_bind_text(b->rfts, 2, buf_str(&title), -1, SQLITE_STATIC);
	sqlite3_bind_text(b->rfts, 3, buf_str(&aliases), -1, SQLITE_STATIC);
	sqlite3_bind_text(b->rfts, 4, buf_str(&skills), -1, SQLITE_STATIC);
	sqlite3_bind_text(b->rfts, 5, buf_str(&desc), -1, SQLITE_STATIC);
	rc = sqlite3_step(b->rfts);
	sqlite3_reset(b->rfts);
	buf_free(&title);
	buf_free(&aliases);
	buf_free(&skills);
	buf_free(&desc);
	if (rc != SQLITE_DONE)
		return -1;
	if (r->figure) {
		const struct kb_pay *p = &r->figure->pay;

		sqlite3_bind_int(b->role, 1, i + 1);
		sqlite3_bind_int64(b->role, 2, p->min);
		sqlite3_bind_int64(b->role, 3, p->max);
		sqlite3_bind_int64(b->role, 4, p->min + p->max);
		sqlite3_bind_int(b->role, 5, p->open_ended);
		rc = sqlite3_step(b->role);
		sqlite3_reset(b->role);
		if (rc != SQLITE_DONE)
			return -1;
	}
	return 0;
}

/* A skill's names and its row of skill_fts; texts: how roles write it. */
static int
build_skill(struct builder *b, const struct kb *kb, int i,
    const struct buf *texts)
{
	const struct kb_skill *s = &kb->skills[i];
	struct buf aliases = {0};
	int j, rc;

	add_name(b, s->name, NAME_SKILL, i);
	add_word(b->sword, s->name);
	for (j = 0; j < s->naliases; j++) {
		add_name(b, s->aliases[j], NAME_SKILL, i);
		add_word(b->sword, s->aliases[j]);
		buf_printf(&aliases, "%s | ", s->aliases[j]);
	}
	sqlite3_bind_int(b->sfts, 1, i + 1);
	sqlite3_bind_text(b->sfts, 2, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->sfts, 3, buf_str(&aliases), -1, SQLITE_STATIC);
	sqlite3_bind_text(b->sfts, 4, buf_str(texts), -1, SQLITE_STATIC);
	rc = sqlite3_step(b->sfts);
	sqlite3_reset(b->sfts);
	buf_free(&aliases);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
index_build(sqlite3 *db, const struct kb *kb, char *err, size_t errlen)
{
	struct builder b = { .db = db };
	struct buf *texts;
	char hash[32];
	int i, j, rc = -1;

	if (index_exec(db, "BEGIN;", err, errlen) == -1 ||
	    index_exec(db, schema_sql, err, errlen) == -1)
		return -1;
#define PREP(st, sql) \
	if (sqlite3_prepare_v2(db, sql, -1, &b.st, NULL) != SQLITE_OK) \
		goto out
	PREP(name, "INSERT OR IGNORE INTO name VALUES(?, ?, ?)");
	PREP(role, "INSERT INTO role VALUES(?, ?, ?, ?, ?)");
	PREP(rskill, "INSERT OR IGNORE INTO role_skill VALUES(?, ?)");
	PREP(rfts, "INSERT INTO role_fts(rowid, title, aliases, skills,"
	    " description) VALUES(?, ?, ?, ?, ?)");
	PREP(sfts, "INSERT INTO skill_fts(rowid, name, aliases, texts)"
	    " VALUES(?, ?, ?, ?)");
	PREP(rword, "INSERT INTO rword(w) VALUES(?)");
	PREP(sword, "INSERT INTO sword(w) VALUES(?)");
	PREP(nword, "INSERT OR IGNORE INTO nword VALUES(?)");
	PREP(passage, "INSERT INTO passage VALUES(?, ?, ?, ?, ?)");
	PREP(pfts, "INSERT INTO passage_fts(rowid, text, about)"
	    " VALUES(?, ?, ?)");
#undef PREP
	texts = xcalloc((size_t)kb->nskills + 1, sizeof(*texts));
	for (i = 0; i < kb->nroles; i++)
		if (build_role(&b, kb, i, texts) == -1)
			goto out_texts;
	for (i = 0; i < kb->nskills; i++)
		if (build_skill(&b, kb, i, &texts[i]) == -1)
			goto out_texts;
	for (i = 0; i < kb->ncategories; i++) {
		const struct kb_category *c = &kb->categories[i];

		add_name(&b, c->name, NAME_CATEGORY, i);
		for (j = 0; j < c->naliases; j++)
			add_name(&b, c->aliases[j], NAME_CATEGORY, i);
	}
	if (index_build_passages(kb, b.passage, b.pfts) == -1)
		goto out_texts;
	if (index_exec(db, index_sql, err, errlen) == -1 ||
	    typo_build(db, "rterm", "rdel") == -1 ||
	    typo_build(db, "sterm", "sdel") == -1)
		goto out_texts;
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)kb->hash);
	{
		char sql[160];

		snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES"
		    "('hash', '%s'), ('schema', '" SCHEMA_VERSION "');", hash);
		if (index_exec(db, sql, err, errlen) == -1)
			goto out_texts;
	}
	rc = index_exec(db, "COMMIT;", err, errlen);
out_texts:
	for (i = 0; i < kb->nskills; i++)
		buf_free(&texts[i]);
	free(texts);
out:
	if (rc == -1 && err[0] == '\0')
		snprintf(err, errlen, "index: %s", sqlite3_errmsg(db));
	sqlite3_finalize(b.name);
	sqlite3_finalize(b.role);
	sqlite3_finalize(b.rskill);
	sqlite3_finalize(b.rfts);
	sqlite3_finalize(b.sfts);
	sqlite3_finalize(b.rword);
	sqlite3_finalize(b.sword);
	sqlite3_finalize(b.nword);
	sqlite3_finalize(b.passage);
	sqlite3_finalize(b.pfts);
	if (rc == -1)
		sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}
