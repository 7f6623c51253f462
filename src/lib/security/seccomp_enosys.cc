// ENOSYS for syscalls newer than the profile (see seccomp.h, add_enosys_stub).
//
// Why: a profile is a list of names written against some kernel. A syscall added later
// (clone3, openat2, faccessat2, ...) falls to the default action, typically EPERM, and
// libc treats EPERM as final where ENOSYS would make it fall back to the older call:
// containers break on newer kernels/libcs (runc issue #2151, systemd #16739). As runc
// does, a syscall numbered above every syscall the profile names, for its architecture,
// returns ENOSYS before the profile's own program runs; everything at or below that
// number is decided by the profile exactly as written.
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>

#include <map>

#include "security/seccomp.h"
#include "security/seccomp_flags.h"

namespace berth::security {
namespace {

// x32 syscalls arrive with AUDIT_ARCH_X86_64 and this bit set in the number.
constexpr uint32_t kX32Bit = 0x40000000;

sock_filter stmt(uint16_t code, uint32_t k) { return BPF_STMT(code, k); }
sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return BPF_JUMP(code, k, jt, jf);
}

// The largest syscall number the profile names on `arch`, or -1.
long max_named(const oci::Seccomp& sc, uint32_t arch) {
  long best = -1;
  for (const auto& rule : sc.syscalls)
    for (const auto& n : rule.names) {
      int nr = seccomp_syscall_resolve_name_arch(arch, n.c_str());
      if (nr >= 0 && nr > best) best = nr;  // negative: unknown or a pseudo-syscall
    }
  return best;
}

bool wants_enosys(uint32_t default_action) {
  // An allowing, logging, tracing or notifying default lets the syscall be seen or run
  // as the profile asks; there is nothing to fall back from.
  uint32_t a = default_action & SECCOMP_RET_ACTION_FULL;
  return a == SECCOMP_RET_ERRNO || a == SECCOMP_RET_KILL_PROCESS ||
         a == SECCOMP_RET_KILL_THREAD || a == SECCOMP_RET_TRAP;
}

}  // namespace

Result<void> add_enosys_stub(std::vector<sock_filter>& prog, const oci::Seccomp& sc,
                             uint32_t default_action) {
  if (!wants_enosys(default_action) || sc.syscalls.empty()) return {};
  // Audit arch -> highest named syscall. SCMP_ARCH_* tokens are AUDIT_ARCH_* values,
  // except x32, which shares x86_64's audit arch (told apart by kX32Bit).
  std::map<uint32_t, long> max;
  long max_x32 = -1;
  std::vector<uint32_t> arches = {seccomp_arch_native()};
  for (const auto& a : sc.architectures)
    if (uint32_t t = arch_token(a)) arches.push_back(t);
  for (uint32_t t : arches) {
    long m = max_named(sc, t);
    if (m < 0) continue;
    if (t == SCMP_ARCH_X32)
      max_x32 = m;
    else
      max[t] = m;
  }
  if (max.empty() && max_x32 < 0) return {};

  // Per arch block, after `jeq arch` (whose false branch skips to the next block with
  // the arch still loaded):
  //   ld nr; jgt max -> enosys; ja main
  // x86_64 also tells x32 numbers apart (x32 in the profile: its own maximum; not in
  // it: on to the profile, whose bad-arch action applies):
  //   ld nr; jset X32 -> +2; jgt max -> enosys; ja main; [jgt max_x32 -> enosys;] ja main
  std::vector<sock_filter> stub;
  stub.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  std::vector<std::size_t> to_main, to_enosys;  // indexes of `ja` / jgt to patch
  for (auto [arch, m] : max) {
    bool x86_64 = arch == AUDIT_ARCH_X86_64;
    uint8_t body = x86_64 ? (max_x32 >= 0 ? 6 : 5) : 3;
    stub.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, body));
    stub.push_back(stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
    if (x86_64) stub.push_back(jump(BPF_JMP | BPF_JSET | BPF_K, kX32Bit, 2, 0));
    to_enosys.push_back(stub.size());
    stub.push_back(jump(BPF_JMP | BPF_JGT | BPF_K, static_cast<uint32_t>(m), 0, 0));
    to_main.push_back(stub.size());
    stub.push_back(stmt(BPF_JMP | BPF_JA, 0));
    if (x86_64) {
      if (max_x32 >= 0) {
        to_enosys.push_back(stub.size());
        stub.push_back(jump(BPF_JMP | BPF_JGT | BPF_K, static_cast<uint32_t>(max_x32), 0, 0));
      }
      to_main.push_back(stub.size());
      stub.push_back(stmt(BPF_JMP | BPF_JA, 0));
    }
  }
  // Unmatched arch: on to the profile (which applies its bad-arch action).
  to_main.push_back(stub.size());
  stub.push_back(stmt(BPF_JMP | BPF_JA, 0));
  const std::size_t enosys = stub.size();
  stub.push_back(stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)));
  const std::size_t main = stub.size();

  for (std::size_t i : to_enosys) {
    std::size_t off = enosys - i - 1;
    if (off > 255) return BERTH_ERR(E2BIG, "linux.seccomp: ENOSYS stub jump out of range");
    stub[i].jt = static_cast<uint8_t>(off);  // jgt true -> enosys; false falls to ja main
  }
  for (std::size_t i : to_main) stub[i].k = static_cast<uint32_t>(main - i - 1);
  if (stub.size() + prog.size() > BPF_MAXINSNS)
    return BERTH_ERR(E2BIG, "linux.seccomp: the filter has %zu instructions (kernel limit %d)",
                     stub.size() + prog.size(), BPF_MAXINSNS);
  prog.insert(prog.begin(), stub.begin(), stub.end());
  return {};
}

}  // namespace berth::security
