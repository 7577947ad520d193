/*
 * bot.c -- the core that every adapter talks to.
 *
 * Owns the router over the current knowledge, and the table of adapters
 * by name: the terminal, IRC and Matrix.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "irc.h"
#include "matrix.h"

struct bot {
	struct router	*router;
};

static const struct adapter_ops *const adapters[] = {
	&console_ops, &irc_ops, &matrix_ops, NULL
};

const struct adapter_ops *
adapter_find(const char *name)
{
	int i;

	for (i = 0; adapters[i]; i++)
		if (strcmp(adapters[i]->name, name) == 0)
			return adapters[i];
	return NULL;
}

struct bot *
bot_new(const struct kb *kb, struct index *ix, const struct router_opts *o)
{
	struct bot *b = xcalloc(1, sizeof(*b));

	b->router = router_new(kb, ix, o);
	return b;
}

void
bot_free(struct bot *b)
{
	if (b == NULL)
		return;
	router_free(b->router);
	free(b);
}

void
bot_set_highlights(struct bot *b, struct highlights *hl)
{
	router_set_highlights(b->router, hl);
}

void
bot_set_knowledge(struct bot *b, const struct kb *kb, struct index *ix)
{
	router_set_knowledge(b->router, kb, ix);
}

int
bot_answer(struct bot *b, const struct message *m, struct answer *a)
{
	return router_handle(b->router, m, time(NULL), a);
}
