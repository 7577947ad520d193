/*
 * adapters.c -- the one table of adapter kinds, by name (see adapter.h),
 * and the set of adapters a config runs.
 *
 * Apart from the core so that the core does not depend on the adapters
 * that depend on it: main.c -> adapters.c -> irc.c -> bot.c.  The config
 * reader finds the kinds of section here too (config_kind_at): a new
 * kind of network is one line in the table.
 *
 * The Matrix adapter and the console are modules of their own (module.h):
 * until a run needs one, its line holds a stand-in with its name and the
 * reader of its sections (the core's: check-config reads them without
 * loading anything), and the module is loaded when a config has such a
 * section or the console is asked for.  Tests and fuzzers link the
 * adapters in: the weak references below then find them, and nothing is
 * loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"
#include "buf.h"
#include "confparse.h"
#include "irc.h"
#include "log.h"
#include "matrix_conf.h"
#include "module.h"

/* In the core only when linked in (tests, fuzzers): NULL otherwise. */
extern const struct adapter_ops console_ops __attribute__((weak));
extern const struct adapter_ops matrix_ops __attribute__((weak));
extern struct adapter *console_new(struct bot *, FILE *, FILE *)
    __attribute__((weak));

static const struct adapter_ops console_stub = { .name = "console" };
static const struct adapter_ops matrix_stub = {
	.name = "matrix", .conf = &matrix_config
};

/* A new kind of network is one line here. */
static struct kind {
	const struct adapter_ops *ops;	/* the stand-in, until loaded */
	const char		*module;	/* NULL: in the core */
	const struct adapter_ops *linked;	/* NULL: not linked in */
} kinds[] = {
	{ &console_stub, "console", &console_ops },
	{ &irc_ops, NULL, NULL },
	{ &matrix_stub, "matrix", &matrix_ops },
	{ NULL, NULL, NULL }
};

/* Kept apart from the table's initializer: a weak symbol's address
 * is no constant to compare there. */
#define NKINDS	((int)(sizeof(kinds) / sizeof(kinds[0])) - 1)

/* The kind's own ops: linked in, or loaded from its module now (once);
 * NULL with err. */
static const struct adapter_ops *
kind_load(int i, char *err, size_t errlen)
{
	struct kind *k = &kinds[i];
	char sym[64];
	void *p;

	if (k->module == NULL)
		return k->ops;
	if (k->linked)
		return k->ops = k->linked;
	if (k->ops->new || k->ops->start)	/* loaded before */
		return k->ops;
	snprintf(sym, sizeof(sym), "%s_ops", k->module);
	if ((p = module_sym(k->module, sym, err, errlen)) == NULL)
		return NULL;
	return k->ops = p;
}

const struct adapter_ops *
adapter_at(int i)
{
	return i >= 0 && i < NKINDS ? kinds[i].ops : NULL;
}

struct adapter *
adapters_console(struct bot *bot, FILE *in, FILE *out, char *err,
    size_t errlen)
{
	struct adapter *(*fn)(struct bot *, FILE *, FILE *) = console_new;
	void *p;

	if (fn == NULL) {
		if ((p = module_sym("console", "console_new", err, errlen))
		    == NULL)
			return NULL;
		/* POSIX: dlsym's object pointer is the function's */
		memcpy(&fn, &p, sizeof(fn));
	}
	return fn(bot, in, out);
}

const struct adapter_ops *
adapter_of_network(const char *network)
{
	size_t n = strcspn(network, ":");
	int i;

	for (i = 0; i < NKINDS; i++)
		if (strlen(kinds[i].ops->name) == n &&
		    strncmp(kinds[i].ops->name, network, n) == 0)
			return kinds[i].ops;
	return NULL;
}

const struct config_kind *
config_kind_at(int i)
{
	int k;

	for (k = 0; k < NKINDS; k++)
		if (kinds[k].ops->conf && i-- == 0)
			return kinds[k].ops->conf;
	return NULL;
}

/* ---- the adapters a config runs ------------------------------------- */

struct adapters {
	struct adapter	*ads[ADAPTERS_MAX];	/* by kind; NULL: none yet */
	int		 unloaded;	/* a module a section needs failed */
	struct bot	*bot;
	struct state	*st;
	struct loop	*loop;		/* NULL until started */
};

static int
has_sections(const struct config *cf, const struct adapter_ops *ops)
{
	return ops->conf && config_sections(cf, ops->conf) &&
	    ops->conf->count(config_sections(cf, ops->conf)) > 0;
}

/* The kind's ops for a config that has its sections; NULL, logged,
 * when its module cannot be loaded (adapters_start then fails). */
static const struct adapter_ops *
needed(struct adapters *as, int i)
{
	const struct adapter_ops *ops;
	char err[1024];

	if ((ops = kind_load(i, err, sizeof(err))) == NULL) {
		log_error("%s", err);	/* "matrix: ..., looked in ..." */
		as->unloaded = 1;
	}
	return ops;
}

struct adapters *
adapters_new(struct bot *bot, const struct config *cf, struct state *st)
{
	struct adapters *as = xcalloc(1, sizeof(*as));
	const struct adapter_ops *ops;
	int i;

	as->bot = bot;
	as->st = st;
	for (i = 0; i < NKINDS && i < ADAPTERS_MAX; i++) {
		if (kinds[i].module && !has_sections(cf, kinds[i].ops))
			continue;	/* not loaded for nothing */
		if ((ops = needed(as, i)) != NULL && ops->new)
			as->ads[i] = ops->new(bot, cf, st);
	}
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
	return as->unloaded ? -1 : rc;
}

void
adapters_reload(struct adapters *as, const struct config *cf)
{
	const struct adapter_ops *ops;
	struct adapter *ad;
	int i;

	for (i = 0; i < NKINDS && i < ADAPTERS_MAX; i++) {
		ops = kinds[i].ops;
		if ((ad = as->ads[i]) != NULL) {
			if (ops->reconfigure)
				ops->reconfigure(ad, cf);
			continue;
		}
		if (!has_sections(cf, ops))
			continue;
		if ((ops = needed(as, i)) == NULL || ops->new == NULL)
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
