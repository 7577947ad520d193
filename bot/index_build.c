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
 *   rterm/sterm                 the vocabulary of role/skill names (from
 *                               fts5vocab over the names), whose typo
 *                               keys are made at open (index_typo.c)
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

/*
 * The rows of name, nword and role_skill are gathered in memory and
 * inserted at the end in their primary key's order: appending to a
 * B-tree costs a fraction of inserting at random (a third of the build
 * at 100,000 roles).  INSERT OR IGNORE kept a key's first row; seq says
 * which came first.
 */
struct name_row {
	const char	*key;		/* set once the pool stops growing */
	size_t		 at;		/* the key's offset in the pool */
	size_t		 seq;
	int		 kind, target;
};

struct pair {
	int		 a, b;
};

struct builder {
	sqlite3		*db;
	sqlite3_stmt	*name, *role, *rskill, *rfts, *sfts, *rword, *sword;
	sqlite3_stmt	*nword, *passage, *pfts;
	struct buf	 pool;		/* name keys and words, NUL-separated */
	struct name_row	*names;
	size_t		 nnames, capnames;
	size_t		*words;		/* offsets in pool */
	size_t		 nwords, capwords;
	struct pair	*rskills;	/* (sid, rid) */
	size_t		 nrskills, caprskills;
};

#define GROW(p, n, cap) do {						\
	if ((n) == (cap)) {						\
		(cap) = (cap) ? (cap) * 2 : 1024;			\
		(p) = xrealloc((p), (cap) * sizeof(*(p)));		\
	}								\
} while (0)

static void
add_name(struct builder *b, const char *text, int kind, int target)
{
	char *norm = text_norm(text, strlen(text)), *key = text_key(norm);
	char *w[INDEX_QUERY_WORDS * 2];
	int n, i;

	GROW(b->names, b->nnames, b->capnames);
	b->names[b->nnames].at = b->pool.len;
	b->names[b->nnames].seq = b->nnames;
	b->names[b->nnames].kind = kind;
	b->names[b->nnames++].target = target;
	buf_add(&b->pool, key, strlen(key) + 1);
	n = text_words(key, w, INDEX_QUERY_WORDS * 2);
	for (i = 0; i < n; i++) {
		GROW(b->words, b->nwords, b->capwords);
		b->words[b->nwords++] = b->pool.len;
		buf_add(&b->pool, w[i], strlen(w[i]) + 1);
	}
	free(norm);
	free(key);
}

static int
cmp_name_row(const void *x, const void *y)
{
	const struct name_row *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c == 0)
		c = (a->kind > b->kind) - (a->kind < b->kind);
	return c ? c : (a->seq > b->seq) - (a->seq < b->seq);
}

static int
cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int
cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return (a->b > b->b) - (a->b < b->b);
}

static int
step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The gathered rows, each table in its key's order; 0 or -1. */
static int
flush_rows(struct builder *b)
{
	const char **w = xcalloc(b->nwords + 1, sizeof(*w));
	size_t i;
	int rc = 0;

	for (i = 0; i < b->nnames; i++)
		b->names[i].key = b->pool.s + b->names[i].at;
	if (b->nnames > 0)
		qsort(b->names, b->nnames, sizeof(*b->names), cmp_name_row);
	for (i = 0; i < b->nnames && rc == 0; i++) {
		if (i > 0 && b->names[i].kind == b->names[i - 1].kind &&
		    strcmp(b->names[i].key, b->names[i - 1].key) == 0)
			continue;	/* a repeated key of one record */
		sqlite3_bind_text(b->name, 1, b->names[i].key, -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(b->name, 2, b->names[i].kind);
		sqlite3_bind_int(b->name, 3, b->names[i].target);
		rc = step(b->name);
	}
	for (i = 0; i < b->nwords; i++)
		w[i] = b->pool.s + b->words[i];
	if (b->nwords > 0)
		qsort(w, b->nwords, sizeof(*w), cmp_str);
	for (i = 0; i < b->nwords && rc == 0; i++) {
		if (i > 0 && strcmp(w[i], w[i - 1]) == 0)
			continue;	/* known words */
		sqlite3_bind_text(b->nword, 1, w[i], -1, SQLITE_STATIC);
		rc = step(b->nword);
	}
	free(w);
	if (b->nrskills > 0)
		qsort(b->rskills, b->nrskills, sizeof(*b->rskills), cmp_pair);
	for (i = 0; i < b->nrskills && rc == 0; i++) {
		if (i > 0 && cmp_pair(&b->rskills[i], &b->rskills[i - 1]) == 0)
			continue;	/* a skill a role lists twice */
		sqlite3_bind_int(b->rskill, 1, b->rskills[i].a);
		sqlite3_bind_int(b->rskill, 2, b->rskills[i].b);
		rc = step(b->rskill);
	}
	return rc;
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
		if (j)
			buf_puts(&aliases, " | ");
		buf_puts(&aliases, r->aliases[j]);
	}
	for (j = 0; j < r->nsrc; j++) {
		const struct kb_role_source *s = &r->src[j];

		if (strcmp(s->title, r->title) != 0) {
			buf_puts(&title, " | ");
			buf_puts(&title, s->title);
			add_name(b, s->title, NAME_ROLE, i);
		}
		buf_puts(&desc, s->description);
		buf_putc(&desc, ' ');
		buf_puts(&desc, s->summary);
		buf_putc(&desc, ' ');
		for (k = 0; k < s->nresp; k++) {
			buf_puts(&desc, s->resp[k]);
			buf_putc(&desc, ' ');
		}
		for (k = 0; k < s->nskills; k++) {
			buf_puts(&skills, s->skills[k].text);
			buf_puts(&skills, " | ");
			for (m = 0; m < s->skills[k].nrefs; m++) {
				int sid = s->skills[k].refs[m];

				buf_puts(&skills, kb->skills[sid].name);
				buf_puts(&skills, " | ");
				buf_puts(&texts[sid], s->skills[k].text);
				buf_puts(&texts[sid], " | ");
				GROW(b->rskills, b->nrskills, b->caprskills);
				b->rskills[b->nrskills].a = sid + 1;
				b->rskills[b->nrskills++].b = i + 1;
			}
		}
	}
	/* the vocabulary wants the words, not one row per name */
	buf_puts(&title, " | ");
	buf_puts(&title, buf_str(&aliases));
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
		buf_puts(&aliases, s->aliases[j]);
		buf_puts(&aliases, " | ");
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
	if (flush_rows(&b) == -1 ||
	    index_build_passages(kb, b.passage, b.pfts) == -1)
		goto out_texts;
	if (index_exec(db, index_sql, err, errlen) == -1)
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
	buf_free(&b.pool);
	free(b.names);
	free(b.words);
	free(b.rskills);
	if (rc == -1)
		sqlite3_exec(db, "ROLLBACK;", NULL, NULL, NULL);
	return rc;
}
