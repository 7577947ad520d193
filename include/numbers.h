/*
 * numbers.h -- the answers about amounts of money (numbers.c).
 *
 * Roles held against an amount ("over 200 grand", "starts at 150k",
 * "between 150 and 200k"), where an amount sits in one role's range ("I
 * make 150k as an SRE"), how wide a range is, and which ranges are the
 * same.  The only figures said are the guides' own, the asker's amount
 * (said as theirs) and midpoints and differences of them, each labelled;
 * nothing is converted, scaled or estimated.  command_answer calls these
 * with the parsed question; they note what the answer was about in
 * c->said like every answer does.
 */
#ifndef TECHPAY_NUMBERS_H
#define TECHPAY_NUMBERS_H

#include "answer.h"

/* I_AMOUNT, I_BETWEEN, I_ABOVE, I_BELOW: the roles (or the named ones)
 * against q->e.amount by q->e.cmp, at the end of the range it names. */
void	say_amount(struct cmd_ctx *, const struct intent *q,
	    struct answer *);
/* I_POSITION: where q->e.amount sits in the named role's range, or
 * against every range when no role is named. */
void	say_position(struct cmd_ctx *, const struct intent *q,
	    struct answer *);
/* I_SPREAD: each named role's range and its width (q names one at
 * least). */
/* Every range's width, widest first (the lowest: narrowest first). */
void	say_widths(struct cmd_ctx *, const struct intent *q,
	    struct answer *);
void	say_spread(struct cmd_ctx *, const struct intent *q,
	    struct answer *);
/* I_SAME: the roles whose ranges are identical (or share the end the
 * question names), or those that share the named role's. */
void	say_same(struct cmd_ctx *, const struct intent *q, struct answer *);

#endif
