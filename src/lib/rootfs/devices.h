// /dev setup in the container child (config-linux.md#configLinuxDevices,
// #configLinuxDefaultDevices; runtime-linux.md#runtimeLinuxDevSymbolicLinks).
#pragma once

#include "base/error.h"
#include "rootfs/plan.h"

namespace berth::rootfs {

/// Creates plan.devices inside root_fd with mknodat() relative to the resolved parent
/// (mode applied exactly, owner set); falls back to bind-mounting the host's node when
/// mknod is not permitted (EPERM, user namespaces). An existing node that matches is
/// kept (owner and mode re-applied); anything else at a device path is an error (spec:
/// "the runtime MUST generate an error").
Result<void> create_devices(int root_fd, const Plan& plan);

/// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr (when /proc/self/fd exists in the
/// container), /dev/core -> /proc/kcore (when the kernel has it, as runc), /dev/ptmx ->
/// pts/ptmx, and the /dev/console placeholder when plan.console. Existing links are kept.
Result<void> create_dev_links(int root_fd, const Plan& plan);

}  // namespace berth::rootfs
