// Internal: SemVer 2.0.0 parsing and precedence (https://semver.org), used for
// ociVersion (config.md#specification-version) and features.md versions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oci::detail {

struct SemVer {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // without the leading '-'; empty if none
};

std::optional<SemVer> parse_semver(std::string_view s);
// <0, 0, >0 by SemVer precedence (build metadata ignored).
int compare_semver(const SemVer& a, const SemVer& b);

}  // namespace oci::detail
