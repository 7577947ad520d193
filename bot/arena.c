/*
 * arena.c -- a region allocator (see arena.h).
 *
 * Blocks of ARENA_BLOCK bytes are cut from the front, in order; an
 * allocation larger than a quarter block gets a block of its own, so a
 * big array never strands the rest of the current block.  Every block
 * is on one list, which arena_free() walks.
 *
 * Under AddressSanitizer each allocation is a block of its own: an
 * overrun of one record is then reported, not hidden in its neighbour.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

#define ARENA_BLOCK	(64 * 1024)	/* bytes of an ordinary block */
#define ARENA_ALIGN	alignof(max_align_t)

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_EXACT	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_EXACT	1
#endif
#endif
#ifndef ARENA_EXACT
#define ARENA_EXACT	0
#endif

struct block {
	struct block	*next;
	size_t		 cap, used;	/* bytes of data */
	alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct block	*head;		/* the block being cut; then the rest */
	size_t		 size;		/* bytes from malloc */
};

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

/* A new zeroed block of cap bytes: at the head when it is the one to cut
 * from next, else second (a big allocation's own block, already full). */
static struct block *
new_block(struct arena *a, size_t cap, int current)
{
	struct block *b;

	if (cap > SIZE_MAX - sizeof(*b)) {
		fputs("techpay: arena allocation too large\n", stderr);
		abort();
	}
	b = xcalloc(1, sizeof(*b) + cap);
	b->cap = cap;
	a->size += sizeof(*b) + cap;
	if (current || a->head == NULL) {
		b->next = a->head;
		a->head = b;
	} else {
		b->next = a->head->next;
		a->head->next = b;
	}
	return b;
}

static void *
cut(struct arena *a, size_t n, size_t align)
{
	struct block *b = a->head;
	size_t at;

	if (n == 0)
		n = 1;
	if (ARENA_EXACT || n > ARENA_BLOCK / 4) {
		b = new_block(a, n, 0);
		b->used = n;
		return b->data;
	}
	if (b != NULL) {
		at = (b->used + align - 1) & ~(align - 1);
		if (at <= b->cap && n <= b->cap - at) {
			b->used = at + n;
			return b->data + at;
		}
	}
	b = new_block(a, ARENA_BLOCK, 1);
	b->used = n;
	return b->data;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	return cut(a, n, ARENA_ALIGN);
}

void *
arena_calloc(struct arena *a, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size) {
		fputs("techpay: arena allocation too large\n", stderr);
		abort();
	}
	return cut(a, n * size, ARENA_ALIGN);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = cut(a, n + 1, 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

size_t
arena_size(const struct arena *a)
{
	return a->size;
}
