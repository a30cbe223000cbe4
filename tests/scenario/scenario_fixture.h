/* scenario_fixture.h - what the files of test_scenario share: loading a
 * scenario that must load, or must fail with an exact message, and the
 * tests each file defines (test_scenario.c registers them all, in one
 * suite). */
#ifndef TEST_SCENARIO_FIXTURE_H
#define TEST_SCENARIO_FIXTURE_H

#include "scenario.h"

#define DATA(f) TEST_DATA_DIR "/" f

/* path (with overrides) loaded; NULL, with the error printed, if it fails. */
struct scenario *load_ok(const char *path, const char *const *over);
/* Loads path (with overrides) expecting failure with code and the message
 * exactly "<file>: <rest>", where <file> is path itself unless file is given. */
void expect_err(const char *path, const char *const *over, int code, const char *file, const char *rest);

/* The tests of the other files, registered by test_scenario.c. */
/* test_scenario_syntax.c */
void test_defaults(void);
void test_full_syntax(void);
void test_warnings(void);
void test_overrides(void);
void test_override_errors(void);
/* test_scenario_errors.c */
void test_err_misspelt_key(void);
void test_err_unknown_group(void);
void test_err_missing_unit(void);
void test_err_bad_unit(void);
void test_err_node_range(void);
void test_err_failure_late(void);
void test_err_maglev_prime(void);
void test_err_owner_hash(void);
void test_err_flow_duration(void);
void test_err_lossy_no_loss(void);
void test_err_key_not_used(void);
void test_err_failure_no_kind(void);
void test_err_partition_all(void);
void test_err_nodes_range(void);
void test_err_vip_family(void);
void test_err_sweep_key(void);
void test_err_sweep_value(void);
void test_err_failure_group_names(void);
void test_err_syntax_and_io(void);
void test_err_values(void);
/* test_scenario_describe.c */
void test_describe(void);
void test_describe_round_trip(void);
void test_warnings_in_describe(void);
void test_json(void);
/* test_scenario_routers.c */
void test_routers(void);

#endif
