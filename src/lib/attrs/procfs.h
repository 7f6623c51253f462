// Opening files on the real procfs only (CVE-2025-52881 class).
//
// The runtime writes sysctls and oom_score_adj through paths inside the container's
// mount tree, which the image (or a racing container process with shared mounts) may
// have arranged: a symlink, or a bind mount of some other file over the target — e.g.
// /proc/sysrq-trigger over /proc/sys/kernel/..., or a tmpfs file that swallows the write
// so a security setting silently never happens. So every open here
//   1. starts from a directory fd that fstatfs() shows to be PROC_SUPER_MAGIC,
//   2. resolves the rest with openat2(RESOLVE_BENEATH | RESOLVE_NO_XDEV |
//      RESOLVE_NO_MAGICLINKS): no escaping the directory, no crossing onto another
//      mount (a bind mount over the target is refused with EXDEV), no /proc magic links,
//      plus O_NOFOLLOW on the last component when symlinks are not wanted at all,
//   3. checks the result with fstatfs() again.
// Child side: no allocation.
#pragma once

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::attrs {

/// Opens dir (absolute, e.g. "/proc/sys") as an O_PATH directory fd and verifies it is
/// on procfs.
Result<UniqueFd> open_procfs_dir(const char* dir);

/// Opens rel beneath dirfd (which must come from open_procfs_dir) with flags
/// (O_WRONLY, O_RDONLY...; O_CLOEXEC is added) and verifies the file is on procfs.
/// allow_symlinks permits symlinks that stay beneath dirfd (needed for "self/...").
Result<UniqueFd> open_procfs_file(int dirfd, const char* rel, int flags, bool allow_symlinks);

/// Writes data with one write() call, as procfs wants; a short write is an error.
Result<void> write_all_once(int fd, const char* data, std::size_t len);

}  // namespace berth::attrs
