// Passing file descriptors over AF_UNIX sockets (SCM_RIGHTS), and the --console-socket
// protocol containerd and conmon speak: connect to the path, send the pty master with
// one message whose payload is the fd's name ("/dev/ptmx", as runc sends it).
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::console {

/// The name runc puts in the console-socket message (containerd/conmon may log it).
inline constexpr std::string_view kPtmxName = "/dev/ptmx";

/// Sends exactly one fd with `name` as the payload (a single "\0" byte when empty,
/// since SCM_RIGHTS needs at least one byte of data). Retries on EINTR; a payload the
/// stream takes partially is finished with plain sends (the fd goes with the first part).
Result<void> send_fd(int unix_sock, int fd, std::string_view name);

/// Receives one message carrying exactly one fd (returned O_CLOEXEC). A message with
/// no fd, or with more than one (all of them are closed), is an error; so is a
/// truncated control message. The payload is stored in *name when name is non-null.
Result<UniqueFd> recv_fd(int unix_sock, std::string* name);

/// Connects to the AF_UNIX stream socket at socket_path (O_CLOEXEC); paths longer than
/// sun_path are reached through /proc/self/fd/<dirfd>/<base>.
Result<UniqueFd> connect_unix(const std::string& socket_path);

/// --console-socket: connect_unix(socket_path), then send master_fd named "/dev/ptmx".
Result<void> send_to_console_socket(const std::string& socket_path, int master_fd);

}  // namespace berth::console
