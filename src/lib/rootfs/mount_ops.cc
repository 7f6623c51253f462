#include "rootfs/mount_ops.h"

#include "base/unprotect.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdio>

#include "base/syscalls.h"
#include "rootfs/resolve.h"

namespace berth::rootfs {
namespace {

bool g_no_new_api = false;

// Mounting onto an O_PATH fd with the classic API leaves the fd pointing at the covered
// directory; later steps (remount flags, propagation) need the new mount on top, so the
// destination is resolved again and must now be on a different mount than before.
Result<UniqueFd> reopen_top(int root_fd, const std::string& path, int old_fd) {
  BERTH_TRY_ASSIGN(UniqueFd top, open_in_root(root_fd, path, O_PATH));
  uint64_t before = mount_id(old_fd), after = mount_id(top.get());
  if (before != 0 && before == after)
    return BERTH_ERR(EAGAIN, "%s: the new mount is not at the destination (raced?)", path.c_str());
  return top;
}

Result<void> setattr(int fd, uint64_t set, uint64_t clr, uint64_t propagation, bool recursive) {
  struct mount_attr attr = {};
  attr.attr_set = set;
  attr.attr_clr = clr;
  attr.propagation = propagation;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (sys::mount_setattr(fd, "", flags, &attr) < 0) return BERTH_SYS("mount_setattr");
  return {};
}

// MS_REMOUNT|MS_BIND replaces every per-mount flag. Under a user namespace some flags
// of the source are locked (mount_namespaces(7)) and clearing them fails with EPERM, so
// retry once with the flags the mount has now OR'ed in (the behaviour runc has).
Result<void> remount_bind(const std::string& target, unsigned long flags) {
  if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | flags, nullptr) == 0)
    return {};
  if (errno != EPERM) return BERTH_SYS("remount");
  struct statfs sfs;
  if (::statfs(target.c_str(), &sfs) < 0) return BERTH_SYS("statfs");
  flags |= statfs_to_ms(static_cast<unsigned long>(sfs.f_flags));
  if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | flags, nullptr) < 0)
    return BERTH_SYS("remount");
  return {};
}

Result<void> apply_propagation_classic(const std::string& target, const ParsedOptions& o) {
  for (unsigned long p : o.propagation)
    if (::mount(nullptr, target.c_str(), nullptr, p, nullptr) < 0)
      return BERTH_SYS("set propagation");
  return {};
}

Result<void> apply_recursive_attrs(int fd, const ParsedOptions& o) {
  if (!o.has_recursive_attrs()) return {};
  if (auto r = setattr(fd, o.attr_set, o.attr_clr, 0, true); !r) {
    if (r.error().code() == ENOSYS)
      return BERTH_ERR(ENOSYS, "recursive mount options need mount_setattr (Linux 5.12)");
    return r;
  }
  return {};
}

const char* describe(const MountOp& op) {
  if (op.is_bind) return op.is_recursive ? "rbind" : "bind";
  return op.type.c_str();
}

Result<void> bind_new_api(int src, int dst, const MountOp& op) {
  unsigned ot = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                (op.is_recursive ? AT_RECURSIVE : 0);
  UniqueFd tree(sys::open_tree(src, "", ot));
  if (!tree) return BERTH_SYS("open_tree %s", op.source.c_str());
  // Only what the options ask for changes; everything else is inherited from the source.
  uint64_t set, clr;
  ms_to_mount_attr(op.options.flags, op.options.cleared, &set, &clr);
  if (set || clr) BERTH_TRY(setattr(tree.get(), set, clr, 0, false));
  BERTH_TRY(apply_recursive_attrs(tree.get(), op.options));
  if (sys::move_mount(tree.get(), "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
      0)
    return BERTH_SYS("move_mount");
  // The tree fd now names the attached mount: propagation is set on exactly it.
  for (unsigned long p : op.options.propagation)
    BERTH_TRY(setattr(tree.get(), 0, 0, p & ~MS_REC, (p & MS_REC) != 0));
  return {};
}

Result<void> bind_classic(int root_fd, int src, int dst, const MountOp& op) {
  unsigned long f = MS_BIND | (op.is_recursive ? MS_REC : 0);
  if (::mount(proc_fd(src).c_str(), proc_fd(dst).c_str(), nullptr, f, nullptr) < 0)
    return BERTH_SYS("bind %s", op.source.c_str());
  BERTH_TRY_ASSIGN(UniqueFd top, reopen_top(root_fd, op.destination, dst));
  std::string target = proc_fd(top.get());
  // mount(2) ignores flags with MS_BIND: a remount applies them (mount(8) does the same).
  if ((op.options.flags | op.options.cleared) & kPerMountFlags)
    BERTH_TRY(remount_bind(target, op.options.flags & kPerMountFlags));
  BERTH_TRY(apply_recursive_attrs(top.get(), op.options));
  return apply_propagation_classic(target, op.options);
}

Result<void> bind_mount(int root_fd, const MountOp& op) {
  UniqueFd src(::open(op.source.c_str(), O_PATH | O_CLOEXEC));
  if (!src) return BERTH_SYS("open bind source %s", op.source.c_str());
  struct stat st;
  if (::fstat(src.get(), &st) < 0) return BERTH_SYS("stat %s", op.source.c_str());
  UniqueFd dst;
  if (S_ISDIR(st.st_mode)) {
    BERTH_TRY_ASSIGN(dst, mkdir_p_in_root(root_fd, op.destination));
  } else {
    BERTH_TRY_ASSIGN(dst, create_file_in_root(root_fd, op.destination));
  }
  if (op.options.remount) {
    BERTH_TRY(remount_bind(proc_fd(dst.get()), op.options.flags & kPerMountFlags));
    BERTH_TRY(apply_recursive_attrs(dst.get(), op.options));
    return apply_propagation_classic(proc_fd(dst.get()), op.options);
  }
  if (new_mount_api()) {
    auto r = bind_new_api(src.get(), dst.get(), op);
    if (r || r.error().code() != ENOSYS) return r;
    disable_new_mount_api();
  }
  return bind_classic(root_fd, src.get(), dst.get(), op);
}

// proc and sysfs must land on a plain directory of the image: a /proc that is a symlink
// (to a volume another container controls) could put a fake procfs where the runtime
// and LSMs later write (CVE-2019-16884, CVE-2019-19921).
Result<void> check_plain_dir(int root_fd, const MountOp& op, int dst) {
  auto plain = open_no_symlinks(root_fd, op.destination);
  if (!plain)
    return BERTH_ERR(ELOOP, "refusing to mount %s on %s: the path is not a plain directory (%s)",
                     op.type.c_str(), op.destination.c_str(), plain.error().what());
  struct stat a, b;
  if (::fstat(dst, &a) < 0 || ::fstat(plain->get(), &b) < 0) return BERTH_SYS("stat");
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino || !S_ISDIR(a.st_mode))
    return BERTH_ERR(ELOOP, "refusing to mount %s on %s: the path is not a plain directory",
                     op.type.c_str(), op.destination.c_str());
  return {};
}

// What may be mounted on /proc itself, and over the LSM attribute files in it. A bind or
// tmpfs on /proc (before or after the proc mount) is a fake procfs: the runtime's later
// writes there (sysctl, oom_score_adj, masks, AppArmor/SELinux attr files) would land in
// the fake files, and the process would run unconfined (CVE-2019-19921, CVE-2023-27561).
// A mount over <pid>/attr swallows the LSM label write the same way (CVE-2019-16884).
// Binds over other procfs files stay allowed (lxcfs does that); the procfs writer refuses
// to write through them (attrs/procfs.h).
Result<void> check_proc_target(const MountOp& op) {
  if (unprotected("proc-mount")) return {};
  const std::string& d = op.destination;  // clean_path()ed by the plan builder
  if (d == "/proc") {
    if (!op.is_bind && op.type == "proc") return {};
    struct statfs sfs;
    if (op.is_bind && ::statfs(op.source.c_str(), &sfs) == 0 &&
        static_cast<unsigned long>(sfs.f_type) == static_cast<unsigned long>(PROC_SUPER_MAGIC))
      return {};
    return BERTH_ERR(EPERM, "only a procfs may be mounted on /proc (a fake /proc would receive "
                            "the runtime's writes)");
  }
  if (d.rfind("/proc/", 0) != 0) return {};
  for (std::size_t at = 5; at != std::string::npos; at = d.find('/', at + 1)) {
    std::size_t end = d.find('/', at + 1);
    if (d.compare(at + 1, end == std::string::npos ? std::string::npos : end - at - 1, "attr") == 0)
      return BERTH_ERR(EPERM, "refusing a mount over the LSM attributes (%s): the runtime's "
                              "label writes would miss the real procfs", d.c_str());
  }
  return {};
}

}  // namespace

Result<void> mount_filesystem(int root_fd, const MountOp& op) {
  BERTH_TRY_ASSIGN(UniqueFd dst, mkdir_p_in_root(root_fd, op.destination));
  const bool special = op.type == "proc" || op.type == "sysfs";
  if (special && !unprotected("proc-dir")) BERTH_TRY(check_plain_dir(root_fd, op, dst.get()));
  UniqueFd old_content;
  if (op.options.tmpcopyup) {
    // Opened before the mount: it keeps reading the covered directory afterwards.
    old_content.reset(::openat(dst.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!old_content) return BERTH_SYS("open %s for tmpcopyup", op.destination.c_str());
  }
  unsigned long flags = op.options.flags | (op.options.remount ? MS_REMOUNT : 0);
  const char* data = op.options.data.empty() ? nullptr : op.options.data.c_str();
  if (::mount(op.source.c_str(), proc_fd(dst.get()).c_str(), op.type.c_str(), flags, data) < 0)
    return BERTH_SYS("mount");
  UniqueFd top;
  if (op.options.remount) {
    top = std::move(dst);
  } else {
    BERTH_TRY_ASSIGN(top, reopen_top(root_fd, op.destination, dst.get()));
  }
  if (special) {
    struct statfs sfs;
    if (::fstatfs(top.get(), &sfs) < 0) return BERTH_SYS("statfs");
    auto want = op.type == "proc" ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
    if (static_cast<unsigned long>(sfs.f_type) != static_cast<unsigned long>(want))
      return BERTH_ERR(EINVAL, "%s is not %s after mounting it", op.destination.c_str(),
                       op.type.c_str());
  }
  if (old_content) {
    UniqueFd to(::openat(top.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!to) return BERTH_SYS("open new tmpfs");
    BERTH_TRY(copy_tree(old_content.get(), to.get()));
  }
  BERTH_TRY(apply_recursive_attrs(top.get(), op.options));
  return apply_propagation_classic(proc_fd(top.get()), op.options);
}

std::string proc_fd(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

uint64_t mount_id(int fd) {
  struct statx stx = {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0) return 0;
  return (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
}

unsigned long statfs_to_ms(unsigned long st) {
  // linux/statfs.h ST_* values; RELATIME and NOSYMFOLLOW differ from their MS_* twins.
  struct Bit {
    unsigned long st, ms;
  };
  constexpr Bit kBits[] = {{0x0001, MS_RDONLY},     {0x0002, MS_NOSUID},
                           {0x0004, MS_NODEV},      {0x0008, MS_NOEXEC},
                           {0x0400, MS_NOATIME},    {0x0800, MS_NODIRATIME},
                           {0x1000, MS_RELATIME},   {0x2000, MS_NOSYMFOLLOW}};
  unsigned long ms = 0;
  for (const auto& b : kBits)
    if (st & b.st) ms |= b.ms;
  return ms;
}

Result<void> mount_op(int root_fd, const MountOp& op) {
  Result<void> r = check_proc_target(op);
  if (!r) {
    // reported below with the mount's description
  } else if (op.is_bind)
    r = bind_mount(root_fd, op);
  else if (op.type == "cgroup")
    r = mount_cgroup(root_fd, op);
  else
    r = mount_filesystem(root_fd, op);
  if (!r) {
    char ctx[512];
    std::snprintf(ctx, sizeof ctx, "mount %s on %s", describe(op), op.destination.c_str());
    return fail(r.error().wrap(ctx));
  }
  return {};
}

Result<void> bind_fd_onto(int src_fd, int dst_fd) {
  if (new_mount_api()) {
    UniqueFd tree(sys::open_tree(src_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
    if (tree) {
      if (sys::move_mount(tree.get(), "", dst_fd, "",
                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return BERTH_SYS("move_mount");
      return {};
    }
    if (errno != ENOSYS) return BERTH_SYS("open_tree");
    disable_new_mount_api();
  }
  if (::mount(proc_fd(src_fd).c_str(), proc_fd(dst_fd).c_str(), nullptr, MS_BIND, nullptr) < 0)
    return BERTH_SYS("bind mount");
  return {};
}

Result<void> make_readonly(int root_fd, std::string_view path, bool recursive) {
  BERTH_TRY_ASSIGN(UniqueFd fd, open_in_root(root_fd, path, O_PATH));
  if (new_mount_api()) {
    // mount_setattr changes only RDONLY: locked flags and atime are left as they are.
    auto r = setattr(fd.get(), MOUNT_ATTR_RDONLY, 0, 0, recursive);
    if (r || r.error().code() != ENOSYS) return r;
    disable_new_mount_api();
  }
  if (recursive)
    return BERTH_ERR(ENOSYS, "recursive read-only needs mount_setattr (Linux 5.12)");
  std::string target = proc_fd(fd.get());
  struct statfs sfs;
  if (::statfs(target.c_str(), &sfs) < 0) return BERTH_SYS("statfs");
  return remount_bind(target, statfs_to_ms(static_cast<unsigned long>(sfs.f_flags)) | MS_RDONLY);
}

Result<void> mount_empty_tmpfs_ro(int dst_fd) {
  if (new_mount_api()) {
    UniqueFd fs(sys::fsopen("tmpfs", FSOPEN_CLOEXEC));
    if (fs) {
      if (sys::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        return BERTH_SYS("fsconfig tmpfs");
      UniqueFd mnt(sys::fsmount(fs.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY));
      if (!mnt) return BERTH_SYS("fsmount tmpfs");
      if (sys::move_mount(mnt.get(), "", dst_fd, "",
                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return BERTH_SYS("move_mount");
      return {};
    }
    if (errno != ENOSYS) return BERTH_SYS("fsopen tmpfs");
    disable_new_mount_api();
  }
  if (::mount("tmpfs", proc_fd(dst_fd).c_str(), "tmpfs", MS_RDONLY, nullptr) < 0)
    return BERTH_SYS("mount tmpfs");
  return {};
}

bool new_mount_api() { return !g_no_new_api; }
void disable_new_mount_api() { g_no_new_api = true; }

namespace testing {
void force_classic_mount_api(bool on) { g_no_new_api = on; }
}  // namespace testing

}  // namespace berth::rootfs
