// Parent side of container creation: clone3 the init child and drive the sync protocol.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "base/error.h"
#include "base/unique_fd.h"
#include "config/plan.h"
#include "process/init.h"

namespace berth::process {

struct Spawned {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd sock;            // parent end of the sync socket (for kSocket start)
  UniqueFd console_master;  // when process.terminal
};

struct SpawnHooks {
  /// Runs once the child's namespaces exist (pid known): move netDevices, prestart and
  /// createRuntime hooks. Returns the state JSON the in-container hooks will receive.
  std::function<Result<std::string>(pid_t)> on_namespaces;
  /// Receives the seccomp notify fd (linux.seccomp with SCMP_ACT_NOTIFY), before kReady.
  std::function<Result<void>(pid_t, UniqueFd)> on_seccomp_fd;
};

/// Clones the init child and runs the protocol up to kReady. On any error the child is
/// killed and reaped before returning, so a failed create leaves no process behind.
/// cgroup_fd >= 0: the child starts inside that cgroup v2 directory (CLONE_INTO_CGROUP,
/// Linux 5.7), so not even its first instruction runs outside the limits.
Result<Spawned> spawn_init(const config::InitPlan& plan, const std::string& id, int fifo_fd,
                           StartMode mode, int extra_fds, int cgroup_fd, const SpawnHooks& hooks);

/// Releases a kSocket-mode init into execve().
Result<void> release(Spawned& s);

/// Kills (SIGKILL) and reaps a child we spawned; best effort.
void kill_and_reap(Spawned& s);

}  // namespace berth::process
