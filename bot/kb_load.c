/*
 * kb_load.c -- the knowledge's records (sources, categories, skills,
 * roles, topics), each field checked as it is read.
 *
 * Checking is strict because the knowledge is written by hand: unknown
 * keys, wrong types, dangling skill references, duplicate ids and
 * aliases are all errors, collected in ld->je (json.h) with their paths.
 *
 * What a record keeps is copied into the kb's arena as it is read
 * (keep(), keep_strs()): the tree it came from is freed after its file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "kb.h"
#include "kb_int.h"
#include "text.h"

/* ---- the alias and id sets ------------------------------------------ */

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

void
kb_ld_free(struct ld *ld)
{
	seen_free(&ld->seen_roles);
	seen_free(&ld->seen_skills);
	seen_free(&ld->seen_cats);
	seen_free(&ld->role_ids);
	seen_free(&ld->skill_ids);
}

int
kb_ld_role(const struct ld *ld, const char *id)
{
	const struct seen_ent *e = seen_get(&ld->role_ids, id);

	return e ? e->val : -1;
}

/* ---- what the kb keeps, copied out of the tree ------------------------ */

/* s (a string of the tree, or NULL) in the kb's arena. */
static const char *
keep(struct ld *ld, const char *s)
{
	return s ? arena_strdup(ld->kb->arena, s) : NULL;
}

/* A vector of json_get_strs (freed here) as a NULL-terminated vector of
 * the arena's strings; NULL stays NULL. */
static const char **
keep_strs(struct ld *ld, const char **v, int n)
{
	const char **w;
	int i;

	if (v == NULL)
		return NULL;
	w = arena_calloc(ld->kb->arena, (size_t)n + 1, sizeof(*w));
	for (i = 0; i < n; i++)
		w[i] = keep(ld, v[i]);
	free(v);
	return w;
}

/* A required or nullable string field, kept. */
static const char *
get_str(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    int nullable)
{
	return keep(ld, json_get_str(&ld->je, obj, path, key, nullable));
}

static const char **
get_strs(struct ld *ld, const cJSON *obj, const char *path, const char *key,
    int *count)
{
	const char **v = json_get_strs(&ld->je, obj, path, key, 0, count);

	return keep_strs(ld, v, *count);
}

static void *
arena_array(struct ld *ld, const cJSON *a, size_t size)
{
	return arena_calloc(ld->kb->arena, (size_t)cJSON_GetArraySize(a),
	    size);
}

/* ---- fields every record has ------------------------------------------ */

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
	const char *id = json_get_str(&ld->je, obj, path, "id", 0);
	char p[JSON_PATH_MAX];

	if (id && !valid_id(id)) {
		json_path(p, sizeof(p), path, "id");
		json_err(&ld->je, p,
		    "\"%s\" must be lower-case letters, digits and '-'",
		    id);
		return NULL;
	}
	return keep(ld, id);
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
	const char *id = json_get_str(&ld->je, obj, path, key, 0);
	const struct kb_source *s;
	char p[JSON_PATH_MAX];

	if (id == NULL)
		return NULL;
	if ((s = find_source(ld->kb, id)) == NULL) {
		json_path(p, sizeof(p), path, key);
		json_err(&ld->je, p, "unknown source \"%s\"", id);
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
	char p[JSON_PATH_MAX];
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
			json_err(&ld->je, p, "\"%s\" has no letters or digits",
			    a);
		else if ((prev = seen_add(ns, key, owner)) != NULL &&
		    strcmp(prev, owner) != 0)
			json_err(&ld->je, p,
			    "duplicate alias \"%s\": already names %s",
			    a, prev);
		free(norm);
		free(key);
	}
}

/* ---- the records ------------------------------------------------------ */

static const char *const source_keys[] = {
	"id", "file", "title", "year", "label", NULL
};

void
kb_load_sources(struct ld *ld, const cJSON *root)
{
	const cJSON *a = json_get_arr(&ld->je, root, "", "sources", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0, j;

	if (a == NULL)
		return;
	kb->sources = arena_array(ld, a, sizeof(*kb->sources));
	cJSON_ArrayForEach(it, a) {
		struct kb_source *s = &kb->sources[kb->nsources];

		/* a rejected record leaves its slot to the next: clean */
		memset(s, 0, sizeof(*s));
		json_path_index(p, sizeof(p), "sources", i++);
		if (!cJSON_IsObject(it)) {
			json_err(&ld->je, p, "expected an object");
			continue;
		}
		json_check_keys(&ld->je, it, p, source_keys);
		s->id = get_id(ld, it, p);
		s->file = get_str(ld, it, p, "file", 0);
		s->title = get_str(ld, it, p, "title", 0);
		s->label = get_str(ld, it, p, "label", 0);
		s->year = (int)json_get_int(&ld->je, it, p, "year", 1900, 2200,
		    1);
		if (s->id == NULL || s->label == NULL)
			continue;
		for (j = 0; j < kb->nsources; j++)
			if (strcmp(kb->sources[j].id, s->id) == 0)
				json_err(&ld->je, p,
				    "duplicate source id \"%s\"", s->id);
		kb->nsources++;
	}
}

static const char *const category_keys[] = {
	"id", "name", "aliases", "source", "heading", NULL
};

void
kb_load_categories(struct ld *ld, const cJSON *root)
{
	const cJSON *a = json_get_arr(&ld->je, root, "", "categories", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0;

	if (a == NULL)
		return;
	kb->categories = arena_array(ld, a, sizeof(*kb->categories));
	cJSON_ArrayForEach(it, a) {
		struct kb_category *c = &kb->categories[kb->ncategories];

		memset(c, 0, sizeof(*c));
		json_path_index(p, sizeof(p), "categories", i++);
		if (!cJSON_IsObject(it)) {
			json_err(&ld->je, p, "expected an object");
			continue;
		}
		json_check_keys(&ld->je, it, p, category_keys);
		c->id = get_id(ld, it, p);
		c->name = get_str(ld, it, p, "name", 0);
		c->aliases = get_strs(ld, it, p, "aliases", &c->naliases);
		c->source = get_source_ref(ld, it, p, "source");
		c->heading = get_str(ld, it, p, "heading", 1);
		if (c->id == NULL || c->name == NULL) {
			c->aliases = NULL;
			continue;
		}
		add_aliases(ld, &ld->seen_cats, c->id, c->name, c->aliases,
		    c->naliases, p);
		kb->ncategories++;
	}
}

static const char *const skill_keys[] = { "id", "name", "aliases", NULL };

void
kb_load_skills(struct ld *ld, const cJSON *root)
{
	const cJSON *a = json_get_arr(&ld->je, root, "", "skills", 1), *it;
	struct kb *kb = ld->kb;
	char p[64];
	int i = 0;

	if (a == NULL)
		return;
	kb->skills = arena_array(ld, a, sizeof(*kb->skills));
	cJSON_ArrayForEach(it, a) {
		struct kb_skill *s = &kb->skills[kb->nskills];

		memset(s, 0, sizeof(*s));
		json_path_index(p, sizeof(p), "skills", i++);
		if (!cJSON_IsObject(it)) {
			json_err(&ld->je, p, "expected an object");
			continue;
		}
		json_check_keys(&ld->je, it, p, skill_keys);
		s->id = get_id(ld, it, p);
		s->name = get_str(ld, it, p, "name", 0);
		s->aliases = get_strs(ld, it, p, "aliases", &s->naliases);
		if (s->id == NULL || s->name == NULL) {
			s->aliases = NULL;
			continue;
		}
		if (seen_add(&ld->skill_ids, s->id, s->id) != NULL)
			json_err(&ld->je, p, "duplicate skill id \"%s\"",
			    s->id);
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
	const cJSON *pay = json_need(&ld->je, rs, path, "pay");
	struct kb_pay *py = &s->pay;
	char p[JSON_PATH_MAX], q[256];

	if (pay == NULL)
		return;
	json_path(p, sizeof(p), path, "pay");
	if (!cJSON_IsObject(pay)) {
		json_err(&ld->je, p, "expected an object");
		return;
	}
	if (cJSON_GetObjectItemCaseSensitive(pay, "words")) {
		json_check_keys(&ld->je, pay, p, pay_words_keys);
		py->words = get_str(ld, pay, p, "words", 0);
		return;
	}
	json_check_keys(&ld->je, pay, p, pay_fig_keys);
	py->has_figure = 1;
	py->min = json_get_int(&ld->je, pay, p, "min", 1, 100000000, 0);
	py->max = json_get_int(&ld->je, pay, p, "max", 1, 100000000, 0);
	py->open_ended = json_get_bool(&ld->je, pay, p, "open_ended");
	py->currency = get_str(ld, pay, p, "currency", 0);
	py->year = (int)json_get_int(&ld->je, pay, p, "year", 1900, 2200, 0);
	py->basis = get_str(ld, pay, p, "basis", 0);
	py->quote = get_str(ld, pay, p, "quote", 0);
	if (py->min && py->max && py->min > py->max) {
		json_path(q, sizeof(q), p, "min");
		json_err(&ld->je, q, "%ld is above max %ld", py->min, py->max);
	}
	if (py->currency && strcmp(py->currency, "USD") != 0) {
		json_path(q, sizeof(q), p, "currency");
		json_err(&ld->je, q, "\"%s\": only USD is supported",
		    py->currency);
	}
	if (s->source && py->year && py->year != s->source->year) {
		json_path(q, sizeof(q), p, "year");
		json_err(&ld->je, q, "%d differs from the year of source %s",
		    py->year, s->source->id);
	}
}

static const char *const skilluse_keys[] = { "text", "refs", NULL };

static void
load_skill_uses(struct ld *ld, const cJSON *rs, const char *path,
    struct kb_role_source *s)
{
	const cJSON *a = json_get_arr(&ld->je, rs, path, "skills", 1), *it, *r;
	char p[JSON_PATH_MAX], q[256], w[256];
	int i = 0, j, k;

	if (a == NULL)
		return;
	s->skills = arena_array(ld, a, sizeof(*s->skills));
	cJSON_ArrayForEach(it, a) {
		struct kb_skill_use *u = &s->skills[s->nskills];
		const cJSON *refs;

		snprintf(p, sizeof(p), "%s.skills[%d]", path, i++);
		if (!cJSON_IsObject(it)) {
			json_err(&ld->je, p, "expected an object");
			continue;
		}
		json_check_keys(&ld->je, it, p, skilluse_keys);
		u->text = get_str(ld, it, p, "text", 0);
		refs = json_get_arr(&ld->je, it, p, "refs", 1);
		if (u->text == NULL || refs == NULL)
			continue;
		u->refs = arena_array(ld, refs, sizeof(int));
		json_path(q, sizeof(q), p, "refs");
		j = 0;
		cJSON_ArrayForEach(r, refs) {
			json_path_index(w, sizeof(w), q, j++);
			if (!cJSON_IsString(r)) {
				json_err(&ld->je, w, "expected a skill id");
				continue;
			}
			if ((k = find_skill(ld, r->valuestring)) < 0) {
				json_err(&ld->je, w, "unknown skill \"%s\"",
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
	json_check_keys(&ld->je, it, p, rolesrc_keys);
	s->source = get_source_ref(ld, it, p, "source");
	s->title = get_str(ld, it, p, "title", 0);
	s->rank = (int)json_get_int(&ld->je, it, p, "rank", 1, 1000, 1);
	s->section = get_str(ld, it, p, "section", 1);
	s->description = get_str(ld, it, p, "description", 0);
	s->summary = get_str(ld, it, p, "summary", 0);
	if (s->summary && s->description &&
	    strstr(s->description, s->summary) == NULL) {
		char q[256];

		json_path(q, sizeof(q), p, "summary");
		json_err(&ld->je, q,
		    "must be quoted verbatim from description");
	}
	load_pay(ld, it, p, s);
	s->pay_notes = get_strs(ld, it, p, "pay_notes", &s->npay_notes);
	s->resp = get_strs(ld, it, p, "responsibilities", &s->nresp);
	load_skill_uses(ld, it, p, s);
	s->notes = get_strs(ld, it, p, "notes", &s->nnotes);
}

static const char *const role_keys[] = {
	"id", "title", "aliases", "category", "category_source", "sources", NULL
};

void
kb_load_role(struct ld *ld, const cJSON *root, const char *fname)
{
	struct kb *kb = ld->kb;
	struct kb_role *r = &kb->roles[kb->nroles];
	const cJSON *a, *it;
	const char *cat, *base;
	char p[64], want[256];
	int i, j, errs = ld->je.n;

	if (!cJSON_IsObject(root)) {
		json_err(&ld->je, "(top)", "expected an object");
		return;
	}
	json_check_keys(&ld->je, root, "", role_keys);
	r->id = get_id(ld, root, "");
	r->title = get_str(ld, root, "", "title", 0);
	r->aliases = get_strs(ld, root, "", "aliases", &r->naliases);
	base = strrchr(fname, '/') ? strrchr(fname, '/') + 1 : fname;
	if (r->id) {
		snprintf(want, sizeof(want), "%s.json", r->id);
		if (strcmp(base, want) != 0)
			json_err(&ld->je, "id",
			    "\"%s\" does not match the file name",
			    r->id);
		if (seen_get(&ld->role_ids, r->id) != NULL)
			json_err(&ld->je, "id", "duplicate role id \"%s\"",
			    r->id);
	}
	r->category = -1;
	if ((cat = json_get_str(&ld->je, root, "", "category", 0)) != NULL) {
		for (i = 0; i < kb->ncategories; i++)
			if (strcmp(kb->categories[i].id, cat) == 0)
				r->category = i;
		if (r->category < 0)
			json_err(&ld->je, "category", "unknown category \"%s\"",
			    cat);
	}
	r->category_source = get_str(ld, root, "", "category_source", 0);
	if (r->category_source && strcmp(r->category_source, "editor") != 0 &&
	    find_source(kb, r->category_source) == NULL)
		json_err(&ld->je, "category_source",
		    "\"%s\" is neither a source id nor \"editor\"",
		    r->category_source);
	if ((a = json_get_arr(&ld->je, root, "", "sources", 1)) != NULL) {
		r->src = arena_array(ld, a, sizeof(*r->src));
		i = 0;
		cJSON_ArrayForEach(it, a) {
			json_path_index(p, sizeof(p), "sources", i++);
			if (!cJSON_IsObject(it)) {
				json_err(&ld->je, p, "expected an object");
				continue;
			}
			load_role_source(ld, it, p, &r->src[r->nsrc]);
			for (j = 0; j < r->nsrc; j++)
				if (r->src[r->nsrc].source &&
				    r->src[j].source == r->src[r->nsrc].source)
					json_err(&ld->je, p,
					    "a second entry for "
					    "source %s",
					    r->src[j].source->id);
			r->nsrc++;
		}
	}
	if (r->id && r->title)
		add_aliases(ld, &ld->seen_roles, r->id, r->title, r->aliases,
		    r->naliases, "title");
	if (ld->je.n != errs || r->id == NULL)
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

void
kb_load_topics(struct ld *ld, const cJSON *root)
{
	const cJSON *a = json_get_arr(&ld->je, root, "", "topics", 1);
	const cJSON *it, *items, *x;
	struct kb *kb = ld->kb;
	char p[64], q[128];
	int i = 0, j, k;

	if (a == NULL)
		return;
	kb->topics = arena_array(ld, a, sizeof(*kb->topics));
	cJSON_ArrayForEach(it, a) {
		struct kb_topic *t = &kb->topics[kb->ntopics];

		/* a topic without an id leaves its slot to the next: its
		 * item count too (fuzz_kb: items written past the array) */
		memset(t, 0, sizeof(*t));
		json_path_index(p, sizeof(p), "topics", i++);
		if (!cJSON_IsObject(it)) {
			json_err(&ld->je, p, "expected an object");
			continue;
		}
		json_check_keys(&ld->je, it, p, topic_keys);
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
				json_path(q, sizeof(q), p, "kind");
				json_err(&ld->je, q, "unknown kind \"%s\"",
				    t->kind);
			}
		}
		if ((items = json_get_arr(&ld->je, it, p, "items", 1)) == NULL)
			continue;
		t->items = arena_array(ld, items, sizeof(*t->items));
		j = 0;
		cJSON_ArrayForEach(x, items) {
			snprintf(q, sizeof(q), "%s.items[%d]", p, j++);
			if (!cJSON_IsObject(x)) {
				json_err(&ld->je, q, "expected an object");
				continue;
			}
			json_check_keys(&ld->je, x, q, item_keys);
			t->items[t->nitems].name = get_str(ld, x, q, "name",
			    0);
			t->items[t->nitems].text = get_str(ld, x, q, "text",
			    0);
			t->nitems++;
		}
		if (t->id)
			kb->ntopics++;
	}
}
