// Signal names as `runc kill` accepts them: "KILL", "SIGKILL", "kill", "9", "SIGRTMIN+3",
// "RTMAX-2". Shared by kill, run's forwarding and hooks.
#pragma once

#include <string_view>

#include "base/error.h"

namespace berth {

/// Returns the signal number or an error `unknown signal "<s>"`.
Result<int> parse_signal(std::string_view s);
/// "SIGTERM" for 15, "SIGRTMIN+3" for real-time signals.
const char* signal_name(int sig);

}  // namespace berth
