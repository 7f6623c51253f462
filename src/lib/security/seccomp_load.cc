// seccomp(2) itself: flag names, kernel probing, and loading the program in the child.
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "security/seccomp.h"
#include "security/seccomp_flags.h"

// Older uapi headers lack the newer flags; the values are the kernel's ABI.
#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace berth::security {
namespace {

struct FlagName {
  const char* name;
  unsigned value;
};
// config-linux.md "flags": the four the spec lists.
constexpr FlagName kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

long sys_seccomp(unsigned op, unsigned flags, const void* arg) {
  return ::syscall(SYS_seccomp, op, flags, arg);
}

// A NULL program makes the kernel check the flags first: EFAULT means it accepted them,
// EINVAL that it does not know one. WAIT_KILLABLE_RECV is only valid with a listener.
bool kernel_accepts(unsigned flag) {
  if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  return sys_seccomp(SECCOMP_SET_MODE_FILTER, flag, nullptr) < 0 && errno == EFAULT;
}

}  // namespace

Result<unsigned> seccomp_flags_of(const std::vector<std::string>& names, bool notify) {
  unsigned out = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const FlagName* f = nullptr;
    for (const auto& k : kFlags)
      if (names[i] == k.name) f = &k;
    if (!f)
      return BERTH_ERR(EINVAL, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i,
                       names[i].c_str());
    if (!kernel_accepts(f->value))
      return BERTH_ERR(EINVAL, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
                       f->name);
    // WAIT_KILLABLE_RECV only changes how a notifying syscall waits for the agent; the
    // kernel rejects it without a listener, and without NOTIFY it has nothing to act on.
    if (f->value == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !notify) continue;
    out |= f->value;
  }
  if (notify) {
    out |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    // The kernel refuses TSYNC together with NEW_LISTENER unless TSYNC failures are
    // reported as ESRCH instead of a thread id (which would collide with the fd).
    if (out & SECCOMP_FILTER_FLAG_TSYNC) out |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  }
  return out;
}

Result<UniqueFd> load_seccomp(const SeccompPlan& plan) {
  struct sock_fprog prog {};
  prog.len = static_cast<unsigned short>(plan.program.size());
  prog.filter = const_cast<sock_filter*>(plan.program.data());
  long r = sys_seccomp(SECCOMP_SET_MODE_FILTER, plan.flags, &prog);
  if (r < 0) return BERTH_SYS("linux.seccomp: loading the filter");
  if (plan.notify) return UniqueFd(static_cast<int>(r));
  return UniqueFd();
}

std::vector<std::string> seccomp_actions() {
  return {"SCMP_ACT_ALLOW",        "SCMP_ACT_ERRNO",       "SCMP_ACT_KILL",
          "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
          "SCMP_ACT_NOTIFY",       "SCMP_ACT_TRACE",       "SCMP_ACT_TRAP"};
}

std::vector<std::string> seccomp_operators() {
  return {"SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
          "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"};
}

std::vector<std::string> seccomp_archs() {
  // config-linux.md's list as of libseccomp 2.6.0; report only what ours resolves.
  static constexpr const char* kAll[] = {
      "x86",     "x86_64",      "x32",    "arm",      "aarch64",     "mips",
      "mips64",  "mips64n32",   "mipsel", "mipsel64", "mipsel64n32", "ppc",
      "ppc64",   "ppc64le",     "s390",   "s390x",    "parisc",      "parisc64",
      "riscv64", "loongarch64", "m68k",   "sh",       "sheb"};
  std::vector<std::string> out;
  for (const char* a : kAll) {
    if (seccomp_arch_resolve_name(a) == 0) continue;
    std::string up = "SCMP_ARCH_";
    for (const char* c = a; *c; ++c) up += static_cast<char>(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    out.push_back(up);
  }
  return out;
}

std::vector<std::string> seccomp_known_flags() {
  std::vector<std::string> out;
  for (const auto& f : kFlags) out.push_back(f.name);
  return out;
}

std::vector<std::string> seccomp_supported_flags() {
  std::vector<std::string> out;
  for (const auto& f : kFlags)
    if (kernel_accepts(f.value)) out.push_back(f.name);
  return out;
}

}  // namespace berth::security
