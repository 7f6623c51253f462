// netlink tests: each runs in a forked child with its own network namespaces, so the
// host's interfaces are never touched. Needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN).
#include "netlink/netlink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>

namespace berth::netlink {
namespace {

// Runs fn in a forked child and returns what it reported: "" for success.
std::string in_child(const std::function<std::string()>& fn) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    std::string r = fn();
    if (::write(p[1], r.data(), r.size()) < 0) _exit(2);
    _exit(0);
  }
  ::close(p[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out += " (child died)";
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

unsigned ioctl_flags(const char* name) {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  int r = ::ioctl(s, SIOCGIFFLAGS, &ifr);
  ::close(s);
  return r < 0 ? 0 : static_cast<unsigned short>(ifr.ifr_flags);
}

int run(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

// The test kernel may lack the dummy driver; a veth pair always exists (the peer,
// "p<name>", stays behind when <name> is moved).
int add_dev(const std::string& name) {
  return run("ip link add " + name + " type veth peer name p" + name);
}

TEST(Netlink, LoopbackUpInNewNetns) {
  EXPECT_EQ(in_child([]() -> std::string {
              if (::unshare(CLONE_NEWNET) < 0) return "unshare failed";
              if (ioctl_flags("lo") & IFF_UP) return "lo already up in a new netns?";
              if (auto r = loopback_up(); !r) return r.error().str();
              if (!(ioctl_flags("lo") & IFF_UP)) return "lo not up (ioctl)";
              auto ls = links();
              if (!ls) return ls.error().str();
              for (const auto& l : *ls)
                if (l.name == "lo") return (l.flags & IFF_UP) ? "" : "lo not up (netlink)";
              return "lo not listed";
            }),
            "");
}

TEST(Netlink, MoveWithRenameKeepsAddressesAndSetsUp) {
  EXPECT_EQ(in_child([]() -> std::string {
              // "Host" namespace A with a dummy device, container namespace B.
              if (::unshare(CLONE_NEWNET) < 0) return "unshare A failed";
              int a = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (add_dev("dummy0") != 0) return "ip link add failed";
              // Documentation prefixes (RFC 5737 / RFC 3849): no traffic is sent.
              if (run("ip addr add 192.0.2.10/24 dev dummy0") != 0) return "ip addr add failed";
              if (run("ip -6 addr add 2001:db8::10/64 dev dummy0 nodad") != 0)
                return "ip -6 addr add failed";
              if (::unshare(CLONE_NEWNET) < 0) return "unshare B failed";
              int b = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (::setns(a, CLONE_NEWNET) < 0) return "setns A failed";

              if (auto r = move_link("dummy0", "ctr0", b); !r) return r.error().str();
              auto here = link_names();
              if (!here) return here.error().str();
              if (has(*here, "dummy0") || has(*here, "ctr0")) return "device still in source";

              if (::setns(b, CLONE_NEWNET) < 0) return "setns B failed";
              auto there = link_names();
              if (!there) return there.error().str();
              if (!has(*there, "ctr0")) return "ctr0 missing in target";
              if (!(ioctl_flags("ctr0") & IFF_UP)) return "ctr0 not up";
              if (run("ip addr show dev ctr0 | grep -q 'inet 192.0.2.10/24'") != 0)
                return "IPv4 address not preserved";
              if (run("ip addr show dev ctr0 | grep -q 'inet6 2001:db8::10/64'") != 0)
                return "IPv6 address not preserved";
              return "";
            }),
            "");
}

TEST(Netlink, MoveKeepsNameAndTemplate) {
  EXPECT_EQ(in_child([]() -> std::string {
              if (::unshare(CLONE_NEWNET) < 0) return "unshare A failed";
              int a = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (add_dev("dummy1") != 0) return "ip link add failed";
              if (add_dev("dummy2") != 0) return "ip link add failed";
              if (::unshare(CLONE_NEWNET) < 0) return "unshare B failed";
              int b = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (add_dev("net0") != 0) return "ip link add in B failed";
              if (::setns(a, CLONE_NEWNET) < 0) return "setns A failed";
              if (auto r = move_link("dummy1", "", b); !r) return r.error().str();
              if (auto r = move_link("dummy2", "net%d", b); !r) return r.error().str();
              if (::setns(b, CLONE_NEWNET) < 0) return "setns B failed";
              auto there = link_names();
              if (!there) return there.error().str();
              if (!has(*there, "dummy1")) return "dummy1 missing in target";
              if (!has(*there, "net1")) return "template did not pick net1";
              return "";
            }),
            "");
}

TEST(Netlink, MoveFailsOnNameClashAndMissingDevice) {
  EXPECT_EQ(in_child([]() -> std::string {
              if (::unshare(CLONE_NEWNET) < 0) return "unshare A failed";
              int a = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (add_dev("dummy0") != 0) return "ip link add failed";
              if (::unshare(CLONE_NEWNET) < 0) return "unshare B failed";
              int b = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
              if (add_dev("eth0") != 0) return "ip link add in B failed";
              if (::setns(a, CLONE_NEWNET) < 0) return "setns A failed";
              auto r = move_link("dummy0", "eth0", b);
              if (r) return "clash not detected";
              if (r.error().code() != EEXIST) return "wrong errno: " + r.error().str();
              if (std::string(r.error().what()).find("\"eth0\" already exists") == std::string::npos)
                return "bad message: " + r.error().str();
              auto all = move_net_devices({{"dummy0", oci::NetDevice{"eth0"}}}, b);
              if (all || std::string(all.error().what()).rfind("linux.netDevices[\"dummy0\"]: ", 0) != 0)
                return "move_net_devices message: " + (all ? std::string("ok") : all.error().str());
              auto here = link_names();
              if (!here || !has(*here, "dummy0")) return "device left the source on a clash";
              auto m = move_link("nosuch0", "", b);
              if (m || m.error().code() != ENODEV) return "missing device not reported";
              if (std::string(m.error().what()).find("nosuch0") == std::string::npos)
                return "missing device not named: " + m.error().str();
              return "";
            }),
            "");
}

oci::Spec spec_with(std::map<std::string, oci::NetDevice> devs, bool netns = true) {
  oci::Spec s;
  s.linux.emplace();
  if (netns) s.linux->namespaces.push_back(oci::Namespace{"network", std::nullopt});
  s.linux->net_devices = std::move(devs);
  return s;
}

TEST(Netlink, ValidateNetDevices) {
  EXPECT_TRUE(validate_net_devices(oci::Spec{}));
  EXPECT_TRUE(validate_net_devices(spec_with({{"eth0", {"container_eth0"}}, {"ens4", {}}})));
  EXPECT_TRUE(validate_net_devices(spec_with({{"eth0", {"eth%d"}}, {"eth1", {"eth%d"}}})));

  auto r = validate_net_devices(spec_with({{"eth0", {"a/b"}}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(std::string(r.error().what()).rfind("linux.netDevices[\"eth0\"].name: ", 0), 0u)
      << r.error().what();
  for (const char* bad : {"", ".", "..", "has space", "a:b", "sixteen_chars_xx", "x%s", "%d%d"}) {
    auto e = validate_net_devices(spec_with({{"eth0", {bad}}}));
    EXPECT_FALSE(e) << bad;
  }
  EXPECT_TRUE(validate_net_devices(spec_with({{"eth0", {"fifteen_chars_x"}}})));
  auto k = validate_net_devices(spec_with({{"bad/key", {}}}));
  ASSERT_FALSE(k);
  EXPECT_EQ(std::string(k.error().what()).rfind("linux.netDevices[\"bad/key\"]: ", 0), 0u);
  EXPECT_FALSE(validate_net_devices(spec_with({{"eth0", {"x0"}}, {"eth1", {"x0"}}})));

  auto n = validate_net_devices(spec_with({{"eth0", {}}}, false));
  ASSERT_FALSE(n);
  EXPECT_NE(std::string(n.error().what()).find("network namespace"), std::string::npos);
  auto own = spec_with({{"eth0", {}}}, false);
  own.linux->namespaces.push_back(oci::Namespace{"network", "/proc/self/ns/net"});
  EXPECT_FALSE(validate_net_devices(own));
}

}  // namespace
}  // namespace berth::netlink
