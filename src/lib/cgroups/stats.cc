// Parsers of cgroup statistics files. The formats are those of the kernel's
// Documentation/admin-guide/cgroup-v2.rst ("Interface Files": flat keyed, nested
// keyed, single value) and cgroup-v1/{memory,cpuacct,blkio-controller,hugetlb}.rst.
#include "cgroups/stats.h"

#include <charconv>
#include <limits>

namespace berth::cgroups {
namespace {

constexpr std::string_view kSpace = " \t\n";

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

// Calls f(line) for each non-blank line; stops at the first error.
template <class F>
Result<void> for_each_line(std::string_view text, F&& f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty()) BERTH_TRY(f(line));
  }
  return {};
}

// Splits off the first whitespace-separated token of s.
std::string_view next_token(std::string_view& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    s = {};
    return {};
  }
  s.remove_prefix(b);
  auto e = s.find_first_of(" \t");
  std::string_view tok = s.substr(0, e);
  s = e == std::string_view::npos ? std::string_view{} : s.substr(e);
  return tok;
}

template <class T>
bool to_num(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

Result<uint64_t> u64(std::string_view s) {
  uint64_t v = 0;
  if (!to_num(s, v))
    return BERTH_ERR(EINVAL, "invalid number \"%.*s\"", static_cast<int>(s.size()), s.data());
  return v;
}

// usec -> ns, saturating (a counter cannot be "unlimited", but no overflow either).
uint64_t us_to_ns(uint64_t us) {
  return us > kStatUnlimited / 1000 ? kStatUnlimited : us * 1000;
}

// "8:0" -> major, minor.
bool parse_devno(std::string_view s, uint64_t& major, uint64_t& minor) {
  auto colon = s.find(':');
  return colon != std::string_view::npos && to_num(s.substr(0, colon), major) &&
         to_num(s.substr(colon + 1), minor);
}

}  // namespace

Result<uint64_t> parse_cgroup_uint(std::string_view text) {
  text = trim(text);
  if (text == "max") return kStatUnlimited;
  return u64(text);
}

Result<int64_t> parse_cgroup_int(std::string_view text) {
  text = trim(text);
  int64_t v = 0;
  if (!to_num(text, v))
    return BERTH_ERR(EINVAL, "invalid number \"%.*s\"", static_cast<int>(text.size()), text.data());
  return v;
}

Result<std::map<std::string, uint64_t>> parse_flat_keyed(std::string_view text) {
  std::map<std::string, uint64_t> out;
  BERTH_TRY(for_each_line(text, [&](std::string_view line) -> Result<void> {
    std::string_view rest = line;
    std::string_view key = next_token(rest);
    std::string_view val = trim(rest);
    uint64_t v = 0;
    if (val.empty() || val.find_first_of(" \t") != std::string_view::npos || !to_num(val, v))
      return BERTH_ERR(EINVAL, "invalid line \"%.*s\"", static_cast<int>(line.size()), line.data());
    out[std::string(key)] = v;
    return {};
  }));
  return out;
}

Result<void> parse_cpu_stat_v2(std::string_view text, CpuStats& out) {
  BERTH_TRY_ASSIGN(auto kv, parse_flat_keyed(text));
  for (const auto& [k, v] : kv) {
    if (k == "usage_usec") out.total_ns = us_to_ns(v);
    else if (k == "user_usec") out.user_ns = us_to_ns(v);
    else if (k == "system_usec") out.kernel_ns = us_to_ns(v);
    else if (k == "nr_periods") out.periods = v;
    else if (k == "nr_throttled") out.throttled_periods = v;
    else if (k == "throttled_usec") out.throttled_time_ns = us_to_ns(v);
  }
  return {};
}

Result<void> parse_cpu_stat_v1(std::string_view text, CpuStats& out) {
  BERTH_TRY_ASSIGN(auto kv, parse_flat_keyed(text));
  for (const auto& [k, v] : kv) {
    if (k == "nr_periods") out.periods = v;
    else if (k == "nr_throttled") out.throttled_periods = v;
    else if (k == "throttled_time") out.throttled_time_ns = v;
  }
  return {};
}

Result<std::vector<uint64_t>> parse_percpu(std::string_view text) {
  std::vector<uint64_t> out;
  std::string_view rest = text;
  for (;;) {
    // Newlines count as separators too (the file ends in " \n").
    while (!rest.empty() && kSpace.find(rest.front()) != std::string_view::npos)
      rest.remove_prefix(1);
    if (rest.empty()) break;
    auto e = rest.find_first_of(kSpace);
    BERTH_TRY_ASSIGN(uint64_t v, u64(rest.substr(0, e)));
    out.push_back(v);
    rest = e == std::string_view::npos ? std::string_view{} : rest.substr(e);
  }
  return out;
}

Result<void> parse_memory_stat(std::string_view text, bool v2, MemoryStats& out) {
  BERTH_TRY_ASSIGN(out.stat, parse_flat_keyed(text));
  // v2 renamed v1's "cache" (page cache) to "file"; runc reports either as "cache".
  auto it = out.stat.find(v2 ? "file" : "cache");
  out.cache = it == out.stat.end() ? 0 : it->second;
  return {};
}

Result<MemoryEvents> parse_memory_events(std::string_view text) {
  BERTH_TRY_ASSIGN(auto kv, parse_flat_keyed(text));
  MemoryEvents ev;
  auto get = [&](const char* k) { auto it = kv.find(k); return it == kv.end() ? 0 : it->second; };
  ev.low = get("low");
  ev.high = get("high");
  ev.max = get("max");
  ev.oom = get("oom");
  ev.oom_kill = get("oom_kill");
  ev.oom_group_kill = get("oom_group_kill");
  return ev;
}

Result<void> parse_io_stat_v2(std::string_view text, BlkioStats& out) {
  return for_each_line(text, [&](std::string_view line) -> Result<void> {
    std::string_view rest = line;
    uint64_t major = 0, minor = 0;
    std::string_view dev = next_token(rest);
    if (!parse_devno(dev, major, minor))
      return BERTH_ERR(EINVAL, "invalid device \"%.*s\"", static_cast<int>(dev.size()), dev.data());
    for (std::string_view tok = next_token(rest); !tok.empty(); tok = next_token(rest)) {
      auto eq = tok.find('=');
      if (eq == std::string_view::npos)
        return BERTH_ERR(EINVAL, "invalid field \"%.*s\"", static_cast<int>(tok.size()), tok.data());
      std::string_view key = tok.substr(0, eq);
      struct Known { std::string_view key; const char* op; bool bytes; };
      static constexpr Known kKnown[] = {
          {"rbytes", "Read", true},  {"wbytes", "Write", true}, {"dbytes", "Discard", true},
          {"rios", "Read", false},   {"wios", "Write", false},  {"dios", "Discard", false}};
      for (const auto& k : kKnown) {
        if (k.key != key) continue;
        BERTH_TRY_ASSIGN(uint64_t v, u64(tok.substr(eq + 1)));
        auto& table = k.bytes ? out.io_service_bytes_recursive : out.io_serviced_recursive;
        table.push_back(BlkioEntry{major, minor, k.op, v});
      }
    }
    return {};
  });
}

Result<std::vector<BlkioEntry>> parse_blkio_v1(std::string_view text) {
  std::vector<BlkioEntry> out;
  BERTH_TRY(for_each_line(text, [&](std::string_view line) -> Result<void> {
    std::string_view rest = line;
    std::string_view a = next_token(rest), b = next_token(rest), c = next_token(rest);
    if (a == "Total" && c.empty()) return {};  // the sum line after the devices
    BlkioEntry e;
    e.op = std::string(b);
    if (!parse_devno(a, e.major, e.minor) || b.empty() || !to_num(c, e.value) ||
        !next_token(rest).empty())
      return BERTH_ERR(EINVAL, "invalid line \"%.*s\"", static_cast<int>(line.size()), line.data());
    out.push_back(std::move(e));
    return {};
  }));
  return out;
}

Result<std::vector<uint16_t>> parse_cpu_list(std::string_view text) {
  std::vector<uint16_t> out;
  text = trim(text);
  while (!text.empty()) {
    auto comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    auto dash = item.find('-');
    uint16_t lo = 0, hi = 0;
    bool ok = dash == std::string_view::npos
                  ? to_num(item, lo) && (hi = lo, true)
                  : to_num(item.substr(0, dash), lo) && to_num(item.substr(dash + 1), hi);
    if (!ok || lo > hi)
      return BERTH_ERR(EINVAL, "invalid cpu list item \"%.*s\"", static_cast<int>(item.size()),
                       item.data());
    for (uint32_t i = lo; i <= hi; ++i) out.push_back(static_cast<uint16_t>(i));
  }
  return out;
}

}  // namespace berth::cgroups
