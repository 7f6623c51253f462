// Conversions and the range checks shared by the v1 and v2 translations.
#include "cgroups/resources.h"

#include <charconv>
#include <cstdio>

#include "cgroups/resources_internal.h"

namespace berth::cgroups {

// runc/crun's linear mapping: 2 -> 1, 262144 -> 10000 (1024, the default, -> 39).
uint64_t shares_to_weight(uint64_t shares) {
  if (shares < 2) shares = 2;
  if (shares > 262144) shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

// The same mapping from the CFQ range 10..1000 onto io.weight's 1..10000.
uint64_t blkio_weight_to_io_weight(uint64_t w) {
  if (w < 10) w = 10;
  if (w > 1000) w = 1000;
  return 1 + ((w - 10) * 9999) / 990;
}

namespace detail {


Unexpected<Error> field_error(std::string_view field, const std::string& message) {
  return BERTH_ERR(EINVAL, "%.*s: %s", static_cast<int>(field.size()), field.data(),
                   message.c_str());
}

std::string dev_key(int64_t major, int64_t minor) {
  return std::to_string(major) + ":" + std::to_string(minor);
}

uint64_t page_size_bytes(std::string_view ps) {
  if (ps.size() < 3 || ps.back() != 'B') return 0;
  uint64_t unit = 0;
  switch (ps[ps.size() - 2]) {
    case 'K': unit = 1ull << 10; break;
    case 'M': unit = 1ull << 20; break;
    case 'G': unit = 1ull << 30; break;
    default: return 0;
  }
  std::string_view digits = ps.substr(0, ps.size() - 2);
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size() || n == 0) return 0;
  if (n > UINT64_MAX / unit) return 0;
  return n * unit;
}

std::string rdma_line(const std::string& dev, const oci::Rdma& lim) {
  std::string line = dev;
  if (lim.hca_handles) line += " hca_handle=" + std::to_string(*lim.hca_handles);
  if (lim.hca_objects) line += " hca_object=" + std::to_string(*lim.hca_objects);
  return line;
}

namespace {

std::string f(std::string_view sub) { return std::string(kBase) + "." + std::string(sub); }

// config-linux.md#memory: "limit in bytes, or -1 for unlimited memory".
Result<void> check_bytes(const std::optional<int64_t>& v, std::string_view name) {
  if (v && *v < -1)
    return field_error(f(name), "must be -1 (unlimited) or >= 0, got " + std::to_string(*v));
  return {};
}

// cpuset lists as the kernel's bitmap_parselist reads them: "0-3,7", "0-7:2/4".
bool valid_cpu_list(std::string_view s) {
  auto number = [](std::string_view& t, uint64_t& out) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (ec != std::errc() || p == t.data()) return false;
    t.remove_prefix(static_cast<size_t>(p - t.data()));
    return true;
  };
  while (true) {
    size_t comma = s.find(',');
    std::string_view seg = s.substr(0, comma);
    uint64_t a = 0, b = 0;
    if (!number(seg, a)) return false;
    if (!seg.empty() && seg[0] == '-') {
      seg.remove_prefix(1);
      if (!number(seg, b) || b < a) return false;
      if (!seg.empty() && seg[0] == ':') {  // group stride "a-b:used/group"
        uint64_t used = 0, group = 0;
        seg.remove_prefix(1);
        if (!number(seg, used) || seg.empty() || seg[0] != '/') return false;
        seg.remove_prefix(1);
        if (!number(seg, group) || used == 0 || group == 0 || used > group) return false;
      }
    }
    if (!seg.empty()) return false;
    if (comma == std::string_view::npos) return true;
    s.remove_prefix(comma + 1);
  }
}

Result<void> check_memory(const oci::Memory& m) {
  BERTH_TRY(check_bytes(m.limit, "memory.limit"));
  BERTH_TRY(check_bytes(m.reservation, "memory.reservation"));
  BERTH_TRY(check_bytes(m.swap, "memory.swap"));
  BERTH_TRY(check_bytes(m.kernel, "memory.kernel"));
  BERTH_TRY(check_bytes(m.kernel_tcp, "memory.kernelTCP"));
  if (m.swappiness && *m.swappiness > 100)
    return field_error(f("memory.swappiness"),
                       "must be between 0 and 100, got " + std::to_string(*m.swappiness));
  return {};
}

// Kernel limits (kernel/sched/core.c): CFS period and quota are at least 1ms, the
// period at most 1s; burst may not exceed a finite quota (config-linux.md#cpu).
Result<void> check_cpu(const oci::CPU& c) {
  if (c.shares && (*c.shares < 2 || *c.shares > 262144))
    return field_error(f("cpu.shares"),
                       "must be between 2 and 262144, got " + std::to_string(*c.shares));
  if (c.quota && *c.quota != -1 && *c.quota < 1000)
    return field_error(f("cpu.quota"), "must be -1 (unlimited) or at least 1000 (1ms), got " +
                                           std::to_string(*c.quota));
  if (c.period && (*c.period < 1000 || *c.period > 1000000))
    return field_error(f("cpu.period"), "must be between 1000 (1ms) and 1000000 (1s), got " +
                                            std::to_string(*c.period));
  if (c.burst && c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
    return field_error(f("cpu.burst"), "must not exceed cpu.quota (" + std::to_string(*c.burst) +
                                           " > " + std::to_string(*c.quota) + ")");
  if (c.realtime_runtime && *c.realtime_runtime < -1)
    return field_error(f("cpu.realtimeRuntime"),
                       "must be -1 (unlimited) or >= 0, got " + std::to_string(*c.realtime_runtime));
  if (c.realtime_period && *c.realtime_period == 0)
    return field_error(f("cpu.realtimePeriod"), "must be > 0");
  if (c.realtime_runtime && c.realtime_period && *c.realtime_runtime > 0 &&
      static_cast<uint64_t>(*c.realtime_runtime) > *c.realtime_period)
    return field_error(f("cpu.realtimeRuntime"),
                       "must not exceed cpu.realtimePeriod (" + std::to_string(*c.realtime_runtime) +
                           " > " + std::to_string(*c.realtime_period) + ")");
  if (c.idle && *c.idle != 0 && *c.idle != 1)
    return field_error(f("cpu.idle"), "must be 0 or 1, got " + std::to_string(*c.idle));
  // sched_group_set_shares() returns EINVAL for an idle group: fail here, by name.
  if (c.idle && *c.idle == 1 && c.shares)
    return field_error(f("cpu.shares"), "cannot be set together with cpu.idle = 1");
  if (c.cpus && !c.cpus->empty() && !valid_cpu_list(*c.cpus))
    return field_error(f("cpu.cpus"), "invalid CPU list " + quote(*c.cpus) + " (e.g. \"0-3,7\")");
  if (c.mems && !c.mems->empty() && !valid_cpu_list(*c.mems))
    return field_error(f("cpu.mems"),
                       "invalid memory node list " + quote(*c.mems) + " (e.g. \"0-3,7\")");
  return {};
}

Result<void> check_weight(const std::optional<uint16_t>& w, const std::string& field) {
  if (w && (*w < 10 || *w > 1000))
    return field_error(field, "must be between 10 and 1000, got " + std::to_string(*w));
  return {};
}

// blkg_conf_prep() reads "%u:%u".
Result<void> check_dev(int64_t major, int64_t minor, const std::string& field) {
  if (major < 0 || major > UINT32_MAX) return field_error(field + ".major", "out of range");
  if (minor < 0 || minor > UINT32_MAX) return field_error(field + ".minor", "out of range");
  return {};
}

Result<void> check_throttle(const std::vector<oci::ThrottleDevice>& list, std::string_view name) {
  for (size_t i = 0; i < list.size(); ++i)
    BERTH_TRY(check_dev(list[i].major, list[i].minor,
                        f(name) + "[" + std::to_string(i) + "]"));
  return {};
}

Result<void> check_block_io(const oci::BlockIO& b) {
  BERTH_TRY(check_weight(b.weight, f("blockIO.weight")));
  BERTH_TRY(check_weight(b.leaf_weight, f("blockIO.leafWeight")));
  for (size_t i = 0; i < b.weight_device.size(); ++i) {
    const auto& d = b.weight_device[i];
    std::string p = f("blockIO.weightDevice[" + std::to_string(i) + "]");
    BERTH_TRY(check_dev(d.major, d.minor, p));
    if (!d.weight && !d.leaf_weight)
      return field_error(p, "at least one of weight or leafWeight must be specified");
    BERTH_TRY(check_weight(d.weight, p + ".weight"));
    BERTH_TRY(check_weight(d.leaf_weight, p + ".leafWeight"));
  }
  BERTH_TRY(check_throttle(b.throttle_read_bps_device, "blockIO.throttleReadBpsDevice"));
  BERTH_TRY(check_throttle(b.throttle_write_bps_device, "blockIO.throttleWriteBpsDevice"));
  BERTH_TRY(check_throttle(b.throttle_read_iops_device, "blockIO.throttleReadIOPSDevice"));
  BERTH_TRY(check_throttle(b.throttle_write_iops_device, "blockIO.throttleWriteIOPSDevice"));
  return {};
}

// config-linux.md#huge-page-limits: pageSize must match the control file name, which
// the kernel spells with the largest unit that divides it (mm/hugetlb_cgroup.c
// mem_fmt), so "2048KB" has no file and names "2MB" instead.
Result<void> check_hugepages(const std::vector<oci::HugepageLimit>& list) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string& ps = list[i].page_size;
    std::string p = f("hugepageLimits[" + std::to_string(i) + "].pageSize");
    uint64_t bytes = page_size_bytes(ps);
    if (bytes == 0)
      return field_error(p, "must have the format <size><KB|MB|GB>, got " + quote(ps));
    if ((bytes & (bytes - 1)) != 0 || bytes < 1024)
      return field_error(p, quote(ps) + " is not a power-of-two page size");
    std::string canon = bytes >= (1ull << 30)   ? std::to_string(bytes >> 30) + "GB"
                        : bytes >= (1ull << 20) ? std::to_string(bytes >> 20) + "MB"
                                                : std::to_string(bytes >> 10) + "KB";
    if (canon != ps)
      return field_error(p, quote(ps) + " is not the kernel's spelling of this size; use " +
                                quote(canon));
  }
  return {};
}

// An interface name as the kernel accepts it (dev_valid_name): 1..15 bytes, no '/',
// no whitespace, not "." or "..". net_prio.ifpriomap reads "%s %u".
bool valid_ifname(std::string_view n) {
  if (n.empty() || n.size() > 15 || n == "." || n == "..") return false;
  for (unsigned char c : n)
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7f) return false;
  return true;
}

Result<void> check_network(const oci::Network& n) {
  for (size_t i = 0; i < n.priorities.size(); ++i) {
    if (!valid_ifname(n.priorities[i].name))
      return field_error(f("network.priorities[" + std::to_string(i) + "].name"),
                         "invalid interface name " + quote(n.priorities[i].name));
  }
  return {};
}

// rdmacg_parse_limits() reads each limit with match_int(): values above INT_MAX fail.
Result<void> check_rdma(const std::map<std::string, oci::Rdma>& rdma) {
  for (const auto& [dev, lim] : rdma) {
    std::string p = f("rdma[" + quote(dev) + "]");
    bool name_ok = !dev.empty();
    for (unsigned char c : dev)
      if (c <= ' ' || c == 0x7f) name_ok = false;
    if (!name_ok) return field_error(p, "invalid device name");
    if (!lim.hca_handles && !lim.hca_objects)
      return field_error(p, "at least one of hcaHandles or hcaObjects must be specified");
    if (lim.hca_handles && *lim.hca_handles > INT32_MAX)
      return field_error(p + ".hcaHandles", "must be at most 2147483647");
    if (lim.hca_objects && *lim.hca_objects > INT32_MAX)
      return field_error(p + ".hcaObjects", "must be at most 2147483647");
  }
  return {};
}

}  // namespace

Result<void> check_common(const oci::Resources& r) {
  if (r.memory) BERTH_TRY(check_memory(*r.memory));
  if (r.cpu) BERTH_TRY(check_cpu(*r.cpu));
  if (r.block_io) BERTH_TRY(check_block_io(*r.block_io));
  BERTH_TRY(check_hugepages(r.hugepage_limits));
  if (r.network) BERTH_TRY(check_network(*r.network));
  // config-linux.md#pids: -1 is "max", 0 is a valid limit.
  if (r.pids && r.pids->limit && *r.pids->limit < -1)
    return field_error(f("pids.limit"),
                       "must be -1 (unlimited) or >= 0, got " + std::to_string(*r.pids->limit));
  BERTH_TRY(check_rdma(r.rdma));
  return {};
}

}  // namespace detail
}  // namespace berth::cgroups
