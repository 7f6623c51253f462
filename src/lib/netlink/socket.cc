#include "netlink/socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace berth::netlink {

namespace {

// Pulls the kernel's human-readable reason (NLMSGERR_ATTR_MSG) out of an extended ACK.
int extack_cb(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
      mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
    *static_cast<const char**>(data) = mnl_attr_get_str(attr);
  return MNL_CB_OK;
}

Error error_from_ack(const nlmsghdr* h) {
  if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
    return Error::make(EBADMSG, "netlink: truncated error message");
  const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(h));
  int code = -e->error;
  const char* ext = nullptr;
  if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
    // The TLVs follow the echoed request, which NETLINK_CAP_ACK trims to its header.
    unsigned offset = sizeof(nlmsgerr);
    if (!(h->nlmsg_flags & NLM_F_CAPPED)) offset += e->msg.nlmsg_len - sizeof(nlmsghdr);
    if (NLMSG_LENGTH(offset) <= h->nlmsg_len) mnl_attr_parse(h, offset, extack_cb, &ext);
  }
  if (ext != nullptr && *ext != '\0') return Error::make(code, "%s (%s)", std::strerror(code), ext);
  return Error::make(code, "%s", std::strerror(code));
}

}  // namespace

Result<Socket> Socket::open() {
  mnl_socket* nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (nl == nullptr) return BERTH_SYS("netlink socket");
  Socket s(nl);
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) return BERTH_SYS("netlink bind");
  s.portid_ = mnl_socket_get_portid(nl);
  // Best effort: extended ACKs carry the kernel's reason, capped ACKs keep replies small.
  int one = 1;
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof one);
  mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof one);
  return s;
}

Socket::~Socket() {
  if (nl_ != nullptr) mnl_socket_close(nl_);
}

nlmsghdr* Socket::start(char* buf, uint16_t type, uint16_t flags) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | flags;
  nlh->nlmsg_seq = ++seq_;
  return nlh;
}

Result<void> Socket::request(nlmsghdr* nlh, mnl_cb_t cb, void* data) {
  nlh->nlmsg_flags |= NLM_F_ACK;
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return BERTH_SYS("netlink send");
  return receive(nlh->nlmsg_seq, cb, data);
}

Result<void> Socket::dump(nlmsghdr* nlh, mnl_cb_t cb, void* data) {
  nlh->nlmsg_flags |= NLM_F_DUMP;
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return BERTH_SYS("netlink send");
  return receive(nlh->nlmsg_seq, cb, data);
}

Result<void> Socket::receive(uint32_t seq, mnl_cb_t cb, void* data) {
  alignas(nlmsghdr) char buf[kBufferSize];
  for (;;) {
    ssize_t got = mnl_socket_recvfrom(nl_, buf, sizeof buf);
    if (got < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("netlink receive");
    }
    int left = static_cast<int>(got);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); mnl_nlmsg_ok(h, left);
         h = mnl_nlmsg_next(h, &left)) {
      // Replies to other requests (or stray multicast) are not ours to interpret.
      if (h->nlmsg_seq != seq || h->nlmsg_pid != portid_) continue;
      switch (h->nlmsg_type) {
        case NLMSG_NOOP:
          continue;
        case NLMSG_OVERRUN:
          return BERTH_ERR(ENOBUFS, "netlink: overrun");
        case NLMSG_ERROR: {
          Error e = error_from_ack(h);
          if (e.code() == 0) return {};  // a plain ACK
          return fail(e);
        }
        case NLMSG_DONE: {
          // A dump that failed part-way reports the errno in the DONE payload.
          if (mnl_nlmsg_get_payload_len(h) >= sizeof(int)) {
            int v = *static_cast<const int*>(mnl_nlmsg_get_payload(h));
            if (v < 0) return BERTH_ERR(-v, "netlink dump: %s", std::strerror(-v));
          }
          return {};
        }
        default:
          if (cb != nullptr && cb(h, data) < 0) {
            return BERTH_SYS("netlink dump callback");
          }
      }
    }
  }
}

}  // namespace berth::netlink
