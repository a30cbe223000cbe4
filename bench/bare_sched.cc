/* bare_sched - ns-3's own event rate: no-op events through ns-3's simulator
 * and scheduler, nothing else (no packets, no devices, no project code), as
 * the yardstick for lbsim's events per wall second (bench/run).
 *
 * K chains of events run side by side: each event does nothing but schedule
 * its chain's next event, delay_ns later, with delay_ns drawn uniformly from
 * [1, 2 x mean] by a xorshift generator (a few ns of work), so the pending
 * set holds K events at every moment, in a varying order, as in a
 * simulation whose pending set is K events.  lbsim's every event schedules
 * about one event too.  Scheduling is Simulator::Schedule(delay, &fn, arg):
 * ns-3's own MakeEvent (one allocation per event) into the scheduler, as
 * ns-3 models and lbsim's shim schedule theirs.  The run stops after
 * --events events (Simulator::Stop from the event that reaches the count).
 *
 * Events are counted as lbsim counts them: Simulator::GetEventCount(), the
 * events ns-3 executed.  wall_s is a steady clock around Simulator::Run;
 * cpu_s the process CPU time over the same span.
 *
 * Usage: bare_sched [--events=20000000] [--pending=128] [--mean-ns=1000]
 *                   [--scheduler=priority-queue|map|heap|calendar|list]
 * Prints one line: key=value ... (events, wall_s, cpu_s, events_per_wall_s,
 * events_per_cpu_s). */
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <string>

#include <ns3/core-module.h>

using namespace ns3;

namespace
{

uint64_t g_rng = 0x9e3779b97f4a7c15ULL;
uint64_t g_limit;
uint64_t g_run;
uint64_t g_span; /* 2 x mean */

uint64_t
Next()
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

void
Tick(uint32_t chain)
{
    if (++g_run >= g_limit)
    {
        Simulator::Stop();
        return;
    }
    Simulator::Schedule(NanoSeconds(static_cast<int64_t>(1 + Next() % g_span)), &Tick, chain);
}

double
CpuNow()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint64_t events = 20000000;
    uint32_t pending = 128;
    uint64_t meanNs = 1000;
    std::string scheduler = "priority-queue";
    CommandLine cmd(__FILE__);
    cmd.AddValue("events", "events to run", events);
    cmd.AddValue("pending", "events pending at every moment (chains)", pending);
    cmd.AddValue("mean-ns", "mean delay between a chain's events, ns", meanNs);
    cmd.AddValue("scheduler", "priority-queue | map | heap | calendar | list", scheduler);
    cmd.Parse(argc, argv);
    if (events < 1 || pending < 1 || meanNs < 1)
    {
        std::fprintf(stderr, "bare_sched: bad arguments\n");
        return 2;
    }
    ObjectFactory sf;
    if (scheduler == "priority-queue")
        sf.SetTypeId("ns3::PriorityQueueScheduler");
    else if (scheduler == "map")
        sf.SetTypeId("ns3::MapScheduler");
    else if (scheduler == "heap")
        sf.SetTypeId("ns3::HeapScheduler");
    else if (scheduler == "calendar")
        sf.SetTypeId("ns3::CalendarScheduler");
    else if (scheduler == "list")
        sf.SetTypeId("ns3::ListScheduler");
    else
    {
        std::fprintf(stderr, "bare_sched: --scheduler=%s: unknown\n", scheduler.c_str());
        return 2;
    }
    Simulator::SetScheduler(sf);
    g_limit = events;
    g_span = 2 * meanNs;
    for (uint32_t c = 0; c < pending; c++)
    {
        Simulator::Schedule(NanoSeconds(static_cast<int64_t>(1 + Next() % g_span)), &Tick, c);
    }
    auto t0 = std::chrono::steady_clock::now();
    double c0 = CpuNow();
    Simulator::Run();
    double c1 = CpuNow();
    auto t1 = std::chrono::steady_clock::now();
    double wall = std::chrono::duration<double>(t1 - t0).count();
    double cpu = c1 - c0;
    uint64_t n = Simulator::GetEventCount();
    Simulator::Destroy();
    std::printf("scheduler=%s pending=%" PRIu32 " mean_ns=%" PRIu64 " events=%" PRIu64
                " wall_s=%.6f cpu_s=%.6f events_per_wall_s=%.0f events_per_cpu_s=%.0f\n",
                scheduler.c_str(), pending, meanNs, n, wall, cpu,
                wall > 0 ? static_cast<double>(n) / wall : 0.0, cpu > 0 ? static_cast<double>(n) / cpu : 0.0);
    return 0;
}
