/* world.c - one run: builds the scenario's world on the shim from its parts
 * (net, router, nodes, traffic), dispatches received packets by device
 * role, applies the scenario's failures, samples the bins and checks the
 * accounting.
 *
 * The topology is topology.c's.
 *
 * Accounting: the net counts data packets handed to the shim and not yet
 * received or reported dropped by it.  Every data packet received anywhere
 * is forwarded (back into the net), delivered or dropped with one cause, so
 * at any time sent = delivered + lost + data in the net; world_run() fails
 * when the totals at the end do not satisfy it. */
#include "world.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include "pcap_index.h"
#include "world_internal.h"

G_DEFINE_QUARK(lbsim-run-error-quark, sim_error)

/* Dispatch --------------------------------------------------------------- */

static void on_rx(void *user, uint32_t node, uint32_t dev, const uint8_t *pkt, size_t len, size_t wire_len,
		  uint64_t now)
{
	(void)node;
	(void)wire_len;
	struct world *w = user;
	/* a signal stops the run at the next packet too, not only every
	 * STOP_CHECK_NS of simulated time: at packet_rate = 1e9, 10 ms of
	 * simulated time take minutes */
	if (w->opts.stop && *w->opts.stop && !w->interrupted) {
		w->interrupted = TRUE;
		shim_stop(w->sim);
	}
	const struct dev_info *di = net_dev(&w->net, dev);
	bool data = wire_is_data(pkt, len);
	if (data) {
		w->net.data_in_net--;
		len = wire_data_present(pkt, len);
	} else {
		w->net.ctrl_in_net--;
	}
	switch (di->role) {
	case ROLE_ROUTER_CLIENT:
		g_assert(data);
		sim_router_rx_data(&w->routers[di->router], pkt, len, now);
		break;
	case ROLE_ROUTER_UPLINK:
		g_assert(!data);
		sim_router_rx_msg(&w->routers[di->router], di->node, pkt, len, now);
		break;
	case ROLE_STAGE_CLIENT:
		g_assert(data);
		upstream_rx_data(&w->upstream, pkt, len, now);
		break;
	case ROLE_STAGE_ROUTER:
		g_assert(!data);
		upstream_rx_msg(&w->upstream, di->router, pkt, len, now);
		break;
	case ROLE_NODE_UPLINK:
		g_assert(data);
		sim_node_rx_uplink(&w->nodes[di->node], pkt, len, now);
		break;
	case ROLE_NODE_BACKPLANE:
		sim_node_rx_backplane(&w->nodes[di->node], pkt, len, now);
		break;
	case ROLE_SERVER:
		g_assert(data);
		traffic_server_rx(&w->traffic, pkt, len, now);
		break;
	default:
		g_assert_not_reached();
	}
}

static void on_drop(void *user, uint32_t node, uint32_t dev, const uint8_t *pkt, size_t len,
		    enum shim_drop_reason why, uint64_t now)
{
	(void)node;
	(void)dev;
	(void)now;
	struct world *w = user;
	if (!wire_is_data(pkt, len)) {
		w->net.ctrl_in_net--;
		w->net.ctrl_dropped++;
		return;
	}
	w->net.data_in_net--;
	net_drop_data(&w->net, pkt, wire_data_present(pkt, len),
		      why == SHIM_DROP_QUEUE_FULL ? SIM_DROP_QUEUE : SIM_DROP_LINK);
}

/* [links] client_link = off: a client's packet reaches the front (the
 * router, or the upstream stage) the instant it is sent, as if over a
 * client link of no delay and infinite rate. */
static void client_inject(void *user, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct world *w = user;
	if (w->n_routers > 1)
		upstream_rx_data(&w->upstream, pkt, len, now);
	else
		sim_router_rx_data(&w->routers[0], pkt, len, now);
}

/* Failures --------------------------------------------------------------- */

struct failure_ev {
	struct world *w;
	const struct scenario_failure *f;
};

static void failure_fire(void *user)
{
	struct failure_ev *fe = user;
	struct world *w = fe->w;
	const struct scenario_failure *f = fe->f;
	uint64_t now = shim_now_ns(w->sim);
	struct sim_node *n = f->node >= 0 ? &w->nodes[f->node] : NULL;
	if (!lb_failure_info(f->kind)->repair && w->m.t_fail_ns == LB_TIME_NEVER) {
		w->m.t_fail_ns = now;
		w->failed_node = f->node;
	}
	bool nodes = lb_failure_info(f->kind)->uses & LB_FAILURE_USES_NODES;
	metrics_failure(&w->m, now, f->kind, f->node, f->router);
	metrics_event_x(&w->m, now, nodes ? -1 : f->node, SIM_EV_FAILURE, f->kind,
			f->kind == LB_FAIL_LOSSY ? (int64_t)(f->loss * 1e6) : -1, nodes, f->partition_nodes, f->router);
	switch (f->kind) {
	case LB_FAIL_CRASH:
		if (n->up)
			sim_node_crash(n);
		break;
	case LB_FAIL_RECOVER:
		if (!n->up)
			sim_node_recover(n);
		break;
	case LB_FAIL_LINK_DOWN:
	case LB_FAIL_LINK_UP: {
		bool up = f->kind == LB_FAIL_LINK_UP;
		for (unsigned r = 0; r < w->n_routers; r++) {
			shim_link_set_up(w->sim, n->dev_uplink[r], up);
			n->uplink_up[r] = up;
			sim_router_carrier(&w->routers[r], n->id, up);
		}
		sim_node_uplink_changed(n);
		break;
	}
	case LB_FAIL_BACKPLANE_DOWN:
	case LB_FAIL_BACKPLANE_UP:
		shim_link_set_up(w->sim, n->dev_backplane, f->kind == LB_FAIL_BACKPLANE_UP);
		break;
	case LB_FAIL_PARTITION:
		w->net.partitioned = f->partition_nodes != 0;
		w->net.partition_side = f->partition_nodes;
		break;
	case LB_FAIL_LOSSY:
		for (unsigned r = 0; r < w->n_routers; r++)
			shim_link_set_loss(w->sim, n->dev_uplink[r], f->loss);
		break;
	case LB_FAIL_ROUTER_CRASH:
		if (w->routers[f->router].up) {
			sim_router_crash(&w->routers[f->router]);
			if (w->n_routers > 1)
				upstream_router_down(&w->upstream, (unsigned)f->router);
		}
		break;
	case LB_FAIL_ROUTER_RECOVER:
		if (!w->routers[f->router].up) {
			sim_router_recover(&w->routers[f->router]);
			if (w->n_routers > 1)
				upstream_router_up(&w->upstream, (unsigned)f->router);
			/* the nodes' sessions with it restart: each advertises at once */
			for (unsigned i = 0; i < w->n_nodes; i++)
				sim_node_uplink_changed(&w->nodes[i]);
		}
		break;
	case LB_FAIL_ROUTER_LINK_DOWN:
	case LB_FAIL_ROUTER_LINK_UP: {
		bool up = f->kind == LB_FAIL_ROUTER_LINK_UP;
		shim_link_set_up(w->sim, n->dev_uplink[f->router], up);
		n->uplink_up[f->router] = up;
		sim_router_carrier(&w->routers[f->router], n->id, up);
		sim_node_uplink_changed(n);
		break;
	}
	}
}

/* Bins and progress ------------------------------------------------------- */

/* Samples the nodes' tables into bin b (at the bin's end). */
static void sample_nodes(struct world *w, size_t b, uint64_t now)
{
	for (unsigned i = 0; i < w->n_nodes; i++)
		sim_node_sample(&w->nodes[i], &w->m.node_bins[b * w->n_nodes + i], now);
}

static void bin_fire(void *user)
{
	struct world *w = user;
	uint64_t now = shim_now_ns(w->sim);
	/* now is the end of bin (now / bin_ns) - 1 */
	sample_nodes(w, metrics_bin(&w->m, now ? now - 1 : 0), now);
	w->pending_sum += (double)shim_events_pending(w->sim);
	w->pending_samples++;
	if (w->opts.progress)
		w->opts.progress(w->opts.progress_user, now, w->sc->duration_ns, shim_events_executed(w->sim));
	if (now + w->sc->bin_ns <= w->sc->duration_ns)
		shim_schedule(w->sim, w->sc->bin_ns, bin_fire, w);
}

/* A signal (Ctrl-C) is checked every STOP_CHECK_NS of simulated time,
 * whatever the bin width. */
#define STOP_CHECK_NS (10 * LB_NS_PER_MS)

static void stop_check(void *user)
{
	struct world *w = user;
	if (*w->opts.stop) {
		w->interrupted = TRUE;
		shim_stop(w->sim);
		return;
	}
	if (shim_now_ns(w->sim) + STOP_CHECK_NS < w->sc->duration_ns)
		shim_schedule(w->sim, STOP_CHECK_NS, stop_check, w);
}

struct world *world_create(const struct scenario *sc, uint32_t replication, const struct world_opts *o,
			   GError **err)
{
	struct world *w = g_new0(struct world, 1);
	w->sc = sc;
	w->opts = *o;
	w->replication = replication;
	w->n_nodes = sc->nodes;
	w->n_routers = sc->router_count;
	w->failed_node = -1;
	if (sc->ip_version != sc->vip_family) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID,
			    "%s: [traffic] ip_version = %d: the VIP is an IPv%d address", sc->path, sc->ip_version,
			    sc->vip_family);
		goto fail;
	}
	if (lb_hasher_init(&w->cluster_hasher, sc->flow_hash, sc->flow_hash_seed) < 0) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID, "%s: [cluster] flow_hash = %s: not usable", sc->path,
			    lb_hash_kind_name(sc->flow_hash));
		goto fail;
	}
	metrics_init(&w->m, sc->duration_ns, sc->bin_ns, sc->nodes, w->n_routers);
	w->s.replication = replication;
	w->s.seed = sc->seed;
	w->sim = shim_sim_create(sc->seed, replication + 1, sc->scheduler);
	if (!w->sim) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_FAILED, "cannot create the simulator");
		goto fail;
	}
	/* LBSIM_NS3_DEVICES=1: packets over ns-3's own PointToPointNetDevices
	 * instead of the shim's links (the same results and events, slower;
	 * for benchmarks and the tests that compare the two: doc/shim.md) */
	const char *ns3_devices = g_getenv("LBSIM_NS3_DEVICES");
	if (ns3_devices && strcmp(ns3_devices, "1") == 0)
		shim_set_ns3_devices(w->sim, true);
	w->net = (struct net){.sim = w->sim, .sc = sc, .m = &w->m, .flows = &w->flows,
			      .devs = g_array_new(FALSE, TRUE, sizeof(struct dev_info))};
	shim_set_callbacks(w->sim, on_rx, on_drop, w);
	w->traffic.net = &w->net;
	w->traffic.rng_flow = shim_rng_create(w->sim, 1);
	w->traffic.rng_addr = shim_rng_create(w->sim, 2);
	w->rng_phase = shim_rng_create(w->sim, 3);
	w->rng_refresh = shim_rng_create(w->sim, 4);
	if (!world_build_topology(w, err))
		goto fail;
	for (unsigned r = 0; r < w->n_routers; r++)
		if (!sim_router_init(&w->routers[r], &w->net, r, err))
			goto fail;
	if (w->n_routers > 1) {
		w->rng_upstream = shim_rng_create(w->sim, 5);
		if (!upstream_init(&w->upstream, &w->net, w->n_routers, w->rng_upstream, err))
			goto fail;
	}
	w->traffic.client_dev = w->client_dev;
	if (!sc->client_link) {
		w->traffic.inject = client_inject;
		w->traffic.inject_user = w;
	}
	for (unsigned i = 0; i < w->n_nodes; i++) {
		struct sim_node *n = &w->nodes[i];
		n->net = &w->net;
		n->id = i;
		n->n_routers = w->n_routers;
		for (unsigned r = 0; r < w->n_routers; r++)
			n->uplink_up[r] = true;
		n->hasher = &w->cluster_hasher;
		n->rng_refresh = w->rng_refresh;
		n->rng_phase = w->rng_phase;
		n->peer_backplane = w->backplane_dev;
		n->deliver_now = sc->server_link ? NULL : &w->traffic;
	}
	/* the first refreshes are drawn for every node before any heartbeat
	 * phase (streams 4 then 3), as nodes are created, then started */
	for (unsigned i = 0; i < w->n_nodes; i++)
		if (!sim_node_init(&w->nodes[i], err))
			goto fail;
	if (o->pcap_dir && sc->pcap) {
		shim_pcap_enable_all(w->sim, o->pcap_dir);
		if (!pcap_index_write(&w->net, o->pcap_dir, err))
			goto fail;
	}
	return w;
fail:
	world_free(w);
	return NULL;
}


/* The fraction of the packets nodes received from the routers that the
 * receiver owned itself (served without steering), before the first
 * failure: 1/N with independent router and cluster hashes, more when they
 * are correlated (hash polarisation). */
static double local_fraction(const struct sim_metrics *m)
{
	uint64_t rx = 0, out = 0;
	size_t end = m->t_fail_ns == LB_TIME_NEVER ? m->n_bins : metrics_bin(m, m->t_fail_ns);
	for (size_t b = 0; b < end; b++)
		for (unsigned i = 0; i < m->n_nodes; i++) {
			rx += m->node_bins[b * m->n_nodes + i].rx_router;
			out += m->node_bins[b * m->n_nodes + i].steered_out;
		}
	return rx ? (double)(rx - out) / (double)rx : NAN;
}

/* Summary times, relative to the first failure; peak node share; flows
 * alive at the failure; local fraction. */
static void summarize(struct world *w)
{
	const struct scenario *sc = w->sc;
	struct sim_summary *s = &w->s;
	s->local_fraction = local_fraction(&w->m);
	s->t_detect_ns = s->t_readvertise_ns = s->t_install_ns = s->t_restore_ns = LB_TIME_NEVER;
	uint64_t t0 = w->m.t_fail_ns;
	if (t0 == LB_TIME_NEVER)
		return;
	for (guint i = 0; i < w->m.events->len; i++) {
		const struct sim_event *e = &g_array_index(w->m.events, struct sim_event, i);
		if (e->t_ns < t0)
			continue;
		if (s->t_detect_ns == LB_TIME_NEVER &&
		    (sim_event_is(e, SIM_EV_NODE, LB_NE_DETECT) || sim_event_is(e, SIM_EV_ROUTER, LB_RE_SESSION_DOWN)))
			s->t_detect_ns = e->t_ns;
		if (s->t_readvertise_ns == LB_TIME_NEVER && sim_event_is(e, SIM_EV_NODE, LB_NE_ADVERTISE) &&
		    e->value < (int64_t)sc->base_metric)
			s->t_readvertise_ns = e->t_ns;
		if (s->t_install_ns == LB_TIME_NEVER && sim_event_is(e, SIM_EV_ROUTER, LB_RE_ROUTE_INSTALLED) &&
		    (w->failed_node < 0 || !lb_nodeset_has(e->set, (unsigned)w->failed_node)))
			s->t_install_ns = e->t_ns;
		if (s->t_restore_ns == LB_TIME_NEVER && sim_event_is(e, SIM_EV_NODE, LB_NE_RESTORE))
			s->t_restore_ns = e->t_ns;
	}
	s->peak_node_share = metrics_peak_node_share(&w->m, t0);
	for (size_t i = 0; i < w->flows.n; i++) {
		const struct sim_flow_rec *f = &flows_at(&w->flows, (uint32_t)i)->rec;
		if (f->start_ns <= t0 && f->end_ns > t0) {
			s->flows_alive_at_fail++;
			s->broken_alive_at_fail += f->broken;
		}
	}
}

/* The process's CPU time, seconds (run.json's run_cpu_time_s). */
static double process_cpu_s(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

gboolean world_run(struct world *w, GError **err)
{
	const struct scenario *sc = w->sc;
	struct failure_ev *fes = g_new0(struct failure_ev, sc->n_failures);
	for (unsigned r = 0; r < w->n_routers; r++)
		sim_router_start(&w->routers[r]);
	if (w->n_routers > 1)
		upstream_start(&w->upstream);
	for (unsigned i = 0; i < w->n_nodes; i++)
		sim_node_start(&w->nodes[i]);
	traffic_start(&w->traffic);
	for (size_t i = 0; i < sc->n_failures; i++) {
		fes[i].w = w;
		fes[i].f = &sc->failures[i];
		shim_schedule(w->sim, sc->failures[i].at_ns, failure_fire, &fes[i]);
	}
	shim_schedule(w->sim, sc->bin_ns, bin_fire, w);
	if (w->opts.stop)
		shim_schedule(w->sim, STOP_CHECK_NS, stop_check, w);
	gint64 wall0 = g_get_monotonic_time();
	double cpu0 = process_cpu_s();
	shim_run_until(w->sim, sc->duration_ns);
	w->s.run_wall_s = (double)(g_get_monotonic_time() - wall0) / 1e6;
	w->s.run_cpu_s = process_cpu_s() - cpu0;
	w->s.events_pending_mean = w->pending_samples ? w->pending_sum / (double)w->pending_samples : 0;
	g_free(fes);
	if (sc->duration_ns % sc->bin_ns != 0) /* the last, partial bin */
		sample_nodes(w, metrics_bin(&w->m, sc->duration_ns - 1), sc->duration_ns);
	w->s.events = shim_events_executed(w->sim);
	w->s.in_flight = w->net.data_in_net;
	if (w->interrupted && shim_now_ns(w->sim) < sc->duration_ns) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INTERRUPTED, "interrupted at %.3f s of simulated time",
			    (double)shim_now_ns(w->sim) / 1e9);
		return FALSE;
	}
	const struct sim_bin *t = &w->m.total;
	if (t->sent != t->delivered + metrics_lost(t) + w->net.data_in_net ||
	    w->net.data_in_net + w->net.ctrl_in_net != shim_in_flight(w->sim)) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_UNBALANCED,
			    "packet accounting does not balance: sent %" G_GUINT64_FORMAT " != delivered %" G_GUINT64_FORMAT
			    " + lost %" G_GUINT64_FORMAT " + in flight %" G_GUINT64_FORMAT
			    " (shim in flight %" G_GUINT64_FORMAT ", control in flight %" G_GUINT64_FORMAT ")",
			    t->sent, t->delivered, metrics_lost(t), w->net.data_in_net, shim_in_flight(w->sim),
			    w->net.ctrl_in_net);
		return FALSE;
	}
	summarize(w);
	return TRUE;
}

const struct sim_metrics *world_metrics(const struct world *w)
{
	return &w->m;
}

const struct sim_summary *world_summary(const struct world *w)
{
	return &w->s;
}

static const struct sim_flow_rec *flow_at(const void *ctx, size_t i)
{
	return &flows_at(ctx, (uint32_t)i)->rec;
}

static const struct lb_flow_key *flow_key_at(const void *ctx, size_t i)
{
	return &flows_at(ctx, (uint32_t)i)->key;
}

struct sim_flows_view world_flows(const struct world *w)
{
	struct sim_flows_view v = {w->flows.n, flow_at, &w->flows, flow_key_at};
	return v;
}

void world_free(struct world *w)
{
	if (!w)
		return;
	for (unsigned i = 0; i < w->n_nodes; i++)
		sim_node_free(&w->nodes[i]);
	for (unsigned r = 0; r < w->n_routers; r++)
		sim_router_free(&w->routers[r]);
	if (w->upstream.stage)
		upstream_free(&w->upstream);
	if (w->sim)
		shim_sim_destroy(w->sim);
	flows_free(&w->flows);
	traffic_free(&w->traffic);
	g_free(w->client_node);
	g_free(w->client_dev);
	g_free(w->router_client_dev);
	if (w->net.devs)
		g_array_free(w->net.devs, TRUE);
	metrics_clear(&w->m);
	g_free(w);
}
