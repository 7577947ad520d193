/*
 * main.c -- the techpay command line.
 *
 *   techpay console            chat in the terminal
 *   techpay ask TEXT...        answer one message as in a channel, exit
 *   techpay index --check      check the knowledge files only
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
#include "index.h"
#include "kb.h"
#include "loop.h"

#ifndef TECHPAY_VERSION
#define TECHPAY_VERSION "0.1.0"
#endif

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
usage(FILE *fp)
{
	fputs("usage: techpay [options] console\n"
	    "       techpay [options] ask TEXT...\n"
	    "       techpay [options] index --check\n"
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
	    "  -h, --help          this text\n"
	    "  -V, --version       the version\n", fp);
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

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "knowledge", required_argument, NULL, 'k' },
		{ "index-cache", required_argument, NULL, 'c' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "nick", required_argument, NULL, 'n' },
		{ "html", no_argument, NULL, 'H' },
		{ "check", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *kdir = NULL, *cache = NULL, *cmd;
	struct router_opts ro = { "!", "techpay" };
	struct kb *kb = NULL;
	struct index *ix = NULL;
	struct bot *bot = NULL;
	char err[1024];
	int ch, html = 0, check = 0, rc = 1;

	/* GNU getopt permutes: options may come before or after the command
	 * word; "--" ends them (for a question starting with '-') */
	while ((ch = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'k': kdir = optarg; break;
		case 'c': cache = optarg; break;
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
	if (strcmp(cmd, "console") != 0 && strcmp(cmd, "ask") != 0 &&
	    strcmp(cmd, "index") != 0) {
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
		if (bot_answer(bot, &m, &a)) {
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
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
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
	return rc;
}
