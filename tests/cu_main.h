#ifndef LB_TESTS_CU_MAIN_H
#define LB_TESTS_CU_MAIN_H
#include <CUnit/CUnit.h>

#include <stdbool.h>

/* true when the test program was started with this argument (e.g. "--update"). */
bool lb_test_flag(const char *flag);

/* Removes dir and everything under it (no shell: any path works); 0 on
 * success, -1 with errno otherwise. */
int lb_test_rmtree(const char *dir);

/* A suite's temporary directory: lb_test_dir_setup creates it (under
 * $TMPDIR, else /tmp; named lbsim-test-XXXXXX) as lb_test_dir, and
 * lb_test_dir_teardown removes it with everything in it; both as CUnit's
 * suite init and cleanup (0 on success). */
extern char *lb_test_dir;
int lb_test_dir_setup(void);
int lb_test_dir_teardown(void);

/* Defined by each test program: register its suites (CU_add_suite/CU_add_test). */
void lb_test_register(void);

/* Add a suite with the given tests; tests is terminated by {NULL, NULL}. */
#define LB_SUITE(name, ...)                                                   \
	do {                                                                  \
		CU_pSuite s_ = CU_add_suite((name), NULL, NULL);              \
		struct { const char *n; CU_TestFunc f; } t_[] = {__VA_ARGS__}; \
		for (size_t i_ = 0; i_ < sizeof t_ / sizeof t_[0]; i_++)      \
			CU_add_test(s_, t_[i_].n, t_[i_].f);                  \
	} while (0)
#define LB_TEST(fn) {#fn, fn}

#endif
