// security/lsm: host detection against a fake sysfs tree, the AppArmor profile list, the
// mount-label formatting and which mounts get it, and the field-naming errors of
// build_lsm_plan. No root needed.
#include "security/lsm.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace berth::security {
namespace {

class FakeSys {
 public:
  FakeSys() {
    char tmpl[] = "/tmp/berth-lsm-test-XXXXXX";
    if (char* p = ::mkdtemp(tmpl)) root_ = p;
  }
  ~FakeSys() {
    if (!root_.empty()) std::system(("rm -rf '" + root_ + "'").c_str());
  }
  void put(const std::string& rel, const std::string& text) {
    std::string path = root_ + rel;
    std::system(("mkdir -p '" + path.substr(0, path.rfind('/')) + "'").c_str());
    std::ofstream(path) << text;
  }
  void apparmor(const std::string& enabled, const std::string& profiles) {
    put("/sys/module/apparmor/parameters/enabled", enabled);
    put("/sys/kernel/security/apparmor/profiles", profiles);
  }
  void selinux() { put("/sys/fs/selinux/enforce", "1"); }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

rootfs::MountOp op(std::string type, std::string data = "", bool bind = false) {
  rootfs::MountOp m;
  m.type = std::move(type);
  m.options.data = std::move(data);
  m.is_bind = bind;
  return m;
}

oci::Spec spec_with(std::optional<std::string> profile, std::optional<std::string> label,
                    std::optional<std::string> mount_label) {
  oci::Spec s;
  s.process = oci::Process{};
  s.process->apparmor_profile = std::move(profile);
  s.process->selinux_label = std::move(label);
  s.linux = oci::Linux{};
  s.linux->mount_label = std::move(mount_label);
  return s;
}

std::string error_of(const Result<LsmPlan>& r) { return r ? "<no error>" : r.error().str(); }

TEST(LsmDetect, AppArmorEnabledOnlyWithY) {
  FakeSys fs;
  EXPECT_FALSE(apparmor_enabled(fs.root()));  // no module directory at all
  fs.apparmor("N\n", "");
  EXPECT_FALSE(apparmor_enabled(fs.root()));
  fs.apparmor("Y\n", "");
  EXPECT_TRUE(apparmor_enabled(fs.root()));
}

TEST(LsmDetect, SelinuxEnabledWhenSelinuxfsIsThere) {
  FakeSys fs;
  EXPECT_FALSE(selinux_enabled(fs.root()));
  fs.put("/sys/fs/selinux/.keep", "");  // the mount point alone (not SELINUX_MAGIC)
  EXPECT_FALSE(selinux_enabled(fs.root()));
  fs.selinux();
  EXPECT_TRUE(selinux_enabled(fs.root()));
}

TEST(LsmDetect, ProfileListIsParsedByName) {
  FakeSys fs;
  EXPECT_EQ(apparmor_profile_loaded("a", fs.root()), std::nullopt);  // unreadable
  fs.apparmor("Y\n", "docker-default (enforce)\nberth test (complain)\n/usr/bin/x (enforce)\n");
  EXPECT_EQ(apparmor_profile_loaded("docker-default", fs.root()), true);
  EXPECT_EQ(apparmor_profile_loaded("berth test", fs.root()), true);  // names may have spaces
  EXPECT_EQ(apparmor_profile_loaded("/usr/bin/x", fs.root()), true);
  EXPECT_EQ(apparmor_profile_loaded("docker", fs.root()), false);     // no prefix match
  EXPECT_EQ(apparmor_profile_loaded("berth", fs.root()), false);
}

TEST(MountLabel, FormatsLikeFormatMountLabel) {
  EXPECT_EQ(format_mount_label("", "system_u:object_r:container_file_t:s0:c1,c2"),
            "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  EXPECT_EQ(format_mount_label("mode=755,size=65536k", "l"), "mode=755,size=65536k,context=\"l\"");
}

TEST(MountLabel, WhichMountsTakeIt) {
  EXPECT_TRUE(mount_takes_label(op("tmpfs")));
  EXPECT_TRUE(mount_takes_label(op("devpts")));
  EXPECT_TRUE(mount_takes_label(op("shm")));
  for (const char* t : {"proc", "sysfs", "cgroup", "cgroup2", "mqueue"})
    EXPECT_FALSE(mount_takes_label(op(t))) << t;
  EXPECT_FALSE(mount_takes_label(op("bind", "", true)));
  EXPECT_FALSE(mount_takes_label(op("", "", true)));
  auto re = op("tmpfs");
  re.options.remount = true;
  EXPECT_FALSE(mount_takes_label(re));
}

TEST(LsmPlan, NothingAsked) {
  FakeSys fs;
  rootfs::Plan rp;
  auto r = build_lsm_plan(spec_with(std::nullopt, std::nullopt, std::nullopt), rp, fs.root());
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_TRUE(r->apparmor_profile.empty());
  EXPECT_TRUE(r->selinux_label.empty());
}

TEST(LsmPlan, AppArmorProfileIgnoredWhenDisabled) {
  FakeSys fs;
  rootfs::Plan rp;
  auto r = build_lsm_plan(spec_with("p", std::nullopt, std::nullopt), rp, fs.root());
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_TRUE(r->apparmor_profile.empty());
}

TEST(LsmPlan, AppArmorProfileMustBeLoaded) {
  FakeSys fs;
  fs.apparmor("Y", "p (enforce)\n");
  rootfs::Plan rp;
  auto r = build_lsm_plan(spec_with("p", std::nullopt, std::nullopt), rp, fs.root());
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->apparmor_profile, "p");
  EXPECT_EQ(error_of(build_lsm_plan(spec_with("x", std::nullopt, std::nullopt), rp, fs.root())),
            "process.apparmorProfile: profile \"x\" is not loaded");
  // "unconfined" is built into AppArmor and never listed.
  auto u = build_lsm_plan(spec_with("unconfined", std::nullopt, std::nullopt), rp, fs.root());
  ASSERT_TRUE(u) << u.error().what();
  EXPECT_EQ(u->apparmor_profile, "unconfined");
  EXPECT_NE(error_of(build_lsm_plan(spec_with("p\nq", std::nullopt, std::nullopt), rp, fs.root()))
                .find("process.apparmorProfile: invalid"),
            std::string::npos);
}

TEST(LsmPlan, AppArmorUnreadableListLeavesTheCheckToTheChild) {
  FakeSys fs;
  fs.put("/sys/module/apparmor/parameters/enabled", "Y");
  rootfs::Plan rp;
  auto r = build_lsm_plan(spec_with("x", std::nullopt, std::nullopt), rp, fs.root());
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->apparmor_profile, "x");
}

TEST(LsmPlan, SelinuxFieldsNeedSelinux) {
  FakeSys fs;
  rootfs::Plan rp;
  EXPECT_EQ(error_of(build_lsm_plan(spec_with(std::nullopt, "l", std::nullopt), rp, fs.root())),
            "process.selinuxLabel: SELinux is not enabled on this host");
  EXPECT_EQ(error_of(build_lsm_plan(spec_with(std::nullopt, std::nullopt, "l"), rp, fs.root())),
            "linux.mountLabel: SELinux is not enabled on this host");
}

TEST(LsmPlan, MountLabelGoesIntoLabelledMounts) {
  FakeSys fs;
  fs.selinux();
  rootfs::Plan rp;
  rp.mounts = {op("proc"), op("tmpfs", "mode=755"), op("devpts", ""), op("", "", true),
               op("mqueue")};
  auto r = build_lsm_plan(spec_with(std::nullopt, "system_u:system_r:container_t:s0",
                                    "system_u:object_r:container_file_t:s0"),
                          rp, fs.root());
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->selinux_label, "system_u:system_r:container_t:s0");
  EXPECT_EQ(rp.mounts[0].options.data, "");
  EXPECT_EQ(rp.mounts[1].options.data, "mode=755,context=\"system_u:object_r:container_file_t:s0\"");
  EXPECT_EQ(rp.mounts[2].options.data, "context=\"system_u:object_r:container_file_t:s0\"");
  EXPECT_EQ(rp.mounts[3].options.data, "");
  EXPECT_EQ(rp.mounts[4].options.data, "");
  EXPECT_NE(error_of(build_lsm_plan(spec_with(std::nullopt, std::nullopt, "a\",b"), rp, fs.root()))
                .find("linux.mountLabel: invalid label"),
            std::string::npos);
}

}  // namespace
}  // namespace berth::security
