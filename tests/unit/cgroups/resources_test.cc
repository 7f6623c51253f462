// Exact-write tests for the linux.resources -> cgroup v2 mapping and the conversions
// (resources.h).
#include <gtest/gtest.h>

#include "resources_test_util.h"

namespace {

using namespace cgres_test;

// ---- conversions -------------------------------------------------------------------

TEST(Conversions, SharesToWeight) {
  EXPECT_EQ(berth::cgroups::shares_to_weight(2), 1u);
  EXPECT_EQ(berth::cgroups::shares_to_weight(1024), 39u);
  EXPECT_EQ(berth::cgroups::shares_to_weight(262144), 10000u);
  EXPECT_EQ(berth::cgroups::shares_to_weight(0), 1u);          // clamped
  EXPECT_EQ(berth::cgroups::shares_to_weight(1000000), 10000u);
}

TEST(Conversions, BlkioWeightToIoWeight) {
  EXPECT_EQ(berth::cgroups::blkio_weight_to_io_weight(10), 1u);
  EXPECT_EQ(berth::cgroups::blkio_weight_to_io_weight(1000), 10000u);
  EXPECT_EQ(berth::cgroups::blkio_weight_to_io_weight(500), 4950u);
  EXPECT_EQ(berth::cgroups::blkio_weight_to_io_weight(1), 1u);
  EXPECT_EQ(berth::cgroups::blkio_weight_to_io_weight(5000), 10000u);
}

TEST(Common, EmptyResourcesWriteNothing) {
  EXPECT_EQ(v2({}), Ws{});
  EXPECT_EQ(v1({}), Ws{});
}

// ---- v2 memory ---------------------------------------------------------------------

TEST(V2Memory, Limit) {
  EXPECT_EQ(v2(mem({.limit = 1048576})), (Ws{U("memory.max", "1048576")}));
}

TEST(V2Memory, UnlimitedLimitAlsoLiftsSwap) {
  EXPECT_EQ(v2(mem({.limit = -1})), (Ws{U("memory.max", "max"), U("memory.swap.max", "max")}));
}

TEST(V2Memory, SwapIsMemoryPlusSwap) {
  EXPECT_EQ(v2(mem({.limit = 1000, .swap = 3000})),
            (Ws{U("memory.max", "1000"), U("memory.swap.max", "2000")}));
  EXPECT_EQ(v2(mem({.limit = 1000, .swap = 1000})),
            (Ws{U("memory.max", "1000"), U("memory.swap.max", "0")}));
  EXPECT_EQ(v2(mem({.limit = 1000, .swap = -1})),
            (Ws{U("memory.max", "1000"), U("memory.swap.max", "max")}));
  EXPECT_EQ(v2(mem({.limit = -1, .swap = -1})),
            (Ws{U("memory.max", "max"), U("memory.swap.max", "max")}));
  EXPECT_EQ(v2(mem({.swap = -1})), (Ws{U("memory.swap.max", "max")}));
}

TEST(V2Memory, SwapErrors) {
  EXPECT_EQ(v2_err(mem({.swap = 3000})),
            "linux.resources.memory.swap: requires a memory.limit (memory.swap is the "
            "memory+swap limit)");
  EXPECT_EQ(v2_err(mem({.limit = -1, .swap = 3000})),
            "linux.resources.memory.swap: requires a memory.limit (memory.swap is the "
            "memory+swap limit)");
  EXPECT_EQ(v2_err(mem({.limit = 2000, .swap = 1000})),
            "linux.resources.memory.swap: must be >= memory.limit (memory+swap 1000 < memory "
            "2000)");
}

TEST(V2Memory, NoSwapOnHost) {
  V2Options o;
  o.swap = false;
  EXPECT_EQ(v2(mem({.limit = 1000, .swap = 1000}), o), (Ws{U("memory.max", "1000")}));
  EXPECT_EQ(v2(mem({.limit = -1}), o), (Ws{U("memory.max", "max")}));
  EXPECT_EQ(v2_err(mem({.limit = 1000, .swap = 2000}), o),
            "linux.resources.memory.swap: swap limits are not available on this host (no "
            "memory.swap.max)");
}

TEST(V2Memory, Reservation) {
  EXPECT_EQ(v2(mem({.reservation = 4096})), (Ws{U("memory.low", "4096")}));
  EXPECT_EQ(v2(mem({.reservation = -1})), (Ws{U("memory.low", "max")}));
}

TEST(V2Memory, ZeroIsUnset) {
  EXPECT_EQ(v2(mem({.limit = 0, .reservation = 0, .swap = 0})), Ws{});
}

TEST(V2Memory, IgnoredFields) {
  EXPECT_EQ(v2(mem({.kernel = 1000000, .kernel_tcp = 1000000, .disable_oom_killer = true,
                    .use_hierarchy = false, .check_before_update = true})),
            Ws{});
}

TEST(V2Memory, Errors) {
  EXPECT_EQ(v2_err(mem({.swappiness = 10})),
            "linux.resources.memory.swappiness: not supported on cgroup v2");
  EXPECT_EQ(v2_err(mem({.swappiness = 0})),
            "linux.resources.memory.swappiness: not supported on cgroup v2");
  EXPECT_EQ(v2_err(mem({.limit = -2})),
            "linux.resources.memory.limit: must be -1 (unlimited) or >= 0, got -2");
  EXPECT_EQ(v2_err(mem({.reservation = -5})),
            "linux.resources.memory.reservation: must be -1 (unlimited) or >= 0, got -5");
  EXPECT_EQ(v2_err(mem({.swap = -3})),
            "linux.resources.memory.swap: must be -1 (unlimited) or >= 0, got -3");
  EXPECT_EQ(v2_err(mem({.kernel = -2})),
            "linux.resources.memory.kernel: must be -1 (unlimited) or >= 0, got -2");
  EXPECT_EQ(v2_err(mem({.kernel_tcp = -2})),
            "linux.resources.memory.kernelTCP: must be -1 (unlimited) or >= 0, got -2");
  EXPECT_EQ(v1_err(mem({.swappiness = 101})),
            "linux.resources.memory.swappiness: must be between 0 and 100, got 101");
}

// ---- v2 cpu ------------------------------------------------------------------------

TEST(V2Cpu, SharesToWeight) {
  EXPECT_EQ(v2(cpu({.shares = 1024})), (Ws{U("cpu.weight", "39")}));
  EXPECT_EQ(v2(cpu({.shares = 2})), (Ws{U("cpu.weight", "1")}));
}

TEST(V2Cpu, Max) {
  EXPECT_EQ(v2(cpu({.quota = 50000, .period = 100000})), (Ws{U("cpu.max", "50000 100000")}));
  EXPECT_EQ(v2(cpu({.quota = 50000})), (Ws{U("cpu.max", "50000")}));
  EXPECT_EQ(v2(cpu({.quota = -1, .period = 100000})), (Ws{U("cpu.max", "max 100000")}));
  EXPECT_EQ(v2(cpu({.quota = -1})), (Ws{U("cpu.max", "max")}));
  EXPECT_EQ(v2(cpu({.period = 200000})), (Ws{U("cpu.max", "max 200000")}));
}

TEST(V2Cpu, Burst) {
  EXPECT_EQ(v2(cpu({.burst = 1000})), (Ws{U("cpu.max.burst", "1000")}));
  EXPECT_EQ(v2(cpu({.quota = 50000, .burst = 20000, .period = 100000})),
            (Ws{U("cpu.max.burst", "0"), U("cpu.max", "50000 100000"),
                U("cpu.max.burst", "20000")}));
  EXPECT_EQ(v2(cpu({.quota = 50000, .burst = 0})),
            (Ws{U("cpu.max", "50000"), U("cpu.max.burst", "0")}));
  EXPECT_EQ(v2(cpu({.quota = -1, .burst = 5000})),
            (Ws{U("cpu.max", "max"), U("cpu.max.burst", "5000")}));
}

TEST(V2Cpu, IdleBeforeWeight) {
  EXPECT_EQ(v2(cpu({.idle = 1})), (Ws{U("cpu.idle", "1")}));
  EXPECT_EQ(v2(cpu({.shares = 1024, .idle = 0})),
            (Ws{U("cpu.idle", "0"), U("cpu.weight", "39")}));
}

TEST(V2Cpu, Cpuset) {
  EXPECT_EQ(v2(cpu({.cpus = "0-3,7", .mems = "0"})),
            (Ws{U("cpuset.cpus", "0-3,7"), U("cpuset.mems", "0")}));
  EXPECT_EQ(v2(cpu({.cpus = "0-7:2/4"})), (Ws{U("cpuset.cpus", "0-7:2/4")}));
  EXPECT_EQ(v2(cpu({.cpus = "", .mems = ""})), Ws{});
}

TEST(V2Cpu, Realtime) {
  EXPECT_EQ(v2_err(cpu({.realtime_runtime = 950000})),
            "linux.resources.cpu.realtimeRuntime: not supported on cgroup v2");
  EXPECT_EQ(v2_err(cpu({.realtime_period = 1000000})),
            "linux.resources.cpu.realtimePeriod: not supported on cgroup v2");
  EXPECT_EQ(v2(cpu({.realtime_runtime = 0})), Ws{});
}

TEST(V2Cpu, RangeErrors) {
  EXPECT_EQ(v2_err(cpu({.shares = 1})),
            "linux.resources.cpu.shares: must be between 2 and 262144, got 1");
  EXPECT_EQ(v2_err(cpu({.shares = 0})),
            "linux.resources.cpu.shares: must be between 2 and 262144, got 0");
  EXPECT_EQ(v2_err(cpu({.shares = 262145})),
            "linux.resources.cpu.shares: must be between 2 and 262144, got 262145");
  EXPECT_EQ(v2_err(cpu({.quota = 999})),
            "linux.resources.cpu.quota: must be -1 (unlimited) or at least 1000 (1ms), got 999");
  EXPECT_EQ(v2_err(cpu({.quota = 0})),
            "linux.resources.cpu.quota: must be -1 (unlimited) or at least 1000 (1ms), got 0");
  EXPECT_EQ(v2_err(cpu({.quota = -2})),
            "linux.resources.cpu.quota: must be -1 (unlimited) or at least 1000 (1ms), got -2");
  EXPECT_EQ(v2_err(cpu({.period = 999})),
            "linux.resources.cpu.period: must be between 1000 (1ms) and 1000000 (1s), got 999");
  EXPECT_EQ(v2_err(cpu({.period = 1000001})),
            "linux.resources.cpu.period: must be between 1000 (1ms) and 1000000 (1s), got "
            "1000001");
  EXPECT_EQ(v2_err(cpu({.quota = 10000, .burst = 20000})),
            "linux.resources.cpu.burst: must not exceed cpu.quota (20000 > 10000)");
  EXPECT_EQ(v2_err(cpu({.idle = 2})), "linux.resources.cpu.idle: must be 0 or 1, got 2");
  EXPECT_EQ(v2_err(cpu({.shares = 1024, .idle = 1})),
            "linux.resources.cpu.shares: cannot be set together with cpu.idle = 1");
  EXPECT_EQ(v2_err(cpu({.cpus = "3-1"})),
            "linux.resources.cpu.cpus: invalid CPU list \"3-1\" (e.g. \"0-3,7\")");
  EXPECT_EQ(v2_err(cpu({.cpus = "0,,1"})),
            "linux.resources.cpu.cpus: invalid CPU list \"0,,1\" (e.g. \"0-3,7\")");
  EXPECT_EQ(v2_err(cpu({.mems = "a"})),
            "linux.resources.cpu.mems: invalid memory node list \"a\" (e.g. \"0-3,7\")");
  EXPECT_EQ(v2_err(cpu({.realtime_runtime = -2})),
            "linux.resources.cpu.realtimeRuntime: must be -1 (unlimited) or >= 0, got -2");
}

// ---- v2 io -------------------------------------------------------------------------


TEST(V2Io, WeightConverted) {
  EXPECT_EQ(v2(bio(weights())),
            (Ws{U("io.weight", "4950"), U("io.weight", "8:0 10000"), U("io.weight", "8:16 1")}));
}

TEST(V2Io, WeightBfq) {
  V2Options o;
  o.bfq = true;
  EXPECT_EQ(v2(bio(weights()), o), (Ws{U("io.bfq.weight", "500"), U("io.bfq.weight", "8:0 1000"),
                                       U("io.bfq.weight", "8:16 10")}));
}

TEST(V2Io, Throttle) {
  oci::BlockIO b;
  b.throttle_read_bps_device = {{.major = 8, .minor = 0, .rate = 600}};
  b.throttle_write_bps_device = {{.major = 8, .minor = 0, .rate = 0}};
  b.throttle_read_iops_device = {{.major = 8, .minor = 16, .rate = 100}};
  b.throttle_write_iops_device = {{.major = 8, .minor = 16, .rate = 300}};
  EXPECT_EQ(v2(bio(b)), (Ws{U("io.max", "8:0 rbps=600"), U("io.max", "8:0 wbps=max"),
                            U("io.max", "8:16 riops=100"), U("io.max", "8:16 wiops=300")}));
}

TEST(V2Io, Errors) {
  oci::BlockIO b;
  b.leaf_weight = 100;
  EXPECT_EQ(v2_err(bio(b)), "linux.resources.blockIO.leafWeight: not supported on cgroup v2");
  b = {};
  b.weight_device = {{.major = 8, .minor = 0, .weight = 100, .leaf_weight = 100}};
  EXPECT_EQ(v2_err(bio(b)),
            "linux.resources.blockIO.weightDevice[0].leafWeight: not supported on cgroup v2");
  b = {};
  b.weight = 5;
  EXPECT_EQ(v2_err(bio(b)), "linux.resources.blockIO.weight: must be between 10 and 1000, got 5");
  b = {};
  b.weight_device = {{.major = 8, .minor = 0, .weight = 1001}};
  EXPECT_EQ(v2_err(bio(b)),
            "linux.resources.blockIO.weightDevice[0].weight: must be between 10 and 1000, got "
            "1001");
  b = {};
  b.weight_device = {{.major = 8, .minor = 0}};
  EXPECT_EQ(v2_err(bio(b)),
            "linux.resources.blockIO.weightDevice[0]: at least one of weight or leafWeight must "
            "be specified");
  b = {};
  b.throttle_write_iops_device = {{.major = 8, .minor = 0, .rate = 1}, {.major = -1, .minor = 0, .rate = 1}};
  EXPECT_EQ(v2_err(bio(b)),
            "linux.resources.blockIO.throttleWriteIOPSDevice[1].major: out of range");
}

// ---- v2 hugetlb, network, pids, rdma -------------------------------------------------

TEST(V2Hugetlb, Limits) {
  oci::Resources r;
  r.hugepage_limits = {{"2MB", 209715200}, {"1GB", 1073741824}};
  EXPECT_EQ(v2(r), (Ws{U("hugetlb.2MB.max", "209715200"), U("hugetlb.1GB.max", "1073741824")}));
  V2Options o;
  o.hugetlb_rsvd = true;
  EXPECT_EQ(v2(r, o), (Ws{U("hugetlb.2MB.max", "209715200"), U("hugetlb.2MB.rsvd.max", "209715200"),
                          U("hugetlb.1GB.max", "1073741824"),
                          U("hugetlb.1GB.rsvd.max", "1073741824")}));
}

TEST(V2Hugetlb, PageSizeErrors) {
  oci::Resources r;
  r.hugepage_limits = {{"64KB", 1}, {"2048KB", 1}};
  EXPECT_EQ(v2_err(r),
            "linux.resources.hugepageLimits[1].pageSize: \"2048KB\" is not the kernel's spelling "
            "of this size; use \"2MB\"");
  r.hugepage_limits = {{"3MB", 1}};
  EXPECT_EQ(v2_err(r),
            "linux.resources.hugepageLimits[0].pageSize: \"3MB\" is not a power-of-two page size");
  r.hugepage_limits = {{"2mb", 1}};
  EXPECT_EQ(v1_err(r),
            "linux.resources.hugepageLimits[0].pageSize: must have the format <size><KB|MB|GB>, "
            "got \"2mb\"");
}

TEST(V2Network, Unsupported) {
  oci::Resources r;
  r.network = oci::Network{.class_id = 1048577};
  EXPECT_EQ(v2_err(r), "linux.resources.network: not supported on cgroup v2 (no net_cls/net_prio)");
  r.network = oci::Network{.priorities = {{"eth0", 5}}};
  EXPECT_EQ(v2_err(r), "linux.resources.network: not supported on cgroup v2 (no net_cls/net_prio)");
  r.network = oci::Network{};
  EXPECT_EQ(v2(r), Ws{});
}

TEST(V2Pids, Limit) {
  oci::Resources r;
  r.pids = oci::Pids{.limit = 32771};
  EXPECT_EQ(v2(r), (Ws{U("pids.max", "32771")}));
  r.pids = oci::Pids{.limit = -1};
  EXPECT_EQ(v2(r), (Ws{U("pids.max", "max")}));
  r.pids = oci::Pids{.limit = 0};  // config-linux.md#pids: 0 is a real limit
  EXPECT_EQ(v2(r), (Ws{U("pids.max", "0")}));
  r.pids = oci::Pids{};
  EXPECT_EQ(v2(r), Ws{});
  r.pids = oci::Pids{.limit = -2};
  EXPECT_EQ(v2_err(r), "linux.resources.pids.limit: must be -1 (unlimited) or >= 0, got -2");
}

TEST(V2Rdma, Max) {
  oci::Resources r;
  r.rdma = {{"mlx4_0", {.hca_handles = 2, .hca_objects = 2000}}, {"rxe3", {.hca_objects = 10}}};
  EXPECT_EQ(v2(r), (Ws{U("rdma.max", "mlx4_0 hca_handle=2 hca_object=2000"),
                       U("rdma.max", "rxe3 hca_object=10")}));
  EXPECT_EQ(v1(r), (Ws{C("rdma", "rdma.max", "mlx4_0 hca_handle=2 hca_object=2000"),
                       C("rdma", "rdma.max", "rxe3 hca_object=10")}));
}

TEST(V2Rdma, Errors) {
  oci::Resources r;
  r.rdma = {{"mlx4_0", {}}};
  EXPECT_EQ(v2_err(r), "linux.resources.rdma[\"mlx4_0\"]: at least one of hcaHandles or "
                       "hcaObjects must be specified");
  r.rdma = {{"mlx4_0", {.hca_handles = 2147483648u}}};
  EXPECT_EQ(v2_err(r), "linux.resources.rdma[\"mlx4_0\"].hcaHandles: must be at most 2147483647");
  r.rdma = {{"bad dev", {.hca_handles = 1}}};
  EXPECT_EQ(v2_err(r), "linux.resources.rdma[\"bad dev\"]: invalid device name");
}

// ---- v2 unified --------------------------------------------------------------------

TEST(V2Unified, WrittenAfterStructuredOneLinePerWrite) {
  oci::Resources r = unified({{"io.max", "259:0 rbps=2097152 wiops=120\n253:0 rbps=2097152\n"},
                              {"hugetlb.1GB.max", "1073741824"}});
  r.pids = oci::Pids{.limit = 10};
  EXPECT_EQ(v2(r), (Ws{U("pids.max", "10"), U("hugetlb.1GB.max", "1073741824"),
                       U("io.max", "259:0 rbps=2097152 wiops=120"),
                       U("io.max", "253:0 rbps=2097152")}));
}

TEST(V2Unified, EmptyValueIsStillWritten) {
  EXPECT_EQ(v2(unified({{"cpuset.cpus", ""}})), (Ws{U("cpuset.cpus", "\n")}));
}

TEST(V2Unified, OverridesStructuredField) {
  oci::Resources r = unified({{"memory.max", "2000"}});
  r.memory = oci::Memory{.limit = 1000, .swap = 3000};
  // The structured memory.max is dropped; swap.max is still derived from the structured limit.
  EXPECT_EQ(v2(r), (Ws{U("memory.swap.max", "2000"), U("memory.max", "2000")}));
}

TEST(V2Unified, OverridesOnlyTheSameEntryOfKeyedFiles) {
  oci::BlockIO b;
  b.weight = 500;
  b.weight_device = {{.major = 8, .minor = 0, .weight = 100}, {.major = 8, .minor = 16, .weight = 100}};
  b.throttle_read_bps_device = {{.major = 8, .minor = 0, .rate = 1}, {.major = 8, .minor = 16, .rate = 2}};
  oci::Resources r = bio(b);
  r.unified = {{"io.max", "8:16 rbps=99"}, {"io.weight", "default 77\n8:0 66"}};
  EXPECT_EQ(v2(r), (Ws{U("io.weight", "8:16 910"), U("io.max", "8:0 rbps=1"),
                       U("io.max", "8:16 rbps=99"), U("io.weight", "default 77"),
                       U("io.weight", "8:0 66")}));
}

TEST(V2Unified, KeyValidation) {
  EXPECT_EQ(v2(unified({{"cgroup.max.depth", "3"}, {"misc.max", "res_a 1"}})),
            (Ws{U("cgroup.max.depth", "3"), U("misc.max", "res_a 1")}));
  EXPECT_EQ(v2_err(unified({{"cgroup.procs", "1"}})),
            "linux.resources.unified[\"cgroup.procs\"]: is managed by the runtime and cannot be set");
  EXPECT_EQ(v2_err(unified({{"cgroup.subtree_control", "+cpu"}})),
            "linux.resources.unified[\"cgroup.subtree_control\"]: is managed by the runtime and "
            "cannot be set");
  EXPECT_EQ(v2_err(unified({{"cgroup.kill", "1"}})),
            "linux.resources.unified[\"cgroup.kill\"]: is managed by the runtime and cannot be set");
  EXPECT_EQ(v2_err(unified({{"cgroup.freeze", "1"}})),
            "linux.resources.unified[\"cgroup.freeze\"]: is managed by the runtime and cannot be "
            "set");
  EXPECT_EQ(v2_err(unified({{"../memory.max", "1"}})),
            "linux.resources.unified[\"../memory.max\"]: must be a file name in the container's "
            "cgroup (no '/')");
  EXPECT_EQ(v2_err(unified({{"memory..max", "1"}})),
            "linux.resources.unified[\"memory..max\"]: must have the form <controller>.<file>");
  EXPECT_EQ(v2_err(unified({{"memory", "1"}})),
            "linux.resources.unified[\"memory\"]: must have the form <controller>.<file>");
  EXPECT_EQ(v2_err(unified({{".max", "1"}})),
            "linux.resources.unified[\".max\"]: must have the form <controller>.<file>");
  EXPECT_EQ(v2_err(unified({{"memory max", "1"}})),
            "linux.resources.unified[\"memory max\"]: invalid character in cgroup file name");
  EXPECT_EQ(v2_err(unified({{"devices.allow", "a"}})),
            "linux.resources.unified[\"devices.allow\"]: unknown cgroup v2 controller \"devices\" "
            "(known: cpu, cpuset, memory, io, pids, hugetlb, rdma, misc, dmem)");
}

TEST(V2Order, FullConfig) {
  oci::Resources r;
  r.devices = std::vector<oci::DeviceCgroup>{{.allow = false, .access = "rwm"}};  // not on v2
  r.memory = oci::Memory{.limit = 536870912, .reservation = 268435456, .swap = 1073741824};
  r.cpu = oci::CPU{.shares = 1024, .quota = 100000, .burst = 50000, .period = 500000,
                   .cpus = "2-3", .mems = "0", .idle = 0};
  r.block_io = oci::BlockIO{.weight = 10};
  r.block_io->throttle_read_bps_device = {{.major = 8, .minor = 0, .rate = 600}};
  r.hugepage_limits = {{"2MB", 209715200}};
  r.pids = oci::Pids{.limit = 100};
  r.rdma = {{"mlx5_1", {.hca_handles = 3}}};
  r.unified = {{"memory.high", "500000000"}};
  EXPECT_EQ(v2(r), (Ws{U("cpuset.cpus", "2-3"), U("cpuset.mems", "0"), U("cpu.idle", "0"),
                       U("cpu.weight", "39"), U("cpu.max.burst", "0"), U("cpu.max", "100000 500000"),
                       U("cpu.max.burst", "50000"), U("memory.max", "536870912"),
                       U("memory.swap.max", "536870912"), U("memory.low", "268435456"),
                       U("io.weight", "1"), U("io.max", "8:0 rbps=600"),
                       U("hugetlb.2MB.max", "209715200"), U("pids.max", "100"),
                       U("rdma.max", "mlx5_1 hca_handle=3"), U("memory.high", "500000000")}));
}

}  // namespace
