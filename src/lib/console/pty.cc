#include "console/pty.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>

#include "base/syscalls.h"

namespace berth::console {

namespace {

Result<UniqueFd> open_console_target() {
  open_how how{};
  how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
  how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  UniqueFd dev(sys::openat2(AT_FDCWD, "/dev", &how));
  if (!dev) return BERTH_SYS("open /dev");

  UniqueFd target(::openat(dev.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  if (!target && errno == ENOENT) {
    // config-linux.md: /dev/console is set up "by bind mounting the pseudoterminal pty
    // to /dev/console"; a bind mount needs an existing file to cover.
    UniqueFd created(::openat(dev.get(), "console",
                              O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!created && errno != EEXIST) return BERTH_SYS("create /dev/console");
    target.reset(::openat(dev.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
  }
  if (!target) return BERTH_SYS("open /dev/console");
  struct stat st{};
  if (::fstat(target.get(), &st) < 0) return BERTH_SYS("stat /dev/console");
  // A symlink would redirect the mount to wherever the image points it (CVE-2025-52565).
  if (S_ISLNK(st.st_mode)) return BERTH_ERR(ELOOP, "/dev/console is a symlink, refusing to mount over it");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return BERTH_ERR(EINVAL, "/dev/console is neither a file nor a character device");
  return target;
}

Result<void> mount_on_console(int slave_fd) {
  UniqueFd tree(sys::open_tree(slave_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
  if (!tree) return BERTH_SYS("open_tree on the pty slave");
  BERTH_TRY_ASSIGN(UniqueFd target, open_console_target());
  if (sys::move_mount(tree.get(), "", target.get(), "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return BERTH_SYS("bind mount the pty slave onto /dev/console");
  return {};
}

}  // namespace

Result<UniqueFd> open_pty_in_container(std::optional<oci::Box> size, bool mount_console) {
  UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return BERTH_SYS("open /dev/ptmx");
  struct stat st{};
  if (::fstat(master.get(), &st) < 0) return BERTH_SYS("stat /dev/ptmx");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2)
    return BERTH_ERR(EINVAL, "/dev/ptmx is not the pty multiplexer (char 5:2)");
  // grantpt() is a no-op on devpts (ownership comes from the mount's options) and
  // glibc's version stats /dev/pts/N by path, which is what we avoid; just unlock.
  int unlock = 0;
  if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) return BERTH_SYS("unlock pty (TIOCSPTLCK)");

  UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) return BERTH_SYS("open pty slave (TIOCGPTPEER)");
  if (slave.get() <= STDERR_FILENO) {
    // dup2 onto 0-2 below must not overwrite the slave itself.
    slave.reset(::fcntl(slave.get(), F_DUPFD_CLOEXEC, 3));
    if (!slave) return BERTH_SYS("dup pty slave");
  }

  if (size) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(std::min<uint64_t>(size->height, 0xffff));
    ws.ws_col = static_cast<unsigned short>(std::min<uint64_t>(size->width, 0xffff));
    if (::ioctl(slave.get(), TIOCSWINSZ, &ws) < 0) return BERTH_SYS("set console size (TIOCSWINSZ)");
  }

  if (mount_console) {
    if (auto r = mount_on_console(slave.get()); !r) return fail(r.error());
  }

  if (::setsid() < 0 && ::getsid(0) != ::getpid()) return BERTH_SYS("setsid");
  if (::ioctl(slave.get(), TIOCSCTTY, 0) < 0) return BERTH_SYS("make the pty the controlling terminal");
  for (int fd = 0; fd <= 2; ++fd)
    if (::dup2(slave.get(), fd) < 0) return BERTH_SYS("dup2 pty slave to %d", fd);
  return master;
}

}  // namespace berth::console
