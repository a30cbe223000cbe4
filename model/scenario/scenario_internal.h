/* scenario_internal.h - what the scenario module's files share: the key
 * table (the schema of a scenario file) and the value parsers and
 * formatters.  Not part of the module's API (scenario.h is). */
#ifndef LB_SCENARIO_INTERNAL_H
#define LB_SCENARIO_INTERNAL_H

#include "scenario.h"

#define OVERRIDE_FILE "--set"
#define DEFAULT_VIP4 "203.0.113.10"
#define DEFAULT_VIP6 "2001:db8::10"

enum ktype {
	K_STR,      /* free text (name, output.dir) */
	K_ENUM,     /* one name of a kind table, stored as its enum value */
	K_STRATEGY, /* a failover strategy of the core's registry, stored as a pointer */
	K_DUR,      /* duration with unit -> uint64 ns */
	K_RATE,     /* rate with unit -> uint64 bps */
	K_UINT,     /* plain decimal integer, min..max, stored in size bytes */
	K_SEED,     /* decimal or 0x hex integer, 0..max, stored in size bytes */
	K_BOOL,     /* on | off | true | false */
	K_DBL,      /* decimal number >= min (> min when excl) */
	K_VIP,      /* IPv4 or IPv6 address */
	K_IPVER,    /* 4 | 6 */
	K_PROTO,    /* tcp | udp */
	K_FLOWDUR,  /* fixed:DUR | exp:DUR | pareto:DUR:SHAPE */
};

/* Which router profile a key belongs to (KP_ANY: both). */
enum kprofile { KP_ANY, KP_IDEAL, KP_FRR };
static inline bool kprofile_uses(enum kprofile k, enum lb_router_profile p)
{
	return k == KP_ANY || (k == KP_IDEAL && p == LB_PROFILE_IDEAL) || (k == KP_FRR && p == LB_PROFILE_FRR);
}

struct keydef {
	const char *group;
	const char *key;
	enum ktype type;
	size_t off;
	size_t size;
	const char *def;     /* default as file text; NULL: computed (name, output.dir) */
	const char *def_frr; /* default under profile = frr; NULL: def */
	uint64_t min, max;
	const struct lb_kind_table *table; /* K_ENUM */
	bool hex;                          /* K_SEED: describe prints hex */
	bool excl;                         /* K_DBL: min is exclusive */
	enum kprofile profile;             /* a key only that profile uses */
	const char *unit;                  /* the unit of a plain number, for describe's comments */
	bool auto_ok;                      /* K_UINT, K_DUR: "auto" is accepted, stored as 0, resolved by the loader */
	bool path;                         /* K_STR: a file path, any bytes (result files show it as UTF-8) */
};

extern const struct keydef scenario_keys[];
extern const size_t scenario_n_keys;
extern const char *const scenario_plain_groups[];
extern const char *const scenario_failure_keys[];
extern const char *const scenario_router_keys[];

const struct keydef *scenario_find_key(const char *group, const char *key);
bool scenario_is_failure_group(const char *group, uint64_t *k);
bool scenario_is_router_group(const char *group, unsigned *k);
bool scenario_group_known(const char *group);
/* "Did you mean" hints, each "" or starting with "; " (scenario_suggest.c). */
gchar *scenario_suggest_key(const char *group, const char *key);
gchar *scenario_suggest_group(const char *group);
gchar *scenario_suggest_param(const char *name); /* a "group.key" name */
/* " (list values are separated by ';', not ',')" when value looks like a
 * list written with commas, else "". */
const char *scenario_list_hint(const char *value);
bool scenario_key_known(const char *group, const char *key);
int scenario_str_index(const char *const *list, const char *s);
/* "a | b | c" of a kind table or of the strategy registry (g_free). */
gchar *scenario_choices(const struct keydef *kd);

/* Value parsers return NULL on success or a newly allocated reason. */
gchar *scenario_parse_value(const struct keydef *kd, const char *text, struct scenario *sc);
gchar *scenario_parse_duration(const char *s, uint64_t *out);
gchar *scenario_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
gchar *scenario_parse_double(const char *s, double *out);
/* The resolved value of kd as file text (the describe format). */
void scenario_append_value(GString *g, const struct keydef *kd, const struct scenario *sc);
gchar *scenario_value_text(const struct keydef *kd, const struct scenario *sc);
void scenario_append_duration(GString *g, uint64_t ns);
gchar *scenario_fmt_duration(uint64_t ns);
void scenario_append_double(GString *g, double v);
void scenario_append_nodes(GString *g, uint64_t mask, const char *sep);
uint64_t scenario_load_uint(const void *p, size_t size);

/* Loading (scenario_load.c) ------------------------------------------- */

struct scenario_ctx {
	const char *path;
	GKeyFile *kf;
	GHashTable *set_keys;   /* "group\nkey" set by an override */
	GHashTable *set_groups; /* groups that exist only through overrides */
	struct scenario *sc;
	GPtrArray *warnings;
};

/* The file an error about group/key names: "--set" when an override set it. */
const char *scenario_origin(const struct scenario_ctx *c, const char *group, const char *key);
void G_GNUC_PRINTF(6, 7) scenario_value_error(GError **err, const char *file, const char *group, const char *key,
					      const char *value, const char *fmt, ...);
/* The value as written (trimmed), or NULL when the key is absent. */
gchar *scenario_raw_value(const struct scenario_ctx *c, const char *group, const char *key);
/* The value for an error message about a key: as written, else the default. */
gchar *scenario_shown_value(const struct scenario_ctx *c, const struct keydef *kd);
/* scenario_routers.c */
bool scenario_parse_routers(struct scenario_ctx *c, GError **err);
/* scenario_failures.c */
bool scenario_parse_failures(struct scenario_ctx *c, GError **err);
/* scenario_limits.c: the core's limits that depend on several keys; what
 * a run allocates (last: it needs every other value sane) */
bool scenario_check_core_limits(struct scenario_ctx *c, GError **err);
bool scenario_check_allocation(struct scenario_ctx *c, GError **err);
/* scenario_warn.c: warnings about legal values that are surely unintended */
void scenario_warn(struct scenario_ctx *c);

#endif
