// linux.resources -> cgroup v1 file writes (Documentation/admin-guide/cgroup-v1/).
#include <utility>

#include "cgroups/resources.h"
#include "cgroups/resources_internal.h"

namespace berth::cgroups {

using detail::field_error;
using detail::kBase;

namespace {

std::string f(std::string_view sub) { return std::string(kBase) + "." + std::string(sub); }

void add(std::vector<Write>& out, const char* ctrl, std::string file, std::string value) {
  out.push_back(Write{ctrl, std::move(file), std::move(value)});
}

void cpu_writes(const oci::CPU& c, std::vector<Write>& out) {
  if (c.cpus && !c.cpus->empty()) add(out, "cpuset", "cpuset.cpus", *c.cpus);
  if (c.mems && !c.mems->empty()) add(out, "cpuset", "cpuset.mems", *c.mems);
  // idle first: the kernel refuses cpu.shares on an idle group (see check_cpu).
  if (c.idle) add(out, "cpu", "cpu.idle", std::to_string(*c.idle));
  if (c.shares) add(out, "cpu", "cpu.shares", std::to_string(*c.shares));
  // burst <= quota is checked against the current quota at each write: a burst of 0
  // is always valid, so resetting it first makes "quota, then burst" work from any
  // previous state (see resources_v2.cc).
  bool reset_burst = c.burst && *c.burst > 0 && c.quota && *c.quota > 0;
  if (reset_burst) add(out, "cpu", "cpu.cfs_burst_us", "0");
  if (c.period) add(out, "cpu", "cpu.cfs_period_us", std::to_string(*c.period));
  if (c.quota) add(out, "cpu", "cpu.cfs_quota_us", std::to_string(*c.quota));
  if (c.burst) add(out, "cpu", "cpu.cfs_burst_us", std::to_string(*c.burst));
  // The kernel checks runtime <= period at each write: a group's default runtime is
  // 0, so the period goes first and the runtime is then validated against it.
  if (c.realtime_period) add(out, "cpu", "cpu.rt_period_us", std::to_string(*c.realtime_period));
  if (c.realtime_runtime)
    add(out, "cpu", "cpu.rt_runtime_us", std::to_string(*c.realtime_runtime));
}

Result<void> memory_writes(const oci::Memory& m, const V1Options& opt, std::vector<Write>& out) {
  using detail::mem_set;
  // memory.kmem.limit_in_bytes is a no-op (ENOTSUPP since 5.16): an actual limit
  // would be silently ignored, so refuse it; -1 asks for nothing.
  if (m.kernel && *m.kernel != -1)
    return field_error(f("memory.kernel"), "kernel memory limits are not supported");
  std::optional<int64_t> limit;
  if (mem_set(m.limit)) limit = *m.limit;
  std::optional<int64_t> memsw;  // memory+swap, as memory.memsw.limit_in_bytes takes it
  if (m.swap && *m.swap == -1) {
    memsw = -1;
  } else if (mem_set(m.swap)) {
    // The kernel keeps memsw >= limit at all times.
    if (limit && *limit == -1)
      return field_error(f("memory.swap"), "must be -1 when memory.limit is -1");
    if (limit && *m.swap < *limit)
      return field_error(f("memory.swap"), "must be >= memory.limit (memory+swap " +
                                               std::to_string(*m.swap) + " < memory " +
                                               std::to_string(*limit) + ")");
    memsw = *m.swap;
  } else if (limit && *limit == -1) {
    memsw = -1;  // runc: unlimited memory with swap unset lifts memsw too
  }
  if (memsw && !opt.memsw) {
    if (*memsw != -1)
      return field_error(f("memory.swap"),
                         "swap accounting is disabled on this host (no "
                         "memory.memsw.limit_in_bytes; boot with swapaccount=1)");
    memsw.reset();
  }
  // Order for memsw >= limit (see V1Options::current_memory_limit): memsw first iff
  // the new memsw is not below the current limit, else the limit first.
  bool memsw_first =
      memsw && (*memsw == -1 || (opt.current_memory_limit &&
                                 *opt.current_memory_limit <= static_cast<uint64_t>(*memsw)));
  if (memsw && memsw_first)
    add(out, "memory", "memory.memsw.limit_in_bytes", std::to_string(*memsw));
  if (limit) add(out, "memory", "memory.limit_in_bytes", std::to_string(*limit));
  if (memsw && !memsw_first)
    add(out, "memory", "memory.memsw.limit_in_bytes", std::to_string(*memsw));
  if (mem_set(m.reservation))
    add(out, "memory", "memory.soft_limit_in_bytes", std::to_string(*m.reservation));
  if (mem_set(m.kernel_tcp))
    add(out, "memory", "memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernel_tcp));
  if (m.swappiness) add(out, "memory", "memory.swappiness", std::to_string(*m.swappiness));
  if (m.disable_oom_killer)
    add(out, "memory", "memory.oom_control", *m.disable_oom_killer ? "1" : "0");
  if (m.use_hierarchy) add(out, "memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0");
  // checkBeforeUpdate is handled by `update` (it needs memory.usage_in_bytes).
  return {};
}

Result<void> blkio_writes(const oci::BlockIO& b, const V1Options& opt, std::vector<Write>& out) {
  // BFQ's blkio.bfq.* interface has no leaf weights (they were CFQ-only).
  if (opt.bfq) {
    const char* why = "not supported by the BFQ blkio interface (CFQ was removed in Linux 5.0)";
    if (b.leaf_weight) return field_error(f("blockIO.leafWeight"), why);
    for (size_t i = 0; i < b.weight_device.size(); ++i)
      if (b.weight_device[i].leaf_weight)
        return field_error(f("blockIO.weightDevice[" + std::to_string(i) + "].leafWeight"), why);
  }
  const char* weight = opt.bfq ? "blkio.bfq.weight" : "blkio.weight";
  const char* weight_dev = opt.bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
  if (b.weight) add(out, "blkio", weight, std::to_string(*b.weight));
  if (b.leaf_weight) add(out, "blkio", "blkio.leaf_weight", std::to_string(*b.leaf_weight));
  for (const auto& d : b.weight_device) {
    std::string key = detail::dev_key(d.major, d.minor) + " ";
    if (d.weight) add(out, "blkio", weight_dev, key + std::to_string(*d.weight));
    if (d.leaf_weight)
      add(out, "blkio", "blkio.leaf_weight_device", key + std::to_string(*d.leaf_weight));
  }
  auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* file) {
    for (const auto& t : list)
      add(out, "blkio", file, detail::dev_key(t.major, t.minor) + " " + std::to_string(t.rate));
  };
  throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device");
  throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device");
  throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device");
  throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device");
  return {};
}

// config-linux.md#allowed-device-list: unset major/minor are "*", unset type is "a".
Result<std::string> dev_number(const std::optional<int64_t>& v, const std::string& field) {
  if (!v || *v == -1) return std::string("*");
  if (*v < 0 || *v > UINT32_MAX) return field_error(field, "out of range");
  return std::to_string(*v);
}

// The kernel reads a rule starting with 'a' as "everything": it resets the whole
// list and ignores the rest of the line (security/device_cgroup.c), so an "a" rule
// narrowed by number or access is spelled as the equivalent "b" and "c" rules.
Result<void> device_writes(const std::vector<oci::DeviceCgroup>& devs, std::vector<Write>& out) {
  add(out, "devices", "devices.deny", "a");
  for (size_t i = 0; i < devs.size(); ++i) {
    const auto& d = devs[i];
    std::string p = f("devices[" + std::to_string(i) + "]");
    std::string type = d.type ? *d.type : "a";
    if (type != "a" && type != "b" && type != "c")
      return field_error(p + ".type", "unknown device type " + detail::quote(type));
    std::string access = d.access && !d.access->empty() ? *d.access : "rwm";
    for (char c : access)
      if (c != 'r' && c != 'w' && c != 'm')
        return field_error(p + ".access", "must be a combination of r, w and m");
    BERTH_TRY_ASSIGN(std::string major, dev_number(d.major, p + ".major"));
    BERTH_TRY_ASSIGN(std::string minor, dev_number(d.minor, p + ".minor"));
    const char* file = d.allow ? "devices.allow" : "devices.deny";
    std::string rest = " " + major + ":" + minor + " " + access;
    bool all_access = access.find('r') != access.npos && access.find('w') != access.npos &&
                      access.find('m') != access.npos;
    if (type == "a" && major == "*" && minor == "*" && all_access) {
      add(out, "devices", file, "a");
    } else if (type == "a") {
      add(out, "devices", file, "b" + rest);
      add(out, "devices", file, "c" + rest);
    } else {
      add(out, "devices", file, type + rest);
    }
  }
  return {};
}

}  // namespace

Result<std::vector<Write>> v1_writes(const oci::Resources& r, const V1Options& opt) {
  BERTH_TRY(detail::check_common(r));
  if (!r.unified.empty()) return field_error(f("unified"), "requires cgroup v2");
  std::vector<Write> out;
  if (r.cpu) cpu_writes(*r.cpu, out);
  if (r.memory) BERTH_TRY(memory_writes(*r.memory, opt, out));
  if (r.block_io) BERTH_TRY(blkio_writes(*r.block_io, opt, out));
  for (const auto& h : r.hugepage_limits) {
    std::string p = detail::hugetlb_prefix(h);
    add(out, "hugetlb", p + "limit_in_bytes", std::to_string(h.limit));
    if (opt.hugetlb_rsvd) add(out, "hugetlb", p + "rsvd.limit_in_bytes", std::to_string(h.limit));
  }
  if (r.network) {
    if (r.network->class_id)
      add(out, "net_cls", "net_cls.classid", std::to_string(*r.network->class_id));
    for (const auto& p : r.network->priorities)
      add(out, "net_prio", "net_prio.ifpriomap", p.name + " " + std::to_string(p.priority));
  }
  if (r.pids && r.pids->limit)
    add(out, "pids", "pids.max", *r.pids->limit == -1 ? "max" : std::to_string(*r.pids->limit));
  for (const auto& [dev, lim] : r.rdma) add(out, "rdma", "rdma.max", detail::rdma_line(dev, lim));
  if (r.devices) BERTH_TRY(device_writes(*r.devices, out));
  return out;
}

}  // namespace berth::cgroups
