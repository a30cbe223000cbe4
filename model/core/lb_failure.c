/* lb_failure.c - the failure kinds' names and properties; see lb_failure.h. */
#include "lbcore/lb_failure.h"

#include <stddef.h>

LB_KIND_TABLE(lb_failure_kind_table, "failure", LB_FAILURE_KINDS);

static const struct lb_failure_info info[LB_FAILURE_KIND_COUNT] = {
	[LB_FAIL_CRASH] = {LB_FAILURE_USES_NODE, false, "fail", -1},
	[LB_FAIL_RECOVER] = {LB_FAILURE_USES_NODE, true, "recover", LB_FAIL_CRASH},
	[LB_FAIL_LINK_DOWN] = {LB_FAILURE_USES_NODE, false, "link_down", -1},
	[LB_FAIL_LINK_UP] = {LB_FAILURE_USES_NODE, true, "link_up", LB_FAIL_LINK_DOWN},
	[LB_FAIL_BACKPLANE_DOWN] = {LB_FAILURE_USES_NODE, false, "backplane_down", -1},
	[LB_FAIL_BACKPLANE_UP] = {LB_FAILURE_USES_NODE, true, "backplane_up", LB_FAIL_BACKPLANE_DOWN},
	[LB_FAIL_PARTITION] = {LB_FAILURE_USES_NODES, false, "partition", -1},
	[LB_FAIL_LOSSY] = {LB_FAILURE_USES_NODE | LB_FAILURE_USES_LOSS, false, "lossy", -1},
	[LB_FAIL_ROUTER_CRASH] = {LB_FAILURE_USES_ROUTER, false, "router_fail", -1},
	[LB_FAIL_ROUTER_RECOVER] = {LB_FAILURE_USES_ROUTER, true, "router_recover", LB_FAIL_ROUTER_CRASH},
	[LB_FAIL_ROUTER_LINK_DOWN] = {LB_FAILURE_USES_ROUTER | LB_FAILURE_USES_NODE, false, "router_link_down", -1},
	[LB_FAIL_ROUTER_LINK_UP] = {LB_FAILURE_USES_ROUTER | LB_FAILURE_USES_NODE, true, "router_link_up",
				    LB_FAIL_ROUTER_LINK_DOWN},
};

const struct lb_failure_info *lb_failure_info(enum lb_failure_kind k)
{
	return (unsigned)k < LB_FAILURE_KIND_COUNT ? &info[k] : NULL;
}
