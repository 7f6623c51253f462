// plan_lsm()'s decisions against fake sysfs trees, and the mount label formatting.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "security/lsm.h"

namespace berth::security {
namespace {

class FakeSys : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/berth-lsm-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }
  void put(const std::string& rel, const std::string& text) {
    std::string p = root_ + "/" + rel;
    std::system(("mkdir -p " + p.substr(0, p.rfind('/'))).c_str());
    std::ofstream(p) << text;
  }
  std::string root_;
};

oci::Spec spec_with(const char* profile, const char* label = nullptr,
                    const char* mount_label = nullptr) {
  oci::Spec s;
  s.process.emplace();
  s.linux.emplace();
  if (profile) s.process->apparmor_profile = profile;
  if (label) s.process->selinux_label = label;
  if (mount_label) s.linux->mount_label = mount_label;
  return s;
}

TEST_F(FakeSys, DetectsApparmorAndLoadedProfiles) {
  put("module/apparmor/parameters/enabled", "Y\n");
  put("kernel/security/apparmor/profiles", "berth-a (enforce)\nother (complain)\n");
  LsmHost h = detect_lsm_host(root_);
  EXPECT_TRUE(h.apparmor);
  EXPECT_FALSE(h.selinux);
  auto p = plan_lsm(spec_with("berth-a"), h);
  ASSERT_TRUE(p) << p.error().str();
  EXPECT_EQ(p->apparmor_profile, "berth-a");
  EXPECT_TRUE(plan_lsm(spec_with("unconfined"), h));
}

TEST_F(FakeSys, ProfileNotLoadedNamesTheField) {
  put("module/apparmor/parameters/enabled", "Y\n");
  put("kernel/security/apparmor/profiles", "berth-a (enforce)\n");
  auto p = plan_lsm(spec_with("berth"), detect_lsm_host(root_));  // a prefix is not a match
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().str(), "process.apparmorProfile: profile \"berth\" is not loaded");
}

TEST_F(FakeSys, ApparmorDisabledIgnoresTheProfile) {
  put("module/apparmor/parameters/enabled", "N\n");
  LsmHost h = detect_lsm_host(root_);
  EXPECT_FALSE(h.apparmor);
  auto p = plan_lsm(spec_with("docker-default"), h);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->apparmor_profile, "");
}

TEST_F(FakeSys, SelinuxLabelsNeedSelinux) {
  LsmHost h = detect_lsm_host(root_);
  auto p = plan_lsm(spec_with(nullptr, "system_u:system_r:container_t:s0"), h);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().str(), "process.selinuxLabel: SELinux is not enabled on this host");
  p = plan_lsm(spec_with(nullptr, nullptr, "system_u:object_r:container_file_t:s0"), h);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().str(), "linux.mountLabel: SELinux is not enabled on this host");
  put("fs/selinux/enforce", "1");
  h = detect_lsm_host(root_);
  EXPECT_TRUE(h.selinux);
  p = plan_lsm(spec_with(nullptr, "system_u:system_r:container_t:s0", "x_u:y_r:z_t:s0"), h);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->selinux_label, "system_u:system_r:container_t:s0");
  EXPECT_EQ(p->mount_label, "x_u:y_r:z_t:s0");
}

TEST(MountLabel, AddedToLabelLessFilesystemsOnly) {
  const std::string l = "system_u:object_r:container_file_t:s0:c1,c2";
  EXPECT_EQ(with_mount_label("tmpfs", "size=64m", l), "size=64m,context=\"" + l + "\"");
  EXPECT_EQ(with_mount_label("mqueue", "", l), "context=\"" + l + "\"");
  EXPECT_EQ(with_mount_label("proc", "", l), "");
  EXPECT_EQ(with_mount_label("bind", "", l), "");
  EXPECT_EQ(with_mount_label("tmpfs", "context=\"a\"", l), "context=\"a\"");
  EXPECT_EQ(with_mount_label("tmpfs", "size=1m", ""), "size=1m");
}

}  // namespace
}  // namespace berth::security
