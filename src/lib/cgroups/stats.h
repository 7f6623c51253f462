// Resource-usage statistics of a container's cgroup, for `berth events`.
//
// The runtime spec defines no stats format; `runc events` is the de facto one
// (its types/events.go), so the model below mirrors those fields and
// stats_event_json() writes the same JSON shape and names. Units follow runc
// as well: CPU times are nanoseconds on both cgroup versions (v2's *_usec
// values are converted), memory and I/O are bytes.
//
// The parse_* functions are pure (text in, values out) so they are tested on
// canned file contents; read_stats_v1/v2 only open files and call them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
// parse_go_duration, for `events --interval`, lives in duration.h; included here so
// the events command needs one header.
#include "cgroups/duration.h"

namespace berth::cgroups {

/// The value a "max" limit (v2) reads as. runc reports math.MaxUint64 too.
inline constexpr uint64_t kStatUnlimited = UINT64_MAX;

struct CpuStats {
  uint64_t total_ns = 0;   // v2 cpu.stat usage_usec; v1 cpuacct.usage
  uint64_t user_ns = 0;    // v2 user_usec; v1 cpuacct.usage_user (or cpuacct.stat ticks)
  uint64_t kernel_ns = 0;  // v2 system_usec; v1 cpuacct.usage_sys (or cpuacct.stat ticks)
  std::vector<uint64_t> percpu_ns;         // v1 only: cpuacct.usage_percpu
  std::vector<uint64_t> percpu_user_ns;    // v1 only: cpuacct.usage_percpu_user
  std::vector<uint64_t> percpu_kernel_ns;  // v1 only: cpuacct.usage_percpu_sys
  uint64_t periods = 0;             // nr_periods
  uint64_t throttled_periods = 0;   // nr_throttled
  uint64_t throttled_time_ns = 0;   // v2 throttled_usec; v1 cpu.stat throttled_time
  bool operator==(const CpuStats&) const = default;
};

struct CpusetStats {
  std::vector<uint16_t> cpus;  // v2 cpuset.cpus.effective; v1 cpuset.effective_cpus
  std::vector<uint16_t> mems;
  // v1-only flag files cpuset.<name>; zero on v2, as in runc.
  uint64_t cpu_exclusive = 0;
  uint64_t mem_hardwall = 0;
  uint64_t mem_exclusive = 0;
  uint64_t memory_migrate = 0;
  uint64_t memory_spread_page = 0;
  uint64_t memory_spread_slab = 0;
  uint64_t memory_pressure = 0;
  uint64_t sched_load_balance = 0;
  int64_t sched_relax_domain_level = 0;
  bool operator==(const CpusetStats&) const = default;
};

struct MemoryEntry {
  uint64_t usage = 0;
  uint64_t max_usage = 0;  // v1 *.max_usage_in_bytes; v2 memory.peak (kernel >= 5.19)
  uint64_t limit = 0;      // kStatUnlimited for v2 "max"
  uint64_t failcnt = 0;    // v1 *.failcnt; v2 memory.events "max"
  bool operator==(const MemoryEntry&) const = default;
};

struct MemoryStats {
  MemoryEntry usage;       // memory.current / memory.usage_in_bytes
  // Memory plus swap, the v1 memsw meaning that runc reports on both versions:
  // on v2 it is memory.current + memory.swap.current (limit likewise, unless "max").
  MemoryEntry swap;
  MemoryEntry kernel;      // v1 memory.kmem.*
  MemoryEntry kernel_tcp;  // v1 memory.kmem.tcp.*
  uint64_t cache = 0;      // memory.stat "cache" (v1) / "file" (v2)
  std::map<std::string, uint64_t> stat;  // every memory.stat line
  bool operator==(const MemoryStats&) const = default;
};

struct PidsStats {
  uint64_t current = 0;
  uint64_t limit = 0;  // kStatUnlimited for "max"
  bool operator==(const PidsStats&) const = default;
};

struct BlkioEntry {
  uint64_t major = 0;
  uint64_t minor = 0;
  std::string op;  // "Read", "Write", "Discard" (v2); v1 also "Sync", "Async", "Total"
  uint64_t value = 0;
  bool operator==(const BlkioEntry&) const = default;
};

struct BlkioStats {
  std::vector<BlkioEntry> io_service_bytes_recursive;  // bytes
  std::vector<BlkioEntry> io_serviced_recursive;       // operations
  bool operator==(const BlkioStats&) const = default;
};

struct HugetlbStats {
  uint64_t usage = 0;
  uint64_t max_usage = 0;  // v1 only
  uint64_t failcnt = 0;    // v1 failcnt; v2 hugetlb.<size>.events "max"
  bool operator==(const HugetlbStats&) const = default;
};

/// v2 memory.events (and the matching v1 memory.oom_control "oom_kill" line).
struct MemoryEvents {
  uint64_t low = 0;
  uint64_t high = 0;
  uint64_t max = 0;
  uint64_t oom = 0;
  uint64_t oom_kill = 0;
  uint64_t oom_group_kill = 0;
  bool operator==(const MemoryEvents&) const = default;
};

struct Stats {
  CpuStats cpu;
  CpusetStats cpuset;
  MemoryStats memory;
  PidsStats pids;
  BlkioStats blkio;
  std::map<std::string, HugetlbStats> hugetlb;  // page size as in the file names: "2MB"
  // Counters for the OOM notifications of `events`: "oom" (v2 memory.events; v1 has
  // no such counter and leaves it 0) and "oom_kill" (v2 memory.events, v1
  // memory.oom_control, kernel >= 4.13). Emit an oom event when either grows.
  uint64_t oom_events = 0;
  uint64_t oom_kill = 0;
  bool operator==(const Stats&) const = default;
};

// ---- pure parsers (text of one file in, values out) ----

/// A single-value file ("123\n"); "max" reads as kStatUnlimited.
Result<uint64_t> parse_cgroup_uint(std::string_view text);
/// Same, signed (cpuset.sched_relax_domain_level is -1 by default).
Result<int64_t> parse_cgroup_int(std::string_view text);
/// "key value" lines (cpu.stat, memory.stat, memory.events, cpuacct.stat, ...).
Result<std::map<std::string, uint64_t>> parse_flat_keyed(std::string_view text);
/// v2 cpu.stat: usage_usec, user_usec, system_usec, nr_periods, nr_throttled,
/// throttled_usec (usec converted to ns). Unknown keys are ignored.
Result<void> parse_cpu_stat_v2(std::string_view text, CpuStats& out);
/// v1 cpu.stat (cpu controller): nr_periods, nr_throttled, throttled_time (ns).
Result<void> parse_cpu_stat_v1(std::string_view text, CpuStats& out);
/// v1 cpuacct.usage_percpu* : space-separated ns values.
Result<std::vector<uint64_t>> parse_percpu(std::string_view text);
/// memory.stat: fills out.stat with every line and out.cache from "file" (v2) or "cache" (v1).
Result<void> parse_memory_stat(std::string_view text, bool v2, MemoryStats& out);
/// memory.events ("low N\nhigh N\nmax N\noom N\noom_kill N\n...") or v1 memory.oom_control.
Result<MemoryEvents> parse_memory_events(std::string_view text);
/// v2 io.stat lines "8:0 rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..", appended
/// as runc does: bytes to io_service_bytes_recursive, ios to io_serviced_recursive, with
/// op "Read"/"Write"/"Discard". Unknown keys (cost.*, ...) are ignored.
Result<void> parse_io_stat_v2(std::string_view text, BlkioStats& out);
/// v1 blkio.*io_service_bytes_recursive / *io_serviced_recursive lines "8:0 Read 123";
/// the trailing device-less "Total N" line is skipped.
Result<std::vector<BlkioEntry>> parse_blkio_v1(std::string_view text);
/// A cpu/node list as in cpuset.cpus: "0-3,8,10-11" (empty text: empty list).
Result<std::vector<uint16_t>> parse_cpu_list(std::string_view text);

// ---- readers (open the files, skip the missing ones) ----

/// Reads a v2 cgroup directory. Files that do not exist (controller not enabled,
/// older kernel) are skipped; other I/O and parse errors name the file.
Result<Stats> read_stats_v2(int cgroup_dir_fd);
/// Reads v1 controller directories keyed by controller name: "cpu", "cpuacct",
/// "cpuset", "memory", "pids", "blkio", "hugetlb". On hybrid hosts pass the v2
/// directory as "unified": controllers without a v1 entry are then read from it
/// (hugetlb lives there on this kind of host).
Result<Stats> read_stats_v1(const std::map<std::string, int>& controller_dir_fds);

// ---- runc-compatible event lines (no trailing newline) ----

/// {"type":"stats","id":"<id>","data":{...}} in runc's `events` shape (types/events.go):
/// zero values of fields runc marks omitempty are left out; "intel_rdt" is {} and
/// "network_interfaces" null, as runc prints them without Intel RDT / network stats.
std::string stats_event_json(std::string_view id, const Stats& stats);
/// {"type":"oom","id":"<id>"}
std::string oom_event_json(std::string_view id);

}  // namespace berth::cgroups
