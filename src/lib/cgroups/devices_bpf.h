// The cgroup v2 device controller: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE.
//
// cgroup v2 has no devices.allow/devices.deny files; device access is filtered by a BPF program
// attached to the cgroup (Documentation/admin-guide/cgroup-v2.rst "Device controller"). We
// assemble that program by hand from linux.resources.devices (config-linux.md "Allowed Device
// list"), without libbpf: the program is a straight line of compares, small enough to emit with
// a handful of instruction builders (devices_bpf.cc), and loaded/attached with bpf(2)
// (devices_bpf_load.cc).
//
// Flow (parent side, before the container process runs):
//   rules = device_rules(spec.linux.resources.devices, true)   // may fail naming the field
//   insns = assemble_device_program(rules)
//   fd    = load_device_program(insns)
//   attach_device_program(cgroup_dir_fd, fd)                    // replaces any earlier program
#pragma once

#include <linux/bpf.h>

#include <cstdint>
#include <optional>
#include <vector>

#include <oci/config.h>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::cgroups {

/// One entry of the allowed-device list, resolved: type is 'a' (any), 'c' or 'b'; major/minor
/// are -1 for "any" (the `*` of the v1 filesystem API). r/w/m are the requested permissions.
struct DeviceRule {
  bool allow = false;
  char type = 'a';
  int64_t major = -1;
  int64_t minor = -1;
  bool r = false, w = false, m = false;
  bool operator==(const DeviceRule&) const = default;
};

/// linux.resources.devices (+ the runc default allow rules appended after the user's rules when
/// `with_defaults`, as runc does, so a spec cannot revoke them) -> ordered rules.
///  - type unset means 'a'; major/minor unset (or -1) mean any; access unset means "rwm";
///    an explicitly empty access string is rejected (runc rejects it too).
///  - A type 'a' rule is a reset, as in the kernel's v1 parser and runc's emulator: it is
///    normalised to a:*:* rwm whatever major/minor/access say.
///  - major/minor must be -1 or in [0, 2^32-1] (the kernel passes them as u32).
/// Errors name the field: "linux.resources.devices[2].access: unknown permission 'x'".
Result<std::vector<DeviceRule>> device_rules(const std::optional<std::vector<oci::DeviceCgroup>>& spec,
                                             bool with_defaults);

/// runc's default rules (libcontainer/specconv AllowedDevices) plus /dev/console 5:1:
/// c *:* m, b *:* m, then rwm for null 1:3, random 1:8, full 1:7, tty 5:0, zero 1:5,
/// urandom 1:9, console 5:1, pts 136:*, ptmx 5:2, tun 10:200.
const std::vector<DeviceRule>& default_device_rules();

/// Assembles the program. Semantics (runc/youki v2 emulation of the v1 devices cgroup):
///  - later rules override earlier ones, per permission bit: the rules are checked last to
///    first; a deny rule whose bits intersect the still-undecided requested bits denies; an
///    allow rule marks its bits decided, and the request is allowed once every requested bit
///    is decided. (So [deny all, allow c 1:3 rw, deny c 1:3 w] allows read but not write.)
///  - a rule a *:* rwm ends the walk: it decides whatever is left (a reset, as in v1).
///  - no matching rule: deny. The usual list starts with deny-all, which says the same thing;
///    a list without it is still default-deny, as in runc's and youki's v2 drivers.
/// Register use: r2 = device type, r3 = undecided access bits, r4 = major, r5 = minor.
/// Never emits a jump longer than one rule, so there is no 16-bit offset limit on the list.
std::vector<struct bpf_insn> assemble_device_program(const std::vector<DeviceRule>& rules);

/// BPF_PROG_LOAD as BPF_PROG_TYPE_CGROUP_DEVICE, license "Apache-2.0" (the program calls no
/// helpers, so no GPL-only helper gate applies). On EPERM (pre-5.11 kernels charge BPF memory
/// to RLIMIT_MEMLOCK) the soft limit is raised to the hard limit for one retry and restored
/// afterwards, so the raised limit is not inherited by anything we start later. On a verifier
/// rejection the load is retried with a log and the error carries the verifier's message.
Result<UniqueFd> load_device_program(const std::vector<struct bpf_insn>& insns);

/// Attaches prog_fd to the cgroup v2 directory with BPF_F_ALLOW_MULTI, then detaches the
/// device programs that were attached directly to that cgroup before (BPF_PROG_QUERY), so an
/// `update` never has a window without a filter: new rules first, old ones removed after.
/// If the cgroup's existing programs were attached without ALLOW_MULTI (another manager), the
/// new program is attached with the same flags, which makes the kernel replace it in one step.
Result<void> attach_device_program(int cgroup_dir_fd, int prog_fd);

/// Ids of the device programs attached directly to the cgroup (not inherited ones).
Result<std::vector<uint32_t>> attached_device_programs(int cgroup_dir_fd);

}  // namespace berth::cgroups
