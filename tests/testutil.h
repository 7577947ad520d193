/*
 * testutil.h -- shared fixtures for the cmocka suites: the knowledge
 * loaded from knowledge/ (the files, not the embedded copy, so a test run
 * always checks what is in the tree), its index, and ask() which answers
 * one message exactly as a channel would see it.
 */
#ifndef TECHPAY_TESTUTIL_H
#define TECHPAY_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "fmt.h"
#include "index.h"
#include "kb.h"
#include "command.h"
#include "repair.h"
#include "router.h"
#include "text.h"

#ifndef KNOWLEDGE_DIR
#define KNOWLEDGE_DIR "knowledge"
#endif

struct fixture {
	struct kb	*kb;
	struct index	*ix;
	struct router	*rt;
	struct answer	 a;
};

static struct fixture F __attribute__((unused));

static inline int
fixture_setup(void **state)
{
	char err[KB_ERR_MAX];

	(void)state;
	F.kb = kb_load_dir(KNOWLEDGE_DIR, err, sizeof(err));
	if (F.kb == NULL) {
		fprintf(stderr, "knowledge: %s", err);
		return -1;
	}
	F.ix = index_new(F.kb, NULL, err, sizeof(err));
	if (F.ix == NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	F.rt = router_new(F.kb, F.ix, NULL);
	answer_init(&F.a);
	return 0;
}

static inline int
fixture_teardown(void **state)
{
	(void)state;
	answer_free(&F.a);
	router_free(F.rt);
	index_free(F.ix);
	kb_free(F.kb);
	memset(&F, 0, sizeof(F));
	text_shutdown();	/* opened by a question with mixed scripts */
	return 0;
}

/* The plain answer to text asked in a private chat ("" for silence). */
static inline const char *
ask_where(const char *text, size_t len, int direct, const char *where)
{
	struct message m = { .text = text, .len = len, .where = where,
	    .direct = direct };

	if (!router_handle(F.rt, &m, (time_t)1790000000, &F.a))
		return "";
	return buf_str(&F.a.text);
}

static inline const char *
ask(const char *text)
{
	return ask_where(text, strlen(text), 1, "test");
}

/* The plain answer to text in where at now (private), "" for silence. */
static inline const char *
ask_at(const char *text, const char *where, time_t now, int owner)
{
	struct message m = { .text = text, .len = strlen(text),
	    .where = where, .direct = 1, .owner = owner };

	if (!router_handle(F.rt, &m, now, &F.a))
		return "";
	return buf_str(&F.a.text);
}

/* Case-insensitive substring test. */
static inline int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

#define assert_has(hay, needle) do {					\
	const char *h_ = (hay);						\
	if (!contains(h_, (needle)))					\
		fail_msg("expected \"%s\" in: %s", (needle), h_);	\
} while (0)

#define assert_lacks(hay, needle) do {					\
	const char *h_ = (hay);						\
	if (contains(h_, (needle)))					\
		fail_msg("did not expect \"%s\" in: %s", (needle), h_);	\
} while (0)

/* Words no answer may ever contain: raw errors from below. */
static const char *const never_words[] = {
	"sqlite", "fts5", "syntax error", "no such column", "no such table",
	"unterminated", "malformed match", "(null)", "traceback", NULL
};

static inline void
assert_clean(const char *s)
{
	const char *const *w;
	const unsigned char *p;

	for (w = never_words; *w; w++)
		assert_lacks(s, *w);
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20)
			fail_msg("control byte 0x%02x in: %s", *p, s);
	assert_true(strlen(s) <= ANSWER_LINE_MAX);
}

/* text read as the router reads it (repair_read: the parser and the
 * models); free with question_free. */
static inline void
read_q(const char *text, struct intent *q)
{
	char b[256];

	snprintf(b, sizeof(b), "%s", text);
	repair_read(F.ix, b, q);
}

/* The fixture's role of that id; the test fails without one. */
static inline const struct kb_role *
role(const char *id)
{
	const struct kb_role *r = kb_role_by_id(F.kb, id);

	assert_non_null(r);
	return r;
}

#endif
