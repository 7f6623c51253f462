// linux.seccomp.flags <-> SECCOMP_FILTER_FLAG_* (internal to the seccomp files).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace berth::security {

/// The seccomp(2) flags for the names in linux.seccomp.flags; an unknown name or one the
/// kernel rejects is an error naming linux.seccomp.flags[i].
Result<unsigned> seccomp_flags_of(const std::vector<std::string>& names, bool notify);

}  // namespace berth::security
