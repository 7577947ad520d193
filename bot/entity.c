/*
 * entity.c -- what a message is about: names found span by span.
 *
 * Each word may start a name.  From there the span grows a word at a
 * time while some name of the index still continues it, and the longest
 * span that is a name wins; other words never spoil a match, so "how
 * much do devops folks take home" finds DevOps whatever stands around it.
 * Each word is also read as people type it (index_read_name): a short
 * form written out ("mgr", "arhc"), two name words glued together
 * ("datascientist"), or, for a word that is no name's word (and no cue
 * word), its nearest name words within a typo's distance.  The longest
 * name wins, then the cheapest reading; a role so read keeps the words as
 * typed, for the answer to say how it read them.  Job titles that name no
 * role ("security engineer", "frontend dev", "nurse") become unknown
 * roles, so that they are never answered with a look-alike.  Tables
 * below grow by a line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "question.h"
#include "text.h"

struct modword {
	const char	*w;		/* one word, or two joined by a space */
	enum modifier	 m;
};

/* Modifiers the guides' figures do not cover. */
static const struct modword modwords[] = {
	{ "euro", MOD_CURRENCY }, { "euros", MOD_CURRENCY },
	{ "eur", MOD_CURRENCY }, { "pound", MOD_CURRENCY },
	{ "pounds", MOD_CURRENCY }, { "gbp", MOD_CURRENCY },
	{ "sterling", MOD_CURRENCY }, { "quid", MOD_CURRENCY },
	{ "yen", MOD_CURRENCY }, { "jpy", MOD_CURRENCY },
	{ "rupee", MOD_CURRENCY }, { "rupees", MOD_CURRENCY },
	{ "inr", MOD_CURRENCY }, { "lakh", MOD_CURRENCY },
	{ "lakhs", MOD_CURRENCY }, { "cad", MOD_CURRENCY },
	{ "aud", MOD_CURRENCY }, { "chf", MOD_CURRENCY },
	{ "franc", MOD_CURRENCY }, { "francs", MOD_CURRENCY },
	{ "yuan", MOD_CURRENCY }, { "rmb", MOD_CURRENCY },
	{ "peso", MOD_CURRENCY }, { "pesos", MOD_CURRENCY },
	{ "won", MOD_CURRENCY }, { "krona", MOD_CURRENCY },
	{ "zloty", MOD_CURRENCY }, { "rubles", MOD_CURRENCY },
	{ "bitcoin", MOD_CURRENCY }, { "btc", MOD_CURRENCY },
	{ "london", MOD_PLACE }, { "tokyo", MOD_PLACE },
	{ "berlin", MOD_PLACE }, { "paris", MOD_PLACE },
	{ "nyc", MOD_PLACE }, { "new york", MOD_PLACE },
	{ "san francisco", MOD_PLACE }, { "sf", MOD_PLACE },
	{ "bay area", MOD_PLACE }, { "silicon valley", MOD_PLACE },
	{ "seattle", MOD_PLACE }, { "austin", MOD_PLACE },
	{ "boston", MOD_PLACE }, { "chicago", MOD_PLACE },
	{ "toronto", MOD_PLACE }, { "sydney", MOD_PLACE },
	{ "bangalore", MOD_PLACE }, { "bengaluru", MOD_PLACE },
	{ "singapore", MOD_PLACE }, { "dublin", MOD_PLACE },
	{ "amsterdam", MOD_PLACE }, { "zurich", MOD_PLACE },
	{ "europe", MOD_PLACE }, { "eu", MOD_PLACE }, { "uk", MOD_PLACE },
	{ "india", MOD_PLACE }, { "germany", MOD_PLACE },
	{ "france", MOD_PLACE }, { "canada", MOD_PLACE },
	{ "australia", MOD_PLACE }, { "japan", MOD_PLACE },
	{ "china", MOD_PLACE }, { "brazil", MOD_PLACE },
	{ "asia", MOD_PLACE }, { "texas", MOD_PLACE },
	{ "california", MOD_PLACE }, { "remote", MOD_PLACE },
	{ "entry", MOD_LEVEL }, { "junior", MOD_LEVEL }, { "jr", MOD_LEVEL },
	{ "senior", MOD_LEVEL }, { "sr", MOD_LEVEL }, { "mid level", MOD_LEVEL },
	{ "mid career", MOD_LEVEL }, { "midlevel", MOD_LEVEL },
	{ "principal", MOD_LEVEL }, { "staff", MOD_LEVEL },
	{ "intern", MOD_LEVEL }, { "graduate", MOD_LEVEL },
	{ "new grad", MOD_LEVEL }, { "beginner", MOD_LEVEL },
	{ "experienced", MOD_LEVEL },
	{ "hour", MOD_PERIOD }, { "hourly", MOD_PERIOD },
	{ "hr", MOD_PERIOD }, { "month", MOD_PERIOD },
	{ "monthly", MOD_PERIOD }, { "week", MOD_PERIOD },
	{ "weekly", MOD_PERIOD }, { "biweekly", MOD_PERIOD },
	{ "median", MOD_STAT }, { "percentile", MOD_STAT },
	{ "p90", MOD_STAT }, { "p50", MOD_STAT }, { "90th", MOD_STAT },
	{ "75th", MOD_STAT }, { "quartile", MOD_STAT },
	{ "after tax", MOD_TAX }, { "after taxes", MOD_TAX },
	{ "net", MOD_TAX }, { "post tax", MOD_TAX }, { "pre tax", MOD_TAX },
	{ "before tax", MOD_TAX }, { "taxes", MOD_TAX },
	{ "faang", MOD_EMPLOYER }, { "maang", MOD_EMPLOYER },
	{ "google", MOD_EMPLOYER }, { "facebook", MOD_EMPLOYER },
	{ "amazon", MOD_EMPLOYER }, { "apple", MOD_EMPLOYER },
	{ "netflix", MOD_EMPLOYER }, { "microsoft", MOD_EMPLOYER },
	{ "openai", MOD_EMPLOYER }, { "nvidia", MOD_EMPLOYER },
	{ "startup", MOD_EMPLOYER }, { "startups", MOD_EMPLOYER },
	{ NULL, 0 }
};

/* Words that point back at the conversation. */
static const char *const refer_words[] = {
	"that", "it", "they", "them", "those", "this", "these", "their",
	"he", "she", "him", "her", "one", "ones", "both", "same", NULL
};

/* Words before a head noun that are not part of a job title ("tech" is:
 * "tech lead"). */
static const char *const title_stop[] = {
	"a", "an", "the", "as", "for", "of", "to", "my", "your", "our", "is",
	"be", "and", "or", "vs", "than", "do", "does", "what", "how", "good",
	"great", "best", "average", "typical", "paid", "paying", "well",
	"any", "like", "being", "i", "you", "salary", "salaries", "pay",
	"comp", "skills", "make", "earn", NULL
};

/* The parser's words ("tech stack", "market value", "it") that may
 * still qualify a job title: "tech lead", "market analyst", "it
 * manager". */
static const char *const title_cue_words[] = {
	"tech", "market", "stock", "it", NULL
};

/* Words after a head noun that make it a field, not a person: "dev
 * jobs", "sysadmin skills". */
static const char *const field_nouns[] = {
	"job", "jobs", "role", "roles", "position", "positions", "career",
	"careers", "work", "field", "fields", "skill", "skills", "side",
	"world", "team", "teams", "knowledge", "experience", "background",
	"tool", "tools", "category", "sector", "stuff", NULL
};

/* Words after an area's one-word name that keep it the area: "data
 * people", "security folks" (besides field_nouns and the parser's own
 * words). */
static const char *const area_people[] = {
	"people", "ppl", "folks", "guys", "person", "pros", "professionals",
	"specialists", "experts", "engineers", "engineer", "devs",
	"developers", "salary", "salaries", "pay", "money", "industry",
	"sector", "space", "area", "areas", NULL
};

static int
in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return 1;
	return 0;
}

/* w is a (first) word of a modifier: never a typo of a name. */
static int
is_modword(const char *w)
{
	const struct modword *m;
	size_t n = strlen(w);

	for (m = modwords; m->w; m++)
		if (m->w[0] == w[0] && strncmp(m->w, w, n) == 0 &&
		    (m->w[n] == '\0' || m->w[n] == ' '))
			return 1;
	return 0;
}

/* What find_names took each word for. */
struct took {
	int	kind;		/* enum name_kind, or -1 */
	int	words;		/* words of that name */
};

static void
copy_name(char *dst, char **w, int from, int to)
{
	struct buf b = {0};
	int i;

	for (i = from; i <= to; i++)
		buf_printf(&b, "%s%s", i > from ? " " : "", w[i]);
	snprintf(dst, Q_NAME_MAX, "%s", buf_str(&b));
	buf_free(&b);
}

static void
add_role(struct entities *e, const struct kb_role *r)
{
	int i;

	for (i = 0; i < e->nroles; i++)
		if (e->roles[i] == r)
			return;
	if (e->nroles < Q_ROLES_MAX)
		e->roles[e->nroles++] = r;
}

static void
add_skill(struct entities *e, int s)
{
	int i;

	for (i = 0; i < e->nskills; i++)
		if (e->skills[i] == s)
			return;
	if (e->nskills < Q_SKILLS_MAX)
		e->skills[e->nskills++] = s;
}

/* Records what a span names; roles win over skills and categories of
 * the same span ("big data" is the role, not the category). */
static int
take_refs(struct index *ix, struct entities *e, const struct name_ref *refs,
    int nrefs)
{
	const struct kb *kb = index_kb(ix);
	int k, role = 0, skill = 0;

	for (k = 0; k < nrefs; k++)
		role |= refs[k].kind == NAME_ROLE;
	for (k = 0; k < nrefs; k++) {
		if (refs[k].kind == NAME_ROLE)
			add_role(e, &kb->roles[refs[k].target]);
		else if (refs[k].kind == NAME_SKILL && !role) {
			add_skill(e, refs[k].target);
			skill = 1;
		} else if (refs[k].kind == NAME_CATEGORY && !role &&
		    e->category < 0)
			e->category = refs[k].target;
	}
	return role ? NAME_ROLE : skill ? NAME_SKILL : NAME_CATEGORY;
}

/* A role read from words that were not its name as typed: kept with the
 * words, for the answer to say how it read them. */
static void
add_read(struct entities *e, const struct kb_role *r, char **typed, int from,
    int to)
{
	int i;

	for (i = 0; i < e->nread; i++)
		if (e->read[i].role == r)
			return;
	if (e->nread < Q_ROLES_MAX) {
		e->read[e->nread].role = r;
		copy_name(e->read[e->nread++].typed, typed, from, to);
	}
}

/* Word j as it was read (a typo's name word), for a passage search; a
 * word read as two stays as typed. */
static void
fixed_spelling(struct intent *q, int j, const char *as)
{
	char *k = text_key(q->words[j]);

	if (strcmp(k, as) != 0 && strchr(as, ' ') == NULL) {
		free(q->owned[j]);
		q->words[j] = q->owned[j] = xstrdup(as);
	}
	free(k);
}

/*
 * "a data breach", "cloud bills": an area's one-word name before a noun
 * of the question's own names a kind of that noun, not the area, so
 * the question is not about the area's roles.
 */
static void
drop_compound_areas(struct intent *q, const struct took *t,
    int (*table_word)(const char *))
{
	int i, areas = 0, dropped = 0;
	const char *next;

	for (i = 0; i < q->nwords; i++) {
		if (q->used[i] != USED_CATEGORY)
			continue;
		areas++;
		if (t[i].words != 1 || i + 1 == q->nwords || q->used[i + 1])
			continue;
		next = q->words[i + 1];
		if (!isalpha((unsigned char)next[0]) || table_word(next) ||
		    in_list(next, field_nouns) || in_list(next, area_people) ||
		    in_list(next, title_stop))
			continue;
		q->used[i] = 0;
		dropped++;
	}
	if (dropped && dropped == areas)
		q->e.category = -1;
}

/*
 * Each word may start a name: the longest that the words from there can
 * be read as (index_read_name: as typed, short forms, glued words,
 * typos).  Two readings as close that name different roles are asked
 * back, as an unknown title, never guessed.
 */
/* Words that leave out the name after them ("other than", "apart from"
 * are two words). */
static const char *const leave_out[] = {
	"not", "non", "besides", "except", "excluding", "without", "but",
	"than", "from", NULL
};
static const char *const leave_out_two[] = {
	"other than", "apart from", "aside from", "rather than", NULL
};

/* 1 if the name at word i is left out: "non ai", "not a management
 * role", "besides research scientists", "other than devops". */
static int
left_out(const struct intent *q, int i)
{
	static const char *const articles[] = { "a", "an", "the", NULL };
	char two[2 * Q_NAME_MAX];
	int k = i - 1;

	if (k >= 0 && in_list(q->words[k], articles))
		k--;
	if (k < 0 || q->used[k] == USED_ROLE || q->used[k] == USED_CATEGORY)
		return 0;
	if (k >= 1) {
		snprintf(two, sizeof(two), "%s %s", q->words[k - 1],
		    q->words[k]);
		if (in_list(two, leave_out_two))
			return 1;
	}
	/* "than" and "from" alone compare ("more than devops") */
	return in_list(q->words[k], leave_out) &&
	    strcmp(q->words[k], "than") != 0 &&
	    strcmp(q->words[k], "from") != 0;
}

/* The name read at i is left out: kept apart, not asked about. */
static void
leave_name_out(struct index *ix, struct entities *e,
    const struct name_ref *refs, int nrefs)
{
	const struct kb *kb = index_kb(ix);
	int k;

	for (k = 0; k < nrefs; k++)
		if (refs[k].kind == NAME_ROLE && e->nxroles < Q_ROLES_MAX)
			e->xroles[e->nxroles++] = &kb->roles[refs[k].target];
		else if (refs[k].kind == NAME_CATEGORY && e->xcategory < 0)
			e->xcategory = refs[k].target;
}

static void
find_names(struct index *ix, struct intent *q, struct took *t,
    int (*table_word)(const char *))
{
	struct name_reader *rd;
	struct name_read r;
	char *typed[Q_WORDS_MAX];
	unsigned char fix[Q_WORDS_MAX];
	int i, j, kind;

	for (i = 0; i < q->nwords; i++) {
		typed[i] = q->words[i];
		/* the parser's own words and the modifiers are no typos */
		fix[i] = !q->used[i] && !table_word(q->words[i]) &&
		    !is_modword(q->words[i]);
	}
	rd = index_reader(ix, typed, q->nwords, fix);
	for (i = 0; i < q->nwords; i++) {
		if (q->used[i] || index_read_name(ix, rd, i, &r) == 0)
			continue;
		/* a name may not swallow a word already taken */
		for (j = i; j < i + r.len && !q->used[j]; j++)
			;
		if (j < i + r.len)
			continue;
		if (r.nroles > 1) {
			if (q->e.nunknown < Q_UNKNOWN_MAX)
				copy_name(q->e.unknown[q->e.nunknown++], typed,
				    i, i + r.len - 1);
			for (j = i; j < i + r.len; j++)
				q->used[j] = USED_OTHER;
			i += r.len - 1;
			continue;
		}
		if (left_out(q, i)) {
			leave_name_out(ix, &q->e, r.refs, r.nrefs);
			for (j = i; j < i + r.len; j++)
				q->used[j] = USED_OTHER;
			i += r.len - 1;
			continue;
		}
		kind = take_refs(ix, &q->e, r.refs, r.nrefs);
		if (r.cost > 0) {
			q->e.corrected = 1;
			if (kind == NAME_ROLE && !r.typed)
				add_read(&q->e, r.roles[0], typed, i,
				    i + r.len - 1);
		}
		for (j = i; j < i + r.len; j++) {
			q->used[j] = kind == NAME_ROLE ? USED_ROLE :
			    kind == NAME_SKILL ? USED_SKILL : USED_CATEGORY;
			t[j].kind = kind;
			t[j].words = r.len;
			if (r.cost > 0)
				fixed_spelling(q, j, r.as[j - i]);
		}
		i += r.len - 1;
	}
	index_reader_free(rd);
}

/*
 * Word i ends a job title: a head noun ("engineer", "sysadmin") not
 * taken for a role.  A head taken for a one-word skill or category name
 * ("sysadmin", "dev") is a person, not the field, after an article, in
 * the plural, or after a word that qualifies it ("frontend dev", "game
 * dev"), unless a field noun follows ("dev jobs").
 */
static int
title_head(struct intent *q, int i, const struct took *t,
    int (*table_word)(const char *))
{
	static const char *const articles[] = { "a", "an", NULL };
	char *k = text_key(q->words[i]);
	int head = index_job_head(k), plural = strcmp(k, q->words[i]) != 0;
	const char *prev = i > 0 ? q->words[i - 1] : NULL;

	free(k);
	if (!head)
		return 0;
	if (!q->used[i])
		return 1;
	if ((q->used[i] != USED_SKILL && q->used[i] != USED_CATEGORY) ||
	    t[i].words != 1 ||
	    (i + 1 < q->nwords && in_list(q->words[i + 1], field_nouns)))
		return 0;
	if (plural || (prev && in_list(prev, articles)))
		return 1;
	return prev && !isdigit((unsigned char)prev[0]) &&
	    !in_list(prev, title_stop) && (q->used[i - 1] == USED_SKILL ||
	    q->used[i - 1] == USED_CATEGORY ||
	    (!q->used[i - 1] && !table_word(prev)));
}

/* Job titles that name no role: "software engineer", "nurse", "swe". */
static void
find_unknown_roles(struct intent *q, const struct took *t,
    int (*table_word)(const char *))
{
	struct entities *e = &q->e;
	int i, from;

	for (i = 0; i < q->nwords && e->nunknown < Q_UNKNOWN_MAX; i++) {
		if (!title_head(q, i, t, table_word))
			continue;
		/* "qa engineer": the title ends at its last head */
		if (i + 1 < q->nwords && title_head(q, i + 1, t, table_word))
			continue;
		from = i;
		while (from > 0 && i - from < 2 &&
		    (!q->used[from - 1] || t[from - 1].kind != NAME_ROLE) &&
		    q->used[from - 1] != USED_OTHER &&
		    !in_list(q->words[from - 1], title_stop) &&
		    (!table_word(q->words[from - 1]) ||
		    in_list(q->words[from - 1], title_cue_words)) &&
		    !isdigit((unsigned char)q->words[from - 1][0]))
			from--;
		/* "lead"/"head" only as the last word of a title */
		if ((strcmp(q->words[i], "lead") == 0 ||
		    strcmp(q->words[i], "head") == 0) && from == i)
			continue;	/* "lead threat modeling" */
		copy_name(e->unknown[e->nunknown++], q->words, from, i);
		for (; from <= i; from++) {
			/* "security engineer": not the category; a skill
			 * stays one ("which roles want rust devs") */
			if (t[from].kind == NAME_CATEGORY)
				e->category = -1;
			q->used[from] = USED_OTHER;
		}
	}
}

static void
find_modifiers(struct intent *q)
{
	const struct modword *m;
	size_t n;
	int i;

	for (i = 0; i < q->nwords; i++) {
		if (q->used[i])
			continue;
		n = strlen(q->words[i]);
		for (m = modwords; m->w; m++) {
			/* the first byte first: this runs for most words */
			if (m->w[0] != q->words[i][0] ||
			    strncmp(m->w, q->words[i], n) != 0)
				continue;
			if (m->w[n] == '\0') {
				;
			} else if (m->w[n] == ' ' && i + 1 < q->nwords &&
			    !q->used[i + 1] &&
			    strcmp(m->w + n + 1, q->words[i + 1]) == 0) {
				q->used[i + 1] = USED_OTHER;
			} else
				continue;
			if (q->e.mods == 0)
				snprintf(q->e.mod_word, sizeof(q->e.mod_word),
				    "%s", m->w);
			q->e.mods |= m->m;
			q->used[i] = USED_OTHER;
			break;
		}
	}
}

/* Years, counts and amounts written as words ("150 thousand"). */
static void
find_numbers(struct intent *q)
{
	long v;
	int i;
	char *end;

	for (i = 0; i < q->nwords; i++) {
		const char *w = q->words[i];

		if (!isdigit((unsigned char)w[0]))
			continue;
		v = strtol(w, &end, 10);
		if (*end == 'k' && (end[1] == '\0' || (end[1] == '+' &&
		    end[2] == '\0')) && v > 0 && v < 100000) {
			if (q->e.amount == 0)
				q->e.amount = v * 1000;
		} else if (*end != '\0') {
			continue;
		} else if (i + 1 < q->nwords &&
		    (strcmp(q->words[i + 1], "thousand") == 0 ||
		    strcmp(q->words[i + 1], "grand") == 0 ||
		    strcmp(q->words[i + 1], "k") == 0) && v > 0 &&
		    v < 100000) {
			q->e.amount = v * 1000;
			q->used[i + 1] = USED_OTHER;
		} else if (strlen(w) == 4 && v >= 1990 && v <= 2100) {
			if (v != 2026 && !(q->e.mods & MOD_YEAR)) {
				if (q->e.mods == 0)
					snprintf(q->e.mod_word,
					    sizeof(q->e.mod_word), "%ld", v);
				q->e.mods |= MOD_YEAR;
			}
		} else if (v >= 1 && v <= 50 && q->e.count == 0) {
			q->e.count = (int)v;
		} else if (v >= 1000 && v <= AMOUNT_MAX && q->e.amount == 0) {
			q->e.amount = v;
		} else
			continue;
		q->used[i] = USED_OTHER;
	}
}

/*
 * How many are asked for in words: "the three worst paid", "rank them
 * all" (all: not the last answer's roles, whatever "them" says), or one
 * ("the lowest paying role", "best paid job": a singular head; a plural
 * anywhere keeps the default).  Grows by a line.
 */
static const struct { const char *w; int n; } count_words[] = {
	{ "two", 2 }, { "three", 3 }, { "four", 4 }, { "five", 5 },
	{ "six", 6 }, { "seven", 7 }, { "eight", 8 }, { "nine", 9 },
	{ "ten", 10 }, { "dozen", 12 }, { "all", Q_COUNT_ALL },
	{ "every", Q_COUNT_ALL }, { "everything", Q_COUNT_ALL },
	{ NULL, 0 }
};
static const char *const one_heads[] = {
	"role", "job", "position", "gig", "career", "title", "occupation",
	"profession", NULL
};
static const char *const many_heads[] = {
	"roles", "jobs", "positions", "gigs", "careers", "titles", "ones",
	"occupations", "professions", "fields", "areas", "categories", NULL
};

/* 1 when the message asks for all there are ("rank all 10"). */
static int
find_count(struct intent *q)
{
	int i, k, one = 0, many = 0, all = 0;

	for (i = 0; i < q->nwords; i++)
		for (k = 0; count_words[k].w && !q->used[i]; k++)
			if (strcmp(q->words[i], count_words[k].w) == 0) {
				all |= count_words[k].n == Q_COUNT_ALL;
				if (q->e.count == 0)
					q->e.count = count_words[k].n;
				break;
			}
	for (i = 0; i < q->nwords; i++) {
		one |= in_list(q->words[i], one_heads);
		many |= in_list(q->words[i], many_heads);
	}
	if (q->e.count == 0 && one && !many)
		q->e.count = 1;
	return all;
}

/*
 * Comparators, strongest first: a direction wins over the end of the
 * range a phrase names ("starts above 150k" is above, compared at the
 * bottom: the cue "start" picks that end).  Their words are left for the
 * cue table, which routes the question (question.c).
 */
static const struct { const char *w; enum comparator cmp; } cmp_words[] = {
	{ "between", CMP_BETWEEN },
	{ "at least", CMP_ATLEAST }, { "or more", CMP_ATLEAST },
	{ "and up", CMP_ATLEAST }, { "and above", CMP_ATLEAST },
	{ "or above", CMP_ATLEAST }, { "or higher", CMP_ATLEAST },
	{ "and over", CMP_ATLEAST }, { "or over", CMP_ATLEAST },
	{ "no less than", CMP_ATLEAST }, { "not less than", CMP_ATLEAST },
	{ "at most", CMP_ATMOST }, { "or less", CMP_ATMOST },
	{ "or under", CMP_ATMOST }, { "or below", CMP_ATMOST },
	{ "or lower", CMP_ATMOST }, { "and below", CMP_ATMOST },
	{ "and under", CMP_ATMOST }, { "no more than", CMP_ATMOST },
	{ "not more than", CMP_ATMOST }, { "up to", CMP_ATMOST },
	{ "over", CMP_ABOVE }, { "above", CMP_ABOVE },
	{ "more than", CMP_ABOVE }, { "north of", CMP_ABOVE },
	{ "upwards of", CMP_ABOVE }, { "greater than", CMP_ABOVE },
	{ "higher than", CMP_ABOVE }, { "exceed", CMP_ABOVE },
	{ "exceeds", CMP_ABOVE }, { "beyond", CMP_ABOVE },
	{ "under", CMP_BELOW }, { "below", CMP_BELOW },
	{ "less than", CMP_BELOW }, { "south of", CMP_BELOW },
	{ "lower than", CMP_BELOW }, { "beneath", CMP_BELOW },
	{ "starts at", CMP_STARTS }, { "start at", CMP_STARTS },
	{ "starting at", CMP_STARTS }, { "starting from", CMP_STARTS },
	{ "starts from", CMP_STARTS }, { "begins at", CMP_STARTS },
	{ "begin at", CMP_STARTS }, { "bottoms out", CMP_STARTS },
	{ "bottom out", CMP_STARTS }, { "bottoming out", CMP_STARTS },
	{ "floor of", CMP_STARTS }, { "floor", CMP_STARTS },
	{ "starting", CMP_STARTS }, { "starts", CMP_STARTS },
	{ "maxes out", CMP_TOPS }, { "max out", CMP_TOPS },
	{ "maxing out", CMP_TOPS }, { "maxed out", CMP_TOPS },
	{ "tops out", CMP_TOPS }, { "top out", CMP_TOPS },
	{ "topping out", CMP_TOPS }, { "caps at", CMP_TOPS },
	{ "capped at", CMP_TOPS }, { "caps out", CMP_TOPS },
	{ "cap at", CMP_TOPS }, { "cap of", CMP_TOPS },
	{ "ceiling of", CMP_TOPS }, { "ceiling", CMP_TOPS },
	{ "peaks at", CMP_TOPS }, { "peak at", CMP_TOPS },
	{ "midpoint", CMP_MID }, { "mid point", CMP_MID },
	{ NULL, CMP_NONE }
};

/* The words of phrase stand at word i, free (compared in place: this
 * runs for most words of every message). */
static int
words_at(const struct intent *q, int i, const char *phrase)
{
	const char *p = phrase;
	size_t n;

	while (*p) {
		n = strcspn(p, " ");
		if (i >= q->nwords || q->used[i] ||
		    strncmp(q->words[i], p, n) != 0 || q->words[i][n] != '\0')
			return 0;
		i++;
		for (p += n; *p == ' '; p++)
			;
	}
	return 1;
}

/* The strongest comparator anywhere in the message; "150k+" is "at
 * least".  Nothing is taken: the cue table reads the same words. */
static void
find_comparator(struct intent *q)
{
	const char *w;
	int i, k, plus, best = -1;

	for (i = 0; i < q->nwords; i++) {
		w = q->words[i];
		plus = isdigit((unsigned char)w[0]) && w[strlen(w) - 1] == '+';
		/* only a stronger one than the best so far */
		for (k = 0; cmp_words[k].w && (best < 0 || k < best); k++)
			if ((plus && cmp_words[k].cmp == CMP_ATLEAST) ||
			    (cmp_words[k].w[0] == w[0] &&
			    words_at(q, i, cmp_words[k].w))) {
				best = k;
				break;
			}
	}
	if (best >= 0)
		q->e.cmp = cmp_words[best].cmp;
}

/* Which guide: "the older guide", "according to the 2026 article". */
static const struct { const char *w; int guide; } guide_words[] = {
	{ "older", 1 }, { "old", 1 }, { "undated", 1 }, { "first", 1 },
	{ "earlier", 1 }, { "other", 3 },	/* 3: not the last one */ { "2026", 2 }, { "newer", 2 },
	{ "new", 2 }, { "latest", 2 }, { "recent", 2 }, { "second", 2 },
	{ "dated", 2 }, { "both", 4 }, { "two", 4 },	/* 4: each in turn */
	{ NULL, 0 }
};

/* "only in the older guide" (that guide's own roles); "not in the 2026
 * guide", "that the old one doesn't have" (the other's, or the first
 * named's when both are) */
static const char *const only_words[] = {
	"only", "exclusive", "exclusively", "just", NULL
};
static const char *const lack_words[] = {
	"not", "lacks", "lack", "missing", "without", "except", NULL
};

/* After find_guide: whose own roles a list asks for, or 0. */
static void
find_guide_only(struct intent *q)
{
	int i, only = 0, lack = 0;
	struct entities *e = &q->e;

	for (i = 0; i < q->nwords; i++) {
		only |= in_list(q->words[i], only_words);
		lack |= in_list(q->words[i], lack_words);
	}
	e->guide_only = 0;
	if (e->guide_first == 0 || (e->guide != 1 && e->guide != 2 &&
	    e->guide != 4))
		return;
	if (only)
		e->guide_only = e->guide_first;
	else if (lack)
		e->guide_only = e->guide == 4 ? e->guide_first :
		    3 - e->guide;
}

static void
find_guide(struct intent *q)
{
	int i, k;

	for (i = 0; i + 1 < q->nwords; i++) {
		const char *next = q->words[i + 1];

		/* "the older guide", "the 2026 one" (not "the other one":
		 * that is the other role) */
		if (strcmp(next, "guide") != 0 && strcmp(next, "guides") != 0 &&
		    strcmp(next, "article") != 0 && (strcmp(next, "one") != 0 ||
		    strcmp(q->words[i], "other") == 0))
			continue;
		for (k = 0; guide_words[k].w; k++)
			if (strcmp(guide_words[k].w, q->words[i]) == 0) {
				/* "the undated guide ... vs the 2026 guide" */
				q->e.guide = q->e.guide && q->e.guide !=
				    guide_words[k].guide ? 4 :
				    guide_words[k].guide;
				if (q->e.guide_first == 0)
					q->e.guide_first =
					    guide_words[k].guide;
				q->used[i] = q->used[i + 1] = USED_OTHER;
				break;
			}
	}
}

/* 1 if typed word w is word n of a name, or they share NAMESAKE_STEM
 * letters or more ("science", "scientist"; "cyber", "cybersecurity"). */
#define NAMESAKE_STEM	4
static int
same_stem(const char *w, const char *n, size_t len)
{
	size_t k;

	for (k = 0; k < len && w[k] && tolower((unsigned char)n[k]) == w[k];
	    k++)
		;
	return (k == len && w[k] == '\0') || k >= NAMESAKE_STEM;
}

/* How many of the typed words some name of r holds (its title, its
 * aliases, its titles in the guides). */
static int
namesake_score(const struct kb_role *r, char **w, int n)
{
	const char *names[64], *p, *e;
	int nn = 0, i, k, got = 0, hit;

	names[nn++] = r->title;
	for (i = 0; i < r->naliases && nn < 64; i++)
		names[nn++] = r->aliases[i];
	for (i = 0; i < n; i++) {
		for (hit = 0, k = 0; k < nn && !hit; k++)
			for (p = names[k]; *p && !hit; p = *e ? e + 1 : e) {
				for (e = p; *e && *e != ' ' && *e != '-'; e++)
					;
				hit = same_stem(w[i], p, (size_t)(e - p));
			}
		got += hit;
	}
	return got;
}

/* The category's role its typed words name best, when one alone does. */
static void
find_cat_role(struct index *ix, struct intent *q)
{
	const struct kb *kb = index_kb(ix);
	char *w[Q_WORDS_MAX];
	int i, n = 0, s, best = 0, tie = 0;

	q->e.cat_role = NULL;
	if (q->e.category < 0)
		return;
	for (i = 0; i < q->nwords; i++)
		if (q->used[i] == USED_CATEGORY)
			w[n++] = q->words[i];
	for (i = 0; i < kb->nroles && n > 0; i++) {
		if (kb->roles[i].category != q->e.category)
			continue;
		if ((s = namesake_score(&kb->roles[i], w, n)) > best) {
			best = s;
			tie = 0;
			q->e.cat_role = &kb->roles[i];
		} else if (s == best && s > 0)
			tie = 1;
	}
	if (tie)
		q->e.cat_role = NULL;
}

void
entities_find(struct index *ix, struct intent *q,
    int (*table_word)(const char *))
{
	struct took t[Q_WORDS_MAX];
	int i, all;

	for (i = 0; i < Q_WORDS_MAX; i++) {
		t[i].kind = -1;
		t[i].words = 0;
	}
	q->e.category = -1;
	q->e.xcategory = -1;
	find_guide(q);
	find_guide_only(q);
	find_numbers(q);
	find_names(ix, q, t, table_word);
	drop_compound_areas(q, t, table_word);
	find_unknown_roles(q, t, table_word);
	find_modifiers(q);
	find_comparator(q);
	find_cat_role(ix, q);
	/* "without ai knowledge, i hate ai": left out wins */
	if (q->e.category >= 0 && q->e.category == q->e.xcategory)
		q->e.category = -1;
	all = find_count(q);
	for (i = 0; i < q->nwords && !all; i++)	/* "them all": all */
		if (!q->used[i] && in_list(q->words[i], refer_words))
			q->e.refers = 1;
}
