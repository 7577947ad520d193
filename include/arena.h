/*
 * arena.h -- a region allocator: many small allocations, freed at once.
 *
 * The knowledge base keeps tens of thousands of small records, vectors
 * and strings that live exactly as long as it does.  Copied into one
 * arena, they cost their own bytes and no per-allocation header, the
 * parsed JSON they came from can be freed as soon as it is read, and
 * kb_free() is one arena_free().
 *
 * Who frees: whoever called arena_new() calls arena_free(), which frees
 * every block the arena handed out; nothing it hands out is freed alone.
 * Allocation failure aborts the process, as xmalloc() does (buf.h).
 */
#ifndef TECHPAY_ARENA_H
#define TECHPAY_ARENA_H

#include <stddef.h>

struct arena;

struct arena	*arena_new(void);
void		 arena_free(struct arena *);
/* n zeroed bytes, aligned for any type. */
void		*arena_alloc(struct arena *, size_t n);
/* An array of n zeroed items of size bytes (overflow aborts). */
void		*arena_calloc(struct arena *, size_t n, size_t size);
/* A copy of s (of its first n bytes, then a NUL), byte-aligned. */
char		*arena_strdup(struct arena *, const char *s);
char		*arena_strndup(struct arena *, const char *s, size_t n);
/* Bytes the arena holds from malloc, its own bookkeeping included. */
size_t		 arena_size(const struct arena *);

#endif
