// berth::hooks: running OCI lifecycle hooks (config.md "POSIX-platform Hooks",
// runtime.md "Lifecycle").
//
// Each hook is a child process: stdin carries the state JSON, stdout and stderr go to a
// pipe whose tail is quoted in the error when the hook fails (as runc does), no fd
// other than 0-2 is inherited, the environment is exactly hook.env. The parent waits
// on a pidfd with poll(), so a timeout is exact and the SIGKILLed hook is reaped.
//
// Only fork-like clone3, execve, pipe2 and poll are used, no threads: the same call
// works in the runtime (prestart, createRuntime, poststart, poststop) and in the
// container child (createContainer before pivot_root, startContainer before execve).
// Allocation happens before the clone; the hook child itself only makes syscalls.
//
// The caller must not reap arbitrary children meanwhile (a SIGCHLD handler calling
// waitpid(-1) would steal the hook's exit status); a signalfd for SIGCHLD is fine.
#pragma once

#include <string_view>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::hooks {

enum class OnFailure {
  kStop,  // prestart ... poststart: the first failure is the error (runtime.md steps 3-9)
  kWarn,  // poststop: log a warning and run the remaining hooks (runtime.md step 13)
};

/// Runs hooks in order. kind is the config name used in errors ("prestart",
/// "createRuntime", "createContainer", "startContainer", "poststart", "poststop").
/// Errors: `hooks.<kind>[<i>]: timeout after <n>s`,
///         `hooks.<kind>[<i>]: <path> exited with status N: <output tail>`,
///         `hooks.<kind>[<i>]: <path> killed by signal N (SIGxxx): <output tail>`,
///         `hooks.<kind>[<i>]: exec <path>: <strerror>`.
/// With OnFailure::kWarn it always succeeds (failures are logged with BERTH_WARN).
Result<void> run_hooks(const std::vector<oci::Hook>& hooks, std::string_view kind,
                       std::string_view state_json, OnFailure on_failure = OnFailure::kStop);

/// Runs a single hook; `index` is only used in the error context.
Result<void> run_hook(const oci::Hook& hook, std::string_view kind, std::size_t index,
                      std::string_view state_json);

}  // namespace berth::hooks
