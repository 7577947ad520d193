/*
 * index.c -- compiles the kb into SQLite tables and answers lookups.
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
 *                               struct names)
 *   passage(pid, src, line, rid, quote), passage_fts(text, about)
 *                               each sentence and bullet of the guides,
 *                               with the role whose part it is in (rid 0:
 *                               none) and what it is about (role names,
 *                               heading); quote is what an answer shows.
 *                               Ranked in memory from passage_fts's
 *                               postings (passage_inst, an fts5vocab
 *                               read at open: struct pindex), as bm25
 *                               would.
 *   rterm/sterm                 the vocabulary of role/skill names (from
 *                               fts5vocab over the names)
 *   rdel/sdel                   each vocabulary term under itself and each
 *                               of its one-byte deletions: a typo within
 *                               one edit shares a key with its term, so
 *                               candidates are a few indexed lookups, then
 *                               checked by edit distance (see correct_word
 *                               and typo_terms).
 *
 * rid is the role's index in kb->roles plus one, sid the skill's plus one.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "log.h"
#include "text.h"

#define SCHEMA_VERSION	"8"
#define FUZZ_WORD_MAX	32	/* longer words are not corrected */
#define AMBIGUITY_SCAN	64	/* matches ranked by bm25 at most */

enum stmt_id {
	S_ROLE_FTS, S_ROLE_FTS_ANY, S_RTERM_HAS, S_RDEL, S_STERM_HAS,
	S_SDEL,
	S_SKILL_FTS, S_ROLE_SKILL, S_RANK_MID, S_RANK_MIN, S_RANK_MAX,
	S_RANK_MID_ASC, S_RANK_MIN_ASC, S_RANK_MAX_ASC, S_PASSAGE,
	S_PASSAGE_ROW, S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_ROLE_FTS] = "SELECT rowid FROM role_fts WHERE role_fts MATCH ?1"
	    " ORDER BY bm25(role_fts, 10.0, 8.0, 3.0, 1.0) LIMIT ?2",
	/* unranked: stops at ?2 rows however many match */
	[S_ROLE_FTS_ANY] = "SELECT rowid FROM role_fts WHERE role_fts MATCH ?1"
	    " LIMIT ?2",
	[S_RTERM_HAS] = "SELECT 1 FROM rterm WHERE term = ?1",
	[S_RDEL] = "SELECT term FROM rdel WHERE del = ?1",
	[S_STERM_HAS] = "SELECT 1 FROM sterm WHERE term = ?1",
	[S_SDEL] = "SELECT term FROM sdel WHERE del = ?1",
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

/*
 * The passages, ranked in memory.  FTS5's bm25 looks up each matching
 * row's size with an SQL statement and runs every phrase of the query a
 * second time for its document frequency: most of an answer's time for
 * a question of ten words over a few hundred sentences.  So the postings
 * are read from the index once (fts5vocab), the question's words stemmed
 * with the table's own tokenizer, and the rows scored with bm25's formula
 * in its order of operations: the same ranking and the same scores, to
 * the last bit.  A word the tokenizer splits ("ci/cd" is a phrase) is
 * left to FTS5 (S_PASSAGE).
 */
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

/*
 * A word is corrected by looking up the word and each of its one-byte
 * deletions in rdel or sdel: a dozen SQL probes for a word, nearly all
 * for keys no term has.  A Bloom filter of each table's keys, read at
 * open, turns most of them away without SQL; it is never wrong about a
 * key that is there, so the probes that are made find what they did.
 */
struct bloom {
	uint64_t	*bits;		/* NULL: probe everything */
	uint64_t	 mask;		/* bit count - 1, a power of two */
};

struct index {
	const struct kb	*kb;
	sqlite3		*db;
	sqlite3_stmt	*st[S_COUNT];
	int		 from_cache;
	struct bloom	 rdel, sdel;	/* the keys of rdel and sdel */
	struct names	 names;
	struct pindex	*pix;		/* NULL: FTS5 ranks passages */
};

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

static int	 names_load(sqlite3 *, struct names *);
static void	 bloom_load(sqlite3 *, const char *, struct bloom *);
static struct pindex *pindex_load(sqlite3 *);
static void	 pindex_free(struct pindex *);

struct del_pair {
	char	key[FUZZ_WORD_MAX + 1];
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
static int
build_deletions(sqlite3 *db, const char *vocab, const char *del)
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

		if (n > FUZZ_WORD_MAX)
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
			memcpy(p[np].key, t, i);
			memcpy(p[np].key + i, t + i + (i < n), n - i - (i < n));
			p[np].key[n - (i < n)] = '\0';
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

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
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

/* ---- passages ------------------------------------------------------- */

/* Sentences that lean on the one before: quoted together with it. */
static const char *const leaning[] = {
	"That", "This", "These", "Those", "Such", "It", NULL
};
/* Lean only outside a role's part, where "they" names no one. */
static const char *const leaning_outside[] = { "They", "Their", NULL };

static int
starts_with_word(const char *s, const char *const *words)
{
	size_t n;

	for (; *words; words++) {
		n = strlen(*words);
		if (strncmp(s, *words, n) == 0 && !isalpha((unsigned char)s[n]))
			return 1;
	}
	return 0;
}

/* The role whose heading this line is in source src ("3. Title" or
 * "Title"), or -1. */
static int
heading_role(const struct kb *kb, const struct kb_source *src,
    const char *line)
{
	const char *t = line;
	int i, j;

	while (isdigit((unsigned char)*t))
		t++;
	t = (t > line && t[0] == '.' && t[1] == ' ') ? t + 2 : line;
	for (i = 0; i < kb->nroles; i++)
		for (j = 0; j < kb->roles[i].nsrc; j++)
			if (kb->roles[i].src[j].source == src &&
			    strcmp(kb->roles[i].src[j].title, t) == 0)
				return i;
	return -1;
}

/* A heading: short, and no sentence punctuation at its end. */
static int
is_heading(const char *line, size_t n)
{
	size_t i;
	int words = 1;

	if (n == 0 || strchr(".!?:;\")", line[n - 1]) ||
	    (unsigned char)line[n - 1] >= 0x80)
		return 0;
	for (i = 0; i < n; i++)
		words += line[i] == ' ';
	return words <= 12;
}

struct pctx {
	struct builder	*b;
	const struct kb	*kb;
	int		 src, line, rid;
	struct buf	 about;
	size_t		 about_base;	/* about without the bullets' label */
	struct buf	 prev;		/* the sentence before, for leaning */
	struct buf	 quote;
	int		 pid;
};

/* A sentence too short to say anything alone ("Notice a pattern."). */
#define PASSAGE_SHORT	24

/* next: the sentence after it on the same line, or NULL. */
static int
add_passage(struct pctx *pc, const char *text, size_t n, const char *label,
    const char *next, size_t nextn)
{
	struct builder *b = pc->b;
	char *t = xstrndup(text, n);
	int lean, rc;

	lean = pc->prev.len > 0 && (starts_with_word(t, leaning) ||
	    (pc->rid < 0 && starts_with_word(t, leaning_outside)));
	buf_reset(&pc->quote);
	if (label)
		buf_printf(&pc->quote, "%s ", label);
	else if (lean)
		buf_printf(&pc->quote, "%s ", buf_str(&pc->prev));
	buf_puts(&pc->quote, t);
	if (next && n < PASSAGE_SHORT) {
		buf_putc(&pc->quote, ' ');
		buf_add(&pc->quote, next, nextn);
	}
	pc->pid++;
	sqlite3_bind_int(b->passage, 1, pc->pid);
	sqlite3_bind_int(b->passage, 2, pc->src);
	sqlite3_bind_int(b->passage, 3, pc->line);
	sqlite3_bind_int(b->passage, 4, pc->rid + 1);
	sqlite3_bind_text(b->passage, 5, buf_str(&pc->quote), -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(b->passage);
	sqlite3_reset(b->passage);
	sqlite3_bind_int(b->pfts, 1, pc->pid);
	sqlite3_bind_text(b->pfts, 2, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(b->pfts, 3, buf_str(&pc->about), -1, SQLITE_STATIC);
	if (rc == SQLITE_DONE)
		rc = sqlite3_step(b->pfts);
	sqlite3_reset(b->pfts);
	buf_reset(&pc->prev);
	buf_puts(&pc->prev, t);
	free(t);
	return rc == SQLITE_DONE ? 0 : -1;
}

#define LINE_SENTENCES	64

/* Splits prose into sentences: at ". ", "! ", "? " before a capital. */
static int
add_sentences(struct pctx *pc, const char *p)
{
	const char *start[LINE_SENTENCES + 1];
	size_t len[LINE_SENTENCES + 1];
	int n = 0, i;

	start[0] = p;
	for (; *p && n < LINE_SENTENCES - 1; p++)
		if (strchr(".!?", *p) && p[1] == ' ' &&
		    (isupper((unsigned char)p[2]) ||
		    isdigit((unsigned char)p[2]))) {
			len[n] = (size_t)(p + 1 - start[n]);
			start[++n] = p + 2;
		}
	len[n] = strlen(start[n]);
	if (len[n] > 0)
		n++;
	for (i = 0; i < n; i++)
		if (add_passage(pc, start[i], len[i], NULL,
		    i + 1 < n ? start[i + 1] : NULL, i + 1 < n ? len[i + 1] :
		    0) == -1)
			return -1;
	return 0;
}

static void
about_role(struct pctx *pc, const char *heading)
{
	const struct kb_role *r;
	int i;

	buf_reset(&pc->about);
	buf_puts(&pc->about, heading);
	pc->about_base = pc->about.len;
	if (pc->rid < 0)
		return;
	r = &pc->kb->roles[pc->rid];
	buf_printf(&pc->about, " | rid%d | %s", pc->rid + 1, r->title);
	for (i = 0; i < r->naliases; i++)
		buf_printf(&pc->about, " | %s", r->aliases[i]);
	pc->about_base = pc->about.len;
}

static int
build_passages(struct builder *b, const struct kb *kb)
{
	struct pctx pc = { .b = b, .kb = kb };
	char *text, *line, *next, *label = NULL, *heading = NULL;
	size_t n;
	int s, rc = 0, role;

	for (s = 0; s < kb->nsources && rc == 0; s++) {
		if (kb->sources[s].text == NULL)
			continue;
		text = xstrdup(kb->sources[s].text);
		pc.src = s;
		pc.rid = -1;
		buf_reset(&pc.about);
		buf_reset(&pc.prev);
		for (line = text, pc.line = 1; line && rc == 0;
		    line = next, pc.line++) {
			if ((next = strchr(line, '\n')) != NULL)
				*next++ = '\0';
			while (*line == ' ' || *line == '\t')
				line++;
			n = strlen(line);
			while (n > 0 && (line[n - 1] == ' ' ||
			    line[n - 1] == '\r'))
				line[--n] = '\0';
			if (n == 0)
				continue;
			if ((role = heading_role(kb, &kb->sources[s], line))
			    >= 0 || is_heading(line, n)) {
				pc.rid = role;
				free(heading);
				heading = xstrdup(line);
				about_role(&pc, heading);
				buf_reset(&pc.prev);
				free(label);
				label = NULL;
				continue;
			}
			if (line[n - 1] == ':' && !strchr(line, '.') &&
			    strchr(line, ' ') == strrchr(line, ' ')) {
				/* "Skills required:": names the bullets */
				free(label);
				label = xstrdup(line);
				buf_truncate(&pc.about, pc.about_base);
				buf_printf(&pc.about, " | %s", label);
				continue;
			}
			if (strncmp(line, "\xe2\x80\xa2", 3) == 0 ||
			    strncmp(line, "- ", 2) == 0) {
				line += line[0] == '-' ? 2 : 3;
				while (*line == ' ')
					line++;
				rc = add_passage(&pc, line, strlen(line),
				    label, NULL, 0);
				continue;
			}
			free(label);
			label = NULL;
			rc = add_sentences(&pc, line);
		}
		free(text);
	}
	free(label);
	free(heading);
	buf_free(&pc.about);
	buf_free(&pc.prev);
	buf_free(&pc.quote);
	return rc;
}

static int
build(sqlite3 *db, const struct kb *kb, char *err, size_t errlen)
{
	struct builder b = { .db = db };
	struct buf *texts, aliases = {0};
	char hash[32];
	int i, j, rc = -1;

	if (exec(db, "BEGIN;", err, errlen) == -1 ||
	    exec(db, schema_sql, err, errlen) == -1)
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
	for (i = 0; i < kb->nskills; i++) {
		const struct kb_skill *s = &kb->skills[i];

		buf_reset(&aliases);
		add_name(&b, s->name, NAME_SKILL, i);
		add_word(b.sword, s->name);
		for (j = 0; j < s->naliases; j++) {
			add_name(&b, s->aliases[j], NAME_SKILL, i);
			add_word(b.sword, s->aliases[j]);
			buf_printf(&aliases, "%s | ", s->aliases[j]);
		}
		sqlite3_bind_int(b.sfts, 1, i + 1);
		sqlite3_bind_text(b.sfts, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(b.sfts, 3, buf_str(&aliases), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(b.sfts, 4, buf_str(&texts[i]), -1,
		    SQLITE_STATIC);
		if (sqlite3_step(b.sfts) != SQLITE_DONE)
			goto out_texts;
		sqlite3_reset(b.sfts);
	}
	for (i = 0; i < kb->ncategories; i++) {
		const struct kb_category *c = &kb->categories[i];

		add_name(&b, c->name, NAME_CATEGORY, i);
		for (j = 0; j < c->naliases; j++)
			add_name(&b, c->aliases[j], NAME_CATEGORY, i);
	}
	if (build_passages(&b, kb) == -1)
		goto out_texts;
	if (exec(db, index_sql, err, errlen) == -1 ||
	    build_deletions(db, "rterm", "rdel") == -1 ||
	    build_deletions(db, "sterm", "sdel") == -1)
		goto out_texts;
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)kb->hash);
	{
		char sql[160];

		snprintf(sql, sizeof(sql), "INSERT INTO meta VALUES"
		    "('hash', '%s'), ('schema', '" SCHEMA_VERSION "');", hash);
		if (exec(db, sql, err, errlen) == -1)
			goto out_texts;
	}
	rc = exec(db, "COMMIT;", err, errlen);
out_texts:
	for (i = 0; i < kb->nskills; i++)
		buf_free(&texts[i]);
	free(texts);
out:
	buf_free(&aliases);
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
	exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;",
	    err, errlen);
	if (build(db, ix->kb, err, errlen) == -1) {
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
		if (build(ix->db, kb, err, errlen) == -1)
			goto fail;
	}
	for (i = 0; i < S_COUNT; i++)
		if (sqlite3_prepare_v3(ix->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &ix->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "index: %s",
			    sqlite3_errmsg(ix->db));
			goto fail;
		}
	if (names_load(ix->db, &ix->names) == -1) {
		snprintf(err, errlen, "index: %s", sqlite3_errmsg(ix->db));
		goto fail;
	}
	bloom_load(ix->db, "rdel", &ix->rdel);
	bloom_load(ix->db, "sdel", &ix->sdel);
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
	pindex_free(ix->pix);
	free(ix->rdel.bits);
	free(ix->sdel.bits);
	free(ix->names.ent);
	free(ix->names.words);
	buf_free(&ix->names.pool);
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

/* ---- lookups -------------------------------------------------------- */

/* The first entry whose key is not below key (n when none is). */
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

static int
lookup_name(struct index *ix, const char *key, int kind)
{
	const struct names *nm = &ix->names;
	int i;

	for (i = names_lower(nm, key); i < nm->n &&
	    strcmp(nm->pool.s + nm->ent[i].key, key) == 0; i++)
		if (nm->ent[i].kind == kind)
			return nm->ent[i].target;
	return -1;
}

/* Appends w as an FTS5 string: "w" with any '"' doubled. */
static void
fts_quote(struct buf *q, const char *w)
{
	buf_putc(q, '"');
	for (; *w; w++) {
		if (*w == '"')
			buf_putc(q, '"');
		buf_putc(q, *w);
	}
	buf_putc(q, '"');
}

/* MATCH expression over words: AND (all) or OR (any), within columns. */
static void
fts_expr(struct buf *q, const char *cols, char **w, int n, int any)
{
	int i;

	if (cols)
		buf_printf(q, "%s : (", cols);
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(q, any ? " OR " : " ");
		fts_quote(q, w[i]);
	}
	if (cols)
		buf_putc(q, ')');
}

/* Runs a rowid query; returns how many rowids (minus one) went to out. */
static int
fts_rows(struct index *ix, enum stmt_id id, const char *match, int *out,
    int max)
{
	sqlite3_stmt *st = ix->st[id];
	int n = 0;

	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sqlite3_column_int(st, 0) - 1;
	sqlite3_reset(st);
	return n;
}

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

	n = fts_rows(ix, S_ROLE_FTS_ANY, match, probe, AMBIGUITY_SCAN + 1);
	if (n <= 1 || n > AMBIGUITY_SCAN) {
		if (n > INDEX_ALTS_MAX)
			n = INDEX_ALTS_MAX;
		memcpy(out, probe, sizeof(int) * (size_t)n);
		return n;
	}
	return fts_rows(ix, S_ROLE_FTS, match, out, INDEX_ALTS_MAX);
}

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

/*
 * Edits allowed when correcting a word of len bytes.  Short words are
 * left alone: "chef" is one edit from "chief", "cto" from "cso", and a
 * wrong guess is worse than "not covered".
 */
static int
fuzz_limit(size_t len)
{
	return len <= 4 ? 0 : len <= 7 ? 1 : 2;
}

/*
 * Replaces *w by the nearest vocabulary term when it is not a term
 * itself; returns 1 if it did.  Candidates share a deletion key with the
 * word (the word itself or one of its one-byte deletions), which finds
 * every term within one insertion, deletion, substitution or adjacent
 * transposition; each is then checked with text_editdist.  The
 * replacement is malloc'd into *owned.
 */
static int
correct_word(struct index *ix, enum stmt_id has, enum stmt_id del,
    const struct bloom *bl, char **w, char **owned)
{
	sqlite3_stmt *st = ix->st[has];
	size_t len = strlen(*w), i;
	int found, limit = fuzz_limit(len), best = limit + 1, d;
	char *best_term = NULL, key[FUZZ_WORD_MAX + 1];

	if (limit == 0 || len > FUZZ_WORD_MAX)
		return 0;
	if (bloom_has(bl, *w)) {	/* a term is a key of itself */
		sqlite3_bind_text(st, 1, *w, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (found)
			return 0;
	}
	st = ix->st[del];
	for (i = 0; i <= len && best > 1; i++) {
		memcpy(key, *w, i);
		memcpy(key + i, *w + i + (i < len), len - i - (i < len));
		key[len - (i < len)] = '\0';
		if (!bloom_has(bl, key))
			continue;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *t = (const char *)sqlite3_column_text(st, 0);

			d = text_editdist(*w, len, t, strlen(t), limit);
			if (d < best) {
				best = d;
				free(best_term);
				best_term = xstrdup(t);
			}
		}
		sqlite3_reset(st);
	}
	if (best_term == NULL)
		return 0;
	*owned = best_term;
	*w = best_term;
	return 1;
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

/*
 * The terms of one vocabulary (del: rdel or sdel) nearest to w, all of
 * those at the least distance up to *best (ties are kept: they may read
 * as different names), appended to out[n..max); returns the new count.
 * A nearer term than *best drops those before it and lowers *best.  A
 * word that is a term itself has nothing near it: -1.
 */
static int
typo_terms(struct index *ix, enum stmt_id del, const struct bloom *bl,
    const char *w, char **out, int n, int max, int *best)
{
	sqlite3_stmt *st = ix->st[del];
	size_t len = strlen(w), i;
	char key[FUZZ_WORD_MAX + 1];
	int d, k, self = 0;

	for (i = 0; i <= len && !self; i++) {
		memcpy(key, w, i);
		memcpy(key + i, w + i + (i < len), len - i - (i < len));
		key[len - (i < len)] = '\0';
		if (!bloom_has(bl, key))
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

/* ---- reading a name ------------------------------------------------- */

/*
 * Head nouns of job titles (singular, as text_key makes them): a title
 * that ends in one names a job, and a role's name that merely holds its
 * words names another ("software engineer" is not the Software
 * Engineering Manager).
 */
static const char *const job_heads[] = {
	"engineer", "developer", "dev", "programmer", "coder", "manager",
	"mgr", "architect", "scientist", "analyst", "designer", "admin",
	"administrator", "officer", "consultant", "tester", "specialist",
	"director", "technician", "nurse", "doctor", "teacher", "lawyer",
	"accountant", "intern", "cto", "cio", "ceo", "cfo", "coo", "vp",
	"swe", "sde", "sdet", "pm", "qa", "recruiter", "researcher",
	"writer", "marketer", "trader", "banker", "pilot", "dentist",
	"pharmacist", "electrician", "plumber", "mechanic", "professor",
	"lead", "head", "sysadmin", "dba", "strategist", "owner", "founder",
	"devrel", "pentester", "support", "helpdesk", NULL
};

int
index_job_head(const char *key)
{
	int i;

	for (i = 0; job_heads[i]; i++)
		if (job_heads[i][0] == key[0] && strcmp(job_heads[i], key) == 0)
			return 1;
	return 0;
}

/*
 * Short forms of name words ("from" as text_key makes it).  Each is
 * written out only inside a role's name of two words or more ("eng
 * manager", "ml engg", "bc dev"); alone, or in a skill's or a category's
 * name, "sec" and "dev" stay what they are.  A form with two meanings has
 * two lines: the name that results tells them apart.  Grows by a line.
 */
static const struct { const char *from, *to; } short_forms[] = {
	{ "mgr", "manager" }, { "mngr", "manager" }, { "mgmt", "management" },
	{ "eng", "engineer" }, { "eng", "engineering" },
	{ "engg", "engineer" }, { "engr", "engineer" },
	{ "arch", "architect" }, { "arhc", "architect" },
	{ "archi", "architect" }, { "dta", "data" }, { "bc", "blockchain" },
	{ "sec", "security" }, { "info", "information" },
	{ "dev", "developer" }, { "dev", "development" },
	{ "sci", "scientist" }, { "prod", "product" }, { "sol", "solutions" },
	{ "soln", "solutions" }, { "sw", "software" }, { "rsch", "research" },
	{ "ofcr", "officer" },
	{ NULL, NULL }
};

#define READINGS_MAX	8	/* ways one word may be read */

struct reading {
	char	*text;		/* key word(s) as read, owned */
	int	 cost;
	int	 role_only;	/* a short form or glued words: only inside a
				 * role's name of two words or more */
};

struct name_reader {
	int		 n;
	int		*nr;
	struct reading	(*r)[READINGS_MAX];
};

static void
add_reading(struct name_reader *rd, int j, char *text, int cost,
    int role_only)
{
	int k;

	for (k = 0; k < rd->nr[j]; k++)
		if (strcmp(rd->r[j][k].text, text) == 0)
			break;
	if (k < rd->nr[j] || rd->nr[j] == READINGS_MAX) {
		free(text);
		return;
	}
	rd->r[j][k].text = text;
	rd->r[j][k].cost = cost;
	rd->r[j][k].role_only = role_only;
	rd->nr[j]++;
}

/* "datascientist", "bigdata": split where both halves are name words. */
static void
add_glued(struct index *ix, struct name_reader *rd, int j, const char *key)
{
	char left[FUZZ_WORD_MAX + 1];
	size_t len = strlen(key), p;

	if (len > FUZZ_WORD_MAX)
		return;
	for (p = 2; p + 2 <= len; p++) {
		memcpy(left, key, p);
		left[p] = '\0';
		if (index_name_word(ix, left) && index_name_word(ix, key + p)) {
			struct buf b = {0};

			buf_printf(&b, "%s %s", left, key + p);
			add_reading(rd, j, buf_steal(&b), 1, 1);
		}
	}
}

struct name_reader *
index_reader(struct index *ix, char **words, int n, const unsigned char *fix)
{
	struct name_reader *rd = xcalloc(1, sizeof(*rd));
	char *terms[READINGS_MAX], *key;
	size_t len;
	int j, k, nt, best;

	rd->n = n;
	rd->nr = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*rd->nr));
	rd->r = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*rd->r));
	for (j = 0; j < n; j++) {
		/* the word as typed, always the first reading */
		rd->r[j][0].text = key = text_key(words[j]);
		rd->nr[j] = 1;
		for (k = 0; short_forms[k].from; k++)
			if (strcmp(short_forms[k].from, key) == 0)
				add_reading(rd, j, text_key(short_forms[k].to),
				    1, 1);
		/* a name word is no typo, and the parser's own words are
		 * left alone */
		if ((fix && !fix[j]) || index_name_word(ix, key))
			continue;
		add_glued(ix, rd, j, key);
		len = strlen(words[j]);
		if ((best = fuzz_limit(len)) == 0 || len > FUZZ_WORD_MAX)
			continue;
		nt = typo_terms(ix, S_RDEL, &ix->rdel, words[j], terms, 0,
		    READINGS_MAX, &best);
		if (nt >= 0)
			nt = typo_terms(ix, S_SDEL, &ix->sdel, words[j], terms,
			    nt, READINGS_MAX, &best);
		for (k = 0; k < nt; k++) {
			add_reading(rd, j, text_key(terms[k]), best, 0);
			free(terms[k]);
		}
	}
	return rd;
}

void
index_reader_free(struct name_reader *rd)
{
	int j, k;

	if (rd == NULL)
		return;
	for (j = 0; j < rd->n; j++)
		for (k = 0; k < rd->nr[j]; k++)
			free(rd->r[j][k].text);
	free(rd->nr);
	free(rd->r);
	free(rd);
}

struct read_ctx {
	struct index		 *ix;
	const struct name_reader *rd;
	int			  i;	/* where the name starts */
	int			  pick[INDEX_QUERY_WORDS];
	struct name_read	 *best;
	const struct kb_role	 *typed;	/* a role named as typed */
};

/* A name read from c->i for len words: kept if it is longer than the
 * best so far, or as long and cheaper; as long and as cheap, its roles
 * join the best's (two readings as close: the answer asks). */
static void
consider(struct read_ctx *c, int len, int cost, int role_only,
    const char *key, const struct name_ref *refs, int nrefs)
{
	struct name_read *b = c->best;
	int k, m, role = 0, b_role = 0;

	for (k = 0; k < nrefs; k++)
		if (refs[k].kind == NAME_ROLE) {
			role = 1;
			if (cost == 0)
				c->typed = &c->ix->kb->roles[refs[k].target];
		}
	if (role_only && (!role || strchr(key, ' ') == NULL))
		return;
	for (k = 0; k < b->nrefs; k++)
		b_role |= b->refs[k].kind == NAME_ROLE;
	if (len < b->len || (len == b->len && cost > b->cost))
		return;
	if (len > b->len || cost < b->cost || (role && !b_role)) {
		b->len = len;
		b->cost = cost;
		b->nrefs = nrefs;
		memcpy(b->refs, refs, sizeof(refs[0]) * (size_t)nrefs);
		b->nroles = 0;
		for (m = 0; m < len; m++)
			b->as[m] = c->rd->r[c->i + m][c->pick[m]].text;
	}
	for (k = 0; k < nrefs; k++) {
		const struct kb_role *r;

		if (refs[k].kind != NAME_ROLE)
			continue;
		r = &c->ix->kb->roles[refs[k].target];
		for (m = 0; m < b->nroles && b->roles[m] != r; m++)
			;
		if (m == b->nroles && m < INDEX_ALTS_MAX)
			b->roles[b->nroles++] = r;
	}
}

/* Every reading of words j.. after key, while a name continues it. */
static void
read_on(struct read_ctx *c, int j, struct buf *key, int cost, int role_only)
{
	const struct reading *r;
	struct name_ref refs[8];
	size_t at = key->len;
	int k, nrefs, ro;

	if (j >= c->rd->n || j - c->i >= INDEX_QUERY_WORDS)
		return;
	for (k = 0; k < c->rd->nr[j]; k++) {
		r = &c->rd->r[j][k];
		ro = role_only || r->role_only;
		if (at > 0)
			buf_putc(key, ' ');
		buf_puts(key, r->text);
		c->pick[j - c->i] = k;
		if ((nrefs = index_names(c->ix, buf_str(key), refs, 8)) > 0)
			consider(c, j - c->i + 1, cost + r->cost, ro,
			    buf_str(key), refs, nrefs);
		if (index_name_continues(c->ix, buf_str(key)))
			read_on(c, j + 1, key, cost + r->cost, ro);
		buf_truncate(key, at);
	}
}

int
index_read_name(struct index *ix, const struct name_reader *rd, int i,
    struct name_read *out)
{
	struct read_ctx c;
	struct buf key = {0};

	memset(out, 0, sizeof(*out));
	if (i < 0 || i >= rd->n)
		return 0;
	memset(&c, 0, sizeof(c));
	c.ix = ix;
	c.rd = rd;
	c.i = i;
	c.best = out;
	read_on(&c, i, &key, 0, 0);
	buf_free(&key);
	out->typed = out->nroles == 1 && out->roles[0] == c.typed;
	return out->len;
}

/* ---- roles from a command's text ------------------------------------ */

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
	fts_expr(&q, "{title aliases}", w, n, 0);
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
	fts_expr(&q, "{title aliases}", w, m, 1);
	nrows = ranked_rows(ix, buf_str(&q), rows);
	/* in the descriptions, "it" or "ai" is in every other sentence
	 * (only w[0..m) is rewritten: the head stays last) */
	for (i = k = 0; i < m; i++)
		if (strlen(w[i]) > 2)
			w[k++] = w[i];
	if (nrows == 0 && k > 0) {
		buf_reset(&q);
		fts_expr(&q, NULL, w, k, 1);
		nrows = ranked_rows(ix, buf_str(&q), rows);
	}
	if (nrows == 0 && m < n) {
		buf_reset(&q);
		fts_expr(&q, "{title aliases}", &w[n - 1], 1, 1);
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
		changed += correct_word(ix, S_RTERM_HAS, S_RDEL, &ix->rdel,
		    &kept[i], &owned[i]);
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
	int t = lookup_name(ix, key, NAME_CATEGORY);

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
	t = lookup_name(ix, key, NAME_SKILL);
	free(key);
	if (t >= 0 && max > 0) {
		out[0] = t;
		free(norm);
		return 1;
	}
	nw = text_words(norm, w, INDEX_QUERY_WORDS + 1);
	if (nw == 0 || nw > INDEX_QUERY_WORDS)
		goto out;
	fts_expr(&q, NULL, w, nw, 0);
	n = fts_rows(ix, S_SKILL_FTS, buf_str(&q), out, max);
	if (n > 0)
		goto out;
	for (i = 0; i < nw; i++)
		changed += correct_word(ix, S_STERM_HAS, S_SDEL, &ix->sdel,
		    &w[i], &owned[i]);
	if (changed) {
		char *joined = join_words(w, nw);

		key = text_key(joined);
		free(joined);
		t = lookup_name(ix, key, NAME_SKILL);
		free(key);
		if (t >= 0 && max > 0) {
			out[0] = t;
			n = 1;
			goto out;
		}
		buf_reset(&q);
		fts_expr(&q, NULL, w, nw, 0);
		n = fts_rows(ix, S_SKILL_FTS, buf_str(&q), out, max);
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

/* ---- names, span by span -------------------------------------------- */

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

int
index_name_word(struct index *ix, const char *word)
{
	const struct names *nm = &ix->names;
	int lo = 0, hi = nm->nwords - 1, mid, c;

	while (lo <= hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(nm->pool.s + nm->words[mid], word)) == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* ---- passages ------------------------------------------------------- */

/* FTS5 ranks them: any words. */
static int
passages_fts(struct index *ix, char **words, int nwords, int role,
    struct passage *out, int max)
{
	sqlite3_stmt *st = ix->st[S_PASSAGE], *row = ix->st[S_PASSAGE_ROW];
	struct buf q = {0};
	int n = 0, src, pid;
	double score;
	const char *t;

	buf_putc(&q, '(');
	fts_expr(&q, NULL, words, nwords, 1);
	buf_putc(&q, ')');
	if (role >= 0)
		buf_printf(&q, " AND about : \"rid%d\"", role + 1);
	sqlite3_bind_text(st, 1, buf_str(&q), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		pid = sqlite3_column_int(st, 0);
		score = sqlite3_column_double(st, 1);
		sqlite3_bind_int(row, 1, pid);
		if (sqlite3_step(row) == SQLITE_ROW &&
		    (src = sqlite3_column_int(row, 0)) >= 0 &&
		    src < ix->kb->nsources) {	/* else: other knowledge */
			out[n].source = &ix->kb->sources[src];
			out[n].line = sqlite3_column_int(row, 1);
			out[n].role = sqlite3_column_int(row, 2) - 1;
			if (out[n].role >= ix->kb->nroles)
				out[n].role = -1;
			t = (const char *)sqlite3_column_text(row, 3);
			snprintf(out[n].text, sizeof(out[n].text), "%s",
			    t ? t : "");
			out[n].score = score;
			n++;
		}
		sqlite3_reset(row);
	}
	sqlite3_reset(st);
	buf_free(&q);
	return n;
}

/* ---- names in memory (struct names) ---------------------------------- */

/* Both tables in their primary key's order, which is strcmp's. */
static int
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

/* ---- passages in memory (struct pindex) ------------------------------ */

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

static void
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

/* The rows, then every token instance (term, row, column) in the order
 * of the index: by term, then by row.  NULL when anything is off. */
static struct pindex *
pindex_load(sqlite3 *db)
{
	struct pindex *p = xcalloc(1, sizeof(*p));
	struct buf pool = {0};		/* p->pool once all is read */
	sqlite3_stmt *st = NULL;
	size_t capt = 0, capp = 0;
	int npost = 0, ok = 0, row, col, rc;
	const char *t, *last = NULL;

	if (pindex_tokenizer(db, p) == -1)
		goto out;
	buf_putc(&pool, '\0');	/* offset 0: no quote */
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

		if ((row = sqlite3_column_int(st, 0)) < 1 || row > p->maxrow)
			goto out;
		r = &p->rows[row];
		r->src = sqlite3_column_int(st, 1);
		r->line = sqlite3_column_int(st, 2);
		r->rid = sqlite3_column_int(st, 3);
		r->quote = pool.len;
		t = (const char *)sqlite3_column_text(st, 4);
		buf_puts(&pool, t ? t : "");
		buf_putc(&pool, '\0');
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM passage_fts", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto out;
	p->nrow = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "SELECT term, doc, col FROM passage_inst",
	    -1, &st, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 2);
		struct pterm *pt;
		struct ppost *pp;

		t = (const char *)sqlite3_column_text(st, 0);
		row = sqlite3_column_int(st, 1);
		if (t == NULL || c == NULL || row < 1 || row > p->maxrow)
			goto out;
		col = strcmp(c, "about") == 0;
		if (last == NULL || strcmp(last, t) != 0) {
			/* a new term: the index gives them in byte order */
			if (last && strcmp(last, t) > 0)
				goto out;
			if ((size_t)p->nterms == capt) {
				capt = capt ? capt * 2 : 512;
				p->terms = xrealloc(p->terms,
				    capt * sizeof(*p->terms));
			}
			pt = &p->terms[p->nterms++];
			pt->term = pool.len;
			pt->first = npost;
			pt->n = 0;
			buf_puts(&pool, t);
			buf_putc(&pool, '\0');
		}
		pt = &p->terms[p->nterms - 1];
		last = pool.s + pt->term;
		pp = pt->n ? &p->posts[npost - 1] : NULL;
		if (pp == NULL || pp->row != row) {
			if (pp && pp->row > row)
				goto out;
			if ((size_t)npost == capp) {
				capp = capp ? capp * 2 : 4096;
				p->posts = xrealloc(p->posts,
				    capp * sizeof(*p->posts));
			}
			pp = &p->posts[npost++];
			pp->row = row;
			pp->n[0] = pp->n[1] = 0;
			pt->n++;
		}
		pp->n[col]++;
		p->rows[row].size++;
		p->ntokens++;
	}
	ok = rc == SQLITE_DONE;
out:
	sqlite3_finalize(st);
	p->pool = pool;
	if (!ok) {
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

/* The postings of word as a query term, in *pt (n 0: none); -1 when it
 * is no single token. */
static int
pindex_term(struct pindex *p, const char *word, struct pterm *pt)
{
	struct ptoken t = { .n = 0 };
	int lo = 0, hi = p->nterms - 1, mid, c;

	memset(pt, 0, sizeof(*pt));
	if (p->tok.xTokenize(p->toker, &t, FTS5_TOKENIZE_QUERY, word,
	    (int)strlen(word), ptoken_cb) != SQLITE_OK || t.n != 1 || !t.ok)
		return -1;
	while (lo <= hi) {
		mid = (lo + hi) / 2;
		c = strcmp(p->pool.s + p->terms[mid].term, t.s);
		if (c == 0) {
			*pt = p->terms[mid];
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* The posting of row in pt, or NULL. */
static const struct ppost *
pindex_post(const struct pindex *p, const struct pterm *pt, int row)
{
	int lo = pt->first, hi = pt->first + pt->n - 1, mid;

	while (lo <= hi) {
		mid = (lo + hi) / 2;
		if (p->posts[mid].row == row)
			return &p->posts[mid];
		if (p->posts[mid].row < row)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
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

/*
 * What S_PASSAGE answers for ("w1" OR "w2" ...) AND about : "ridN",
 * ranked by bm25(passage_fts, 1.0, 0.4): phrases are the words and then
 * the role, the role's only in about.  Returns the count, or -1 when a
 * word is not one token.
 */
static int
passages_mem(struct index *ix, char **words, int nwords, int role,
    struct passage *out, int max)
{
	const double k1 = 1.2, b = 0.75, wcol[2] = { 1.0, 0.4 };
	struct pindex *p = ix->pix;
	struct pterm *pt = xcalloc((size_t)nwords + 1, sizeof(*pt));
	double *idf = xcalloc((size_t)nwords + 1, sizeof(*idf));
	struct pscore *hit = NULL;
	const struct prow *r;
	double avgdl = (double)p->ntokens / (double)p->nrow;
	int nph = nwords, nhit = 0, caphit = 0, i, j, k, n = -1;
	char rid[32];

	for (i = 0; i < nwords; i++)
		if (pindex_term(p, words[i], &pt[i]) == -1)
			goto out;
	if (role >= 0) {
		snprintf(rid, sizeof(rid), "rid%d", role + 1);
		if (pindex_term(p, rid, &pt[nph++]) == -1)
			goto out;
	}
	/* document frequencies: rows with the phrase (the role: in about) */
	for (i = 0; i < nph; i++) {
		long long nh = 0;

		if (i < nwords)
			nh = pt[i].n;
		else
			for (k = 0; k < pt[i].n; k++)
				nh += p->posts[pt[i].first + k].n[1] > 0;
		idf[i] = log((p->nrow - nh + 0.5) / (nh + 0.5));
		if (idf[i] <= 0.0)
			idf[i] = 1e-6;
	}
	/* the rows any word is in (and the role's), each once */
	if (++p->stamp == 0) {		/* wrapped: no stale marks */
		memset(p->mark, 0, ((size_t)p->maxrow + 1) * sizeof(*p->mark));
		p->stamp = 1;
	}
	for (i = 0; i < nwords; i++)
		for (k = 0; k < pt[i].n; k++) {
			const struct ppost *pp = &p->posts[pt[i].first + k];
			const struct ppost *rp;

			if (p->mark[pp->row] == p->stamp)
				continue;
			p->mark[pp->row] = p->stamp;
			if (role >= 0 && ((rp = pindex_post(p, &pt[nwords],
			    pp->row)) == NULL || rp->n[1] == 0))
				continue;
			if (nhit == caphit) {
				caphit = caphit ? caphit * 2 : 64;
				hit = xrealloc(hit, (size_t)caphit *
				    sizeof(*hit));
			}
			hit[nhit++].row = pp->row;
		}
	/* bm25, as fts5_aux.c computes it */
	for (j = 0; j < nhit; j++) {
		double score = 0.0, D = p->rows[hit[j].row].size;

		for (i = 0; i < nph; i++) {
			const struct ppost *pp = pindex_post(p, &pt[i],
			    hit[j].row);
			double f = 0.0;
			int c;

			if (pp == NULL)
				continue;	/* adds 0.0 */
			/* instances come column by column */
			for (c = i < nwords ? 0 : 1; c < 2; c++)
				for (k = 0; k < pp->n[c]; k++)
					f += wcol[c];
			score += idf[i] * ((f * (k1 + 1.0)) /
			    (f + k1 * (1 - b + b * D / avgdl)));
		}
		hit[j].score = -1.0 * score;
	}
	/* the best max in order: a few passes for a few, a sort for many */
	if (max > PASSES_MAX && nhit > 0)
		qsort(hit, (size_t)nhit, sizeof(*hit), cmp_pscore);
	for (n = 0, j = 0; j < nhit && j < max; j++) {
		struct pscore t;
		int best = j;

		for (k = j + 1; k < nhit && max <= PASSES_MAX; k++)
			if (cmp_pscore(&hit[k], &hit[best]) < 0)
				best = k;
		t = hit[j];
		hit[j] = hit[best];
		hit[best] = t;
		r = &p->rows[hit[j].row];
		if (r->quote == 0 || r->src < 0 || r->src >= ix->kb->nsources)
			continue;	/* other knowledge */
		out[n].source = &ix->kb->sources[r->src];
		out[n].line = r->line;
		out[n].role = r->rid - 1;
		if (out[n].role >= ix->kb->nroles)
			out[n].role = -1;
		snprintf(out[n].text, sizeof(out[n].text), "%s",
		    p->pool.s + r->quote);
		out[n].score = hit[j].score;
		n++;
	}
out:
	free(pt);
	free(idf);
	free(hit);
	return n;
}

int
index_passages(struct index *ix, char **words, int nwords, int role,
    struct passage *out, int max)
{
	int n;

	if (nwords <= 0)
		return 0;
	if (ix->pix && (n = passages_mem(ix, words, nwords, role, out,
	    max)) >= 0)
		return n;
	return passages_fts(ix, words, nwords, role, out, max);
}
