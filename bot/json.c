/*
 * json.c -- reading cJSON trees: members of a type, and checked fields
 * with their errors collected (see json.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"

/* ---- members of a type ------------------------------------------------ */

/* A string member, or NULL when missing or not a string. */
const char *
json_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *
json_obj(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *
json_arr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsArray(v) ? v : NULL;
}

/* ---- checked fields, errors collected --------------------------------- */

void
json_err(struct json_errs *e, const char *path, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	e->n++;
	if (e->n > e->max)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_printf(&e->buf, "%s: %s: %s\n", e->file, path, msg);
}

void
json_path(char *out, size_t n, const char *path, const char *key)
{
	if (snprintf(out, n, "%s%s%s", path, *path ? "." : "", key) < 0)
		out[0] = '\0';
}

void
json_path_index(char *out, size_t n, const char *path, int i)
{
	if (snprintf(out, n, "%s[%d]", path, i) < 0)
		out[0] = '\0';
}

int
json_check_keys(struct json_errs *e, const cJSON *obj, const char *path,
    const char *const *allowed)
{
	const cJSON *it;
	const char *const *a;
	char p[JSON_PATH_MAX];
	int ok = 1;

	cJSON_ArrayForEach(it, obj) {
		for (a = allowed; *a; a++)
			if (strcmp(*a, it->string) == 0)
				break;
		if (*a == NULL) {
			json_path(p, sizeof(p), path, it->string);
			json_err(e, p, "unknown key");
			ok = 0;
		}
	}
	return ok;
}

const cJSON *
json_need(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[JSON_PATH_MAX];

	if (v == NULL) {
		json_path(p, sizeof(p), path, key);
		json_err(e, p, "missing");
	}
	return v;
}

const char *
json_get_str(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key, int nullable)
{
	const cJSON *v = json_need(e, obj, path, key);
	char p[JSON_PATH_MAX];

	if (v == NULL)
		return NULL;
	if (nullable && cJSON_IsNull(v))
		return NULL;
	if (cJSON_IsString(v) && v->valuestring[0] != '\0')
		return v->valuestring;
	/* the path is only formatted for an error: loading stays cheap */
	json_path(p, sizeof(p), path, key);
	if (!cJSON_IsString(v))
		json_err(e, p, nullable ? "expected a string or null" :
		    "expected a string");
	else
		json_err(e, p, "empty string");
	return NULL;
}

long
json_get_int(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key, long lo, long hi, int nullable)
{
	const cJSON *v = json_need(e, obj, path, key);
	char p[JSON_PATH_MAX];

	if (v == NULL || (nullable && cJSON_IsNull(v)))
		return 0;
	json_path(p, sizeof(p), path, key);
	/* the range first: casting a huge double to long is undefined
	 * (fuzz_kb found 1.4e127) */
	if (cJSON_IsNumber(v) && !(v->valuedouble >= (double)lo &&
	    v->valuedouble <= (double)hi)) {
		json_err(e, p, "%.0f is out of range (%ld to %ld)",
		    v->valuedouble, lo, hi);
		return 0;
	}
	if (!cJSON_IsNumber(v) ||
	    v->valuedouble != (double)(long)v->valuedouble) {
		json_err(e, p, "expected a whole number%s",
		    nullable ? " or null" : "");
		return 0;
	}
	return (long)v->valuedouble;
}

int
json_get_bool(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key)
{
	const cJSON *v = json_need(e, obj, path, key);
	char p[JSON_PATH_MAX];

	if (v == NULL)
		return 0;
	if (!cJSON_IsBool(v)) {
		json_path(p, sizeof(p), path, key);
		json_err(e, p, "expected true or false");
		return 0;
	}
	return cJSON_IsTrue(v);
}

const cJSON *
json_get_arr(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key, int nonempty)
{
	const cJSON *v = json_need(e, obj, path, key);
	char p[JSON_PATH_MAX];

	if (v == NULL)
		return NULL;
	if (cJSON_IsArray(v) && (!nonempty || v->child != NULL))
		return v;
	json_path(p, sizeof(p), path, key);
	if (!cJSON_IsArray(v))
		json_err(e, p, "expected an array");
	else
		json_err(e, p, "must not be empty");
	return NULL;
}

const char **
json_get_strs(struct json_errs *e, const cJSON *obj, const char *path,
    const char *key, int nonempty, int *count)
{
	const cJSON *a = json_get_arr(e, obj, path, key, nonempty), *it;
	const char **v;
	char p[JSON_PATH_MAX], q[JSON_PATH_MAX];
	int i = 0;

	*count = 0;
	if (a == NULL)
		return NULL;
	v = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*v));
	cJSON_ArrayForEach(it, a) {
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0') {
			json_path(p, sizeof(p), path, key);
			json_path_index(q, sizeof(q), p, i);
			json_err(e, q, "expected a non-empty string");
		} else
			v[(*count)++] = it->valuestring;
		i++;
	}
	return v;
}

cJSON *
json_parse_object(struct json_errs *e, const char *data, size_t len)
{
	const char *end = NULL, *c;
	cJSON *root;
	int line = 1;
	char where[32];

	root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	if (root == NULL) {
		if (end == NULL)
			end = data;
		for (c = data; c < end && c < data + len; c++)
			if (*c == '\n')
				line++;
		snprintf(where, sizeof(where), "line %d", line);
		json_err(e, where, "malformed JSON");
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		json_err(e, "(top)", "expected a JSON object");
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}
