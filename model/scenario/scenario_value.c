/* scenario_value.c - the parsers and formatters of a scenario file's
 * values: durations and rates with units (exact: a value that is not a
 * whole number of ns or bps is refused), integers, seeds, switches,
 * numbers, addresses, flow durations, and the kinds of the schema's tables. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scenario_internal.h"

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
		uint64_t d = (uint64_t)(*p - '0');
		if (ip > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			ip = ip * 10 + d;
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
	int u = scenario_str_index(units, p);
	if (u < 0) {
		g_autofree gchar *list = g_strjoinv(", ", (gchar **)units);
		return g_strdup_printf("unknown unit \"%s\" (expected one of %s)", p, list);
	}
	uint64_t m = mult[u];
	if (overflow || (m && ip > UINT64_MAX / m))
		return g_strdup_printf("%s is too large", what);
	uint64_t v = ip * m;
	/* fraction: sum of digit * m / 10^i must be exact (a non-zero digit
	 * below the base unit - scale < 10 - is refused, not truncated) */
	uint64_t scale = m;
	for (size_t i = 0; i < nfrac; i++) {
		unsigned d = (unsigned)(frac[i] - '0');
		if (d == 0) {
			scale /= 10;
			continue;
		}
		if (scale < 10 || scale % 10 != 0)
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

gchar *scenario_parse_duration(const char *s, uint64_t *out)
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

void scenario_append_duration(GString *g, uint64_t ns)
{
	append_scaled(g, ns, dur_units, dur_mult, 4);
}

gchar *scenario_fmt_duration(uint64_t ns)
{
	GString *g = g_string_new(NULL);
	scenario_append_duration(g, ns);
	return g_string_free(g, FALSE);
}

static void append_rate(GString *g, uint64_t bps)
{
	append_scaled(g, bps, rate_units, rate_mult, 4);
}

gchar *scenario_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;
	const char *p = s;
	if (*p == '\0')
		return g_strdup("not an integer");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return g_strdup("not an integer");
		uint64_t d = (uint64_t)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	bool open_max = max == UINT64_MAX || max == UINT32_MAX; /* "no bound" but the type's */
	if (!overflow && v < min && open_max)
		return g_strdup_printf("must be at least %" PRIu64, min);
	if ((overflow || v > max) && open_max && min == 0)
		return g_strdup_printf("must be at most %" PRIu64, max);
	if (overflow || v < min || v > max)
		return g_strdup_printf("must be in %" PRIu64 "..%" PRIu64, min, max);
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
	gchar *r = scenario_parse_uint(s, 0, max, out);
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

gchar *scenario_parse_double(const char *s, double *out)
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
void scenario_append_double(GString *g, double v)
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
	int d = n ? lb_kind_parse(&scenario_dist_table, parts[0]) : -1;
	if (d < 0 || n != (d == SCENARIO_DIST_PARETO ? 3u : 2u))
		return g_strdup_printf("not a flow duration (%s)", expect);
	uint64_t m = 0;
	gchar *r = scenario_parse_duration(parts[1], &m);
	if (r) {
		gchar *full = g_strdup_printf("mean %s: %s", parts[1], r);
		g_free(r);
		return full;
	}
	if (m == 0)
		return g_strdup("the mean flow duration must be greater than 0");
	double sh = 0;
	if (d == SCENARIO_DIST_PARETO) {
		r = scenario_parse_double(parts[2], &sh);
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

uint64_t scenario_load_uint(const void *p, size_t size)
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
gchar *scenario_parse_value(const struct keydef *kd, const char *text, struct scenario *sc)
{
	char *base = (char *)sc + kd->off;
	gchar *r = NULL;
	if (kd->auto_ok && strcmp(text, "auto") == 0) {
		store_uint(base, kd->size, 0); /* resolved by the loader */
		return NULL;
	}
	switch (kd->type) {
	case K_STR:
		if (!*text)
			return g_strdup("must not be empty");
		/* a '#' there would start a comment in describe's text (and in any
		 * file): the value could not be written back */
		for (const char *p = text; *p; p++)
			if (*p == '#' && (p == text || p[-1] == ' ' || p[-1] == '\t'))
				return g_strdup("must not start with '#' or have a '#' after a blank (describe writes "
						"it as a comment)");
		g_free(*(char **)base);
		*(char **)base = g_strdup(text);
		return NULL;
	case K_ENUM: {
		int v = lb_kind_parse(kd->table, text);
		if (v < 0) {
			g_autofree gchar *list = scenario_choices(kd);
			return g_strdup_printf("not one of %s", list);
		}
		store_uint(base, kd->size, (uint64_t)v);
		return NULL;
	}
	case K_STRATEGY: {
		const struct lb_strategy *st = lb_strategy_find(text);
		if (!st) {
			g_autofree gchar *list = scenario_choices(kd);
			return g_strdup_printf("not one of %s", list);
		}
		*(const struct lb_strategy **)base = st;
		return NULL;
	}
	case K_DUR:
	case K_RATE: {
		uint64_t v = 0;
		r = kd->type == K_DUR ? scenario_parse_duration(text, &v) : parse_rate(text, &v);
		if (r)
			return r;
		if (v < kd->min || v > kd->max) {
			GString *lim = g_string_new(NULL);
			void (*fmt)(GString *, uint64_t) = kd->type == K_DUR ? scenario_append_duration : append_rate;
			if (v < kd->min && kd->min == 1)
				return g_string_free(g_string_assign(lim, "must be greater than 0"), FALSE);
			g_string_append(lim, v < kd->min ? "must be at least " : "must be at most ");
			fmt(lim, v < kd->min ? kd->min : kd->max);
			return g_string_free(lim, FALSE);
		}
		store_uint(base, kd->size, v);
		return NULL;
	}
	case K_UINT: {
		uint64_t v = 0;
		uint64_t max = kd->size == 4 && kd->max > UINT32_MAX ? UINT32_MAX : kd->max;
		if ((r = scenario_parse_uint(text, kd->min, max, &v)))
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
		if ((r = scenario_parse_double(text, &v)))
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
void scenario_append_value(GString *g, const struct keydef *kd, const struct scenario *sc)
{
	const char *base = (const char *)sc + kd->off;
	switch (kd->type) {
	case K_STR:
		g_string_append(g, *(char *const *)base ? *(char *const *)base : "");
		return;
	case K_ENUM:
		g_string_append(g, lb_kind_name(kd->table, (unsigned)scenario_load_uint(base, kd->size)));
		return;
	case K_STRATEGY:
		g_string_append(g, (*(const struct lb_strategy *const *)base)->name);
		return;
	case K_DUR:
		scenario_append_duration(g, scenario_load_uint(base, kd->size));
		return;
	case K_RATE:
		append_rate(g, scenario_load_uint(base, kd->size));
		return;
	case K_UINT:
		g_string_append_printf(g, "%" PRIu64, scenario_load_uint(base, kd->size));
		return;
	case K_SEED:
		if (kd->hex)
			g_string_append_printf(g, "0x%" PRIx64, scenario_load_uint(base, kd->size));
		else
			g_string_append_printf(g, "%" PRIu64, scenario_load_uint(base, kd->size));
		return;
	case K_BOOL:
		g_string_append(g, *(const bool *)base ? "on" : "off");
		return;
	case K_DBL:
		scenario_append_double(g, *(const double *)base);
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
		g_string_append_printf(g, "%s:", lb_kind_name(&scenario_dist_table, sc->flow_duration_dist));
		scenario_append_duration(g, sc->flow_duration_mean_ns);
		if (sc->flow_duration_dist == SCENARIO_DIST_PARETO) {
			g_string_append_c(g, ':');
			scenario_append_double(g, sc->flow_duration_shape);
		}
		return;
	}
}

gchar *scenario_value_text(const struct keydef *kd, const struct scenario *sc)
{
	GString *g = g_string_new(NULL);
	scenario_append_value(g, kd, sc);
	return g_string_free(g, FALSE);
}


void scenario_append_nodes(GString *g, uint64_t mask, const char *sep)
{
	bool first = true;
	for (unsigned i = 0; i < 64; i++) {
		if (!(mask & (UINT64_C(1) << i)))
			continue;
		g_string_append_printf(g, "%s%u", first ? "" : sep, i);
		first = false;
	}
}
