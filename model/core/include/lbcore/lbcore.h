/* lbcore.h - the whole model/core API: the reference steering and ECMP
 * library a real cluster node and router would run.  Pure C11 + libc. */
#ifndef LBCORE_LBCORE_H
#define LBCORE_LBCORE_H
#include "lbcore/lb_version.h" /* generated: the build tree's, or the installed, include/lbcore/ */
#include "lb_types.h"
#include "lb_error.h"
#include "lb_flow.h"
#include "lb_hash.h"
#include "lb_linux_hash.h"
#include "lb_linux_res.h"
#include "lb_owner.h"
#include "lb_session.h"
#include "lb_steer.h"
#include "lb_ecmp.h"
#include "lb_route.h"
#include "lb_member.h"
#include "lb_agent.h"
#include "lb_kind.h"
#include "lb_timer.h"
#include "lb_failure.h"
#include "lb_strategy.h"
#include "lb_router.h"
#include "lb_node.h"
#include "lb_timerq.h"
#endif
