/*
 * fmt.c -- renders answers twice: a plain line and an HTML fragment.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "text.h"

#define MORE_MARK	" … (say \"more\")"

void
answer_init(struct answer *a)
{
	memset(a, 0, sizeof(*a));
}

void
answer_free(struct answer *a)
{
	buf_free(&a->text);
	buf_free(&a->html);
	buf_free(&a->more);
}

void
answer_reset(struct answer *a)
{
	buf_reset(&a->text);
	buf_reset(&a->html);
	buf_reset(&a->more);
	a->row_cells = a->rows = a->paras = 0;
	a->action = ACT_NONE;
	a->action_arg[0] = '\0';
	a->free = a->notice = a->echoes = 0;
}

static void
html_escape(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		default: buf_putc(b, *s);
		}
	}
}

void
fmt_text(struct answer *a, const char *s)
{
	buf_puts(&a->text, s);
	html_escape(&a->html, s);
}

void
fmt_plain(struct answer *a, const char *s)
{
	buf_puts(&a->text, s);
}

void
fmt_para(struct answer *a)
{
	char *old;

	if (a->text.len > 0)
		buf_putc(&a->text, ' ');
	if (a->paras == 0 && a->html.len > 0) {
		/* what came before becomes the first paragraph */
		old = buf_steal(&a->html);
		buf_printf(&a->html, "<p>%s</p><p>", old);
		free(old);
	} else if (a->paras == 0)
		buf_puts(&a->html, "<p>");
	else
		buf_puts(&a->html, "</p><p>");
	a->paras++;
}

void
fmt_printf(struct answer *a, const char *fmt, ...)
{
	va_list ap;
	char small[512], *big = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(small)) {
		big = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	fmt_text(a, big ? big : small);
	free(big);
}

void
fmt_strong(struct answer *a, const char *s)
{
	buf_puts(&a->text, s);
	buf_puts(&a->html, "<b>");
	html_escape(&a->html, s);
	buf_puts(&a->html, "</b>");
}

void
fmt_echo(struct answer *a, const char *s)
{
	char *clean;
	size_t n, cut, chars = 0, i;

	if (a->echoes++ > 0) {
		fmt_text(a, "\"…\"");
		return;
	}
	clean = text_clean(s, strlen(s));
	n = cut = strlen(clean);
	for (i = 0; i < n; i++)
		if (((unsigned char)clean[i] & 0xc0) != 0x80 &&
		    chars++ == ECHO_MAX) {
			cut = i;
			break;
		}
	clean[cut] = '\0';
	fmt_printf(a, "\"%s%s\"", clean, cut < n ? "…" : "");
	free(clean);
}

void
fmt_money(struct answer *a, long v)
{
	char digits[32], out[48];
	int n, i, j = 0;

	n = snprintf(digits, sizeof(digits), "%ld", v < 0 ? -v : v);
	out[j++] = '$';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = digits[i];
	}
	out[j] = '\0';
	fmt_text(a, out);
}

void
fmt_money_x2(struct answer *a, long v2)
{
	fmt_money(a, v2 / 2);
	if (v2 % 2)
		fmt_text(a, ".50");
}

void
fmt_range(struct answer *a, long min, long max, int open_ended)
{
	fmt_money(a, min);
	fmt_text(a, "–");
	fmt_money(a, max);
	if (open_ended)
		fmt_text(a, "+");
}

void
fmt_table_begin(struct answer *a, const char *const *headers, int n)
{
	int i;

	a->rows = 0;
	buf_puts(&a->html, "<table><tr>");
	for (i = 0; i < n; i++) {
		buf_puts(&a->html, "<th>");
		html_escape(&a->html, headers[i]);
		buf_puts(&a->html, "</th>");
	}
	buf_puts(&a->html, "</tr>");
}

void
fmt_row_begin(struct answer *a, const char *sep)
{
	if (a->rows++ > 0)
		buf_puts(&a->text, sep);
	a->row_cells = 0;
	buf_puts(&a->html, "<tr>");
}

void
fmt_cell_begin(struct answer *a)
{
	if (a->row_cells++ > 0)
		buf_putc(&a->text, ' ');
	buf_puts(&a->html, "<td>");
}

void
fmt_cell_end(struct answer *a)
{
	buf_puts(&a->html, "</td>");
}

void
fmt_row_end(struct answer *a)
{
	buf_puts(&a->html, "</tr>");
}

void
fmt_html_cell_range(struct answer *a, long min, long max, int open_ended)
{
	struct answer tmp;

	answer_init(&tmp);
	fmt_range(&tmp, min, max, open_ended);
	buf_puts(&a->html, "<td>");
	buf_puts(&a->html, buf_str(&tmp.html));
	buf_puts(&a->html, "</td>");
	answer_free(&tmp);
}

void
fmt_table_end(struct answer *a)
{
	buf_puts(&a->html, "</table>");
}

void
fmt_list_begin(struct answer *a)
{
	a->row_cells = 0;
	buf_puts(&a->html, "<ul>");
}

void
fmt_li_begin(struct answer *a, const char *sep)
{
	if (a->row_cells++ > 0)
		buf_puts(&a->text, sep);
	buf_puts(&a->html, "<li>");
}

void
fmt_li_end(struct answer *a)
{
	buf_puts(&a->html, "</li>");
}

void
fmt_list_end(struct answer *a)
{
	buf_puts(&a->html, "</ul>");
}

/*
 * Where to cut s so that the line is at most max bytes: at the last "; "
 * or ". " (an item's end or a sentence's, whichever comes later), else
 * ", " or space boundary that fits, never inside a character.
 */
static size_t
cut_point(const char *s, size_t len, size_t max)
{
	static const char *const seps[] = { ", ", " " };	/* else these */
	size_t lim = utf8_cut(s, len, max), i, k;

	for (i = lim; i > max / 2; i--)
		if (i + 2 <= len && (memcmp(s + i, "; ", 2) == 0 ||
		    memcmp(s + i, ". ", 2) == 0))
			return i + 1;
	for (k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
		size_t sl = strlen(seps[k]);

		for (i = lim; i > max / 2; i--)
			if (i + sl <= len && memcmp(s + i, seps[k], sl) == 0)
				return i + (sl > 1 ? 1 : 0);
	}
	return lim;
}

static void
split(struct buf *line, struct buf *rest, const char *src, size_t len,
    size_t max)
{
	size_t mark = strlen(MORE_MARK), cut;

	buf_reset(line);
	buf_reset(rest);
	if (len <= max) {
		buf_add(line, src, len);
		return;
	}
	cut = cut_point(src, len, max - mark);
	buf_add(line, src, cut);
	while (line->len > 0 && line->s[line->len - 1] == ' ')
		buf_truncate(line, line->len - 1);
	buf_puts(line, MORE_MARK);
	while (cut < len && src[cut] == ' ')
		cut++;
	buf_add(rest, src + cut, len - cut);
}

void
fmt_finish(struct answer *a, size_t max)
{
	char *full = buf_steal(&a->text);

	if (a->paras > 0) {
		buf_puts(&a->html, "</p>");
		a->paras = 0;
	}
	split(&a->text, &a->more, full, strlen(full), max);
	free(full);
}

void
fmt_continue(struct answer *a, const char *src, size_t max)
{
	split(&a->text, &a->more, src, strlen(src), max);
	buf_reset(&a->html);
	html_escape(&a->html, buf_str(&a->text));
}
