/*
 * kb_sentences.c -- the sentence map (knowledge/sentences.json): which
 * sentence of a guide says what about whom (a role, a category, a topic
 * or the guide), by aspect.  Optional: without it prose questions fall
 * back to the passage search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "arena.h"
#include "buf.h"
#include "json.h"
#include "kb.h"
#include "kb_int.h"

const char *const kb_aspect_names[ASPECT_COUNT] = {
	"does", "why_pays", "pay_words", "hires", "tools", "skills", "risk",
	"trend", "advice", "negotiation", "difference", "origin", "intro",
	"common", "pay_figure"
};

int
kb_aspect_of(const char *name)
{
	int i;

	for (i = 0; i < ASPECT_COUNT; i++)
		if (strcmp(kb_aspect_names[i], name) == 0)
			return i;
	return -1;
}

/* Where line n of text starts, and its length; NULL past the end. */
static const char *
line_at(const char *text, int n, size_t *len)
{
	const char *p = text;

	while (p && --n > 0)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || *p == '\0')
		return NULL;
	*len = strcspn(p, "\n");
	return p;
}

static void
load_sentence_subject(struct ld *ld, struct kb_sentence *s, const char *subj,
    const char *path)
{
	int i;

	s->role = s->category = -1;
	if (strcmp(subj, "guide") == 0)
		return;
	if (strncmp(subj, "category:", 9) == 0) {
		for (i = 0; i < ld->kb->ncategories; i++)
			if (strcmp(ld->kb->categories[i].id, subj + 9) == 0)
				s->category = i;
		if (s->category < 0)
			json_err(&ld->je, path, "no category \"%s\"", subj + 9);
		return;
	}
	if (strncmp(subj, "topic:", 6) == 0) {
		for (i = 0; i < ld->kb->ntopics; i++)
			if (strcmp(ld->kb->topics[i].id, subj + 6) == 0)
				s->topic = ld->kb->topics[i].id;
		if (s->topic == NULL)
			json_err(&ld->je, path, "no topic \"%s\"", subj + 6);
		return;
	}
	if ((s->role = kb_ld_role(ld, subj)) < 0)
		json_err(&ld->je, path,
		    "no role, category:ID, topic:ID or guide "
		    "\"%s\"", subj);
}

void
kb_load_sentences(struct ld *ld, const cJSON *root)
{
	const cJSON *arr = json_get_arr(&ld->je, root, "", "sentences", 0);
	const cJSON *it, *a;
	const char *src, *subj, *line;
	struct kb_sentence *s;
	char p[64], q[96];
	size_t len;
	int i = 0, k, as;

	if (arr == NULL)
		return;
	ld->kb->sentences = arena_calloc(ld->kb->arena,
	    (size_t)cJSON_GetArraySize(arr) + 1, sizeof(*ld->kb->sentences));
	cJSON_ArrayForEach(it, arr) {
		json_path_index(p, sizeof(p), "sentences", i++);
		s = &ld->kb->sentences[ld->kb->nsentences];
		memset(s, 0, sizeof(*s));
		json_check_keys(&ld->je, it, p, (const char *[]){ "source",
		    "line", "text", "subject", "aspect", "also", NULL });
		src = json_get_str(&ld->je, it, p, "source", 0);
		s->line = (int)json_get_int(&ld->je, it, p, "line", 1,
		    100000, 0);
		if ((line = json_get_str(&ld->je, it, p, "text", 0)) != NULL)
			s->text = arena_strdup(ld->kb->arena, line);
		subj = json_get_str(&ld->je, it, p, "subject", 0);
		for (k = 0; src && k < ld->kb->nsources; k++)
			if (strcmp(ld->kb->sources[k].id, src) == 0)
				s->source = &ld->kb->sources[k];
		if (src && s->source == NULL) {
			json_path(q, sizeof(q), p, "source");
			json_err(&ld->je, q, "no source \"%s\"", src);
		}
		if (subj) {
			json_path(q, sizeof(q), p, "subject");
			load_sentence_subject(ld, s, subj, q);
		}
		line = json_get_str(&ld->je, it, p, "aspect", 0);
		if (line != NULL) {
			if ((as = kb_aspect_of(line)) < 0) {
				json_path(q, sizeof(q), p, "aspect");
				json_err(&ld->je, q, "no aspect \"%s\"", line);
			} else
				s->aspects |= 1u << as;
		}
		cJSON_ArrayForEach(a, cJSON_GetObjectItem(it, "also"))
			if (cJSON_IsString(a) &&
			    (as = kb_aspect_of(a->valuestring)) >= 0)
				s->aspects |= 1u << as;
		/* the line is the knowledge's own; it must hold the text */
		if (s->source && s->source->text && s->text && s->line &&
		    ((line = line_at(s->source->text, s->line, &len)) == NULL ||
		    memmem(line, len, s->text, strlen(s->text)) == NULL)) {
			json_path(q, sizeof(q), p, "text");
			json_err(&ld->je, q, "not on line %d of %s", s->line,
			    s->source->file);
			continue;
		}
		if (s->source && s->text && s->line && s->aspects)
			ld->kb->nsentences++;
	}
}

const struct kb_sentence *
kb_sentence_of(const struct kb *kb, const struct kb_source *s,
    const char *quote, int role)
{
	const struct kb_sentence *k, *any = NULL;
	size_t n;
	int i;

	if (quote == NULL)
		return NULL;
	for (i = 0; i < kb->nsentences; i++) {
		k = &kb->sentences[i];
		n = strlen(k->text);
		/* the quote is in the sentence, or starts with it (a
		 * description of several sentences) */
		if (k->source != s || (strstr(k->text, quote) == NULL &&
		    strncmp(quote, k->text, n) != 0))
			continue;
		if (role < 0 || k->role == role)
			return k;
		if (any == NULL)
			any = k;
	}
	return any;
}
