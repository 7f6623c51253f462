// Logging in runc's formats, because containerd and conmon read berth's log file:
//   text: time="2026-12-01T18:00:00Z" level=error msg="container not running"
//   json: {"level":"error","msg":"container not running","time":"2026-12-01T18:00:00Z"}
// containerd's shim reports the msg of the last error line to its caller.
#pragma once

#include <string>
#include <string_view>

namespace berth::log {

enum class Level { kDebug, kInfo, kWarning, kError };
enum class Format { kText, kJson };

/// Configures the sink from the global flags. path empty: stderr only.
/// Returns false (and prints why) when the log file cannot be opened.
bool init(const std::string& path, Format format, bool debug);

[[gnu::format(printf, 2, 3)]] void write(Level level, const char* fmt, ...);

#define BERTH_DEBUG(...) ::berth::log::write(::berth::log::Level::kDebug, __VA_ARGS__)
#define BERTH_INFO(...) ::berth::log::write(::berth::log::Level::kInfo, __VA_ARGS__)
#define BERTH_WARN(...) ::berth::log::write(::berth::log::Level::kWarning, __VA_ARGS__)
#define BERTH_ERROR(...) ::berth::log::write(::berth::log::Level::kError, __VA_ARGS__)

/// JSON string escaping, shared with other writers of hand-made JSON.
std::string json_escape(std::string_view s);

}  // namespace berth::log
