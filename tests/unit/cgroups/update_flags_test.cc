// `update` flags and -r JSON against runc 1.1.5's behaviour (values checked with the
// installed /usr/sbin/runc on a running container where runc accepts them).
#include "cgroups/update_flags.h"

#include <gtest/gtest.h>

namespace berth::cgroups {
namespace {

struct Ram { const char* in; int64_t bytes; };

TEST(UpdateFlags, RamInBytes) {
  const Ram ok[] = {
      {"0", 0},           {"100", 100},        {"64k", 64 << 10},
      {"64K", 64 << 10},  {"64m", 64 << 20},   {"64M", 64 << 20},
      {"64mb", 64 << 20}, {"64mB", 64 << 20},  {"64MiB", 64 << 20},
      {"64 m", 64 << 20}, {"12kib", 12288},    {"1g", int64_t{1} << 30},
      {"1.5g", 1610612736}, {"0.5k", 512},     {"1t", int64_t{1} << 40},
      {"2p", int64_t{2} << 50}, {"10b", 10},   {"10i", 10},
      {"1.7", 1},
  };
  for (const auto& t : ok) {
    auto r = parse_ram_in_bytes(t.in);
    ASSERT_TRUE(r) << t.in << ": " << r.error().what();
    EXPECT_EQ(*r, t.bytes) << t.in;
  }
  const std::pair<const char*, const char*> bad[] = {
      {"64x", "invalid size: '64x'"},
      {"-5m", "invalid size: '-5m'"},
      {" 64m", "invalid size: ' 64m'"},
      {"64  m", "invalid size: '64  m'"},
      {"", "invalid size: ''"},
      {"m", "invalid size: 'm'"},
      {".5m", "invalid size: '.5m'"},
      {"5.m", "invalid size: '5.m'"},
      {"1e3", "invalid size: '1e3'"},
      {"64mm", "invalid size: '64mm'"},
      {"1.2.3m", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
      {"8192p", "invalid size: '8192p'"},  // 2^63: does not fit an int64
  };
  for (const auto& [in, msg] : bad) {
    auto r = parse_ram_in_bytes(in);
    ASSERT_FALSE(r) << in;
    EXPECT_STREQ(r.error().what(), msg) << in;
  }
}

TEST(UpdateFlags, AllFlags) {
  auto p = resources_from_update_flags({
      {"blkio-weight", "500"},
      {"cpu-period", "100000"},
      {"cpu-quota", "-1"},
      {"cpu-share", "512"},
      {"cpu-rt-period", "1000000"},
      {"cpu-rt-runtime", "950000"},
      {"cpuset-cpus", "0-1"},
      {"cpuset-mems", "0"},
      {"kernel-memory-tcp", "1m"},
      {"memory", "64m"},
      {"memory-reservation", "32M"},
      {"memory-swap", "-1"},
      {"pids-limit", "100"},
      {"l3-cache-schema", "L3:0=ff"},
      {"mem-bw-schema", "MB:0=70"},
      {"cpu-burst", "1000"},
      {"cpu-idle", "1"},
  });
  ASSERT_TRUE(p) << p.error().what();
  const oci::Resources& r = p->resources;
  ASSERT_TRUE(r.block_io && r.cpu && r.memory && r.pids);
  EXPECT_EQ(r.block_io->weight, 500);
  EXPECT_EQ(r.cpu->period, 100000u);
  EXPECT_EQ(r.cpu->quota, -1);
  EXPECT_EQ(r.cpu->shares, 512u);
  EXPECT_EQ(r.cpu->realtime_period, 1000000u);
  EXPECT_EQ(r.cpu->realtime_runtime, 950000);
  EXPECT_EQ(r.cpu->cpus, "0-1");
  EXPECT_EQ(r.cpu->mems, "0");
  EXPECT_EQ(r.cpu->burst, 1000u);
  EXPECT_EQ(r.cpu->idle, 1);
  EXPECT_EQ(r.memory->kernel_tcp, 1 << 20);
  EXPECT_EQ(r.memory->limit, 64 << 20);
  EXPECT_EQ(r.memory->reservation, 32 << 20);
  EXPECT_EQ(r.memory->swap, -1);
  EXPECT_FALSE(r.memory->kernel);
  EXPECT_EQ(r.pids->limit, 100);
  EXPECT_EQ(p->l3_cache_schema, "L3:0=ff");
  EXPECT_EQ(p->mem_bw_schema, "MB:0=70");
  EXPECT_FALSE(r.devices);
  EXPECT_FALSE(r.network);
}

TEST(UpdateFlags, OnlyGivenFieldsAreSet) {
  auto p = resources_from_update_flags({{"--memory", "1g"}});
  ASSERT_TRUE(p);
  oci::Resources want;
  want.memory.emplace().limit = int64_t{1} << 30;
  EXPECT_EQ(p->resources, want);
  EXPECT_FALSE(p->l3_cache_schema);

  // Empty values and the IntFlags' 0 mean "not given", as in runc.
  auto none = resources_from_update_flags(
      {{"cpuset-cpus", ""}, {"memory", ""}, {"blkio-weight", "0"}, {"pids-limit", "0"}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->resources, oci::Resources{});
  EXPECT_EQ(resources_from_update_flags({}).value(), UpdatePatch{});
}

TEST(UpdateFlags, IntFlagsTakeGoBasePrefixes) {
  EXPECT_EQ(resources_from_update_flags({{"pids-limit", "0x20"}})->resources.pids->limit, 32);
  EXPECT_EQ(resources_from_update_flags({{"pids-limit", "-1"}})->resources.pids->limit, -1);
  EXPECT_EQ(resources_from_update_flags({{"pids-limit", "010"}})->resources.pids->limit, 8);
  EXPECT_EQ(resources_from_update_flags({{"pids-limit", "0b101"}})->resources.pids->limit, 5);
  EXPECT_EQ(resources_from_update_flags({{"pids-limit", "0x1_0"}})->resources.pids->limit, 16);
  EXPECT_EQ(resources_from_update_flags({{"blkio-weight", "0x64"}})->resources.block_io->weight,
            100);
}

TEST(UpdateFlags, UnlimitedMemoryMakesSwapUnlimited) {
  auto p = resources_from_update_flags({{"memory", "-1"}});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->resources.memory->limit, -1);
  EXPECT_EQ(p->resources.memory->swap, -1);
  auto q = resources_from_update_flags({{"memory", "-1"}, {"memory-swap", "1g"}});
  EXPECT_EQ(q->resources.memory->swap, int64_t{1} << 30);
}

TEST(UpdateFlags, Errors) {
  const std::pair<std::pair<const char*, const char*>, const char*> table[] = {
      {{"cpu-period", "abc"},
       "invalid value for cpu-period: strconv.ParseUint: parsing \"abc\": invalid syntax"},
      {{"cpu-period", "-1"},
       "invalid value for cpu-period: strconv.ParseUint: parsing \"-1\": invalid syntax"},
      {{"cpu-share", "99999999999999999999"},
       "invalid value for cpu-share: strconv.ParseUint: parsing \"99999999999999999999\": "
       "value out of range"},
      {{"cpu-quota", "1.5"},
       "invalid value for cpu-quota: strconv.ParseInt: parsing \"1.5\": invalid syntax"},
      {{"cpu-rt-runtime", " 5"},
       "invalid value for cpu-rt-runtime: strconv.ParseInt: parsing \" 5\": invalid syntax"},
      {{"cpu-idle", "x"},
       "invalid value for cpu-idle: strconv.ParseInt: parsing \"x\": invalid syntax"},
      {{"memory", "64x"}, "invalid value for memory: invalid size: '64x'"},
      {{"memory-swap", "-2"}, "invalid value for memory-swap: invalid size: '-2'"},
      {{"memory-reservation", "1.2.3m"},
       "invalid value for memory-reservation: strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
      {{"pids-limit", "abc"}, "invalid value \"abc\" for flag -pids-limit: parse error"},
      {{"pids-limit", ""}, "invalid value \"\" for flag -pids-limit: parse error"},
      {{"pids-limit", "08"}, "invalid value \"08\" for flag -pids-limit: parse error"},
      {{"blkio-weight", "5"}, "invalid value for blkio-weight: 5 is not in 10..1000"},
      {{"blkio-weight", "1001"}, "invalid value for blkio-weight: 1001 is not in 10..1000"},
      {{"kernel-memory", "64m"},
       "--kernel-memory is not supported: kernel memory limits were deprecated in Linux 5.4"},
      {{"cpu-shares", "1"}, "unknown update flag \"--cpu-shares\""},
      {{"resources", "f.json"}, "unknown update flag \"--resources\""},
  };
  for (const auto& [flag, msg] : table) {
    auto r = resources_from_update_flags({{flag.first, flag.second}});
    ASSERT_FALSE(r) << flag.first << "=" << flag.second;
    EXPECT_STREQ(r.error().what(), msg) << flag.first;
  }
}

TEST(UpdateFlags, FlagNamesAreRuncs) {
  EXPECT_EQ(kUpdateFlagNames.size(), 18u);
  for (auto n : kUpdateFlagNames) {
    // Every listed flag is accepted with an empty value (= unchanged), except the
    // two IntFlags, which need a number.
    std::string v = (n == "blkio-weight" || n == "pids-limit") ? "0" : "";
    EXPECT_TRUE(resources_from_update_flags({{std::string(n), v}})) << n;
  }
}

TEST(UpdateJson, RuncHelpExample) {
  auto r = resources_from_update_json(R"({
    "memory": {"limit": 67108864, "reservation": 0, "swap": 134217728, "checkBeforeUpdate": true},
    "cpu": {"shares": 512, "quota": 50000, "burst": 0, "period": 100000,
            "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "0", "mems": "", "idle": 0},
    "blockIO": {"weight": 100},
    "pids": {"limit": 50},
    "unified": {"memory.high": "50000000"}
  })");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->memory->limit, 67108864);
  EXPECT_EQ(r->memory->swap, 134217728);
  EXPECT_EQ(r->memory->check_before_update, true);
  EXPECT_EQ(r->cpu->shares, 512u);
  EXPECT_EQ(r->cpu->quota, 50000);
  EXPECT_EQ(r->cpu->cpus, "0");
  EXPECT_EQ(r->block_io->weight, 100);
  EXPECT_EQ(r->pids->limit, 50);
  EXPECT_EQ(r->unified.at("memory.high"), "50000000");
  EXPECT_FALSE(r->devices);
}

TEST(UpdateJson, EmptyAndUnlimited) {
  EXPECT_EQ(resources_from_update_json("{}").value(), oci::Resources{});
  auto r = resources_from_update_json(R"({"memory":{"limit":-1}})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->memory->swap, -1);
}

TEST(UpdateJson, Errors) {
  auto not_json = resources_from_update_json("{\"memory\":");
  ASSERT_FALSE(not_json);
  EXPECT_TRUE(std::string(not_json.error().what()).starts_with("invalid resources JSON: "));
  auto array = resources_from_update_json("[]");
  ASSERT_FALSE(array);
  EXPECT_STREQ(array.error().what(), "invalid resources JSON: not an object");
  // Splicing cannot be used to smuggle in more of a config document.
  EXPECT_FALSE(resources_from_update_json(R"({}}, "hostname": "x", "y": {)"));
  auto type = resources_from_update_json(R"({"memory":{"limit":"big"}})");
  ASSERT_FALSE(type);
  EXPECT_NE(std::string(type.error().what()).find("memory.limit"), std::string::npos)
      << type.error().what();
  EXPECT_EQ(std::string(type.error().what()).find("linux.resources"), std::string::npos)
      << type.error().what();
}

TEST(MergeResources, OverlaysPresentFields) {
  oci::Resources base;
  base.memory.emplace();
  base.memory->limit = 100;
  base.memory->swap = 200;
  base.cpu.emplace();
  base.cpu->shares = 1024;
  base.cpu->cpus = "0-3";
  base.pids.emplace().limit = 10;
  base.devices = std::vector<oci::DeviceCgroup>{{false, std::nullopt, std::nullopt, std::nullopt,
                                                 std::string("rwm")}};
  base.block_io.emplace();
  base.block_io->weight = 100;
  base.block_io->throttle_read_bps_device = {{8, 0, 1000}, {8, 16, 2000}};
  base.hugepage_limits = {{"2MB", 1 << 21}};
  base.unified = {{"memory.high", "1"}, {"io.max", "x"}};

  oci::Resources patch;
  patch.memory.emplace().limit = 300;
  patch.cpu.emplace().quota = 5000;
  patch.block_io.emplace();
  patch.block_io->throttle_read_bps_device = {{8, 16, 3000}, {8, 32, 4000}};
  patch.hugepage_limits = {{"1GB", 1 << 30}};
  patch.network.emplace().class_id = 7;
  patch.unified = {{"memory.high", "2"}};
  patch.rdma["mlx5_1"].hca_handles = 3;

  oci::Resources before = base;
  merge_resources(base, patch);
  EXPECT_EQ(base.memory->limit, 300);
  EXPECT_EQ(base.memory->swap, 200);
  EXPECT_EQ(base.cpu->shares, 1024u);
  EXPECT_EQ(base.cpu->quota, 5000);
  EXPECT_EQ(base.cpu->cpus, "0-3");
  EXPECT_EQ(base.pids->limit, 10);
  EXPECT_EQ(base.devices, before.devices);  // absent in patch: kept
  EXPECT_EQ(base.block_io->weight, 100);
  EXPECT_EQ(base.block_io->throttle_read_bps_device,
            (std::vector<oci::ThrottleDevice>{{8, 0, 1000}, {8, 16, 3000}, {8, 32, 4000}}));
  EXPECT_EQ(base.hugepage_limits.size(), 2u);
  EXPECT_EQ(base.network->class_id, 7u);
  EXPECT_EQ(base.unified.at("memory.high"), "2");
  EXPECT_EQ(base.unified.at("io.max"), "x");
  EXPECT_EQ(base.rdma.at("mlx5_1").hca_handles, 3u);
  EXPECT_FALSE(base.rdma.at("mlx5_1").hca_objects);

  // An empty patch changes nothing; merging a patch twice is the same as once.
  oci::Resources again = base;
  merge_resources(again, oci::Resources{});
  EXPECT_EQ(again, base);
  merge_resources(again, patch);
  EXPECT_EQ(again, base);
}

TEST(MergeResources, IntoEmptyBaseAndDevicesReplace) {
  oci::Resources base;
  oci::Resources patch;
  patch.pids.emplace().limit = 5;
  patch.devices = std::vector<oci::DeviceCgroup>{};
  merge_resources(base, patch);
  EXPECT_EQ(base, patch);

  auto flags = resources_from_update_flags({{"memory", "64m"}, {"cpu-quota", "1000"}});
  ASSERT_TRUE(flags);
  oci::Resources stored;
  stored.memory.emplace().reservation = 1;
  merge_resources(stored, flags->resources);
  EXPECT_EQ(stored.memory->limit, 64 << 20);
  EXPECT_EQ(stored.memory->reservation, 1);
  EXPECT_EQ(stored.cpu->quota, 1000);
}

}  // namespace
}  // namespace berth::cgroups
