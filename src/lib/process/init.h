// The container child: a fixed, ordered table of steps executed after clone3().
#pragma once

#include <string>

#include "config/plan.h"

namespace berth::process {

enum class StartMode {
  kFifo,    // `create`: block on exec.fifo until `berth start` opens it (runtime.md "start")
  kSocket,  // `run`: the parent sends kGo again on the sync socket; no fifo round trip
};

struct ChildArgs {
  const config::InitPlan* plan;
  int sock;              // child end of the sync socketpair
  int fifo_fd;           // O_PATH fd of <state>/exec.fifo (kFifo) or -1
  StartMode mode;
  std::string id;        // container id (session keyring name)
  int extra_fds;         // fds 3 .. 3+extra_fds-1 reach the container process
};

/// Runs the init steps and execve()s the container process. Never returns: on error it
/// sends kError to the parent and _exit(1)s. No exception can reach here (-fno-exceptions).
[[noreturn]] void child_main(const ChildArgs& args);

}  // namespace berth::process
