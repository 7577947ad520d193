/*
 * text.c -- UTF-8 repair, matching normalisation and byte-safe cutting.
 *
 * Unicode tables come from utf8proc (normalisation, case folding, general
 * categories) and ICU (scripts, and the confusables of UTS #39 through
 * its spoof checker); this file only decides which characters matter for
 * matching a chat question against role names.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/utf16.h>
#include <utf8proc.h>

#include "buf.h"
#include "text.h"

/*
 * The spoof checker, opened the first time a word mixes scripts and kept
 * until text_shutdown(): opening it loads the confusables, which costs
 * more than a question.  The bot is single-threaded.  With it, the
 * skeletons of the 52 ASCII letters, against which a foreign letter's
 * skeleton is compared ('m' is "rn", 'I' and 'l' are both "l").
 */
#define SKEL_MAX	8
static USpoofChecker	*spoof;
static int		 spoof_failed;	/* ICU had no data: never fold */
static struct {
	UChar		 s[SKEL_MAX];
	int32_t		 n;
} latin_skel[52];

static void
put_cp(struct buf *b, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);

	buf_add(b, (const char *)tmp, (size_t)n);
}

/* The skeleton of one code point into out (UTF-16), its length or -1. */
static int32_t
skeleton(int32_t cp, UChar *out)
{
	UErrorCode st = U_ZERO_ERROR;
	UChar in[2];
	int32_t n = 0, len;
	UBool err = 0;

	U16_APPEND(in, n, 2, cp, err);
	if (err)
		return -1;
	len = uspoof_getSkeleton(spoof, 0, in, n, out, SKEL_MAX, &st);
	return U_FAILURE(st) || len > SKEL_MAX ? -1 : len;
}

static int
spoof_open(void)
{
	UErrorCode st = U_ZERO_ERROR;
	int i;

	if (spoof)
		return 0;
	if (spoof_failed)
		return -1;
	spoof = uspoof_open(&st);
	if (U_FAILURE(st)) {
		uspoof_close(spoof);	/* NULL-safe */
		spoof = NULL;
		spoof_failed = 1;
		return -1;
	}
	for (i = 0; i < 52; i++)
		if ((latin_skel[i].n = skeleton(i < 26 ? 'a' + i :
		    'A' + i - 26, latin_skel[i].s)) == -1) {
			text_shutdown();
			spoof_failed = 1;
			return -1;
		}
	return 0;
}

void
text_shutdown(void)
{
	uspoof_close(spoof);
	spoof = NULL;
}

/*
 * The ASCII letter that a letter of another script looks like ("\u0455"
 * is 's'), of its case where both cases look alike (Cyrillic 'I' is
 * 'I', not 'l'); cp itself when it looks like none.
 */
static int32_t
latin_lookalike(int32_t cp)
{
	UChar sk[SKEL_MAX];
	int32_t n;
	int i, pick = -1, upper = u_isupper(cp);

	if ((n = skeleton(cp, sk)) <= 0)
		return cp;
	for (i = 0; i < 52; i++) {
		if (latin_skel[i].n != n ||
		    memcmp(latin_skel[i].s, sk, (size_t)n * sizeof(UChar)) != 0)
			continue;
		if (pick == -1 || (i >= 26) == upper)
			pick = i;
	}
	if (pick == -1)
		return cp;
	return pick < 26 ? 'a' + pick : 'A' + pick - 26;
}

static int
is_word_cp(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
	    c == UTF8PROC_CATEGORY_ND;
}

static UScriptCode
script_of(int32_t cp)
{
	UErrorCode st = U_ZERO_ERROR;	/* a failure would stick: fresh */

	return uscript_getScript(cp, &st);
}

/* A letter of a script of its own: not Latin, and not one shared by
 * all scripts (digits, marks). */
static int
is_foreign_letter(int32_t cp)
{
	UScriptCode sc = script_of(cp);

	return u_isalpha(cp) && sc != USCRIPT_LATIN && sc != USCRIPT_COMMON &&
	    sc != USCRIPT_INHERITED;
}

/*
 * In each word (letters, marks, digits) that has a Latin letter, the
 * letters of other scripts that look like an ASCII letter become it:
 * "\u0455re" is "sre".  A word without a Latin letter is someone's
 * language, not a disguise, and stays as it is.
 */
static void
fold_lookalikes(int32_t *cp, size_t n)
{
	size_t i = 0, s, j;
	int latin, foreign;

	while (i < n) {
		if (!is_word_cp(cp[i])) {
			i++;
			continue;
		}
		latin = foreign = 0;
		for (s = i; i < n && is_word_cp(cp[i]); i++) {
			if (u_isalpha(cp[i]) && script_of(cp[i]) == USCRIPT_LATIN)
				latin = 1;
			else if (is_foreign_letter(cp[i]))
				foreign = 1;
		}
		if (!latin || !foreign || spoof_open() == -1)
			continue;
		for (j = s; j < i; j++)
			if (is_foreign_letter(cp[j]))
				cp[j] = latin_lookalike(cp[j]);
	}
}

/*
 * How many bytes of IRC formatting start at p[0..len) (mIRC's codes as
 * clients send them), 0 if none.  A colour's digits go with it: "\x03"
 * "04,12" is one code, and "\x03" "04150k" is colour 04 then "150k".
 */
static size_t
irc_format(const unsigned char *p, size_t len)
{
	size_t i = 1, k;

	switch (p[0]) {
	case 0x02: case 0x0f: case 0x11: case 0x16: case 0x1d: case 0x1e:
	case 0x1f:
		return 1;
	case 0x03:		/* colour: up to 2 digits [,up to 2 digits] */
		for (k = 0; k < 2 && i < len && isdigit(p[i]); k++)
			i++;
		if (k > 0 && i + 1 < len && p[i] == ',' && isdigit(p[i + 1]))
			for (i++, k = 0; k < 2 && i < len && isdigit(p[i]); k++)
				i++;
		return i;
	case 0x04:		/* hex colour: RRGGBB[,RRGGBB] */
		for (k = 0; k < 6 && i < len && isxdigit(p[i]); k++)
			i++;
		if (k < 6)
			return 1;	/* a bare 0x04 resets the colour */
		if (len - i > 6 && p[i] == ',') {
			for (k = 0; k < 6 && isxdigit(p[i + 1 + k]); k++)
				;
			if (k == 6)
				i += 7;
		}
		return i;
	default:
		return 0;
	}
}

char *
text_clean(const char *in, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
	struct buf b = {0};
	utf8proc_int32_t c, *cp;
	utf8proc_ssize_t n;
	size_t i = 0, ncp = 0, k, fmt;
	int other = 0;

	/* one code point per byte at most */
	cp = xmalloc((len ? len : 1) * sizeof(*cp));
	while (i < len) {
		if ((fmt = irc_format(p + i, len - i)) > 0) {
			i += fmt;	/* inside a word: nothing left */
			continue;
		}
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &c);
		if (n <= 0) {
			c = p[i];	/* not UTF-8: read the byte as Latin-1 */
			n = 1;
		}
		if (c >= 0xa0 && utf8proc_category(c) == UTF8PROC_CATEGORY_CF) {
			/* bidi overrides and isolates (RLO shows the rest
			 * of an echo reversed), zero-width spaces and
			 * joiners, soft hyphens: like formatting, inside a
			 * word nothing is left */
			i += (size_t)n;
			continue;
		}
		if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 ||
		    c == 0x2029)
			c = ' ';	/* and the line, paragraph separators */
		other |= c >= 0x370;	/* past Latin: Greek and on */
		cp[ncp++] = c;
		i += (size_t)n;
	}
	if (other)
		fold_lookalikes(cp, ncp);
	for (k = 0; k < ncp; k++)
		put_cp(&b, cp[k]);
	free(cp);
	return buf_steal(&b);
}

static int
is_alnum_cp(int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

static int
is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2019 || cp == 0x2018 || cp == 0x02bc;
}

/*
 * text_norm for printable ASCII, the common case, without utf8proc:
 * lower case, letters and digits, the same '+', '#', '/' and apostrophe
 * rules.  Returns NULL when the input is not printable ASCII (a control
 * byte may be IRC formatting, which text_clean removes without a space).
 */
static char *
norm_ascii(const char *in, size_t len)
{
	char *out = xmalloc(len + 1), c;
	size_t i, n = 0;
	int prev_alnum = 0, pending = 0;

	for (i = 0; i < len; i++) {
		c = in[i];
		if ((unsigned char)c >= 0x7f || (unsigned char)c < 0x20) {
			free(out);
			return NULL;
		}
		if (c == '\'') {
			/* "an em's job", "what's": the 's goes, so the
			 * word is the name ("ems" would be none) */
			if (i + 1 < len && (in[i + 1] | 32) == 's' &&
			    (i + 2 == len || !isalnum((unsigned char)in[i + 2])))
				i++;
			continue;
		}
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (prev_alnum && (c == '+' ||
		    c == '#'))) {
			if (pending && n > 0)
				out[n++] = ' ';
			pending = 0;
			out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
			prev_alnum = 1;
			continue;
		}
		if (c == '/' && prev_alnum && !pending && i + 1 < len &&
		    (((in[i + 1] | 32) >= 'a' && (in[i + 1] | 32) <= 'z') ||
		    (in[i + 1] >= '0' && in[i + 1] <= '9'))) {
			out[n++] = '/';
			prev_alnum = 0;
			continue;
		}
		pending = 1;
		prev_alnum = 0;
	}
	out[n] = '\0';
	return out;
}

char *
text_norm(const char *in, size_t len)
{
	char *clean, *fast;
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t flen, i, n;
	utf8proc_int32_t cp, next;
	struct buf b = {0};
	int prev_alnum = 0, pending_space = 0;

	if ((fast = norm_ascii(in, len)) != NULL)
		return fast;
	clean = text_clean(in, len);
	flen = utf8proc_map((const utf8proc_uint8_t *)clean,
	    (utf8proc_ssize_t)strlen(clean), &folded,
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
	free(clean);
	if (flen < 0)		/* cannot happen on cleaned input */
		return xstrdup("");

	for (i = 0; i < flen; i += n) {
		n = utf8proc_iterate(folded + i, flen - i, &cp);
		if (n <= 0)
			break;
		if (is_apostrophe(cp)) {
			/* the 's of "an em's job", as norm_ascii */
			if (i + n < flen && folded[i + n] == 's' &&
			    (i + n + 1 == flen ||
			    !isalnum(folded[i + n + 1])))
				n++;
			continue;
		}
		if (is_alnum_cp(cp) ||
		    (prev_alnum && (cp == '+' || cp == '#'))) {
			if (pending_space && b.len > 0)
				buf_putc(&b, ' ');
			pending_space = 0;
			put_cp(&b, cp);
			prev_alnum = is_alnum_cp(cp) || cp == '+' || cp == '#';
			continue;
		}
		if (cp == '/' && prev_alnum && !pending_space && i + n < flen &&
		    utf8proc_iterate(folded + i + n, flen - i - n, &next) > 0 &&
		    is_alnum_cp(next)) {
			buf_putc(&b, '/');
			prev_alnum = 0;
			continue;
		}
		pending_space = 1;
		prev_alnum = 0;
	}
	free(folded);
	return buf_steal(&b);
}

/* Singular of one ASCII-ish word, appended to b. */
static void
key_word(struct buf *b, const char *w, size_t n)
{
	if (n > 4 && memcmp(w + n - 3, "ies", 3) == 0) {
		buf_add(b, w, n - 3);
		buf_putc(b, 'y');
	} else if ((n > 3 || (n == 3 && !strchr("aeiou", w[0]))) &&
	    w[n - 1] == 's' && w[n - 2] != 's' &&
	    w[n - 2] != 'u' && w[n - 2] != 'i')
		buf_add(b, w, n - 1);
	else
		buf_add(b, w, n);
}

int
text_in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return 1;
	return 0;
}

char *
text_key(const char *norm)
{
	struct buf b = {0};
	const char *p = norm, *e;

	while (*p) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		if (e == NULL)
			e = p + strlen(p);
		if (b.len)
			buf_putc(&b, ' ');
		key_word(&b, p, (size_t)(e - p));
		p = e;
	}
	return buf_steal(&b);
}

size_t
utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	/* back up over continuation bytes to the start of the character: 3
	 * at most, as a character is at most 4 bytes; a longer run is not
	 * UTF-8 and is cut at max (fuzz_irc: a run of continuation bytes
	 * used to give 0, and no progress) */
	while (n > 0 && n + 3 > max && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return ((unsigned char)s[n] & 0xc0) == 0x80 ? max : n;
}

int
text_editdist(const char *a, size_t alen, const char *b, size_t blen,
    int limit)
{
	enum { MAXW = 64 };
	int rows[3][MAXW + 1], *pp, *p, *c, *t;
	size_t i, j;
	int best, v, cost;

	if (alen > MAXW || blen > MAXW)
		return limit + 1;
	if ((alen > blen ? alen - blen : blen - alen) > (size_t)limit)
		return limit + 1;
	pp = rows[0]; p = rows[1]; c = rows[2];
	for (j = 0; j <= blen; j++)
		p[j] = (int)j;
	for (i = 1; i <= alen; i++) {
		c[0] = (int)i;
		best = c[0];
		for (j = 1; j <= blen; j++) {
			cost = a[i - 1] != b[j - 1];
			v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (p[j - 1] + cost < v)
				v = p[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;	/* transposition */
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
		t = pp; pp = p; p = c; c = t;
	}
	return p[blen] > limit ? limit + 1 : p[blen];
}

int
text_words(char *s, char **words, int max)
{
	int n = 0;
	char *p = s;

	while (*p && n < max) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		words[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	return n;
}

/* ---- amounts of money, as chat writes them ---------------------------- */

#define AMOUNT_TOKENS	16		/* numbers of one message looked at */

/* One number of a message: "$185,000", "150k", "1.5m", "200 grand". */
struct num {
	const char	*at;		/* its first digit */
	const char	*end;		/* past it and its unit */
	long		 ip;		/* the integer part */
	long		 frac;		/* the digits after a point */
	int		 fdigits;
	int		 digits;	/* of the integer part */
	int		 commas;	/* "185,000": not a year */
	int		 big;		/* too long to be pay */
	long		 unit;		/* 1000, 1000000; 0: none written */
};

/* w, case-insensitively, at s and not followed by a letter or digit
 * ("5 k8s" is no 5,000). */
static int
word_at(const char *s, const char *w)
{
	size_t n = strlen(w), i;

	for (i = 0; i < n; i++)
		if (tolower((unsigned char)s[i]) != w[i])
			return 0;
	return !isalnum((unsigned char)s[n]);
}

/* The unit written at p (after one space at most): "k", "grand",
 * "thousand", "m", "million"; its factor, and *end past it. */
static long
unit_at(const char *p, const char **end)
{
	static const struct { const char *w; long f; } units[] = {
		{ "k", 1000 }, { "grand", 1000 }, { "thousand", 1000 },
		{ "m", 1000000 }, { "mil", 1000000 }, { "million", 1000000 },
	};
	size_t i;

	if (*p == ' ')
		p++;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (word_at(p, units[i].w)) {
			*end = p + strlen(units[i].w);
			return units[i].f;
		}
	return 0;
}

/* The number whose first digit is at p, into t; returns t->end. */
static const char *
num_at(const char *p, struct num *t)
{
	memset(t, 0, sizeof(*t));
	t->at = p;
	while (isdigit((unsigned char)*p) || (*p == ',' &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4]))) {
		if (*p == ',')
			t->commas = 1;
		else if (t->ip > AMOUNT_MAX)
			t->big = 1;	/* keep reading: one token */
		else {
			t->ip = t->ip * 10 + (*p - '0');
			t->digits++;
		}
		p++;
	}
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p); p++)
			if (t->fdigits < 6) {
				t->frac = t->frac * 10 + (*p - '0');
				t->fdigits++;
			}
	t->end = p;
	t->unit = unit_at(p, &t->end);
	return t->end;
}

/* The amount t stands for with unit (its own or one it borrows); 0 when
 * it is no amount: a count, a year, a version. */
static long
num_value(const struct num *t, long unit)
{
	long d = 1, v;
	int i;

	if (t->big)
		return 0;
	if (unit == 0)
		return t->ip < 1000 || (t->digits == 4 && !t->commas &&
		    t->ip >= 1900 && t->ip <= 2200) ? 0 : t->ip;
	for (i = 0; i < t->fdigits; i++)
		d *= 10;
	v = t->ip * unit + t->frac * unit / d;
	return v > 0 && v <= AMOUNT_MAX ? v : 0;
}

/*
 * What joins two numbers, from a's end to b's first digit: 2 for a
 * range ("-", "–", "to", "and"), 1 for "or" (a unit is shared, "150 or
 * 160k", but it is no range), 0 for anything else.
 */
static int
joined(const char *from, const char *to)
{
	static const struct { const char *w; int how; } joins[] = {
		{ "-", 2 }, { "\xe2\x80\x93", 2 }, { "\xe2\x80\x94", 2 },
		{ "~", 2 }, { "to", 2 }, { "and", 2 }, { "or", 1 },
	};
	size_t i, n;
	int how = 0;

	while (from < to && *from == ' ')
		from++;
	for (i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
		n = strlen(joins[i].w);
		if ((size_t)(to - from) >= n &&
		    strncmp(from, joins[i].w, n) == 0) {
			how = joins[i].how;
			from += n;
			break;
		}
	}
	while (from < to && (*from == ' ' || *from == '$'))
		from++;
	return from == to ? how : 0;
}

int
parse_amounts(const char *s, long *out, int max, int *range)
{
	struct num t[AMOUNT_TOKENS];
	const char *p;
	long unit, v;
	int nt = 0, n = 0, i, first = -1, second = -1;

	if (range)
		*range = 0;
	for (p = s; *p && nt < AMOUNT_TOKENS; ) {
		/* a number starts a word: not "p90", "web3", nor the "5" of
		 * "1.5" (read with the "1") */
		if (!isdigit((unsigned char)*p) || (p > s &&
		    isalnum((unsigned char)p[-1]))) {
			p++;
			continue;
		}
		p = num_at(p, &t[nt++]);
	}
	for (i = 0; i < nt && n < max; i++) {
		unit = t[i].unit;
		/* "$150-160k", "between 150 and 200k": the unit written
		 * once is both numbers'; "150k to 200" too */
		if (unit == 0 && i + 1 < nt && t[i + 1].unit &&
		    joined(t[i].end, t[i + 1].at))
			unit = t[i + 1].unit;
		else if (unit == 0 && i > 0 && t[i - 1].unit &&
		    joined(t[i - 1].end, t[i].at))
			unit = t[i - 1].unit;
		if ((v = num_value(&t[i], unit)) == 0)
			continue;
		if (first < 0)
			first = i;
		else if (second < 0)
			second = i;
		out[n++] = v;
	}
	if (range && second == first + 1 &&
	    joined(t[first].end, t[second].at) == 2)
		*range = 1;
	return n;
}

long
parse_amount(const char *text)
{
	long v;

	return parse_amounts(text, &v, 1, NULL) == 1 ? v : 0;
}

unsigned
text_hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;

	while (n-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}
