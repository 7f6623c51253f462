// A process berth stays the parent of (`run`, `exec` without --detach): signals are
// forwarded to it, the terminal is relayed when there is no --console-socket, and berth
// exits with its status (128+N when killed by signal N), like runc.
#pragma once

#include <signal.h>

#include "base/unique_fd.h"
#include "process/spawn.h"

namespace berth::runtime {

// Blocks every forwardable signal for the lifetime of the object and reads them from a
// signalfd; the child resets its mask before execve (process/init.cc).
class BlockedSignals {
 public:
  BlockedSignals();
  ~BlockedSignals();
  BlockedSignals(const BlockedSignals&) = delete;
  BlockedSignals& operator=(const BlockedSignals&) = delete;
  int fd() const { return fd_.get(); }

 private:
  sigset_t set_, old_;
  UniqueFd fd_;
};

/// Until s.pid exits: forwards signals to it, relays s.console_master if set, reaps every
/// child (berth is a subreaper). Returns the shell-style exit code.
int wait_foreground(process::Spawned& s, const BlockedSignals& sigs);

}  // namespace berth::runtime
