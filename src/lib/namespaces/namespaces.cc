#include "namespaces/namespaces.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "base/file.h"

namespace berth::ns {
namespace {

struct Kind {
  const char* type;  // spec name
  int flag;
  const char* proc;  // /proc/<pid>/ns/<proc>
};

// Join order: user first (it grants the capabilities the other setns() calls need), mount
// last among those that matter for path resolution. Every fd is opened before any setns(),
// so paths are resolved in the runtime's namespaces, never in the container's.
constexpr Kind kKinds[] = {
    {"user", CLONE_NEWUSER, "user"},   {"ipc", CLONE_NEWIPC, "ipc"},
    {"uts", CLONE_NEWUTS, "uts"},      {"network", CLONE_NEWNET, "net"},
    {"pid", CLONE_NEWPID, "pid"},      {"time", CLONE_NEWTIME, "time"},
    {"cgroup", CLONE_NEWCGROUP, "cgroup"}, {"mount", CLONE_NEWNS, "mnt"},
};

// Opens a namespace file for setns(). O_PATH first, and the real open only once the
// file is known to live on nsfs: an O_RDONLY open of an arbitrary path blocks forever on
// a FIFO and acts on some devices (a tape rewinds, a watchdog arms). The reopen goes
// through the O_PATH fd, so it is the very file that was checked.
Result<UniqueFd> open_ns_file(const std::string& path, const char* ctx) {
  UniqueFd pfd(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!pfd) return BERTH_SYS("%s: open %s", ctx, path.c_str());
  struct statfs sfs;
  if (::fstatfs(pfd.get(), &sfs) < 0) return BERTH_SYS("%s: statfs %s", ctx, path.c_str());
  if (sfs.f_type != NSFS_MAGIC)
    return BERTH_ERR(EINVAL, "%s: %s is not a namespace file", ctx, path.c_str());
  std::string self = "/proc/self/fd/" + std::to_string(pfd.get());
  UniqueFd fd(::open(self.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return BERTH_SYS("%s: open %s", ctx, path.c_str());
  return fd;
}

}  // namespace

int flag_of(std::string_view type) {
  for (const auto& k : kKinds)
    if (type == k.type) return k.flag;
  return 0;
}

const char* proc_name(int flag) {
  for (const auto& k : kKinds)
    if (flag == k.flag) return k.proc;
  return "?";
}

const Join* Plan::joined(int flag) const {
  for (const auto& j : join)
    if (j.flag == flag) return &j;
  return nullptr;
}

Result<Plan> build_plan(const oci::Spec& spec, bool exec) {
  Plan plan;
  if (!spec.linux) return plan;
  const auto& nss = spec.linux->namespaces;
  for (const auto& kind : kKinds) {
    for (std::size_t i = 0; i < nss.size(); ++i) {
      const auto& n = nss[i];
      if (n.type != kind.type) continue;
      char ctx[64];
      std::snprintf(ctx, sizeof ctx, "linux.namespaces[%zu].path", i);
      if (kind.flag == CLONE_NEWUSER)
        return BERTH_ERR(ENOTSUP, "linux.namespaces[%zu].type: user namespaces are not supported yet", i);
      if (n.path && !n.path->empty()) {
        BERTH_TRY_ASSIGN(UniqueFd fd, open_ns_file(*n.path, ctx));
        // NS_GET_NSTYPE tells what kind of namespace the file is (Linux 4.11); refusing a
        // mismatch stops e.g. a mount namespace being joined as a network one.
        int t = ::ioctl(fd.get(), NS_GET_NSTYPE);
        if (t < 0) return BERTH_SYS("%s: %s is not a namespace file", ctx, n.path->c_str());
        if (t != kind.flag)
          return BERTH_ERR(EINVAL, "%s: %s is not a %s namespace", ctx, n.path->c_str(), kind.type);
        plan.join.push_back(Join{kind.flag, kind.type, *n.path, std::move(fd)});
      } else if (kind.flag == CLONE_NEWTIME) {
        plan.new_time = true;
      } else if (kind.flag == CLONE_NEWCGROUP) {
        plan.new_cgroup = true;
      } else {
        plan.clone_flags |= static_cast<unsigned long long>(kind.flag);
      }
      switch (kind.flag) {
        case CLONE_NEWPID: plan.has_pid_ns = true; break;
        case CLONE_NEWNET:
          plan.has_net_ns = true;
          plan.new_net = !(n.path && !n.path->empty());
          break;
        case CLONE_NEWUTS: plan.has_uts_ns = true; break;
        case CLONE_NEWNS: plan.has_mount_ns = true; break;
        default: break;
      }
    }
  }
  // runtime-spec config-linux.md: timeOffsets need a new time namespace.
  if (!spec.linux->time_offsets.empty()) {
    if (!plan.new_time)
      return BERTH_ERR(EINVAL, "linux.timeOffsets: requires a new time namespace in linux.namespaces");
    for (const auto& [clock, off] : spec.linux->time_offsets) {
      plan.time_offsets += clock + " " + std::to_string(off.secs.value_or(0)) + " " +
                           std::to_string(off.nanosecs.value_or(0)) + "\n";
    }
  }
  // The rootfs is set up by mounting; doing that in the host's mount namespace would
  // change the host. runc refuses too.
  if (!plan.has_mount_ns)
    return BERTH_ERR(EINVAL, "linux.namespaces: a mount namespace is required");
  if (plan.joined(CLONE_NEWNS) && !exec)
    return BERTH_ERR(ENOTSUP, "linux.namespaces: joining an existing mount namespace is not supported");
  return plan;
}

Result<void> join_all(const Plan& plan) {
  for (const auto& j : plan.join) {
    if (j.flag == CLONE_NEWPID) continue;
    if (::setns(j.fd.get(), j.flag) < 0)
      return BERTH_SYS("linux.namespaces: setns %s %s", j.type.c_str(), j.path.c_str());
  }
  return {};
}

Result<void> setup_time(const Plan& plan) {
  if (!plan.new_time) return {};
  if (::unshare(CLONE_NEWTIME) < 0) return BERTH_SYS("linux.namespaces: unshare time namespace");
  if (!plan.time_offsets.empty()) {
    if (auto r = write_file("/proc/self/timens_offsets", plan.time_offsets); !r)
      return fail(r.error().wrap("linux.timeOffsets"));
  }
  UniqueFd fd(::open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC));
  if (!fd) return BERTH_SYS("open /proc/self/ns/time_for_children");
  if (::setns(fd.get(), CLONE_NEWTIME) < 0) return BERTH_SYS("setns time namespace");
  return {};
}

}  // namespace berth::ns
