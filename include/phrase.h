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

/* The daily post: one line, or a short HTML block; brief has a shorter
 * lead-in to quoted pay and two skills (for a line that must fit IRC). */
void	hl_format(const struct kb *, const struct kb_role *,
	    struct answer *, int brief);

#endif
