// Internal: the create half shared by `create` and `run`.
#pragma once

#include <oci/config.h>

#include <vector>

#include "process/spawn.h"
#include "runtime/runtime.h"
#include "state/record.h"
#include "state/store.h"

namespace berth::runtime {

struct Created {
  state::Store store;  // the store the container was created in, for the caller's updates
  process::Spawned init;
  state::Record rec;
  bool plan_terminal = false;
  std::vector<oci::Hook> poststart;
};

Result<Created> create_container(const Global& g, const CreateOptions& o, process::StartMode mode,
                                 bool foreground);

}  // namespace berth::runtime
