/* tests/unit/complement.c: seccomp.c's complement, which turns "none of
 * these values" (repeated !=, and a rule's exceptions) into masked
 * comparisons libseccomp can OR.  Its one promise: within the argument's
 * width, a value matches some output cube exactly when it matches no
 * input cube.  Checked value by value over 8-bit spaces (every value) and
 * at 32 and 64 bits (the inputs, their one-bit neighbours, random ones). */
#include "unit.h"

#include "seccomp_list.h"

#include <stdlib.h>

static bool in_cubes(const struct cube *c, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if ((x & c[i].mask) == c[i].value)
			return true;
	return false;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The cubes out gives are well formed (value within mask, mask within the
 * width) and, at x, cover exactly what the inputs leave. */
static void check_at(const struct cube *in, size_t n, const struct cubes *out, uint64_t width, uint64_t x)
{
	x &= width;
	if (in_cubes(in, n, x) == in_cubes(out->c, out->n, x))
		fail_msg("value %#llx: %s", (unsigned long long)x,
			 in_cubes(in, n, x) ? "matched by both an input and the complement"
					    : "matched by neither the inputs nor the complement");
}

static struct cubes complement_of(const struct cube *in, size_t n, uint64_t width)
{
	struct cubes out = { 0 };
	complement(in, n, width, 0, 0, &out);
	for (size_t i = 0; i < out.n; i++) {
		assert_int_equal(out.c[i].value & ~out.c[i].mask, 0);
		assert_int_equal(out.c[i].mask & ~width, 0);
	}
	return out;
}

static void no_values_leaves_everything(void **state)
{
	(void)state;
	struct cubes out = complement_of(NULL, 0, 0xff);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.c[0].mask, 0); /* one cube, matching all */
	free(out.c);
}

static void a_cube_matching_everything_leaves_nothing(void **state)
{
	(void)state;
	struct cube all = { 0, 0 };
	struct cubes out = complement_of(&all, 1, UINT64_MAX);
	assert_int_equal(out.n, 0);
	free(out.c);
}

/* One 64-bit value: every other value differs in some bit, one cube per
 * bit. */
static void one_point_gives_one_cube_per_bit(void **state)
{
	(void)state;
	struct cube p = { UINT64_MAX, 0x8000000000000001ULL };
	struct cubes out = complement_of(&p, 1, UINT64_MAX);
	assert_int_equal(out.n, 64);
	check_at(&p, 1, &out, UINT64_MAX, p.value);
	for (int b = 0; b < 64; b++)
		check_at(&p, 1, &out, UINT64_MAX, p.value ^ 1ULL << b);
	free(out.c);
}

/* The comment in seccomp.c: personality's five allowed values (PER_LINUX,
 * PER_LINUX32, UNAME26, both, 0xffffffff, on the low 32 bits) give 60
 * two-bit cubes. */
static void personality_gives_sixty_two_bit_cubes(void **state)
{
	(void)state;
	const uint64_t w = 0xffffffff;
	struct cube allowed[] = { { w, 0 }, { w, 0x8 }, { w, 0x20000 }, { w, 0x20008 }, { w, 0xffffffff } };
	struct cubes out = complement_of(allowed, 5, w);
	assert_int_equal(out.n, 60);
	for (size_t i = 0; i < out.n; i++)
		assert_int_equal(__builtin_popcountll(out.c[i].mask), 2);
	for (size_t i = 0; i < 5; i++)
		for (int b = -1; b < 32; b++)
			check_at(allowed, 5, &out, w, b < 0 ? allowed[i].value : allowed[i].value ^ 1ULL << b);
	uint64_t seed = 88172645463325252ULL;
	for (int i = 0; i < 100000; i++)
		check_at(allowed, 5, &out, w, xorshift(&seed));
	free(out.c);
}

/* Random sets of points and masked cubes in an 8-bit space, checked at
 * every value. */
static void random_cubes_in_eight_bits_exhaustively(void **state)
{
	(void)state;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 2000; round++) {
		struct cube in[6];
		size_t n = xorshift(&seed) % 7;
		for (size_t i = 0; i < n; i++) {
			uint64_t mask = round % 2 ? 0xff : xorshift(&seed) & 0xff;
			in[i] = (struct cube){ mask, xorshift(&seed) & mask };
		}
		struct cubes out = complement_of(in, n, 0xff);
		for (uint64_t x = 0; x <= 0xff; x++)
			check_at(in, n, &out, 0xff, x);
		free(out.c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_values_leaves_everything),
		cmocka_unit_test(a_cube_matching_everything_leaves_nothing),
		cmocka_unit_test(one_point_gives_one_cube_per_bit),
		cmocka_unit_test(personality_gives_sixty_two_bit_cubes),
		cmocka_unit_test(random_cubes_in_eight_bits_exhaustively),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
