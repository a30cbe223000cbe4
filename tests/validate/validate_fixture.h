/* validate_fixture.h - what the files of test_validate share: the
 * suite's scratch directory, files written and read there, and the tests
 * each file defines (test_validate.c registers them all, in one suite). */
#ifndef TEST_VALIDATE_FIXTURE_H
#define TEST_VALIDATE_FIXTURE_H

#include <glib.h>
#include <stdint.h>

#define MS UINT64_C(1000000)
#define S UINT64_C(1000000000)

/* The suite's scratch directory (made by its setup, removed by its teardown). */
extern gchar *tmpdir;

/* Writes text to raw/name, making the directories on the way. */
void put(const char *raw, const char *name, const char *text);
G_GNUC_PRINTF(3, 4) void putf(const char *raw, const char *name, const char *fmt, ...);
/* dir/name's contents (to g_free), NULL when it cannot be read. */
gchar *read_file(const char *dir, const char *name);

/* The tests of the other files, registered by test_validate.c. */
/* test_validate_frr_vty.c */
void test_frr_vty_protocol(void);
/* test_validate_analysis.c */
void test_summary_header_extends_the_simulator(void);
void test_analysis(void);
void test_analysis_refuses_broken_logs(void);
/* test_validate_agreement.c */
void test_flow_agreement(void);
/* test_validate_compare.c */
void test_compare(void);
/* test_validate_refusals.c */
void test_refusals(void);
void test_refuses_non_root(void);

#endif
