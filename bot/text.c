/*
 * text.c -- UTF-8 repair, matching normalisation and byte-safe cutting.
 *
 * Unicode tables come from utf8proc (normalisation, case folding, general
 * categories); this file only decides which characters matter for matching
 * a chat question against role names.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "buf.h"
#include "text.h"

static void
put_cp(struct buf *b, int32_t cp)
{
	utf8proc_uint8_t tmp[4];
	utf8proc_ssize_t n = utf8proc_encode_char(cp, tmp);

	buf_add(b, (const char *)tmp, (size_t)n);
}

char *
text_clean(const char *in, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)in;
	struct buf b = {0};
	utf8proc_int32_t cp;
	utf8proc_ssize_t n;
	size_t i = 0;

	while (i < len) {
		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			cp = p[i];	/* not UTF-8: read the byte as Latin-1 */
			n = 1;
		}
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			cp = ' ';
		put_cp(&b, cp);
		i += (size_t)n;
	}
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
 * rules.  Returns NULL when the input is not plain ASCII.
 */
static char *
norm_ascii(const char *in, size_t len)
{
	char *out = xmalloc(len + 1), c;
	size_t i, n = 0;
	int prev_alnum = 0, pending = 0;

	for (i = 0; i < len; i++) {
		c = in[i];
		if ((unsigned char)c >= 0x80) {
			free(out);
			return NULL;
		}
		if (c == '\'')
			continue;
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
		if (is_apostrophe(cp))
			continue;
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

#define AMOUNT_MAX	100000000L	/* above this, no salary: not read */
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
