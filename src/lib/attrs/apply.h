// Child side of attrs::Plan: apply it to the calling process with plain syscalls.
// No allocation; each error names the config field, e.g.
// "process.rlimits[1]: setrlimit RLIMIT_NOFILE: Operation not permitted".
//
// Where each belongs in the container init sequence (process/init):
//   apply_uts      after the UTS namespace is entered/created; anywhere before exec.
//   apply_sysctl   after pivot_root, with a Root made there (a procfs of the container's
//                  namespaces), and BEFORE readonlyPaths and maskedPaths are applied: when
//                  the fallback (the container's /proc) is used, /proc/sys is in most
//                  runtimes' default readonly list and a read-only bind would make every
//                  write EROFS.
//   apply_process  before apply_identity(): raising rlimits, negative oom_score_adj,
//                  RT/deadline scheduling, IOPRIO_CLASS_RT need CAP_SYS_RESOURCE /
//                  CAP_SYS_NICE / CAP_SYS_ADMIN, which the uid switch and capset drop.
//                  Needs /proc mounted (oom_score_adj) — after rootfs finalize.
#pragma once

#include "attrs/plan.h"
#include "attrs/procfs.h"
#include "base/error.h"

namespace berth::attrs {

/// sethostname / setdomainname for plan.hostname / plan.domainname.
Result<void> apply_uts(const Plan& plan);

/// Writes plan.sysctl through root (attrs/procfs.h: a private procfs instance, or the
/// verified container /proc); with no root given, one is opened for the call.
Result<void> apply_sysctl(const Plan& plan, const Root* root = nullptr);

/// oom_score_adj, personality, ioprio, scheduler, memory policy, execCPUAffinity.final,
/// umask, then rlimits — last, because a small RLIMIT_NOFILE/RLIMIT_AS binds the
/// runtime's own remaining work too. Note the spec says execCPUAffinity "is not
/// applicable to the container's init process": callers building a plan for init may
/// reset plan.cpu_affinity_final.
/// oom_score_adj is written through root, as for apply_sysctl.
Result<void> apply_process(const Plan& plan, const Root* root = nullptr);

/// Applies execCPUAffinity.initial to the calling (runtime) process; meant for the
/// runtime before it moves itself or its child into the container's cgroup.
Result<void> apply_initial_affinity(const Plan& plan);

}  // namespace berth::attrs
