/* lb_failure.h - the kinds of failure (and repair) a scenario can schedule.
 *
 * The core does not apply failures (the simulator and the testbed do); the
 * list lives here so that every program takes the kinds, their names and
 * what each needs from one place.  lb_failure_info() says which keys a kind
 * uses, whether it breaks or repairs something, and the name of its row in
 * events.csv. */
#ifndef LBCORE_LB_FAILURE_H
#define LBCORE_LB_FAILURE_H

#include <stdbool.h>

#include "lb_kind.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_FAILURE_KINDS(X)                                                                                   \
	X(LB_FAIL_CRASH, "crash", "the node stops at once and silently: its links stay up, its state is lost")   \
	X(LB_FAIL_RECOVER, "recover", "a crashed node starts afresh (no sessions, no flow state)")                 \
	X(LB_FAIL_LINK_DOWN, "link-down", "the node's router link goes down (carrier loss, seen at once)")         \
	X(LB_FAIL_LINK_UP, "link-up", "the node's router link comes back")                                        \
	X(LB_FAIL_BACKPLANE_DOWN, "backplane-down", "the node's backplane link goes down")                        \
	X(LB_FAIL_BACKPLANE_UP, "backplane-up", "the node's backplane link comes back")                           \
	X(LB_FAIL_PARTITION, "partition", "the backplane splits: the listed nodes are cut off from the rest")     \
	X(LB_FAIL_LOSSY, "lossy", "the node's router link loses each packet with probability loss")              \
	X(LB_FAIL_ROUTER_CRASH, "router-crash", "the router stops at once and silently; its state is lost")       \
	X(LB_FAIL_ROUTER_RECOVER, "router-recover", "a crashed router starts afresh: no routes until the nodes advertise") \
	X(LB_FAIL_ROUTER_LINK_DOWN, "router-link-down", "the link between router K and node N goes down (carrier loss)") \
	X(LB_FAIL_ROUTER_LINK_UP, "router-link-up", "the link between router K and node N comes back")
enum lb_failure_kind { LB_FAILURE_KINDS(LB_KIND_ENUM) };
#define LB_FAILURE_KIND_COUNT (0 LB_FAILURE_KINDS(LB_KIND_ONE))
extern const struct lb_kind_table lb_failure_kind_table;

/* The keys of a [failure.K] group a kind uses (besides at and kind). */
enum lb_failure_uses {
	LB_FAILURE_USES_NODE = 1 << 0,  /* node = ID */
	LB_FAILURE_USES_NODES = 1 << 1, /* nodes = ID;ID;... */
	LB_FAILURE_USES_LOSS = 1 << 2,  /* loss = P */
	LB_FAILURE_USES_ROUTER = 1 << 3, /* router = K */
};

struct lb_failure_info {
	unsigned uses;     /* enum lb_failure_uses bits */
	bool repair;       /* true: it undoes a failure (recover, link-up, ...) */
	const char *event; /* its name in events.csv: "fail", "recover", "link_down", ... */
	int repairs;       /* repair kinds: the failure kind it undoes; -1 otherwise */
};

/* NULL for an unknown kind. */
const struct lb_failure_info *lb_failure_info(enum lb_failure_kind k);

#ifdef __cplusplus
}
#endif
#endif
