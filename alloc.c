/* alloc.c: malloc, calloc, realloc and free for the static musl build.
 *
 * musl's allocator (mallocng) keeps each size class in groups of their own,
 * maps a new group the first time a class is used and unmaps it again as
 * soon as it is empty.  A launch makes a few hundred small allocations of
 * many sizes, most of them short-lived, so every start paid for it in
 * mmap/munmap pairs and in page faults, each of which costs several
 * microseconds on a virtual machine: about forty of a launch's hundred
 * faults were the allocator's, in the supervisor and again in init.
 *
 * This one is as simple as the program's needs: requests are rounded up to
 * one of a few dozen size classes, carved one after another from 256 KiB
 * mappings (so a launch's whole heap lives in a handful of pages), and a
 * freed block goes on its class's list for the next request of that class.
 * The newest block grows in place.  Nothing small is given back to the
 * system: sbx's processes are short, and a long-running supervisor reuses
 * what it freed.  Requests over 64 KiB get
 * a mapping of their own, unmapped when freed.
 *
 * The first chunk is not mapped: it is an array in bss, beside the
 * program's own data.  The page tables for that part of the address space
 * exist from exec on, where a first chunk mapped near the top makes each
 * process build a new branch of them on its first write: on this 2-core
 * VM that one write cost 40-110 µs against 11 µs for the next page (a
 * launch uses three or four pages of heap), and a whole launch took 2-5%
 * longer (bench/launch.c, interleaved).  The heap then starts at a random
 * 16-byte offset in the first MiB of a larger array (getrandom), so its
 * address is not the same on every run, though with less entropy than mmap
 * gives (16 bits): the rest of this static non-PIE binary has none.  A page
 * no access ends the array.  Later chunks and big blocks are mapped as
 * before.
 *
 * Checks, as a hardened allocator would make: each block's header holds a
 * tag saying whether it is in use, so a double free or a pointer that is
 * not a block stops sbx at once (SIGABRT) rather than corrupting the heap;
 * the links of the free lists are stored XORed with a secret from the
 * kernel's AT_RANDOM bytes and checked for alignment, so an overflow into a
 * freed block cannot point the next allocation at a chosen address without
 * knowing it.  sbx is single-threaded; the payload, a vfork child sharing
 * init's memory, allocates only while init sleeps.
 *
 * The glibc builds (the Debian package, the sanitizers, valgrind) keep
 * glibc's malloc: this file is linked only with LIBC=musl. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

enum {
	HEAD = 16,            /* header before each block; blocks stay 16-byte aligned */
	CHUNK = 256 * 1024,   /* mapped at a time for the small classes */
	BIG = 64 * 1024,      /* larger requests: a mapping each */
	TAG_USED = 0x5bc0a11c,
	TAG_FREE = 0x5bc0f4ee,
	TAG_BIG = 0x5bc0b165,
};

struct head {
	size_t size;  /* usable bytes: the class's size, or the mapping's less HEAD */
	uint32_t cls; /* index in class_size; for a big block, a check of size */
	uint32_t tag;
};

static const uint32_t class_size[] = {
	16,    32,    48,    64,    80,    96,    128,   160,   192,   256,   320,   384,
	512,   640,   768,   1024,  1280,  1536,  2048,  2560,  3072,  4096,  5120,  6144,
	8192,  10240, 12288, 16384, 20480, 24576, 32768, 40960, 49152, 65536,
};
#define N_CLASSES (sizeof class_size / sizeof class_size[0])

static void *free_list[N_CLASSES]; /* each link stored as (next ^ secret) */
static uintptr_t secret;
static char *bump, *bump_end;

static _Noreturn void heap_broken(const char *what)
{
	static const char prefix[] = "sbx: heap corruption: ";
	(void)!write(STDERR_FILENO, prefix, sizeof prefix - 1);
	(void)!write(STDERR_FILENO, what, strlen(what));
	(void)!write(STDERR_FILENO, "\n", 1);
	abort();
}

static uintptr_t link_secret(void)
{
	if (!secret) {
		const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
		uintptr_t s = 0;
		if (random)
			memcpy(&s, random + 8, sizeof s); /* the first 8 are the stack protector's */
		secret = (s ? s : (uintptr_t)&secret * 0x9e3779b97f4a7c15u) & ~(uintptr_t)15;
		if (!secret)
			secret = 0x5bc0000000000010u;
	}
	return secret;
}

static size_t class_of(size_t n)
{
	size_t lo = 0, hi = N_CLASSES - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (class_size[mid] < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void *map(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* A big block's size, checked before it is unmapped: an overwritten
 * header must not make free unmap someone else's pages. */
static uint32_t big_check(size_t size)
{
	return (uint32_t)((size ^ link_secret()) >> 4);
}

static void *big_alloc(size_t n)
{
	size_t page = 4096;
	if (n > SIZE_MAX - HEAD - page) {
		errno = ENOMEM;
		return NULL;
	}
	size_t size = (n + HEAD + page - 1) & ~(page - 1);
	struct head *h = map(size);
	if (!h)
		return NULL;
	*h = (struct head){ .size = size - HEAD, .cls = big_check(size - HEAD), .tag = TAG_BIG };
	return (char *)h + HEAD;
}

/* The first chunk: in bss, at a random 16-byte offset in its first MiB
 * (see the top of this file), and followed by a page that may not be
 * touched, as a mapping near the top is followed by the gap below the
 * stack: a run of writes off the end of the heap faults there instead of
 * going on into the globals after it (the allocator's own among them). */
enum { SLIDE = 1024 * 1024, GUARD = 4096 };
static char first_arena[SLIDE + CHUNK + GUARD] __attribute__((aligned(4096)));

static char *first_chunk(void)
{
	if (mprotect(first_arena + SLIDE + CHUNK, GUARD, PROT_NONE) < 0)
		return map(CHUNK);
	uint32_t r = 0;
	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
		r = 0;
	return first_arena + (r % SLIDE & ~(uint32_t)15);
}

/* A block of class c, and whether it is fresh from the mapping (zero). */
static void *small_alloc(size_t c, int *fresh)
{
	uintptr_t key = link_secret();
	char *p = free_list[c];
	if (p) {
		struct head *h = (struct head *)(p - HEAD);
		if (h->tag != TAG_FREE || h->cls != c)
			heap_broken("a free block was overwritten");
		uintptr_t next = *(uintptr_t *)p ^ key;
		if (next & 15)
			heap_broken("a free list's link was overwritten");
		free_list[c] = (void *)next;
		h->tag = TAG_USED;
		*fresh = 0;
		return p;
	}
	size_t need = HEAD + class_size[c];
	if (!bump || (size_t)(bump_end - bump) < need) {
		char *chunk = bump ? map(CHUNK) : first_chunk();
		if (!chunk)
			return NULL;
		bump = chunk;
		bump_end = chunk + CHUNK;
	}
	struct head *h = (struct head *)bump;
	bump += need;
	*h = (struct head){ .size = class_size[c], .cls = (uint32_t)c, .tag = TAG_USED };
	*fresh = 1;
	return (char *)h + HEAD;
}

static void *allocate(size_t n, int *fresh)
{
	if (n > BIG) {
		*fresh = 1;
		return big_alloc(n);
	}
	void *p = small_alloc(class_of(n ? n : 1), fresh);
	if (!p)
		errno = ENOMEM;
	return p;
}

static struct head *head_of(void *p)
{
	struct head *h = (struct head *)((char *)p - HEAD);
	if (((uintptr_t)p & 15) || (h->tag != TAG_USED && h->tag != TAG_BIG))
		heap_broken(h->tag == TAG_FREE && !((uintptr_t)p & 15) ? "a block freed twice"
									: "free or realloc of a pointer malloc did not give");
	if (h->tag == TAG_USED ? h->cls >= N_CLASSES || h->size != class_size[h->cls] : h->cls != big_check(h->size))
		heap_broken("a block's header was overwritten");
	return h;
}

void *malloc(size_t n)
{
	int fresh;
	return allocate(n, &fresh);
}

void *calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	int fresh;
	void *p = allocate(count * size, &fresh);
	if (p && !fresh) /* memory fresh from mmap is zero and untouched: leave its pages alone */
		memset(p, 0, count * size);
	return p;
}

void free(void *p)
{
	if (!p)
		return;
	struct head *h = head_of(p);
	if (h->tag == TAG_BIG) {
		h->tag = 0;
		munmap(h, h->size + HEAD);
		return;
	}
	h->tag = TAG_FREE;
	*(uintptr_t *)p = (uintptr_t)free_list[h->cls] ^ link_secret();
	free_list[h->cls] = p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	struct head *h = head_of(p);
	if (n <= h->size)
		return p; /* it fits: kept, never shrunk */
	if (h->tag == TAG_USED && n <= BIG && (char *)p + h->size == bump) {
		/* The newest block, growing (an array one element at a time):
		 * extended in place, into pages it would touch anyway. */
		size_t c = class_of(n);
		if ((size_t)(bump_end - (char *)p) >= class_size[c]) {
			h->size = class_size[c];
			h->cls = (uint32_t)c;
			bump = (char *)p + h->size;
			return p;
		}
	}
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, h->size);
	free(p);
	return q;
}
