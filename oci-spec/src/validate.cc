// The check table run by validate(), plus the config.md (platform-neutral and
// process) checks. Each check enforces statements of one spec section and
// reports the JSON path of the first offending value.
#include "oci/validate.h"

#include <array>
#include <set>

#include "semver.h"
#include "validate_internal.h"

namespace oci::detail {
namespace {

const std::string kProc = "process";

// config.md#specification-version: ociVersion MUST be SemVer 2.0.0, and
// compatibility is only kept within a major version, so 2.x and later are
// rejected. Pre-1.0 versions are accepted: the spec's own examples (config.md,
// schema/test/config/good/spec-example.json) use 0.x versions.
Status check_oci_version(const Spec& s) {
  auto v = parse_semver(s.oci_version);
  if (!v) return fail("ociVersion", "not a SemVer 2.0.0 version: " + quote(s.oci_version));
  if (v->major > 1) {
    return fail("ociVersion", "unsupported major version " + std::to_string(v->major) +
                                  " (this runtime implements 1.x)");
  }
  return {};
}

// config.md#root: root is REQUIRED on all platforms but Windows, and a
// directory MUST exist at root.path, so an empty path can never be valid.
Status check_root(const Spec& s) {
  if (!s.root) return fail("root", "required property missing");
  if (s.root->path.empty()) return fail("root.path", "must not be empty");
  return {};
}

// config.md#annotations: keys MUST NOT be an empty string.
Status check_annotations(const Spec& s) {
  if (s.annotations.count("")) return fail("annotations[\"\"]", "keys must not be empty");
  return {};
}

// config.md#mounts: on Linux destination SHOULD be absolute but MAY be
// relative (deprecated, resolved against "/"); it cannot be empty.
// config.md#posix-platform-mounts: uidMappings and gidMappings MUST be
// given together.
Status check_mounts(const Spec& s) {
  for (size_t i = 0; i < s.mounts.size(); ++i) {
    const Mount& m = s.mounts[i];
    std::string p = join_index("mounts", i);
    if (m.destination.empty()) return fail(p + ".destination", "must not be empty");
    if (m.uid_mappings.empty() != m.gid_mappings.empty()) {
      return m.uid_mappings.empty()
                 ? fail(p + ".uidMappings", "must be specified along with gidMappings")
                 : fail(p + ".gidMappings", "must be specified along with uidMappings");
    }
    const std::pair<const char*, const std::vector<IDMapping>*> maps[] = {
        {".uidMappings", &m.uid_mappings}, {".gidMappings", &m.gid_mappings}};
    for (auto [name, list] : maps) {
      for (size_t j = 0; j < list->size(); ++j) {
        if ((*list)[j].size == 0) {
          return fail(join_index(p + name, j) + ".size", "must be greater than zero");
        }
      }
    }
  }
  return {};
}

// config.md#process: cwd MUST be absolute; args needs at least one entry on
// non-Windows platforms.
Status check_process_basics(const Spec& s) {
  if (!s.process) return {};
  if (s.process->args.empty()) return fail("process.args", "must contain at least one entry");
  if (!is_absolute(s.process->cwd)) return fail("process.cwd", "must be an absolute path");
  return {};
}

// config.md#linux-process: capability names come from capabilities(7).
Status check_capabilities(const Spec& s) {
  if (!s.process || !s.process->capabilities) return {};
  const Capabilities& c = *s.process->capabilities;
  const std::pair<const char*, const std::optional<std::vector<std::string>>*> sets[] = {
      {"bounding", &c.bounding},
      {"effective", &c.effective},
      {"inheritable", &c.inheritable},
      {"permitted", &c.permitted},
      {"ambient", &c.ambient}};
  for (auto [name, set] : sets) {
    if (!*set) continue;
    for (size_t i = 0; i < (*set)->size(); ++i) {
      const std::string& cap = (**set)[i];
      if (!is_known_capability(cap)) {
        return fail(join_index(std::string("process.capabilities.") + name, i),
                    "unknown capability " + quote(cap));
      }
    }
  }
  return {};
}

// config.md#posix-process: types are getrlimit(2) resources, entries must be
// unique, and since rlim_cur/rlim_max MUST match the configuration, a soft
// limit above the hard limit (which setrlimit rejects) cannot be honoured.
Status check_rlimits(const Spec& s) {
  if (!s.process) return {};
  static constexpr std::array<std::string_view, 16> kTypes = {
      "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",        "RLIMIT_DATA",
      "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",    "RLIMIT_MSGQUEUE",
      "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",      "RLIMIT_RSS",
      "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK"};
  std::set<std::string> seen;
  for (size_t i = 0; i < s.process->rlimits.size(); ++i) {
    const Rlimit& r = s.process->rlimits[i];
    std::string p = join_index("process.rlimits", i);
    if (!contains(kTypes, r.type)) return fail(p + ".type", "unknown rlimit type " + quote(r.type));
    if (!seen.insert(r.type).second) {
      return fail(p + ".type", "duplicate rlimit type " + quote(r.type));
    }
    if (r.soft > r.hard) return fail(p + ".soft", "soft limit exceeds hard limit");
  }
  return {};
}

// config.md#linux-process: the runtime MUST write oomScoreAdj to
// /proc/<pid>/oom_score_adj, which only accepts -1000..1000.
Status check_oom_score_adj(const Spec& s) {
  if (!s.process || !s.process->oom_score_adj) return {};
  int v = *s.process->oom_score_adj;
  if (v < -1000 || v > 1000) return fail("process.oomScoreAdj", "must be between -1000 and 1000");
  return {};
}

// config.md#linux-process "scheduler": policy and flags from the listed sets.
Status check_scheduler(const Spec& s) {
  if (!s.process || !s.process->scheduler) return {};
  static constexpr std::array<std::string_view, 7> kPolicies = {
      "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",      "SCHED_BATCH",
      "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE"};
  static constexpr std::array<std::string_view, 7> kFlags = {
      "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM",     "SCHED_FLAG_DL_OVERRUN",
      "SCHED_FLAG_KEEP_POLICY",   "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
      "SCHED_FLAG_UTIL_CLAMP_MAX"};
  const Scheduler& sc = *s.process->scheduler;
  if (!contains(kPolicies, sc.policy)) {
    return fail("process.scheduler.policy", "unknown scheduler policy " + quote(sc.policy));
  }
  for (size_t i = 0; i < sc.flags.size(); ++i) {
    if (!contains(kFlags, sc.flags[i])) {
      return fail(join_index("process.scheduler.flags", i),
                  "unknown scheduler flag " + quote(sc.flags[i]));
    }
  }
  return {};
}

// config.md#linux-process "ioPriority": class from the listed set, priority
// 0 (highest) to 7 (lowest).
Status check_io_priority(const Spec& s) {
  if (!s.process || !s.process->io_priority) return {};
  static constexpr std::array<std::string_view, 3> kClasses = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                                               "IOPRIO_CLASS_IDLE"};
  const IOPriority& io = *s.process->io_priority;
  if (!contains(kClasses, io.class_)) {
    return fail("process.ioPriority.class", "unknown I/O priority class " + quote(io.class_));
  }
  if (io.priority < 0 || io.priority > 7) {
    return fail("process.ioPriority.priority", "must be between 0 and 7");
  }
  return {};
}

// config.md#linux-process "execCPUAffinity": comma-separated CPU lists with
// dash ranges (the schema's pattern ^[0-9, -]*$).
Status check_exec_cpu_affinity(const Spec& s) {
  if (!s.process || !s.process->exec_cpu_affinity) return {};
  const ExecCPUAffinity& a = *s.process->exec_cpu_affinity;
  const std::pair<const char*, const std::optional<std::string>*> lists[] = {
      {"process.execCPUAffinity.initial", &a.initial},
      {"process.execCPUAffinity.final", &a.final_}};
  for (auto [path, list] : lists) {
    if (!*list) continue;
    for (char c : **list) {
      if (!((c >= '0' && c <= '9') || c == ',' || c == ' ' || c == '-')) {
        return fail(path, "not a CPU list (digits, ',' and '-'): " + quote(**list));
      }
    }
  }
  return {};
}

// config.md#posix-platform-hooks: path MUST be absolute; timeout, if set,
// MUST be greater than zero.
Status check_hooks(const Spec& s) {
  if (!s.hooks) return {};
  const Hooks& h = *s.hooks;
  const std::pair<const char*, const std::vector<Hook>*> kinds[] = {
      {"hooks.prestart", &h.prestart},
      {"hooks.createRuntime", &h.create_runtime},
      {"hooks.createContainer", &h.create_container},
      {"hooks.startContainer", &h.start_container},
      {"hooks.poststart", &h.poststart},
      {"hooks.poststop", &h.poststop}};
  for (auto [name, list] : kinds) {
    for (size_t i = 0; i < list->size(); ++i) {
      const Hook& hook = (*list)[i];
      std::string p = join_index(name, i);
      if (!is_absolute(hook.path)) return fail(p + ".path", "must be an absolute path");
      if (hook.timeout && *hook.timeout <= 0)
        return fail(p + ".timeout", "must be greater than zero");
    }
  }
  return {};
}

}  // namespace
}  // namespace oci::detail

namespace oci {

const std::vector<ValidationCheck>& validation_checks() {
  using namespace detail;
  static const std::vector<ValidationCheck> kChecks = {
      {"oci-version", "config.md#specification-version", check_oci_version},
      {"root", "config.md#root", check_root},
      {"annotations", "config.md#annotations", check_annotations},
      {"mounts", "config.md#mounts, config.md#posix-platform-mounts", check_mounts},
      {"process", "config.md#process", check_process_basics},
      {"capabilities", "config.md#linux-process", check_capabilities},
      {"rlimits", "config.md#posix-process", check_rlimits},
      {"oom-score-adj", "config.md#linux-process", check_oom_score_adj},
      {"scheduler", "config.md#linux-process", check_scheduler},
      {"io-priority", "config.md#linux-process", check_io_priority},
      {"exec-cpu-affinity", "config.md#linux-process", check_exec_cpu_affinity},
      {"hooks", "config.md#posix-platform-hooks", check_hooks},
      {"namespaces", "config-linux.md#namespaces", check_linux_namespaces},
      {"id-mappings", "config-linux.md#user-namespace-mappings", check_linux_id_mappings},
      {"time-offsets", "config-linux.md#offset-for-time-namespace", check_linux_time_offsets},
      {"devices", "config-linux.md#devices", check_linux_devices},
      {"resources", "config-linux.md#control-groups", check_linux_resources},
      {"rootfs-propagation", "config-linux.md#rootfs-mount-propagation",
       check_linux_rootfs_propagation},
      {"masked-readonly-paths", "config-linux.md#masked-paths, #readonly-paths", check_linux_paths},
      {"seccomp", "config-linux.md#seccomp", check_linux_seccomp},
      {"personality", "config-linux.md#personality", check_linux_personality},
      {"memory-policy", "config-linux.md#memory-policy", check_linux_memory_policy},
      {"intel-rdt", "config-linux.md#intelrdt", check_linux_intel_rdt},
  };
  return kChecks;
}

Result<void> validate(const Spec& spec) {
  for (const ValidationCheck& c : validation_checks()) {
    auto r = c.run(spec);
    if (!r) return r;
  }
  return {};
}

const std::vector<std::string>& known_capabilities() {
  // capabilities(7), in kernel bit order: index == capability number.
  static const std::vector<std::string> kCaps = {"CAP_CHOWN",
                                                 "CAP_DAC_OVERRIDE",
                                                 "CAP_DAC_READ_SEARCH",
                                                 "CAP_FOWNER",
                                                 "CAP_FSETID",
                                                 "CAP_KILL",
                                                 "CAP_SETGID",
                                                 "CAP_SETUID",
                                                 "CAP_SETPCAP",
                                                 "CAP_LINUX_IMMUTABLE",
                                                 "CAP_NET_BIND_SERVICE",
                                                 "CAP_NET_BROADCAST",
                                                 "CAP_NET_ADMIN",
                                                 "CAP_NET_RAW",
                                                 "CAP_IPC_LOCK",
                                                 "CAP_IPC_OWNER",
                                                 "CAP_SYS_MODULE",
                                                 "CAP_SYS_RAWIO",
                                                 "CAP_SYS_CHROOT",
                                                 "CAP_SYS_PTRACE",
                                                 "CAP_SYS_PACCT",
                                                 "CAP_SYS_ADMIN",
                                                 "CAP_SYS_BOOT",
                                                 "CAP_SYS_NICE",
                                                 "CAP_SYS_RESOURCE",
                                                 "CAP_SYS_TIME",
                                                 "CAP_SYS_TTY_CONFIG",
                                                 "CAP_MKNOD",
                                                 "CAP_LEASE",
                                                 "CAP_AUDIT_WRITE",
                                                 "CAP_AUDIT_CONTROL",
                                                 "CAP_SETFCAP",
                                                 "CAP_MAC_OVERRIDE",
                                                 "CAP_MAC_ADMIN",
                                                 "CAP_SYSLOG",
                                                 "CAP_WAKE_ALARM",
                                                 "CAP_BLOCK_SUSPEND",
                                                 "CAP_AUDIT_READ",
                                                 "CAP_PERFMON",
                                                 "CAP_BPF",
                                                 "CAP_CHECKPOINT_RESTORE"};
  return kCaps;
}

std::optional<int> capability_number(std::string_view name) {
  const auto& caps = known_capabilities();
  for (size_t i = 0; i < caps.size(); ++i) {
    if (caps[i] == name) return static_cast<int>(i);
  }
  return std::nullopt;
}

bool is_known_capability(std::string_view name) { return capability_number(name).has_value(); }

}  // namespace oci
