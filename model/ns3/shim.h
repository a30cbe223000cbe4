/* shim.h - the C API over ns-3 3.37: the only place the project touches ns-3.
 *
 * Opaque handles, plain C types, callbacks with a `void *user` pointer.  No
 * ns-3 or C++ type appears here.  Units: time in nanoseconds, rates in bit/s,
 * sizes in bytes, queue limits in packets.
 *
 * Singleton: ns-3's simulator is process-wide, so at most one shim_sim may
 * exist at a time (asserted); create/destroy may be repeated.  Nothing here
 * may be called from two threads.
 *
 * Devices and links.  Every device has a global id (0, 1, ...) and belongs to
 * a node.  A point-to-point link is a pair of ns-3 PointToPointNetDevices with
 * a DropTail queue of `queue` packets each (plus the packet being
 * serialised).  ns-3 adds a 2-byte PPP header: a packet of wire_len bytes
 * takes (wire_len + 2) x 8 / rate seconds to serialise, then `delay` to
 * propagate.  Packets travel over the shim's own implementation of those
 * devices (shim_link.h: the same events at the same times in the same order,
 * without ns-3's Packet objects) unless shim_set_ns3_devices() or pcap puts
 * them on ns-3's devices; results and event counts are the same either way.
 *
 * Backplane.  A switch node with one point-to-point link to each member; the
 * member's end is the member's backplane device.  A packet sent from member
 * device a to member device b crosses a's link to the switch, is queued on
 * the switch's port towards b (per-port egress queues, as in a real switch)
 * and crosses b's link.  The destination travels in a packet tag, not in the
 * bytes.  The switch itself never reports a receive; drops at its ports are
 * reported with the switch's node and port device.
 *
 * Packets.  shim_send() sends the first `len` bytes of a packet that is
 * `wire_len` bytes long (zero padding after them, which costs no copy).  The
 * receive callback gets the first min(packet size, SHIM_RX_BYTES) bytes.
 *
 * Drops.  Every packet handed to shim_send() is, exactly once, delivered to
 * the receive callback or reported to the drop callback, unless it is still
 * in flight (shim_in_flight() counts those):
 *   SHIM_DROP_QUEUE_FULL  the egress queue is full (at send, or at a switch port)
 *   SHIM_DROP_DEVICE_DOWN sent from, or arriving at, a device that is down
 *   SHIM_DROP_NODE_DOWN   sent from, or arriving at, a node that is down
 *   SHIM_DROP_LINK_LOSS   lost on a lossy link (checked on arrival)
 * Packets already queued or on the wire when a device goes down keep going
 * and are dropped on arrival if the receiving end is down.  Drop callbacks
 * for packets rejected at send time run inside shim_send().
 */
#ifndef LB_NS3_SHIM_H
#define LB_NS3_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct shim_sim;
struct shim_rng;

#define SHIM_RX_BYTES 128

/* ns-3's event schedulers: X(enum, name, ns-3 TypeId), one list (the
 * scenario's [scenario] scheduler key takes its names from it, the shim its
 * TypeIds).  The scheduler changes speed only, never results: equal times
 * run in schedule order under each. */
#define SHIM_SCHEDULERS(X)                                           \
	X(SHIM_SCHED_MAP, "map", "ns3::MapScheduler")                \
	X(SHIM_SCHED_HEAP, "heap", "ns3::HeapScheduler")             \
	X(SHIM_SCHED_CALENDAR, "calendar", "ns3::CalendarScheduler") \
	X(SHIM_SCHED_LIST, "list", "ns3::ListScheduler")             \
	X(SHIM_SCHED_PRIORITY_QUEUE, "priority-queue", "ns3::PriorityQueueScheduler")
#define SHIM_SCHED_ENUM(e, name, type_id) e,
enum shim_scheduler { SHIM_SCHEDULERS(SHIM_SCHED_ENUM) };

enum shim_drop_reason { SHIM_DROP_QUEUE_FULL, SHIM_DROP_DEVICE_DOWN, SHIM_DROP_NODE_DOWN, SHIM_DROP_LINK_LOSS };

typedef void (*shim_event_fn)(void *user);
typedef void (*shim_rx_fn)(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len,
			   size_t wire_len, uint64_t t_ns);
typedef void (*shim_drop_fn)(void *user, uint32_t node, uint32_t dev, const uint8_t *bytes, size_t len,
			     enum shim_drop_reason why, uint64_t t_ns);

/* Seeds.  ns-3's generator (MRG32k3a, RngStream) takes a seed of
 * 1..SHIM_NS3_MAX_SEED (the same value goes in all six state words, which
 * must stay below L'Ecuyer's modulus m2 = 4294944443: ns-3 aborts with
 * "invalid Seed" otherwise) and a 64-bit run number (the substream, 2^76
 * draws apart).  The shim takes a 64-bit seed and a run 0..SHIM_RUNS_PER_SEED-1
 * and maps them one-to-one onto ns-3's (seed, run):
 *     u         = seed - 1 (mod 2^64: seed 0 is u = 2^64 - 1)
 *     ns-3 seed = 1 + u mod SHIM_NS3_MAX_SEED
 *     ns-3 run  = (u / SHIM_NS3_MAX_SEED) x SHIM_RUNS_PER_SEED + run
 * Seeds 1..SHIM_NS3_MAX_SEED keep ns-3 seed = seed and run = run (as ns-3
 * programs set them); larger seeds (and 0) go to runs beyond 2^31, a block of
 * SHIM_RUNS_PER_SEED runs per seed, so no two (seed, run) pairs share a
 * stream.  (u / SHIM_NS3_MAX_SEED < 2^32 + 2^15, so ns-3's run stays below
 * 2^64.) */
#define SHIM_NS3_MAX_SEED UINT32_C(4294944442)
#define SHIM_RUNS_PER_SEED (UINT64_C(1) << 31)
void shim_seed_map(uint64_t seed, uint64_t run, uint32_t *ns3_seed, uint64_t *ns3_run);

/* Simulator with seed and run as above (run < SHIM_RUNS_PER_SEED).
 * Returns NULL if another shim_sim exists or run is out of range. */
struct shim_sim *shim_sim_create(uint64_t seed, uint64_t run, enum shim_scheduler sched);
void shim_sim_destroy(struct shim_sim *s); /* NULL: no-op */
uint64_t shim_now_ns(const struct shim_sim *s);
/* Runs fn(user) delay_ns from now; events at equal times run in the order
 * they were scheduled.  Returns a handle (never 0) for shim_cancel(). */
uint64_t shim_schedule(struct shim_sim *s, uint64_t delay_ns, shim_event_fn fn, void *user);
/* Cancels a pending event; a handle that already ran or was cancelled is
 * ignored.  Returns true if an event was cancelled. */
bool shim_cancel(struct shim_sim *s, uint64_t handle);
/* Runs events up to and including time t_ns (absolute), or until shim_stop(). */
void shim_run_until(struct shim_sim *s, uint64_t t_ns);
void shim_stop(struct shim_sim *s);
uint64_t shim_events_executed(const struct shim_sim *s);
/* Events the shim scheduled that ns-3 holds now (shim_schedule's and the
 * shim's own links'; a cancelled event is held until its time comes): all
 * of the simulator's pending events but shim_run_until's sentinel, unless
 * ns-3's devices carry the packets (their events are not counted). */
uint64_t shim_events_pending(const struct shim_sim *s);

/* A uniform random stream in [0, 1), ns-3 UniformRandomVariable with the
 * given stream number: reproducible for the same seed, run and stream.
 * Owned by the simulator (freed by shim_sim_destroy). */
struct shim_rng *shim_rng_create(struct shim_sim *s, uint64_t stream);
double shim_rng_uniform(struct shim_rng *r);

/* Topology. */
uint32_t shim_node_create(struct shim_sim *s);
/* Returns 0 and the two device ids, or -EINVAL (unknown node, rate 0, queue 0). */
int shim_p2p_connect(struct shim_sim *s, uint32_t node_a, uint32_t node_b, uint64_t rate_bps, uint64_t delay_ns,
		     uint32_t queue_pkts, uint32_t *dev_a, uint32_t *dev_b);
/* Connects n member nodes to a new switch node; devs[i] is member i's
 * backplane device.  Returns 0 or -EINVAL. */
int shim_backplane_create(struct shim_sim *s, const uint32_t *nodes, size_t n, uint64_t rate_bps,
			  uint64_t delay_ns, uint32_t queue_pkts, uint32_t *devs);
uint32_t shim_dev_node(const struct shim_sim *s, uint32_t dev);
/* The device at the other end of dev's link (the switch port for a backplane device). */
uint32_t shim_dev_peer(const struct shim_sim *s, uint32_t dev);

/* Callbacks for every device (set before the first send). */
void shim_set_callbacks(struct shim_sim *s, shim_rx_fn rx, shim_drop_fn drop, void *user);

/* Sends bytes[0..len) (an IP packet's first bytes: the PPP header says IPv6
 * when bytes[0]'s top nibble is 6, IPv4 otherwise) as a packet of wire_len
 * bytes (wire_len >= len) out of
 * dev; dst_dev is the destination member device on a backplane, ignored on a
 * point-to-point link.  Returns 0 when the packet entered the network, or
 * 1 when it was dropped at once (reported to the drop callback first);
 * -EINVAL for a bad device or wire_len < len. */
int shim_send(struct shim_sim *s, uint32_t dev, uint32_t dst_dev, const uint8_t *bytes, size_t len,
	      size_t wire_len);
/* Packets handed to shim_send() not yet received or dropped. */
uint64_t shim_in_flight(const struct shim_sim *s);

/* Faults. */
void shim_dev_set_up(struct shim_sim *s, uint32_t dev, bool up);
bool shim_dev_is_up(const struct shim_sim *s, uint32_t dev);
/* Both ends of dev's link (for a backplane device: it and its switch port). */
void shim_link_set_up(struct shim_sim *s, uint32_t dev, bool up);
void shim_node_set_up(struct shim_sim *s, uint32_t node, bool up);
/* Each packet arriving over dev's link (either direction) is lost with
 * probability loss (0..1). */
void shim_link_set_loss(struct shim_sim *s, uint32_t dev, double loss);

/* The packet path: false (the default) the shim's own links, true ns-3's
 * PointToPointNetDevices (pcap switches to them).  Chosen before the first
 * shim_send (changing it afterwards aborts). */
void shim_set_ns3_devices(struct shim_sim *s, bool on);
bool shim_ns3_devices(const struct shim_sim *s);

/* pcap (on ns-3's devices: enabling it calls shim_set_ns3_devices(s, true)): one file "<prefix>-<node>-<device>.pcap" per point-to-point device
 * (ns-3's naming, PPP link type), or for one device. */
void shim_pcap_enable_all(struct shim_sim *s, const char *dir);
void shim_pcap_enable(struct shim_sim *s, uint32_t dev, const char *dir);
/* The number of devices (ids 0..count-1), and the name of dev's pcap file
 * ("lbsim-<ns-3 node id>-<interface index>.pcap") into buf. */
uint32_t shim_dev_count(const struct shim_sim *s);
void shim_dev_pcap_file(const struct shim_sim *s, uint32_t dev, char *buf, size_t cap);
/* For a backplane switch port: the member device it leads to; otherwise dev. */
uint32_t shim_dev_member(const struct shim_sim *s, uint32_t dev);

#ifdef __cplusplus
}
#endif
#endif
