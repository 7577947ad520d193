/*
 * repair.c -- a parsed question made answerable.
 *
 * The parser (question.h) and the intent model (intent.h) read a
 * message; what they read is then repaired here: the clause that asks
 * something is chosen from a long message, small talk of one kind
 * decides, a pay question the guides answer in prose becomes one, and a
 * question missing what it needs falls back to what can be answered
 * (no role: a ranking or the whole range; words the bot does not know:
 * a subject not covered; two roles: their pay or what tells them apart).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "intent.h"
#include "repair.h"
#include "text.h"

/* The message names its own subject: memory must not replace it. */
int
repair_names_subject(const struct entities *e)
{
	return e->nroles + e->nunknown > 0 || e->category >= 0 ||
	    e->nskills > 0;
}

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
	"probably", "usually", "typically", "again", "ah", "oh", "hmm",
	"while", "youre", "too", "also", "besides", "anyway", NULL
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
int
repair_unknown_subject(struct intent *q)
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
void
repair_fall_back(struct intent *q, const struct kb *kb)
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
		    !q->measure && repair_unknown_subject(q))
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
		/* "list all roles with their pay": each with its figure,
		 * a ranking of them all */
		else if (q->cues & 1ULL << I_SALARY) {
			q->kind = I_TOP;
			e->count = Q_COUNT_ALL;
		}
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
void
repair_pair(struct intent *q)
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
void
repair_small_talk(struct intent *q)
{
	static const enum intent_kind talk[] = { I_HELLO, I_THANKS, I_ACK };
	unsigned long long bits = 0;
	size_t k;
	int i;

	if (q->nwords == 0 || q->nwords > 4 || repair_names_subject(&q->e))
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
void
repair_pay_or_prose(struct intent *q)
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
	    q->kind == I_THANKS || q->kind == I_ACK) && !repair_names_subject(&q->e);
}

/*
 * Reads body into q clause by clause ("thx. what about cloud
 * architects", a long message with the question at its end): the last
 * clause that asks something, when it names what it asks about; else
 * the whole message ("aws + azure, i do disaster recovery. which role":
 * the question needs the clause before it).
 */
void
repair_read(struct index *ix, char *body, struct intent *q)
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
		question_parse(ix, start, (size_t)(p - start), &c);
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
	if (found && repair_names_subject(&q->e))
		return;
	if (found)
		question_free(q);
	question_parse(ix, body, strlen(body), q);
	intent_choose(&intent_vocab_builtin, &intent_model_builtin,
	    &aspect_model_builtin, q);
}

/* ---- parts -------------------------------------------------------- */

/* Words that open a question after "and": "and what skills", "and how
 * much", "and is it".  Not "which" or "who": "which pays the most and
 * which the least", "who sets the strategy and who builds" ask one
 * thing of two sides. */
static const char *const part_openers[] = {
	"what", "whats", "what's", "how", "hows", "how's", "where", "why",
	"when", "is", "are", "do", "does", "can", NULL
};

#define PART_SURE	0.5	/* a part naming nothing is asked this
				 * surely, or not a part */

static const char *const part_joins[] = { "and", "also", "plus", NULL };

/* The word at p (letters and an apostrophe) is in list. */
static int
word_in(const char *p, const char *const *list)
{
	size_t n;
	int i;

	for (n = 0; p[n] && (isalpha((unsigned char)p[n]) || p[n] == '\'');
	    n++)
		;
	for (i = 0; list[i]; i++)
		if (strlen(list[i]) == n && strncasecmp(p, list[i], n) == 0)
			return 1;
	return 0;
}

int
repair_parts(const char *body, size_t *at, int max)
{
	const char *p, *next;
	int n = 1, after_end;

	at[0] = 0;
	for (p = body; *p && n < max; p++) {
		if (*p != ' ' || p == body)
			continue;
		next = p + 1;
		if (!word_in(next, part_joins))
			continue;
		/* "sre midpoint. and devops too"; after a comma only
		 * before a question word (", and i'm stressed" is chatter) */
		after_end = strchr(".?!;", p[-1]) != NULL;
		while (*next && *next != ' ')
			next++;
		while (*next == ' ')
			next++;
		if (*next && (after_end || word_in(next, part_openers)))
			at[n++] = (size_t)(p + 1 - body);
	}
	return n;
}

int
repair_asks_more(const struct intent *a, const struct intent *b)
{
	/* the same kind twice ("which earns the most in security and
	 * which in cloud") is one question the whole message asks better;
	 * "sre salary. and devops too" is a follow-up, another kind */
	if (idle(a) || idle(b) || b->kind == I_MORE || a->kind == b->kind)
		return 0;
	if (!repair_names_subject(&a->e) && a->top[0].p < PART_SURE)
		return 0;	/* chatter before the question */
	/* "and whats the point of it": naming nothing, the model unsure
	 * of what it asks, it belongs to the part before */
	return repair_names_subject(&b->e) || b->top[0].p >= PART_SURE;
}
