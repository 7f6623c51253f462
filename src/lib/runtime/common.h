// Helpers shared by the lifecycle operations.
#pragma once

#include <oci/config.h>

#include <string>
#include <vector>

#include "base/error.h"
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

/// Runs poststart hooks; on failure kills init and returns the error (runtime.md step 9).
Result<void> run_poststart(const state::Record& r, const std::vector<oci::Hook>& hooks);
/// Runs the spec's poststop hooks (config.md: failures are logged, delete continues).
void run_poststop(const state::Record& r);

}  // namespace berth::runtime
