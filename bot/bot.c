/*
 * bot.c -- the core that every adapter talks to; see adapter.h.
 *
 * Owns the router over the current knowledge and the policy.  It knows
 * no adapter: they call it (the table of them is adapters.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "command.h"
#include "highlight.h"
#include "log.h"
#include "loop.h"
#include "policy.h"

struct bot {
	char		*prefix;
	struct router	*router;
	struct policy	*policy;
	void		(*on_reload)(void *);
	void		*reload_ctx;
	struct daily	 daily;		/* the highlights "!highlight" reaches */
};

struct bot *
bot_new(const struct kb *kb, struct index *ix, const struct router_opts *o)
{
	struct bot *b = xcalloc(1, sizeof(*b));
	struct policy_conf pc = { NULL, 0, NULL, 0, 0, 0 };

	b->router = router_new(kb, ix, o);
	b->policy = policy_new(&pc);
	b->prefix = xstrdup(o->prefix ? o->prefix : "!");
	return b;
}

void
bot_free(struct bot *b)
{
	if (b == NULL)
		return;
	router_free(b->router);
	policy_free(b->policy);
	free(b->prefix);
	free(b);
}

void
bot_set_policy(struct bot *b, const struct policy_conf *pc)
{
	policy_configure(b->policy, pc);
}

struct policy *
bot_policy(struct bot *b)
{
	return b->policy;
}

/* The router reaches the scheduler only through b->daily: the answers
 * link without it (answer.h). */
void
bot_set_highlights(struct bot *b, struct highlights *hl)
{
	b->daily.ops = &hl_daily_ops;
	b->daily.ctx = hl;
	router_set_daily(b->router, hl ? &b->daily : NULL);
}

void
bot_set_knowledge(struct bot *b, const struct kb *kb, struct index *ix)
{
	router_set_knowledge(b->router, kb, ix);
}

void
bot_on_reload(struct bot *b, void (*fn)(void *), void *ctx)
{
	b->on_reload = fn;
	b->reload_ctx = ctx;
}

static void
person_of(const struct message *m, struct person *p)
{
	p->network = m->network ? m->network : "console";
	p->mask = m->sender ? m->sender : "";
	p->account = m->account;
}

int
bot_owner_command(struct bot *b, const char *text)
{
	const struct command *cmd = command_of(text, b->prefix);

	return cmd != NULL && cmd->who == CMD_OWNERS;
}

int
bot_count(struct bot *b, const struct message *m)
{
	struct person p;
	long long now = loop_now_ms();

	person_of(m, &p);
	if (policy_is_ignored(b->policy, &p, now))
		return -1;
	return policy_rate(b->policy, &p, now) == RATE_OK ? 0 : -1;
}

/* An owner's action that the core carries out itself, or hands on. */
static void
act(struct bot *b, struct adapter *from, const struct message *m,
    const struct person *p, struct answer *a)
{
	char err[POLICY_ERR_MAX];

	switch (a->action) {
	case ACT_IGNORE:
		if (policy_ignore_add(b->policy, a->action_arg, p, err,
		    sizeof(err)) == -1) {
			answer_reset(a);
			fmt_printf(a, "Not ignoring that: %s.", err);
			fmt_finish(a, m->max_bytes ? m->max_bytes :
			    ANSWER_LINE_MAX);
		} else
			log_info("%s: ignoring %s (owner %s)", p->network, err,
			    p->mask);
		break;
	case ACT_RELOAD:
		log_info("%s: reload asked by owner %s", p->network, p->mask);
		if (b->on_reload)
			b->on_reload(b->reload_ctx);
		break;
	case ACT_JOIN:
	case ACT_PART:
		if (from && from->ops->act && from->ops->act(from, m,
		    a->action, a->action_arg, err, sizeof(err)) == -1) {
			int join = a->action == ACT_JOIN;

			answer_reset(a);
			fmt_printf(a, "Not %s that: %s.", join ? "joining" :
			    "leaving", err);
			fmt_finish(a, m->max_bytes ? m->max_bytes :
			    ANSWER_LINE_MAX);
		}
		break;
	case ACT_NONE:
		break;
	}
}

int
bot_answer(struct bot *b, struct adapter *from, const struct message *m,
    struct answer *a)
{
	struct message mm = *m;
	struct person p;
	long long now = loop_now_ms();
	int free_answer;

	person_of(m, &p);
	if (m->sender && policy_is_ignored(b->policy, &p, now)) {
		answer_reset(a);
		return 0;
	}
	mm.owner = m->sender && policy_is_owner(b->policy, &p);
	mm.privileged = m->privileged || mm.owner;
	if (!router_handle(b->router, &mm, time(NULL), a))
		return 0;
	/* the console has no sender: nobody to limit.  A free answer
	 * (help, "more", a greeting) is free of the question budget, not
	 * of a bound: it has one of its own (else one person could queue
	 * any number of them, and hold every room's /sync) */
	if (m->sender && !mm.owner) {
		free_answer = a->free;	/* answer_reset clears it */
		switch (free_answer ? policy_rate_free(b->policy, &p, now) :
		    policy_rate(b->policy, &p, now)) {
		case RATE_OK:
			break;
		case RATE_TELL:
			answer_reset(a);
			a->notice = 1;
			fmt_printf(a, "That is more than %d %s a minute; "
			    "I will answer you again in %d min.",
			    policy_user_rate(b->policy), free_answer ?
			    "messages" : "questions",
			    (policy_ignore_secs(b->policy) + 59) / 60);
			fmt_finish(a, ANSWER_LINE_MAX);
			log_info("%s: %s is over the %s limit, ignored "
			    "for %d s", p.network, p.mask, free_answer ?
			    "message" : "question",
			    policy_ignore_secs(b->policy));
			return 1;
		case RATE_SHARED:
			/* a neighbour on the same address went over:
			 * not this person's doing, so no silence */
			answer_reset(a);
			a->notice = 1;
			fmt_printf(a, "That is more than %d %s a minute from "
			    "your address, with others there; I will answer "
			    "you again within a minute.",
			    policy_user_rate(b->policy), free_answer ?
			    "messages" : "questions");
			fmt_finish(a, ANSWER_LINE_MAX);
			log_info("%s: %s not answered this minute: others "
			    "at the same address spent its %s budget",
			    p.network, p.mask, free_answer ? "message" :
			    "question");
			return 1;
		case RATE_SILENT:
			return 0;
		}
	}
	if (a->action != ACT_NONE && mm.owner)
		act(b, from, &mm, &p, a);
	return 1;
}
