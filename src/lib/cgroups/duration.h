// Go-syntax durations, for `events --interval 5s` (runc parses that flag with Go's
// time.ParseDuration, so scripts pass values like "1m30s", "250ms", "1.5h").
#pragma once

#include <chrono>
#include <string_view>

#include "base/error.h"

namespace berth::cgroups {

/// Go's time.ParseDuration: a signed sequence of decimal numbers, each with an
/// optional fraction and a unit ("ns", "us", "µs" (U+00B5), "μs" (U+03BC), "ms", "s",
/// "m", "h"); "0" alone needs no unit. Negative values are accepted, as in Go; callers
/// that need a positive interval check that themselves. Errors use Go's wording:
///   time: invalid duration "x"            (syntax, overflow, "")
///   time: missing unit in duration "5"
///   time: unknown unit "d" in duration "5d"
Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s);

}  // namespace berth::cgroups
