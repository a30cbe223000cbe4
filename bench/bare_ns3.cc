/* bare_ns3 - the project's world built with ns-3 alone (no project code), as a
 * yardstick for lbsim's speed in packets per wall second and events per second.
 *
 * Topology (as model/sim/world.c builds it through model/ns3/shim.cc, minus
 * the backplane): C client nodes -- router (point-to-point, client links);
 * router -- cluster node i (uplinks); cluster node i -- server i (server
 * links).  Every device queue is a DropTail queue of `queue` packets, with
 * no queue disc above it (--qdisc keeps ns-3's default FqCoDel).
 *
 * Forwarding: ns-3's own IPv4 stack (InternetStackHelper, one /30 per link,
 * Ipv4GlobalRoutingHelper::PopulateRoutingTables).  lbsim sends every flow
 * to one VIP that every node advertises; global routing cannot route an
 * anycast address, so flow f goes to server hash(f) % N instead, and the
 * router reaches it by its routing table (one shortest path per server, so
 * ns-3's ECMP is never exercised; 3.37 offers only per-packet
 * RandomEcmpRouting, no flow-based ECMP, and it is left off).
 *
 * Traffic: F constant-rate UDP flows of R packets/s, S bytes per IP packet
 * (payload S - 28), flow f on client f % C, first packet at a uniform random
 * phase within the first interval (as lbsim's initial flows), for the whole
 * duration D.  One lean Application per client holds its flows; each flow is
 * its own timer event, sending with Socket::SendTo on the client's one UDP
 * socket (lbsim likewise schedules one event per packet per flow).  Servers
 * run a PacketSink on port 9; received counts its Rx trace.  sent counts
 * MacTx on the client devices (what reached a client's device queue).
 *
 * Usage: bare_ns3 [--nodes=4] [--clients=16] [--flows=2000] [--rate=50]
 *                 [--size=1000] [--duration=5] [--queue=1000]
 *                 [--scheduler=map|heap|calendar] [--seed=1] [--qdisc]
 * Prints one line: key=value ... (sent, received, events, wall_s,
 * pkts_per_wall_s, events_per_wall_s, ...).  wall_s is a steady clock
 * around Simulator::Run only (setup_s: from the start of main to Run, the
 * topology, stack, routing tables and applications); events is
 * Simulator::GetEventCount(), the events executed. */
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>

using namespace ns3;

namespace
{

uint64_t g_sent;
uint64_t g_received;

void
OnMacTx(Ptr<const Packet>)
{
    g_sent++;
}

void
OnSinkRx(Ptr<const Packet>, const Address&)
{
    g_received++;
}

uint32_t
Mix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* All the flows of one client: one UDP socket, one timer event per packet. */
class FlowSender : public Application
{
  public:
    struct Flow
    {
        uint32_t dst; /* index into m_dsts */
        Time phase;
    };

    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("BareFlowSender").SetParent<Application>().AddConstructor<FlowSender>();
        return tid;
    }

    void Setup(std::vector<InetSocketAddress> dsts, uint32_t payload, Time interval, Time end)
    {
        m_dsts = std::move(dsts);
        m_payload = payload;
        m_interval = interval;
        m_end = end;
    }

    void AddFlow(uint32_t dst, Time phase)
    {
        m_flows.push_back(Flow{dst, phase});
    }

  private:
    void StartApplication() override
    {
        m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
        m_socket->Bind();
        for (uint32_t i = 0; i < m_flows.size(); i++)
        {
            Simulator::Schedule(m_flows[i].phase, &FlowSender::Send, this, i);
        }
    }

    void StopApplication() override
    {
        if (m_socket)
        {
            m_socket->Close();
        }
    }

    void Send(uint32_t i)
    {
        m_socket->SendTo(Create<Packet>(m_payload), 0, m_dsts[m_flows[i].dst]);
        if (Simulator::Now() + m_interval < m_end)
        {
            Simulator::Schedule(m_interval, &FlowSender::Send, this, i);
        }
    }

    std::vector<InetSocketAddress> m_dsts;
    std::vector<Flow> m_flows;
    uint32_t m_payload = 0;
    Time m_interval;
    Time m_end;
    Ptr<Socket> m_socket;
};

/* Ipv4AddressHelper::Assign puts ns-3's default root queue disc (FqCoDel) on
 * each device; without --qdisc it is removed again, so that packets queue
 * in the device's DropTail queue alone, as in the project's shim. */
void
Connect(PointToPointHelper& p2p,
        Ptr<Node> a,
        Ptr<Node> b,
        Ipv4AddressHelper& addr,
        bool qdisc,
        NetDeviceContainer* devs,
        Ipv4InterfaceContainer* ifs)
{
    *devs = p2p.Install(a, b);
    *ifs = addr.Assign(*devs);
    addr.NewNetwork();
    if (!qdisc)
    {
        TrafficControlHelper().Uninstall(*devs);
    }
}

} // namespace

int
main(int argc, char* argv[])
{
    auto tStart = std::chrono::steady_clock::now();
    uint32_t nodes = 4, clients = 16, flows = 2000, size = 1000, queue = 1000, seed = 1;
    double rate = 50, duration = 5;
    std::string scheduler = "heap";
    bool qdisc = false;
    CommandLine cmd(__FILE__);
    cmd.AddValue("nodes", "cluster nodes (and servers)", nodes);
    cmd.AddValue("clients", "client nodes", clients);
    cmd.AddValue("flows", "constant-rate UDP flows, all running from t = 0", flows);
    cmd.AddValue("rate", "packets per second per flow", rate);
    cmd.AddValue("size", "bytes per IP packet (UDP payload = size - 28)", size);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("queue", "device queue length, packets", queue);
    cmd.AddValue("scheduler", "map | heap | calendar", scheduler);
    cmd.AddValue("seed", "RNG seed", seed);
    cmd.AddValue("qdisc", "keep ns-3's default root queue disc (FqCoDel) on every device", qdisc);
    cmd.Parse(argc, argv);
    if (nodes < 1 || clients < 1 || rate <= 0 || duration <= 0 || size < 28 + 1)
    {
        std::fprintf(stderr, "bare_ns3: bad arguments\n");
        return 2;
    }

    ObjectFactory sf;
    if (scheduler == "map")
        sf.SetTypeId("ns3::MapScheduler");
    else if (scheduler == "heap")
        sf.SetTypeId("ns3::HeapScheduler");
    else if (scheduler == "calendar")
        sf.SetTypeId("ns3::CalendarScheduler");
    else
    {
        std::fprintf(stderr, "bare_ns3: --scheduler=%s: not map, heap or calendar\n", scheduler.c_str());
        return 2;
    }
    Simulator::SetScheduler(sf);
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(1);
    Config::SetDefault("ns3::Ipv4GlobalRouting::RandomEcmpRouting", BooleanValue(false));

    NodeContainer clientNodes, lbNodes, serverNodes;
    Ptr<Node> router = CreateObject<Node>();
    clientNodes.Create(clients);
    lbNodes.Create(nodes);
    serverNodes.Create(nodes);
    NodeContainer all(clientNodes, lbNodes, serverNodes);
    all.Add(router);
    InternetStackHelper stack;
    stack.Install(all);

    std::string q = std::to_string(queue) + "p";
    PointToPointHelper clientLink, uplink, serverLink;
    clientLink.SetDeviceAttribute("DataRate", StringValue("100Gbps"));
    clientLink.SetChannelAttribute("Delay", StringValue("20us"));
    clientLink.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(q));
    uplink.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    uplink.SetChannelAttribute("Delay", StringValue("5us"));
    uplink.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(q));
    serverLink.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
    serverLink.SetChannelAttribute("Delay", StringValue("5us"));
    serverLink.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(q));

    Ipv4AddressHelper addr("10.0.0.0", "255.255.255.252");
    NetDeviceContainer devs;
    Ipv4InterfaceContainer ifs;
    for (uint32_t c = 0; c < clients; c++)
    {
        Connect(clientLink, clientNodes.Get(c), router, addr, qdisc, &devs, &ifs);
        devs.Get(0)->TraceConnectWithoutContext("MacTx", MakeCallback(&OnMacTx));
    }
    std::vector<InetSocketAddress> dsts;
    const uint16_t port = 9;
    for (uint32_t i = 0; i < nodes; i++)
    {
        Connect(uplink, router, lbNodes.Get(i), addr, qdisc, &devs, &ifs);
        Connect(serverLink, lbNodes.Get(i), serverNodes.Get(i), addr, qdisc, &devs, &ifs);
        dsts.emplace_back(ifs.GetAddress(1), port);
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    PacketSinkHelper sinkHelper("ns3::UdpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
    ApplicationContainer sinks = sinkHelper.Install(serverNodes);
    for (uint32_t i = 0; i < sinks.GetN(); i++)
    {
        sinks.Get(i)->TraceConnectWithoutContext("Rx", MakeCallback(&OnSinkRx));
    }
    sinks.Start(Seconds(0));

    Time interval = Seconds(1.0 / rate);
    Time end = Seconds(duration);
    std::vector<Ptr<FlowSender>> senders;
    for (uint32_t c = 0; c < clients; c++)
    {
        Ptr<FlowSender> s = CreateObject<FlowSender>();
        s->Setup(dsts, size - 28, interval, end);
        clientNodes.Get(c)->AddApplication(s);
        s->SetStartTime(Seconds(0));
        senders.push_back(s);
    }
    Ptr<UniformRandomVariable> u = CreateObject<UniformRandomVariable>();
    for (uint32_t f = 0; f < flows; f++)
    {
        Time phase = NanoSeconds(static_cast<int64_t>(u->GetValue(0, 1) * static_cast<double>(interval.GetNanoSeconds())));
        senders[f % clients]->AddFlow(Mix32(f) % nodes, phase);
    }

    Simulator::Stop(end);
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    double wall = std::chrono::duration<double>(t1 - t0).count();
    uint64_t events = Simulator::GetEventCount();
    Simulator::Destroy();

    std::printf("scheduler=%s nodes=%" PRIu32 " clients=%" PRIu32 " flows=%" PRIu32 " rate=%g size=%" PRIu32
                " duration=%g sent=%" PRIu64 " received=%" PRIu64 " events=%" PRIu64
                " wall_s=%.6f setup_s=%.6f pkts_per_wall_s=%.0f events_per_wall_s=%.0f\n",
                scheduler.c_str(), nodes, clients, flows, rate, size, duration, g_sent, g_received, events, wall,
                std::chrono::duration<double>(t0 - tStart).count(),
                wall > 0 ? static_cast<double>(g_sent) / wall : 0.0,
                wall > 0 ? static_cast<double>(events) / wall : 0.0);
    return 0;
}
