/*
 * buf.h -- a growable, always NUL-terminated byte string.
 *
 * Used wherever an answer or a query is assembled piece by piece.  A
 * zeroed struct buf is a valid empty buffer; buf_free() releases it.
 * Allocation failure aborts the process (xmalloc): a chat bot that cannot
 * allocate a few hundred bytes has nothing sensible left to do.
 */
#ifndef TECHPAY_BUF_H
#define TECHPAY_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*s;	/* NUL-terminated; NULL until the first append */
	size_t	 len;
	size_t	 cap;
};

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);

void	 buf_add(struct buf *, const char *, size_t);
void	 buf_puts(struct buf *, const char *);
void	 buf_putc(struct buf *, char);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_reset(struct buf *);
void	 buf_truncate(struct buf *, size_t);
void	 buf_free(struct buf *);
/* Never NULL: "" for an empty buffer. */
const char *buf_str(const struct buf *);
/* Hands the string to the caller (who frees it); the buf becomes empty. */
char	*buf_steal(struct buf *);

#endif
