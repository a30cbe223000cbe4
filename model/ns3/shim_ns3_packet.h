// shim_ns3_packet.h - what the shim puts on ns-3's Packets when ns-3's
// devices carry them (pcap, shim_set_ns3_devices): the caller's bytes as a
// header and, on a backplane, the destination member device as a tag.
// Included by shim.cc only.
#ifndef LB_NS3_SHIM_NS3_PACKET_H
#define LB_NS3_SHIM_NS3_PACKET_H

#include <cstdint>
#include <ostream>

#include <ns3/header.h>
#include <ns3/tag.h>

namespace lbshim
{

// Destination member device of a backplane packet, read by the switch.
class ShimDstTag : public ns3::Tag
{
  public:
    uint32_t dst = 0;

    static ns3::TypeId GetTypeId()
    {
        static ns3::TypeId tid =
            ns3::TypeId("lbsim::ShimDstTag").SetParent<ns3::Tag>().AddConstructor<ShimDstTag>();
        return tid;
    }

    ns3::TypeId GetInstanceTypeId() const override
    {
        return GetTypeId();
    }

    uint32_t GetSerializedSize() const override
    {
        return 4;
    }

    void Serialize(ns3::TagBuffer i) const override
    {
        i.WriteU32(dst);
    }

    void Deserialize(ns3::TagBuffer i) override
    {
        dst = i.ReadU32();
    }

    void Print(std::ostream& os) const override
    {
        os << "dst=" << dst;
    }
};

// The caller's bytes as an ns-3 header, so a packet is built as zero padding
// (a virtual zero area, no memory) with the bytes prepended: one small
// allocation per packet instead of a buffer for the bytes plus a merge.
class ShimRawHeader : public ns3::Header
{
  public:
    const uint8_t* bytes = nullptr;
    uint32_t len = 0;

    static ns3::TypeId GetTypeId()
    {
        static ns3::TypeId tid = ns3::TypeId("lbsim::ShimRawHeader").SetParent<ns3::Header>();
        return tid;
    }

    ns3::TypeId GetInstanceTypeId() const override
    {
        return GetTypeId();
    }

    uint32_t GetSerializedSize() const override
    {
        return len;
    }

    void Serialize(ns3::Buffer::Iterator i) const override
    {
        i.Write(bytes, len);
    }

    uint32_t Deserialize(ns3::Buffer::Iterator) override
    {
        return 0; // never read back as a header: receivers copy bytes
    }

    void Print(std::ostream& os) const override
    {
        os << "raw " << len << " bytes";
    }
};

} // namespace lbshim

#endif
