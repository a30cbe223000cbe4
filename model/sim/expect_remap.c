/* expect_remap.c - what the owner selection and the router's ECMP do to the
 * flows when the dead node leaves; see expect_model.h.  model/core's own
 * lb_owner and lb_ecmp run over fixed hash sequences, so every owner kind
 * and ECMP kind (resilient buckets included) is covered by the code the
 * simulator runs, with no closed form to keep in step. */
#include <glib.h>
#include <math.h>

#include "expect_model.h"

#define OWNER_SAMPLES 16384
#define ECMP_SAMPLES 2048
#define ORDERS_MAX 6 /* detection orders of the survivors averaged over */

static uint32_t weyl(uint32_t i, uint32_t offset)
{
	return i * UINT32_C(2654435769) + offset;
}

static void owner_stats(const struct scenario *sc, unsigned dead, struct expect_remap *out)
{
	struct lb_node_params np = scenario_node_params(sc);
	struct lb_owner *full = lb_owner_create(&np.owner), *left = lb_owner_create(&np.owner);
	g_assert(full && left);
	lb_nodeset all = lb_nodeset_first(sc->nodes);
	lb_owner_set_active(full, all);
	lb_owner_set_active(left, all & ~lb_nodeset_bit(dead));
	unsigned owned = 0, moved = 0;
	for (uint32_t i = 0; i < OWNER_SAMPLES; i++) {
		uint32_t h = weyl(i, 0x5bd1e995);
		int o = lb_owner_lookup(full, h);
		if (o == (int)dead)
			owned++;
		else if (lb_owner_lookup(left, h) != o)
			moved++;
	}
	out->owner_share = (double)owned / OWNER_SAMPLES;
	out->owner_moves = owned < OWNER_SAMPLES ? (double)moved / (OWNER_SAMPLES - owned) : 0;
	lb_owner_free(full);
	lb_owner_free(left);
}

/* A group with the full set at `t`, every sample selected once (so a
 * resilient group's buckets are busy, as under traffic); r0: receivers. */
static struct lb_ecmp *ecmp_start(const struct lb_router_params *rp, lb_nodeset all, uint64_t t, int *r0)
{
	struct lb_ecmp *g = lb_ecmp_create(&rp->ecmp);
	g_assert(g);
	lb_ecmp_set(g, all, t);
	for (uint32_t i = 0; i < ECMP_SAMPLES; i++)
		r0[i] = lb_ecmp_select(g, weyl(i, 0x9e3779b9), t);
	return g;
}

static void ecmp_move(struct lb_ecmp *g, lb_nodeset set, uint64_t t, int *to)
{
	lb_ecmp_set(g, set, t);
	if (lb_ecmp_next_deadline(g) <= t)
		lb_ecmp_tick(g, t);
	for (uint32_t i = 0; i < ECMP_SAMPLES; i++)
		to[i] = lb_ecmp_select(g, weyl(i, 0x9e3779b9), t);
}

/* The survivors join the reduced set one by one, install_gap apart, in a
 * detection order averaged over: rotations of the id order by a stride,
 * forward and reversed (all (N-1)! orders for N <= 4); with `restores`
 * they leave it again in the same order (each restores W after its own
 * reduction) until the set of every route at n.  A flow of a survivor j
 * is exposed when its receiver once the survivors are all in is not j, or
 * else when one of its packets (periodic at a uniform phase) lands in the
 * time it spends at other receivers: probability min(1, time away /
 * packet interval) per phase, the two phases independent (W apart). */
static void exposure(const struct lb_router_params *rp, lb_nodeset all, unsigned dead, const int *r0,
		     double install_gap, double packet_interval, bool restores, double *x_reduce, double *x_all)
{
	unsigned ids[LB_MAX_NODES], n = 0;
	for (unsigned i = 0; i < LB_MAX_NODES; i++)
		if (lb_nodeset_has(all, i) && i != dead)
			ids[n++] = i;
	*x_reduce = *x_all = 0;
	if (n == 0)
		return;
	unsigned orders = 2 * n < ORDERS_MAX ? 2 * n : ORDERS_MAX;
	unsigned stride = n / (orders / 2) ? n / (orders / 2) : 1;
	int *to = g_new(int, ECMP_SAMPLES), *r = g_new(int, ECMP_SAMPLES);
	double *away = g_new(double, 2 * ECMP_SAMPLES);
	double sum_r = 0, sum_a = 0;
	unsigned count = 0;
	uint64_t gap_ns = (uint64_t)(install_gap * 1e9) + 1;
	for (unsigned o = 0; o < orders; o++) {
		struct lb_ecmp *g = ecmp_start(rp, all, LB_NS_PER_S, r);
		lb_nodeset set = 0;
		uint64_t t = LB_NS_PER_S + LB_NS_PER_MS;
		for (uint32_t i = 0; i < 2 * ECMP_SAMPLES; i++)
			away[i] = 0;
		unsigned steps = restores ? 2 * n - 1 : n;
		bool moved[ECMP_SAMPLES];
		for (unsigned k = 0; k < steps; k++, t += gap_ns) {
			unsigned pos = (o / 2) * stride + (k < n ? k : k - n), at = pos % n;
			lb_nodeset bit = lb_nodeset_bit(ids[o % 2 ? n - 1 - at : at]);
			set = k < n ? set | bit : set & ~bit;
			ecmp_move(g, set, t, to);
			for (uint32_t i = 0; i < ECMP_SAMPLES; i++) {
				if (k == n - 1)
					moved[i] = to[i] != r0[i]; /* all in: the receiver for the W that follows */
				else if (to[i] != r0[i])
					away[(k < n ? 0 : ECMP_SAMPLES) + i] += install_gap;
			}
		}
		for (uint32_t i = 0; i < ECMP_SAMPLES; i++) {
			if (r0[i] == (int)dead)
				continue;
			double xr = moved[i] ? 1 : fmin(1, away[i] / packet_interval);
			double xs = moved[i] ? 1 : fmin(1, away[ECMP_SAMPLES + i] / packet_interval);
			sum_r += xr;
			sum_a += 1 - (1 - xr) * (1 - xs);
			count++;
		}
		lb_ecmp_free(g);
	}
	g_free(to);
	g_free(r);
	g_free(away);
	*x_reduce = count ? sum_r / count : 0;
	*x_all = count ? sum_a / count : 0;
}

void expect_remap(const struct scenario *sc, unsigned dead, bool reducers, bool restores, double install_gap,
		  double packet_interval, struct expect_remap *out)
{
	*out = (struct expect_remap){0};
	owner_stats(sc, dead, out);
	struct lb_router_params rp = scenario_router_params(sc);
	lb_nodeset all = lb_nodeset_first(sc->nodes), left = all & ~lb_nodeset_bit(dead);
	int *r0 = g_new(int, ECMP_SAMPLES), *to = g_new(int, ECMP_SAMPLES);
	struct lb_ecmp *g = ecmp_start(&rp, all, LB_NS_PER_S, r0);
	ecmp_move(g, left, LB_NS_PER_S + LB_NS_PER_MS, to);
	lb_ecmp_free(g);
	unsigned own = 0, stay = 0;
	for (uint32_t i = 0; i < ECMP_SAMPLES; i++) {
		if (r0[i] == (int)dead)
			own++;
		else if (to[i] == r0[i])
			stay++;
	}
	out->ecmp_share = (double)own / ECMP_SAMPLES;
	out->ecmp_stay = own < ECMP_SAMPLES ? (double)stay / (ECMP_SAMPLES - own) : 0;
	if (reducers)
		exposure(&rp, all, dead, r0, install_gap, packet_interval, restores, &out->exposure,
			 &out->exposure_restore);
	g_free(r0);
	g_free(to);
}
