// Type "cgroup" mounts (runc's default spec has one on /sys/fs/cgroup).
//
// A literal mount(2) of "cgroup" would ask for one v1 hierarchy with every controller,
// which fails with EBUSY wherever the controllers are mounted separately (hybrid hosts).
// Like runc, berth instead builds what the host has: on a cgroup2-only host the mount is
// cgroup2; otherwise a tmpfs holding one mount per hierarchy listed in /proc/self/cgroup.
// The hierarchies are mounted fresh, so they are rooted at the container's cgroup when
// it has a cgroup namespace (the default); without one they show the host's whole tree.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "base/file.h"
#include "rootfs/mount_ops.h"
#include "rootfs/resolve.h"

namespace berth::rootfs {
namespace {

MountOp derived(const MountOp& op, std::string type, std::string dest, std::string data) {
  MountOp m;
  m.index = op.index;
  m.type = type;
  m.source = std::move(type);
  m.destination = std::move(dest);
  m.options.flags = op.options.flags;
  m.options.data = std::move(data);
  return m;
}

}  // namespace

Result<void> mount_cgroup(int root_fd, const MountOp& op) {
  struct statfs sfs;
  if (::statfs("/sys/fs/cgroup", &sfs) == 0 &&
      static_cast<unsigned long>(sfs.f_type) == CGROUP2_SUPER_MAGIC) {
    MountOp v2 = op;
    v2.type = v2.source = "cgroup2";
    v2.options.data.clear();  // v1 data (controller names) means nothing to cgroup2
    return mount_filesystem(root_fd, v2);
  }
  MountOp base = derived(op, "tmpfs", op.destination, "mode=755");
  base.options.flags &= ~MS_RDONLY;  // made read-only once the hierarchies are in
  BERTH_TRY(mount_filesystem(root_fd, base));

  BERTH_TRY_ASSIGN(std::string text, read_file("/proc/self/cgroup"));
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    auto c1 = line.find(':');
    auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string::npos) continue;
    std::string ctrl = line.substr(c1 + 1, c2 - c1 - 1);
    std::string dir, type = "cgroup", data;
    if (ctrl.empty()) {
      dir = "unified";  // the v2 hierarchy of a hybrid host, where systemd puts it
      type = "cgroup2";
    } else if (ctrl.rfind("name=", 0) == 0) {
      dir = ctrl.substr(5);
      data = "none," + ctrl;
    } else {
      dir = data = ctrl;
    }
    if (dir.empty() || dir.find('/') != std::string::npos) continue;
    MountOp sub = derived(op, type, op.destination + "/" + dir, data);
    if (auto r = mount_filesystem(root_fd, sub); !r)
      return fail(r.error().wrap("hierarchy " + dir));
    // "cpu,cpuacct" also answers to "cpu" and "cpuacct", as on the host.
    if (dir.find(',') != std::string::npos) {
      BERTH_TRY_ASSIGN(UniqueFd parent, open_in_root(root_fd, op.destination, O_PATH | O_DIRECTORY));
      std::size_t p = 0;
      while (p <= dir.size()) {
        auto comma = dir.find(',', p);
        if (comma == std::string::npos) comma = dir.size();
        std::string name = dir.substr(p, comma - p);
        p = comma + 1;
        if (!name.empty() && ::symlinkat(dir.c_str(), parent.get(), name.c_str()) < 0 &&
            errno != EEXIST)
          return BERTH_SYS("symlink %s", name.c_str());
      }
    }
  }
  if (op.options.flags & MS_RDONLY) BERTH_TRY(make_readonly(root_fd, op.destination, false));
  if (!op.options.propagation.empty()) {
    BERTH_TRY_ASSIGN(UniqueFd top, open_in_root(root_fd, op.destination, O_PATH));
    for (unsigned long p : op.options.propagation)
      if (::mount(nullptr, proc_fd(top.get()).c_str(), nullptr, p, nullptr) < 0)
        return BERTH_SYS("set propagation");
  }
  return {};
}

}  // namespace berth::rootfs
