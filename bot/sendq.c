/*
 * sendq.c -- one lane per person, in turn, bounded; see sendq.h.
 *
 * The lanes are an array searched linearly: a lane exists only while it
 * holds a line, so there are never more lanes than lines waiting (at
 * most total_max), and a line costs at most that many short compares,
 * small beside the 2 s the token bucket makes it wait.  A lane that
 * empties keeps its slot in the array for the next newcomer; slot 0 is
 * the bot's own.
 *
 * The next line comes from the lane that has had the fewest lines sent
 * since it was made, ties in turn: plain turns made a newcomer wait one
 * line per flooder (70 clones at 2 s a line: over two minutes), while
 * this sends their line next, and the flooders, all served alike,
 * still take turns among themselves.  A lane whose next line is a free
 * answer's (help, "more", a greeting) waits while any lane's next line
 * is a counted one's: 70 clones with a free line each once put two
 * minutes of help in front of one honest question.  Free lines cannot
 * starve a question, and questions are few (each person's budget).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sendq.h"

struct sline {
	char		*s;
	int		 is_free;	/* a free answer's: after questions */
	struct sline	*next;
};

struct slane {
	char		*who;	/* NULL when free; "" for the bot's own */
	struct sline	*head, *tail;
	int		 n;
	unsigned long	 served;	/* lines sent since it was made */
};

struct sendq {
	struct slane	*lanes;	/* [0] is the bot's own */
	int		 nlanes;	/* slots used, free ones included */
	int		 cap;
	int		 rr;		/* the lane whose turn it is */
	int		 len;		/* lines in all lanes */
	int		 busy;		/* lanes holding lines */
	int		 lane_max;
	int		 total_max;
};

struct sendq *
sendq_new(int lane_max, int total_max)
{
	struct sendq *q = xcalloc(1, sizeof(*q));

	q->lane_max = lane_max > 0 ? lane_max : 1;
	q->total_max = total_max > q->lane_max ? total_max : q->lane_max;
	q->cap = 16;
	q->lanes = xcalloc((size_t)q->cap, sizeof(*q->lanes));
	q->lanes[0].who = xstrdup("");
	q->nlanes = 1;
	return q;
}

static void
lane_clear(struct slane *l)
{
	struct sline *x;

	while ((x = l->head) != NULL) {
		l->head = x->next;
		free(x->s);
		free(x);
	}
	l->tail = NULL;
	l->n = 0;
}

void
sendq_free(struct sendq *q)
{
	int i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nlanes; i++) {
		lane_clear(&q->lanes[i]);
		free(q->lanes[i].who);
	}
	free(q->lanes);
	free(q);
}

static struct slane *
lane_find(const struct sendq *q, const char *who)
{
	int i;

	if (*who == '\0')
		return &q->lanes[0];
	for (i = 1; i < q->nlanes; i++)
		if (q->lanes[i].who && strcmp(q->lanes[i].who, who) == 0)
			return &q->lanes[i];
	return NULL;
}

/* A lane for who: a free slot, or a new one at the end. */
static struct slane *
lane_new(struct sendq *q, const char *who)
{
	struct slane *l = NULL;
	int i;

	for (i = 1; i < q->nlanes && l == NULL; i++)
		if (q->lanes[i].who == NULL)
			l = &q->lanes[i];
	if (l == NULL) {
		if (q->nlanes == q->cap) {
			q->cap *= 2;
			q->lanes = xrealloc(q->lanes,
			    (size_t)q->cap * sizeof(*q->lanes));
			memset(q->lanes + q->nlanes, 0,
			    (size_t)(q->cap - q->nlanes) * sizeof(*q->lanes));
		}
		l = &q->lanes[q->nlanes++];
	}
	l->who = xstrdup(who);
	l->served = 0;
	return l;
}

/* A person's lane that has emptied frees its slot. */
static void
lane_done(struct sendq *q, struct slane *l)
{
	if (l->n > 0)
		return;
	q->busy--;
	if (l != &q->lanes[0]) {
		free(l->who);
		l->who = NULL;
	}
}

/* Drops the newest line of the largest lane (the first such in the
 * array when several tie). */
static void
drop_largest(struct sendq *q)
{
	struct slane *big = &q->lanes[0];
	struct sline *x, *prev;
	int i;

	for (i = 1; i < q->nlanes; i++)
		if (q->lanes[i].n > big->n)
			big = &q->lanes[i];
	x = big->tail;
	if (big->head == x)
		big->head = big->tail = NULL;
	else {
		for (prev = big->head; prev->next != x; prev = prev->next)
			;
		prev->next = NULL;
		big->tail = prev;
	}
	free(x->s);
	free(x);
	big->n--;
	q->len--;
	lane_done(q, big);
}

int
sendq_push(struct sendq *q, const char *who, char *line, int is_free)
{
	struct slane *l;
	struct sline *x;
	int dropped = 0, i, largest = 1;

	if (who == NULL)
		who = "";
	l = lane_find(q, who);
	if (l != NULL && l != &q->lanes[0] && l->n >= q->lane_max) {
		free(line);
		return 1;
	}
	if (q->len >= q->total_max) {
		/* full: the largest lane pays, which is this one when none
		 * is larger (a new lane has nothing yet: never the largest) */
		for (i = 0; l != NULL && l->n > 0 && i < q->nlanes; i++)
			if (q->lanes[i].n > l->n)
				largest = 0;
		if (l != NULL && l->n > 0 && largest) {
			free(line);
			return 1;
		}
		drop_largest(q);
		dropped = 1;
		l = lane_find(q, who);	/* slots may have been freed */
	}
	if (l == NULL)
		l = lane_new(q, who);
	x = xcalloc(1, sizeof(*x));
	x->s = line;
	x->is_free = is_free != 0;
	if (l->tail)
		l->tail->next = x;
	else
		l->head = x;
	l->tail = x;
	if (l->n++ == 0)
		q->busy++;
	q->len++;
	return dropped;
}

char *
sendq_pop(struct sendq *q)
{
	struct slane *l = NULL;
	struct sline *x;
	char *s;
	int i, k, best = -1;

	for (i = 0; i < q->nlanes; i++) {
		const struct slane *c;

		k = (q->rr + i) % q->nlanes;
		c = &q->lanes[k];
		if (c->head == NULL)
			continue;
		/* a counted line first, then the lane served least */
		if (l == NULL || c->head->is_free < l->head->is_free ||
		    (c->head->is_free == l->head->is_free &&
		    c->served < l->served)) {
			l = &q->lanes[k];
			best = k;
		}
	}
	if (l == NULL)
		return NULL;
	x = l->head;
	if ((l->head = x->next) == NULL)
		l->tail = NULL;
	l->n--;
	l->served++;
	q->len--;
	q->rr = (best + 1) % q->nlanes;
	lane_done(q, l);
	s = x->s;
	free(x);
	return s;
}

int
sendq_len(const struct sendq *q)
{
	return q->len;
}

int
sendq_lanes(const struct sendq *q)
{
	return q->busy;
}

int
sendq_lane_len(const struct sendq *q, const char *who)
{
	const struct slane *l = lane_find(q, who ? who : "");

	return l ? l->n : 0;
}
