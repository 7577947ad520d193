/*
 * test_kb.c -- the knowledge files: complete, quoted verbatim from the
 * guides, and a loader that refuses broken files with a clear message.
 */
#include "testutil.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	struct buf b = {0};
	char tmp[4096];
	size_t n;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(fp);
	return buf_steal(&b);
}

/* Whitespace runs (including U+00A0) to one space, bullets dropped. */
static char *
squash(const char *s)
{
	struct buf b = {0};
	int space = 0;

	while (*s) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
			space = 1;
			s++;
		} else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0) {
			space = 1;
			s += 2;
		} else if (strncmp(s, "\xe2\x80\xa2", 3) == 0) {	/* • */
			space = 1;
			s += 3;
		} else {
			if (space && b.len)
				buf_putc(&b, ' ');
			space = 0;
			buf_putc(&b, *s++);
		}
	}
	return buf_steal(&b);
}

static const char *
guide_text(const struct kb_source *src)
{
	static char *texts[8];
	static const struct kb_source *srcs[8];
	char path[512];
	int i;

	for (i = 0; i < 8 && srcs[i]; i++)
		if (srcs[i] == src)
			return texts[i];
	assert_true(i < 8);
	snprintf(path, sizeof(path), "%s/guides/%s", KNOWLEDGE_DIR, src->file);
	{
		char *raw = slurp(path);

		texts[i] = squash(raw);
		free(raw);
	}
	srcs[i] = src;
	return texts[i];
}

static void
verbatim(const struct kb_source *src, const char *what, const char *s)
{
	char *q;

	if (s == NULL)
		return;
	q = squash(s);
	if (strstr(guide_text(src), q) == NULL)
		fail_msg("%s is not in %s verbatim: \"%s\"", what, src->file, q);
	free(q);
}

static void
test_01_counts(void **s)
{
	int i, j, titles = 0, both = 0, fig = 0;

	(void)s;
	assert_int_equal(F.kb->nsources, 2);
	assert_int_equal(F.kb->nroles, 14);
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		int distinct = 1;

		/* a role's titles: one, or two where the guides differ */
		for (j = 1; j < r->nsrc; j++)
			if (strncmp(r->src[j].title, r->src[0].title,
			    strlen(r->title)) != 0)
				distinct++;
		titles += distinct;
		both += r->nsrc == 2;
		fig += r->figure != NULL;
	}
	assert_int_equal(titles, 15);	/* Cloud (Solutions) Architect merged */
	assert_int_equal(both, 6);
	assert_int_equal(fig, 10);	/* every role of the 2026 guide */
	assert_non_null(kb_role_by_id(F.kb, "cloud-architect"));
}

static void
test_02_every_text_verbatim(void **s)
{
	int i, j, k;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];

		for (j = 0; j < r->nsrc; j++) {
			const struct kb_role_source *rs = &r->src[j];
			const struct kb_source *g = rs->source;

			verbatim(g, "title", rs->title);
			verbatim(g, "description", rs->description);
			verbatim(g, "summary", rs->summary);
			verbatim(g, "pay.quote", rs->pay.quote);
			verbatim(g, "pay.words", rs->pay.words);
			for (k = 0; k < rs->npay_notes; k++)
				verbatim(g, "pay_notes", rs->pay_notes[k]);
			for (k = 0; k < rs->nresp; k++)
				verbatim(g, "responsibilities", rs->resp[k]);
			for (k = 0; k < rs->nskills; k++)
				verbatim(g, "skills.text", rs->skills[k].text);
			for (k = 0; k < rs->nnotes; k++)
				verbatim(g, "notes", rs->notes[k]);
		}
	}
	for (i = 0; i < F.kb->ntopics; i++) {
		const struct kb_topic *t = &F.kb->topics[i];

		verbatim(t->source, "topic.title", t->title);
		verbatim(t->source, "topic.intro", t->intro);
		verbatim(t->source, "topic.outro", t->outro);
		for (k = 0; k < t->nitems; k++)
			verbatim(t->source, "topic.items.text",
			    t->items[k].text);
	}
}

static void
money(char *out, size_t n, long v)
{
	struct answer a;

	answer_init(&a);
	fmt_money(&a, v);
	snprintf(out, n, "%s", buf_str(&a.text));
	answer_free(&a);
}

static void
test_03_figures_match_their_quotes(void **s)
{
	char m[32];
	int i, j;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++)
		for (j = 0; j < F.kb->roles[i].nsrc; j++) {
			const struct kb_pay *p = &F.kb->roles[i].src[j].pay;
			char want[40];

			if (!p->has_figure) {
				assert_non_null(p->words);
				/* words only: no dollar figure hides there */
				assert_null(strchr(p->words, '$'));
				continue;
			}
			money(m, sizeof(m), p->min);
			assert_has(p->quote, m);
			money(m, sizeof(m), p->max);
			snprintf(want, sizeof(want), "%s%s", m,
			    p->open_ended ? "+" : ".");
			assert_has(p->quote, want);
			assert_int_equal(p->year,
			    F.kb->roles[i].src[j].source->year);
		}
}

static void
test_04_embedded_copy_is_current(void **s)
{
	char err[KB_ERR_MAX];
	struct kb *e = kb_load_embedded(err, sizeof(err));

	(void)s;
	assert_non_null(e);
	assert_true(e->hash == F.kb->hash);
	kb_free(e);
}

/* Loads the embedded files with one replacement; returns the errors. */
static char *
load_with(const char *file, const char *from, const char *to, int *ok)
{
	static char err[KB_ERR_MAX];
	struct kb_file *f;
	struct kb *kb;
	char *edited = NULL;
	int i, found = 0, n = kb_embedded_nfiles;

	f = calloc((size_t)kb_embedded_nfiles, sizeof(*f));
	memcpy(f, kb_embedded_files, (size_t)kb_embedded_nfiles * sizeof(*f));
	for (i = 0; i < kb_embedded_nfiles; i++) {
		const char *p;
		struct buf b = {0};

		if (strcmp(f[i].name, file) != 0)
			continue;
		found = 1;
		if (from == NULL) {	/* drop the file */
			f[i] = f[--n];
			break;
		}
		p = strstr(f[i].data, from);
		if (p == NULL)
			fail_msg("\"%s\" not in %s", from, file);
		buf_add(&b, f[i].data, (size_t)(p - f[i].data));
		buf_puts(&b, to);
		buf_puts(&b, p + strlen(from));
		edited = buf_steal(&b);
		f[i].data = edited;
		f[i].len = strlen(edited);
	}
	if (!found)
		fail_msg("no file %s", file);
	err[0] = '\0';
	kb = kb_load_files(f, n, err, sizeof(err));
	*ok = kb != NULL;
	kb_free(kb);
	free(edited);
	free(f);
	return err;
}

#define ROLE "roles/site-reliability-engineer.json"

static void
expect_error(const char *file, const char *from, const char *to,
    const char *want)
{
	int ok;
	char *err = load_with(file, from, to, &ok);

	if (ok)
		fail_msg("loaded despite %s: %s -> %s", file, from, to);
	assert_has(err, want);
	/* every line is "file: path: what" */
	assert_true(strncmp(err, file, strlen(file)) == 0);
}

static void
test_05_malformed_json(void **s)
{
	(void)s;
	expect_error(ROLE, "\"title\": \"Site", "\"title\": Site",
	    ROLE ": line 3: malformed JSON");
}

static void
test_06_missing_field(void **s)
{
	(void)s;
	expect_error(ROLE, "\"category\": \"cloud\",", "",
	    ROLE ": category: missing");
}

static void
test_07_duplicate_alias(void **s)
{
	(void)s;
	expect_error(ROLE, "\"sre\",", "\"sre\", \"devops\",",
	    "duplicate alias \"devops\": already names devops-engineer");
}

static void
test_08_unknown_skill(void **s)
{
	(void)s;
	expect_error(ROLE, "\"refs\": [\"debugging\"]",
	    "\"refs\": [\"debugging\", \"nope\"]",
	    ".skills[2].refs[1]: unknown skill \"nope\"");
}

static void
test_09_unknown_key_and_wrong_type(void **s)
{
	(void)s;
	expect_error(ROLE, "\"category\":", "\"categroy\": 1, \"category\":",
	    ROLE ": categroy: unknown key");
	expect_error(ROLE, "\"min\": 140000", "\"min\": \"140000\"",
	    "sources[1].pay.min: expected a whole number");
	expect_error(ROLE, "\"min\": 140000", "\"min\": 190000",
	    "sources[1].pay.min: 190000 is above max 185000");
}

static void
test_10_summary_and_year_checked(void **s)
{
	(void)s;
	expect_error(ROLE, "\"summary\": \"Site Reliability Engineers",
	    "\"summary\": \"Invented. Site Reliability Engineers",
	    "sources[1].summary: must be quoted verbatim from description");
	expect_error(ROLE, "\"year\": 2026", "\"year\": 2025",
	    "sources[1].pay.year: 2025 differs from the year of source");
}

static void
test_11_missing_file_and_id_mismatch(void **s)
{
	(void)s;
	expect_error("skills.json", NULL, NULL, "skills.json: (file): missing");
	expect_error(ROLE, "\"id\": \"site-reliability-engineer\"",
	    "\"id\": \"sre\"", ROLE ": id: \"sre\" does not match the file");
}

static void
test_12_errors_collected(void **s)
{
	int ok, lines = 0;
	char *err, *p;

	(void)s;
	err = load_with(ROLE, "\"category\": \"cloud\",",
	    "\"category\": \"nope\", \"extra\": true,", &ok);
	assert_false(ok);
	for (p = err; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_true(lines >= 2);
	assert_has(err, "unknown category \"nope\"");
	assert_has(err, "extra: unknown key");
}

static void
test_13_load_dir_errors(void **s)
{
	char err[KB_ERR_MAX];

	(void)s;
	assert_null(kb_load_dir("/nonexistent-techpay", err, sizeof(err)));
	assert_has(err, "/nonexistent-techpay/: (dir):");
}

/* The kb keeps nothing of its input: loaded from copies that are then
 * overwritten, it reads as the fixture does; and it lists the roles
 * without a figure, in order. */
static void
test_14_kb_owns_its_records(void **s)
{
	char err[KB_ERR_MAX];
	struct kb_file *f;
	struct kb *kb;
	int i, j, k = 0;

	(void)s;
	f = calloc((size_t)kb_embedded_nfiles, sizeof(*f));
	for (i = 0; i < kb_embedded_nfiles; i++) {
		f[i].name = kb_embedded_files[i].name;
		f[i].len = kb_embedded_files[i].len;
		f[i].data = xstrndup(kb_embedded_files[i].data, f[i].len);
	}
	kb = kb_load_files(f, kb_embedded_nfiles, err, sizeof(err));
	assert_non_null(kb);
	for (i = 0; i < kb_embedded_nfiles; i++) {
		memset((char *)f[i].data, '#', f[i].len);
		free((char *)f[i].data);
	}
	free(f);
	assert_int_equal(kb->nroles, F.kb->nroles);
	for (i = 0; i < kb->nroles; i++) {
		assert_string_equal(kb->roles[i].title, F.kb->roles[i].title);
		for (j = 0; j < kb->roles[i].naliases; j++)
			assert_string_equal(kb->roles[i].aliases[j],
			    F.kb->roles[i].aliases[j]);
		assert_null(kb->roles[i].aliases[kb->roles[i].naliases]);
		assert_string_equal(kb->roles[i].primary->description,
		    F.kb->roles[i].primary->description);
		if (kb->roles[i].figure == NULL) {
			assert_true(k < kb->nunranked);
			assert_int_equal(kb->unranked[k++], i);
		}
	}
	assert_int_equal(k, kb->nunranked);
	assert_int_equal(kb->nunranked, 4);	/* test_01: 14, 10 ranked */
	assert_int_equal(kb->nsentences, F.kb->nsentences);
	for (i = 0; i < kb->nsentences; i++) {
		assert_string_equal(kb->sentences[i].text,
		    F.kb->sentences[i].text);
		assert_int_equal(kb->sentences[i].role,
		    F.kb->sentences[i].role);
	}
	assert_memory_equal(kb->sources[0].text, F.kb->sources[0].text,
	    F.kb->sources[0].textlen);
	kb_free(kb);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_counts),
		cmocka_unit_test(test_02_every_text_verbatim),
		cmocka_unit_test(test_03_figures_match_their_quotes),
		cmocka_unit_test(test_04_embedded_copy_is_current),
		cmocka_unit_test(test_05_malformed_json),
		cmocka_unit_test(test_06_missing_field),
		cmocka_unit_test(test_07_duplicate_alias),
		cmocka_unit_test(test_08_unknown_skill),
		cmocka_unit_test(test_09_unknown_key_and_wrong_type),
		cmocka_unit_test(test_10_summary_and_year_checked),
		cmocka_unit_test(test_11_missing_file_and_id_mismatch),
		cmocka_unit_test(test_12_errors_collected),
		cmocka_unit_test(test_13_load_dir_errors),
		cmocka_unit_test(test_14_kb_owns_its_records),
	};

	return cmocka_run_group_tests_name("kb", t, fixture_setup,
	    fixture_teardown);
}
