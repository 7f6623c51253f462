// Mount primitives used by setup.cc and devices.cc (child side). Every target is an fd
// resolved once inside the root (resolve.h); nothing is mounted by re-resolving a path.
//
// The new mount API (open_tree/move_mount/mount_setattr/fsopen, Linux >= 5.2/5.12) is
// used where it exists; on ENOSYS the classic mount(2) is used with /proc/self/fd/N as
// source and target, which the kernel resolves to exactly the fd's mount and dentry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"
#include "rootfs/plan.h"

namespace berth::rootfs {

/// "/proc/self/fd/<fd>": the path of an fd for mount(2).
std::string proc_fd(int fd);

/// Performs one MountOp inside root_fd: creates the destination if missing (a file when
/// a bind source is a file), mounts, applies recursive attributes and propagation.
Result<void> mount_op(int root_fd, const MountOp& op);

/// A non-bind MountOp (mount(2) with type and data onto the resolved destination).
Result<void> mount_filesystem(int root_fd, const MountOp& op);

/// Bind-mounts src_fd (any O_PATH fd) onto dst_fd (non-recursive, no flag changes).
Result<void> bind_fd_onto(int src_fd, int dst_fd);

/// Makes the mount at `path` (inside root_fd) read-only, keeping its other flags;
/// recursive also covers the mounts below it.
Result<void> make_readonly(int root_fd, std::string_view path, bool recursive);

/// Mounts an empty read-only tmpfs on dst_fd (masking a directory).
Result<void> mount_empty_tmpfs_ro(int dst_fd);

/// The mount id of an fd (statx STATX_MNT_ID), 0 when unknown.
uint64_t mount_id(int fd);

/// Converts statfs(2) f_flags (ST_*) to the MS_* per-mount flags they report.
unsigned long statfs_to_ms(unsigned long st_flags);

/// Whether the new mount API is in use (false after an ENOSYS or when forced off).
bool new_mount_api();
/// Records that the new mount API is unavailable (ENOSYS seen).
void disable_new_mount_api();

/// v1 emulation for type "cgroup" on hybrid/legacy hosts (cgroup_mount.cc): a tmpfs
/// with one cgroup v1 mount per hierarchy of /proc/self/cgroup. On a cgroup2-only host
/// the mount becomes cgroup2, as runc does.
Result<void> mount_cgroup(int root_fd, const MountOp& op);

/// Copies the content of directory src_dir into dst_dir (tmpcopyup, copy_up.cc):
/// regular files, directories, symlinks and special files with owner, mode and times.
Result<void> copy_tree(int src_dir, int dst_dir);

}  // namespace berth::rootfs
