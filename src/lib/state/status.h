// Liveness of a container's init process, and the status `berth state` reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "state/record.h"

namespace berth::state {

struct ProcStat {
  char state = 0;               // field 3: R, S, D, Z, T, X, ...
  std::uint64_t start_time = 0;  // field 22, in clock ticks since boot
};

/// Parses the text of /proc/<pid>/stat. comm (field 2) may contain spaces and
/// parentheses, so the fields after it are located from the *last* ')'.
std::optional<ProcStat> parse_proc_stat(std::string_view stat);

/// Field 22 of /proc/<pid>/stat; 0 when there is no such process (or pid <= 0).
std::uint64_t process_start_time(int pid);

/// True when pid exists, is not a zombie (a zombie init has exited; only its parent has
/// not reaped it yet), and has the given start time (so a reused pid is not mistaken for
/// the container). start_time 0 means "unknown" and skips that comparison.
bool process_alive(int pid, std::uint64_t start_time);

/// The status to report for r, checked against the live system (like runc's
/// refreshState): "stopped" if pid is 0 or the init process is gone; else "paused" if the
/// stored status is paused (checked before created because a created container can be
/// paused too, and runc then reports paused); else "created" while <state dir>/exec.fifo
/// exists (start removes it); else "running". state_dir_fd is the container's own
/// directory (Store::open_dir).
std::string live_status(const Record& r, int state_dir_fd);

}  // namespace berth::state
