/* shim_fixture.c - the fixture of test_shim (shim_fixture.h): the
 * recorder, the live simulator, sequence-numbered packets, two nodes on one
 * link. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "shim_fixture.h"

struct recorder g_rec;

void rec_reset(void)
{
	memset(&g_rec, 0, sizeof g_rec);
}

void on_rx(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len, size_t wire_len,
	   uint64_t t_ns)
{
	struct recorder *r = user;
	/* no _FATAL here: it would longjmp through ns-3's C++ frames */
	CU_ASSERT(r->nrx < MAXREC && len <= SHIM_RX_BYTES);
	if (r->nrx >= MAXREC || len > SHIM_RX_BYTES)
		return;
	struct rx_rec *x = &r->rx[r->nrx++];
	x->node = node;
	x->dev = dev;
	memcpy(x->bytes, bytes, len);
	x->len = len;
	x->wire_len = wire_len;
	x->t = t_ns;
}

void on_drop(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len,
	     enum shim_drop_reason why, uint64_t t_ns)
{
	struct recorder *r = user;
	CU_ASSERT(r->ndrop < MAXREC && len <= SHIM_RX_BYTES);
	if (r->ndrop >= MAXREC || len > SHIM_RX_BYTES)
		return;
	struct drop_rec *x = &r->drop[r->ndrop++];
	x->node = node;
	x->dev = dev;
	memcpy(x->bytes, bytes, len);
	x->len = len;
	x->why = why;
	x->t = t_ns;
}

/* The live simulator, so that a test stopped by a failed _FATAL assertion
 * does not leave the singleton behind for the tests after it. */
static struct shim_sim *g_live;

struct shim_sim *sim_new(uint64_t seed, uint64_t run, enum shim_scheduler sched)
{
	if (g_live) {
		shim_sim_destroy(g_live);
		g_live = NULL;
	}
	g_live = shim_sim_create(seed, run, sched);
	return g_live;
}

void sim_free(struct shim_sim *s)
{
	if (s == g_live)
		g_live = NULL;
	shim_sim_destroy(s);
}

void sim_free_live(void)
{
	sim_free(g_live);
}

uint32_t seq_of(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, sizeof v);
	return v;
}

int send_seq(struct shim_sim *s, uint32_t dev, uint32_t dst, uint32_t seq, size_t wire_len)
{
	uint8_t b[4];
	memcpy(b, &seq, sizeof b);
	return shim_send(s, dev, dst, b, sizeof b, wire_len);
}

uint64_t ser_ns(size_t wire, uint64_t rate_bps)
{
	uint64_t bits = (uint64_t)(wire + 2) * 8u;
	CU_ASSERT_EQUAL_FATAL((bits * NS_PER_S) % rate_bps, 0);
	return bits * NS_PER_S / rate_bps;
}

int pair_make(struct pair *p, enum shim_scheduler sched, uint64_t rate, uint64_t delay, uint32_t queue)
{
	rec_reset();
	p->s = sim_new(1, 1, sched);
	if (!p->s)
		return -1;
	p->a = shim_node_create(p->s);
	p->b = shim_node_create(p->s);
	if (shim_p2p_connect(p->s, p->a, p->b, rate, delay, queue, &p->da, &p->db) != 0) {
		sim_free(p->s);
		p->s = NULL;
		return -1;
	}
	shim_set_callbacks(p->s, on_rx, on_drop, &g_rec);
	return 0;
}

const enum shim_scheduler all_scheds[] = {SHIM_SCHED_MAP, SHIM_SCHED_HEAP, SHIM_SCHED_CALENDAR,
					  SHIM_SCHED_LIST, SHIM_SCHED_PRIORITY_QUEUE};

void expect_drop(size_t idx, uint32_t node, uint32_t dev, enum shim_drop_reason why, uint64_t t,
		 uint32_t seq)
{
	CU_ASSERT_FATAL(g_rec.ndrop > idx);
	struct drop_rec *d = &g_rec.drop[idx];
	CU_ASSERT_EQUAL(d->node, node);
	CU_ASSERT_EQUAL(d->dev, dev);
	CU_ASSERT_EQUAL(d->why, why);
	CU_ASSERT_EQUAL(d->t, t);
	CU_ASSERT_EQUAL(d->len, SHIM_RX_BYTES); /* every drop test sends 998-byte packets */
	CU_ASSERT_EQUAL(seq_of(d->bytes), seq);
}

void expect_rx(size_t idx, uint32_t node, uint32_t dev, uint64_t t, uint32_t seq)
{
	CU_ASSERT_FATAL(g_rec.nrx > idx);
	struct rx_rec *x = &g_rec.rx[idx];
	CU_ASSERT_EQUAL(x->node, node);
	CU_ASSERT_EQUAL(x->dev, dev);
	CU_ASSERT_EQUAL(x->t, t);
	CU_ASSERT_EQUAL(seq_of(x->bytes), seq);
}
