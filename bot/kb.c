/*
 * kb.c -- the knowledge files: read from a directory or from the copy
 * embedded at build time, parsed, hashed, turned into a kb, freed; and
 * the look-ups by id.
 *
 * Files are parsed with cJSON one at a time; the records are read and
 * checked by kb_load.c and kb_sentences.c, which copy what the kb keeps
 * into its arena, and each tree is freed as soon as it has been read
 * (at 100,000 roles the trees were three quarters of the memory).
 * Errors are collected (several per run) and reported as "file:
 * path.to.field: what is wrong"; any error means no kb at all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "kb.h"
#include "kb_int.h"

#define KB_MAX_ERRORS	20
#define KB_FILE_MAX	(8 * 1024 * 1024)	/* a knowledge file above this is a mistake */
#define KB_TOTAL_MAX	(32 * 1024 * 1024)	/* and all of them together */

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

/* The file's root object (the caller frees it: cJSON_Delete); NULL with
 * the error collected. */
static cJSON *
parse(struct ld *ld, const struct kb_file *f)
{
	ld->je.file = f->name;
	return json_parse_object(&ld->je, f->data, f->len);
}

static void
report_missing(struct ld *ld, const char *name)
{
	ld->je.file = name;
	json_err(&ld->je, "(file)", "missing");
}

void
kb_free(struct kb *kb)
{
	if (kb == NULL)
		return;
	arena_free(kb->arena);
	free(kb);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct kb_file *)a)->name,
	    ((const struct kb_file *)b)->name);
}

/* The files every knowledge has, in the order they are read (each
 * refers to those before it). */
static const struct {
	const char	*name;
	const char	*key;		/* its one top-level key */
	void		(*load)(struct ld *, const cJSON *);
} fixed[] = {
	{ "sources.json", "sources", kb_load_sources },
	{ "categories.json", "categories", kb_load_categories },
	{ "skills.json", "skills", kb_load_skills },
	{ "topics.json", "topics", kb_load_topics },
};

static void
load_fixed(struct ld *ld, const struct kb_file *sorted, int n)
{
	const struct kb_file *f;
	cJSON *root;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if ((f = file_named(sorted, n, fixed[i].name)) == NULL) {
			report_missing(ld, fixed[i].name);
			continue;
		}
		if ((root = parse(ld, f)) == NULL)
			continue;
		json_check_keys(&ld->je, root, "",
		    (const char *[]){ fixed[i].key, NULL });
		fixed[i].load(ld, root);
		cJSON_Delete(root);
	}
}

/* Each guide's text, where it came along: passages and citations. */
static void
load_guides(struct ld *ld, const struct kb_file *sorted, int n)
{
	const struct kb_file *f;
	char gname[512];
	int i;

	for (i = 0; i < ld->kb->nsources; i++) {
		struct kb_source *src = &ld->kb->sources[i];

		if (src->file == NULL)
			continue;
		snprintf(gname, sizeof(gname), "guides/%s", src->file);
		if ((f = file_named(sorted, n, gname)) != NULL) {
			src->text = arena_strndup(ld->kb->arena, f->data,
			    f->len);
			src->textlen = strlen(src->text);	/* to a NUL */
		}
	}
}

static void
load_roles(struct ld *ld, const struct kb_file *sorted, int n, int nroles)
{
	cJSON *root;
	int i;

	ld->kb->roles = arena_calloc(ld->kb->arena, (size_t)nroles + 1,
	    sizeof(*ld->kb->roles));
	for (i = 0; i < n; i++) {
		if (strncmp(sorted[i].name, "roles/", 6) != 0)
			continue;
		if ((root = parse(ld, &sorted[i])) == NULL)
			continue;
		kb_load_role(ld, root, sorted[i].name);
		cJSON_Delete(root);
		/* a rejected role leaves its slot to the next (what it
		 * copied stays in the arena, freed with the kb, which an
		 * error discards anyway) */
		memset(&ld->kb->roles[ld->kb->nroles], 0,
		    sizeof(struct kb_role));
	}
	if (ld->je.n == 0 && ld->kb->nroles == 0) {
		ld->je.file = "roles/";
		json_err(&ld->je, "(dir)", "no role files");
	}
}

/* The roles a ranking cannot place, once, in kb order. */
static void
list_unranked(struct kb *kb)
{
	int *v, i, n = 0;

	for (i = 0; i < kb->nroles; i++)
		n += kb->roles[i].figure == NULL;
	v = arena_calloc(kb->arena, (size_t)n + 1, sizeof(*v));
	for (i = 0; i < kb->nroles; i++)
		if (kb->roles[i].figure == NULL)
			v[kb->nunranked++] = i;
	kb->unranked = v;
}

struct kb *
kb_load_files(const struct kb_file *files, int n, char *err, size_t errlen)
{
	struct ld ld = { .je.max = KB_MAX_ERRORS };
	struct kb_file *sorted;
	const struct kb_file *f;
	cJSON *root;
	int i, nroles = 0;

	ld.kb = xcalloc(1, sizeof(*ld.kb));
	ld.kb->arena = arena_new();

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
	load_fixed(&ld, sorted, n);
	load_guides(&ld, sorted, n);
	load_roles(&ld, sorted, n, nroles);
	/* optional: without it prose questions fall back to the search */
	if ((f = file_named(sorted, n, "sentences.json")) != NULL &&
	    (root = parse(&ld, f)) != NULL) {
		json_check_keys(&ld.je, root, "",
		    (const char *[]){"sentences", NULL});
		kb_load_sentences(&ld, root);
		cJSON_Delete(root);
	}
	list_unranked(ld.kb);
	free(sorted);
	kb_ld_free(&ld);
	if (ld.je.n > 0) {
		if (ld.je.n > KB_MAX_ERRORS)
			buf_printf(&ld.je.buf, "(%d more errors)\n",
			    ld.je.n - KB_MAX_ERRORS);
		snprintf(err, errlen, "%s", buf_str(&ld.je.buf));
		buf_free(&ld.je.buf);
		kb_free(ld.kb);
		return NULL;
	}
	buf_free(&ld.je.buf);
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
