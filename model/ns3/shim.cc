// shim.cc - the C API of shim.h over ns-3 3.37: the simulator, events, topology
// and packets (device queries, faults and pcap: shim_devices.cc).  See shim.h
// for semantics.
//
// Per-packet cost: device records are found by index (the device's id), the
// receive path copies at most SHIM_RX_BYTES, padding is ns-3 zero-area bytes
// (no copy), and events live in a recycled slot table.
//
// Two packet paths with the same events and results: the shim's own links
// (shim_link.h, the default) and ns-3's PointToPointNetDevices (what pcap
// needs; shim_set_ns3_devices).  Both apply the same node, device, loss and
// switch rules below (Transmit / ReceiveOn and NativeTransmit / NativeArrive).
#include "shim.h"
#include "shim_internal.h"
#include "shim_link.h"
#include "shim_ns3_packet.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <ns3/core-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/ppp-header.h>

using namespace ns3;
using namespace lbshim;
using lbshim::ShimDstTag;
using lbshim::ShimRawHeader;

namespace
{
bool g_exists = false;
} // namespace

void
shim_sim::Fire(uint32_t idx)
{
    Slot& s = slots[idx];
    shim_event_fn fn = s.fn;
    void* user = s.user;
    s.busy = false;
    s.ev = nullptr;
    s.gen++;
    free_slots.push_back(idx);
    fn(user);
}

void
shim_sim::Drop(uint32_t dev, Ptr<const Packet> p, shim_drop_reason why)
{
    uint8_t buf[SHIM_RX_BYTES];
    uint32_t n = p->CopyData(buf, sizeof buf);
    in_flight--;
    if (drop)
    {
        drop(user, devs[dev].node, dev, buf, n, why, Simulator::Now().GetNanoSeconds());
    }
}

// Enqueue on a device; a full queue is a drop now.
void
shim_sim::Transmit(uint32_t dev, Ptr<Packet> p, uint16_t protocol)
{
    Dev& d = devs[dev];
    if (!node_up[d.node])
    {
        Drop(dev, p, SHIM_DROP_NODE_DOWN);
        return;
    }
    if (!d.up)
    {
        Drop(dev, p, SHIM_DROP_DEVICE_DOWN);
        return;
    }
    if (!d.nd->Send(p, broadcast, protocol))
    {
        // the device added its PPP header before the queue refused the packet
        PppHeader ppp;
        p->RemoveHeader(ppp);
        Drop(dev, p, SHIM_DROP_QUEUE_FULL);
    }
}

// Every device's receive callback, bound to (sim, device id) so the
// per-packet path indexes a vector instead of searching.
static bool
ReceiveOn(shim_sim* s, uint32_t di, Ptr<NetDevice>, Ptr<const Packet> p, uint16_t protocol, const Address&)
{
    Dev& d = s->devs[di];
    if (!s->node_up[d.node])
    {
        s->Drop(di, p, SHIM_DROP_NODE_DOWN);
        return true;
    }
    if (!d.up)
    {
        s->Drop(di, p, SHIM_DROP_DEVICE_DOWN);
        return true;
    }
    if (d.loss > 0 && s->loss_rv->GetValue() < d.loss)
    {
        s->Drop(di, p, SHIM_DROP_LINK_LOSS);
        return true;
    }
    if (d.kind == DEV_SWITCH)
    {
        ShimDstTag tag;
        bool has = p->PeekPacketTag(tag);
        NS_ASSERT(has);
        (void)has;
        // out of the switch port that leads to the destination member
        s->Transmit(s->devs[tag.dst].peer, p->Copy(), protocol);
        return true;
    }
    uint8_t buf[SHIM_RX_BYTES];
    uint32_t n = p->CopyData(buf, sizeof buf);
    s->in_flight--;
    if (s->rx)
    {
        s->rx(s->user, d.node, di, buf, n, p->GetSize(), Simulator::Now().GetNanoSeconds());
    }
    return true;
}

namespace lbshim
{

void
SlotFire(void* sim, uint32_t idx, void*)
{
    static_cast<shim_sim*>(sim)->Fire(idx);
}

} // namespace lbshim

// The native path: Transmit and ReceiveOn on the shim's own links.
void
shim_sim::NativeDrop(uint32_t dev, lbshim::LinkPkt* p, shim_drop_reason why)
{
    in_flight--;
    if (drop)
    {
        drop(user, devs[dev].node, dev, p->bytes, p->n, why, Simulator::Now().GetNanoSeconds());
    }
    links.Free(p);
}

void
shim_sim::NativeTransmit(uint32_t dev, lbshim::LinkPkt* p)
{
    Dev& d = devs[dev];
    if (!node_up[d.node])
    {
        NativeDrop(dev, p, SHIM_DROP_NODE_DOWN);
        return;
    }
    if (!d.up)
    {
        NativeDrop(dev, p, SHIM_DROP_DEVICE_DOWN);
        return;
    }
    if (!links.Send(dev, p))
    {
        NativeDrop(dev, p, SHIM_DROP_QUEUE_FULL);
    }
}

namespace lbshim
{

void
NativeArrive(void* ctx, uint32_t di, lbshim::LinkPkt* p)
{
    shim_sim* s = static_cast<shim_sim*>(ctx);
    Dev& d = s->devs[di];
    if (!s->node_up[d.node])
    {
        s->NativeDrop(di, p, SHIM_DROP_NODE_DOWN);
        return;
    }
    if (!d.up)
    {
        s->NativeDrop(di, p, SHIM_DROP_DEVICE_DOWN);
        return;
    }
    if (d.loss > 0 && s->loss_rv->GetValue() < d.loss)
    {
        s->NativeDrop(di, p, SHIM_DROP_LINK_LOSS);
        return;
    }
    if (d.kind == DEV_SWITCH)
    {
        // out of the switch port that leads to the destination member
        s->NativeTransmit(s->devs[p->dst].peer, p);
        return;
    }
    s->in_flight--;
    if (s->rx)
    {
        s->rx(s->user, d.node, di, p->bytes, p->n, p->wire_len, Simulator::Now().GetNanoSeconds());
    }
    s->links.Free(p);
}

} // namespace

// The run_until sentinel at t: stops once a sentinel runs right after the
// previous one, i.e. no event at t is left (events scheduled at t by an
// event at t run before the next sentinel).
void
shim_sim::UntilCheck()
{
    uint64_t c = Simulator::GetEventCount();
    if (until_armed && c == until_count + 1)
    {
        until_ev = EventId();
        Simulator::Stop();
        return;
    }
    until_armed = true;
    until_count = c;
    until_ev = Simulator::ScheduleNow(&shim_sim::UntilCheck, this);
}

uint32_t
shim_sim::AddDev(Ptr<NetDevice> nd, uint32_t node, DevKind kind)
{
    Dev d;
    d.nd = DynamicCast<PointToPointNetDevice>(nd);
    d.node = node;
    d.kind = kind;
    devs.push_back(d);
    uint32_t id = static_cast<uint32_t>(devs.size() - 1);
    nd->SetReceiveCallback(MakeBoundCallback(&ReceiveOn, this, id));
    return id;
}

    static int link_nodes(struct shim_sim* s,
                   uint32_t a,
                   uint32_t b,
                   uint64_t rate_bps,
                   uint64_t delay_ns,
                   uint32_t queue_pkts,
                   DevKind kind_a,
                   DevKind kind_b,
                   uint32_t* dev_a,
                   uint32_t* dev_b)
{
    if (a >= s->nodes.size() || b >= s->nodes.size() || a == b || rate_bps == 0 ||
        queue_pkts == 0)
    {
        return -EINVAL;
    }
    s->p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(rate_bps)));
    s->p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(static_cast<int64_t>(delay_ns))));
    s->p2p.SetQueue("ns3::DropTailQueue<Packet>",
                    "MaxSize",
                    QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, queue_pkts)));
    NetDeviceContainer c = s->p2p.Install(s->nodes[a], s->nodes[b]);
    uint32_t da = s->AddDev(c.Get(0), a, kind_a);
    uint32_t db = s->AddDev(c.Get(1), b, kind_b);
    s->devs[da].peer = db;
    s->devs[db].peer = da;
    s->links.Add(da, db, rate_bps, delay_ns, queue_pkts);
    s->links.Add(db, da, rate_bps, delay_ns, queue_pkts);
    *dev_a = da;
    *dev_b = db;
    return 0;
}

extern "C"
{
    void shim_seed_map(uint64_t seed, uint64_t run, uint32_t* ns3_seed, uint64_t* ns3_run)
    {
        uint64_t u = seed - 1; // wraps: seed 0 is the last
        *ns3_seed = static_cast<uint32_t>(1 + u % SHIM_NS3_MAX_SEED);
        *ns3_run = u / SHIM_NS3_MAX_SEED * SHIM_RUNS_PER_SEED + run;
    }

    struct shim_sim* shim_sim_create(uint64_t seed, uint64_t run, enum shim_scheduler sched)
    {
        if (g_exists || run >= SHIM_RUNS_PER_SEED)
        {
            return nullptr;
        }
#define SHIM_SCHED_TYPE_ID(e, name, type_id) type_id,
        static const char* const names[] = {SHIM_SCHEDULERS(SHIM_SCHED_TYPE_ID)};
        if (static_cast<unsigned>(sched) >= sizeof names / sizeof names[0])
        {
            return nullptr;
        }
        uint32_t ns3_seed;
        uint64_t ns3_run;
        shim_seed_map(seed, run, &ns3_seed, &ns3_run);
        RngSeedManager::SetSeed(ns3_seed);
        RngSeedManager::SetRun(ns3_run);
        ObjectFactory f;
        f.SetTypeId(names[sched]);
        Simulator::SetScheduler(f);
        shim_sim* s = new shim_sim;
        s->loss_rv = CreateObject<UniformRandomVariable>();
        s->loss_rv->SetStream(1000);
        s->p2p.SetDeviceAttribute("Mtu", UintegerValue(65535));
        g_exists = true;
        return s;
    }

    void shim_sim_destroy(struct shim_sim* s)
    {
        if (!s)
        {
            return;
        }
        Simulator::Destroy();
        for (shim_rng* r : s->rngs)
        {
            delete r;
        }
        delete s;
        g_exists = false;
    }

    uint64_t shim_now_ns(const struct shim_sim*)
    {
        return static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
    }

    uint64_t shim_schedule(struct shim_sim* s, uint64_t delay_ns, shim_event_fn fn, void* user)
    {
        uint32_t idx;
        if (!s->free_slots.empty())
        {
            idx = s->free_slots.back();
            s->free_slots.pop_back();
        }
        else
        {
            s->slots.emplace_back();
            idx = static_cast<uint32_t>(s->slots.size() - 1);
        }
        Slot& slot = s->slots[idx];
        slot.fn = fn;
        slot.user = user;
        slot.busy = true;
        slot.ev = lbshim::ShimEvent::Schedule(NanoSeconds(static_cast<int64_t>(delay_ns)), &SlotFire, s, idx, nullptr);
        return (static_cast<uint64_t>(slot.gen) << 32) | (idx + 1u);
    }

    bool shim_cancel(struct shim_sim* s, uint64_t handle)
    {
        uint32_t low = static_cast<uint32_t>(handle);
        if (low == 0 || low > s->slots.size())
        {
            return false;
        }
        uint32_t idx = low - 1;
        Slot& slot = s->slots[idx];
        if (!slot.busy || slot.gen != static_cast<uint32_t>(handle >> 32))
        {
            return false;
        }
        slot.ev->Cancel(); // pending (busy, this generation): what Simulator::Cancel does
        slot.ev = nullptr;
        slot.busy = false;
        slot.gen++;
        s->free_slots.push_back(idx);
        return true;
    }

    void shim_run_until(struct shim_sim* s, uint64_t t_ns)
    {
        int64_t now = Simulator::Now().GetNanoSeconds();
        int64_t t = static_cast<int64_t>(t_ns);
        if (t < now)
        {
            return;
        }
        s->until_armed = false;
        s->until_ev = Simulator::Schedule(NanoSeconds(t - now), &shim_sim::UntilCheck, s);
        Simulator::Run();
        Simulator::Cancel(s->until_ev); // still pending after shim_stop()
        s->until_ev = EventId();
    }

    void shim_stop(struct shim_sim*)
    {
        Simulator::Stop();
    }

    uint64_t shim_events_executed(const struct shim_sim*)
    {
        return Simulator::GetEventCount();
    }

    uint64_t shim_events_pending(const struct shim_sim*)
    {
        return lbshim::ShimEvent::Live();
    }

    struct shim_rng* shim_rng_create(struct shim_sim* s, uint64_t stream)
    {
        shim_rng* r = new shim_rng;
        r->v = CreateObject<UniformRandomVariable>();
        r->v->SetStream(static_cast<int64_t>(stream));
        s->rngs.push_back(r);
        return r;
    }

    double shim_rng_uniform(struct shim_rng* r)
    {
        return r->v->GetValue();
    }

    uint32_t shim_node_create(struct shim_sim* s)
    {
        s->nodes.push_back(CreateObject<Node>());
        s->node_up.push_back(true);
        return static_cast<uint32_t>(s->nodes.size() - 1);
    }

    int shim_p2p_connect(struct shim_sim* s,
                         uint32_t node_a,
                         uint32_t node_b,
                         uint64_t rate_bps,
                         uint64_t delay_ns,
                         uint32_t queue_pkts,
                         uint32_t* dev_a,
                         uint32_t* dev_b)
    {
        return link_nodes(s, node_a, node_b, rate_bps, delay_ns, queue_pkts, DEV_P2P, DEV_P2P, dev_a, dev_b);
    }

    int shim_backplane_create(struct shim_sim* s,
                              const uint32_t* nodes,
                              size_t n,
                              uint64_t rate_bps,
                              uint64_t delay_ns,
                              uint32_t queue_pkts,
                              uint32_t* devs)
    {
        if (n == 0)
        {
            return -EINVAL;
        }
        for (size_t i = 0; i < n; i++)
        {
            if (nodes[i] >= s->nodes.size())
            {
                return -EINVAL;
            }
        }
        uint32_t sw = shim_node_create(s);
        for (size_t i = 0; i < n; i++)
        {
            uint32_t member, port;
            int rc = link_nodes(s, nodes[i], sw, rate_bps, delay_ns, queue_pkts, DEV_MEMBER, DEV_SWITCH, &member, &port);
            if (rc < 0)
            {
                return rc;
            }
            s->devs[port].member = member;
            devs[i] = member;
        }
        return 0;
    }

    void shim_set_callbacks(struct shim_sim* s, shim_rx_fn rx, shim_drop_fn drop, void* user)
    {
        s->rx = rx;
        s->drop = drop;
        s->user = user;
    }

    int shim_send(struct shim_sim* s,
                  uint32_t dev,
                  uint32_t dst_dev,
                  const uint8_t* bytes,
                  size_t len,
                  size_t wire_len)
    {
        if (dev >= s->devs.size() || wire_len < len || wire_len > 65535)
        {
            return -EINVAL;
        }
        Dev& d = s->devs[dev];
        if (d.kind == DEV_MEMBER &&
            (dst_dev >= s->devs.size() || s->devs[dst_dev].kind != DEV_MEMBER ||
             s->devs[s->devs[dst_dev].peer].node != s->devs[d.peer].node))
        {
            return -EINVAL;
        }
        // the PPP protocol field says what the bytes are (RFC 1332 IPv4,
        // RFC 5072 IPv6), so captures decode
        uint16_t protocol = len > 0 && bytes[0] >> 4 == 6 ? 0x86DD : 0x0800;
        s->sent_any = true;
        s->in_flight++;
        uint64_t before = s->in_flight;
        if (!s->ns3_devices)
        {
            // what a receiver would copy out of an ns-3 packet: the first
            // min(wire_len, SHIM_RX_BYTES) bytes, zeros after len
            lbshim::LinkPkt* p = s->links.Alloc();
            uint32_t n = wire_len < SHIM_RX_BYTES ? static_cast<uint32_t>(wire_len) : SHIM_RX_BYTES;
            uint32_t c = len < n ? static_cast<uint32_t>(len) : n;
            std::memcpy(p->bytes, bytes, c);
            std::memset(p->bytes + c, 0, n - c);
            p->wire_len = static_cast<uint32_t>(wire_len);
            p->n = n;
            p->dst = dst_dev;
            p->protocol = protocol;
            s->NativeTransmit(dev, p);
            return s->in_flight < before ? 1 : 0;
        }
        Ptr<Packet> p = Create<Packet>(static_cast<uint32_t>(wire_len - len));
        ShimRawHeader raw;
        raw.bytes = bytes;
        raw.len = static_cast<uint32_t>(len);
        p->AddHeader(raw);
        if (d.kind == DEV_MEMBER)
        {
            ShimDstTag tag;
            tag.dst = dst_dev;
            p->AddPacketTag(tag);
        }
        s->Transmit(dev, p, protocol);
        return s->in_flight < before ? 1 : 0;
    }

    uint64_t shim_in_flight(const struct shim_sim* s)
    {
        return s->in_flight;
    }

}
