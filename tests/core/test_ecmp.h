/* test_ecmp.h - what the files of test_ecmp share: a group of a kind
 * (mk, in test_ecmp.c) and the tests each file defines (test_ecmp.c
 * registers them all). */
#ifndef TEST_ECMP_H
#define TEST_ECMP_H

#include <stdint.h>

#include "lbcore/lb_ecmp.h"

#define S LB_NS_PER_S
#define MS LB_NS_PER_MS

/* A new group of kind with buckets and idle timer (a failed CUnit assertion if none). */
struct lb_ecmp *mk(enum lb_ecmp_kind kind, uint32_t buckets, uint64_t idle);

/* The tests of the other files, registered by test_ecmp.c. */
/* test_ecmp_resilient.c */
void test_resilient_remove(void);
void test_resilient_busy_bucket(void);
void test_resilient_small_table(void);
void test_resilient_never_idle(void);
void test_resilient_unbalanced_timer(void);
/* test_ecmp_route.c */
void test_route_params(void);
void test_route_timeline(void);
void test_route_expire_order(void);

#endif
