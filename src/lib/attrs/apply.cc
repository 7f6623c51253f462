// Child side: see apply.h. Every call here is a syscall on the calling process; field
// names for errors are formatted into stack buffers (no allocation after clone3).
#include "attrs/apply.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "attrs/procfs.h"

namespace berth::attrs {
namespace {

constexpr int kIoprioWhoProcess = 1;  // include/uapi/linux/ioprio.h IOPRIO_WHO_PROCESS

// setrlimit failures are nearly always "raising the hard limit": say which limit and
// why, since the bare EPERM does not. On this kind of host CAP_SYS_RESOURCE may be
// missing from the runtime's own bounding set, and RLIMIT_NOFILE is also capped by
// fs.nr_open even with the capability.
Result<void> apply_rlimit(const Rlimit& r) {
  char field[48];
  std::snprintf(field, sizeof field, "process.rlimits[%zu]", r.index);
  const char* name = rlimit_name(r.resource);
  struct rlimit want = {static_cast<rlim_t>(r.soft), static_cast<rlim_t>(r.hard)};
  struct rlimit cur = {};
  if (::prlimit(0, static_cast<__rlimit_resource>(r.resource), &want, &cur) == 0) return {};
  int saved = errno;
  Error e;
  if (saved == EPERM && ::getrlimit(static_cast<__rlimit_resource>(r.resource), &cur) == 0 &&
      want.rlim_max > cur.rlim_max) {
    errno = saved;
    e = Error::sys("setrlimit %s: raising the hard limit from %" PRIu64 " to %" PRIu64
                   " needs CAP_SYS_RESOURCE%s",
                   name, static_cast<uint64_t>(cur.rlim_max), static_cast<uint64_t>(r.hard),
                   r.resource == RLIMIT_NOFILE ? " and a value <= fs.nr_open" : "");
  } else {
    errno = saved;
    e = Error::sys("setrlimit %s", name);
  }
  return fail(e.wrap(field));
}

Result<void> apply_oom_score_adj(int value, const Root* given) {
  auto fail_with = [](Error e) { return fail(e.wrap("process.oomScoreAdj")); };
  Root own;
  if (!given) {
    auto r = open_root();
    if (!r) return fail_with(r.error());
    own = std::move(*r);
  }
  auto fd = open_self_file(given ? *given : own, "oom_score_adj", O_WRONLY);
  if (!fd) return fail_with(fd.error());
  char buf[16];
  int n = std::snprintf(buf, sizeof buf, "%d", value);
  auto w = write_all_once(fd->get(), buf, static_cast<std::size_t>(n));
  if (!w) {
    Error e = w.error();
    e.wrap("write /proc/self/oom_score_adj");
    // proc(5): lowering below the current value needs CAP_SYS_RESOURCE.
    if (e.code() == EACCES || e.code() == EPERM) e.wrap("lowering it needs CAP_SYS_RESOURCE");
    return fail_with(e);
  }
  return {};
}

}  // namespace

Result<void> apply_uts(const Plan& plan) {
  if (plan.hostname && ::sethostname(plan.hostname->data(), plan.hostname->size()) != 0)
    return BERTH_SYS("hostname: sethostname \"%s\"", plan.hostname->c_str());
  if (plan.domainname && ::setdomainname(plan.domainname->data(), plan.domainname->size()) != 0)
    return BERTH_SYS("domainname: setdomainname \"%s\"", plan.domainname->c_str());
  return {};
}

Result<void> apply_sysctl(const Plan& plan, const Root* given) {
  if (plan.sysctl.empty()) return {};
  Root own;
  if (!given) {
    auto r = open_root();
    if (!r) return fail(r.error().wrap("linux.sysctl"));
    own = std::move(*r);
  }
  const Root& root = given ? *given : own;
  for (const Sysctl& s : plan.sysctl) {
    char field[300];
    std::snprintf(field, sizeof field, "linux.sysctl[\"%s\"]", s.key.c_str());
    auto fd = open_sys_file(root, s.rel_path.c_str(), O_WRONLY);
    if (!fd) return fail(fd.error().wrap(field));
    auto w = write_all_once(fd->get(), s.value.data(), s.value.size());
    if (!w) {
      char ctx[300];
      std::snprintf(ctx, sizeof ctx, "write %s", s.proc_path.c_str());
      return fail(w.error().wrap(ctx).wrap(field));
    }
  }
  return {};
}

Result<void> apply_process(const Plan& plan, const Root* root) {
  if (plan.oom_score_adj) BERTH_TRY(apply_oom_score_adj(*plan.oom_score_adj, root));
  if (plan.personality && ::personality(plan.personality->persona) == -1)
    return BERTH_SYS("linux.personality: personality(%#lx)", plan.personality->persona);
  // ioprio_set(2) on ourselves; children (the whole container) inherit it.
  if (plan.io_priority &&
      ::syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, *plan.io_priority) != 0)
    return BERTH_SYS("process.ioPriority: ioprio_set(%#x)", *plan.io_priority);
  if (plan.scheduler) {
    // sched_setattr(2) rather than sched_setscheduler(2): it also sets nice and the
    // SCHED_DEADLINE parameters, and takes the SCHED_FLAG_* flags.
    SchedAttr attr = plan.scheduler->attr;
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) != 0)
      return BERTH_SYS("process.scheduler: sched_setattr(policy %u, nice %d, priority %u)",
                       attr.sched_policy, attr.sched_nice, attr.sched_priority);
  }
  if (plan.memory_policy) {
    const MemoryPolicy& mp = *plan.memory_policy;
    const unsigned long* mask = mp.maxnode ? mp.nodemask.data() : nullptr;
    if (::syscall(SYS_set_mempolicy, mp.mode | static_cast<int>(mp.mode_flags), mask,
                  mp.maxnode) != 0)
      return BERTH_SYS("linux.memoryPolicy: set_mempolicy(mode %d, flags %#x)", mp.mode,
                       mp.mode_flags);
  }
  if (plan.cpu_affinity_final &&
      ::sched_setaffinity(0, sizeof(cpu_set_t), &*plan.cpu_affinity_final) != 0)
    return BERTH_SYS("process.execCPUAffinity.final: sched_setaffinity");
  if (plan.umask) ::umask(*plan.umask);
  // Last: a small RLIMIT_NOFILE / RLIMIT_AS also binds the rest of this function's work.
  for (const Rlimit& r : plan.rlimits) BERTH_TRY(apply_rlimit(r));
  return {};
}

Result<void> apply_initial_affinity(const Plan& plan) {
  if (plan.cpu_affinity_initial &&
      ::sched_setaffinity(0, sizeof(cpu_set_t), &*plan.cpu_affinity_initial) != 0)
    return BERTH_SYS("process.execCPUAffinity.initial: sched_setaffinity");
  return {};
}

}  // namespace berth::attrs
