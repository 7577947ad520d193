/*
 * json.h -- reading cJSON trees: members of a type, and checked fields.
 *
 * Two ways to read, for two kinds of document:
 *  - json_str, json_obj, json_arr: a member of that type, or NULL when it
 *    is missing or of another type.  For documents from elsewhere (a
 *    Matrix /sync answer), where what is not understood is skipped.
 *  - json_get_*: a member that must be there and be right.  For documents
 *    of our own (the knowledge): each reports what is wrong under the
 *    field's path ("roles/x.json: sources[0].pay.min: ...") into a
 *    struct json_errs, and reading goes on, so one run reports several.
 *
 * Every string returned points into the tree: it lives as long as the
 * tree (cJSON_Delete frees both).
 */
#ifndef TECHPAY_JSON_H
#define TECHPAY_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"

#define JSON_PATH_MAX	256	/* bytes of a field's path in an error */

/* ---- members of a type ------------------------------------------------ */

const char	*json_str(const cJSON *, const char *key);
const cJSON	*json_obj(const cJSON *, const char *key);
const cJSON	*json_arr(const cJSON *, const char *key);

/* ---- checked fields, errors collected --------------------------------- */

struct json_errs {
	struct buf	 buf;	/* "file: path: what\n", the first max of them;
				 * the caller frees it (buf_free) */
	const char	*file;	/* the document being read: names each error */
	int		 n;	/* errors, also those past max */
	int		 max;
};

void		 json_err(struct json_errs *, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* path.key and path[i] into out (n bytes), cut if longer: they only
 * label an error. */
void		 json_path(char *out, size_t n, const char *path,
		    const char *key);
void		 json_path_index(char *out, size_t n, const char *path,
		    int i);
/* The document's root object, parsed; NULL with the error collected
 * ("line N: malformed JSON", "(top): expected a JSON object").  The
 * caller frees the tree (cJSON_Delete). */
cJSON		*json_parse_object(struct json_errs *, const char *data,
		    size_t len);
/* 1 if every key of obj is in allowed (NULL-terminated); else 0, each
 * other key reported as unknown. */
int		 json_check_keys(struct json_errs *, const cJSON *obj,
		    const char *path, const char *const *allowed);
/* The member, or NULL reported as missing. */
const cJSON	*json_need(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key);
/* A non-empty string, or NULL where nullable and the value is null. */
const char	*json_get_str(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key, int nullable);
/* A whole number in [lo, hi]; null allowed (returns 0) when nullable. */
long		 json_get_int(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key, long lo, long hi,
		    int nullable);
int		 json_get_bool(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key);
/* An array (possibly required non-empty); NULL on error. */
const cJSON	*json_get_arr(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key, int nonempty);
/* An array of non-empty strings as a NULL-terminated vector of the
 * tree's strings, *count of them (an item that is none is reported and
 * skipped); the caller frees the vector (free), not the strings.  NULL
 * when there is no array. */
const char	**json_get_strs(struct json_errs *, const cJSON *obj,
		    const char *path, const char *key, int nonempty,
		    int *count);

#endif
