/* test_toy.c - the toy's test: exits 1 on the first wrong answer. */
#include <stdio.h>

#include "toy.h"

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			fprintf(stderr, "test_toy: %s failed\n", #c);                              \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

int main(void)
{
	CHECK(toy_adult(30));
	CHECK(!toy_adult(5));
	CHECK(toy_both(true, true));
	CHECK(!toy_both(true, false));
	CHECK(toy_even(4));
	CHECK(!toy_even(3));
	CHECK(toy_countdown(3) == 3);
	CHECK(toy_last(5) == 4);
	return 0;
}
