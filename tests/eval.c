/*
 * eval.c -- make eval: how well the bot reads the labelled questions it
 * was not trained on, reported as NLU toolkits do (Rasa's "rasa test
 * nlu"): precision, recall and F1 per intent, the confusions, and the
 * share of correct answers per kind of question.
 *
 *   eval [--all | --train] [--failures FILE] FILE.jsonl...
 *   eval --dump FILE.jsonl...
 *   eval --fold K --tally FILE.jsonl...
 *
 * --fold asks another fifth (make cv: five models, each trained without
 * its fifth, together ask every question once); --tally prints only
 * "kind questions answers-ok intents-ok" lines for make cv to add up.
 *
 * --dump prints every answer (text, HTML and the "more" part) to every
 * question of the files, follow-ups asked in their conversation, and to
 * a few thousand questions made from the knowledge's names: the record a
 * refactoring must leave byte-identical (make answers).
 *
 * By default only the held-out fifth (intent_heldout) is asked.  An
 * answer is correct when it has one string of each "must" group and
 * none of "must_not", case-insensitively; the intent is correct when the
 * one read from the message (explain's "intent:", before the
 * conversation fills it in) is its label.  "turns" are
 * asked first in the same conversation.  Always exits 0 unless a file
 * cannot be read: it measures, the test suites judge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "intent.h"
#include "router.h"

#define KINDS_MAX	32
#define LABELS_MAX	INTENT_CLASSES_MAX
#define CONFUSIONS_MAX	(LABELS_MAX * LABELS_MAX)

struct tally {
	char		 name[32];
	int		 n, answer_ok, intent_ok;
	int		 tp, fp, fn;	/* per intent label */
};

static struct tally kinds[KINDS_MAX], labels[LABELS_MAX];
static int	 nkinds, nlabels;
static int	 naspect, aspect_ok;	/* passage questions' aspects */
static char	 last_aspect[32];
static int	 confusion[LABELS_MAX][LABELS_MAX];
static struct kb *kb;
static struct index *ix;
static FILE	*failures;
static int	 dumping;	/* --dump: print every answer whole */
static int	 tally_only;	/* --tally: "kind n answers intents" lines */

static struct tally *
tally_of(struct tally *t, int *n, int max, const char *name)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	if (*n == max)
		return &t[max - 1];	/* lumped in with the last */
	snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
	return &t[(*n)++];
}

static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

/* The answer (and the classifier's intent, from the trace) to text. */
static char *
ask(struct router *rt, const char *text, const char *where, char *intent,
    size_t isz)
{
	struct answer a;
	struct buf trace = {0};
	struct message m = { .text = text, .len = strlen(text),
	    .where = where, .direct = 1 };
	const char *p;
	char *out;
	size_t n;

	answer_init(&a);
	router_explain(rt, &m, (time_t)1790000000, &a, &trace);
	out = xstrdup(buf_str(&a.text));
	if (dumping)
		printf("Q %s\nT %s\nH %s\nM %s\n", text, buf_str(&a.text),
		    buf_str(&a.html), buf_str(&a.more));
	snprintf(intent, isz, "none");
	if ((p = strstr(buf_str(&trace), "\nintent: ")) != NULL) {
		p += strlen("\nintent: ");
		n = strcspn(p, "=\n");
		snprintf(intent, isz, "%.*s", (int)n, p);
	} else if ((p = strstr(buf_str(&trace), "command: ")) != NULL) {
		/* "!top 3" asks what intent "top" does */
		p += strlen("command: ") + 1;
		n = strcspn(p, " \n");
		snprintf(intent, isz, "%.*s", (int)n, p);
	}
	last_aspect[0] = '\0';
	if ((p = strstr(buf_str(&trace), "aspect: ")) != NULL) {
		p += strlen("aspect: ");
		n = strcspn(p, "=\n");
		snprintf(last_aspect, sizeof(last_aspect), "%.*s", (int)n, p);
	}
	buf_free(&trace);
	answer_free(&a);
	return out;
}

static int
answer_ok(const cJSON *ex, const char *ans, struct buf *why)
{
	const cJSON *g, *alt;
	int ok = 1, hit;

	cJSON_ArrayForEach(g, cJSON_GetObjectItem(ex, "must")) {
		hit = 0;
		cJSON_ArrayForEach(alt, g)
			if (cJSON_IsString(alt))
				hit |= contains(ans, alt->valuestring);
		if (!hit) {
			char *gs = cJSON_PrintUnformatted(g);

			buf_printf(why, " missing %s;", gs);
			free(gs);
			ok = 0;
		}
	}
	cJSON_ArrayForEach(alt, cJSON_GetObjectItem(ex, "must_not"))
		if (cJSON_IsString(alt) && contains(ans, alt->valuestring)) {
			buf_printf(why, " has \"%s\";", alt->valuestring);
			ok = 0;
		}
	return ok;
}

static void
run_one(const cJSON *ex, int n)
{
	const cJSON *id = cJSON_GetObjectItem(ex, "id");
	const cJSON *kind = cJSON_GetObjectItem(ex, "kind");
	const cJSON *label = cJSON_GetObjectItem(ex, "intent");
	const cJSON *askj = cJSON_GetObjectItem(ex, "ask");
	const cJSON *t;
	struct router_opts o = { "!", "jobbot" };
	struct router *rt = router_new(kb, ix, &o);
	struct tally *k, *l, *p;
	struct buf why = {0};
	char where[32], got[32], *ans;
	int aok, iok;

	snprintf(where, sizeof(where), "eval/%d", n);
	cJSON_ArrayForEach(t, cJSON_GetObjectItem(ex, "turns"))
		if (cJSON_IsString(t))
			free(ask(rt, t->valuestring, where, got, sizeof(got)));
	ans = ask(rt, askj->valuestring, where, got, sizeof(got));
	aok = answer_ok(ex, ans, &why);
	iok = strcmp(got, label->valuestring) == 0;
	if (cJSON_IsString(cJSON_GetObjectItem(ex, "aspect"))) {
		const char *want = cJSON_GetObjectItem(ex, "aspect")->valuestring;

		naspect++;
		aspect_ok += strcmp(want, last_aspect) == 0;
		if (failures && strcmp(want, last_aspect) != 0)
			fprintf(failures, "%s: aspect %s, got %s\n",
			    id->valuestring, want, last_aspect);
	}

	k = tally_of(kinds, &nkinds, KINDS_MAX,
	    cJSON_IsString(kind) ? kind->valuestring : "?");
	k->n++;
	k->answer_ok += aok;
	k->intent_ok += iok;
	l = tally_of(labels, &nlabels, LABELS_MAX, label->valuestring);
	p = tally_of(labels, &nlabels, LABELS_MAX, got);
	l->n++;
	if (iok)
		l->tp++;
	else {
		l->fn++;
		p->fp++;
		confusion[l - labels][p - labels]++;
	}
	if (failures && (!aok || !iok))
		fprintf(failures, "%s [%s] %s\n  intent %s, got %s\n  -> %s\n "
		    "%s\n", id->valuestring, k->name, askj->valuestring,
		    label->valuestring, got, ans, aok ? " answer ok" :
		    buf_str(&why));
	free(ans);
	buf_free(&why);
	router_free(rt);
}

/* --dump: follow-ups asked in one conversation, then every file line. */
static int
dump_file(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, got[32];
	size_t cap = 0;
	int n = 0;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		cJSON *ex = cJSON_Parse(line);
		const cJSON *t, *q = cJSON_GetObjectItem(ex, "ask");
		struct router_opts o = { "!", "jobbot" };
		struct router *rt;
		char where[32];

		if (!cJSON_IsString(q)) {
			cJSON_Delete(ex);
			continue;
		}
		rt = router_new(kb, ix, &o);
		snprintf(where, sizeof(where), "dump/%d", n++);
		printf("# %s:%d\n", path, n);
		cJSON_ArrayForEach(t, cJSON_GetObjectItem(ex, "turns"))
			if (cJSON_IsString(t))
				free(ask(rt, t->valuestring, where, got,
				    sizeof(got)));
		free(ask(rt, q->valuestring, where, got, sizeof(got)));
		free(ask(rt, "more", where, got, sizeof(got)));
		router_free(rt);
		cJSON_Delete(ex);
	}
	free(line);
	fclose(fp);
	return n;
}

/* tmpl with its first "%s" replaced by a, the second by b. */
static void
fill(char *q, size_t sz, const char *tmpl, const char *a, const char *b)
{
	struct buf out = {0};
	const char *p;

	for (p = tmpl; *p; p++)
		if (p[0] == '%' && p[1] == 's') {
			buf_printf(&out, "%s", a);
			a = b;
			p++;
		} else
			buf_printf(&out, "%c", *p);
	snprintf(q, sz, "%s", buf_str(&out));
	buf_free(&out);
}

/* Questions made from every role, skill and category name. */
static void
dump_generated(void)
{
	static const char *const one[] = {
		"!salary %s", "!skills %s", "!role %s", "!source %s",
		"how much does a %s make", "%s salary", "what does a %s do",
		"skills for %s", "why is %s paid so well", "is %s worth it",
		"%s pay in the undated guide", "%s midpoint", "%s spread",
		"what tools does a %s use", "who hires %ss", "%s vs",
		"i make 150k as a %s, lowball?", "%s and the pay",
		"tell me about %s", "what goes wrong for a %s",
	};
	static const char *const two[] = {
		"%s vs %s", "which pays more, %s or %s", "!compare %s %s",
	};
	static const char *const plain[] = {
		"!top", "!top 3", "!help", "!help salary", "hi", "thanks",
		"who made you", "where are the numbers from", "!list",
		"lowest paying roles", "which roles start at 150k",
		"meta skills", "negotiation tips", "what currency", "more",
		"!match python sql", "role of the day", "what skills pay most",
	};
	struct router_opts o = { "!", "jobbot" };
	struct router *rt = router_new(kb, ix, &o);
	char q[512], got[32];
	size_t i;
	int r, s;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		free(ask(rt, plain[i], "gen", got, sizeof(got)));
	for (r = 0; r < kb->nroles; r++) {
		const struct kb_role *a = &kb->roles[r];
		const char *name[2] = { a->title,
		    a->naliases ? a->aliases[0] : a->id };

		for (s = 0; s < 2; s++)
			for (i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
				fill(q, sizeof(q), one[i], name[s], "");
				free(ask(rt, q, "gen", got, sizeof(got)));
			}
		for (s = 0; s < kb->nroles; s++)
			for (i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
				fill(q, sizeof(q), two[i], a->title,
				    kb->roles[s].title);
				free(ask(rt, q, "gen", got, sizeof(got)));
			}
	}
	for (s = 0; s < kb->nskills; s++) {
		snprintf(q, sizeof(q), "which roles need %s",
		    kb->skills[s].name);
		free(ask(rt, q, "gen", got, sizeof(got)));
		snprintf(q, sizeof(q), "!match %s", kb->skills[s].name);
		free(ask(rt, q, "gen", got, sizeof(got)));
	}
	for (s = 0; s < kb->ncategories; s++) {
		snprintf(q, sizeof(q), "top roles in %s",
		    kb->categories[s].name);
		free(ask(rt, q, "gen", got, sizeof(got)));
	}
	router_free(rt);
}

static int
run_file(const char *path, int which)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		cJSON *ex = cJSON_Parse(line);
		const cJSON *id = cJSON_GetObjectItem(ex, "id");

		if (cJSON_IsString(id) &&
		    cJSON_IsString(cJSON_GetObjectItem(ex, "ask")) &&
		    cJSON_IsString(cJSON_GetObjectItem(ex, "intent")) &&
		    (which == 2 || intent_heldout(id->valuestring) == which))
			run_one(ex, n++);
		cJSON_Delete(ex);
	}
	free(line);
	fclose(fp);
	return n;
}

static double
pct(int a, int b)
{
	return b ? 100.0 * a / b : 0;
}

static void
report(void)
{
	int i, j, n = 0, aok = 0, iok = 0, best;
	double prec, rec;

	printf("\nintent        precision  recall     f1  support\n");
	for (i = 0; i < nlabels; i++) {
		struct tally *l = &labels[i];

		prec = l->tp + l->fp ? (double)l->tp / (l->tp + l->fp) : 0;
		rec = l->n ? (double)l->tp / l->n : 0;
		printf("%-13s %9.2f %7.2f %6.2f %8d\n", l->name, prec, rec,
		    prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0, l->n);
	}
	printf("\nkind          questions  answers ok  intent ok\n");
	for (i = 0; i < nkinds; i++) {
		struct tally *k = &kinds[i];

		printf("%-13s %9d %10.1f%% %9.1f%%\n", k->name, k->n,
		    pct(k->answer_ok, k->n), pct(k->intent_ok, k->n));
		n += k->n;
		aok += k->answer_ok;
		iok += k->intent_ok;
	}
	printf("%-13s %9d %10.1f%% %9.1f%%\n", "all", n, pct(aok, n),
	    pct(iok, n));
	printf("\naspects of prose questions: %d of %d (%.1f%%)\n", aspect_ok,
	    naspect, pct(aspect_ok, naspect));
	printf("\nconfusions (label -> chosen: count), most first:\n");
	for (;;) {
		int bi = -1, bj = -1;

		best = 0;
		for (i = 0; i < nlabels; i++)
			for (j = 0; j < nlabels; j++)
				if (confusion[i][j] > best) {
					best = confusion[i][j];
					bi = i;
					bj = j;
				}
		if (best == 0)
			break;
		printf("  %s -> %s: %d\n", labels[bi].name, labels[bj].name,
		    best);
		confusion[bi][bj] = 0;
	}
}

int
main(int argc, char **argv)
{
	char err[KB_ERR_MAX];
	int i, which = 1, rc = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--all") == 0)
			which = 2;
		else if (strcmp(argv[i], "--fold") == 0 && i + 1 < argc)
			intent_set_fold((unsigned)atoi(argv[++i]));
		else if (strcmp(argv[i], "--tally") == 0)
			tally_only = 1;
		else if (strcmp(argv[i], "--dump") == 0)
			dumping = 1;
		else if (strcmp(argv[i], "--train") == 0)
			which = 0;
		else if (strcmp(argv[i], "--failures") == 0 && i + 1 < argc) {
			if ((failures = fopen(argv[++i], "w")) == NULL) {
				perror(argv[i]);
				return 1;
			}
		} else {
			fprintf(stderr, "usage: eval [--all | --train] "
			    "[--failures FILE] FILE.jsonl...\n"
			    "       eval --dump FILE.jsonl...\n");
			return 2;
		}
	}
	if ((kb = kb_load_dir("knowledge", err, sizeof(err))) == NULL ||
	    (ix = index_new(kb, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "eval: %s\n", err);
		return 1;
	}
	if (dumping) {
		for (; i < argc; i++)
			if (dump_file(argv[i]) < 0)
				rc = 1;
		dump_generated();
		index_free(ix);
		kb_free(kb);
		return rc;
	}
	if (!tally_only)
		printf("make eval: %s part of %d file(s)\n", which == 1 ? "held-out" :
	    which == 0 ? "training" : "every", argc - i);
	for (; i < argc; i++)
		if (run_file(argv[i], which) < 0)
			rc = 1;
	if (tally_only)
		for (i = 0; i < nkinds; i++)
			printf("%s %d %d %d\n", kinds[i].name, kinds[i].n,
			    kinds[i].answer_ok, kinds[i].intent_ok);
	else
		report();
	if (failures)
		fclose(failures);
	index_free(ix);
	kb_free(kb);
	return rc;
}
