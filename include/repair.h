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
