#include "console/fdpass.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

namespace berth::console {

namespace {

// Room for more than one fd, so that a sender passing several is detected (and its
// fds closed) rather than silently truncated by the kernel.
constexpr int kMaxFds = 8;

}  // namespace

Result<void> send_fd(int unix_sock, int fd, std::string_view name) {
  char nul = '\0';
  iovec iov{};
  if (name.empty()) {
    iov.iov_base = &nul;
    iov.iov_len = 1;
  } else {
    iov.iov_base = const_cast<char*>(name.data());
    iov.iov_len = name.size();
  }
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do {
    n = ::sendmsg(unix_sock, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return BERTH_SYS("sendmsg (SCM_RIGHTS)");
  // A stream socket may take a long payload partially; the fd went with the first part.
  for (std::size_t off = static_cast<std::size_t>(n); off < iov.iov_len;) {
    ssize_t w = ::send(unix_sock, static_cast<const char*>(iov.iov_base) + off, iov.iov_len - off,
                       MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return BERTH_SYS("send");
    off += static_cast<std::size_t>(w);
  }
  return {};
}

Result<UniqueFd> recv_fd(int unix_sock, std::string* name) {
  char data[4096];
  iovec iov{data, sizeof data};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  do {
    n = ::recvmsg(unix_sock, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return BERTH_SYS("recvmsg (SCM_RIGHTS)");

  UniqueFd got[kMaxFds];
  int count = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    std::size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < nfds; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (count < kMaxFds) got[count] = UniqueFd(fd);
      else ::close(fd);
      ++count;
    }
  }
  if (msg.msg_flags & MSG_CTRUNC) return BERTH_ERR(EMSGSIZE, "recvmsg: control message truncated");
  if (count == 0) {
    if (n == 0) return BERTH_ERR(ECONNRESET, "recvmsg: peer closed without sending an fd");
    return BERTH_ERR(EBADMSG, "recvmsg: message carried no file descriptor");
  }
  if (count != 1) return BERTH_ERR(EBADMSG, "recvmsg: expected one file descriptor, got %d", count);
  if (name != nullptr) {
    std::size_t len = static_cast<std::size_t>(n);
    while (len > 0 && data[len - 1] == '\0') --len;
    name->assign(data, len);
  }
  return std::move(got[0]);
}

Result<UniqueFd> connect_unix(const std::string& socket_path) {
  UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock) return BERTH_SYS("socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string path = socket_path;
  UniqueFd dir;
  if (path.size() >= sizeof addr.sun_path) {
    // Deep bundle paths exceed sun_path (108 bytes); go through the directory's fd.
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return BERTH_ERR(ENAMETOOLONG, "%s: path too long", socket_path.c_str());
    std::string d = slash == 0 ? "/" : path.substr(0, slash);
    dir.reset(::open(d.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return BERTH_SYS("open %s", d.c_str());
    path = "/proc/self/fd/" + std::to_string(dir.get()) + path.substr(slash);
    if (path.size() >= sizeof addr.sun_path)
      return BERTH_ERR(ENAMETOOLONG, "%s: path too long", socket_path.c_str());
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int r;
  do {
    r = ::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return BERTH_SYS("connect %s", socket_path.c_str());
  return sock;
}

Result<void> send_to_console_socket(const std::string& socket_path, int master_fd) {
  auto sock = connect_unix(socket_path);
  if (!sock) return fail(sock.error().wrap("console socket"));
  return send_fd(sock->get(), master_fd, kPtmxName);
}

}  // namespace berth::console
