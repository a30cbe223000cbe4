/* lb_agent.h - the cluster agent of US 8,972,602: how a node
 * advertises the VIP to the upstream router and steers the router away from
 * a failed peer by re-advertising a better (lower) metric.
 *
 * Every node advertises the VIP with metric n (base_metric) and refreshes
 * it every refresh_ns.  When its membership view shrinks to a strict subset
 * of the previous view, the node re-advertises at once with n - d, so the
 * router prefers the survivors' routes over the stale route of the dead
 * node and drops that path without waiting for its hold timer; after the
 * wait W (restore_wait_ns) it re-advertises n.
 *
 *                 start: advertise n
 *                        |
 *                        v                 strict subset, >= 2 left:
 *     +------------> NORMAL (metric n) ----- advertise n - d, arm W -----+
 *     |               |   ^                                              |
 *     |   refresh_ns: |   |                                              v
 *     |   advertise n +---+                           REDUCED (metric n - d)
 *     |                                              |  |   ^   |
 *     |  W expired: advertise n (RESTORE)            |  |   |   | refresh_ns:
 *     +----------------------------------------------+  |   |   | advertise
 *     |                                                 |   +---+ n - d
 *     |  isolated (view = {self}): advertise n          |
 *     +------------------------------- (ISOLATED) ------+
 *                 another strict subset while REDUCED: re-arm W (REARM),
 *                 and reduce by d again only if reduce_again
 *
 * Edge cases, each pinned by tests/core/test_agent.c:
 *  - second failure during W: W is re-armed from the second detection; the
 *    metric is reduced once (n - d), or again (n - 2d, ...) when
 *    reduce_again is set.
 *  - a peer recovering during W: nothing changes; the reduced metric is
 *    kept until W expires (the recovered peer advertises n, so the router
 *    keeps preferring the survivors until the restore: the recovered node
 *    gets traffic back at restore time, not before).
 *  - the node alone (its view is {self} while it had peers): the isolation
 *    rule (params.isolation) decides.  LB_ISOLATION_UPLINK (the default):
 *    a node that still hears the router (its uplink, hence its routing
 *    session, is up: lb_agent_set_uplink) is a survivor and reduces as any
 *    survivor does - so a two-node cluster re-advertises when one node
 *    dies.  LB_ISOLATION_PEERS_ONLY, or the uplink down: the node cannot
 *    tell "all peers died" from "I am cut off", so it must not claim the
 *    VIP more strongly: no reduction, and a reduced metric is restored to n
 *    at once (reason ISOLATED).  A node whose cluster is just itself
 *    advertises n and never reduces.
 *  - d >= n: the metric is clamped to 1 (metric 0 is not a valid metric for
 *    the router); counted in stats.clamped.
 *  - W = 0: the restore is due at the reduction's own time: the next tick
 *    (which lb_agent_next_deadline() asks for at once) advertises n, so the
 *    router sees n - d followed by n at the same instant.
 *
 * The agent never sends or schedules anything: every call fills a struct
 * lb_agent_out the caller turns into a routing message, and the caller
 * calls lb_agent_tick() at lb_agent_next_deadline().  Errors: negative errno.
 */
#ifndef LBCORE_LB_AGENT_H
#define LBCORE_LB_AGENT_H

#include "lb_kind.h"
#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When is a node whose view has shrunk to {self} isolated (not a survivor)? */
#define LB_ISOLATION_KINDS(X)                                                                               \
	X(LB_ISOLATION_UPLINK, "uplink", "alone, but its router uplink is up: a survivor (it reduces)")         \
	X(LB_ISOLATION_PEERS_ONLY, "peers-only", "alone means isolated, whatever the uplink: it never reduces")
enum lb_isolation { LB_ISOLATION_KINDS(LB_KIND_ENUM) };
#define LB_ISOLATION_KIND_COUNT (0 LB_ISOLATION_KINDS(LB_KIND_ONE))
extern const struct lb_kind_table lb_isolation_table;

struct lb_agent_params {
	uint8_t self;             /* node id 0..63 */
	uint32_t base_metric;     /* n >= 1 */
	uint32_t reduction;       /* d >= 0 (0: never reduces) */
	uint64_t restore_wait_ns; /* W, may be 0 */
	uint64_t refresh_ns;      /* > 0 */
	uint64_t first_refresh_ns; /* first refresh this long after start (0: refresh_ns), so that
	                              nodes started together refresh at their own phases */
	bool reduce_again;        /* a failure during W reduces by d again */
	enum lb_isolation isolation; /* the rule for a node left alone (default: uplink) */
};

enum lb_agent_reason {
	LB_AGENT_NONE,     /* nothing to send */
	LB_AGENT_START,    /* first advertisement, metric n */
	LB_AGENT_REFRESH,  /* periodic refresh of the current metric */
	LB_AGENT_REDUCE,   /* strict subset seen: metric n - d (or lower) */
	LB_AGENT_REARM,    /* strict subset seen during W: W re-armed, no message */
	LB_AGENT_RESTORE,  /* W expired: metric n */
	LB_AGENT_ISOLATED, /* view is {self}: metric n, W disarmed */
	LB_AGENT_WITHDRAW, /* lb_agent_stop() */
};

/* What the caller must send to the router. */
struct lb_agent_out {
	bool advertise;  /* send an advertisement with `metric` */
	uint32_t metric;
	bool withdraw;   /* send a withdraw */
	enum lb_agent_reason reason;
};

struct lb_agent_stats {
	uint64_t advertisements; /* every out with advertise set */
	uint64_t reductions;
	uint64_t rearms;
	uint64_t restores;
	uint64_t isolated;
	uint64_t clamped;        /* reductions clamped to metric 1 */
};

struct lb_agent;

/* NULL on bad params (base_metric 0, refresh 0, self > 63). */
struct lb_agent *lb_agent_create(const struct lb_agent_params *p);
void lb_agent_free(struct lb_agent *a);

/* Start with membership view `active`: advertise n.  Returns 1 (out filled). */
int lb_agent_start(struct lb_agent *a, lb_nodeset active, uint64_t now, struct lb_agent_out *out);

/* The membership view changed.  Returns 1 when out asks for a message, 0
 * when not (out->reason still says what happened), -EINVAL when `active`
 * does not contain self, -EPERM before start or after stop. */
int lb_agent_on_active_set(struct lb_agent *a, lb_nodeset active, uint64_t now, struct lb_agent_out *out);

/* The node's router uplink (and with it its routing session) went down or
 * came back; the agent starts with it up.  Used by the isolation rule. */
void lb_agent_set_uplink(struct lb_agent *a, bool up);

/* Timers: restore after W, refresh.  Returns 1 when out asks for a
 * message, 0 when nothing was due. */
int lb_agent_tick(struct lb_agent *a, uint64_t now, struct lb_agent_out *out);

/* Graceful stop: withdraw the route; no more refreshes.  Returns 1. */
int lb_agent_stop(struct lb_agent *a, struct lb_agent_out *out);

/* Next time lb_agent_tick() has work; LB_TIME_NEVER when stopped. */
uint64_t lb_agent_next_deadline(const struct lb_agent *a);

/* The metric currently advertised. */
uint32_t lb_agent_metric(const struct lb_agent *a);
/* true while W runs. */
bool lb_agent_reduced(const struct lb_agent *a);
const struct lb_agent_stats *lb_agent_stats(const struct lb_agent *a);
const char *lb_agent_reason_name(enum lb_agent_reason r);

#ifdef __cplusplus
}
#endif
#endif
