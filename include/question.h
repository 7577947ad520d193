/*
 * question.h -- a chat message read as a typed question.
 *
 * First the entities: every span of the normalised message that names
 * something the guides know (a role, a skill, a category, each found on
 * its own, typos within an edit distance that grows with the word), a
 * job title they do not know (an "unknown role", never mapped to a role
 * whose head noun differs), amounts, counts and the modifiers the guides
 * do not cover (another year, a currency, a place, a level, a period, a
 * statistic, taxes, an employer).  Then the intent, scored from a table of
 * cue words over the words the entities left, and from which entities
 * are there.  entity.c finds the entities, question.c the intent; neither
 * answers anything: say_intent.c does, from the struct intent.
 */
#ifndef TECHPAY_QUESTION_H
#define TECHPAY_QUESTION_H

#include "index.h"
#include "kb.h"

#define Q_WORDS_MAX	48	/* words of a message looked at */
#define Q_ROLES_MAX	4
#define Q_SKILLS_MAX	12
#define Q_UNKNOWN_MAX	4
#define Q_NAME_MAX	64	/* bytes of an unknown name kept */
#define Q_FEATS_MAX	256	/* known features of a message kept */

enum intent_kind {
	I_NONE,			/* nothing recognisable: not covered */
	I_HELLO, I_THANKS, I_ABOUT_BOT, I_HELP,
	I_SALARY, I_SKILLS, I_ROLE, I_COMPARE,
	I_WHONEEDS, I_NEEDS, I_MATCH,
	I_TOP, I_ABOVE, I_BELOW, I_RANGE, I_ROLES,
	I_TIPS, I_METASKILLS, I_KEYSKILLS, I_CONCLUSIONS,
	I_SOURCES, I_CITE, I_HIGHLIGHT, I_MORE,
	I_PASSAGE, I_OFFTOPIC,
	/* round 2 */
	I_ACK,			/* "ok", "cool", "lol": a short reply */
	I_DATA,			/* how current, which country or currency */
	I_POSITION,		/* "I make 150k as an SRE": where it sits */
	I_SPREAD,		/* how wide one role's range is */
	I_SAME,			/* roles with identical ranges */
	I_AMOUNT,		/* roles against an amount (comparator parsed) */
	I_BETWEEN,		/* roles whose range lies between two amounts */
	I_DIFFERENCE,		/* what tells role A from role B */
	I_AGAIN,		/* the last question with one thing changed */
	I_COUNT
};

/* What a guide figure does not cover: said in one clause, never scaled. */
enum modifier {
	MOD_YEAR = 1 << 0,	/* a year other than the guide's */
	MOD_CURRENCY = 1 << 1,
	MOD_PLACE = 1 << 2,	/* a city, country or region */
	MOD_LEVEL = 1 << 3,	/* entry, junior, senior... */
	MOD_PERIOD = 1 << 4,	/* hourly, monthly */
	MOD_STAT = 1 << 5,	/* median, percentile */
	MOD_TAX = 1 << 6,	/* after tax, take-home */
	MOD_EMPLOYER = 1 << 7	/* at FAANG, at Google */
};

/* What a word was taken for. */
/* Cue weights (question.c's table) the classifier defers to. */
#define CUE_SURE	5	/* "cannot mean anything else" */
#define CUE_EXACT	6	/* the guides' own names: "meta skills" */

enum used_by {
	USED_NOT, USED_ROLE, USED_SKILL, USED_CATEGORY, USED_OTHER, USED_CUE
};

enum measure_pick { PICK_DEFAULT, PICK_MIN, PICK_MAX, PICK_MID };

/* How a question holds pay against its amount (entity.c): a direction,
 * or the end of a range it names. */
enum comparator {
	CMP_NONE,		/* "jobs paying 180k": ranges that hold it */
	CMP_ABOVE,		/* over, above, more than, north of */
	CMP_ATLEAST,		/* at least, 150k+, 150k or more */
	CMP_BELOW,		/* under, below, less than, south of */
	CMP_ATMOST,		/* at most, up to, 150k or less */
	CMP_BETWEEN,		/* between A and B, "$150-160k" */
	CMP_STARTS,		/* starts at, bottoms out at, floor of */
	CMP_TOPS,		/* maxes out at, tops out at, caps at */
	CMP_MID			/* midpoint of */
};

struct entities {
	const struct kb_role *roles[Q_ROLES_MAX];	/* in message order */
	int		 nroles;
	int		 corrected;	/* a role or skill found after a typo,
					 * a short form or glued words */
	/* roles so found, with their words as typed: the answer says how
	 * it read them ("cyber arhc" as Cybersecurity Architect) */
	struct {
		const struct kb_role *role;
		char		 typed[Q_NAME_MAX];
	}		 read[Q_ROLES_MAX];
	int		 nread;
	int		 skills[Q_SKILLS_MAX];	/* kb->skills indices */
	int		 nskills;
	int		 category;	/* kb->categories index, or -1 */
	/* what the message leaves out: "non ai", "besides research
	 * scientists", "not a management role"; -1, none */
	int		 xcategory;
	const struct kb_role *xroles[Q_ROLES_MAX];
	int		 nxroles;
	/* the one role of that category its words name best ("data
	 * science": Data Scientist; "ml": none, three roles say ml), for
	 * a comparison of it with a role; NULL */
	const struct kb_role *cat_role;
	char		 unknown[Q_UNKNOWN_MAX][Q_NAME_MAX];	/* job titles */
	int		 nunknown;
	char		 unknown_skill[Q_UNKNOWN_MAX][Q_NAME_MAX];
	int		 nunknown_skill;
	long		 amount;	/* $150k, 150,000, 150 thousand; 0 */
	long		 amount2;	/* a second: "between 150 and 200k"; 0 */
	enum comparator	 cmp;		/* what the amount is to pay */
	int		 count;		/* "top 5", "the three"; Q_COUNT_ALL
					 * for "all", "every"; 1 for one
					 * ("the lowest paying role"); 0 */
	unsigned	 mods;		/* enum modifier bits */
	char		 mod_word[Q_NAME_MAX];	/* the first modifier, as typed */
	int		 refers;	/* "that", "they", "those two": the last */
	/* the conversation's role when this names none ("why tho" after
	 * a blockchain question): a passage's near subject, not its own */
	const struct kb_role *context_role;
	int		 guide_only;	/* "only in the older guide" (1), "that
					 * the old one doesn't have" (2): the
					 * roles only that guide has; 0 */
	int		 guide_first;	/* 1 or 2: the guide named first */
	int		 guide;		/* "the older guide": 1 undated, 2 the
					 * dated one; 0 either; 3 "the other"
					 * (the router makes it 1 or 2); 4
					 * "both guides" */
};

#define Q_COUNT_ALL	1000	/* "rank them all": as many as there are */

struct intent {
	enum intent_kind kind;
	struct entities	 e;
	int		 lowest;	/* rankings: lowest first */
	int		 ends;		/* ranking words: 1 highest, 2 lowest,
					 * 3 both ("the most and the least") */
	enum measure_pick measure;
	int		 both_ends;	/* both ends of a range named ("min to
					 * max", "lowest and highest") */
	int		 mean;		/* "average of", "middle": a midpoint */
	int		 cued;		/* the cue score that chose kind; 0:
					 * chosen from the entities alone */
	unsigned long long cues;	/* 1 << kind for each intent cued */
	enum intent_kind strong;	/* the heaviest cue's intent */
	int		 strong_weight;	/* and its weight; 0: no cue */
	/* the classifier's view (intent.c), for explain */
	struct {
		enum intent_kind kind;
		float	 p;
	}		 top[3];
	int		 feat[Q_FEATS_MAX];	/* its features, as the
					 * models' vocabulary numbers them */
	int		 nfeat;
	const char	*aspect;	/* a prose question's aspect, or NULL */
	float		 aspect_p;
	struct {
		const char *name;	/* the model's label, static */
		float	 p;
	}		 aspects[4];	/* the best four, best first */
	/* content words for a passage search (pointers into words; the
	 * lexicon's guide words for them: intent_expand) */
	char		*pwords[Q_WORDS_MAX];
	int		 npwords;
	/* the normalised message, split; owned by the intent */
	char		*norm;
	char		*words[Q_WORDS_MAX];
	int		 nwords;
	unsigned char	 used[Q_WORDS_MAX];	/* enum used_by */
	char		*owned[Q_WORDS_MAX];	/* corrected words, freed */
};

/*
 * Reads text (raw chat bytes, the bot's name already removed) into q.
 * Always succeeds; q->kind is I_NONE when nothing fits.  Free with
 * question_free.
 */
void		 question_parse(struct index *, const char *text, size_t len,
		    struct intent *q);
void		 question_free(struct intent *q);
const char	*intent_name(enum intent_kind);
/* The kind named name ("salary"), or I_COUNT. */
enum intent_kind intent_kind_of(const char *name);

/* entity.c: fills q->e (and marks q->used) from q->words.  table_word
 * says which words are the parser's own (cues, chat words): never taken
 * for a typo of a name.  A function, not a call into question.c, so the
 * two files do not depend on each other. */
void		 entities_find(struct index *, struct intent *q,
		    int (*table_word)(const char *));
/* question.c: 1 if w is a word of the cue, chat or stop tables (never
 * taken for a typo of a name). */
int		 question_word(const char *w);
/* The currency word or sign in text when it is not dollars, or NULL. */
const char	*question_currency(const char *text);

#endif
