// Path resolution inside a container root, as if the root fd were "/".
//
// Why: a mount destination (or device path) inside an image is attacker-controlled.
// Resolving it by path on the host and mounting later lets a symlink swapped in between
// send the mount outside the rootfs (CVE-2021-30465, CVE-2024-45310). Every caller
// resolves the path once to an fd here and then mounts/creates ON THAT FD.
//
// Symlinks are followed but clamped inside the root (".." at the root stays at the root,
// absolute link targets restart at the root), like chroot(2) would. Magic links
// (/proc/<pid>/fd/N and friends) are refused with openat2; the fallback walker, used when
// openat2 is not available (ENOSYS, Linux < 5.6), reads them as plain text, which still
// keeps the result inside the root.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::rootfs {

/// Opens `path` resolved inside root_fd. `flags` are open(2) flags (O_CLOEXEC is always
/// added); `mode` is used with O_CREAT. O_NOFOLLOW applies to the last component only.
Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, mode_t mode = 0);

/// Like open_in_root(path, O_PATH|O_DIRECTORY), creating each missing directory with
/// mkdirat() relative to the already-resolved parent fd. Symlinks met on the way
/// (including dangling ones) are followed inside the root and their targets created.
Result<UniqueFd> mkdir_p_in_root(int root_fd, std::string_view path, mode_t mode = 0755);

/// Like mkdir_p_in_root for the parent, then creates the last component as an empty
/// regular file (O_CREAT|O_EXCL|O_NOFOLLOW) when missing. Returns an O_PATH fd of what is
/// there (an existing directory or device is returned as is: the caller checks the type).
Result<UniqueFd> create_file_in_root(int root_fd, std::string_view path, mode_t mode = 0644);

/// Opens `path` below root_fd (O_PATH) refusing any symlink on the way (ELOOP), for
/// destinations that must be plain directories in the image (proc/sysfs: CVE-2019-19921).
Result<UniqueFd> open_no_symlinks(int root_fd, std::string_view path);

/// Lexically cleans an absolute container path: collapses "//", ".", and "..", never
/// climbing above "/". A relative path is taken relative to "/" (config.md: relative
/// mount destinations are deprecated but MUST be interpreted relative to "/").
std::string clean_path(std::string_view path);

namespace testing {
/// Forces the non-openat2 walker in open_in_root / open_no_symlinks (tests only).
void force_fallback_resolver(bool on);
}  // namespace testing

}  // namespace berth::rootfs
