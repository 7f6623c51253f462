// parse_mount_options: every option of config.md#configLinuxMountOptions.
#include "rootfs/mount_options.h"

#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>

namespace berth::rootfs {
namespace {

ParsedOptions parse(std::vector<std::string> v) {
  auto r = parse_mount_options(v);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().what());
  return r ? *r : ParsedOptions{};
}

struct FlagCase {
  const char* name;
  unsigned long set;
  unsigned long cleared;
};

class FlagOption : public ::testing::TestWithParam<FlagCase> {};

TEST_P(FlagOption, SetsAndClears) {
  const auto& c = GetParam();
  auto o = parse({c.name});
  EXPECT_EQ(o.flags, c.set) << c.name;
  EXPECT_EQ(o.cleared, c.cleared) << c.name;
  EXPECT_EQ(o.attr_set, 0u);
  EXPECT_EQ(o.attr_clr, 0u);
  EXPECT_TRUE(o.propagation.empty());
  EXPECT_TRUE(o.data.empty());
  EXPECT_FALSE(o.bind);
}

constexpr unsigned long kAtime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

INSTANTIATE_TEST_SUITE_P(
    Table, FlagOption,
    ::testing::Values(FlagCase{"async", 0, MS_SYNCHRONOUS}, FlagCase{"atime", 0, MS_NOATIME},
                      FlagCase{"defaults", 0, 0}, FlagCase{"dev", 0, MS_NODEV},
                      FlagCase{"diratime", 0, MS_NODIRATIME},
                      FlagCase{"dirsync", MS_DIRSYNC, 0}, FlagCase{"exec", 0, MS_NOEXEC},
                      FlagCase{"iversion", MS_I_VERSION, 0},
                      FlagCase{"lazytime", MS_LAZYTIME, 0}, FlagCase{"loud", 0, MS_SILENT},
                      FlagCase{"mand", MS_MANDLOCK, 0},
                      FlagCase{"noatime", MS_NOATIME, kAtime & ~MS_NOATIME},
                      FlagCase{"nodev", MS_NODEV, 0}, FlagCase{"nodiratime", MS_NODIRATIME, 0},
                      FlagCase{"noexec", MS_NOEXEC, 0}, FlagCase{"noiversion", 0, MS_I_VERSION},
                      FlagCase{"nolazytime", 0, MS_LAZYTIME}, FlagCase{"nomand", 0, MS_MANDLOCK},
                      FlagCase{"norelatime", 0, MS_RELATIME},
                      FlagCase{"nostrictatime", 0, MS_STRICTATIME},
                      FlagCase{"nosuid", MS_NOSUID, 0},
                      FlagCase{"nosymfollow", MS_NOSYMFOLLOW, 0},
                      FlagCase{"relatime", MS_RELATIME, kAtime & ~MS_RELATIME},
                      FlagCase{"ro", MS_RDONLY, 0}, FlagCase{"rw", 0, MS_RDONLY},
                      FlagCase{"silent", MS_SILENT, 0},
                      FlagCase{"strictatime", MS_STRICTATIME, kAtime & ~MS_STRICTATIME},
                      FlagCase{"suid", 0, MS_NOSUID}, FlagCase{"symfollow", 0, MS_NOSYMFOLLOW},
                      FlagCase{"sync", MS_SYNCHRONOUS, 0}));

struct AttrCase {
  const char* name;
  uint64_t set;
  uint64_t clr;
};

class RecursiveOption : public ::testing::TestWithParam<AttrCase> {};

TEST_P(RecursiveOption, SetsMountAttr) {
  const auto& c = GetParam();
  auto o = parse({c.name});
  EXPECT_EQ(o.attr_set, c.set) << c.name;
  EXPECT_EQ(o.attr_clr, c.clr) << c.name;
  EXPECT_EQ(o.flags, 0u);
  EXPECT_TRUE(o.has_recursive_attrs());
}

INSTANTIATE_TEST_SUITE_P(
    Table, RecursiveOption,
    ::testing::Values(AttrCase{"rro", MOUNT_ATTR_RDONLY, 0}, AttrCase{"rrw", 0, MOUNT_ATTR_RDONLY},
                      AttrCase{"rnosuid", MOUNT_ATTR_NOSUID, 0},
                      AttrCase{"rsuid", 0, MOUNT_ATTR_NOSUID},
                      AttrCase{"rnodev", MOUNT_ATTR_NODEV, 0},
                      AttrCase{"rdev", 0, MOUNT_ATTR_NODEV},
                      AttrCase{"rnoexec", MOUNT_ATTR_NOEXEC, 0},
                      AttrCase{"rexec", 0, MOUNT_ATTR_NOEXEC},
                      AttrCase{"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
                      AttrCase{"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
                      AttrCase{"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
                      AttrCase{"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
                      AttrCase{"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
                      AttrCase{"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
                      AttrCase{"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
                      AttrCase{"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
                      AttrCase{"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
                      AttrCase{"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}));

struct PropCase {
  const char* name;
  unsigned long flags;
};

class PropagationOption : public ::testing::TestWithParam<PropCase> {};

TEST_P(PropagationOption, Recorded) {
  const auto& c = GetParam();
  auto o = parse({c.name});
  ASSERT_EQ(o.propagation.size(), 1u);
  EXPECT_EQ(o.propagation[0], c.flags);
  EXPECT_EQ(o.flags, 0u);
  EXPECT_EQ(propagation_from_name(c.name), c.flags);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PropagationOption,
    ::testing::Values(PropCase{"shared", MS_SHARED}, PropCase{"rshared", MS_SHARED | MS_REC},
                      PropCase{"slave", MS_SLAVE}, PropCase{"rslave", MS_SLAVE | MS_REC},
                      PropCase{"private", MS_PRIVATE}, PropCase{"rprivate", MS_PRIVATE | MS_REC},
                      PropCase{"unbindable", MS_UNBINDABLE},
                      PropCase{"runbindable", MS_UNBINDABLE | MS_REC}));

TEST(MountOptions, BindAndRbind) {
  auto b = parse({"bind"});
  EXPECT_TRUE(b.bind);
  EXPECT_FALSE(b.recursive);
  auto r = parse({"rbind"});
  EXPECT_TRUE(r.bind);
  EXPECT_TRUE(r.recursive);
  EXPECT_EQ(r.flags, 0u);  // MS_BIND/MS_REC are not in flags: the mount code adds them
}

TEST(MountOptions, SpecialOptions) {
  EXPECT_TRUE(parse({"tmpcopyup"}).tmpcopyup);
  EXPECT_TRUE(parse({"remount"}).remount);
  EXPECT_TRUE(parse({"idmap"}).idmap);
  EXPECT_TRUE(parse({"ridmap"}).ridmap);
}

TEST(MountOptions, UnknownOptionsAreData) {
  auto o = parse({"nosuid", "size=64m", "strictatime", "mode=755", "newinstance"});
  EXPECT_EQ(o.data, "size=64m,mode=755,newinstance");
  EXPECT_EQ(o.flags, MS_NOSUID | MS_STRICTATIME);
}

TEST(MountOptions, LaterOptionWins) {
  EXPECT_EQ(parse({"ro", "rw"}).flags & MS_RDONLY, 0u);
  EXPECT_EQ(parse({"rw", "ro"}).flags & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_EQ(parse({"ro", "rw"}).cleared & MS_RDONLY, static_cast<unsigned long>(MS_RDONLY));
  EXPECT_EQ(parse({"noatime", "relatime"}).flags & kAtime, static_cast<unsigned long>(MS_RELATIME));
  EXPECT_EQ(parse({"nosuid", "suid"}).flags, 0u);
  auto r = parse({"rro", "rrw"});
  EXPECT_EQ(r.attr_set, 0u);
  EXPECT_EQ(r.attr_clr, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
  auto a = parse({"rnoatime", "rstrictatime"});
  EXPECT_EQ(a.attr_set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
  EXPECT_EQ(a.attr_clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
}

TEST(MountOptions, PropagationKeepsOrder) {
  auto o = parse({"rslave", "shared"});
  ASSERT_EQ(o.propagation.size(), 2u);
  EXPECT_EQ(o.propagation[0], static_cast<unsigned long>(MS_SLAVE | MS_REC));
  EXPECT_EQ(o.propagation[1], static_cast<unsigned long>(MS_SHARED));
}

TEST(MountOptions, Rejections) {
  auto e = parse_mount_options({""});
  ASSERT_FALSE(e);
  EXPECT_STREQ(e.error().what(), "empty mount option");
  auto v = parse_mount_options({"ro=1"});
  ASSERT_FALSE(v);
  EXPECT_STREQ(v.error().what(), "mount option \"ro\" takes no value");
  EXPECT_EQ(v.error().code(), EINVAL);
  auto i = parse_mount_options({"idmap", "ridmap"});
  ASSERT_FALSE(i);
  EXPECT_NE(std::string(i.error().what()).find("mutually exclusive"), std::string::npos);
  EXPECT_EQ(propagation_from_name("ro"), 0u);
  EXPECT_EQ(propagation_from_name("bogus"), 0u);
}

TEST(MountOptions, EmptyList) {
  auto o = parse({});
  EXPECT_EQ(o.flags, 0u);
  EXPECT_FALSE(o.bind);
  EXPECT_TRUE(o.data.empty());
}

TEST(MsToMountAttr, PerMountBits) {
  uint64_t set, clr;
  ms_to_mount_attr(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NODIRATIME | MS_NOSYMFOLLOW, 0,
                   &set, &clr);
  EXPECT_EQ(set, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                       MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODIRATIME |
                                       MOUNT_ATTR_NOSYMFOLLOW));
  EXPECT_EQ(clr, 0u);
  ms_to_mount_attr(0, MS_RDONLY | MS_NOSUID, &set, &clr);
  EXPECT_EQ(set, 0u);
  EXPECT_EQ(clr, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID));
  // Non per-mount flags (sync, mand, ...) do not map to anything.
  ms_to_mount_attr(MS_SYNCHRONOUS | MS_MANDLOCK, 0, &set, &clr);
  EXPECT_EQ(set | clr, 0u);
}

TEST(MsToMountAttr, Atime) {
  uint64_t set, clr;
  ms_to_mount_attr(MS_NOATIME, 0, &set, &clr);
  EXPECT_EQ(set, static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
  EXPECT_EQ(clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
  ms_to_mount_attr(MS_NOATIME | MS_STRICTATIME, 0, &set, &clr);  // kernel: strict wins
  EXPECT_EQ(set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
  ms_to_mount_attr(0, MS_NOATIME, &set, &clr);  // "atime"
  EXPECT_EQ(set, static_cast<uint64_t>(MOUNT_ATTR_RELATIME));
  EXPECT_EQ(clr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
  ms_to_mount_attr(0, MS_RELATIME, &set, &clr);  // "norelatime"
  EXPECT_EQ(set, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
  ms_to_mount_attr(0, 0, &set, &clr);  // nothing said: atime untouched
  EXPECT_EQ(set | clr, 0u);
}

}  // namespace
}  // namespace berth::rootfs
