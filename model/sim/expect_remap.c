/* expect_remap.c - what the owner selection and the router's ECMP do to the
 * flows when the dead node leaves; see expect_model.h.  model/core's own
 * lb_owner and lb_ecmp run over fixed hash sequences, so every owner kind
 * and ECMP kind (resilient buckets included) is covered by the code the
 * simulator runs, with no closed form to keep in step. */
#include <glib.h>
#include <math.h>
#include <stdlib.h>

#include "expect_model.h"

#define OWNER_SAMPLES 16384
#define ECMP_SAMPLES 2048
/* the survivors' tick phases averaged over (R_d points): more for few
 * survivors (one phase vector says less when it has few coordinates) */
#define PHASE_POINTS 512
#define PHASE_VECTORS_MIN 16
#define PHASE_VECTORS_MAX 128
#define EXPOSED_SAMPLES 1024 /* flows followed through the install sequences */

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

static void ecmp_move(struct lb_ecmp *g, lb_nodeset set, uint64_t t, int *to, uint32_t samples)
{
	lb_ecmp_set(g, set, t);
	if (lb_ecmp_next_deadline(g) <= t)
		lb_ecmp_tick(g, t);
	for (uint32_t i = 0; i < samples; i++)
		to[i] = lb_ecmp_select(g, weyl(i, 0x9e3779b9), t);
}

/* The survivors' phase vectors: the R_d low-discrepancy sequence (Roberts,
 * "The unreasonable effectiveness of quasirandom sequences", 2018):
 * point k, coordinate j = frac(1/2 + (k + 1) / g^(j+1)), g the root of
 * x^(d+1) = x + 1 (d survivors): a fixed quadrature over [0, 1)^d, the
 * same points every call. */
static double rd_generator(unsigned d)
{
	double g = 1.5;
	for (int i = 0; i < 60; i++) /* Newton on x^(d+1) - x - 1 */
		g -= (pow(g, d + 1.0) - g - 1) / ((d + 1.0) * pow(g, d) - 1);
	return g;
}

static double phase_point(double g, unsigned vector, unsigned survivor)
{
	double alpha = fmod(pow(g, -(survivor + 1.0)), 1.0), x = 0.5 + (vector + 1.0) * alpha;
	return x - floor(x);
}

/* A flow sends at x + k p, its phase x uniform in [0, p): the probability
 * that one of its packets falls in the union of the intervals
 * [from[i], to[i]) is the measure of that union folded modulo p, over p. */
static int seg_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double hit_probability(const double *from, const double *to, unsigned n, double p)
{
	double seg[4 * LB_MAX_NODES]; /* (start, end) pairs in [0, p) */
	unsigned m = 0;
	for (unsigned i = 0; i < n; i++) {
		if (to[i] - from[i] >= p)
			return 1;
		double a = fmod(from[i], p), b = a + (to[i] - from[i]);
		seg[2 * m] = a;
		seg[2 * m++ + 1] = fmin(b, p);
		if (b > p) {
			seg[2 * m] = 0;
			seg[2 * m++ + 1] = b - p;
		}
	}
	qsort(seg, m, 2 * sizeof(double), seg_cmp);
	double covered = 0, end = 0;
	for (unsigned i = 0; i < m; i++) {
		double a = fmax(seg[2 * i], end), b = seg[2 * i + 1];
		if (b > a) {
			covered += b - a;
			end = b;
		}
	}
	return fmin(1, covered / p);
}

/* The install sequence for one vector of survivor phases: survivor j
 * detects at V_j x interval (the common terms do not matter), so they
 * join the reduced set in the order of V_j, their updates reaching the
 * router that far apart; under frr the router's route queue batches
 * those that arrive within update_queue_hold of the batch's first
 * (lb_router.c).  steps[k] = the node ids joining at the k-th install,
 * at[k] its time after the first.  Returns the number of installs. */
static unsigned install_sequence(const unsigned *ids, unsigned n, unsigned vector, double interval, double batch,
				 lb_nodeset *steps, double *at)
{
	double v[LB_MAX_NODES];
	unsigned order[LB_MAX_NODES];
	double g = rd_generator(n);
	for (unsigned j = 0; j < n; j++) {
		v[j] = phase_point(g, vector, j) * interval;
		order[j] = j;
	}
	for (unsigned i = 1; i < n; i++) /* insertion sort by phase: n <= 63 */
		for (unsigned j = i; j > 0 && v[order[j]] < v[order[j - 1]]; j--) {
			unsigned t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	unsigned k = 0;
	double first = v[order[0]], open = -INFINITY;
	for (unsigned i = 0; i < n; i++) {
		double t = v[order[i]] - first;
		if (batch > 0 && k > 0 && t < open + batch) {
			steps[k - 1] |= lb_nodeset_bit(ids[order[i]]);
			continue;
		}
		open = t;
		steps[k] = lb_nodeset_bit(ids[order[i]]);
		at[k++] = t;
	}
	return k;
}

/* Through the survivors' installs (and, with `restores`, their restores in
 * the same order, W later: each restores W after its own reduction, the
 * set shrinking until every route is at n again), averaged over phase
 * vectors of the survivors and the packet phase of each flow: a flow of a
 * surviving receiver j is exposed (meets a receiver without its cache
 * entry) when its receiver once every survivor is in is not j, or when one
 * of its packets (periodic, every packet_interval) falls in an install
 * step that sends it elsewhere; the restores' packet phase is independent
 * of the installs'.  For the flows that keep going after a break (UDP):
 * the fraction whose receiver once every survivor is in is another
 * (moved: every later packet is lost), and the mean time the others
 * spend at another receiver during the installs and the restores (their
 * packets there are lost, and they come back to their own: the mean
 * count of periodic packets in a time L is L / packet_interval). */
static void exposure(const struct lb_router_params *rp, lb_nodeset all, unsigned dead, const int *r0,
		     double interval, double batch, double packet_interval, bool restores, struct expect_remap *out)
{
	double *x_reduce = &out->exposure, *x_all = &out->exposure_restore;
	unsigned ids[LB_MAX_NODES], n = 0;
	for (unsigned i = 0; i < LB_MAX_NODES; i++)
		if (lb_nodeset_has(all, i) && i != dead)
			ids[n++] = i;
	*x_reduce = *x_all = 0;
	if (n == 0)
		return;
	int *to = g_new(int, ECMP_SAMPLES), *r = g_new(int, ECMP_SAMPLES);
	uint64_t *away = g_new(uint64_t, 2 * EXPOSED_SAMPLES); /* bit k: away during step k */
	double sum_r = 0, sum_a = 0, sum_moved = 0, sum_away = 0, sum_away_restore = 0;
	unsigned count = 0;
	unsigned vectors = PHASE_POINTS / n;
	if (vectors < PHASE_VECTORS_MIN)
		vectors = PHASE_VECTORS_MIN;
	if (vectors > PHASE_VECTORS_MAX)
		vectors = PHASE_VECTORS_MAX;
	for (unsigned vec = 0; vec < vectors; vec++) {
		lb_nodeset steps[LB_MAX_NODES];
		double at[LB_MAX_NODES + 1];
		unsigned k = install_sequence(ids, n, vec, interval, batch, steps, at);
		struct lb_ecmp *g = ecmp_start(rp, all, LB_NS_PER_S, r);
		uint64_t t = LB_NS_PER_S + LB_NS_PER_MS;
		lb_nodeset set = 0;
		bool moved[EXPOSED_SAMPLES];
		for (uint32_t i = 0; i < 2 * EXPOSED_SAMPLES; i++)
			away[i] = 0;
		unsigned nsteps = restores ? 2 * k - 1 : k;
		for (unsigned s = 0; s < nsteps; s++) {
			set = s < k ? set | steps[s] : set & ~steps[s - k];
			t += LB_NS_PER_MS; /* the traffic keeps a resilient group's buckets busy meanwhile */
			ecmp_move(g, set, t, to, EXPOSED_SAMPLES);
			for (uint32_t i = 0; i < EXPOSED_SAMPLES; i++) {
				if (s == k - 1)
					moved[i] = to[i] != r0[i]; /* all in: the receiver for the W that follows */
				else if (to[i] != r0[i])
					away[(s < k ? 0 : EXPOSED_SAMPLES) + i] |= UINT64_C(1) << (s < k ? s : s - k);
			}
		}
		lb_ecmp_free(g);
		for (uint32_t i = 0; i < EXPOSED_SAMPLES; i++) {
			if (r0[i] == (int)dead)
				continue;
			double xr = 1, xs = 1;
			if (!moved[i]) {
				double fr[LB_MAX_NODES], tr[LB_MAX_NODES], fs[LB_MAX_NODES], ts[LB_MAX_NODES];
				unsigned nr = 0, ns = 0;
				/* step st lasts [at[st], at[st + 1]) from the first install (or restore) */
				for (unsigned st = 0; st + 1 < k; st++) {
					if (away[i] >> st & 1) {
						fr[nr] = at[st];
						tr[nr++] = at[st + 1];
					}
					if (away[EXPOSED_SAMPLES + i] >> st & 1) {
						fs[ns] = at[st];
						ts[ns++] = at[st + 1];
					}
				}
				xr = hit_probability(fr, tr, nr, packet_interval);
				xs = hit_probability(fs, ts, ns, packet_interval);
				for (unsigned j = 0; j < nr; j++) /* disjoint steps */
					sum_away += tr[j] - fr[j];
				for (unsigned j = 0; j < ns; j++)
					sum_away_restore += ts[j] - fs[j];
			} else {
				sum_moved++;
			}
			sum_r += xr;
			sum_a += 1 - (1 - xr) * (1 - xs);
			count++;
		}
	}
	g_free(to);
	g_free(r);
	g_free(away);
	*x_reduce = count ? sum_r / count : 0;
	*x_all = count ? sum_a / count : 0;
	out->moved = count ? sum_moved / count : 0;
	out->away_s = count ? sum_away / count : 0;
	out->away_restore_s = count ? sum_away_restore / count : 0;
}

void expect_remap(const struct scenario *sc, unsigned dead, bool reducers, bool restores, double interval,
		  double packet_interval, struct expect_remap *out)
{
	*out = (struct expect_remap){0};
	owner_stats(sc, dead, out);
	struct lb_router_params rp = scenario_router_params(sc, 0);
	lb_nodeset all = lb_nodeset_first(sc->nodes), left = all & ~lb_nodeset_bit(dead);
	int *r0 = g_new(int, ECMP_SAMPLES), *to = g_new(int, ECMP_SAMPLES);
	struct lb_ecmp *g = ecmp_start(&rp, all, LB_NS_PER_S, r0);
	ecmp_move(g, left, LB_NS_PER_S + LB_NS_PER_MS, to, ECMP_SAMPLES);
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
	if (reducers) {
		double batch = sc->profile == LB_PROFILE_FRR ? (double)sc->update_queue_hold_ns / 1e9 : 0;
		exposure(&rp, all, dead, r0, interval, batch, packet_interval, restores, out);
	}
	g_free(r0);
	g_free(to);
}
