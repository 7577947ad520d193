/*
 * question.c -- what a message asks: normalising, chat spellings, and
 * the intent from a table of cue words.
 *
 * The message is normalised (text_norm: case folded, punctuation gone),
 * chat spellings and contractions are written out ("wat" -> "what",
 * "im" -> "i am"), a misspelt cue word is fixed ("salery"), then the
 * entities are found (entity.c).  Each cue phrase among the words the
 * entities left adds its weight to an intent; the entities present add
 * what the intent table says; the best score wins.  Nothing here knows
 * the conversation: the router fills "that one" from its memory.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "question.h"
#include "text.h"

/* ---- chat spellings and contractions -------------------------------- */

static const struct { const char *from, *to; } spellings[] = {
	{ "wat", "what" }, { "wut", "what" }, { "whut", "what" },
	{ "wats", "what is" }, { "whats", "what is" }, { "whatre", "what are" },
	{ "hows", "how is" }, { "whos", "who is" }, { "wheres", "where is" },
	{ "u", "you" }, { "ya", "you" }, { "ur", "your" }, { "r", "are" },
	{ "ppl", "people" }, { "pls", "please" }, { "plz", "please" },
	{ "pl0x", "please" }, { "thx", "thanks" }, { "tx", "thanks" },
	{ "ty", "thanks" }, { "tysm", "thanks" }, { "tnx", "thanks" },
	{ "im", "i am" }, { "ive", "i have" }, { "id", "i would" },
	{ "dont", "do not" }, { "doesnt", "does not" }, { "didnt", "did not" },
	{ "isnt", "is not" }, { "arent", "are not" }, { "cant", "can not" },
	{ "youre", "you are" }, { "theyre", "they are" }, { "whatd", "what" },
	{ "wanna", "want to" }, { "gonna", "going to" }, { "gotta", "have to" },
	{ "abt", "about" }, { "bc", "because" }, { "cuz", "because" },
	{ "coz", "because" }, { "b4", "before" }, { "rn", "now" },
	{ "sal", "salary" }, { "y", "why" }, { "renumeration", "remuneration" },
	{ "yr", "year" }, { "hr", "hour" }, { "mo", "month" },
	{ "n", "and" }, { "w", "with" }, { "diff", "difference" },
	{ "vs.", "vs" }, { "v", "vs" }, { "thnx", "thanks" },
	{ "src", "source" }, { "srcs", "sources" },
	{ NULL, NULL }
};

/* Words that may come before the question word that opens a question
 * ("ok so why..."). */
#define OPENERS	"so ok okay but and hey hmm then wait lol yo well also btw"
#define EDIT1_MAX	64	/* bytes: text_editdist's longest word */

/* Words no question is about, left out of a passage search. */
static const char *const stop_words[] = {
	"what", "which", "who", "whom", "how", "why", "where", "when", "does",
	"do", "did", "is", "are", "was", "were", "am", "be", "been", "the",
	"a", "an", "of", "for", "in", "on", "at", "to", "and", "or", "it",
	"that", "this", "these", "those", "i", "me", "my", "you", "your", "so",
	"still", "all", "any", "some", "there", "they", "them", "their",
	"have", "has", "had", "get", "got", "go", "can", "could", "would",
	"should", "will", "about", "tell", "please", "really", "actually",
	"much", "many", "like", "just", "very", "ok", "okay", "hey", "hi",
	"hello", "yo", "um", "uh", "well", "but", "then", "if", "with", "from",
	"by", "as", "we", "us", "our", "say", "says", "said", "guide",
	"guides", "not", "no", "yes", "lol", "btw", "also", "too", "than",
	"more", "most", "folks", "people", "someone", "person", "guy", "guys",
	"whatever", "anyway", "tho", "though", "know", "think", "want",
	"need", "kind", "sort", "type", "thing", "things", "stuff", "one",
	"ones", "jobbot", "techpay", "bot", NULL
};

/* ---- the intent table ------------------------------------------------- */

enum {
	NEED_ROLE = 1,		/* a role (or "that one" from memory) */
	NEED_TWO = 2,		/* two roles */
	NEED_SKILL = 4,		/* a skill in the message */
	NEED_AMOUNT = 8
};

struct intent_def {
	enum intent_kind kind;
	const char	*name;
	unsigned	 needs;
	int		 fit;	/* added when every need is met here */
};

static const struct intent_def intent_defs[I_COUNT] = {
	[I_NONE] = { I_NONE, "none", 0, 0 },
	[I_HELLO] = { I_HELLO, "hello", 0, 0 },
	[I_THANKS] = { I_THANKS, "thanks", 0, 0 },
	[I_ABOUT_BOT] = { I_ABOUT_BOT, "about", 0, 0 },
	[I_HELP] = { I_HELP, "help", 0, 0 },
	[I_SALARY] = { I_SALARY, "salary", NEED_ROLE, 1 },
	[I_SKILLS] = { I_SKILLS, "skills", NEED_ROLE, 1 },
	[I_ROLE] = { I_ROLE, "role", NEED_ROLE, 1 },
	[I_COMPARE] = { I_COMPARE, "compare", NEED_TWO, 3 },
	[I_WHONEEDS] = { I_WHONEEDS, "whoneeds", NEED_SKILL, 1 },
	[I_NEEDS] = { I_NEEDS, "needs", NEED_ROLE | NEED_SKILL, 3 },
	[I_MATCH] = { I_MATCH, "match", 0, 0 },
	[I_TOP] = { I_TOP, "top", 0, 0 },
	[I_ABOVE] = { I_ABOVE, "above", NEED_AMOUNT, 2 },
	[I_BELOW] = { I_BELOW, "below", NEED_AMOUNT, 2 },
	[I_RANGE] = { I_RANGE, "range", 0, 0 },
	[I_ROLES] = { I_ROLES, "roles", 0, 0 },
	[I_TIPS] = { I_TIPS, "tips", 0, 0 },
	[I_METASKILLS] = { I_METASKILLS, "metaskills", 0, 0 },
	[I_KEYSKILLS] = { I_KEYSKILLS, "keyskills", 0, 0 },
	[I_CONCLUSIONS] = { I_CONCLUSIONS, "conclusions", 0, 0 },
	[I_SOURCES] = { I_SOURCES, "sources", 0, 0 },
	[I_CITE] = { I_CITE, "cite", 0, 0 },
	[I_HIGHLIGHT] = { I_HIGHLIGHT, "highlight", 0, 0 },
	[I_MORE] = { I_MORE, "more", 0, 0 },
	[I_PASSAGE] = { I_PASSAGE, "passage", 0, 0 },
	[I_OFFTOPIC] = { I_OFFTOPIC, "offtopic", 0, 0 },
	[I_ACK] = { I_ACK, "ack", 0, 0 },
	[I_DATA] = { I_DATA, "data", 0, 0 },
	[I_POSITION] = { I_POSITION, "position", NEED_ROLE | NEED_AMOUNT, 3 },
	[I_SPREAD] = { I_SPREAD, "spread", NEED_ROLE, 1 },
	[I_SAME] = { I_SAME, "same", 0, 0 },
	[I_AMOUNT] = { I_AMOUNT, "amount", NEED_AMOUNT, 2 },
	[I_BETWEEN] = { I_BETWEEN, "between", NEED_AMOUNT, 2 },
	[I_DIFFERENCE] = { I_DIFFERENCE, "difference", NEED_TWO, 2 },
	[I_AGAIN] = { I_AGAIN, "again", 0, 0 },
};

struct cue {
	const char	*phrase;	/* words; a final "$": at the end; a
					 * first "^": opening the question */
	enum intent_kind kind;
	int		 weight;
	enum measure_pick measure;	/* a ranking measure it names */
	int		 lowest;
};

/*
 * Cue phrases.  Weights: 1 a hint, 2 a usual word for it, 3 says it
 * plainly, 5 cannot mean anything else.  A phrase's words are taken:
 * they are not searched in the guides' text.
 */
static const struct cue cues[] = {
	/* pay */
	{ "how much", I_SALARY, 3, 0, 0 }, { "salary", I_SALARY, 3, 0, 0 },
	{ "salaries", I_SALARY, 3, 0, 0 }, { "pay", I_SALARY, 2, 0, 0 },
	{ "paid", I_SALARY, 2, 0, 0 }, { "pays", I_SALARY, 2, 0, 0 },
	{ "get paid", I_SALARY, 3, 0, 0 }, { "make", I_SALARY, 2, 0, 0 },
	{ "makes", I_SALARY, 2, 0, 0 }, { "making", I_SALARY, 2, 0, 0 },
	{ "earn", I_SALARY, 2, 0, 0 }, { "earns", I_SALARY, 2, 0, 0 },
	{ "earning", I_SALARY, 2, 0, 0 }, { "comp", I_SALARY, 3, 0, 0 },
	{ "compensation", I_SALARY, 3, 0, 0 }, { "tc", I_SALARY, 3, 0, 0 },
	{ "wage", I_SALARY, 3, 0, 0 }, { "wages", I_SALARY, 3, 0, 0 },
	{ "income", I_SALARY, 3, 0, 0 }, { "going rate", I_SALARY, 3, 0, 0 },
	{ "take home", I_SALARY, 3, 0, 0 }, { "bring in", I_SALARY, 3, 0, 0 },
	{ "bringing in", I_SALARY, 3, 0, 0 }, { "pull", I_SALARY, 1, 0, 0 },
	{ "money", I_SALARY, 1, 0, 0 }, { "remuneration", I_SALARY, 3, 0, 0 },
	{ "package", I_SALARY, 1, 0, 0 }, { "figure", I_SALARY, 1, 0, 0 },
	{ "worth", I_SALARY, 1, 0, 0 }, { "rake in", I_SALARY, 3, 0, 0 },
	{ "number", I_SALARY, 1, 0, 0 }, { "numbers", I_SALARY, 1, 0, 0 },
	{ "figures", I_SALARY, 1, 0, 0 },
	/* skills */
	{ "skill", I_SKILLS, 3, 0, 0 }, { "skills", I_SKILLS, 3, 0, 0 },
	{ "learn", I_SKILLS, 3, 0, 0 }, { "study", I_SKILLS, 3, 0, 0 },
	{ "need to know", I_SKILLS, 3, 0, 0 },
	{ "have to know", I_SKILLS, 3, 0, 0 },
	{ "requirements", I_SKILLS, 3, 0, 0 },
	{ "qualifications", I_SKILLS, 3, 0, 0 },
	{ "tech stack", I_SKILLS, 3, 0, 0 }, { "stack", I_SKILLS, 2, 0, 0 },
	{ "tools", I_SKILLS, 2, 0, 0 }, { "languages", I_SKILLS, 2, 0, 0 },
	{ "prerequisites", I_SKILLS, 3, 0, 0 }, { "need", I_SKILLS, 1, 0, 0 },
	{ "required", I_SKILLS, 2, 0, 0 }, { "require", I_SKILLS, 1, 0, 0 },
	{ "become", I_SKILLS, 1, 0, 0 }, { "get into", I_SKILLS, 2, 0, 0 },
	{ "break into", I_SKILLS, 2, 0, 0 }, { "get good at", I_SKILLS, 4, 0, 0 },
	{ "toolkit", I_SKILLS, 3, 0, 0 }, { "prep", I_SKILLS, 2, 0, 0 },
	{ "skill wise", I_SKILLS, 4, 0, 0 },
	/* what the job is */
	{ "do$", I_ROLE, 3, 0, 0 }, { "actually do", I_ROLE, 3, 0, 0 },
	{ "day to day", I_ROLE, 3, 0, 0 }, { "daily", I_ROLE, 1, 0, 0 },
	{ "responsibilities", I_ROLE, 3, 0, 0 }, { "duties", I_ROLE, 3, 0, 0 },
	{ "tell me about", I_ROLE, 3, 0, 0 }, { "describe", I_ROLE, 3, 0, 0 },
	{ "explain", I_ROLE, 2, 0, 0 }, { "what is a", I_ROLE, 2, 0, 0 },
	{ "what is an", I_ROLE, 2, 0, 0 }, { "who is", I_ROLE, 1, 0, 0 },
	{ "handle", I_ROLE, 3, 0, 0 }, { "work on", I_ROLE, 2, 0, 0 },
	{ "job description", I_ROLE, 3, 0, 0 }, { "role", I_ROLE, 1, 0, 0 },
	{ "do all day", I_ROLE, 3, 0, 0 }, { "in charge of", I_ROLE, 3, 0, 0 },
	/* comparisons */
	{ "vs", I_COMPARE, 3, 0, 0 }, { "versus", I_COMPARE, 3, 0, 0 },
	{ "compare", I_COMPARE, 3, 0, 0 }, { "compared", I_COMPARE, 3, 0, 0 },
	{ "or", I_COMPARE, 1, 0, 0 }, { "than", I_COMPARE, 2, 0, 0 },
	{ "more than", I_COMPARE, 3, 0, 0 }, { "better", I_COMPARE, 2, 0, 0 },
	{ "out earn", I_COMPARE, 3, 0, 0 }, { "outearn", I_COMPARE, 3, 0, 0 },
	{ "outearns", I_COMPARE, 3, 0, 0 }, { "higher", I_COMPARE, 1, 0, 0 },
	{ "lower", I_COMPARE, 1, 0, 1 },
	{ "difference between", I_COMPARE, 2, 0, 0 },
	{ "which of", I_COMPARE, 1, 0, 0 }, { "two", I_COMPARE, 1, 0, 0 },
	/* what tells two jobs apart */
	{ "difference", I_DIFFERENCE, 2, 0, 0 },
	{ "differ", I_DIFFERENCE, 2, 0, 0 },
	{ "separates", I_DIFFERENCE, 2, 0, 0 },
	{ "same thing", I_DIFFERENCE, 3, 0, 0 },
	{ "who does what", I_DIFFERENCE, 3, 0, 0 },
	{ "what each does", I_DIFFERENCE, 3, 0, 0 },
	{ "does what", I_DIFFERENCE, 3, 0, 0 },
	/* skills and roles */
	{ "which roles", I_WHONEEDS, 2, 0, 0 },
	{ "what roles", I_WHONEEDS, 2, 0, 0 },
	{ "which jobs", I_WHONEEDS, 2, 0, 0 },
	{ "what jobs", I_WHONEEDS, 2, 0, 0 }, { "who needs", I_WHONEEDS, 3, 0, 0 },
	{ "who uses", I_WHONEEDS, 3, 0, 0 }, { "use", I_WHONEEDS, 1, 0, 0 },
	{ "uses", I_WHONEEDS, 1, 0, 0 }, { "want", I_WHONEEDS, 1, 0, 0 },
	{ "need", I_WHONEEDS, 1, 0, 0 }, { "needs", I_WHONEEDS, 1, 0, 0 },
	{ "jobs with", I_WHONEEDS, 2, 0, 0 }, { "roles with", I_WHONEEDS, 2, 0, 0 },
	{ "need", I_NEEDS, 1, 0, 0 }, { "needs", I_NEEDS, 1, 0, 0 },
	{ "require", I_NEEDS, 1, 0, 0 }, { "requires", I_NEEDS, 1, 0, 0 },
	{ "use", I_NEEDS, 1, 0, 0 }, { "uses", I_NEEDS, 1, 0, 0 },
	{ "have to know", I_NEEDS, 1, 0, 0 }, { "must know", I_NEEDS, 1, 0, 0 },
	{ "i know", I_MATCH, 4, 0, 0 }, { "i am good at", I_MATCH, 4, 0, 0 },
	{ "good at", I_MATCH, 3, 0, 0 }, { "i like", I_MATCH, 3, 0, 0 },
	{ "i enjoy", I_MATCH, 3, 0, 0 }, { "i love", I_MATCH, 3, 0, 0 },
	{ "my skills", I_MATCH, 4, 0, 0 }, { "i have", I_MATCH, 2, 0, 0 },
	{ "i can", I_MATCH, 2, 0, 0 }, { "i do", I_MATCH, 2, 0, 0 },
	{ "experience in", I_MATCH, 2, 0, 0 }, { "suits me", I_MATCH, 4, 0, 0 },
	{ "suit me", I_MATCH, 4, 0, 0 }, { "fits me", I_MATCH, 4, 0, 0 },
	{ "fit me", I_MATCH, 4, 0, 0 }, { "fits", I_MATCH, 3, 0, 0 },
	{ "fit", I_MATCH, 2, 0, 0 }, { "for me", I_MATCH, 2, 0, 0 },
	{ "what am i", I_MATCH, 3, 0, 0 }, { "should i", I_MATCH, 2, 0, 0 },
	{ "go for", I_MATCH, 1, 0, 0 }, { "which job", I_MATCH, 1, 0, 0 },
	{ "what job", I_MATCH, 1, 0, 0 }, { "what role", I_MATCH, 2, 0, 0 },
	{ "which role", I_MATCH, 2, 0, 0 }, { "what career", I_MATCH, 2, 0, 0 }, { "match", I_MATCH, 4, 0, 0 },
	{ "i am into", I_MATCH, 3, 0, 0 }, { "im into", I_MATCH, 3, 0, 0 },
	/* rankings */
	{ "highest", I_TOP, 3, 0, 0 }, { "the most", I_TOP, 3, 0, 0 },
	{ "earns the most", I_TOP, 5, 0, 0 }, { "pays the most", I_TOP, 5, 0, 0 },
	{ "makes the most", I_TOP, 5, 0, 0 }, { "highest paying", I_TOP, 4, 0, 0 },
	{ "highest paid", I_TOP, 4, 0, 0 }, { "best paying", I_TOP, 4, 0, 0 }, { "best paid", I_TOP, 3, 0, 0 },
	{ "best paying", I_TOP, 3, 0, 0 }, { "top", I_TOP, 2, 0, 0 },
	{ "most", I_TOP, 2, 0, 0 }, { "richest", I_TOP, 3, 0, 0 },
	{ "biggest", I_TOP, 2, 0, 0 }, { "rank", I_TOP, 3, 0, 0 },
	{ "ranking", I_TOP, 3, 0, 0 }, { "lowest", I_TOP, 3, 0, 1 },
	{ "rank them", I_TOP, CUE_SURE, 0, 0 }, { "rank all", I_TOP, CUE_SURE, 0, 0 },
	{ "rank the", I_TOP, CUE_SURE, 0, 0 },
	{ "least", I_TOP, 3, 0, 1 }, { "worst", I_TOP, 3, 0, 1 },
	{ "cheapest", I_TOP, 3, 0, 1 }, { "bottom", I_TOP, 2, 0, 1 },
	{ "top of the range", I_NONE, 0, PICK_MAX, 0 },
	{ "at the top", I_NONE, 0, PICK_MAX, 0 },
	{ "the top of", I_NONE, 0, PICK_MAX, 0 },
	{ "at the bottom", I_NONE, 0, PICK_MIN, 0 },
	{ "the bottom of", I_NONE, 0, PICK_MIN, 0 },
	{ "top of their range", I_NONE, 0, PICK_MAX, 0 },
	{ "top of its range", I_NONE, 0, PICK_MAX, 0 },
	{ "top of range", I_NONE, 0, PICK_MAX, 0 },
	{ "bottom of their range", I_NONE, 0, PICK_MIN, 0 },
	{ "bottom of its range", I_NONE, 0, PICK_MIN, 0 },
	{ "bottom of range", I_NONE, 0, PICK_MIN, 0 },
	{ "ceiling", I_NONE, 0, PICK_MAX, 0 }, { "max", I_NONE, 0, PICK_MAX, 0 },
	{ "maximum", I_NONE, 0, PICK_MAX, 0 },
	{ "bottom of the range", I_NONE, 0, PICK_MIN, 0 },
	{ "starting", I_NONE, 0, PICK_MIN, 0 }, { "floor", I_NONE, 0, PICK_MIN, 0 },
	{ "min", I_NONE, 0, PICK_MIN, 0 }, { "minimum", I_NONE, 0, PICK_MIN, 0 },
	{ "midpoint", I_NONE, 0, PICK_MID, 0 },
	{ "halfway", I_NONE, 0, PICK_MID, 0 },
	{ "mid point", I_NONE, 0, PICK_MID, 0 }, { "mid", I_NONE, 0, PICK_MID, 0 },
	{ "middle", I_NONE, 0, PICK_MID, 0 },
	{ "tops out", I_NONE, 0, PICK_MAX, 0 },
	{ "top end", I_NONE, 0, PICK_MAX, 0 },
	{ "high end", I_NONE, 0, PICK_MAX, 0 },
	{ "upper end", I_NONE, 0, PICK_MAX, 0 },
	{ "bottom end", I_NONE, 0, PICK_MIN, 0 },
	{ "low end", I_NONE, 0, PICK_MIN, 0 },
	{ "lower end", I_NONE, 0, PICK_MIN, 0 },
	{ "top out", I_NONE, 0, PICK_MAX, 0 },
	{ "start", I_NONE, 0, PICK_MIN, 0 }, { "starts", I_NONE, 0, PICK_MIN, 0 },
	{ "begin", I_NONE, 0, PICK_MIN, 0 }, { "begins", I_NONE, 0, PICK_MIN, 0 },
	{ "above", I_ABOVE, 3, 0, 0 }, { "over", I_ABOVE, 2, 0, 0 },
	{ "more than", I_ABOVE, 2, 0, 0 }, { "at least", I_ABOVE, 3, 0, 0 },
	{ "exceed", I_ABOVE, 3, 0, 0 }, { "go above", I_ABOVE, 3, 0, 0 },
	{ "below", I_BELOW, 3, 0, 0 }, { "under", I_BELOW, 3, 0, 0 },
	{ "less than", I_BELOW, 3, 0, 0 }, { "at most", I_BELOW, 3, 0, 0 },
	/* an amount held against the ranges; which comparator is
	 * entity.c's (cmp_words), these only route */
	{ "north of", I_AMOUNT, 4, 0, 0 }, { "south of", I_AMOUNT, 4, 0, 0 },
	{ "upwards of", I_AMOUNT, 4, 0, 0 },
	{ "greater than", I_AMOUNT, 3, 0, 0 },
	{ "lower than", I_AMOUNT, 3, 0, 0 }, { "beneath", I_AMOUNT, 2, 0, 0 },
	{ "or more", I_AMOUNT, 3, 0, 0 }, { "or less", I_AMOUNT, 3, 0, 0 },
	{ "and up", I_AMOUNT, 3, 0, 0 }, { "or above", I_AMOUNT, 3, 0, 0 },
	{ "or higher", I_AMOUNT, 3, 0, 0 }, { "or under", I_AMOUNT, 3, 0, 0 },
	{ "or below", I_AMOUNT, 3, 0, 0 }, { "up to", I_AMOUNT, 2, 0, 0 },
	{ "no less than", I_AMOUNT, 4, 0, 0 },
	{ "no more than", I_AMOUNT, 4, 0, 0 },
	{ "starts at", I_AMOUNT, 4, 0, 0 }, { "start at", I_AMOUNT, 4, 0, 0 },
	{ "starting at", I_AMOUNT, 4, 0, 0 },
	{ "starting from", I_AMOUNT, 4, 0, 0 },
	{ "begins at", I_AMOUNT, 4, 0, 0 }, { "begin at", I_AMOUNT, 4, 0, 0 },
	{ "bottoms out", I_AMOUNT, 5, PICK_MIN, 0 },
	{ "bottom out", I_AMOUNT, 5, PICK_MIN, 0 },
	{ "floor of", I_AMOUNT, 4, PICK_MIN, 0 },
	{ "maxes out", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "max out", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "maxing out", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "tops out at", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "top out at", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "caps at", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "capped at", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "caps out", I_AMOUNT, 5, PICK_MAX, 0 },
	{ "ceiling of", I_AMOUNT, 4, PICK_MAX, 0 },
	{ "peaks at", I_AMOUNT, 4, PICK_MAX, 0 },
	{ "midpoint of", I_AMOUNT, 4, PICK_MID, 0 },
	{ "paying", I_AMOUNT, 1, 0, 0 }, { "pay", I_AMOUNT, 1, 0, 0 },
	{ "pays", I_AMOUNT, 1, 0, 0 }, { "makes", I_AMOUNT, 1, 0, 0 },
	{ "earns", I_AMOUNT, 1, 0, 0 }, { "paid", I_AMOUNT, 1, 0, 0 },
	{ "jobs", I_AMOUNT, 1, 0, 0 }, { "roles", I_AMOUNT, 1, 0, 0 },
	{ "anything", I_AMOUNT, 1, 0, 0 }, { "around", I_AMOUNT, 1, 0, 0 },
	{ "between", I_BETWEEN, 4, 0, 0 }, { "from", I_BETWEEN, 1, 0, 0 },
	/* where an amount sits in one role's range */
	{ "i make", I_POSITION, 4, 0, 0 }, { "i earn", I_POSITION, 4, 0, 0 },
	{ "i am on", I_POSITION, 4, 0, 0 }, { "i get", I_POSITION, 3, 0, 0 },
	{ "i am paid", I_POSITION, 4, 0, 0 },
	{ "i am getting", I_POSITION, 3, 0, 0 },
	{ "i am making", I_POSITION, 4, 0, 0 },
	{ "i got", I_POSITION, 2, 0, 0 }, { "my salary", I_POSITION, 4, 0, 0 },
	{ "my pay", I_POSITION, 4, 0, 0 }, { "my offer", I_POSITION, 4, 0, 0 },
	{ "an offer", I_POSITION, 3, 0, 0 }, { "offer of", I_POSITION, 4, 0, 0 },
	{ "offered", I_POSITION, 4, 0, 0 }, { "lowball", I_POSITION, 5, 0, 0 },
	{ "lowballed", I_POSITION, 5, 0, 0 },
	{ "lowballing", I_POSITION, 5, 0, 0 },
	{ "low ball", I_POSITION, 5, 0, 0 },
	{ "underpaid", I_POSITION, 5, 0, 0 },
	{ "overpaid", I_POSITION, 5, 0, 0 },
	{ "is that good", I_POSITION, 4, 0, 0 },
	{ "is that a good", I_POSITION, 4, 0, 0 },
	{ "is it good", I_POSITION, 4, 0, 0 },
	{ "good offer", I_POSITION, 4, 0, 0 },
	{ "is that fair", I_POSITION, 4, 0, 0 },
	{ "is that decent", I_POSITION, 4, 0, 0 },
	{ "decent", I_POSITION, 1, 0, 0 }, { "good", I_POSITION, 2, 0, 0 },
	{ "bad", I_POSITION, 2, 0, 0 }, { "too low", I_POSITION, 4, 0, 0 },
	{ "fair", I_POSITION, 2, 0, 0 }, { "enough", I_POSITION, 2, 0, 0 },
	{ "where does that sit", I_POSITION, 5, 0, 0 },
	{ "where does it sit", I_POSITION, 5, 0, 0 },
	{ "where do i sit", I_POSITION, 5, 0, 0 },
	{ "where do i stand", I_POSITION, 5, 0, 0 },
	{ "where does that put me", I_POSITION, 5, 0, 0 },
	{ "where does that land", I_POSITION, 5, 0, 0 },
	{ "where does that fall", I_POSITION, 5, 0, 0 },
	{ "make", I_POSITION, 1, 0, 0 }, { "earn", I_POSITION, 1, 0, 0 },
	{ "paid", I_POSITION, 1, 0, 0 }, { "as a", I_POSITION, 1, 0, 0 },
	{ "as an", I_POSITION, 1, 0, 0 }, { "for a", I_POSITION, 1, 0, 0 },
	{ "for an", I_POSITION, 1, 0, 0 },
	/* one role's range, and the ranges that are the same */
	{ "spread", I_SPREAD, 4, 0, 0 }, { "how wide", I_SPREAD, 5, 0, 0 },
	{ "width", I_SPREAD, 5, 0, 0 }, { "wide", I_SPREAD, 3, 0, 0 },
	{ "span", I_SPREAD, 4, 0, 0 }, { "spans", I_SPREAD, 4, 0, 0 },
	{ "top and bottom", I_SPREAD, 3, 0, 0 },
	{ "widest", I_SPREAD, 5, 0, 0 }, { "narrowest", I_SPREAD, 5, 0, 1 },
	{ "tightest", I_SPREAD, 5, 0, 1 }, { "variation", I_SPREAD, 3, 0, 0 },
	{ "vary", I_SPREAD, 3, 0, 0 }, { "swing", I_SPREAD, 3, 0, 0 },
	{ "gap", I_SPREAD, 2, 0, 0 }, { "band", I_SPREAD, 1, 0, 0 },
	{ "midpt", I_SPREAD, 2, PICK_MID, 0 },
	{ "mid pt", I_SPREAD, 2, PICK_MID, 0 },
	{ "midpoint", I_SPREAD, 2, PICK_MID, 0 },
	{ "same range", I_SAME, 6, 0, 0 }, { "same ranges", I_SAME, 6, 0, 0 },
	{ "same pay", I_SAME, 6, 0, 0 }, { "same salary", I_SAME, 6, 0, 0 },
	{ "same salaries", I_SAME, 6, 0, 0 },
	{ "same figures", I_SAME, 6, 0, 0 },
	{ "same numbers", I_SAME, 6, 0, 0 },
	{ "same midpoint", I_SAME, 6, PICK_MID, 0 },
	{ "same starting", I_SAME, 6, PICK_MIN, 0 },
	{ "same bottom", I_SAME, 6, PICK_MIN, 0 },
	{ "same floor", I_SAME, 6, PICK_MIN, 0 },
	{ "same top", I_SAME, 6, PICK_MAX, 0 },
	{ "same ceiling", I_SAME, 6, PICK_MAX, 0 },
	{ "same max", I_SAME, 6, PICK_MAX, 0 },
	{ "identical", I_SAME, 5, 0, 0 }, { "share a range", I_SAME, 6, 0, 0 },
	{ "tied", I_SAME, 3, 0, 0 }, { "equal pay", I_SAME, 5, 0, 0 },
	{ "range", I_RANGE, 2, 0, 0 }, { "overall", I_RANGE, 2, 0, 0 },
	{ "spread", I_RANGE, 2, 0, 0 },
	{ "roles", I_ROLES, 1, 0, 0 }, { "jobs", I_ROLES, 1, 0, 0 },
	{ "list", I_ROLES, 2, 0, 0 }, { "categories", I_ROLES, 3, 0, 0 },
	{ "which roles do you", I_ROLES, 4, 0, 0 },
	{ "what jobs do you", I_ROLES, 4, 0, 0 },
	{ "what roles do you", I_ROLES, 4, 0, 0 },
	/* topics */
	{ "negotiate", I_TIPS, 5, 0, 0 }, { "negotiating", I_TIPS, 5, 0, 0 },
	{ "negotiation", I_TIPS, 5, 0, 0 }, { "perks", I_TIPS, 3, 0, 0 },
	{ "benefits", I_TIPS, 3, 0, 0 }, { "bonus", I_TIPS, 2, 0, 0 },
	{ "signing bonus", I_TIPS, 3, 0, 0 }, { "equity", I_TIPS, 2, 0, 0 },
	{ "stock options", I_TIPS, 3, 0, 0 }, { "offer", I_TIPS, 2, 0, 0 },
	{ "tips", I_TIPS, 2, 0, 0 }, { "beyond base", I_TIPS, 3, 0, 0 },
	{ "meta skills", I_METASKILLS, 6, 0, 0 },
	{ "metaskills", I_METASKILLS, 6, 0, 0 },
	{ "across roles", I_METASKILLS, 5, 0, 0 },
	{ "multipliers", I_METASKILLS, 5, 0, 0 },
	{ "any role", I_METASKILLS, 3, 0, 0 },
	{ "market value", I_KEYSKILLS, 6, 0, 0 },
	{ "key skills", I_KEYSKILLS, 6, 0, 0 }, { "resume", I_KEYSKILLS, 3, 0, 0 },
	{ "conclusion", I_CONCLUSIONS, 5, 0, 0 },
	{ "conclusions", I_CONCLUSIONS, 5, 0, 0 },
	{ "final thoughts", I_CONCLUSIONS, 5, 0, 0 },
	{ "takeaway", I_CONCLUSIONS, 4, 0, 0 },
	{ "takeaways", I_CONCLUSIONS, 4, 0, 0 },
	{ "sum up", I_CONCLUSIONS, 4, 0, 0 }, { "tldr", I_CONCLUSIONS, 4, 0, 0 },
	{ "sources", I_SOURCES, 4, 0, 0 }, { "which guides", I_SOURCES, 4, 0, 0 },
	{ "your data", I_SOURCES, 4, 0, 0 },
	{ "where do you get", I_SOURCES, 4, 0, 0 },
	/* what the figures are: year, country, currency, basis */
	{ "currency", I_DATA, 4, 0, 0 }, { "which country", I_DATA, 4, 0, 0 },
	{ "what country", I_DATA, 4, 0, 0 }, { "up to date", I_DATA, 4, 0, 0 },
	{ "how current", I_DATA, 4, 0, 0 }, { "how old", I_DATA, 3, 0, 0 },
	{ "which year", I_DATA, 3, 0, 0 }, { "what year", I_DATA, 3, 0, 0 },
	{ "outdated", I_DATA, 3, 0, 0 }, { "base or", I_DATA, 3, 0, 0 },
	{ "source", I_CITE, 4, 0, 0 }, { "citation", I_CITE, 5, 0, 0 },
	{ "cite", I_CITE, 5, 0, 0 }, { "says who", I_CITE, 5, 0, 0 },
	{ "proof", I_CITE, 4, 0, 0 }, { "where does that", I_CITE, 4, 0, 0 },
	{ "come from", I_CITE, 3, 0, 0 }, { "which line", I_CITE, 5, 0, 0 },
	{ "role of the day", I_HIGHLIGHT, 6, 0, 0 },
	{ "highlight", I_HIGHLIGHT, 5, 0, 0 },
	{ "more$", I_MORE, 3, 0, 0 }, { "go on", I_MORE, 3, 0, 0 },
	{ "continue", I_MORE, 3, 0, 0 }, { "keep going", I_MORE, 3, 0, 0 },
	{ "go ahead", I_MORE, 2, 0, 0 }, { "and then", I_MORE, 1, 0, 0 },
	{ "the rest", I_MORE, 3, 0, 0 }, { "next", I_MORE, 2, 0, 0 },
	/* what the guides say in prose */
	{ "^why", I_PASSAGE, 6, 0, 0 }, { "^how come", I_PASSAGE, 6, 0, 0 },
	{ "why", I_PASSAGE, 4, 0, 0 }, { "where", I_PASSAGE, 2, 0, 0 },
	{ "sectors", I_PASSAGE, 3, 0, 0 }, { "sector", I_PASSAGE, 3, 0, 0 },
	{ "industries", I_PASSAGE, 3, 0, 0 }, { "industry", I_PASSAGE, 3, 0, 0 },
	{ "areas", I_PASSAGE, 3, 0, 0 }, { "fields", I_PASSAGE, 3, 0, 0 },
	{ "in common", I_PASSAGE, 5, 0, 0 }, { "pattern", I_PASSAGE, 3, 0, 0 },
	{ "trend", I_PASSAGE, 3, 0, 0 }, { "trends", I_PASSAGE, 3, 0, 0 },
	{ "hiring", I_PASSAGE, 2, 0, 0 }, { "recruiting", I_PASSAGE, 2, 0, 0 },
	{ "according to", I_PASSAGE, 3, 0, 0 }, { "origin", I_PASSAGE, 3, 0, 0 },
	{ "invented", I_PASSAGE, 3, 0, 0 }, { "pioneered", I_PASSAGE, 4, 0, 0 },
	{ "platforms", I_PASSAGE, 2, 0, 0 }, { "companies", I_PASSAGE, 2, 0, 0 },
	{ "how does", I_PASSAGE, 1, 0, 0 }, { "differ", I_PASSAGE, 3, 0, 0 },
	{ "future", I_PASSAGE, 3, 0, 0 }, { "demand", I_PASSAGE, 2, 0, 0 },
	{ "cluster", I_PASSAGE, 3, 0, 0 }, { "traditional", I_PASSAGE, 2, 0, 0 },
	{ "came up with", I_PASSAGE, 4, 0, 0 }, { "come up with", I_PASSAGE, 4, 0, 0 },
	{ "created", I_PASSAGE, 3, 0, 0 }, { "history", I_PASSAGE, 3, 0, 0 },
	{ "work with", I_PASSAGE, 3, 0, 0 }, { "which clouds", I_PASSAGE, 3, 0, 0 },
	/* small talk */
	{ "hi", I_HELLO, 1, 0, 0 }, { "hello", I_HELLO, 1, 0, 0 },
	{ "hey", I_HELLO, 1, 0, 0 }, { "hiya", I_HELLO, 1, 0, 0 },
	{ "yo", I_HELLO, 1, 0, 0 }, { "sup", I_HELLO, 1, 0, 0 },
	{ "howdy", I_HELLO, 1, 0, 0 }, { "good morning", I_HELLO, 1, 0, 0 },
	{ "morning", I_HELLO, 1, 0, 0 }, { "greetings", I_HELLO, 1, 0, 0 },
	{ "thanks", I_THANKS, 1, 0, 0 }, { "thank you", I_THANKS, 1, 0, 0 },
	{ "cheers", I_THANKS, 1, 0, 0 }, { "appreciate it", I_THANKS, 1, 0, 0 },
	{ "who are you", I_ABOUT_BOT, 3, 0, 0 },
	{ "what are you", I_ABOUT_BOT, 3, 0, 0 },
	{ "are you a bot", I_ABOUT_BOT, 4, 0, 0 },
	{ "are you human", I_ABOUT_BOT, 4, 0, 0 },
	{ "your name", I_ABOUT_BOT, 6, 0, 0 }, { "ur name", I_ABOUT_BOT, 6, 0, 0 },
	{ "who made you", I_ABOUT_BOT, 6, 0, 0 },
	{ "help", I_HELP, 2, 0, 0 }, { "what can you do", I_HELP, 5, 0, 0 },
	{ "commands", I_HELP, 3, 0, 0 }, { "how do i use", I_HELP, 5, 0, 0 },
	{ "example questions", I_HELP, 5, 0, 0 },
	{ "examples", I_HELP, 3, 0, 0 }, { "usage", I_HELP, 3, 0, 0 },
	{ "how does this bot work", I_HELP, 5, 0, 0 },
	{ "how do you work", I_HELP, 5, 0, 0 },
	/* not what the guides are for */
	{ "stock tips", I_OFFTOPIC, 6, 0, 0 }, { "should i buy", I_OFFTOPIC, 6, 0, 0 },
	{ "invest", I_OFFTOPIC, 4, 0, 0 }, { "crypto price", I_OFFTOPIC, 6, 0, 0 },
	{ "write me", I_OFFTOPIC, 6, 0, 0 }, { "cover letter", I_OFFTOPIC, 6, 0, 0 },
	{ "write a", I_OFFTOPIC, 4, 0, 0 }, { "poem", I_OFFTOPIC, 6, 0, 0 },
	{ "joke", I_OFFTOPIC, 6, 0, 0 }, { "weather", I_OFFTOPIC, 6, 0, 0 },
	{ "recipe", I_OFFTOPIC, 6, 0, 0 }, { "translate", I_OFFTOPIC, 5, 0, 0 },
	{ "homework", I_OFFTOPIC, 5, 0, 0 }, { "interview questions", I_OFFTOPIC, 5, 0, 0 },
	{ "rewrite", I_OFFTOPIC, 5, 0, 0 }, { "trading at", I_OFFTOPIC, 6, 0, 0 },
	{ "price of", I_OFFTOPIC, 5, 0, 0 }, { "crypto", I_OFFTOPIC, 4, 0, 0 },
	{ "btc", I_OFFTOPIC, 5, 0, 0 }, { "bitcoin", I_OFFTOPIC, 5, 0, 0 }, { "resume for me", I_OFFTOPIC, 6, 0, 0 },
	{ NULL, 0, 0, 0, 0 }
};

/*
 * The parser's own words (stop words, written-out spellings, the first
 * word of each cue), as a hash set made on first use: question_word runs
 * for most words of every message, and three linear scans of the tables
 * were a fifth of the answer's time.  The tables are const; this is only
 * an index of them.
 */
#define TABLE_SLOTS	2048	/* a power of two, over twice the words */

static struct {
	const char	*w;
	size_t		 n;
	int		 cue;	/* the first cue that starts with w, or -1 */
} table_words[TABLE_SLOTS];
static int	cue_next[sizeof(cues) / sizeof(cues[0])];	/* chains */
/* the one-word cues a typo may be read as (weight 2+, five letters+) */
static int	typo_cues[sizeof(cues) / sizeof(cues[0])];
static size_t	typo_len[sizeof(cues) / sizeof(cues[0])];	/* their
						 * lengths, not a strlen a word */
static int	ntypo_cues;
static int	table_ready;

/* The slot of w (n bytes): its own, or the empty one it would take. */
static unsigned
table_slot(const char *w, size_t n)
{
	unsigned h = text_hash(w, n) & (TABLE_SLOTS - 1);

	for (; table_words[h].w; h = (h + 1) & (TABLE_SLOTS - 1))
		if (table_words[h].n == n && memcmp(table_words[h].w, w, n) == 0)
			break;
	return h;
}

static unsigned
table_add(const char *w, size_t n)
{
	unsigned h = table_slot(w, n);

	if (table_words[h].w == NULL) {
		table_words[h].w = w;
		table_words[h].n = n;
		table_words[h].cue = -1;
	}
	return h;
}

static void
table_make(void)
{
	unsigned h;
	int i;

	for (i = 0; stop_words[i]; i++)
		table_add(stop_words[i], strlen(stop_words[i]));
	for (i = 0; spellings[i].from; i++)
		table_add(spellings[i].to, strlen(spellings[i].to));
	for (i = 0; cues[i].phrase; i++)
		if (cues[i].weight >= 2 && strlen(cues[i].phrase) >= 5 &&
		    strchr(cues[i].phrase, ' ') == NULL) {
			typo_len[ntypo_cues] = strlen(cues[i].phrase);
			typo_cues[ntypo_cues++] = i;
		}
	/* each word's cues chained in reverse: the table's order kept */
	for (i = (int)(sizeof(cues) / sizeof(cues[0])) - 2; i >= 0; i--) {
		const char *w = cues[i].phrase + (cues[i].phrase[0] == '^');

		h = table_add(w, strcspn(w, " $"));
		cue_next[i] = table_words[h].cue;
		table_words[h].cue = i;
	}
	table_ready = 1;
}

/* The first cue that starts with word w, or -1. */
static int
first_cue(const char *w)
{
	unsigned h;

	if (!table_ready)
		table_make();
	h = table_slot(w, strlen(w));
	return table_words[h].w ? table_words[h].cue : -1;
}

int
question_word(const char *w)
{
	if (!table_ready)
		table_make();
	return table_words[table_slot(w, strlen(w))].w != NULL;
}

const char *
intent_name(enum intent_kind k)
{
	return k >= 0 && k < I_COUNT ? intent_defs[k].name : "none";
}

enum intent_kind
intent_kind_of(const char *name)
{
	int k;

	for (k = 0; k < I_COUNT; k++)
		if (strcmp(intent_defs[k].name, name) == 0)
			return (enum intent_kind)k;
	return I_COUNT;
}

static const char *const currency_signs[] = {
	"£", "€", "¥", "₹", "₩", "₽", "₿", NULL
};

const char *
question_currency(const char *text)
{
	int i;

	for (i = 0; currency_signs[i]; i++)
		if (strstr(text, currency_signs[i]))
			return currency_signs[i];
	return NULL;
}

/* ---- parsing -------------------------------------------------------- */

/* w is a job's head noun, singular or plural ("dev", "devs"). */
static int
job_word(const char *w)
{
	char one[Q_NAME_MAX];
	size_t n = strlen(w);

	if (index_job_head(w))
		return 1;
	if (n < 2 || n >= sizeof(one) || w[n - 1] != 's')
		return 0;
	memcpy(one, w, n - 1);
	one[n - 1] = '\0';
	return index_job_head(one);
}

/* How many one-letter words from w[i] spell a name word of the index
 * ("s r e" -> "sre"), the word in out; 0 when they do not. */
static int
spelled_out(struct index *ix, char **w, int n, int i, char *out, size_t len)
{
	size_t k = 0;
	int j;

	for (j = i; j < n && k + 1 < len && w[j][0] != '\0' &&
	    w[j][1] == '\0' && isalpha((unsigned char)w[j][0]); j++)
		out[k++] = w[j][0];
	out[k] = '\0';
	return j - i > 1 && index_name_word(ix, out) ? j - i : 0;
}

/*
 * text_editdist(a, la, b, lb, 1) without its table (respell asks it of
 * every one-word cue for each long word): 0 equal, 1 one edit apart (a
 * byte changed, added, dropped, or two neighbours swapped), else 2.
 * After the common start the one edit must come first, and the rest
 * match.
 */
static int
edit1(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0;

	if (la > EDIT1_MAX || lb > EDIT1_MAX)
		return 2;	/* as text_editdist says of a longer word */
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i == la)
			return 0;
		if (memcmp(a + i + 1, b + i + 1, la - i - 1) == 0)
			return 1;
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    memcmp(a + i + 2, b + i + 2, la - i - 2) == 0 ? 1 : 2;
	}
	if (la == lb + 1)
		return memcmp(a + i + 1, b + i, lb - i) == 0 ? 1 : 2;
	if (lb == la + 1)
		return memcmp(a + i, b + i + 1, la - i) == 0 ? 1 : 2;
	return 2;
}

/* Writes chat spellings out and fixes misspelt cue words. */
static char *
respell(struct index *ix, const char *norm)
{
	char *copy = xstrdup(norm), *w[Q_WORDS_MAX * 2];
	const struct cue *c;
	struct buf b = {0};
	int n = text_words(copy, w, Q_WORDS_MAX), i, k, best, keep;
	char joined[Q_NAME_MAX];
	const char *use, *cw;
	size_t len, cl;

	for (i = 0; i < n; i++) {
		use = w[i];
		/* "s.r.e.", "c i s o": letters typed apart that spell a name
		 * word are that word */
		if ((k = spelled_out(ix, w, n, i, joined, sizeof(joined))) > 1) {
			buf_printf(&b, "%s%s", b.len ? " " : "", joined);
			i += k - 1;
			continue;
		}
		/* "bc dev" is a blockchain developer, not "because dev": a
		 * short form before a job's head noun stays as typed */
		keep = i + 1 < n && job_word(w[i + 1]);
		for (k = 0; spellings[k].from && !keep; k++)
			if (spellings[k].from[0] == w[i][0] &&
			    strcmp(spellings[k].from, w[i]) == 0) {
				use = spellings[k].to;
				break;
			}
		len = strlen(use);
		/* "salery" -> "salary": one edit, on words of five or more,
		 * against one-word cues only */
		if (use == w[i] && len >= 5 && !question_word(use) &&
		    !index_name_word(ix, use)) {
			best = 2;
			cw = NULL;
			for (k = 0; k < ntypo_cues; k++) {
				cl = typo_len[k];
				/* one edit apart: lengths within one */
				if (cl + 1 < len || cl > len + 1)
					continue;
				c = &cues[typo_cues[k]];
				if (edit1(use, len, c->phrase, cl) < best) {
					best = 1;
					cw = c->phrase;
				}
			}
			if (cw)
				use = cw;
		}
		if (b.len)
			buf_putc(&b, ' ');
		buf_puts(&b, use);
	}
	free(copy);
	return buf_steal(&b);
}

/* w is one of the space-separated words of list. */
static int
in_words(const char *list, const char *w)
{
	size_t n = strlen(w);
	const char *p;

	for (p = list; (p = strstr(p, w)) != NULL; p++)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* Words i.. match phrase (and it may end there); returns its length. */
static int
phrase_at(struct intent *q, int i, const char *phrase)
{
	const char *p = phrase;
	size_t n;
	int k = i;

	if (*p == '^') {	/* it opens the question ("so why...") */
		for (k = 0; k < i; k++)
			if (!in_words(OPENERS, q->words[k]))
				return 0;
		k = i;
		p++;
	}
	while (*p && *p != '$') {
		if (k >= q->nwords || q->used[k])
			return 0;
		n = strcspn(p, " $");
		if (strlen(q->words[k]) != n || strncmp(q->words[k], p, n) != 0)
			return 0;
		k++;
		p += n;
		if (*p == ' ')
			p++;
	}
	if (*p == '$' && k != q->nwords)
		return 0;
	return k - i;
}


/*
 * The amounts of the raw text win over those of the words: "$185,000"
 * and "$150-160k" keep their punctuation there (text.c).  Two written
 * as one range compare as "between" unless a comparator says more.
 */
static void
find_amounts(struct intent *q, const char *text)
{
	long am[2];
	int n, range;

	if ((n = parse_amounts(text, am, 2, &range)) == 0)
		return;
	q->e.amount = am[0];
	q->e.amount2 = n > 1 ? am[1] : 0;
	if (range && q->e.cmp == CMP_NONE)
		q->e.cmp = CMP_BETWEEN;
}

/* The currency the raw text names ("in euros", "€"): a modifier. */
static void
find_currency(struct intent *q, const char *text)
{
	if (question_currency(text)) {
		if (q->e.mods == 0)
			snprintf(q->e.mod_word, sizeof(q->e.mod_word), "%s",
			    question_currency(text));
		q->e.mods |= MOD_CURRENCY;
	}
}

/* Which ends of a range the cues found so far speak of. */
struct ends_seen {
	int	 low;
	int	 high;
};

/* Cue c, found at a word: its weight for its intent (the heaviest of the
 * word's cues so far is *strongest), its measure, the ends it names. */
static void
cue_apply(struct intent *q, const struct cue *c, int *score, int *strongest,
    struct ends_seen *seen)
{
	score[c->kind] += c->weight;
	q->cues |= 1ULL << c->kind;
	if (c->weight > *strongest) {
		*strongest = c->weight;
		q->strong = c->kind;
		q->strong_weight = c->weight;
	}
	if (c->measure)
		q->measure = c->measure;
	q->lowest |= c->lowest;
	seen->low |= c->lowest || c->measure == PICK_MIN;
	seen->high |= (c->kind == I_TOP && !c->lowest) ||
	    c->measure == PICK_MAX;
	q->mean |= c->measure == PICK_MID;
	/* "the most and the least": both ends */
	if ((c->kind == I_TOP && c->weight >= 3) ||
	    (c->kind == I_SPREAD && c->weight >= 5))
		q->ends |= c->lowest ? 2 : 1;
}

/* The cues, longest first at each word: their weights added to score,
 * their words marked as the cues', both ends of a range and a mean. */
static void
read_cues(struct intent *q, int *score)
{
	struct ends_seen seen = { 0, 0 };
	int hits[Q_WORDS_MAX], i, k, n;
	const struct cue *c;

	memset(hits, 0, sizeof(hits));
	for (i = 0; i < q->nwords; i++) {
		int longest = 0, strongest = q->strong_weight;

		for (k = first_cue(q->words[i]); k >= 0; k = cue_next[k])
			if ((n = phrase_at(q, i, (c = &cues[k])->phrase)) > 0) {
				cue_apply(q, c, score, &strongest, &seen);
				if (n > longest)
					longest = n;
			}
		hits[i] = longest;
	}
	for (i = 0; i < q->nwords; i++)
		for (k = 0; k < hits[i]; k++)
			if (!q->used[i + k])
				q->used[i + k] = USED_CUE;
	q->both_ends = seen.low && seen.high;
	/* "the average of the min and max" (the guide's "average salary"
	 * alone is no midpoint) */
	for (i = 0; i < q->nwords && q->both_ends; i++)
		q->mean |= strcmp(q->words[i], "average") == 0 ||
		    strcmp(q->words[i], "avg") == 0 ||
		    strcmp(q->words[i], "mean") == 0;
}

/* The cued intents' scores with what the entities say: an intent whose
 * needs they meet gains its fit, one whose needs cannot be met all but
 * drops out. */
static void
fit_entities(const struct intent *q, int *score)
{
	const struct entities *e = &q->e;
	unsigned have;
	int k;

	have = (e->nroles + e->nunknown > 0 ? NEED_ROLE : 0) |
	    (e->nroles + e->nunknown >= 2 ? NEED_TWO : 0) |
	    (e->nskills > 0 ? NEED_SKILL : 0) |
	    (e->amount > 0 ? NEED_AMOUNT : 0);
	for (k = 0; k < I_COUNT; k++) {
		unsigned need = intent_defs[k].needs;

		if (score[k] == 0)
			continue;
		if ((need & have) == need)
			score[k] += intent_defs[k].fit;
		else if ((need & (NEED_SKILL | NEED_AMOUNT | NEED_TWO)) &
		    ~have)
			score[k] = score[k] > 2 ? 1 : 0;  /* cannot be met */
	}
	if (e->nskills > 0 && score[I_MATCH] > 0)
		score[I_MATCH] += e->nskills > 1 && e->nroles == 0 ? 3 : 2;
	if (e->category >= 0 && score[I_TOP] > 0)
		score[I_TOP] += 1;
	if (q->nwords > 2)
		score[I_MORE] = 0;	/* "more" alone, not "pays more" */
}

/* q->kind: the best score's intent, else what the entities alone
 * suggest. */
static void
choose_kind(struct intent *q, const int *score)
{
	const struct entities *e = &q->e;
	int k, best = I_NONE;

	for (k = 1; k < I_COUNT; k++)
		if (score[k] > score[best])
			best = k;
	if (score[best] <= 0) {
		/* no cue: what the entities alone suggest */
		if (e->nroles + e->nunknown >= 2)
			best = I_COMPARE;
		else if (e->nroles + e->nunknown == 1)
			best = I_SALARY;
		else if (e->nskills > 1)
			best = I_MATCH;		/* "siem + pentesting" */
		else if (e->nskills > 0)
			best = I_WHONEEDS;
		else if (e->category >= 0)
			best = I_ROLES;
		else
			best = I_NONE;
	} else
		q->cued = score[best];
	q->kind = (enum intent_kind)best;
}

/* What is left, for a passage search: no name, no stop word. */
static void
find_pwords(struct intent *q)
{
	int i, k;

	for (i = 0; i < q->nwords; i++) {
		if (q->used[i] == USED_ROLE || q->used[i] == USED_OTHER)
			continue;
		for (k = 0; stop_words[k]; k++)
			if (stop_words[k][0] == q->words[i][0] &&
			    strcmp(stop_words[k], q->words[i]) == 0)
				break;
		if (stop_words[k] || q->npwords >= Q_WORDS_MAX)
			continue;
		q->pwords[q->npwords++] = q->words[i];
	}
}

/* The message's words, what they name (entity.c), its amounts, its cues
 * and from them its intent, and the words left for a passage search. */
void
question_parse(struct index *ix, const char *text, size_t len,
    struct intent *q)
{
	int score[I_COUNT] = {0};
	char *norm;

	memset(q, 0, sizeof(*q));
	norm = text_norm(text, len);
	q->norm = respell(ix, norm);
	free(norm);
	q->nwords = text_words(q->norm, q->words, Q_WORDS_MAX);
	entities_find(ix, q, question_word);
	find_currency(q, text);
	find_amounts(q, text);
	read_cues(q, score);
	fit_entities(q, score);
	choose_kind(q, score);
	find_pwords(q);
}

void
question_free(struct intent *q)
{
	int i;

	for (i = 0; i < Q_WORDS_MAX; i++)
		free(q->owned[i]);
	free(q->norm);
	memset(q, 0, sizeof(*q));
}
