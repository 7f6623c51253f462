// Which linux.sysctl keys a container may set (config-linux.md#sysctl), parent side.
//
// A sysctl write lands in whatever namespace the writing process is in; a key the
// kernel does not namespace changes the host for everyone. So only keys that belong
// to a namespace the container owns are accepted:
//   - IPC: kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem, kernel.shmall,
//     kernel.shmmax, kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.*  (ipc namespace)
//   - net.*                                                        (network namespace)
// kernel.hostname / kernel.domainname are UTS-namespaced but are refused in favour of
// the top-level "hostname"/"domainname" properties, which are checked for a uts namespace.
#pragma once

#include <string_view>
#include <vector>

#include <oci/config.h>

#include "attrs/plan.h"

namespace berth::attrs {

/// Validates and resolves spec.linux.sysctl (sorted by key, as std::map iterates).
/// Errors look like `linux.sysctl["vm.swappiness"]: not a namespaced sysctl; ...`.
Result<std::vector<Sysctl>> build_sysctls(const oci::Spec& spec);

}  // namespace berth::attrs
