/*
 * adapter.h -- a chat network as seen by the bot.
 *
 * The terminal, IRC and Matrix are adapters behind this one interface,
 * picked by name from a table (adapter_find).  An adapter turns its
 * network's events into struct message, hands them to the bot core
 * (bot_answer) and delivers the struct answer its own way: plain text for
 * the terminal and IRC, HTML for Matrix.
 */
#ifndef TECHPAY_ADAPTER_H
#define TECHPAY_ADAPTER_H

#include <stddef.h>
#include <stdio.h>

#include "fmt.h"
#include "loop.h"
#include "router.h"

struct bot;
struct adapter;

struct adapter_ops {
	const char	*name;
	/* Registers with the loop; 0, or -1 with err filled. */
	int		(*start)(struct adapter *, struct loop *, char *err,
			    size_t errlen);
	void		(*stop)(struct adapter *);
	void		(*free)(struct adapter *);
	/* A post the bot makes by itself (the daily highlight) to target
	 * on network ("irc:NAME"); id names it for de-duplication.  0 when
	 * sent or queued, -1 when it cannot go now.  NULL: no posts. */
	int		(*post)(struct adapter *, const char *network,
			    const char *target, const char *id,
			    const struct answer *);
};

struct adapter {
	const struct adapter_ops *ops;
	struct bot		*bot;
	void			*priv;	/* the adapter's own state */
};

/* The terminal: reads lines from in, writes answers to out. */
struct adapter	*console_new(struct bot *, FILE *in, FILE *out);
extern const struct adapter_ops console_ops;

const struct adapter_ops *adapter_find(const char *name);

/* ---- the bot core that adapters call ------------------------------- */

struct bot	*bot_new(const struct kb *, struct index *,
		    const struct router_opts *);
void		 bot_free(struct bot *);
struct highlights;
/* The highlights that "!highlight" reads and changes (may be NULL). */
void		 bot_set_highlights(struct bot *, struct highlights *);
/* Serves a new knowledge base from now on (after a reload). */
void		 bot_set_knowledge(struct bot *, const struct kb *,
		    struct index *);
/* 1 with an answer, 0 for silence; see router_handle. */
int		 bot_answer(struct bot *, const struct message *,
		    struct answer *);

#endif
