#include "security/seccomp_listener.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/log.h"
#include "base/unique_fd.h"
#include "berth_config.h"

namespace berth::security {

std::string container_process_state(int pid, const std::optional<std::string>& metadata,
                                    std::string_view state_json) {
  std::string js = "{\"ociVersion\":\"" BERTH_SPEC_VERSION "\",\"fds\":[\"seccompFd\"],";
  js += "\"pid\":" + std::to_string(pid) + ",";
  if (metadata) js += "\"metadata\":\"" + log::json_escape(*metadata) + "\",";
  js += "\"state\":";
  js += state_json;
  js += "}";
  return js;
}

Result<void> send_to_listener(const std::string& path, int notify_fd, std::string_view json) {
  const char* field = "linux.seccomp.listenerPath";
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path)
    return BERTH_ERR(ENAMETOOLONG, "%s: %s: path too long", field, path.c_str());
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) return BERTH_SYS("%s: socket", field);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
    return BERTH_SYS("%s: connect %s", field, path.c_str());

  // One sendmsg: the whole state as payload, the fd in the same (first) call, as the spec
  // requires when several calls are used. A stream may still take it partially; the rest
  // goes in plain writes.
  iovec iov{const_cast<char*>(json.data()), json.size()};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
  ssize_t n;
  do {
    n = ::sendmsg(s.get(), &m, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return BERTH_SYS("%s: send to %s", field, path.c_str());
  std::size_t off = static_cast<std::size_t>(n);
  while (off < json.size()) {
    ssize_t w = ::send(s.get(), json.data() + off, json.size() - off, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return BERTH_SYS("%s: send to %s", field, path.c_str());
    off += static_cast<std::size_t>(w);
  }
  // "The connection MUST NOT be reused and it MUST be closed after sending."
  return {};
}

}  // namespace berth::security
