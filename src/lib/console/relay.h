// TerminalRelay: the foreground `run` without --console-socket, where berth itself
// sits between the user's terminal and the container's pty master.
//
// Two ways to drive it:
//  - relay(signal_fd, on_signal): a complete loop until the master hangs up (every
//    holder of the slave is gone). SIGWINCH read from signal_fd resizes the pty; any
//    other signal goes to on_signal, which returns false to stop the loop (e.g. after
//    SIGCHLD reaped the container process; call drain() then).
//  - fill_pollfds()/step(): for a caller with its own poll loop (signal forwarding, the
//    child's pidfd): put the relay's fds into the caller's pollfd array, poll, then
//    hand the same entries to step() (or handle(), which logs errors instead). Call
//    resize() on SIGWINCH yourself, and drain() after the container process exited.
//
//     pollfd fds[TerminalRelay::kMaxPollFds + 2];
//     std::size_t n = relay.fill_pollfds(fds);
//     fds[n] = {sigfd, POLLIN, 0}; fds[n + 1] = {pidfd, POLLIN, 0};
//     poll(fds, n + 2, -1);
//     BERTH_TRY_ASSIGN(bool open, relay.step(fds, n));
//
// The caller's terminal (in_fd, when it is a tty) is put in raw mode by start() and
// restored by restore(), the destructor, and an atexit() handler (for exit() paths).
// Call start() once before polling; fill_pollfds() starts the relay itself (logging a
// failure as a warning) if the caller did not.
// stdin EOF (a pipe) sends the pty's VEOF character once, so a reading program ends.
#pragma once

#include <poll.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <cstddef>
#include <functional>

#include "base/error.h"

namespace berth::console {

class TerminalRelay {
 public:
  static constexpr std::size_t kMaxPollFds = 2;

  /// Borrows the fds; master_fd must stay open while the relay is used.
  explicit TerminalRelay(int master_fd, int in_fd = STDIN_FILENO, int out_fd = STDOUT_FILENO);
  TerminalRelay(const TerminalRelay&) = delete;
  TerminalRelay& operator=(const TerminalRelay&) = delete;
  ~TerminalRelay();

  /// Raw mode on in_fd if it is a tty, copies its window size to the pty, makes the
  /// master non-blocking (the runtime is its only holder).
  Result<void> start();
  /// Restores the terminal's original settings; idempotent.
  void restore();
  /// Copies in_fd's (or out_fd's) window size to the pty; no-op when neither is a tty.
  Result<void> resize();

  /// Writes up to kMaxPollFds entries the relay waits on; returns how many.
  std::size_t fill_pollfds(pollfd* fds);
  /// Handles the revents of the entries fill_pollfds() produced. Returns false once the
  /// master has hung up (EIO: no process holds the slave any more).
  Result<bool> step(const pollfd* fds, std::size_t n);
  /// step() on the entries of the last fill_pollfds(); errors are logged (BERTH_WARN)
  /// and stop the relay, since a broken terminal must not stop the wait for the child.
  void handle(const pollfd* fds);
  /// Copies whatever output the master has buffered right now to out_fd.
  Result<void> drain();
  bool hung_up() const { return hung_up_; }

  /// The complete loop; see the top of the file. signal_fd may be -1.
  Result<void> relay(int signal_fd,
                     const std::function<bool(const signalfd_siginfo&)>& on_signal = {});

 private:
  Result<void> pump_output();
  Result<void> pump_input();
  Result<void> flush_input();

  int master_, in_, out_;
  bool started_ = false;
  bool raw_ = false;
  std::size_t last_n_ = 0;
  termios saved_{};
  bool in_open_;
  bool hung_up_ = false;
  char in_buf_[4096];
  std::size_t in_len_ = 0, in_off_ = 0;
};

}  // namespace berth::console
