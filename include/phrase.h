/*
 * phrase.h -- the phrases answers are made of, shared by the commands,
 * the natural questions and the daily highlight: a role's pay as the
 * guides give it, its skill names, the role-of-the-day text, lists, and
 * the clause that says what a figure does not cover.  Everything goes
 * through fmt.h, so it reads on IRC and in HTML alike.
 */
#ifndef TECHPAY_PHRASE_H
#define TECHPAY_PHRASE_H

#include "fmt.h"
#include "kb.h"

struct entities;
struct role_hit;

/* "A, B or C": role titles. */
void	phrase_roles(struct answer *, const struct kb_role *const *, int n,
	    const char *last_sep);
/* "2026 guide[, as Cloud Solutions Architect]". */
void	phrase_source(struct answer *, const struct kb_role *,
	    const struct kb_role_source *);
/* "$140,000–$185,000 (2026 guide)", or "no salary figure in the guides;
 * the undated guide says: "..."". */
void	phrase_pay(struct answer *, const struct kb_role *);
/* Up to max distinct skill names of the role's newest guide. */
void	phrase_skill_names(struct answer *, const struct kb *,
	    const struct kb_role *, int max);
/* Guide text without its final period (for joining with "; "). */
void	phrase_item(struct answer *, const char *);
void	phrase_items(struct answer *, const char *const *, int n);
/* ". " unless the text already ends a sentence inside a quote. */
void	phrase_end_sentence(struct answer *);
/* What the guides' figures do not give, for enum modifier bits: one
 * clause, and never a converted or scaled number. */
void	phrase_modifiers(struct answer *, unsigned mods, const char *word);

/* How a role's name was read, before the answer about it: "(taking
 * "cyber arhc" as Cybersecurity Architect) ". */
void	phrase_reading(struct answer *, const char *typed,
	    const struct kb_role *);
/* The same for each role of a message found after a short form, glued
 * words or a typo. */
void	phrase_readings(struct answer *, const struct entities *);
/* "X" isn't covered by the guides, and what hit has: the roles X may be
 * ("did you mean"), or the closest covered roles, said to be different
 * jobs, or (hit NULL or empty) how many roles the guides cover. */
void	phrase_not_covered(struct answer *, const char *what,
	    const struct role_hit *, int nroles, const char *prefix);

/* The daily post: one line, or a short HTML block.  Formatted once; a
 * line that must fit IRC is cut from it (highlight.c). */
void	hl_format(const struct kb *, const struct kb_role *,
	    struct answer *);

#endif
