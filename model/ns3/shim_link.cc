// shim_link.cc - see shim_link.h.
#include "shim_link.h"

#include <ns3/event-impl.h>
#include <ns3/simulator.h>

using namespace ns3;

namespace lbshim
{

namespace
{

constexpr uint32_t kChunk = 256; // LinkPkt records per pool allocation

// The free list of ShimEvent memory: process-wide, as operator delete is
// static (the shim is single-threaded: shim.h).  Chunks are kept for reuse
// by later simulations, never returned.
union EventSlot {
    EventSlot* next;
    alignas(ShimEvent) unsigned char mem[sizeof(ShimEvent)];
};

EventSlot* g_event_free = nullptr;
uint64_t g_event_live = 0;
constexpr uint32_t kEventChunk = 1024;

void
CompleteThunk(void* links, uint32_t dev, void*)
{
    static_cast<Links*>(links)->Complete(dev);
}

void
ArriveThunk(void* links, uint32_t dev, void* pkt)
{
    static_cast<Links*>(links)->Arrive(dev, static_cast<LinkPkt*>(pkt));
}

} // namespace

void*
ShimEvent::operator new(std::size_t size)
{
    NS_ASSERT(size == sizeof(ShimEvent));
    (void)size;
    if (!g_event_free)
    {
        EventSlot* c = new EventSlot[kEventChunk];
        for (uint32_t i = 0; i < kEventChunk; i++)
        {
            c[i].next = g_event_free;
            g_event_free = &c[i];
        }
    }
    EventSlot* e = g_event_free;
    g_event_free = e->next;
    g_event_live++;
    return e;
}

uint64_t
ShimEvent::Live()
{
    return g_event_live;
}

void
ShimEvent::operator delete(void* p)
{
    EventSlot* e = static_cast<EventSlot*>(p);
    g_event_live--;
    e->next = g_event_free;
    g_event_free = e;
}

// A new event has reference count 1 (as MakeEvent's), which the simulator
// takes over and drops once the event has run (or when it is destroyed).
// ScheduleWithContext with the current context is Schedule without the
// returned EventId (the same timestamp, uid and context).
ShimEvent*
ShimEvent::Schedule(const Time& delay, Fn fn, void* obj, uint32_t a, void* b)
{
    ShimEvent* ev = new ShimEvent(fn, obj, a, b);
    Simulator::ScheduleWithContext(Simulator::GetContext(), delay, ev);
    return ev;
}

Links::Links(ArriveFn arrive, void* ctx)
    : m_arrive(arrive),
      m_ctx(ctx)
{
}

Links::~Links()
{
    for (LinkPkt* c : m_chunks)
    {
        delete[] c;
    }
}

void
Links::Add(uint32_t dev, uint32_t peer, uint64_t rate_bps, uint64_t delay_ns, uint32_t queue)
{
    if (dev >= m_ports.size())
    {
        m_ports.resize(dev + 1);
    }
    Port& p = m_ports[dev];
    p.rate = DataRate(rate_bps);
    p.delay = NanoSeconds(static_cast<int64_t>(delay_ns));
    p.peer = peer;
    p.qmax = queue;
}

LinkPkt*
Links::Alloc()
{
    if (!m_free)
    {
        LinkPkt* c = new LinkPkt[kChunk];
        m_chunks.push_back(c);
        for (uint32_t i = 0; i < kChunk; i++)
        {
            c[i].next = m_free;
            m_free = &c[i];
        }
    }
    LinkPkt* p = m_free;
    m_free = p->next;
    return p;
}

void
Links::Free(LinkPkt* p)
{
    p->next = m_free;
    m_free = p;
}

Time
Links::TxTime(Port& port, uint32_t bytes)
{
    if (port.size[0] == bytes)
    {
        return port.tx[0];
    }
    if (port.size[1] != bytes)
    {
        port.size[1] = bytes;
        port.tx[1] = port.rate.CalculateBytesTxTime(bytes);
    }
    // most recent first
    std::swap(port.size[0], port.size[1]);
    std::swap(port.tx[0], port.tx[1]);
    return port.tx[0];
}

// TransmitStart: the end of transmission first, then the arrival.
void
Links::Start(uint32_t dev, Port& port, LinkPkt* p)
{
    port.busy = true;
    Time tx = TxTime(port, p->wire_len + 2); // + the PPP header
    ShimEvent::Schedule(tx, &CompleteThunk, this, dev, nullptr);
    ShimEvent::Schedule(tx + port.delay, &ArriveThunk, this, port.peer, p);
}

bool
Links::Send(uint32_t dev, LinkPkt* p)
{
    Port& port = m_ports[dev];
    if (!port.busy)
    {
        Start(dev, port, p); // READY means the queue is empty
        return true;
    }
    if (port.len >= port.qmax)
    {
        return false;
    }
    if (port.len == port.ring.size())
    {
        // grow (amortised, up to qmax): unwrap into the new ring
        std::vector<LinkPkt*> r(port.ring.empty() ? 16 : 2 * port.ring.size());
        for (uint32_t i = 0; i < port.len; i++)
        {
            r[i] = port.ring[(port.head + i) % port.ring.size()];
        }
        port.ring.swap(r);
        port.head = 0;
    }
    port.ring[(port.head + port.len) % port.ring.size()] = p;
    port.len++;
    return true;
}

void
Links::Complete(uint32_t dev)
{
    Port& port = m_ports[dev];
    port.busy = false;
    if (port.len == 0)
    {
        return;
    }
    LinkPkt* p = port.ring[port.head];
    port.head = (port.head + 1) % static_cast<uint32_t>(port.ring.size());
    port.len--;
    Start(dev, port, p);
}

} // namespace lbshim
