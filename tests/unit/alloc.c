/* tests/unit/alloc.c: alloc.c, the malloc of the static musl build, here
 * built into this test under other names (the test itself runs on glibc's):
 * blocks are aligned and apart, a freed block serves the next request of
 * its size, calloc zeroes what it hands out again, realloc keeps the
 * contents and grows the newest block in place, large blocks are mapped
 * apart, the heap goes on in a mapped chunk once the first (in bss) is
 * used up, a run of writes off that first chunk's end faults, and a double
 * free, a foreign pointer or an overwritten free block stops the process
 * with SIGABRT instead of corrupting the heap. */
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#define malloc sbx_alloc_malloc
#define calloc sbx_alloc_calloc
#define realloc sbx_alloc_realloc
#define free sbx_alloc_free
#include "../../alloc.c"
#undef malloc
#undef calloc
#undef realloc
#undef free

static void blocks_are_aligned_and_apart(void **state)
{
	(void)state;
	char *p[64];
	for (size_t i = 0; i < 64; i++) {
		size_t n = 1 + i * 37;
		p[i] = sbx_alloc_malloc(n);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		memset(p[i], (int)i, n);
	}
	for (size_t i = 0; i < 64; i++) {
		size_t n = 1 + i * 37;
		for (size_t j = 0; j < n; j++)
			assert_int_equal((unsigned char)p[i][j], i);
		sbx_alloc_free(p[i]);
	}
}

static void a_freed_block_is_reused_and_calloc_zeroes_it(void **state)
{
	(void)state;
	char *a = sbx_alloc_malloc(100);
	memset(a, 0xab, 100);
	sbx_alloc_free(a);
	char *b = sbx_alloc_calloc(10, 10);
	assert_ptr_equal(a, b);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(b[i], 0);
	sbx_alloc_free(b);
	volatile size_t half = SIZE_MAX / 2; /* hidden from the compiler, which would refuse the call */
	assert_null(sbx_alloc_calloc(half, 3));
	assert_int_equal(errno, ENOMEM);
}

static void realloc_keeps_the_contents(void **state)
{
	(void)state;
	/* the newest block grows where it is */
	char *a = sbx_alloc_malloc(20);
	memcpy(a, "0123456789abcdefghi", 20);
	char *b = sbx_alloc_realloc(a, 3000);
	assert_ptr_equal(a, b);
	assert_string_equal(b, "0123456789abcdefghi");
	/* one with another after it moves */
	char *c = sbx_alloc_malloc(6000); /* a size no earlier test freed: from the end of the heap */
	char *d = sbx_alloc_realloc(b, 9000);
	assert_ptr_not_equal(d, b);
	assert_string_equal(d, "0123456789abcdefghi");
	/* into a mapping of its own, and back out of realloc(NULL) */
	char *e = sbx_alloc_realloc(d, 200000);
	assert_string_equal(e, "0123456789abcdefghi");
	e[199999] = 'z';
	assert_ptr_equal(sbx_alloc_realloc(e, 100), e);
	sbx_alloc_free(e);
	sbx_alloc_free(c);
	char *f = sbx_alloc_realloc(NULL, 5);
	assert_non_null(f);
	sbx_alloc_free(f);
	sbx_alloc_free(NULL);
}

static void big_blocks_are_mapped_apart(void **state)
{
	(void)state;
	char *big = sbx_alloc_calloc(1, 1 << 20);
	assert_non_null(big);
	assert_int_equal((uintptr_t)big % 16, 0);
	assert_int_equal(big[12345], 0);
	big[(1 << 20) - 1] = 1;
	sbx_alloc_free(big);
}

/* More than a chunk of small blocks: the first chunk (bss) runs out and
 * the next one is mapped; every block is aligned, zeroed by calloc, and
 * keeps what was written to it. */
static void the_heap_goes_on_past_the_first_chunk(void **state)
{
	(void)state;
	enum { N = 3 * CHUNK / 4096 };
	static char *p[N];
	bool mapped = false;
	for (size_t i = 0; i < N; i++) {
		p[i] = sbx_alloc_calloc(1, 4000);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		for (size_t j = 0; j < 4000; j++)
			assert_int_equal(p[i][j], 0);
		memset(p[i], (int)(i & 0xff), 4000);
		mapped |= p[i] < first_arena || p[i] >= first_arena + sizeof first_arena;
	}
	assert_true(mapped);
	for (size_t i = 0; i < N; i++) {
		assert_int_equal((unsigned char)p[i][3999], i & 0xff);
		sbx_alloc_free(p[i]);
	}
}

/* What the child does to the heap ends it with SIGABRT (SIGSEGV for a
 * write off the first chunk).  The misuse goes through a volatile pointer:
 * the compiler sees the allocation's size and would refuse to build the
 * out-of-bounds writes. */
static char *hide(char *p)
{
	char *volatile v = p;
	return v;
}

/* misuse(), in a child, must kill it with sig (its message, if any, to
 * /dev/null; sig at its default action, not cmocka's handler). */
static void expect_death(void (*misuse)(void), int sig)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDERR_FILENO);
		signal(sig, SIG_DFL);
		misuse();
		_exit(0);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
}

static void double_free(void)
{
	char *p = sbx_alloc_malloc(40);
	sbx_alloc_free(p);
	sbx_alloc_free(p);
}

static void foreign_pointer(void)
{
	static char not_ours[64] __attribute__((aligned(16)));
	sbx_alloc_free(not_ours + 32);
}

static void overwritten_link(void)
{
	char *p = sbx_alloc_malloc(48), *q = sbx_alloc_malloc(48);
	sbx_alloc_free(p);
	memset(hide(p), 0x41, 8); /* a use after free aiming the list elsewhere */
	char *first = sbx_alloc_malloc(48), *second = sbx_alloc_malloc(48);
	(void)q, (void)first, (void)second;
}

static void overwritten_header(void)
{
	char *p = sbx_alloc_malloc(48);
	memset(hide(p) - 16, 0, 16); /* an overflow from the block before */
	sbx_alloc_free(p);
}

static void overwritten_big_header(void)
{
	char *p = sbx_alloc_malloc(100000);
	((size_t *)(void *)(hide(p) - 16))[0] += 1 << 20; /* free would unmap a megabyte more */
	sbx_alloc_free(p);
}

/* Writes running on off the end of the first chunk's array (made by the
 * first allocation, long before this). */
static void overflow_off_the_first_chunk(void)
{
	sbx_alloc_free(sbx_alloc_malloc(32));
	char *end = first_arena + SLIDE + CHUNK;
	memset(hide(end - 64), 0x41, 64 + 1);
}

static void misuse_is_stopped(void **state)
{
	(void)state;
	expect_death(double_free, SIGABRT);
	expect_death(foreign_pointer, SIGABRT);
	expect_death(overwritten_link, SIGABRT);
	expect_death(overwritten_header, SIGABRT);
	expect_death(overwritten_big_header, SIGABRT);
	expect_death(overflow_off_the_first_chunk, SIGSEGV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_are_aligned_and_apart),
		cmocka_unit_test(a_freed_block_is_reused_and_calloc_zeroes_it),
		cmocka_unit_test(realloc_keeps_the_contents),
		cmocka_unit_test(big_blocks_are_mapped_apart),
		cmocka_unit_test(the_heap_goes_on_past_the_first_chunk),
		cmocka_unit_test(misuse_is_stopped),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	/* LeakSanitizer (the sanitizer build) reads all of bss at exit, the
	 * guard page at the end of the first chunk too: lift it first. */
	mprotect(first_arena + SLIDE + CHUNK, GUARD, PROT_READ | PROT_WRITE);
	return failed;
}
