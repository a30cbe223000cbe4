/* lb_agent.c - the re-advertisement state machine of US 8,972,602; see lb_agent.h. */
#include <errno.h>
#include <stdlib.h>

#include "lbcore/lb_agent.h"

LB_KIND_TABLE(lb_isolation_table, "isolation rule", LB_ISOLATION_KINDS);

struct lb_agent {
	struct lb_agent_params p;
	bool running;
	bool uplink_up;
	uint32_t metric;
	lb_nodeset view;
	uint64_t restore_at; /* LB_TIME_NEVER unless W runs */
	uint64_t refresh_at;
	struct lb_agent_stats stats;
};

struct lb_agent *lb_agent_create(const struct lb_agent_params *p)
{
	if (!p || p->base_metric == 0 || p->refresh_ns == 0 || p->self >= LB_MAX_NODES ||
	    (unsigned)p->isolation >= LB_ISOLATION_KIND_COUNT)
		return NULL;
	struct lb_agent *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->p = *p;
	a->uplink_up = true;
	a->metric = p->base_metric;
	a->restore_at = a->refresh_at = LB_TIME_NEVER;
	return a;
}

void lb_agent_free(struct lb_agent *a)
{
	free(a);
}

static uint64_t add_sat(uint64_t t, uint64_t d)
{
	return t > UINT64_MAX - d ? LB_TIME_NEVER : t + d;
}

static int emit(struct lb_agent *a, uint64_t now, enum lb_agent_reason why, struct lb_agent_out *out)
{
	out->advertise = true;
	out->withdraw = false;
	out->metric = a->metric;
	out->reason = why;
	a->stats.advertisements++;
	a->refresh_at = add_sat(now, a->p.refresh_ns);
	return 1;
}

static int nothing(enum lb_agent_reason why, struct lb_agent_out *out)
{
	*out = (struct lb_agent_out){.reason = why};
	return 0;
}

int lb_agent_start(struct lb_agent *a, lb_nodeset active, uint64_t now, struct lb_agent_out *out)
{
	a->running = true;
	a->metric = a->p.base_metric;
	a->view = active;
	a->restore_at = LB_TIME_NEVER;
	emit(a, now, LB_AGENT_START, out);
	if (a->p.first_refresh_ns)
		a->refresh_at = add_sat(now, a->p.first_refresh_ns);
	return 1;
}

/* metric - d, clamped to 1 (metric 0 is not valid for the router). */
static uint32_t reduced(struct lb_agent *a, uint32_t metric)
{
	if (a->p.reduction >= metric) {
		a->stats.clamped++;
		return 1;
	}
	return metric - a->p.reduction;
}

int lb_agent_on_active_set(struct lb_agent *a, lb_nodeset active, uint64_t now, struct lb_agent_out *out)
{
	if (!lb_nodeset_has(active, a->p.self))
		return -EINVAL;
	if (!a->running)
		return -EPERM;
	lb_nodeset prev = a->view;
	a->view = active;
	if (!lb_nodeset_strict_subset(active, prev) || a->p.reduction == 0)
		return nothing(LB_AGENT_NONE, out);
	if (active == lb_nodeset_bit(a->p.self) && (a->p.isolation == LB_ISOLATION_PEERS_ONLY || !a->uplink_up)) {
		/* Isolated: never claim the VIP more strongly. */
		a->stats.isolated++;
		if (a->restore_at == LB_TIME_NEVER && a->metric == a->p.base_metric)
			return nothing(LB_AGENT_ISOLATED, out);
		a->restore_at = LB_TIME_NEVER;
		a->metric = a->p.base_metric;
		return emit(a, now, LB_AGENT_ISOLATED, out);
	}
	bool in_wait = a->restore_at != LB_TIME_NEVER;
	a->restore_at = add_sat(now, a->p.restore_wait_ns);
	if (in_wait && !a->p.reduce_again) {
		a->stats.rearms++;
		return nothing(LB_AGENT_REARM, out);
	}
	if (in_wait)
		a->stats.rearms++;
	uint32_t m = reduced(a, a->metric);
	if (m == a->metric) /* already at 1 */
		return nothing(LB_AGENT_REARM, out);
	a->stats.reductions++;
	a->metric = m;
	return emit(a, now, LB_AGENT_REDUCE, out);
}

void lb_agent_set_uplink(struct lb_agent *a, bool up)
{
	a->uplink_up = up;
}

int lb_agent_tick(struct lb_agent *a, uint64_t now, struct lb_agent_out *out)
{
	if (!a->running)
		return nothing(LB_AGENT_NONE, out);
	if (now >= a->restore_at) {
		a->restore_at = LB_TIME_NEVER;
		a->metric = a->p.base_metric;
		a->stats.restores++;
		return emit(a, now, LB_AGENT_RESTORE, out);
	}
	if (now >= a->refresh_at)
		return emit(a, now, LB_AGENT_REFRESH, out);
	return nothing(LB_AGENT_NONE, out);
}

int lb_agent_stop(struct lb_agent *a, struct lb_agent_out *out)
{
	a->running = false;
	a->restore_at = a->refresh_at = LB_TIME_NEVER;
	*out = (struct lb_agent_out){.withdraw = true, .reason = LB_AGENT_WITHDRAW};
	return 1;
}

uint64_t lb_agent_next_deadline(const struct lb_agent *a)
{
	if (!a->running)
		return LB_TIME_NEVER;
	return a->restore_at < a->refresh_at ? a->restore_at : a->refresh_at;
}

uint32_t lb_agent_metric(const struct lb_agent *a)
{
	return a->metric;
}

bool lb_agent_reduced(const struct lb_agent *a)
{
	return a->restore_at != LB_TIME_NEVER;
}

const struct lb_agent_stats *lb_agent_stats(const struct lb_agent *a)
{
	return &a->stats;
}

const char *lb_agent_reason_name(enum lb_agent_reason r)
{
	static const char *const names[] = {"none", "start", "refresh", "reduce",
					    "rearm", "restore", "isolated", "withdraw"};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}
