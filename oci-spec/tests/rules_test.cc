// One test per rule: a minimal valid config mutated to break exactly that
// rule, asserting the exact JSON path and a key phrase of the message.
#include <gtest/gtest.h>

#include "oci/json.h"
#include "oci/validate.h"

namespace {

constexpr const char* kBase = R"({
  "ociVersion": "1.3.0",
  "root": {"path": "rootfs"},
  "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
  "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]}
})";

oci::Spec base() {
  auto r = oci::parse_config(kBase);
  EXPECT_TRUE(r.has_value()) << r.error().str();
  return *r;
}

// Checks both validate() on the model and parse_config() on its JSON.
void expect_invalid(const oci::Spec& s, const std::string& path, const std::string& phrase) {
  auto v = oci::validate(s);
  ASSERT_FALSE(v.has_value()) << "validate() accepted the mutation";
  EXPECT_EQ(v.error().path, path) << v.error().str();
  EXPECT_NE(v.error().message.find(phrase), std::string::npos) << v.error().str();
  auto p = oci::parse_config(oci::write_config(s));
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error(), v.error());
}

void expect_json_error(const std::string& json, const std::string& path,
                       const std::string& phrase) {
  auto p = oci::parse_config(json);
  ASSERT_FALSE(p.has_value()) << "accepted: " << json;
  EXPECT_EQ(p.error().path, path) << p.error().str();
  EXPECT_NE(p.error().message.find(phrase), std::string::npos) << p.error().str();
}

oci::Linux& lx(oci::Spec& s) { return *s.linux; }
oci::Resources& res(oci::Spec& s) {
  if (!s.linux->resources) s.linux->resources.emplace();
  return *s.linux->resources;
}
oci::Seccomp& sec(oci::Spec& s) {
  if (!s.linux->seccomp) s.linux->seccomp = oci::Seccomp{.default_action = "SCMP_ACT_ALLOW"};
  return *s.linux->seccomp;
}

TEST(Rules, BaseIsValid) { EXPECT_TRUE(oci::validate(base()).has_value()); }

// ---- structural (parser) rules ----
TEST(Structure, MissingOciVersion) {
  expect_json_error(R"({"root": {"path": "r"}})", "ociVersion", "required property missing");
}
TEST(Structure, MissingRootPath) {
  expect_json_error(R"({"ociVersion": "1.0.0", "root": {}})", "root.path",
                    "required property missing");
}
TEST(Structure, MissingCwd) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"args": ["sh"]}})",
      "process.cwd", "required property missing");
}
TEST(Structure, MissingUid) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": ["a"], "user": {"gid": 0}}})",
      "process.user.uid", "required property missing");
}
TEST(Structure, NegativeUid) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": ["a"], "user": {"uid": -1, "gid": 0}}})",
      "process.user.uid", "expected an unsigned 32-bit integer, got -1");
}
TEST(Structure, UidTooLarge) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": ["a"], "user": {"uid": 4294967296, "gid": 0}}})",
      "process.user.uid", "got 4294967296");
}
TEST(Structure, FractionRejected) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"memory": {"limit": 1.5}}}})",
      "linux.resources.memory.limit", "expected a 64-bit integer, got 1.5");
}
TEST(Structure, Uint64Max) {
  auto r = oci::parse_config(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"cpu": {"shares": 18446744073709551615}}}})");
  ASSERT_TRUE(r.has_value()) << r.error().str();
  EXPECT_EQ(*r->linux->resources->cpu->shares, 18446744073709551615ull);
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"cpu": {"shares": 18446744073709551616}}}})",
      "linux.resources.cpu.shares", "unsigned 64-bit");
}
TEST(Structure, WrongType) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": "sh"}})",
      "process.args", "expected an array, got a string");
}
TEST(Structure, SysctlValueType) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"sysctl": {"net.ipv4.ip_forward": 1}}})",
      "linux.sysctl[\"net.ipv4.ip_forward\"]", "expected a string, got a number");
}
TEST(Structure, ArrayElementPath) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "mounts": [{"destination": "/a"}, {"source": "x"}]})",
      "mounts[1].destination", "required property missing");
}
TEST(Structure, TopLevelNotObject) { expect_json_error("[]", "", "expected a JSON object"); }
TEST(Structure, InvalidJson) { expect_json_error("{\"ociVersion\": ", "", "invalid JSON"); }
TEST(Structure, UnknownPropertiesIgnored) {
  auto r = oci::parse_config(
      R"({"ociVersion": "1.0.0", "root": {"path": "r", "x": 1}, "foo": [1, {"a": null}], "windows": {}})");
  EXPECT_TRUE(r.has_value()) << r.error().str();
}
TEST(Structure, NullMeansAbsent) {
  auto r = oci::parse_config(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "hostname": null, "mounts": null})");
  ASSERT_TRUE(r.has_value()) << r.error().str();
  EXPECT_FALSE(r->hostname.has_value());
}
TEST(Structure, RequiredNullRejected) {
  expect_json_error(R"({"ociVersion": null, "root": {"path": "r"}})", "ociVersion",
                    "expected a string, got null");
}
TEST(Structure, NulByteRejected) {
  std::string j = R"({"ociVersion": "1.0.0", "root": {"path": "r"}})";
  j.push_back('\0');
  expect_json_error(j, "", "NUL");
}
TEST(Structure, DeepNestingRejected) {
  std::string j = R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "x": )" +
                  std::string(1000, '[') + std::string(1000, ']') + "}";
  expect_json_error(j, "", "nesting");
}
TEST(Structure, SchedulerPolicyRequired) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"cwd": "/", "args": ["a"], "scheduler": {"nice": 1}}})",
      "process.scheduler.policy", "required property missing");
}
TEST(Structure, SeccompSyscallRequiresAction) {
  expect_json_error(
      R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]}}})",
      "linux.seccomp.syscalls[0].action", "required property missing");
}

// ---- semantic rules (validate.h table) ----
TEST(Rules, OciVersionNotSemver) {
  auto s = base();
  s.oci_version = "1.0";
  expect_invalid(s, "ociVersion", "SemVer");
}
TEST(Rules, OciVersionMajor2) {
  auto s = base();
  s.oci_version = "2.0.0";
  expect_invalid(s, "ociVersion", "unsupported major version 2");
}
TEST(Rules, RootRequired) {
  auto s = base();
  s.root.reset();
  expect_invalid(s, "root", "required property missing");
}
TEST(Rules, RootPathEmpty) {
  auto s = base();
  s.root->path = "";
  expect_invalid(s, "root.path", "must not be empty");
}
TEST(Rules, AnnotationEmptyKey) {
  auto s = base();
  s.annotations[""] = "x";
  expect_invalid(s, "annotations[\"\"]", "must not be empty");
}
TEST(Rules, MountDestinationEmpty) {
  auto s = base();
  s.mounts = {
      {.destination = "/a"}, {.destination = "/b"}, {.destination = "/c"}, {.destination = ""}};
  expect_invalid(s, "mounts[3].destination", "must not be empty");
}
TEST(Rules, MountRelativeDestinationAccepted) {
  // config.md#mounts: on Linux a relative destination MAY be used (deprecated).
  auto s = base();
  s.mounts = {{.destination = "data"}};
  EXPECT_TRUE(oci::validate(s).has_value());
}
TEST(Rules, MountUidMappingsWithoutGid) {
  auto s = base();
  s.mounts = {{.destination = "/a", .uid_mappings = {{0, 1000, 1}}}};
  expect_invalid(s, "mounts[0].gidMappings", "along with uidMappings");
}
TEST(Rules, MountMappingSizeZero) {
  auto s = base();
  s.mounts = {
      {.destination = "/a", .uid_mappings = {{0, 1000, 1}}, .gid_mappings = {{0, 1000, 0}}}};
  expect_invalid(s, "mounts[0].gidMappings[0].size", "greater than zero");
}
TEST(Rules, ProcessArgsEmpty) {
  auto s = base();
  s.process->args.clear();
  expect_invalid(s, "process.args", "at least one entry");
}
TEST(Rules, ProcessCwdRelative) {
  auto s = base();
  s.process->cwd = "home";
  expect_invalid(s, "process.cwd", "must be an absolute path");
}
TEST(Rules, UnknownCapability) {
  auto s = base();
  s.process->capabilities =
      oci::Capabilities{.bounding = std::vector<std::string>{"CAP_KILL", "CAP_FOO"}};
  expect_invalid(s, "process.capabilities.bounding[1]", "unknown capability \"CAP_FOO\"");
}
TEST(Rules, UnknownAmbientCapability) {
  auto s = base();
  s.process->capabilities = oci::Capabilities{.ambient = std::vector<std::string>{"chown"}};
  expect_invalid(s, "process.capabilities.ambient[0]", "unknown capability");
}
TEST(Rules, RlimitUnknownType) {
  auto s = base();
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_FOO", 1, 1}};
  expect_invalid(s, "process.rlimits[1].type", "unknown rlimit type");
}
TEST(Rules, RlimitSoftAboveHard) {
  auto s = base();
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 11}};
  expect_invalid(s, "process.rlimits[0].soft", "exceeds hard");
}
TEST(Rules, RlimitDuplicate) {
  auto s = base();
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_NOFILE", 20, 20}};
  expect_invalid(s, "process.rlimits[1].type", "duplicate rlimit type");
}
TEST(Rules, OomScoreAdjRange) {
  auto s = base();
  s.process->oom_score_adj = 1001;
  expect_invalid(s, "process.oomScoreAdj", "between -1000 and 1000");
}
TEST(Rules, SchedulerPolicy) {
  auto s = base();
  s.process->scheduler = oci::Scheduler{.policy = "SCHED_FOO"};
  expect_invalid(s, "process.scheduler.policy", "unknown scheduler policy");
}
TEST(Rules, SchedulerFlag) {
  auto s = base();
  s.process->scheduler = oci::Scheduler{.policy = "SCHED_RR", .flags = {"SCHED_FLAG_RECLAIM", "X"}};
  expect_invalid(s, "process.scheduler.flags[1]", "unknown scheduler flag");
}
TEST(Rules, IoPriorityClass) {
  auto s = base();
  s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_NONE", 0};
  expect_invalid(s, "process.ioPriority.class", "unknown I/O priority class");
}
TEST(Rules, IoPriorityRange) {
  auto s = base();
  s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_BE", 8};
  expect_invalid(s, "process.ioPriority.priority", "between 0 and 7");
}
TEST(Rules, ExecCpuAffinity) {
  auto s = base();
  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{.final_ = "0-3;7"};
  expect_invalid(s, "process.execCPUAffinity.final", "not a CPU list");
}
TEST(Rules, HookRelativePath) {
  auto s = base();
  s.hooks = oci::Hooks{.create_runtime = {{.path = "/bin/a"}, {.path = "bin/b"}}};
  expect_invalid(s, "hooks.createRuntime[1].path", "must be an absolute path");
}
TEST(Rules, HookTimeoutZero) {
  auto s = base();
  s.hooks = oci::Hooks{.poststop = {{.path = "/bin/a", .timeout = 0}}};
  expect_invalid(s, "hooks.poststop[0].timeout", "greater than zero");
}
TEST(Rules, NamespaceUnknown) {
  auto s = base();
  lx(s).namespaces.push_back({"foo", std::nullopt});
  expect_invalid(s, "linux.namespaces[2].type", "unknown namespace type \"foo\"");
}
TEST(Rules, NamespaceDuplicate) {
  auto s = base();
  lx(s).namespaces.push_back({"uts", std::nullopt});
  lx(s).namespaces.push_back({"pid", std::nullopt});
  expect_invalid(s, "linux.namespaces[3].type", "duplicate namespace type \"pid\"");
}
TEST(Rules, NamespaceRelativePath) {
  auto s = base();
  lx(s).namespaces.push_back({"network", "run/netns/x"});
  expect_invalid(s, "linux.namespaces[2].path", "must be an absolute path");
}
TEST(Rules, IdMappingSizeZero) {
  auto s = base();
  lx(s).uid_mappings = {{0, 1000, 0}};
  expect_invalid(s, "linux.uidMappings[0].size", "greater than zero");
}
TEST(Rules, TimeOffsetClock) {
  auto s = base();
  lx(s).time_offsets["realtime"] = {};
  expect_invalid(s, "linux.timeOffsets[\"realtime\"]", "unknown clock");
}
TEST(Rules, DeviceType) {
  auto s = base();
  lx(s).devices = {{.type = "x", .path = "/dev/x", .major = 1, .minor = 1}};
  expect_invalid(s, "linux.devices[0].type", "unknown device type");
}
TEST(Rules, DeviceMajorRequired) {
  auto s = base();
  lx(s).devices = {{.type = "p", .path = "/dev/fifo"}, {.type = "c", .path = "/dev/x", .minor = 1}};
  expect_invalid(s, "linux.devices[1].major", "required for device type \"c\"");
}
TEST(Rules, DeviceRelativePath) {
  auto s = base();
  lx(s).devices = {{.type = "c", .path = "dev/null", .major = 1, .minor = 3}};
  expect_invalid(s, "linux.devices[0].path", "must be an absolute path");
}
TEST(Rules, CgroupDeviceType) {
  auto s = base();
  res(s).devices = std::vector<oci::DeviceCgroup>{{.allow = true, .type = "u"}};
  expect_invalid(s, "linux.resources.devices[0].type", "unknown device type");
}
TEST(Rules, CgroupDeviceAccess) {
  auto s = base();
  res(s).devices = std::vector<oci::DeviceCgroup>{{.allow = false, .access = "rwx"}};
  expect_invalid(s, "linux.resources.devices[0].access", "combination of r, w and m");
}
TEST(Rules, Swappiness) {
  auto s = base();
  res(s).memory = oci::Memory{.swappiness = 101};
  expect_invalid(s, "linux.resources.memory.swappiness", "between 0 and 100");
}
TEST(Rules, WeightDeviceNeedsWeight) {
  auto s = base();
  res(s).block_io = oci::BlockIO{.weight_device = {{.major = 8, .minor = 0}}};
  expect_invalid(s, "linux.resources.blockIO.weightDevice[0]",
                 "at least one of weight or leafWeight");
}
TEST(Rules, HugepageSize) {
  auto s = base();
  res(s).hugepage_limits = {{"2MB", 1}, {"0MB", 1}};
  expect_invalid(s, "linux.resources.hugepageLimits[1].pageSize", "format");
}
TEST(Rules, RdmaNeedsLimit) {
  auto s = base();
  res(s).rdma["mlx5_1"] = {};
  expect_invalid(s, "linux.resources.rdma[\"mlx5_1\"]", "at least one of hcaHandles or hcaObjects");
}
TEST(Rules, RootfsPropagation) {
  auto s = base();
  lx(s).rootfs_propagation = "bogus";
  expect_invalid(s, "linux.rootfsPropagation", "unknown propagation");
}
TEST(Rules, MaskedPathRelative) {
  auto s = base();
  lx(s).masked_paths = {"/proc/kcore", "proc/keys"};
  expect_invalid(s, "linux.maskedPaths[1]", "must be an absolute path");
}
TEST(Rules, ReadonlyPathRelative) {
  auto s = base();
  lx(s).readonly_paths = {"sys"};
  expect_invalid(s, "linux.readonlyPaths[0]", "must be an absolute path");
}
TEST(Rules, SeccompDefaultAction) {
  auto s = base();
  sec(s).default_action = "SCMP_ACT_FOO";
  expect_invalid(s, "linux.seccomp.defaultAction", "unknown seccomp action");
}
TEST(Rules, SeccompDefaultErrnoWithAllow) {
  auto s = base();
  sec(s).default_errno_ret = 1;
  expect_invalid(s, "linux.seccomp.defaultErrnoRet", "not supported with default action");
}
TEST(Rules, SeccompArch) {
  auto s = base();
  sec(s).architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"};
  expect_invalid(s, "linux.seccomp.architectures[1]", "unknown seccomp architecture");
}
TEST(Rules, SeccompFlag) {
  auto s = base();
  sec(s).flags = {"SECCOMP_FILTER_FLAG_FOO"};
  expect_invalid(s, "linux.seccomp.flags[0]", "unknown seccomp flag");
}
TEST(Rules, SeccompNamesEmpty) {
  auto s = base();
  sec(s).syscalls = {{.names = {}, .action = "SCMP_ACT_ALLOW"}};
  expect_invalid(s, "linux.seccomp.syscalls[0].names", "at least one entry");
}
TEST(Rules, SeccompSyscallAction) {
  auto s = base();
  sec(s).syscalls = {{.names = {"read"}, .action = "SCMP_ACT_NOPE"}};
  expect_invalid(s, "linux.seccomp.syscalls[0].action", "unknown seccomp action");
}
TEST(Rules, SeccompErrnoRetWithAllow) {
  auto s = base();
  sec(s).syscalls = {{.names = {"read"}, .action = "SCMP_ACT_ALLOW", .errno_ret = 1}};
  expect_invalid(s, "linux.seccomp.syscalls[0].errnoRet", "not supported");
}
TEST(Rules, SeccompArgIndex) {
  auto s = base();
  sec(s).syscalls = {
      {.names = {"read"}, .action = "SCMP_ACT_ALLOW", .args = {{.index = 6, .op = "SCMP_CMP_EQ"}}}};
  expect_invalid(s, "linux.seccomp.syscalls[0].args[0].index", "between 0 and 5");
}
TEST(Rules, SeccompArgOp) {
  auto s = base();
  sec(s).syscalls = {
      {.names = {"read"}, .action = "SCMP_ACT_ALLOW", .args = {{.index = 0, .op = "SCMP_CMP_XX"}}}};
  expect_invalid(s, "linux.seccomp.syscalls[0].args[0].op", "unknown seccomp operator");
}
TEST(Rules, SeccompNotifyNeedsListener) {
  auto s = base();
  sec(s).syscalls = {{.names = {"mount"}, .action = "SCMP_ACT_NOTIFY"}};
  expect_invalid(s, "linux.seccomp.listenerPath", "required when SCMP_ACT_NOTIFY");
}
TEST(Rules, SeccompMetadataNeedsListener) {
  auto s = base();
  sec(s).listener_metadata = "x";
  expect_invalid(s, "linux.seccomp.listenerMetadata", "without listenerPath");
}
TEST(Rules, PersonalityDomain) {
  auto s = base();
  lx(s).personality = oci::Personality{.domain = "BSD"};
  expect_invalid(s, "linux.personality.domain", "unknown personality domain");
}
TEST(Rules, MemoryPolicyMode) {
  auto s = base();
  lx(s).memory_policy = oci::MemoryPolicy{.mode = "MPOL_FOO"};
  expect_invalid(s, "linux.memoryPolicy.mode", "unknown memory policy mode");
}
TEST(Rules, MemoryPolicyFlag) {
  auto s = base();
  lx(s).memory_policy = oci::MemoryPolicy{.mode = "MPOL_BIND", .flags = {"MPOL_F_FOO"}};
  expect_invalid(s, "linux.memoryPolicy.flags[0]", "unknown memory policy flag");
}
TEST(Rules, IntelRdtMemBwPrefix) {
  auto s = base();
  lx(s).intel_rdt = oci::IntelRdt{.mem_bw_schema = "L3:0=1"};
  expect_invalid(s, "linux.intelRdt.memBwSchema", "must start with \"MB:\"");
}
TEST(Rules, IntelRdtSchemataNewline) {
  auto s = base();
  lx(s).intel_rdt = oci::IntelRdt{.schemata = std::vector<std::string>{"L3:0=1\nMB:0=2"}};
  expect_invalid(s, "linux.intelRdt.schemata[0]", "newlines");
}

TEST(Rules, TableIsNamed) {
  for (const auto& c : oci::validation_checks()) {
    EXPECT_NE(std::string(c.name), "");
    EXPECT_NE(std::string(c.section).find(".md"), std::string::npos) << c.name;
  }
}

}  // namespace
