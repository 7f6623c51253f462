#include "console/relay.h"

#include "base/log.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <cstdlib>

namespace berth::console {

namespace {

// The terminal to put back if the runtime leaves through exit() without unwinding.
struct SavedTty {
  int fd = -1;
  termios tio{};
};
SavedTty g_saved;
bool g_atexit_registered = false;

void restore_at_exit() {
  if (g_saved.fd >= 0) ::tcsetattr(g_saved.fd, TCSANOW, &g_saved.tio);
}

Result<void> write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // a non-blocking stdout set up by someone else
        pollfd pfd{fd, POLLOUT, 0};
        ::poll(&pfd, 1, -1);
        continue;
      }
      return BERTH_SYS("write terminal output");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return {};
}

}  // namespace

TerminalRelay::TerminalRelay(int master_fd, int in_fd, int out_fd)
    : master_(master_fd), in_(in_fd), out_(out_fd), in_open_(in_fd >= 0) {}

TerminalRelay::~TerminalRelay() { restore(); }

Result<void> TerminalRelay::start() {
  started_ = true;
  int fl = ::fcntl(master_, F_GETFL);
  if (fl < 0 || ::fcntl(master_, F_SETFL, fl | O_NONBLOCK) < 0) return BERTH_SYS("pty master O_NONBLOCK");
  if (in_ >= 0 && ::isatty(in_)) {
    if (::tcgetattr(in_, &saved_) < 0) return BERTH_SYS("tcgetattr");
    termios raw = saved_;
    ::cfmakeraw(&raw);
    // Keep output post-processing off too: the container's pty already did it.
    if (::tcsetattr(in_, TCSANOW, &raw) < 0) return BERTH_SYS("tcsetattr raw");
    raw_ = true;
    g_saved = SavedTty{in_, saved_};
    if (!g_atexit_registered) {
      std::atexit(restore_at_exit);
      g_atexit_registered = true;
    }
  }
  return resize();
}

void TerminalRelay::restore() {
  if (!raw_) return;
  ::tcsetattr(in_, TCSANOW, &saved_);
  raw_ = false;
  g_saved = SavedTty{};
}

Result<void> TerminalRelay::resize() {
  winsize ws{};
  if ((in_ < 0 || ::ioctl(in_, TIOCGWINSZ, &ws) < 0) && (out_ < 0 || ::ioctl(out_, TIOCGWINSZ, &ws) < 0))
    return {};  // not a terminal: keep process.consoleSize
  if (::ioctl(master_, TIOCSWINSZ, &ws) < 0) return BERTH_SYS("set pty window size");
  return {};
}

std::size_t TerminalRelay::fill_pollfds(pollfd* fds) {
  if (!started_) {
    if (auto r = start(); !r) BERTH_WARN("terminal: %s", r.error().what());
  }
  std::size_t n = 0;
  last_n_ = 0;
  if (hung_up_) return 0;
  // While input is pending, wait for the master to take it instead of reading more.
  short master_events = POLLIN;
  if (in_len_ > in_off_) master_events |= POLLOUT;
  fds[n++] = pollfd{master_, master_events, 0};
  if (in_open_ && in_len_ == in_off_) fds[n++] = pollfd{in_, POLLIN, 0};
  last_n_ = n;
  return n;
}

void TerminalRelay::handle(const pollfd* fds) {
  if (auto r = step(fds, last_n_); !r) {
    BERTH_WARN("terminal: %s", r.error().what());
    hung_up_ = true;
  }
}

Result<bool> TerminalRelay::step(const pollfd* fds, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (fds[i].revents == 0) continue;
    if (fds[i].fd == master_) {
      if (fds[i].revents & POLLOUT) BERTH_TRY(flush_input());
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) BERTH_TRY(pump_output());
    } else if (fds[i].fd == in_ && in_open_) {
      BERTH_TRY(pump_input());
    }
  }
  return !hung_up_;
}

Result<void> TerminalRelay::pump_output() {
  char buf[16384];
  for (int rounds = 0; rounds < 16; ++rounds) {
    ssize_t r = ::read(master_, buf, sizeof buf);
    if (r > 0) {
      BERTH_TRY(write_all(out_, buf, static_cast<std::size_t>(r)));
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return {};
    // EIO (or EOF): the last slave fd closed; nothing more will come.
    hung_up_ = true;
    return {};
  }
  return {};
}

Result<void> TerminalRelay::pump_input() {
  ssize_t r = ::read(in_, in_buf_, sizeof in_buf_);
  if (r < 0) {
    if (errno == EINTR || errno == EAGAIN) return {};
    return BERTH_SYS("read terminal input");
  }
  if (r == 0) {
    // stdin ended (a pipe or /dev/null): pass the end on as the pty's EOF character,
    // which a canonical-mode reader sees as end of file.
    in_open_ = false;
    termios t{};
    if (::tcgetattr(master_, &t) == 0 && (t.c_lflag & ICANON)) {
      in_buf_[0] = static_cast<char>(t.c_cc[VEOF]);
      in_len_ = 1;
      in_off_ = 0;
      return flush_input();
    }
    return {};
  }
  in_len_ = static_cast<std::size_t>(r);
  in_off_ = 0;
  return flush_input();
}

Result<void> TerminalRelay::flush_input() {
  while (in_off_ < in_len_) {
    ssize_t w = ::write(master_, in_buf_ + in_off_, in_len_ - in_off_);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) return {};  // fill_pollfds() asks for POLLOUT next
      if (errno == EIO) {  // the container side is gone; drop the input
        in_off_ = in_len_ = 0;
        return {};
      }
      return BERTH_SYS("write to pty");
    }
    in_off_ += static_cast<std::size_t>(w);
  }
  in_off_ = in_len_ = 0;
  return {};
}

Result<void> TerminalRelay::drain() {
  if (hung_up_) return {};
  return pump_output();
}

Result<void> TerminalRelay::relay(int signal_fd,
                                  const std::function<bool(const signalfd_siginfo&)>& on_signal) {
  while (!hung_up_) {
    pollfd fds[kMaxPollFds + 1];
    std::size_t n = fill_pollfds(fds);
    std::size_t total = n;
    if (signal_fd >= 0) fds[total++] = pollfd{signal_fd, POLLIN, 0};
    if (::poll(fds, total, -1) < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("poll");
    }
    BERTH_TRY(step(fds, n));
    if (signal_fd >= 0 && (fds[n].revents & POLLIN)) {
      signalfd_siginfo si{};
      ssize_t r = ::read(signal_fd, &si, sizeof si);
      if (r != static_cast<ssize_t>(sizeof si)) continue;
      if (si.ssi_signo == SIGWINCH) {
        BERTH_TRY(resize());
      } else if (on_signal && !on_signal(si)) {
        return {};
      }
    }
  }
  return {};
}

}  // namespace berth::console
