// hooks tests: real hook processes (/bin/sh is dash on Debian) writing into a temp dir.
#include "hooks/hooks.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace berth::hooks {
namespace {

class HooksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/berth-hooks-test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  static std::string slurp(const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  static oci::Hook sh(const std::string& script, std::vector<std::string> env = {},
                      std::optional<int> timeout = std::nullopt) {
    return oci::Hook{"/bin/sh", {"sh", "-c", script}, std::move(env), timeout};
  }
  std::string dir_;
};

TEST_F(HooksTest, StateArrivesOnStdin) {
  std::string out = path("state");
  std::string state = R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42})";
  ASSERT_TRUE(run_hooks({sh("cat > " + out)}, "prestart", state));
  EXPECT_EQ(slurp(out), state);
}

TEST_F(HooksTest, ArgsAndEnvAreExact) {
  std::string out = path("out");
  oci::Hook h{"/bin/sh",
              {"custom-argv0", "-c", "cat /proc/$$/cmdline > " + out + ".cmd; "
                                     "cat /proc/$$/environ > " + out + ".env",
               "extra arg"},
              {"A=1", "B=two words"},
              std::nullopt};
  ASSERT_TRUE(run_hooks({h}, "createRuntime", "{}"));
  std::string cmd = slurp(out + ".cmd");
  EXPECT_EQ(cmd.substr(0, 13), std::string("custom-argv0\0", 13));
  EXPECT_NE(cmd.find(std::string("\0extra arg\0", 11)), std::string::npos);
  EXPECT_EQ(slurp(out + ".env"), std::string("A=1\0B=two words\0", 16));

  // No env at all: the hook gets an empty environment, not the runtime's.
  ASSERT_TRUE(run_hooks({sh("cat /proc/$$/environ > " + out + ".empty")}, "poststart", "{}"));
  EXPECT_EQ(slurp(out + ".empty"), "");
}

TEST_F(HooksTest, EmptyArgsUsePathAsArgv0) {
  std::string script = path("hook.sh"), out = path("argv0");
  {
    std::ofstream f(script);
    f << "#!/bin/sh\necho \"$0\" > " << out << "\n";
  }
  ::chmod(script.c_str(), 0755);
  ASSERT_TRUE(run_hooks({oci::Hook{script, {}, {}, std::nullopt}}, "poststart", "{}"));
  EXPECT_EQ(slurp(out), script + "\n");
}

TEST_F(HooksTest, FailureReportsStatusAndOutput) {
  oci::Hook ok = sh("exit 0");
  auto r = run_hooks({ok, sh("echo to-stdout; echo oops >&2; exit 3")}, "prestart", "{}");
  ASSERT_FALSE(r);
  EXPECT_STREQ(r.error().what(), "hooks.prestart[1]: /bin/sh exited with status 3: to-stdout\noops");

  auto s = run_hooks({sh("kill -TERM $$")}, "createContainer", "{}");
  ASSERT_FALSE(s);
  EXPECT_STREQ(s.error().what(), "hooks.createContainer[0]: /bin/sh killed by signal 15 (SIGTERM)");

  auto e = run_hooks({oci::Hook{"/nonexistent/hook", {}, {}, std::nullopt}}, "poststart", "{}");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), ENOENT);
  EXPECT_STREQ(e.error().what(),
               "hooks.poststart[0]: exec /nonexistent/hook: No such file or directory");
}

TEST_F(HooksTest, LongOutputIsBounded) {
  auto r = run_hooks({sh("i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; exit 1")},
                     "prestart", "{}");
  ASSERT_FALSE(r);
  std::string msg = r.error().what();
  EXPECT_LT(msg.size(), 800u);
  EXPECT_NE(msg.find("line2999"), std::string::npos);  // the tail, not the head
}

TEST_F(HooksTest, TimeoutKillsTheHook) {
  std::string pidfile = path("pid");
  auto t0 = std::chrono::steady_clock::now();
  auto r = run_hooks({sh("echo $$ > " + pidfile + "; exec sleep 100", {}, 1)}, "createRuntime", "{}");
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r);
  EXPECT_STREQ(r.error().what(), "hooks.createRuntime[0]: timeout after 1s");
  EXPECT_GE(elapsed, 0.9);
  EXPECT_LT(elapsed, 3.0);
  pid_t pid = std::atoi(slurp(pidfile).c_str());
  EXPECT_EQ(::kill(pid, 0), -1);  // killed and reaped, not a zombie
  EXPECT_EQ(errno, ESRCH);
}

TEST_F(HooksTest, LargeStateToHookThatDoesNotRead) {
  std::string state(1 << 20, 'x');
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_hooks({sh("exit 0")}, "prestart", state));
  // A hook that sleeps a bit before exiting without reading: still no deadlock.
  EXPECT_TRUE(run_hooks({sh("sleep 0.2")}, "prestart", state));
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(elapsed, 5.0);

  std::string out = path("count");
  EXPECT_TRUE(run_hooks({sh("wc -c > " + out)}, "prestart", state));
  EXPECT_EQ(std::atoi(slurp(out).c_str()), 1 << 20);
}

TEST_F(HooksTest, NoExtraFdsInHook) {
  int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 3);
  // ls runs as a separate process listing the shell's fds; exit 1 shows the output.
  auto r = run_hooks({sh("ls /proc/$$/fd; exit 1")}, "prestart", "{}");
  ::close(leaked);
  ASSERT_FALSE(r);
  EXPECT_STREQ(r.error().what(), "hooks.prestart[0]: /bin/sh exited with status 1: 0\n1\n2");
}

TEST_F(HooksTest, SignalStateIsReset) {
  // The runtime ignores SIGINT and blocks SIGTERM; the hook must see neither.
  struct sigaction ign {}, old_int {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ign, &old_int);
  sigset_t set, old_mask;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &set, &old_mask);
  std::string out = path("status");
  auto r = run_hooks({sh("exec grep -E '^Sig(Blk|Ign)' /proc/self/status > " + out)}, "prestart", "{}");
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
  ASSERT_TRUE(r) << r.error().what();
  std::string st = slurp(out);
  EXPECT_NE(st.find("SigBlk:\t0000000000000000"), std::string::npos) << st;
  EXPECT_NE(st.find("SigIgn:\t0000000000000000"), std::string::npos) << st;
}

TEST_F(HooksTest, PoststopFailuresOnlyWarn) {
  std::string out = path("second");
  auto r = run_hooks({sh("exit 7"), sh("echo ran > " + out)}, "poststop", "{}", OnFailure::kWarn);
  EXPECT_TRUE(r);
  EXPECT_EQ(slurp(out), "ran\n");
}

TEST_F(HooksTest, BadTimeout) {
  auto r = run_hooks({sh("exit 0", {}, 0)}, "prestart", "{}");
  ASSERT_FALSE(r);
  EXPECT_STREQ(r.error().what(), "hooks.prestart[0]: timeout: must be greater than zero");
}

}  // namespace
}  // namespace berth::hooks
