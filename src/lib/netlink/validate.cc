// Parent-side checks of linux.netDevices (config-linux.md "Network Devices").
#include <linux/if.h>
#include <sys/stat.h>

#include <cctype>
#include <set>

#include "netlink/netlink.h"

namespace berth::netlink {

namespace {

// The kernel's dev_valid_name(): what RTM_NEWLINK would refuse, reported up front
// with the field name instead of a bare EINVAL after the container was half made.
Result<void> check_name(const std::string& name, bool allow_template) {
  if (name.empty()) return BERTH_ERR(EINVAL, "empty interface name");
  if (name.size() >= IFNAMSIZ)
    return BERTH_ERR(EINVAL, "interface name \"%s\" is longer than %d bytes", name.c_str(),
                     IFNAMSIZ - 1);
  if (name == "." || name == "..")
    return BERTH_ERR(EINVAL, "\"%s\" is not a valid interface name", name.c_str());
  for (unsigned char c : name) {
    if (c == '/' || c == ':' || std::isspace(c))
      return BERTH_ERR(EINVAL, "interface name \"%s\" contains '%c'", name.c_str(),
                       std::isspace(c) ? ' ' : c);
  }
  auto pct = name.find('%');
  if (pct != std::string::npos) {
    // The spec allows one "%d" template in the new name (the kernel's dev_alloc_name).
    if (!allow_template)
      return BERTH_ERR(EINVAL, "interface name \"%s\" contains '%%'", name.c_str());
    if (name.compare(pct, 2, "%d") != 0 || name.find('%', pct + 1) != std::string::npos)
      return BERTH_ERR(EINVAL, "interface name \"%s\": only one \"%%d\" template is allowed",
                       name.c_str());
  }
  return {};
}

}  // namespace

Result<void> validate_net_devices(const oci::Spec& spec) {
  if (!spec.linux || spec.linux->net_devices.empty()) return {};
  const auto& lx = *spec.linux;

  const oci::Namespace* netns = nullptr;
  for (const auto& ns : lx.namespaces)
    if (ns.type == "network") netns = &ns;
  if (netns == nullptr)
    return BERTH_ERR(EINVAL,
                     "linux.netDevices: moving network devices needs a network namespace "
                     "in linux.namespaces");
  if (netns->path) {
    // Joining the runtime's own namespace would "move" devices onto the host itself.
    struct stat mine{}, theirs{};
    if (::stat("/proc/self/ns/net", &mine) == 0 && ::stat(netns->path->c_str(), &theirs) == 0 &&
        mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
      return BERTH_ERR(EINVAL,
                       "linux.netDevices: the network namespace %s is the runtime's own",
                       netns->path->c_str());
  }

  std::set<std::string> targets;
  for (const auto& [host_name, dev] : lx.net_devices) {
    std::string field = "linux.netDevices[\"" + host_name + "\"]";
    if (auto r = check_name(host_name, false); !r) return fail(r.error().wrap(field));
    if (dev.name) {
      if (auto r = check_name(*dev.name, true); !r) return fail(r.error().wrap(field + ".name"));
    }
    const std::string& target = dev.name ? *dev.name : host_name;
    if (target.find("%d") != std::string::npos) continue;  // the kernel picks distinct names
    if (!targets.insert(target).second)
      return BERTH_ERR(EINVAL, "%s%s: another device is also renamed to \"%s\"", field.c_str(),
                       dev.name ? ".name" : "", target.c_str());
  }
  return {};
}

}  // namespace berth::netlink
