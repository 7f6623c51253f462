// linux.seccomp (config-linux.md "Seccomp").
//
// The profile is compiled IN THE PARENT, at plan-building time, with libseccomp into a
// classic BPF program: every mistake in it is reported before any namespace, mount or
// cgroup exists, naming the field. The child only hands the finished program to the raw
// seccomp(2) syscall (no libseccomp, no allocation on that side).
//
// With SCMP_ACT_NOTIFY the load returns a listener fd; the child passes it to the parent
// over the sync socket and the parent forwards it, with the container process state, to
// the agent at listenerPath (seccomp_listener.h).
#pragma once

#include <linux/filter.h>
#include <oci/config.h>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::security {

struct SeccompPlan {
  std::vector<sock_filter> program;  // exported by libseccomp, loaded as is
  unsigned flags = 0;                // SECCOMP_FILTER_FLAG_* for seccomp(2)
  bool notify = false;               // the default or a rule is SCMP_ACT_NOTIFY
  std::string listener_path;
  std::optional<std::string> listener_metadata;
};

/// Compiles linux.seccomp; nullopt when the spec has none. Unknown syscall names are
/// skipped with a warning (as runc does: profiles list syscalls newer than libseccomp).
/// A non-empty cache_dir reuses and stores compiled programs there (seccomp_cache.h).
Result<std::optional<SeccompPlan>> build_seccomp(const oci::Spec& spec,
                                                 const std::string& cache_dir = {});
/// Same, from the seccomp object alone (unit tests).
Result<SeccompPlan> compile_seccomp(const oci::Seccomp& sc, const std::string& cache_dir = {});

/// Prepends to a compiled program the check that makes a syscall numbered above every
/// syscall the profile names (per architecture) fail with ENOSYS, so libc falls back
/// from syscalls newer than the profile (seccomp_enosys.cc). Only for an ERRNO, KILL or
/// TRAP default action.
Result<void> add_enosys_stub(std::vector<sock_filter>& prog, const oci::Seccomp& sc,
                             uint32_t default_action);

/// Child side: seccomp(SECCOMP_SET_MODE_FILTER). Returns the listener fd when plan.notify,
/// an empty fd otherwise. Needs no_new_privs or CAP_SYS_ADMIN (seccomp(2)).
Result<UniqueFd> load_seccomp(const SeccompPlan& plan);

// For `features` (features-linux.md "Seccomp").
std::vector<std::string> seccomp_actions();
std::vector<std::string> seccomp_operators();
/// The architectures of the spec's list that this libseccomp knows.
std::vector<std::string> seccomp_archs();
std::vector<std::string> seccomp_known_flags();
/// The known flags the running kernel accepts (probed with seccomp(2)).
std::vector<std::string> seccomp_supported_flags();

}  // namespace berth::security
