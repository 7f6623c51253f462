// prepare()/finalize() in a forked child with its own mount namespace (root only).
#include "console/pty.h"
#include "rootfs/setup.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <tuple>
#include <set>

#include "rootfs/resolve.h"
#include "test_util.h"

namespace berth::rootfs {
namespace {

using test::TempDir;

// Runs fn in a forked child that unshared `flags` (always CLONE_NEWNS) and made its tree
// rslave. Returns "" on success, else the child's complaint.
std::string in_child(const std::function<std::string()>& fn, int flags = 0) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    std::string out;
    if (::unshare(CLONE_NEWNS | flags) < 0)
      out = "unshare failed";
    else if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0)
      out = "make-rslave failed";
    else
      out = fn();
    if (::write(p[1], out.data(), out.size()) < 0) ::_exit(3);
    ::_exit(out.empty() ? 0 : 1);
  }
  ::close(p[1]);
  std::string msg;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "child died: " + msg;
  if (WEXITSTATUS(status) != 0 && msg.empty()) return "child failed without a message";
  return msg;
}

std::set<std::string> host_mounts_matching(const std::string& needle) {
  std::set<std::string> out;
  std::string text = test::slurp("/proc/self/mountinfo");
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    if (line.find(needle) != std::string::npos) out.insert(line);
    pos = eol + 1;
  }
  return out;
}

// The /proc/self/mountinfo line whose mount point (5th field) is `mp`.
std::string mountinfo_line_for(const std::string& mp) {
  std::string text = test::slurp("/proc/self/mountinfo"), found;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t f = 0;
    for (int i = 0; i < 4 && f != std::string::npos; ++i) f = line.find(' ', f + 1);
    if (f == std::string::npos) continue;
    auto end = line.find(' ', f + 1);
    if (line.substr(f + 1, end - f - 1) == mp) found = line;  // the last one is on top
  }
  return found;
}

oci::Mount mnt(std::string dest, std::string type, std::string source,
               std::vector<std::string> options) {
  oci::Mount m;
  m.destination = std::move(dest);
  m.type = std::move(type);
  m.source = std::move(source);
  m.options = std::move(options);
  return m;
}

std::string err_str(const Error& e) { return e.str(); }

#define CHECK_OR_RETURN(cond, msg)                                    \
  do {                                                                \
    if (!(cond)) return std::string(msg) + " (" #cond ")";            \
  } while (0)

class SetupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for mount namespaces";
    rootfs_ = bundle_ / "rootfs";
    for (const char* d : {"rootfs", "rootfs/bin", "rootfs/etc", "rootfs/proc", "rootfs/sys",
                          "rootfs/tmp", "rootfs/rodir", "rootfs/secretdir", "rootfs/data"})
      ::mkdir((bundle_ / d).c_str(), 0755);
    test::run("cp /bin/busybox '" + rootfs_ + "/bin/busybox'");
    test::write(rootfs_ + "/etc/secret", "top secret");
    test::write(rootfs_ + "/rodir/file", "ro");
    test::write(rootfs_ + "/secretdir/x", "hidden");
    test::write(rootfs_ + "/data/seed", "seed", 0640);
    spec_.root = oci::Root{"rootfs", std::nullopt};
    spec_.linux = oci::Linux{};
  }
  void TearDown() override {
    testing::force_classic_mount_api(false);
    testing::force_fallback_resolver(false);
  }
  Plan plan(bool no_pivot = false) {
    auto p = build_plan(spec_, bundle_.path(), no_pivot);
    EXPECT_TRUE(p) << (p ? "" : p.error().what());
    return p ? *p : Plan{};
  }

  TempDir bundle_{"berth-setup-bundle"};
  std::string rootfs_;
  oci::Spec spec_;
};

TEST_F(SetupTest, TmpfsOnSymlinkToHostPathLandsInsideRootfs) {
  TempDir outside{"berth-outside"};
  TempDir outside2{"berth-outside"};
  test::write(outside / "host-marker", "host");
  spec_.mounts = {mnt("/dev", "tmpfs", "tmpfs", {"mode=755"}),
                  mnt("/evil", "tmpfs", "tmpfs", {"size=1m"}),
                  mnt("/evil2", "tmpfs", "tmpfs", {"size=1m"})};
  // The plan is built before the links appear: this is the swap-after-check race
  // (CVE-2021-30465), which only the child's in-root resolution can stop.
  Plan p = plan();
  ASSERT_EQ(::symlink(outside.path().c_str(), (rootfs_ + "/evil").c_str()), 0);
  ASSERT_EQ(::symlink(("../../../../../.." + outside2.path()).c_str(), (rootfs_ + "/evil2").c_str()),
            0);
  // Present at plan time, the same links are accepted: they are resolved inside the
  // rootfs (as runc and crun do; images have /var/run -> /run), by the child below.
  EXPECT_TRUE(build_plan(spec_, bundle_.path(), false));
  auto before = host_mounts_matching("berth-");
  struct stat host_before;
  ASSERT_EQ(::stat(outside.path().c_str(), &host_before), 0);
  for (bool fallback : {false, true}) {
    std::string r = in_child([&]() -> std::string {
      testing::force_fallback_resolver(fallback);
      testing::force_classic_mount_api(fallback);
      if (auto r = prepare(p); !r) return err_str(r.error());
      for (const auto* o : {&outside, &outside2}) {
        std::string inside = rootfs_ + o->path();
        struct statfs sfs;
        CHECK_OR_RETURN(::statfs(inside.c_str(), &sfs) == 0, "inside path missing");
        CHECK_OR_RETURN(sfs.f_type == TMPFS_MAGIC, "tmpfs not inside rootfs");
        test::write(inside + "/inside-marker", "x");
      }
      struct stat host_after;
      CHECK_OR_RETURN(::stat(outside.path().c_str(), &host_after) == 0, "outside gone");
      CHECK_OR_RETURN(host_after.st_dev == host_before.st_dev, "host path got a mount");
      CHECK_OR_RETURN(test::slurp(outside / "host-marker") == "host", "host dir covered");
      return "";
    });
    EXPECT_EQ(r, "") << "fallback=" << fallback;
  }
  struct stat st;
  EXPECT_NE(::stat((outside / "inside-marker").c_str(), &st), 0);
  EXPECT_NE(::stat((outside2 / "inside-marker").c_str(), &st), 0);
  EXPECT_EQ(host_mounts_matching("berth-"), before) << "host mount table changed";
}

TEST_F(SetupTest, ProcOnSymlinkIsRefused) {
  TempDir outside{"berth-outside"};
  spec_.mounts = {mnt("/proc", "proc", "proc", {})};
  Plan p = plan();  // before the swap, as above
  ::rmdir((rootfs_ + "/proc").c_str());
  ASSERT_EQ(::symlink(outside.path().c_str(), (rootfs_ + "/proc").c_str()), 0);
  std::string r = in_child([&]() -> std::string {
    auto res = prepare(p);
    return res ? "prepare succeeded" : err_str(res.error());
  });
  EXPECT_NE(r.find("mounts[0]: mount proc on /proc: refusing to mount proc on /proc"),
            std::string::npos)
      << r;
  // Same with a relative symlink that stays inside the image.
  ::unlink((rootfs_ + "/proc").c_str());
  ::mkdir((rootfs_ + "/fakeproc").c_str(), 0755);
  ASSERT_EQ(::symlink("fakeproc", (rootfs_ + "/proc").c_str()), 0);
  r = in_child([&]() -> std::string {
    auto res = prepare(p);
    return res ? "prepare succeeded" : err_str(res.error());
  });
  EXPECT_NE(r.find("refusing to mount proc"), std::string::npos) << r;
}

TEST_F(SetupTest, ErrorsCarryContext) {
  spec_.mounts = {mnt("/dev", "tmpfs", "tmpfs", {}), mnt("/x", "bogusfs", "none", {})};
  Plan p = plan();
  std::string r = in_child([&]() -> std::string {
    auto res = prepare(p);
    return res ? "prepare succeeded" : err_str(res.error());
  });
  EXPECT_EQ(r, "mounts[1]: mount bogusfs on /x: mount: No such device");
}

TEST_F(SetupTest, HostileDevNodeIsAnError) {
  // No /dev tmpfs: the image's /dev is used, and its /dev/null is a symlink to a file.
  ::mkdir((rootfs_ + "/dev").c_str(), 0755);
  ASSERT_EQ(::symlink("/etc/secret", (rootfs_ + "/dev/null").c_str()), 0);
  Plan p = plan();
  std::string r = in_child([&]() -> std::string {
    auto res = prepare(p);
    return res ? "prepare succeeded" : err_str(res.error());
  });
  EXPECT_EQ(r, "default device /dev/null: /dev/null exists and is not the requested device");
  EXPECT_EQ(test::slurp(rootfs_ + "/etc/secret"), "top secret");
}

TEST_F(SetupTest, MaskRefusesFakeDevNull) {
  ::mkdir((rootfs_ + "/dev").c_str(), 0755);
  ASSERT_EQ(::symlink("/etc/secret", (rootfs_ + "/dev/null").c_str()), 0);
  spec_.linux->masked_paths = {"/rodir/file"};
  Plan p = plan();
  p.setup_dev = false;  // as if /dev were bound from elsewhere
  std::string r = in_child([&]() -> std::string {
    if (auto res = prepare(p); !res) return err_str(res.error());
    auto res = finalize(p);
    return res ? "finalize succeeded" : err_str(res.error());
  });
  EXPECT_EQ(r,
            "linux.maskedPaths: /rodir/file: /dev/null in the container is not the null device (1:3)");
}

// Without CAP_MKNOD (as in a user namespace) mknod fails with EPERM: the host's node is
// bind-mounted instead.
TEST_F(SetupTest, DevicesFallBackToBindWhenMknodIsDenied) {
  spec_.mounts = {mnt("/dev", "tmpfs", "tmpfs", {"mode=755"})};
  Plan p = plan();
  std::string r = in_child([&]() -> std::string {
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capget, &hdr, data) < 0) return "capget";
    data[CAP_MKNOD / 32].effective &= ~(1u << (CAP_MKNOD % 32));
    if (::syscall(SYS_capset, &hdr, data) < 0) return "capset";
    if (auto res = prepare(p); !res) return "prepare: " + err_str(res.error());
    struct stat st;
    std::string dev = rootfs_ + "/dev/null";
    CHECK_OR_RETURN(::stat(dev.c_str(), &st) == 0, "no /dev/null");
    CHECK_OR_RETURN(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "not the null device");
    struct stat devdir, host;
    CHECK_OR_RETURN(::stat((rootfs_ + "/dev").c_str(), &devdir) == 0 &&
                        ::stat("/dev/null", &host) == 0,
                    "stat");
    CHECK_OR_RETURN(st.st_dev != devdir.st_dev && st.st_ino == host.st_ino,
                    "/dev/null was not bind-mounted from the host");
    return "";
  });
  EXPECT_EQ(r, "");
}

// The "host" here is an outer namespace whose tree is rshared (this VM's real host has
// no shared mounts, which would make the check vacuous). The container namespace is a
// plain copy of it, so every mount starts in a peer group with the outer one.
TEST_F(SetupTest, NothingPropagatesBackToTheHost) {
  spec_.mounts = {mnt("/proc", "proc", "proc", {}), mnt("/dev", "tmpfs", "tmpfs", {}),
                  mnt("/run", "tmpfs", "tmpfs", {"rshared"})};
  spec_.linux->masked_paths = {"/etc/secret"};
  spec_.linux->rootfs_propagation = "rshared";
  Plan p = plan();
  std::string r = in_child([&]() -> std::string {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_SHARED, nullptr) < 0) return "make rshared";
    auto outer = host_mounts_matching(bundle_.path());
    int pp[2];
    if (::pipe(pp) < 0) return "pipe";
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(pp[0]);
      std::string out;
      if (::unshare(CLONE_NEWNS) < 0) out = "unshare";
      else if (auto res = prepare(p); !res) out = "prepare: " + err_str(res.error());
      else if (auto res2 = finalize(p); !res2) out = "finalize: " + err_str(res2.error());
      else {
        std::string line = mountinfo_line_for("/");
        if (line.find("shared:") == std::string::npos || line.find("master:") == std::string::npos)
          out = "rootfsPropagation rshared not applied: " + line;
      }
      if (::write(pp[1], out.data(), out.size()) < 0) ::_exit(3);
      ::_exit(out.empty() ? 0 : 1);
    }
    ::close(pp[1]);
    std::string msg;
    char buf[1024];
    ssize_t n;
    while ((n = ::read(pp[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<std::size_t>(n));
    ::close(pp[0]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (!msg.empty()) return msg;
    if (host_mounts_matching(bundle_.path()) != outer) return "mounts propagated to the outer ns";
    return "";
  });
  EXPECT_EQ(r, "");
}

// The whole runc-default-like spec, then checks from inside the new root.
class FullSetupTest : public SetupTest, public ::testing::WithParamInterface<bool> {};

std::string run_busybox(const std::vector<const char*>& args) {
  int p[2];
  if (::pipe(p) < 0) return "<pipe>";
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(p[1], 1);
    std::vector<char*> argv;
    for (auto* a : args) argv.push_back(const_cast<char*>(a));
    argv.push_back(nullptr);
    ::execv("/bin/busybox", argv.data());
    ::_exit(127);
  }
  ::close(p[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(p[0]);
  int st = 0;
  ::waitpid(pid, &st, 0);
  return out;
}

std::string check_device(const char* path, unsigned maj, unsigned min, mode_t mode, uid_t uid) {
  struct stat st;
  if (::lstat(path, &st) < 0) return std::string(path) + " missing";
  if (!S_ISCHR(st.st_mode)) return std::string(path) + " not a char device";
  if (st.st_rdev != makedev(maj, min)) return std::string(path) + " wrong rdev";
  if ((st.st_mode & 07777) != mode) return std::string(path) + " wrong mode";
  if (st.st_uid != uid) return std::string(path) + " wrong owner";
  return "";
}

int write_errno(const char* path, int flags = O_WRONLY) {
  int fd = ::open(path, flags | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::close(fd);
    return 0;
  }
  return errno;
}

TEST_P(FullSetupTest, PrepareAndFinalize) {
  const bool fallbacks = GetParam();  // no_pivot + fallback resolver + classic mount API
  TempDir hostdir{"berth-hostvol"};
  test::write(hostdir / "hostfile", "host file");
  ::mkdir((hostdir / "vol").c_str(), 0755);
  spec_.root->readonly = true;
  spec_.mounts = {
      mnt("/proc", "proc", "proc", {}),
      mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mnt("/dev/pts", "devpts", "devpts",
          {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}),
      mnt("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mnt("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mnt("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
      mnt("/etc/hostfile", "bind", hostdir / "hostfile", {"ro"}),
      mnt("/mnt/vol", "none", hostdir / "vol", {"rbind", "rro", "nosuid"}),
      mnt("/data", "tmpfs", "tmpfs", {"tmpcopyup", "mode=755"}),
  };
  spec_.linux->devices = {{"c", "/dev/fuse", 10, 229, 0600, 1000, 1000}};
  spec_.linux->masked_paths = {"/proc/kcore", "/etc/secret", "/secretdir", "/does/not/exist",
                               "/etc/secret/below-a-file"};
  spec_.linux->readonly_paths = {"/proc/sys", "/rodir", "/missing"};
  spec_.linux->rootfs_propagation = "rprivate";
  spec_.process = oci::Process{};
  spec_.process->terminal = true;
  Plan p = plan(fallbacks);
  const bool host_kcore = ::access("/proc/kcore", F_OK) == 0;
  auto before = host_mounts_matching("berth-");
  std::string r = in_child(
      [&]() -> std::string {
        testing::force_fallback_resolver(fallbacks);
        testing::force_classic_mount_api(fallbacks);
        ::umask(077);  // device modes must not depend on it
        if (auto res = prepare(p); !res) return "prepare: " + err_str(res.error());
        if (auto res = finalize(p); !res) return "finalize: " + err_str(res.error());
        for (auto [path, maj, min] : {std::tuple{"/dev/null", 1u, 3u}, {"/dev/zero", 1u, 5u},
                                      {"/dev/full", 1u, 7u}, {"/dev/random", 1u, 8u},
                                      {"/dev/urandom", 1u, 9u}, {"/dev/tty", 5u, 0u}}) {
          if (auto e = check_device(path, maj, min, 0666, 0); !e.empty()) return e;
        }
        if (auto e = check_device("/dev/fuse", 10, 229, 0600, 1000); !e.empty()) return e;
        std::string ls = run_busybox({"busybox", "ls", "/dev"});
        for (const char* n : {"null", "zero", "full", "random", "urandom", "tty", "fuse", "ptmx",
                              "pts", "shm", "mqueue", "fd", "stdin", "stdout", "stderr", "console"})
          if (ls.find(n) == std::string::npos) return std::string("ls /dev lacks ") + n + ": " + ls;
        char link[64] = {};
        CHECK_OR_RETURN(::readlink("/dev/ptmx", link, sizeof link - 1) > 0, "no /dev/ptmx link");
        CHECK_OR_RETURN(std::string(link) == "pts/ptmx", "bad /dev/ptmx");
        std::memset(link, 0, sizeof link);
        CHECK_OR_RETURN(::readlink("/dev/fd", link, sizeof link - 1) > 0, "no /dev/fd");
        CHECK_OR_RETURN(std::string(link) == "/proc/self/fd", "bad /dev/fd");
        // maskedPaths
        CHECK_OR_RETURN(test::slurp("/etc/secret").empty(), "masked file readable");
        // Not every kernel has /proc/kcore (CONFIG_PROC_KCORE); a missing one is skipped.
        CHECK_OR_RETURN(test::slurp("/proc/kcore").empty() || !host_kcore, "kcore not masked");
        struct stat st;
        CHECK_OR_RETURN(::stat("/secretdir/x", &st) != 0, "masked dir shows content");
        CHECK_OR_RETURN(write_errno("/secretdir/y", O_WRONLY | O_CREAT) == EROFS,
                        "masked dir writable");
        // readonlyPaths, root.readonly, bind options
        CHECK_OR_RETURN(write_errno("/rodir/file") == EROFS, "readonly path writable");
        CHECK_OR_RETURN(write_errno("/proc/sys/kernel/hostname") == EROFS, "/proc/sys writable");
        CHECK_OR_RETURN(write_errno("/newfile", O_WRONLY | O_CREAT) == EROFS, "root writable");
        CHECK_OR_RETURN(write_errno("/dev/newfile", O_WRONLY | O_CREAT) == 0, "/dev not writable");
        CHECK_OR_RETURN(write_errno("/dev/shm/x", O_WRONLY | O_CREAT) == 0, "/dev/shm not writable");
        CHECK_OR_RETURN(test::slurp("/etc/hostfile") == "host file", "bind file content");
        CHECK_OR_RETURN(write_errno("/etc/hostfile") == EROFS, "ro bind writable");
        CHECK_OR_RETURN(write_errno("/mnt/vol/f", O_WRONLY | O_CREAT) == EROFS, "rro bind writable");
        struct statfs sfs;
        CHECK_OR_RETURN(::statfs("/mnt/vol", &sfs) == 0 && (sfs.f_flags & ST_NOSUID), "nosuid lost");
        // tmpcopyup
        CHECK_OR_RETURN(::statfs("/data", &sfs) == 0 && sfs.f_type == TMPFS_MAGIC, "/data not tmpfs");
        CHECK_OR_RETURN(test::slurp("/data/seed") == "seed", "tmpcopyup content");
        CHECK_OR_RETURN(::stat("/data/seed", &st) == 0 && (st.st_mode & 07777) == 0640,
                        "tmpcopyup mode");
        CHECK_OR_RETURN(write_errno("/data/new", O_WRONLY | O_CREAT) == 0, "/data not writable");
        // proc, sysfs, cgroup
        CHECK_OR_RETURN(::statfs("/proc", &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC, "proc");
        CHECK_OR_RETURN(::statfs("/sys", &sfs) == 0 && sfs.f_type == SYSFS_MAGIC, "sysfs");
        CHECK_OR_RETURN(::statfs("/sys", &sfs) == 0 && (sfs.f_flags & ST_RDONLY), "sysfs writable");
        CHECK_OR_RETURN(::statfs("/sys/fs/cgroup", &sfs) == 0, "no /sys/fs/cgroup");
        if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
          CHECK_OR_RETURN(::statfs("/sys/fs/cgroup/memory", &sfs) == 0 &&
                              sfs.f_type == CGROUP_SUPER_MAGIC,
                          "no memory hierarchy");
          CHECK_OR_RETURN(write_errno("/sys/fs/cgroup/x", O_WRONLY | O_CREAT) == EROFS,
                          "cgroup tmpfs writable");
        }
        // The console step as init runs it: a pty from the container's devpts, bound onto
        // the /dev/console placeholder that prepare() made.
        auto master = console::open_pty_in_container(std::nullopt);
        if (!master) return "open_pty_in_container: " + err_str(master.error());
        // Kept open until the child exits: closing the master would SIGHUP this session
        // leader before it reports.
        (void)master->release();
        struct stat pty_st;
        CHECK_OR_RETURN(::fstat(0, &pty_st) == 0 && ::stat("/dev/console", &st) == 0 &&
                            st.st_rdev == pty_st.st_rdev,
                        "/dev/console is not the pty");
        // rootfsPropagation=rprivate: "/" has no peer group and no master.
        std::string line = mountinfo_line_for("/");
        CHECK_OR_RETURN(!line.empty(), "no / in mountinfo");
        CHECK_OR_RETURN(line.find("master:") == std::string::npos &&
                            line.find("shared:") == std::string::npos,
                        "root not private: " + line);
        return "";
      },
      CLONE_NEWCGROUP);
  EXPECT_EQ(r, "");
  EXPECT_EQ(host_mounts_matching("berth-"), before) << "host mount table changed";
  EXPECT_EQ(test::slurp(rootfs_ + "/etc/secret"), "top secret");
}

INSTANTIATE_TEST_SUITE_P(Modes, FullSetupTest, ::testing::Values(false, true),
                         [](const auto& info) {
                           return info.param ? "NoPivotFallbacks" : "PivotNewApi";
                         });

}  // namespace
}  // namespace berth::rootfs
