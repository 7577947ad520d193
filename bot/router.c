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
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "intent.h"
#include "question.h"
#include "router.h"
#include "text.h"

/* A follow-up's own aspect, when the aspect model is this sure of it;
 * else the last question's is kept ("same question for devops"). */
#define ASPECT_OWN_P	0.6f
/* A data question ("which country") the model is this sure of is one,
 * whatever pay words it has */
#define ABOUT_LAST_DATA_P	0.6f
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

/* ---- addressing ----------------------------------------------------- */

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* name as a word in s at or after from ("techpay:", "@techpay",
 * "techpay,"), or NULL. */
static char *
find_name(char *s, char *from, const char *name)
{
	size_t n = strlen(name);
	char *p;

	if (n == 0)
		return NULL;
	for (p = from; (p = strcasestr(p, name)) != NULL; p++)
		if ((p == s || !name_char((unsigned char)p[-1])) &&
		    !name_char((unsigned char)p[n]))
			return p;
	return NULL;
}

/* Only a greeting stands before s[upto]: "hey techpay, ...". */
static int
greeting_only_before(const char *s, size_t upto)
{
	static const char *const hi[] = { "hey", "hi", "hello", "yo", "ok",
	    "okay", "so", "@", NULL };
	int i;

	while (upto > 0 && strchr(" ,@", s[upto - 1]))
		upto--;
	for (i = 0; hi[i]; i++)
		if (strlen(hi[i]) == upto && strncasecmp(s, hi[i], upto) == 0)
			return 1;
	return upto == 0;
}

/* "@techpay" as a word of its own (not "me@techpay.org"), or a name that
 * is itself one (a Matrix user id). */
static int
at_mention(const char *s, const char *p, const char *name)
{
	if (name[0] == '@')
		return 1;
	return p > s && p[-1] == '@' &&
	    (p - 1 == s || !name_char((unsigned char)p[-2]));
}

/* Nothing but spaces and punctuation from p on: "..., techpay?", ":)". */
static int
only_punct(const char *p)
{
	for (; *p; p++)
		if (*p != ' ' && !ispunct((unsigned char)*p))
			return 0;
	return 1;
}

/* How the name at p in s calls the bot: 2 first (after a greeting: "hey
 * techpay, ..."), 1 last ("..., techpay?") or as an @mention anywhere,
 * 0 in passing ("I asked techpay yesterday", "techpay's answer"). */
static int
calls(const char *s, const char *p, const char *name)
{
	const char *e = p + strlen(name);

	/* a possessive or a contraction talks about the bot */
	if ((e[0] == '\'' && isalpha((unsigned char)e[1])) ||
	    (strncmp(e, "\xe2\x80\x99", 3) == 0 &&
	    isalpha((unsigned char)e[3])))
		return 0;
	if (greeting_only_before(s, (size_t)(p - s)))
		return 2;
	return at_mention(s, p, name) || only_punct(e);
}

/*
 * Whether body calls the bot by one of its names (see calls(); 0 also
 * when no name is there).  The name that calls it is removed, else the
 * first one found: the question is the rest.
 */
static int
addressed(char *body, const char *nick, const char *const *names)
{
	const char *const *nm = names;
	const char *name, *passing = NULL;
	char *p, *from, *to, *first = NULL;
	int how = 0;

	for (;;) {
		name = nm && *nm ? *nm++ : nick;
		for (p = body; (p = find_name(body, p, name)) != NULL; p++) {
			if ((how = calls(body, p, name)) > 0)
				break;
			if (first == NULL) {
				first = p;
				passing = name;
			}
		}
		if (how > 0 || name == nick)
			break;
	}
	if (how == 0) {
		if (first == NULL)
			return 0;
		p = first;
		name = passing;
	}
	from = p > body && p[-1] == '@' ? p - 1 : p;
	to = p + strlen(name);
	while (*to == ':' || *to == ',' || *to == '>')
		to++;
	memmove(from, to, strlen(to) + 1);
	return how;
}

/* ---- the conversation ---------------------------------------------- */

static int
wants_role(enum intent_kind k)
{
	return k == I_SALARY || k == I_SKILLS || k == I_ROLE || k == I_NEEDS ||
	    k == I_SPREAD || k == I_POSITION || k == I_PASSAGE;
}

/* The message names its own subject: memory must not replace it. */
static int
names_subject(const struct entities *e)
{
	return e->nroles + e->nunknown > 0 || e->category >= 0 ||
	    e->nskills > 0;
}

/* Adds r to e's roles unless it is there or they are full. */
static void
add_role_once(struct entities *e, const struct kb_role *r)
{
	int k;

	for (k = 0; k < e->nroles && e->roles[k] != r; k++)
		;
	if (k == e->nroles && e->nroles < Q_ROLES_MAX)
		e->roles[e->nroles++] = r;
}

/* 1 if a word of the message is one of list's. */
static int
any_word(const struct intent *q, const char *const *list)
{
	int i;

	for (i = 0; i < q->nwords; i++)
		if (text_in_list(q->words[i], list))
			return 1;
	return 0;
}

/* "which one pays more": a comparative, of the last two. */
static int
comparative(const struct intent *q)
{
	static const char *const words[] = { "more", "less", "better",
	    "higher", "lower", "worse", NULL };

	return any_word(q, words);
}

/* The question points back at more than one: "those", "both". */
static int
plural(const struct intent *q)
{
	/* "which of those three", not "the three worst paid ones" */
	static const char *const words[] = { "those", "these", "both",
	    "them", "either", NULL };

	return any_word(q, words);
}

/* The roles of this answer first, then those of the ones before, each
 * once, SAID_RECENT_MAX at most. */
static void
keep_recent(struct said *now, const struct said *before)
{
	int i, k;

	now->nrecent = 0;
	for (i = 0; i < now->nroles && now->nrecent < SAID_RECENT_MAX; i++)
		now->recent[now->nrecent++] = now->roles[i];
	for (i = 0; before && i < before->nrecent &&
	    now->nrecent < SAID_RECENT_MAX; i++) {
		for (k = 0; k < now->nrecent &&
		    now->recent[k] != before->recent[i]; k++)
			;
		if (k == now->nrecent)
			now->recent[now->nrecent++] = before->recent[i];
	}
}

/* A follow-up with nothing to follow ("what currency" as a first
 * message): what the model found next likeliest, else by its names. */
static void
not_again(struct intent *q)
{
	int i;

	/* "2026 guide numbers for cloud architects": its cue words */
	if (q->strong != I_NONE && q->strong != I_AGAIN && names_subject(&q->e)
	    && wants_role(q->strong)) {
		q->kind = q->strong;
		return;
	}
	for (i = 0; i < 3 && q->top[i].kind != I_NONE; i++)
		if (q->top[i].kind != I_AGAIN) {
			q->kind = q->top[i].kind;
			if (q->kind == I_PASSAGE && q->aspects[0].name) {
				q->aspect = q->aspects[0].name;
				q->aspect_p = q->aspects[0].p;
			}
			return;
		}
	q->kind = q->e.nroles + q->e.nunknown ? I_SALARY : I_NONE;
}

/* The role-taking intent the message's own words point to: the
 * model's likeliest among its best three, else the cue words' (the
 * measure or modifier of a pay question: salary); unchanged if none. */
static void
about_last(struct intent *q)
{
	static const enum intent_kind order[] = { I_SPREAD, I_POSITION,
	    I_SKILLS, I_SALARY, I_ROLE };
	size_t k;
	int i;

	if (q->measure == PICK_DEFAULT && q->e.mods == 0 &&
	    !(q->cues & (1ULL << I_SALARY | 1ULL << I_SKILLS |
	    1ULL << I_SPREAD | 1ULL << I_POSITION)))
		return;
	for (i = 0; i < 3 && q->top[i].kind != I_NONE; i++)
		if (wants_role(q->top[i].kind) &&
		    q->top[i].kind != I_PASSAGE) {
			q->kind = q->top[i].kind;
			return;
		}
	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		if (q->cues & (1ULL << order[k])) {
			q->kind = order[k];
			return;
		}
	q->kind = I_SALARY;
}

/* 1 if word w is in the message. */
static int
has_word(const struct intent *q, const char *w)
{
	const char *const one[] = { w, NULL };

	return any_word(q, one);
}

/* 1 if a word of the title begins as w does ("architect", "arch"). */
static int
title_has(const char *title, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = title; *p; p++)
		if ((p == title || p[-1] == ' ' || p[-1] == '-') &&
		    strncasecmp(p, w, n) == 0)
			return 1;
	return 0;
}

/*
 * "the cloud one", "the architect one, what skills", "the other data
 * job", "the other one": one of the roles just talked about (or of the
 * field named), told apart by a word or by "other"; 1 when exactly one
 * fits, which the question then names.
 */
static int
pick_recent(struct intent *q, const struct said *last, const struct kb *kb)
{
	struct entities *e = &q->e;
	const struct kb_role *cand[SAID_RECENT_MAX + 16], *r;
	int n = 0, i, k, other = has_word(q, "other");
	const char *w = e->nunknown == 1 && strchr(e->unknown[0], ' ') ==
	    NULL ? e->unknown[0] : NULL;

	if (e->nroles > 0 || e->nunknown > 1 || (e->nunknown && !w) ||
	    !(has_word(q, "one") || other))
		return 0;
	if (e->category < 0 && !w && !other)
		return 0;
	if (e->cat_role && !other)
		cand[n++] = e->cat_role;
	else	/* "the other one" alone: of the last two */
		for (i = 0; i < last->nrecent && (i < 2 || w ||
		    e->category >= 0); i++)
			cand[n++] = last->recent[i];
	for (i = 0; e->category >= 0 && (other || !e->cat_role) &&
	    n < (int)(sizeof(cand) /
	    sizeof(cand[0])) && i < kb->nroles; i++)
		if (kb->roles[i].category == e->category)
			cand[n++] = &kb->roles[i];
	for (i = 0, k = 0; i < n; i++) {
		r = cand[i];
		if ((e->category >= 0 && r->category != e->category) ||
		    (w && !title_has(r->title, w)) ||
		    (other && last->nroles && r == last->roles[0]))
			continue;
		if (k == 0 || cand[0] != r)
			cand[k++] = r;
		if (k > 1)
			return 0;
	}
	if (k != 1)
		return 0;
	e->roles[0] = cand[0];
	e->nroles = 1;
	e->nunknown = 0;
	e->category = -1;
	return 1;
}

static int	unknown_subject(struct intent *);

/* 1 if word i is one of the message's content words (no stop word),
 * letters first. */
static int
is_pword(const struct intent *q, int i)
{
	int k;

	for (k = 0; k < q->npwords; k++)
		if (q->pwords[k] == q->words[i])
			return isalpha((unsigned char)q->words[i][0]);
	return 0;
}

/* Fills what the question leaves to the conversation. */
static void
recall(struct intent *q, const struct said *last, const struct kb *kb)
{
	struct entities *e = &q->e;
	int named = e->nroles + e->nunknown, i;

	if (e->guide == 3)	/* "the other guide": the one not just used */
		e->guide = last && (last->guide == 1 || last->guide == 2) ?
		    3 - last->guide : 1;
	/* "rank devops, sre and cloud architect by pay": a ranking of the
	 * roles named is a comparison of them */
	if (q->kind == I_TOP && named >= 2)
		q->kind = I_COMPARE;
	if (last == NULL) {
		if (q->kind == I_AGAIN)	/* nothing to repeat */
			not_again(q);
		/* "where do your numbers come from" with nothing said
		 * yet: the sources ("where's the 160k from" names its
		 * figure) */
		if (q->kind == I_CITE && q->e.amount == 0 &&
		    !names_subject(&q->e))
			q->kind = I_SOURCES;
		return;
	}
	if (pick_recent(q, last, kb))
		named = 1;
	/* "k and the pay": nothing named anew, so what changed is the
	 * question itself, which its cue words say */
	if (q->kind == I_AGAIN && !names_subject(e) && !e->guide &&
	    e->amount == 0 && e->mods == 0 && q->strong != I_NONE &&
	    q->strong != I_AGAIN && !(q->measure != PICK_DEFAULT &&
	    last->nroles == 1 && (last->kind == I_SALARY ||
	    last->kind == I_SPREAD)))	/* "and the top end": same role */
		q->kind = q->strong;
	/* "and sre?", "same for data scientists", "in the older guide":
	 * the last question, with what this one names */
	if (q->kind == I_AGAIN) {
		q->kind = last->kind == I_AGAIN || last->kind == I_NONE ?
		    I_SALARY : last->kind;
		if (q->measure == PICK_DEFAULT)
			q->measure = (enum measure_pick)last->measure;
		if (q->ends == 0)	/* "and the highest" says its own */
			q->lowest |= last->lowest;
	}
	/* "and devops?": a name alone asks what was asked before */
	if (!q->cued && named == 1 && wants_role(last->kind) &&
	    last->kind != I_PASSAGE)
		q->kind = last->kind;
	/* "how much is rent in nyc": something new, not covered; memory
	 * does not stand in for it */
	if (q->kind == I_SALARY && !names_subject(e) && !e->refers &&
	    !q->measure && !q->lowest && unknown_subject(q))
		named = 1;
	/* "money", "middle of that", "what's that per hour", "how big is
	 * that gap": nothing named, but words about a role's pay or
	 * skills, which the model read as something else; the last
	 * answer's role is what they are about */
	if (!names_subject(e) && last->nroles && (q->kind == I_NONE ||
	    q->kind == I_ACK || q->kind == I_HELP ||
	    /* "are these salaries for the us" is about the data, surely */
	    (q->kind == I_DATA && (e->mods || q->measure != PICK_DEFAULT ||
	    q->top[0].p < ABOUT_LAST_DATA_P)) ||
	    q->kind == I_OFFTOPIC || (q->kind == I_CITE &&
	    q->measure != PICK_DEFAULT)))
		about_last(q);
	/* "in euros?", "and for a senior?": the last pay question again */
	if (q->kind == I_NONE && e->mods && named == 0 && last->nroles)
		q->kind = I_SALARY;
	/* memory fills gaps only: "how much do they make", not "tell me
	 * about ai jobs" (a category) or "what about a frontend dev" */
	if (q->kind == I_PASSAGE && !names_subject(e) && !e->refers &&
	    last->nroles)
		e->context_role = last->roles[0];
	/* ...and "which job has the widest range" asks about them all */
	if (wants_role(q->kind) && !names_subject(e) && (q->kind != I_PASSAGE ||
	    e->refers) && (q->ends == 0 || e->refers))
		for (i = 0; i < last->nroles && e->nroles < Q_ROLES_MAX &&
		    (i < 1 || q->kind != I_PASSAGE); i++)
			e->roles[e->nroles++] = last->roles[i];
	if (q->kind == I_COMPARE && named == 1 && e->nroles == 1 &&
	    e->category < 0 && last->nroles >= 1 &&
	    last->roles[0] != e->roles[0]) {
		/* "is that more than a data scientist" */
		e->roles[1] = e->roles[0];
		e->roles[0] = last->roles[0];
		e->nroles = 2;
	} else if (e->refers && named == 0 && (last->nroles >= 2 ||
	    ((plural(q) || comparative(q)) && last->nrecent >= 2)) &&
	    (q->kind == I_TOP || q->kind == I_SALARY || q->kind == I_RANGE ||
	    q->kind == I_COMPARE)) {
		/* "which of those three has the lowest top end": a ranking
		 * of the roles just named (or asked one after the other) is
		 * a comparison of them */
		q->kind = I_COMPARE;
		if (last->nroles >= 2)
			for (i = 0; i < last->nroles; i++)
				add_role_once(e, last->roles[i]);
		else	/* "which one": the last two; "those three" */
			for (i = (plural(q) ? last->nrecent : 2) - 1; i >= 0;
			    i--)
				if (i < last->nrecent)
					add_role_once(e, last->recent[i]);
	} else if ((q->kind == I_COMPARE || q->kind == I_DIFFERENCE) &&
	    !names_subject(e))
		/* "which of those three", "compare them" */
		for (i = 0; i < last->nroles; i++)
			add_role_once(e, last->roles[i]);
	if (q->kind == I_MATCH && e->nskills == 0)
		for (i = 0; i < last->nskills; i++)
			e->skills[e->nskills++] = last->skills[i];
}

/* A role compared with a field: the field's own role when its words
 * name one, else its roles with a figure (as many as fit). */
static void
add_field(struct intent *q, const struct kb *kb)
{
	struct entities *e = &q->e;
	const struct kb_role *r;
	int i, k;

	for (i = 0; i < kb->nroles && e->nroles < Q_ROLES_MAX; i++) {
		r = &kb->roles[i];
		if (e->cat_role ? r != e->cat_role : r->category !=
		    e->category || r->figure == NULL)
			continue;
		for (k = 0; k < e->nroles && e->roles[k] != r; k++)
			;
		if (k == e->nroles)
			e->roles[e->nroles++] = r;
	}
	e->category = -1;
}

/* Words that ask about the jobs in general ("pay across tech", "the
 * overall range"): a pay question with no role is then the whole range. */
static const char *const general_words[] = {
	"tech", "jobs", "roles", "overall", "all", "range", "ranges",
	"industry", "field", "fields", "careers", "guide", "guides",
	"everything", "everyone", "across", "market", "these", "them",
	"positions", "salaries", "figures", "numbers", "job", "role",
	"it", "they", "that", "those", "gig", "gigs", "work", "career",
	"paying", "paid", "pays", "earners", "earning", "money", NULL
};

/* Chat filler, never a subject ("no i meant the pay", "and its pay"). */
static const char *const filler_words[] = {
	"its", "his", "her", "meant", "mean", "guess", "wonder", "wondering",
	"curious", "asking", "asked", "heard", "hear", "pls", "plz", "thx",
	"thanks", "cool", "right", "sure", "kinda", "sorta", "rn", "idk",
	"ur", "u", "im", "ive", "dont", "doesnt", "isnt", "whats", "hows",
	"wats", "wat", "gonna", "wanna", "exactly", "even", "maybe",
	"probably", "usually", "typically", "again", "ah", "oh", "hmm", NULL
};

/* Words a subject does not start with ("how much is rent"). */
static const char *const stop_before[] = {
	"what", "whats", "how", "is", "a", "an", "the", "do", "does", "for",
	"of", "in", "much", "my", "i", "me", NULL
};

/*
 * A pay question or ranking that names nothing the bot knows, but words
 * it does not know ("scrum master pay", "rent in nyc", "cheapest flight
 * to lisbon"): those words, first span, as a subject not covered, so the
 * answer is never the overall range or a ranking for something else.
 * 1 when one was found.
 */
static int
unknown_subject(struct intent *q)
{
	struct entities *e = &q->e;
	char stem[INTENT_STEM_MAX];
	int i, k, from = -1, to;

	for (k = 0; k < q->npwords && from < 0; k++) {
		for (i = 0; i < q->nwords && q->words[i] != q->pwords[k]; i++)
			;
		/* a subject's word has three letters or more ("k and
		 * the pay" is "ok") */
		if (i < q->nwords && q->used[i] == USED_NOT &&
		    strlen(q->words[i]) >= 3 &&
		    isalpha((unsigned char)q->words[i][0]) &&
		    !text_in_list(q->words[i], general_words) &&
		    !text_in_list(q->words[i], filler_words) &&
		    (intent_stem(q->words[i], stem, sizeof(stem)) == -1 ||
		    intent_lexicon_find(&intent_lexicon_builtin, stem) < 0))
			from = i;
	}
	if (from < 0 || e->nunknown >= Q_UNKNOWN_MAX)
		return 0;
	/* the words around it that nothing else took: "scrum master",
	 * "help desk tech" (content words only: not "twins in the") */
	for (to = from; to + 1 < q->nwords && q->used[to + 1] == USED_NOT &&
	    is_pword(q, to + 1) && to - from < 2; to++)
		;
	for (; from > 0 && q->used[from - 1] == USED_NOT &&
	    is_pword(q, from - 1) && to - from < 2 &&
	    !text_in_list(q->words[from - 1], stop_before); from--)
		;
	e->unknown[e->nunknown][0] = '\0';
	for (i = from; i <= to; i++) {
		size_t n = strlen(e->unknown[e->nunknown]);

		snprintf(e->unknown[e->nunknown] + n, Q_NAME_MAX - n, "%s%s",
		    i > from ? " " : "", q->words[i]);
	}
	e->nunknown++;
	return 1;
}

/* 1 if the guides have a sentence of this aspect about role r. */
static int
role_says(const struct kb *kb, const struct kb_role *r, enum kb_aspect a)
{
	int i, id = (int)(r - kb->roles);

	for (i = 0; i < kb->nsentences; i++)
		if (kb->sentences[i].role == id &&
		    (kb->sentences[i].aspects & 1u << a))
			return 1;
	return 0;
}

/* What a question becomes when the entities it needs are missing. */
static void
fall_back(struct intent *q, const struct kb *kb)
{
	struct entities *e = &q->e;
	int named = e->nroles + e->nunknown;

	/* one role and both ends of its range: "gap between the lowest
	 * and highest sre pay", "min to max"; their average, its midpoint */
	if (e->nroles == 1 && e->nunknown == 0 && (q->both_ends ||
	    q->mean) && (q->kind == I_SALARY || q->kind == I_TOP ||
	    q->kind == I_COMPARE || q->kind == I_SPREAD || q->kind ==
	    I_RANGE)) {
		if (q->mean) {
			q->kind = I_SALARY;
			q->measure = PICK_MID;
		} else
			q->kind = I_SPREAD;
	}
	/* "difference in midpoint between blockchain and data science":
	 * a role and a field, compared */
	if (e->nroles == 1 && e->cat_role && e->cat_role != e->roles[0] &&
	    (q->kind == I_SALARY || q->kind == I_SPREAD) &&
	    (q->cues & (1ULL << I_COMPARE | 1ULL << I_DIFFERENCE)))
		q->kind = I_COMPARE;

	switch (q->kind) {
	case I_SALARY:
		/* no role: a category's, or "lowest midpoint", is a
		 * ranking; else the overall range, unless it names
		 * something the guides do not cover */
		if (named == 0 && e->category < 0 && !q->lowest &&
		    !q->measure && unknown_subject(q))
			break;
		/* "sysadmin salary": the guides pay roles, not skills */
		if (named == 0 && e->category < 0 && e->nskills > 0) {
			q->kind = I_COMPARE;
			break;
		}
		if (named == 0)
			q->kind = e->category >= 0 || q->lowest || q->measure ?
			    I_TOP : I_RANGE;
		break;
	case I_SKILLS:
	case I_ROLE:
		/* "toolkit for data science jobs", "what do cloud people
		 * do": the field's own role, when its words name one */
		if (named == 0 && e->cat_role) {
			e->roles[e->nroles++] = e->cat_role;
			e->category = -1;
		} else if (named == 0)
			q->kind = q->kind == I_SKILLS ? I_KEYSKILLS : I_ROLES;
		break;
	case I_ROLES:
		/* "does the 2026 guide mention ciso": that role, in it;
		 * "ds vs ai pm roles explained": what tells them apart */
		if (named > 0)
			q->kind = named == 1 ? I_ROLE : I_DIFFERENCE;
		break;
	case I_NEEDS:
		if (e->nroles == 0)
			q->kind = e->nskills ? I_WHONEEDS : I_NONE;
		else if (e->nskills == 0)
			q->kind = I_SKILLS;
		break;
	case I_COMPARE:
		/* "data science or devops": the field's own role; "the
		 * blockchain person or the ml person": the field's roles */
		if (e->category >= 0 && named >= 1)
			add_field(q, kb);
		/* "which pays more?": the ranking; skills alone are
		 * compared by what the guides say of them */
		if (named == 0 && e->nskills == 0)
			q->kind = I_TOP;
		break;
	case I_TIPS:
		/* "do engineering managers get bonuses": what the guides
		 * say of that role's bonuses and equity, when they do */
		if (e->nroles == 1 && role_says(kb, e->roles[0],
		    ASPECT_NEGOTIATION)) {
			q->kind = I_PASSAGE;
			memset(q->aspects, 0, sizeof(q->aspects));
			q->aspect = q->aspects[0].name =
			    kb_aspect_names[ASPECT_NEGOTIATION];
			q->aspect_p = q->aspects[0].p = 1.0f;
		}
		break;
	case I_ABOVE:
	case I_BELOW:
		if (e->amount <= 0) {
			q->lowest = q->kind == I_BELOW;
			q->kind = I_TOP;
		}
		break;
	default:
		break;
	}
}

/*
 * Two roles or more, asked about together: their pay when the message
 * speaks of pay or of an end of the range ("ml engineer vs ai pm salary,
 * any diff"), what tells them apart when it speaks only of the jobs
 * ("devops vs sre, who does what", "difference between a ciso and a
 * security architect"), else as the model read it.
 */
static void
pair_question(struct intent *q)
{
	unsigned long long pay = 1ULL << I_SALARY, jobs = 1ULL << I_ROLE |
	    1ULL << I_DIFFERENCE;

	if ((q->kind != I_COMPARE && q->kind != I_DIFFERENCE) ||
	    q->e.nroles + q->e.nunknown < 2)
		return;
	if ((q->cues & pay) || q->measure != PICK_DEFAULT || q->ends ||
	    q->lowest || q->e.amount)
		q->kind = I_COMPARE;
	else if (q->cues & jobs)
		q->kind = I_DIFFERENCE;
}

/* "good morning", "thanks a lot", "ok cool": every word small talk of
 * one kind, which decides whatever the model read. */
static void
small_talk(struct intent *q)
{
	static const enum intent_kind talk[] = { I_HELLO, I_THANKS, I_ACK };
	unsigned long long bits = 0;
	size_t k;
	int i;

	if (q->nwords == 0 || q->nwords > 4 || names_subject(&q->e))
		return;
	for (i = 0; i < q->nwords; i++)
		if (q->used[i] != USED_CUE)
			return;
	for (k = 0; k < sizeof(talk) / sizeof(talk[0]); k++)
		bits |= 1ULL << talk[k];
	if ((q->cues & ~bits) != 0)
		return;
	for (k = 0; k < sizeof(talk) / sizeof(talk[0]); k++)
		if (q->cues == 1ULL << talk[k])
			q->kind = talk[k];
}

/*
 * "should i go into management for the money", "what explains cloud
 * architect pay": pay words, but a question the guides answer in prose.
 * The intent model is unsure of the pay question and has the passage
 * among its best three, and the aspect model is sure of an aspect that
 * no figure answers: the passage.
 */
#define PROSE_SALARY_P	0.75f	/* the pay question's, unsure */
#define PROSE_SECOND_P	0.1f	/* the passage's, among the best three */
#define PROSE_ASPECT_P	0.5f	/* and its aspect's */
static void
pay_or_prose(struct intent *q)
{
	static const enum kb_aspect why[] = { ASPECT_WHY_PAYS, ASPECT_ADVICE,
	    ASPECT_RISK, ASPECT_TREND };
	int k, a, i;

	for (i = 1; i < 3 && q->top[i].kind != I_PASSAGE; i++)
		;
	if (q->kind != I_SALARY || q->top[0].kind != I_SALARY ||
	    q->top[0].p >= PROSE_SALARY_P || i == 3 ||
	    q->top[i].p < PROSE_SECOND_P || q->aspects[0].name == NULL ||
	    q->aspects[0].p < PROSE_ASPECT_P || q->measure != PICK_DEFAULT ||
	    q->e.mods)
		return;
	a = kb_aspect_of(q->aspects[0].name);
	for (k = 0; k < (int)(sizeof(why) / sizeof(why[0])); k++)
		if (a == (int)why[k]) {
			q->kind = I_PASSAGE;
			q->aspect = q->aspects[0].name;
			q->aspect_p = q->aspects[0].p;
		}
}

/* ---- clauses ------------------------------------------------------ */

/* Small talk and nothing: a clause that asks no question. */
static int
idle(const struct intent *q)
{
	return (q->kind == I_NONE || q->kind == I_HELLO ||
	    q->kind == I_THANKS || q->kind == I_ACK) && !names_subject(&q->e);
}

/*
 * Reads body into q clause by clause ("thx. what about cloud
 * architects", a long message with the question at its end): the last
 * clause that asks something, when it names what it asks about; else
 * the whole message ("aws + azure, i do disaster recovery. which role":
 * the question needs the clause before it).
 */
static void
read_clauses(struct router *r, char *body, struct intent *q)
{
	struct intent c;
	char *p, *start = body;
	int found = 0;

	for (p = body; ; p++) {
		int end = *p == '\0' || ((*p == '.' || *p == '?' || *p == '!' ||
		    *p == ';') && p[1] == ' ');

		if (!end)
			continue;
		if (start == body && *p == '\0')
			break;		/* one clause: the whole message */
		question_parse(r->ix, start, (size_t)(p - start), &c);
		intent_choose(&intent_vocab_builtin, &intent_model_builtin,
		    &aspect_model_builtin, &c);
		if (!idle(&c)) {
			if (found)
				question_free(q);
			*q = c;
			found = 1;
		} else
			question_free(&c);
		if (*p == '\0')
			break;
		start = p + 1;
	}
	if (found && names_subject(&q->e))
		return;
	if (found)
		question_free(q);
	question_parse(r->ix, body, strlen(body), q);
	intent_choose(&intent_vocab_builtin, &intent_model_builtin,
	    &aspect_model_builtin, q);
}

/* ---- explain ------------------------------------------------------ */

static const char *
used_name(unsigned char u)
{
	switch (u) {
	case USED_ROLE: return "role";
	case USED_SKILL: return "skill";
	case USED_CATEGORY: return "category";
	case USED_OTHER: return "other";
	case USED_CUE: return "cue";
	default: return NULL;
	}
}

/* What the parser saw: the words and what took them, the entities. */
static void
trace_parse(struct buf *t, const struct router *r, const struct intent *q)
{
	const struct entities *e = &q->e;
	int i, j;

	buf_puts(t, "normalised:");
	for (i = 0; i < q->nwords; i++)
		buf_printf(t, " %s", q->words[i]);
	buf_puts(t, "\nspans:");
	for (i = 0; i < q->nwords; i = j) {
		for (j = i + 1; j < q->nwords && q->used[j] == q->used[i] &&
		    q->used[i] != USED_CUE && q->used[i] != USED_NOT; j++)
			;
		if (used_name(q->used[i]) == NULL)
			continue;
		buf_printf(t, " %s[%d-%d]=\"", used_name(q->used[i]), i,
		    j - 1);
		for (int k = i; k < j; k++)
			buf_printf(t, "%s%s", k > i ? " " : "", q->words[k]);
		buf_puts(t, "\"");
	}
	buf_puts(t, "\nentities:");
	for (i = 0; i < e->nroles; i++)
		buf_printf(t, " role=%s", e->roles[i]->title);
	for (i = 0; i < e->nskills; i++)
		buf_printf(t, " skill=%s", r->kb->skills[e->skills[i]].name);
	if (e->category >= 0)
		buf_printf(t, " category=%s", r->kb->categories[e->category].name);
	for (i = 0; i < e->nxroles; i++)
		buf_printf(t, " left-out=%s", e->xroles[i]->title);
	if (e->xcategory >= 0)
		buf_printf(t, " left-out=%s",
		    r->kb->categories[e->xcategory].name);
	for (i = 0; i < e->nunknown; i++)
		buf_printf(t, " not-covered=\"%s\"", e->unknown[i]);
	if (e->amount)
		buf_printf(t, " amount=%ld", e->amount);
	if (e->amount2)
		buf_printf(t, " amount2=%ld", e->amount2);
	if (e->cmp)
		buf_printf(t, " comparator=%d", (int)e->cmp);
	if (e->count)
		buf_printf(t, " count=%d", e->count);
	if (e->mods)
		buf_printf(t, " modifier=\"%s\"", e->mod_word);
	if (e->guide)
		buf_printf(t, " guide=%s", e->guide == 2 ? "dated" :
		    e->guide == 4 ? "both" : e->guide == 3 ? "other" :
		    "undated");
	if (e->guide_only)
		buf_printf(t, " only-in=%s", e->guide_only == 2 ? "dated" :
		    "undated");
	if (e->refers)
		buf_puts(t, " refers-back");
	if (e->corrected)
		buf_puts(t, " corrected");
	buf_puts(t, "\nintent scores:");
	for (i = 0; i < 3 && q->top[i].p > 0; i++)
		buf_printf(t, " %s=%.2f", intent_name(q->top[i].kind),
		    q->top[i].p);
	buf_printf(t, "\nintent: %s", intent_name(q->kind));
	if (q->aspect)
		buf_printf(t, "\naspect: %s=%.2f", q->aspect, q->aspect_p);
	for (i = 0; i < 4 && q->aspects[i].name; i++)
		buf_printf(t, "%s%s=%.2f", i ? " " : "\naspect scores: ",
		    q->aspects[i].name, q->aspects[i].p);
	buf_putc(t, '\n');
}

static void
trace_state(struct buf *t, const struct said *last, const struct intent *q)
{
	int i;

	buf_puts(t, "conversation:");
	if (last == NULL)
		buf_puts(t, " none");
	else {
		buf_printf(t, " last=%s", intent_name(last->kind));
		for (i = 0; i < last->nroles; i++)
			buf_printf(t, " role=%s", last->roles[i]->title);
	}
	buf_printf(t, "\nchosen: %s", intent_name(q->kind));
	for (i = 0; i < q->e.nroles; i++)
		buf_printf(t, " role=%s", q->e.roles[i]->title);
	buf_putc(t, '\n');
}

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

	if ((m->direct || how == 2) && (cmd = command_find(body, n)) != NULL &&
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

/* A natural question: read, completed from the conversation and
 * answered; 0 for silence. */
static int
run_question(struct router *r, struct cmd_ctx *ctx, const struct message *m,
    int how, char *body, struct answer *a)
{
	struct intent q;

	read_clauses(r, body, &q);
	if (q.kind == I_AGAIN && ctx->last && ctx->last->aspect &&
	    q.aspect == NULL) {
		q.aspect = ctx->last->aspect;
		/* "same question for devops", "and blockchain devs" (no
		 * word of its own to search for): the aspect asked then,
		 * unless this message says its own ("and who hires them") */
		if (q.aspects[0].p < ASPECT_OWN_P || q.npwords == 0) {
			memset(q.aspects, 0, sizeof(q.aspects));
			q.aspects[0].name = ctx->last->aspect;
			q.aspects[0].p = 1.0f;
			q.aspect_p = 1.0f;
		}
	}
	if (r->trace)
		trace_parse(r->trace, r, &q);
	/* "go on", "continue pls", "keep going": the rest of the last
	 * answer, when there is a rest and nothing new is asked */
	if ((q.cues & 1ULL << I_MORE) && ctx->pending_more &&
	    !names_subject(&q.e) && q.nwords <= MORE_WORDS_MAX)
		q.kind = I_MORE;
	small_talk(&q);
	pay_or_prose(&q);
	recall(&q, ctx->last, r->kb);
	fall_back(&q, r->kb);
	pair_question(&q);
	if (r->trace)
		trace_state(r->trace, ctx->last, &q);
	if ((q.kind == I_NONE && how == 1 && !m->direct) ||
	    (q.kind == I_ACK && !m->direct)) {
		/* named at the end, nothing asked; "lol techpay", "cool
		 * techpay": a channel needs no reply */
		question_free(&q);
		return 0;
	}
	if (q.kind == I_NONE && q.npwords == 0 && how == 2 && q.nwords == 0)
		q.kind = I_HELLO;	/* just the name */
	command_answer(ctx, &q, a);
	/* "and for blockchain" after a midpoint: the midpoint */
	ctx->said.measure = q.measure;
	ctx->said.lowest = q.lowest;
	question_free(&q);
	return 1;
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
		keep_recent(&ctx->said, cv->has_said ? &cv->said : NULL);
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
	how = strncmp(body, r->prefix, plen) == 0 ? 0 :
	    addressed(body, r->nick, m->names);
	if (how == 0 && m->to_bot && strncmp(body, r->prefix, plen) != 0)
		how = 1;	/* chatter there ("lol") stays unanswered */
	cv = m->where ? convo_find(r, m->where, 0) : NULL;
	if (cv && cv->more && now - cv->more_at > ROUTER_MEMORY_SECS) {
		/* forgotten: a "more" much later may be someone else's
		 * (a shared host, an account lent), and no one waits that
		 * long for the rest */
		free(cv->more);
		cv->more = NULL;
	}
	if (how == 0 && !m->direct && strncmp(body, r->prefix, plen) != 0) {
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
