/*
 * bench.c -- the whole answer path (parse -> query -> format) timed per
 * answer: on the guides' knowledge, then on a generated knowledge base of
 * 100,000 roles (which also times the load and the index build).
 * Prints answers/s, p50/p99 latency and peak RSS.  Bounded: a fixed
 * number of rounds over a fixed question set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "router.h"

#define ROUNDS_SMALL	2000	/* passes over the question set */
#define ROUNDS_BIG	200
#define GEN_ROLES	100000
#define GEN_SKILLS	500

static const char *const questions[] = {
	"!salary sre", "!salary machine learning engineers", "!salary ciso",
	"!skills cybersecurity architect", "!role devops", "!top",
	"!top 3 by max", "!compare sre vs devops", "!whoneeds python",
	"!whoneeds c++", "!salary devpos", "!skills d\xe9vops",
	"!salary ios developer", "!roles security", "!tips", "!metaskills",
	"techpay: how much does a cloud architect make?",
	"techpay: what does an ai pm actually do?",
	"techpay, which roles need kubernetes?", "techpay: who earns the most?",
	"techpay: which roles can go above $200k at the top of the range?",
	"techpay: how much does a nurse make?", "techpay: NEAR(",
	"!salary cybersecurty", "just chatting in the channel",
	"techpay: how much do devops folks take home",
	"techpay: salery for an ai reserch scientist",
	"techpay: does a cybersecurity architect out-earn a data scientist",
	"techpay: im decent at pytorch and linear algebra, what job suits me",
	"techpay: why is blockchain dev still lucrative",
	"techpay: which sectors are going hardest at hiring ml people",
	"techpay: what do all the top 2026 jobs have in common",
	"techpay: how much do devops engineers make in euros",
	"techpay: swe salary", "techpay: and devops?", "techpay: source?",
};

/*
 * BENCH_CLOCK=cpu times each answer by the thread's CPU time instead of
 * the wall clock: on a machine others share, the time a preempted answer
 * waits for a core is then left out of its latency (the p99 above all).
 */
static clockid_t answer_clock = CLOCK_MONOTONIC;

static double
answer_us(void)
{
	struct timespec ts;

	clock_gettime(answer_clock, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* CPU time of the process, which a busy machine does not stretch as it
 * does the wall clock. */
static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
vm_kb(const char *field)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	size_t n = strlen(field);

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, field, n) == 0)
			v = atol(line + n + 1);
	fclose(fp);
	return v;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
run(const char *label, struct router *rt, const char *const *q, int nq,
    int rounds)
{
	struct answer a;
	double *lat = malloc(sizeof(double) * (size_t)nq * (size_t)rounds);
	double t0, t1, start, total, *per = calloc((size_t)nq, sizeof(double));
	long n = 0;
	int r, i;

	answer_init(&a);
	for (i = 0; i < nq; i++) {	/* warm up */
		struct message m = { .text = q[i], .len = strlen(q[i]),
			    .where = "bench" };

		router_handle(rt, &m, time(NULL), &a);
	}
	start = now_us();
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nq; i++) {
			struct message m = { .text = q[i], .len = strlen(q[i]),
			    .where = "bench" };

			t0 = answer_us();
			router_handle(rt, &m, (time_t)1790000000, &a);
			t1 = answer_us();
			lat[n++] = t1 - t0;
			per[i] += t1 - t0;
		}
	total = now_us() - start;
	qsort(lat, (size_t)n, sizeof(double), cmp_d);
	printf("%-28s %8ld answers  %9.0f answers/s  p50 %7.1f us  "
	    "p99 %7.1f us  max %7.1f us\n", label, n, (double)n / total * 1e6,
	    lat[n / 2], lat[(size_t)((double)n * 0.99)], lat[n - 1]);
	if (getenv("BENCH_VERBOSE"))
		for (i = 0; i < nq; i++)
			printf("  %9.1f us  %s\n", per[i] / rounds, q[i]);
	free(per);
	free(lat);
	answer_free(&a);
}

/* A unique pronounceable word for i: "kavo", "kavu", ... */
static void
word(long i, char *out)
{
	static const char *const syl[] = {
		"ka", "vo", "ri", "mu", "te", "lo", "ba", "ne", "si", "do",
		"pa", "gu", "fe", "zi", "ho", "ja", "we", "yo", "xu", "qi",
	};
	int n = 0;

	out[0] = '\0';
	do {
		strcat(out, syl[i % 20]);
		i /= 20;
		n++;
	} while (i > 0 || n < 3);
	strcat(out, "n");
}

static struct kb *
generate(double *load_ms, double *load_cpu)
{
	static const char *const kinds[] = {
		"Engineer", "Architect", "Scientist", "Manager", "Developer",
		"Analyst"
	};
	struct kb_file *f = calloc(GEN_ROLES + 8, sizeof(*f));
	struct buf b = {0};
	char w[64], err[KB_ERR_MAX], name[64];
	struct kb *kb;
	double t0;
	int i, j, n = 0;

	/* the fixed files: the embedded ones, skills replaced, and no
	 * sentence map (it names the guides' roles, not these) */
	for (i = 0; i < kb_embedded_nfiles; i++)
		if (strncmp(kb_embedded_files[i].name, "roles/", 6) != 0 &&
		    strcmp(kb_embedded_files[i].name, "skills.json") != 0 &&
		    strcmp(kb_embedded_files[i].name, "sentences.json") != 0)
			f[n++] = kb_embedded_files[i];
	buf_puts(&b, "{\"skills\": [");
	for (i = 0; i < GEN_SKILLS; i++) {
		word(i + 7, w);
		buf_printf(&b, "%s{\"id\": \"s%d\", \"name\": \"%s tooling\", "
		    "\"aliases\": [\"%s\"]}", i ? "," : "", i, w, w);
	}
	buf_puts(&b, "]}");
	f[n].name = "skills.json";
	f[n].len = b.len;
	f[n++].data = buf_steal(&b);
	for (i = 0; i < GEN_ROLES; i++) {
		long min = 80000 + (i * 7919L % 25) * 5000;
		long max = min + 20000 + (i * 104729L % 13) * 5000;

		word(i * 3 + 1000, w);
		snprintf(name, sizeof(name), "roles/g%06d.json", i);
		buf_printf(&b, "{\"id\": \"g%06d\", \"title\": \"%s %s\", "
		    "\"aliases\": [\"%s\"], \"category\": \"software\", "
		    "\"category_source\": \"editor\", \"sources\": [{"
		    "\"source\": \"guide-2026\", \"title\": \"%s %s\", "
		    "\"rank\": null, \"section\": null, \"description\": "
		    "\"%s specialists build and run %s systems at scale.\", "
		    "\"summary\": \"%s specialists build and run %s systems at "
		    "scale.\", \"pay\": {\"min\": %ld, \"max\": %ld, "
		    "\"open_ended\": false, \"currency\": \"USD\", \"year\": 2026,"
		    " \"basis\": \"average\", \"quote\": \"Average salary.\"}, "
		    "\"pay_notes\": [], \"responsibilities\": [\"Run things.\"], "
		    "\"skills\": [", i, w, kinds[i % 6], w, w, kinds[i % 6], w, w,
		    w, w, min, max);
		for (j = 0; j < 4; j++)
			buf_printf(&b, "%s{\"text\": \"Tool %d.\", \"refs\": "
			    "[\"s%d\"]}", j ? "," : "", j,
			    (int)((i * 31L + j * 97L) % GEN_SKILLS));
		buf_puts(&b, "], \"notes\": []}]}");
		f[n].name = strdup(name);
		f[n].len = b.len;
		f[n++].data = buf_steal(&b);
	}
	t0 = now_us();
	*load_cpu = cpu_ms();
	kb = kb_load_files(f, n, err, sizeof(err));
	*load_ms = (now_us() - t0) / 1e3;
	*load_cpu = cpu_ms() - *load_cpu;
	if (kb == NULL)
		fprintf(stderr, "generated knowledge: %s", err);
	for (i = 0; i < n; i++)
		if (strncmp(f[i].name, "roles/", 6) == 0 ||
		    strcmp(f[i].name, "skills.json") == 0) {
			if (strncmp(f[i].name, "roles/", 6) == 0)
				free((char *)f[i].name);
			free((char *)f[i].data);
		}
	free(f);
	return kb;
}

int
main(void)
{
	char err[1024], w[64], w2[64], tmp[64];
	static char qs[64][160];
	const char *bigq[64];
	struct kb *kb;
	struct index *ix;
	struct router *rt;
	double t0, c0, load_ms, build_ms, load_cpu, build_cpu;
	int nq = (int)(sizeof(questions) / sizeof(questions[0])), i, nb = 0;

	if (getenv("BENCH_CLOCK") && strcmp(getenv("BENCH_CLOCK"), "cpu") == 0)
		answer_clock = CLOCK_THREAD_CPUTIME_ID;
	printf("techpay bench: whole answer path (parse -> query -> format), "
	    "one core; latency by the %s\n", answer_clock ==
	    CLOCK_MONOTONIC ? "wall clock" : "thread's CPU time (BENCH_CLOCK=cpu)");
	t0 = now_us();
	kb = kb_load_embedded(err, sizeof(err));
	ix = index_new(kb, NULL, err, sizeof(err));
	rt = router_new(kb, ix, NULL);
	printf("guides' knowledge: %d roles, load + index %.1f ms\n",
	    kb->nroles, (now_us() - t0) / 1e3);
	run("guides, question set", rt, questions, nq, ROUNDS_SMALL);
	printf("peak RSS after the guides' run: %ld kB (VmHWM)\n",
	    vm_kb("VmHWM:"));
	router_free(rt);
	index_free(ix);
	kb_free(kb);

	kb = generate(&load_ms, &load_cpu);
	if (kb == NULL)
		return 1;
	printf("after the load: RSS %ld kB, peak %ld kB (the input files "
	    "were held during it)\n", vm_kb("VmRSS:"), vm_kb("VmHWM:"));
	t0 = now_us();
	c0 = cpu_ms();
	ix = index_new(kb, NULL, err, sizeof(err));
	build_ms = (now_us() - t0) / 1e3;
	build_cpu = cpu_ms() - c0;
	if (ix == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("generated knowledge: %d roles, %d skills: load %.0f ms, "
	    "index build %.0f ms, total %.2f s (CPU: load %.0f ms, build "
	    "%.0f ms)\n", kb->nroles, kb->nskills, load_ms, build_ms,
	    (load_ms + build_ms) / 1e3, load_cpu, build_cpu);
	printf("after the index build: RSS %ld kB, peak %ld kB\n",
	    vm_kb("VmRSS:"), vm_kb("VmHWM:"));
	rt = router_new(kb, ix, NULL);
	for (i = 0; i < 8; i++) {
		word((i * 12347L % GEN_ROLES) * 3 + 1000, w);
		word(i * 61 % GEN_SKILLS + 7, w2);
		snprintf(qs[nb++], 160, "!salary %s", w);
		snprintf(tmp, sizeof(tmp), "%s", w);
		tmp[1] = w[2];	/* a typo: swap two letters */
		tmp[2] = w[1];
		snprintf(qs[nb++], 160, "!salary %s", tmp);
		snprintf(qs[nb++], 160, "techpay: how much does a %s make?", w);
		snprintf(qs[nb++], 160, "!whoneeds %s", w2);
	}
	snprintf(qs[nb++], 160, "!top");
	snprintf(qs[nb++], 160, "!top 5 by max");
	snprintf(qs[nb++], 160, "!salary engineer");
	snprintf(qs[nb++], 160, "techpay: how much does a nurse make?");
	snprintf(qs[nb++], 160, "!compare %s vs %s", w, w2);
	for (i = 0; i < nb; i++)
		bigq[i] = qs[i];
	run("100,000 roles, question set", rt, bigq, nb, ROUNDS_BIG);
	printf("peak RSS overall: %ld kB (VmHWM)\n", vm_kb("VmHWM:"));
	router_free(rt);
	index_free(ix);
	kb_free(kb);
	return 0;
}
