/*
 * router.h -- turns a chat message into an answer, or into silence.
 *
 * The router decides whether a message is for the bot (command prefix,
 * the bot's name at its start or end or as an @mention, or a private
 * chat) and removes the name, runs a command from the table (command.h)
 * or parses a natural question (question.h) and has it answered, and
 * keeps each conversation: its pending "more" and, for about ten
 * minutes, what it was about, so that "and devops?" or "source?" can
 * follow.  It does not know which network asked: adapters pass a struct
 * message and send the struct answer (plain or HTML) their own way.
 */
#ifndef TECHPAY_ROUTER_H
#define TECHPAY_ROUTER_H

#include <stddef.h>
#include <time.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "message.h"

#define ROUTER_INPUT_MAX	2048	/* bytes of a message looked at */
#define ROUTER_PREFIX_MAX	8
#define ROUTER_CONVOS		256	/* conversations remembered */
#define ROUTER_MEMORY_SECS	600	/* how long one is remembered */
#define ROUTER_NAMES_MAX	4	/* names the bot answers to */

struct router;

struct router_opts {
	const char	*prefix;	/* command prefix, default "!" */
	const char	*nick;		/* the bot's name, default "techpay" */
};


struct daily;

struct router	*router_new(const struct kb *, struct index *,
		    const struct router_opts *);
void		 router_free(struct router *);
/* Swaps in a new knowledge base (after a reload); drops pending "more". */
void		 router_set_knowledge(struct router *, const struct kb *,
		    struct index *);
/* The daily highlight that "!highlight" shows and changes (answer.h),
 * kept by the caller while it is set; NULL: none. */
void		 router_set_daily(struct router *, const struct daily *);
/* 1 with an answer in a (already cut by fmt_finish), 0 for silence. */
int		 router_handle(struct router *, const struct message *,
		    time_t now, struct answer *a);
/* router_handle, and why: the normalised text, the entities with their
 * spans, the intent scores, the conversation used and the intent chosen,
 * appended to trace as "name: value" lines. */
int		 router_explain(struct router *, const struct message *,
		    time_t now, struct answer *a, struct buf *trace);

#endif
