#include "security/seccomp_listener.h"

#include "base/log.h"
#include "console/fdpass.h"
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
  // connect_unix reaches paths longer than sun_path through their directory's fd.
  auto s = console::connect_unix(path);
  if (!s) return fail(s.error().wrap(field));
  // One message: the whole state as payload with the fd in its first part, as the spec
  // requires when several calls are used.
  if (auto r = console::send_fd(s->get(), notify_fd, json); !r)
    return fail(r.error().wrap(std::string(field) + ": send to " + path));
  // "The connection MUST NOT be reused and it MUST be closed after sending."
  return {};
}

Result<void> forward_notify_fd(const SeccompPlan& plan, int pid, int notify_fd,
                               std::string_view state_json) {
  return send_to_listener(plan.listener_path, notify_fd,
                          container_process_state(pid, plan.listener_metadata, state_json));
}

}  // namespace berth::security
