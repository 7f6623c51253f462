#include "process/sync.h"

#include <sys/socket.h>

#include <cstring>

namespace berth::sync {

Result<void> make_pair(UniqueFd& parent, UniqueFd& child) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return BERTH_SYS("socketpair");
  parent.reset(sv[0]);
  child.reset(sv[1]);
  return {};
}

Result<void> send(int sock, Msg type, std::string_view payload, int fd, int code) {
  struct {
    Msg type;
    int32_t code;
    uint32_t len;
  } hdr{type, code, static_cast<uint32_t>(std::min(payload.size(), Error::kMaxMessage))};
  struct iovec iov[2] = {{&hdr, sizeof hdr},
                         {const_cast<char*>(payload.data()), hdr.len}};
  struct msghdr mh {};
  mh.msg_iov = iov;
  mh.msg_iovlen = hdr.len ? 2 : 1;
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
  if (fd >= 0) {
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    struct cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  for (;;) {
    if (::sendmsg(sock, &mh, MSG_NOSIGNAL) >= 0) return {};
    if (errno != EINTR) return BERTH_SYS("sync: send");
  }
}

void send_error(int sock, const Error& e) {
  (void)send(sock, Msg::kError, e.what(), -1, e.code());
}

Result<void> recv(int sock, Frame& f, UniqueFd* fd) {
  struct iovec iov = {&f, sizeof f};
  struct msghdr mh {};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(struct cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  ssize_t n;
  do {
    n = ::recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return BERTH_SYS("sync: receive");
  if (n == 0) return BERTH_ERR(EPIPE, "container init exited unexpectedly during setup");
  constexpr std::size_t kHdr = offsetof(Frame, payload);
  if (static_cast<std::size_t>(n) < kHdr || f.len > Error::kMaxMessage)
    return BERTH_ERR(EPROTO, "sync: malformed frame");
  f.payload[f.len] = '\0';
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int got;
      std::memcpy(&got, CMSG_DATA(c), sizeof got);
      if (fd)
        fd->reset(got);
      else
        ::close(got);
    }
  }
  return {};
}

Result<void> expect(int sock, Msg type, UniqueFd* fd) {
  Frame f;
  BERTH_TRY(recv(sock, f, fd));
  if (f.type == Msg::kError) return BERTH_ERR(f.code, "%s", f.payload);
  if (f.type != type)
    return BERTH_ERR(EPROTO, "sync: expected message %u, got %u", static_cast<unsigned>(type),
                     static_cast<unsigned>(f.type));
  return {};
}

}  // namespace berth::sync

namespace berth::sync {

Result<void> send_blob(int sock, std::string_view data) {
  for (;;) {
    if (::send(sock, data.data(), data.size(), MSG_NOSIGNAL) >= 0) return {};
    if (errno != EINTR) return BERTH_SYS("sync: send state");
  }
}

Result<std::string> recv_blob(int sock, std::size_t max) {
  std::string s(max, '\0');
  ssize_t n;
  do {
    n = ::recv(sock, s.data(), s.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return BERTH_SYS("sync: receive state");
  s.resize(static_cast<std::size_t>(n));
  return s;
}

}  // namespace berth::sync
