// linux.resources -> cgroup v2 file writes (Documentation/admin-guide/cgroup-v2.rst).
#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "cgroups/resources.h"
#include "cgroups/resources_internal.h"

namespace berth::cgroups {

using detail::field_error;
using detail::kBase;

namespace {

std::string f(std::string_view sub) { return std::string(kBase) + "." + std::string(sub); }

void add(std::vector<Write>& out, std::string file, std::string value) {
  out.push_back(Write{"", std::move(file), std::move(value)});
}

// v2 spells "no limit" as "max" where v1 (and the spec) use -1.
std::string max_or(int64_t v) { return v == -1 ? "max" : std::to_string(v); }

Result<void> cpu_writes(const oci::CPU& c, std::vector<Write>& out) {
  // cgroup v2 has no RT bandwidth control (cpu.rt_* exist only in v1). 0 is the
  // v1 default for a child group, so it asks for nothing and is accepted.
  if (c.realtime_runtime && *c.realtime_runtime != 0)
    return field_error(f("cpu.realtimeRuntime"), "not supported on cgroup v2");
  if (c.realtime_period && *c.realtime_period != 0)
    return field_error(f("cpu.realtimePeriod"), "not supported on cgroup v2");
  if (c.cpus && !c.cpus->empty()) add(out, "cpuset.cpus", *c.cpus);
  if (c.mems && !c.mems->empty()) add(out, "cpuset.mems", *c.mems);
  // idle before weight: leaving SCHED_IDLE (idle = 0) must precede a weight change,
  // which the kernel refuses on an idle group.
  if (c.idle) add(out, "cpu.idle", std::to_string(*c.idle));
  if (c.shares) add(out, "cpu.weight", std::to_string(shares_to_weight(*c.shares)));
  bool finite_quota = c.quota && *c.quota > 0;
  // The kernel checks burst <= quota against the *current* value of the other one,
  // so with both changing no fixed order works for every old state. Resetting the
  // burst to 0 first (always valid) makes "quota, then burst" valid from any state.
  bool reset_burst = c.burst && *c.burst > 0 && finite_quota;
  if (reset_burst) add(out, "cpu.max.burst", "0");
  if (c.quota || c.period) {
    // cpu.max is "$MAX [$PERIOD]"; without a period the kernel keeps the current one.
    std::string v = finite_quota ? std::to_string(*c.quota) : "max";
    if (c.period) v += " " + std::to_string(*c.period);
    add(out, "cpu.max", v);
  }
  if (c.burst) add(out, "cpu.max.burst", std::to_string(*c.burst));
  return {};
}

// memory.swap in the spec is memory+swap; memory.swap.max is swap alone.
Result<void> memory_writes(const oci::Memory& m, const V2Options& opt, std::vector<Write>& out) {
  if (m.swappiness)
    return field_error(f("memory.swappiness"), "not supported on cgroup v2");
  using detail::mem_set;
  std::optional<std::string> swap;
  if (m.swap && *m.swap == -1) {
    swap = "max";
  } else if (mem_set(m.swap)) {
    if (!mem_set(m.limit) || *m.limit == -1)
      return field_error(f("memory.swap"),
                         "requires a memory.limit (memory.swap is the memory+swap limit)");
    if (*m.swap < *m.limit)
      return field_error(f("memory.swap"), "must be >= memory.limit (memory+swap " +
                                               std::to_string(*m.swap) + " < memory " +
                                               std::to_string(*m.limit) + ")");
    swap = std::to_string(*m.swap - *m.limit);
  } else if (m.limit && *m.limit == -1) {
    // runc: "memory unlimited, swap unset" means both unlimited (v1 semantics).
    swap = "max";
  }
  if (swap && !opt.swap) {
    if (*swap != "max" && *swap != "0")
      return field_error(f("memory.swap"),
                         "swap limits are not available on this host (no memory.swap.max)");
    swap.reset();  // unlimited or "no swap" are already what a swapless host gives
  }
  if (mem_set(m.limit)) add(out, "memory.max", max_or(*m.limit));
  if (swap) add(out, "memory.swap.max", *swap);
  if (mem_set(m.reservation)) add(out, "memory.low", max_or(*m.reservation));
  // kernel, kernelTCP (deprecated, no v2 file), disableOOMKiller, useHierarchy (v2 is
  // always hierarchical) and checkBeforeUpdate (done by `update`) write nothing.
  return {};
}

Result<void> io_writes(const oci::BlockIO& b, const V2Options& opt, std::vector<Write>& out) {
  if (b.leaf_weight) return field_error(f("blockIO.leafWeight"), "not supported on cgroup v2");
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    if (b.weight_device[i].leaf_weight)
      return field_error(f("blockIO.weightDevice[" + std::to_string(i) + "].leafWeight"),
                         "not supported on cgroup v2");
  }
  // BFQ's weights are 1..1000, so the blkio value goes in unchanged; io.weight
  // (the cost model) is 1..10000 and needs the conversion.
  const char* file = opt.bfq ? "io.bfq.weight" : "io.weight";
  auto weight = [&](uint16_t w) {
    return std::to_string(opt.bfq ? w : blkio_weight_to_io_weight(w));
  };
  if (b.weight) add(out, file, weight(*b.weight));
  for (const auto& d : b.weight_device)
    if (d.weight) add(out, file, detail::dev_key(d.major, d.minor) + " " + weight(*d.weight));
  // One io.max write per entry: the kernel keeps the keys a write does not name.
  // A v1 rate of 0 means "no limit", which v2 spells "max".
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* key) {
    for (const auto& t : list)
      add(out, "io.max",
          detail::dev_key(t.major, t.minor) + " " + key + "=" +
              (t.rate == 0 ? std::string("max") : std::to_string(t.rate)));
  };
  throttle(b.throttle_read_bps_device, "rbps");
  throttle(b.throttle_write_bps_device, "wbps");
  throttle(b.throttle_read_iops_device, "riops");
  throttle(b.throttle_write_iops_device, "wiops");
  return {};
}

// Controllers whose files a unified key may name. cgroup.* files are the runtime's
// own interface (cgroup.procs, cgroup.subtree_control, cgroup.kill, cgroup.freeze,
// cgroup.type ...), except the few pure limits below.
constexpr std::array<std::string_view, 9> kControllers = {
    "cpu", "cpuset", "memory", "io", "pids", "hugetlb", "rdma", "misc", "dmem"};
constexpr std::array<std::string_view, 3> kCgroupFiles = {
    "cgroup.max.descendants", "cgroup.max.depth", "cgroup.pressure"};

Result<void> check_unified_key(const std::string& key, const std::string& field) {
  if (key.find('/') != std::string::npos)
    return field_error(field, "must be a file name in the container's cgroup (no '/')");
  for (unsigned char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return field_error(field, "invalid character in cgroup file name");
  }
  size_t dot = key.find('.');
  if (key.find("..") != std::string::npos || dot == std::string::npos || dot == 0 ||
      key.back() == '.')
    return field_error(field, "must have the form <controller>.<file>");
  std::string_view ctrl(key.data(), dot);
  if (ctrl == "cgroup") {
    if (std::find(kCgroupFiles.begin(), kCgroupFiles.end(), key) == kCgroupFiles.end())
      return field_error(field, "is managed by the runtime and cannot be set");
    return {};
  }
  if (std::find(kControllers.begin(), kControllers.end(), ctrl) == kControllers.end())
    return field_error(field, "unknown cgroup v2 controller " +
                                  detail::quote(ctrl) +
                                  " (known: cpu, cpuset, memory, io, pids, hugetlb, rdma, "
                                  "misc, dmem)");
  return {};
}

// The entry a write sets in a keyed file ("8:0", "mlx4_0", "default"); "" for files
// that hold one value, where any write replaces the whole content.
std::string entry_key(const Write& w) {
  bool weight = w.file == "io.weight" || w.file == "io.bfq.weight";
  if (!weight && w.file != "io.max" && w.file != "rdma.max") return "";
  std::string_view v = w.value;
  v.remove_prefix(std::min(v.find_first_not_of(" \t"), v.size()));
  std::string_view tok = v.substr(0, v.find_first_of(" \t"));
  if (weight && (tok == "default" || tok.find_first_not_of("0123456789") == tok.npos))
    return "default";
  return std::string(tok);
}

Result<void> unified_writes(const std::map<std::string, std::string>& unified,
                            std::vector<Write>& out) {
  std::vector<Write> extra;
  for (const auto& [key, value] : unified) {
    BERTH_TRY(check_unified_key(key, f("unified[" + detail::quote(key) + "]")));
    // Multi-line values (io.max for two devices) go one line per write(2), since
    // the kernel parses a single entry per write.
    size_t before = extra.size();
    std::string_view rest = value;
    while (!rest.empty()) {
      size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      if (!line.empty()) extra.push_back(Write{"", key, std::string(line)});
      rest = nl == rest.npos ? std::string_view() : rest.substr(nl + 1);
    }
    // An empty value still means "write it" (cpuset.cpus "" = inherit); a lone
    // newline is what the kernel strips to an empty string.
    if (extra.size() == before) extra.push_back(Write{"", key, "\n"});
  }
  // The unified value wins over a structured field for the same file (or entry).
  std::set<std::pair<std::string, std::string>> overridden;
  for (const auto& w : extra) overridden.emplace(w.file, entry_key(w));
  std::erase_if(out, [&](const Write& w) { return overridden.count({w.file, entry_key(w)}) != 0; });
  for (auto& w : extra) out.push_back(std::move(w));
  return {};
}

}  // namespace

Result<std::vector<Write>> v2_writes(const oci::Resources& r, const V2Options& opt) {
  BERTH_TRY(detail::check_common(r));
  std::vector<Write> out;
  if (r.cpu) BERTH_TRY(cpu_writes(*r.cpu, out));
  if (r.memory) BERTH_TRY(memory_writes(*r.memory, opt, out));
  if (r.block_io) BERTH_TRY(io_writes(*r.block_io, opt, out));
  for (const auto& h : r.hugepage_limits) {
    std::string p = detail::hugetlb_prefix(h);
    add(out, p + "max", std::to_string(h.limit));
    if (opt.hugetlb_rsvd) add(out, p + "rsvd.max", std::to_string(h.limit));
  }
  // net_cls / net_prio have no v2 counterpart (eBPF and nftables cgroup matching
  // replace them); an empty object asks for nothing.
  if (r.network && (r.network->class_id || !r.network->priorities.empty()))
    return field_error(f("network"), "not supported on cgroup v2 (no net_cls/net_prio)");
  if (r.pids && r.pids->limit) add(out, "pids.max", max_or(*r.pids->limit));
  for (const auto& [dev, lim] : r.rdma) add(out, "rdma.max", detail::rdma_line(dev, lim));
  BERTH_TRY(unified_writes(r.unified, out));
  return out;
}

}  // namespace berth::cgroups
