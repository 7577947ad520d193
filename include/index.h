/*
 * index.h -- the SQLite FTS5 index over the knowledge base.
 *
 * Built from a kb at start, in memory or in a cache file that is rebuilt
 * whenever the knowledge changes (its hash is stored with it).  Lookups
 * take raw user text: it is normalised here and only ever reaches SQL as
 * bound parameters or as quoted FTS5 strings, so no input can produce an
 * SQLite error.  The index borrows the kb; free the index first.
 */
#ifndef TECHPAY_INDEX_H
#define TECHPAY_INDEX_H

#include "kb.h"

#define INDEX_ALTS_MAX		4	/* "did you mean" candidates */
#define INDEX_QUERY_WORDS	8	/* longer names are not role names */

struct index;

enum measure {
	MEASURE_MID,		/* midpoint of the range (default) */
	MEASURE_MIN,		/* bottom of the range */
	MEASURE_MAX		/* top of the range */
};

struct role_hit {
	const struct kb_role	*role;		/* NULL: no single match */
	int			 corrected;	/* found after reading a short
						 * form, glued words or a typo */
	int			 ambiguous;	/* several matched: see alts */
	/* ambiguous: the roles it may be; otherwise, with no role, the
	 * closest covered roles, which are different jobs */
	const struct kb_role	*alts[INDEX_ALTS_MAX];
	int			 nalts;
};

/*
 * The index of kb, in memory (cache_path NULL) or in the file
 * cache_path; NULL with err filled.  Who frees what: the index borrows
 * kb, which must outlive it (index_free first, then kb_free), and keeps
 * nothing of cache_path; index_free frees all the index holds.
 */
struct index	*index_new(const struct kb *, const char *cache_path,
		    char *err, size_t errlen);
void		 index_free(struct index *);
/* The knowledge the index was built from. */
const struct kb	*index_kb(const struct index *);
/* 1 if the index was read from an up-to-date cache file */
int		 index_from_cache(const struct index *);

/*
 * Resolves user text to one role, several candidates, or nothing.  The
 * text is read as a name as index_read_name reads it; failing that, a
 * role whose title or aliases hold every word, unless the text ends in a
 * job's head noun ("software engineer" is not the Software Engineering
 * Manager, "product manager" not the AI Product Manager).
 */
void		 index_find_role(struct index *, const char *text,
		    struct role_hit *);
/*
 * For a job title that is no role's: the roles it may be when two
 * readings of it are as close (ambiguous), else the closest covered
 * roles, which are different jobs.  hit->role stays NULL.
 */
void		 index_near_roles(struct index *, const char *text,
		    struct role_hit *);
/* Category index for user text, or -1. */
int		 index_find_category(struct index *, const char *text);
/* Skill indices matching user text (exact name or alias first, then
 * full-text); returns how many were written to out. */
int		 index_find_skills(struct index *, const char *text, int *out,
		    int max);
/* Roles that list any of the skills, in kb order; returns the count. */
int		 index_roles_with_skills(struct index *, const int *skills,
		    int nskills, const struct kb_role **out, int max);
/*
 * Roles with a figure ordered by the measure (highest first, or lowest
 * first when asc), optionally only those whose measure is above/below
 * `bound` (0 = no bound).  Returns the count written to out.
 */
int		 index_rank(struct index *, enum measure, int asc, long bound,
		    const struct kb_role **out, int max);

/* ---- names, span by span (the question parser's entities) ---------- */

enum name_kind { NAME_ROLE = 0, NAME_SKILL = 1, NAME_CATEGORY = 2 };

struct name_ref {
	enum name_kind	 kind;
	int		 target;	/* index into kb->roles/skills/categories */
};

/* The records named exactly by key (a text_key); returns the count. */
int		 index_names(struct index *, const char *key,
		    struct name_ref *out, int max);
/* 1 if some name's key starts with key followed by another word. */
int		 index_name_continues(struct index *, const char *key);
/* 1 if word is a word of some role, skill or category name. */
int		 index_name_word(struct index *, const char *word);
/* 1 if key (a text_key word) is the head noun of a job title:
 * "engineer", "manager", "nurse", "sysadmin". */
int		 index_job_head(const char *key);

/*
 * Names read with what people type: each word as typed, a short form
 * written out ("mgr", "arhc", "bc"), two name words glued together
 * ("datascientist"), or a typo of a name word within the edit distance
 * for its length.  Short forms and glued words are read only inside a
 * role's name of two words or more, so "sec" alone stays a word.
 */
struct name_reader;

struct name_read {
	int		 len;		/* words of the text it spans; 0: none */
	int		 cost;		/* 0: as typed; one a short form or
					 * glued word, one an edit */
	struct name_ref	 refs[8];	/* what the cheapest reading names */
	int		 nrefs;
	/* every role a reading of that length and cost names: two or
	 * more, and it is a question, not an answer */
	const struct kb_role *roles[INDEX_ALTS_MAX];
	int		 nroles;
	int		 typed;		/* fewer of the words, as typed, name
					 * the same one role ("senior full
					 * stack" of "senior full stack dev"):
					 * nothing to say about the reading */
	const char	*as[INDEX_QUERY_WORDS];	/* each word as read (the
					 * reader's), for len words */
};

/* The readings of words[0..n); a word whose fix[] is 0 is not taken for a
 * typo or glued words (fix may be NULL: all may be).  Free with
 * index_reader_free. */
struct name_reader *index_reader(struct index *, char **words, int n,
		    const unsigned char *fix);
/* The longest name words[i..] can be read as, the cheapest reading of
 * that length; returns its length in words, 0 if none. */
int		 index_read_name(struct index *, const struct name_reader *,
		    int i, struct name_read *);
void		 index_reader_free(struct name_reader *);

/* ---- passages: every sentence and bullet of the guides ------------- */

#define PASSAGE_TEXT_MAX	700	/* bytes of one quoted passage */

struct passage {
	const struct kb_source	*source;
	int			 line;		/* 1-based, in the guide */
	int			 role;		/* kb->roles index, -1: none */
	double			 score;		/* bm25: lower is better */
	char			 text[PASSAGE_TEXT_MAX];
};

/*
 * The passages best matching any of the words (stemmed), best first;
 * role >= 0 limits the search to that role's part of the guides.  A
 * sentence that leans on the one before it ("That leverage explains
 * why...") comes with it.  Returns the count.
 */
int		 index_passages(struct index *, char **words, int nwords,
		    int role, struct passage *out, int max);

/* Value of a measure for a role with a figure, in twice the currency
 * unit so that a midpoint stays a whole number. */
long		 measure_x2(const struct kb_role *, enum measure);

#endif
