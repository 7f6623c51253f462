// read_stats_v1/v2: open the statistics files of a container's cgroup and hand
// them to the parsers of stats.cc. A missing file means "controller not there
// or kernel too old" and is skipped; any other failure names the file.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <tuple>
#include <type_traits>

#include "base/file.h"
#include "cgroups/stats.h"

namespace berth::cgroups {
namespace {

// The text of name under dir, or nullopt when it does not exist.
Result<std::optional<std::string>> read_opt(int dir, const std::string& name) {
  auto r = read_file(name, dir);
  if (!r) {
    if (r.error().code() == ENOENT) return std::optional<std::string>{};
    return fail(r.error());
  }
  return std::optional<std::string>(std::move(*r));
}

// Reads name and applies parse(text) -> Result<T>; calls set(value) if the file exists.
template <class Parse, class Set>
Result<void> with_file(int dir, const std::string& name, Parse&& parse, Set&& set) {
  BERTH_TRY_ASSIGN(auto text, read_opt(dir, name));
  if (!text) return {};
  auto v = parse(*text);
  if (!v) return fail(v.error().wrap(name));
  if constexpr (std::is_void_v<typename decltype(v)::value_type>) {
    set();
  } else {
    set(std::move(*v));
  }
  return {};
}

Result<void> read_uint(int dir, const std::string& name, uint64_t& out) {
  return with_file(dir, name, parse_cgroup_uint, [&](uint64_t v) { out = v; });
}

// Names of dir's entries "<prefix><X><suffix>" -> X (the hugetlb page sizes).
Result<std::vector<std::string>> list_infix(int dir, std::string_view prefix,
                                            std::string_view suffix) {
  int fd = ::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return BERTH_SYS("open cgroup directory");
  std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(fd), ::closedir);
  if (!d) {
    auto e = BERTH_SYS("fdopendir");
    ::close(fd);
    return e;
  }
  std::vector<std::string> out;
  while (dirent* ent = ::readdir(d.get())) {
    std::string_view n = ent->d_name;
    if (n.size() > prefix.size() + suffix.size() && n.starts_with(prefix) && n.ends_with(suffix))
      out.emplace_back(n.substr(prefix.size(), n.size() - prefix.size() - suffix.size()));
  }
  return out;
}

// ---- v2 (cgroup-v2.rst) ----

Result<void> v2_cpu(int dir, Stats& s) {
  return with_file(dir, "cpu.stat", [&](std::string_view t) { return parse_cpu_stat_v2(t, s.cpu); },
                   [] {});
}

Result<void> v2_cpuset(int dir, Stats& s) {
  BERTH_TRY(with_file(dir, "cpuset.cpus.effective", parse_cpu_list,
                      [&](std::vector<uint16_t> v) { s.cpuset.cpus = std::move(v); }));
  return with_file(dir, "cpuset.mems.effective", parse_cpu_list,
                   [&](std::vector<uint16_t> v) { s.cpuset.mems = std::move(v); });
}

Result<void> v2_memory(int dir, Stats& s) {
  MemoryStats& m = s.memory;
  BERTH_TRY(read_uint(dir, "memory.current", m.usage.usage));
  BERTH_TRY(read_uint(dir, "memory.max", m.usage.limit));
  BERTH_TRY(read_uint(dir, "memory.peak", m.usage.max_usage));
  BERTH_TRY(with_file(dir, "memory.stat",
                      [&](std::string_view t) { return parse_memory_stat(t, true, m); }, [] {}));
  BERTH_TRY(with_file(dir, "memory.events", parse_memory_events, [&](MemoryEvents ev) {
    m.usage.failcnt = ev.max;
    s.oom_events = ev.oom;
    s.oom_kill = ev.oom_kill;
  }));
  // runc reports v1's memsw numbers on v2 too (memory + swap), so consumers of
  // `events` see one meaning; v2's own swap files count swap only.
  uint64_t swap_usage = 0, swap_limit = 0;
  BERTH_TRY(read_uint(dir, "memory.swap.current", swap_usage));
  BERTH_TRY(read_uint(dir, "memory.swap.max", swap_limit));
  auto sat_add = [](uint64_t a, uint64_t b) { return a > kStatUnlimited - b ? kStatUnlimited : a + b; };
  m.swap.usage = sat_add(m.usage.usage, swap_usage);
  m.swap.limit = sat_add(m.usage.limit, swap_limit);
  return {};
}

Result<void> v2_pids(int dir, Stats& s) {
  BERTH_TRY(read_uint(dir, "pids.current", s.pids.current));
  return read_uint(dir, "pids.max", s.pids.limit);
}

Result<void> v2_io(int dir, Stats& s) {
  return with_file(dir, "io.stat", [&](std::string_view t) { return parse_io_stat_v2(t, s.blkio); },
                   [] {});
}

Result<void> v2_hugetlb(int dir, Stats& s) {
  BERTH_TRY_ASSIGN(auto sizes, list_infix(dir, "hugetlb.", ".current"));
  for (const auto& size : sizes) {
    if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.current
    HugetlbStats h;
    BERTH_TRY(read_uint(dir, "hugetlb." + size + ".current", h.usage));
    BERTH_TRY(with_file(dir, "hugetlb." + size + ".events", parse_flat_keyed,
                        [&](std::map<std::string, uint64_t> kv) { h.failcnt = kv["max"]; }));
    s.hugetlb[size] = h;
  }
  return {};
}

// ---- v1 (cgroup-v1/*.rst) ----

Result<void> v1_cpuacct(int dir, Stats& s) {
  CpuStats& c = s.cpu;
  BERTH_TRY(read_uint(dir, "cpuacct.usage", c.total_ns));
  auto percpu = [&](const char* name, std::vector<uint64_t>& out) {
    return with_file(dir, name, parse_percpu, [&](std::vector<uint64_t> v) { out = std::move(v); });
  };
  BERTH_TRY(percpu("cpuacct.usage_percpu", c.percpu_ns));
  BERTH_TRY(percpu("cpuacct.usage_percpu_user", c.percpu_user_ns));
  BERTH_TRY(percpu("cpuacct.usage_percpu_sys", c.percpu_kernel_ns));
  // cpuacct.usage_user/_sys (ns, kernel >= 4.7) are exact; cpuacct.stat counts USER_HZ
  // ticks, which runc converts. Prefer the former, fall back to the latter.
  BERTH_TRY_ASSIGN(auto user, read_opt(dir, "cpuacct.usage_user"));
  BERTH_TRY_ASSIGN(auto sys, read_opt(dir, "cpuacct.usage_sys"));
  if (user && sys) {
    auto u = parse_cgroup_uint(*user);
    if (!u) return fail(u.error().wrap("cpuacct.usage_user"));
    auto k = parse_cgroup_uint(*sys);
    if (!k) return fail(k.error().wrap("cpuacct.usage_sys"));
    c.user_ns = *u;
    c.kernel_ns = *k;
    return {};
  }
  long hz = ::sysconf(_SC_CLK_TCK);
  if (hz <= 0) hz = 100;
  uint64_t ns_per_tick = 1000000000ull / static_cast<uint64_t>(hz);
  return with_file(dir, "cpuacct.stat", parse_flat_keyed, [&](std::map<std::string, uint64_t> kv) {
    c.user_ns = kv["user"] * ns_per_tick;
    c.kernel_ns = kv["system"] * ns_per_tick;
  });
}

Result<void> v1_cpu(int dir, Stats& s) {
  return with_file(dir, "cpu.stat", [&](std::string_view t) { return parse_cpu_stat_v1(t, s.cpu); },
                   [] {});
}

Result<void> v1_cpuset(int dir, Stats& s) {
  CpusetStats& c = s.cpuset;
  // effective_* is what the tasks get (the configured list masked by the parent's).
  for (auto [eff, conf, out] : {std::tuple{"cpuset.effective_cpus", "cpuset.cpus", &c.cpus},
                                std::tuple{"cpuset.effective_mems", "cpuset.mems", &c.mems}}) {
    BERTH_TRY_ASSIGN(auto text, read_opt(dir, eff));
    const char* name = eff;
    if (!text) {
      BERTH_TRY_ASSIGN(text, read_opt(dir, conf));
      name = conf;
    }
    if (!text) continue;
    auto v = parse_cpu_list(*text);
    if (!v) return fail(v.error().wrap(name));
    *out = std::move(*v);
  }
  struct Flag { const char* file; uint64_t* out; };
  const Flag flags[] = {{"cpuset.cpu_exclusive", &c.cpu_exclusive},
                        {"cpuset.mem_hardwall", &c.mem_hardwall},
                        {"cpuset.mem_exclusive", &c.mem_exclusive},
                        {"cpuset.memory_migrate", &c.memory_migrate},
                        {"cpuset.memory_spread_page", &c.memory_spread_page},
                        {"cpuset.memory_spread_slab", &c.memory_spread_slab},
                        {"cpuset.memory_pressure", &c.memory_pressure},
                        {"cpuset.sched_load_balance", &c.sched_load_balance}};
  for (const auto& f : flags) BERTH_TRY(read_uint(dir, f.file, *f.out));
  return with_file(dir, "cpuset.sched_relax_domain_level", parse_cgroup_int,
                   [&](int64_t v) { c.sched_relax_domain_level = v; });
}

Result<void> v1_memory_entry(int dir, const std::string& prefix, MemoryEntry& e) {
  BERTH_TRY(read_uint(dir, prefix + "usage_in_bytes", e.usage));
  BERTH_TRY(read_uint(dir, prefix + "max_usage_in_bytes", e.max_usage));
  BERTH_TRY(read_uint(dir, prefix + "limit_in_bytes", e.limit));
  return read_uint(dir, prefix + "failcnt", e.failcnt);
}

Result<void> v1_memory(int dir, Stats& s) {
  MemoryStats& m = s.memory;
  BERTH_TRY(v1_memory_entry(dir, "memory.", m.usage));
  BERTH_TRY(v1_memory_entry(dir, "memory.memsw.", m.swap));
  BERTH_TRY(v1_memory_entry(dir, "memory.kmem.", m.kernel));
  BERTH_TRY(v1_memory_entry(dir, "memory.kmem.tcp.", m.kernel_tcp));
  BERTH_TRY(with_file(dir, "memory.stat",
                      [&](std::string_view t) { return parse_memory_stat(t, false, m); }, [] {}));
  // memory.oom_control: "oom_kill_disable 0\nunder_oom 0\noom_kill N" (oom_kill: 4.13+).
  return with_file(dir, "memory.oom_control", parse_memory_events,
                   [&](MemoryEvents ev) { s.oom_kill = ev.oom_kill; });
}

Result<void> v1_blkio(int dir, Stats& s) {
  // CFQ's files (removed in 5.0), then BFQ's, then the throttle layer's, which sees
  // every bio. The first family that has any per-device line wins: BFQ's files exist
  // even when no device uses BFQ, and then hold only "Total 0".
  for (const char* prefix : {"blkio.", "blkio.bfq.", "blkio.throttle."}) {
    BlkioStats b;
    std::string p = prefix;
    BERTH_TRY(with_file(dir, p + "io_service_bytes_recursive", parse_blkio_v1,
                        [&](std::vector<BlkioEntry> v) { b.io_service_bytes_recursive = std::move(v); }));
    BERTH_TRY(with_file(dir, p + "io_serviced_recursive", parse_blkio_v1,
                        [&](std::vector<BlkioEntry> v) { b.io_serviced_recursive = std::move(v); }));
    if (!b.io_service_bytes_recursive.empty() || !b.io_serviced_recursive.empty()) {
      s.blkio = std::move(b);
      break;
    }
  }
  return {};
}

Result<void> v1_hugetlb(int dir, Stats& s) {
  BERTH_TRY_ASSIGN(auto sizes, list_infix(dir, "hugetlb.", ".usage_in_bytes"));
  for (const auto& size : sizes) {
    if (size.find('.') != std::string::npos) continue;  // hugetlb.2MB.rsvd.usage_in_bytes
    HugetlbStats h;
    std::string p = "hugetlb." + size + ".";
    BERTH_TRY(read_uint(dir, p + "usage_in_bytes", h.usage));
    BERTH_TRY(read_uint(dir, p + "max_usage_in_bytes", h.max_usage));
    BERTH_TRY(read_uint(dir, p + "failcnt", h.failcnt));
    s.hugetlb[size] = h;
  }
  return {};
}

}  // namespace

Result<Stats> read_stats_v2(int dir) {
  Stats s;
  BERTH_TRY(v2_cpu(dir, s));
  BERTH_TRY(v2_cpuset(dir, s));
  BERTH_TRY(v2_memory(dir, s));
  BERTH_TRY(v2_pids(dir, s));
  BERTH_TRY(v2_io(dir, s));
  BERTH_TRY(v2_hugetlb(dir, s));
  return s;
}

Result<Stats> read_stats_v1(const std::map<std::string, int>& fds) {
  Stats s;
  auto fd_of = [&](const char* name) {
    auto it = fds.find(name);
    return it == fds.end() ? -1 : it->second;
  };
  const int unified = fd_of("unified");
  using Reader = Result<void> (*)(int, Stats&);
  // v1 controller(s) and the v2 reader to use for the same data on hybrid hosts.
  struct Entry { const char* v1a; Reader ra; const char* v1b; Reader rb; Reader v2; };
  const Entry table[] = {
      {"cpuacct", v1_cpuacct, "cpu", v1_cpu, v2_cpu},
      {"cpuset", v1_cpuset, nullptr, nullptr, v2_cpuset},
      {"memory", v1_memory, nullptr, nullptr, v2_memory},
      {"pids", nullptr, nullptr, nullptr, v2_pids},
      {"blkio", v1_blkio, nullptr, nullptr, v2_io},
      {"hugetlb", v1_hugetlb, nullptr, nullptr, v2_hugetlb},
  };
  // Errors say which hierarchy they came from: "memory: memory.stat: ...".
  auto run = [&](Reader r, int fd, const char* where) -> Result<void> {
    auto res = r(fd, s);
    if (!res) return fail(res.error().wrap(where));
    return {};
  };
  for (const auto& e : table) {
    int a = fd_of(e.v1a), b = e.v1b ? fd_of(e.v1b) : -1;
    // v1 pids has the same files and formats as v2 (pids.current, pids.max "max").
    if (a >= 0) BERTH_TRY(run(e.ra ? e.ra : e.v2, a, e.v1a));
    if (b >= 0) BERTH_TRY(run(e.rb, b, e.v1b));
    if (a < 0 && b < 0 && unified >= 0) BERTH_TRY(run(e.v2, unified, "unified"));
  }
  return s;
}

}  // namespace berth::cgroups
