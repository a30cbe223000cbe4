/* toy.c - the mutants scripts/mutate must find in it, and what the toy test
 * (test_toy.c) does to each, are listed in expected.csv. */
#include "toy.h"

#include <assert.h>

const char *const toy_name = "a string: < == && are not mutated";

/* == -> != makes the array's size -1: a mutant that does not compile */
typedef char toy_int_is_32_bits[(sizeof(int) == 4) ? 1 : -1];

bool toy_adult(int age)
{
	return age >= 18; /* the test never tries 18: >= -> > survives */
}

bool toy_both(bool a, bool b)
{
	return a && b; /* the test tries (true, false): && -> || is killed */
}

bool toy_even(int x)
{
	if (x % 2 == 0)
		return true;
	return false;
}

unsigned toy_countdown(unsigned n)
{
	unsigned steps = 0;
	while (n > 0) { /* > -> >= never ends: killed by the timeout */
		n--;
		steps++;
	}
	return steps;
}

int toy_last(int n)
{
	assert(n != 0 && n < 1000); /* assert: not mutated */
	return n - 1; /* a comment: < == && are not mutated */
}
