// The resolved process-attribute plan: everything from config.json that the container
// child applies to itself with plain syscalls (config.md#posix-process,
// config.md#linux-process, config.md#user, config.md#hostname, config.md#domainname,
// config-linux.md#sysctl, #personality, #memory-policy).
//
// build_plan() runs in the parent: it translates names to kernel numbers, parses lists,
// and rejects anything the kernel would reject (or that would touch the host), naming
// the JSON field. The child (attrs/apply.h) only reads this struct.
#pragma once

#include <sched.h>
#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::attrs {

/// One process.rlimits[index] entry, resolved to its RLIMIT_* number.
struct Rlimit {
  int resource = 0;     // RLIMIT_NOFILE, ...
  uint64_t soft = 0;    // UINT64_MAX is RLIM_INFINITY
  uint64_t hard = 0;
  std::size_t index = 0;  // position in process.rlimits, for error messages
};

/// linux.personality: persona number (PER_LINUX / PER_LINUX32) ORed with flags.
struct Personality {
  unsigned long persona = 0;
};

/// The kernel's struct sched_attr (include/uapi/linux/sched/types.h, SCHED_ATTR_SIZE_VER1);
/// glibc 2.36 neither declares it nor wraps sched_setattr(2).
struct SchedAttr {
  uint32_t size = sizeof(SchedAttr);
  uint32_t sched_policy = 0;
  uint64_t sched_flags = 0;
  int32_t sched_nice = 0;
  uint32_t sched_priority = 0;
  uint64_t sched_runtime = 0;  // SCHED_DEADLINE only, nanoseconds
  uint64_t sched_deadline = 0;
  uint64_t sched_period = 0;
  uint32_t sched_util_min = 0;  // SCHED_FLAG_UTIL_CLAMP_MIN
  uint32_t sched_util_max = 0;  // SCHED_FLAG_UTIL_CLAMP_MAX
};
static_assert(sizeof(SchedAttr) == 56, "SCHED_ATTR_SIZE_VER1");

/// process.scheduler, applied with sched_setattr(2): one call covers the policy, the
/// nice value (which sched_setscheduler cannot set), RT priority and deadline params.
struct Scheduler {
  SchedAttr attr;
};

/// linux.memoryPolicy for set_mempolicy(2). Node masks are fixed-size so the child
/// never allocates; 1024 nodes is the kernel's largest NODES_SHIFT (10) on x86-64.
struct MemoryPolicy {
  static constexpr unsigned kMaxNodes = 1024;
  static constexpr unsigned kBitsPerWord = 8 * sizeof(unsigned long);
  int mode = 0;             // MPOL_* number
  unsigned mode_flags = 0;  // MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING
  std::array<unsigned long, kMaxNodes / kBitsPerWord> nodemask{};
  unsigned long maxnode = 0;  // bits the kernel reads from nodemask (0 when no nodes)
};

/// One linux.sysctl entry. proc_path is "/proc/sys/net/ipv4/ip_forward"; rel_path is the
/// same without the "/proc/sys/" prefix, which is what the child opens beneath /proc/sys.
struct Sysctl {
  std::string key;
  std::string proc_path;
  std::string rel_path;
  std::string value;
};

struct Plan {
  std::vector<Rlimit> rlimits;
  std::optional<int> oom_score_adj;
  std::optional<Personality> personality;
  std::optional<int> io_priority;  // IOPRIO_PRIO_VALUE(class, priority), for ioprio_set(2)
  std::optional<Scheduler> scheduler;
  /// execCPUAffinity.initial: for the *runtime* process (the parent or `exec` helper)
  /// before it joins the container's cgroup, so the kernel never migrates it off the
  /// CPUs it starts on (config.md#linux-process). Not applied by apply_process().
  std::optional<cpu_set_t> cpu_affinity_initial;
  /// execCPUAffinity.final: what the container process runs with once in the cgroup.
  /// Absent or "" means: don't change the affinity (the spec's SHOULD NOT).
  std::optional<cpu_set_t> cpu_affinity_final;
  std::optional<MemoryPolicy> memory_policy;
  std::optional<mode_t> umask;
  std::optional<std::string> hostname;
  std::optional<std::string> domainname;
  std::vector<Sysctl> sysctl;
};

/// Translates spec into a Plan. Errors name the JSON field, e.g.
/// `process.rlimits[2].type: unknown rlimit "RLIMIT_FOO"` or
/// `linux.sysctl["vm.swappiness"]: not a namespaced sysctl; refusing to change it for the host`.
Result<Plan> build_plan(const oci::Spec& spec);

/// Name → number tables, exposed for tests and for other modules' messages.
std::optional<int> rlimit_number(std::string_view name);
const char* rlimit_name(int resource);  // "RLIMIT_NOFILE"; "RLIMIT_?" if unknown

/// Builds a cpu_set_t from a list like "0-3,7" (errors describe the text, no field name).
Result<cpu_set_t> parse_cpu_set(std::string_view list);

}  // namespace berth::attrs
