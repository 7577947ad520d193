/*
 * index_read.c -- a name read as people type it: each word as typed, a
 * short form written out ("mgr", "arhc", "bc"), two name words glued
 * together ("datascientist"), or a typo of a name word within the edit
 * distance for its length (index_typo.c); then the longest name the
 * readings spell, the cheapest of that length (index.h: name_reader).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "index.h"
#include "index_int.h"
#include "index_typo.h"
#include "text.h"

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
#define SHORT_MIN	3	/* letters of a cut-off name word ("ful") */
#define SKELETON_MIN	4	/* letters of a vowel-less one ("rsrch") */

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

/*
 * 1 if key is name word w as people shorten it in chat: cut off after
 * SHORT_MIN letters or more ("ful" full, "archit" architect), or written
 * without its vowels after the first letter, whole or cut ("rsrch"
 * research, "engnr" engineer, "dvlpr" developer, "archt" architect).
 * Read only inside a role's name of two words or more, like a short
 * form, so "ful" alone never becomes a role.
 */
static int
shortened(const char *key, const char *w)
{
	size_t n = strlen(key), i, k;

	if (n < SHORT_MIN || key[0] != w[0] || strlen(w) <= n)
		return 0;
	if (strncmp(key, w, n) == 0)
		return 1;
	if (n < SKELETON_MIN)
		return 0;
	for (i = 1, k = 1; key[i] && w[k]; k++) {
		if (strchr("aeiou", w[k]) != NULL && key[i] != w[k])
			continue;
		if (key[i] != w[k])
			return 0;
		i++;
	}
	return key[i] == '\0';
}

static void
add_shortened(struct index *ix, struct name_reader *rd, int j, const char *key)
{
	const struct names *nm = &ix->names;
	const char *w;
	int lo = 0, hi = nm->nwords, mid;

	/* the words are sorted: those that start with key's letter */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((unsigned char)nm->pool.s[nm->words[mid]] <
		    (unsigned char)key[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < nm->nwords && (w = nm->pool.s + nm->words[lo])[0] ==
	    key[0]; lo++)
		if (shortened(key, w))
			add_reading(rd, j, xstrdup(w), 2, 1);
}

/* "datascientist", "bigdata": split where both halves are name words. */
static void
add_glued(struct index *ix, struct name_reader *rd, int j, const char *key)
{
	char left[TYPO_WORD_MAX + 1];
	size_t len = strlen(key), p;

	if (len > TYPO_WORD_MAX)
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
		add_shortened(ix, rd, j, key);
		len = strlen(words[j]);
		if ((best = typo_limit(len)) == 0 || len > TYPO_WORD_MAX)
			continue;
		nt = typo_terms(ix->rtypo, words[j], terms, 0, READINGS_MAX,
		    &best);
		if (nt >= 0)
			nt = typo_terms(ix->stypo, words[j], terms, nt,
			    READINGS_MAX, &best);
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
