/* scenario.c - scenario files -> validated parameters.
 *
 * How a file is read (doc/scenario.md is the user's page):
 *   1. the text is read and inline comments are cut: a '#' at the start of a
 *      line or after a blank runs to the end of the line (group header lines
 *      included); ';' is kept, it separates list items;
 *   2. GKeyFile parses the rest (G_KEY_FILE_NONE);
 *   3. overrides "group.key=value" are set into the same key file, and the
 *      (group, key) pairs they touch are remembered so that errors about them
 *      name "--set" instead of the file;
 *   4. every group and key is checked against the table `keys` below (unknown
 *      group or key: error), then every key of the table is parsed: a key that
 *      is absent takes its default, which is parsed from text by the same code
 *      (so a default can never escape validation);
 *   5. [failure.K] groups are parsed in K order and stably sorted by time;
 *   6. cross-key checks and warnings;
 *   7. each [sweep] value is validated by loading the scenario again with that
 *      one value as an extra override (steps 2-6 on the same text).
 *
 * Every error message has the form  FILE: [GROUP] KEY = "VALUE": REASON.
 */
#define _POSIX_C_SOURCE 200809L
#include "scenario.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

#define OVERRIDE_FILE "--set"
#define DEFAULT_VIP4 "203.0.113.10"
#define DEFAULT_VIP6 "2001:db8::10"
#define MAX_NODES 64u
#define MAGLEV_MAX 10000019u

/* ------------------------------------------------------------------ */
/* Key table                                                           */

enum ktype {
	K_STR,     /* free text (name, output.dir) */
	K_ENUM,    /* one of choices, stored as a string */
	K_DUR,     /* duration with unit -> uint64 ns */
	K_RATE,    /* rate with unit -> uint64 bps */
	K_UINT,    /* plain decimal integer, min..max, stored in size bytes */
	K_SEED,    /* decimal or 0x hex integer, 0..max, stored in size bytes */
	K_BOOL,    /* on | off | true | false */
	K_DBL,     /* decimal number >= min (> min when excl) */
	K_VIP,     /* IPv4 or IPv6 address */
	K_IPVER,   /* 4 | 6 */
	K_PROTO,   /* tcp | udp */
	K_FLOWDUR, /* fixed:DUR | exp:DUR | pareto:DUR:SHAPE */
};

struct keydef {
	const char *group;
	const char *key;
	enum ktype type;
	size_t off;
	size_t size;
	const char *def; /* default as file text; NULL: computed (name, output.dir) */
	uint64_t min, max;
	const char *const *choices; /* K_ENUM, NULL-terminated */
	bool hex;                   /* K_SEED: describe prints hex */
	bool excl;                  /* K_DBL: min is exclusive */
};

#define F(field) offsetof(struct scenario, field), sizeof(((struct scenario *)0)->field)

static const char *const owner_hashes[] = {"modulo", "rendezvous", "maglev", NULL};
static const char *const hashes[] = {"crc32c", "toeplitz", "fast", NULL};
static const char *const ecmps[] = {"modulo", "hash-threshold", "resilient", NULL};
static const char *const failovers[] = {"hold", "bfd", "readvertise", NULL};
static const char *const schedulers[] = {"map", "heap", "calendar", "list", "priority-queue", NULL};

/* The defaults are the values of scenario-reference.ini. */
static const struct keydef keys[] = {
	{"scenario", "name", K_STR, F(name), NULL, 0, 0, NULL, false, false},
	{"scenario", "duration", K_DUR, F(duration_ns), "12s", 1, UINT64_MAX, NULL, false, false},
	{"scenario", "seed", K_SEED, F(seed), "1", 0, UINT64_MAX, NULL, false, false},
	{"scenario", "replications", K_UINT, F(replications), "1", 1, UINT32_MAX, NULL, false, false},
	{"scenario", "bin", K_DUR, F(bin_ns), "10ms", 1, UINT64_MAX, NULL, false, false},
	{"scenario", "scheduler", K_ENUM, F(scheduler), "priority-queue", 0, 0, schedulers, false, false},

	{"cluster", "nodes", K_UINT, F(nodes), "4", 1, MAX_NODES, NULL, false, false},
	{"cluster", "vip", K_VIP, F(vip), DEFAULT_VIP4, 0, 0, NULL, false, false},
	{"cluster", "base_metric", K_UINT, F(base_metric), "10", 1, UINT32_MAX, NULL, false, false},
	{"cluster", "metric_reduction", K_UINT, F(metric_reduction), "1", 0, UINT32_MAX, NULL, false, false},
	{"cluster", "restore_wait", K_DUR, F(restore_wait_ns), "40s", 0, UINT64_MAX, NULL, false, false},
	{"cluster", "heartbeat_interval", K_DUR, F(heartbeat_interval_ns), "100ms", 1, UINT64_MAX, NULL, false,
	 false},
	{"cluster", "heartbeat_misses", K_UINT, F(heartbeat_misses), "3", 1, UINT32_MAX, NULL, false, false},
	{"cluster", "owner_hash", K_ENUM, F(owner_hash), "modulo", 0, 0, owner_hashes, false, false},
	{"cluster", "maglev_table_size", K_UINT, F(maglev_table_size), "65537", 2, MAGLEV_MAX, NULL, false, false},
	{"cluster", "steering", K_BOOL, F(steering), "on", 0, 0, NULL, false, false},
	{"cluster", "session_cache", K_BOOL, F(session_cache), "on", 0, 0, NULL, false, false},
	{"cluster", "session_capacity", K_UINT, F(session_capacity), "1000000", 1, UINT32_MAX, NULL, false, false},
	{"cluster", "session_idle_timeout", K_DUR, F(session_idle_timeout_ns), "120s", 1, UINT64_MAX, NULL, false,
	 false},
	{"cluster", "flow_hash", K_ENUM, F(flow_hash), "crc32c", 0, 0, hashes, false, false},
	{"cluster", "flow_hash_seed", K_SEED, F(flow_hash_seed), "0x5eed", 0, UINT32_MAX, NULL, true, false},

	{"router", "ecmp", K_ENUM, F(ecmp), "hash-threshold", 0, 0, ecmps, false, false},
	{"router", "ecmp_hash", K_ENUM, F(ecmp_hash), "toeplitz", 0, 0, hashes, false, false},
	{"router", "ecmp_hash_seed", K_SEED, F(ecmp_hash_seed), "0x1", 0, UINT32_MAX, NULL, true, false},
	{"router", "resilient_buckets", K_UINT, F(resilient_buckets), "128", 0, UINT32_MAX, NULL, false, false},
	{"router", "resilient_idle_timer", K_DUR, F(resilient_idle_timer_ns), "1s", 0, UINT64_MAX, NULL, false,
	 false},
	{"router", "refresh_interval", K_DUR, F(refresh_interval_ns), "10s", 1, UINT64_MAX, NULL, false, false},
	{"router", "hold_time", K_DUR, F(hold_time_ns), "40s", 1, UINT64_MAX, NULL, false, false},
	{"router", "processing_delay", K_DUR, F(processing_delay_ns), "1ms", 0, UINT64_MAX, NULL, false, false},
	{"router", "fib_install_delay", K_DUR, F(fib_install_delay_ns), "50ms", 0, UINT64_MAX, NULL, false, false},
	{"router", "failover", K_ENUM, F(failover), "readvertise", 0, 0, failovers, false, false},
	{"router", "bfd_interval", K_DUR, F(bfd_interval_ns), "50ms", 1, UINT64_MAX, NULL, false, false},
	{"router", "bfd_multiplier", K_UINT, F(bfd_multiplier), "3", 1, UINT32_MAX, NULL, false, false},

	{"links", "uplink_rate", K_RATE, F(uplink_rate_bps), "10Gbps", 1, UINT64_MAX, NULL, false, false},
	{"links", "uplink_delay", K_DUR, F(uplink_delay_ns), "5us", 0, UINT64_MAX, NULL, false, false},
	{"links", "uplink_queue", K_UINT, F(uplink_queue), "1000", 1, UINT32_MAX, NULL, false, false},
	{"links", "backplane_rate", K_RATE, F(backplane_rate_bps), "10Gbps", 1, UINT64_MAX, NULL, false, false},
	{"links", "backplane_delay", K_DUR, F(backplane_delay_ns), "2us", 0, UINT64_MAX, NULL, false, false},
	{"links", "backplane_queue", K_UINT, F(backplane_queue), "1000", 1, UINT32_MAX, NULL, false, false},
	{"links", "server_rate", K_RATE, F(server_rate_bps), "10Gbps", 1, UINT64_MAX, NULL, false, false},
	{"links", "server_delay", K_DUR, F(server_delay_ns), "5us", 0, UINT64_MAX, NULL, false, false},
	{"links", "client_rate", K_RATE, F(client_rate_bps), "100Gbps", 1, UINT64_MAX, NULL, false, false},
	{"links", "client_delay", K_DUR, F(client_delay_ns), "20us", 0, UINT64_MAX, NULL, false, false},

	{"traffic", "clients", K_UINT, F(clients), "16", 1, 65535, NULL, false, false},
	{"traffic", "ip_version", K_IPVER, F(ip_version), "4", 0, 0, NULL, false, false},
	{"traffic", "protocol", K_PROTO, F(protocol), "tcp", 0, 0, NULL, false, false},
	{"traffic", "flow_arrival_rate", K_DBL, F(flow_arrival_rate), "2000", 0, 0, NULL, false, false},
	{"traffic", "flow_duration", K_FLOWDUR, F(flow_duration_dist), "exp:5s", 0, 0, NULL, false, false},
	{"traffic", "initial_flows", K_UINT, F(initial_flows), "10000", 0, UINT32_MAX, NULL, false, false},
	{"traffic", "packet_rate", K_DBL, F(packet_rate), "50", 0, 0, NULL, false, true},
	{"traffic", "packet_size", K_UINT, F(packet_size), "1000", 64, 9000, NULL, false, false},

	{"output", "dir", K_STR, F(output_dir), NULL, 0, 0, NULL, false, false},
	{"output", "flows", K_BOOL, F(flows), "off", 0, 0, NULL, false, false},
	{"output", "pcap", K_BOOL, F(pcap), "off", 0, 0, NULL, false, false},
};
#define N_KEYS (sizeof keys / sizeof keys[0])

static const char *const plain_groups[] = {"scenario", "cluster", "router", "links", "traffic", "output", NULL};
static const char *const failure_keys[] = {"at", "kind", "node", "loss", "nodes", NULL};
static const char *const failure_kinds[] = {"crash",          "recover",      "link-down", "link-up",
					    "backplane-down", "backplane-up", "partition", "lossy", NULL};
static const char *const dist_names[] = {"fixed", "exp", "pareto", NULL};

const char *scenario_failure_kind_name(enum scenario_failure_kind k)
{
	g_return_val_if_fail((unsigned)k < G_N_ELEMENTS(failure_kinds) - 1, "?");
	return failure_kinds[k];
}

const char *scenario_dist_name(enum scenario_dist d)
{
	g_return_val_if_fail((unsigned)d < G_N_ELEMENTS(dist_names) - 1, "?");
	return dist_names[d];
}

static int str_index(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	return -1;
}

static gchar *join_choices(const char *const *list)
{
	return g_strjoinv(" | ", (gchar **)list);
}

static const struct keydef *find_key(const char *group, const char *key)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].group, group) == 0 && strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

/* "failure.K", K a positive decimal integer without leading zeros; *k = K. */
static bool is_failure_group(const char *group, uint64_t *k)
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

static bool group_known(const char *group)
{
	return str_index(plain_groups, group) >= 0 || strcmp(group, "sweep") == 0 || is_failure_group(group, NULL);
}

/* Whether group.key names a parameter (the sweep and override key space). */
static bool key_known(const char *group, const char *key)
{
	if (is_failure_group(group, NULL))
		return str_index(failure_keys, key) >= 0;
	return find_key(group, key) != NULL;
}

/* ------------------------------------------------------------------ */
/* Value parsers: each returns NULL on success or a newly allocated reason. */

/* Unsigned decimal "I[.F]" followed by a unit from units[] (multipliers
 * mult[]); the result must be a whole number of base units. */
static gchar *parse_scaled(const char *s, const char *const *units, const uint64_t *mult, const char *what,
			   const char *example, const char *base, uint64_t *out)
{
	const char *p = s;
	uint64_t ip = 0;
	bool digits = false;
	bool overflow = false;
	for (; *p >= '0' && *p <= '9'; p++) {
		digits = true;
		if (ip > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			ip = ip * 10 + (uint64_t)(*p - '0');
	}
	const char *frac = NULL;
	size_t nfrac = 0;
	if (*p == '.') {
		frac = ++p;
		for (; *p >= '0' && *p <= '9'; p++)
			nfrac++;
		digits = digits || nfrac > 0;
	}
	if (!digits)
		return g_strdup_printf("not a %s (expected e.g. %s)", what, example);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return g_strdup_printf("missing unit (expected e.g. %s)", example);
	int u = str_index(units, p);
	if (u < 0) {
		g_autofree gchar *list = g_strjoinv(", ", (gchar **)units);
		return g_strdup_printf("unknown unit \"%s\" (expected one of %s)", p, list);
	}
	uint64_t m = mult[u];
	if (overflow || (m && ip > UINT64_MAX / m))
		return g_strdup_printf("%s is too large", what);
	uint64_t v = ip * m;
	/* fraction: sum of digit * m / 10^i must be exact */
	uint64_t scale = m;
	for (size_t i = 0; i < nfrac; i++) {
		unsigned d = (unsigned)(frac[i] - '0');
		if (d == 0) {
			scale /= 10;
			continue;
		}
		if (scale % 10 != 0)
			return g_strdup_printf("not a whole number of %s", base);
		scale /= 10;
		uint64_t add = d * scale;
		if (v > UINT64_MAX - add)
			return g_strdup_printf("%s is too large", what);
		v += add;
	}
	*out = v;
	return NULL;
}

static const char *const dur_units[] = {"ns", "us", "ms", "s", NULL};
static const uint64_t dur_mult[] = {1, 1000, 1000000, 1000000000};
static const char *const rate_units[] = {"bps", "Kbps", "Mbps", "Gbps", NULL};
static const uint64_t rate_mult[] = {1, 1000, 1000000, 1000000000};

static gchar *parse_duration(const char *s, uint64_t *out)
{
	return parse_scaled(s, dur_units, dur_mult, "duration", "40s, 250ms", "nanoseconds", out);
}

static gchar *parse_rate(const char *s, uint64_t *out)
{
	return parse_scaled(s, rate_units, rate_mult, "rate", "10Gbps, 100Mbps", "bps", out);
}

/* Shortest exact unit: 40s, 100ms, 5us, 7ns; 0 is "0s". */
static void append_scaled(GString *g, uint64_t v, const char *const *units, const uint64_t *mult, int n)
{
	for (int i = n - 1; i > 0; i--) {
		if (v % mult[i] == 0) {
			g_string_append_printf(g, "%" PRIu64 "%s", v / mult[i], units[i]);
			return;
		}
	}
	g_string_append_printf(g, "%" PRIu64 "%s", v, units[0]);
}

static void append_duration(GString *g, uint64_t ns)
{
	append_scaled(g, ns, dur_units, dur_mult, 4);
}

static gchar *fmt_duration(uint64_t ns)
{
	GString *g = g_string_new(NULL);
	append_duration(g, ns);
	return g_string_free(g, FALSE);
}

static void append_rate(GString *g, uint64_t bps)
{
	append_scaled(g, bps, rate_units, rate_mult, 4);
}

static gchar *parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;
	const char *p = s;
	if (*p == '\0')
		return g_strdup("not an integer");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return g_strdup("not an integer");
		if (v > (UINT64_MAX - 9) / 10)
			overflow = true;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (overflow || v < min || v > max) {
		if (max == UINT64_MAX || max == UINT32_MAX)
			return g_strdup_printf("must be at least %" PRIu64, min);
		return g_strdup_printf("must be in %" PRIu64 "..%" PRIu64, min, max);
	}
	*out = v;
	return NULL;
}

static gchar *parse_seed(const char *s, uint64_t max, uint64_t *out)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		const char *p = s + 2;
		uint64_t v = 0;
		if (!*p)
			return g_strdup("not a seed (expected a decimal or 0x hex integer)");
		for (; *p; p++) {
			int d = g_ascii_xdigit_value(*p);
			if (d < 0)
				return g_strdup("not a seed (expected a decimal or 0x hex integer)");
			if (v > (UINT64_MAX >> 4))
				return g_strdup_printf("must be at most 0x%" PRIx64, max);
			v = (v << 4) | (uint64_t)d;
		}
		if (v > max)
			return g_strdup_printf("must be at most 0x%" PRIx64, max);
		*out = v;
		return NULL;
	}
	gchar *r = parse_uint(s, 0, max, out);
	if (r) {
		g_free(r);
		for (const char *p = s; *p; p++)
			if (*p < '0' || *p > '9')
				return g_strdup("not a seed (expected a decimal or 0x hex integer)");
		return g_strdup_printf("must be at most %" PRIu64, max);
	}
	return NULL;
}

static gchar *parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "on") == 0 || strcmp(s, "true") == 0) {
		*out = true;
		return NULL;
	}
	if (strcmp(s, "off") == 0 || strcmp(s, "false") == 0) {
		*out = false;
		return NULL;
	}
	return g_strdup("not one of on | off");
}

static gchar *parse_double(const char *s, double *out)
{
	char *end = NULL;
	if (!*s || g_ascii_isspace(*s))
		return g_strdup("not a number");
	double v = g_ascii_strtod(s, &end);
	if (end == s || *end != '\0' || !isfinite(v))
		return g_strdup("not a number");
	*out = v;
	return NULL;
}

/* Shortest text that reads back as the same double. */
static void append_double(GString *g, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	char fmt[8];
	for (int prec = 1; prec <= 17; prec++) {
		g_snprintf(fmt, sizeof fmt, "%%.%dg", prec);
		g_ascii_formatd(buf, sizeof buf, fmt, v);
		if (g_ascii_strtod(buf, NULL) == v)
			break;
	}
	g_string_append(g, buf);
}

static gchar *parse_vip(const char *s, uint8_t vip[16], int *family)
{
	uint8_t buf[16] = {0};
	if (inet_pton(AF_INET, s, buf) == 1) {
		memcpy(vip, buf, 16);
		*family = 4;
		return NULL;
	}
	if (inet_pton(AF_INET6, s, buf) == 1) {
		memcpy(vip, buf, 16);
		*family = 6;
		return NULL;
	}
	return g_strdup("not an IPv4 or IPv6 address");
}

static void append_vip(GString *g, const uint8_t vip[16], int family)
{
	char buf[INET6_ADDRSTRLEN];
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, vip, buf, sizeof buf))
		g_strlcpy(buf, "?", sizeof buf);
	g_string_append(g, buf);
}

static gchar *parse_flowdur(const char *s, enum scenario_dist *dist, uint64_t *mean, double *shape)
{
	static const char *const expect = "expected fixed:5s, exp:5s or pareto:5s:1.5";
	g_auto(GStrv) parts = g_strsplit(s, ":", -1);
	guint n = g_strv_length(parts);
	int d = n ? str_index(dist_names, parts[0]) : -1;
	if (d < 0 || n != (d == SCENARIO_DIST_PARETO ? 3u : 2u))
		return g_strdup_printf("not a flow duration (%s)", expect);
	uint64_t m = 0;
	gchar *r = parse_duration(parts[1], &m);
	if (r) {
		gchar *full = g_strdup_printf("mean %s: %s", parts[1], r);
		g_free(r);
		return full;
	}
	if (m == 0)
		return g_strdup("the mean flow duration must be greater than 0");
	double sh = 0;
	if (d == SCENARIO_DIST_PARETO) {
		r = parse_double(parts[2], &sh);
		if (r) {
			g_free(r);
			return g_strdup_printf("shape %s is not a number (%s)", parts[2], expect);
		}
		if (!(sh > 1.0))
			return g_strdup_printf("shape %s must be greater than 1 (the mean is infinite otherwise)",
					       parts[2]);
	}
	*dist = (enum scenario_dist)d;
	*mean = m;
	*shape = sh;
	return NULL;
}

static void store_uint(void *p, size_t size, uint64_t v)
{
	if (size == sizeof(uint64_t)) {
		memcpy(p, &v, sizeof v);
	} else {
		g_assert(size == sizeof(uint32_t));
		uint32_t w = (uint32_t)v;
		memcpy(p, &w, sizeof w);
	}
}

static uint64_t load_uint(const void *p, size_t size)
{
	if (size == sizeof(uint64_t)) {
		uint64_t v;
		memcpy(&v, p, sizeof v);
		return v;
	}
	uint32_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/* Parses text for key kd into sc; NULL or the reason. */
static gchar *parse_value(const struct keydef *kd, const char *text, struct scenario *sc)
{
	char *base = (char *)sc + kd->off;
	gchar *r = NULL;
	switch (kd->type) {
	case K_STR:
		if (!*text)
			return g_strdup("must not be empty");
		g_free(*(char **)base);
		*(char **)base = g_strdup(text);
		return NULL;
	case K_ENUM:
		if (str_index(kd->choices, text) < 0) {
			g_autofree gchar *list = join_choices(kd->choices);
			return g_strdup_printf("not one of %s", list);
		}
		g_free(*(char **)base);
		*(char **)base = g_strdup(text);
		return NULL;
	case K_DUR:
	case K_RATE: {
		uint64_t v = 0;
		r = kd->type == K_DUR ? parse_duration(text, &v) : parse_rate(text, &v);
		if (r)
			return r;
		if (v < kd->min)
			return g_strdup("must be greater than 0");
		store_uint(base, kd->size, v);
		return NULL;
	}
	case K_UINT: {
		uint64_t v = 0;
		uint64_t max = kd->size == 4 && kd->max > UINT32_MAX ? UINT32_MAX : kd->max;
		if ((r = parse_uint(text, kd->min, max, &v)))
			return r;
		store_uint(base, kd->size, v);
		return NULL;
	}
	case K_SEED: {
		uint64_t v = 0;
		if ((r = parse_seed(text, kd->max, &v)))
			return r;
		store_uint(base, kd->size, v);
		return NULL;
	}
	case K_BOOL: {
		bool b = false;
		if ((r = parse_bool(text, &b)))
			return r;
		*(bool *)base = b;
		return NULL;
	}
	case K_DBL: {
		double v = 0;
		if ((r = parse_double(text, &v)))
			return r;
		if (kd->excl ? !(v > 0) : !(v >= 0))
			return g_strdup(kd->excl ? "must be greater than 0" : "must not be negative");
		*(double *)base = v;
		return NULL;
	}
	case K_VIP:
		return parse_vip(text, sc->vip, &sc->vip_family);
	case K_IPVER:
		if (strcmp(text, "4") == 0)
			sc->ip_version = 4;
		else if (strcmp(text, "6") == 0)
			sc->ip_version = 6;
		else
			return g_strdup("not one of 4 | 6");
		return NULL;
	case K_PROTO:
		if (strcmp(text, "tcp") == 0)
			sc->protocol = 6;
		else if (strcmp(text, "udp") == 0)
			sc->protocol = 17;
		else
			return g_strdup("not one of tcp | udp");
		return NULL;
	case K_FLOWDUR:
		return parse_flowdur(text, &sc->flow_duration_dist, &sc->flow_duration_mean_ns,
				     &sc->flow_duration_shape);
	}
	g_assert_not_reached();
	return NULL;
}

/* The resolved value of kd as file text (the describe format). */
static void append_value(GString *g, const struct keydef *kd, const struct scenario *sc)
{
	const char *base = (const char *)sc + kd->off;
	switch (kd->type) {
	case K_STR:
	case K_ENUM:
		g_string_append(g, *(char *const *)base ? *(char *const *)base : "");
		return;
	case K_DUR:
		append_duration(g, load_uint(base, kd->size));
		return;
	case K_RATE:
		append_rate(g, load_uint(base, kd->size));
		return;
	case K_UINT:
		g_string_append_printf(g, "%" PRIu64, load_uint(base, kd->size));
		return;
	case K_SEED:
		if (kd->hex)
			g_string_append_printf(g, "0x%" PRIx64, load_uint(base, kd->size));
		else
			g_string_append_printf(g, "%" PRIu64, load_uint(base, kd->size));
		return;
	case K_BOOL:
		g_string_append(g, *(const bool *)base ? "on" : "off");
		return;
	case K_DBL:
		append_double(g, *(const double *)base);
		return;
	case K_VIP:
		append_vip(g, sc->vip, sc->vip_family);
		return;
	case K_IPVER:
		g_string_append_printf(g, "%d", sc->ip_version);
		return;
	case K_PROTO:
		g_string_append(g, sc->protocol == 17 ? "udp" : "tcp");
		return;
	case K_FLOWDUR:
		g_string_append_printf(g, "%s:", scenario_dist_name(sc->flow_duration_dist));
		append_duration(g, sc->flow_duration_mean_ns);
		if (sc->flow_duration_dist == SCENARIO_DIST_PARETO) {
			g_string_append_c(g, ':');
			append_double(g, sc->flow_duration_shape);
		}
		return;
	}
}

static gchar *value_text(const struct keydef *kd, const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	append_value(g, kd, sc);
	return g_string_free(g, FALSE);
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */

struct ctx {
	const char *path;
	GKeyFile *kf;
	GHashTable *set_keys;   /* "group\nkey" set by an override */
	GHashTable *set_groups; /* groups that exist only through overrides */
	struct scenario *sc;
	GPtrArray *warnings;
};

static gchar *pair_id(const char *group, const char *key)
{
	return g_strconcat(group, "\n", key, NULL);
}

/* The file an error about group/key names: "--set" when an override set it. */
static const char *origin(const struct ctx *c, const char *group, const char *key)
{
	if (key) {
		g_autofree gchar *id = pair_id(group, key);
		if (g_hash_table_contains(c->set_keys, id))
			return OVERRIDE_FILE;
	}
	if (g_hash_table_contains(c->set_groups, group))
		return OVERRIDE_FILE;
	return c->path;
}

static void G_GNUC_PRINTF(6, 7) value_error(GError **err, const char *file, const char *group, const char *key,
					    const char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree gchar *reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] %s = \"%s\": %s", file, group, key, value,
		    reason);
}

/* The value as written (trimmed), or NULL when the key is absent. */
static gchar *raw_value(const struct ctx *c, const char *group, const char *key)
{
	gchar *v = g_key_file_get_value(c->kf, group, key, NULL);
	return v ? g_strstrip(v) : NULL;
}

/* The value for an error message about a key: as written, else the default. */
static gchar *shown_value(const struct ctx *c, const struct keydef *kd)
{
	gchar *v = raw_value(c, kd->group, kd->key);
	return v ? v : value_text(kd, c->sc);
}

static bool check_names(struct ctx *c, GError **err)
{
	gsize ng = 0;
	g_auto(GStrv) groups = g_key_file_get_groups(c->kf, &ng);
	for (gsize i = 0; i < ng; i++) {
		const char *g = groups[i];
		if (!group_known(g)) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN, "%s: [%s]: unknown group",
				    origin(c, g, NULL), g);
			return false;
		}
		if (strcmp(g, "sweep") == 0)
			continue; /* its keys are group.key names, checked with the sweep */
		gsize nk = 0;
		g_auto(GStrv) ks = g_key_file_get_keys(c->kf, g, &nk, NULL);
		for (gsize j = 0; j < nk; j++) {
			if (!key_known(g, ks[j])) {
				g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN, "%s: [%s] %s: unknown key",
					    origin(c, g, ks[j]), g, ks[j]);
				return false;
			}
		}
	}
	return true;
}

static bool parse_keys(struct ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	/* defaults first, parsed by the same code */
	for (size_t i = 0; i < N_KEYS; i++) {
		if (!keys[i].def)
			continue;
		gchar *r = parse_value(&keys[i], keys[i].def, sc);
		g_assert(r == NULL);
	}
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct keydef *kd = &keys[i];
		g_autofree gchar *v = raw_value(c, kd->group, kd->key);
		if (!v)
			continue;
		g_autofree gchar *r = parse_value(kd, v, sc);
		if (r) {
			value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v, "%s", r);
			return false;
		}
		if (kd->type == K_STR && strcmp(kd->key, "name") == 0 && strpbrk(v, "/,\"\\")) {
			value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
				    "must not contain '/', ',', '\"' or '\\' (it names the output directory and is "
				    "a CSV field)");
			return false;
		}
	}
	if (!sc->name) {
		g_autofree gchar *b = g_path_get_basename(sc->path);
		if (g_str_has_suffix(b, ".ini") && strlen(b) > 4)
			b[strlen(b) - 4] = '\0';
		sc->name = g_strdup(b);
	}
	if (!sc->output_dir)
		sc->output_dir = g_strconcat("results/", sc->name, NULL);
	if (sc->ip_version == 6 && !g_key_file_has_key(c->kf, "cluster", "vip", NULL)) {
		gchar *r = parse_vip(DEFAULT_VIP6, sc->vip, &sc->vip_family);
		g_assert(r == NULL);
	}
	return true;
}

struct fgroup {
	uint64_t k;
	const char *name;
};

static gint fgroup_cmp(gconstpointer a, gconstpointer b)
{
	const struct fgroup *x = a, *y = b;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* One node id (0..nodes-1) as text; NULL or the reason. */
static gchar *parse_node_id(const char *s, unsigned nodes, unsigned *out)
{
	uint64_t v = 0;
	gchar *r = parse_uint(s, 0, UINT64_MAX, &v);
	if (r) {
		g_free(r);
		return g_strdup_printf("node %s is not a node id (expected 0..%u)", s, nodes - 1);
	}
	if (v >= nodes)
		return g_strdup_printf("node %" PRIu64 " is out of range 0..%u", v, nodes - 1);
	*out = (unsigned)v;
	return NULL;
}

static bool parse_failure(struct ctx *c, const char *g, struct scenario_failure *f, GError **err)
{
	struct scenario *sc = c->sc;
	g_autofree gchar *kind = raw_value(c, g, "kind");
	g_autofree gchar *at = raw_value(c, g, "at");
	if (!kind) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] kind: missing", origin(c, g, NULL),
			    g);
		return false;
	}
	int ki = str_index(failure_kinds, kind);
	if (ki < 0) {
		g_autofree gchar *list = join_choices(failure_kinds);
		value_error(err, origin(c, g, "kind"), g, "kind", kind, "not one of %s", list);
		return false;
	}
	f->kind = (enum scenario_failure_kind)ki;
	f->node = -1;
	f->loss = 0;
	f->partition_nodes = 0;
	if (!at) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] at: missing", origin(c, g, NULL), g);
		return false;
	}
	g_autofree gchar *r = parse_duration(at, &f->at_ns);
	if (r) {
		value_error(err, origin(c, g, "at"), g, "at", at, "%s", r);
		return false;
	}
	if (f->at_ns > sc->duration_ns) {
		g_autofree gchar *a = fmt_duration(f->at_ns);
		g_autofree gchar *d = fmt_duration(sc->duration_ns);
		value_error(err, origin(c, g, "at"), g, "at", at, "%s is beyond the duration %s", a, d);
		return false;
	}

	/* which of node / loss / nodes the kind uses */
	bool want_node = f->kind != SCENARIO_FAIL_PARTITION;
	bool want_loss = f->kind == SCENARIO_FAIL_LOSSY;
	bool want_nodes = f->kind == SCENARIO_FAIL_PARTITION;
	const struct {
		const char *key;
		bool want;
	} uses[] = {{"node", want_node}, {"loss", want_loss}, {"nodes", want_nodes}};
	for (size_t i = 0; i < G_N_ELEMENTS(uses); i++) {
		g_autofree gchar *v = raw_value(c, g, uses[i].key);
		if (!uses[i].want && v) {
			value_error(err, origin(c, g, uses[i].key), g, uses[i].key, v, "not used by kind %s", kind);
			return false;
		}
		if (uses[i].want && !v) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_VALUE, "%s: [%s] %s: missing (kind %s needs it)",
				    origin(c, g, NULL), g, uses[i].key, kind);
			return false;
		}
	}
	if (want_node) {
		g_autofree gchar *v = raw_value(c, g, "node");
		unsigned id = 0;
		g_autofree gchar *rr = parse_node_id(v, sc->nodes, &id);
		if (rr) {
			value_error(err, origin(c, g, "node"), g, "node", v, "%s", rr);
			return false;
		}
		f->node = (int)id;
	}
	if (want_loss) {
		g_autofree gchar *v = raw_value(c, g, "loss");
		g_autofree gchar *rr = parse_double(v, &f->loss);
		if (rr || f->loss < 0 || f->loss > 1) {
			value_error(err, origin(c, g, "loss"), g, "loss", v, "not a probability in 0..1");
			return false;
		}
	}
	if (want_nodes) {
		g_autofree gchar *v = raw_value(c, g, "nodes");
		g_auto(GStrv) ids = g_strsplit(v, ";", -1);
		for (gsize i = 0; ids[i]; i++) {
			g_strstrip(ids[i]);
			if (!*ids[i])
				continue;
			unsigned id = 0;
			g_autofree gchar *rr = parse_node_id(ids[i], sc->nodes, &id);
			if (rr) {
				value_error(err, origin(c, g, "nodes"), g, "nodes", v, "%s", rr);
				return false;
			}
			f->partition_nodes |= UINT64_C(1) << id;
		}
		uint64_t all = sc->nodes >= 64 ? UINT64_MAX : (UINT64_C(1) << sc->nodes) - 1;
		if (f->partition_nodes == 0) {
			value_error(err, origin(c, g, "nodes"), g, "nodes", v, "no nodes listed (expected e.g. 0;1)");
			return false;
		}
		if (f->partition_nodes == all) {
			value_error(err, origin(c, g, "nodes"), g, "nodes", v,
				    "lists all %u nodes: a partition needs nodes on both sides", sc->nodes);
			return false;
		}
	}
	return true;
}

static bool parse_failures(struct ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	gsize ng = 0;
	g_auto(GStrv) groups = g_key_file_get_groups(c->kf, &ng);
	g_autoptr(GArray) fg = g_array_new(FALSE, FALSE, sizeof(struct fgroup));
	for (gsize i = 0; i < ng; i++) {
		struct fgroup x = {0, groups[i]};
		if (is_failure_group(groups[i], &x.k))
			g_array_append_val(fg, x);
	}
	g_array_sort(fg, fgroup_cmp); /* K values are unique: group names are */
	sc->failures = g_new0(struct scenario_failure, fg->len ? fg->len : 1);
	for (guint i = 0; i < fg->len; i++) {
		struct scenario_failure f;
		if (!parse_failure(c, g_array_index(fg, struct fgroup, i).name, &f, err))
			return false;
		/* insertion sort by time: stable, so equal times keep K order */
		size_t j = sc->n_failures;
		while (j > 0 && sc->failures[j - 1].at_ns > f.at_ns) {
			sc->failures[j] = sc->failures[j - 1];
			j--;
		}
		sc->failures[j] = f;
		sc->n_failures++;
	}
	return true;
}

static bool is_prime(uint32_t n)
{
	if (n < 2)
		return false;
	if (n % 2 == 0)
		return n == 2;
	for (uint32_t d = 3; (uint64_t)d * d <= n; d += 2)
		if (n % d == 0)
			return false;
	return true;
}

static bool cross_check(struct ctx *c, GError **err)
{
	struct scenario *sc = c->sc;
	const struct keydef *kd;

	if (sc->bin_ns > sc->duration_ns) {
		kd = find_key("scenario", "bin");
		g_autofree gchar *v = shown_value(c, kd);
		g_autofree gchar *d = fmt_duration(sc->duration_ns);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "the bin is longer than the duration %s", d);
		return false;
	}
	/* rates whose period would not fit the nanosecond clock (1e-6/s: one
	 * packet or flow per 11.6 days) */
	kd = find_key("traffic", "packet_rate");
	if (sc->packet_rate < 1e-6 || sc->packet_rate > 1e9) {
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be in 1e-6..1e9 packets/s per flow");
		return false;
	}
	kd = find_key("traffic", "flow_arrival_rate");
	if (sc->flow_arrival_rate != 0 && (sc->flow_arrival_rate < 1e-6 || sc->flow_arrival_rate > 1e9)) {
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be 0 (no arrivals) or in 1e-6..1e9 flows/s");
		return false;
	}
	kd = find_key("cluster", "maglev_table_size");
	if (!is_prime(sc->maglev_table_size)) {
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "%" PRIu32 " is not prime (Maglev needs a prime table size, e.g. 65537)",
			    sc->maglev_table_size);
		return false;
	}
	if (sc->maglev_table_size < 64) { /* lb_owner: M >= LB_MAX_NODES, so every node id fits */
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be at least 64 (one entry per possible node id; 65537 is the usual size)");
		return false;
	}
	kd = find_key("router", "resilient_buckets");
	if (strcmp(sc->ecmp, "resilient") == 0 && (sc->resilient_buckets < 1 || sc->resilient_buckets > 65536)) {
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be in 1..65536 with router.ecmp = resilient");
		return false;
	}
	if (sc->vip_family != sc->ip_version) {
		kd = find_key("cluster", "vip");
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "vip %s is IPv%d but traffic.ip_version = %d", v, sc->vip_family, sc->ip_version);
		return false;
	}
	if (sc->ip_version == 6 && sc->packet_size < 80) {
		kd = find_key("traffic", "packet_size");
		g_autofree gchar *v = shown_value(c, kd);
		value_error(err, origin(c, kd->group, kd->key), kd->group, kd->key, v,
			    "must be at least 80 with traffic.ip_version = 6 (IPv6 and L4 headers)");
		return false;
	}

	/* warnings */
	if (sc->metric_reduction >= sc->base_metric)
		g_ptr_array_add(c->warnings,
				g_strdup_printf("[cluster] metric_reduction = %" PRIu32 " >= base_metric = %" PRIu32
						": survivors advertise metric 1 (clamped)",
						sc->metric_reduction, sc->base_metric));
	if (sc->refresh_interval_ns >= sc->hold_time_ns) {
		g_autofree gchar *r = fmt_duration(sc->refresh_interval_ns);
		g_autofree gchar *h = fmt_duration(sc->hold_time_ns);
		g_ptr_array_add(c->warnings,
				g_strdup_printf("[router] refresh_interval = %s >= hold_time = %s: routes expire "
						"between refreshes and will flap",
						r, h));
	}
	return true;
}

/* Cuts inline comments: '#' at line start or after a blank, to end of line;
 * trailing blanks of every line go too. */
static gchar *strip_comments(const char *text)
{
	GString *out = g_string_sized_new(strlen(text) + 1);
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		size_t cut = len;
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '#' && (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t')) {
				cut = i;
				break;
			}
		}
		while (cut > 0 && (p[cut - 1] == ' ' || p[cut - 1] == '\t' || p[cut - 1] == '\r'))
			cut--;
		g_string_append_len(out, p, (gssize)cut);
		g_string_append_c(out, '\n');
		p += len;
		if (*p == '\n')
			p++;
	}
	return g_string_free(out, FALSE);
}

/* Splits "group.key=value" (group from key at the last '.' before '=');
 * FALSE when malformed.  Outputs are trimmed and newly allocated. */
static bool split_override(const char *o, gchar **group, gchar **key, gchar **value)
{
	const char *eq = strchr(o, '=');
	if (!eq)
		return false;
	g_autofree gchar *lhs = g_strstrip(g_strndup(o, (gsize)(eq - o)));
	char *dot = strrchr(lhs, '.');
	if (!dot || dot == lhs || dot[1] == '\0')
		return false;
	*dot = '\0';
	*group = g_strstrip(g_strdup(lhs));
	*key = g_strstrip(g_strdup(dot + 1));
	*value = g_strstrip(g_strdup(eq + 1));
	if (!**group || !**key || strpbrk(*group, "[]\n") || strpbrk(*key, "=[]\n") || strchr(*value, '\n')) {
		g_clear_pointer(group, g_free);
		g_clear_pointer(key, g_free);
		g_clear_pointer(value, g_free);
		return false;
	}
	return true;
}

static bool apply_overrides(struct ctx *c, const char *const *overrides, GError **err)
{
	for (size_t i = 0; overrides && overrides[i]; i++) {
		gchar *g = NULL, *k = NULL, *v = NULL;
		if (!split_override(overrides[i], &g, &k, &v)) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_PARSE,
				    "%s: \"%s\": malformed override (expected group.key=value)", OVERRIDE_FILE,
				    overrides[i]);
			return false;
		}
		if (!g_key_file_has_group(c->kf, g))
			g_hash_table_add(c->set_groups, g_strdup(g));
		g_key_file_set_value(c->kf, g, k, v);
		g_hash_table_add(c->set_keys, pair_id(g, k));
		g_free(g);
		g_free(k);
		g_free(v);
	}
	return true;
}

static struct scenario *load_text(const char *path, const char *text, const char *const *overrides,
				  bool with_sweep, GError **err);

/* [sweep]: "group.key = v1;v2;..."; every value is checked by loading the
 * scenario with it as one more override. */
static bool parse_sweep(struct ctx *c, const char *text, const char *const *overrides, GError **err)
{
	struct scenario *sc = c->sc;
	if (!g_key_file_has_group(c->kf, "sweep"))
		return true;
	gsize nk = 0;
	g_auto(GStrv) ks = g_key_file_get_keys(c->kf, "sweep", &nk, NULL);
	sc->sweep = g_new0(struct scenario_sweep_axis, nk ? nk : 1);
	gsize n_over = overrides ? g_strv_length((gchar **)overrides) : 0;
	g_autofree const char **over = g_new0(const char *, n_over + 2);
	for (gsize i = 0; i < n_over; i++)
		over[i] = overrides[i];

	for (gsize i = 0; i < nk; i++) {
		const char *key = ks[i];
		const char *file = origin(c, "sweep", key);
		g_autofree gchar *raw = raw_value(c, "sweep", key);
		const char *dot = strrchr(key, '.');
		g_autofree gchar *grp = dot ? g_strndup(key, (gsize)(dot - key)) : NULL;
		if (!dot || !key_known(grp, dot + 1)) {
			g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN,
				    "%s: [sweep] %s = \"%s\": not a parameter (expected group.key, e.g. "
				    "router.failover)",
				    file, key, raw);
			return false;
		}
		if (strcmp(key, "scenario.replications") == 0) {
			value_error(err, file, "sweep", key, raw,
				    "replications cannot be swept (set [scenario] replications instead)");
			return false;
		}
		struct scenario_sweep_axis *ax = &sc->sweep[sc->n_sweep++];
		ax->key = g_strdup(key);
		g_auto(GStrv) vals = g_strsplit(raw, ";", -1);
		ax->values = g_new0(char *, g_strv_length(vals) + 1);
		for (gsize j = 0; vals[j]; j++) {
			g_strstrip(vals[j]);
			if (!*vals[j])
				continue;
			g_autofree gchar *o = g_strdup_printf("%s=%s", key, vals[j]);
			over[n_over] = o;
			GError *e = NULL;
			struct scenario *t = load_text(c->path, text, over, false, &e);
			over[n_over] = NULL;
			if (!t) {
				/* keep only the reason when the error is about this very value */
				g_autofree gchar *prefix = g_strdup_printf("%s: [%s] %s = \"%s\": ", OVERRIDE_FILE, grp,
									  dot + 1, vals[j]);
				g_autofree gchar *file_prefix = g_strconcat(c->path, ": ", NULL);
				const char *msg = e->message;
				if (g_str_has_prefix(msg, prefix))
					msg += strlen(prefix);
				else if (g_str_has_prefix(msg, file_prefix))
					msg += strlen(file_prefix); /* a check elsewhere in the file fails */
				g_set_error(err, SCENARIO_ERROR, e->code, "%s: [sweep] %s = \"%s\": %s", file, key,
					    vals[j], msg);
				g_error_free(e);
				return false;
			}
			scenario_free(t);
			ax->values[ax->n_values++] = g_strdup(vals[j]);
		}
		if (ax->n_values == 0) {
			value_error(err, file, "sweep", key, raw, "no values (expected v1;v2;...)");
			return false;
		}
	}
	return true;
}

static struct scenario *load_text(const char *path, const char *text, const char *const *overrides,
				  bool with_sweep, GError **err)
{
	struct scenario *sc = g_new0(struct scenario, 1);
	sc->path = g_strdup(path);
	struct ctx c = {
		.path = path,
		.kf = g_key_file_new(),
		.set_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.set_groups = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.sc = sc,
		.warnings = g_ptr_array_new_with_free_func(g_free),
	};
	GError *e = NULL;
	bool ok = false;

	if (!g_key_file_load_from_data(c.kf, text, (gsize)-1, G_KEY_FILE_NONE, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_PARSE, "%s: %s", path, e->message);
		g_error_free(e);
		goto out;
	}
	if (!apply_overrides(&c, overrides, err) || !check_names(&c, err) || !parse_keys(&c, err) ||
	    !parse_failures(&c, err) || !cross_check(&c, err))
		goto out;
	if (with_sweep && !parse_sweep(&c, text, overrides, err))
		goto out;
	sc->n_warnings = c.warnings->len;
	g_ptr_array_add(c.warnings, NULL);
	sc->warnings = (char **)g_ptr_array_free(c.warnings, FALSE);
	c.warnings = NULL;
	ok = true;
out:
	if (c.warnings)
		g_ptr_array_free(c.warnings, TRUE);
	g_hash_table_destroy(c.set_keys);
	g_hash_table_destroy(c.set_groups);
	g_key_file_free(c.kf);
	if (!ok) {
		scenario_free(sc);
		return NULL;
	}
	return sc;
}

struct scenario *scenario_load(const char *path, const char *const *overrides, GError **err)
{
	g_return_val_if_fail(path != NULL, NULL);
	g_return_val_if_fail(err == NULL || *err == NULL, NULL);
	gchar *data = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(path, &data, NULL, &e)) {
		g_set_error(err, SCENARIO_ERROR, SCENARIO_ERROR_IO, "%s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	g_autofree gchar *text = strip_comments(data);
	g_free(data);
	return load_text(path, text, overrides, true, err);
}

void scenario_free(struct scenario *sc)
{
	if (!sc)
		return;
	g_free(sc->path);
	for (size_t i = 0; i < N_KEYS; i++)
		if (keys[i].type == K_STR || keys[i].type == K_ENUM)
			g_free(*(char **)((char *)sc + keys[i].off));
	g_free(sc->failures);
	for (size_t i = 0; i < sc->n_sweep; i++) {
		g_free(sc->sweep[i].key);
		g_strfreev(sc->sweep[i].values);
	}
	g_free(sc->sweep);
	for (size_t i = 0; i < sc->n_warnings; i++)
		g_free(sc->warnings[i]);
	g_free(sc->warnings);
	g_free(sc);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

static void append_nodes_list(GString *g, uint64_t mask, const char *sep)
{
	bool first = true;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask & (UINT64_C(1) << i)))
			continue;
		g_string_append_printf(g, "%s%u", first ? "" : sep, i);
		first = false;
	}
}

/* The unit of a plain number, for describe's comments; NULL when it has none
 * (counts such as nodes) or its value carries its unit (durations, rates). */
static const char *implicit_unit(const char *key)
{
	static const char *const units[][2] = {
		{"session_capacity", "entries"},   {"maglev_table_size", "entries"}, {"resilient_buckets", "buckets"},
		{"uplink_queue", "packets"},       {"backplane_queue", "packets"},   {"packet_size", "bytes"},
		{"flow_arrival_rate", "flows/s"}, {"packet_rate", "packets/s per flow"},
		{"initial_flows", "flows"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++)
		if (strcmp(units[i][0], key) == 0)
			return units[i][1];
	return NULL;
}

gchar *scenario_describe(const struct scenario *sc)
{
	g_return_val_if_fail(sc != NULL, NULL);
	GString *g = g_string_new(NULL);
	g_string_append_printf(g, "# scenario %s, resolved from %s\n", sc->name, sc->path ? sc->path : "?");
	for (size_t i = 0; i < sc->n_warnings; i++)
		g_string_append_printf(g, "# warning: %s\n", sc->warnings[i]);
	const char *group = NULL;
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct keydef *kd = &keys[i];
		if (strcmp(kd->group, "output") == 0 && (!group || strcmp(group, "output") != 0)) {
			/* failures come before [output], as in the reference file */
			for (size_t f = 0; f < sc->n_failures; f++) {
				const struct scenario_failure *x = &sc->failures[f];
				g_string_append_printf(g, "\n[failure.%zu]\nat = ", f + 1);
				append_duration(g, x->at_ns);
				g_string_append_printf(g, "\nkind = %s\n", scenario_failure_kind_name(x->kind));
				if (x->kind == SCENARIO_FAIL_PARTITION) {
					g_string_append(g, "nodes = ");
					append_nodes_list(g, x->partition_nodes, ";");
					g_string_append_c(g, '\n');
				} else {
					g_string_append_printf(g, "node = %d\n", x->node);
				}
				if (x->kind == SCENARIO_FAIL_LOSSY) {
					g_string_append(g, "loss = ");
					append_double(g, x->loss);
					g_string_append_c(g, '\n');
				}
			}
		}
		if (!group || strcmp(group, kd->group) != 0) {
			group = kd->group;
			g_string_append_printf(g, "\n[%s]\n", group);
		}
		g_string_append_printf(g, "%s = ", kd->key);
		append_value(g, kd, sc);
		const char *unit = implicit_unit(kd->key);
		if (unit)
			g_string_append_printf(g, "  # %s", unit);
		g_string_append_c(g, '\n');
	}
	if (sc->n_sweep) {
		g_string_append(g, "\n[sweep]\n");
		for (size_t i = 0; i < sc->n_sweep; i++) {
			g_autofree gchar *v = g_strjoinv(";", sc->sweep[i].values);
			g_string_append_printf(g, "%s = %s\n", sc->sweep[i].key, v);
		}
	}
	return g_string_free(g, FALSE);
}

static void json_string(GString *g, const char *s)
{
	g_string_append_c(g, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"':
			g_string_append(g, "\\\"");
			break;
		case '\\':
			g_string_append(g, "\\\\");
			break;
		case '\n':
			g_string_append(g, "\\n");
			break;
		case '\t':
			g_string_append(g, "\\t");
			break;
		case '\r':
			g_string_append(g, "\\r");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(g, "\\u%04x", *p);
			else
				g_string_append_c(g, (gchar)*p);
		}
	}
	g_string_append_c(g, '"');
}

static void json_value(GString *g, const struct keydef *kd, const struct scenario *sc)
{
	const char *base = (const char *)sc + kd->off;
	switch (kd->type) {
	case K_STR:
	case K_ENUM:
		json_string(g, *(char *const *)base);
		return;
	case K_DUR:
	case K_RATE:
	case K_UINT:
	case K_SEED:
		g_string_append_printf(g, "%" PRIu64, load_uint(base, kd->size));
		return;
	case K_BOOL:
		g_string_append(g, *(const bool *)base ? "true" : "false");
		return;
	case K_DBL:
		append_double(g, *(const double *)base);
		return;
	case K_VIP: {
		g_autofree gchar *v = value_text(kd, sc);
		json_string(g, v);
		return;
	}
	case K_IPVER:
		g_string_append_printf(g, "%d", sc->ip_version);
		return;
	case K_PROTO:
		json_string(g, sc->protocol == 17 ? "udp" : "tcp");
		return;
	case K_FLOWDUR:
		g_string_append(g, "{\"dist\": ");
		json_string(g, scenario_dist_name(sc->flow_duration_dist));
		g_string_append_printf(g, ", \"mean_ns\": %" PRIu64 ", \"shape\": ", sc->flow_duration_mean_ns);
		append_double(g, sc->flow_duration_shape);
		g_string_append_c(g, '}');
		return;
	}
}

gchar *scenario_to_json(const struct scenario *sc)
{
	g_return_val_if_fail(sc != NULL, NULL);
	GString *g = g_string_new("{");
	const char *group = NULL;
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct keydef *kd = &keys[i];
		if (!group || strcmp(group, kd->group) != 0) {
			g_string_append_printf(g, "%s\n  \"%s\": {", group ? "\n  }," : "", kd->group);
			group = kd->group;
		} else {
			g_string_append_c(g, ',');
		}
		const char *suffix = kd->type == K_DUR ? "_ns" : kd->type == K_RATE ? "_bps" : "";
		g_string_append_printf(g, "\n    \"%s%s\": ", kd->key, suffix);
		json_value(g, kd, sc);
	}
	g_string_append(g, "\n  },\n  \"failures\": [");
	for (size_t i = 0; i < sc->n_failures; i++) {
		const struct scenario_failure *f = &sc->failures[i];
		g_string_append_printf(g, "%s\n    {\"at_ns\": %" PRIu64 ", \"kind\": ", i ? "," : "", f->at_ns);
		json_string(g, scenario_failure_kind_name(f->kind));
		g_string_append_printf(g, ", \"node\": %d, \"loss\": ", f->node);
		append_double(g, f->loss);
		g_string_append(g, ", \"nodes\": [");
		append_nodes_list(g, f->partition_nodes, ", ");
		g_string_append(g, "]}");
	}
	g_string_append(g, sc->n_failures ? "\n  ],\n  \"sweep\": {" : "],\n  \"sweep\": {");
	for (size_t i = 0; i < sc->n_sweep; i++) {
		g_string_append(g, i ? ",\n    " : "\n    ");
		json_string(g, sc->sweep[i].key);
		g_string_append(g, ": [");
		for (size_t j = 0; j < sc->sweep[i].n_values; j++) {
			if (j)
				g_string_append(g, ", ");
			json_string(g, sc->sweep[i].values[j]);
		}
		g_string_append_c(g, ']');
	}
	g_string_append(g, sc->n_sweep ? "\n  },\n  \"warnings\": [" : "},\n  \"warnings\": [");
	for (size_t i = 0; i < sc->n_warnings; i++) {
		g_string_append(g, i ? ", " : "");
		json_string(g, sc->warnings[i]);
	}
	g_string_append(g, "]\n}");
	return g_string_free(g, FALSE);
}
