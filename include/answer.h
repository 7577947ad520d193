/*
 * answer.h -- what every answer shares (answer.c): the context a handler
 * answers in (struct cmd_ctx), what its answer was about (struct said,
 * kept by the router as the conversation), and the pieces the answers
 * of say_*.c, numbers.c and prose.c all use.
 */
#ifndef TECHPAY_ANSWER_H
#define TECHPAY_ANSWER_H

#include <time.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "question.h"
#include "tz.h"

struct message;
struct command;

#define SAID_QUOTE_MAX	PASSAGE_TEXT_MAX

/* What an answer was about: the router keeps it as the conversation. */
#define SAID_RECENT_MAX	3	/* roles a plural "those" may go back to */

struct said {
	enum intent_kind kind;
	const struct kb_role *roles[Q_ROLES_MAX];
	int		 nroles;
	int		 skills[Q_SKILLS_MAX];
	int		 nskills;
	int		 guide;		/* the guide asked for; 0 either */
	const char	*aspect;	/* a prose answer's aspect, or NULL */
	/* the roles of the last answers, newest first, each once: "what
	 * do sres earn", "and devops", "which of those has the lower
	 * midpoint" */
	const struct kb_role *recent[SAID_RECENT_MAX];
	int		 nrecent;
	int		 measure;	/* enum measure_pick the question took */
	int		 lowest;	/* it asked for the lowest */
	/* the sentence behind the answer's figure or claim */
	const struct kb_source *cite_source;
	int		 cite_line;	/* from the sentence map; 0: none */
	char		 cite[SAID_QUOTE_MAX];
};

/*
 * The daily highlight as "!highlight" reaches it: the core gives the
 * router a handle (highlight.c's hl_daily_ops over its scheduler), so
 * the answers link without the scheduler, its store, loop or clock.
 * network and target name the channel or room; ctx is the handle's.
 */
#define DAILY_FULL	(-1)	/* no more settings can be kept */
#define DAILY_BAD_TIME	(-2)	/* not HH:MM[:SS] */
#define DAILY_BAD_ZONE	(-3)	/* no such IANA zone */

struct daily_status {
	int		 on;
	int		 secs;		/* the post's local time of day */
	char		 zone[TZ_NAME_MAX];
	int		 has_next;	/* 0: when it posts next is unknown */
	int		 due;		/* the next post goes out now */
	int		 next_today;	/* on the local date of now */
	struct tz_date	 next;		/* the next post, local */
};

struct daily_ops {
	/* The role of target's local date at now (network NULL: the
	 * default target's); NULL when there is none. */
	const struct kb_role *(*today)(void *ctx, const char *network,
			    const char *target, time_t now);
	/* On or off: 0, or DAILY_FULL. */
	int		 (*turn)(void *ctx, const char *network,
			    const char *target, int on);
	/* The time "HH:MM" and the zone (NULL: the one it has): 0, or a
	 * DAILY_* error, the time checked first. */
	int		 (*set_time)(void *ctx, const char *network,
			    const char *target, const char *hhmm,
			    const char *zone);
	void		 (*status)(void *ctx, const char *network,
			    const char *target, time_t now,
			    struct daily_status *);
};

struct daily {
	const struct daily_ops *ops;
	void		*ctx;
};

struct cmd_ctx {
	const struct kb	*kb;
	struct index	*ix;
	const char	*prefix;
	const char	*nick;
	time_t		 now;
	const char	*pending_more;	/* this conversation's, or NULL */
	const struct said *last;	/* the conversation so far, or NULL */
	const struct message *msg;	/* who asked, where */
	const struct daily *daily;	/* may be NULL: no scheduler */
	const struct command *cmd;	/* the command running, or NULL */
	struct said	 said;		/* filled by the handler */
	int		 nothing_more;	/* set by "more" with none pending */
};

/* The answer was about r; said_pay: and its pay's sentence ("source?"). */
void		 said_role(struct cmd_ctx *, const struct kb_role *r);
void		 said_pay(struct cmd_ctx *, const struct kb_role *r);
/*
 * The claim behind an answer (the first one an answer makes is kept):
 * its guide, its words and their line.  said_cite_of finds the line in
 * the sentence map, of r's part where two roles share the words (as the
 * ML Engineer's and AI Product Manager's pay do); said_cite for a claim
 * of no role.
 */
void		 said_cite_line(struct cmd_ctx *, const struct kb_source *,
		    const char *quote, int line);
void		 said_cite_of(struct cmd_ctx *, const struct kb_source *,
		    const char *quote, const struct kb_role *r);
void		 said_cite(struct cmd_ctx *, const struct kb_source *,
		    const char *quote);
/* "bottom of range", "top of range", "midpoint". */
const char	*measure_name(enum measure);
/* The label of the guide the figures of r[0..n) come from, or "guides". */
const char	*figure_label(const struct kb_role *const *r, int n);
/* r[0..n), already in index_rank's order, as a ranking with ties kept
 * ("1= A $x; 1= B $x; 3. C $y"): a table in HTML. */
void		 ranked(struct answer *, const struct kb_role *const *r,
		    int n, enum measure);

#endif
