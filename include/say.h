/*
 * say.h -- what the bot says, from entities already resolved: the
 * answers a command's handler (cmd_guide.c) and a parsed question's
 * intent (say_intent.c) share, so the two never drift apart.
 *
 * say_role.c answers about one role or two: pay, skills, what the job
 * is, one guide's part, a comparison, a difference, a role not covered.
 * say_list.c answers about many roles and the guides: rankings, roles
 * by an amount or a skill, a match, the role list, the guides' topics,
 * sources, data and citations.  numbers.c and prose.c answer the rest.
 * Each notes what it was about in c->said; none calls the scheduler.
 */
#ifndef TECHPAY_SAY_H
#define TECHPAY_SAY_H

#include "answer.h"
#include "index.h"

#define TOP_DEFAULT	5
#define TOP_MAX		20
#define LIST_MAX	64	/* roles listed by whoneeds/above/match */

/* ---- say_role.c ---- */

/* A name the guides do not cover, with what they do have near it. */
void	say_not_covered(struct cmd_ctx *, struct answer *, const char *what,
	    const struct role_hit *);
void	say_unknown(struct cmd_ctx *, const char *name, struct answer *);
/* brief: the pay and its source only (a natural question about pay). */
void	say_salary(struct cmd_ctx *, const struct kb_role *, int brief,
	    struct answer *);
/* "Midpoint $180,000 (of the guide's two figures)." after a range. */
void	say_midpoint(struct answer *, const struct kb_role *);
void	say_skills(struct cmd_ctx *, const struct kb_role *,
	    struct answer *);
void	say_role(struct cmd_ctx *, const struct kb_role *, struct answer *);
void	say_compare(struct cmd_ctx *, const struct kb_role *r0,
	    const struct kb_role *r1, struct answer *);
/* Three or more roles, or a pair by one end of the range: asked, the
 * highest (lowest) by m; else the order by m. */
void	say_compare_n(struct cmd_ctx *, const struct kb_role *const *r,
	    int n, enum measure m, int asked, int lowest, struct answer *);
/* The role as guide (1 the undated, 2 the dated) has it, for kind. */
void	say_in_guide(struct cmd_ctx *, const struct kb_role *, int guide,
	    enum intent_kind kind, struct answer *);
void	say_difference(struct cmd_ctx *, const struct kb_role *r0,
	    const struct kb_role *r1, struct answer *);
/* The role's sources, newest guide first: the nth of them, or NULL. */
const struct kb_role_source *nth_source(const struct kb_role *, int nth);

/* ---- say_list.c ---- */

/* The want best-paid (asc: lowest) by m, of category cat (-1: all);
 * note: name the roles without a figure. */
void	say_top(struct cmd_ctx *, int want, int asc, enum measure m, int cat,
	    const struct entities *out, int note, struct answer *);
/* What a guide without figures says of each role's pay, quoted: its
 * answer to a ranking. */
void	say_pay_words(struct cmd_ctx *, int guide, int cat, struct answer *);
void	say_bound(struct cmd_ctx *, long amount, int below, enum measure m,
	    struct answer *);
void	say_range(struct cmd_ctx *, struct answer *);
void	say_whoneeds(struct cmd_ctx *, const int *sk, int nsk,
	    const char *asked, struct answer *);
void	say_needs(struct cmd_ctx *, const struct kb_role *, const int *sk,
	    int nsk, struct answer *);
void	say_match(struct cmd_ctx *, const int *sk, int nsk, char **unknown,
	    int nunknown, struct answer *);
/* Words of a parsed message that are no skill, cue or filler. */
int	unknown_words(const struct intent *, char **out, int max);
/* The model found kind k likely enough (PASSAGE_PAY_P) for q. */
int	likely_kind(const struct intent *, enum intent_kind k);
void	say_passage(struct cmd_ctx *, const struct intent *, int role,
	    struct answer *);
void	say_data(struct cmd_ctx *, struct answer *);
/* "source?": the sentence behind the last answer, or behind the figure
 * or role the question names. */
void	say_cite(struct cmd_ctx *, const struct intent *, struct answer *);
/* The roles of category cat (-1: all), of guide 1 or 2, or 4 both (0:
 * either). */
/* say_roles' guide GUIDE_ONLY + 1 or + 2: the roles only that guide has */
#define GUIDE_ONLY	4
void	say_roles(struct cmd_ctx *, int cat, int guide, struct answer *);
void	say_sources(struct cmd_ctx *, struct answer *);

/* A topic of the guides (kb_topic_by_kind), of guide 1 or 2 or both
 * (0): TOPIC_NAMED: the names first, then "Name: text; ..."; TOPIC_LIST:
 * "text; text"; TOPIC_PROSE: the sentences as written. */
enum topic_style { TOPIC_NAMED, TOPIC_LIST, TOPIC_PROSE };
void	say_topic_each(struct cmd_ctx *, struct answer *, const char *kind);
void	say_topic(struct cmd_ctx *, struct answer *, const char *kind,
	    const char *lead, enum topic_style, int guide);

#endif
