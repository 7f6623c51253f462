#include "rootfs/devices.h"

#include "base/unprotect.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>

#include "rootfs/mount_ops.h"
#include "rootfs/resolve.h"

namespace berth::rootfs {
namespace {

bool matches(const struct stat& st, const DeviceOp& d) {
  return (st.st_mode & S_IFMT) == d.type && (d.type == S_IFIFO || st.st_rdev == d.rdev);
}

void split(const std::string& path, std::string* dir, std::string* name) {
  auto slash = path.rfind('/');
  *dir = slash == 0 ? "/" : path.substr(0, slash);
  *name = path.substr(slash + 1);
}

// Owner and mode of an existing node, through an fd so a swapped-in symlink is not
// followed (fchmodat has no working AT_SYMLINK_NOFOLLOW before Linux 6.6).
Result<void> set_owner_mode(int parent, const std::string& name, const DeviceOp& d) {
  UniqueFd fd(::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return BERTH_SYS("open %s", d.path.c_str());
  struct stat st;
  if (::fstat(fd.get(), &st) < 0) return BERTH_SYS("stat %s", d.path.c_str());
  if (!matches(st, d) && !unprotected("devnull"))
    return BERTH_ERR(EEXIST, "%s changed while being set up", d.path.c_str());
  if (::fchownat(fd.get(), "", d.uid, d.gid, AT_EMPTY_PATH) < 0)
    return BERTH_SYS("chown %s", d.path.c_str());
  if (::chmod(proc_fd(fd.get()).c_str(), d.mode) < 0) return BERTH_SYS("chmod %s", d.path.c_str());
  return {};
}

// In a user namespace mknod is not permitted: bind the host's node over an empty file.
// The host node must be the device asked for (the path is the same on the host).
Result<void> bind_host_device(int parent, const std::string& name, const DeviceOp& d) {
  UniqueFd host(::open(d.path.c_str(), O_PATH | O_CLOEXEC));
  if (!host) return BERTH_SYS("mknod not permitted; open host %s to bind it", d.path.c_str());
  struct stat st;
  if (::fstat(host.get(), &st) < 0) return BERTH_SYS("stat host %s", d.path.c_str());
  if (!matches(st, d))
    return BERTH_ERR(EPERM, "mknod not permitted and host %s is another device", d.path.c_str());
  UniqueFd f(::openat(parent, name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                      0600));
  if (!f) return BERTH_SYS("create %s", d.path.c_str());
  f.reset(::openat(parent, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!f) return BERTH_SYS("open %s", d.path.c_str());
  return bind_fd_onto(host.get(), f.get());
}

Result<void> create_device(int root_fd, const DeviceOp& d) {
  std::string dir, name;
  split(d.path, &dir, &name);
  BERTH_TRY_ASSIGN(UniqueFd parent, mkdir_p_in_root(root_fd, dir));
  struct stat st;
  if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    // config-linux.md: "If a file already exists at path that does not match the
    // requested device, the runtime MUST generate an error." This also stops a hostile
    // image's /dev/null symlink or regular file being used (CVE-2025-31133).
    if (!matches(st, d) && !unprotected("devnull"))
      return BERTH_ERR(EEXIST, "%s exists and is not the requested device", d.path.c_str());
    return set_owner_mode(parent.get(), name, d);
  }
  if (errno != ENOENT) return BERTH_SYS("stat %s", d.path.c_str());
  // umask(0) so the mode is exactly fileMode; single-threaded child, restored at once.
  mode_t old = ::umask(0);
  int r = ::mknodat(parent.get(), name.c_str(), d.type | d.mode, d.rdev);
  int saved = errno;
  ::umask(old);
  if (r < 0) {
    if (saved == EPERM) return bind_host_device(parent.get(), name, d);
    errno = saved;
    return BERTH_SYS("mknod %s", d.path.c_str());
  }
  if (::fchownat(parent.get(), name.c_str(), d.uid, d.gid, AT_SYMLINK_NOFOLLOW) < 0)
    return BERTH_SYS("chown %s", d.path.c_str());
  return {};
}

Result<void> link_if_missing(int dev, const char* target, const char* name) {
  if (::symlinkat(target, dev, name) < 0 && errno != EEXIST)
    return BERTH_SYS("symlink /dev/%s -> %s", name, target);
  return {};
}

}  // namespace

Result<void> create_devices(int root_fd, const Plan& plan) {
  for (const auto& d : plan.devices) {
    if (auto r = create_device(root_fd, d); !r) {
      char ctx[128];
      if (d.spec_index >= 0)
        std::snprintf(ctx, sizeof ctx, "linux.devices[%d]", d.spec_index);
      else
        std::snprintf(ctx, sizeof ctx, "default device %s", d.path.c_str());
      return fail(r.error().wrap(ctx));
    }
  }
  return {};
}

Result<void> create_dev_links(int root_fd, const Plan& plan) {
  BERTH_TRY_ASSIGN(UniqueFd dev, mkdir_p_in_root(root_fd, "/dev"));
  // runtime-linux.md: "runtimes MUST create the following symlinks if the source file
  // exists after processing mounts".
  if (open_in_root(root_fd, "/proc/self/fd", O_PATH | O_DIRECTORY)) {
    BERTH_TRY(link_if_missing(dev.get(), "/proc/self/fd", "fd"));
    BERTH_TRY(link_if_missing(dev.get(), "/proc/self/fd/0", "stdin"));
    BERTH_TRY(link_if_missing(dev.get(), "/proc/self/fd/1", "stdout"));
    BERTH_TRY(link_if_missing(dev.get(), "/proc/self/fd/2", "stderr"));
    // runc adds /dev/core when the kernel has /proc/kcore (CONFIG_PROC_KCORE).
    if (open_in_root(root_fd, "/proc/kcore", O_PATH))
      BERTH_TRY(link_if_missing(dev.get(), "/proc/kcore", "core"));
  }
  // config-linux.md: /dev/ptmx is "a bind-mount or symlink of the container's
  // /dev/pts/ptmx". A node of the image would open the host's devpts instance: replace it.
  struct stat st;
  if (::fstatat(dev.get(), "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) return BERTH_ERR(EISDIR, "/dev/ptmx is a directory");
    if (::unlinkat(dev.get(), "ptmx", 0) < 0) return BERTH_SYS("remove /dev/ptmx");
  }
  BERTH_TRY(link_if_missing(dev.get(), "pts/ptmx", "ptmx"));
  if (plan.console) {
    // Placeholder the console module bind-mounts the pty onto (config-linux.md: "/dev/console
    // is set up ... by bind mounting the pseudoterminal pty to /dev/console").
    // An existing node is only checked, never opened: opening a tty could acquire it.
    if (::fstatat(dev.get(), "console", &st, AT_SYMLINK_NOFOLLOW) == 0) {
      if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        return BERTH_ERR(EEXIST, "/dev/console exists and is not a file or character device");
    } else {
      UniqueFd f(::openat(dev.get(), "console",
                          O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!f) return BERTH_SYS("create /dev/console");
    }
  }
  return {};
}

}  // namespace berth::rootfs
