/*
 * recall.h -- a follow-up completed from the conversation (recall.c).
 *
 * The router keeps what each conversation's last answer was about
 * (struct said, answer.h); these fill a question's gaps from it and
 * keep the roles talked about lately.
 */
#ifndef TECHPAY_RECALL_H
#define TECHPAY_RECALL_H

#include "answer.h"
#include "kb.h"
#include "question.h"

/* Fills what q leaves to the conversation: its intent ("and devops?"),
 * its roles ("how much do they make", "the other one", "which of those
 * pays more"), its skills, the guide ("the other guide").  last is the
 * conversation's last answer, or NULL when there is none. */
void	recall_fill(struct intent *q, const struct said *last,
	    const struct kb *kb);
/* now's recent roles: its own first, then before's (or NULL), each
 * once, SAID_RECENT_MAX at most. */
void	recall_keep(struct said *now, const struct said *before);

#endif
