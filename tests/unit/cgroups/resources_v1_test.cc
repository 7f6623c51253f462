// Exact-write tests for the linux.resources -> cgroup v1 mapping (resources.h).
#include <gtest/gtest.h>

#include "resources_test_util.h"

namespace {

using namespace cgres_test;

// ---- v1 memory ---------------------------------------------------------------------

TEST(V1Memory, LimitThenMemswFromFreshCgroup) {
  EXPECT_EQ(v1(mem({.limit = 1000})), (Ws{C("memory", "memory.limit_in_bytes", "1000")}));
  EXPECT_EQ(v1(mem({.limit = 1000, .swap = 3000})),
            (Ws{C("memory", "memory.limit_in_bytes", "1000"),
                C("memory", "memory.memsw.limit_in_bytes", "3000")}));
}

TEST(V1Memory, MemswFirstWhenRaisingAboveCurrentLimit) {
  V1Options o;
  o.current_memory_limit = 2000;
  EXPECT_EQ(v1(mem({.limit = 4000, .swap = 5000}), o),
            (Ws{C("memory", "memory.memsw.limit_in_bytes", "5000"),
                C("memory", "memory.limit_in_bytes", "4000")}));
  o.current_memory_limit = 8000;
  EXPECT_EQ(v1(mem({.limit = 4000, .swap = 5000}), o),
            (Ws{C("memory", "memory.limit_in_bytes", "4000"),
                C("memory", "memory.memsw.limit_in_bytes", "5000")}));
}

TEST(V1Memory, Unlimited) {
  EXPECT_EQ(v1(mem({.limit = -1})), (Ws{C("memory", "memory.memsw.limit_in_bytes", "-1"),
                                        C("memory", "memory.limit_in_bytes", "-1")}));
  EXPECT_EQ(v1(mem({.limit = 1000, .swap = -1})),
            (Ws{C("memory", "memory.memsw.limit_in_bytes", "-1"),
                C("memory", "memory.limit_in_bytes", "1000")}));
  EXPECT_EQ(v1(mem({.swap = 3000})), (Ws{C("memory", "memory.memsw.limit_in_bytes", "3000")}));
}

TEST(V1Memory, OtherFields) {
  EXPECT_EQ(v1(mem({.reservation = 500, .kernel = -1, .kernel_tcp = 7000, .swappiness = 0,
                    .disable_oom_killer = true, .use_hierarchy = true,
                    .check_before_update = true})),
            (Ws{C("memory", "memory.soft_limit_in_bytes", "500"),
                C("memory", "memory.kmem.tcp.limit_in_bytes", "7000"),
                C("memory", "memory.swappiness", "0"), C("memory", "memory.oom_control", "1"),
                C("memory", "memory.use_hierarchy", "1")}));
  EXPECT_EQ(v1(mem({.disable_oom_killer = false, .use_hierarchy = false})),
            (Ws{C("memory", "memory.oom_control", "0"), C("memory", "memory.use_hierarchy", "0")}));
  EXPECT_EQ(v1(mem({.reservation = -1})), (Ws{C("memory", "memory.soft_limit_in_bytes", "-1")}));
}

TEST(V1Memory, Errors) {
  EXPECT_EQ(v1_err(mem({.kernel = 1000000})),
            "linux.resources.memory.kernel: kernel memory limits are not supported");
  EXPECT_EQ(v1_err(mem({.limit = 2000, .swap = 1000})),
            "linux.resources.memory.swap: must be >= memory.limit (memory+swap 1000 < memory "
            "2000)");
  EXPECT_EQ(v1_err(mem({.limit = -1, .swap = 1000})),
            "linux.resources.memory.swap: must be -1 when memory.limit is -1");
  V1Options o;
  o.memsw = false;
  EXPECT_EQ(v1_err(mem({.limit = 1000, .swap = 2000}), o),
            "linux.resources.memory.swap: swap accounting is disabled on this host (no "
            "memory.memsw.limit_in_bytes; boot with swapaccount=1)");
  EXPECT_EQ(v1(mem({.limit = -1}), o), (Ws{C("memory", "memory.limit_in_bytes", "-1")}));
}

// ---- v1 cpu ------------------------------------------------------------------------

TEST(V1Cpu, AllFieldsInOrder) {
  EXPECT_EQ(v1(cpu({.shares = 1024, .quota = 100000, .burst = 50000, .period = 500000,
                    .realtime_runtime = 950000, .realtime_period = 1000000, .cpus = "2-3",
                    .mems = "0-7", .idle = 0})),
            (Ws{C("cpuset", "cpuset.cpus", "2-3"), C("cpuset", "cpuset.mems", "0-7"),
                C("cpu", "cpu.idle", "0"), C("cpu", "cpu.shares", "1024"),
                C("cpu", "cpu.cfs_burst_us", "0"), C("cpu", "cpu.cfs_period_us", "500000"),
                C("cpu", "cpu.cfs_quota_us", "100000"), C("cpu", "cpu.cfs_burst_us", "50000"),
                C("cpu", "cpu.rt_period_us", "1000000"), C("cpu", "cpu.rt_runtime_us", "950000")}));
}

TEST(V1Cpu, Singles) {
  EXPECT_EQ(v1(cpu({.quota = -1})), (Ws{C("cpu", "cpu.cfs_quota_us", "-1")}));
  EXPECT_EQ(v1(cpu({.burst = 10})), (Ws{C("cpu", "cpu.cfs_burst_us", "10")}));
  EXPECT_EQ(v1(cpu({.realtime_runtime = -1})), (Ws{C("cpu", "cpu.rt_runtime_us", "-1")}));
  EXPECT_EQ(v1(cpu({.realtime_runtime = 0})), (Ws{C("cpu", "cpu.rt_runtime_us", "0")}));
}

TEST(V1Cpu, Errors) {
  EXPECT_EQ(v1_err(cpu({.realtime_runtime = 2000, .realtime_period = 1000})),
            "linux.resources.cpu.realtimeRuntime: must not exceed cpu.realtimePeriod (2000 > 1000)");
  EXPECT_EQ(v1_err(cpu({.realtime_period = 0})),
            "linux.resources.cpu.realtimePeriod: must be > 0");
  EXPECT_EQ(v1_err(cpu({.shares = 1})),
            "linux.resources.cpu.shares: must be between 2 and 262144, got 1");
}

// ---- v1 blkio ----------------------------------------------------------------------

TEST(V1Blkio, Cfq) {
  oci::BlockIO b;
  b.weight = 10;
  b.leaf_weight = 20;
  b.weight_device = {{.major = 8, .minor = 0, .weight = 500, .leaf_weight = 300},
                     {.major = 8, .minor = 16, .weight = 500}};
  b.throttle_read_bps_device = {{.major = 8, .minor = 0, .rate = 600}};
  b.throttle_write_bps_device = {{.major = 8, .minor = 0, .rate = 700}};
  b.throttle_read_iops_device = {{.major = 8, .minor = 16, .rate = 100}};
  b.throttle_write_iops_device = {{.major = 8, .minor = 16, .rate = 300}};
  EXPECT_EQ(v1(bio(b)),
            (Ws{C("blkio", "blkio.weight", "10"), C("blkio", "blkio.leaf_weight", "20"),
                C("blkio", "blkio.weight_device", "8:0 500"),
                C("blkio", "blkio.leaf_weight_device", "8:0 300"),
                C("blkio", "blkio.weight_device", "8:16 500"),
                C("blkio", "blkio.throttle.read_bps_device", "8:0 600"),
                C("blkio", "blkio.throttle.write_bps_device", "8:0 700"),
                C("blkio", "blkio.throttle.read_iops_device", "8:16 100"),
                C("blkio", "blkio.throttle.write_iops_device", "8:16 300")}));
}

TEST(V1Blkio, Bfq) {
  V1Options o;
  o.bfq = true;
  EXPECT_EQ(v1(bio(weights()), o),
            (Ws{C("blkio", "blkio.bfq.weight", "500"),
                C("blkio", "blkio.bfq.weight_device", "8:0 1000"),
                C("blkio", "blkio.bfq.weight_device", "8:16 10")}));
  oci::BlockIO b;
  b.leaf_weight = 20;
  EXPECT_EQ(v1_err(bio(b), o),
            "linux.resources.blockIO.leafWeight: not supported by the BFQ blkio interface (CFQ "
            "was removed in Linux 5.0)");
  b = {};
  b.weight_device = {{.major = 8, .minor = 0, .leaf_weight = 300}};
  EXPECT_EQ(v1_err(bio(b), o),
            "linux.resources.blockIO.weightDevice[0].leafWeight: not supported by the BFQ blkio "
            "interface (CFQ was removed in Linux 5.0)");
}

// ---- v1 hugetlb, network, pids, unified ----------------------------------------------

TEST(V1Hugetlb, Limits) {
  oci::Resources r;
  r.hugepage_limits = {{"2MB", 209715200}};
  EXPECT_EQ(v1(r), (Ws{C("hugetlb", "hugetlb.2MB.limit_in_bytes", "209715200")}));
  V1Options o;
  o.hugetlb_rsvd = true;
  EXPECT_EQ(v1(r, o), (Ws{C("hugetlb", "hugetlb.2MB.limit_in_bytes", "209715200"),
                          C("hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes", "209715200")}));
}

TEST(V1Network, ClassidAndPriorities) {
  oci::Resources r;
  r.network = oci::Network{.class_id = 1048577, .priorities = {{"eth0", 500}, {"eth1", 1000}}};
  EXPECT_EQ(v1(r), (Ws{C("net_cls", "net_cls.classid", "1048577"),
                       C("net_prio", "net_prio.ifpriomap", "eth0 500"),
                       C("net_prio", "net_prio.ifpriomap", "eth1 1000")}));
  r.network = oci::Network{.priorities = {{"eth 0", 5}}};
  EXPECT_EQ(v1_err(r),
            "linux.resources.network.priorities[0].name: invalid interface name \"eth 0\"");
}

TEST(V1Pids, Limit) {
  oci::Resources r;
  r.pids = oci::Pids{.limit = -1};
  EXPECT_EQ(v1(r), (Ws{C("pids", "pids.max", "max")}));
  r.pids = oci::Pids{.limit = 0};
  EXPECT_EQ(v1(r), (Ws{C("pids", "pids.max", "0")}));
}

TEST(V1Unified, Rejected) {
  EXPECT_EQ(v1_err(unified({{"memory.high", "1"}})),
            "linux.resources.unified: requires cgroup v2");
}

// ---- v1 devices --------------------------------------------------------------------

oci::Resources devs(std::vector<oci::DeviceCgroup> d) {
  oci::Resources r;
  r.devices = std::move(d);
  return r;
}

TEST(V1Devices, DenyAllThenRulesInOrder) {
  EXPECT_EQ(v1(devs({{.allow = false, .access = "rwm"},
                     {.allow = true, .type = "c", .major = 10, .minor = 229, .access = "rw"},
                     {.allow = true, .type = "b", .major = 8, .minor = 0, .access = "r"},
                     {.allow = true, .type = "c", .major = 136, .access = "rwm"},
                     {.allow = false, .type = "c", .minor = -1}})),
            (Ws{C("devices", "devices.deny", "a"), C("devices", "devices.deny", "a"),
                C("devices", "devices.allow", "c 10:229 rw"),
                C("devices", "devices.allow", "b 8:0 r"),
                C("devices", "devices.allow", "c 136:* rwm"),
                C("devices", "devices.deny", "c *:* rwm")}));
}

TEST(V1Devices, NarrowedAllTypeIsExpanded) {
  EXPECT_EQ(v1(devs({{.allow = true, .access = "rwm"}})),
            (Ws{C("devices", "devices.deny", "a"), C("devices", "devices.allow", "a")}));
  EXPECT_EQ(v1(devs({{.allow = true, .type = "a", .access = "mrw"}})),
            (Ws{C("devices", "devices.deny", "a"), C("devices", "devices.allow", "a")}));
  EXPECT_EQ(v1(devs({{.allow = true, .type = "a", .access = "r"}})),
            (Ws{C("devices", "devices.deny", "a"), C("devices", "devices.allow", "b *:* r"),
                C("devices", "devices.allow", "c *:* r")}));
  EXPECT_EQ(v1(devs({{.allow = true, .major = 1, .minor = 3}})),
            (Ws{C("devices", "devices.deny", "a"), C("devices", "devices.allow", "b 1:3 rwm"),
                C("devices", "devices.allow", "c 1:3 rwm")}));
}

TEST(V1Devices, AbsentLeavesListAloneEmptyDeniesAll) {
  EXPECT_EQ(v1({}), Ws{});
  EXPECT_EQ(v1(devs({})), (Ws{C("devices", "devices.deny", "a")}));
  EXPECT_EQ(v2(devs({{.allow = true, .type = "c", .major = 1, .minor = 3}})), Ws{});
}

TEST(V1Devices, Errors) {
  EXPECT_EQ(v1_err(devs({{.allow = true, .type = "c", .major = -2, .minor = 3}})),
            "linux.resources.devices[0].major: out of range");
  EXPECT_EQ(v1_err(devs({{.allow = true, .type = "c", .major = 1, .minor = 4294967296}})),
            "linux.resources.devices[0].minor: out of range");
  EXPECT_EQ(v1_err(devs({{.allow = true, .type = "p"}})),
            "linux.resources.devices[0].type: unknown device type \"p\"");
  EXPECT_EQ(v1_err(devs({{.allow = true, .type = "c", .access = "rx"}})),
            "linux.resources.devices[0].access: must be a combination of r, w and m");
}

TEST(V1Order, FullConfig) {
  oci::Resources r;
  r.devices = std::vector<oci::DeviceCgroup>{{.allow = true, .type = "c", .major = 1, .minor = 3, .access = "rwm"}};
  r.memory = oci::Memory{.limit = 1000, .swap = 2000, .swappiness = 10};
  r.cpu = oci::CPU{.shares = 512, .cpus = "0"};
  r.block_io = oci::BlockIO{.weight = 100};
  r.hugepage_limits = {{"1GB", 1073741824}};
  r.network = oci::Network{.class_id = 1};
  r.pids = oci::Pids{.limit = 5};
  r.rdma = {{"mlx4_0", {.hca_objects = 7}}};
  EXPECT_EQ(v1(r), (Ws{C("cpuset", "cpuset.cpus", "0"), C("cpu", "cpu.shares", "512"),
                       C("memory", "memory.limit_in_bytes", "1000"),
                       C("memory", "memory.memsw.limit_in_bytes", "2000"),
                       C("memory", "memory.swappiness", "10"), C("blkio", "blkio.weight", "100"),
                       C("hugetlb", "hugetlb.1GB.limit_in_bytes", "1073741824"),
                       C("net_cls", "net_cls.classid", "1"), C("pids", "pids.max", "5"),
                       C("rdma", "rdma.max", "mlx4_0 hca_object=7"),
                       C("devices", "devices.deny", "a"),
                       C("devices", "devices.allow", "c 1:3 rwm")}));
}

}  // namespace
