#include "state/status.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "base/file.h"

namespace berth::state {

std::optional<ProcStat> parse_proc_stat(std::string_view stat) {
  auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // Fields after comm are separated by single spaces; rest starts at field 3.
  ProcStat out;
  int field = 2;
  std::size_t pos = 0;
  while (pos < rest.size()) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    std::size_t end = rest.find_first_of(" \n", pos);
    if (end == std::string_view::npos) end = rest.size();
    if (end == pos) break;
    std::string_view tok = rest.substr(pos, end - pos);
    ++field;
    if (field == 3) {
      if (tok.size() != 1) return std::nullopt;
      out.state = tok[0];
    } else if (field == 22) {
      auto [p, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), out.start_time);
      if (ec != std::errc() || p != tok.data() + tok.size()) return std::nullopt;
      return out;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

namespace {

std::optional<ProcStat> read_stat(int pid) {
  if (pid <= 0) return std::nullopt;
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

}  // namespace

std::uint64_t process_start_time(int pid) {
  auto st = read_stat(pid);
  return st ? st->start_time : 0;
}

bool process_alive(int pid, std::uint64_t start_time) {
  auto st = read_stat(pid);
  if (!st) return false;
  // 'X' (dead) is only visible for an instant, but it is no more alive than a zombie.
  if (st->state == 'Z' || st->state == 'X') return false;
  return start_time == 0 || st->start_time == start_time;
}

std::string live_status(const Record& r, int state_dir_fd) {
  if (r.pid <= 0 || !process_alive(r.pid, r.pid_start_time)) return "stopped";
  if (r.status == "paused") return "paused";
  struct stat st;
  if (::fstatat(state_dir_fd, "exec.fifo", &st, AT_SYMLINK_NOFOLLOW) == 0) return "created";
  return "running";
}

}  // namespace berth::state
