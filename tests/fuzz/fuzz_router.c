/*
 * fuzz_router.c -- libFuzzer: any bytes as a chat message, through the
 * router, the natural-question parser, every command and the formatter,
 * on the embedded knowledge.  Fails on a crash, a sanitizer report, or an
 * answer holding CR, LF or NUL, or longer than asked for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "kb.h"
#include "router.h"

static struct router *rt;
static struct answer a;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
init(void)
{
	static char err[KB_ERR_MAX];
	struct kb *kb = kb_load_embedded(err, sizeof(err));
	struct index *ix = kb ? index_new(kb, NULL, err, sizeof(err)) : NULL;

	if (ix == NULL)
		abort();
	rt = router_new(kb, ix, NULL);	/* kept for the whole run */
	answer_init(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message m = { 0 };
	size_t max;

	if (rt == NULL)
		init();
	m.text = (const char *)data;
	m.len = size;
	m.where = "fuzz";
	m.direct = size > 0 && (data[0] & 1);
	max = size > 1 ? 100 + data[size - 1] * 4 : 0;
	m.max_bytes = max;
	if (router_handle(rt, &m, 1790000000, &a)) {
		const char *t = buf_str(&a.text);

		if (strpbrk(t, "\r\n") || strlen(t) != a.text.len)
			abort();
		if (a.text.len > (max ? max : ANSWER_LINE_MAX) + 64)
			abort();
	}
	return 0;
}
