/*
 * router.c -- from a chat message to an answer, and each conversation.
 *
 * A message is for the bot when it starts with the command prefix, when
 * it calls the bot by name ("techpay: ...", "techpay, ...", "techpay
 * ...", "hey techpay ...", "... techpay?", or "@techpay" anywhere; a
 * name only mentioned in passing does not count), or when it comes from
 * a private chat; the name is removed.  A prefixed line runs a command
 * from the table (owner commands only this way, and only for owners);
 * anything else is a natural question, parsed (question.h), completed
 * from the conversation ("and devops?", "how much do they make",
 * "source?") and answered (command.h).  Long answers are cut to one line
 * here and the rest kept for "more".
 *
 * A conversation is one network, channel or room and person (the
 * adapter's struct message.where: on IRC the account or user@host, never
 * the nick).  It keeps its pending "more" and what its last answer was
 * about, each for ROUTER_MEMORY_SECS after it was said (a "more" with
 * nothing pending is told so once, not at every "more"); the least
 * recently used is forgotten first, and nothing is shared between
 * people.
 *
 * The steps are modules of their own: addressing (address.h), reading
 * and repairing the question (repair.h), the conversation's follow-ups
 * (recall.h) and the trace of all that (explain.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address.h"
#include "command.h"
#include "explain.h"
#include "question.h"
#include "recall.h"
#include "repair.h"
#include "router.h"
#include "text.h"

/* A follow-up's own aspect, when the aspect model is this sure of it;
 * else the last question's is kept ("same question for devops"). */
#define ASPECT_OWN_P	0.6f
/* Words of a message that asks for the rest ("ok go on then pls") */
#define MORE_WORDS_MAX	5

struct convo {
	char		*where;		/* NULL: a free slot */
	char		*more;		/* the rest of the last answer */
	time_t		 more_at;	/* when it was kept */
	int		 told_nothing;	/* "Nothing more to show." was the
					 * last answer: not said again */
	unsigned long	 used;		/* LRU stamp */
	time_t		 at;		/* when it last spoke */
	int		 has_said;
	struct said	 said;
};

struct router {
	const struct kb		*kb;
	struct index		*ix;
	char			 prefix[ROUTER_PREFIX_MAX + 1];
	char			*nick;
	/* made as conversations start: most bots hear a few people, and
	 * each slot is most of a kilobyte */
	struct convo		*convos[ROUTER_CONVOS];
	int			 nconvos;
	unsigned long		 clock;
	const struct daily	*daily;	/* the caller's, or NULL */
	struct buf		*trace;	/* router_explain's, or NULL */
	/* a message of several parts: what each part before the next said,
	 * that part's conversation (run_parts; one message at a time) */
	struct said		 parts[REPAIR_PARTS_MAX];
};

struct router *
router_new(const struct kb *kb, struct index *ix,
    const struct router_opts *o)
{
	struct router *r = xcalloc(1, sizeof(*r));
	const char *prefix = o && o->prefix && *o->prefix ? o->prefix : "!";

	r->kb = kb;
	r->ix = ix;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	r->nick = xstrdup(o && o->nick && *o->nick ? o->nick : "techpay");
	return r;
}

static void
convos_clear(struct router *r)
{
	int i;

	for (i = 0; i < r->nconvos; i++) {
		free(r->convos[i]->where);
		free(r->convos[i]->more);
		free(r->convos[i]);
		r->convos[i] = NULL;
	}
	r->nconvos = 0;
}

void
router_free(struct router *r)
{
	if (r == NULL)
		return;
	convos_clear(r);
	free(r->nick);
	free(r);
}

void
router_set_knowledge(struct router *r, const struct kb *kb, struct index *ix)
{
	r->kb = kb;
	r->ix = ix;
	convos_clear(r);	/* they point into the old knowledge */
}

void
router_set_daily(struct router *r, const struct daily *d)
{
	r->daily = d;
}

/* The conversation at where; a new one when create (in a new slot, or
 * once all are made in the least recently used). */
static struct convo *
convo_find(struct router *r, const char *where, int create)
{
	struct convo *s, *lru = NULL;
	int i;

	for (i = 0; i < r->nconvos; i++) {
		s = r->convos[i];
		if (strcmp(s->where, where) == 0)
			return s;
		if (lru == NULL || s->used < lru->used)
			lru = s;
	}
	if (!create)
		return NULL;
	if (r->nconvos < ROUTER_CONVOS)
		s = r->convos[r->nconvos++] = xcalloc(1, sizeof(*s));
	else {
		s = lru;
		free(s->where);
		free(s->more);
		memset(s, 0, sizeof(*s));
	}
	s->where = xstrdup(where);
	return s;
}

/* ---- explain ------------------------------------------------------ */

int
router_explain(struct router *r, const struct message *m, time_t now,
    struct answer *a, struct buf *trace)
{
	int rc;

	r->trace = trace;
	rc = router_handle(r, m, now, a);
	r->trace = NULL;
	if (!rc)
		buf_puts(trace, "answer: (silence: not addressed to the bot)\n");
	return rc;
}

/* ---- one message ------------------------------------------------- */

/* Whether a bare command word ("techpay: salary sre", a private chat)
 * runs the command: its argument kind says what must follow. */
#define BARE_TEXT_WORDS	2	/* words a bare command's text may have */

static int
bare_command(struct router *r, const struct command *cmd, const char *args)
{
	struct role_hit hit;
	const char *end;

	while (*args == ' ')
		args++;
	switch (cmd->args.kind) {
	case ARG_NONE:		/* "range of salaries?" is a question */
		return *args == '\0';
	case ARG_CATEGORY:	/* "roles with identical pay ranges" too */
		return *args == '\0' || index_find_category(r->ix, args) >= 0;
	case ARG_ROLE:		/* "skills for devops" too */
		index_find_role(r->ix, args, &hit);
		return hit.role != NULL;
	case ARG_TEXT:		/* "top 3", but "rank devops, sre and cloud
				 * architect by pay" is a question */
		return count_words(args, BARE_TEXT_WORDS + 1, &end) <=
		    BARE_TEXT_WORDS;
	default:
		return 1;
	}
}

/* "more", "More!", "more please": the word alone, as people type it. */
static int
bare_more(const char *body)
{
	size_t n;

	while (*body == ' ')
		body++;
	if (strncasecmp(body, "more", 4) != 0)
		return 0;
	body += 4;
	if (strncasecmp(body, " please", 7) == 0)
		body += 7;
	n = strspn(body, " .!?");
	return body[n] == '\0';
}

/*
 * The command body is, with *args after its word: a bare command word
 * after the name or in a private chat, or a prefixed one (an unknown
 * one is help in private).  NULL for a question, or with *quiet for
 * silence: an unknown !word in a channel may be another bot's.
 */
static const struct command *
which_command(struct router *r, const struct message *m, int how,
    char *body, char **args, int *quiet)
{
	const struct command *cmd;
	size_t plen = strlen(r->prefix), n = strcspn(body, " ");

	if ((m->direct || how == ADDRESS_FIRST) && (cmd = command_find(body, n)) != NULL &&
	    cmd->who != CMD_OWNERS && bare_command(r, cmd, body + n)) {
		*args = body + n;
		return cmd;
	}
	if (strncmp(body, r->prefix, plen) != 0)
		return NULL;
	body += plen;
	n = strcspn(body, " ");
	if ((cmd = command_find(body, n)) != NULL) {
		*args = body + n;
		return cmd;
	}
	if (!m->direct) {
		*quiet = 1;
		return NULL;
	}
	*args = body;
	return &commands[CMD_HELP];
}

static void
run_command(struct router *r, struct cmd_ctx *ctx, const struct command *cmd,
    char *args, struct answer *a)
{
	size_t n;

	while (*args == ' ')
		args++;
	/* trailing spaces and question marks are not part of a name */
	n = strlen(args);
	while (n > 0 && (args[n - 1] == ' ' || args[n - 1] == '?'))
		args[--n] = '\0';
	if (r->trace)
		buf_printf(r->trace, "command: %s%s %s\n", r->prefix, cmd->name,
		    args);
	command_run(ctx, cmd, args, a);
}

/* One question q, completed from the conversation and answered into a;
 * 0 for silence.  Frees q. */
static int
answer_question(struct router *r, struct cmd_ctx *ctx,
    const struct message *m, int how, struct intent *q, struct answer *a)
{
	if (q->kind == I_AGAIN && ctx->last && ctx->last->aspect &&
	    q->aspect == NULL) {
		q->aspect = ctx->last->aspect;
		/* "same question for devops", "and blockchain devs" (no
		 * word of its own to search for): the aspect asked then,
		 * unless this message says its own ("and who hires them") */
		if (q->aspects[0].p < ASPECT_OWN_P || q->npwords == 0) {
			memset(q->aspects, 0, sizeof(q->aspects));
			q->aspects[0].name = ctx->last->aspect;
			q->aspects[0].p = 1.0f;
			q->aspect_p = 1.0f;
		}
	}
	if (r->trace)
		explain_parse(r->trace, r->kb, q);
	/* "go on", "continue pls", "keep going": the rest of the last
	 * answer, when there is a rest and nothing new is asked */
	if ((q->cues & 1ULL << I_MORE) && ctx->pending_more &&
	    !repair_names_subject(&q->e) && q->nwords <= MORE_WORDS_MAX)
		q->kind = I_MORE;
	repair_small_talk(q);
	repair_pay_or_prose(q);
	recall_fill(q, ctx->last, r->kb);
	repair_fall_back(q, r->kb);
	repair_pair(q);
	if (r->trace)
		explain_state(r->trace, ctx->last, q);
	if ((q->kind == I_NONE && how == ADDRESS_LAST && !m->direct) ||
	    (q->kind == I_ACK && !m->direct)) {
		/* named at the end, nothing asked; "lol techpay", "cool
		 * techpay": a channel needs no reply */
		question_free(q);
		return 0;
	}
	if (q->kind == I_NONE && q->npwords == 0 && how == ADDRESS_FIRST &&
	    q->nwords == 0)
		q->kind = I_HELLO;	/* just the name */
	command_answer(ctx, q, a);
	/* "and for blockchain" after a midpoint: the midpoint */
	ctx->said.measure = q->measure;
	ctx->said.lowest = q->lowest;
	question_free(q);
	return 1;
}

/* Part p's subjects are among e's. */
static int
subjects_in(const struct entities *p, const struct entities *e)
{
	int i, k;

	for (i = 0; i < p->nroles; i++) {
		for (k = 0; k < e->nroles && e->roles[k] != p->roles[i]; k++)
			;
		if (k == e->nroles)
			return 0;
	}
	return p->category < 0 || p->category == e->category ||
	    p->category == e->category2;
}

/* 1 when the parts after the first are follow-ups ("and which in
 * cloud") and the message read whole asks what its first part asks, of
 * the subjects of every part: one question, answered best as one. */
static int
whole_covers(struct router *r, char *body, const struct intent *q, int n)
{
	struct intent w;
	int i, ok;

	for (i = 1; i < n; i++)
		if (q[i].kind != I_AGAIN)
			return 0;	/* a question of its own kind */
	repair_read(r->ix, body, &w);
	ok = w.kind == q[0].kind;
	for (i = 0; ok && i < n; i++)
		ok = subjects_in(&q[i].e, &w.e);
	question_free(&w);
	return ok;
}

/*
 * A message that asks two or three things ("ml engg salary and what
 * skills do they need", "sre midpoint. and devops too"): each part is
 * answered in turn, a part following the one before as a follow-up
 * does; the answers share the line, a paragraph each in HTML.  0 when
 * the message is one question (its parts ask the same thing, or a part
 * asks nothing): the caller reads it whole.
 */
static int
run_parts(struct router *r, struct cmd_ctx *ctx, const struct message *m,
    int how, char *body, struct answer *a)
{
	struct intent *q;	/* a few kilobytes each: on the heap */
	const struct said *last = ctx->last;
	size_t at[REPAIR_PARTS_MAX + 1];
	char *part;
	int n, i, ok = 1;

	if ((n = repair_parts(body, at, REPAIR_PARTS_MAX)) < 2)
		return 0;
	at[n] = strlen(body);
	q = xcalloc((size_t)n, sizeof(*q));
	for (i = 0; i < n; i++) {
		part = xstrndup(body + at[i], at[i + 1] - at[i]);
		repair_read(r->ix, part, &q[i]);
		free(part);
		if (i > 0 && !repair_asks_more(&q[i - 1], &q[i]))
			ok = 0;
	}
	if (ok && q[0].kind == I_AGAIN && last == NULL)
		ok = 0;		/* "and devops too. and sre": nothing before */
	if (ok && whole_covers(r, body, q, n))
		ok = 0;		/* "the most in security and which in cloud" */
	for (i = 0; i < n; i++) {
		if (!ok) {
			question_free(&q[i]);
			continue;
		}
		if (i > 0) {
			/* the part before is this one's conversation */
			r->parts[i] = ctx->said;
			recall_keep(&r->parts[i], ctx->last);
			ctx->last = &r->parts[i];
			memset(&ctx->said, 0, sizeof(ctx->said));
			fmt_para(a);
			a->echoes = 0;	/* each part may name what it asks */
		}
		answer_question(r, ctx, m, how, &q[i], a);
	}
	if (ok && n > 1) {
		/* the roles of every part stay for "which of those" */
		recall_keep(&ctx->said, ctx->last);
		ctx->last = last;
	}
	free(q);
	return ok;
}

/* A natural question: read, completed from the conversation and
 * answered; 0 for silence. */
static int
run_question(struct router *r, struct cmd_ctx *ctx, const struct message *m,
    int how, char *body, struct answer *a)
{
	struct intent q;

	if (run_parts(r, ctx, m, how, body, a))
		return 1;
	repair_read(r->ix, body, &q);
	return answer_question(r, ctx, m, how, &q, a);
}

/* Keeps the rest of the answer for "more" and, when it was about
 * something, what it was about. */
static void
remember(struct router *r, struct convo *cv, const char *where,
    struct cmd_ctx *ctx, time_t now, const struct answer *a)
{
	if (cv == NULL)
		cv = convo_find(r, where, 1);
	cv->told_nothing = ctx->nothing_more;
	free(cv->more);
	cv->more = a->more.len ? xstrdup(buf_str(&a->more)) : NULL;
	cv->more_at = now;
	cv->used = ++r->clock;
	/* an answer about something replaces the memory; "more", help and
	 * small talk leave it as it was */
	if (ctx->said.nroles || ctx->said.nskills || ctx->said.cite_source) {
		recall_keep(&ctx->said, cv->has_said ? &cv->said : NULL);
		cv->said = ctx->said;
		cv->has_said = 1;
		cv->at = now;
	}
}

int
router_handle(struct router *r, const struct message *m, time_t now,
    struct answer *a)
{
	const struct command *cmd;
	struct cmd_ctx ctx = {
		.kb = r->kb, .ix = r->ix, .prefix = r->prefix, .nick = r->nick,
		.now = now, .msg = m, .daily = r->daily
	};
	struct convo *cv;
	char *clean, *body, *args = NULL;
	size_t plen = strlen(r->prefix), n;
	int how, quiet = 0, answered = 0;

	answer_reset(a);
	n = m->len > ROUTER_INPUT_MAX ? ROUTER_INPUT_MAX : m->len;
	n = utf8_cut(m->text, m->len, n);
	clean = text_clean(m->text, n);
	for (body = clean; *body == ' '; body++)
		;
	how = strncmp(body, r->prefix, plen) == 0 ? ADDRESS_NOT :
	    address_call(body, r->nick, m->names);
	if (how == ADDRESS_NOT && m->to_bot &&
	    strncmp(body, r->prefix, plen) != 0)
		how = ADDRESS_LAST;	/* chatter there ("lol") stays unanswered */
	cv = m->where ? convo_find(r, m->where, 0) : NULL;
	if (cv && cv->more && now - cv->more_at > ROUTER_MEMORY_SECS) {
		/* forgotten: a "more" much later may be someone else's
		 * (a shared host, an account lent), and no one waits that
		 * long for the rest */
		free(cv->more);
		cv->more = NULL;
	}
	if (how == ADDRESS_NOT && !m->direct && strncmp(body, r->prefix, plen) != 0) {
		/* channel chatter is not for us, but a bare "more" from
		 * the person whose answer was cut is */
		if (cv == NULL || cv->more == NULL || !bare_more(body))
			goto out;
		ctx.pending_more = cv->more;
		run_command(r, &ctx, &commands[CMD_MORE], body + strlen(body),
		    a);
	} else {
		while (*body == ' ')
			body++;
		if (cv && cv->has_said && now - cv->at > ROUTER_MEMORY_SECS)
			cv->has_said = 0;	/* forgotten */
		ctx.pending_more = cv ? cv->more : NULL;
		ctx.last = cv && cv->has_said ? &cv->said : NULL;
		cmd = which_command(r, m, how, body, &args, &quiet);
		if (quiet)
			goto out;
		if (cmd)
			run_command(r, &ctx, cmd, args, a);
		else if (!run_question(r, &ctx, m, how, body, a))
			goto out;
	}
	if (ctx.nothing_more && cv && cv->told_nothing) {
		/* "more", "more", "more" with nothing left: said once;
		 * the next answer makes it worth saying again */
		answer_reset(a);
		goto out;
	}
	fmt_finish(a, m->max_bytes ? m->max_bytes : ANSWER_LINE_MAX);
	if (m->where)
		remember(r, cv, m->where, &ctx, now, a);
	answered = 1;
out:
	free(clean);
	return answered;
}
