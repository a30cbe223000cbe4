/* traffic.c - clients and servers.
 *
 * Clients: flows to the VIP.  New flows arrive as a Poisson process of rate
 * flow_arrival_rate; initial_flows are already running at t = 0 (each sends
 * its first packet at a uniformly random phase within its first packet
 * interval, so the cluster carries its steady load from the first interval
 * on).  A flow sends packet_size-byte packets at a constant packet_rate for
 * its duration (fixed, exponential or Pareto with the given mean).  The
 * initial flows' remaining durations are drawn from the same law, which is
 * exact for the exponential (memoryless) and an approximation otherwise.
 * Sources: random 10.0.0.0/8 (IPv4) or fd00::/8 (IPv6) addresses and ports
 * 1024..65535; destination the VIP, port 80.
 *
 * A flow whose packet is dropped as no_state is broken (net_flow_broken).  A
 * TCP connection would be reset, so its client stops sending on it at that
 * instant; a UDP sender never learns of the break and goes on sending until
 * the flow's end, each later packet dropped and counted by cause (issue 12).
 *
 * Sending (a performance choice, not a model change): every flow sends at
 * the same constant interval, so the order of the flows' next sends is the
 * order of their last sends.  The flows' next sends therefore sit in one
 * FIFO ring of (due time, flow) with a single pending simulator event for
 * its head, instead of one pending event per flow: with 1M flows the
 * simulator's event heap stays small (issue 6; bench/RESULTS.md).  A new
 * flow sends its first packet at once and joins the tail with due = now +
 * interval, which no queued send exceeds; the initial flows join sorted by
 * their random phase (ties by flow id).  Sends due at the same nanosecond go
 * in ring order.
 *
 * Servers: one behind each node; they count deliveries, check sequence
 * numbers and record each flow's longest gap between arrivals. */
#include <math.h>
#include <string.h>

#include "traffic.h"

static double uniform(struct shim_rng *r)
{
	return shim_rng_uniform(r);
}

/* A non-negative double of ns to uint64_t, saturating (a Pareto tail draw
 * can exceed 2^64 ns; converting that would be undefined). */
static uint64_t ns_sat(double ns)
{
	return ns >= 9.2e18 ? UINT64_C(9200000000000000000) : (uint64_t)ns;
}

static uint64_t exp_ns(struct shim_rng *r, double mean_ns)
{
	return ns_sat(-mean_ns * log(1.0 - uniform(r)));
}

static uint64_t flow_duration_ns(struct traffic *w)
{
	const struct scenario *sc = w->net->sc;
	double mean = (double)sc->flow_duration_mean_ns;
	switch (sc->flow_duration_dist) {
	case SCENARIO_DIST_FIXED:
		return sc->flow_duration_mean_ns;
	case SCENARIO_DIST_EXP:
		return exp_ns(w->rng_flow, mean);
	case SCENARIO_DIST_PARETO: {
		double a = sc->flow_duration_shape;
		double xm = mean * (a - 1.0) / a;
		return ns_sat(xm / pow(1.0 - uniform(w->rng_flow), 1.0 / a));
	}
	}
	g_assert_not_reached();
}

static struct sim_flow *flow_new(struct traffic *w)
{
	struct sim_flow *f = flows_new(w->net->flows);
	w->net->m->flows_total++;
	return f;
}

static void flow_key(struct traffic *w, struct sim_flow *f)
{
	const struct scenario *sc = w->net->sc;
	struct lb_flow_key *k = &f->key;
	memset(k, 0, sizeof *k);
	k->family = (uint8_t)sc->ip_version;
	k->proto = (uint8_t)sc->protocol;
	k->sport = (uint16_t)(1024 + (uint32_t)(uniform(w->rng_addr) * (65536 - 1024)));
	k->dport = 80;
	uint32_t a = (uint32_t)(uniform(w->rng_addr) * 4294967296.0);
	if (sc->ip_version == 4) {
		k->src[0] = 10;
		k->src[1] = (uint8_t)(a >> 16);
		k->src[2] = (uint8_t)(a >> 8);
		k->src[3] = (uint8_t)a;
		memcpy(k->dst, sc->vip, 4);
	} else {
		uint32_t b = (uint32_t)(uniform(w->rng_addr) * 4294967296.0);
		k->src[0] = 0xfd;
		be32_put(k->src + 8, a);
		be32_put(k->src + 12, b);
		memcpy(k->dst, sc->vip, 16);
	}
}

static uint64_t send_interval_ns(const struct scenario *sc)
{
	uint64_t iv = (uint64_t)(1e9 / sc->packet_rate);
	return iv ? iv : 1;
}

static void sendq_push(struct traffic *w, uint64_t due, uint32_t flow)
{
	if (w->sendq_len == w->sendq_cap) {
		/* grow (amortised; not per packet): unwrap into the new array */
		size_t cap = w->sendq_cap ? 2 * w->sendq_cap : 1024;
		struct send_slot *q = g_new(struct send_slot, cap);
		for (size_t i = 0; i < w->sendq_len; i++)
			q[i] = w->sendq[(w->sendq_head + i) % w->sendq_cap];
		g_free(w->sendq);
		w->sendq = q;
		w->sendq_cap = cap;
		w->sendq_head = 0;
	}
	g_assert(w->sendq_len == 0 ||
		 w->sendq[(w->sendq_head + w->sendq_len - 1) % w->sendq_cap].due <= due);
	w->sendq[(w->sendq_head + w->sendq_len) % w->sendq_cap] = (struct send_slot){due, flow};
	w->sendq_len++;
}

static void sendq_fire(void *user);

/* Keep one pending event, at the head's due time. */
static void sendq_arm(struct traffic *w)
{
	if (w->sendq_len == 0)
		return;
	uint64_t due = w->sendq[w->sendq_head].due;
	if (w->ev_send && w->ev_send_due == due)
		return;
	if (w->ev_send)
		shim_cancel(w->net->sim, w->ev_send);
	uint64_t now = net_now(w->net);
	w->ev_send_due = due;
	w->ev_send = shim_schedule(w->net->sim, due > now ? due - now : 0, sendq_fire, w);
}

static struct sim_flow *flow_start(struct traffic *w, uint64_t first_ns, uint64_t duration_ns)
{
	struct sim_flow *f = flow_new(w);
	flow_key(w, f);
	f->client = (uint16_t)(f->id % w->net->sc->clients);
	f->interval_ns = send_interval_ns(w->net->sc);
	f->rec.start_ns = first_ns;
	f->rec.end_ns = first_ns + duration_ns;
	if (f->rec.end_ns > w->net->sc->duration_ns || f->rec.end_ns < first_ns)
		f->rec.end_ns = w->net->sc->duration_ns;
	f->rec.last_rx_ns = LB_TIME_NEVER;
	f->rec.first_router = f->rec.first_receiver = SIM_FLOW_NONE;
	return f;
}

/* A flow's initial sequence numbers, client's and server's: fixed
 * functions of its id (Knuth's multiplicative hash), so captures are the
 * same on every run. */
static uint32_t flow_isn(uint32_t id, uint32_t salt)
{
	return (id ^ salt) * 2654435761u;
}

/* Writes f's packet number seq (headers, trailer) into pkt; returns the
 * bytes written, the rest of the packet_size bytes being zeros.  TCP: the
 * first packet is the SYN (it carries the payload too) and each packet's
 * sequence number follows the previous packet's payload, so a capture
 * reads as one unbroken stream (RFC 793 section 3.3). */
static size_t flow_packet(const struct scenario *sc, const struct sim_flow *f, uint32_t seq, uint64_t now,
			  uint8_t pkt[DATA_MAX_HDR])
{
	size_t hdr = (f->key.family == LB_AF_INET ? 20u : 40u) + (f->key.proto == LB_PROTO_TCP ? 20u : 8u);
	uint32_t payload = sc->packet_size - (uint32_t)hdr;
	struct lb_flow_hdr hd = {.ip_len = (uint16_t)sc->packet_size};
	if (f->key.proto == LB_PROTO_TCP) {
		hd.tcp_seq = flow_isn(f->id, 0) + (seq > 0) + seq * payload;
		hd.tcp_flags = seq == 0 ? LB_TCP_SYN : LB_TCP_ACK;
		hd.tcp_ack = seq == 0 ? 0 : flow_isn(f->id, 0x5eed5eedu) + 1;
	}
	int hl = lb_flow_write_packet(&f->key, &hd, pkt, DATA_MAX_HDR - DATA_TRAILER_LEN);
	g_assert(hl > 0 && (size_t)hl == hdr);
	uint8_t *t = pkt + hl;
	be32_put(t, f->id);
	be32_put(t + 4, seq);
	be32_put(t + 8, (uint32_t)(now >> 32));
	be32_put(t + 12, (uint32_t)now);
	t[16] = WIRE_NO_ROUTER;
	t[17] = t[18] = t[19] = 0;
	size_t len = (size_t)hl + DATA_TRAILER_LEN;
	int rc = lb_flow_fill_l4_checksum(pkt, len);
	g_assert(rc == 0);
	return len;
}

/* Sends f's next packet now; true when the flow sends again later. */
static bool flow_send_one(struct traffic *w, struct sim_flow *f, uint64_t now)
{
	if (f->stopped)
		return false;
	uint8_t pkt[DATA_MAX_HDR];
	size_t len = flow_packet(w->net->sc, f, f->seq, now, pkt);
	f->seq++;
	f->rec.sent++;
	metrics_sent(w->net->m, now);
	if (w->inject)
		w->inject(w->inject_user, pkt, len, now);
	else
		net_send_data(w->net, w->client_dev[f->client], 0, pkt, len);
	if (now + f->interval_ns < f->rec.end_ns && !f->stopped)
		return true;
	f->stopped = true;
	return false;
}

/* Asks the CPU for the record of the flow that sends next while other
 * events run (a hint, no effect on results): with a million flows sending
 * in random order, a send otherwise starts with a cache miss on it. */
static void sendq_prefetch_head(const struct traffic *w)
{
	if (w->sendq_len < 2)
		return;
	const char *f = (const char *)flows_at(w->net->flows, w->sendq[(w->sendq_head + 1) % w->sendq_cap].flow);
	__builtin_prefetch(f);
	__builtin_prefetch(f + 64);
	__builtin_prefetch(f + sizeof(struct sim_flow) - 1);
}

static void sendq_fire(void *user)
{
	struct traffic *w = user;
	uint64_t now = net_now(w->net);
	w->ev_send = 0;
	while (w->sendq_len > 0 && w->sendq[w->sendq_head].due <= now) {
		struct send_slot sl = w->sendq[w->sendq_head];
		w->sendq_head = (w->sendq_head + 1) % w->sendq_cap;
		w->sendq_len--;
		struct sim_flow *f = flows_at(w->net->flows, sl.flow);
		if (flow_send_one(w, f, now))
			sendq_push(w, now + f->interval_ns, f->id);
	}
	sendq_prefetch_head(w);
	sendq_arm(w);
}

static void flow_arrival(void *user)
{
	struct traffic *w = user;
	uint64_t now = net_now(w->net);
	struct sim_flow *f = flow_start(w, now, flow_duration_ns(w));
	if (flow_send_one(w, f, now)) {
		sendq_push(w, now + f->interval_ns, f->id);
		sendq_arm(w);
	}
	uint64_t gap = exp_ns(w->rng_flow, 1e9 / w->net->sc->flow_arrival_rate);
	if (now + gap < w->net->sc->duration_ns)
		shim_schedule(w->net->sim, gap, flow_arrival, w);
}

static int slot_cmp(const void *a, const void *b)
{
	const struct send_slot *x = a, *y = b;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->flow < y->flow ? -1 : x->flow > y->flow;
}

void traffic_start(struct traffic *w)
{
	const struct scenario *sc = w->net->sc;
	double interval = (double)send_interval_ns(sc);
	struct send_slot *first = g_new(struct send_slot, sc->initial_flows ? sc->initial_flows : 1);
	for (uint32_t i = 0; i < sc->initial_flows; i++) {
		uint64_t phase = (uint64_t)(uniform(w->rng_flow) * interval);
		struct sim_flow *f = flow_start(w, phase, flow_duration_ns(w));
		first[i] = (struct send_slot){phase, f->id};
	}
	qsort(first, sc->initial_flows, sizeof *first, slot_cmp);
	for (uint32_t i = 0; i < sc->initial_flows; i++)
		sendq_push(w, first[i].due, first[i].flow);
	g_free(first);
	sendq_arm(w);
	if (sc->flow_arrival_rate > 0) {
		uint64_t gap = exp_ns(w->rng_flow, 1e9 / sc->flow_arrival_rate);
		if (gap < sc->duration_ns)
			shim_schedule(w->net->sim, gap, flow_arrival, w);
	}
}

void traffic_server_rx(struct traffic *w, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct sim_flow *f = flows_at(w->net->flows, wire_flow_id(pkt, len));
	uint32_t seq = wire_seq(pkt, len);
	struct sim_flow_rec *r = &f->rec;
	r->received++;
	if (r->last_rx_ns != LB_TIME_NEVER && now - r->last_rx_ns > r->longest_gap_ns)
		r->longest_gap_ns = now - r->last_rx_ns;
	r->last_rx_ns = now;
	if (seq < r->next_seq)
		r->out_of_order++;
	else
		r->next_seq = seq + 1;
	metrics_delivered(w->net->m, now);
}

void traffic_free(struct traffic *w)
{
	g_free(w->sendq);
	w->sendq = NULL;
}
