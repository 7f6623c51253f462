// The JSON lines of `events`, in the shape of runc's types/events.go so tools
// written against `runc events` read berth's unchanged. Go's encoding/json leaves
// out zero values of fields tagged omitempty and keeps the others; the writer
// below follows those tags field by field (noted as "omitempty" where they are).
#include <yajl/yajl_gen.h>

#include <charconv>

#include "cgroups/stats.h"

namespace berth::cgroups {
namespace {

class Writer {
 public:
  Writer() : g_(yajl_gen_alloc(nullptr)) {}
  ~Writer() { yajl_gen_free(g_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void key(std::string_view k) { str(k); }
  void str(std::string_view s) {
    yajl_gen_string(g_, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }
  // yajl_gen_integer takes a long long; counters are uint64, so write the digits.
  template <class T>
  void num(T v) {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    yajl_gen_number(g_, buf, static_cast<size_t>(r.ptr - buf));
  }
  void field(std::string_view k, uint64_t v) { key(k), num(v); }
  // An omitempty integer field.
  void opt(std::string_view k, uint64_t v) {
    if (v != 0) field(k, v);
  }
  template <class T>
  void opt_list(std::string_view k, const std::vector<T>& v) {
    if (v.empty()) return;
    key(k);
    yajl_gen_array_open(g_);
    for (T x : v) num(x);
    yajl_gen_array_close(g_);
  }
  void open() { yajl_gen_map_open(g_); }
  void close() { yajl_gen_map_close(g_); }
  void null() { yajl_gen_null(g_); }
  void open_list() { yajl_gen_array_open(g_); }
  void close_list() { yajl_gen_array_close(g_); }

  std::string text() const {
    const unsigned char* buf = nullptr;
    size_t len = 0;
    yajl_gen_get_buf(g_, &buf, &len);
    return std::string(reinterpret_cast<const char*>(buf), len);
  }

 private:
  yajl_gen g_;
};

void write_cpu(Writer& w, const CpuStats& c) {
  w.key("cpu");
  w.open();
  w.key("usage");
  w.open();
  w.opt("total", c.total_ns);
  w.opt_list("percpu", c.percpu_ns);
  w.opt_list("percpu_kernel", c.percpu_kernel_ns);
  w.opt_list("percpu_user", c.percpu_user_ns);
  w.field("kernel", c.kernel_ns);
  w.field("user", c.user_ns);
  w.close();
  w.key("throttling");
  w.open();
  w.opt("periods", c.periods);
  w.opt("throttledPeriods", c.throttled_periods);
  w.opt("throttledTime", c.throttled_time_ns);
  w.close();
  w.close();
}

void write_cpuset(Writer& w, const CpusetStats& c) {
  w.key("cpuset");
  w.open();
  w.opt_list("cpus", c.cpus);
  w.field("cpu_exclusive", c.cpu_exclusive);
  w.opt_list("mems", c.mems);
  w.field("mem_hardwall", c.mem_hardwall);
  w.field("mem_exclusive", c.mem_exclusive);
  w.field("memory_migrate", c.memory_migrate);
  w.field("memory_spread_page", c.memory_spread_page);
  w.field("memory_spread_slab", c.memory_spread_slab);
  w.field("memory_pressure", c.memory_pressure);
  w.field("sched_load_balance", c.sched_load_balance);
  w.key("sched_relax_domain_level");
  w.num(c.sched_relax_domain_level);
  w.close();
}

void write_entry(Writer& w, std::string_view name, const MemoryEntry& e) {
  w.key(name);
  w.open();
  w.field("limit", e.limit);
  w.opt("usage", e.usage);
  w.opt("max", e.max_usage);
  w.field("failcnt", e.failcnt);
  w.close();
}

void write_memory(Writer& w, const MemoryStats& m) {
  w.key("memory");
  w.open();
  w.opt("cache", m.cache);
  write_entry(w, "usage", m.usage);
  write_entry(w, "swap", m.swap);
  write_entry(w, "kernel", m.kernel);
  write_entry(w, "kernelTCP", m.kernel_tcp);
  if (!m.stat.empty()) {
    w.key("raw");
    w.open();
    for (const auto& [k, v] : m.stat) w.field(k, v);
    w.close();
  }
  w.close();
}

void write_blkio_list(Writer& w, std::string_view name, const std::vector<BlkioEntry>& list) {
  if (list.empty()) return;
  w.key(name);
  w.open_list();
  for (const auto& e : list) {
    w.open();
    w.opt("major", e.major);
    w.opt("minor", e.minor);
    if (!e.op.empty()) w.key("op"), w.str(e.op);
    w.opt("value", e.value);
    w.close();
  }
  w.close_list();
}

}  // namespace

std::string stats_event_json(std::string_view id, const Stats& s) {
  Writer w;
  w.open();
  w.key("type");
  w.str("stats");
  w.key("id");
  w.str(id);
  w.key("data");
  w.open();
  write_cpu(w, s.cpu);
  write_cpuset(w, s.cpuset);
  write_memory(w, s.memory);
  w.key("pids");
  w.open();
  w.opt("current", s.pids.current);
  w.opt("limit", s.pids.limit);
  w.close();
  w.key("blkio");
  w.open();
  write_blkio_list(w, "ioServiceBytesRecursive", s.blkio.io_service_bytes_recursive);
  write_blkio_list(w, "ioServicedRecursive", s.blkio.io_serviced_recursive);
  w.close();
  w.key("hugetlb");
  w.open();
  for (const auto& [size, h] : s.hugetlb) {
    w.key(size);
    w.open();
    w.opt("usage", h.usage);
    w.opt("max", h.max_usage);
    w.field("failcnt", h.failcnt);
    w.close();
  }
  w.close();
  // berth collects neither Intel RDT nor network statistics; runc prints these two
  // this way when it has none either.
  w.key("intel_rdt");
  w.open();
  w.close();
  w.key("network_interfaces");
  w.null();
  w.close();
  w.close();
  return w.text();
}

std::string oom_event_json(std::string_view id) {
  Writer w;
  w.open();
  w.key("type");
  w.str("oom");
  w.key("id");
  w.str(id);
  w.close();
  return w.text();
}

}  // namespace berth::cgroups
