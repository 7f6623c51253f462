// Parsing of mounts[].options (config.md#configLinuxMountOptions) into mount(2) flags,
// mount_setattr(2) recursive attributes, propagation changes and filesystem data.
//
// Pure: no syscalls, no allocation beyond the result, so it is unit-tested without root.
// Options are applied in order, later ones winning (as mount(8) does: "ro,rw" is rw).
// Unknown options are filesystem-specific data ("size=64m", "mode=755"), joined with ','
// and passed as mount(2)'s data argument (config.md: "Runtimes SHOULD treat unknown
// options as filesystem-specific ones").
#pragma once

#include <sys/mount.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace berth::rootfs {

struct ParsedOptions {
  /// MS_* flags to pass to mount(2) (never MS_BIND/MS_REC/propagation; see below).
  unsigned long flags = 0;
  /// MS_* per-mount flags an option explicitly turned off ("rw", "suid", "exec", ...).
  /// A bind mount made with the new mount API changes only what was asked for:
  /// bits in `flags` are set, bits here are cleared, the rest is inherited from the source.
  unsigned long cleared = 0;
  /// MOUNT_ATTR_* applied with mount_setattr(AT_RECURSIVE) ("rro", "rnosuid", ...).
  /// When attr_clr has MOUNT_ATTR__ATIME, attr_set & MOUNT_ATTR__ATIME is the atime mode.
  uint64_t attr_set = 0;
  uint64_t attr_clr = 0;
  /// Propagation changes in the order given: each is one of MS_SHARED, MS_SLAVE,
  /// MS_PRIVATE, MS_UNBINDABLE, possibly with MS_REC ("rshared" ...). mount(2) takes
  /// one propagation type per call, so they are applied one at a time after mounting.
  std::vector<unsigned long> propagation;
  /// Filesystem-specific options joined with ',' (mount(2) data).
  std::string data;
  bool bind = false;       // "bind" or "rbind"
  bool recursive = false;  // "rbind"
  bool remount = false;    // "remount": change the mount already at the destination
  bool tmpcopyup = false;  // "tmpcopyup": copy the directory's content into the new tmpfs
  bool idmap = false;      // "idmap"  (parsed; build_plan rejects it for now)
  bool ridmap = false;     // "ridmap"

  bool has_recursive_attrs() const { return attr_set != 0 || attr_clr != 0; }
};

/// Parses an options list. Errors (EINVAL) name the offending option:
///   empty option string; a flag option given a value ("ro=1"); both "idmap" and "ridmap".
Result<ParsedOptions> parse_mount_options(const std::vector<std::string>& options);

/// The per-mount MS_* bits (those a bind remount can change and a user namespace can lock).
inline constexpr unsigned long kPerMountFlags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC |
                                                MS_NOSYMFOLLOW | MS_NOATIME | MS_NODIRATIME |
                                                MS_RELATIME | MS_STRICTATIME;
/// The propagation type bits.
inline constexpr unsigned long kPropagationFlags = MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE;

/// Converts per-mount MS_* flags to MOUNT_ATTR_* (for mount_setattr / fsmount), with the
/// atime precedence of the kernel's mount(2): strictatime > noatime > relatime.
/// set/clr receive what `flags` turns on and what `cleared` turns off.
void ms_to_mount_attr(unsigned long flags, unsigned long cleared, uint64_t* set, uint64_t* clr);

/// Maps linux.rootfsPropagation ("shared", "rslave", ...) to MS_* flags; 0 when unknown.
unsigned long propagation_from_name(std::string_view name);

}  // namespace berth::rootfs
