// build_plan(): name tables, list parsing and the runtime-level checks.
#include <linux/ioprio.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "attrs/id_list.h"
#include "attrs/plan.h"

namespace berth::attrs {
namespace {

oci::Spec base_spec() {
  oci::Spec s;
  s.oci_version = "1.3.0";
  s.process = oci::Process{};
  s.process->args = {"/bin/true"};
  s.process->cwd = "/";
  s.linux = oci::Linux{};
  return s;
}

void add_ns(oci::Spec& s, const char* type) { s.linux->namespaces.push_back({type, {}}); }

std::string err_of(const Result<Plan>& r) { return r ? std::string("<ok>") : r.error().str(); }

TEST(Rlimits, EveryNameMapsToItsNumber) {
  const std::pair<const char*, int> all[] = {
      {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},
      {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_STACK", RLIMIT_STACK},
      {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_AS", RLIMIT_AS},
      {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
      {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
  };
  auto s = base_spec();
  for (auto [name, num] : all) {
    EXPECT_EQ(rlimit_number(name), num) << name;
    EXPECT_STREQ(rlimit_name(num), name);
    s.process->rlimits.push_back({name, 200, 100});
  }
  EXPECT_EQ(static_cast<int>(RLIM_NLIMITS), 16);
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  ASSERT_EQ(plan->rlimits.size(), 16u);
  for (size_t i = 0; i < 16; ++i) {
    EXPECT_EQ(plan->rlimits[i].resource, all[i].second);
    EXPECT_EQ(plan->rlimits[i].soft, 100u);
    EXPECT_EQ(plan->rlimits[i].hard, 200u);
    EXPECT_EQ(plan->rlimits[i].index, i);
  }
}

TEST(Rlimits, UnknownDuplicateAndSoftAboveHard) {
  auto s = base_spec();
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_FOO", 1, 1}};
  EXPECT_EQ(err_of(build_plan(s)), "process.rlimits[1].type: unknown rlimit \"RLIMIT_FOO\"");
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 10}, {"RLIMIT_CORE", 1, 1},
                        {"RLIMIT_NOFILE", 20, 20}};
  EXPECT_EQ(err_of(build_plan(s)), "process.rlimits[2].type: duplicate rlimit RLIMIT_NOFILE");
  s.process->rlimits = {{"RLIMIT_NOFILE", 10, 20}};
  EXPECT_EQ(err_of(build_plan(s)),
            "process.rlimits[0]: soft limit 20 is above hard limit 10 for RLIMIT_NOFILE");
  s.process->rlimits = {{"RLIMIT_NOFILE", UINT64_MAX, UINT64_MAX}};  // unlimited is fine
  EXPECT_TRUE(build_plan(s));
}

TEST(IdList, Parsing) {
  auto r = parse_id_list("0-3,7", 64);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<unsigned>{0, 1, 2, 3, 7}));
  r = parse_id_list("", 64);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
  r = parse_id_list(" 5, 1-2 ,2\n", 64);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<unsigned>{1, 2, 5}));
  EXPECT_FALSE(parse_id_list("a", 64));
  EXPECT_FALSE(parse_id_list("3-1", 64));
  EXPECT_FALSE(parse_id_list("1,,2", 64));
  EXPECT_FALSE(parse_id_list("1-", 64));
  EXPECT_FALSE(parse_id_list("-1", 64));
  EXPECT_FALSE(parse_id_list("64", 64));
  EXPECT_TRUE(parse_id_list("63", 64));
}

TEST(CpuAffinity, InitialAndFinal) {
  auto s = base_spec();
  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{"7", "0-3,7"};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  ASSERT_TRUE(plan->cpu_affinity_initial && plan->cpu_affinity_final);
  EXPECT_EQ(CPU_COUNT(&*plan->cpu_affinity_initial), 1);
  EXPECT_TRUE(CPU_ISSET(7, &*plan->cpu_affinity_initial));
  EXPECT_EQ(CPU_COUNT(&*plan->cpu_affinity_final), 5);
  for (int c : {0, 1, 2, 3, 7}) EXPECT_TRUE(CPU_ISSET(c, &*plan->cpu_affinity_final));

  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{std::nullopt, ""};
  plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->cpu_affinity_initial);
  EXPECT_FALSE(plan->cpu_affinity_final);  // "" = don't change (spec SHOULD NOT)

  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{std::nullopt, "a"};
  EXPECT_EQ(err_of(build_plan(s)),
            "process.execCPUAffinity.final: \"a\" is not a number or a range like 0-3");
  s.process->exec_cpu_affinity = oci::ExecCPUAffinity{"3-1", std::nullopt};
  EXPECT_EQ(err_of(build_plan(s)), "process.execCPUAffinity.initial: range \"3-1\" is reversed");
}

TEST(MemoryPolicy, ModesNodesFlags) {
  auto s = base_spec();
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_INTERLEAVE", "0-1,65", {"MPOL_F_STATIC_NODES"}};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  const auto& mp = *plan->memory_policy;
  EXPECT_EQ(mp.mode, 3);
  EXPECT_EQ(mp.mode_flags, 1u << 15);
  EXPECT_EQ(mp.nodemask[0], 0x3UL);
  EXPECT_EQ(mp.nodemask[1], 0x2UL);
  EXPECT_EQ(mp.maxnode, 67UL);

  const std::pair<const char*, int> modes[] = {
      {"MPOL_DEFAULT", 0}, {"MPOL_PREFERRED", 1},      {"MPOL_BIND", 2},
      {"MPOL_INTERLEAVE", 3}, {"MPOL_LOCAL", 4},       {"MPOL_PREFERRED_MANY", 5},
      {"MPOL_WEIGHTED_INTERLEAVE", 6}};
  for (auto [name, num] : modes) {
    bool nodeless = num == 0 || num == 4;
    s.linux->memory_policy = oci::MemoryPolicy{name, nodeless ? std::nullopt
                                                              : std::optional<std::string>("0"),
                                               {}};
    plan = build_plan(s);
    ASSERT_TRUE(plan) << name << ": " << err_of(plan);
    EXPECT_EQ(plan->memory_policy->mode, num);
    EXPECT_EQ(plan->memory_policy->maxnode, nodeless ? 0UL : 2UL);
  }
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_PREFERRED", std::nullopt, {}};
  EXPECT_TRUE(build_plan(s));
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0", {"MPOL_F_NUMA_BALANCING",
                                                                "MPOL_F_RELATIVE_NODES"}};
  plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->memory_policy->mode_flags, (1u << 13) | (1u << 14));

  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", std::nullopt, {}};
  EXPECT_EQ(err_of(build_plan(s)), "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node");
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_LOCAL", "0", {}};
  EXPECT_EQ(err_of(build_plan(s)), "linux.memoryPolicy.nodes: MPOL_LOCAL takes no nodes");
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_FOO", std::nullopt, {}};
  EXPECT_EQ(err_of(build_plan(s)), "linux.memoryPolicy.mode: unknown mode \"MPOL_FOO\"");
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0", {"MPOL_F_BAR"}};
  EXPECT_EQ(err_of(build_plan(s)), "linux.memoryPolicy.flags[0]: unknown flag \"MPOL_F_BAR\"");
  s.linux->memory_policy =
      oci::MemoryPolicy{"MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}};
  EXPECT_FALSE(build_plan(s));
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "0-x", {}};
  EXPECT_EQ(err_of(build_plan(s)),
            "linux.memoryPolicy.nodes: \"0-x\" is not a number or a range like 0-3");
  s.linux->memory_policy = oci::MemoryPolicy{"MPOL_BIND", "1024", {}};
  EXPECT_FALSE(build_plan(s));
}

TEST(Scheduler, Encodings) {
  auto s = base_spec();
  s.process->scheduler = oci::Scheduler{"SCHED_DEADLINE", std::nullopt, std::nullopt,
                                        {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",
                                         "SCHED_FLAG_DL_OVERRUN"},
                                        1000000, 2000000, 3000000};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  const SchedAttr& a = plan->scheduler->attr;
  EXPECT_EQ(a.size, 56u);
  EXPECT_EQ(a.sched_policy, 6u);
  EXPECT_EQ(a.sched_flags, 0x07u);
  EXPECT_EQ(a.sched_runtime, 1000000u);
  EXPECT_EQ(a.sched_deadline, 2000000u);
  EXPECT_EQ(a.sched_period, 3000000u);

  const std::pair<const char*, uint32_t> policies[] = {
      {"SCHED_OTHER", 0}, {"SCHED_BATCH", 3}, {"SCHED_IDLE", 5}};
  for (auto [name, num] : policies) {
    s.process->scheduler = oci::Scheduler{name, 7, std::nullopt, {}, {}, {}, {}};
    plan = build_plan(s);
    ASSERT_TRUE(plan) << name;
    EXPECT_EQ(plan->scheduler->attr.sched_policy, num);
    EXPECT_EQ(plan->scheduler->attr.sched_nice, 7);
  }
  s.process->scheduler = oci::Scheduler{"SCHED_RR", std::nullopt, 50,
                                        {"SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS",
                                         "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX"},
                                        {}, {}, {}};
  plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  EXPECT_EQ(plan->scheduler->attr.sched_policy, 2u);
  EXPECT_EQ(plan->scheduler->attr.sched_priority, 50u);
  EXPECT_EQ(plan->scheduler->attr.sched_flags, 0x78u);
  EXPECT_EQ(plan->scheduler->attr.sched_util_max, 1024u);

  s.process->scheduler = oci::Scheduler{"SCHED_FIFO", std::nullopt, 0, {}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)),
            "process.scheduler.priority: SCHED_FIFO needs a priority in 1..99, got 0");
  s.process->scheduler = oci::Scheduler{"SCHED_OTHER", std::nullopt, 3, {}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)), "process.scheduler.priority: must be 0 for SCHED_OTHER, got 3");
  s.process->scheduler = oci::Scheduler{"SCHED_OTHER", 20, std::nullopt, {}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)), "process.scheduler.nice: 20 is outside -20..19");
  s.process->scheduler = oci::Scheduler{"SCHED_ISO", {}, {}, {}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)),
            "process.scheduler.policy: SCHED_ISO is not implemented by Linux");
  s.process->scheduler = oci::Scheduler{"SCHED_FOO", {}, {}, {}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)), "process.scheduler.policy: unknown policy \"SCHED_FOO\"");
  s.process->scheduler = oci::Scheduler{"SCHED_OTHER", {}, {}, {"SCHED_FLAG_X"}, {}, {}, {}};
  EXPECT_EQ(err_of(build_plan(s)), "process.scheduler.flags[0]: unknown flag \"SCHED_FLAG_X\"");
  s.process->scheduler = oci::Scheduler{"SCHED_DEADLINE", {}, {}, {}, 3000, 2000, {}};
  EXPECT_FALSE(build_plan(s));
  s.process->scheduler = oci::Scheduler{"SCHED_OTHER", {}, {}, {}, 3000, {}, {}};
  EXPECT_FALSE(build_plan(s));
}

TEST(IoPriority, Encoding) {
  auto s = base_spec();
  const std::pair<const char*, int> classes[] = {
      {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT}, {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE},
      {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE}};
  for (auto [name, cls] : classes) {
    s.process->io_priority = oci::IOPriority{name, 4};
    auto plan = build_plan(s);
    ASSERT_TRUE(plan);
    EXPECT_EQ(*plan->io_priority, static_cast<int>(IOPRIO_PRIO_VALUE(cls, 4)));
    EXPECT_EQ(*plan->io_priority, (cls << 13) | 4);
  }
  s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_NONE", 0};
  EXPECT_EQ(err_of(build_plan(s)), "process.ioPriority.class: unknown class \"IOPRIO_CLASS_NONE\"");
  s.process->io_priority = oci::IOPriority{"IOPRIO_CLASS_BE", 8};
  EXPECT_EQ(err_of(build_plan(s)), "process.ioPriority.priority: 8 is outside 0..7");
}

TEST(Personality, Domains) {
  auto s = base_spec();
  s.linux->personality = oci::Personality{"LINUX", {}};
  auto plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->personality->persona, static_cast<unsigned long>(PER_LINUX));
  s.linux->personality = oci::Personality{"LINUX32", {}};
  plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->personality->persona, static_cast<unsigned long>(PER_LINUX32));
  s.linux->personality = oci::Personality{"SVR4", {}};
  EXPECT_EQ(err_of(build_plan(s)), "linux.personality.domain: unknown domain \"SVR4\"");
  s.linux->personality = oci::Personality{"LINUX", {"ADDR_NO_RANDOMIZE"}};
  EXPECT_FALSE(build_plan(s));
}

TEST(Misc, OomUmaskUts) {
  auto s = base_spec();
  s.process->oom_score_adj = 500;
  s.process->user.umask = 027;
  auto plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->oom_score_adj, 500);
  EXPECT_EQ(plan->umask, static_cast<mode_t>(027));
  s.process->oom_score_adj = 1001;
  EXPECT_EQ(err_of(build_plan(s)), "process.oomScoreAdj: 1001 is outside -1000..1000");
  s.process->oom_score_adj.reset();
  EXPECT_FALSE(build_plan(s)->oom_score_adj);  // absent: MUST NOT change

  s.hostname = "box";
  EXPECT_EQ(err_of(build_plan(s)), "hostname: requires a new uts namespace");
  s.hostname.reset();
  s.domainname = "example.test";
  EXPECT_EQ(err_of(build_plan(s)), "domainname: requires a new uts namespace");
  add_ns(s, "uts");
  s.hostname = "box";
  plan = build_plan(s);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->hostname, "box");
  EXPECT_EQ(plan->domainname, "example.test");
}

TEST(Sysctl, NamespacedAcceptReject) {
  auto s = base_spec();
  s.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
  EXPECT_EQ(err_of(build_plan(s)),
            "linux.sysctl[\"net.ipv4.ip_forward\"]: requires a network namespace in "
            "linux.namespaces; refusing to change it for the host");
  add_ns(s, "network");
  auto plan = build_plan(s);
  ASSERT_TRUE(plan) << err_of(plan);
  ASSERT_EQ(plan->sysctl.size(), 1u);
  EXPECT_EQ(plan->sysctl[0].key, "net.ipv4.ip_forward");
  EXPECT_EQ(plan->sysctl[0].proc_path, "/proc/sys/net/ipv4/ip_forward");
  EXPECT_EQ(plan->sysctl[0].rel_path, "net/ipv4/ip_forward");
  EXPECT_EQ(plan->sysctl[0].value, "1");

  // A network namespace given by path that is the host's own is refused like runc does.
  s.linux->namespaces.back().path = "/proc/self/ns/net";
  EXPECT_NE(err_of(build_plan(s)).find("is the host's"), std::string::npos);
  s.linux->namespaces.back().path.reset();

  for (const char* k : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                        "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                        "kernel.shm_rmid_forced", "fs.mqueue.msg_max"}) {
    s.linux->sysctl = {{k, "1"}};
    EXPECT_NE(err_of(build_plan(s)).find("requires an ipc namespace"), std::string::npos) << k;
  }
  add_ns(s, "ipc");
  for (const char* k : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                        "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
                        "kernel.shm_rmid_forced", "fs.mqueue.msg_max"}) {
    s.linux->sysctl = {{k, "1"}};
    EXPECT_TRUE(build_plan(s)) << k;
  }
  add_ns(s, "uts");
  s.linux->sysctl = {{"kernel.hostname", "x"}};
  EXPECT_EQ(err_of(build_plan(s)),
            "linux.sysctl[\"kernel.hostname\"]: use the top-level \"hostname\" property instead");
  s.linux->sysctl = {{"kernel.domainname", "x"}};
  EXPECT_NE(err_of(build_plan(s)).find("\"domainname\" property"), std::string::npos);

  s.linux->sysctl = {{"vm.swappiness", "10"}};
  EXPECT_EQ(err_of(build_plan(s)),
            "linux.sysctl[\"vm.swappiness\"]: not a namespaced sysctl; refusing to change it "
            "for the host");
  for (const char* k : {"kernel.core_pattern", "kernel.shm_next_id_x", "fs.mqueue", "netx.a",
                        "kernel.msgmax.x"}) {
    s.linux->sysctl = {{k, "1"}};
    EXPECT_NE(err_of(build_plan(s)).find("not a namespaced sysctl"), std::string::npos) << k;
  }
}

TEST(Sysctl, BadKeys) {
  auto s = base_spec();
  add_ns(s, "network");
  add_ns(s, "ipc");
  for (const char* k : {"net..ipv4", "net.ipv4.", ".net.ipv4", "net/ipv4/ip_forward",
                        "net.ipv4/../../kernel/core_pattern", "net.ipv4.conf.eth0/x", ""}) {
    s.linux->sysctl = {{k, "1"}};
    auto r = build_plan(s);
    EXPECT_FALSE(r) << k;
    if (!r) {
      EXPECT_EQ(r.error().str().rfind("linux.sysctl[\"", 0), 0u) << r.error().str();
    }
  }
}

}  // namespace
}  // namespace berth::attrs
