// Helpers internal to the seccomp files: linux.seccomp.flags <-> SECCOMP_FILTER_FLAG_*,
// architecture names <-> libseccomp tokens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace berth::security {

/// The seccomp(2) flags for the names in linux.seccomp.flags; an unknown name or one the
/// kernel rejects is an error naming linux.seccomp.flags[i].
Result<unsigned> seccomp_flags_of(const std::vector<std::string>& names, bool notify);

/// "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64"; 0 when this libseccomp does not
/// know it.
uint32_t arch_token(const std::string& name);

}  // namespace berth::security
