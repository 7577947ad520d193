/*
 * adapters.c -- the table of adapters by name (see adapter.h).
 *
 * Apart from the core so that the core does not depend on the adapters
 * that depend on it: main.c -> adapters.c -> irc.c -> bot.c.
 */
#include <string.h>

#include "adapter.h"
#include "irc.h"
#include "matrix.h"

/* A new kind of network is one line here. */
static const struct adapter_ops *const adapters[] = {
	&console_ops, &irc_ops, &matrix_ops, NULL
};

const struct adapter_ops *
adapter_at(int i)
{
	return i >= 0 && i < (int)(sizeof(adapters) / sizeof(adapters[0])) ?
	    adapters[i] : NULL;
}

const struct adapter_ops *
adapter_of_network(const char *network)
{
	size_t n = strcspn(network, ":");
	int i;

	for (i = 0; adapters[i]; i++)
		if (strlen(adapters[i]->name) == n &&
		    strncmp(adapters[i]->name, network, n) == 0)
			return adapters[i];
	return NULL;
}

