// apply_*(): run as root in forked children, each checking what the kernel reports.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/ioprio.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "attrs/apply.h"
#include "attrs/plan.h"
#include "../common/child.h"

namespace berth::attrs {
namespace {

using testing::put;
using testing::run_in_child;

#define REQUIRE_ROOT() \
  if (::geteuid() != 0) GTEST_SKIP() << "needs root"

std::string slurp(const char* path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

oci::Spec base_spec() {
  oci::Spec s;
  s.process = oci::Process{};
  s.linux = oci::Linux{};
  return s;
}

// Drops CAP_SYS_RESOURCE from the effective set, so "raising a hard limit" fails the
// same way whether or not the host grants it.
bool drop_sys_resource() {
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {};
  if (::syscall(SYS_capget, &hdr, d) != 0) return false;
  d[0].effective &= ~(1u << CAP_SYS_RESOURCE);
  return ::syscall(SYS_capset, &hdr, d) == 0;
}

TEST(ApplyProcess, RlimitsLowerWorksRaiseFailsClearly) {
  REQUIRE_ROOT();
  auto s = base_spec();
  s.process->rlimits = {{"RLIMIT_CORE", 0, 0}, {"RLIMIT_NOFILE", 2048, 1024}};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan);
  auto r = run_in_child([&](int fd) {
    if (!drop_sys_resource()) return 3;
    auto a = apply_process(*plan);
    if (!a) { put(fd, a.error().str()); return 1; }
    struct rlimit nf, core;
    getrlimit(RLIMIT_NOFILE, &nf);
    getrlimit(RLIMIT_CORE, &core);
    put(fd, std::to_string(nf.rlim_cur) + " " + std::to_string(nf.rlim_max) + " " +
                std::to_string(core.rlim_max));
    return 0;
  });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "1024 2048 0");

  // Raising the hard limit above the current one without CAP_SYS_RESOURCE.
  r = run_in_child([&](int fd) {
    if (!drop_sys_resource()) return 3;
    struct rlimit cur;
    getrlimit(RLIMIT_NOFILE, &cur);
    Plan p;
    p.rlimits.push_back({RLIMIT_NOFILE, cur.rlim_max + 1000, cur.rlim_max + 1000, 1});
    auto a = apply_process(p);
    if (a) return 2;
    put(fd, a.error().str());
    return a.error().code() == EPERM ? 0 : 4;
  });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("process.rlimits[1]: setrlimit RLIMIT_NOFILE: raising the hard limit "
                        "from ", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("needs CAP_SYS_RESOURCE and a value <= fs.nr_open: Operation not "
                       "permitted"), std::string::npos) << r.out;
}

TEST(ApplyProcess, OomScoreAdjPersonalityUmaskIoprioScheduler) {
  REQUIRE_ROOT();
  auto s = base_spec();
  s.process->oom_score_adj = 500;
  s.process->user.umask = 027;
  s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_IDLE", 0};
  s.process->scheduler = oci::Scheduler{"SCHED_BATCH", 5, std::nullopt, {}, {}, {}, {}};
  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{std::nullopt, "0"};
  s.linux->personality = oci::Personality{"LINUX32", {}};
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0", {}};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << plan.error().str();
  auto r = run_in_child([&](int fd) {
    auto a = apply_process(*plan);
    if (!a) { put(fd, a.error().str()); return 1; }
    std::string oom = slurp("/proc/self/oom_score_adj");
    int pers = ::personality(0xffffffff);
    mode_t old = ::umask(0);
    long io = ::syscall(SYS_ioprio_get, 1 /*IOPRIO_WHO_PROCESS*/, 0);
    int pol = sched_getscheduler(0);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    int mode = -1;
    unsigned long mask[16] = {};
    long gm = ::syscall(SYS_get_mempolicy, &mode, mask, 1024UL, nullptr, 0UL);
    std::ostringstream o;
    o << "oom=" << oom.substr(0, oom.find('\n')) << " pers=" << (pers & 0xff) << " umask=0"
      << std::oct << old << std::dec << " io=" << io << " pol=" << pol << " nice=" << nice
      << " cpus=" << CPU_COUNT(&set) << ":" << CPU_ISSET(0, &set) << " mpol=" << gm << ":"
      << mode << ":" << mask[0];
    put(fd, o.str());
    return 0;
  });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ostringstream want;
  want << "oom=500 pers=" << PER_LINUX32 << " umask=027 io=" << IOPRIO_PRIO_VALUE(3, 0)
       << " pol=" << SCHED_BATCH << " nice=5 cpus=1:1 mpol=0:2:1";
  EXPECT_EQ(r.out, want.str());
}

TEST(ApplyUts, HostnameInNewUtsNamespace) {
  REQUIRE_ROOT();
  char host_before[256] = {};
  gethostname(host_before, sizeof host_before);
  Plan p;
  p.hostname = "berth-test";
  p.domainname = "berth.test";
  auto r = run_in_child([&](int fd) {
    if (unshare(CLONE_NEWUTS) != 0) return 3;
    auto a = apply_uts(p);
    if (!a) { put(fd, a.error().str()); return 1; }
    char h[256] = {}, d[256] = {};
    gethostname(h, sizeof h);
    getdomainname(d, sizeof d);
    put(fd, std::string(h) + " " + d);
    return 0;
  });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "berth-test berth.test");
  char host_after[256] = {};
  gethostname(host_after, sizeof host_after);
  EXPECT_STREQ(host_before, host_after);
}

// A child in a new network and mount namespace with its own procfs, like the container
// after pivot_root. `setup` runs after /proc is remounted.
testing::ChildResult sysctl_child(const Plan& plan, const std::function<bool()>& setup) {
  return run_in_child([&](int fd) {
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0) return 3;
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 4;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return 5;
    if (!setup()) return 6;
    auto a = apply_sysctl(plan);
    if (!a) { put(fd, a.error().str()); return 1; }
    put(fd, slurp("/proc/sys/net/ipv4/ip_forward"));
    return 0;
  });
}

Plan ip_forward_plan(const std::string& value) {
  auto s = base_spec();
  s.linux->namespaces = {{"network", {}}};
  s.linux->sysctl = {{"net.ipv4.ip_forward", value}};
  return *build_plan(s);
}

TEST(ApplySysctl, WritesOnlyTheContainersNetns) {
  REQUIRE_ROOT();
  std::string host = slurp("/proc/sys/net/ipv4/ip_forward");
  std::string want = host.rfind("1", 0) == 0 ? "0" : "1";  // the opposite of the host's
  auto r = sysctl_child(ip_forward_plan(want), [] { return true; });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, want + "\n");
  EXPECT_EQ(slurp("/proc/sys/net/ipv4/ip_forward"), host);
}

// CVE-2025-52881 class: a bind mount over /proc/sys/... must not receive the write.
bool plant_over_ip_forward() {
  if (mount("tmpfs", "/tmp", "tmpfs", 0, nullptr) != 0) return false;
  int f = open("/tmp/fake", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
  if (f < 0) return false;
  close(f);
  return mount("/tmp/fake", "/proc/sys/net/ipv4/ip_forward", nullptr, MS_BIND, nullptr) == 0;
}

TEST(ApplySysctl, PrivateProcfsIgnoresAFilePlantedOverTheTarget) {
  REQUIRE_ROOT();
  // The default root is a private procfs instance: the write reaches the real sysctl
  // (conf/all/forwarding is the same setting) and the planted file stays empty.
  auto r = run_in_child([&](int fd) {
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0) return 3;
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 4;
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return 5;
    if (!plant_over_ip_forward()) return 6;
    auto a = apply_sysctl(ip_forward_plan("1"));
    if (!a) { put(fd, a.error().str()); return 1; }
    put(fd, slurp("/proc/sys/net/ipv4/conf/all/forwarding") + "fake=" + slurp("/tmp/fake"));
    return 0;
  });
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out, "1\nfake=");
}

TEST(ApplySysctl, FallbackRootRefusesAFilePlantedOverTheTarget) {
  REQUIRE_ROOT();
  // Without fsopen, the container's /proc is used, and the checked walk refuses to cross
  // onto the planted mount.
  auto with_proc_root = [](const std::function<bool()>& setup) {
    return run_in_child([&](int fd) {
      if (unshare(CLONE_NEWNS | CLONE_NEWNET) != 0) return 3;
      if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 4;
      if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
        return 5;
      if (!setup()) return 6;
      auto dir = open_procfs_dir("/proc");
      if (!dir) { put(fd, dir.error().str()); return 1; }
      Root root;
      root.fd = std::move(*dir);
      auto a = apply_sysctl(ip_forward_plan("1"), &root);
      if (!a) { put(fd, a.error().str()); return 1; }
      return 0;
    });
  };
  auto r = with_proc_root(plant_over_ip_forward);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.out.rfind("linux.sysctl[\"net.ipv4.ip_forward\"]: open sys/net/ipv4/ip_forward: ", 0),
            0u) << r.out;
  // /proc/sys itself replaced by something that is not procfs.
  r = with_proc_root([] { return mount("tmpfs", "/proc/sys", "tmpfs", 0, nullptr) == 0; });
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(r.out.rfind("linux.sysctl[\"net.ipv4.ip_forward\"]: open sys/net/ipv4/ip_forward: ", 0),
            0u) << r.out;
}

}  // namespace
}  // namespace berth::attrs
