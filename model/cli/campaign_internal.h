/* campaign_internal.h - what campaign.c (record, history, writing),
 * campaign_admit.c (base parameters, resume rules) and campaign_points.c
 * (stable point ids, the runs of a request) share; not an API. */
#ifndef LB_CLI_CAMPAIGN_INTERNAL_H
#define LB_CLI_CAMPAIGN_INTERNAL_H

#include <json-glib/json-glib.h>

#include "campaign.h"

/* 2: overrides, parameters, axes, points, history; 1 (no campaign_format
 * member): scenario_to_json() of the campaign's scenario alone. */
#define CAMPAIGN_FORMAT 2

struct axis {
	gchar *key;
	GPtrArray *values; /* gchar *: every value recorded, first spelling, order of first appearance */
};

struct point {
	unsigned id;
	gchar **values; /* one per axis, in the campaign's axis order */
};

struct campaign {
	gchar *dir;     /* absolute */
	gboolean exists;
	gchar *legacy;  /* format 1: the file's text */
	gchar *snapshot; /* the scenario copy's file name, under dir/scenario/: UTF-8 */
	gchar *scenario_file; /* campaign_path_text() of the latest sweep's file */
	GStrv overrides;
	JsonObject *parameters;
	GPtrArray *axes;   /* struct axis * */
	GPtrArray *points; /* struct point *, by id */
	unsigned replications;
	struct slurm_site slurm;
	JsonArray *history;
	JsonObject *current; /* this invocation's entry, in history */
};

void campaign_add_axis(struct campaign *c, const char *key);
/* path as campaign.json holds it: absolute, and UTF-8 whatever its bytes
 * (g_filename_display_name(), as run.json's paths: a byte it cannot read
 * becomes U+FFFD, so the text names the file for a reader, not for open());
 * g_free. */
gchar *campaign_path_text(const char *path);
/* Member name of o when it has that type; NULL otherwise (o NULL: NULL). */
JsonNode *campaign_json_member(JsonObject *o, const char *name, JsonNodeType type);
/* The string member name of o, or NULL. */
const char *campaign_json_string(JsonObject *o, const char *name);
/* The integer member name of o into *v; FALSE when there is none. */
gboolean campaign_json_int(JsonObject *o, const char *name, gint64 *v);

#endif
