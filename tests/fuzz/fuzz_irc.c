/*
 * fuzz_irc.c -- libFuzzer: the IRC reply splitter and the wire line.
 * Any text, split as answers are, must give lines within the budget,
 * never cut inside a UTF-8 character and always make progress; every line
 * on the wire ends in CR LF with no other CR, LF or NUL, within 512 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "irc.h"
#include "link.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Well-formed UTF-8 (lead and continuation bytes; overlongs not checked:
 * only the cut points matter here). */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, need;

	while (i < n) {
		if (s[i] < 0x80)
			need = 0;
		else if ((s[i] & 0xe0) == 0xc0)
			need = 1;
		else if ((s[i] & 0xf0) == 0xe0)
			need = 2;
		else if ((s[i] & 0xf8) == 0xf0)
			need = 3;
		else
			return 0;
		if (need && i + need >= n)
			return 0;
		for (k = 1; k <= need; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += need + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char wire[IRC_MSG_MAX + 1];
	const char *text;
	size_t len, max, cut, w, i;
	int utf8;

	if (size < 2)
		return 0;
	max = 64 + (size_t)data[0] * 2;		/* 64 .. 574 */
	text = (const char *)data + 1;
	len = size - 1;
	utf8 = valid_utf8(data + 1, len);
	while (len > 0) {
		cut = fmt_cut(text, len, max, FMT_BACK_QUARTER);
		if (cut == 0 || cut > max || cut > len)
			abort();
		/* never inside a character of valid text */
		if (utf8 && cut < len && ((unsigned char)text[cut] & 0xC0) ==
		    0x80)
			abort();
		w = link_wire_line(text, cut, wire);
		if (w > IRC_MSG_MAX || wire[w - 2] != '\r' ||
		    wire[w - 1] != '\n' || wire[w] != '\0')
			abort();
		for (i = 0; i + 2 < w; i++)
			if (wire[i] == '\r' || wire[i] == '\n' ||
			    wire[i] == '\0')
				abort();
		text += cut;
		len -= cut;
	}
	return 0;
}
