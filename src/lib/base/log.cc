#include "base/log.h"

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>

#include "base/unique_fd.h"

namespace berth::log {
namespace {

struct Sink {
  UniqueFd file;
  Format format = Format::kText;
  bool debug = false;
};

Sink& sink() {
  static Sink s;
  return s;
}

const char* level_name(Level l) {
  switch (l) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarning: return "warning";
    case Level::kError: return "error";
  }
  return "info";
}

std::string now_rfc3339() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  return buf;
}

void write_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

bool init(const std::string& path, Format format, bool debug) {
  auto& s = sink();
  s.format = format;
  s.debug = debug;
  if (!path.empty()) {
    s.file.reset(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!s.file) {
      std::fprintf(stderr, "berth: cannot open log file %s: %m\n", path.c_str());
      return false;
    }
  }
  return true;
}

void write(Level level, const char* fmt, ...) {
  auto& s = sink();
  if (level == Level::kDebug && !s.debug) return;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  std::string line;
  if (s.format == Format::kJson) {
    line = "{\"level\":\"" + std::string(level_name(level)) + "\",\"msg\":\"" + json_escape(msg) +
           "\",\"time\":\"" + now_rfc3339() + "\"}\n";
  } else {
    line = "time=\"" + now_rfc3339() + "\" level=" + level_name(level) + " msg=\"" +
           json_escape(msg) + "\"\n";
  }
  // Without --log, messages go to stderr; errors are printed plainly by the CLI too
  // (as runc does), so only non-error messages are echoed here.
  if (s.file)
    write_all(s.file.get(), line);
  else if (level != Level::kError)
    write_all(STDERR_FILENO, line);
}

}  // namespace berth::log
