// config-linux.md checks for the validate() table.
#include <array>
#include <set>

#include "validate_internal.h"

namespace oci::detail {

// config-linux.md#namespaces: known types only, no duplicated type (the
// runtime MUST generate an error), and path MUST be absolute.
Status check_linux_namespaces(const Spec& s) {
  if (!s.linux) return {};
  static constexpr std::array<std::string_view, 8> kTypes = {"mount", "cgroup", "uts",     "ipc",
                                                             "user",  "pid",    "network", "time"};
  std::set<std::string> seen;
  for (size_t i = 0; i < s.linux->namespaces.size(); ++i) {
    const Namespace& ns = s.linux->namespaces[i];
    std::string p = join_index("linux.namespaces", i);
    if (!contains(kTypes, ns.type))
      return fail(p + ".type", "unknown namespace type " + quote(ns.type));
    if (!seen.insert(ns.type).second) {
      return fail(p + ".type", "duplicate namespace type " + quote(ns.type));
    }
    if (ns.path && !is_absolute(*ns.path)) return fail(p + ".path", "must be an absolute path");
  }
  return {};
}

// config-linux.md#user-namespace-mappings: a zero-sized range maps nothing
// and is rejected by the kernel's uid_map/gid_map parser.
Status check_linux_id_mappings(const Spec& s) {
  if (!s.linux) return {};
  const std::pair<const char*, const std::vector<IDMapping>*> maps[] = {
      {"linux.uidMappings", &s.linux->uid_mappings}, {"linux.gidMappings", &s.linux->gid_mappings}};
  for (auto [name, list] : maps) {
    for (size_t i = 0; i < list->size(); ++i) {
      if ((*list)[i].size == 0)
        return fail(join_index(name, i) + ".size", "must be greater than zero");
    }
  }
  return {};
}

// config-linux.md#offset-for-time-namespace: the key names the clock;
// time_namespaces(7) only offsets the boottime and monotonic clocks.
Status check_linux_time_offsets(const Spec& s) {
  if (!s.linux) return {};
  for (const auto& [clock, off] : s.linux->time_offsets) {
    if (clock != "boottime" && clock != "monotonic") {
      return fail(join_map_key("linux.timeOffsets", clock),
                  "unknown clock (expected \"boottime\" or \"monotonic\")");
    }
  }
  return {};
}

// config-linux.md#devices: type is one of c, b, u, p; major/minor are
// REQUIRED unless type is p; path is a full path inside the container.
Status check_linux_devices(const Spec& s) {
  if (!s.linux) return {};
  for (size_t i = 0; i < s.linux->devices.size(); ++i) {
    const Device& d = s.linux->devices[i];
    std::string p = join_index("linux.devices", i);
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p") {
      return fail(p + ".type", "unknown device type " + quote(d.type) + " (expected c, b, u or p)");
    }
    if (d.type != "p") {
      if (!d.major) return fail(p + ".major", "required for device type " + quote(d.type));
      if (!d.minor) return fail(p + ".minor", "required for device type " + quote(d.type));
    }
    if (!is_absolute(d.path)) return fail(p + ".path", "must be an absolute path");
  }
  return {};
}

namespace {

// "<size><K|M|G>B" with a positive size and no leading zero (64KB, 2MB, 1GB).
bool valid_page_size(std::string_view v) {
  if (v.size() < 3 || v.back() != 'B') return false;
  char unit = v[v.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G') return false;
  std::string_view digits = v.substr(0, v.size() - 2);
  if (digits[0] < '1' || digits[0] > '9') return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

// config-linux.md#control-groups: device list entries, memory swappiness,
// block IO weight devices, huge page sizes and RDMA entries.
Status check_linux_resources(const Spec& s) {
  if (!s.linux || !s.linux->resources) return {};
  const Resources& r = *s.linux->resources;
  const std::string base = "linux.resources";
  // #allowed-device-list: type a/c/b; access is a composition of r, w, m.
  if (r.devices) {
    for (size_t i = 0; i < r.devices->size(); ++i) {
      const DeviceCgroup& d = (*r.devices)[i];
      std::string p = join_index(base + ".devices", i);
      if (d.type && *d.type != "a" && *d.type != "c" && *d.type != "b") {
        return fail(p + ".type", "unknown device type " + quote(*d.type) + " (expected a, c or b)");
      }
      if (d.access) {
        for (char c : *d.access) {
          if (c != 'r' && c != 'w' && c != 'm') {
            return fail(p + ".access",
                        "must be a combination of r, w and m, got " + quote(*d.access));
          }
        }
      }
    }
  }
  // #memory: swappiness values are from 0 to 100.
  if (r.memory && r.memory->swappiness && *r.memory->swappiness > 100) {
    return fail(base + ".memory.swappiness", "must be between 0 and 100");
  }
  // #block-io: each weightDevice entry MUST give weight or leafWeight.
  if (r.block_io) {
    for (size_t i = 0; i < r.block_io->weight_device.size(); ++i) {
      const WeightDevice& w = r.block_io->weight_device[i];
      if (!w.weight && !w.leaf_weight) {
        return fail(join_index(base + ".blockIO.weightDevice", i),
                    "at least one of weight or leafWeight must be specified");
      }
    }
  }
  // #huge-page-limits: pageSize has the format <size><unit-prefix>B.
  for (size_t i = 0; i < r.hugepage_limits.size(); ++i) {
    const std::string& ps = r.hugepage_limits[i].page_size;
    if (!valid_page_size(ps)) {
      return fail(join_index(base + ".hugepageLimits", i) + ".pageSize",
                  "must have the format <size><KB|MB|GB>, got " + quote(ps));
    }
  }
  // #rdma: each entry MUST give hcaHandles or hcaObjects.
  for (const auto& [dev, lim] : r.rdma) {
    if (!lim.hca_handles && !lim.hca_objects) {
      return fail(join_map_key(base + ".rdma", dev),
                  "at least one of hcaHandles or hcaObjects must be specified");
    }
  }
  return {};
}

// config-linux.md#rootfs-mount-propagation: shared, slave, private or
// unbindable. The recursive spellings (rshared, ...) are also accepted because
// Docker/containerd emit them and mount(2) propagation is applied recursively
// to the rootfs anyway.
Status check_linux_rootfs_propagation(const Spec& s) {
  if (!s.linux || !s.linux->rootfs_propagation) return {};
  static constexpr std::array<std::string_view, 8> kValues = {
      "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable"};
  const std::string& v = *s.linux->rootfs_propagation;
  if (!contains(kValues, v)) {
    return fail("linux.rootfsPropagation", "unknown propagation " + quote(v) +
                                               " (expected shared, slave, private or unbindable)");
  }
  return {};
}

// config-linux.md#masked-paths and #readonly-paths: values MUST be absolute.
Status check_linux_paths(const Spec& s) {
  if (!s.linux) return {};
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {
      {"linux.maskedPaths", &s.linux->masked_paths},
      {"linux.readonlyPaths", &s.linux->readonly_paths}};
  for (auto [name, list] : lists) {
    for (size_t i = 0; i < list->size(); ++i) {
      if (!is_absolute((*list)[i])) return fail(join_index(name, i), "must be an absolute path");
    }
  }
  return {};
}

namespace {

constexpr std::array<std::string_view, 9> kSeccompActions = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",        "SCMP_ACT_TRACE",
    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",          "SCMP_ACT_NOTIFY"};
constexpr std::array<std::string_view, 7> kSeccompOps = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
    "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
constexpr std::array<std::string_view, 4> kSeccompFlags = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
constexpr std::array<std::string_view, 23> kSeccompArchs = {
    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",     "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB"};

// Only SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry a return value in libseccomp;
// for other actions "the runtime MUST print an error and fail".
bool action_takes_errno(std::string_view a) {
  return a == "SCMP_ACT_ERRNO" || a == "SCMP_ACT_TRACE";
}

}  // namespace

// config-linux.md#seccomp
Status check_linux_seccomp(const Spec& s) {
  if (!s.linux || !s.linux->seccomp) return {};
  const Seccomp& sc = *s.linux->seccomp;
  const std::string base = "linux.seccomp";
  bool uses_notify = sc.default_action == "SCMP_ACT_NOTIFY";
  if (!contains(kSeccompActions, sc.default_action)) {
    return fail(base + ".defaultAction", "unknown seccomp action " + quote(sc.default_action));
  }
  if (sc.default_errno_ret && !action_takes_errno(sc.default_action)) {
    return fail(base + ".defaultErrnoRet",
                "not supported with default action " + quote(sc.default_action));
  }
  for (size_t i = 0; i < sc.architectures.size(); ++i) {
    if (!contains(kSeccompArchs, sc.architectures[i])) {
      return fail(join_index(base + ".architectures", i),
                  "unknown seccomp architecture " + quote(sc.architectures[i]));
    }
  }
  for (size_t i = 0; i < sc.flags.size(); ++i) {
    if (!contains(kSeccompFlags, sc.flags[i])) {
      return fail(join_index(base + ".flags", i), "unknown seccomp flag " + quote(sc.flags[i]));
    }
  }
  for (size_t i = 0; i < sc.syscalls.size(); ++i) {
    const SeccompSyscall& sys = sc.syscalls[i];
    std::string p = join_index(base + ".syscalls", i);
    // names MUST contain at least one entry.
    if (sys.names.empty()) return fail(p + ".names", "must contain at least one entry");
    for (size_t j = 0; j < sys.names.size(); ++j) {
      if (sys.names[j].empty()) return fail(join_index(p + ".names", j), "must not be empty");
    }
    if (!contains(kSeccompActions, sys.action)) {
      return fail(p + ".action", "unknown seccomp action " + quote(sys.action));
    }
    if (sys.errno_ret && !action_takes_errno(sys.action)) {
      return fail(p + ".errnoRet", "not supported with action " + quote(sys.action));
    }
    uses_notify = uses_notify || sys.action == "SCMP_ACT_NOTIFY";
    for (size_t j = 0; j < sys.args.size(); ++j) {
      const SeccompArg& a = sys.args[j];
      std::string ap = join_index(p + ".args", j);
      // seccomp_data carries six syscall arguments, indices 0-5.
      if (a.index > 5) return fail(ap + ".index", "must be between 0 and 5");
      if (!contains(kSeccompOps, a.op))
        return fail(ap + ".op", "unknown seccomp operator " + quote(a.op));
    }
  }
  // SCMP_ACT_NOTIFY hands the listener fd to the agent at listenerPath; with
  // no path the runtime has nowhere to send it.
  if (uses_notify && !sc.listener_path) {
    return fail(base + ".listenerPath", "required when SCMP_ACT_NOTIFY is used");
  }
  // listenerMetadata MUST NOT be set if listenerPath is not set.
  if (sc.listener_metadata && !sc.listener_path) {
    return fail(base + ".listenerMetadata", "must not be set without listenerPath");
  }
  return {};
}

// config-linux.md#personality: domain is LINUX or LINUX32.
Status check_linux_personality(const Spec& s) {
  if (!s.linux || !s.linux->personality) return {};
  const std::string& d = s.linux->personality->domain;
  if (d != "LINUX" && d != "LINUX32") {
    return fail("linux.personality.domain",
                "unknown personality domain " + quote(d) + " (expected LINUX or LINUX32)");
  }
  return {};
}

// config-linux.md#memory-policy: mode and flags from the listed constants.
Status check_linux_memory_policy(const Spec& s) {
  if (!s.linux || !s.linux->memory_policy) return {};
  static constexpr std::array<std::string_view, 7> kModes = {
      "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
      "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};
  static constexpr std::array<std::string_view, 3> kFlags = {
      "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"};
  const MemoryPolicy& mp = *s.linux->memory_policy;
  if (!contains(kModes, mp.mode)) {
    return fail("linux.memoryPolicy.mode", "unknown memory policy mode " + quote(mp.mode));
  }
  for (size_t i = 0; i < mp.flags.size(); ++i) {
    if (!contains(kFlags, mp.flags[i])) {
      return fail(join_index("linux.memoryPolicy.flags", i),
                  "unknown memory policy flag " + quote(mp.flags[i]));
    }
  }
  return {};
}

// config-linux.md#intelrdt: memBwSchema MUST start with "MB:" and MUST NOT
// contain newlines; schemata entries MUST NOT contain newlines.
Status check_linux_intel_rdt(const Spec& s) {
  if (!s.linux || !s.linux->intel_rdt) return {};
  const IntelRdt& rdt = *s.linux->intel_rdt;
  if (rdt.mem_bw_schema) {
    const std::string& m = *rdt.mem_bw_schema;
    if (m.rfind("MB:", 0) != 0)
      return fail("linux.intelRdt.memBwSchema", "must start with \"MB:\"");
    if (m.find('\n') != std::string::npos) {
      return fail("linux.intelRdt.memBwSchema", "must not contain newlines");
    }
  }
  if (rdt.schemata) {
    for (size_t i = 0; i < rdt.schemata->size(); ++i) {
      if ((*rdt.schemata)[i].find('\n') != std::string::npos) {
        return fail(join_index("linux.intelRdt.schemata", i), "must not contain newlines");
      }
    }
  }
  return {};
}

}  // namespace oci::detail
