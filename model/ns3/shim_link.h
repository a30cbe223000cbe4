// shim_link.h - the shim's point-to-point links without ns-3's devices.
//
// A link end (a "port") does what ns-3 3.37's PointToPointNetDevice and
// PointToPointChannel do to a packet, with the same events in the same order
// (point-to-point-net-device.cc Send / TransmitStart / TransmitComplete,
// point-to-point-channel.cc TransmitStart):
//   - a port is READY or BUSY; a packet sent to a READY port starts at once,
//     one sent to a BUSY port waits in its DropTail queue of `queue` packets
//     (FIFO), or is refused when the queue holds `queue` packets;
//   - starting a packet of s bytes (wire length + the 2-byte PPP header)
//     schedules, in this order, the end of its transmission after
//     tx = DataRate::CalculateBytesTxTime(s) (ns-3's own function, so the
//     rounding is ns-3's) and its arrival at the peer after tx + delay;
//   - the end of a transmission makes the port READY and starts the next
//     queued packet, if any.
// So a hop costs ns-3's two events (transmit complete, receive), scheduled
// at the same times in the same order (equal times run in schedule order),
// and a run's results and event count are those of ns-3's devices.  What it
// saves is ns-3's per-packet machinery: Packet objects and their copies,
// PPP header (de)serialisation, trace sources, Queue objects, the rate
// division per packet (cached per packet size).
//
// Packets are LinkPkt records from a pool (no allocation per packet once
// warm): the first min(wire_len, SHIM_RX_BYTES) bytes, zero-padded, which is
// all a receiver sees.  The two events are ShimEvents (below) scheduled
// through ns-3's simulator like any other.
#ifndef LB_NS3_SHIM_LINK_H
#define LB_NS3_SHIM_LINK_H

#include "shim.h"

#include <cstddef>
#include <cstdint>
#include <vector>

#include <ns3/data-rate.h>
#include <ns3/event-impl.h>
#include <ns3/nstime.h>

namespace lbshim
{

// An ns-3 event that calls fn(obj, a, b): what MakeEvent builds, with its
// memory from a free list instead of the heap (ns-3 deletes an event after
// it ran; the class's operator delete puts it back).  Schedule() hands it to
// the simulator as Simulator::Schedule does (same timestamp and next uid, so
// the same order), without building an EventId nobody reads.
class ShimEvent : public ns3::EventImpl
{
  public:
    using Fn = void (*)(void* obj, uint32_t a, void* b);

    ShimEvent(Fn fn, void* obj, uint32_t a, void* b)
        : m_fn(fn),
          m_obj(obj),
          m_b(b),
          m_a(a)
    {
    }

    static void* operator new(std::size_t size);
    static void operator delete(void* p);
    // ShimEvents in existence: scheduled and not yet run (or destroyed)
    static uint64_t Live();

    // Schedules a new event fn(obj, a, b) delay from now; returns it (for
    // EventImpl::Cancel while it is pending).
    static ShimEvent* Schedule(const ns3::Time& delay, Fn fn, void* obj, uint32_t a, void* b);

  protected:
    void Notify() override
    {
        m_fn(m_obj, m_a, m_b);
    }

  private:
    Fn m_fn;
    void* m_obj;
    void* m_b;
    uint32_t m_a;
};

struct LinkPkt
{
    LinkPkt* next = nullptr; // free list
    uint32_t wire_len = 0;   // bytes on the wire, without the PPP header
    uint32_t n = 0;          // bytes present: min(wire_len, SHIM_RX_BYTES)
    uint32_t dst = 0;        // backplane: destination member device
    uint16_t protocol = 0;   // PPP protocol (as ethertype)
    uint8_t bytes[SHIM_RX_BYTES];
};

// Called when a packet arrives at port dev (the receiving end); the callee
// owns p from then on (Free it or Send it on).
using ArriveFn = void (*)(void* ctx, uint32_t dev, LinkPkt* p);

class Links
{
  public:
    Links(ArriveFn arrive, void* ctx);
    ~Links();
    Links(const Links&) = delete;
    Links& operator=(const Links&) = delete;

    // Port dev sends to port peer at rate_bps, delay_ns, with a queue of
    // `queue` packets.
    void Add(uint32_t dev, uint32_t peer, uint64_t rate_bps, uint64_t delay_ns, uint32_t queue);
    LinkPkt* Alloc();
    void Free(LinkPkt* p);
    // Sends p out of dev: true when it started or was queued (the link owns
    // it), false when the queue is full (the caller keeps it).
    bool Send(uint32_t dev, LinkPkt* p);

    // the events' bodies
    void Complete(uint32_t dev);
    void Arrive(uint32_t dev, LinkPkt* p)
    {
        m_arrive(m_ctx, dev, p);
    }

  private:
    struct Port
    {
        ns3::DataRate rate;
        ns3::Time delay;
        uint32_t peer = 0;
        uint32_t qmax = 0;
        bool busy = false;
        // FIFO ring, grown by doubling up to qmax
        std::vector<LinkPkt*> ring;
        uint32_t head = 0, len = 0;
        // CalculateBytesTxTime for the last two sizes (data, control)
        uint32_t size[2] = {0, 0};
        ns3::Time tx[2];
    };

    void Start(uint32_t dev, Port& port, LinkPkt* p);
    ns3::Time TxTime(Port& port, uint32_t bytes);

    std::vector<Port> m_ports;
    ArriveFn m_arrive;
    void* m_ctx;
    LinkPkt* m_free = nullptr;
    std::vector<LinkPkt*> m_chunks;
};

} // namespace lbshim

#endif
