// bpf(2) side of the device controller: load the assembled program, attach it to a cgroup v2
// directory and detach the programs it replaces. No libbpf: four bpf(2) commands suffice.
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "cgroups/devices_bpf.h"

namespace berth::cgroups {
namespace {

int bpf(int cmd, union bpf_attr* attr) {
  return static_cast<int>(::syscall(SYS_bpf, cmd, attr, sizeof *attr));
}

// Name the program after us so `bpftool prog` shows who attached it.
constexpr char kProgName[] = "berth_devices";
// The program calls no helpers, so the license only has to be a string; use the project's.
constexpr char kLicense[] = "Apache-2.0";

int prog_load(const std::vector<bpf_insn>& insns, char* log, uint32_t log_size) {
  union bpf_attr a;
  std::memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.expected_attach_type = BPF_CGROUP_DEVICE;
  a.insns = reinterpret_cast<uintptr_t>(insns.data());
  a.insn_cnt = static_cast<uint32_t>(insns.size());
  a.license = reinterpret_cast<uintptr_t>(kLicense);
  static_assert(sizeof kProgName <= sizeof a.prog_name);
  std::memcpy(a.prog_name, kProgName, sizeof kProgName);
  if (log) {
    a.log_level = 1;
    a.log_buf = reinterpret_cast<uintptr_t>(log);
    a.log_size = log_size;
  }
  // O_CLOEXEC is implicit: the kernel creates every bpf fd with it.
  return bpf(BPF_PROG_LOAD, &a);
}

Result<uint32_t> prog_id(int prog_fd) {
  struct bpf_prog_info info;
  std::memset(&info, 0, sizeof info);
  union bpf_attr a;
  std::memset(&a, 0, sizeof a);
  a.info.bpf_fd = static_cast<uint32_t>(prog_fd);
  a.info.info_len = sizeof info;
  a.info.info = reinterpret_cast<uintptr_t>(&info);
  if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0) return BERTH_SYS("bpf(BPF_OBJ_GET_INFO_BY_FD)");
  return info.id;
}

struct Query {
  std::vector<uint32_t> ids;
  uint32_t attach_flags = 0;
};

Result<Query> query(int cgroup_dir_fd) {
  Query q;
  q.ids.resize(16);
  for (;;) {
    union bpf_attr a;
    std::memset(&a, 0, sizeof a);
    a.query.target_fd = static_cast<uint32_t>(cgroup_dir_fd);
    a.query.attach_type = BPF_CGROUP_DEVICE;
    a.query.query_flags = 0;  // programs attached here, not the effective (inherited) set
    a.query.prog_ids = reinterpret_cast<uintptr_t>(q.ids.data());
    a.query.prog_cnt = static_cast<uint32_t>(q.ids.size());
    if (bpf(BPF_PROG_QUERY, &a) == 0) {
      q.ids.resize(a.query.prog_cnt);
      q.attach_flags = a.query.attach_flags;
      return q;
    }
    // ENOSPC: more programs than room; prog_cnt now holds the real count.
    if (errno != ENOSPC || a.query.prog_cnt <= q.ids.size())
      return BERTH_SYS("bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE)");
    q.ids.resize(a.query.prog_cnt);
  }
}

}  // namespace

Result<UniqueFd> load_device_program(const std::vector<bpf_insn>& insns) {
  if (insns.empty()) return BERTH_ERR(EINVAL, "load device program: no instructions");
  int fd = prog_load(insns, nullptr, 0);
  if (fd < 0 && errno == EPERM) {
    // Before 5.11 BPF memory was charged to RLIMIT_MEMLOCK, and a small soft limit makes the
    // load fail with EPERM. We lack CAP_SYS_RESOURCE in some setups, so only go as far as the
    // hard limit, and put the soft limit back: processes we spawn must not inherit it.
    struct rlimit old;
    if (::getrlimit(RLIMIT_MEMLOCK, &old) == 0 && old.rlim_cur < old.rlim_max) {
      struct rlimit raised = {old.rlim_max, old.rlim_max};
      if (::setrlimit(RLIMIT_MEMLOCK, &raised) == 0) {
        fd = prog_load(insns, nullptr, 0);
        int saved = errno;
        ::setrlimit(RLIMIT_MEMLOCK, &old);
        errno = saved;
      }
    }
  }
  if (fd < 0 && (errno == EINVAL || errno == EACCES)) {
    // A verifier rejection: load once more with a log so the error says why.
    int saved = errno;
    constexpr uint32_t kLogSize = 64 * 1024;
    auto log = std::make_unique<char[]>(kLogSize);
    log[0] = '\0';
    int fd2 = prog_load(insns, log.get(), kLogSize);
    if (fd2 >= 0) return UniqueFd(fd2);  // cannot happen in practice; take it
    log[kLogSize - 1] = '\0';
    // The verdict is at the end of the log; keep its tail.
    std::size_t n = std::strlen(log.get());
    const char* tail = log.get() + (n > 600 ? n - 600 : 0);
    return BERTH_ERR(saved, "bpf(BPF_PROG_LOAD, cgroup device, %zu insns): %s; verifier: %s",
                     insns.size(), std::strerror(saved), tail);
  }
  if (fd < 0)
    return BERTH_SYS("bpf(BPF_PROG_LOAD, cgroup device, %zu insns)", insns.size());
  return UniqueFd(fd);
}

Result<std::vector<uint32_t>> attached_device_programs(int cgroup_dir_fd) {
  BERTH_TRY_ASSIGN(Query q, query(cgroup_dir_fd));
  return std::move(q.ids);
}

Result<void> attach_device_program(int cgroup_dir_fd, int prog_fd) {
  BERTH_TRY_ASSIGN(Query old, query(cgroup_dir_fd));
  BERTH_TRY_ASSIGN(uint32_t new_id, prog_id(prog_fd));

  // Programs attached in the exclusive modes (flags 0 or ALLOW_OVERRIDE) are replaced by
  // attaching with the same flags; ALLOW_MULTI would be refused with EPERM there.
  bool multi = old.ids.empty() || (old.attach_flags & BPF_F_ALLOW_MULTI);
  union bpf_attr a;
  std::memset(&a, 0, sizeof a);
  a.target_fd = static_cast<uint32_t>(cgroup_dir_fd);
  a.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = multi ? BPF_F_ALLOW_MULTI : old.attach_flags;
  bool already = std::find(old.ids.begin(), old.ids.end(), new_id) != old.ids.end();
  if (!already && bpf(BPF_PROG_ATTACH, &a) < 0)
    return BERTH_SYS("bpf(BPF_PROG_ATTACH, cgroup device, flags %#x)", a.attach_flags);
  if (!multi) return {};

  // The new filter is in force; now drop the old ones. The effective set is the AND of all
  // attached programs, so until this loop finishes access is only ever narrower than either
  // rule set allows, never wider.
  for (uint32_t id : old.ids) {
    if (id == new_id) continue;
    union bpf_attr g;
    std::memset(&g, 0, sizeof g);
    g.prog_id = id;
    UniqueFd old_fd(bpf(BPF_PROG_GET_FD_BY_ID, &g));
    if (!old_fd) {
      if (errno == ENOENT) continue;  // detached and freed meanwhile
      return BERTH_SYS("bpf(BPF_PROG_GET_FD_BY_ID, %u)", id);
    }
    union bpf_attr d;
    std::memset(&d, 0, sizeof d);
    d.target_fd = static_cast<uint32_t>(cgroup_dir_fd);
    d.attach_bpf_fd = static_cast<uint32_t>(old_fd.get());
    d.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, &d) < 0 && errno != ENOENT)
      return BERTH_SYS("bpf(BPF_PROG_DETACH, cgroup device, prog id %u)", id);
  }
  return {};
}

}  // namespace berth::cgroups
