// linux.seccomp.listenerPath: handing the notify fd to a seccomp agent
// (config-linux.md "The Container Process State").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace berth::security {

/// The container process state: {ociVersion, fds: ["seccompFd"], pid, metadata?, state}.
/// state_json is the runtime.md state of the container, as hooks get it.
std::string container_process_state(int pid, const std::optional<std::string>& metadata,
                                    std::string_view state_json);

/// Connects to the AF_UNIX SOCK_STREAM socket at path and sends ONE message: the JSON as
/// payload and notify_fd as SCM_RIGHTS, then closes the connection. The spec: "If sending
/// to this socket fails, the runtime MUST generate an error."
Result<void> send_to_listener(const std::string& path, int notify_fd, std::string_view json);

}  // namespace berth::security
