/* scenario_keys.c - the schema of a scenario file (every group and key,
 * its type, default, range and unit).  Kinds (hashes, owner selections, ECMP, strategies, profiles,
 * failures) take their names from the core's tables (lbcore/lb_kind.h):
 * nothing here spells a kind's name.  doc/scenario.md is the user's page;
 * /work/shared/scenario-reference.ini loads unchanged.
 *
 * Router profile defaults: a key with def_frr takes that default when
 * [router] profile = frr and the file does not set it; the sources of the
 * frr values are in doc/model.md ("the router's control plane"):
 *   update_queue_hold 50 ms   FRR bgpd/bgp_route.c bgp_process_queue_init: spec.hold = 50
 *   peer_clear_hold   10 ms   FRR bgpd/bgp_route.c bgp_clear_node_queue_init: spec.hold = 10
 *   rib_queue_hold    10 ms   FRR zebra/zebra_router.h ZEBRA_RIB_PROCESS_HOLD_TIME 10
 *   advertise_queue_hold 50 ms  the node's bgpd: the same process queue
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scenario_internal.h"

#define F(field) offsetof(struct scenario, field), sizeof(((struct scenario *)0)->field)
#define MAX_NODES ((uint64_t)LB_MAX_NODES)

LB_KIND_TABLE(scenario_dist_table, "flow duration distribution", SCENARIO_DISTS);
LB_KIND_TABLE(scenario_scheduler_table, "ns-3 scheduler", SHIM_SCHEDULERS);

/* The defaults are the values of scenario-reference.ini (keys it does not
 * list: their sources in doc/scenario.md). */
const struct keydef scenario_keys[] = {
	{"scenario", "name", K_STR, F(name), NULL, NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"scenario", "duration", K_DUR, F(duration_ns), "12s", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"scenario", "seed", K_SEED, F(seed), "1", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"scenario", "replications", K_UINT, F(replications), "1", NULL, 1, UINT32_MAX, NULL, false, false, KP_ANY, NULL},
	{"scenario", "bin", K_DUR, F(bin_ns), "10ms", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"scenario", "scheduler", K_ENUM, F(scheduler), "priority-queue", NULL, 0, 0, &scenario_scheduler_table, false,
	 false, KP_ANY, NULL},

	{"cluster", "nodes", K_UINT, F(nodes), "4", NULL, 1, MAX_NODES, NULL, false, false, KP_ANY, NULL},
	{"cluster", "vip", K_VIP, F(vip), DEFAULT_VIP4, NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"cluster", "base_metric", K_UINT, F(base_metric), "10", NULL, 1, UINT32_MAX - 1, NULL, false, false, KP_ANY,
	 NULL},
	{"cluster", "metric_reduction", K_UINT, F(metric_reduction), "1", NULL, 0, UINT32_MAX, NULL, false, false,
	 KP_ANY, NULL},
	{"cluster", "restore_wait", K_DUR, F(restore_wait_ns), "40s", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"cluster", "heartbeat_interval", K_DUR, F(heartbeat_interval_ns), "100ms", NULL, 1, UINT64_MAX, NULL, false,
	 false, KP_ANY, NULL},
	{"cluster", "heartbeat_misses", K_UINT, F(heartbeat_misses), "3", NULL, 1, UINT32_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"cluster", "owner_hash", K_ENUM, F(owner_hash), "modulo", NULL, 0, 0, &lb_owner_kind_table, false, false,
	 KP_ANY, NULL},
	{"cluster", "maglev_table_size", K_UINT, F(maglev_table_size), "65537", NULL, LB_MAGLEV_MIN_M, LB_MAGLEV_MAX_M,
	 NULL, false, false, KP_ANY, "entries"},
	{"cluster", "steering", K_BOOL, F(steering), "on", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"cluster", "session_cache", K_BOOL, F(session_cache), "on", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"cluster", "session_capacity", K_UINT, F(session_capacity), "1000000", NULL, 1, LB_SESSION_MAX_CAPACITY, NULL,
	 false, false, KP_ANY, "entries"},
	{"cluster", "session_idle_timeout", K_DUR, F(session_idle_timeout_ns), "120s", NULL, LB_SESSION_MIN_TIMEOUT_NS,
	 LB_SESSION_MAX_TIMEOUT_NS, NULL, false, false, KP_ANY, NULL},
	{"cluster", "flow_hash", K_ENUM, F(flow_hash), "crc32c", NULL, 0, 0, &lb_hash_kind_table, false, false, KP_ANY,
	 NULL},
	{"cluster", "flow_hash_seed", K_SEED, F(flow_hash_seed), "0x5eed", NULL, 0, UINT32_MAX, NULL, true, false, KP_ANY,
	 NULL},
	{"cluster", "isolation_check", K_ENUM, F(isolation_check), "uplink", NULL, 0, 0, &lb_isolation_table, false,
	 false, KP_ANY, NULL},
	{"cluster", "advertise_delay", K_DUR, F(advertise_delay_ns), "0s", "34ms", 0, UINT64_MAX, NULL, false, false,
	 KP_ANY, NULL},
	{"cluster", "advertise_queue_hold", K_DUR, F(advertise_queue_hold_ns), "50ms", NULL, 0, UINT64_MAX, NULL, false,
	 false, KP_FRR, NULL},

	{"router", "profile", K_ENUM, F(profile), "ideal", NULL, 0, 0, &lb_router_profile_table, false, false, KP_ANY,
	 NULL},
	{"router", "ecmp", K_ENUM, F(ecmp), "hash-threshold", NULL, 0, 0, &lb_ecmp_kind_table, false, false, KP_ANY,
	 NULL},
	{"router", "ecmp_hash", K_ENUM, F(ecmp_hash), "toeplitz", NULL, 0, 0, &lb_hash_kind_table, false, false, KP_ANY,
	 NULL},
	{"router", "ecmp_hash_seed", K_SEED, F(ecmp_hash_seed), "0x1", NULL, 0, UINT32_MAX, NULL, true, false, KP_ANY,
	 NULL},
	{"router", "linux_hash_policy", K_UINT, F(linux_hash_policy), "1", NULL, 0, 1, NULL, false, false, KP_ANY, NULL},
	{"router", "resilient_buckets", K_UINT, F(resilient_buckets), "128", NULL, 0, UINT32_MAX, NULL, false, false,
	 KP_ANY, "buckets"},
	{"router", "resilient_idle_timer", K_DUR, F(resilient_idle_timer_ns), "1s", NULL, 0, UINT64_MAX, NULL, false,
	 false, KP_ANY, NULL},
	{"router", "resilient_unbalanced_timer", K_DUR, F(resilient_unbalanced_timer_ns), "0s", NULL, 0, UINT64_MAX, NULL,
	 false, false, KP_ANY, NULL},
	{"router", "refresh_interval", K_DUR, F(refresh_interval_ns), "10s", NULL, 1, UINT64_MAX, NULL, false, false,
	 KP_ANY, NULL},
	{"router", "hold_time", K_DUR, F(hold_time_ns), "40s", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"router", "processing_delay", K_DUR, F(processing_delay_ns), "1ms", NULL, 0, UINT64_MAX, NULL, false, false,
	 KP_IDEAL, NULL},
	{"router", "fib_install_delay", K_DUR, F(fib_install_delay_ns), "50ms", "1ms", 0, UINT64_MAX, NULL, false, false,
	 KP_ANY, NULL},
	{"router", "peer_clear_hold", K_DUR, F(peer_clear_hold_ns), "10ms", NULL, 0, UINT64_MAX, NULL, false, false,
	 KP_FRR, NULL},
	{"router", "update_queue_hold", K_DUR, F(update_queue_hold_ns), "50ms", NULL, 0, UINT64_MAX, NULL, false, false,
	 KP_FRR, NULL},
	{"router", "rib_queue_hold", K_DUR, F(rib_queue_hold_ns), "10ms", NULL, 0, UINT64_MAX, NULL, false, false, KP_FRR,
	 NULL},
	{"router", "failover", K_STRATEGY, F(failover), "readvertise", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"router", "bfd_interval", K_DUR, F(bfd_interval_ns), "50ms", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"router", "bfd_multiplier", K_UINT, F(bfd_multiplier), "3", NULL, 1, UINT32_MAX, NULL, false, false, KP_ANY,
	 NULL},

	{"links", "uplink_rate", K_RATE, F(uplink_rate_bps), "10Gbps", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"links", "uplink_delay", K_DUR, F(uplink_delay_ns), "5us", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"links", "uplink_queue", K_UINT, F(uplink_queue), "1000", NULL, 1, UINT32_MAX, NULL, false, false, KP_ANY,
	 "packets"},
	{"links", "backplane_rate", K_RATE, F(backplane_rate_bps), "10Gbps", NULL, 1, UINT64_MAX, NULL, false, false,
	 KP_ANY, NULL},
	{"links", "backplane_delay", K_DUR, F(backplane_delay_ns), "2us", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"links", "backplane_queue", K_UINT, F(backplane_queue), "1000", NULL, 1, UINT32_MAX, NULL, false, false, KP_ANY,
	 "packets"},
	{"links", "server_rate", K_RATE, F(server_rate_bps), "10Gbps", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"links", "server_delay", K_DUR, F(server_delay_ns), "5us", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY, NULL},
	{"links", "client_rate", K_RATE, F(client_rate_bps), "100Gbps", NULL, 1, UINT64_MAX, NULL, false, false, KP_ANY,
	 NULL},
	{"links", "client_delay", K_DUR, F(client_delay_ns), "20us", NULL, 0, UINT64_MAX, NULL, false, false, KP_ANY, NULL},

	{"traffic", "clients", K_UINT, F(clients), "16", NULL, 1, 65535, NULL, false, false, KP_ANY, NULL},
	{"traffic", "ip_version", K_IPVER, F(ip_version), "4", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"traffic", "protocol", K_PROTO, F(protocol), "tcp", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"traffic", "flow_arrival_rate", K_DBL, F(flow_arrival_rate), "2000", NULL, 0, 0, NULL, false, false, KP_ANY,
	 "flows/s"},
	{"traffic", "flow_duration", K_FLOWDUR, F(flow_duration_dist), "exp:5s", NULL, 0, 0, NULL, false, false, KP_ANY,
	 NULL},
	{"traffic", "initial_flows", K_UINT, F(initial_flows), "10000", NULL, 0, UINT32_MAX, NULL, false, false, KP_ANY,
	 "flows"},
	{"traffic", "packet_rate", K_DBL, F(packet_rate), "50", NULL, 0, 0, NULL, false, true, KP_ANY,
	 "packets/s per flow"},
	{"traffic", "packet_size", K_UINT, F(packet_size), "1000", NULL, 64, 9000, NULL, false, false, KP_ANY, "bytes"},

	{"output", "dir", K_STR, F(output_dir), NULL, NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"output", "flows", K_BOOL, F(flows), "off", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
	{"output", "pcap", K_BOOL, F(pcap), "off", NULL, 0, 0, NULL, false, false, KP_ANY, NULL},
};
const size_t scenario_n_keys = sizeof scenario_keys / sizeof scenario_keys[0];

const char *const scenario_plain_groups[] = {"scenario", "cluster", "router", "links", "traffic", "output", NULL};
const char *const scenario_failure_keys[] = {"at", "kind", "node", "loss", "nodes", NULL};

int scenario_str_index(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

gchar *scenario_choices(const struct keydef *kd)
{
	GString *g = g_string_new(NULL);
	if (kd->type == K_STRATEGY) {
		for (unsigned i = 0; i < lb_strategy_count(); i++)
			g_string_append_printf(g, "%s%s", i ? " | " : "", lb_strategy_at(i)->name);
	} else {
		for (unsigned i = 0; i < kd->table->count; i++)
			g_string_append_printf(g, "%s%s", i ? " | " : "", kd->table->names[i]);
	}
	return g_string_free(g, FALSE);
}

const struct keydef *scenario_find_key(const char *group, const char *key)
{
	for (size_t i = 0; i < scenario_n_keys; i++)
		if (strcmp(scenario_keys[i].group, group) == 0 && strcmp(scenario_keys[i].key, key) == 0)
			return &scenario_keys[i];
	return NULL;
}

/* "failure.K", K a positive decimal integer without leading zeros; *k = K. */
bool scenario_is_failure_group(const char *group, uint64_t *k)
{
	if (strncmp(group, "failure.", 8) != 0)
		return false;
	const char *p = group + 8;
	if (*p < '1' || *p > '9')
		return false;
	uint64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (k)
		*k = v;
	return true;
}

bool scenario_group_known(const char *group)
{
	return scenario_str_index(scenario_plain_groups, group) >= 0 || strcmp(group, "sweep") == 0 ||
	       scenario_is_failure_group(group, NULL);
}

/* Whether group.key names a parameter (the sweep and override key space). */
bool scenario_key_known(const char *group, const char *key)
{
	if (scenario_is_failure_group(group, NULL))
		return scenario_str_index(scenario_failure_keys, key) >= 0;
	return scenario_find_key(group, key) != NULL;
}

