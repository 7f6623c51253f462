#include "attrs/procfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdio>

#include "base/syscalls.h"
#include "base/unprotect.h"

namespace berth::attrs {
namespace {

Result<void> check_procfs(int fd, const char* what) {
  struct statfs st;
  if (::fstatfs(fd, &st) != 0) return BERTH_SYS("fstatfs %s", what);
  if (st.f_type != PROC_SUPER_MAGIC)
    return BERTH_ERR(EXDEV, "%s is not on procfs (f_type %#lx); refusing to write through it",
                     what, static_cast<unsigned long>(st.f_type));
  return {};
}

}  // namespace

Result<UniqueFd> open_procfs_dir(const char* dir) {
  UniqueFd fd(::open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return BERTH_SYS("open %s", dir);
  BERTH_TRY(check_procfs(fd.get(), dir));
  return fd;
}

Result<UniqueFd> open_procfs_file(int dirfd, const char* rel, int flags, bool allow_symlinks) {
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (allow_symlinks ? 0 : O_NOFOLLOW));
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS;
  if (!allow_symlinks) how.resolve |= RESOLVE_NO_SYMLINKS;
  UniqueFd fd(sys::openat2(dirfd, rel, &how));
  if (!fd) return BERTH_SYS("open %s", rel);
  BERTH_TRY(check_procfs(fd.get(), rel));
  return fd;
}

Result<UniqueFd> open_private_procfs() {
  UniqueFd fs(sys::fsopen("proc", FSOPEN_CLOEXEC));
  if (!fs) return BERTH_SYS("fsopen proc");
  if (sys::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return BERTH_SYS("fsconfig proc");
  UniqueFd mnt(sys::fsmount(fs.get(), FSMOUNT_CLOEXEC,
                            MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
  if (!mnt) return BERTH_SYS("fsmount proc");
  BERTH_TRY(check_procfs(mnt.get(), "private procfs"));
  return mnt;
}

Result<Root> open_root() {
  Root r;
  if (auto priv = open_private_procfs()) {
    r.fd = std::move(*priv);
    r.detached = true;
    return r;
  }
  BERTH_TRY_ASSIGN(r.fd, open_procfs_dir("/proc"));
  return r;
}

namespace {

// Test builds only: the unprotected path, through whatever the container has at /proc.
Result<UniqueFd> open_plain(const char* rel, int flags) {
  char path[4096];
  std::snprintf(path, sizeof path, "/proc/%s", rel);
  UniqueFd fd(::open(path, flags | O_CLOEXEC));
  if (!fd) return BERTH_SYS("open %s", path);
  return fd;
}

}  // namespace

Result<UniqueFd> open_sys_file(const Root& root, const char* rel, int flags) {
  char path[4096];
  std::snprintf(path, sizeof path, "sys/%s", rel);
  if (unprotected("procfs-write")) return open_plain(path, flags);
  return open_procfs_file(root.fd.get(), path, flags, false);
}

Result<UniqueFd> open_self_file(const Root& root, const char* rel, int flags) {
  char path[4096];
  if (unprotected("procfs-write")) {
    std::snprintf(path, sizeof path, "self/%s", rel);
    return open_plain(path, flags);
  }
  if (!root.detached) {
    // "self" is an ordinary procfs symlink to the caller's pid directory, hence
    // allow_symlinks; RESOLVE_BENEATH/NO_XDEV still keep the walk on this procfs mount.
    std::snprintf(path, sizeof path, "self/%s", rel);
    return open_procfs_file(root.fd.get(), path, flags, true);
  }
  // The private instance belongs to our active pid namespace, where we are getpid().
  std::snprintf(path, sizeof path, "%d/%s", static_cast<int>(::getpid()), rel);
  return open_procfs_file(root.fd.get(), path, flags, false);
}

Result<void> write_all_once(int fd, const char* data, std::size_t len) {
  ssize_t n = ::write(fd, data, len);
  if (n < 0) return BERTH_SYS("write");
  if (static_cast<std::size_t>(n) != len)
    return BERTH_ERR(EIO, "short write (%zd of %zu bytes)", n, len);
  return {};
}

}  // namespace berth::attrs
