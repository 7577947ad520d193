/*
 * index_fts.c -- FTS5 queries over the index: user words as quoted FTS5
 * strings (so no input is query syntax: "NEAR(", '"salary AND OR'), run
 * through the index's prepared rowid statements.
 */
#include <sqlite3.h>

#include "buf.h"
#include "index.h"
#include "index_int.h"

/* Appends w as an FTS5 string: "w" with any '"' doubled. */
static void
fts_quote(struct buf *q, const char *w)
{
	buf_putc(q, '"');
	for (; *w; w++) {
		if (*w == '"')
			buf_putc(q, '"');
		buf_putc(q, *w);
	}
	buf_putc(q, '"');
}

void
index_fts_expr(struct buf *q, const char *cols, char **w, int n, int any)
{
	int i;

	if (cols)
		buf_printf(q, "%s : (", cols);
	for (i = 0; i < n; i++) {
		if (i)
			buf_puts(q, any ? " OR " : " ");
		fts_quote(q, w[i]);
	}
	if (cols)
		buf_putc(q, ')');
}

int
index_fts_rows(struct index *ix, enum stmt_id id, const char *match, int *out,
    int max)
{
	sqlite3_stmt *st = ix->st[id];
	int n = 0;

	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		out[n++] = sqlite3_column_int(st, 0) - 1;
	sqlite3_reset(st);
	return n;
}
