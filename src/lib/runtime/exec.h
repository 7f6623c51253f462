// `exec` (runc's command and flags): run a new process inside a created or running
// container. See exec.cc for how it joins the container.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "runtime/runtime.h"

namespace berth::runtime {

struct ExecOptions {
  std::string id;
  std::vector<std::string> args;  // the command; replaces process.args
  std::string process_file;       // --process: a process.json (config.md "process")
  std::string console_socket, pid_file, cwd, user, apparmor, process_label;
  std::vector<std::string> env, caps, additional_gids;
  bool tty = false, detach = false, no_new_privs = false, ignore_paused = false;
  int preserve_fds = 0;
};

/// Foreground: the exit code berth must exit with (status, or 128+signal). Detached: 0
/// once the process runs.
Result<int> exec(const Global& g, const ExecOptions& o);

}  // namespace berth::runtime
