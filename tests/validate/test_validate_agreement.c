/* test_validate_agreement.c - test_validate: per-flow agreement
 * (model/validate/flow_agree.c) of a constructed log with the next hops a
 * Linux kernel chose. */
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "../cu_main.h"
#include "real.h"
#include "validate_fixture.h"

/* --- per-flow agreement (flow_agree.c) on a constructed log --- */

/* Ten UDP flows whose next hop a Linux 6.18 kernel chose (recorded by
 * tools/record-linux-vectors.sh: tests/core/data/linux-vectors.csv, IPv4,
 * plain multipath route of 4 next hops, policy 1, seed 24301 = 0x5eed):
 * src, sport, dst, dport, and k, the position of the kernel's next hop in
 * the route.  The kernel's answers, not lbsim's: the test fails if lbsim's
 * router (hash, selection) or the mapping of positions to nodes is wrong. */
static const struct {
	const char *src;
	unsigned sport;
	const char *dst;
	unsigned dport, k;
} recorded[] = {
	{"10.250.117.107", 25737, "10.200.4.208", 80, 0},   {"10.100.153.75", 20486, "10.200.150.228", 25711, 3},
	{"10.250.3.250", 31636, "10.200.107.188", 80, 1},   {"10.100.242.240", 23599, "10.200.123.195", 20516, 1},
	{"10.250.42.244", 11932, "10.200.199.237", 80, 0},  {"10.250.170.212", 15007, "10.200.175.87", 322, 2},
	{"10.250.177.33", 8445, "10.200.30.172", 7681, 2},  {"10.100.149.154", 20144, "10.200.0.10", 9794, 2},
	{"10.250.147.19", 25879, "10.200.0.10", 30591, 0},  {"10.250.29.172", 11934, "10.200.0.10", 80, 3},
};

static struct scenario *agreement_scenario(const char *hash)
{
	g_autofree gchar *h = g_strdup_printf("router.ecmp_hash=%s", hash);
	const char *sets[] = {"cluster.steering=off", "router.ecmp=linux", h, "router.linux_hash_policy=1",
			      "router.ecmp_hash_seed=0x5eed", NULL};
	GError *err = NULL;
	struct scenario *sc = scenario_load(SOURCE_ROOT "/scenarios/validation.ini", sets, &err);
	if (!sc)
		fprintf(stderr, "%s\n", err->message);
	return sc;
}

/* The route lists its next hops in the order nodes 2, 0, 3, 1 (as FRR
 * might): the kernel's k-th next hop is node order[k].  Flows 0-6 reached
 * that node before the failure; flow 7 reached another (a disagreement);
 * flow 8 reached two nodes (not compared); flow 9 none (not compared).
 * `ip route get` answered order[k] for every flow. */
void test_flow_agreement(void)
{
	static const int order[4] = {2, 0, 3, 1};
	g_autofree gchar *raw = g_build_filename(tmpdir, "agree", "raw", NULL);
	g_autofree gchar *out = g_build_filename(tmpdir, "agree", "flow_agreement.csv", NULL);
	GString *flows = g_string_new(NULL), *rg = g_string_new(NULL);
	lb_nodeset seen[10];
	for (unsigned f = 0; f < 10; f++) {
		unsigned node = (unsigned)order[recorded[f].k];
		g_string_append_printf(flows, "%u %s %u %s %u\n", f, recorded[f].src, recorded[f].sport, recorded[f].dst,
				       recorded[f].dport);
		g_string_append_printf(rg, "%u 10.10.%u.2\n", f, node);
		seen[f] = lb_nodeset_bit(node);
	}
	seen[7] = lb_nodeset_bit((unsigned)order[(recorded[7].k + 1) % 4]);
	seen[8] |= lb_nodeset_bit((unsigned)order[(recorded[8].k + 1) % 4]);
	seen[9] = 0;
	put(raw, "flows.txt", flows->str);
	put(raw, "route-get.txt", rg->str);
	put(raw, "route-at-start.txt",
	    "203.0.113.10 proto bgp metric 20 \\\tnexthop via 10.10.2.2 dev n2 weight 1 \\\tnexthop via 10.10.0.2 dev n0 "
	    "weight 1 \\\tnexthop via 10.10.3.2 dev n3 weight 1 \\\tnexthop via 10.10.1.2 dev n1 weight 1 \n");
	g_string_free(flows, TRUE);
	g_string_free(rg, TRUE);

	struct scenario *sc = agreement_scenario("linux");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
	struct real_agreement a;
	bool missing = true;
	GError *err = NULL;
	gboolean ok = real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err);
	if (!ok)
		fprintf(stderr, "\n%s\n", err->message);
	CU_ASSERT_FATAL(ok);
	CU_ASSERT_FALSE(missing);
	CU_ASSERT(a.predicted);
	CU_ASSERT_FALSE(a.order_natural);
	CU_ASSERT_STRING_EQUAL(a.order, "2;0;3;1");
	CU_ASSERT_EQUAL(a.flows, 10);
	CU_ASSERT_EQUAL(a.compared, 8);
	CU_ASSERT_EQUAL(a.agree, 7);
	CU_ASSERT_EQUAL(a.split, 1);
	CU_ASSERT_EQUAL(a.routeget_compared, 8);
	CU_ASSERT_EQUAL(a.routeget_agree, 7);
	g_autofree gchar *csv = read_file(tmpdir, "agree/flow_agreement.csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT(g_str_has_prefix(csv, "flow,src,sport,dst,dport,real_node,route_get_node,lbsim_node,agree\n"
					"0,10.250.117.107,25737,10.200.4.208,80,2,2,2,1\n"));
	/* flow 7: k = 2, node 3; it reached order[3] = node 1 */
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n7,10.100.149.154,20144,10.200.0.10,9794,1,3,3,0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n8,10.250.147.19,25879,10.200.0.10,30591,-2,2,2,\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n9,10.250.29.172,11934,10.200.0.10,80,-1,1,1,\n"));
	scenario_free(sc);

	/* another router hash: the kernel's seed is not the model's, nothing is predicted */
	sc = agreement_scenario("crc32c");
	CU_ASSERT_FATAL(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(!a.predicted && a.compared == 0 && a.agree == 0 && a.routeget_agree == 7);

	/* older logs without a flow table: reported as missing, not an error */
	g_autofree gchar *fp = g_build_filename(raw, "flows.txt", NULL);
	g_unlink(fp);
	CU_ASSERT_FALSE(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(missing && err == NULL);
	scenario_free(sc);
	/* a malformed flow table is an error naming the file */
	put(raw, "flows.txt", "0 10.250.117.107 25737\n");
	sc = agreement_scenario("linux");
	CU_ASSERT_FALSE(real_flow_agreement(raw, sc, seen, 10, out, &a, &missing, &err));
	CU_ASSERT(!missing && err && strstr(err->message, "flows.txt"));
	g_clear_error(&err);
	scenario_free(sc);
}
