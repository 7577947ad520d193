/*
 * explain.h -- the trace of how a question was read (explain.c), which
 * router_explain (router.h) appends to its caller's buffer.
 */
#ifndef TECHPAY_EXPLAIN_H
#define TECHPAY_EXPLAIN_H

#include "answer.h"
#include "buf.h"
#include "kb.h"
#include "question.h"

/* What the parser and the models saw: the normalised words, the spans
 * and what took them, the entities, the intent and aspect scores. */
void	explain_parse(struct buf *t, const struct kb *kb,
	    const struct intent *q);
/* The conversation used (last, or NULL) and the intent chosen. */
void	explain_state(struct buf *t, const struct said *last,
	    const struct intent *q);

#endif
