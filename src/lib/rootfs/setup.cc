#include "rootfs/setup.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>

#include "base/syscalls.h"
#include "base/unprotect.h"
#include "rootfs/devices.h"
#include "rootfs/mount_ops.h"
#include "rootfs/resolve.h"

namespace berth::rootfs {
namespace {

// A missing masked or read-only path is skipped (config-linux.md gives no error case;
// runc and crun skip them). ENOTDIR: a component of the path is a file, so it is missing too.
bool missing(const Error& e) { return e.code() == ENOENT || e.code() == ENOTDIR; }

Result<void> readonly_path(int root_fd, const std::string& path) {
  auto fd = open_in_root(root_fd, path, O_PATH);
  if (!fd) return missing(fd.error()) ? Result<void>{} : fail(fd.error());
  // Bind the path onto itself, then read-only recursively so submounts are covered too.
  if (new_mount_api()) {
    UniqueFd tree(sys::open_tree(fd->get(), "",
                                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE));
    if (tree) {
      struct mount_attr attr = {};
      attr.attr_set = MOUNT_ATTR_RDONLY;
      if (sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, &attr) < 0)
        return BERTH_SYS("mount_setattr");
      if (sys::move_mount(tree.get(), "", fd->get(), "",
                          MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return BERTH_SYS("move_mount");
      return {};
    }
    if (errno != ENOSYS) return BERTH_SYS("open_tree");
    disable_new_mount_api();
  }
  std::string self = proc_fd(fd->get());
  if (::mount(self.c_str(), self.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return BERTH_SYS("bind");
  return make_readonly(root_fd, path, false);
}

// maskedPaths: files are covered with the container's /dev/null, directories with an
// empty read-only tmpfs. /dev/null is checked on the fd that is then bind-mounted
// (a character device 1:3), so a hostile image's /dev/null symlink or regular file is
// never used as the mask source (CVE-2025-31133).
Result<void> mask_path(int root_fd, const std::string& path, UniqueFd& null_fd) {
  auto fd = open_in_root(root_fd, path, O_PATH);
  if (!fd) return missing(fd.error()) ? Result<void>{} : fail(fd.error());
  struct stat st;
  if (::fstat(fd->get(), &st) < 0) return BERTH_SYS("stat");
  if (S_ISDIR(st.st_mode)) return mount_empty_tmpfs_ro(fd->get());
  if (!null_fd) {
    // Test-only: the unprotected build follows a /dev/null symlink, as runtimes did.
    const int nofollow = unprotected("devnull") ? 0 : O_NOFOLLOW;
    BERTH_TRY_ASSIGN(null_fd, open_in_root(root_fd, "/dev/null", O_PATH | nofollow));
    struct stat ns;
    if (::fstat(null_fd.get(), &ns) < 0) return BERTH_SYS("stat /dev/null");
    if ((!S_ISCHR(ns.st_mode) || ns.st_rdev != makedev(1, 3)) && !unprotected("devnull")) {
      null_fd.reset();
      return BERTH_ERR(EPERM, "/dev/null in the container is not the null device (1:3)");
    }
  }
  return bind_fd_onto(null_fd.get(), fd->get());
}

Result<void> enter_root(const Plan& plan) {
  UniqueFd dir(::open(plan.rootfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return BERTH_SYS("open rootfs %s", plan.rootfs.c_str());
  if (::fchdir(dir.get()) < 0) return BERTH_SYS("chdir rootfs");
  if (plan.no_pivot) {
    // --no-pivot (e.g. on a ramfs root where pivot_root is impossible).
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) return BERTH_SYS("move rootfs to /");
    if (::chroot(".") < 0) return BERTH_SYS("chroot");
  } else {
    // pivot_root(".", ".") stacks the old root on top of the new one; it is then
    // detached. Making it MS_SLAVE first keeps the unmount from propagating to the host
    // through any shared peer it still has.
    if (sys::pivot_root(".", ".") < 0) return BERTH_SYS("pivot_root");
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
      return BERTH_SYS("make old root rslave");
    if (::umount2(".", MNT_DETACH) < 0) return BERTH_SYS("detach old root");
  }
  if (::chdir("/") < 0) return BERTH_SYS("chdir /");
  return {};
}

Result<void> wrap_path(Result<void> r, const char* what, const std::string& path) {
  if (r) return r;
  char ctx[512];
  std::snprintf(ctx, sizeof ctx, "%s %s", what, path.c_str());
  return fail(r.error().wrap(ctx));
}

}  // namespace

Result<void> prepare(const Plan& plan) {
  // Nothing done in this namespace may propagate back to the host. rootfsPropagation is
  // applied at the end of finalize(), on the container's own "/" (config-linux.md: even
  // "shared" means "a new peer group", not shared with the host).
  if (::mount(nullptr, "/", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
    return BERTH_SYS("make / rslave");
  // pivot_root needs the new root to be a mount point.
  if (::mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    return BERTH_SYS("bind rootfs %s onto itself", plan.rootfs.c_str());
  UniqueFd root(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return BERTH_SYS("open rootfs %s", plan.rootfs.c_str());

  for (const auto& op : plan.mounts) {
    if (auto r = mount_op(root.get(), op); !r)
      return fail(r.error().wrap("mounts[" + std::to_string(op.index) + "]"));
  }
  if (plan.setup_dev) {
    BERTH_TRY(create_devices(root.get(), plan));
    BERTH_TRY(create_dev_links(root.get(), plan));
  }
  return {};
}

Result<void> finalize(const Plan& plan) {
  BERTH_TRY(pivot(plan));
  return protect(plan);
}

Result<void> pivot(const Plan& plan) { return enter_root(plan); }

Result<void> protect(const Plan& plan) {
  UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return BERTH_SYS("open /");
  for (const auto& op : plan.mounts)
    if (op.defer_rdonly)
      BERTH_TRY(wrap_path(make_readonly(root.get(), op.destination, false),
                          ("mounts[" + std::to_string(op.index) + "]: remount read-only").c_str(),
                          op.destination));
  // readonlyPaths before maskedPaths (runc's order): a mask inside a read-only path is
  // still mounted over it.
  for (const auto& p : plan.readonly_paths)
    BERTH_TRY(wrap_path(readonly_path(root.get(), p), "linux.readonlyPaths:", p));
  UniqueFd null_fd;
  for (const auto& p : plan.masked_paths)
    BERTH_TRY(wrap_path(mask_path(root.get(), p, null_fd), "linux.maskedPaths:", p));
  if (plan.readonly)
    BERTH_TRY(wrap_path(make_readonly(root.get(), "/", false), "root.readonly:", "/"));
  if (plan.root_propagation != 0 &&
      ::mount(nullptr, "/", nullptr, plan.root_propagation, nullptr) < 0)
    return BERTH_SYS("linux.rootfsPropagation: set propagation of /");
  return {};
}

}  // namespace berth::rootfs
