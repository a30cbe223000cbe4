/* pcap_index.h - pcap-index.csv: which device each of a run's pcap files
 * captured (doc/outputs.md, "pcap files"). */
#ifndef LB_SIM_PCAP_INDEX_H
#define LB_SIM_PCAP_INDEX_H

#include <glib.h>

#include "net.h"

/* Writes dir/pcap-index.csv: one row per device of the simulated network
 * (file,role,index,peer_role,peer_index).  FALSE with err set on an I/O
 * error. */
gboolean pcap_index_write(const struct net *n, const char *dir, GError **err);

#endif
