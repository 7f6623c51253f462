// Helpers shared by the lifecycle operations.
#pragma once

#include <oci/config.h>

#include <string>
#include <vector>

#include "base/error.h"
#include "cgroups/manager.h"
#include "runtime/runtime.h"
#include "state/record.h"
#include "state/store.h"

namespace berth::runtime {

/// A loaded container: its record and its status as observed now.
struct Loaded {
  state::Record rec;
  std::string status;  // live: created/running/paused/stopped
};

Result<Loaded> load(state::Store& store, const std::string& id);
/// The OCI state JSON passed to hooks and printed by `state` (pid 0 once stopped).
std::string state_json(const Loaded& l);
std::string state_json(const state::Record& r, const std::string& status);

/// Signals the init process, checking it is still the process we created (pid reuse).
Result<void> signal_init(const state::Record& r, int sig);
/// Waits up to timeout_ms for init to be gone. Returns false on timeout.
bool wait_gone(const state::Record& r, int timeout_ms);

/// The cgroup layout for new containers, from the global flags.
Result<cgroups::Mode> cgroup_mode(const Global& g);
/// The cgroup of an existing container (disabled when it was created without one).
cgroups::Manager manager_for(const state::Record& r);

/// Runs poststart hooks; on failure kills init and returns the error (runtime.md step 9).
Result<void> run_poststart(const state::Record& r, const std::vector<oci::Hook>& hooks);
/// Removes what a container owns once its init is gone: leftover processes and the
/// cgroup, then poststop hooks (config.md: after the container is deleted, before delete
/// returns), then the state directory. Shared by `delete` and by `run` when it exits.
Result<void> destroy(state::Store& store, const state::Record& r, bool poststop = true);

/// --pid-file: written atomically (containerd reads it as soon as the command exits); a
/// relative path is taken from the current directory.
Result<void> write_pid_file(const std::string& path, int pid);

/// Runs the spec's poststop hooks (config.md: failures are logged, delete continues).
void run_poststop(const state::Record& r);

}  // namespace berth::runtime
