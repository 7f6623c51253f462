// `run`: create + start in one process. In the foreground berth stays the parent of init:
// it forwards signals, relays the terminal when there is no --console-socket, waits, and
// exits with the container's status (128+N when killed by signal N), like runc.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "base/syscalls.h"
#include "console/console.h"
#include "hooks/hooks.h"
#include "runtime/common.h"
#include "runtime/create.h"
#include "state/store.h"

namespace berth::runtime {
namespace {

// Blocks every forwardable signal for the duration of the foreground run; the child's
// init resets its mask before execve (process/init.cc).
class BlockedSignals {
 public:
  BlockedSignals() {
    sigfillset(&set_);
    sigdelset(&set_, SIGSEGV);
    sigdelset(&set_, SIGBUS);
    sigdelset(&set_, SIGILL);
    sigdelset(&set_, SIGFPE);
    sigprocmask(SIG_BLOCK, &set_, &old_);
    fd_.reset(::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~BlockedSignals() { sigprocmask(SIG_SETMASK, &old_, nullptr); }
  int fd() const { return fd_.get(); }

 private:
  sigset_t set_, old_;
  UniqueFd fd_;
};

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

Result<int> run(const Global& g, const RunOptions& o) {
  bool foreground = !o.detach;
  // Orphans of the container (no pid namespace) are reparented to us, not to host init.
  if (foreground) prctl(PR_SET_CHILD_SUBREAPER, 1);
  BlockedSignals sigs;
  BERTH_TRY_ASSIGN(Created c, create_container(g, o, process::StartMode::kSocket, foreground));
  state::Store& store = c.store;

  auto abort_run = [&](Error e) -> Result<int> {
    process::kill_and_reap(c.init);
    (void)destroy(store, c.rec, false);
    return fail(std::move(e));
  };
  c.rec.status = "running";
  if (auto r = store.save(c.rec); !r) return abort_run(r.error());
  if (auto r = process::release(c.init); !r) return abort_run(r.error());
  if (auto r = run_poststart(c.rec, c.poststart); !r) {
    process::kill_and_reap(c.init);
    (void)destroy(store, c.rec);
    return fail(r.error());
  }

  if (!foreground) {
    c.init.pid = -1;  // detached: the caller's subreaper (or host init) adopts it
    return 0;
  }

  std::optional<console::TerminalRelay> relay;
  if (c.init.console_master) {
    relay.emplace(c.init.console_master.get());
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
        // Reap everything (we are a subreaper); remember init's status.
        while ((w = ::waitpid(-1, &st, WNOHANG)) > 0)
          if (w == c.init.pid) {
            status = st;
            exited = true;
          }
      } else if (sig == SIGWINCH) {
        if (relay) (void)relay->resize();
      } else {
        sys::pidfd_send_signal(c.init.pidfd.get(), sig);
      }
    }
    if (exited) break;
  }
  if (relay) (void)relay->drain();
  c.init.pid = -1;
  if (!o.keep)
    if (auto r = destroy(store, c.rec); !r) BERTH_WARN("%s", r.error().what());
  return exit_code(status);
}

}  // namespace berth::runtime
