/* real_events.c - events.csv of a real repetition, from its raw logs.
 *
 * Sources (testbed.sh writes them; doc/validation.md lists them):
 *   failures.log       "T_BEFORE T_AFTER KIND NODE" per failure made real;
 *                      the event is at T_AFTER (the change is in place then),
 *                      the first failure's at t_fail (analyze.c)
 *   agent-<i>.log*     lbv-agentd's decisions: detect, peer_up, advertise,
 *                      restore, med_set (bgpd accepted the new MED), error
 *   frr/router-bgpd.log  FRR's debug log of the router's bgpd (UTC, us):
 *       "A(host) rcvd UPDATE w/ attr: ... metric M"   -> update_rx (node of A, M)
 *       "sent to neighbor A 4/0 (Hold Timer Expired)" -> hold_expiry (node of A)
 *       "sent to neighbor A ... (Cease/BFD Down)"     -> peer_down (node of A): bgpd
 *                                                        drops the session on BFD's word
 *   frr/n<i>-bgpd.log  node i's bgpd ("debug bgp updates out"):
 *       "uX:sY send UPDATE w/ attr: ... metric M"      -> update_sent (node i, M)
 *   frr/router-bfdd.log  FRR's bfdd (failover = bfd):
 *       "state-change: [... peer:A ...] up -> down"   -> detect by the router (value A)
 *       "Tx route add VRF 0 VIP/32 metric M ... count K" + K "nhop [k]: A" lines,
 *       "Tx route delete VRF 0 VIP/32"                 -> route_change (M, next hops)
 *   route.log          `ip -ts -o monitor route` in the router (UTC, us): every
 *                      kernel change of the VIP's route -> route_installed
 *                      (its next hops; value = the metric of the last
 *                      route_change to that set)
 * A node's address is 10.10.<i>.2 (testbed.sh).  Events of a node between
 * its crash and its recovery are dropped (a frozen node decides nothing; a
 * line there would come from its teardown).  Events outside [0, duration]
 * are dropped, and the list starts with the route the kernel forwards by
 * at T0, as the simulator's starts with its steady state. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "real.h"

G_DEFINE_QUARK(lbv-real-error-quark, real_error)

int real_node_of(const char *addr)
{
	unsigned i, last;
	char tail;
	if (sscanf(addr, "10.10.%u.%u%c", &i, &last, &tail) < 2 || last != 2 || i >= LB_MAX_NODES)
		return -1;
	return (int)i;
}

/* "YYYY?MM?DD?HH:MM:SS.uuuuuu" in UTC (FRR: '/' and ' '; ip: '-' and 'T'). */
static bool parse_utc_us(const char *s, uint64_t *t_ns)
{
	struct tm tm = {0};
	char us[7] = "";
	int n = 0;
	if (sscanf(s, "%4d%*c%2d%*c%2d%*c%2d:%2d:%2d.%6[0-9]%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec, us, &n) != 7 || strlen(us) != 6)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return false;
	*t_ns = (uint64_t)t * 1000000000u + (uint64_t)strtoul(us, NULL, 10) * 1000u;
	return true;
}

static int64_t rel(const struct real_meta *m, uint64_t t_abs)
{
	return (int64_t)(t_abs - m->t0_ns);
}

/* router: REAL_ROUTER for the router's own events, -1 for the others */
static void add(GArray *ev, int64_t t, int node, const char *kind, int64_t value, bool has_set, lb_nodeset set,
		int router)
{
	struct real_event e = {.t_ns = t, .node = node, .kind = kind, .value = value, .has_set = has_set, .set = set,
			       .router = router};
	g_array_append_val(ev, e);
}

static gchar *read_text(const char *raw, const char *name, bool optional, GError **err)
{
	g_autofree gchar *p = g_build_filename(raw, name, NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, optional ? NULL : err))
		return optional ? g_strdup("") : NULL;
	return text;
}

/* Lines "T_BEFORE ..." in time order (each failure appends its own line when done). */
static gint by_number(gconstpointer a, gconstpointer b, gpointer user)
{
	(void)user;
	uint64_t x = g_ascii_strtoull(*(char *const *)a, NULL, 10), y = g_ascii_strtoull(*(char *const *)b, NULL, 10);
	return x < y ? -1 : x > y;
}

gboolean real_failures_load(const char *raw, struct real_meta *m, GError **err)
{
	g_autofree gchar *text = read_text(raw, "failures.log", false, err);
	if (!text)
		return FALSE;
	m->failures = g_array_new(FALSE, FALSE, sizeof(struct real_failure));
	m->t_fail_ns = REAL_NEVER;
	m->failed_node = -1;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	g_qsort_with_data(lines, (gint)g_strv_length(lines), sizeof *lines, by_number, NULL); /* by T_BEFORE */
	for (char **l = lines; *l; l++) {
		uint64_t b, a;
		char kind[32];
		int node;
		if (!**l)
			continue;
		if (sscanf(*l, "%" SCNu64 " %" SCNu64 " %31s %d", &b, &a, kind, &node) != 4)
			goto bad;
		int ki = lb_kind_parse(&lb_failure_kind_table, kind);
		if (ki < 0)
			goto bad;
		struct real_failure f = {.before_ns = rel(m, b), .after_ns = rel(m, a), .t_ns = rel(m, a), .node = node,
					 .kind = (enum lb_failure_kind)ki};
		g_array_append_val(m->failures, f);
		bool is_failure = !lb_failure_info(f.kind)->repair;
		if (is_failure && m->t_fail_ns == REAL_NEVER) {
			m->t_fail_ns = f.after_ns;
			m->fail_begin_ns = f.before_ns;
			m->failed_node = f.node;
		}
		continue;
	bad:
		g_set_error(err, REAL_ERROR, 0, "%s/failures.log: \"%s\": not \"T_BEFORE T_AFTER KIND NODE\"", raw, *l);
		return FALSE;
	}
	return TRUE;
}


/* true while node is crashed (after its crash began, before its recovery). */
static bool frozen(const struct real_meta *m, int node, int64_t t)
{
	bool down = false;
	for (guint i = 0; i < m->failures->len; i++) {
		const struct real_failure *f = &g_array_index(m->failures, struct real_failure, i);
		if (f->node != node)
			continue;
		if (f->kind == LB_FAIL_CRASH && t >= f->before_ns)
			down = true;
		else if (f->kind == LB_FAIL_RECOVER && t >= f->after_ns)
			down = false;
	}
	return down;
}

static lb_nodeset parse_set(const char *s)
{
	lb_nodeset set = 0;
	if (strcmp(s, "-") == 0)
		return 0;
	g_auto(GStrv) ids = g_strsplit(s, ";", -1);
	for (char **id = ids; *id; id++)
		if (**id)
			set |= lb_nodeset_bit((unsigned)strtoul(*id, NULL, 10));
	return set;
}

static gboolean load_agent_log(const char *raw, const char *name, int node, const struct real_meta *m, GArray *ev,
			       GError **err)
{
	g_autofree gchar *text = read_text(raw, name, false, err);
	if (!text)
		return FALSE;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		uint64_t t;
		char what[32], value[32], set[512];
		if (!**l)
			continue;
		if (sscanf(*l, "%" SCNu64 " %31s %31s %511s", &t, what, value, set) != 4) {
			g_set_error(err, REAL_ERROR, 0, "%s/%s: \"%s\": not \"T EVENT VALUE SET\"", raw, name, *l);
			return FALSE;
		}
		int64_t tr = rel(m, t), v = strcmp(value, "-") == 0 ? -1 : strtoll(value, NULL, 10);
		if (frozen(m, node, tr))
			continue;
		static const char *const kinds[] = {"detect", "peer_up", "advertise", "restore", "med_set"};
		for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++)
			if (strcmp(what, kinds[k]) == 0)
				add(ev, tr, node, kinds[k], v, k < 2, parse_set(set), -1);
		if (strcmp(what, "error") == 0)
			add(ev, tr, node, "agent_error", v, false, 0, -1);
	}
	return TRUE;
}

static gboolean load_agents(const char *raw, const struct real_meta *m, GArray *ev, GError **err)
{
	g_autoptr(GDir) dir = g_dir_open(raw, 0, err);
	if (!dir)
		return FALSE;
	const char *name;
	while ((name = g_dir_read_name(dir))) {
		unsigned node;
		int n = 0;
		if (sscanf(name, "agent-%u.log%n", &node, &n) == 1 && n > 0 && (name[n] == '\0' || name[n] == '.') &&
		    !load_agent_log(raw, name, (int)node, m, ev, err))
			return FALSE;
	}
	return TRUE;
}

/* The router's bgpd debug log (see the file comment). */
static void load_bgpd(const char *text, const char *vip, const struct real_meta *m, GArray *ev)
{
	g_autofree gchar *add_prefix = g_strdup_printf("Tx route add VRF 0 %s/32 ", vip);
	g_autofree gchar *del_prefix = g_strdup_printf("Tx route delete VRF 0 %s/32", vip);
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		uint64_t t;
		if (!parse_utc_us(*l, &t))
			continue;
		int64_t tr = rel(m, t);
		const char *s;
		char addr[64];
		unsigned metric, count;
		if ((s = strstr(*l, " rcvd UPDATE w/ attr: "))) {
			/* the neighbour is the token before " rcvd", "A(host)" */
			const char *end = s;
			const char *start = end;
			while (start > *l && start[-1] != ' ')
				start--;
			g_strlcpy(addr, start, MIN(sizeof addr, (size_t)(end - start) + 1));
			char *paren = strchr(addr, '(');
			if (paren)
				*paren = '\0';
			const char *mm = strstr(s, " metric ");
			add(ev, tr, real_node_of(addr), "update_rx", mm ? strtoll(mm + 8, NULL, 10) : -1, false, 0,
			    REAL_ROUTER);
		} else if ((s = strstr(*l, "sent to neighbor ")) && sscanf(s, "sent to neighbor %63s", addr) == 1) {
			if (strstr(s, "(Hold Timer Expired)"))
				add(ev, tr, real_node_of(addr), "hold_expiry", -1, false, 0, REAL_ROUTER);
			else if (strstr(s, "(Cease/BFD Down)"))
				add(ev, tr, real_node_of(addr), "peer_down", -1, false, 0, REAL_ROUTER);
		} else if ((s = strstr(*l, add_prefix)) &&
			   sscanf(s + strlen(add_prefix), "metric %u tag %*u count %u", &metric, &count) == 2) {
			lb_nodeset set = 0;
			for (unsigned k = 0; k < count && l[1]; k++) {
				const char *nh = strstr(l[1], "nhop [");
				if (!nh || sscanf(nh, "nhop [%*u]: %63s", addr) != 1)
					break;
				int id = real_node_of(addr);
				if (id >= 0)
					set |= lb_nodeset_bit((unsigned)id);
				l++;
			}
			add(ev, tr, -1, "route_change", set ? (int64_t)metric : -1, true, set, REAL_ROUTER);
		} else if (strstr(*l, del_prefix)) {
			add(ev, tr, -1, "route_change", -1, true, 0, REAL_ROUTER);
		}
	}
}

/* A node's bgpd debug log ("debug bgp updates out"): each UPDATE it sends
 * with the VIP's attributes, "uX:sY send UPDATE w/ attr: ..., metric M, ..."
 * -> update_sent (node, M): where the node's advertising path ends. */
static void load_node_bgpd(const char *text, int node, const struct real_meta *m, GArray *ev)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		uint64_t t;
		const char *s = strstr(*l, " send UPDATE w/ attr: ");
		if (!s || !parse_utc_us(*l, &t))
			continue;
		int64_t tr = rel(m, t);
		if (frozen(m, node, tr))
			continue;
		const char *mm = strstr(s, " metric ");
		add(ev, tr, node, "update_sent", mm ? strtoll(mm + 8, NULL, 10) : -1, false, 0, -1);
	}
}

/* The router's bfdd log: a session going down is the router's detection. */
static void load_bfdd(const char *text, const struct real_meta *m, GArray *ev)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		uint64_t t;
		const char *s = strstr(*l, " peer:");
		char addr[64];
		if (parse_utc_us(*l, &t) && strstr(*l, "state-change:") && strstr(*l, "up -> down") && s &&
		    sscanf(s, " peer:%63[0-9.]", addr) == 1)
			add(ev, rel(m, t), -1, "detect", real_node_of(addr), false, 0, REAL_ROUTER);
	}
}

/* `ip -ts -o monitor route` lines about the VIP: "[TIME] [Deleted ]VIP ...". */
static void load_routes(const char *text, const char *vip, const struct real_meta *m, GArray *ev,
			lb_nodeset *at_t0, bool *seen_before_t0)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		uint64_t t;
		if ((*l)[0] != '[' || !parse_utc_us(*l + 1, &t))
			continue;
		const char *s = strchr(*l, ']');
		if (!s)
			continue;
		s++;
		while (*s == ' ')
			s++;
		bool deleted = g_str_has_prefix(s, "Deleted ");
		if (deleted)
			s += 8;
		size_t vl = strlen(vip);
		if (strncmp(s, vip, vl) != 0 || (s[vl] != ' ' && s[vl] != '/'))
			continue;
		lb_nodeset set = 0;
		for (const char *v = s; !deleted && (v = strstr(v, "via ")); v += 4) {
			char addr[64];
			int id;
			if (sscanf(v, "via %63s", addr) == 1 && (id = real_node_of(addr)) >= 0)
				set |= lb_nodeset_bit((unsigned)id);
		}
		int64_t tr = rel(m, t);
		if (tr < 0) {
			*at_t0 = set;
			*seen_before_t0 = true;
		} else {
			add(ev, tr, -1, "route_installed", -1, true, set, REAL_ROUTER);
		}
	}
}

static gint by_time(gconstpointer a, gconstpointer b)
{
	const struct real_event *x = a, *y = b;
	return x->t_ns < y->t_ns ? -1 : x->t_ns > y->t_ns;
}

GArray *real_events_load(const char *raw, const struct scenario *sc, const struct real_meta *m, GError **err)
{
	g_autoptr(GArray) ev = g_array_new(FALSE, FALSE, sizeof(struct real_event));
	char vip[64];
	g_autofree gchar *bgpd = read_text(raw, "frr/router-bgpd.log", false, err);
	g_autofree gchar *routes = bgpd ? read_text(raw, "route.log", false, err) : NULL;
	if (!routes || !load_agents(raw, m, ev, err))
		return NULL;
	snprintf(vip, sizeof vip, "%u.%u.%u.%u", sc->vip[0], sc->vip[1], sc->vip[2], sc->vip[3]);
	for (guint i = 0; i < m->failures->len; i++) {
		const struct real_failure *f = &g_array_index(m->failures, struct real_failure, i);
		add(ev, f->t_ns, f->node, lb_failure_info(f->kind)->event, -1, false, 0, -1);
	}
	load_bgpd(bgpd, vip, m, ev);
	for (unsigned i = 0; i < sc->nodes; i++) {
		g_autofree gchar *name = g_strdup_printf("frr/n%u-bgpd.log", i);
		g_autofree gchar *text = read_text(raw, name, true, NULL);
		load_node_bgpd(text, (int)i, m, ev);
	}
	g_autofree gchar *bfdd = read_text(raw, "frr/router-bfdd.log", true, NULL);
	load_bfdd(bfdd, m, ev);
	lb_nodeset at_t0 = 0;
	bool seen = false;
	load_routes(routes, vip, m, ev, &at_t0, &seen);
	/* stable: same-time events keep their source order */
	g_array_sort(ev, by_time);
	GArray *out = g_array_new(FALSE, FALSE, sizeof(struct real_event));
	if (seen)
		add(out, 0, -1, "route_installed", at_t0 ? (int64_t)sc->base_metric : -1, true, at_t0, REAL_ROUTER);
	int64_t last_metric[2] = {-1, 0}; /* metric, set of the last route_change */
	for (guint i = 0; i < ev->len; i++) {
		struct real_event e = g_array_index(ev, struct real_event, i);
		if (strcmp(e.kind, "route_change") == 0) {
			last_metric[0] = e.value;
			last_metric[1] = (int64_t)e.set;
		} else if (strcmp(e.kind, "route_installed") == 0 && e.set && (int64_t)e.set == last_metric[1]) {
			e.value = last_metric[0];
		}
		if (e.t_ns < 0 || e.t_ns > (int64_t)sc->duration_ns)
			continue;
		g_array_append_val(out, e);
	}
	return out;
}
