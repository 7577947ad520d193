/*
 * test_examples.c -- the sample chat questions in tests/data/: the shared
 * examples (questions.jsonl, questions2.jsonl, copies of
 * shared/examples/) and our own held-out set (chat.jsonl).  Each answer
 * must contain one of each "must" group and none of "must_not",
 * case-insensitively.  "turns" are the same person's earlier messages in
 * the same conversation, asked first; "jobbot" is the bot's name.  A
 * literal "\xNN" in a question stands for that raw byte.
 */
#include <dirent.h>

#include <cjson/cJSON.h>

#include "testutil.h"

/* Each file with the bot's name in it. */
/* The shared samples must all pass; our held-out set is measured, and
 * held to a floor of 95%, so that a regression shows. */
static const struct { const char *path, *nick; int all; } files[] = {
	{ "tests/data/questions.jsonl", "techpay", 1 },
	{ "tests/data/questions2.jsonl", "jobbot", 1 },
	{ "tests/data/questions3.jsonl", "jobbot", 1 },
	{ "tests/data/chat.jsonl", "jobbot", 0 },
	{ NULL, NULL, 0 }
};
static struct router *bot;	/* the knowledge, under the file's name */

/* "d\\xe9vops" -> "d\xe9vops"; returns the byte length. */
static size_t
unescape(const char *in, char *out)
{
	size_t n = 0;
	unsigned v;

	while (*in) {
		if (in[0] == '\\' && in[1] == 'x' && sscanf(in + 2, "%2x", &v) == 1) {
			out[n++] = (char)v;
			in += 4;
		} else
			out[n++] = *in++;
	}
	out[n] = '\0';
	return n;
}

/* The answer to one message in conversation where, as a channel sees
 * it (not a private chat: the name must be recognised). */
static char *
say_to(const char *text, const char *where, int direct)
{
	char *q = malloc(strlen(text) + 1);
	size_t len = unescape(text, q);
	struct message m = { .text = q, .len = len, .where = where,
	    .direct = direct };

	if (!router_handle(bot, &m, (time_t)1790000000, &F.a))
		buf_reset(&F.a.text);
	free(q);
	return xstrdup(buf_str(&F.a.text));
}

static char *
say(const char *text, const char *where)
{
	return say_to(text, where, 0);
}

/* ans has one string of each of ex's "must" groups. */
static int
has_musts(const cJSON *ex, const char *ans)
{
	const cJSON *g, *alt;
	int hit;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(ex, "must")) {
		hit = 0;
		cJSON_ArrayForEach(alt, g)
			hit |= contains(ans, alt->valuestring);
		if (!hit)
			return 0;
	}
	return 1;
}

static int
check_one(const cJSON *ex, int *groups, int n)
{
	const cJSON *ask_j = cJSON_GetObjectItem(ex, "ask");
	const cJSON *must = cJSON_GetObjectItem(ex, "must");
	const cJSON *must_not = cJSON_GetObjectItem(ex, "must_not");
	const cJSON *id = cJSON_GetObjectItem(ex, "id");
	const cJSON *turns = cJSON_GetObjectItem(ex, "turns");
	const cJSON *g, *alt;
	char where[32], *ans;
	int ok = 1;

	/* a conversation of its own, so earlier questions leave nothing */
	snprintf(where, sizeof(where), "#examples/%d", n);
	cJSON_ArrayForEach(g, turns)
		free(say(g->valuestring, where));
	ans = say(ask_j->valuestring, where);
	if (getenv("EXAMPLES_VERBOSE"))
		fprintf(stderr, "%s: %s\n  -> %s\n", id->valuestring,
		    ask_j->valuestring, ans);
	cJSON_ArrayForEach(g, must) {
		int hit = 0;

		(*groups)++;
		cJSON_ArrayForEach(alt, g)
			hit |= contains(ans, alt->valuestring);
		if (!hit) {
			char *gs = cJSON_PrintUnformatted(g);

			fprintf(stderr, "%s: none of the must group %s in: %s\n",
			    id->valuestring, gs, ans);
			free(gs);
			ok = 0;
		}
	}
	cJSON_ArrayForEach(alt, must_not) {
		(*groups)++;
		if (contains(ans, alt->valuestring)) {
			fprintf(stderr, "%s: must not contain \"%s\": %s\n",
			    id->valuestring, alt->valuestring, ans);
			ok = 0;
		}
	}
	free(ans);
	return ok;
}

static int
run_file(const char *path, int *total, int *count)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0, bad = 0, groups = 0;

	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	while (getline(&line, &cap, fp) > 0) {
		cJSON *ex = cJSON_Parse(line);

		if (ex == NULL)
			continue;
		n++;
		bad += !check_one(ex, &groups, (*total)++);
		cJSON_Delete(ex);
	}
	free(line);
	fclose(fp);
	fprintf(stderr, "%s: %d questions, %d checks, %d failed\n", path, n,
	    groups, bad);
	assert_true(n >= 20);
	*count = n;
	return bad;
}

static void
test_01_examples(void **s)
{
	int i, bad, n, total = 0;

	(void)s;
	for (i = 0; files[i].path; i++) {
		struct router_opts o = { "!", files[i].nick };

		bot = router_new(F.kb, F.ix, &o);
		bad = run_file(files[i].path, &total, &n);
		router_free(bot);
		if (files[i].all)
			assert_int_equal(bad, 0);
		else
			assert_true(bad * 20 <= n);
	}
}

/* ---- every sentence of the guides is reachable ------------------ */

#define REACH_PREFIX	40	/* bytes of a sentence that must be quoted */
#define LABELLED_DIR	"tests/data/labelled"	/* our own set, *.jsonl */
/* Prose answers quoting no sentence of the aspect asked, and not the
 * one the question was written for, at most, in percent of the
 * questions labelled with an aspect (measured: 3, 16 of 522). */
#define WRONG_ASPECT_MAX	8

/* What a prose question may be answered with (sentences.json aspects
 * that no list command covers). */
static int
prose_aspect(unsigned aspects)
{
	static const char *const prose[] = { "why_pays", "pay_words",
	    "hires", "tools", "risk", "trend", "advice", "negotiation",
	    "difference", "origin", "intro", "common", NULL };
	int i;

	for (i = 0; prose[i]; i++)
		if (aspects & (1u << kb_aspect_of(prose[i])))
			return 1;
	return 0;
}

/* Where ans quotes k, or NULL. */
static const char *
quotes(const char *ans, const struct kb_sentence *k)
{
	char pre[REACH_PREFIX + 1];
	size_t n;

	/* a list item is quoted without its full stop ("Docker and
	 * Kubernetes;") */
	snprintf(pre, sizeof(pre), "%s", k->text);
	n = strlen(pre);
	if (n > 0 && pre[n - 1] == '.')
		pre[n - 1] = '\0';
	return strstr(ans, pre);
}

/*
 * Every informative sentence (of a prose aspect) is the answer to at
 * least two of our labelled chat questions, and a prose question of one
 * aspect never quotes a sentence of another.
 */
static void
test_02_sentences_reached(void **s)
{
	const struct kb *kb = F.kb;
	DIR *dir = opendir(LABELLED_DIR);
	struct dirent *de;
	char path[512];
	int *reached = calloc((size_t)kb->nsentences + 1, sizeof(int));
	int i, f = 0, n = 0, wrong = 0, missing = 0, nasp = 0;
	struct router_opts o = { "!", "jobbot" };

	(void)s;
	bot = router_new(F.kb, F.ix, &o);
	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL) {
		FILE *fp;
		char *line = NULL;
		size_t cap = 0;
		size_t nl = strlen(de->d_name);

		if (nl < 6 || strcmp(de->d_name + nl - 6, ".jsonl") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", LABELLED_DIR, de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			fail_msg("%s: cannot open", path);
		f++;
		while (getline(&line, &cap, fp) > 0) {
			cJSON *ex = cJSON_Parse(line);
			const cJSON *t, *as = cJSON_GetObjectItem(ex, "aspect");
			char where[32], *ans;
			int aspect = cJSON_IsString(as) ?
			    kb_aspect_of(as->valuestring) : -1;

			if (!cJSON_IsString(cJSON_GetObjectItem(ex, "ask"))) {
				cJSON_Delete(ex);
				continue;
			}
			snprintf(where, sizeof(where), "#reach/%d", n++);
			/* our set names no bot: asked in a private chat */
			cJSON_ArrayForEach(t, cJSON_GetObjectItem(ex, "turns"))
				free(say_to(t->valuestring, where, 1));
			ans = say_to(cJSON_GetObjectItem(ex, "ask")->valuestring,
			    where, 1);
			/* what "more" would add counts: the person asks it */
			if (F.a.more.len) {
				size_t an = strlen(ans);

				ans = realloc(ans, an + F.a.more.len + 2);
				ans[an] = ' ';
				memcpy(ans + an + 1, buf_str(&F.a.more),
				    F.a.more.len + 1);
			}
			/* every sentence quoted is reached; the answer is of
			 * another aspect when none of the prose sentences it
			 * quotes tells the one asked (a short sentence comes
			 * with its neighbours of the same line) and it is not
			 * the sentence the question was written for (whose
			 * aspect its writer may have named otherwise) */
			int prose_quoted = 0, of_aspect = 0;

			for (i = 0; i < kb->nsentences; i++) {
				const struct kb_sentence *k = &kb->sentences[i];

				if (quotes(ans, k) == NULL)
					continue;
				reached[i]++;
				if (aspect >= 0 && prose_aspect(k->aspects)) {
					prose_quoted++;
					of_aspect += (k->aspects &
					    (1u << aspect)) != 0;
				}
			}
			nasp += aspect >= 0;
			if (prose_quoted && !of_aspect && !has_musts(ex, ans)) {
				fprintf(stderr, "%s (%s) quotes no sentence of "
				    "that aspect: %.120s\n",
				    cJSON_GetObjectItem(ex, "id")->valuestring,
				    as->valuestring, ans);
				wrong++;
			}
			free(ans);
			cJSON_Delete(ex);
		}
		free(line);
		fclose(fp);
	}
	closedir(dir);
	router_free(bot);
	for (i = 0; i < kb->nsentences; i++)
		if (prose_aspect(kb->sentences[i].aspects) && reached[i] < 2) {
			fprintf(stderr, "%s line %d reached by %d: %s\n",
			    kb->sentences[i].source->label,
			    kb->sentences[i].line, reached[i],
			    kb->sentences[i].text);
			missing++;
		}
	fprintf(stderr, "sentences: %d questions; %d informative sentences "
	    "reached fewer than twice; %d of %d prose answers of another "
	    "aspect\n", n, missing, wrong, nasp);
	free(reached);
	assert_true(f >= 3);
	assert_true(n >= 1000);
	assert_int_equal(missing, 0);
	/* measured, held to a floor: WRONG_ASPECT_MAX percent */
	assert_true(wrong * 100 <= nasp * WRONG_ASPECT_MAX);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_examples),
		cmocka_unit_test(test_02_sentences_reached),
	};

	return cmocka_run_group_tests_name("examples", t, fixture_setup,
	    fixture_teardown);
}
