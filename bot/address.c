/*
 * address.c -- whether a chat message calls the bot by name.
 *
 * A message calls the bot when its name stands first (after a greeting
 * at most: "techpay: ...", "hey techpay, ..."), last ("..., techpay?")
 * or as an @mention anywhere ("@techpay"); a name only mentioned in
 * passing ("I asked techpay yesterday", "techpay's answer") does not.
 * The name is removed from the message, which is then the question.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "address.h"

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* name as a word in s at or after from ("techpay:", "@techpay",
 * "techpay,"), or NULL. */
static char *
find_name(char *s, char *from, const char *name)
{
	size_t n = strlen(name);
	char *p;

	if (n == 0)
		return NULL;
	for (p = from; (p = strcasestr(p, name)) != NULL; p++)
		if ((p == s || !name_char((unsigned char)p[-1])) &&
		    !name_char((unsigned char)p[n]))
			return p;
	return NULL;
}

/* Only a greeting stands before s[upto]: "hey techpay, ...". */
static int
greeting_only_before(const char *s, size_t upto)
{
	static const char *const hi[] = { "hey", "hi", "hello", "yo", "ok",
	    "okay", "so", "@", NULL };
	int i;

	while (upto > 0 && strchr(" ,@", s[upto - 1]))
		upto--;
	for (i = 0; hi[i]; i++)
		if (strlen(hi[i]) == upto && strncasecmp(s, hi[i], upto) == 0)
			return 1;
	return upto == 0;
}

/* "@techpay" as a word of its own (not "me@techpay.org"), or a name that
 * is itself one (a Matrix user id). */
static int
at_mention(const char *s, const char *p, const char *name)
{
	if (name[0] == '@')
		return 1;
	return p > s && p[-1] == '@' &&
	    (p - 1 == s || !name_char((unsigned char)p[-2]));
}

/* Nothing but spaces and punctuation from p on: "..., techpay?", ":)". */
static int
only_punct(const char *p)
{
	for (; *p; p++)
		if (*p != ' ' && !ispunct((unsigned char)*p))
			return 0;
	return 1;
}

/* How the name at p in s calls the bot: 2 first (after a greeting: "hey
 * techpay, ..."), 1 last ("..., techpay?") or as an @mention anywhere,
 * 0 in passing ("I asked techpay yesterday", "techpay's answer"). */
static int
calls(const char *s, const char *p, const char *name)
{
	const char *e = p + strlen(name);

	/* a possessive or a contraction talks about the bot */
	if ((e[0] == '\'' && isalpha((unsigned char)e[1])) ||
	    (strncmp(e, "\xe2\x80\x99", 3) == 0 &&
	    isalpha((unsigned char)e[3])))
		return 0;
	if (greeting_only_before(s, (size_t)(p - s)))
		return 2;
	return at_mention(s, p, name) || only_punct(e);
}

/*
 * Whether body calls the bot by one of its names (see calls(); 0 also
 * when no name is there).  The name that calls it is removed, else the
 * first one found: the question is the rest.
 */
int
address_call(char *body, const char *nick, const char *const *names)
{
	const char *const *nm = names;
	const char *name, *passing = NULL;
	char *p, *from, *to, *first = NULL;
	int how = 0;

	for (;;) {
		name = nm && *nm ? *nm++ : nick;
		for (p = body; (p = find_name(body, p, name)) != NULL; p++) {
			if ((how = calls(body, p, name)) > 0)
				break;
			if (first == NULL) {
				first = p;
				passing = name;
			}
		}
		if (how > 0 || name == nick)
			break;
	}
	if (how <= 0) {
		if (first == NULL)
			return 0;
		p = first;
		name = passing;
	}
	from = p > body && p[-1] == '@' ? p - 1 : p;
	to = p + strlen(name);
	while (*to == ':' || *to == ',' || *to == '>')
		to++;
	memmove(from, to, strlen(to) + 1);
	return how;
}
