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

#include <editline/readline.h>

#include "adapter.h"

#define CONSOLE_LINE_MAX	4096
#define CONSOLE_PROMPT		"> "
#define CONSOLE_HISTORY_MAX	500

struct console {
	FILE		*in, *out;
	int		 tty;
	struct loop	*loop;
	struct answer	 ans;
};

/* libedit's callback interface has no context pointer: the one console
 * being edited (there is one terminal). */
static struct adapter *editing;

/* One line typed or piped: the answer, if any, on a line of its own. */
static void
answer(struct adapter *ad, char *line, size_t n)
{
	struct console *c = ad->priv;
	struct message m = { .where = "console", .direct = 1 };

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n > CONSOLE_LINE_MAX)
		n = CONSOLE_LINE_MAX;
	m.text = line;
	m.len = n;
	if (n > 0 && bot_answer(ad->bot, ad, &m, &c->ans)) {
		fputs(buf_str(&c->ans.text), c->out);
		fputc('\n', c->out);
	}
	fflush(c->out);
}

/* libedit: a whole line was typed (NULL at Ctrl-D). */
static void
edited(char *line)
{
	struct adapter *ad = editing;
	struct console *c = ad->priv;

	if (line == NULL) {
		rl_callback_handler_remove();
		loop_del_fd(c->loop, fileno(c->in));
		fputc('\n', c->out);
		fflush(c->out);
		editing = NULL;
		return;
	}
	if (*line)
		add_history(line);
	/* libedit hands the terminal back in cooked mode until the next
	 * key; the answer is printed, then editing starts afresh (raw
	 * mode, a new prompt), so no key is echoed as text meanwhile */
	rl_callback_handler_remove();
	answer(ad, line, strlen(line));
	free(line);
	rl_callback_handler_install(CONSOLE_PROMPT, edited);
}

static void
console_read(struct loop *l, int fd, int events, void *ctx)
{
	struct adapter *ad = ctx;
	struct console *c = ad->priv;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	(void)fd;
	(void)events;
	if (c->tty) {		/* a key or an escape sequence */
		rl_callback_read_char();
		return;
	}
	n = getline(&line, &cap, c->in);
	if (n < 0) {
		free(line);
		loop_del_fd(l, fileno(c->in));
		return;
	}
	answer(ad, line, (size_t)n);
	free(line);
}

static int
console_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct console *c = ad->priv;

	c->loop = l;
	if (c->tty) {
		fputs("techpay — ask about the highest-paying tech jobs "
		    "(help for commands, Ctrl-D to quit)\n", c->out);
		/* line editing and history (arrow keys, Ctrl-R) */
		editing = ad;
		rl_readline_name = "techpay";
		rl_instream = c->in;
		rl_outstream = c->out;
		stifle_history(CONSOLE_HISTORY_MAX);
		rl_callback_handler_install(CONSOLE_PROMPT, edited);
	}
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
	if (editing == ad) {
		rl_callback_handler_remove();
		editing = NULL;
	}
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

