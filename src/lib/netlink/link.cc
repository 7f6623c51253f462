// Link operations: loopback up, link listing, moving a device into a network namespace.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

#include "base/log.h"
#include "base/unique_fd.h"
#include "netlink/netlink.h"
#include "netlink/socket.h"

namespace berth::netlink {

namespace {

// ---- links ---------------------------------------------------------------------------

struct FoundLink {
  bool found = false;
  int index = 0;
  unsigned flags = 0;
  char name[IFNAMSIZ] = {};
};

int ifname_attr_cb(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) == IFLA_IFNAME && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
    *static_cast<const char**>(data) = mnl_attr_get_str(attr);
  return MNL_CB_OK;
}

// Decodes one RTM_NEWLINK reply into index, flags and name.
bool parse_link(const nlmsghdr* h, FoundLink* out) {
  if (h->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(h) < sizeof(ifinfomsg))
    return false;
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(h));
  const char* name = nullptr;
  mnl_attr_parse(h, sizeof(ifinfomsg), ifname_attr_cb, &name);
  out->found = true;
  out->index = ifi->ifi_index;
  out->flags = ifi->ifi_flags;
  if (name != nullptr) std::snprintf(out->name, sizeof out->name, "%s", name);
  return true;
}

int found_link_cb(const nlmsghdr* h, void* data) {
  parse_link(h, static_cast<FoundLink*>(data));
  return MNL_CB_OK;
}

int link_list_cb(const nlmsghdr* h, void* data) {
  FoundLink l;
  if (parse_link(h, &l))
    static_cast<std::vector<LinkInfo>*>(data)->push_back(LinkInfo{l.name, l.index, l.flags});
  return MNL_CB_OK;
}

// RTM_GETLINK for one name; found=false (not an error) when the kernel says ENODEV.
Result<FoundLink> get_link(Socket& s, const std::string& name) {
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_GETLINK, 0);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  FoundLink l;
  auto r = s.request(nlh, found_link_cb, &l);
  if (!r) {
    if (r.error().code() == ENODEV) return FoundLink{};
    return fail(r.error());
  }
  return l;
}

Result<void> set_up(Socket& s, int index) {
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_NEWLINK, 0);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  return s.request(nlh);
}

// ---- addresses -----------------------------------------------------------------------

// One address to carry across the move. Kernel-managed state flags are dropped; the
// ones a user sets (nodad, noprefixroute, ...) are re-applied as they were.
struct SavedAddr {
  ifaddrmsg msg{};
  uint32_t flags = 0;
  uint8_t local[16] = {}, address[16] = {}, broadcast[16] = {};
  uint16_t local_len = 0, address_len = 0, broadcast_len = 0;
  bool has_metric = false;
  uint32_t metric = 0;
};

constexpr uint32_t kKeptAddrFlags = IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR |
                                    IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

struct AddrDump {
  int index = 0;
  std::vector<SavedAddr>* out = nullptr;
};

int addr_attr_cb(const nlattr* attr, void* data) {
  auto* a = static_cast<SavedAddr*>(data);
  uint16_t len = mnl_attr_get_payload_len(attr);
  auto copy = [&](uint8_t* dst, uint16_t* dst_len) {
    if (len <= 16) {
      std::memcpy(dst, mnl_attr_get_payload(attr), len);
      *dst_len = len;
    }
  };
  switch (mnl_attr_get_type(attr)) {
    case IFA_LOCAL: copy(a->local, &a->local_len); break;
    case IFA_ADDRESS: copy(a->address, &a->address_len); break;
    case IFA_BROADCAST: copy(a->broadcast, &a->broadcast_len); break;
    case IFA_FLAGS:
      if (len == 4) a->flags = mnl_attr_get_u32(attr);
      break;
    case IFA_RT_PRIORITY:
      if (len == 4) {
        a->has_metric = true;
        a->metric = mnl_attr_get_u32(attr);
      }
      break;
  }
  return MNL_CB_OK;
}

int addr_dump_cb(const nlmsghdr* h, void* data) {
  auto* d = static_cast<AddrDump*>(data);
  if (h->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(h) < sizeof(ifaddrmsg))
    return MNL_CB_OK;
  SavedAddr a;
  a.msg = *static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(h));
  if (static_cast<int>(a.msg.ifa_index) != d->index) return MNL_CB_OK;
  a.flags = a.msg.ifa_flags;  // IFA_FLAGS, when present, holds the full 32 bits
  mnl_attr_parse(h, sizeof(ifaddrmsg), addr_attr_cb, &a);
  // config-linux.md "Network Devices": keep permanent addresses of global scope.
  if (!(a.flags & IFA_F_PERMANENT) || a.msg.ifa_scope != RT_SCOPE_UNIVERSE) return MNL_CB_OK;
  d->out->push_back(a);
  return MNL_CB_OK;
}

Result<std::vector<SavedAddr>> permanent_addresses(Socket& s, int index) {
  std::vector<SavedAddr> out;
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_GETADDR, 0);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_UNSPEC;
  ifa->ifa_index = static_cast<uint32_t>(index);
  AddrDump d{index, &out};
  BERTH_TRY(s.dump(nlh, addr_dump_cb, &d));
  return out;
}

Result<void> add_address(Socket& s, int index, const SavedAddr& a) {
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  *ifa = a.msg;
  ifa->ifa_index = static_cast<uint32_t>(index);
  uint32_t flags = a.flags & kKeptAddrFlags;
  ifa->ifa_flags = static_cast<uint8_t>(flags & 0xff);
  if (a.local_len) mnl_attr_put(nlh, IFA_LOCAL, a.local_len, a.local);
  if (a.address_len) mnl_attr_put(nlh, IFA_ADDRESS, a.address_len, a.address);
  if (a.broadcast_len) mnl_attr_put(nlh, IFA_BROADCAST, a.broadcast_len, a.broadcast);
  mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
  if (a.has_metric) mnl_attr_put_u32(nlh, IFA_RT_PRIORITY, a.metric);
  // No IFA_LABEL: labels must start with the device name, which may have changed.
  return s.request(nlh);
}

// ---- namespace helpers ---------------------------------------------------------------

// A netlink socket is bound to the namespace it was created in, so switch this thread
// into the target for the socket() call only.
Result<Socket> open_socket_in(int netns_fd) {
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return BERTH_SYS("open /proc/thread-self/ns/net");
  if (::setns(netns_fd, CLONE_NEWNET) < 0) return BERTH_SYS("setns to the target network namespace");
  auto s = Socket::open();
  if (::setns(self.get(), CLONE_NEWNET) < 0) {
    // Carrying on would run every later host-side step inside the container's netns.
    BERTH_ERROR("cannot return to the runtime's network namespace: %s", std::strerror(errno));
    std::abort();
  }
  return s;
}

// Expands a "%d" template to the lowest-numbered name not present in the target.
Result<std::string> pick_name(Socket& target, const std::string& tmpl) {
  auto pos = tmpl.find("%d");
  if (pos == std::string::npos) return tmpl;
  BERTH_TRY_ASSIGN(auto present, [&]() -> Result<std::vector<LinkInfo>> {
    std::vector<LinkInfo> v;
    alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
    nlmsghdr* nlh = target.start(buf, RTM_GETLINK, 0);
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    BERTH_TRY(target.dump(nlh, link_list_cb, &v));
    return v;
  }());
  for (int n = 0; n < 32768; ++n) {
    std::string name = tmpl.substr(0, pos) + std::to_string(n) + tmpl.substr(pos + 2);
    if (name.size() >= IFNAMSIZ) break;
    bool used = false;
    for (const auto& l : present) used = used || l.name == name;
    if (!used) return name;
  }
  return BERTH_ERR(ENFILE, "no free name for template \"%s\"", tmpl.c_str());
}

Result<void> move_link_impl(const std::string& host_name, const std::string& new_name,
                            int netns_fd) {
  BERTH_TRY_ASSIGN(Socket host, Socket::open());
  BERTH_TRY_ASSIGN(FoundLink dev, get_link(host, host_name));
  if (!dev.found)
    return BERTH_ERR(ENODEV, "no device \"%s\" in the runtime network namespace",
                     host_name.c_str());
  BERTH_TRY_ASSIGN(auto addrs, permanent_addresses(host, dev.index));

  BERTH_TRY_ASSIGN(Socket target, open_socket_in(netns_fd));
  // config-linux.md: "the runtime MUST check if moving the network interface to the
  // container namespace is possible" and fail if the name is taken (unless %d).
  // The kernel only applies IFLA_IFNAME after the move, so check first rather than
  // leave a half-moved device behind.
  std::string want = new_name.empty() ? host_name : new_name;
  BERTH_TRY_ASSIGN(std::string final_name, pick_name(target, want));
  BERTH_TRY_ASSIGN(FoundLink clash, get_link(target, final_name));
  if (clash.found)
    return BERTH_ERR(EEXIST, "a device named \"%s\" already exists in the container network namespace",
                     final_name.c_str());

  {
    alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
    nlmsghdr* nlh = host.start(buf, RTM_NEWLINK, 0);
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = dev.index;
    mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
    if (final_name != host_name) mnl_attr_put_strz(nlh, IFLA_IFNAME, final_name.c_str());
    if (auto r = host.request(nlh); !r) return fail(r.error().wrap("move to the network namespace"));
  }

  // The ifindex can change in the target (when taken there), so look the device up again.
  BERTH_TRY_ASSIGN(FoundLink moved, get_link(target, final_name));
  if (!moved.found)
    return BERTH_ERR(ENODEV, "moved device \"%s\" not found in the container network namespace",
                     final_name.c_str());
  for (const auto& a : addrs) {
    if (auto r = add_address(target, moved.index, a); !r)
      return fail(r.error().wrap("restore address"));
  }
  // config-linux.md: "The runtime MUST set the network device state to "up"".
  if (auto r = set_up(target, moved.index); !r) return fail(r.error().wrap("set up"));
  return {};
}

}  // namespace

Result<void> loopback_up() {
  BERTH_TRY_ASSIGN(Socket s, Socket::open());
  // ifi_index 0 + IFLA_IFNAME: the kernel looks the device up by name itself, so no
  // separate lookup (lo is index 1 in a new netns, but a joined one need not be new).
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_NEWLINK, 0);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_flags = IFF_UP;
  ifi->ifi_change = IFF_UP;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, "lo");
  if (auto r = s.request(nlh); !r) return fail(r.error().wrap("set lo up"));
  return {};
}

Result<std::vector<LinkInfo>> links() {
  BERTH_TRY_ASSIGN(Socket s, Socket::open());
  std::vector<LinkInfo> v;
  alignas(nlmsghdr) char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = s.start(buf, RTM_GETLINK, 0);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  if (auto r = s.dump(nlh, link_list_cb, &v); !r) return fail(r.error().wrap("list links"));
  return v;
}

Result<std::vector<std::string>> link_names() {
  BERTH_TRY_ASSIGN(auto ls, links());
  std::vector<std::string> names;
  for (auto& l : ls) names.push_back(std::move(l.name));
  return names;
}

Result<void> move_link(const std::string& host_name, const std::string& new_name, int netns_fd) {
  return move_link_impl(host_name, new_name, netns_fd);
}

Result<void> move_net_devices(const std::map<std::string, oci::NetDevice>& devices,
                              int netns_fd) {
  for (const auto& [host_name, dev] : devices) {
    if (auto r = move_link(host_name, dev.name.value_or(""), netns_fd); !r)
      return fail(r.error().wrap("linux.netDevices[\"" + host_name + "\"]"));
  }
  return {};
}

}  // namespace berth::netlink
