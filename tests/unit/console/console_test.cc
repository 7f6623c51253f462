// console tests. The pty tests run in a forked child with its own mount namespace and
// a temp root holding a private devpts instance, entered with chroot (needs root).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "console/fdpass.h"
#include "console/pty.h"
#include "console/relay.h"

namespace berth::console {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/berth-console-test.XXXXXX";
    if (::mkdtemp(tmpl) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void put(int fd, const std::string& s) {
  if (::write(fd, s.data(), s.size()) < 0) _exit(3);
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;  // EOF, or EIO from a hung-up pty master
  }
  return out;
}

std::string strip_cr(std::string s) {
  std::erase(s, '\r');
  return s;
}

// Child side: a minimal container root (dev/pts with a new devpts, dev/ptmx -> pts/ptmx),
// chroot into it. Returns "" or what failed.
std::string enter_root(const std::string& root) {
  if (::unshare(CLONE_NEWNS) < 0) return "unshare";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) return "make private";
  std::string pts = root + "/dev/pts";
  if (::mount("devpts", pts.c_str(), "devpts", 0, "newinstance,ptmxmode=0666,mode=0620") < 0)
    return "mount devpts";
  if (::symlink("pts/ptmx", (root + "/dev/ptmx").c_str()) < 0) return "symlink ptmx";
  if (::chroot(root.c_str()) < 0 || ::chdir("/") < 0) return "chroot";
  return "";
}

struct Child {
  pid_t pid;
  int sock;  // parent end of the socketpair
  int diag;  // read end of the child's diagnostics pipe
};

// Forks a child that enters a fresh root under dir, runs open_pty_in_container and
// sends the master back; then `after` runs with stdio on the pty.
template <class F>
Child spawn(const std::string& root, std::optional<oci::Box> size, bool mount_console, F after) {
  int sv[2], dp[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) abort();
  if (::pipe2(dp, O_CLOEXEC) < 0) abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(sv[0]);
    ::close(dp[0]);
    std::string e = enter_root(root);
    if (!e.empty()) {
      put(dp[1], "setup: " + e);
      _exit(1);
    }
    auto m = open_pty_in_container(size, mount_console);
    if (!m) {
      put(dp[1], std::string("error: ") + m.error().what());
      _exit(1);
    }
    if (auto r = send_fd(sv[1], m->get(), kPtmxName); !r) {
      put(dp[1], std::string("send: ") + r.error().what());
      _exit(1);
    }
    after(dp[1]);
    _exit(0);
  }
  ::close(sv[1]);
  ::close(dp[1]);
  return Child{pid, sv[0], dp[0]};
}

void make_root(const TempDir& d) {
  std::filesystem::create_directories(d.path() + "/dev/pts");
}

TEST(Console, PtyInContainer) {
  TempDir d;
  make_root(d);
  Child c = spawn(d.path(), oci::Box{40, 100}, true, [](int diag) {
    std::string bad;
    if (!::isatty(0) || !::isatty(1) || !::isatty(2)) bad += " stdio-not-tty";
    if (::getsid(0) != ::getpid()) bad += " not-session-leader";
    if (::tcgetpgrp(0) != ::getpgrp()) bad += " no-ctty";
    winsize ws{};
    if (::ioctl(0, TIOCGWINSZ, &ws) < 0 || ws.ws_row != 40 || ws.ws_col != 100) bad += " winsize";
    struct stat con{}, in{};
    if (::stat("/dev/console", &con) < 0 || ::fstat(0, &in) < 0 || con.st_rdev != in.st_rdev)
      bad += " console-not-mounted";
    // The slave must not be reachable via any fd above 2 (only the master is).
    for (int fd = 3; fd < 64; ++fd) {
      struct stat st{};
      if (fd != diag && ::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == in.st_rdev)
        bad += " stray-slave-fd";
    }
    put(diag, bad);
    put(1, "hello\n");
  });
  std::string name;
  auto m = recv_fd(c.sock, &name);
  std::string diag = read_all(c.diag);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  ASSERT_TRUE(m) << m.error().what() << " / " << diag;
  EXPECT_EQ(name, "/dev/ptmx");
  EXPECT_EQ(diag, "");
  EXPECT_EQ(strip_cr(read_all(m->get())), "hello\n");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(c.sock);
  ::close(c.diag);
}

TEST(Console, ConsoleSymlinkIsRefused) {
  TempDir d;
  make_root(d);
  std::filesystem::create_symlink("../victim", d.path() + "/dev/console");
  { int fd = ::open((d.path() + "/victim").c_str(), O_CREAT | O_WRONLY, 0644); ::close(fd); }
  Child c = spawn(d.path(), std::nullopt, true, [](int) {});
  auto m = recv_fd(c.sock, nullptr);
  std::string diag = read_all(c.diag);
  int status = 0;
  ::waitpid(c.pid, &status, 0);
  EXPECT_FALSE(m);
  EXPECT_NE(diag.find("/dev/console is a symlink"), std::string::npos) << diag;
  ::close(c.sock);
  ::close(c.diag);
}

TEST(Console, NoConsoleMountForExec) {
  TempDir d;
  make_root(d);
  Child c = spawn(d.path(), std::nullopt, false, [](int diag) {
    struct stat st{};
    put(diag, ::lstat("/dev/console", &st) == 0 ? "console exists" : "");
    put(1, "x");
  });
  auto m = recv_fd(c.sock, nullptr);
  std::string diag = read_all(c.diag);
  ::waitpid(c.pid, nullptr, 0);
  ASSERT_TRUE(m) << diag;
  EXPECT_EQ(diag, "");
  EXPECT_EQ(read_all(m->get()), "x");
  ::close(c.sock);
  ::close(c.diag);
}

TEST(FdPass, ExactlyOneFd) {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_TRUE(send_fd(sv[0], fd, "some-name"));
  std::string name;
  auto r = recv_fd(sv[1], &name);
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(name, "some-name");
  EXPECT_EQ(::fcntl(r->get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  struct stat a{}, b{};
  ::fstat(fd, &a);
  ::fstat(r->get(), &b);
  EXPECT_EQ(a.st_ino, b.st_ino);

  // Two fds in one message: refused, and neither stays open here.
  int fds[2] = {fd, fd};
  char byte = 'x';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof fds);
  std::memcpy(CMSG_DATA(c), fds, sizeof fds);
  ASSERT_EQ(::sendmsg(sv[0], &msg, 0), 1);
  int probe = ::dup(0);
  ::close(probe);  // the lowest free fd number before receiving
  auto two = recv_fd(sv[1], nullptr);
  EXPECT_FALSE(two);
  int after = ::dup(0);
  EXPECT_EQ(after, probe);  // the two received fds were closed
  ::close(after);

  // Plain data, no fd.
  ASSERT_EQ(::write(sv[0], "y", 1), 1);
  EXPECT_FALSE(recv_fd(sv[1], nullptr));
  ::close(fd);
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST(FdPass, ConsoleSocketIncludingLongPath) {
  TempDir d;
  std::string deep = d.path() + "/" + std::string(60, 'a') + "/" + std::string(60, 'b');
  std::filesystem::create_directories(deep);
  for (const std::string& path : {d.path() + "/console.sock", deep + "/console.sock"}) {
    int l = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int dirfd = ::open(std::filesystem::path(path).parent_path().c_str(), O_PATH | O_CLOEXEC);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/console.sock", dirfd);
    ASSERT_EQ(::bind(l, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(l, 1), 0);
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    auto s = send_to_console_socket(path, fd);
    ASSERT_TRUE(s) << s.error().what();
    int conn = ::accept4(l, nullptr, nullptr, SOCK_CLOEXEC);
    std::string name;
    auto r = recv_fd(conn, &name);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_EQ(name, "/dev/ptmx");
    ::close(conn);
    ::close(fd);
    ::close(l);
    ::close(dirfd);
  }
  EXPECT_FALSE(send_to_console_socket(d.path() + "/missing.sock", 0));
}

// A pty pair standing in for the container's (or the user's) terminal.
struct PtyPair {
  int master = -1, slave = -1;
  PtyPair() {
    master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    int unlock = 0;
    ::ioctl(master, TIOCSPTLCK, &unlock);
    slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  }
  ~PtyPair() {
    if (master >= 0) ::close(master);
    if (slave >= 0) ::close(slave);
  }
};

TEST(Relay, CopiesBothWaysUntilHangup) {
  PtyPair ctr;
  int in[2], out[2];
  ASSERT_EQ(::pipe2(in, O_CLOEXEC), 0);
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(10);
    ::setsid();
    ::ioctl(ctr.slave, TIOCSCTTY, 0);
    for (int fd = 0; fd <= 2; ++fd) ::dup2(ctr.slave, fd);
    ::execl("/bin/sh", "sh", "-c", "read x; echo got:$x; cat", nullptr);
    _exit(127);
  }
  ::close(ctr.slave);
  ctr.slave = -1;
  // Input from a pipe: one line, then EOF (which must end `cat` via VEOF).
  ASSERT_EQ(::write(in[1], "abc\nmore\n", 9), 9);
  ::close(in[1]);
  std::string result;
  {
    TerminalRelay relay(ctr.master, in[0], out[1]);
    ASSERT_TRUE(relay.start());
    ::alarm(10);
    auto r = relay.relay(-1);
    ::alarm(0);
    ASSERT_TRUE(r) << r.error().what();
    EXPECT_TRUE(relay.hung_up());
  }
  ::close(out[1]);
  result = strip_cr(read_all(out[0]));
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_NE(result.find("got:abc"), std::string::npos) << result;
  EXPECT_NE(result.find("got:abc\nmore\n"), std::string::npos) << result;  // cat, ended by VEOF
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ::close(in[0]);
  ::close(out[0]);
}

TEST(Relay, RawModeAndWindowSize) {
  PtyPair user, ctr;
  winsize ws{};
  ws.ws_row = 30;
  ws.ws_col = 90;
  ASSERT_EQ(::ioctl(user.slave, TIOCSWINSZ, &ws), 0);
  termios before{};
  ASSERT_EQ(::tcgetattr(user.slave, &before), 0);
  ASSERT_TRUE(before.c_lflag & ICANON);
  {
    TerminalRelay relay(ctr.master, user.slave, user.slave);
    ASSERT_TRUE(relay.start());
    termios now{};
    ::tcgetattr(user.slave, &now);
    EXPECT_FALSE(now.c_lflag & (ICANON | ECHO));
    winsize got{};
    ASSERT_EQ(::ioctl(ctr.slave, TIOCGWINSZ, &got), 0);
    EXPECT_EQ(got.ws_row, 30);
    EXPECT_EQ(got.ws_col, 90);
    ws.ws_row = 50;
    ::ioctl(user.slave, TIOCSWINSZ, &ws);
    ASSERT_TRUE(relay.resize());  // what SIGWINCH triggers
    ::ioctl(ctr.slave, TIOCGWINSZ, &got);
    EXPECT_EQ(got.ws_row, 50);
  }
  termios after{};
  ::tcgetattr(user.slave, &after);
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
}

}  // namespace
}  // namespace berth::console
