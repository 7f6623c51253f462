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
// Better than any check on the container's /proc: a private procfs instance made with
// fsopen("proc") + fsmount() is detached, so nothing is or can be mounted over any of its
// files, and the image cannot put symlinks in it. open_private_procfs() makes one; Root
// holds it (or, where fsopen is unavailable, the verified container /proc) and the writes
// of sysctls, oom_score_adj and the LSM exec labels all go through a Root.
//
// Test builds: unprotected("procfs-write") makes Root-based opens use the plain path under
// /proc instead (follows whatever is mounted there), so tests/security/procfs.bats can
// show that the protection matters.
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

/// A private, detached procfs instance (fsopen/fsmount; needs CAP_SYS_ADMIN, so make it
/// before the capability drop). Its pid namespace is the caller's active one, and its
/// /sys/net and ipc/uts sysctls are the caller's namespaces' (they follow the opener).
Result<UniqueFd> open_private_procfs();

/// Where procfs writes go: a private instance, or the verified container /proc.
struct Root {
  UniqueFd fd;
  bool detached = false;  // a private instance: open "<pid>/..." without any symlink
};

/// open_private_procfs(), falling back to open_procfs_dir("/proc") when fsopen/fsmount
/// are unavailable or refused (old kernels, restricted mount API).
Result<Root> open_root();

/// Opens "/proc/sys/<rel>" under root without symlinks.
Result<UniqueFd> open_sys_file(const Root& root, const char* rel, int flags);

/// Opens "/proc/self/<rel>" (rel like "oom_score_adj", "attr/apparmor/exec") under root:
/// "<getpid()>/<rel>" without symlinks on a private instance, "self/<rel>" otherwise.
Result<UniqueFd> open_self_file(const Root& root, const char* rel, int flags);

/// Writes data with one write() call, as procfs wants; a short write is an error.
Result<void> write_all_once(int fd, const char* data, std::size_t len);

}  // namespace berth::attrs
