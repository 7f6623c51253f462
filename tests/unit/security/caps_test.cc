// Capability names and build_caps_plan() (parent side).
#include <linux/capability.h>

#include <gtest/gtest.h>

#include "security/capabilities.h"

namespace berth::security {
namespace {

oci::Spec spec_with(oci::Capabilities c) {
  oci::Spec s;
  s.process = oci::Process{};
  s.process->capabilities = std::move(c);
  return s;
}

TEST(CapNames, AllFortyOneMatchTheKernelHeader) {
  const std::pair<const char*, int> all[] = {
      {"CAP_CHOWN", CAP_CHOWN}, {"CAP_DAC_OVERRIDE", CAP_DAC_OVERRIDE},
      {"CAP_DAC_READ_SEARCH", CAP_DAC_READ_SEARCH}, {"CAP_FOWNER", CAP_FOWNER},
      {"CAP_FSETID", CAP_FSETID}, {"CAP_KILL", CAP_KILL}, {"CAP_SETGID", CAP_SETGID},
      {"CAP_SETUID", CAP_SETUID}, {"CAP_SETPCAP", CAP_SETPCAP},
      {"CAP_LINUX_IMMUTABLE", CAP_LINUX_IMMUTABLE},
      {"CAP_NET_BIND_SERVICE", CAP_NET_BIND_SERVICE},
      {"CAP_NET_BROADCAST", CAP_NET_BROADCAST}, {"CAP_NET_ADMIN", CAP_NET_ADMIN},
      {"CAP_NET_RAW", CAP_NET_RAW}, {"CAP_IPC_LOCK", CAP_IPC_LOCK},
      {"CAP_IPC_OWNER", CAP_IPC_OWNER}, {"CAP_SYS_MODULE", CAP_SYS_MODULE},
      {"CAP_SYS_RAWIO", CAP_SYS_RAWIO}, {"CAP_SYS_CHROOT", CAP_SYS_CHROOT},
      {"CAP_SYS_PTRACE", CAP_SYS_PTRACE}, {"CAP_SYS_PACCT", CAP_SYS_PACCT},
      {"CAP_SYS_ADMIN", CAP_SYS_ADMIN}, {"CAP_SYS_BOOT", CAP_SYS_BOOT},
      {"CAP_SYS_NICE", CAP_SYS_NICE}, {"CAP_SYS_RESOURCE", CAP_SYS_RESOURCE},
      {"CAP_SYS_TIME", CAP_SYS_TIME}, {"CAP_SYS_TTY_CONFIG", CAP_SYS_TTY_CONFIG},
      {"CAP_MKNOD", CAP_MKNOD}, {"CAP_LEASE", CAP_LEASE},
      {"CAP_AUDIT_WRITE", CAP_AUDIT_WRITE}, {"CAP_AUDIT_CONTROL", CAP_AUDIT_CONTROL},
      {"CAP_SETFCAP", CAP_SETFCAP}, {"CAP_MAC_OVERRIDE", CAP_MAC_OVERRIDE},
      {"CAP_MAC_ADMIN", CAP_MAC_ADMIN}, {"CAP_SYSLOG", CAP_SYSLOG},
      {"CAP_WAKE_ALARM", CAP_WAKE_ALARM}, {"CAP_BLOCK_SUSPEND", CAP_BLOCK_SUSPEND},
      {"CAP_AUDIT_READ", CAP_AUDIT_READ}, {"CAP_PERFMON", CAP_PERFMON}, {"CAP_BPF", CAP_BPF},
      {"CAP_CHECKPOINT_RESTORE", CAP_CHECKPOINT_RESTORE},
  };
  ASSERT_EQ(std::size(all), 41u);
  EXPECT_EQ(known_capability_count(), 41);
  EXPECT_EQ(CAP_LAST_CAP, 40);
  oci::Capabilities c;
  c.bounding.emplace();
  for (auto [name, num] : all) {
    EXPECT_EQ(capability_number(name), num) << name;
    EXPECT_STREQ(capability_name(num), name);
    c.bounding->push_back(name);
  }
  EXPECT_EQ(capability_number("CAP_FOO"), -1);
  EXPECT_EQ(capability_number("cap_chown"), -1);
  EXPECT_EQ(capability_name(41), nullptr);
  auto plan = build_caps_plan(spec_with(c), 40);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->bounding, (uint64_t{1} << 41) - 1);
  EXPECT_TRUE(plan->warnings.empty());
}

TEST(CapsPlan, SetsAreSeparate) {
  oci::Capabilities c;
  c.bounding = {"CAP_NET_BIND_SERVICE", "CAP_KILL"};
  c.permitted = {"CAP_NET_BIND_SERVICE", "CAP_KILL"};
  c.effective = {"CAP_KILL"};
  c.inheritable = {"CAP_NET_BIND_SERVICE"};
  c.ambient = {"CAP_NET_BIND_SERVICE"};
  auto plan = build_caps_plan(spec_with(c), 40);
  ASSERT_TRUE(plan) << plan.error().str();
  EXPECT_TRUE(plan->present);
  EXPECT_EQ(plan->bounding, 0x420u);
  EXPECT_EQ(plan->permitted, 0x420u);
  EXPECT_EQ(plan->effective, 0x20u);
  EXPECT_EQ(plan->inheritable, 0x400u);
  EXPECT_EQ(plan->ambient, 0x400u);
  EXPECT_EQ(plan->last_cap, 40);
}

TEST(CapsPlan, AbsentMeansEmptyNeverInheritable) {
  oci::Spec s;
  s.process = oci::Process{};
  auto plan = build_caps_plan(s, 40);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->present);
  EXPECT_EQ(plan->bounding | plan->effective | plan->permitted | plan->inheritable |
                plan->ambient, 0u);
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN"};
  c.permitted = {"CAP_CHOWN"};
  c.effective = {"CAP_CHOWN"};
  plan = build_caps_plan(spec_with(c), 40);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->inheritable, 0u);  // CVE-2022-27650: not filled from the other sets
  EXPECT_EQ(plan->ambient, 0u);
}

TEST(CapsPlan, UnknownAndUnsupportedAreWarnings) {
  oci::Capabilities c;
  c.bounding = {"CAP_CHOWN", "CAP_UNKNOWN", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
  // Pretend cap_last_cap is 38 (CAP_PERFMON): CAP_BPF (39) and CAP_CHECKPOINT_RESTORE (40)
  // are then unknown to "this kernel".
  auto plan = build_caps_plan(spec_with(c), 38);
  ASSERT_TRUE(plan) << plan.error().str();
  EXPECT_EQ(plan->bounding, 1u);
  ASSERT_EQ(plan->warnings.size(), 3u);
  EXPECT_EQ(plan->warnings[0],
            "process.capabilities.bounding[1]: unknown capability \"CAP_UNKNOWN\"; ignoring it");
  EXPECT_EQ(plan->warnings[1],
            "process.capabilities.bounding[2]: capability CAP_BPF is not supported by this "
            "kernel (cap_last_cap is 38); ignoring it");
  EXPECT_NE(plan->warnings[2].find("bounding[3]: capability CAP_CHECKPOINT_RESTORE"),
            std::string::npos);
}

TEST(CapsPlan, ImpossibleCombinationsAreErrors) {
  oci::Capabilities c;
  c.bounding = {"CAP_KILL"};
  c.permitted = {"CAP_KILL"};
  c.effective = {"CAP_KILL", "CAP_CHOWN"};
  auto plan = build_caps_plan(spec_with(c), 40);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().str(), "process.capabilities.effective[1]: CAP_CHOWN is not in the "
                                "permitted set; effective must be a subset of permitted");
  c.effective = {"CAP_KILL"};
  c.inheritable = {"CAP_CHOWN"};
  plan = build_caps_plan(spec_with(c), 40);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().str().rfind("process.capabilities.inheritable[0]: CAP_CHOWN", 0), 0u);
  c.inheritable.reset();
  c.ambient = {"CAP_KILL"};  // permitted but not inheritable: skipped, as runc and crun do
  plan = build_caps_plan(spec_with(c), 40);
  ASSERT_TRUE(plan) << plan.error().str();
  EXPECT_EQ(plan->ambient, 0u);
  EXPECT_NE(plan->permitted, 0u);
}

TEST(CapsPlan, ReadsCapLastCap) {
  auto last = read_cap_last_cap();
  ASSERT_TRUE(last) << last.error().str();
  EXPECT_GE(*last, 36);
  oci::Spec s;
  auto plan = build_caps_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->last_cap, *last);
}

}  // namespace
}  // namespace berth::security
