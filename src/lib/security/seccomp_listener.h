// linux.seccomp.listenerPath: handing the notify fd to a seccomp agent
// (config-linux.md "The Container Process State").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "security/seccomp.h"

namespace berth::security {

/// The container process state: {ociVersion, fds: ["seccompFd"], pid, metadata?, state}.
/// state_json is the runtime.md state of the container, as hooks get it.
std::string container_process_state(int pid, const std::optional<std::string>& metadata,
                                    std::string_view state_json);

/// Connects to the AF_UNIX SOCK_STREAM socket at path and sends ONE message: the JSON as
/// payload and notify_fd as SCM_RIGHTS, then closes the connection. The spec: "If sending
/// to this socket fails, the runtime MUST generate an error."
Result<void> send_to_listener(const std::string& path, int notify_fd, std::string_view json);

/// Both of the above for a compiled profile: the state of process pid (as the runtime
/// sees it) with plan.listener_metadata, sent with notify_fd to plan.listener_path.
Result<void> forward_notify_fd(const SeccompPlan& plan, int pid, int notify_fd,
                               std::string_view state_json);

}  // namespace berth::security
