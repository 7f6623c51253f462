// Child side of the root filesystem: runs in the container's new mount namespace (the
// caller already did CLONE_NEWNS), single-threaded, before execve.
//
// Order in the init sequence (process/init):
//   rootfs::prepare   mounts, devices, /dev links (host paths still visible: bind
//                     sources, host device nodes for the EPERM fallback)
//   createContainer hooks (they see the prepared rootfs, before pivot_root)
//   rootfs::pivot     pivot_root (or MS_MOVE + chroot with --no-pivot)
//   sysctl            (attrs; needs /proc/sys writable)
//   rootfs::protect   readonlyPaths, maskedPaths, read-only root, propagation
//   console           console::open_pty_in_container binds the pty slave onto the
//                     /dev/console placeholder prepare() created
// finalize() is pivot() + protect() for callers with nothing to do in between.
// prepare() and finalize() share no state besides the Plan: finalize re-opens
// plan.rootfs (which prepare() turned into a mount point), so nothing has to be kept.
#pragma once

#include "base/error.h"
#include "rootfs/plan.h"

namespace berth::rootfs {

/// Makes the whole tree MS_SLAVE|MS_REC (nothing propagates back to the host), binds the
/// rootfs onto itself, performs every MountOp in order, then (plan.setup_dev) creates the
/// devices, the /dev symlinks, /dev/ptmx and the /dev/console placeholder.
/// Errors carry context: "mounts[3]: mount tmpfs on /run: ...".
Result<void> prepare(const Plan& plan);

/// pivot_root into the rootfs (or MS_MOVE + chroot when plan.no_pivot), chdir("/"),
/// then read-only remount of a /dev tmpfs given "ro", readonlyPaths, maskedPaths,
/// root.readonly and finally linux.rootfsPropagation on "/".
/// The two halves of finalize(), for callers that must act in between (sysctl writes
/// need the container's /proc/sys before readonlyPaths makes it read-only):
/// pivot() enters the new root; protect() applies deferred ro, readonlyPaths,
/// maskedPaths, root.readonly and rootfsPropagation.
Result<void> pivot(const Plan& plan);
Result<void> protect(const Plan& plan);
Result<void> finalize(const Plan& plan);


namespace testing {
/// Forces classic mount(2) instead of open_tree/move_mount/mount_setattr (tests only).
void force_classic_mount_api(bool on);
}  // namespace testing

}  // namespace berth::rootfs
