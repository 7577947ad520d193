/*
 * prose.h -- answers from the guides' prose (prose.c): a question's
 * sentence by subject and aspect from the sentence map, the one item of
 * a topic list a question names, and a bm25 quote.
 */
#ifndef TECHPAY_PROSE_H
#define TECHPAY_PROSE_H

#include "answer.h"

/*
 * The sentence of the map that answers q about role (a kb->roles index,
 * or -1: q's category, or the guides as a whole), quoted with its guide
 * and line.  1 when one was quoted; 0 when the map has nothing close.
 */
int	prose_answer(struct cmd_ctx *, const struct intent *q, int role,
	    struct answer *);
/* The best sentence or two of the guides for words by bm25 (of role's
 * part when role >= 0; guide 1 the undated, 2 the dated, else either);
 * how many were quoted. */
int	prose_quote_passages(struct cmd_ctx *, char **words, int nwords,
	    int role, int guide, struct answer *);
/* "is equity worth negotiating for": the item of the topic of kind that
 * q names, quoted; 1 when one was, 0 leaves the list to the caller. */
/* After a role's pay: the guide's words on why it pays or how well,
 * when the question likely asks that too ("does ai pm pay well"). */
void	prose_pay_words(struct cmd_ctx *, const struct intent *q, int role,
	    struct answer *);
int	prose_topic_item(struct cmd_ctx *, const struct intent *q,
	    const char *kind, struct answer *);

#endif
