// shim_devices.cc - the shim's device queries, faults and pcap (shim.h):
// what a device is and where it leads, devices, links and nodes going down
// and up, lossy links, and which packet path carries the packets (the
// shim's own links, or ns-3's devices, which pcap needs).
#include "shim.h"
#include "shim_internal.h"

#include <cstdio>
#include <string>

using namespace ns3;
using namespace lbshim;

extern "C"
{

    uint32_t shim_dev_node(const struct shim_sim* s, uint32_t dev)
    {
        NS_ASSERT(dev < s->devs.size());
        return s->devs[dev].node;
    }

    uint32_t shim_dev_peer(const struct shim_sim* s, uint32_t dev)
    {
        NS_ASSERT(dev < s->devs.size());
        return s->devs[dev].peer;
    }

    void shim_dev_set_up(struct shim_sim* s, uint32_t dev, bool up)
    {
        NS_ASSERT(dev < s->devs.size());
        s->devs[dev].up = up;
    }

    bool shim_dev_is_up(const struct shim_sim* s, uint32_t dev)
    {
        NS_ASSERT(dev < s->devs.size());
        return s->devs[dev].up && s->node_up[s->devs[dev].node];
    }

    void shim_link_set_up(struct shim_sim* s, uint32_t dev, bool up)
    {
        shim_dev_set_up(s, dev, up);
        shim_dev_set_up(s, s->devs[dev].peer, up);
    }

    void shim_node_set_up(struct shim_sim* s, uint32_t node, bool up)
    {
        NS_ASSERT(node < s->nodes.size());
        s->node_up[node] = up;
    }

    void shim_link_set_loss(struct shim_sim* s, uint32_t dev, double loss)
    {
        NS_ASSERT(dev < s->devs.size());
        s->devs[dev].loss = loss;
        s->devs[s->devs[dev].peer].loss = loss;
    }

    void shim_set_ns3_devices(struct shim_sim* s, bool on)
    {
        NS_ABORT_MSG_IF(s->sent_any && on != s->ns3_devices,
                        "shim_set_ns3_devices: the packet path is chosen before the first send");
        s->ns3_devices = on;
    }

    bool shim_ns3_devices(const struct shim_sim* s)
    {
        return s->ns3_devices;
    }

    void shim_pcap_enable_all(struct shim_sim* s, const char* dir)
    {
        shim_set_ns3_devices(s, true);
        s->p2p.EnablePcapAll(std::string(dir) + "/lbsim", false);
    }

    uint32_t shim_dev_count(const struct shim_sim* s)
    {
        return static_cast<uint32_t>(s->devs.size());
    }

    void shim_dev_pcap_file(const struct shim_sim* s, uint32_t dev, char* buf, size_t cap)
    {
        NS_ASSERT(dev < s->devs.size());
        const Ptr<PointToPointNetDevice>& nd = s->devs[dev].nd;
        snprintf(buf, cap, "lbsim-%u-%u.pcap", nd->GetNode()->GetId(), nd->GetIfIndex());
    }

    uint32_t shim_dev_member(const struct shim_sim* s, uint32_t dev)
    {
        NS_ASSERT(dev < s->devs.size());
        return s->devs[dev].kind == DEV_SWITCH ? s->devs[dev].member : dev;
    }

    void shim_pcap_enable(struct shim_sim* s, uint32_t dev, const char* dir)
    {
        NS_ASSERT(dev < s->devs.size());
        shim_set_ns3_devices(s, true);
        s->p2p.EnablePcap(std::string(dir) + "/lbsim", s->devs[dev].nd, false, false);
    }
}
