// A NETLINK_ROUTE socket (libmnl) with request/ACK and dump loops that turn NLMSG_ERROR
// into berth::Error, including the kernel's extended-ACK text when it sends one.
// Internal to the netlink module. Uses only fixed buffers, so it also runs in the
// container child (loopback_up) without allocating.
#pragma once

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstdint>

#include "base/error.h"

namespace berth::netlink {

class Socket {
 public:
  // Big enough that the kernel never truncates a dump message (it sizes multipart
  // messages to the reader's buffer, up to 32 KiB).
  static constexpr std::size_t kBufferSize = 32768;

  /// Opens a socket bound to the calling thread's current network namespace.
  static Result<Socket> open();

  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept : nl_(o.nl_), portid_(o.portid_), seq_(o.seq_) { o.nl_ = nullptr; }
  Socket& operator=(Socket&&) = delete;
  ~Socket();

  /// Starts a message in buf: type, flags (NLM_F_REQUEST is added) and a fresh seq.
  nlmsghdr* start(char* buf, uint16_t type, uint16_t flags);

  /// Sends nlh with NLM_F_ACK and waits for the kernel's ACK; replies that come before
  /// it (the answer to a plain RTM_GET*) go to cb when given.
  Result<void> request(nlmsghdr* nlh, mnl_cb_t cb = nullptr, void* data = nullptr);

  /// Sends a NLM_F_DUMP request and calls cb for every reply message until NLMSG_DONE.
  /// cb returns MNL_CB_OK to continue, MNL_CB_ERROR (with errno set) to fail.
  Result<void> dump(nlmsghdr* nlh, mnl_cb_t cb, void* data);

 private:
  explicit Socket(mnl_socket* nl) : nl_(nl) {}
  Result<void> receive(uint32_t seq, mnl_cb_t cb, void* data);

  mnl_socket* nl_ = nullptr;
  uint32_t portid_ = 0;
  uint32_t seq_ = 0;
};

}  // namespace berth::netlink
