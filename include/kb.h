/*
 * kb.h -- the knowledge base: roles, skills, topics and their sources.
 *
 * Loaded from the JSON files described in knowledge/README.md, either from
 * a directory or from the copy embedded in the binary at build time.  The
 * loader checks the whole schema (types, unknown keys, references, unique
 * aliases) and either returns a complete kb or none at all: the bot never
 * serves a half-loaded index.
 *
 * The records are plain read-only data.  Everything they hold (arrays,
 * vectors, strings, the guides' text) is copied into the kb's one arena
 * (arena.h) as it is read; the parsed JSON is freed file by file, and
 * kb_free() releases everything at once.
 */
#ifndef TECHPAY_KB_H
#define TECHPAY_KB_H

#include <stddef.h>
#include <stdint.h>

#define KB_ERR_MAX	4096	/* room for the collected loader errors */

struct kb_source {
	const char	*id;		/* "guide-2026" */
	const char	*file;
	const char	*title;
	const char	*label;		/* "2026 guide": how answers name it */
	int		 year;		/* 0 when undated */
	/* the guide itself (guides/FILE), for passages and citations; NULL
	 * when the knowledge came without it.  In the kb's arena. */
	const char	*text;
	size_t		 textlen;
};

struct kb_category {
	const char	*id;
	const char	*name;
	const char	**aliases;
	int		 naliases;
	const struct kb_source *source;
	const char	*heading;
};

struct kb_skill {
	const char	*id;
	const char	*name;		/* short display form */
	const char	**aliases;
	int		 naliases;
};

struct kb_pay {
	int		 has_figure;
	long		 min, max;	/* whole currency units */
	int		 open_ended;	/* the guide wrote "+" after max */
	const char	*currency;	/* "USD" */
	int		 year;
	const char	*basis;		/* "average" */
	const char	*quote;		/* the guide's sentence with the figure */
	const char	*words;		/* the guide's words when no figure */
};

struct kb_skill_use {
	const char	*text;		/* the guide's words */
	int		*refs;		/* indices into kb->skills */
	int		 nrefs;
};

struct kb_role_source {
	const struct kb_source *source;
	const char	*title;		/* the role's heading in this guide */
	int		 rank;		/* 0 when the guide does not number it */
	const char	*section;	/* may be NULL */
	const char	*description;
	const char	*summary;
	struct kb_pay	 pay;
	const char	**pay_notes;
	int		 npay_notes;
	const char	**resp;
	int		 nresp;
	struct kb_skill_use *skills;
	int		 nskills;
	const char	**notes;
	int		 nnotes;
};

struct kb_role {
	const char	*id;
	const char	*title;
	const char	**aliases;
	int		 naliases;
	int		 category;	/* index into kb->categories */
	const char	*category_source;	/* source id or "editor" */
	struct kb_role_source *src;
	int		 nsrc;
	/* newest source that gives a figure, or NULL */
	const struct kb_role_source *figure;
	/* newest source of all: describes the role by default */
	const struct kb_role_source *primary;
};

struct kb_topic_item {
	const char	*name;
	const char	*text;
};

struct kb_topic {
	const char	*id;
	const char	*kind;	/* market-skills, meta-skills, negotiation, conclusion */
	const struct kb_source *source;
	const char	*title;
	const char	*intro;		/* may be NULL */
	const char	*outro;		/* may be NULL */
	struct kb_topic_item *items;
	int		 nitems;
};

/*
 * What a guide sentence tells (sentences.json): a question's aspect picks
 * the sentences it may be answered with.  KB_ASPECTS names them in order.
 */
enum kb_aspect {
	ASPECT_DOES, ASPECT_WHY_PAYS, ASPECT_PAY_WORDS, ASPECT_HIRES,
	ASPECT_TOOLS, ASPECT_SKILLS, ASPECT_RISK, ASPECT_TREND, ASPECT_ADVICE,
	ASPECT_NEGOTIATION, ASPECT_DIFFERENCE, ASPECT_ORIGIN, ASPECT_INTRO,
	ASPECT_COMMON, ASPECT_PAY_FIGURE,
	ASPECT_COUNT
};
extern const char *const kb_aspect_names[ASPECT_COUNT];
/* The aspect named name, or -1. */
int		 kb_aspect_of(const char *name);

/* One informative sentence of a guide, where it stands and what about. */
struct kb_sentence {
	const struct kb_source *source;
	int		 line;		/* 1-based line of the guide */
	const char	*text;		/* verbatim, checked at load */
	int		 role;		/* kb->roles index, or -1 */
	int		 category;	/* kb->categories index, or -1 */
	const char	*topic;		/* a topic id, or NULL */
	unsigned	 aspects;	/* 1 << enum kb_aspect */
};

struct kb {
	struct kb_source	*sources;
	int			 nsources;
	struct kb_category	*categories;
	int			 ncategories;
	struct kb_skill		*skills;
	int			 nskills;
	struct kb_role		*roles;
	int			 nroles;
	struct kb_topic		*topics;
	int			 ntopics;
	struct kb_sentence	*sentences;	/* in guide order */
	int			 nsentences;
	/* the roles without a figure, in kb order (indices into roles):
	 * what a ranking leaves out, named without walking every role */
	const int		*unranked;
	int			 nunranked;
	uint64_t		 hash;	/* FNV-1a of every input byte and name */
	struct arena		*arena;	/* all of the above (private) */
};

/* One knowledge file in memory: name relative to the knowledge dir
 * ("roles/sre.json", "guides/001_x.txt"). */
struct kb_file {
	const char	*name;		/* "roles/sre.json" */
	const char	*data;
	size_t		 len;
};

/*
 * Each returns a kb, or NULL with every error found written to err as
 * lines of "file: path.to.field: what is wrong".  Who frees what: the kb
 * keeps nothing of the files it is given (free them after the call); its
 * records and strings are in its arena, and kb_free frees them with it.
 */
struct kb	*kb_load_files(const struct kb_file *, int, char *err, size_t);
struct kb	*kb_load_dir(const char *dir, char *err, size_t);
struct kb	*kb_load_embedded(char *err, size_t);
void		 kb_free(struct kb *);

const struct kb_role	*kb_role_by_id(const struct kb *, const char *);
/* The sentence of s that holds quote (a figure's line, a skill), of
 * role's part first (-1: any), or NULL: lines come from sentences.json,
 * never from searching the guide. */
const struct kb_sentence *kb_sentence_of(const struct kb *,
			    const struct kb_source *s, const char *quote,
			    int role);
const struct kb_topic	*kb_topic_by_kind(const struct kb *, const char *,
			    int nth);

/* The default knowledge compiled into the binary (generated by make). */
extern const struct kb_file kb_embedded_files[];
extern const int kb_embedded_nfiles;

#endif
