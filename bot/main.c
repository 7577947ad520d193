/*
 * main.c -- the techpay command line.
 *
 *   techpay console            chat in the terminal
 *   techpay ask TEXT...        answer one message as in a channel, exit
 *   techpay index --check      check the knowledge files only
 *   techpay run -c FILE        join the networks and rooms of
 *                              a config file
 *   techpay check-config -c FILE   report every error in a config file
 *
 * Options: --knowledge DIR (default: the copy built into the binary),
 * --index-cache FILE, --prefix P, --nick N, --html (ask: print the HTML
 * form too), --help, --version.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "config.h"
#include "index.h"
#include "highlight.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "router.h"
#include "state.h"
#include "kb.h"
#include "loop.h"
#include "text.h"

#ifndef TECHPAY_VERSION
#define TECHPAY_VERSION "0.1.0"
#endif

#define SHUTDOWN_GRACE_MS	3000	/* time for QUIT to reach the servers */
#define PRUNE_EVERY_MS	(6L * 3600 * 1000)	/* forget old handled ids */

/* Signal handlers only set flags; the loop returns and main acts. */
static volatile sig_atomic_t quit, reload, any_signal;

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reload = 1;
	else
		quit = 1;
	any_signal = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* a full disk (or a file size limit) fails the write with EFBIG
	 * instead of killing the bot: the state store logs it and goes on */
	signal(SIGXFSZ, SIG_IGN);
}

static void
usage(FILE *fp)
{
	fputs("usage: techpay [options] console\n"
	    "       techpay [options] ask TEXT...\n"
	    "       techpay [options] explain TEXT... | -\n"
	    "       techpay [options] index --check\n"
	    "       techpay run -c FILE\n"
	    "       techpay check-config -c FILE\n"
	    "\n"
	    "Answers questions about the highest-paying tech jobs from two\n"
	    "published guides.\n"
	    "\n"
	    "options:\n"
	    "  --knowledge DIR     read the knowledge files from DIR\n"
	    "                      (default: the copy built into techpay)\n"
	    "  --index-cache FILE  keep the search index in FILE, rebuilt\n"
	    "                      when the knowledge changes\n"
	    "  --prefix P          command prefix (default \"!\")\n"
	    "  --nick N            the bot's name (default \"techpay\")\n"
	    "  --html              ask: print the HTML form after the line\n"
	    "  --check             index: only check the knowledge files\n"
	    "  -c, --config FILE   run, check-config: the configuration file\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       the version\n", fp);
}

/* One message explained: the trace, then the answer. */
static void
explain_one(struct router *rt, const char *text, struct answer *a)
{
	struct buf trace = {0};
	struct message m = { .where = "explain", .direct = 1 };

	m.text = text;
	m.len = strlen(text);
	printf("message: %s\n", text);
	if (router_explain(rt, &m, time(NULL), a, &trace))
		buf_printf(&trace, "answer: %s\n", buf_str(&a->text));
	fputs(buf_str(&trace), stdout);
	buf_free(&trace);
}

/*
 * techpay explain TEXT...: why an answer came out.  "-" reads messages
 * from standard input, one a line, as one conversation ("and devops?"
 * then shows the memory it used).
 */
static int
explain(struct kb *kb, struct index *ix, const struct router_opts *ro,
    int argc, char **argv)
{
	struct router *rt = router_new(kb, ix, ro);
	struct answer a;
	struct buf q = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int i;

	if (argc == 0) {
		fprintf(stderr, "techpay: explain: give a message, or - to read "
		    "them from standard input\n");
		router_free(rt);
		return 2;
	}
	answer_init(&a);
	if (argc == 1 && strcmp(argv[0], "-") == 0) {
		while ((n = getline(&line, &cap, stdin)) > 0) {
			while (n > 0 && (line[n - 1] == '\n' ||
			    line[n - 1] == '\r'))
				line[--n] = '\0';
			explain_one(rt, line, &a);
			putchar('\n');
		}
		free(line);
	} else {
		for (i = 0; i < argc; i++)
			buf_printf(&q, "%s%s", q.len ? " " : "", argv[i]);
		explain_one(rt, buf_str(&q), &a);
	}
	buf_free(&q);
	answer_free(&a);
	router_free(rt);
	return 0;
}

static struct kb *
load(const char *dir)
{
	static char err[KB_ERR_MAX];
	struct kb *kb;

	kb = dir ? kb_load_dir(dir, err, sizeof(err)) :
	    kb_load_embedded(err, sizeof(err));
	if (kb == NULL)
		fprintf(stderr, "techpay: knowledge%s%s not loaded:\n%s",
		    dir ? " in " : "", dir ? dir : "", err);
	return kb;
}

/* What `run` holds: the config and knowledge it serves, the bot, and
 * the adapters of the config's sections. */
struct run {
	const char		*path;		/* the config file */
	const char		*kdir;		/* -k, over the file's */
	const char		*cache;		/* --index-cache */
	struct config		*cf;
	struct kb		*kb;
	struct index		*ix;
	struct state		*st;		/* NULL: no state_dir */
	struct bot		*bot;
	struct loop		*l;
	struct adapters		*ads;
	struct highlights	*hl;		/* NULL: no state_dir */
};

/* The config's highlight targets, then the run-time changes kept. */
static struct highlights *
highlights_new(struct run *r)
{
	struct highlights *hl = hl_new(r->st, r->kb, r->cf->highlight_secs,
	    r->cf->highlight_zone, r->cf->highlight_catchup_s);

	adapters_highlights(r->ads, r->cf, hl);
	hl_load(hl);
	hl_set_poster(hl, adapters_post, adapters_line_max, r->ads);
	return hl;
}

/* An owner's "reload": the same as SIGHUP, acted on between polls. */
static void
reload_asked(void *ctx)
{
	(void)ctx;
	reload = 1;
	any_signal = 1;
}

/* The policy's part of a config. */
static void
policy_of(const struct config *cf, struct policy_conf *pc)
{
	pc->owners = (const char *const *)cf->owners;
	pc->nowners = cf->nowners;
	pc->ignore = (const char *const *)cf->ignore;
	pc->nignore = cf->nignore;
	pc->user_rate = cf->user_rate;
	pc->user_ignore_s = cf->user_ignore_s;
}

/* Every 100 ms of the shutdown: stops the loop once all has gone out. */
static long
grace_check(struct loop *l, void *ctx)
{
	if (adapters_pending(ctx) > 0)
		return 100;
	loop_stop(l);
	return LOOP_NOMORE;
}

/* Handled event ids older than STATE_KEEP_EVENTS_S go, every few hours:
 * a busy room adds thousands a day. */
static long
prune_timer(struct loop *l, void *ctx)
{
	(void)l;
	state_prune(ctx);
	return PRUNE_EVERY_MS;
}

static long
grace_over(struct loop *l, void *ctx)
{
	(void)ctx;
	loop_stop(l);
	return LOOP_NOMORE;
}

/* Every error of a config on one log line: "a; b; c" (a static buffer). */
static const char *
one_line(const char *s)
{
	static char out[CONFIG_ERR_MAX + 256];
	size_t o = 0;

	for (; *s && o + 3 < sizeof(out); s++) {
		if (*s != '\n')
			out[o++] = *s;
		else if (s[1] != '\0') {
			out[o++] = ';';
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
	return out;
}

/* Loads knowledge and builds its index; 0, or -1 after logging why. */
static int
load_knowledge(const char *dir, const char *cache, struct kb **kbp,
    struct index **ixp)
{
	char err[1024];

	if ((*kbp = load(dir)) == NULL)
		return -1;
	if ((*ixp = index_new(*kbp, cache, err, sizeof(err))) == NULL) {
		log_error("%s", err);
		kb_free(*kbp);
		*kbp = NULL;
		return -1;
	}
	return 0;
}

/* check-config: the file, then what run would meet next (the knowledge
 * and state_dir).  Takes cf. */
static int
check_config(const char *path, struct config *cf, const char *kdir)
{
	static char err[CONFIG_ERR_MAX], warn[CONFIG_WARN_MAX];
	int n;

	n = config_check_start(cf, kdir, err, sizeof(err), warn, sizeof(warn));
	fputs(warn, stderr);
	if (n > 0)
		fputs(err, stderr);
	else
		printf("%s: ok (%s)\n", path, config_summary(cf));
	config_free(cf);
	return n > 0 ? 1 : 0;
}

/*
 * The knowledge, the state store, the bot and the adapters of r->cf,
 * started.  0; 1 when the bot must exit non-zero (the state store does
 * not open: a supervisor must not take it for a stop); 2 when an adapter
 * did not start (logged; the bot says goodbye to the others and exits).
 */
static int
run_start(struct run *r)
{
	static char err[CONFIG_ERR_MAX];
	struct router_opts ro;
	struct policy_conf pc;
	enum log_level lvl;

	if (log_parse_level(r->cf->log_level, &lvl) == 0)
		log_set_level(lvl);
	if (load_knowledge(r->kdir ? r->kdir : r->cf->knowledge, r->cache,
	    &r->kb, &r->ix) == -1)
		return 1;
	if (r->cf->state_dir && (r->st = state_open(r->cf->state_dir, err,
	    sizeof(err))) == NULL) {
		log_error("%s", err);
		return 1;
	}
	if (r->st)
		state_prune(r->st);
	ro.prefix = r->cf->prefix;
	ro.nick = config_nick(r->cf);
	r->bot = bot_new(r->kb, r->ix, &ro);
	policy_of(r->cf, &pc);
	bot_set_policy(r->bot, &pc);
	bot_on_reload(r->bot, reload_asked, NULL);
	r->l = loop_new();
	catch_signals();
	loop_watch_flag(r->l, &any_signal);
	r->ads = adapters_new(r->bot, r->cf, r->st);
	if (adapters_start(r->ads, r->l) == -1)
		return 2;
	if (r->st) {	/* highlights need to remember what they posted */
		loop_add_timer(r->l, PRUNE_EVERY_MS, prune_timer, r->st);
		r->hl = highlights_new(r);
		bot_set_highlights(r->bot, r->hl);
		hl_start(r->hl, r->l);
	}
	return 0;
}

/* SIGHUP: the config (a broken file is logged and the old one kept),
 * then the knowledge (likewise). */
static void
run_reload(struct run *r)
{
	static char err[CONFIG_ERR_MAX], warn[CONFIG_WARN_MAX];
	struct config *ncf;
	struct kb *nkb;
	struct index *nix;
	struct policy_conf pc;
	char nerr[NOTIFY_ERR_MAX];

	if (notify_reloading(nerr, sizeof(nerr)) == -1)
		log_warn("sd_notify: %s", nerr);
	log_info("SIGHUP: reloading %s and the knowledge", r->path);
	ncf = config_load(r->path, err, sizeof(err), warn, sizeof(warn));
	log_lines(LOG_WARN, "", warn);
	if (ncf == NULL)
		log_error("config not reloaded, keeping the old one: %s",
		    one_line(err));
	else {
		adapters_reload(r->ads, ncf);
		policy_of(ncf, &pc);
		bot_set_policy(r->bot, &pc);	/* copies */
		config_free(r->cf);
		r->cf = ncf;
	}
	if (load_knowledge(r->kdir ? r->kdir : r->cf->knowledge, r->cache,
	    &nkb, &nix) == -1)
		log_error("knowledge not reloaded, the old one keeps serving");
	else {
		bot_set_knowledge(r->bot, nkb, nix);
		if (r->hl)
			hl_set_knowledge(r->hl, nkb);
		index_free(r->ix);
		kb_free(r->kb);
		r->kb = nkb;
		r->ix = nix;
		log_info("knowledge reloaded: %d roles", r->kb->nroles);
	}
	if (notify_send("READY=1", nerr, sizeof(nerr)) == -1)
		log_warn("sd_notify: %s", nerr);
}

/* Until SIGTERM or SIGINT (or an adapter's fatal error: 1). */
static int
run_loop(struct run *r)
{
	while (!quit) {
		loop_run(r->l);
		any_signal = 0;
		if (adapters_failed(r->ads))
			return 1;
		if (reload && !quit) {
			reload = 0;
			run_reload(r);
		}
	}
	return 0;
}

/* QUIT everywhere, and the exit once it has gone out (or the grace is
 * over); then everything is freed. */
static void
run_stop(struct run *r)
{
	char nerr[NOTIFY_ERR_MAX];

	if (r->ads) {
		log_info("shutting down");
		if (notify_send("STOPPING=1", nerr, sizeof(nerr)) == -1)
			log_warn("sd_notify: %s", nerr);
		hl_free(r->hl);	/* no new posts; queued ones still go out */
		bot_set_highlights(r->bot, NULL);
		adapters_stop(r->ads);
		loop_watch_flag(r->l, NULL);
		loop_add_timer(r->l, SHUTDOWN_GRACE_MS, grace_over, NULL);
		loop_add_timer(r->l, 100, grace_check, r->ads);
		loop_run(r->l);
		adapters_free(r->ads);
	}
	loop_free(r->l);
	bot_free(r->bot);
	state_free(r->st);
	index_free(r->ix);
	kb_free(r->kb);
	config_free(r->cf);
}

/*
 * check-config and run.  SIGHUP reloads the config and the knowledge
 * without dropping connections (a broken new file is logged and the old
 * one kept); SIGTERM and SIGINT send QUIT and exit when it has gone out.
 */
static int
run_config(const char *cmd, const char *path, const char *kdir,
    const char *cache)
{
	static char err[CONFIG_ERR_MAX], warn[CONFIG_WARN_MAX];
	struct run r = { path, kdir, cache, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL };
	char nerr[NOTIFY_ERR_MAX];
	int rc;

	if (path == NULL) {
		fprintf(stderr, "techpay: %s: give the config file with -c FILE\n",
		    cmd);
		return 2;
	}
	r.cf = config_load(path, err, sizeof(err), warn, sizeof(warn));
	fputs(warn, stderr);
	if (r.cf == NULL) {
		fputs(err, stderr);
		return 1;
	}
	if (strcmp(cmd, "check-config") == 0)
		return check_config(path, r.cf, kdir);
	if ((rc = run_start(&r)) == 1) {
		run_stop(&r);
		return 1;
	}
	if (rc == 2)
		quit = 1;	/* an adapter did not start: goodbye to the rest */
	log_info("techpay %s running (%s)", TECHPAY_VERSION,
	    config_summary(r.cf));
	/* systemd's Type=notify: the adapters have started (connections
	 * may still be on their way); a no-op without $NOTIFY_SOCKET */
	if (notify_sendf(nerr, sizeof(nerr), "READY=1\nSTATUS=running (%s)",
	    config_summary(r.cf)) == -1)
		log_warn("sd_notify: %s", nerr);
	rc = run_loop(&r) || rc == 2;
	run_stop(&r);
	return rc;
}

/* The command line's options. */
struct opts {
	const char		*kdir;
	const char		*cache;
	const char		*cfpath;
	struct router_opts	 ro;
	int			 html;
	int			 check;
};

/* Options into o; the index of the command word, or -1 with the exit
 * code in *rc (--help, --version, a bad option). */
static int
parse_opts(int argc, char **argv, struct opts *o, int *rc)
{
	static const struct option opts[] = {
		{ "knowledge", required_argument, NULL, 'k' },
		{ "index-cache", required_argument, NULL, 'I' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "nick", required_argument, NULL, 'n' },
		{ "html", no_argument, NULL, 'H' },
		{ "check", no_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	/* GNU getopt permutes: options may come before or after the command
	 * word; "--" ends them (for a question starting with '-') */
	while ((ch = getopt_long(argc, argv, "hVc:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': o->cfpath = optarg; break;
		case 'k': o->kdir = optarg; break;
		case 'I': o->cache = optarg; break;
		case 'p': o->ro.prefix = optarg; break;
		case 'n': o->ro.nick = optarg; break;
		case 'H': o->html = 1; break;
		case 'C': o->check = 1; break;
		case 'h': usage(stdout); *rc = 0; return -1;
		case 'V': printf("techpay %s\n", TECHPAY_VERSION); *rc = 0;
			return -1;
		default: usage(stderr); *rc = 2; return -1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		*rc = 2;
		return -1;
	}
	return optind;
}

/* techpay index: --check, or build the cache. */
static int
index_cmd(struct kb *kb, const struct opts *o)
{
	struct index *ix;
	char err[1024];

	if (!o->check && o->cache == NULL) {
		fprintf(stderr, "techpay: index: give --check or "
		    "--index-cache FILE\n");
		return 1;
	}
	if (!o->check) {
		if ((ix = index_new(kb, o->cache, err, sizeof(err))) == NULL) {
			fprintf(stderr, "techpay: %s\n", err);
			return 1;
		}
		index_free(ix);
	}
	printf("knowledge ok: %d roles, %d skills, %d topics, %d sources\n",
	    kb->nroles, kb->nskills, kb->ntopics, kb->nsources);
	return 0;
}

/* techpay ask TEXT...: one message, answered as in a channel. */
static int
ask(struct bot *bot, int argc, char **argv, int html)
{
	struct buf q = {0};
	struct answer a;
	struct message m = { .where = "ask", .direct = 1 };
	int i;

	for (i = 0; i < argc; i++)
		buf_printf(&q, "%s%s", q.len ? " " : "", argv[i]);
	answer_init(&a);
	m.text = buf_str(&q);
	m.len = q.len;
	if (bot_answer(bot, NULL, &m, &a)) {
		puts(buf_str(&a.text));
		if (html)
			puts(buf_str(&a.html));
	}
	answer_free(&a);
	buf_free(&q);
	return 0;
}

/* techpay console: the terminal, until end of input or a signal. */
static int
console(struct bot *bot)
{
	struct loop *l;
	struct adapter *ad;
	char err[1024];
	int rc = 1;

	if ((ad = adapters_console(bot, stdin, stdout, err, sizeof(err)))
	    == NULL) {
		fprintf(stderr, "techpay: %s\n", err);
		return 1;
	}
	l = loop_new();
	catch_signals();
	loop_watch_flag(l, &quit);
	if (ad->ops->start(ad, l, err, sizeof(err)) == -1)
		fprintf(stderr, "techpay: %s\n", err);
	else {
		loop_run(l);
		ad->ops->stop(ad);
		rc = 0;
	}
	ad->ops->free(ad);
	loop_free(l);
	return rc;
}

/* console, ask, index and explain: the knowledge, without a config. */
static int
local(const char *cmd, const struct opts *o, int argc, char **argv)
{
	struct kb *kb;
	struct index *ix = NULL;
	struct bot *bot;
	char err[1024];
	int rc = 1;

	if (strlen(o->ro.prefix) > ROUTER_PREFIX_MAX) {
		fprintf(stderr, "techpay: --prefix: at most %d bytes\n",
		    ROUTER_PREFIX_MAX);
		return 2;
	}
	if ((kb = load(o->kdir)) == NULL)
		return 1;
	if (strcmp(cmd, "index") == 0)
		rc = index_cmd(kb, o);
	else if ((ix = index_new(kb, o->cache, err, sizeof(err))) == NULL)
		fprintf(stderr, "techpay: %s\n", err);
	else if (strcmp(cmd, "explain") == 0)
		rc = explain(kb, ix, &o->ro, argc, argv);
	else {
		bot = bot_new(kb, ix, &o->ro);
		rc = strcmp(cmd, "ask") == 0 ?
		    ask(bot, argc, argv, o->html) : console(bot);
		bot_free(bot);
	}
	index_free(ix);
	kb_free(kb);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o = { .ro = { "!", "techpay" } };
	const char *cmd;
	int i, rc = 1;

	log_init();	/* the journal, or a terminal/file */
	if ((i = parse_opts(argc, argv, &o, &rc)) == -1)
		return rc;
	cmd = argv[i++];
	if (strcmp(cmd, "check-config") == 0 || strcmp(cmd, "run") == 0)
		rc = run_config(cmd, o.cfpath, o.kdir, o.cache);
	else if (strcmp(cmd, "console") == 0 || strcmp(cmd, "ask") == 0 ||
	    strcmp(cmd, "index") == 0 || strcmp(cmd, "explain") == 0)
		rc = local(cmd, &o, argc - i, argv + i);
	else {
		fprintf(stderr, "techpay: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return 2;
	}
	text_shutdown();
	return rc;
}
