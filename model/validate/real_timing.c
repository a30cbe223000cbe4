/* real_timing.c - the component timing of a real repetition (real.h): how
 * long each step from a trigger to the router's kernel forwarding by the
 * new route took, from the events the logs give (real_events.c).
 *
 * A node's decision (advertise n - d, restore n) that changed its MED:
 *   config_s      decision -> med_set: the agent's vty commands applied
 *                 (what [cluster] advertise_delay stands for)
 *   node_queue_s  med_set -> update_sent: the node's bgpd (its route-
 *                 processing queue, what advertise_queue_hold stands for)
 *   to_router_s   update_sent -> update_rx: TCP over the veth and the
 *                 router's bgpd reading it
 *   router_s      update_rx -> the first route_change at or after it: the
 *                 router's bgpd queue (update_queue_hold)
 *   fib_s         route_change -> route_installed of that set: zebra's RIB
 *                 queue and the kernel (rib_queue_hold + fib_install_delay)
 * The router's own triggers: a BFD session down (trigger bfd_down, from
 * bfdd) or a hold expiry (hold_expiry, from bgpd) of node i whose route
 * the router was using:
 *   router_s      trigger -> the first route_change leaving node i out
 *                 (peer clearing and the bgpd queue)
 *   fib_s         as above.
 * A step whose end is not in the logs stays empty. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "real.h"

static const struct real_event *at(const GArray *ev, guint i)
{
	return &g_array_index(ev, struct real_event, i);
}

/* The first event from index i on of kind (node, value: -2 any) with
 * t >= t0; its index or -1. */
static int next_event(const GArray *ev, guint i, const char *kind, int node, int64_t value, int64_t t0)
{
	for (; i < ev->len; i++) {
		const struct real_event *e = at(ev, i);
		if (e->t_ns >= t0 && strcmp(e->kind, kind) == 0 && (node == -2 || e->node == node) &&
		    (value == -2 || e->value == value))
			return (int)i;
	}
	return -1;
}

/* The first route_change at or after t0 (leaving out node `without`, -1:
 * any), then the route_installed of its set: their indexes, -1 when none. */
static void route_steps(const GArray *ev, int64_t t0, int without, int *rc, int *ri)
{
	*rc = *ri = -1;
	for (guint i = 0; i < ev->len && *rc < 0; i++) {
		const struct real_event *e = at(ev, i);
		if (e->t_ns >= t0 && strcmp(e->kind, "route_change") == 0 &&
		    (without < 0 || !lb_nodeset_has(e->set, (unsigned)without)))
			*rc = (int)i;
	}
	for (guint i = *rc < 0 ? ev->len : (guint)*rc; i < ev->len && *ri < 0; i++) {
		const struct real_event *e = at(ev, i);
		if (strcmp(e->kind, "route_installed") == 0 && e->set == at(ev, (guint)*rc)->set)
			*ri = (int)i;
	}
}

/* The router's next-hop set decided last before event i (its first
 * event, route_installed at T0, is the steady state). */
static lb_nodeset decided_before(const GArray *ev, guint i)
{
	lb_nodeset set = 0;
	for (guint j = 0; j < i; j++) {
		const struct real_event *e = at(ev, j);
		if (strcmp(e->kind, "route_change") == 0 || (j == 0 && strcmp(e->kind, "route_installed") == 0))
			set = e->set;
	}
	return set;
}

static void step(GString *g, const GArray *ev, int from, int to)
{
	g_string_append_c(g, ',');
	if (from >= 0 && to >= 0)
		g_string_append_printf(g, "%.9f", (double)(at(ev, (guint)to)->t_ns - at(ev, (guint)from)->t_ns) / 1e9);
}

static void row_start(GString *g, const char *trigger, int node, int64_t metric, int64_t t)
{
	g_string_append_printf(g, "%s,%d,", trigger, node);
	if (metric >= 0)
		g_string_append_printf(g, "%" PRId64, metric);
	g_string_append_printf(g, ",%.9f", (double)t / 1e9);
}

const char real_timing_header[] = "trigger,node,metric,t_s,config_s,node_queue_s,to_router_s,router_s,fib_s";

GString *real_timing_csv(const GArray *ev)
{
	GString *g = g_string_new(real_timing_header);
	g_string_append_c(g, '\n');
	for (guint i = 0; i < ev->len; i++) {
		const struct real_event *e = at(ev, i);
		bool decision = e->node >= 0 && (strcmp(e->kind, "advertise") == 0 || strcmp(e->kind, "restore") == 0);
		bool bfd = e->node < 0 && strcmp(e->kind, "detect") == 0;
		bool hold = strcmp(e->kind, "hold_expiry") == 0;
		if (decision) {
			/* the decision's med_set, before the node's next decision */
			int next = next_event(ev, i + 1, e->kind, e->node, -2, e->t_ns);
			int other = next_event(ev, i + 1, strcmp(e->kind, "advertise") == 0 ? "restore" : "advertise",
					       e->node, -2, e->t_ns);
			if (other >= 0 && (next < 0 || other < next))
				next = other;
			int ms = next_event(ev, i + 1, "med_set", e->node, e->value, e->t_ns);
			if (ms < 0 || (next >= 0 && ms > next))
				continue; /* the MED did not change: nothing went to bgpd */
			int us = next_event(ev, (guint)ms, "update_sent", e->node, e->value, at(ev, (guint)ms)->t_ns);
			int ur = us < 0 ? -1 : next_event(ev, (guint)us, "update_rx", e->node, e->value, at(ev, (guint)us)->t_ns);
			int rc = -1, ri = -1;
			if (ur >= 0)
				route_steps(ev, at(ev, (guint)ur)->t_ns, -1, &rc, &ri);
			row_start(g, e->kind, e->node, e->value, e->t_ns);
			step(g, ev, (int)i, ms);
			step(g, ev, ms, us);
			step(g, ev, us, ur);
			step(g, ev, ur, rc);
			step(g, ev, rc, ri);
			g_string_append_c(g, '\n');
		} else if (bfd || hold) {
			int node = bfd ? (int)e->value : e->node;
			if (node < 0 || !lb_nodeset_has(decided_before(ev, i), (unsigned)node))
				continue; /* its route was no longer used: the trigger changes nothing */
			int rc, ri;
			route_steps(ev, e->t_ns, node, &rc, &ri);
			row_start(g, bfd ? "bfd_down" : "hold_expiry", node, -1, e->t_ns);
			g_string_append(g, ",,,");
			step(g, ev, (int)i, rc);
			step(g, ev, rc, ri);
			g_string_append_c(g, '\n');
		}
	}
	return g;
}
