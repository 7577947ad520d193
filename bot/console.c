/*
 * console.c -- the terminal adapter: a line in, the answer out.
 *
 * Every line counts as addressed to the bot (a private chat), so "salary
 * sre", "!salary sre" and "techpay: how much does an SRE make?" all work.
 * Input lines longer than CONSOLE_LINE_MAX are read whole and cut, never
 * split into two questions.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapter.h"

#define CONSOLE_LINE_MAX	4096

struct console {
	FILE		*in, *out;
	int		 tty;
	struct answer	 ans;
};

static void
prompt(struct console *c)
{
	if (c->tty) {
		fputs("> ", c->out);
		fflush(c->out);
	}
}

static void
console_read(struct loop *l, int fd, int events, void *ctx)
{
	struct adapter *ad = ctx;
	struct console *c = ad->priv;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct message m = { .where = "console", .direct = 1 };

	(void)fd;
	(void)events;
	n = getline(&line, &cap, c->in);
	if (n < 0) {
		free(line);
		loop_del_fd(l, fileno(c->in));
		if (c->tty)
			fputc('\n', c->out);
		return;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if ((size_t)n > CONSOLE_LINE_MAX)
		n = CONSOLE_LINE_MAX;
	m.text = line;
	m.len = (size_t)n;
	if (n > 0 && bot_answer(ad->bot, ad, &m, &c->ans)) {
		fputs(buf_str(&c->ans.text), c->out);
		fputc('\n', c->out);
	}
	free(line);
	prompt(c);
	fflush(c->out);
}

static int
console_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct console *c = ad->priv;

	if (c->tty)
		fputs("techpay — ask about the highest-paying tech jobs "
		    "(help for commands, Ctrl-D to quit)\n", c->out);
	prompt(c);
	if (loop_add_fd(l, fileno(c->in), LOOP_READ, console_read, ad) == -1) {
		snprintf(err, errlen, "console: event loop full");
		return -1;
	}
	return 0;
}

static void
console_stop(struct adapter *ad)
{
	(void)ad;
}

static void
console_free(struct adapter *ad)
{
	struct console *c;

	if (ad == NULL)
		return;
	c = ad->priv;
	answer_free(&c->ans);
	free(c);
	free(ad);
}

const struct adapter_ops console_ops = {
	.name = "console",
	.start = console_start,
	.stop = console_stop,
	.free = console_free,
};

struct adapter *
console_new(struct bot *bot, FILE *in, FILE *out)
{
	struct adapter *ad = xcalloc(1, sizeof(*ad));
	struct console *c = xcalloc(1, sizeof(*c));

	c->in = in;
	c->out = out;
	/* line-at-a-time reads: the loop must not leave data in stdio's buffer */
	setvbuf(in, NULL, _IONBF, 0);
	c->tty = isatty(fileno(in)) && isatty(fileno(out));
	answer_init(&c->ans);
	ad->ops = &console_ops;
	ad->bot = bot;
	ad->priv = c;
	return ad;
}

