// build_plan: field-naming errors, path resolution, default devices (no root needed).
#include "rootfs/plan.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "test_util.h"

namespace berth::rootfs {
namespace {

using test::TempDir;

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(bundle_.path().empty());
    ::mkdir((bundle_ / "rootfs").c_str(), 0755);
    spec_.root = oci::Root{"rootfs", std::nullopt};
    spec_.linux = oci::Linux{};
  }
  Result<Plan> build(bool no_pivot = false) { return build_plan(spec_, bundle_.path(), no_pivot); }
  std::string error() {
    auto r = build();
    return r ? std::string("<no error>") : r.error().str();
  }
  oci::Mount mount(std::string dest, std::string type, std::string source,
                   std::vector<std::string> options) {
    oci::Mount m;
    m.destination = std::move(dest);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
  }

  TempDir bundle_;
  oci::Spec spec_;
};

TEST_F(PlanTest, RelativeRootIsResolvedAgainstBundle) {
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->rootfs, bundle_ / "rootfs");
  EXPECT_FALSE(p->readonly);
  EXPECT_FALSE(p->no_pivot);
  EXPECT_EQ(p->root_propagation, 0u);
}

TEST_F(PlanTest, AbsoluteRootAndReadonlyAndNoPivot) {
  spec_.root = oci::Root{bundle_ / "rootfs", true};
  auto p = build(true);
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->rootfs, bundle_ / "rootfs");
  EXPECT_TRUE(p->readonly);
  EXPECT_TRUE(p->no_pivot);
}

TEST_F(PlanTest, RootIsCanonical) {
  ASSERT_EQ(::symlink("rootfs", (bundle_ / "link").c_str()), 0);
  spec_.root->path = "link/../rootfs";
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->rootfs, bundle_ / "rootfs");
}

TEST_F(PlanTest, MissingRootfs) {
  spec_.root->path = "nope";
  EXPECT_EQ(error(), "root.path: " + (bundle_ / "nope") + ": no such directory");
  test::write(bundle_ / "file", "x");
  spec_.root->path = "file";
  EXPECT_EQ(error(), "root.path: " + (bundle_ / "file") + ": no such directory");
  spec_.root.reset();
  EXPECT_EQ(error(), "root: required on Linux");
}

TEST_F(PlanTest, DefaultDevices) {
  auto p = build();
  ASSERT_TRUE(p);
  ASSERT_EQ(p->devices.size(), 6u);
  struct Want {
    const char* path;
    unsigned maj, min;
  } want[] = {{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
              {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p->devices[i].path, want[i].path);
    EXPECT_EQ(p->devices[i].type, static_cast<mode_t>(S_IFCHR));
    EXPECT_EQ(p->devices[i].rdev, makedev(want[i].maj, want[i].min));
    EXPECT_EQ(p->devices[i].mode, 0666u);
    EXPECT_EQ(p->devices[i].uid, 0u);
    EXPECT_EQ(p->devices[i].spec_index, -1);
  }
  EXPECT_TRUE(p->setup_dev);
  EXPECT_FALSE(p->dev_mounted);
}

TEST_F(PlanTest, SpecDeviceOverridesDefaultAndAddsNew) {
  spec_.linux->devices.push_back({"c", "/dev/null", 1, 3, 0600, 1000, 1000});
  spec_.linux->devices.push_back({"b", "/dev/sda", 8, 0, 8630 & 07777, std::nullopt, 6});
  spec_.linux->devices.push_back({"p", "/run/fifo", std::nullopt, std::nullopt, std::nullopt,
                                  std::nullopt, std::nullopt});
  spec_.linux->devices.push_back({"u", "/dev/fuse", 10, 229, 8630, 0, 0});  // S_IFCHR|0666
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  ASSERT_EQ(p->devices.size(), 9u);
  EXPECT_EQ(p->devices[0].path, "/dev/null");
  EXPECT_EQ(p->devices[0].mode, 0600u);
  EXPECT_EQ(p->devices[0].uid, 1000u);
  EXPECT_EQ(p->devices[0].spec_index, 0);
  EXPECT_EQ(p->devices[6].type, static_cast<mode_t>(S_IFBLK));
  EXPECT_EQ(p->devices[6].gid, 6u);
  EXPECT_EQ(p->devices[7].type, static_cast<mode_t>(S_IFIFO));
  EXPECT_EQ(p->devices[7].mode, 0666u);  // default mode
  EXPECT_EQ(p->devices[8].type, static_cast<mode_t>(S_IFCHR));
  EXPECT_EQ(p->devices[8].rdev, makedev(10, 229));
  EXPECT_EQ(p->devices[8].mode, 0666u);
}

TEST_F(PlanTest, BadDevices) {
  spec_.linux->devices = {{"x", "/dev/a", 1, 1, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].type: unknown device type \"x\"");
  spec_.linux->devices = {{"c", "dev/a", 1, 1, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].path: \"dev/a\" is not an absolute path");
  spec_.linux->devices = {{"c", "/dev/a", std::nullopt, 1, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].major: required for type \"c\"");
  spec_.linux->devices = {{"c", "/dev/a", 1, -1, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].minor: -1 out of range");
  spec_.linux->devices = {{"b", "/dev/a", 1, 1, 8630, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].fileMode: file type bits do not match type \"b\"");
  spec_.linux->devices = {{"c", "/dev/a", 1, 1, {}, {}, {}}, {"c", "/dev/./a", 1, 2, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[1].path: \"/dev/a\" already used by linux.devices[0]");
  spec_.linux->devices = {{"c", "/dev/..", 1, 1, {}, {}, {}}};
  EXPECT_EQ(error(), "linux.devices[0].path: \"/dev/..\" cannot be a device");
}

TEST_F(PlanTest, MountsResolved) {
  ::mkdir((bundle_ / "vol").c_str(), 0755);
  spec_.mounts = {mount("/proc", "proc", "proc", {}),
                  mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
                  mount("/data//x/../y/", "none", "vol", {"rbind", "ro"}),
                  mount("/abs", "bind", bundle_ / "vol", {})};
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  ASSERT_EQ(p->mounts.size(), 4u);
  EXPECT_EQ(p->mounts[0].destination, "/proc");
  EXPECT_FALSE(p->mounts[0].is_bind);
  EXPECT_EQ(p->mounts[1].destination, "/dev");
  EXPECT_EQ(p->mounts[1].options.data, "mode=755,size=65536k");
  EXPECT_TRUE(p->dev_mounted);
  EXPECT_TRUE(p->setup_dev);
  EXPECT_EQ(p->mounts[2].index, 2u);
  EXPECT_EQ(p->mounts[2].destination, "/data/y");
  EXPECT_EQ(p->mounts[2].source, bundle_ / "vol");
  EXPECT_TRUE(p->mounts[2].is_bind);
  EXPECT_TRUE(p->mounts[2].is_recursive);
  EXPECT_EQ(p->mounts[2].options.flags, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_TRUE(p->mounts[3].is_bind);  // type "bind" implies a bind mount
  EXPECT_FALSE(p->mounts[3].is_recursive);
}

TEST_F(PlanTest, RelativeDestinationRefused) {
  spec_.mounts = {mount("/proc", "proc", "proc", {}), mount("dev", "tmpfs", "tmpfs", {})};
  auto p = build();
  ASSERT_FALSE(p);
  EXPECT_STREQ(p.error().what(), "mounts[1].destination: must be an absolute path, got \"dev\"");
}

TEST_F(PlanTest, BindDevDisablesDeviceSetup) {
  spec_.mounts = {mount("/dev", "bind", "/dev", {"rbind"})};
  auto p = build();
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->dev_mounted);
  EXPECT_FALSE(p->setup_dev);
}

TEST_F(PlanTest, ReadonlyDevTmpfsIsDeferred) {
  spec_.mounts = {mount("/dev", "tmpfs", "tmpfs", {"ro", "nosuid"})};
  auto p = build();
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->mounts[0].defer_rdonly);
  EXPECT_EQ(p->mounts[0].options.flags, static_cast<unsigned long>(MS_NOSUID));
}

TEST_F(PlanTest, MountErrors) {
  spec_.mounts = {mount("/a", "tmpfs", "tmpfs", {}), mount("", "tmpfs", "tmpfs", {})};
  EXPECT_EQ(error(), "mounts[1].destination: must not be empty");
  spec_.mounts = {mount("/..", "tmpfs", "tmpfs", {})};
  EXPECT_EQ(error(), "mounts[0].destination: cannot mount over the container's \"/\"");
  spec_.mounts = {mount("/a", "tmpfs", "tmpfs", {"nodev=1"})};
  EXPECT_EQ(error(), "mounts[0].options: mount option \"nodev\" takes no value");
  spec_.mounts = {mount("/a", "none", "missing", {"bind"})};
  EXPECT_EQ(error(), "mounts[0].source: " + (bundle_ / "missing") + ": No such file or directory");
  spec_.mounts = {mount("/a", "", "", {"bind"})};
  EXPECT_EQ(error(), "mounts[0].source: required for a bind mount");
  spec_.mounts = {mount("/a", "", "x", {})};
  EXPECT_EQ(error(), "mounts[0].type: required for a mount that is not a bind mount");
  spec_.mounts = {mount("/a", "proc", "proc", {"tmpcopyup"})};
  EXPECT_EQ(error(), "mounts[0].options: \"tmpcopyup\" needs type \"tmpfs\", not \"proc\"");
}

TEST_F(PlanTest, IdmapNotSupportedYet) {
  spec_.mounts = {mount("/a", "none", "/tmp", {"rbind", "idmap"})};
  auto r = build();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().str(), "mounts[0].options: idmapped mounts (\"idmap\") are not supported yet");
  EXPECT_EQ(r.error().code(), ENOTSUP);
  spec_.mounts = {mount("/a", "none", "/tmp", {"rbind", "ridmap"})};
  EXPECT_EQ(error(), "mounts[0].options: idmapped mounts (\"ridmap\") are not supported yet");
  spec_.mounts = {mount("/a", "none", "/tmp", {"rbind"})};
  spec_.mounts[0].uid_mappings = {{0, 1000, 1}};
  EXPECT_EQ(error(), "mounts[0].uidMappings: idmapped mounts are not supported yet");
}

TEST_F(PlanTest, OverlayRelativeDirsAreBundleRelative) {
  spec_.mounts = {mount("/ov", "overlay", "overlay",
                        {"lowerdir=l1:/abs/l2", "upperdir=up", "workdir=/w", "index=off"})};
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->mounts[0].options.data, "lowerdir=" + (bundle_ / "l1") + ":/abs/l2,upperdir=" +
                                           (bundle_ / "up") + ",workdir=/w,index=off");
}

TEST_F(PlanTest, PropagationAndPaths) {
  spec_.linux->rootfs_propagation = "rshared";
  spec_.linux->masked_paths = {"/proc/kcore", "/proc//acpi/"};
  spec_.linux->readonly_paths = {"/proc/sys"};
  auto p = build();
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_EQ(p->root_propagation, static_cast<unsigned long>(MS_SHARED | MS_REC));
  EXPECT_EQ(p->masked_paths, (std::vector<std::string>{"/proc/kcore", "/proc/acpi"}));
  EXPECT_EQ(p->readonly_paths, (std::vector<std::string>{"/proc/sys"}));
  spec_.linux->rootfs_propagation = "bogus";
  EXPECT_EQ(error(), "linux.rootfsPropagation: unknown propagation \"bogus\"");
  spec_.linux->rootfs_propagation = "private";
  spec_.linux->masked_paths = {"relative"};
  EXPECT_EQ(error(), "linux.maskedPaths[0]: \"relative\" is not an absolute path");
}

TEST_F(PlanTest, ConsoleFromTerminal) {
  spec_.process = oci::Process{};
  spec_.process->terminal = true;
  auto p = build();
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->console);
}

}  // namespace
}  // namespace berth::rootfs
