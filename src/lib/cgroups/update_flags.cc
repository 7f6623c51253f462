// runc 1.1.5's `update` (update.go): the flag values are parsed with Go's strconv
// (ParseUint/ParseInt base 10 for the string flags, base 0 for the two IntFlags,
// --blkio-weight and --pids-limit) and go-units RAMInBytes for memory sizes.
#include "cgroups/update_flags.h"

#include <yajl/yajl_tree.h>

#include <charconv>
#include <cmath>
#include <limits>

#include <oci/json.h>

namespace berth::cgroups {

const std::vector<std::string_view> kUpdateFlagNames = {
    "blkio-weight",   "cpu-period",         "cpu-quota",     "cpu-share",
    "cpu-rt-period",  "cpu-rt-runtime",     "cpuset-cpus",   "cpuset-mems",
    "kernel-memory",  "kernel-memory-tcp",  "memory",        "memory-reservation",
    "memory-swap",    "pids-limit",         "l3-cache-schema", "mem-bw-schema",
    "cpu-burst",      "cpu-idle"};

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Go's strconv.ParseUint / ParseInt with base 10: optional sign for the signed one,
// digits only, no spaces. The error text is strconv's.
template <class T>
Result<T> go_parse_int(std::string_view flag, std::string_view s) {
  const char* fn = std::is_signed_v<T> ? "strconv.ParseInt" : "strconv.ParseUint";
  std::string_view digits = s;
  if (std::is_signed_v<T> && !digits.empty() && digits[0] == '+') digits.remove_prefix(1);
  T v{};
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  bool all = p == digits.data() + digits.size() && !digits.empty();
  if (ec == std::errc::result_out_of_range && all)
    return BERTH_ERR(ERANGE, "invalid value for %.*s: %s: parsing %s: value out of range",
                     static_cast<int>(flag.size()), flag.data(), fn, quoted(s).c_str());
  if (ec != std::errc() || !all)
    return BERTH_ERR(EINVAL, "invalid value for %.*s: %s: parsing %s: invalid syntax",
                     static_cast<int>(flag.size()), flag.data(), fn, quoted(s).c_str());
  return v;
}

// urfave/cli's IntFlag: strconv.ParseInt(s, 0, 64), so "0x20", "0o17", "0b11" and
// C-style octal "017" work; underscores between digits are allowed with a prefix.
Result<int64_t> go_int_flag(std::string_view flag, std::string_view s) {
  auto bad = [&] {
    return BERTH_ERR(EINVAL, "invalid value %s for flag -%.*s: parse error", quoted(s).c_str(),
                     static_cast<int>(flag.size()), flag.data());
  };
  std::string_view d = s;
  bool neg = false;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    neg = d[0] == '-';
    d.remove_prefix(1);
  }
  int base = 10;
  bool prefixed = false;
  if (d.size() >= 2 && d[0] == '0') {
    char c = static_cast<char>(d[1] | 0x20);
    if (c == 'x' || c == 'o' || c == 'b') {
      base = c == 'x' ? 16 : c == 'o' ? 8 : 2;
      d.remove_prefix(2);
      prefixed = true;
    } else {
      base = 8;
      d.remove_prefix(1);
      prefixed = true;
    }
  }
  std::string clean;
  for (size_t i = 0; i < d.size(); ++i) {
    if (d[i] == '_' && prefixed && i > 0 && i + 1 < d.size() && d[i + 1] != '_') continue;
    clean += d[i];
  }
  if (clean.empty()) return bad();
  uint64_t mag = 0;
  auto [p, ec] = std::from_chars(clean.data(), clean.data() + clean.size(), mag, base);
  if (ec != std::errc() || p != clean.data() + clean.size()) return bad();
  const uint64_t lim = neg ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (mag > lim) return bad();
  return neg ? static_cast<int64_t>(~mag + 1) : static_cast<int64_t>(mag);
}

// `-1` is runc's spelling of "unlimited" for the memory flags; anything else is a size.
Result<int64_t> memory_value(std::string_view flag, std::string_view s) {
  if (s == "-1") return -1;
  auto v = parse_ram_in_bytes(s);
  if (!v) {
    Error e = v.error();
    return fail(e.wrap("invalid value for " + std::string(flag)));
  }
  return *v;
}

// --memory -1 alone means "memory and swap unlimited" (runc keeps v1 working: the
// kernel refuses a memory limit above memsw's).
void unlimited_memory_implies_swap(oci::Resources& r) {
  if (r.memory && r.memory->limit == -1 && !r.memory->swap) r.memory->swap = -1;
}

template <class T>
void overlay(std::optional<T>& base, const std::optional<T>& patch) {
  if (patch) base = patch;
}

// Replaces base entries whose key(e) matches a patch entry, appends the rest.
template <class T, class Key, class Merge>
void merge_list(std::vector<T>& base, const std::vector<T>& patch, Key key, Merge merge) {
  for (const T& p : patch) {
    bool found = false;
    for (T& b : base) {
      if (key(b) == key(p)) {
        merge(b, p);
        found = true;
        break;
      }
    }
    if (!found) base.push_back(p);
  }
}

}  // namespace

Result<int64_t> parse_ram_in_bytes(std::string_view s) {
  auto invalid = [&] {
    return BERTH_ERR(EINVAL, "invalid size: '%.*s'", static_cast<int>(s.size()), s.data());
  };
  // go-units v0.4: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$
  size_t i = 0;
  auto digits = [&] {
    size_t b = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > b;
  };
  if (!digits()) return invalid();
  while (i + 1 < s.size() && s[i] == '.' && s[i + 1] >= '0' && s[i + 1] <= '9') {
    ++i;
    digits();
  }
  std::string_view number = s.substr(0, i);
  if (i < s.size() && s[i] == ' ') ++i;
  uint64_t mul = 1;
  if (i < s.size()) {
    switch (s[i] | 0x20) {
      case 'k': mul = uint64_t{1} << 10; break;
      case 'm': mul = uint64_t{1} << 20; break;
      case 'g': mul = uint64_t{1} << 30; break;
      case 't': mul = uint64_t{1} << 40; break;
      case 'p': mul = uint64_t{1} << 50; break;
      default: break;
    }
    if (mul != 1) ++i;
  }
  if (i < s.size() && (s[i] | 0x20) == 'i') ++i;
  if (i < s.size() && (s[i] | 0x20) == 'b') ++i;
  if (i != s.size()) return invalid();
  // The regex lets "1.2.3" through; Go's ParseFloat then rejects it.
  double v = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec != std::errc() || p != number.data() + number.size())
    return BERTH_ERR(EINVAL, "strconv.ParseFloat: parsing \"%.*s\": invalid syntax",
                     static_cast<int>(number.size()), number.data());
  double bytes = v * static_cast<double>(mul);
  // Go's int64(float) of an out-of-range value is undefined; refuse it instead.
  if (!(bytes < 9223372036854775808.0)) return invalid();
  return static_cast<int64_t>(bytes);
}

Result<UpdatePatch> resources_from_update_flags(const std::map<std::string, std::string>& flags) {
  UpdatePatch out;
  oci::Resources& r = out.resources;
  auto mem = [&]() -> oci::Memory& { if (!r.memory) r.memory.emplace(); return *r.memory; };
  auto cpu = [&]() -> oci::CPU& { if (!r.cpu) r.cpu.emplace(); return *r.cpu; };

  for (const auto& [raw_name, value] : flags) {
    std::string_view name = raw_name;
    while (name.starts_with('-')) name.remove_prefix(1);
    bool known = false;
    for (auto k : kUpdateFlagNames) known = known || k == name;
    if (!known)
      return BERTH_ERR(EINVAL, "unknown update flag \"--%.*s\"", static_cast<int>(name.size()),
                       name.data());
    // runc: an empty string leaves the field alone (also for the IntFlags, whose
    // empty value fails to parse in urfave/cli before runc sees it).
    if (value.empty()) {
      if (name == "blkio-weight" || name == "pids-limit")
        return BERTH_ERR(EINVAL, "invalid value \"\" for flag -%.*s: parse error",
                         static_cast<int>(name.size()), name.data());
      continue;
    }

    if (name == "blkio-weight") {
      BERTH_TRY_ASSIGN(int64_t w, go_int_flag(name, value));
      if (w == 0) continue;  // runc's "not given"
      // config-linux.md#block-io: weight is 10..1000; runc would silently truncate to
      // uint16 and let the kernel refuse it.
      if (w < 10 || w > 1000)
        return BERTH_ERR(EINVAL, "invalid value for blkio-weight: %lld is not in 10..1000",
                         static_cast<long long>(w));
      if (!r.block_io) r.block_io.emplace();
      r.block_io->weight = static_cast<uint16_t>(w);
    } else if (name == "pids-limit") {
      BERTH_TRY_ASSIGN(int64_t n, go_int_flag(name, value));
      if (n == 0) continue;  // runc's default: unchanged; -1 (any negative) is "max"
      r.pids.emplace().limit = n;
    } else if (name == "cpu-period") {
      BERTH_TRY_ASSIGN(cpu().period, go_parse_int<uint64_t>(name, value));
    } else if (name == "cpu-rt-period") {
      BERTH_TRY_ASSIGN(cpu().realtime_period, go_parse_int<uint64_t>(name, value));
    } else if (name == "cpu-share") {
      BERTH_TRY_ASSIGN(cpu().shares, go_parse_int<uint64_t>(name, value));
    } else if (name == "cpu-burst") {
      BERTH_TRY_ASSIGN(cpu().burst, go_parse_int<uint64_t>(name, value));
    } else if (name == "cpu-quota") {
      BERTH_TRY_ASSIGN(cpu().quota, go_parse_int<int64_t>(name, value));
    } else if (name == "cpu-rt-runtime") {
      BERTH_TRY_ASSIGN(cpu().realtime_runtime, go_parse_int<int64_t>(name, value));
    } else if (name == "cpu-idle") {
      BERTH_TRY_ASSIGN(cpu().idle, go_parse_int<int64_t>(name, value));
    } else if (name == "cpuset-cpus") {
      cpu().cpus = value;
    } else if (name == "cpuset-mems") {
      cpu().mems = value;
    } else if (name == "memory") {
      BERTH_TRY_ASSIGN(mem().limit, memory_value(name, value));
    } else if (name == "memory-reservation") {
      BERTH_TRY_ASSIGN(mem().reservation, memory_value(name, value));
    } else if (name == "memory-swap") {
      BERTH_TRY_ASSIGN(mem().swap, memory_value(name, value));
    } else if (name == "kernel-memory-tcp") {
      BERTH_TRY_ASSIGN(mem().kernel_tcp, memory_value(name, value));
    } else if (name == "kernel-memory") {
      // config-linux.md#memory: "kernel" is NOT RECOMMENDED; Linux 5.4 deprecated
      // memory.kmem.limit_in_bytes and 5.16 made writes to it fail. (runc 1.1 accepts
      // the flag and ignores it with a warning.)
      return BERTH_ERR(EOPNOTSUPP,
                       "--kernel-memory is not supported: kernel memory limits were "
                       "deprecated in Linux 5.4");
    } else if (name == "l3-cache-schema") {
      out.l3_cache_schema = value;
    } else if (name == "mem-bw-schema") {
      out.mem_bw_schema = value;
    }
  }
  unlimited_memory_implies_swap(r);
  return out;
}

Result<oci::Resources> resources_from_update_json(std::string_view json) {
  // The text is spliced into a config document below, so first make sure it is
  // exactly one JSON object and nothing else.
  char errbuf[256] = {};
  std::string text(json);
  yajl_val tree = yajl_tree_parse(text.c_str(), errbuf, sizeof errbuf);
  if (!tree) {
    std::string msg = errbuf;
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return BERTH_ERR(EINVAL, "invalid resources JSON: %s", msg.c_str());
  }
  bool is_object = YAJL_IS_OBJECT(tree);
  yajl_tree_free(tree);
  if (!is_object) return BERTH_ERR(EINVAL, "invalid resources JSON: not an object");

  std::string doc = R"({"ociVersion":"1.0.0","root":{"path":"rootfs"},"linux":{"resources":)" +
                    text + "}}";
  auto spec = oci::parse_config(doc);
  if (!spec) {
    oci::Error e = spec.error();
    // Make paths relative to the resources object the user wrote.
    constexpr std::string_view kPrefix = "linux.resources";
    std::string path = e.path;
    if (path.starts_with(kPrefix)) {
      path.erase(0, kPrefix.size());
      if (!path.empty() && path[0] == '.') path.erase(0, 1);
    }
    std::string msg = path.empty() ? e.message : path + ": " + e.message;
    return BERTH_ERR(EINVAL, "invalid resources JSON: %s", msg.c_str());
  }
  oci::Resources r;
  if (spec->linux && spec->linux->resources) r = std::move(*spec->linux->resources);
  unlimited_memory_implies_swap(r);
  return r;
}

void merge_resources(oci::Resources& base, const oci::Resources& patch) {
  overlay(base.devices, patch.devices);

  if (patch.memory) {
    oci::Memory& b = base.memory ? *base.memory : base.memory.emplace();
    const oci::Memory& p = *patch.memory;
    overlay(b.limit, p.limit);
    overlay(b.reservation, p.reservation);
    overlay(b.swap, p.swap);
    overlay(b.kernel, p.kernel);
    overlay(b.kernel_tcp, p.kernel_tcp);
    overlay(b.swappiness, p.swappiness);
    overlay(b.disable_oom_killer, p.disable_oom_killer);
    overlay(b.use_hierarchy, p.use_hierarchy);
    overlay(b.check_before_update, p.check_before_update);
  }

  if (patch.cpu) {
    oci::CPU& b = base.cpu ? *base.cpu : base.cpu.emplace();
    const oci::CPU& p = *patch.cpu;
    overlay(b.shares, p.shares);
    overlay(b.quota, p.quota);
    overlay(b.burst, p.burst);
    overlay(b.period, p.period);
    overlay(b.realtime_runtime, p.realtime_runtime);
    overlay(b.realtime_period, p.realtime_period);
    overlay(b.cpus, p.cpus);
    overlay(b.mems, p.mems);
    overlay(b.idle, p.idle);
  }

  if (patch.block_io) {
    oci::BlockIO& b = base.block_io ? *base.block_io : base.block_io.emplace();
    const oci::BlockIO& p = *patch.block_io;
    overlay(b.weight, p.weight);
    overlay(b.leaf_weight, p.leaf_weight);
    auto dev = [](const auto& d) { return std::pair(d.major, d.minor); };
    merge_list(b.weight_device, p.weight_device, dev,
               [](oci::WeightDevice& x, const oci::WeightDevice& y) {
                 overlay(x.weight, y.weight);
                 overlay(x.leaf_weight, y.leaf_weight);
               });
    auto rate = [](oci::ThrottleDevice& x, const oci::ThrottleDevice& y) { x.rate = y.rate; };
    merge_list(b.throttle_read_bps_device, p.throttle_read_bps_device, dev, rate);
    merge_list(b.throttle_write_bps_device, p.throttle_write_bps_device, dev, rate);
    merge_list(b.throttle_read_iops_device, p.throttle_read_iops_device, dev, rate);
    merge_list(b.throttle_write_iops_device, p.throttle_write_iops_device, dev, rate);
  }

  merge_list(base.hugepage_limits, patch.hugepage_limits,
             [](const oci::HugepageLimit& h) { return h.page_size; },
             [](oci::HugepageLimit& x, const oci::HugepageLimit& y) { x.limit = y.limit; });

  if (patch.network) {
    oci::Network& b = base.network ? *base.network : base.network.emplace();
    overlay(b.class_id, patch.network->class_id);
    merge_list(b.priorities, patch.network->priorities,
               [](const oci::InterfacePriority& i) { return i.name; },
               [](oci::InterfacePriority& x, const oci::InterfacePriority& y) {
                 x.priority = y.priority;
               });
  }

  if (patch.pids) {
    oci::Pids& b = base.pids ? *base.pids : base.pids.emplace();
    overlay(b.limit, patch.pids->limit);
  }

  for (const auto& [dev, p] : patch.rdma) {
    oci::Rdma& b = base.rdma[dev];
    overlay(b.hca_handles, p.hca_handles);
    overlay(b.hca_objects, p.hca_objects);
  }
  for (const auto& [k, v] : patch.unified) base.unified[k] = v;
}

}  // namespace berth::cgroups
