// ns::build_plan: the parent-side resolution of linux.namespaces.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "namespaces/namespaces.h"

namespace berth::ns {
namespace {

oci::Spec spec_joining(const std::string& type, const std::string& path) {
  oci::Spec s;
  s.linux.emplace();
  s.linux->namespaces.push_back({"mount", std::nullopt});
  s.linux->namespaces.push_back({type, path});
  return s;
}

class NamespacesPlanDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char t[] = "/tmp/berth-ns-test.XXXXXX";
    ASSERT_NE(::mkdtemp(t), nullptr);
    dir_ = t;
  }
  void TearDown() override {
    ::unlink((dir_ + "/f").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST(NamespacesPlan, JoinsOwnNetworkNamespace) {
  auto p = build_plan(spec_joining("network", "/proc/self/ns/net"));
  ASSERT_TRUE(p) << p.error().what();
  ASSERT_EQ(p->join.size(), 1u);
  EXPECT_EQ(p->join[0].flag, CLONE_NEWNET);
  EXPECT_TRUE(p->join[0].fd);
  EXPECT_FALSE(p->new_net);
}

TEST(NamespacesPlan, RefusesNamespaceOfAnotherType) {
  auto p = build_plan(spec_joining("network", "/proc/self/ns/uts"));
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().what()).find("linux.namespaces[1].path"), std::string::npos)
      << p.error().what();
}

// Found while auditing the planner for fuzz/fuzz_plan: a FIFO as namespace path made open(O_RDONLY) block
// forever (berth create hung before reporting anything). Planning must refuse it at once.
TEST_F(NamespacesPlanDir, FifoIsRefusedWithoutBlocking) {
  std::string fifo = dir_ + "/f";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ::alarm(10);  // a regression hangs: fail loudly instead of forever
  auto p = build_plan(spec_joining("network", fifo));
  ::alarm(0);
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().what()).find("not a namespace file"), std::string::npos)
      << p.error().what();
}

// Not opened for reading at all: opening some device nodes acts on the device.
TEST(NamespacesPlan, DeviceIsRefused) {
  auto p = build_plan(spec_joining("network", "/dev/null"));
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().what()).find("not a namespace file"), std::string::npos)
      << p.error().what();
}

TEST(NamespacesPlan, MissingPathNamesTheField) {
  auto p = build_plan(spec_joining("ipc", "/nonexistent/ns"));
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().what()).find("linux.namespaces[1].path"), std::string::npos);
}

}  // namespace
}  // namespace berth::ns
