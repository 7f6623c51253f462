// build_sysctls(): see sysctl_rules.h.
#include "attrs/sysctl_rules.h"

#include <sys/stat.h>

#include <string>

namespace berth::attrs {
namespace {

constexpr std::string_view kIpcKeys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",  "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

const oci::Namespace* find_ns(const oci::Spec& spec, std::string_view type) {
  if (!spec.linux) return nullptr;
  for (const auto& ns : spec.linux->namespaces)
    if (ns.type == type) return &ns;
  return nullptr;
}

// A key is a dot-separated path of non-empty components. '/' (sysctl(8)'s other
// separator) is refused outright: with it a key could name "..", or smuggle a path
// like "net/../../kernel/core_pattern" past the prefix checks below.
Result<void> check_key_syntax(std::string_view key) {
  if (key.empty()) return BERTH_ERR(EINVAL, "empty key");
  if (key.find('/') != std::string_view::npos)
    return BERTH_ERR(EINVAL, "keys are dot-separated; \"/\" is not allowed");
  if (key.find('\0') != std::string_view::npos) return BERTH_ERR(EINVAL, "NUL in key");
  if (key.front() == '.' || key.back() == '.' || key.find("..") != std::string_view::npos)
    return BERTH_ERR(EINVAL, "empty component in key");
  return {};
}

// runc's rule: a network namespace given by path must not be the runtime's own, or
// net.* writes would reach the host. Compared by device and inode of the nsfs file.
bool is_host_netns(const std::string& path) {
  struct stat a, b;
  if (::stat(path.c_str(), &a) != 0 || ::stat("/proc/self/ns/net", &b) != 0) return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

Result<void> check_namespaced(const oci::Spec& spec, std::string_view key) {
  auto starts = [&](std::string_view p) { return key.substr(0, p.size()) == p; };
  bool ipc = starts("fs.mqueue.");
  for (auto k : kIpcKeys) ipc = ipc || key == k;
  if (ipc) {
    if (!find_ns(spec, "ipc"))
      return BERTH_ERR(EINVAL, "requires an ipc namespace in linux.namespaces; refusing to "
                               "change it for the host");
    return {};
  }
  if (starts("net.")) {
    const oci::Namespace* ns = find_ns(spec, "network");
    if (!ns)
      return BERTH_ERR(EINVAL, "requires a network namespace in linux.namespaces; refusing to "
                               "change it for the host");
    if (ns->path && is_host_netns(*ns->path))
      return BERTH_ERR(EINVAL, "the network namespace %s is the host's; refusing to change it "
                               "for the host", ns->path->c_str());
    return {};
  }
  if (key == "kernel.hostname")
    return BERTH_ERR(EINVAL, "use the top-level \"hostname\" property instead");
  if (key == "kernel.domainname")
    return BERTH_ERR(EINVAL, "use the top-level \"domainname\" property instead");
  return BERTH_ERR(EINVAL, "not a namespaced sysctl; refusing to change it for the host");
}

}  // namespace

Result<std::vector<Sysctl>> build_sysctls(const oci::Spec& spec) {
  std::vector<Sysctl> out;
  if (!spec.linux) return out;
  for (const auto& [key, value] : spec.linux->sysctl) {
    auto ok = check_key_syntax(key);
    if (ok) ok = check_namespaced(spec, key);
    if (!ok) {
      std::string field = "linux.sysctl[\"" + key + "\"]";
      return fail(ok.error().wrap(field));
    }
    Sysctl s;
    s.key = key;
    s.rel_path = key;
    for (char& c : s.rel_path)
      if (c == '.') c = '/';
    s.proc_path = "/proc/sys/" + s.rel_path;
    s.value = value;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace berth::attrs
