// Linux security module labels: process.apparmorProfile, process.selinuxLabel and
// linux.mountLabel (config.md "AppArmor profile", "SELinux label"; config-linux.md
// "Mount Label").
//
// The parent decides (plan_lsm), from what the host supports, what init must do; init then
// writes the exec labels as its very last step before execve, so the runtime's own setup is
// never confined by the container's profile. The writes go through attrs/procfs.h, so a
// bind mount or symlink the image or a mount entry placed over /proc/self/attr cannot
// swallow them (CVE-2025-52881): a swallowed write would start the container unconfined.
#pragma once

#include <oci/config.h>

#include <string>

#include "base/error.h"

namespace berth::security {

/// What the host's kernel has enabled. Read from sysfs by detect_lsm_host().
struct LsmHost {
  bool apparmor = false;
  bool selinux = false;
  /// /sys/kernel/security/apparmor/profiles: "name (mode)" per line; empty if unreadable.
  std::string apparmor_profiles;
};

/// sysfs_root is "/sys" except in tests.
LsmHost detect_lsm_host(const std::string& sysfs_root = "/sys");

struct LsmPlan {
  std::string apparmor_profile;  // empty: none (unset, or AppArmor disabled on the host)
  std::string selinux_label;     // empty: none
  std::string mount_label;       // empty: none
};

/// AppArmor disabled on the host: the profile is ignored, as runc does (runc applies a
/// profile only when AppArmor is enabled; Docker and Podman set one by default, so refusing
/// would break every container on such hosts). A profile that is not loaded is an error.
/// SELinux not enabled: selinuxLabel or mountLabel is an error naming the field (a label
/// that silently does nothing would leave the container less confined than asked).
Result<LsmPlan> plan_lsm(const oci::Spec& spec, const LsmHost& host);

/// mount(2) data with the SELinux context of linux.mountLabel added, for the filesystem
/// types that take a context= option; other types get data back unchanged.
std::string with_mount_label(const std::string& fstype, const std::string& data,
                             const std::string& label);

/// In init, right before execve: the labels take effect on exec. Child-safe.
Result<void> apply_exec_labels(const LsmPlan& plan);

}  // namespace berth::security
