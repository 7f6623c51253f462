// The container's terminal (config.md "process.terminal", config-linux.md "/dev/console").
#pragma once

#include <optional>

#include <oci/config.h>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::console {

/// In the container child, after pivot_root (so /dev/ptmx is the container's devpts):
///  1. opens /dev/ptmx (O_RDWR|O_NOCTTY|O_CLOEXEC), checks it is a pty multiplexer
///     (char 5:2) and unlocks it (TIOCSPTLCK);
///  2. opens the slave from the master with TIOCGPTPEER, never by a /dev/pts/N path
///     the image could swap (CVE-2025-52565 class);
///  3. sets the window size from process.consoleSize when given;
///  4. when mount_console: bind-mounts that slave (open_tree on its fd) onto
///     /dev/console, resolved with RESOLVE_NO_SYMLINKS and opened O_PATH|O_NOFOLLOW:
///     a symlink there is refused, a missing file is created empty (mode 0600);
///     runc does this for the init process only, not for `exec -t`;
///  5. setsid() (already being a session leader is fine), TIOCSCTTY on the slave,
///     dup2 the slave onto 0, 1 and 2.
/// Returns the master (O_CLOEXEC): send it to the runtime with send_fd() and close it.
Result<UniqueFd> open_pty_in_container(std::optional<oci::Box> size, bool mount_console = true);

}  // namespace berth::console
