#include "state/status.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <charconv>
#include <string>

#include "base/file.h"
#include "base/unique_fd.h"
#include "test_util.h"

namespace berth::state {
namespace {

using testing::TempDir;

// Field 22 straight from /proc/self/stat with a naive split, for cross-checking (our comm
// "state_test" has no spaces).
std::uint64_t naive_start_time(int pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return 0;
  std::size_t pos = 0;
  for (int field = 1; field < 22; ++field) pos = text->find(' ', pos) + 1;
  std::uint64_t v = 0;
  std::from_chars(text->data() + pos, text->data() + text->find(' ', pos), v);
  return v;
}

pid_t fork_exited_child() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  return pid;
}

TEST(ProcStat, ParsesCommWithSpacesAndParens) {
  // Fields 3..22 after the comm; 22nd is 987654321.
  std::string tail = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654321 19 20 21\n";
  auto st = parse_proc_stat("123 (a) b (c)" + tail);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->start_time, 987654321u);
  // A comm that ends in ") Z 1 ..." must not fool the parser into reading its fields.
  st = parse_proc_stat("9 () Z 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 5 x)" + tail);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->start_time, 987654321u);
}

TEST(ProcStat, RejectsTruncatedOrGarbage) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("123 (x"));
  EXPECT_FALSE(parse_proc_stat("123 (x) S 1 2 3"));
  EXPECT_FALSE(parse_proc_stat("123 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 -5 1"));
  EXPECT_FALSE(parse_proc_stat("123 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 5 1"));
}

TEST(ProcessStartTime, SelfMatchesProc) {
  std::uint64_t t = process_start_time(::getpid());
  EXPECT_GT(t, 0u);
  EXPECT_EQ(t, naive_start_time(::getpid()));
  EXPECT_TRUE(process_alive(::getpid(), t));
  EXPECT_TRUE(process_alive(::getpid(), 0));
  // Same pid, different start time: a reused pid is not our container.
  EXPECT_FALSE(process_alive(::getpid(), t + 1));
}

TEST(ProcessStartTime, DeadPidIsZero) {
  pid_t pid = fork_exited_child();
  ASSERT_GT(pid, 0);
  int status;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_EQ(process_start_time(pid), 0u);
  EXPECT_FALSE(process_alive(pid, 0));
  EXPECT_EQ(process_start_time(0), 0u);
  EXPECT_EQ(process_start_time(-1), 0u);
  EXPECT_FALSE(process_alive(0, 0));
}

TEST(ProcessAlive, ZombieCountsAsDead) {
  pid_t pid = fork_exited_child();
  ASSERT_GT(pid, 0);
  // Unreaped: /proc/<pid> still exists, in state Z.
  siginfo_t si;
  ASSERT_EQ(::waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
  std::uint64_t t = process_start_time(pid);
  EXPECT_GT(t, 0u);
  EXPECT_FALSE(process_alive(pid, t));
  int status;
  ::waitpid(pid, &status, 0);
}

class LiveStatus : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    fd_.reset(::open(dir_.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(fd_);
    rec_.id = "c";
    rec_.pid = ::getpid();
    rec_.pid_start_time = process_start_time(::getpid());
  }
  TempDir dir_;
  UniqueFd fd_;
  Record rec_;
};

TEST_F(LiveStatus, StoppedWhenNoPidOrDeadOrReused) {
  Record r = rec_;
  r.pid = 0;
  EXPECT_EQ(live_status(r, fd_.get()), "stopped");
  pid_t pid = fork_exited_child();
  int status;
  ::waitpid(pid, &status, 0);
  r.pid = pid;
  r.status = "running";
  EXPECT_EQ(live_status(r, fd_.get()), "stopped");
  r = rec_;
  r.pid_start_time += 1;
  EXPECT_EQ(live_status(r, fd_.get()), "stopped");
}

TEST_F(LiveStatus, CreatedWhileExecFifoExists) {
  ASSERT_EQ(::mkfifoat(fd_.get(), "exec.fifo", 0622), 0);
  rec_.status = "created";
  EXPECT_EQ(live_status(rec_, fd_.get()), "created");
  // The stored status does not matter: the fifo is the truth (start removes it).
  rec_.status = "running";
  EXPECT_EQ(live_status(rec_, fd_.get()), "created");
  ASSERT_EQ(::unlinkat(fd_.get(), "exec.fifo", 0), 0);
  EXPECT_EQ(live_status(rec_, fd_.get()), "running");
}

TEST_F(LiveStatus, RunningAndPaused) {
  rec_.status = "created";  // stale stored status, fifo already gone
  EXPECT_EQ(live_status(rec_, fd_.get()), "running");
  rec_.status = "paused";
  EXPECT_EQ(live_status(rec_, fd_.get()), "paused");
  ASSERT_EQ(::mkfifoat(fd_.get(), "exec.fifo", 0622), 0);
  EXPECT_EQ(live_status(rec_, fd_.get()), "paused");  // runc: paused wins over created
}

}  // namespace
}  // namespace berth::state
