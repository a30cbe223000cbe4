// shim_internal.h - the shim's state, shared by its C API's files
// (shim.cc: simulator, events, packets; shim_devices.cc: device queries,
// faults, pcap).  Internal to model/ns3.
#ifndef LB_SHIM_INTERNAL_H
#define LB_SHIM_INTERNAL_H

#include "shim.h"
#include "shim_link.h"

#include <cstdint>
#include <vector>

#include <ns3/core-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

namespace lbshim
{

enum DevKind
{
    DEV_P2P,
    DEV_MEMBER, // a member's backplane device
    DEV_SWITCH, // a switch port
};

struct Dev
{
    ns3::Ptr<ns3::PointToPointNetDevice> nd;
    uint32_t node = 0;
    uint32_t peer = 0; // device at the other end of the link
    uint32_t member = 0; // for DEV_SWITCH: the member device this port leads to
    DevKind kind = DEV_P2P;
    bool up = true;
    double loss = 0;
};

struct Slot
{
    lbshim::ShimEvent* ev = nullptr; // while pending
    shim_event_fn fn = nullptr;
    void* user = nullptr;
    uint32_t gen = 1;
    bool busy = false;
};

void NativeArrive(void* ctx, uint32_t dev, lbshim::LinkPkt* p);
void SlotFire(void* sim, uint32_t idx, void*);

} // namespace lbshim

struct shim_rng
{
    ns3::Ptr<ns3::UniformRandomVariable> v;
};

struct shim_sim
{
    std::vector<ns3::Ptr<ns3::Node>> nodes;
    std::vector<bool> node_up;
    std::vector<lbshim::Dev> devs;
    std::vector<lbshim::Slot> slots;
    std::vector<uint32_t> free_slots;
    std::vector<shim_rng*> rngs;
    ns3::Ptr<ns3::UniformRandomVariable> loss_rv;
    shim_rx_fn rx = nullptr;
    shim_drop_fn drop = nullptr;
    void* user = nullptr;
    uint64_t in_flight = 0;
    // Point-to-point devices ignore the destination address; one broadcast
    // address built once saves constructing one per packet.
    ns3::Address broadcast = ns3::Mac48Address::GetBroadcast();
    ns3::PointToPointHelper p2p;
    ns3::EventId until_ev;
    uint64_t until_count = 0;
    bool until_armed = false;
    // the shim's own links carry the packets unless ns3_devices (pcap)
    lbshim::Links links{&lbshim::NativeArrive, this};
    bool ns3_devices = false;
    bool sent_any = false;

    void UntilCheck();

    void Fire(uint32_t idx);
    void Drop(uint32_t dev, ns3::Ptr<const ns3::Packet> p, shim_drop_reason why);
    void Transmit(uint32_t dev, ns3::Ptr<ns3::Packet> p, uint16_t protocol);
    void NativeDrop(uint32_t dev, lbshim::LinkPkt* p, shim_drop_reason why);
    void NativeTransmit(uint32_t dev, lbshim::LinkPkt* p);
    uint32_t AddDev(ns3::Ptr<ns3::NetDevice> nd, uint32_t node, lbshim::DevKind kind);
};


#endif
