// Parsers on canned cgroup file contents (copied from a 6.18 kernel where noted),
// the readers on a fake cgroup directory, and the runc-shaped JSON.
#include "cgroups/stats.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include <string>

#include "base/file.h"
#include "base/unique_fd.h"

namespace berth::cgroups {
namespace {

TEST(CgroupStats, SingleValues) {
  EXPECT_EQ(parse_cgroup_uint("123\n").value(), 123u);
  EXPECT_EQ(parse_cgroup_uint("max\n").value(), kStatUnlimited);
  EXPECT_EQ(parse_cgroup_uint("9223372036854771712\n").value(), 9223372036854771712u);
  EXPECT_FALSE(parse_cgroup_uint(""));
  EXPECT_FALSE(parse_cgroup_uint("12 13"));
  EXPECT_FALSE(parse_cgroup_uint("-1"));
  EXPECT_STREQ(parse_cgroup_uint("x1").error().what(), "invalid number \"x1\"");
  EXPECT_EQ(parse_cgroup_int("-1\n").value(), -1);
}

TEST(CgroupStats, CpuStatV2) {
  // A 6.18 cgroup's cpu.stat with the cpu controller enabled.
  const char* text =
      "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnice_usec 0\ncore_sched.force_idle_usec 0\n"
      "nr_periods 10\nnr_throttled 3\nthrottled_usec 2500\nnr_bursts 0\nburst_usec 0\n";
  CpuStats c;
  ASSERT_TRUE(parse_cpu_stat_v2(text, c));
  EXPECT_EQ(c.total_ns, 1500000u);
  EXPECT_EQ(c.user_ns, 1000000u);
  EXPECT_EQ(c.kernel_ns, 500000u);
  EXPECT_EQ(c.periods, 10u);
  EXPECT_EQ(c.throttled_periods, 3u);
  EXPECT_EQ(c.throttled_time_ns, 2500000u);
  EXPECT_TRUE(c.percpu_ns.empty());
  EXPECT_FALSE(parse_cpu_stat_v2("usage_usec abc\n", c));
  EXPECT_FALSE(parse_cpu_stat_v2("usage_usec\n", c));
}

TEST(CgroupStats, CpuStatV1AndPercpu) {
  CpuStats c;
  ASSERT_TRUE(parse_cpu_stat_v1(
      "nr_periods 7\nnr_throttled 2\nthrottled_time 123456\nnr_bursts 0\nburst_time 0\n", c));
  EXPECT_EQ(c.periods, 7u);
  EXPECT_EQ(c.throttled_periods, 2u);
  EXPECT_EQ(c.throttled_time_ns, 123456u);
  // cpuacct.usage_percpu ends in a space before the newline.
  EXPECT_EQ(parse_percpu("9089897 3092718 \n").value(), (std::vector<uint64_t>{9089897, 3092718}));
  EXPECT_TRUE(parse_percpu("\n").value().empty());
  EXPECT_FALSE(parse_percpu("1 x 3\n"));
}

TEST(CgroupStats, MemoryStat) {
  MemoryStats v1;
  ASSERT_TRUE(parse_memory_stat("cache 4096\nrss 57344\ntotal_cache 4096\n", false, v1));
  EXPECT_EQ(v1.cache, 4096u);
  EXPECT_EQ(v1.stat.at("rss"), 57344u);
  EXPECT_EQ(v1.stat.size(), 3u);

  MemoryStats v2;
  ASSERT_TRUE(parse_memory_stat("anon 8192\nfile 12288\nkernel 4096\npgfault 10\n", true, v2));
  EXPECT_EQ(v2.cache, 12288u);
  EXPECT_EQ(v2.stat.at("anon"), 8192u);
  EXPECT_FALSE(parse_memory_stat("anon 1 2\n", true, v2));
}

TEST(CgroupStats, MemoryEvents) {
  auto ev = parse_memory_events("low 0\nhigh 1\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n");
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->high, 1u);
  EXPECT_EQ(ev->max, 5u);
  EXPECT_EQ(ev->oom, 2u);
  EXPECT_EQ(ev->oom_kill, 1u);
  // The brief's two-line form and v1's memory.oom_control parse the same way.
  EXPECT_EQ(parse_memory_events("oom 3\noom_kill 4").value().oom_kill, 4u);
  auto v1 = parse_memory_events("oom_kill_disable 0\nunder_oom 0\noom_kill 6\n");
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->oom_kill, 6u);
  EXPECT_EQ(v1->oom, 0u);
}

TEST(CgroupStats, IoStatV2) {
  BlkioStats b;
  ASSERT_TRUE(parse_io_stat_v2(
      "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
      "259:1 rbytes=1 wbytes=0 rios=1 wios=0 dbytes=512 dios=1 cost.vrate=100.00 cost.usage=3\n",
      b));
  ASSERT_EQ(b.io_service_bytes_recursive.size(), 6u);
  EXPECT_EQ(b.io_service_bytes_recursive[0], (BlkioEntry{8, 0, "Read", 4096}));
  EXPECT_EQ(b.io_service_bytes_recursive[1], (BlkioEntry{8, 0, "Write", 8192}));
  EXPECT_EQ(b.io_service_bytes_recursive[2], (BlkioEntry{8, 0, "Discard", 0}));
  EXPECT_EQ(b.io_service_bytes_recursive[5], (BlkioEntry{259, 1, "Discard", 512}));
  ASSERT_EQ(b.io_serviced_recursive.size(), 6u);
  EXPECT_EQ(b.io_serviced_recursive[1], (BlkioEntry{8, 0, "Write", 2}));
  BlkioStats bad;
  EXPECT_FALSE(parse_io_stat_v2("sda rbytes=1\n", bad));
  EXPECT_FALSE(parse_io_stat_v2("8:0 rbytes=x\n", bad));
  EXPECT_FALSE(parse_io_stat_v2("8:0 rbytes\n", bad));
  BlkioStats empty;
  EXPECT_TRUE(parse_io_stat_v2("", empty));
  EXPECT_TRUE(empty.io_service_bytes_recursive.empty());
}

TEST(CgroupStats, BlkioV1) {
  auto e = parse_blkio_v1("8:0 Read 4096\n8:0 Write 0\n8:0 Sync 4096\n8:0 Async 0\n"
                          "8:0 Discard 0\n8:0 Total 4096\nTotal 4096\n");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->size(), 6u);
  EXPECT_EQ((*e)[0], (BlkioEntry{8, 0, "Read", 4096}));
  EXPECT_EQ((*e)[5], (BlkioEntry{8, 0, "Total", 4096}));
  EXPECT_TRUE(parse_blkio_v1("Total 0\n").value().empty());  // an idle cgroup
  EXPECT_FALSE(parse_blkio_v1("8:0 Read\n"));
  EXPECT_FALSE(parse_blkio_v1("8-0 Read 1\n"));
  EXPECT_FALSE(parse_blkio_v1("8:0 Read 1 2\n"));
}

TEST(CgroupStats, CpuList) {
  EXPECT_EQ(parse_cpu_list("0-3,8,10-11\n").value(),
            (std::vector<uint16_t>{0, 1, 2, 3, 8, 10, 11}));
  EXPECT_EQ(parse_cpu_list("0\n").value(), (std::vector<uint16_t>{0}));
  EXPECT_TRUE(parse_cpu_list("\n").value().empty());
  EXPECT_FALSE(parse_cpu_list("3-1"));
  EXPECT_FALSE(parse_cpu_list("a"));
  EXPECT_FALSE(parse_cpu_list("70000"));
}

// A fake cgroup directory on the test's temp dir.
class FakeCgroup {
 public:
  FakeCgroup() {
    char tmpl[] = "/tmp/berth-cgstats-XXXXXX";
    path_ = ::mkdtemp(tmpl);
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  ~FakeCgroup() {
    std::string cmd = "rm -rf '" + path_ + "'";
    (void)!::system(cmd.c_str());
  }
  void put(const std::string& name, const std::string& text) {
    ASSERT_TRUE(write_file_atomic(path_ + "/" + name, text));
  }
  int fd() const { return fd_.get(); }

 private:
  std::string path_;
  UniqueFd fd_;
};

TEST(CgroupStats, ReadV2) {
  FakeCgroup d;
  d.put("cpu.stat", "usage_usec 10\nuser_usec 6\nsystem_usec 4\n");
  d.put("cpuset.cpus.effective", "0-1\n");
  d.put("memory.current", "1000\n");
  d.put("memory.max", "4096\n");
  d.put("memory.swap.current", "24\n");
  d.put("memory.swap.max", "max\n");
  d.put("memory.stat", "anon 8\nfile 16\n");
  d.put("memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n");
  d.put("pids.current", "4\n");
  d.put("pids.max", "max\n");
  d.put("io.stat", "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n");
  d.put("hugetlb.2MB.current", "2097152\n");
  d.put("hugetlb.2MB.events", "max 1\n");
  d.put("hugetlb.2MB.rsvd.current", "0\n");
  d.put("hugetlb.1GB.current", "0\n");
  auto s = read_stats_v2(d.fd());
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_EQ(s->cpu.total_ns, 10000u);
  EXPECT_EQ(s->cpuset.cpus, (std::vector<uint16_t>{0, 1}));
  EXPECT_TRUE(s->cpuset.mems.empty());
  EXPECT_EQ(s->memory.usage, (MemoryEntry{1000, 0, 4096, 3}));
  EXPECT_EQ(s->memory.swap.usage, 1024u);           // memory + swap, as runc reports
  EXPECT_EQ(s->memory.swap.limit, kStatUnlimited);  // swap "max"
  EXPECT_EQ(s->memory.cache, 16u);
  EXPECT_EQ(s->oom_events, 2u);
  EXPECT_EQ(s->oom_kill, 1u);
  EXPECT_EQ(s->pids, (PidsStats{4, kStatUnlimited}));
  EXPECT_EQ(s->blkio.io_service_bytes_recursive.size(), 2u);
  ASSERT_EQ(s->hugetlb.size(), 2u);  // rsvd is not a page size
  EXPECT_EQ(s->hugetlb.at("2MB"), (HugetlbStats{2097152, 0, 1}));

  d.put("pids.max", "lots\n");
  auto bad = read_stats_v2(d.fd());
  ASSERT_FALSE(bad);
  EXPECT_STREQ(bad.error().what(), "pids.max: invalid number \"lots\"");
}

TEST(CgroupStats, ReadV2EmptyDirectory) {
  FakeCgroup d;
  auto s = read_stats_v2(d.fd());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cpu, CpuStats{});
  EXPECT_TRUE(s->hugetlb.empty());
}

TEST(CgroupStats, ReadV1Hybrid) {
  FakeCgroup cpuacct, cpu, memory, pids, blkio, unified;
  cpuacct.put("cpuacct.usage", "12182615\n");
  cpuacct.put("cpuacct.usage_user", "2000\n");
  cpuacct.put("cpuacct.usage_sys", "3000\n");
  cpuacct.put("cpuacct.usage_percpu", "9089897 3092718 \n");
  cpu.put("cpu.stat", "nr_periods 5\nnr_throttled 1\nthrottled_time 77\n");
  memory.put("memory.usage_in_bytes", "462848\n");
  memory.put("memory.max_usage_in_bytes", "2506752\n");
  memory.put("memory.limit_in_bytes", "67108864\n");
  memory.put("memory.failcnt", "0\n");
  memory.put("memory.memsw.usage_in_bytes", "462848\n");
  memory.put("memory.memsw.limit_in_bytes", "9223372036854771712\n");
  memory.put("memory.kmem.tcp.usage_in_bytes", "0\n");
  memory.put("memory.stat", "cache 4096\nrss 57344\n");
  memory.put("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  pids.put("pids.current", "1\n");
  pids.put("pids.max", "100\n");
  // BFQ files exist but stay empty when the device is not under BFQ.
  blkio.put("blkio.bfq.io_service_bytes_recursive", "Total 0\n");
  blkio.put("blkio.bfq.io_serviced_recursive", "Total 0\n");
  blkio.put("blkio.throttle.io_service_bytes_recursive", "8:0 Read 5\n8:0 Write 6\nTotal 11\n");
  blkio.put("blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 1\nTotal 2\n");
  unified.put("hugetlb.2MB.current", "0\n");
  unified.put("hugetlb.2MB.events", "max 0\n");
  // Must not be read: memory comes from v1.
  unified.put("memory.current", "1\n");

  auto s = read_stats_v1({{"cpuacct", cpuacct.fd()}, {"cpu", cpu.fd()}, {"memory", memory.fd()},
                          {"pids", pids.fd()}, {"blkio", blkio.fd()}, {"unified", unified.fd()}});
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_EQ(s->cpu.total_ns, 12182615u);
  EXPECT_EQ(s->cpu.user_ns, 2000u);
  EXPECT_EQ(s->cpu.kernel_ns, 3000u);
  EXPECT_EQ(s->cpu.percpu_ns, (std::vector<uint64_t>{9089897, 3092718}));
  EXPECT_EQ(s->cpu.throttled_periods, 1u);
  EXPECT_EQ(s->memory.usage, (MemoryEntry{462848, 2506752, 67108864, 0}));
  EXPECT_EQ(s->memory.swap.limit, 9223372036854771712u);
  EXPECT_EQ(s->memory.cache, 4096u);
  EXPECT_EQ(s->oom_kill, 2u);
  EXPECT_EQ(s->pids, (PidsStats{1, 100}));
  EXPECT_EQ(s->blkio.io_service_bytes_recursive,
            (std::vector<BlkioEntry>{{8, 0, "Read", 5}, {8, 0, "Write", 6}}));
  EXPECT_EQ(s->blkio.io_serviced_recursive.size(), 2u);
  ASSERT_EQ(s->hugetlb.count("2MB"), 1u);

  memory.put("memory.stat", "cache x\n");
  auto bad = read_stats_v1({{"memory", memory.fd()}});
  ASSERT_FALSE(bad);
  EXPECT_STREQ(bad.error().what(), "memory: memory.stat: invalid line \"cache x\"");
}

TEST(CgroupStats, ReadV1CpuacctStatTicks) {
  FakeCgroup cpuacct;
  cpuacct.put("cpuacct.stat", "user 3\nsystem 1\n");
  auto s = read_stats_v1({{"cpuacct", cpuacct.fd()}});
  ASSERT_TRUE(s);
  uint64_t tick = 1000000000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
  EXPECT_EQ(s->cpu.user_ns, 3 * tick);
  EXPECT_EQ(s->cpu.kernel_ns, 1 * tick);
}

// JSON helpers over yajl_tree.
struct Tree {
  explicit Tree(const std::string& text) {
    char err[256];
    v = yajl_tree_parse(text.c_str(), err, sizeof err);
  }
  ~Tree() { yajl_tree_free(v); }
  yajl_val v = nullptr;
};

yajl_val at(yajl_val v, std::initializer_list<const char*> path) {
  std::vector<const char*> p(path);
  p.push_back(nullptr);
  return yajl_tree_get(v, p.data(), yajl_t_any);
}

uint64_t num(yajl_val v) {
  EXPECT_TRUE(v && YAJL_IS_NUMBER(v));
  return v ? std::strtoull(YAJL_GET_NUMBER(v), nullptr, 10) : 0;
}

TEST(CgroupStats, EventJson) {
  Stats s;
  s.cpu.total_ns = 12182615;
  s.cpu.percpu_ns = {9089897, 3092718};
  s.cpu.kernel_ns = 10000000;
  s.cpuset.cpus = {0, 1};
  s.cpuset.sched_relax_domain_level = -1;
  s.memory.cache = 4096;
  s.memory.usage = {462848, 2506752, 67108864, 0};
  s.memory.swap.limit = kStatUnlimited;
  s.memory.stat = {{"cache", 4096}, {"rss", 57344}};
  s.pids = {1, 100};
  s.blkio.io_service_bytes_recursive = {{8, 0, "Read", 4096}};
  s.hugetlb["2MB"] = {2097152, 0, 3};

  std::string text = stats_event_json("c1", s);
  Tree t(text);
  ASSERT_TRUE(t.v) << text;
  EXPECT_STREQ(YAJL_GET_STRING(at(t.v, {"type"})), "stats");
  EXPECT_STREQ(YAJL_GET_STRING(at(t.v, {"id"})), "c1");
  EXPECT_EQ(num(at(t.v, {"data", "cpu", "usage", "total"})), 12182615u);
  yajl_val percpu = at(t.v, {"data", "cpu", "usage", "percpu"});
  ASSERT_TRUE(percpu && YAJL_IS_ARRAY(percpu));
  EXPECT_EQ(YAJL_GET_ARRAY(percpu)->len, 2u);
  EXPECT_EQ(num(at(t.v, {"data", "cpu", "usage", "kernel"})), 10000000u);
  EXPECT_EQ(num(at(t.v, {"data", "cpu", "usage", "user"})), 0u);  // not omitempty
  EXPECT_EQ(at(t.v, {"data", "cpu", "usage", "percpu_user"}), nullptr);  // omitempty
  ASSERT_TRUE(YAJL_IS_OBJECT(at(t.v, {"data", "cpu", "throttling"})));
  EXPECT_EQ(YAJL_GET_OBJECT(at(t.v, {"data", "cpu", "throttling"}))->len, 0u);
  EXPECT_STREQ(YAJL_GET_NUMBER(at(t.v, {"data", "cpuset", "sched_relax_domain_level"})), "-1");
  EXPECT_EQ(num(at(t.v, {"data", "memory", "cache"})), 4096u);
  EXPECT_EQ(num(at(t.v, {"data", "memory", "usage", "limit"})), 67108864u);
  EXPECT_EQ(num(at(t.v, {"data", "memory", "usage", "max"})), 2506752u);
  EXPECT_EQ(num(at(t.v, {"data", "memory", "usage", "failcnt"})), 0u);
  EXPECT_STREQ(YAJL_GET_NUMBER(at(t.v, {"data", "memory", "swap", "limit"})),
               "18446744073709551615");
  EXPECT_EQ(at(t.v, {"data", "memory", "swap", "usage"}), nullptr);
  EXPECT_NE(at(t.v, {"data", "memory", "kernelTCP", "limit"}), nullptr);
  EXPECT_EQ(num(at(t.v, {"data", "memory", "raw", "rss"})), 57344u);
  EXPECT_EQ(num(at(t.v, {"data", "pids", "current"})), 1u);
  EXPECT_EQ(num(at(t.v, {"data", "pids", "limit"})), 100u);
  yajl_val io = at(t.v, {"data", "blkio", "ioServiceBytesRecursive"});
  ASSERT_TRUE(io && YAJL_IS_ARRAY(io));
  yajl_val e0 = YAJL_GET_ARRAY(io)->values[0];
  EXPECT_EQ(num(at(e0, {"major"})), 8u);
  EXPECT_EQ(at(e0, {"minor"}), nullptr);  // omitempty zero, as in runc
  EXPECT_STREQ(YAJL_GET_STRING(at(e0, {"op"})), "Read");
  EXPECT_EQ(num(at(e0, {"value"})), 4096u);
  EXPECT_EQ(at(t.v, {"data", "blkio", "ioServicedRecursive"}), nullptr);
  EXPECT_EQ(num(at(t.v, {"data", "hugetlb", "2MB", "usage"})), 2097152u);
  EXPECT_EQ(num(at(t.v, {"data", "hugetlb", "2MB", "failcnt"})), 3u);
  EXPECT_TRUE(YAJL_IS_OBJECT(at(t.v, {"data", "intel_rdt"})));
  EXPECT_TRUE(YAJL_IS_NULL(at(t.v, {"data", "network_interfaces"})));
  EXPECT_EQ(text.find('\n'), std::string::npos);  // one line per event
}

TEST(CgroupStats, EventJsonEmptyStats) {
  // An idle container on v1 in runc 1.1.5 prints "blkio":{},"hugetlb":{}.
  std::string text = stats_event_json("x", Stats{});
  EXPECT_NE(text.find("\"blkio\":{}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"hugetlb\":{}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"pids\":{}"), std::string::npos) << text;
  EXPECT_NE(text.find("\"throttling\":{}"), std::string::npos) << text;
}

TEST(CgroupStats, OomJson) {
  EXPECT_EQ(oom_event_json("abc"), "{\"type\":\"oom\",\"id\":\"abc\"}");
}

}  // namespace
}  // namespace berth::cgroups
