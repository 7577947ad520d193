/*
 * adapters.c -- the one table of adapter kinds, by name (see adapter.h),
 * and the set of adapters a config runs.
 *
 * Apart from the core so that the core does not depend on the adapters
 * that depend on it: main.c -> adapters.c -> irc.c -> bot.c.  The config
 * reader finds the kinds of section here too (config_kind_at): a new
 * kind of network is one line in the table.
 */
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "buf.h"
#include "confparse.h"
#include "irc.h"
#include "log.h"
#include "matrix.h"

/* A new kind of network is one line here. */
static const struct adapter_ops *const adapters[] = {
	&console_ops, &irc_ops, &matrix_ops, NULL
};

#define NKINDS	((int)(sizeof(adapters) / sizeof(adapters[0])) - 1)

const struct adapter_ops *
adapter_at(int i)
{
	return i >= 0 && i < NKINDS ? adapters[i] : NULL;
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

const struct config_kind *
config_kind_at(int i)
{
	int k;

	for (k = 0; adapters[k]; k++)
		if (adapters[k]->conf && i-- == 0)
			return adapters[k]->conf;
	return NULL;
}

/* ---- the adapters a config runs ------------------------------------- */

struct adapters {
	struct adapter	*ads[ADAPTERS_MAX];	/* by kind; NULL: none yet */
	struct bot	*bot;
	struct state	*st;
	struct loop	*loop;		/* NULL until started */
};

struct adapters *
adapters_new(struct bot *bot, const struct config *cf, struct state *st)
{
	struct adapters *as = xcalloc(1, sizeof(*as));
	int i;

	as->bot = bot;
	as->st = st;
	for (i = 0; i < NKINDS && i < ADAPTERS_MAX; i++)
		if (adapters[i]->new)
			as->ads[i] = adapters[i]->new(bot, cf, st);
	return as;
}

static int
start_one(struct adapters *as, struct adapter *ad)
{
	char err[1024];

	if (ad->ops->start(ad, as->loop, err, sizeof(err)) == -1) {
		log_error("%s", err);
		return -1;
	}
	return 0;
}

int
adapters_start(struct adapters *as, struct loop *l)
{
	int i, rc = 0;

	as->loop = l;
	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i] && start_one(as, as->ads[i]) == -1)
			rc = -1;
	return rc;
}

void
adapters_reload(struct adapters *as, const struct config *cf)
{
	const struct adapter_ops *ops;
	struct adapter *ad;
	int i;

	for (i = 0; i < NKINDS && i < ADAPTERS_MAX; i++) {
		ops = adapters[i];
		if ((ad = as->ads[i]) != NULL) {
			if (ops->reconfigure)
				ops->reconfigure(ad, cf);
			continue;
		}
		if (ops->new == NULL || ops->conf == NULL ||
		    config_sections(cf, ops->conf) == NULL ||
		    ops->conf->count(config_sections(cf, ops->conf)) == 0)
			continue;
		/* the state store opens at start only */
		if (ops->conf->state_why && as->st == NULL) {
			log_error("[%s] sections added: they need state_dir, "
			    "which was not set at start: restart to connect "
			    "them", ops->conf->section);
			continue;
		}
		if ((ad = ops->new(as->bot, cf, as->st)) == NULL)
			continue;
		log_info("[%s] sections added to the config: connecting",
		    ops->conf->section);
		as->ads[i] = ad;
		if (as->loop && start_one(as, ad) == -1)
			ad->ops->stop(ad);	/* freed with the set */
	}
}

void
adapters_highlights(struct adapters *as, const struct config *cf,
    struct highlights *hl)
{
	int i;

	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i] && as->ads[i]->ops->highlights)
			as->ads[i]->ops->highlights(as->ads[i], cf, hl);
}

/* The running adapter of network's kind, or NULL. */
static struct adapter *
of_network(const struct adapters *as, const char *network)
{
	const struct adapter_ops *ops = adapter_of_network(network);
	int i;

	for (i = 0; ops && i < ADAPTERS_MAX; i++)
		if (as->ads[i] && as->ads[i]->ops == ops)
			return as->ads[i];
	return NULL;
}

int
adapters_post(void *ctx, const char *network, const char *target,
    const char *id, const struct answer *a)
{
	struct adapter *ad = of_network(ctx, network);

	if (ad == NULL || ad->ops->post == NULL)
		return -1;
	return ad->ops->post(ad, network, target, id, a);
}

size_t
adapters_line_max(void *ctx, const char *network, const char *target)
{
	struct adapter *ad = of_network(ctx, network);

	if (ad == NULL || ad->ops->line_max == NULL)
		return 0;	/* no limit */
	return ad->ops->line_max(ad, network, target);
}

int
adapters_has(const struct adapters *as, const char *network)
{
	struct adapter *ad = of_network(as, network);

	return ad && ad->ops->has && ad->ops->has(ad, network);
}

int
adapters_pending(const struct adapters *as)
{
	int i, n = 0;

	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i] && as->ads[i]->ops->pending)
			n += as->ads[i]->ops->pending(as->ads[i]);
	return n;
}

int
adapters_failed(const struct adapters *as)
{
	int i;

	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i] && as->ads[i]->ops->failed &&
		    as->ads[i]->ops->failed(as->ads[i]))
			return 1;
	return 0;
}

void
adapters_stop(struct adapters *as)
{
	int i;

	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i])
			as->ads[i]->ops->stop(as->ads[i]);
}

void
adapters_free(struct adapters *as)
{
	int i;

	if (as == NULL)
		return;
	for (i = 0; i < ADAPTERS_MAX; i++)
		if (as->ads[i])
			as->ads[i]->ops->free(as->ads[i]);
	free(as);
}
