/* Shared CUnit runner: every test program links this file and defines
 * lb_test_register(), which adds its suites to the registry.
 *
 * Exit status follows CU_get_number_of_failures() (failed assertions), not
 * CU_get_error(), which only reports framework errors.  The last line is the
 * machine-readable "cunit: N passed, M failed" (tests, not assertions) that
 * scripts/test sums over every program. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"

static int test_argc;
static char **test_argv;

bool lb_test_flag(const char *flag)
{
	for (int i = 1; i < test_argc; i++)
		if (strcmp(test_argv[i], flag) == 0)
			return true;
	return false;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int lb_test_rmtree(const char *dir)
{
	/* depth first (contents before their directory), not following links */
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

char *lb_test_dir;

int lb_test_dir_setup(void)
{
	const char *base = getenv("TMPDIR");
	size_t n = strlen(base && *base ? base : "/tmp") + sizeof "/lbsim-test-XXXXXX";
	lb_test_dir = malloc(n);
	if (!lb_test_dir)
		return 1;
	snprintf(lb_test_dir, n, "%s/lbsim-test-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(lb_test_dir)) {
		free(lb_test_dir);
		lb_test_dir = NULL;
		return 1;
	}
	return 0;
}

int lb_test_dir_teardown(void)
{
	int rc = lb_test_dir ? lb_test_rmtree(lb_test_dir) : 0;
	free(lb_test_dir);
	lb_test_dir = NULL;
	return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	test_argc = argc;
	test_argv = argv;
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	lb_test_register();
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "cunit: registry error: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned int run = CU_get_number_of_tests_run();
	unsigned int failed = CU_get_number_of_tests_failed();
	unsigned int assert_failed = CU_get_number_of_failures();
	printf("\ncunit: %u passed, %u failed\n", run - failed, failed);
	CU_cleanup_registry();
	return (assert_failed != 0 || failed != 0) ? 1 : 0;
}
