// The linux.seccomp compiler (parent side) and, in forked children, what the compiled
// program does once loaded.
#include "security/seccomp.h"

#include <errno.h>
#include <gtest/gtest.h>
#include <seccomp.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "../common/child.h"

namespace berth::security {
namespace {

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                         std::optional<uint32_t> errno_ret = std::nullopt,
                         std::vector<oci::SeccompArg> args = {}) {
  oci::SeccompSyscall s;
  s.names = std::move(names);
  s.action = std::move(action);
  s.errno_ret = errno_ret;
  s.args = std::move(args);
  return s;
}

oci::SeccompArg arg(uint32_t index, std::string op, uint64_t v, std::optional<uint64_t> two = {}) {
  oci::SeccompArg a;
  a.index = index;
  a.op = std::move(op);
  a.value = v;
  a.value_two = two;
  return a;
}

oci::Seccomp allow_but(std::vector<oci::SeccompSyscall> rules) {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.syscalls = std::move(rules);
  return s;
}

std::string compile_error(const oci::Seccomp& s) {
  auto r = compile_seccomp(s);
  if (r) return "(compiled)";
  return r.error().what();
}

// Loads the program in a forked child (with no_new_privs, so no privilege is needed) and
// runs probe there. Returns what probe wrote, or "signal N" if the child was killed.
std::string in_child(const SeccompPlan& plan, const std::function<std::string()>& probe) {
  int p[2];
  if (::pipe(p) != 0) return "pipe";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (!load_seccomp(plan)) ::_exit(100);
    std::string out = probe();
    testing::put(p[1], out);
    ::_exit(0);
  }
  ::close(p[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  if (WIFSIGNALED(st)) return "signal " + std::to_string(WTERMSIG(st));
  if (WEXITSTATUS(st) != 0) return "exit " + std::to_string(WEXITSTATUS(st));
  return out;
}

// "ret/errno" of a raw syscall.
std::string call(long nr, long a0 = 0, long a1 = 0, long a2 = 0) {
  errno = 0;
  long r = ::syscall(nr, a0, a1, a2);
  return std::to_string(r < 0 ? -1 : 0) + "/" + std::to_string(r < 0 ? errno : 0);
}

SeccompPlan compiled(const oci::Seccomp& s) {
  auto r = compile_seccomp(s);
  EXPECT_TRUE(r) << r.error().what();
  return r ? std::move(*r) : SeccompPlan{};
}

TEST(SeccompCompile, ProducesAProgram) {
  SeccompPlan p = compiled(allow_but({rule({"getppid"}, "SCMP_ACT_ERRNO")}));
  EXPECT_GT(p.program.size(), 3u);
  EXPECT_EQ(p.flags, 0u);
  EXPECT_FALSE(p.notify);
}

TEST(SeccompRun, ErrnoDefaultsToEpermAndUsesErrnoRet) {
  SeccompPlan p = compiled(
      allow_but({rule({"getppid"}, "SCMP_ACT_ERRNO"), rule({"umask"}, "SCMP_ACT_ERRNO", 42)}));
  EXPECT_EQ(
      in_child(
          p,
          [] { return call(SYS_getppid) + " " + call(SYS_umask, 022) + " " + call(SYS_getpid); }),
      "-1/1 -1/42 0/0");
}

TEST(SeccompRun, DefaultActionAndDefaultErrnoRet) {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ERRNO";
  s.default_errno_ret = 95;
  // Everything the child needs after loading: write the result, exit.
  s.syscalls = {rule({"write", "exit_group", "getpid"}, "SCMP_ACT_ALLOW")};
  EXPECT_EQ(in_child(compiled(s), [] { return call(SYS_getpid) + " " + call(SYS_getppid); }),
            "0/0 -1/95");
}

TEST(SeccompRun, KillActionsKillWithSigsys) {
  for (const char* a : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS"}) {
    SeccompPlan p = compiled(allow_but({rule({"getppid"}, a)}));
    EXPECT_EQ(in_child(p, [] { return call(SYS_getppid); }), "signal 31") << a;
  }
}

TEST(SeccompRun, TrapDeliversSigsys) {
  SeccompPlan p = compiled(allow_but({rule({"getppid"}, "SCMP_ACT_TRAP")}));
  static volatile sig_atomic_t code;
  EXPECT_EQ(in_child(p,
                     [] {
                       struct sigaction sa {};
                       sa.sa_flags = SA_SIGINFO;
                       sa.sa_sigaction = [](int, siginfo_t* si, void*) { code = si->si_code; };
                       ::sigaction(SIGSYS, &sa, nullptr);
                       ::syscall(SYS_getppid);
                       return "code " + std::to_string(code);
                     }),
            "code 1");  // SYS_SECCOMP
}

TEST(SeccompRun, LogAllowsAndTraceWithoutTracerIsEnosys) {
  SeccompPlan p = compiled(
      allow_but({rule({"getppid"}, "SCMP_ACT_LOG"), rule({"umask"}, "SCMP_ACT_TRACE", 7)}));
  EXPECT_EQ(in_child(p, [] { return call(SYS_getppid) + " " + call(SYS_umask, 022); }),
            "0/0 -1/38");
}

TEST(SeccompCompile, TraceDefaultsLikeErrno) {
  // TRACE(EPERM) and TRACE(7) are different programs.
  SeccompPlan a = compiled(allow_but({rule({"umask"}, "SCMP_ACT_TRACE")}));
  SeccompPlan b = compiled(allow_but({rule({"umask"}, "SCMP_ACT_TRACE", 7)}));
  SeccompPlan c = compiled(allow_but({rule({"umask"}, "SCMP_ACT_TRACE", 1)}));
  auto same = [](const SeccompPlan& x, const SeccompPlan& y) {
    return x.program.size() == y.program.size() &&
           std::memcmp(x.program.data(), y.program.data(),
                       x.program.size() * sizeof(sock_filter)) == 0;
  };
  EXPECT_FALSE(same(a, b));
  EXPECT_TRUE(same(a, c));
}

TEST(SeccompRun, EachOperator) {
  struct Case {
    const char* op;
    long yes, no;
  } cases[] = {{"SCMP_CMP_NE", 4, 5}, {"SCMP_CMP_LT", 4, 5}, {"SCMP_CMP_LE", 5, 6},
               {"SCMP_CMP_EQ", 5, 4}, {"SCMP_CMP_GE", 5, 4}, {"SCMP_CMP_GT", 6, 5}};
  for (const auto& c : cases) {
    // getpriority(PRIO_PROCESS, who): who is compared with 5.
    SeccompPlan p =
        compiled(allow_but({rule({"getpriority"}, "SCMP_ACT_ERRNO", 77, {arg(1, c.op, 5)})}));
    std::string out = in_child(
        p, [&] { return call(SYS_getpriority, 0, c.yes) + " " + call(SYS_getpriority, 0, c.no); });
    EXPECT_EQ(out.substr(0, 5), "-1/77") << c.op << ": " << out;
    EXPECT_EQ(out.find("/77", 5), std::string::npos) << c.op << ": " << out;
  }
}

TEST(SeccompRun, MaskedEqComparesMaskedValueWithValueTwo) {
  SeccompPlan p = compiled(allow_but(
      {rule({"getpriority"}, "SCMP_ACT_ERRNO", 77, {arg(1, "SCMP_CMP_MASKED_EQ", 0xf0, 0x10)})}));
  std::string out = in_child(p, [] {
    return call(SYS_getpriority, 0, 0x15) + " " + call(SYS_getpriority, 0, 0x115) + " " +
           call(SYS_getpriority, 0, 0x25);
  });
  EXPECT_EQ(out.substr(0, 12), "-1/77 -1/77 ") << out;
  EXPECT_EQ(out.find("/77", 12), std::string::npos) << out;
}

TEST(SeccompRun, ArgsOnDifferentIndicesAreAnded) {
  // socket(AF_INET6, SOCK_DGRAM, *) only
  SeccompPlan p = compiled(allow_but({rule(
      {"socket"}, "SCMP_ACT_ERRNO", 97, {arg(0, "SCMP_CMP_EQ", 10), arg(1, "SCMP_CMP_EQ", 2)})}));
  std::string out = in_child(p, [] {
    return call(SYS_socket, 10, 2, 0) + " " + call(SYS_socket, 10, 1, 0) + " " +
           call(SYS_socket, 2, 2, 0);
  });
  EXPECT_EQ(out, "-1/97 0/0 0/0");
}

TEST(SeccompRun, ArgsOnTheSameIndexAreOred) {
  // libseccomp refuses both in one rule; runc's split makes it "10 or 20".
  SeccompPlan p =
      compiled(allow_but({rule({"getpriority"}, "SCMP_ACT_ERRNO", 77,
                               {arg(1, "SCMP_CMP_EQ", 10), arg(1, "SCMP_CMP_EQ", 20)})}));
  std::string out = in_child(p, [] {
    return call(SYS_getpriority, 0, 10) + " " + call(SYS_getpriority, 0, 20) + " " +
           call(SYS_getpriority, 0, 30);
  });
  EXPECT_EQ(out.substr(0, 12), "-1/77 -1/77 ") << out;
  EXPECT_EQ(out.find("/77", 12), std::string::npos) << out;
}

TEST(SeccompCompile, UnknownSyscallIsSkipped) {
  SeccompPlan p = compiled(allow_but({rule({"no_such_syscall", "getppid"}, "SCMP_ACT_ERRNO", 42)}));
  EXPECT_EQ(in_child(p, [] { return call(SYS_getppid); }), "-1/42");
}

TEST(SeccompCompile, RuleWithTheDefaultActionIsIgnored) {
  EXPECT_EQ(compile_error(allow_but({rule({"getpid"}, "SCMP_ACT_ALLOW")})), "(compiled)");
}

TEST(SeccompCompile, ErrorsNameTheField) {
  EXPECT_EQ(compile_error(
                allow_but({rule({"getpid"}, "SCMP_ACT_ERRNO"), rule({"getpid"}, "SCMP_ACT_ERRNO"),
                           rule({"getpid"}, "SCMP_ACT_ERRNO", {}, {arg(0, "X", 1)})})),
            "linux.seccomp.syscalls[2].args[0].op: unknown operator \"X\"");
  EXPECT_EQ(compile_error(allow_but({rule({"getpid"}, "SCMP_ACT_BOGUS")})),
            "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_BOGUS\"");
  EXPECT_EQ(compile_error(allow_but({rule({"getpid"}, "SCMP_ACT_ALLOW", 3)})),
            "linux.seccomp.syscalls[0].errnoRet: not supported with action \"SCMP_ACT_ALLOW\"");
  EXPECT_EQ(compile_error(allow_but({rule({"getpid"}, "SCMP_ACT_ERRNO", 70000)})),
            "linux.seccomp.syscalls[0].errnoRet: 70000 is out of range (0-65535)");
  EXPECT_EQ(compile_error(
                allow_but({rule({"getpid"}, "SCMP_ACT_ERRNO", {}, {arg(6, "SCMP_CMP_EQ", 1)})})),
            "linux.seccomp.syscalls[0].args[0].index: 6 is not 0-5");
  EXPECT_EQ(compile_error(allow_but({rule({}, "SCMP_ACT_ERRNO")})),
            "linux.seccomp.syscalls[0].names: must contain at least one entry");
  oci::Seccomp s = allow_but({});
  s.default_action = "SCMP_ACT_KILL";
  s.default_errno_ret = 1;
  EXPECT_EQ(compile_error(s),
            "linux.seccomp.defaultErrnoRet: not supported with action \"SCMP_ACT_KILL\"");
  s = allow_but({});
  s.architectures = {"SCMP_ARCH_X86", "SCMP_ARCH_NOPE"};
  EXPECT_EQ(
      compile_error(s).rfind(
          "linux.seccomp.architectures[1]: architecture \"SCMP_ARCH_NOPE\" is not supported", 0),
      0u)
      << compile_error(s);
  s = allow_but({});
  s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_X"};
  EXPECT_EQ(compile_error(s), "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_X\"");
  s = allow_but({rule({"mkdir"}, "SCMP_ACT_NOTIFY")});
  EXPECT_EQ(compile_error(s), "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  s = allow_but({});
  s.listener_metadata = "m";
  EXPECT_EQ(compile_error(s),
            "linux.seccomp.listenerMetadata: must not be set without listenerPath");
}

TEST(SeccompCompile, ArchitecturesAreAdded) {
  oci::Seccomp s = allow_but({rule({"getppid"}, "SCMP_ACT_ERRNO")});
  SeccompPlan native = compiled(s);
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  SeccompPlan multi = compiled(s);
  // The native arch is kept (listing it again is fine) and the others add their checks.
  EXPECT_GT(multi.program.size(), native.program.size());
}

TEST(SeccompCompile, Flags) {
  oci::Seccomp s = allow_but({});
  s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
             "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  EXPECT_EQ(compiled(s).flags,
            SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  // Without NOTIFY there is nothing for WAIT_KILLABLE_RECV to act on (the kernel would
  // reject it): dropped.
  s.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  EXPECT_EQ(compiled(s).flags, 0u);
  // NOTIFY adds NEW_LISTENER; with TSYNC also TSYNC_ESRCH, which the kernel requires.
  s = allow_but({rule({"mkdir"}, "SCMP_ACT_NOTIFY")});
  s.listener_path = "/run/agent.sock";
  s.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  SeccompPlan n = compiled(s);
  EXPECT_TRUE(n.notify);
  EXPECT_EQ(n.flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER |
                         SECCOMP_FILTER_FLAG_TSYNC_ESRCH | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
  // and the kernel accepts that combination
  EXPECT_EQ(in_child(n, [] { return std::string("loaded"); }), "loaded");
}

TEST(SeccompRun, NotifyReturnsAListener) {
  oci::Seccomp s = allow_but({rule({"getppid"}, "SCMP_ACT_NOTIFY")});
  s.listener_path = "/x";
  s.listener_metadata = "meta";
  SeccompPlan p = compiled(s);
  EXPECT_EQ(p.listener_path, "/x");
  EXPECT_EQ(p.listener_metadata, "meta");
  // An empty program is refused (EINVAL): load errors are reported, not ignored.
  EXPECT_EQ(in_child(SeccompPlan{}, [] { return std::string("loaded"); }), "exit 100");
  // A real listener: answer our own notification from a second process.
  testing::ChildResult r = testing::run_in_child([&](int out) {
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    auto fd = load_seccomp(p);
    if (!fd || !*fd) return 1;
    pid_t agent = ::fork();
    if (agent == 0) {
      struct seccomp_notif req {};
      if (::ioctl(fd->get(), SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) ::_exit(2);
      struct seccomp_notif_resp resp {};
      resp.id = req.id;
      resp.val = 4242;
      ::ioctl(fd->get(), SECCOMP_IOCTL_NOTIF_SEND, &resp);
      ::_exit(0);
    }
    long v = ::syscall(SYS_getppid);
    testing::put(out, std::to_string(v));
    ::waitpid(agent, nullptr, 0);
    return 0;
  });
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "4242");
}

// runc #2151: a syscall newer than every syscall the profile names gets ENOSYS (libc then
// falls back), one at or below the highest named gets the default action as written.
TEST(SeccompEnosys, NewerThanTheProfileIsEnosysOlderIsTheDefault) {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ERRNO";  // EPERM
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  // The highest named here is exit_group (231 on x86_64); getppid (110) is not named.
  s.syscalls = {rule({"write", "exit_group", "getpid"}, "SCMP_ACT_ALLOW")};
  EXPECT_EQ(in_child(compiled(s),
                     [] { return call(SYS_getppid) + " " + call(400) + " " + call(SYS_getpid); }),
            "-1/1 -1/38 0/0");
}

TEST(SeccompEnosys, KillDefaultStillKillsNamedRangeButNotNewerSyscalls) {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_KILL_PROCESS";
  s.syscalls = {rule({"write", "exit_group", "getpid"}, "SCMP_ACT_ALLOW")};
  EXPECT_EQ(in_child(compiled(s), [] { return call(449); }), "-1/38");
  EXPECT_EQ(in_child(compiled(s), [] { return call(SYS_getppid); }), "signal 31");
}

TEST(SeccompEnosys, NotAddedForAllowOrNotifyDefaults) {
  oci::Seccomp allow = allow_but({rule({"getppid"}, "SCMP_ACT_ERRNO")});
  oci::Seccomp errno_default;
  errno_default.default_action = "SCMP_ACT_ERRNO";
  errno_default.syscalls = {rule({"getppid"}, "SCMP_ACT_ALLOW")};
  // Same rules count, but only the ERRNO default gets the stub in front.
  auto a = compiled(allow), e = compiled(errno_default);
  ASSERT_FALSE(a.program.empty());
  ASSERT_FALSE(e.program.empty());
  auto first_is_arch_load = [](const SeccompPlan& p) {
    return p.program[0].code == (BPF_LD | BPF_W | BPF_ABS) && p.program[0].k == 4;
  };
  // libseccomp's own program also starts by loading the arch; the stub's second
  // instruction is a jeq against the native arch whose false branch skips its block.
  EXPECT_TRUE(first_is_arch_load(e));
  EXPECT_EQ(e.program.back().code, a.program.back().code);
  std::vector<sock_filter> plain = a.program;
  ASSERT_TRUE(add_enosys_stub(plain, allow, SCMP_ACT_ALLOW));
  EXPECT_EQ(plain.size(), a.program.size());
}

#if defined(__x86_64__)
// An i386 syscall from this 64-bit process (int $0x80): "ret/errno" as call() prints it.
std::string call_i386(long nr) {
  long r = nr;
  asm volatile("int $0x80" : "+a"(r) : : "memory");
  return r < 0 ? "-1/" + std::to_string(-r) : "0/0";
}

// x86 (i386) numbers differ: the stub compares each arch with its own maximum. The same
// names are exit_group 231 on x86_64 and 252 on i386; 400 is msgsnd on i386 (above 252,
// so ENOSYS), getppid is 64 on i386 (below, so the default EPERM).
TEST(SeccompEnosys, EachArchitectureHasItsOwnMaximum) {
  if (call_i386(20 /* i386 getpid */) != "0/0") GTEST_SKIP() << "no IA32 emulation";
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ERRNO";
  s.architectures = {"SCMP_ARCH_X86"};
  s.syscalls = {rule({"write", "exit_group", "getpid"}, "SCMP_ACT_ALLOW")};
  EXPECT_EQ(in_child(compiled(s), [] {
              return call_i386(64) + " " + call_i386(400) + " " + call_i386(20);
            }),
            "-1/1 -1/38 0/0");
}
#endif

TEST(SeccompFeatures, Lists) {
  EXPECT_EQ(seccomp_actions().size(), 9u);
  EXPECT_EQ(seccomp_operators().size(), 7u);
  auto archs = seccomp_archs();
  EXPECT_NE(std::find(archs.begin(), archs.end(), "SCMP_ARCH_X86_64"), archs.end());
  EXPECT_EQ(seccomp_known_flags().size(), 4u);
  // This kernel (6.x) supports all four.
  EXPECT_EQ(seccomp_supported_flags().size(), 4u);
}

}  // namespace
}  // namespace berth::security
