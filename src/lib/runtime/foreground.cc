#include "runtime/foreground.h"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "base/log.h"
#include "base/syscalls.h"
#include "console/console.h"

namespace berth::runtime {
namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

BlockedSignals::BlockedSignals() {
  sigfillset(&set_);
  sigdelset(&set_, SIGSEGV);
  sigdelset(&set_, SIGBUS);
  sigdelset(&set_, SIGILL);
  sigdelset(&set_, SIGFPE);
  sigprocmask(SIG_BLOCK, &set_, &old_);
  fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
}

BlockedSignals::~BlockedSignals() { sigprocmask(SIG_SETMASK, &old_, nullptr); }

int wait_foreground(process::Spawned& s, const BlockedSignals& sigs) {
  std::optional<console::TerminalRelay> relay;
  if (s.console_master) {
    relay.emplace(s.console_master.get());
    if (auto r = relay->start(); !r) BERTH_WARN("terminal: %s", r.error().what());
  }
  int status = 0;
  for (;;) {
    struct pollfd p[4];
    int n = 0;
    p[n++] = {sigs.fd(), POLLIN, 0};
    int relay_first = n;
    if (relay) n += relay->fill_pollfds(p + n);
    if (::poll(p, static_cast<nfds_t>(n), -1) < 0 && errno != EINTR) break;
    if (relay) relay->handle(p + relay_first);
    if (!(p[0].revents & POLLIN)) continue;
    struct signalfd_siginfo si;
    bool exited = false;
    while (::read(sigs.fd(), &si, sizeof si) == sizeof si) {
      int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGCHLD) {
        int st;
        pid_t w;
        // Reap everything (we are a subreaper); remember our process's status.
        while ((w = ::waitpid(-1, &st, WNOHANG)) > 0)
          if (w == s.pid) {
            status = st;
            exited = true;
          }
      } else if (sig == SIGWINCH) {
        if (relay) (void)relay->resize();
      } else {
        sys::pidfd_send_signal(s.pidfd.get(), sig);
      }
    }
    if (exited) break;
  }
  if (relay) (void)relay->drain();
  s.pid = -1;
  return exit_code(status);
}

}  // namespace berth::runtime
