/* lb_flow.h - the flow key (IPv4/IPv6 5-tuple) and header parsing.  PLACEHOLDER: to be completed. */
#ifndef LBCORE_LB_FLOW_H
#define LBCORE_LB_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "lb_types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LB_AF_INET 4
#define LB_AF_INET6 6
#define LB_PROTO_TCP 6
#define LB_PROTO_UDP 17

/* A 5-tuple.  Addresses in network byte order; an IPv4 address uses the
 * first 4 bytes of src/dst and the other 12 are zero.  Ports are in host
 * byte order.  pad is always zero, so two keys are equal iff memcmp says so.
 * sizeof = 40 bytes. */
struct lb_flow_key {
	uint8_t family; /* LB_AF_INET or LB_AF_INET6 */
	uint8_t proto;  /* IP protocol number: LB_PROTO_TCP, LB_PROTO_UDP */
	uint16_t sport;
	uint16_t dport;
	uint8_t pad[2];
	uint8_t src[16];
	uint8_t dst[16];
};

#ifdef __cplusplus
}
#endif
#endif
