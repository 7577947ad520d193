/*
 * test_examples.c -- the sample chat questions in tests/data/questions.jsonl
 * (a copy of shared/examples/questions.jsonl): each answer must contain one
 * of each "must" group and none of "must_not", case-insensitively.  A
 * literal "\xNN" in a question stands for that raw byte.
 */
#include <cjson/cJSON.h>

#include "testutil.h"

#define EXAMPLES "tests/data/questions.jsonl"

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

static int
check_one(const cJSON *ex, int *groups)
{
	const cJSON *ask_j = cJSON_GetObjectItem(ex, "ask");
	const cJSON *must = cJSON_GetObjectItem(ex, "must");
	const cJSON *must_not = cJSON_GetObjectItem(ex, "must_not");
	const cJSON *id = cJSON_GetObjectItem(ex, "id");
	const cJSON *g, *alt;
	char *q = malloc(strlen(ask_j->valuestring) + 1), *ans;
	size_t len = unescape(ask_j->valuestring, q);
	int ok = 1;

	ans = xstrdup(ask_where(q, len, 1, "examples"));
	cJSON_ArrayForEach(g, must) {
		int hit = 0;

		(*groups)++;
		cJSON_ArrayForEach(alt, g)
			hit |= contains(ans, alt->valuestring);
		if (!hit) {
			fprintf(stderr, "%s: none of the must group %s in: %s\n",
			    id->valuestring, cJSON_PrintUnformatted(g), ans);
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
	free(q);
	return ok;
}

static void
test_01_examples(void **s)
{
	FILE *fp = fopen(EXAMPLES, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0, bad = 0, groups = 0;

	(void)s;
	assert_non_null(fp);
	while (getline(&line, &cap, fp) > 0) {
		cJSON *ex = cJSON_Parse(line);

		if (ex == NULL)
			continue;
		n++;
		bad += !check_one(ex, &groups);
		cJSON_Delete(ex);
	}
	free(line);
	fclose(fp);
	fprintf(stderr, "examples: %d questions, %d checks, %d failed\n", n,
	    groups, bad);
	assert_true(n >= 20);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_examples),
	};

	return cmocka_run_group_tests_name("examples", t, fixture_setup,
	    fixture_teardown);
}
