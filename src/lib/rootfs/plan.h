// The resolved root filesystem plan: built in the parent from the spec (may allocate,
// may fail with errors naming the JSON field), executed by setup.h in the container child.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include <oci/config.h>

#include "base/error.h"
#include "rootfs/mount_options.h"

namespace berth::rootfs {

/// One entry of spec.mounts, resolved (config.md#mounts, #configPOSIXMounts).
struct MountOp {
  std::size_t index = 0;    // position in spec.mounts, for "mounts[3]: ..." errors
  std::string type;         // filesystem type ("tmpfs", "proc", ...); may be "" or "none" for binds
  std::string source;       // bind: absolute host path; otherwise as given (defaults to type)
  std::string destination;  // clean absolute path inside the container
  ParsedOptions options;    // flags, recursive attrs, propagation, data
  bool is_bind = false;     // "bind"/"rbind" in options, or type "bind"
  bool is_recursive = false;  // "rbind"
  /// tmpfs on /dev with "ro": mounted read-write so the devices can be created, and
  /// remounted read-only by finalize() (as runc does).
  bool defer_rdonly = false;
};

/// A device node to create (config-linux.md#configLinuxDevices, #configLinuxDefaultDevices).
struct DeviceOp {
  std::string path;  // clean absolute path inside the container
  mode_t type = 0;   // S_IFCHR, S_IFBLK or S_IFIFO ("u" is S_IFCHR)
  dev_t rdev = 0;
  mode_t mode = 0666;  // permission bits, applied exactly (umask ignored)
  uid_t uid = 0;
  gid_t gid = 0;
  int spec_index = -1;  // index in linux.devices, -1 for a default device
};

struct Plan {
  std::string rootfs;  // absolute, canonical host path of root.path
  bool readonly = false;
  /// linux.rootfsPropagation as MS_* flags, applied to the new "/" at the end of
  /// finalize(); 0 when unset (the tree stays MS_SLAVE|MS_REC, runc's default).
  unsigned long root_propagation = 0;
  std::vector<MountOp> mounts;
  /// Default devices (null zero full random urandom tty, 0666) followed by linux.devices;
  /// a spec device on a default path replaces the default.
  std::vector<DeviceOp> devices;
  /// Whether a spec mount has /dev as destination.
  bool dev_mounted = false;
  /// Whether devices, /dev symlinks and /dev/ptmx are set up: false when /dev is a bind
  /// mount from the host (its nodes are the host's; runc skips the setup too).
  bool setup_dev = true;
  /// process.terminal: create an empty /dev/console placeholder for the console module.
  bool console = false;
  std::vector<std::string> masked_paths;    // clean absolute
  std::vector<std::string> readonly_paths;  // clean absolute
  bool no_pivot = false;
};

/// Builds the plan. `bundle_dir` resolves a relative root.path and relative bind sources.
/// Errors name the field: "root.path: rootfs: no such directory",
/// "mounts[2].options: mount option \"ro\" takes no value", "linux.devices[0].type: ...".
Result<Plan> build_plan(const oci::Spec& spec, const std::string& bundle_dir, bool no_pivot);

}  // namespace berth::rootfs
