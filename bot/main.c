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
#include <systemd/sd-daemon.h>
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

/* The adapters of a running config, one per kind that has sections. */
struct running {
	struct adapter	*ads[ADAPTERS_MAX];
	int		 nads;
};

/* The highlights' poster: to the adapter that owns the network. */
static int
post(void *ctx, const char *network, const char *target, const char *id,
    const struct answer *a)
{
	struct running *r = ctx;
	const struct adapter_ops *ops = adapter_of_network(network);
	int i;

	for (i = 0; ops && i < r->nads; i++)
		if (r->ads[i]->ops == ops && ops->post)
			return ops->post(r->ads[i], network, target, id, a);
	return -1;
}

/* The longest line target takes, as its adapter says (0: no limit). */
static size_t
line_max(void *ctx, const char *network, const char *target)
{
	struct running *r = ctx;
	const struct adapter_ops *ops = adapter_of_network(network);
	int i;

	for (i = 0; ops && i < r->nads; i++)
		if (r->ads[i]->ops == ops && ops->line_max)
			return ops->line_max(r->ads[i], network, target);
	return 0;
}

/* The config's highlight targets, then the run-time changes kept. */
static struct highlights *
highlights_new(const struct config *cf, struct state *st,
    const struct kb *kb, struct running *run)
{
	struct highlights *hl = hl_new(st, kb, cf->highlight_secs,
	    cf->highlight_zone, cf->highlight_catchup_s);
	int i;

	for (i = 0; i < run->nads; i++)
		if (run->ads[i]->ops->highlights)
			run->ads[i]->ops->highlights(run->ads[i], cf, hl);
	hl_load(hl);
	hl_set_poster(hl, post, line_max, run);
	return hl;
}

static int
pending(const struct running *r)
{
	int i, n = 0;

	for (i = 0; i < r->nads; i++)
		if (r->ads[i]->ops->pending)
			n += r->ads[i]->ops->pending(r->ads[i]);
	return n;
}

static int
failed(const struct running *r)
{
	int i;

	for (i = 0; i < r->nads; i++)
		if (r->ads[i]->ops->failed && r->ads[i]->ops->failed(r->ads[i]))
			return 1;
	return 0;
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
	struct running *r = ctx;

	if (pending(r) > 0)
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
	struct config *cf, *ncf;
	struct kb *kb = NULL, *nkb;
	struct index *ix = NULL, *nix;
	struct bot *bot;
	struct loop *l;
	struct running run;
	const struct adapter_ops *ops;
	struct adapter *ad;
	struct policy_conf pc;
	struct state *st = NULL;
	struct highlights *hl = NULL;
	struct router_opts ro;
	enum log_level lvl;
	int i, rc = 0;

	if (path == NULL) {
		fprintf(stderr, "techpay: %s: give the config file with -c FILE\n",
		    cmd);
		return 2;
	}
	cf = config_load(path, err, sizeof(err), warn, sizeof(warn));
	fputs(warn, stderr);
	if (cf == NULL) {
		fputs(err, stderr);
		return 1;
	}
	if (strcmp(cmd, "check-config") == 0) {
		/* what run would meet next: the knowledge and state_dir */
		i = config_check_start(cf, kdir, err, sizeof(err), warn,
		    sizeof(warn));
		fputs(warn, stderr);
		if (i > 0) {
			fputs(err, stderr);
			config_free(cf);
			return 1;
		}
		printf("%s: ok (%s)\n", path, config_summary(cf));
		config_free(cf);
		return 0;
	}
	if (log_parse_level(cf->log_level, &lvl) == 0)
		log_set_level(lvl);
	if (load_knowledge(kdir ? kdir : cf->knowledge, cache, &kb, &ix) == -1) {
		config_free(cf);
		return 1;
	}
	if (cf->state_dir && (st = state_open(cf->state_dir, err,
	    sizeof(err))) == NULL) {
		log_error("%s", err);
		rc = 1;	/* fatal: a supervisor must not take it for a stop */
		goto out;
	}
	if (st)
		state_prune(st);
	ro.prefix = cf->prefix;
	ro.nick = cf->nnetworks ? cf->networks[0].nicks[0] : cf->nick;
	bot = bot_new(kb, ix, &ro);
	policy_of(cf, &pc);
	bot_set_policy(bot, &pc);
	bot_on_reload(bot, reload_asked, NULL);
	l = loop_new();
	catch_signals();
	loop_watch_flag(l, &any_signal);
	memset(&run, 0, sizeof(run));
	for (i = 0; (ops = adapter_at(i)) != NULL; i++)
		if (ops->new && run.nads < ADAPTERS_MAX &&
		    (ad = ops->new(bot, cf, st)) != NULL)
			run.ads[run.nads++] = ad;
	for (i = 0; i < run.nads; i++) {
		ad = run.ads[i];
		if (ad->ops->start(ad, l, err, sizeof(err)) == -1) {
			log_error("%s", err);
			quit = 1;
			rc = 1;
		}
	}
	if (st) {	/* highlights need to remember what they posted */
		loop_add_timer(l, PRUNE_EVERY_MS, prune_timer, st);
		hl = highlights_new(cf, st, kb, &run);
		bot_set_highlights(bot, hl);
		hl_start(hl, l);
	}
	log_info("techpay %s running (%s)", TECHPAY_VERSION,
	    config_summary(cf));
	/* systemd's Type=notify: the adapters have started (connections
	 * may still be on their way); a no-op without $NOTIFY_SOCKET */
	sd_notifyf(0, "READY=1\nSTATUS=running (%s)", config_summary(cf));
	while (!quit) {
		loop_run(l);
		any_signal = 0;
		if (failed(&run)) {
			rc = 1;
			break;
		}
		if (reload && !quit) {
			reload = 0;
			sd_notify(0, "RELOADING=1");
			log_info("SIGHUP: reloading %s and the knowledge", path);
			ncf = config_load(path, err, sizeof(err), warn,
			    sizeof(warn));
			log_lines(LOG_WARN, "", warn);
			if (ncf == NULL) {
				log_error("config not reloaded, keeping the "
				    "old one: %s", one_line(err));
			} else {
				for (i = 0; i < run.nads; i++)
					if (run.ads[i]->ops->reconfigure)
						run.ads[i]->ops->reconfigure(
						    run.ads[i], ncf);
				policy_of(ncf, &pc);
				bot_set_policy(bot, &pc);	/* copies */
				config_free(cf);
				cf = ncf;
			}
			if (load_knowledge(kdir ? kdir : cf->knowledge, cache,
			    &nkb, &nix) == -1)
				log_error("knowledge not reloaded, the old one "
				    "keeps serving");
			else {
				bot_set_knowledge(bot, nkb, nix);
				if (hl)
					hl_set_knowledge(hl, nkb);
				index_free(ix);
				kb_free(kb);
				kb = nkb;
				ix = nix;
				log_info("knowledge reloaded: %d roles",
				    kb->nroles);
			}
			sd_notify(0, "READY=1");
		}
	}
	log_info("shutting down");
	sd_notify(0, "STOPPING=1");
	hl_free(hl);	/* no new posts; queued ones still go out */
	bot_set_highlights(bot, NULL);
	for (i = 0; i < run.nads; i++)
		run.ads[i]->ops->stop(run.ads[i]);
	loop_watch_flag(l, NULL);
	loop_add_timer(l, SHUTDOWN_GRACE_MS, grace_over, NULL);
	loop_add_timer(l, 100, grace_check, &run);
	loop_run(l);
	for (i = 0; i < run.nads; i++)
		run.ads[i]->ops->free(run.ads[i]);
	loop_free(l);
	bot_free(bot);
out:
	state_free(st);
	index_free(ix);
	kb_free(kb);
	config_free(cf);
	return rc;
}

int
main(int argc, char **argv)
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
	const char *kdir = NULL, *cache = NULL, *cmd, *cfpath = NULL;
	struct router_opts ro = { "!", "techpay" };
	struct kb *kb = NULL;
	struct index *ix = NULL;
	struct bot *bot = NULL;
	char err[1024];
	int ch, html = 0, check = 0, rc = 1;

	log_init();	/* the journal, or a terminal/file */
	/* GNU getopt permutes: options may come before or after the command
	 * word; "--" ends them (for a question starting with '-') */
	while ((ch = getopt_long(argc, argv, "hVc:", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': cfpath = optarg; break;
		case 'k': kdir = optarg; break;
		case 'I': cache = optarg; break;
		case 'p': ro.prefix = optarg; break;
		case 'n': ro.nick = optarg; break;
		case 'H': html = 1; break;
		case 'C': check = 1; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("techpay %s\n", TECHPAY_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	if (strcmp(cmd, "check-config") == 0 || strcmp(cmd, "run") == 0) {
		rc = run_config(cmd, cfpath, kdir, cache);
		text_shutdown();
		return rc;
	}
	if (strcmp(cmd, "console") != 0 && strcmp(cmd, "ask") != 0 &&
	    strcmp(cmd, "index") != 0 && strcmp(cmd, "explain") != 0) {
		fprintf(stderr, "techpay: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return 2;
	}
	if (strlen(ro.prefix) > ROUTER_PREFIX_MAX) {
		fprintf(stderr, "techpay: --prefix: at most %d bytes\n",
		    ROUTER_PREFIX_MAX);
		return 2;
	}
	if ((kb = load(kdir)) == NULL)
		return 1;
	if (strcmp(cmd, "index") == 0) {
		if (!check && cache == NULL) {
			fprintf(stderr, "techpay: index: give --check or "
			    "--index-cache FILE\n");
			goto out;
		}
		if (!check && (ix = index_new(kb, cache, err,
		    sizeof(err))) == NULL) {
			fprintf(stderr, "techpay: %s\n", err);
			goto out;
		}
		printf("knowledge ok: %d roles, %d skills, %d topics, "
		    "%d sources\n", kb->nroles, kb->nskills, kb->ntopics,
		    kb->nsources);
		rc = 0;
		goto out;
	}
	if ((ix = index_new(kb, cache, err, sizeof(err))) == NULL) {
		fprintf(stderr, "techpay: %s\n", err);
		goto out;
	}
	if (strcmp(cmd, "explain") == 0) {
		rc = explain(kb, ix, &ro, argc - optind, argv + optind);
		goto out;
	}
	bot = bot_new(kb, ix, &ro);
	if (strcmp(cmd, "ask") == 0) {
		struct buf q = {0};
		struct answer a;
		struct message m = { .where = "ask", .direct = 1 };

		for (; optind < argc; optind++)
			buf_printf(&q, "%s%s", q.len ? " " : "", argv[optind]);
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
		rc = 0;
	} else {
		struct loop *l = loop_new();
		struct adapter *ad = console_new(bot, stdin, stdout);

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
	}
out:
	bot_free(bot);
	index_free(ix);
	kb_free(kb);
	text_shutdown();
	return rc;
}
