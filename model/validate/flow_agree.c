/* flow_agree.c - per-flow agreement of a real repetition (real.h).
 *
 * For every flow of the sender's table (lbv-send --print-flows): the node
 * the real router sent it to before the failure (the receivers' logs: the
 * nodes that got its packets sent before the failure), the kernel's own
 * answer (`ip route get ... iif c0`, testbed.sh), and the node lbsim's
 * router picks: model/core's lb_router built from the scenario
 * (scenario_router_params: its hash, seed, Linux policy and ECMP kind),
 * started in steady state with every node, asked with lb_router_select for
 * the flow's 5-tuple.
 *
 * lbsim's ECMP group holds its next hops as node ids in ascending order;
 * the kernel's multipath route holds them in the order the route lists
 * them (FRR's zebra sorts them, doc/ecmp.md fact 9), and the hash-threshold
 * selection picks by position.  So lbsim's k-th next hop is matched with
 * the route's k-th (route-at-start.txt, `ip -o route show VIP`), a node by
 * its address (10.10.<i>.2 is node i).  In the testbed both orders are the
 * node order, which `order_natural` records.
 *
 * Only a router hash of kind linux can agree flow by flow: the testbed sets
 * the kernel's policy and seed from it (testbed.sh); with any other hash
 * the kernel's seed is its random boot-time one and nothing is predicted
 * (predicted = false, the lbsim column stays empty). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lbcore/lb_router.h"
#include "real.h"

static void no_action(void *user, const struct lb_router_action *a)
{
	(void)user;
	(void)a;
}

/* The route's next hops in order, as node ids (at most LB_MAX_NODES). */
static unsigned route_order(const char *text, int order[LB_MAX_NODES])
{
	unsigned n = 0;
	for (const char *v = text; (v = strstr(v, "via ")) && n < LB_MAX_NODES; v += 4) {
		char addr[64];
		if (sscanf(v, "via %63s", addr) == 1)
			order[n++] = real_node_of(addr);
	}
	return n;
}

/* "FLOW NEXTHOP" lines: per flow the node `ip route get` names (-1 none). */
static int *route_get_nodes(const char *raw, uint32_t n_flows)
{
	int *node = g_new(int, (size_t)n_flows + 1);
	for (uint32_t f = 0; f < n_flows; f++)
		node[f] = -1;
	g_autofree gchar *p = g_build_filename(raw, "route-get.txt", NULL);
	g_autofree gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, NULL))
		return node;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		unsigned f;
		char addr[64];
		if (sscanf(*l, "%u %63s", &f, addr) == 2 && f < n_flows)
			node[f] = real_node_of(addr);
	}
	return node;
}

static int real_node(lb_nodeset s)
{
	if (s == 0)
		return -1;
	if (s & (s - 1))
		return -2;
	return __builtin_ctzll(s);
}

/* Position of id among the ids of set in ascending order. */
static unsigned rank(lb_nodeset set, unsigned id)
{
	return (unsigned)__builtin_popcountll(set & (lb_nodeset_bit(id) - 1));
}

gboolean real_flow_agreement(const char *raw, const struct scenario *sc, const lb_nodeset *flow_nodes,
			     uint32_t n_flows, const char *out_csv, struct real_agreement *a, bool *missing,
			     GError **err)
{
	memset(a, 0, sizeof *a);
	*missing = false;
	g_autofree gchar *fp = g_build_filename(raw, "flows.txt", NULL);
	g_autofree gchar *flows = NULL;
	if (!g_file_get_contents(fp, &flows, NULL, NULL)) {
		*missing = true;
		return FALSE;
	}
	g_autofree gchar *rp = g_build_filename(raw, "route-at-start.txt", NULL);
	g_autofree gchar *route = NULL;
	if (!g_file_get_contents(rp, &route, NULL, err))
		return FALSE;
	int order[LB_MAX_NODES];
	unsigned n_order = route_order(route, order);
	if (n_order == 0) {
		g_set_error(err, REAL_ERROR, 0, "%s: no next hop (\"via A\") in the router's route", rp);
		return FALSE;
	}
	a->order_natural = true;
	GString *o = g_string_new(NULL);
	for (unsigned k = 0; k < n_order; k++) {
		g_string_append_printf(o, "%s%d", k ? ";" : "", order[k]);
		a->order_natural &= order[k] == (int)k;
	}
	g_strlcpy(a->order, o->str, sizeof a->order);
	g_string_free(o, TRUE);

	a->predicted = sc->ecmp_hash == LB_HASH_LINUX;
	struct lb_router_params p = scenario_router_params(sc, 0);
	p.act = no_action;
	struct lb_router *r = lb_router_create(&p);
	if (!r) {
		g_set_error(err, REAL_ERROR, 0, "%s: the scenario's router parameters were refused by lb_router", sc->path);
		return FALSE;
	}
	lb_router_start(r, 0);
	lb_nodeset fib = lb_router_fib(r);
	g_autofree int *rg = route_get_nodes(raw, n_flows);
	GString *csv = g_string_new("flow,src,sport,dst,dport,real_node,route_get_node,lbsim_node,agree\n");
	g_auto(GStrv) lines = g_strsplit(flows, "\n", -1);
	gboolean ok = TRUE;
	for (char **l = lines; *l && ok; l++) {
		unsigned f, sport, dport;
		char src[64], dst[64];
		uint8_t s4[4], d4[4];
		if (!**l)
			continue;
		if (sscanf(*l, "%u %63s %u %63s %u", &f, src, &sport, dst, &dport) != 5 || f >= n_flows || sport > 65535 ||
		    dport > 65535 || inet_pton(AF_INET, src, s4) != 1 || inet_pton(AF_INET, dst, d4) != 1) {
			g_set_error(err, REAL_ERROR, 0, "%s: \"%s\": not \"FLOW SRC SPORT DST DPORT\" of one of %u flows", fp,
				    *l, n_flows);
			ok = FALSE;
			break;
		}
		a->flows++;
		int real = real_node(flow_nodes[f]);
		int predicted = -1;
		if (a->predicted) {
			struct lb_flow_key k;
			lb_flow_key_v4(&k, s4, d4, (uint16_t)sport, (uint16_t)dport, LB_PROTO_UDP);
			int id = lb_router_select(r, &k, 0);
			unsigned pos = id >= 0 ? rank(fib, (unsigned)id) : LB_MAX_NODES;
			predicted = pos < n_order ? order[pos] : -1;
		}
		if (real == -2)
			a->split++;
		bool compared = real >= 0 && a->predicted;
		if (compared) {
			a->compared++;
			a->agree += predicted == real;
		}
		if (real >= 0 && rg[f] >= 0) {
			a->routeget_compared++;
			a->routeget_agree += rg[f] == real;
		}
		g_string_append_printf(csv, "%u,%s,%u,%s,%u,%d,%d,", f, src, sport, dst, dport, real, rg[f]);
		if (a->predicted)
			g_string_append_printf(csv, "%d", predicted);
		g_string_append_c(csv, ',');
		if (compared)
			g_string_append_printf(csv, "%d", predicted == real);
		g_string_append_c(csv, '\n');
	}
	lb_router_free(r);
	if (ok)
		ok = g_file_set_contents(out_csv, csv->str, (gssize)csv->len, err);
	g_string_free(csv, TRUE);
	return ok;
}
