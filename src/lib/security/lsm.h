// Linux security modules: process.apparmorProfile, process.selinuxLabel (config.md
// "Linux Process") and linux.mountLabel (config-linux.md "Mount Label").
//
// Both process fields become an exec label: a write to the process's own
// /proc/<pid>/attr/.../exec, which the kernel applies at the next execve() and not before,
// so the runtime's own setup is never confined by the container's profile. The write must
// reach the real procfs (CVE-2025-52881: a bind mount over /proc/self/attr/... in the
// container's mount tree could swallow it and the container would run unconfined), so it
// goes through attrs::Root: a private, detached procfs instance (attrs/procfs.h).
//
// Host support, decided in the parent (build_lsm_plan):
//   AppArmor  /sys/module/apparmor/parameters/enabled reads "Y" (runc's test). Disabled
//             host + profile: the profile is ignored with a warning. There is no module to
//             enforce it, and that is how the engines above runc treat it (Docker's
//             saveAppArmorConfig drops the profile when the host has no AppArmor), so
//             configs written for AppArmor hosts keep working elsewhere. A profile that is
//             not loaded is refused before anything is created, from
//             /sys/kernel/security/apparmor/profiles; the child's write (ENOENT) stays the
//             authority where securityfs is not readable. "unconfined" is always accepted.
//   SELinux   selinuxfs mounted at /sys/fs/selinux (enforce exists or SELINUX_MAGIC).
//             Disabled host + selinuxLabel or mountLabel: an error naming the field. runc
//             rejects selinuxLabel the same way ("selinux label is specified in config, but
//             selinux is disabled") but silently ignores mountLabel; berth rejects both, as
//             a label that cannot be applied means the container is not isolated as asked.
#pragma once

#include <oci/config.h>

#include <optional>
#include <string>

#include "attrs/procfs.h"
#include "base/error.h"
#include "base/unique_fd.h"
#include "rootfs/plan.h"

namespace berth::security {

/// sysroot prefixes every host path ("" for the real host; a fake tree in unit tests).
bool apparmor_enabled(const std::string& sysroot = "");
bool selinux_enabled(const std::string& sysroot = "");

/// Whether profile is listed in <sysroot>/sys/kernel/security/apparmor/profiles (lines
/// "name (mode)"); nullopt when the list cannot be read (securityfs not mounted...).
std::optional<bool> apparmor_profile_loaded(const std::string& profile,
                                            const std::string& sysroot = "");

struct LsmPlan {
  std::string apparmor_profile;  // empty: none, or ignored (AppArmor disabled)
  std::string selinux_label;     // empty: none
};

/// Validates the fields against the host, names them in errors, and labels the mounts of
/// rootfs (format_mount_label) when linux.mountLabel is set.
Result<LsmPlan> build_lsm_plan(const oci::Spec& spec, rootfs::Plan& rootfs,
                               const std::string& sysroot = "");

/// mount(2) data with the SELinux context option added, as go-selinux's FormatMountLabel
/// writes it: `context="label"`, after the existing data and a comma.
std::string format_mount_label(const std::string& data, const std::string& label);

/// Whether a mount gets the label in its data. Not: bind mounts and remounts (mount(2)
/// ignores or refuses data there), proc and sysfs (SELinux labels them by genfs rules and
/// refuses context=), cgroup/cgroup2, and mqueue (older kernels refuse it; runc mounts it
/// unlabelled). Everything else (tmpfs, devpts, shm...) takes it, as in runc.
bool mount_takes_label(const rootfs::MountOp& op);

// --- child side (no allocation) -------------------------------------------------------

/// The exec-label files, opened while the child still has its privileges (making the
/// private procfs needs CAP_SYS_ADMIN) and written at the end of init.
struct LsmFds {
  UniqueFd apparmor;
  UniqueFd selinux;
};

/// Opens <pid>/attr/apparmor/exec (falling back to <pid>/attr/exec on kernels without
/// the per-LSM directory) and <pid>/attr/exec for SELinux, through root.
Result<void> open_lsm_attrs(const LsmPlan& plan, const attrs::Root& root, LsmFds& fds);

/// Writes "exec <profile>" and the SELinux label. ENOENT from AppArmor means the profile
/// is not loaded: `process.apparmorProfile: profile "x" is not loaded`.
Result<void> apply_lsm(const LsmPlan& plan, LsmFds& fds);

}  // namespace berth::security
