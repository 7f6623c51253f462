// Hook execution; see hooks.h for the contract.
#include "hooks/hooks.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "base/log.h"
#include "base/signals.h"
#include "base/syscalls.h"
#include "base/unique_fd.h"
#include "base/unprotect.h"
#include "process/sealed_exec.h"

namespace berth::hooks {

namespace {

// The last bytes a hook wrote to stdout/stderr, quoted in its failure message.
class Tail {
 public:
  static constexpr std::size_t kCap = 4096;
  void add(const char* p, std::size_t n) {
    if (n >= kCap) {
      std::memcpy(buf_, p + n - kCap, kCap);
      len_ = kCap;
      return;
    }
    if (len_ + n > kCap) {
      std::size_t drop = len_ + n - kCap;
      std::memmove(buf_, buf_ + drop, len_ - drop);
      len_ -= drop;
    }
    std::memcpy(buf_ + len_, p, n);
    len_ += n;
  }
  // At most max bytes from the end, without trailing whitespace; fits inside an Error.
  std::string_view last(std::size_t max) const {
    std::size_t end = len_;
    while (end > 0 && (buf_[end - 1] == '\n' || buf_[end - 1] == ' ' || buf_[end - 1] == '\r'))
      --end;
    std::size_t start = end > max ? end - max : 0;
    return std::string_view(buf_ + start, end - start);
  }

 private:
  char buf_[kCap];
  std::size_t len_ = 0;
};

// Writing the state into a pipe whose reader is gone must fail with EPIPE, not kill the
// runtime: block SIGPIPE while feeding the hook and swallow one raised by us.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      timespec zero{};
      ::sigtimedwait(&set, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t old_;
  bool was_pending_ = false;
};

int64_t now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Moves fd to a number >= 3 so that laying out 0-2 cannot clobber it.
int above_stdio(int fd) { return fd >= 3 ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, 3); }

// In the hook child: only async-signal-safe syscalls from here to execve.
[[noreturn]] void exec_hook(const oci::Hook& hook, char* const* argv, char* const* envp,
                            int in_r, int out_w, int err_w, int stub_fd,
                            process::StubArgv* sargv) {
  // A runtime that blocked or ignored signals must not pass that on (exec keeps both).
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < _NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  }
  in_r = above_stdio(in_r);
  out_w = above_stdio(out_w);
  err_w = above_stdio(err_w);
  if (in_r < 0 || out_w < 0 || err_w < 0 || ::dup2(in_r, 0) < 0 || ::dup2(out_w, 1) < 0 ||
      ::dup2(out_w, 2) < 0) {
    int e = errno;
    if (err_w >= 0 && ::write(err_w, &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  // Nothing but 0-2 may reach the hook (CVE-2024-21626 class: a leaked fd is a way out).
  if (!unprotected("hook-fds")) sys::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (stub_fd >= 0) {
    // berth-exec writes the errno of a failed exec to err_w itself.
    process::exec_stub(stub_fd, *sargv, envp, process::StubReport::kErrnoPipe, err_w);
  } else {
    ::execve(hook.path.c_str(), argv, envp);
  }
  int e = errno;
  if (::write(err_w, &e, sizeof e) < 0) _exit(127);
  _exit(127);
}

Result<void> run_hook_impl(const oci::Hook& hook, std::string_view state_json) {
  if (hook.timeout && *hook.timeout <= 0)
    return BERTH_ERR(EINVAL, "timeout: must be greater than zero");

  // Everything the child needs is built here, before the clone.
  std::vector<char*> argv, envp;
  for (const auto& a : hook.args) argv.push_back(const_cast<char*>(a.c_str()));
  if (argv.empty()) argv.push_back(const_cast<char*>(hook.path.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : hook.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  // createContainer and startContainer hooks are children of container init, which runs
  // the host berth binary: their exec goes through the sealed berth-exec like the
  // container process's (CVE-2019-5736, see process/sealed_exec.h). Runtime-side hooks
  // take the same path; it costs a memfd per hook.
  UniqueFd stub;
  if (!unprotected("exe")) {
    stub.reset(process::open_stub());
    if (!stub) return BERTH_SYS("sealed memfd for berth-exec");
  }
  process::StubArgv sargv(hook.path.c_str(), argv.data());

  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return BERTH_SYS("pipe");
  UniqueFd in_r(p[0]), in_w(p[1]);
  if (::pipe2(p, O_CLOEXEC) < 0) return BERTH_SYS("pipe");
  UniqueFd out_r(p[0]), out_w(p[1]);
  if (::pipe2(p, O_CLOEXEC) < 0) return BERTH_SYS("pipe");
  UniqueFd err_r(p[0]), err_w(p[1]);
  if (::fcntl(in_w.get(), F_SETFL, O_NONBLOCK) < 0 || ::fcntl(out_r.get(), F_SETFL, O_NONBLOCK) < 0)
    return BERTH_SYS("fcntl O_NONBLOCK");

  // clone3 with CLONE_PIDFD: the pidfd refers to this child even if it exits at once.
  int pidfd_raw = -1;
  clone_args ca{};
  ca.flags = CLONE_PIDFD;
  ca.pidfd = reinterpret_cast<uint64_t>(&pidfd_raw);
  ca.exit_signal = SIGCHLD;
  pid_t pid = sys::clone3(&ca);
  if (pid < 0) return BERTH_SYS("clone3");
  if (pid == 0) exec_hook(hook, argv.data(), envp.data(), in_r.get(), out_w.get(), err_w.get(),
                          stub.get(), &sargv);
  UniqueFd pidfd(pidfd_raw);
  in_r.reset();
  out_w.reset();
  err_w.reset();

  Tail tail;
  std::size_t written = 0;
  if (state_json.empty()) in_w.reset();
  const int64_t deadline = hook.timeout ? now_ms() + int64_t{*hook.timeout} * 1000 : -1;
  bool exited = false;
  {
    SigpipeBlock no_sigpipe;
    while (!exited) {
      pollfd fds[3] = {{pidfd.get(), POLLIN, 0}, {in_w.get(), POLLOUT, 0}, {out_r.get(), POLLIN, 0}};
      int wait_ms = -1;
      if (deadline >= 0) {
        int64_t left = deadline - now_ms();
        if (left <= 0) break;
        wait_ms = static_cast<int>(std::min<int64_t>(left, 1 << 30));
      }
      // poll() ignores negative fds, so closed ends simply drop out of the set.
      int n = ::poll(fds, 3, wait_ms);
      if (n < 0) {
        if (errno == EINTR) continue;
        int e = errno;
        sys::pidfd_send_signal(pidfd.get(), SIGKILL);
        siginfo_t si{};
        ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &si, WEXITED);
        errno = e;
        return BERTH_SYS("poll");
      }
      if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
        ssize_t w = ::write(in_w.get(), state_json.data() + written, state_json.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        // EPIPE: the hook closed stdin without reading it all, which is its right.
        if ((w < 0 && errno != EAGAIN && errno != EINTR) || written == state_json.size())
          in_w.reset();
      }
      if (fds[2].revents & (POLLIN | POLLERR | POLLHUP)) {
        char buf[4096];
        ssize_t r = ::read(out_r.get(), buf, sizeof buf);
        if (r > 0) tail.add(buf, static_cast<std::size_t>(r));
        else if (r == 0 || (errno != EAGAIN && errno != EINTR)) out_r.reset();
      }
      if (fds[0].revents & POLLIN) exited = true;
    }
  }
  in_w.reset();

  if (!exited) {
    // config.md: "timeout ... the number of seconds before aborting the hook".
    sys::pidfd_send_signal(pidfd.get(), SIGKILL);
    siginfo_t si{};
    ::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &si, WEXITED);
    return BERTH_ERR(ETIMEDOUT, "timeout after %ds", *hook.timeout);
  }
  // Output already in the pipe; a background grandchild holding it open must not
  // keep us here, so read only what is there now.
  for (int i = 0; out_r && i < 64; ++i) {
    char buf[4096];
    ssize_t r = ::read(out_r.get(), buf, sizeof buf);
    if (r <= 0) break;
    tail.add(buf, static_cast<std::size_t>(r));
  }

  siginfo_t si{};
  if (::waitid(static_cast<idtype_t>(P_PIDFD), static_cast<id_t>(pidfd.get()), &si, WEXITED) < 0)
    return BERTH_SYS("waitid %s", hook.path.c_str());
  int exec_errno = 0;
  if (::read(err_r.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno && exec_errno != 0)
    return BERTH_ERR(exec_errno, "exec %s: %s", hook.path.c_str(), std::strerror(exec_errno));

  std::string_view out = tail.last(600);
  const char* sep = out.empty() ? "" : ": ";
  if (si.si_code == CLD_EXITED) {
    if (si.si_status == 0) return {};
    return BERTH_ERR(0, "%s exited with status %d%s%.*s", hook.path.c_str(), si.si_status, sep,
                     static_cast<int>(out.size()), out.data());
  }
  return BERTH_ERR(0, "%s killed by signal %d (%s)%s%.*s", hook.path.c_str(), si.si_status,
                   signal_name(si.si_status), sep, static_cast<int>(out.size()), out.data());
}

}  // namespace

Result<void> run_hook(const oci::Hook& hook, std::string_view kind, std::size_t index,
                      std::string_view state_json) {
  auto r = run_hook_impl(hook, state_json);
  if (!r) {
    std::string ctx = "hooks." + std::string(kind) + "[" + std::to_string(index) + "]";
    return fail(r.error().wrap(ctx));
  }
  return {};
}

Result<void> run_hooks(const std::vector<oci::Hook>& hooks, std::string_view kind,
                       std::string_view state_json, OnFailure on_failure) {
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    auto r = run_hook(hooks[i], kind, i, state_json);
    if (r) continue;
    if (on_failure == OnFailure::kStop) return r;
    // runtime.md step 13: a failing poststop hook is a warning; the rest still run.
    BERTH_WARN("%s", r.error().what());
  }
  return {};
}

}  // namespace berth::hooks
