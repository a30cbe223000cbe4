/* world.c - builds a run's world on the shim, dispatches packets, applies the
 * scenario's failures, samples the bins and checks the accounting.
 *
 * Topology: clients -- router (one point-to-point link per client, client_*
 * parameters); router -- node i (uplink_*); node i -- backplane switch
 * (backplane_*); node i -- server i (server_*).
 *
 * Accounting: data_in_net counts data packets handed to the shim and not yet
 * received or reported dropped by it.  Every data packet received anywhere is
 * forwarded (back into the net), delivered or dropped with one cause, so at
 * any time sent = delivered + lost + data_in_net; world_run() fails when the
 * totals at the end do not satisfy it. */
#include <string.h>

#include "world_internal.h"

G_DEFINE_QUARK(lbsim-run-error-quark, sim_error)

static bool is_data(const uint8_t *pkt, size_t len)
{
	return len > 0 && (pkt[0] >> 4 == 4 || pkt[0] >> 4 == 6);
}

/* The shim hands over the first bytes of a packet, padding included; a
 * data packet's real length (headers + trailer) is in its IP header. */
static size_t data_len(const uint8_t *pkt, size_t len)
{
	size_t n = pkt[0] >> 4 == 4 ? (size_t)(pkt[2] << 8 | pkt[3]) : 40 + (size_t)(pkt[4] << 8 | pkt[5]);
	g_assert(len >= 40 && n <= len);
	return n;
}

/* Backplane packets between the two sides of a partition are lost at the
 * switch (cause link). */
static bool partition_blocks(const struct world *w, unsigned a, unsigned b)
{
	return w->partitioned && lb_nodeset_has(w->partition_side, a) != lb_nodeset_has(w->partition_side, b);
}

static const struct dev_info *dev_info(const struct world *w, uint32_t dev)
{
	g_assert(dev < w->devs->len);
	return &g_array_index(w->devs, struct dev_info, dev);
}

/* true when a backplane packet from dev to dst_dev crosses the partition */
static bool cut_off(const struct world *w, uint32_t dev, uint32_t dst_dev)
{
	const struct dev_info *d = dev_info(w, dev);
	return d->role == ROLE_NODE_BACKPLANE && partition_blocks(w, d->node, dev_info(w, dst_dev)->node);
}

void world_send_data(struct world *w, uint32_t dev, uint32_t dst_dev, const uint8_t *pkt, size_t len)
{
	if (w->partitioned && cut_off(w, dev, dst_dev)) {
		world_drop_data(w, pkt, len, SIM_DROP_LINK);
		return;
	}
	w->data_in_net++;
	shim_send(w->sim, dev, dst_dev, pkt, len, w->sc->packet_size);
}

void world_send_msg(struct world *w, uint32_t dev, uint32_t dst_dev, enum msg_type type, unsigned node,
		    uint32_t value)
{
	uint8_t msg[MSG_LEN] = {(uint8_t)type, (uint8_t)node};
	be32_put(msg + 2, value);
	w->ctrl_sent++;
	if (w->partitioned && cut_off(w, dev, dst_dev)) {
		w->ctrl_dropped++;
		return;
	}
	w->ctrl_in_net++;
	shim_send(w->sim, dev, dst_dev, msg, sizeof msg, MSG_WIRE_LEN);
}

void world_drop_data(struct world *w, const uint8_t *pkt, size_t len, enum sim_drop_cause why)
{
	uint64_t now = world_now(w);
	metrics_drop(&w->m, now, why);
	world_flow(w, data_flow_id(pkt, len))->rec.disrupted = true;
}

static void on_rx(void *user, uint32_t node, uint32_t dev, const uint8_t *pkt, size_t len, size_t wire_len,
		  uint64_t now)
{
	(void)node;
	(void)wire_len;
	struct world *w = user;
	const struct dev_info *di = dev_info(w, dev);
	bool data = is_data(pkt, len);
	if (data) {
		w->data_in_net--;
		len = data_len(pkt, len);
	}
	else
		w->ctrl_in_net--;
	switch (di->role) {
	case ROLE_ROUTER_CLIENT:
		g_assert(data);
		router_rx_data(w, pkt, len, now);
		break;
	case ROLE_ROUTER_UPLINK:
		g_assert(!data);
		router_rx_msg(w, di->node, pkt, len, now);
		break;
	case ROLE_NODE_UPLINK:
		g_assert(data);
		node_rx_uplink(w, &w->nodes[di->node], pkt, len, now);
		break;
	case ROLE_NODE_BACKPLANE:
		node_rx_backplane(w, &w->nodes[di->node], pkt, len, now);
		break;
	case ROLE_SERVER:
		g_assert(data);
		traffic_server_rx(w, di->node, pkt, len, now);
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
	if (!is_data(pkt, len)) {
		w->ctrl_in_net--;
		w->ctrl_dropped++;
		return;
	}
	w->data_in_net--;
	world_drop_data(w, pkt, data_len(pkt, len), why == SHIM_DROP_QUEUE_FULL ? SIM_DROP_QUEUE : SIM_DROP_LINK);
}

static void add_dev(struct world *w, uint32_t dev, enum dev_role role, unsigned node)
{
	if (dev >= w->devs->len)
		g_array_set_size(w->devs, dev + 1);
	struct dev_info *d = &g_array_index(w->devs, struct dev_info, dev);
	d->role = (uint8_t)role;
	d->node = (uint8_t)node;
}

/* Failures -------------------------------------------------------------- */

struct failure_ev {
	struct world *w;
	const struct scenario_failure *f;
};

static const char *failure_name(enum scenario_failure_kind k)
{
	switch (k) {
	case SCENARIO_FAIL_CRASH: return "fail";
	case SCENARIO_FAIL_RECOVER: return "recover";
	case SCENARIO_FAIL_LINK_DOWN: return "link_down";
	case SCENARIO_FAIL_LINK_UP: return "link_up";
	case SCENARIO_FAIL_BACKPLANE_DOWN: return "backplane_down";
	case SCENARIO_FAIL_BACKPLANE_UP: return "backplane_up";
	case SCENARIO_FAIL_PARTITION: return "partition";
	case SCENARIO_FAIL_LOSSY: return "lossy";
	}
	return "?";
}

static bool is_failure(enum scenario_failure_kind k)
{
	return k != SCENARIO_FAIL_RECOVER && k != SCENARIO_FAIL_LINK_UP && k != SCENARIO_FAIL_BACKPLANE_UP;
}

void world_timer_rearm(struct world *w, uint64_t *ev, uint64_t *cur, uint64_t d, bool lazy, void (*cb)(void *),
		       void *user)
{
	if (d == *cur || (lazy && *ev && *cur < d))
		return;
	if (*ev)
		shim_cancel(w->sim, *ev);
	*ev = 0;
	*cur = d;
	if (d != LB_TIME_NEVER) {
		uint64_t now = world_now(w);
		*ev = shim_schedule(w->sim, d > now ? d - now : 0, cb, user);
	}
}

static void failure_fire(void *user)
{
	struct failure_ev *fe = user;
	struct world *w = fe->w;
	const struct scenario_failure *f = fe->f;
	uint64_t now = world_now(w);
	struct lbnode *n = f->node >= 0 ? &w->nodes[f->node] : NULL;
	if (is_failure(f->kind) && w->m.t_fail_ns == LB_TIME_NEVER) {
		w->m.t_fail_ns = now;
		w->failed_node = f->node;
	}
	if (f->kind == SCENARIO_FAIL_PARTITION)
		metrics_event_set(&w->m, now, -1, "partition", -1, f->partition_nodes);
	else
		metrics_event(&w->m, now, f->node, failure_name(f->kind),
			      f->kind == SCENARIO_FAIL_LOSSY ? (int64_t)(f->loss * 1e6) : -1);
	switch (f->kind) {
	case SCENARIO_FAIL_CRASH:
		if (n->up)
			node_crash(w, n);
		break;
	case SCENARIO_FAIL_RECOVER:
		if (!n->up)
			node_recover(w, n);
		break;
	case SCENARIO_FAIL_LINK_DOWN:
	case SCENARIO_FAIL_LINK_UP: {
		bool up = f->kind == SCENARIO_FAIL_LINK_UP;
		shim_link_set_up(w->sim, n->dev_uplink, up);
		n->uplink_up = up;
		router_carrier(w, n->id, up);
		node_uplink_changed(w, n);
		break;
	}
	case SCENARIO_FAIL_BACKPLANE_DOWN:
	case SCENARIO_FAIL_BACKPLANE_UP:
		shim_link_set_up(w->sim, n->dev_backplane, f->kind == SCENARIO_FAIL_BACKPLANE_UP);
		break;
	case SCENARIO_FAIL_PARTITION:
		w->partitioned = f->partition_nodes != 0;
		w->partition_side = f->partition_nodes;
		break;
	case SCENARIO_FAIL_LOSSY:
		shim_link_set_loss(w->sim, n->dev_uplink, f->loss);
		break;
	}
}

/* Bins and progress ------------------------------------------------------- */

/* Samples the nodes' tables into bin b (at the bin's end): aging sweeps,
 * then the steering sessions and the owner's flow states each node holds. */
static void sample_nodes(struct world *w, size_t b, uint64_t now)
{
	for (unsigned i = 0; i < w->n_nodes; i++) {
		struct lbnode *n = &w->nodes[i];
		struct sim_node_bin *nb = &w->m.node_bins[b * w->n_nodes + i];
		if (!n->up)
			continue;
		if (n->cache) {
			lb_session_sweep(n->cache, now, 1024);
			nb->sessions = lb_session_count(n->cache);
		}
		lb_session_sweep(n->conns, now, 1024);
		nb->flow_states = lb_session_count(n->conns);
	}
}

static void bin_fire(void *user)
{
	struct world *w = user;
	uint64_t now = world_now(w);
	/* now is the end of bin (now / bin_ns) - 1 */
	sample_nodes(w, metrics_bin(&w->m, now ? now - 1 : 0), now);
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
	if (world_now(w) + STOP_CHECK_NS < w->sc->duration_ns)
		shim_schedule(w->sim, STOP_CHECK_NS, stop_check, w);
}

/* Building ---------------------------------------------------------------- */

/* A point-to-point link from node na (device role ra) to node nb (role rb),
 * both devices recorded for cluster node index `node`. */
static gboolean link_nodes(struct world *w, uint32_t na, uint32_t nb, uint64_t rate_bps, uint64_t delay_ns,
			   enum dev_role ra, enum dev_role rb, unsigned node, uint32_t *a, uint32_t *b)
{
	if (shim_p2p_connect(w->sim, na, nb, rate_bps, delay_ns, w->sc->uplink_queue, a, b) < 0)
		return FALSE;
	add_dev(w, *a, ra, node);
	add_dev(w, *b, rb, node);
	return TRUE;
}

static gboolean build_topology(struct world *w, GError **err)
{
	const struct scenario *sc = w->sc;
	struct shim_sim *sim = w->sim;
	w->router.shim_node = shim_node_create(sim);
	w->client_node = g_new0(uint32_t, sc->clients);
	w->client_dev = g_new0(uint32_t, sc->clients);
	w->router_client_dev = g_new0(uint32_t, sc->clients);
	for (uint32_t c = 0; c < sc->clients; c++) {
		w->client_node[c] = shim_node_create(sim);
		if (!link_nodes(w, w->client_node[c], w->router.shim_node, sc->client_rate_bps, sc->client_delay_ns,
				ROLE_CLIENT, ROLE_ROUTER_CLIENT, 0, &w->client_dev[c], &w->router_client_dev[c]))
			goto fail;
	}
	uint32_t bp_nodes[LB_MAX_NODES], bp_devs[LB_MAX_NODES];
	for (unsigned i = 0; i < w->n_nodes; i++) {
		struct lbnode *n = &w->nodes[i];
		n->shim_node = shim_node_create(sim);
		n->server_node = shim_node_create(sim);
		if (!link_nodes(w, w->router.shim_node, n->shim_node, sc->uplink_rate_bps, sc->uplink_delay_ns,
				ROLE_ROUTER_UPLINK, ROLE_NODE_UPLINK, i, &n->dev_router, &n->dev_uplink) ||
		    !link_nodes(w, n->shim_node, n->server_node, sc->server_rate_bps, sc->server_delay_ns,
				ROLE_NODE_SERVER, ROLE_SERVER, i, &n->dev_server, &n->dev_server_far))
			goto fail;
		bp_nodes[i] = n->shim_node;
	}
	if (shim_backplane_create(sim, bp_nodes, w->n_nodes, sc->backplane_rate_bps, sc->backplane_delay_ns,
				  sc->backplane_queue, bp_devs) < 0)
		goto fail;
	for (unsigned i = 0; i < w->n_nodes; i++) {
		w->nodes[i].dev_backplane = bp_devs[i];
		add_dev(w, bp_devs[i], ROLE_NODE_BACKPLANE, i);
	}
	return TRUE;
fail:
	g_set_error(err, SIM_ERROR, SIM_ERROR_FAILED, "%s: the simulator rejected the topology", sc->path);
	return FALSE;
}

struct world *world_create(const struct scenario *sc, uint32_t replication, const struct world_opts *o,
			   GError **err)
{
	struct world *w = g_new0(struct world, 1);
	w->sc = sc;
	w->opts = *o;
	w->replication = replication;
	w->n_nodes = sc->nodes;
	w->failed_node = -1;
	w->devs = g_array_new(FALSE, TRUE, sizeof(struct dev_info));
	if (strcmp(sc->failover, "hold") == 0)
		w->failover = FAILOVER_HOLD;
	else if (strcmp(sc->failover, "bfd") == 0)
		w->failover = FAILOVER_BFD;
	else
		w->failover = FAILOVER_READVERTISE;
	if (sc->ip_version != sc->vip_family) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID,
			    "%s: [traffic] ip_version = %d: the VIP is an IPv%d address", sc->path, sc->ip_version,
			    sc->vip_family);
		goto fail;
	}
	enum lb_hash_kind hk;
	if (lb_hash_kind_parse(sc->flow_hash, &hk) < 0 || lb_hasher_init(&w->cluster_hasher, hk, sc->flow_hash_seed) < 0) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INVALID, "%s: [cluster] flow_hash = %s: not usable",
			    sc->path, sc->flow_hash);
		goto fail;
	}
	metrics_init(&w->m, sc->duration_ns, sc->bin_ns, sc->nodes);
	w->s.replication = replication;
	w->s.seed = sc->seed;
	/* the scheduler changes speed only, never results (equal times run in
	 * schedule order under each); priority-queue measured fastest, then map
	 * (bench/RESULTS.md) */
	enum shim_scheduler sched = strcmp(sc->scheduler, "map") == 0        ? SHIM_SCHED_MAP
				    : strcmp(sc->scheduler, "heap") == 0       ? SHIM_SCHED_HEAP
				    : strcmp(sc->scheduler, "calendar") == 0 ? SHIM_SCHED_CALENDAR
				    : strcmp(sc->scheduler, "list") == 0     ? SHIM_SCHED_LIST
									       : SHIM_SCHED_PRIORITY_QUEUE;
	w->sim = shim_sim_create(sc->seed, replication + 1, sched);
	if (!w->sim) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_FAILED, "cannot create the simulator");
		goto fail;
	}
	shim_set_callbacks(w->sim, on_rx, on_drop, w);
	w->rng_flow = shim_rng_create(w->sim, 1);
	w->rng_addr = shim_rng_create(w->sim, 2);
	w->rng_phase = shim_rng_create(w->sim, 3);
	w->rng_refresh = shim_rng_create(w->sim, 4);
	if (!build_topology(w, err) || router_init(w, err) < 0)
		goto fail;
	for (unsigned i = 0; i < w->n_nodes; i++) {
		w->nodes[i].w = w;
		w->nodes[i].id = i;
		w->nodes[i].uplink_up = true;
		if (node_init(w, &w->nodes[i], err) < 0)
			goto fail;
	}
	if (o->pcap_dir && sc->pcap)
		shim_pcap_enable_all(w->sim, o->pcap_dir);
	return w;
fail:
	world_free(w);
	return NULL;
}

gboolean world_run(struct world *w, GError **err)
{
	const struct scenario *sc = w->sc;
	struct failure_ev *fes = g_new0(struct failure_ev, sc->n_failures);
	router_start(w);
	for (unsigned i = 0; i < w->n_nodes; i++)
		node_start(w, &w->nodes[i]);
	traffic_start(w);
	for (size_t i = 0; i < sc->n_failures; i++) {
		fes[i].w = w;
		fes[i].f = &sc->failures[i];
		shim_schedule(w->sim, sc->failures[i].at_ns, failure_fire, &fes[i]);
	}
	shim_schedule(w->sim, sc->bin_ns, bin_fire, w);
	if (w->opts.stop)
		shim_schedule(w->sim, STOP_CHECK_NS, stop_check, w);
	shim_run_until(w->sim, sc->duration_ns);
	g_free(fes);
	if (sc->duration_ns % sc->bin_ns != 0) /* the last, partial bin */
		sample_nodes(w, metrics_bin(&w->m, sc->duration_ns - 1), sc->duration_ns);
	w->s.events = shim_events_executed(w->sim);
	w->s.in_flight = w->data_in_net;
	if (w->interrupted && world_now(w) < sc->duration_ns) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_INTERRUPTED, "interrupted at %.3f s of simulated time",
			    (double)world_now(w) / 1e9);
		return FALSE;
	}
	const struct sim_bin *t = &w->m.total;
	if (t->sent != t->delivered + metrics_lost(t) + w->data_in_net ||
	    w->data_in_net + w->ctrl_in_net != shim_in_flight(w->sim)) {
		g_set_error(err, SIM_ERROR, SIM_ERROR_UNBALANCED,
			    "packet accounting does not balance: sent %" G_GUINT64_FORMAT " != delivered %" G_GUINT64_FORMAT
			    " + lost %" G_GUINT64_FORMAT " + in flight %" G_GUINT64_FORMAT
			    " (shim in flight %" G_GUINT64_FORMAT ", control in flight %" G_GUINT64_FORMAT ")",
			    t->sent, t->delivered, metrics_lost(t), w->data_in_net, shim_in_flight(w->sim),
			    w->ctrl_in_net);
		return FALSE;
	}
	/* Summary times, relative to the first failure. */
	struct sim_summary *s = &w->s;
	s->t_detect_ns = s->t_readvertise_ns = s->t_install_ns = s->t_restore_ns = LB_TIME_NEVER;
	uint64_t t0 = w->m.t_fail_ns;
	if (t0 != LB_TIME_NEVER) {
		for (guint i = 0; i < w->m.events->len; i++) {
			const struct sim_event *e = &g_array_index(w->m.events, struct sim_event, i);
			if (e->t_ns < t0)
				continue;
			if (s->t_detect_ns == LB_TIME_NEVER && strcmp(e->kind, "detect") == 0)
				s->t_detect_ns = e->t_ns;
			if (s->t_readvertise_ns == LB_TIME_NEVER && strcmp(e->kind, "advertise") == 0 &&
			    e->value < (int64_t)sc->base_metric)
				s->t_readvertise_ns = e->t_ns;
			if (s->t_install_ns == LB_TIME_NEVER && strcmp(e->kind, "route_installed") == 0 &&
			    (w->failed_node < 0 || !lb_nodeset_has(e->set, (unsigned)w->failed_node)))
				s->t_install_ns = e->t_ns;
			if (s->t_restore_ns == LB_TIME_NEVER && strcmp(e->kind, "restore") == 0)
				s->t_restore_ns = e->t_ns;
		}
		/* Peak share of the VIP's packets drawn by one node in one bin after the failure. */
		for (size_t b = metrics_bin(&w->m, t0); b < w->m.n_bins; b++) {
			uint64_t sum = 0, max = 0;
			for (unsigned i = 0; i < w->n_nodes; i++) {
				uint64_t x = w->m.node_bins[b * w->n_nodes + i].rx_router;
				sum += x;
				max = x > max ? x : max;
			}
			if (sum >= 100 && (double)max / (double)sum > s->peak_node_share)
				s->peak_node_share = (double)max / (double)sum;
		}
	}
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
	return &world_flow(ctx, (uint32_t)i)->rec;
}

static const struct lb_flow_key *flow_key_at(const void *ctx, size_t i)
{
	return &world_flow(ctx, (uint32_t)i)->key;
}

struct sim_flows_view world_flows(const struct world *w)
{
	struct sim_flows_view v = {w->n_flows, flow_at, w, flow_key_at};
	return v;
}

void world_free(struct world *w)
{
	if (!w)
		return;
	for (unsigned i = 0; i < w->n_nodes; i++)
		node_free(&w->nodes[i]);
	router_free(w);
	if (w->sim)
		shim_sim_destroy(w->sim);
	for (size_t i = 0; i < w->n_chunks; i++)
		g_free(w->flow_chunks[i]);
	g_free(w->flow_chunks);
	g_free(w->sendq);
	g_free(w->client_node);
	g_free(w->client_dev);
	g_free(w->router_client_dev);
	g_array_free(w->devs, TRUE);
	metrics_clear(&w->m);
	g_free(w);
}
