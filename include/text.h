/*
 * text.h -- UTF-8 repair, normalisation for matching, and safe cutting.
 *
 * Chat text arrives as arbitrary bytes: Latin-1 from old clients, broken
 * UTF-8, control characters.  Everything the bot matches against or echoes
 * back goes through here first.  All returned strings are malloc'd and
 * owned by the caller.
 */
#ifndef TECHPAY_TEXT_H
#define TECHPAY_TEXT_H

#include <stddef.h>

/*
 * Valid UTF-8 copy of in[0..len) as chat clients send it: each byte that
 * is not part of a valid sequence is read as Latin-1 (so "d\xe9vops"
 * becomes "dévops"); IRC formatting goes without a trace (bold 0x02,
 * colour 0x03 with up to two digits and ",NN", hex colour 0x04 RRGGBB
 * and ",RRGGBB", reset 0x0f, monospace 0x11, reverse 0x16, italic 0x1d,
 * strikethrough 0x1e, underline 0x1f: "s\x02re" is "sre"), and so do
 * Unicode format characters (category Cf: bidi overrides such as RLO,
 * isolates, zero-width spaces and joiners, soft hyphens); every other
 * control character (C0, DEL, C1, including CR, LF, TAB and NUL) and the
 * line and paragraph separators become a space.  In a word that has Latin letters, a letter of another script
 * that looks like an ASCII letter (UTS #39 confusables, through ICU)
 * becomes that letter: Cyrillic "\u0455re" is "sre"; a word with no
 * Latin letter is kept.  The result never contains a byte below 0x20.
 */
char	*text_clean(const char *in, size_t len);

/*
 * Closes the spoof checker that text_clean opens when it first meets a
 * word of mixed scripts (main's exit and the tests call it, so leak
 * checkers see nothing left); a later text_clean opens it again.
 */
void	 text_shutdown(void);

/*
 * Matching form: text_clean, then NFKC, case folding and accent stripping
 * (utf8proc), letters and digits kept, '+' and '#' kept after a letter or
 * digit ("c++", "c#"), '/' kept between two ("ci/cd"), apostrophes
 * dropped ("what's" -> "whats"), everything else a single space; trimmed.
 */
char	*text_norm(const char *in, size_t len);

/*
 * Lookup key of a normalised string: each word made singular by a plain
 * rule ("sres" -> "sre", "engineers" -> "engineer", "abilities" ->
 * "ability").  Applied to aliases and to queries alike, so the rule only
 * has to be consistent, not linguistically right.
 */
char	*text_key(const char *norm);

/* 1 if w is one of list's words (NULL-terminated). */
int	 text_in_list(const char *w, const char *const *list);
/* FNV-1a of the n bytes at s: tables laid out by it (the intent model's
 * features, the parser's own words). */
unsigned text_hash(const char *s, size_t n);

#define AMOUNT_MAX	100000000L	/* above this, no salary: not read */

/* Length of the longest prefix of s[0..len) not above max bytes that
 * does not end inside a UTF-8 sequence. */
size_t	 utf8_cut(const char *s, size_t len, size_t max);

/* Restricted Damerau-Levenshtein (optimal string alignment) distance over
 * bytes; returns limit + 1 as soon as the distance must exceed limit. */
int	 text_editdist(const char *a, size_t alen, const char *b, size_t blen,
	    int limit);

/* Split a normalised string on spaces into at most max words, in place:
 * fills words[] with pointers into s and returns the count. */
int	 text_words(char *s, char **words, int max);

/*
 * The amounts of money in text, in order, as chat writes them: "$200k",
 * "200,000", "200000", "200 grand", "150 thousand", "1.5m"; a number
 * below 1,000 without a unit, or a year, is none.  A unit written once
 * serves both ends of a range: "$150-160k" and "between 150 and 200k"
 * are two amounts, and *range (when not NULL) says the first two were
 * written as one range.  Returns how many were written to out.
 */
int	 parse_amounts(const char *text, long *out, int max, int *range);
/* The first of them; 0 if none. */
long	 parse_amount(const char *text);

#endif
