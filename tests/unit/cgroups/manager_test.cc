// The pure parts of the cgroup manager: v1 hierarchy discovery and cgroupsPath rules.
#include <gtest/gtest.h>

#include "cgroups/hierarchy.h"
#include "cgroups/manager.h"

namespace berth::cgroups {
namespace {

TEST(Hierarchy, ParsesV1MountsOnly) {
  const char* mi =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
      "33 31 0:30 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "34 31 0:31 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd,release_agent=/x\n"
      "35 31 0:32 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n";
  auto h = parse_v1_hierarchies(mi);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(h[0].controllers, "cpu,cpuacct");
  EXPECT_TRUE(h[0].has("cpu"));
  EXPECT_TRUE(h[0].has("cpuacct"));
  EXPECT_FALSE(h[0].has("cpuset"));
  EXPECT_EQ(h[1].controllers, "memory");
  EXPECT_EQ(h[2].controllers, "name=systemd");
}

TEST(Manager, DirectoriesPerMode) {
  Manager v2(Mode::kV2, "/berth/c1");
  EXPECT_EQ(v2.v2_dir(), "/sys/fs/cgroup/berth/c1");
  EXPECT_TRUE(v2.v1_dirs().empty());
  Manager hy(Mode::kHybrid, "/berth/c1");
  EXPECT_EQ(hy.v2_dir(), "/sys/fs/cgroup/unified/berth/c1");
  Manager off(Mode::kDisabled, "/berth/c1");
  EXPECT_EQ(off.path(), "");
  EXPECT_EQ(off.v2_dir(), "");
}

TEST(ResolvePath, Rules) {
  EXPECT_EQ(*resolve_path(std::nullopt, "c1", Mode::kV2), "/berth/c1");
  EXPECT_EQ(*resolve_path(std::string("/a//b/"), "c1", Mode::kV1), "/a/b");
  EXPECT_EQ(*resolve_path(std::string("rel/x"), "c1", Mode::kV2), "/rel/x");
  EXPECT_EQ(*resolve_path(std::string("/x"), "c1", Mode::kDisabled), "");
  auto dots = resolve_path(std::string("/a/../b"), "c1", Mode::kV2);
  ASSERT_FALSE(dots);
  EXPECT_NE(std::string(dots.error().what()).find("linux.cgroupsPath"), std::string::npos);
  auto sd = resolve_path(std::string("system.slice:berth:c1"), "c1", Mode::kV2);
  ASSERT_FALSE(sd);
  EXPECT_NE(std::string(sd.error().what()).find("systemd"), std::string::npos);
  EXPECT_FALSE(resolve_path(std::string("/"), "c1", Mode::kV2));
}

}  // namespace
}  // namespace berth::cgroups
