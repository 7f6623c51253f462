// Runs a function in a forked child and returns what it printed and its exit code.
// Used by the tests that change process-wide state (uid, caps, rlimits, namespaces):
// the test runner itself must keep its privileges.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace berth::testing {

struct ChildResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;
};

/// fn writes its findings to the fd it is given and returns the child's exit code.
inline ChildResult run_in_child(const std::function<int(int out_fd)>& fn) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    int rc = fn(p[1]);
    ::_exit(rc);
  }
  ::close(p[1]);
  ChildResult r;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) r.out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline void put(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::write(fd, s.data() + off, s.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace berth::testing
