/*
 * kb_int.h -- what the knowledge loader's parts share (bot/kb*.c); private.
 *
 *   kb.c            the files: read from a directory or the embedded
 *                   copy, parsed, hashed, freed; look-ups by id
 *   kb_load.c       the records: sources, categories, skills, roles,
 *                   topics, each field checked
 *   kb_sentences.c  the sentence map (sentences.json)
 *
 * Nothing outside bot/kb*.c includes this header.
 */
#ifndef TECHPAY_KB_INT_H
#define TECHPAY_KB_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "kb.h"

struct seen_ent {
	char		*key;
	const char	*owner;
	int		 val;
};

/* Open-addressing hash set of alias keys: 100,000 roles stay linear. */
struct seen {
	struct seen_ent	*ent;
	size_t		 cap, n;
};

/* Loader state: the kb being filled, and what went wrong where. */
struct ld {
	struct kb	*kb;
	struct json_errs je;		/* je.file: the file being read */
	/* alias key -> owner, for duplicate detection, per namespace */
	struct seen	 seen_roles, seen_skills, seen_cats;
	struct seen	 role_ids, skill_ids;	/* id -> index (val) */
};

/* kb_load.c: each fills its records in ld->kb, errors in ld->je */
void	 kb_load_sources(struct ld *, const cJSON *root);
void	 kb_load_categories(struct ld *, const cJSON *root);
void	 kb_load_skills(struct ld *, const cJSON *root);
void	 kb_load_topics(struct ld *, const cJSON *root);
/* one role file (fname: its name, which must match the id) */
void	 kb_load_role(struct ld *, const cJSON *root, const char *fname);
/* frees the id and alias sets */
void	 kb_ld_free(struct ld *);
/* the index in kb->roles of the accepted role id, or -1 (a hash look-up:
 * the sentence map names roles by id) */
int	 kb_ld_role(const struct ld *, const char *id);

/* kb_sentences.c */
void	 kb_load_sentences(struct ld *, const cJSON *root);

#endif
