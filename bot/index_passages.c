/*
 * index_passages.c -- passages: every sentence and bullet of the guides,
 * cut at build time and found by their words.
 *
 * Each is stored with its guide, line, the role whose part it is in (rid
 * 0: none) and what it is about (role names, heading); its quote is what
 * an answer shows.  A sentence that leans on the one before ("That
 * leverage explains why...") is quoted with it.  They are ranked in
 * memory (index_bm25.c), or by FTS5 when a word is no single token.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_bm25.h"
#include "index_int.h"

/* ---- cutting the guides --------------------------------------------- */

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

/*
 * The roles' headings: each guide's title of a role, (source, title) ->
 * the first role with it, in an open-addressing table, so a guide's line
 * is one probe and not a pass over every role (100,000 of them).
 */
struct heading {
	const struct kb_source	*src;	/* NULL: a free slot */
	const char		*title;
	int			 role;
};

struct headings {
	struct heading	*ent;
	size_t		 mask;		/* slots - 1, a power of two */
};

static size_t
heading_hash(const struct kb_source *src, const char *t)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(uintptr_t)src;

	for (; *t; t++)
		h = (h ^ (unsigned char)*t) * 1099511628211ULL;
	return (size_t)h;
}

static void
headings_build(struct headings *hs, const struct kb *kb)
{
	size_t n = 0, cap = 16, j;
	int i, k;

	for (i = 0; i < kb->nroles; i++)
		n += (size_t)kb->roles[i].nsrc;
	while (cap < 2 * n)
		cap *= 2;
	hs->ent = xcalloc(cap, sizeof(*hs->ent));
	hs->mask = cap - 1;
	for (i = 0; i < kb->nroles; i++)
		for (k = 0; k < kb->roles[i].nsrc; k++) {
			const struct kb_role_source *s = &kb->roles[i].src[k];

			for (j = heading_hash(s->source, s->title) & hs->mask;
			    hs->ent[j].src != NULL; j = (j + 1) & hs->mask)
				if (hs->ent[j].src == s->source &&
				    strcmp(hs->ent[j].title, s->title) == 0)
					break;
			if (hs->ent[j].src == NULL) {	/* the first wins */
				hs->ent[j].src = s->source;
				hs->ent[j].title = s->title;
				hs->ent[j].role = i;
			}
		}
}

/* The role whose heading this line is in source src ("3. Title" or
 * "Title"), or -1. */
static int
heading_role(const struct headings *hs, const struct kb_source *src,
    const char *line)
{
	const char *t = line;
	size_t j;

	while (isdigit((unsigned char)*t))
		t++;
	t = (t > line && t[0] == '.' && t[1] == ' ') ? t + 2 : line;
	for (j = heading_hash(src, t) & hs->mask; hs->ent[j].src != NULL;
	    j = (j + 1) & hs->mask)
		if (hs->ent[j].src == src && strcmp(hs->ent[j].title, t) == 0)
			return hs->ent[j].role;
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
	sqlite3_stmt	*passage, *pfts;	/* the inserts */
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
	sqlite3_bind_int(pc->passage, 1, pc->pid);
	sqlite3_bind_int(pc->passage, 2, pc->src);
	sqlite3_bind_int(pc->passage, 3, pc->line);
	sqlite3_bind_int(pc->passage, 4, pc->rid + 1);
	sqlite3_bind_text(pc->passage, 5, buf_str(&pc->quote), -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(pc->passage);
	sqlite3_reset(pc->passage);
	sqlite3_bind_int(pc->pfts, 1, pc->pid);
	sqlite3_bind_text(pc->pfts, 2, t, -1, SQLITE_STATIC);
	sqlite3_bind_text(pc->pfts, 3, buf_str(&pc->about), -1, SQLITE_STATIC);
	if (rc == SQLITE_DONE)
		rc = sqlite3_step(pc->pfts);
	sqlite3_reset(pc->pfts);
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

int
index_build_passages(const struct kb *kb, sqlite3_stmt *passage,
    sqlite3_stmt *pfts)
{
	struct pctx pc = { .passage = passage, .pfts = pfts, .kb = kb };
	struct headings hs;
	char *text, *line, *next, *label = NULL, *heading = NULL;
	size_t n;
	int s, rc = 0, role;

	headings_build(&hs, kb);
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
			if ((role = heading_role(&hs, &kb->sources[s], line))
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
	free(hs.ent);
	free(label);
	free(heading);
	buf_free(&pc.about);
	buf_free(&pc.prev);
	buf_free(&pc.quote);
	return rc;
}

/* ---- finding them ---------------------------------------------------- */

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
	index_fts_expr(&q, NULL, words, nwords, 1);
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

int
index_passages(struct index *ix, char **words, int nwords, int role,
    struct passage *out, int max)
{
	int n;

	if (nwords <= 0)
		return 0;
	if (ix->pix && (n = pindex_passages(ix->pix, ix->kb, words, nwords,
	    role, out, max)) >= 0)
		return n;
	return passages_fts(ix, words, nwords, role, out, max);
}
