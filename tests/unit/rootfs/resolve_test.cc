// open_in_root / mkdir_p_in_root / create_file_in_root against hostile trees, with
// openat2 and with the fallback walker. No mounts are involved: no root needed.
#include "rootfs/resolve.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

namespace berth::rootfs {
namespace {

using test::TempDir;

class ResolveTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    testing::force_fallback_resolver(GetParam());
    const auto& r = root_.path();
    ASSERT_FALSE(r.empty());
    ::mkdir((root_ / "etc").c_str(), 0755);
    test::write(root_ / "etc/passwd", "container\n");
    ::mkdir((root_ / "dir").c_str(), 0755);
    ::mkdir((root_ / "dir/sub").c_str(), 0755);
    test::write(root_ / "file", "f");
    link("/etc", "abs");
    link("../../../../../../etc", "rel");
    link("/etc/passwd", "hostpasswd");
    link("loop2", "loop1");
    link("loop1", "loop2");
    link("/nonexistent/x", "dangling");
    link("../../..", "dir/sub/up");
    link("/proc/self/root", "magic");
    link(outside_.path(), "escape");
    link("../../../../.." + outside_.path(), "escape_rel");
    // A chain of 41 links: one more than Linux (and the walker) follows.
    for (int i = 0; i < 41; ++i)
      link("c" + std::to_string(i + 1), "c" + std::to_string(i));
    test::write(root_ / "c41", "end");
    fd_ = ::open(r.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
  }
  void TearDown() override {
    if (fd_ >= 0) ::close(fd_);
    testing::force_fallback_resolver(false);
  }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(::symlink(target.c_str(), (root_ / name).c_str()), 0) << name;
  }
  // Whether fd is the inode at host path `expect`.
  static bool same(int fd, const std::string& expect) {
    struct stat a, b;
    if (::fstat(fd, &a) < 0 || ::stat(expect.c_str(), &b) < 0) return false;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
  }
  std::string read_in_root(const std::string& p) {
    auto fd = open_in_root(fd_, p, O_RDONLY);
    if (!fd) return std::string("<") + fd.error().what() + ">";
    char buf[256];
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    return n < 0 ? "<read error>" : std::string(buf, static_cast<std::size_t>(n));
  }

  TempDir root_{"berth-resolve-root"};
  TempDir outside_{"berth-outside"};
  int fd_ = -1;
};

TEST_P(ResolveTest, PlainPaths) {
  auto fd = open_in_root(fd_, "/etc/passwd", O_PATH);
  ASSERT_TRUE(fd) << fd.error().what();
  EXPECT_TRUE(same(fd->get(), root_ / "etc/passwd"));
  auto r = open_in_root(fd_, "/", O_PATH | O_DIRECTORY);
  ASSERT_TRUE(r);
  EXPECT_TRUE(same(r->get(), root_.path()));
  auto e = open_in_root(fd_, "", O_PATH);
  ASSERT_TRUE(e);
  EXPECT_TRUE(same(e->get(), root_.path()));
}

TEST_P(ResolveTest, AbsoluteSymlinkStaysInside) {
  EXPECT_EQ(read_in_root("/abs/passwd"), "container\n");
  EXPECT_EQ(read_in_root("/hostpasswd"), "container\n");
}

TEST_P(ResolveTest, DotDotIsClamped) {
  EXPECT_EQ(read_in_root("/rel/passwd"), "container\n");
  EXPECT_EQ(read_in_root("/../../../etc/passwd"), "container\n");
  EXPECT_EQ(read_in_root("dir/sub/up/etc/passwd"), "container\n");
  auto fd = open_in_root(fd_, "/dir/sub/up", O_PATH | O_DIRECTORY);
  ASSERT_TRUE(fd);
  EXPECT_TRUE(same(fd->get(), root_.path()));
}

TEST_P(ResolveTest, Loops) {
  auto fd = open_in_root(fd_, "/loop1", O_PATH);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code(), ELOOP);
  auto chain = open_in_root(fd_, "/c0", O_RDONLY);
  ASSERT_FALSE(chain);
  EXPECT_EQ(chain.error().code(), ELOOP);
  EXPECT_EQ(read_in_root("/c1"), "end");  // 40 links: still allowed
}

TEST_P(ResolveTest, Dangling) {
  auto fd = open_in_root(fd_, "/dangling", O_PATH);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code(), ENOENT);
  auto nf = open_in_root(fd_, "/dangling", O_PATH | O_NOFOLLOW);
  ASSERT_TRUE(nf) << nf.error().what();
  struct stat st;
  ASSERT_EQ(::fstat(nf->get(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
}

TEST_P(ResolveTest, NotADirectory) {
  auto fd = open_in_root(fd_, "/file/x", O_PATH);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().code(), ENOTDIR);
  auto d = open_in_root(fd_, "/file", O_PATH | O_DIRECTORY);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code(), ENOTDIR);
}

TEST_P(ResolveTest, MagicLinkNeverReachesHost) {
  // openat2 refuses the magic link (ELOOP); the walker reads /proc/self/root as text,
  // which is a path inside the root that does not exist. Neither reaches the host "/".
  auto fd = open_in_root(fd_, "/magic/etc/passwd", O_RDONLY);
  ASSERT_FALSE(fd);
  EXPECT_TRUE(fd.error().code() == ELOOP || fd.error().code() == ENOENT) << fd.error().what();
}

TEST_P(ResolveTest, CreateFollowsInsideRoot) {
  auto fd = open_in_root(fd_, "/abs/newfile", O_CREAT | O_WRONLY | O_EXCL, 0600);
  ASSERT_TRUE(fd) << fd.error().what();
  EXPECT_TRUE(same(fd->get(), root_ / "etc/newfile"));
  auto again = open_in_root(fd_, "/abs/newfile", O_CREAT | O_WRONLY | O_EXCL, 0600);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), EEXIST);
}

TEST_P(ResolveTest, MkdirThroughSymlinkToHostPathStaysInside) {
  auto fd = mkdir_p_in_root(fd_, "/escape/a/b");
  ASSERT_TRUE(fd) << fd.error().what();
  EXPECT_TRUE(same(fd->get(), root_.path() + outside_.path() + "/a/b"));
  struct stat st;
  EXPECT_NE(::stat((outside_ / "a").c_str(), &st), 0) << "created outside the root";
  auto rel = mkdir_p_in_root(fd_, "/escape_rel/c");
  ASSERT_TRUE(rel) << rel.error().what();
  EXPECT_TRUE(same(rel->get(), root_.path() + outside_.path() + "/c"));
  EXPECT_NE(::stat((outside_ / "c").c_str(), &st), 0);
  auto dangling = mkdir_p_in_root(fd_, "/dangling");
  ASSERT_TRUE(dangling) << dangling.error().what();
  EXPECT_TRUE(same(dangling->get(), root_ / "nonexistent/x"));
}

TEST_P(ResolveTest, MkdirExistingAndErrors) {
  auto fd = mkdir_p_in_root(fd_, "/etc");
  ASSERT_TRUE(fd);
  EXPECT_TRUE(same(fd->get(), root_ / "etc"));
  auto f = mkdir_p_in_root(fd_, "/file");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code(), ENOTDIR);
  auto loop = mkdir_p_in_root(fd_, "/loop1/x");
  ASSERT_FALSE(loop);
  EXPECT_EQ(loop.error().code(), ELOOP);
}

TEST_P(ResolveTest, CreateFileInRoot) {
  auto fd = create_file_in_root(fd_, "/escape/d/f", 0600);
  ASSERT_TRUE(fd) << fd.error().what();
  std::string expect = root_.path() + outside_.path() + "/d/f";
  EXPECT_TRUE(same(fd->get(), expect));
  struct stat st;
  ASSERT_EQ(::stat(expect.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_NE(::stat((outside_ / "d").c_str(), &st), 0);
  auto existing = create_file_in_root(fd_, "/hostpasswd");
  ASSERT_TRUE(existing);
  EXPECT_TRUE(same(existing->get(), root_ / "etc/passwd"));
}

TEST_P(ResolveTest, NoSymlinks) {
  auto ok = open_no_symlinks(fd_, "/etc/passwd");
  ASSERT_TRUE(ok) << ok.error().what();
  EXPECT_TRUE(same(ok->get(), root_ / "etc/passwd"));
  auto bad = open_no_symlinks(fd_, "/abs/passwd");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ELOOP);
}

INSTANTIATE_TEST_SUITE_P(Resolvers, ResolveTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Fallback" : "Openat2"; });

TEST(CleanPath, Lexical) {
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("a/b"), "/a/b");
  EXPECT_EQ(clean_path("//a/./b/"), "/a/b");
  EXPECT_EQ(clean_path("/a/../../b"), "/b");
  EXPECT_EQ(clean_path("/.."), "/");
}

}  // namespace
}  // namespace berth::rootfs
