/*
 * test_arena.c -- the region allocator: zeroed and aligned memory, copies
 * of strings, big allocations beside the small ones, one free for all.
 */
#include <stdalign.h>
#include <stdint.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "arena.h"

/* as bot/arena.c decides: one block an allocation under ASan */
#if defined(__SANITIZE_ADDRESS__)
#define EXACT	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXACT	1
#endif
#endif
#ifndef EXACT
#define EXACT	0
#endif

static void
test_01_zeroed_aligned_and_apart(void **s)
{
	struct arena *a = arena_new();
	unsigned char *p[64];
	size_t i, j, n;

	(void)s;
	for (i = 0; i < 64; i++) {
		n = i * 7 + 1;
		p[i] = arena_alloc(a, n);
		assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
		for (j = 0; j < n; j++)
			assert_int_equal(p[i][j], 0);
		memset(p[i], (int)i + 1, n);	/* an overlap shows below */
	}
	for (i = 0; i < 64; i++)
		for (j = 0; j < i * 7 + 1; j++)
			assert_int_equal(p[i][j], i + 1);
	arena_free(a);
}

static void
test_02_strings_copied_and_ended(void **s)
{
	struct arena *a = arena_new();
	char src[] = "site reliability engineer";
	char *c, *d, *e;

	(void)s;
	c = arena_strdup(a, src);
	d = arena_strndup(a, src, 4);
	e = arena_strdup(a, "");
	src[0] = 'X';			/* the copies are the arena's own */
	assert_string_equal(c, "site reliability engineer");
	assert_string_equal(d, "site");
	assert_string_equal(e, "");
	assert_ptr_not_equal(c, src);
	arena_free(a);
}

static void
test_03_big_allocation_beside_small_ones(void **s)
{
	struct arena *a = arena_new();
	size_t before, big = 1024 * 1024;
	char *small1, *small2, *b;

	(void)s;
	small1 = arena_strdup(a, "before");
	before = arena_size(a);
	b = arena_alloc(a, big);
	assert_true(arena_size(a) >= before + big);
	memset(b, 'x', big);
	small2 = arena_strdup(a, "after");
	assert_string_equal(small1, "before");
	assert_string_equal(small2, "after");
	if (!EXACT)	/* cut from the same block as the first */
		assert_true(small2 > small1 && small2 < small1 + 64);
	arena_free(a);
}

static void
test_04_small_allocations_packed(void **s)
{
	struct arena *a = arena_new();
	size_t i, want = 0;

	(void)s;
	for (i = 0; i < 10000; i++) {
		arena_strdup(a, "ten bytes");
		want += 10;
	}
	assert_true(arena_size(a) >= want);
	if (EXACT)	/* a block of its own each, header and all */
		assert_true(arena_size(a) >= 10000 * (want / 10000 +
		    sizeof(void *)));
	else		/* no per-string header: three 64 KiB blocks at most */
		assert_true(arena_size(a) <= 3 * (64 * 1024 + 64));
	arena_free(a);
	arena_free(NULL);
}

static void
test_05_overflowing_array_aborts(void **s)
{
	pid_t pid;
	int st;

	(void)s;
	if ((pid = fork()) == 0) {
		struct arena *a = arena_new();

		close(2);	/* the message is not the test's output */
		arena_calloc(a, SIZE_MAX / 8, 16);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_zeroed_aligned_and_apart),
		cmocka_unit_test(test_02_strings_copied_and_ended),
		cmocka_unit_test(test_03_big_allocation_beside_small_ones),
		cmocka_unit_test(test_04_small_allocations_packed),
		cmocka_unit_test(test_05_overflowing_array_aborts),
	};

	return cmocka_run_group_tests_name("arena", t, NULL, NULL);
}
