// Linux capabilities of the container process (config.md#linux-process "capabilities",
// capabilities(7)).
//
// Policy:
//  - A name that is not a capability, or one this kernel does not know (number above
//    /proc/sys/kernel/cap_last_cap), is logged as a warning and skipped: the spec says
//    such values "MUST be logged as a warning" and runtimes "SHOULD NOT fail" (runc does
//    the same). The warnings are also kept in CapsPlan::warnings.
//  - Requests the kernel can never satisfy whatever the environment — effective not in
//    permitted, inheritable not in bounding, ambient not in both permitted and
//    inheritable — are errors naming the field, because the process would silently run
//    with other capabilities than the config says.
//  - process.capabilities absent, or one set absent: that set is empty (runc's
//    behaviour). In particular inheritable and ambient are never filled in by default
//    (CVE-2022-27650, CVE-2022-29162: a non-empty inheritable set lets file-capability
//    binaries in the image gain those capabilities across execve).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <oci/config.h>

#include "base/error.h"

namespace berth::security {

struct CapsPlan {
  uint64_t bounding = 0;  // bit n = capability number n
  uint64_t effective = 0;
  uint64_t permitted = 0;
  uint64_t inheritable = 0;
  uint64_t ambient = 0;
  bool present = false;  // process.capabilities was in the config
  int last_cap = 0;      // /proc/sys/kernel/cap_last_cap, read by the parent
  std::vector<std::string> warnings;  // already logged; kept for callers and tests
};

/// "CAP_CHOWN" → 0 ... "CAP_CHECKPOINT_RESTORE" → 40; -1 if unknown.
int capability_number(std::string_view name);
/// 0 → "CAP_CHOWN"; nullptr if out of range.
const char* capability_name(int cap);
/// Number of capability names known to berth (41, CAP_CHOWN..CAP_CHECKPOINT_RESTORE).
int known_capability_count();

/// Reads /proc/sys/kernel/cap_last_cap (parent side, before any pivot).
Result<int> read_cap_last_cap();

/// Builds the five sets from spec.process.capabilities (parent side).
Result<CapsPlan> build_caps_plan(const oci::Spec& spec);
/// Same, with an explicit cap_last_cap (tests).
Result<CapsPlan> build_caps_plan(const oci::Spec& spec, int last_cap);

/// Drops every capability not in plan.bounding from the bounding set (PR_CAPBSET_DROP
/// for 0..last_cap). Needs CAP_SETPCAP in the *effective* set, so it must run before
/// setresuid() to a non-zero uid clears the effective set; apply_identity() does that.
Result<void> drop_bounding_set(const CapsPlan& plan);

/// After the uid switch: capset() effective/permitted/inheritable, then clear the
/// ambient set and raise each requested ambient capability. Child side.
Result<void> apply_caps(const CapsPlan& plan);

/// prctl(PR_SET_NO_NEW_PRIVS, 1) (config.md#linux-process "noNewPrivileges").
Result<void> set_no_new_privs();

}  // namespace berth::security
