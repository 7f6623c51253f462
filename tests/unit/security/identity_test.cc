// apply_identity() + apply_caps() as root in forked children, checked against what the
// kernel reports in /proc/self/status; and the HOME lookup.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "../common/child.h"
#include "security/identity.h"

namespace berth::security {
namespace {

using testing::put;
using testing::run_in_child;

#define REQUIRE_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root"

// Runs apply_identity in a child; returns the Cap*/Uid/Gid/Groups lines of its status.
std::map<std::string, std::string> status_after(const Identity& id, const CapsPlan& caps,
                                                std::string* error) {
  auto r = run_in_child([&](int fd) {
    auto a = apply_identity(id, caps);
    if (!a) { put(fd, a.error().str()); return 1; }
    std::ifstream f("/proc/self/status");
    std::stringstream ss;
    ss << f.rdbuf();
    put(fd, ss.str());
    return 0;
  });
  std::map<std::string, std::string> out;
  if (r.exit_code != 0) {
    *error = "exit " + std::to_string(r.exit_code) + ": " + r.out;
    return out;
  }
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto v = line.substr(colon + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
    out[line.substr(0, colon)] = v;
  }
  return out;
}

CapsPlan only(uint64_t mask, bool inheritable_and_ambient) {
  oci::Spec s;
  s.process = oci::Process{};
  oci::Capabilities c;
  std::vector<std::string> names;
  for (int i = 0; i < 64; ++i)
    if (mask & (uint64_t{1} << i)) names.push_back(capability_name(i));
  c.bounding = c.effective = c.permitted = names;
  if (inheritable_and_ambient) c.inheritable = c.ambient = names;
  s.process->capabilities = c;
  auto plan = build_caps_plan(s);
  EXPECT_TRUE(plan) << plan.error().str();
  return *plan;
}

constexpr uint64_t kNetBind = uint64_t{1} << 10;  // CAP_NET_BIND_SERVICE

TEST(ApplyIdentity, Uid1000WithNetBindServiceInAllFiveSets) {
  REQUIRE_ROOT();
  std::string err;
  auto st = status_after({1000, 1000, {1000, 2000, 3000}}, only(kNetBind, true), &err);
  ASSERT_TRUE(err.empty()) << err;
  EXPECT_EQ(st["CapInh"], "0000000000000400");
  EXPECT_EQ(st["CapPrm"], "0000000000000400");
  EXPECT_EQ(st["CapEff"], "0000000000000400");
  EXPECT_EQ(st["CapBnd"], "0000000000000400");
  EXPECT_EQ(st["CapAmb"], "0000000000000400");
  EXPECT_EQ(st["Uid"], "1000\t1000\t1000\t1000");
  EXPECT_EQ(st["Gid"], "1000\t1000\t1000\t1000");
  EXPECT_EQ(st["Groups"], "1000 2000 3000");
}

TEST(ApplyIdentity, NoAmbientAskedMeansEmptyInheritableAndAmbient) {
  REQUIRE_ROOT();
  std::string err;
  auto st = status_after({1000, 1001, {}}, only(kNetBind, false), &err);
  ASSERT_TRUE(err.empty()) << err;
  EXPECT_EQ(st["CapInh"], "0000000000000000");
  EXPECT_EQ(st["CapAmb"], "0000000000000000");
  EXPECT_EQ(st["CapPrm"], "0000000000000400");
  EXPECT_EQ(st["CapEff"], "0000000000000400");
  EXPECT_EQ(st["CapBnd"], "0000000000000400");
  EXPECT_EQ(st["Gid"], "1001\t1001\t1001\t1001");
  EXPECT_EQ(st["Groups"], "");  // the runtime's own supplementary groups are dropped
}

TEST(ApplyIdentity, AbsentCapabilitiesDropEverythingEvenForRoot) {
  REQUIRE_ROOT();
  oci::Spec s;
  s.process = oci::Process{};
  auto caps = build_caps_plan(s);
  ASSERT_TRUE(caps);
  std::string err;
  auto st = status_after({0, 0, {}}, *caps, &err);
  ASSERT_TRUE(err.empty()) << err;
  for (const char* k : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_EQ(st[k], "0000000000000000") << k;
  EXPECT_EQ(st["Uid"], "0\t0\t0\t0");
}

TEST(ApplyIdentity, RootKeepsRequestedSet) {
  REQUIRE_ROOT();
  std::string err;
  const uint64_t mask = (uint64_t{1} << 21) | (uint64_t{1} << 5);  // SYS_ADMIN | KILL
  auto st = status_after({0, 0, {10}}, only(mask, false), &err);
  ASSERT_TRUE(err.empty()) << err;
  EXPECT_EQ(st["CapBnd"], "0000000000200020");
  EXPECT_EQ(st["CapEff"], "0000000000200020");
  EXPECT_EQ(st["CapPrm"], "0000000000200020");
  EXPECT_EQ(st["CapInh"], "0000000000000000");
  EXPECT_EQ(st["Groups"], "10");
}

// user_namespaces(7): with /proc/self/setgroups = "deny", setgroups() is EPERM. Dropping
// to no groups is then already done (tolerated); asking for groups is a clear error.
TEST(ApplyIdentity, SetgroupsDeniedInUserNamespace) {
  REQUIRE_ROOT();
  auto run = [](std::vector<gid_t> gids) {
    return run_in_child([gids](int fd) {
      if (unshare(CLONE_NEWUSER) != 0) return 3;
      auto w = [](const char* path, const char* text) {
        int f = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = f >= 0 && write(f, text, strlen(text)) == static_cast<ssize_t>(strlen(text));
        if (f >= 0) close(f);
        return ok;
      };
      if (!w("/proc/self/setgroups", "deny") || !w("/proc/self/uid_map", "0 0 1") ||
          !w("/proc/self/gid_map", "0 0 1"))
        return 4;
      CapsPlan caps;
      caps.last_cap = 40;
      auto a = apply_identity({0, 0, gids}, caps);
      if (!a) { put(fd, a.error().str()); return 1; }
      return 0;
    });
  };
  auto r = run({});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  r = run({0});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "process.user.additionalGids: setgroups is denied in this user namespace "
                   "(/proc/self/setgroups is \"deny\")");
}

TEST(NoNewPrivs, Sets) {
  auto r = run_in_child([](int fd) {
    auto a = set_no_new_privs();
    if (!a) { put(fd, a.error().str()); return 1; }
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2;
  });
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST(Home, FindInPasswd) {
  const char* passwd =
      "root:x:0:0:root:/root:/bin/sh\n"
      "# comment\n"
      "bad line\n"
      "x:x:notanumber:0::/nope:/bin/sh\n"
      "app:x:1000:1000:App,,,:/home/app:/bin/sh\n"
      "short:x:1001\n"
      "nohome:x:1002:1002:::/bin/sh";
  EXPECT_EQ(find_home_in_passwd(passwd, 0), "/root");
  EXPECT_EQ(find_home_in_passwd(passwd, 1000), "/home/app");
  EXPECT_EQ(find_home_in_passwd(passwd, 1001), "");
  EXPECT_EQ(find_home_in_passwd(passwd, 1002), "");
  EXPECT_EQ(find_home_in_passwd(passwd, 4242), "");
}

TEST(Home, SetHomeEnv) {
  std::vector<std::string> env = {"PATH=/bin", "HOME=/custom"};
  ASSERT_TRUE(set_home_env(env, 0));
  EXPECT_EQ(env.size(), 2u);  // HOME present: untouched
  env = {"PATH=/bin", "HOMEDIR=/x"};
  ASSERT_TRUE(set_home_env(env, 0));  // this host's /etc/passwd has root
  ASSERT_EQ(env.size(), 3u);
  EXPECT_EQ(env[2], "HOME=/root");
  env = {};
  ASSERT_TRUE(set_home_env(env, 4242424));
  EXPECT_EQ(env, std::vector<std::string>{"HOME=/"});
}

}  // namespace
}  // namespace berth::security
