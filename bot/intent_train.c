/*
 * intent_train.c -- learns the intent and aspect models at build time.
 *
 *   intent_train [--fold K] OUT.c KNOWLEDGE_DIR FILE.jsonl...
 *
 * Reads the labelled questions (each line {"id", "intent", "aspect"?,
 * "ask", ...}), leaves out the held-out fifth (intent_heldout), parses
 * each question exactly as the bot does (question_parse, the knowledge
 * in KNOWLEDGE_DIR), and trains an L2-regularised logistic regression
 * with liblinear for the intent, and one for the aspect of the questions
 * labelled "passage".  OUT.c gets both as sparse tables (intent.h).
 * Not part of the bot: it runs once per build, in about a second; the
 * models train at once, one child process each (train_all).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <linear.h>

#include "buf.h"
#include "index.h"
#include "intent.h"
#include "kb.h"

#define TRAIN_C		4.0	/* liblinear's C: cross-validated on the
				 * training part, 2..8 were within 1% */
#define SENTENCE_WEIGHT_MIN 5e-2	/* the sentence model's: its L2 weights
				 * are many and small (make cv: the same) */
#define CLASS_WEIGHT_POW 1.0	/* a class's weight: its rarity to this */
#define WEIGHT_MIN	1e-2	/* smaller weights are left out: half the
				 * table, the same answers (make eval) */

struct example {
	char		**feats;
	int		 nfeats, cap;
	int		 label;
};

struct set {
	struct example	*ex;
	int		 n, cap;
	char		*labels[INTENT_CLASSES_MAX];
	int		 nlabels;
	int		 solver;	/* liblinear's */
};

static struct set intents = { .solver = L2R_LR },
    aspects = { .solver = L2R_LR },
    /* one class a sentence, a few examples each: L2 (its dual is the
     * fastest here) with a higher cut keeps it small */
    sentences = { .solver = L2R_LR_DUAL };
static char	**vocab;	/* sorted, unique */
static int	 nvocab;

/* knowledge/lexicon.txt by stem, as intent.h's struct intent_lexicon */
#define LEX_MAX		4096	/* chat words, all entries together */
static char	*lex_from[LEX_MAX], *lex_to[LEX_MAX], *lex_word[LEX_MAX];
static struct intent_lexicon lexicon = { 0, (const char *const *)lex_from,
    (const char *const *)lex_to, (const char *const *)lex_word };

/* The example being read, and whether it takes a word's own stem
 * (INTENT_TERM): the sentence model's, not the intent's or aspect's. */
struct reading {
	struct example	*e;
	int		 terms;
};

static void
add_feature(const char *f, void *arg)
{
	struct reading *r = arg;
	struct example *e = r->e;

	if (!r->terms && strncmp(f, INTENT_TERM ":", sizeof(INTENT_TERM)) ==
	    0)
		return;

	if (e->nfeats == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->feats = xrealloc(e->feats, (size_t)e->cap *
		    sizeof(char *));
	}
	e->feats[e->nfeats++] = xstrdup(f);
}

static int
label_of(struct set *s, const char *name)
{
	int i;

	for (i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i], name) == 0)
			return i;
	if (s->nlabels == INTENT_CLASSES_MAX) {
		fprintf(stderr, "intent_train: more than %d labels\n",
		    INTENT_CLASSES_MAX);
		exit(1);
	}
	s->labels[s->nlabels] = xstrdup(name);
	return s->nlabels++;
}

static void
add_example(struct set *s, const struct intent *q, const char *label)
{
	struct example *e;
	struct reading r;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->ex = xrealloc(s->ex, (size_t)s->cap * sizeof(*s->ex));
	}
	e = &s->ex[s->n++];
	memset(e, 0, sizeof(*e));
	e->label = label_of(s, label);
	r.e = e;
	r.terms = s == &sentences;
	intent_features(q, &lexicon, add_feature, &r);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "guide-2026:238:0": sentence k's label, the Nth of its line. */
static void
sentence_label(const struct kb *kb, const struct kb_sentence *k, char *out,
    size_t n)
{
	const struct kb_sentence *s;
	int nth = 0;

	for (s = kb->sentences; s < k; s++)
		nth += s->source == k->source && s->line == k->line;
	snprintf(out, n, "%s:%d:%d", k->source->id, k->line, nth);
}

/* The one sentence of the map that a labelled prose question's first
 * "must" group quotes, or NULL (none, or several). */
static const struct kb_sentence *
answered_by(const struct kb *kb, const cJSON *must)
{
	const cJSON *alt;
	const struct kb_sentence *hit = NULL;
	int i, n = 0;

	if (!cJSON_IsArray(must) || !cJSON_IsArray(must->child))
		return NULL;
	for (i = 0; i < kb->nsentences; i++) {
		cJSON_ArrayForEach(alt, must->child)
			if (cJSON_IsString(alt) && strlen(alt->valuestring) >= 8 &&
			    strcasestr(kb->sentences[i].text, alt->valuestring)) {
				hit = &kb->sentences[i];
				n++;
				break;
			}
	}
	return n == 1 ? hit : NULL;
}

static const struct kb *train_kb;	/* for the sentence labels */

static int
read_file(struct index *ix, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;

	if (fp == NULL) {
		fprintf(stderr, "intent_train: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, fp) > 0) {
		cJSON *j = cJSON_Parse(line);
		const cJSON *id, *in, *as, *ask;
		const struct kb_sentence *k;
		struct intent q;
		char lab[64];

		lineno++;
		if (j == NULL) {
			if (line[strspn(line, " \t\r\n")] == '\0')
				continue;
			fprintf(stderr, "%s:%d: not JSON\n", path, lineno);
			free(line);
			fclose(fp);
			return -1;
		}
		id = cJSON_GetObjectItem(j, "id");
		in = cJSON_GetObjectItem(j, "intent");
		as = cJSON_GetObjectItem(j, "aspect");
		ask = cJSON_GetObjectItem(j, "ask");
		if (cJSON_IsString(id) && cJSON_IsString(in) &&
		    cJSON_IsString(ask) && !intent_heldout(id->valuestring)) {
			question_parse(ix, ask->valuestring,
			    strlen(ask->valuestring), &q);
			add_example(&intents, &q, in->valuestring);
			if (strcmp(in->valuestring, "passage") == 0 &&
			    cJSON_IsString(as))
				add_example(&aspects, &q, as->valuestring);
			if (strcmp(in->valuestring, "passage") == 0 &&
			    (k = answered_by(train_kb,
			    cJSON_GetObjectItem(j, "must"))) != NULL) {
				sentence_label(train_kb, k, lab, sizeof(lab));
				add_example(&sentences, &q, lab);
			}
			question_free(&q);
		}
		cJSON_Delete(j);
	}
	free(line);
	fclose(fp);
	return 0;
}

/*
 * The guides' own sentences teach the aspect model their words: "banks
 * or hospitals" is closer to "companies in finance, healthcare" than to
 * any question in the set.  Each sentence is an example of each of its
 * aspects (sentences.json).
 */
static void
add_sentences(const struct kb *kb, struct index *ix)
{
	struct intent q;
	char lab[64];
	int i, a;

	for (i = 0; i < kb->nsentences; i++) {
		const struct kb_sentence *k = &kb->sentences[i];

		question_parse(ix, k->text, strlen(k->text), &q);
		for (a = 0; a < ASPECT_COUNT; a++)
			if (k->aspects & (1u << a) && a != ASPECT_PAY_FIGURE)
				add_example(&aspects, &q, kb_aspect_names[a]);
		sentence_label(kb, k, lab, sizeof(lab));
		add_example(&sentences, &q, lab);
		question_free(&q);
	}
}

/* lexicon.txt's entries in lexicon's arrays, so that from[] sorts them */
static int
lex_cmp(const void *a, const void *b)
{
	int i = *(const int *)a, k = *(const int *)b;
	int c = strcmp(lex_from[i], lex_from[k]);

	return c ? c : i - k;	/* a chat word's entries in file order */
}

/*
 * Reads DIR/lexicon.txt ("guideword: chat, chat", # comments) into the
 * lexicon by stem: the guide word's own stem and each chat word's lead
 * to the guide word's; a chat word listed under two guide words stands
 * for both ("areas": the guide's areas, and where jobs cluster).
 * A missing file is an empty lexicon; 0, or -1 on a line not of the form.
 */
static int
read_lexicon(const char *dir)
{
	char path[4096], *line = NULL, *colon, *w, *save;
	char from[INTENT_STEM_MAX], to[INTENT_STEM_MAX];
	char *f2[LEX_MAX], *t2[LEX_MAX], *w2[LEX_MAX];
	int order[LEX_MAX], n = 0, i, k, lineno = 0;
	size_t cap = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/lexicon.txt", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			fprintf(stderr, "%s:%d: not \"guideword: chat words\"\n",
			    path, lineno);
			free(line);
			fclose(fp);
			return -1;
		}
		*colon = '\0';
		if (intent_stem(line, to, sizeof(to)) == -1)
			continue;
		/* the guide word itself first: it stands for itself */
		for (w = line; w != NULL; w = w == line ? strtok_r(colon + 1,
		    ", \t", &save) : strtok_r(NULL, ", \t", &save)) {
			if (intent_stem(w, from, sizeof(from)) == -1)
				continue;
			for (k = 0; k < n && (strcmp(lex_from[k], from) ||
			    strcmp(lex_to[k], to)); k++)
				;
			if (k < n || n == LEX_MAX)
				continue;
			lex_from[n] = xstrdup(from);
			lex_to[n] = xstrdup(to);
			lex_word[n] = xstrdup(line);
			order[n] = n;
			n++;
		}
	}
	free(line);
	fclose(fp);
	qsort(order, (size_t)n, sizeof(int), lex_cmp);
	for (i = 0; i < n; i++) {
		f2[i] = lex_from[order[i]];
		t2[i] = lex_to[order[i]];
		w2[i] = lex_word[order[i]];
	}
	memcpy(lex_from, f2, (size_t)n * sizeof(char *));
	memcpy(lex_to, t2, (size_t)n * sizeof(char *));
	memcpy(lex_word, w2, (size_t)n * sizeof(char *));
	lexicon.n = n;
	fprintf(stderr, "intent_train: %d chat words in the lexicon\n", n);
	return 0;
}

/* C string literal of s (normalised words, but made safe). */
static void
emit_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ||
		    (unsigned char)*s >= 0x7f)
			fprintf(out, "\\%03o", (unsigned char)*s);
		else
			fputc(*s, out);
	fputc('"', out);
}

static void
emit_lexicon(FILE *out)
{
	const char *const *col[3] = { lexicon.from, lexicon.to, lexicon.word };
	static const char *const name[3] = { "lex_from", "lex_to", "lex_word" };
	int c, i;

	for (c = 0; c < 3; c++) {
		fprintf(out, "static const char *const %s[] = {\n", name[c]);
		for (i = 0; i < lexicon.n; i++) {
			fputc('\t', out);
			emit_str(out, col[c][i]);
			fputs(",\n", out);
		}
		fprintf(out, "\tNULL\n};\n");
	}
	fprintf(out, "const struct intent_lexicon intent_lexicon_builtin = "
	    "{\n\t%d, lex_from, lex_to, lex_word\n};\n\n", lexicon.n);
}

static int
vocab_id(const char *f)
{
	char *const *hit = bsearch(&f, vocab, (size_t)nvocab, sizeof(char *),
	    cmp_str);

	return hit ? (int)(hit - vocab) : -1;
}

/* The features of every set, sorted and unique, pointing into them: one
 * vocabulary the three models share, so a message's features are looked
 * up once. */
static void
build_vocab(const struct set *const *sets, int nsets)
{
	int i, k, n = 0, cap = 0, si;

	for (si = 0; si < nsets; si++)
		for (i = 0; i < sets[si]->n; i++)
			for (k = 0; k < sets[si]->ex[i].nfeats; k++) {
				if (n == cap) {
					cap = cap ? cap * 2 : 4096;
					vocab = xrealloc(vocab,
					    (size_t)cap * sizeof(char *));
				}
				vocab[n++] = sets[si]->ex[i].feats[k];
			}
	nvocab = 0;
	if (n == 0)
		return;
	qsort(vocab, (size_t)n, sizeof(char *), cmp_str);
	for (i = 0, k = 0; i < n; i++)
		if (k == 0 || strcmp(vocab[k - 1], vocab[i]) != 0)
			vocab[k++] = vocab[i];
	nvocab = k;
}

/* The vocabulary, and its slots by intent_hash (at most half full). */
static void
emit_vocab(FILE *out)
{
	int i, nslots, *slots;

	fprintf(out, "static const char *const vocab_feats[] = {\n");
	for (i = 0; i < nvocab; i++) {
		fputc('\t', out);
		emit_str(out, vocab[i]);
		fputs(",\n", out);
	}
	fprintf(out, "};\n");
	for (nslots = 1; nslots < 2 * nvocab; nslots *= 2)
		;
	slots = xcalloc((size_t)nslots, sizeof(int));
	for (i = 0; i < nslots; i++)
		slots[i] = -1;
	for (i = 0; i < nvocab; i++) {
		unsigned h = intent_hash(vocab[i]) & (unsigned)(nslots - 1);

		while (slots[h] >= 0)
			h = (h + 1) & (unsigned)(nslots - 1);
		slots[h] = i;
	}
	fprintf(out, "static const int vocab_slots[] = {");
	for (i = 0; i < nslots; i++)
		fprintf(out, "%s%d,", i % 16 ? " " : "\n\t", slots[i]);
	fprintf(out, "\n};\nconst struct intent_vocab intent_vocab_builtin = "
	    "{\n\t%d, vocab_feats, vocab_slots, %d, &intent_lexicon_builtin\n};"
	    "\n\n", nvocab, nslots);
	free(slots);
	fprintf(stderr, "intent_train: %d features\n", nvocab);
}

static int
cmp_node(const void *a, const void *b)
{
	return ((const struct feature_node *)a)->index -
	    ((const struct feature_node *)b)->index;
}

static void
quiet(const char *s)
{
	(void)s;
}

/* The smallest weight a set's model keeps. */
static double
weight_min(const struct set *s)
{
	return s == &sentences ? SENTENCE_WEIGHT_MIN : WEIGHT_MIN;
}

/* Trains one set and writes it as a model named name. */
static int
emit_model(FILE *out, struct set *s, const char *name)
{
	struct problem prob = {0};
	struct parameter par = {0};
	struct model *m;
	struct buf offs = {0}, cls = {0}, ws = {0};
	int i, k, j, npairs = 0, nz;
	const char *err;

	if (s->n == 0 || s->nlabels < 2) {
		fprintf(stderr, "intent_train: %s: too few labelled questions "
		    "(%d, %d labels)\n", name, s->n, s->nlabels);
		return -1;
	}
	prob.l = s->n;
	prob.n = nvocab + 1;	/* and the bias */
	prob.bias = 1;
	prob.y = xcalloc((size_t)s->n, sizeof(double));
	prob.x = xcalloc((size_t)s->n, sizeof(struct feature_node *));
	for (i = 0; i < s->n; i++) {
		struct example *e = &s->ex[i];
		struct feature_node *x = xcalloc((size_t)e->nfeats + 2,
		    sizeof(*x));

		for (k = 0, nz = 0; k < e->nfeats; k++) {
			x[nz].index = vocab_id(e->feats[k]) + 1;
			x[nz++].value = 1;
		}
		qsort(x, (size_t)nz, sizeof(*x), cmp_node);
		for (k = 0, j = 0; k < nz; k++)	/* repeated words once */
			if (j == 0 || x[j - 1].index != x[k].index)
				x[j++] = x[k];
		x[j].index = nvocab + 1;	/* the bias term */
		x[j++].value = 1;
		x[j].index = -1;
		prob.x[i] = x;
		prob.y[i] = e->label;
	}
	par.solver_type = s->solver;
	par.C = TRAIN_C;
	/* liblinear's own defaults: the dual solver stops at 0.1, the
	 * primal at 0.01 (the dual at 0.01 took most of the build's
	 * training time for no better answers) */
	par.eps = s->solver == L2R_LR_DUAL ? 0.1 : 0.01;
	/* a rare intent is not drowned by a common one: each class's
	 * errors weigh by the square root of its rarity */
	par.nr_weight = s->nlabels;
	par.weight_label = xcalloc((size_t)s->nlabels, sizeof(int));
	par.weight = xcalloc((size_t)s->nlabels, sizeof(double));
	for (k = 0; k < s->nlabels; k++) {
		int count = 0;

		for (i = 0; i < s->n; i++)
			count += s->ex[i].label == k;
		par.weight_label[k] = k;
		par.weight[k] = count ? pow((double)s->n / (s->nlabels *
		    count), CLASS_WEIGHT_POW) : 1;
	}
	if ((err = check_parameter(&prob, &par)) != NULL) {
		fprintf(stderr, "intent_train: %s\n", err);
		return -1;
	}
	set_print_string_function(quiet);
	m = train(&prob, &par);

	/* sparse: for each feature its non-negligible class weights */
	buf_printf(&offs, "0");
	for (i = 0; i < nvocab; i++) {
		for (k = 0; k < s->nlabels; k++) {
			/* liblinear's class k is our label m->label[k] */
			double w = get_decfun_coef(m, i + 1, k);

			if (w > -weight_min(s) && w < weight_min(s))
				continue;
			buf_printf(&cls, "%d,", m->label[k]);
			buf_printf(&ws, "%.4ff,", w);
			npairs++;
		}
		buf_printf(&offs, ",%d", npairs);
	}
	fprintf(out, "static const int %s_off[] = { %s };\n", name,
	    buf_str(&offs));
	fprintf(out, "static const unsigned short %s_cls[] = { %s0 };\n", name,
	    buf_str(&cls));
	fprintf(out, "static const float %s_w[] = { %s0 };\n", name,
	    buf_str(&ws));
	fprintf(out, "static const float %s_bias[] = {", name);
	for (k = 0; k < s->nlabels; k++) {
		/* the bias of liblinear's class k, written at its label */
		for (j = 0; j < s->nlabels && m->label[j] != k; j++)
			;
		fprintf(out, " %.4ff,", get_decfun_bias(m, j));
	}
	fprintf(out, " };\nstatic const char *const %s_labels[] = {", name);
	for (k = 0; k < s->nlabels; k++)
		fprintf(out, " \"%s\",", s->labels[k]);
	fprintf(out, " };\nconst struct intent_model %s_builtin = {\n"
	    "\t%d, %s_off, %s_cls, %s_w, %s_bias, %s_labels\n};\n\n", name,
	    s->nlabels, name, name, name, name, name);
	fprintf(stderr, "intent_train: %s: %d questions, %d labels, %d "
	    "weights\n", name, s->n, s->nlabels, npairs);
	for (i = 0; i < s->n; i++)
		free(prob.x[i]);
	free(prob.x);
	free(prob.y);
	free_and_destroy_model(&m);
	destroy_param(&par);
	buf_free(&offs);
	buf_free(&cls);
	buf_free(&ws);
	return 0;
}

/*
 * Trains the three models at once, each in a child process writing to a
 * temporary file of its own, then copies them to out in order: liblinear
 * is single-threaded, and its solvers draw from rand(), so a child of its
 * own (not a thread) keeps each model the same from one build to the
 * next.  0, or -1 when a model could not be trained (its child said why).
 */
static int
train_all(FILE *out)
{
	struct set *const sets[] = { &intents, &aspects, &sentences };
	const char *const names[] = { "intent_model", "aspect_model",
	    "sentence_model" };
	enum { NSETS = sizeof(sets) / sizeof(sets[0]) };
	FILE *tmp[NSETS] = {0};
	pid_t pid[NSETS];
	char chunk[BUFSIZ];
	size_t n;
	int i, status, rc = 0;

	fflush(out);
	fflush(stderr);
	for (i = 0; i < NSETS; i++) {
		if ((tmp[i] = tmpfile()) == NULL ||
		    (pid[i] = fork()) == -1) {
			fprintf(stderr, "intent_train: %s\n", strerror(errno));
			pid[i] = -1;
			rc = -1;
			break;
		}
		if (pid[i] == 0) {
			status = emit_model(tmp[i], sets[i], names[i]);
			_exit(fflush(tmp[i]) == 0 && status == 0 ? 0 : 1);
		}
	}
	for (i = 0; i < NSETS; i++)
		if (tmp[i] != NULL && pid[i] > 0 &&
		    (waitpid(pid[i], &status, 0) == -1 ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0))
			rc = -1;
	for (i = 0; i < NSETS && tmp[i] != NULL; i++) {
		rewind(tmp[i]);
		while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk),
		    tmp[i])) > 0)
			if (fwrite(chunk, 1, n, out) != n)
				rc = -1;
		fclose(tmp[i]);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	char err[KB_ERR_MAX];
	struct kb *kb;
	struct index *ix;
	FILE *out;
	int i, rc = 1;

	if (argc > 2 && strcmp(argv[1], "--fold") == 0) {
		/* make cv: another fifth held out */
		intent_set_fold((unsigned)atoi(argv[2]));
		argv += 2;
		argc -= 2;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: intent_train [--fold K] OUT.c "
		    "KNOWLEDGE_DIR FILE.jsonl...\n");
		return 2;
	}
	if ((kb = kb_load_dir(argv[2], err, sizeof(err))) == NULL) {
		fprintf(stderr, "intent_train: %s\n", err);
		return 1;
	}
	if ((ix = index_new(kb, NULL, err, sizeof(err))) == NULL) {
		fprintf(stderr, "intent_train: %s\n", err);
		kb_free(kb);
		return 1;
	}
	train_kb = kb;
	if (read_lexicon(argv[2]) == -1) {
		fprintf(stderr, "intent_train: %s/lexicon.txt: unreadable\n",
		    argv[2]);
		goto out;
	}
	for (i = 3; i < argc; i++)
		if (read_file(ix, argv[i]) == -1)
			goto out;
	add_sentences(kb, ix);
	if ((out = fopen(argv[1], "w")) == NULL) {
		fprintf(stderr, "intent_train: %s: %s\n", argv[1],
		    strerror(errno));
		goto out;
	}
	fprintf(out, "/* Generated by intent_train from tests/data/labelled/"
	    "; do not edit. */\n#include \"intent.h\"\n\n");
	build_vocab((const struct set *[]){ &intents, &aspects, &sentences },
	    3);
	emit_lexicon(out);
	emit_vocab(out);
	if (train_all(out) == 0)
		rc = 0;
	if (fclose(out) != 0)
		rc = 1;
out:
	index_free(ix);
	kb_free(kb);
	return rc;
}
