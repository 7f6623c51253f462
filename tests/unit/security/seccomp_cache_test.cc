// The compiled-program cache (security/seccomp_cache.h): a hit gives the same program and
// the same checks, a changed profile misses, and nothing untrusted is ever used.
#include "security/seccomp_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include "security/seccomp.h"

namespace berth::security {
namespace {

namespace fs = std::filesystem;

oci::Seccomp profile(const std::string& errno_syscall) {
  oci::Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  oci::SeccompSyscall r;
  r.names = {errno_syscall, "berth_no_such_syscall"};
  r.action = "SCMP_ACT_ERRNO";
  s.syscalls = {r};
  return s;
}

bool same(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof a[0]) == 0;
}

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char t[] = "/tmp/berth-sccache.XXXXXX";
    ASSERT_NE(::mkdtemp(t), nullptr);
    base_ = t;
    dir_ = base_ + "/cache";
  }
  void TearDown() override { fs::remove_all(base_); }
  std::size_t entries() const {
    std::size_t n = 0;
    for (auto& e : fs::directory_iterator(dir_)) n += e.path().extension() == ".bpf";
    return n;
  }
  std::string only_entry() const {
    for (auto& e : fs::directory_iterator(dir_)) return e.path();
    return {};
  }
  std::string base_, dir_;
};

TEST_F(SeccompCache, MissThenHitGivesTheSameProgram) {
  auto fresh = compile_seccomp(profile("getppid"));
  ASSERT_TRUE(fresh) << fresh.error().what();
  auto first = compile_seccomp(profile("getppid"), dir_);
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(entries(), 1u);
  EXPECT_EQ(fs::status(dir_).permissions() & fs::perms::all, fs::perms::owner_all);
  auto hit = seccomp_cache_lookup(dir_, seccomp_cache_key(profile("getppid")));
  ASSERT_TRUE(hit);
  EXPECT_TRUE(same(*hit, fresh->program));
  auto second = compile_seccomp(profile("getppid"), dir_);
  ASSERT_TRUE(second);
  EXPECT_TRUE(same(second->program, fresh->program));
  EXPECT_EQ(entries(), 1u);
}

TEST_F(SeccompCache, AChangedProfileMisses) {
  ASSERT_TRUE(compile_seccomp(profile("getppid"), dir_));
  EXPECT_FALSE(seccomp_cache_lookup(dir_, seccomp_cache_key(profile("umask"))));
  auto other = compile_seccomp(profile("umask"), dir_);
  ASSERT_TRUE(other);
  auto fresh = compile_seccomp(profile("umask"));
  EXPECT_TRUE(same(other->program, fresh->program));
  EXPECT_EQ(entries(), 2u);
}

TEST_F(SeccompCache, ErrorsAreReportedOnAHitToo) {
  ASSERT_TRUE(compile_seccomp(profile("getppid"), dir_));
  // Same rules, but an errnoRet out of range: not a cache question, still an error.
  oci::Seccomp bad = profile("getppid");
  bad.syscalls[0].errno_ret = 70000;
  auto r = compile_seccomp(bad, dir_);
  ASSERT_FALSE(r);
  EXPECT_NE(std::string(r.error().what()).find("linux.seccomp.syscalls[0].errnoRet"),
            std::string::npos);
}

TEST_F(SeccompCache, ATamperedKeyIsAMiss) {
  ASSERT_TRUE(compile_seccomp(profile("getppid"), dir_));
  std::string key = seccomp_cache_key(profile("getppid"));
  // Same file name (the hash), different stored key text: must not be used.
  std::string path = only_entry();
  int fd = ::open(path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  std::string head = "berth-seccomp-cache 1\n" + std::to_string(key.size()) + "\n";
  char c = 'X';
  ASSERT_EQ(::pwrite(fd, &c, 1, static_cast<off_t>(head.size() + 2)), 1);
  ::close(fd);
  EXPECT_FALSE(seccomp_cache_lookup(dir_, key));
}

TEST_F(SeccompCache, UntrustedDirectoryOrFilesAreNotUsed) {
  ASSERT_TRUE(compile_seccomp(profile("getppid"), dir_));
  std::string key = seccomp_cache_key(profile("getppid"));
  ASSERT_TRUE(seccomp_cache_lookup(dir_, key));
  std::string entry = only_entry();
  ::chmod(entry.c_str(), 0622);  // group/other-writable entry
  EXPECT_FALSE(seccomp_cache_lookup(dir_, key));
  ::chmod(entry.c_str(), 0600);
  ::chmod(dir_.c_str(), 0755);  // others may read the directory
  EXPECT_FALSE(seccomp_cache_lookup(dir_, key));
  ::chmod(dir_.c_str(), 0700);
  // A symlinked directory is not followed.
  std::string link = base_ + "/link";
  ASSERT_EQ(::symlink(dir_.c_str(), link.c_str()), 0);
  EXPECT_FALSE(seccomp_cache_lookup(link, key));
  // A symlinked entry is not followed either.
  std::string moved = base_ + "/moved.bpf";
  ASSERT_EQ(::rename(entry.c_str(), moved.c_str()), 0);
  ASSERT_EQ(::symlink(moved.c_str(), entry.c_str()), 0);
  EXPECT_FALSE(seccomp_cache_lookup(dir_, key));
}

TEST_F(SeccompCache, StaysBounded) {
  for (int i = 0; i < static_cast<int>(kSeccompCacheMaxEntries) + 5; ++i) {
    oci::Seccomp s = profile("getppid");
    s.default_errno_ret = static_cast<uint32_t>(i + 1);
    s.default_action = "SCMP_ACT_ERRNO";
    s.syscalls[0].action = "SCMP_ACT_ALLOW";
    ASSERT_TRUE(compile_seccomp(s, dir_));
  }
  EXPECT_LE(entries(), kSeccompCacheMaxEntries);
  EXPECT_GE(entries(), kSeccompCacheMaxEntries - 1);
}

TEST_F(SeccompCache, KeyCoversLibseccompAndKernel) {
  std::string key = seccomp_cache_key(profile("getppid"));
  EXPECT_NE(key.find("libseccomp "), std::string::npos);
  EXPECT_NE(key.find("kernel "), std::string::npos);
  EXPECT_NE(key.find("\"getppid\""), std::string::npos);
}

}  // namespace
}  // namespace berth::security
