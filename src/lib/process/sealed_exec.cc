// See sealed_exec.h and berth_exec.c.
#include "process/sealed_exec.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "process/sync.h"

// glibc 2.36 predates Linux 6.3's exec controls for memfds.
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

namespace berth::process {

// berth_exec.c writes this frame by hand.
static_assert(static_cast<uint32_t>(sync::Msg::kError) == 5);
static_assert(offsetof(sync::Frame, payload) == 12);
static_assert(Error::kMaxMessage == 1000);

StubArgv::StubArgv(const char* path, char* const* argv) {
  v_.push_back(const_cast<char*>("berth-exec"));
  v_.push_back(report_);
  v_.push_back(const_cast<char*>(path));
  for (; *argv; ++argv) v_.push_back(*argv);
  v_.push_back(nullptr);
}

void StubArgv::set_report(StubReport how, int fd) {
  report_[0] = static_cast<char>(how);
  if (how == StubReport::kNone || fd < 0) {
    report_[0] = '-';
    report_[1] = '\0';
    return;
  }
  char digits[12];
  int n = 0;
  unsigned v = static_cast<unsigned>(fd);
  do digits[n++] = static_cast<char>('0' + v % 10);
  while ((v /= 10) != 0);
  int at = 1;
  while (n > 0) report_[at++] = digits[--n];
  report_[at] = '\0';
}

int open_stub(int min_fd) {
  // MFD_EXEC (Linux 6.3) states the intent where vm.memfd_noexec asks for it; older
  // kernels reject the flag, and without it a memfd is executable anyway.
  int fd = static_cast<int>(::syscall(SYS_memfd_create, "berth-exec",
                                      MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC));
  if (fd < 0 && errno == EINVAL)
    fd = static_cast<int>(::syscall(SYS_memfd_create, "berth-exec", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (fd < 0) return -1;
  auto bail = [fd]() {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  };
  for (std::size_t done = 0; done < stub::kSize;) {
    ssize_t w = ::write(fd, stub::kBytes + done, stub::kSize - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return bail();
    done += static_cast<std::size_t>(w);
  }
  // Sealed: the copy a container process may reach through /proc/<pid>/exe can be
  // neither written, truncated, grown nor unsealed; F_SEAL_EXEC (6.3) also pins its mode.
  const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
  if (::fcntl(fd, F_ADD_SEALS, seals | F_SEAL_EXEC) < 0 &&
      (errno != EINVAL || ::fcntl(fd, F_ADD_SEALS, seals) < 0))
    return bail();
  if (fd < min_fd) {
    int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
    if (moved < 0) return bail();
    ::close(fd);
    fd = moved;
  }
  return fd;
}

int exec_stub(int stub_fd, StubArgv& argv, char* const* envp, StubReport how, int report_fd) {
  argv.set_report(how, report_fd);
  int old = -1;
  if (how != StubReport::kNone && report_fd >= 0) {
    old = ::fcntl(report_fd, F_GETFD);
    if (old >= 0) ::fcntl(report_fd, F_SETFD, old & ~FD_CLOEXEC);
  }
  ::syscall(SYS_execveat, stub_fd, "", argv.data(), envp, AT_EMPTY_PATH);
  int e = errno;
  if (old >= 0) ::fcntl(report_fd, F_SETFD, old);
  errno = e;
  return -1;
}

}  // namespace berth::process
