/*
 * address.h -- whether a chat message calls the bot by name (address.c).
 *
 * The name first (after a greeting at most), last, or as an @mention
 * anywhere calls the bot; a name mentioned in passing does not.  Case
 * does not matter; a name is a word of its own ("techpayer" is not
 * "techpay").
 */
#ifndef TECHPAY_ADDRESS_H
#define TECHPAY_ADDRESS_H

/* How a message calls the bot: the router answers small talk only when
 * the name came first, and keeps quiet at a name last with nothing
 * asked ("lol techpay"). */
enum address_how {
	ADDRESS_NOT = 0,	/* not at all, or in passing */
	ADDRESS_LAST = 1,	/* last ("..., techpay?") or an @mention */
	ADDRESS_FIRST = 2	/* first: "techpay: ...", "hey techpay, ..." */
};

/*
 * How body calls the bot by one of names (a NULL-terminated list, or
 * NULL) or else by nick.  The name that calls it (with a ":", "," or
 * ">" after it and an "@" before it) is removed from body in place, else
 * the first one found in passing: the question is the rest.
 */
int	address_call(char *body, const char *nick,
	    const char *const *names);

#endif
