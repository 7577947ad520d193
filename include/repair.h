/*
 * repair.h -- a parsed question made answerable (repair.c).
 *
 * The router reads a message with repair_read, then applies, in this
 * order: repair_small_talk, repair_pay_or_prose, the conversation
 * (recall.h), repair_fall_back and repair_pair.  Each changes the
 * question (struct intent, question.h) in place, or leaves it.
 */
#ifndef TECHPAY_REPAIR_H
#define TECHPAY_REPAIR_H

#include "index.h"
#include "kb.h"
#include "question.h"

/* Parses body into q (question_free frees it) clause by clause: the
 * last clause that asks something, when it names what it asks about;
 * else the whole message. */
void	repair_read(struct index *ix, char *body, struct intent *q);
/*
 * Where a message asks a second or third thing ("ml engg salary and what
 * skills do they need", "sre midpoint. and devops too"): an "and",
 * "also" or "plus" after a clause's end, or before a question word.
 * Fills at[0..n) with where each part starts (at[0] is 0) and returns n,
 * 1 when there is nothing to split; at most max parts.
 */
#define REPAIR_PARTS_MAX	3
int	repair_parts(const char *body, size_t *at, int max);
/* 1 when b, read after a, asks something else than a does (another
 * intent); 0 for two of a kind, or when either asks nothing ("thx",
 * "lol"). */
int	repair_asks_more(const struct intent *a, const struct intent *b);
/* 1 when the message names its own subject (a role, a word not known,
 * a field, a skill): memory must not replace it. */
int	repair_names_subject(const struct entities *e);
/* A pay question or ranking naming nothing known but words not known:
 * those words as a subject not covered; 1 when one was found. */
int	repair_unknown_subject(struct intent *q);
/* Every word small talk of one kind ("good morning"): that kind. */
void	repair_small_talk(struct intent *q);
/* An unsure pay question about an aspect no figure answers: the
 * passage. */
void	repair_pay_or_prose(struct intent *q);
/* What the question becomes when the entities it needs are missing. */
void	repair_fall_back(struct intent *q, const struct kb *kb);
/* Two roles or more together: their pay, or what tells them apart. */
void	repair_pair(struct intent *q);

#endif
