// tmpcopyup (config.md mount options, MAY): the new tmpfs starts with a copy of the
// directory it covers. Everything is fd-relative with O_NOFOLLOW: the image's content
// is copied as it is, never followed.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rootfs/mount_ops.h"

namespace berth::rootfs {
namespace {

constexpr int kMaxDepth = 128;

Result<void> copy_data(int from, int to, const char* name) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("read %s", name);
    }
    if (n == 0) return {};
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(to, buf + off, static_cast<std::size_t>(n - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        return BERTH_SYS("write %s", name);
      }
      off += w;
    }
  }
}

Result<void> copy_dir(int src, int dst, int depth);

Result<void> copy_entry(int src, int dst, const char* name, int depth) {
  struct stat st;
  if (::fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0) return BERTH_SYS("stat %s", name);
  const mode_t perm = st.st_mode & 07777;
  if (S_ISDIR(st.st_mode)) {
    if (::mkdirat(dst, name, 0700) < 0 && errno != EEXIST) return BERTH_SYS("mkdir %s", name);
    UniqueFd s(::openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd d(::openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!s || !d) return BERTH_SYS("open %s", name);
    BERTH_TRY(copy_dir(s.get(), d.get(), depth + 1));
  } else if (S_ISREG(st.st_mode)) {
    UniqueFd s(::openat(src, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!s) return BERTH_SYS("open %s", name);
    UniqueFd d(::openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!d) return BERTH_SYS("create %s", name);
    BERTH_TRY(copy_data(s.get(), d.get(), name));
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = ::readlinkat(src, name, target, sizeof target - 1);
    if (n < 0) return BERTH_SYS("readlink %s", name);
    target[n] = '\0';
    if (::symlinkat(target, dst, name) < 0) return BERTH_SYS("symlink %s", name);
  } else {
    if (::mknodat(dst, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0)
      return BERTH_SYS("mknod %s", name);
  }
  if (::fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return BERTH_SYS("chown %s", name);
  if (!S_ISLNK(st.st_mode) && ::fchmodat(dst, name, perm, 0) < 0)
    return BERTH_SYS("chmod %s", name);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW);  // best effort, as cp -a
  return {};
}

Result<void> copy_dir(int src, int dst, int depth) {
  if (depth > kMaxDepth) return BERTH_ERR(ELOOP, "tmpcopyup: directory tree too deep");
  int dup = ::openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dup < 0) return BERTH_SYS("open directory");
  DIR* dir = ::fdopendir(dup);
  if (!dir) {
    ::close(dup);
    return BERTH_SYS("fdopendir");
  }
  Result<void> r;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    r = copy_entry(src, dst, e->d_name, depth);
    if (!r) break;
  }
  ::closedir(dir);
  return r;
}

}  // namespace

Result<void> copy_tree(int src_dir, int dst_dir) {
  auto r = copy_dir(src_dir, dst_dir, 0);
  if (!r) return fail(r.error().wrap("tmpcopyup"));
  return {};
}

}  // namespace berth::rootfs
