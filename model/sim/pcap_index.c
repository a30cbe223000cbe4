/* pcap_index.c - see pcap_index.h.  Each device is one end of a link; a
 * row names the end that captured (role and index: client k, router k,
 * node k, server k, the upstream stage, the backplane switch) and the other
 * end.  Roles and indexes come from the devices net.c registered while
 * world.c built the topology; the switch's ports from the shim. */
#include "pcap_index.h"

#include "output.h"

struct end {
	const char *role;
	int index; /* -1: none (the stage, the switch) */
};

/* This end and the far end of dev's link. */
static void ends(const struct net *n, uint32_t dev, struct end *self, struct end *peer)
{
	uint32_t member = shim_dev_member(n->sim, dev);
	const struct dev_info *d = net_dev(n, member);
	bool stage = n->sc->router_count > 1;
	if (member != dev) { /* a switch port leading to member */
		*self = (struct end){"backplane-switch", -1};
		*peer = (struct end){"node", d->node};
		return;
	}
	switch ((enum dev_role)d->role) {
	case ROLE_CLIENT:
		*self = (struct end){"client", (int)d->client};
		*peer = stage ? (struct end){"upstream-stage", -1} : (struct end){"router", 0};
		return;
	case ROLE_ROUTER_CLIENT:
		*self = (struct end){"router", d->router};
		*peer = stage ? (struct end){"upstream-stage", -1} : (struct end){"client", (int)d->client};
		return;
	case ROLE_STAGE_CLIENT:
		*self = (struct end){"upstream-stage", -1};
		*peer = (struct end){"client", (int)d->client};
		return;
	case ROLE_STAGE_ROUTER:
		*self = (struct end){"upstream-stage", -1};
		*peer = (struct end){"router", d->router};
		return;
	case ROLE_ROUTER_UPLINK:
		*self = (struct end){"router", d->router};
		*peer = (struct end){"node", d->node};
		return;
	case ROLE_NODE_UPLINK:
		*self = (struct end){"node", d->node};
		*peer = (struct end){"router", d->router};
		return;
	case ROLE_NODE_BACKPLANE:
		*self = (struct end){"node", d->node};
		*peer = (struct end){"backplane-switch", -1};
		return;
	case ROLE_NODE_SERVER:
		*self = (struct end){"node", d->node};
		*peer = (struct end){"server", d->node};
		return;
	case ROLE_SERVER:
		*self = (struct end){"server", d->node};
		*peer = (struct end){"node", d->node};
		return;
	case ROLE_NONE:
		break;
	}
	g_assert_not_reached();
}

static void append_end(GString *out, const struct end *e)
{
	if (e->index >= 0)
		g_string_append_printf(out, ",%s,%d", e->role, e->index);
	else
		g_string_append_printf(out, ",%s,", e->role);
}

gboolean pcap_index_write(const struct net *n, const char *dir, GError **err)
{
	g_autoptr(GString) out = g_string_new("file,role,index,peer_role,peer_index\n");
	for (uint32_t dev = 0; dev < shim_dev_count(n->sim); dev++) {
		char file[64];
		struct end self, peer;
		shim_dev_pcap_file(n->sim, dev, file, sizeof file);
		ends(n, dev, &self, &peer);
		g_string_append(out, file);
		append_end(out, &self);
		append_end(out, &peer);
		g_string_append_c(out, '\n');
	}
	g_autofree gchar *path = g_build_filename(dir, "pcap-index.csv", NULL);
	return output_write_file(path, out->str, out->len, err);
}
