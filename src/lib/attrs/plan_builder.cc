// build_plan(): spec → attrs::Plan (parent side). See plan.h.
#include <linux/ioprio.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <cstdio>
#include <set>
#include <string_view>

#include "attrs/id_list.h"
#include "attrs/plan.h"
#include "attrs/sysctl_rules.h"

namespace berth::attrs {
namespace {

struct Named {
  const char* name;
  int value;
};

// getrlimit(2): every resource Linux defines (config.md#posix-process: "valid values are
// defined in the getrlimit(2) man page"; anything else MUST be an error).
constexpr Named kRlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

// config.md#linux-process "scheduler.policy". SCHED_ISO (4) is listed by the spec but was
// never merged into Linux; sched_setattr would fail with EINVAL, so say so up front.
constexpr int kSchedIso = 4;
constexpr Named kSchedPolicies[] = {
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO},   {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_ISO", kSchedIso},     {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", 6 /*SCHED_DEADLINE*/},
};
constexpr int kSchedDeadline = 6;

// include/uapi/linux/sched.h SCHED_FLAG_*.
constexpr Named kSchedFlags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

// include/uapi/linux/ioprio.h classes (config.md#linux-process "ioPriority").
constexpr Named kIoClasses[] = {
    {"IOPRIO_CLASS_RT", 1}, {"IOPRIO_CLASS_BE", 2}, {"IOPRIO_CLASS_IDLE", 3}};

// include/uapi/linux/mempolicy.h. Debian 12's headers predate MPOL_WEIGHTED_INTERLEAVE
// (Linux 6.9), so the numbers are spelled out.
constexpr int kMpolDefault = 0, kMpolPreferred = 1, kMpolBind = 2, kMpolInterleave = 3,
              kMpolLocal = 4, kMpolPreferredMany = 5, kMpolWeightedInterleave = 6;
constexpr Named kMpolModes[] = {
    {"MPOL_DEFAULT", kMpolDefault},
    {"MPOL_PREFERRED", kMpolPreferred},
    {"MPOL_BIND", kMpolBind},
    {"MPOL_INTERLEAVE", kMpolInterleave},
    {"MPOL_LOCAL", kMpolLocal},
    {"MPOL_PREFERRED_MANY", kMpolPreferredMany},
    {"MPOL_WEIGHTED_INTERLEAVE", kMpolWeightedInterleave},
};
constexpr int kMpolFStatic = 1 << 15, kMpolFRelative = 1 << 14, kMpolFNumaBalancing = 1 << 13;
constexpr Named kMpolFlags[] = {{"MPOL_F_STATIC_NODES", kMpolFStatic},
                                {"MPOL_F_RELATIVE_NODES", kMpolFRelative},
                                {"MPOL_F_NUMA_BALANCING", kMpolFNumaBalancing}};

template <std::size_t N>
std::optional<int> lookup(const Named (&table)[N], std::string_view name) {
  for (const auto& e : table)
    if (name == e.name) return e.value;
  return std::nullopt;
}

Error field_error(const std::string& field, const Error& e) {
  Error out = e;
  out.wrap(field);
  return out;
}

Result<void> build_rlimits(const oci::Process& p, Plan& plan) {
  std::set<int> seen;
  for (std::size_t i = 0; i < p.rlimits.size(); ++i) {
    const auto& r = p.rlimits[i];
    auto num = rlimit_number(r.type);
    if (!num)
      return BERTH_ERR(EINVAL, "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                       r.type.c_str());
    // config.md#posix-process: duplicated types MUST be an error.
    if (!seen.insert(*num).second)
      return BERTH_ERR(EINVAL, "process.rlimits[%zu].type: duplicate rlimit %s", i,
                       r.type.c_str());
    // setrlimit(2) fails with EINVAL for soft > hard; name the field instead.
    if (r.soft > r.hard)
      return BERTH_ERR(EINVAL,
                       "process.rlimits[%zu]: soft limit %llu is above hard limit %llu for %s",
                       i, static_cast<unsigned long long>(r.soft),
                       static_cast<unsigned long long>(r.hard), r.type.c_str());
    plan.rlimits.push_back(Rlimit{*num, r.soft, r.hard, i});
  }
  return {};
}

Result<void> build_scheduler(const oci::Scheduler& s, Plan& plan) {
  auto policy = lookup(kSchedPolicies, s.policy);
  if (!policy)
    return BERTH_ERR(EINVAL, "process.scheduler.policy: unknown policy \"%s\"", s.policy.c_str());
  if (*policy == kSchedIso)
    return BERTH_ERR(EINVAL, "process.scheduler.policy: SCHED_ISO is not implemented by Linux");
  SchedAttr a;
  a.sched_policy = static_cast<uint32_t>(*policy);
  for (std::size_t i = 0; i < s.flags.size(); ++i) {
    auto f = lookup(kSchedFlags, s.flags[i]);
    if (!f)
      return BERTH_ERR(EINVAL, "process.scheduler.flags[%zu]: unknown flag \"%s\"", i,
                       s.flags[i].c_str());
    a.sched_flags |= static_cast<uint64_t>(*f);
  }
  // The spec: absent nice/priority/runtime/deadline/period "must use the value 0".
  int32_t nice = s.nice.value_or(0);
  if (nice < -20 || nice > 19)
    return BERTH_ERR(EINVAL, "process.scheduler.nice: %d is outside -20..19", nice);
  a.sched_nice = nice;
  int32_t prio = s.priority.value_or(0);
  bool rt = *policy == SCHED_FIFO || *policy == SCHED_RR;
  // sched(7): FIFO/RR take a static priority 1..99; every other policy requires 0.
  if (rt && (prio < 1 || prio > 99))
    return BERTH_ERR(EINVAL, "process.scheduler.priority: %s needs a priority in 1..99, got %d",
                     s.policy.c_str(), prio);
  if (!rt && prio != 0)
    return BERTH_ERR(EINVAL, "process.scheduler.priority: must be 0 for %s, got %d",
                     s.policy.c_str(), prio);
  a.sched_priority = static_cast<uint32_t>(prio);
  if (*policy == kSchedDeadline) {
    a.sched_runtime = s.runtime.value_or(0);
    a.sched_deadline = s.deadline.value_or(0);
    a.sched_period = s.period.value_or(0);
    // sched(7): runtime <= deadline <= period (period 0 means "same as deadline").
    if (a.sched_runtime == 0 || a.sched_deadline < a.sched_runtime ||
        (a.sched_period != 0 && a.sched_period < a.sched_deadline))
      return BERTH_ERR(EINVAL,
                       "process.scheduler: SCHED_DEADLINE needs 0 < runtime <= deadline <= "
                       "period (period 0 = deadline), got runtime %llu deadline %llu period %llu",
                       static_cast<unsigned long long>(a.sched_runtime),
                       static_cast<unsigned long long>(a.sched_deadline),
                       static_cast<unsigned long long>(a.sched_period));
  } else if (s.runtime.value_or(0) || s.deadline.value_or(0) || s.period.value_or(0)) {
    return BERTH_ERR(EINVAL, "process.scheduler: runtime/deadline/period are only for "
                             "SCHED_DEADLINE, not %s", s.policy.c_str());
  }
  // The spec has the UTIL_CLAMP flags but no clamp values. A zero util_max would pin the
  // task to the lowest frequency/capacity, so use SCHED_CAPACITY_SCALE (1024) = no clamp;
  // util_min 0 is likewise a no-op.
  if (a.sched_flags & 0x40) a.sched_util_max = 1024;
  plan.scheduler = Scheduler{a};
  return {};
}

Result<void> build_io_priority(const oci::IOPriority& io, Plan& plan) {
  auto cls = lookup(kIoClasses, io.class_);
  if (!cls)
    return BERTH_ERR(EINVAL, "process.ioPriority.class: unknown class \"%s\"", io.class_.c_str());
  if (io.priority < 0 || io.priority > 7)
    return BERTH_ERR(EINVAL, "process.ioPriority.priority: %d is outside 0..7", io.priority);
  plan.io_priority = static_cast<int>(IOPRIO_PRIO_VALUE(*cls, io.priority));
  return {};
}

Result<void> build_affinity(const oci::ExecCPUAffinity& a, Plan& plan) {
  // An empty string is "omitted" per the spec: leave the affinity alone.
  if (a.initial && !a.initial->empty()) {
    auto set = parse_cpu_set(*a.initial);
    if (!set) return fail(field_error("process.execCPUAffinity.initial", set.error()));
    plan.cpu_affinity_initial = *set;
  }
  if (a.final_ && !a.final_->empty()) {
    auto set = parse_cpu_set(*a.final_);
    if (!set) return fail(field_error("process.execCPUAffinity.final", set.error()));
    plan.cpu_affinity_final = *set;
  }
  return {};
}

Result<void> build_personality(const oci::Personality& p, Plan& plan) {
  Personality out;
  if (p.domain == "LINUX")
    out.persona = PER_LINUX;
  else if (p.domain == "LINUX32")
    out.persona = PER_LINUX32;
  else
    return BERTH_ERR(EINVAL, "linux.personality.domain: unknown domain \"%s\"", p.domain.c_str());
  // config-linux.md#personality: "Currently no flag values are supported."
  if (!p.flags.empty())
    return BERTH_ERR(EINVAL, "linux.personality.flags[0]: unsupported flag \"%s\" (the spec "
                             "defines no personality flags)", p.flags[0].c_str());
  plan.personality = out;
  return {};
}

Result<void> build_memory_policy(const oci::MemoryPolicy& mp, Plan& plan) {
  MemoryPolicy out;
  auto mode = lookup(kMpolModes, mp.mode);
  if (!mode)
    return BERTH_ERR(EINVAL, "linux.memoryPolicy.mode: unknown mode \"%s\"", mp.mode.c_str());
  out.mode = *mode;
  for (std::size_t i = 0; i < mp.flags.size(); ++i) {
    auto f = lookup(kMpolFlags, mp.flags[i]);
    if (!f)
      return BERTH_ERR(EINVAL, "linux.memoryPolicy.flags[%zu]: unknown flag \"%s\"", i,
                       mp.flags[i].c_str());
    out.mode_flags |= static_cast<unsigned>(*f);
  }
  // set_mempolicy(2): the two node-interpretation flags exclude each other.
  if ((out.mode_flags & kMpolFStatic) && (out.mode_flags & kMpolFRelative))
    return BERTH_ERR(EINVAL, "linux.memoryPolicy.flags: MPOL_F_STATIC_NODES and "
                             "MPOL_F_RELATIVE_NODES cannot be combined");
  std::vector<unsigned> nodes;
  if (mp.nodes) {
    auto parsed = parse_id_list(*mp.nodes, MemoryPolicy::kMaxNodes);
    if (!parsed) return fail(field_error("linux.memoryPolicy.nodes", parsed.error()));
    nodes = std::move(*parsed);
  }
  // config-linux.md#memory-policy: DEFAULT and LOCAL take no nodes; BIND, INTERLEAVE
  // (and their weighted / preferred-many variants) need at least one. PREFERRED may be
  // empty (= local allocation).
  bool no_nodes = out.mode == kMpolDefault || out.mode == kMpolLocal;
  bool need_nodes = out.mode == kMpolBind || out.mode == kMpolInterleave ||
                    out.mode == kMpolWeightedInterleave || out.mode == kMpolPreferredMany;
  if (no_nodes && !nodes.empty())
    return BERTH_ERR(EINVAL, "linux.memoryPolicy.nodes: %s takes no nodes", mp.mode.c_str());
  if (need_nodes && nodes.empty())
    return BERTH_ERR(EINVAL, "linux.memoryPolicy.nodes: %s needs at least one node",
                     mp.mode.c_str());
  if (no_nodes && out.mode_flags)
    return BERTH_ERR(EINVAL, "linux.memoryPolicy.flags: %s takes no flags", mp.mode.c_str());
  for (unsigned n : nodes)
    out.nodemask[n / MemoryPolicy::kBitsPerWord] |= 1UL << (n % MemoryPolicy::kBitsPerWord);
  // The kernel reads maxnode-1 bits (mm/mempolicy.c get_nodes() decrements it), so pass
  // one more than the highest node number + 1.
  out.maxnode = nodes.empty() ? 0 : nodes.back() + 2;
  plan.memory_policy = out;
  return {};
}

bool has_namespace(const oci::Spec& spec, std::string_view type) {
  if (!spec.linux) return false;
  for (const auto& ns : spec.linux->namespaces)
    if (ns.type == type) return true;
  return false;
}

}  // namespace

std::optional<int> rlimit_number(std::string_view name) { return lookup(kRlimits, name); }

const char* rlimit_name(int resource) {
  for (const auto& e : kRlimits)
    if (e.value == resource) return e.name;
  return "RLIMIT_?";
}

Result<cpu_set_t> parse_cpu_set(std::string_view list) {
  BERTH_TRY_ASSIGN(auto ids, parse_id_list(list, CPU_SETSIZE));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (unsigned id : ids) CPU_SET(id, &set);
  return set;
}

Result<Plan> build_plan(const oci::Spec& spec) {
  Plan plan;
  if (spec.process) {
    const oci::Process& p = *spec.process;
    BERTH_TRY(build_rlimits(p, plan));
    if (p.oom_score_adj) {
      // proc(5): oom_score_adj accepts -1000..1000 (OOM_SCORE_ADJ_MIN/MAX).
      if (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000)
        return BERTH_ERR(EINVAL, "process.oomScoreAdj: %d is outside -1000..1000",
                         *p.oom_score_adj);
      plan.oom_score_adj = *p.oom_score_adj;
    }
    if (p.scheduler) BERTH_TRY(build_scheduler(*p.scheduler, plan));
    if (p.io_priority) BERTH_TRY(build_io_priority(*p.io_priority, plan));
    if (p.exec_cpu_affinity) BERTH_TRY(build_affinity(*p.exec_cpu_affinity, plan));
    if (p.user.umask) {
      if (*p.user.umask > 0777)
        return BERTH_ERR(EINVAL, "process.user.umask: %#o has bits outside 0777", *p.user.umask);
      plan.umask = static_cast<mode_t>(*p.user.umask);
    }
  }
  // config.md#hostname: without its own UTS namespace the container would rename the
  // host (runc refuses the same way).
  bool uts = has_namespace(spec, "uts");
  if (spec.hostname) {
    if (!uts) return BERTH_ERR(EINVAL, "hostname: requires a new uts namespace");
    plan.hostname = *spec.hostname;
  }
  if (spec.domainname) {
    if (!uts) return BERTH_ERR(EINVAL, "domainname: requires a new uts namespace");
    plan.domainname = *spec.domainname;
  }
  if (spec.linux) {
    if (spec.linux->personality) BERTH_TRY(build_personality(*spec.linux->personality, plan));
    if (spec.linux->memory_policy)
      BERTH_TRY(build_memory_policy(*spec.linux->memory_policy, plan));
    BERTH_TRY_ASSIGN(plan.sysctl, build_sysctls(spec));
  }
  return plan;
}

}  // namespace berth::attrs
