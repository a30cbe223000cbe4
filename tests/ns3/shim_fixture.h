/* shim_fixture.h - what the files of test_shim share: a recorder of the
 * shim's receive and drop callbacks, the live simulator, packets that carry
 * a sequence number, the serialisation time of the timing model (see
 * test_shim.c), two nodes on one link, and every scheduler.  Each file
 * registers its own suite; lb_test_register (test_shim.c) calls them in
 * order. */
#ifndef TEST_SHIM_FIXTURE_H
#define TEST_SHIM_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "shim.h"

#define NS_PER_S 1000000000ull
#define END_NS (10ull * NS_PER_S) /* far past every test's last event */

/* ------------------------------------------------------------------ */
/* Recording callbacks                                                 */

#define MAXREC 2048

struct rx_rec {
	uint32_t node, dev;
	uint8_t bytes[SHIM_RX_BYTES];
	size_t len, wire_len;
	uint64_t t;
};

struct drop_rec {
	uint32_t node, dev;
	uint8_t bytes[SHIM_RX_BYTES];
	size_t len;
	enum shim_drop_reason why;
	uint64_t t;
};

struct recorder {
	size_t nrx, ndrop;
	struct rx_rec rx[MAXREC];
	struct drop_rec drop[MAXREC];
};

/* What on_rx and on_drop recorded, when given &g_rec as their user pointer. */
extern struct recorder g_rec;

void rec_reset(void);
void on_rx(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len, size_t wire_len,
	   uint64_t t_ns);
void on_drop(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len,
	     enum shim_drop_reason why, uint64_t t_ns);

/* sim_new destroys the live simulator (one that a test stopped by a failed
 * _FATAL assertion left behind) before it creates another; sim_free_live
 * destroys it at exit. */
struct shim_sim *sim_new(uint64_t seed, uint64_t run, enum shim_scheduler sched);
void sim_free(struct shim_sim *s);
void sim_free_live(void);

/* Packets carry a 4-byte sequence number in their first bytes. */
uint32_t seq_of(const uint8_t *b);
int send_seq(struct shim_sim *s, uint32_t dev, uint32_t dst, uint32_t seq, size_t wire_len);

/* (wire + 2) * 8 / rate in ns; the tests only use exact cases. */
uint64_t ser_ns(size_t wire, uint64_t rate_bps);

/* Two nodes a, b joined by one point-to-point link, callbacks on g_rec. */
struct pair {
	struct shim_sim *s;
	uint32_t a, b, da, db;
};

int pair_make(struct pair *p, enum shim_scheduler sched, uint64_t rate, uint64_t delay, uint32_t queue);

/* The idx-th drop (receive) recorded is this one; every drop test sends
 * 998-byte packets. */
void expect_drop(size_t idx, uint32_t node, uint32_t dev, enum shim_drop_reason why, uint64_t t, uint32_t seq);
void expect_rx(size_t idx, uint32_t node, uint32_t dev, uint64_t t, uint32_t seq);

/* Every scheduler of shim.h. */
extern const enum shim_scheduler all_scheds[5];
#define NSCHED (sizeof all_scheds / sizeof all_scheds[0])

/* The suites of the other files, in the order test_shim runs them. */
void shim_faults_suite(void);     /* test_shim_faults.c */
void shim_events_suite(void);     /* test_shim_events.c */
void shim_backplane_suite(void);  /* test_shim_backplane.c */
void shim_pcap_suite(void);       /* test_shim_pcap.c */
void shim_lifecycle_suite(void);  /* test_shim_lifecycle.c */

#endif
