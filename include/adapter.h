/*
 * adapter.h -- a chat network as seen by the bot.
 *
 * The terminal, IRC and Matrix are adapters behind this one interface,
 * found by name in one table (adapters.c: adapter_at, adapter_of_network),
 * as OpenSMTPD finds its table backends.  A kind with config sections
 * points at its reader (conf: confparse.h), which the config reader finds
 * through the same table.  An adapter turns its network's events into struct
 * message (message.h), hands them to the core (bot_answer), and delivers
 * the struct answer its own way: plain text for the terminal and IRC,
 * HTML for Matrix.  Who is an owner, who is ignored and how often a
 * person may ask is the core's business (policy.h), the same everywhere.
 *
 * The test of the design: an XMPP or Discord adapter maps its events to
 * struct message and fills in these ops, its sections' reader fills in a
 * struct config_kind, and it is one line in adapters.c: main.c, bot.c and
 * config.c do not change.
 */
#ifndef TECHPAY_ADAPTER_H
#define TECHPAY_ADAPTER_H

#include <stddef.h>
#include <stdio.h>

#include "index.h"
#include "kb.h"
#include "loop.h"
#include "message.h"
#include "router.h"

#define ADAPTERS_MAX	8	/* kinds of network in one process */

struct bot;
struct adapter;
struct config;
struct config_kind;
struct state;
struct highlights;

struct adapter_ops {
	const char	*name;	/* the kind, as in "irc:NAME" network keys */
	/* The reader of its [KIND NAME] sections; NULL: it has none. */
	const struct config_kind *conf;
	/* The adapter for the config's sections of this kind, or NULL when
	 * it has none.  Everything kept is copied: nothing borrowed from
	 * the config outlives a reload.  NULL: not made from a config. */
	struct adapter	*(*new)(struct bot *, const struct config *,
			    struct state *);
	/* A reloaded config: new limits, channels or rooms; sections gone
	 * are disconnected, new ones connected (once started). */
	void		(*reconfigure)(struct adapter *, const struct config *);
	/* Registers with the loop; 0, or -1 with err filled. */
	int		(*start)(struct adapter *, struct loop *, char *err,
			    size_t errlen);
	/* Says goodbye (QUIT); what is queued may still go out. */
	void		(*stop)(struct adapter *);
	void		(*free)(struct adapter *);
	/* Lines or answers still waiting to go out (for a clean exit). */
	int		(*pending)(struct adapter *);
	/* 1 after a fatal error (a rejected token): exit non-zero. */
	int		(*failed)(struct adapter *);
	/* A post the bot makes by itself (the daily highlight) to target
	 * on network ("irc:NAME"); id names it for de-duplication.  0 when
	 * sent or queued, -1 when it cannot go now.  NULL: no posts. */
	int		(*post)(struct adapter *, const char *network,
			    const char *target, const char *id,
			    const struct answer *);
	/* Registers the config's highlight targets of this kind. */
	void		(*highlights)(struct adapter *, const struct config *,
			    struct highlights *);
	/* An owner's join or part, asked in message m: 0 when under way,
	 * -1 with why not in err (arg names no channel or room here). */
	int		(*act)(struct adapter *, const struct message *m,
			    enum action, const char *arg, char *err,
			    size_t errlen);
	/* The longest answer line target can take (bytes). */
	size_t		(*line_max)(struct adapter *, const char *network,
			    const char *target);
	/* 1 when network ("irc:NAME") is one of its sections, connected or
	 * on its way (not removed by a reload). */
	int		(*has)(struct adapter *, const char *network);
};

struct adapter {
	const struct adapter_ops *ops;
	struct bot		*bot;
	void			*priv;	/* the adapter's own state */
};

/* The terminal: reads lines from in, writes answers to out (console.c,
 * in techpay-console.so). */
struct adapter	*console_new(struct bot *, FILE *in, FILE *out);
extern const struct adapter_ops console_ops;
/* console_new, from the module when it is not linked in (module.h); NULL
 * with err when the module cannot be loaded. */
struct adapter	*adapters_console(struct bot *, FILE *in, FILE *out,
		    char *err, size_t errlen);

/* The registered kinds: the i-th, or NULL past the last. */
const struct adapter_ops *adapter_at(int i);
/* The kind a network key ("irc:NAME") belongs to. */
const struct adapter_ops *adapter_of_network(const char *network);

/* ---- the adapters a config runs (adapters.c) ------------------------ */

struct adapters;

/*
 * One adapter per kind of the registry that has sections in cf; bot and
 * st are borrowed (they outlive the set), cf is not kept.  Freed by
 * adapters_free.
 */
struct adapters	*adapters_new(struct bot *, const struct config *,
		    struct state *);
/* Starts every adapter; -1 when one failed (each failure is logged). */
int		 adapters_start(struct adapters *, struct loop *);
/*
 * A reloaded config: each adapter reconfigures (its sections added or
 * removed connect or disconnect), and a kind that had no sections gets
 * its adapter now, started when the set is.
 */
void		 adapters_reload(struct adapters *, const struct config *);
/* Registers every kind's highlight targets of cf. */
void		 adapters_highlights(struct adapters *, const struct config *,
		    struct highlights *);
/* The highlights' poster and line limit (highlight.h's hl_set_poster),
 * to the adapter of the network's kind; ctx is the set. */
int		 adapters_post(void *ctx, const char *network,
		    const char *target, const char *id, const struct answer *);
size_t		 adapters_line_max(void *ctx, const char *network,
		    const char *target);
/* 1 when some adapter has network as a section (adapter_ops.has). */
int		 adapters_has(const struct adapters *, const char *network);
int		 adapters_pending(const struct adapters *);
int		 adapters_failed(const struct adapters *);
/* Says goodbye everywhere; queued lines may still go out. */
void		 adapters_stop(struct adapters *);
void		 adapters_free(struct adapters *);

/* ---- the bot core that adapters call ------------------------------- */

struct policy_conf;

struct bot	*bot_new(const struct kb *, struct index *,
		    const struct router_opts *);
void		 bot_free(struct bot *);
/* Owners, ignores and the limit (policy.h); copied. */
void		 bot_set_policy(struct bot *, const struct policy_conf *);
struct policy	*bot_policy(struct bot *);
/* The highlights that "!highlight" reads and changes (may be NULL). */
void		 bot_set_highlights(struct bot *, struct highlights *);
/* Serves a new knowledge base from now on (after a reload). */
void		 bot_set_knowledge(struct bot *, const struct kb *,
		    struct index *);
/* Called when an owner says "reload" (main raises its reload flag). */
void		 bot_on_reload(struct bot *, void (*)(void *), void *);
/*
 * The core: drops what the policy ignores, marks owners, has the router
 * answer, applies the limit (a first excess becomes a notice to the
 * asker, a->notice), and carries out owner actions: ignore and reload
 * itself, join and part through from->ops->act.  1 with an answer for
 * the adapter to send, 0 for silence.
 */
int		 bot_answer(struct bot *, struct adapter *from,
		    const struct message *, struct answer *);
/* 1 when text is an owner command ("!join ..."): worth finding out who
 * the sender is (an IRC WHOIS) before answering. */
int		 bot_owner_command(struct bot *, const char *text);
/*
 * Counts something done for a person that is not an answer (a CTCP
 * reply, a look-up of who they are); 0 when it may be done, -1 when the
 * person is ignored or over the limit.
 */
int		 bot_count(struct bot *, const struct message *);

#endif
