/*
 * kb.c -- loads and checks the knowledge files.
 *
 * Files are parsed with cJSON and the trees are kept: every string in the
 * records points into them.  Checking is strict because the knowledge is
 * written by hand: unknown keys, wrong types, dangling skill references,
 * duplicate ids and aliases are all errors.  Errors are collected (several
 * per run) and reported as "file: path.to.field: what is wrong"; any error
 * means no kb at all.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "kb.h"
#include "text.h"

#define KB_MAX_ERRORS	20
#define KB_FILE_MAX	(8 * 1024 * 1024)	/* a knowledge file above this is a mistake */
#define KB_TOTAL_MAX	(32 * 1024 * 1024)	/* and all of them together */

struct trees {
	cJSON	**roots;
	int	  n;
};

struct seen_ent {
	char		*key;
	const char	*owner;
	int		 val;
};

/* Open-addressing hash set of alias keys: 100,000 roles stay linear. */
struct seen {
	struct seen_ent	*ent;
	size_t		 cap, n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static void
seen_grow(struct seen *t)
{
	struct seen_ent *old = t->ent;
	size_t oldcap = t->cap, i, j;

	t->cap = oldcap ? oldcap * 2 : 256;
	t->ent = xcalloc(t->cap, sizeof(*t->ent));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == NULL)
			continue;
		for (j = hash_str(old[i].key) & (t->cap - 1); t->ent[j].key;
		    j = (j + 1) & (t->cap - 1))
			;
		t->ent[j] = old[i];
	}
	free(old);
}

/* Remembers key for owner; returns the earlier owner if already seen. */
static const char *
seen_add(struct seen *t, const char *key, const char *owner)
{
	size_t j;

	if ((t->n + 1) * 2 > t->cap)
		seen_grow(t);
	for (j = hash_str(key) & (t->cap - 1); t->ent[j].key;
	    j = (j + 1) & (t->cap - 1))
		if (strcmp(t->ent[j].key, key) == 0)
			return t->ent[j].owner;
	t->ent[j].key = xstrdup(key);
	t->ent[j].owner = owner;
	t->ent[j].val = (int)t->n;
	t->n++;
	return NULL;
}

static const struct seen_ent *
seen_get(const struct seen *t, const char *key)
{
	size_t j;

	if (t->cap == 0)
		return NULL;
	for (j = hash_str(key) & (t->cap - 1); t->ent[j].key;
	    j = (j + 1) & (t->cap - 1))
		if (strcmp(t->ent[j].key, key) == 0)
			return &t->ent[j];
	return NULL;
}

static void
seen_free(struct seen *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->ent[i].key);
	free(t->ent);
}

/* Loader state: where we are (file, path) and what went wrong. */
struct ld {
	struct kb	*kb;
	const char	*file;
	struct buf	 errs;
	int		 nerr;
	/* alias key -> owner, for duplicate detection, per namespace */
	struct seen	 seen_roles, seen_skills, seen_cats;
	struct seen	 role_ids, skill_ids;	/* id -> index (val) */
};

static void
lerr(struct ld *ld, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lerr(struct ld *ld, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	ld->nerr++;
	if (ld->nerr > KB_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_printf(&ld->errs, "%s: %s: %s\n", ld->file, path, msg);
}

/* ---- typed field access; each reports its own error ---------------- */

/* Paths longer than the buffer are cut: they only label an error. */
static void
sub(char *out, size_t n, const char *path, const char *key)
{
	if (snprintf(out, n, "%s%s%s", path, *path ? "." : "", key) < 0)
		out[0] = '\0';
}

static void
idx(char *out, size_t n, const char *path, int i)
{
	if (snprintf(out, n, "%s[%d]", path, i) < 0)
		out[0] = '\0';
}

static int
check_keys(struct ld *ld, const cJSON *obj, const char *path,
    const char *const *allowed)
{
	const cJSON *it;
	const char *const *a;
	char p[256];
	int ok = 1;

	cJSON_ArrayForEach(it, obj) {
		for (a = allowed; *a; a++)
			if (strcmp(*a, it->string) == 0)
				break;
		if (*a == NULL) {
			sub(p, sizeof(p), path, it->string);
			lerr(ld, p, "unknown key");
			ok = 0;
		}
	}
	return ok;
}

static const cJSON *
need(struct ld *ld, const cJSON *obj, const char *path, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[256];

	if (v == NULL) {
		sub(p, sizeof(p), path, key);
		lerr(ld, p, "missing");
	}
	return v;
}

/* A non-empty string, or NULL where nullable and the value is null. */
static const char *
get_str(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    int nullable)
{
	const cJSON *v = need(ld, obj, path, key);
	char p[256];

	if (v == NULL)
		return NULL;
	if (nullable && cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		return v->valuestring;
	/* the path is only formatted for an error: loading stays cheap */
	sub(p, sizeof(p), path, key);
	if (!cJSON_IsString(v))
		lerr(ld, p, nullable ? "expected a string or null" :
		    "expected a string");
	else
		lerr(ld, p, "empty string");
	return NULL;
}

/* An integer in [lo, hi]; null allowed (returns 0) when nullable. */
static long
get_int(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    long lo, long hi, int nullable)
{
	const cJSON *v = need(ld, obj, path, key);
	char p[256];

	if (v == NULL || (nullable && cJSON_IsNull(v)))
		return 0;
	sub(p, sizeof(p), path, key);
	/* the range first: casting a huge double to long is undefined
	 * (fuzz_kb found 1.4e127) */
	if (cJSON_IsNumber(v) && !(v->valuedouble >= (double)lo &&
	    v->valuedouble <= (double)hi)) {
		lerr(ld, p, "%.0f is out of range (%ld to %ld)", v->valuedouble,
		    lo, hi);
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long)v->valuedouble) {
		lerr(ld, p, "expected a whole number%s",
		    nullable ? " or null" : "");
		return 0;
	}
	return (long)v->valuedouble;
}

static int
get_bool(struct ld *ld, const cJSON *obj, const char *path, const char *key)
{
	const cJSON *v = need(ld, obj, path, key);
	char p[256];

	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v)) {
		sub(p, sizeof(p), path, key);
		lerr(ld, p, "expected true or false");
		return 0;
	}
	return cJSON_IsTrue(v);
}

/* An array (possibly required non-empty); NULL on error. */
static const cJSON *
get_arr(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    int nonempty)
{
	const cJSON *v = need(ld, obj, path, key);
	char p[256];

	if (v == NULL)
		return NULL;
	if (cJSON_IsArray(v) && (!nonempty || v->child != NULL))
		return v;
	sub(p, sizeof(p), path, key);
	if (!cJSON_IsArray(v))
		lerr(ld, p, "expected an array");
	else
		lerr(ld, p, "must not be empty");
	return NULL;
}

/* An array of non-empty strings, copied into a pointer vector. */
static const char **
get_strs(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    int nonempty, int *count)
{
	const cJSON *a = get_arr(ld, obj, path, key, nonempty), *it;
	const char **v;
	char p[256], q[256];
	int i = 0;

	*count = 0;
	if (a == NULL)
		return NULL;
	v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
			sub(p, sizeof(p), path, key);
			idx(q, sizeof(q), p, i);
			lerr(ld, q, "expected a non-empty string");
		} else
			v[(*count)++] = it->valuestring;
		i++;
	}
	return v;
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) ||
		    *s == '-'))
			return 0;
	return 1;
}

static const char *
get_id(struct ld *ld, const cJSON *obj, const char *path)
{
	const char *id = get_str(ld, obj, path, "id", 0);
	char p[256];

	if (id && !valid_id(id)) {
		sub(p, sizeof(p), path, "id");
		lerr(ld, p, "\"%s\" must be lower-case letters, digits and '-'",
		    id);
		return NULL;
	}
	return id;
}

static const struct kb_source *
find_source(const struct kb *kb, const char *id)
{
	int i;

	for (i = 0; id && i < kb->nsources; i++)
		if (strcmp(kb->sources[i].id, id) == 0)
			return &kb->sources[i];
	return NULL;
}

static const struct kb_source *
get_source_ref(struct ld *ld, const cJSON *obj, const char *path,
    const char *key)
{
	const char *id = get_str(ld, obj, path, key, 0);
	const struct kb_source *s;
	char p[256];

	if (id == NULL)
		return NULL;
	if ((s = find_source(ld->kb, id)) == NULL) {
		sub(p, sizeof(p), path, key);
		lerr(ld, p, "unknown source \"%s\"", id);
	}
	return s;
}

/*
 * Registers the lookup keys of a name list in one namespace; a key owned
 * by another record is an error.  The record's own name counts as an alias.
 */
static void
add_aliases(struct ld *ld, struct seen *ns, const char *owner,
    const char *name, const char **aliases, int n, const char *path)
{
	char p[256];
	const char *prev;
	char *norm, *key;
	int i;

	for (i = -1; i < n; i++) {
		const char *a = i < 0 ? name : aliases[i];

		if (a == NULL)
			continue;
		norm = text_norm(a, strlen(a));
		key = text_key(norm);
		if (i < 0)
			snprintf(p, sizeof(p), "%s", path);
		else
			snprintf(p, sizeof(p), "%s.aliases[%d]", path, i);
		if (*key == '\0')
			lerr(ld, p, "\"%s\" has no letters or digits", a);
		else if ((prev = seen_add(ns, key, owner)) != NULL &&
		    strcmp(prev, owner) != 0)
			lerr(ld, p, "duplicate alias \"%s\": already names %s",
			    a, prev);
		free(norm);
		free(key);
	}
}

/* ---- the files ------------------------------------------------------ */

static const char *const source_keys[] = {
	"id", "file", "title", "year", "label", NULL
};

static void
load_sources(struct ld *ld, const cJSON *root)
{
	const cJSON *a = get_arr(ld, root, "", "sources", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0, j;

	if (a == NULL)
		return;
	kb->sources = xcalloc((size_t)cJSON_GetArraySize(a), sizeof(*kb->sources));
	cJSON_ArrayForEach(it, a) {
		struct kb_source *s = &kb->sources[kb->nsources];

		idx(p, sizeof(p), "sources", i++);
		if (!cJSON_IsObject(it)) {
			lerr(ld, p, "expected an object");
			continue;
		}
		check_keys(ld, it, p, source_keys);
		s->id = get_id(ld, it, p);
		s->file = get_str(ld, it, p, "file", 0);
		s->title = get_str(ld, it, p, "title", 0);
		s->label = get_str(ld, it, p, "label", 0);
		s->year = (int)get_int(ld, it, p, "year", 1900, 2200, 1);
		if (s->id == NULL || s->label == NULL)
			continue;
		for (j = 0; j < kb->nsources; j++)
			if (strcmp(kb->sources[j].id, s->id) == 0)
				lerr(ld, p, "duplicate source id \"%s\"", s->id);
		kb->nsources++;
	}
}

static const char *const category_keys[] = {
	"id", "name", "aliases", "source", "heading", NULL
};

static void
load_categories(struct ld *ld, const cJSON *root)
{
	const cJSON *a = get_arr(ld, root, "", "categories", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0;

	if (a == NULL)
		return;
	kb->categories = xcalloc((size_t)cJSON_GetArraySize(a),
	    sizeof(*kb->categories));
	cJSON_ArrayForEach(it, a) {
		struct kb_category *c = &kb->categories[kb->ncategories];

		idx(p, sizeof(p), "categories", i++);
		if (!cJSON_IsObject(it)) {
			lerr(ld, p, "expected an object");
			continue;
		}
		check_keys(ld, it, p, category_keys);
		c->id = get_id(ld, it, p);
		c->name = get_str(ld, it, p, "name", 0);
		c->aliases = get_strs(ld, it, p, "aliases", 0, &c->naliases);
		c->source = get_source_ref(ld, it, p, "source");
		c->heading = get_str(ld, it, p, "heading", 1);
		if (c->id == NULL || c->name == NULL) {
			free(c->aliases);
			c->aliases = NULL;
			continue;
		}
		add_aliases(ld, &ld->seen_cats, c->id, c->name, c->aliases,
		    c->naliases, p);
		kb->ncategories++;
	}
}

static const char *const skill_keys[] = { "id", "name", "aliases", NULL };

static void
load_skills(struct ld *ld, const cJSON *root)
{
	const cJSON *a = get_arr(ld, root, "", "skills", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0;

	if (a == NULL)
		return;
	kb->skills = xcalloc((size_t)cJSON_GetArraySize(a), sizeof(*kb->skills));
	cJSON_ArrayForEach(it, a) {
		struct kb_skill *s = &kb->skills[kb->nskills];

		idx(p, sizeof(p), "skills", i++);
		if (!cJSON_IsObject(it)) {
			lerr(ld, p, "expected an object");
			continue;
		}
		check_keys(ld, it, p, skill_keys);
		s->id = get_id(ld, it, p);
		s->name = get_str(ld, it, p, "name", 0);
		s->aliases = get_strs(ld, it, p, "aliases", 0, &s->naliases);
		if (s->id == NULL || s->name == NULL) {
			free(s->aliases);
			s->aliases = NULL;
			continue;
		}
		if (seen_add(&ld->skill_ids, s->id, s->id) != NULL)
			lerr(ld, p, "duplicate skill id \"%s\"", s->id);
		add_aliases(ld, &ld->seen_skills, s->id, s->name, s->aliases,
		    s->naliases, p);
		kb->nskills++;
	}
}

/* Index of a skill id in kb->skills, or -1.  Skills with a rejected
 * record are not in the table, so the index always matches. */
static int
find_skill(const struct ld *ld, const char *id)
{
	const struct seen_ent *e = seen_get(&ld->skill_ids, id);

	return e ? e->val : -1;
}

static const char *const pay_fig_keys[] = {
	"min", "max", "open_ended", "currency", "year", "basis", "quote", NULL
};
static const char *const pay_words_keys[] = { "words", NULL };

static void
load_pay(struct ld *ld, const cJSON *rs, const char *path,
    struct kb_role_source *s)
{
	const cJSON *pay = need(ld, rs, path, "pay");
	struct kb_pay *py = &s->pay;
	char p[256], q[256];

	if (pay == NULL)
		return;
	sub(p, sizeof(p), path, "pay");
	if (!cJSON_IsObject(pay)) {
		lerr(ld, p, "expected an object");
		return;
	}
	if (cJSON_GetObjectItemCaseSensitive(pay, "words")) {
		check_keys(ld, pay, p, pay_words_keys);
		py->words = get_str(ld, pay, p, "words", 0);
		return;
	}
	check_keys(ld, pay, p, pay_fig_keys);
	py->has_figure = 1;
	py->min = get_int(ld, pay, p, "min", 1, 100000000, 0);
	py->max = get_int(ld, pay, p, "max", 1, 100000000, 0);
	py->open_ended = get_bool(ld, pay, p, "open_ended");
	py->currency = get_str(ld, pay, p, "currency", 0);
	py->year = (int)get_int(ld, pay, p, "year", 1900, 2200, 0);
	py->basis = get_str(ld, pay, p, "basis", 0);
	py->quote = get_str(ld, pay, p, "quote", 0);
	if (py->min && py->max && py->min > py->max) {
		sub(q, sizeof(q), p, "min");
		lerr(ld, q, "%ld is above max %ld", py->min, py->max);
	}
	if (py->currency && strcmp(py->currency, "USD") != 0) {
		sub(q, sizeof(q), p, "currency");
		lerr(ld, q, "\"%s\": only USD is supported", py->currency);
	}
	if (s->source && py->year && py->year != s->source->year) {
		sub(q, sizeof(q), p, "year");
		lerr(ld, q, "%d differs from the year of source %s", py->year,
		    s->source->id);
	}
}

static const char *const skilluse_keys[] = { "text", "refs", NULL };

static void
load_skill_uses(struct ld *ld, const cJSON *rs, const char *path,
    struct kb_role_source *s)
{
	const cJSON *a = get_arr(ld, rs, path, "skills", 1), *it, *r;
	char p[256], q[256], w[256];
	int i = 0, j, k;

	if (a == NULL)
		return;
	s->skills = xcalloc((size_t)cJSON_GetArraySize(a), sizeof(*s->skills));
	cJSON_ArrayForEach(it, a) {
		struct kb_skill_use *u = &s->skills[s->nskills];
		const cJSON *refs;

		snprintf(p, sizeof(p), "%s.skills[%d]", path, i++);
		if (!cJSON_IsObject(it)) {
			lerr(ld, p, "expected an object");
			continue;
		}
		check_keys(ld, it, p, skilluse_keys);
		u->text = get_str(ld, it, p, "text", 0);
		refs = get_arr(ld, it, p, "refs", 1);
		if (u->text == NULL || refs == NULL)
			continue;
		u->refs = xcalloc((size_t)cJSON_GetArraySize(refs), sizeof(int));
		sub(q, sizeof(q), p, "refs");
		j = 0;
		cJSON_ArrayForEach(r, refs) {
			idx(w, sizeof(w), q, j++);
			if (!cJSON_IsString(r)) {
				lerr(ld, w, "expected a skill id");
				continue;
			}
			if ((k = find_skill(ld, r->valuestring)) < 0) {
				lerr(ld, w, "unknown skill \"%s\"",
				    r->valuestring);
				continue;
			}
			u->refs[u->nrefs++] = k;
		}
		s->nskills++;
	}
}

static const char *const rolesrc_keys[] = {
	"source", "title", "rank", "section", "description", "summary", "pay",
	"pay_notes", "responsibilities", "skills", "notes", NULL
};

static void
load_role_source(struct ld *ld, const cJSON *it, const char *p,
    struct kb_role_source *s)
{
	check_keys(ld, it, p, rolesrc_keys);
	s->source = get_source_ref(ld, it, p, "source");
	s->title = get_str(ld, it, p, "title", 0);
	s->rank = (int)get_int(ld, it, p, "rank", 1, 1000, 1);
	s->section = get_str(ld, it, p, "section", 1);
	s->description = get_str(ld, it, p, "description", 0);
	s->summary = get_str(ld, it, p, "summary", 0);
	if (s->summary && s->description &&
	    strstr(s->description, s->summary) == NULL) {
		char q[256];

		sub(q, sizeof(q), p, "summary");
		lerr(ld, q, "must be quoted verbatim from description");
	}
	load_pay(ld, it, p, s);
	s->pay_notes = get_strs(ld, it, p, "pay_notes", 0, &s->npay_notes);
	s->resp = get_strs(ld, it, p, "responsibilities", 0, &s->nresp);
	load_skill_uses(ld, it, p, s);
	s->notes = get_strs(ld, it, p, "notes", 0, &s->nnotes);
}

static const char *const role_keys[] = {
	"id", "title", "aliases", "category", "category_source", "sources", NULL
};

static void
load_role(struct ld *ld, const cJSON *root, const char *fname)
{
	struct kb *kb = ld->kb;
	struct kb_role *r = &kb->roles[kb->nroles];
	const cJSON *a, *it;
	const char *cat, *base;
	char p[64], want[256];
	int i, j, errs = ld->nerr;

	if (!cJSON_IsObject(root)) {
		lerr(ld, "(top)", "expected an object");
		return;
	}
	check_keys(ld, root, "", role_keys);
	r->id = get_id(ld, root, "");
	r->title = get_str(ld, root, "", "title", 0);
	r->aliases = get_strs(ld, root, "", "aliases", 0, &r->naliases);
	base = strrchr(fname, '/') ? strrchr(fname, '/') + 1 : fname;
	if (r->id) {
		snprintf(want, sizeof(want), "%s.json", r->id);
		if (strcmp(base, want) != 0)
			lerr(ld, "id", "\"%s\" does not match the file name",
			    r->id);
		if (seen_get(&ld->role_ids, r->id) != NULL)
			lerr(ld, "id", "duplicate role id \"%s\"", r->id);
	}
	r->category = -1;
	if ((cat = get_str(ld, root, "", "category", 0)) != NULL) {
		for (i = 0; i < kb->ncategories; i++)
			if (strcmp(kb->categories[i].id, cat) == 0)
				r->category = i;
		if (r->category < 0)
			lerr(ld, "category", "unknown category \"%s\"", cat);
	}
	r->category_source = get_str(ld, root, "", "category_source", 0);
	if (r->category_source && strcmp(r->category_source, "editor") != 0 &&
	    find_source(kb, r->category_source) == NULL)
		lerr(ld, "category_source",
		    "\"%s\" is neither a source id nor \"editor\"",
		    r->category_source);
	if ((a = get_arr(ld, root, "", "sources", 1)) != NULL) {
		r->src = xcalloc((size_t)cJSON_GetArraySize(a), sizeof(*r->src));
		i = 0;
		cJSON_ArrayForEach(it, a) {
			idx(p, sizeof(p), "sources", i++);
			if (!cJSON_IsObject(it)) {
				lerr(ld, p, "expected an object");
				continue;
			}
			load_role_source(ld, it, p, &r->src[r->nsrc]);
			for (j = 0; j < r->nsrc; j++)
				if (r->src[r->nsrc].source &&
				    r->src[j].source == r->src[r->nsrc].source)
					lerr(ld, p, "a second entry for "
					    "source %s",
					    r->src[j].source->id);
			r->nsrc++;
		}
	}
	if (r->id && r->title)
		add_aliases(ld, &ld->seen_roles, r->id, r->title, r->aliases,
		    r->naliases, "title");
	if (ld->nerr != errs || r->id == NULL)
		return;		/* kb is discarded anyway */
	seen_add(&ld->role_ids, r->id, r->id);
	/* Newest first: the guide with the later year describes the role. */
	for (i = 0; i < r->nsrc; i++) {
		const struct kb_role_source *s = &r->src[i];

		if (r->primary == NULL ||
		    s->source->year > r->primary->source->year)
			r->primary = s;
		if (s->pay.has_figure && (r->figure == NULL ||
		    s->source->year > r->figure->source->year))
			r->figure = s;
	}
	kb->nroles++;
}

static const char *const topic_keys[] = {
	"id", "kind", "source", "title", "intro", "items", "outro", NULL
};
static const char *const item_keys[] = { "name", "text", NULL };
static const char *const topic_kinds[] = {
	"market-skills", "meta-skills", "negotiation", "conclusion", NULL
};

static void
load_topics(struct ld *ld, const cJSON *root)
{
	const cJSON *a = get_arr(ld, root, "", "topics", 1), *it, *items, *x;
	struct kb *kb = ld->kb;
	char p[64], q[128];
	int i = 0, j, k;

	if (a == NULL)
		return;
	kb->topics = xcalloc((size_t)cJSON_GetArraySize(a), sizeof(*kb->topics));
	cJSON_ArrayForEach(it, a) {
		struct kb_topic *t = &kb->topics[kb->ntopics];

		idx(p, sizeof(p), "topics", i++);
		if (!cJSON_IsObject(it)) {
			lerr(ld, p, "expected an object");
			continue;
		}
		check_keys(ld, it, p, topic_keys);
		t->id = get_id(ld, it, p);
		t->kind = get_str(ld, it, p, "kind", 0);
		t->source = get_source_ref(ld, it, p, "source");
		t->title = get_str(ld, it, p, "title", 0);
		t->intro = get_str(ld, it, p, "intro", 1);
		t->outro = get_str(ld, it, p, "outro", 1);
		if (t->kind) {
			for (k = 0; topic_kinds[k]; k++)
				if (strcmp(topic_kinds[k], t->kind) == 0)
					break;
			if (topic_kinds[k] == NULL) {
				sub(q, sizeof(q), p, "kind");
				lerr(ld, q, "unknown kind \"%s\"", t->kind);
			}
		}
		if ((items = get_arr(ld, it, p, "items", 1)) == NULL)
			continue;
		t->items = xcalloc((size_t)cJSON_GetArraySize(items),
		    sizeof(*t->items));
		j = 0;
		cJSON_ArrayForEach(x, items) {
			snprintf(q, sizeof(q), "%s.items[%d]", p, j++);
			if (!cJSON_IsObject(x)) {
				lerr(ld, q, "expected an object");
				continue;
			}
			check_keys(ld, x, q, item_keys);
			t->items[t->nitems].name = get_str(ld, x, q, "name", 0);
			t->items[t->nitems].text = get_str(ld, x, q, "text", 0);
			t->nitems++;
		}
		if (t->id)
			kb->ntopics++;
	}
}

/* ---- entry points --------------------------------------------------- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--) {
		h ^= *c++;
		h *= 1099511628211ULL;
	}
	return h;
}

static const struct kb_file *
file_named(const struct kb_file *f, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

static cJSON *
parse(struct ld *ld, struct trees *tr, const struct kb_file *f)
{
	const char *end = NULL;
	cJSON *root;
	int line = 1;
	const char *c;
	char where[32];

	ld->file = f->name;
	root = cJSON_ParseWithLengthOpts(f->data, f->len, &end, 0);
	if (root == NULL) {
		if (end == NULL)
			end = f->data;
		for (c = f->data; c < end && c < f->data + f->len; c++)
			if (*c == '\n')
				line++;
		snprintf(where, sizeof(where), "line %d", line);
		lerr(ld, where, "malformed JSON");
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		lerr(ld, "(top)", "expected a JSON object");
		cJSON_Delete(root);
		return NULL;
	}
	tr->roots[tr->n++] = root;
	return root;
}

static void
report_missing(struct ld *ld, const char *name)
{
	ld->file = name;
	lerr(ld, "(file)", "missing");
}

static void
free_role(struct kb_role *r)
{
	int i, j;

	for (i = 0; i < r->nsrc; i++) {
		struct kb_role_source *s = &r->src[i];

		for (j = 0; j < s->nskills; j++)
			free(s->skills[j].refs);
		free(s->skills);
		free(s->pay_notes);
		free(s->resp);
		free(s->notes);
	}
	free(r->src);
	free(r->aliases);
}

void
kb_free(struct kb *kb)
{
	struct trees *tr;
	int i;

	if (kb == NULL)
		return;
	/* free every slot that was allocated, counted or not */
	for (i = 0; kb->roles && kb->roles[i].id != NULL; i++)
		free_role(&kb->roles[i]);
	free(kb->roles);
	for (i = 0; i < kb->nskills; i++)
		free(kb->skills[i].aliases);
	free(kb->skills);
	for (i = 0; i < kb->ncategories; i++)
		free(kb->categories[i].aliases);
	free(kb->categories);
	for (i = 0; i < kb->ntopics; i++)
		free(kb->topics[i].items);
	free(kb->topics);
	free(kb->sentences);
	for (i = 0; i < kb->nsources; i++)
		free(kb->sources[i].text);
	free(kb->sources);
	if ((tr = kb->trees) != NULL) {
		for (i = 0; i < tr->n; i++)
			cJSON_Delete(tr->roots[i]);
		free(tr->roots);
		free(tr);
	}
	free(kb);
}

/* ---- sentences.json ---------------------------------------------- */

const char *const kb_aspect_names[ASPECT_COUNT] = {
	"does", "why_pays", "pay_words", "hires", "tools", "skills", "risk",
	"trend", "advice", "negotiation", "difference", "origin", "intro",
	"common", "pay_figure"
};

int
kb_aspect_of(const char *name)
{
	int i;

	for (i = 0; i < ASPECT_COUNT; i++)
		if (strcmp(kb_aspect_names[i], name) == 0)
			return i;
	return -1;
}

/* Where line n of text starts, and its length; NULL past the end. */
static const char *
line_at(const char *text, int n, size_t *len)
{
	const char *p = text;

	while (p && --n > 0)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || *p == '\0')
		return NULL;
	*len = strcspn(p, "\n");
	return p;
}

static void
load_sentence_subject(struct ld *ld, struct kb_sentence *s, const char *subj,
    const char *path)
{
	int i;

	s->role = s->category = -1;
	if (strcmp(subj, "guide") == 0)
		return;
	if (strncmp(subj, "category:", 9) == 0) {
		for (i = 0; i < ld->kb->ncategories; i++)
			if (strcmp(ld->kb->categories[i].id, subj + 9) == 0)
				s->category = i;
		if (s->category < 0)
			lerr(ld, path, "no category \"%s\"", subj + 9);
		return;
	}
	if (strncmp(subj, "topic:", 6) == 0) {
		for (i = 0; i < ld->kb->ntopics; i++)
			if (strcmp(ld->kb->topics[i].id, subj + 6) == 0)
				s->topic = ld->kb->topics[i].id;
		if (s->topic == NULL)
			lerr(ld, path, "no topic \"%s\"", subj + 6);
		return;
	}
	for (i = 0; i < ld->kb->nroles; i++)
		if (strcmp(ld->kb->roles[i].id, subj) == 0)
			s->role = i;
	if (s->role < 0)
		lerr(ld, path, "no role, category:ID, topic:ID or guide "
		    "\"%s\"", subj);
}

static void
load_sentences(struct ld *ld, const cJSON *root)
{
	const cJSON *arr = get_arr(ld, root, "", "sentences", 0), *it, *a;
	const char *src, *subj, *line;
	struct kb_sentence *s;
	char p[64], q[96];
	size_t len;
	int i = 0, k, as;

	if (arr == NULL)
		return;
	ld->kb->sentences = xcalloc((size_t)cJSON_GetArraySize(arr) + 1,
	    sizeof(*ld->kb->sentences));
	cJSON_ArrayForEach(it, arr) {
		idx(p, sizeof(p), "sentences", i++);
		s = &ld->kb->sentences[ld->kb->nsentences];
		memset(s, 0, sizeof(*s));
		check_keys(ld, it, p, (const char *[]){ "source", "line",
		    "text", "subject", "aspect", "also", NULL });
		src = get_str(ld, it, p, "source", 0);
		s->line = (int)get_int(ld, it, p, "line", 1, 100000, 0);
		s->text = get_str(ld, it, p, "text", 0);
		subj = get_str(ld, it, p, "subject", 0);
		for (k = 0; src && k < ld->kb->nsources; k++)
			if (strcmp(ld->kb->sources[k].id, src) == 0)
				s->source = &ld->kb->sources[k];
		if (src && s->source == NULL) {
			sub(q, sizeof(q), p, "source");
			lerr(ld, q, "no source \"%s\"", src);
		}
		if (subj) {
			sub(q, sizeof(q), p, "subject");
			load_sentence_subject(ld, s, subj, q);
		}
		if ((line = get_str(ld, it, p, "aspect", 0)) != NULL) {
			if ((as = kb_aspect_of(line)) < 0) {
				sub(q, sizeof(q), p, "aspect");
				lerr(ld, q, "no aspect \"%s\"", line);
			} else
				s->aspects |= 1u << as;
		}
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(it, "also"))
			if (cJSON_IsString(a) &&
			    (as = kb_aspect_of(a->valuestring)) >= 0)
				s->aspects |= 1u << as;
		/* the line is the knowledge's own; it must hold the text */
		if (s->source && s->source->text && s->text && s->line &&
		    ((line = line_at(s->source->text, s->line, &len)) == NULL ||
		    memmem(line, len, s->text, strlen(s->text)) == NULL)) {
			sub(q, sizeof(q), p, "text");
			lerr(ld, q, "not on line %d of %s", s->line,
			    s->source->file);
			continue;
		}
		if (s->source && s->text && s->line && s->aspects)
			ld->kb->nsentences++;
	}
}

const struct kb_sentence *
kb_sentence_of(const struct kb *kb, const struct kb_source *s,
    const char *quote, int role)
{
	const struct kb_sentence *k, *any = NULL;
	size_t n;
	int i;

	if (quote == NULL)
		return NULL;
	for (i = 0; i < kb->nsentences; i++) {
		k = &kb->sentences[i];
		n = strlen(k->text);
		/* the quote is in the sentence, or starts with it (a
		 * description of several sentences) */
		if (k->source != s || (strstr(k->text, quote) == NULL &&
		    strncmp(quote, k->text, n) != 0))
			continue;
		if (role < 0 || k->role == role)
			return k;
		if (any == NULL)
			any = k;
	}
	return any;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct kb_file *)a)->name,
	    ((const struct kb_file *)b)->name);
}

struct kb *
kb_load_files(const struct kb_file *files, int n, char *err, size_t errlen)
{
	static const char *const fixed[] = {
		"sources.json", "categories.json", "skills.json", "topics.json"
	};
	struct ld ld = {0};
	struct trees *tr;
	struct kb_file *sorted;
	const struct kb_file *f;
	cJSON *root;
	int i, nroles = 0;

	ld.kb = xcalloc(1, sizeof(*ld.kb));
	tr = xcalloc(1, sizeof(*tr));
	tr->roots = xcalloc((size_t)n + 1, sizeof(*tr->roots));
	ld.kb->trees = tr;

	/* roles in name order, so the kb is the same whatever the listing */
	sorted = xcalloc((size_t)n + 1, sizeof(*sorted));
	if (n > 0) {	/* files may be NULL when there are none */
		memcpy(sorted, files, (size_t)n * sizeof(*files));
		qsort(sorted, (size_t)n, sizeof(*sorted), cmp_file);
	}
	ld.kb->hash = 1469598103934665603ULL;
	for (i = 0; i < n; i++) {
		ld.kb->hash = fnv(ld.kb->hash, sorted[i].name,
		    strlen(sorted[i].name) + 1);
		ld.kb->hash = fnv(ld.kb->hash, sorted[i].data, sorted[i].len);
		if (strncmp(sorted[i].name, "roles/", 6) == 0)
			nroles++;
	}

	for (i = 0; i < 4; i++) {
		if ((f = file_named(sorted, n, fixed[i])) == NULL) {
			report_missing(&ld, fixed[i]);
			continue;
		}
		if ((root = parse(&ld, tr, f)) == NULL)
			continue;
		switch (i) {
		case 0: check_keys(&ld, root, "", (const char *[]){"sources", NULL});
			load_sources(&ld, root); break;
		case 1: check_keys(&ld, root, "", (const char *[]){"categories", NULL});
			load_categories(&ld, root); break;
		case 2: check_keys(&ld, root, "", (const char *[]){"skills", NULL});
			load_skills(&ld, root); break;
		case 3: check_keys(&ld, root, "", (const char *[]){"topics", NULL});
			load_topics(&ld, root); break;
		}
	}
	/* each guide's text, where it came along: passages and citations */
	for (i = 0; i < ld.kb->nsources; i++) {
		struct kb_source *src = &ld.kb->sources[i];
		char gname[512];

		if (src->file == NULL)
			continue;
		snprintf(gname, sizeof(gname), "guides/%s", src->file);
		if ((f = file_named(sorted, n, gname)) != NULL) {
			src->text = xstrndup(f->data, f->len);
			src->textlen = strlen(src->text);	/* to a NUL */
		}
	}
	/* one spare zeroed slot ends the array for kb_free */
	ld.kb->roles = xcalloc((size_t)nroles + 1, sizeof(*ld.kb->roles));
	for (i = 0; i < n; i++) {
		if (strncmp(sorted[i].name, "roles/", 6) != 0)
			continue;
		if ((root = parse(&ld, tr, &sorted[i])) == NULL)
			continue;
		load_role(&ld, root, sorted[i].name);
		/* a rejected role keeps its slot's allocations: clear them
		 * (all of them: fuzz_kb found aliases leaking from a role
		 * without an id) */
		free_role(&ld.kb->roles[ld.kb->nroles]);
		memset(&ld.kb->roles[ld.kb->nroles], 0, sizeof(struct kb_role));
	}
	if (ld.nerr == 0 && ld.kb->nroles == 0) {
		ld.file = "roles/";
		lerr(&ld, "(dir)", "no role files");
	}
	/* optional: without it prose questions fall back to the search */
	if ((f = file_named(sorted, n, "sentences.json")) != NULL &&
	    (root = parse(&ld, tr, f)) != NULL) {
		check_keys(&ld, root, "", (const char *[]){"sentences", NULL});
		load_sentences(&ld, root);
	}
	free(sorted);
	seen_free(&ld.seen_roles);
	seen_free(&ld.seen_skills);
	seen_free(&ld.seen_cats);
	seen_free(&ld.role_ids);
	seen_free(&ld.skill_ids);
	if (ld.nerr > 0) {
		if (ld.nerr > KB_MAX_ERRORS)
			buf_printf(&ld.errs, "(%d more errors)\n",
			    ld.nerr - KB_MAX_ERRORS);
		snprintf(err, errlen, "%s", buf_str(&ld.errs));
		buf_free(&ld.errs);
		kb_free(ld.kb);
		return NULL;
	}
	buf_free(&ld.errs);
	return ld.kb;
}

struct kb *
kb_load_embedded(char *err, size_t errlen)
{
	return kb_load_files(kb_embedded_files, kb_embedded_nfiles, err,
	    errlen);
}

/* Reads one file whole; NULL with err filled on failure. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *fp;
	struct stat st;
	char *data;
	int fd;

	/* O_NONBLOCK: a FIFO opens at once (and is refused below) instead
	 * of hanging start-up or a reload until someone writes to it */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: (file): %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > KB_FILE_MAX || (fp = fdopen(fd, "rb")) == NULL) {
		snprintf(err, errlen, "%s: (file): not a regular file of at "
		    "most %d bytes\n", path, KB_FILE_MAX);
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	*len = fread(data, 1, (size_t)st.st_size, fp);
	data[*len] = '\0';
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: (file): read error\n", path);
		free(data);
		data = NULL;
	}
	fclose(fp);
	return data;
}

/* A knowledge file: *.json, and the guides' *.txt under guides/. */
static int
is_knowledge(const char *sub, const char *name)
{
	const char *ext = strcmp(sub, "guides/") == 0 ? ".txt" : ".json";
	size_t n = strlen(name), e = strlen(ext);

	return name[0] != '.' && n > e && strcmp(name + n - e, ext) == 0;
}

struct kb *
kb_load_dir(const char *dir, char *err, size_t errlen)
{
	static const char *const subdirs[] = { "", "roles/", "guides/" };
	struct kb_file *files = NULL;
	struct kb *kb = NULL;
	struct dirent *de;
	DIR *d;
	char path[4096], name[512];
	int n = 0, cap = 0, i, failed = 0;
	size_t total = 0;

	for (i = 0; i < 3 && !failed; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[i]);
		if ((d = opendir(path)) == NULL) {
			if (i == 2 && errno == ENOENT)
				break;	/* the guides are optional */
			snprintf(err, errlen, "%s: (dir): %s\n", path,
			    strerror(errno));
			failed = 1;
			break;
		}
		while ((de = readdir(d)) != NULL) {
			size_t len;

			if (!is_knowledge(subdirs[i], de->d_name))
				continue;
			snprintf(name, sizeof(name), "%s%s", subdirs[i],
			    de->d_name);
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				files = xrealloc(files, (size_t)cap *
				    sizeof(*files));
			}
			files[n].data = slurp(path, &len, err, errlen);
			if (files[n].data == NULL) {
				failed = 1;
				break;
			}
			files[n].len = len;
			files[n].name = xstrdup(name);
			n++;
			if ((total += len) > KB_TOTAL_MAX) {
				snprintf(err, errlen, "%s: (dir): the knowledge "
				    "files pass %d bytes together\n", dir,
				    KB_TOTAL_MAX);
				failed = 1;
				break;
			}
		}
		closedir(d);
	}
	if (!failed)
		kb = kb_load_files(files, n, err, errlen);
	for (i = 0; i < n; i++) {
		free((char *)files[i].name);
		free((char *)files[i].data);
	}
	free(files);
	return kb;
}

const struct kb_role *
kb_role_by_id(const struct kb *kb, const char *id)
{
	int i;

	for (i = 0; i < kb->nroles; i++)
		if (strcmp(kb->roles[i].id, id) == 0)
			return &kb->roles[i];
	return NULL;
}

const struct kb_topic *
kb_topic_by_kind(const struct kb *kb, const char *kind, int nth)
{
	int i;

	for (i = 0; i < kb->ntopics; i++)
		if (strcmp(kb->topics[i].kind, kind) == 0 && nth-- == 0)
			return &kb->topics[i];
	return NULL;
}
