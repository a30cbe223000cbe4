/* Tests of lb_strerror() and the version macros (lb_error.h, lb_version.h). */
#include <CUnit/CUnit.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../cu_main.h"
#include "lbcore/lb_error.h"
#include "lbcore/lb_version.h"

static void test_strerror(void)
{
	CU_ASSERT_STRING_EQUAL(lb_strerror(0), "success");
	CU_ASSERT_STRING_EQUAL(lb_strerror(-ENOSPC), "no space: a fixed capacity is full, or a buffer is too small");
	CU_ASSERT_STRING_EQUAL(lb_strerror(-EMSGSIZE),
			       "truncated: the bytes end inside a header, or before the length it claims");
	CU_ASSERT_STRING_EQUAL(lb_strerror(-EBADF), "unknown error"); /* never returned by the core */
	CU_ASSERT_STRING_EQUAL(lb_strerror(ENOSPC), "unknown error");  /* a positive value is not an error code */
	/* every code in the table has its own text */
	const int codes[] = {
#define CODE(name, text) -name,
		LB_ERRORS(CODE)
#undef CODE
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(lb_strerror(codes[i]), "unknown error");
		for (size_t j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(lb_strerror(codes[i]), lb_strerror(codes[j]));
	}
}

static void test_version(void)
{
	CU_ASSERT_STRING_EQUAL(lb_version(), LBCORE_VERSION);
	CU_ASSERT_STRING_EQUAL(LBCORE_VERSION, PROJECT_VERSION);
	char buf[32];
	snprintf(buf, sizeof buf, "%d.%d.%d", LBCORE_VERSION_MAJOR, LBCORE_VERSION_MINOR, LBCORE_VERSION_PATCH);
	CU_ASSERT_STRING_EQUAL(buf, LBCORE_VERSION);
	CU_ASSERT_EQUAL(LBCORE_VERSION_NUMBER,
			LBCORE_VERSION_MAJOR * 10000 + LBCORE_VERSION_MINOR * 100 + LBCORE_VERSION_PATCH);
}

void lb_test_register(void)
{
	LB_SUITE("error", LB_TEST(test_strerror), LB_TEST(test_version));
}
