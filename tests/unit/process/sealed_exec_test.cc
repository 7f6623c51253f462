// berth-exec and its sealed memfd (process/sealed_exec.h, CVE-2019-5736).
#include "process/sealed_exec.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "../common/child.h"
#include "process/sync.h"

namespace berth::process {
namespace {

TEST(SealedExec, StubIsASmallStaticElf) {
  ASSERT_GT(stub::kSize, 64u);
  EXPECT_LT(stub::kSize, 8192u);
  EXPECT_EQ(std::memcmp(stub::kBytes, "\x7f" "ELF", 4), 0);
}

TEST(SealedExec, MemfdIsSealedCloexecAndAboveMinFd) {
  int fd = open_stub(20);
  ASSERT_GE(fd, 20);
  EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
  int seals = ::fcntl(fd, F_GET_SEALS);
  EXPECT_TRUE(seals & F_SEAL_SEAL);
  EXPECT_TRUE(seals & F_SEAL_WRITE);
  EXPECT_TRUE(seals & F_SEAL_SHRINK);
  EXPECT_TRUE(seals & F_SEAL_GROW);
  // The attacker's path: reopen for writing through /proc, then write or truncate.
  std::string self = "/proc/self/fd/" + std::to_string(fd);
  int w = ::open(self.c_str(), O_WRONLY);
  if (w >= 0) {
    EXPECT_LT(::write(w, "x", 1), 0);
    EXPECT_EQ(errno, EPERM);
    EXPECT_LT(::ftruncate(w, 0), 0);
    ::close(w);
  }
  EXPECT_LT(::fcntl(fd, F_ADD_SEALS, 0), 0);  // F_SEAL_SEAL: no change of seals
  ::close(fd);
}

// Runs argv through the stub in a child; returns exit code and stdout+stderr.
testing::ChildResult via_stub(std::vector<const char*> args, StubReport how, int report_fd) {
  return testing::run_in_child([&](int out) {
    ::dup2(out, 1);
    ::dup2(out, 2);
    int fd = open_stub();
    if (fd < 0) return 90;
    std::vector<char*> argv;
    for (auto* a : args) argv.push_back(const_cast<char*>(a));
    argv.push_back(nullptr);
    StubArgv sargv(args[0], argv.data());
    char* envp[] = {const_cast<char*>("A=b"), nullptr};
    exec_stub(fd, sargv, envp, how, report_fd);
    return 91;
  });
}

TEST(SealedExec, RunsTheProgramWithItsArgvAndEnv) {
  auto r = via_stub({"/bin/sh", "-c", "echo \"$0 $A\""}, StubReport::kNone, -1);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "/bin/sh b\n");
}

TEST(SealedExec, ProcSelfExeIsTheStubWhichRefusesToRun) {
  auto r = via_stub({"/proc/self/exe", "--version"}, StubReport::kNone, -1);
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.out.find("berth-exec: not a program"), std::string::npos) << r.out;
}

TEST(SealedExec, FailedExecGoesToStderr) {
  auto r = via_stub({"/nonexistent/x"}, StubReport::kNone, -1);
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_EQ(r.out, "berth-exec: exec /nonexistent/x: No such file or directory\n");
}

TEST(SealedExec, FailedExecAsErrnoOnAPipe) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  auto r = via_stub({"/nonexistent/x"}, StubReport::kErrnoPipe, p[1]);
  ::close(p[1]);
  EXPECT_EQ(r.exit_code, 127);
  int e = 0;
  EXPECT_EQ(::read(p[0], &e, sizeof e), static_cast<ssize_t>(sizeof e));
  EXPECT_EQ(e, ENOENT);
  ::close(p[0]);
}

TEST(SealedExec, FailedExecAsSyncFrame) {
  UniqueFd parent, child;
  ASSERT_TRUE(sync::make_pair(parent, child));
  auto r = via_stub({"/etc/passwd"}, StubReport::kSyncFrame, child.get());
  child.reset();
  EXPECT_EQ(r.exit_code, 127);
  auto e = sync::expect(parent.get(), sync::Msg::kReady);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), EACCES);
  EXPECT_STREQ(e.error().what(), "exec /etc/passwd: Permission denied");
}

TEST(SealedExec, ReportFdDoesNotReachTheProgram) {
  UniqueFd parent, child;
  ASSERT_TRUE(sync::make_pair(parent, child));
  std::string probe = "[ -e /proc/self/fd/" + std::to_string(child.get()) + " ] && echo leaked || echo closed";
  auto r = via_stub({"/bin/sh", "-c", probe.c_str()}, StubReport::kSyncFrame, child.get());
  child.reset();
  EXPECT_EQ(r.out, "closed\n");
  // A successful exec closes the socket: the parent reads EOF, not a frame.
  sync::Frame f;
  auto got = sync::recv(parent.get(), f);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code(), EPIPE);
}

}  // namespace
}  // namespace berth::process
