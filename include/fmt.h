/*
 * fmt.h -- the formatter: one answer, rendered as plain text and HTML.
 *
 * Command handlers describe an answer with these calls (text, emphasis,
 * a table of rows) and never produce markup themselves, so they do not
 * know which network asked: IRC and the terminal send `text`, Matrix sends
 * `html` as formatted_body.  fmt_finish() cuts the plain line for the
 * adapter's line (fmt_cut, the one cutter) and keeps the rest for "more".
 */
#ifndef TECHPAY_FMT_H
#define TECHPAY_FMT_H

#include "buf.h"
#include "message.h"

#define ECHO_MAX	24	/* characters of user text echoed back */

void	answer_init(struct answer *);
void	answer_free(struct answer *);
void	answer_reset(struct answer *);

/* Plain text, HTML-escaped for the HTML side. */
void	fmt_text(struct answer *, const char *);
void	fmt_printf(struct answer *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Plain text only: punctuation a table or paragraph does not want. */
void	fmt_plain(struct answer *, const char *);
/* A new paragraph in HTML (one per guide in long answers); a space in
 * plain text. */
void	fmt_para(struct answer *);
/* Emphasis: plain as is, <b> in HTML. */
void	fmt_strong(struct answer *, const char *);
/* User text echoed back, in quotes: cleaned (text_clean: no control or
 * format characters) and cut to ECHO_MAX characters, once per answer; a
 * later echo in the same answer is "…".  The bot is no megaphone: one
 * line from someone cannot make it say a list of nicks (a mass
 * highlight) or another bot's name several times. */
void	fmt_echo(struct answer *, const char *);
/* "$140,000"; "$140,000–$185,000" with "+" when open-ended. */
void	fmt_money(struct answer *, long);
void	fmt_range(struct answer *, long min, long max, int open_ended);
/* Half-units (a midpoint times two) as money: "$162,500". */
void	fmt_money_x2(struct answer *, long);

/*
 * A table: HTML gets <table> with a header row; plain text gets each row's
 * cells joined by " " and rows joined by sep (e.g. "; ").
 */
void	fmt_table_begin(struct answer *, const char *const *headers, int n);
void	fmt_row_begin(struct answer *, const char *sep);
void	fmt_cell_begin(struct answer *);
void	fmt_cell_end(struct answer *);
void	fmt_row_end(struct answer *);
/* A cell holding a salary range that only the HTML table shows. */
void	fmt_html_cell_range(struct answer *, long min, long max,
	    int open_ended);
void	fmt_table_end(struct answer *);

/* A list: HTML <ul>; plain text joins the items with sep. */
void	fmt_list_begin(struct answer *);
void	fmt_li_begin(struct answer *, const char *sep);
void	fmt_li_end(struct answer *);
void	fmt_list_end(struct answer *);

/*
 * The one cutter, for answers, IRC's lines and highlights alike.
 * fmt_cut: where to end the first line of s (len bytes) within max bytes:
 * after an item's or a sentence's end ("; " or ". ", whichever comes
 * later), else a clause's (", "), if one is close enough to
 * the end, else at a word (a space) in the second half, else at the last
 * whole UTF-8 character; len when it all fits.  back says how far back an
 * item may pull the cut: half the line for an answer (a list: whole
 * items read better), a quarter for a line of an answer that was cut
 * already (IRC's lines: long ones), none for prose (a highlight: words
 * only, so that its summary starts on the line).
 * fmt_cut_line: line gets src cut so, ended by mark when something was
 * left (mark counted in max); rest what was left, its leading spaces
 * skipped.
 */
enum fmt_back { FMT_BACK_HALF, FMT_BACK_QUARTER, FMT_BACK_WORDS };

size_t	fmt_cut(const char *s, size_t len, size_t max, enum fmt_back back);
void	fmt_cut_line(struct buf *line, struct buf *rest, const char *src,
	    size_t len, size_t max, const char *mark, enum fmt_back back);

/* Cuts text to one line of at most max bytes (fmt_cut_line, with a
 * "more" mark); the rest goes to `more`. */
void	fmt_finish(struct answer *, size_t max);

/* Moves the next chunk of src (a pending "more") into a's text. */
void	fmt_continue(struct answer *, const char *src, size_t max);

#endif
