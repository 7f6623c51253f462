// Capabilities: see capabilities.h.
#include "security/capabilities.h"

#include "base/unprotect.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

#include "base/file.h"
#include "base/log.h"

namespace berth::security {
namespace {

// capabilities(7) / include/uapi/linux/capability.h, indexed by number.
constexpr const char* kCapNames[] = {
    "CAP_CHOWN",            "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",           "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",          "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",        "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",       "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",        "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",     "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",            "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",     "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",    "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
constexpr int kKnownCaps = sizeof kCapNames / sizeof kCapNames[0];
static_assert(kKnownCaps == 41);

uint64_t bit(int cap) { return uint64_t{1} << cap; }

// Resolves one set; unknown or unsupported names become warnings (spec: MUST warn,
// SHOULD NOT fail).
uint64_t resolve_set(const std::optional<std::vector<std::string>>& names, const char* set,
                     int last_cap, std::vector<std::string>& warnings) {
  uint64_t mask = 0;
  if (!names) return mask;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    int cap = capability_number(name);
    char msg[512];
    if (cap < 0) {
      std::snprintf(msg, sizeof msg, "process.capabilities.%s[%zu]: unknown capability \"%s\"; "
                    "ignoring it", set, i, name.c_str());
    } else if (cap > last_cap) {
      std::snprintf(msg, sizeof msg, "process.capabilities.%s[%zu]: capability %s is not "
                    "supported by this kernel (cap_last_cap is %d); ignoring it",
                    set, i, name.c_str(), last_cap);
    } else {
      mask |= bit(cap);
      continue;
    }
    warnings.emplace_back(msg);
  }
  return mask;
}

// First name in `names` whose bit is set in `bad`, for an error naming the element.
Result<void> check_subset(const std::optional<std::vector<std::string>>& names, const char* set,
                          uint64_t mask, uint64_t allowed, const char* rule) {
  if (!names || (mask & ~allowed) == 0) return {};
  for (std::size_t i = 0; i < names->size(); ++i) {
    int cap = capability_number((*names)[i]);
    if (cap >= 0 && cap < 64 && (mask & ~allowed & bit(cap)))
      return BERTH_ERR(EINVAL, "process.capabilities.%s[%zu]: %s %s", set, i,
                       (*names)[i].c_str(), rule);
  }
  return BERTH_ERR(EINVAL, "process.capabilities.%s: %s", set, rule);
}

}  // namespace

int capability_number(std::string_view name) {
  for (int i = 0; i < kKnownCaps; ++i)
    if (name == kCapNames[i]) return i;
  return -1;
}

const char* capability_name(int cap) {
  return cap >= 0 && cap < kKnownCaps ? kCapNames[cap] : nullptr;
}

int known_capability_count() { return kKnownCaps; }

Result<int> read_cap_last_cap() {
  BERTH_TRY_ASSIGN(std::string text, read_file("/proc/sys/kernel/cap_last_cap"));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  int v = -1;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 0 || v > 63)
    return BERTH_ERR(EINVAL, "/proc/sys/kernel/cap_last_cap: unexpected content \"%s\"",
                     text.c_str());
  return v;
}

Result<CapsPlan> build_caps_plan(const oci::Spec& spec) {
  BERTH_TRY_ASSIGN(int last, read_cap_last_cap());
  return build_caps_plan(spec, last);
}

Result<CapsPlan> build_caps_plan(const oci::Spec& spec, int last_cap) {
  CapsPlan plan;
  plan.last_cap = last_cap;
  if (!spec.process || !spec.process->capabilities) return plan;  // all sets empty
  const oci::Capabilities& c = *spec.process->capabilities;
  plan.present = true;
  plan.bounding = resolve_set(c.bounding, "bounding", last_cap, plan.warnings);
  plan.effective = resolve_set(c.effective, "effective", last_cap, plan.warnings);
  plan.permitted = resolve_set(c.permitted, "permitted", last_cap, plan.warnings);
  plan.inheritable = resolve_set(c.inheritable, "inheritable", last_cap, plan.warnings);
  plan.ambient = resolve_set(c.ambient, "ambient", last_cap, plan.warnings);
  for (const auto& w : plan.warnings) BERTH_WARN("%s", w.c_str());
  // capset(2): effective must be a subset of permitted, and (without CAP_SETPCAP, which
  // the caller no longer has in effective after setresuid) inheritable a subset of the
  // bounding set. PR_CAP_AMBIENT_RAISE: the cap must be permitted and inheritable.
  BERTH_TRY(check_subset(c.effective, "effective", plan.effective, plan.permitted,
                         "is not in the permitted set; effective must be a subset of permitted"));
  BERTH_TRY(check_subset(c.inheritable, "inheritable", plan.inheritable, plan.bounding,
                         "is not in the bounding set; the kernel cannot grant it"));
  // An ambient cap outside permitted & inheritable cannot be raised. `runc spec` itself
  // produces such configs (ambient without inheritable), and runc and crun skip those caps
  // silently, so berth skips them with a warning instead of refusing the container.
  if (uint64_t lost = plan.ambient & ~(plan.permitted & plan.inheritable)) {
    for (int cap = 0; cap <= last_cap; ++cap)
      if (lost & (uint64_t{1} << cap))
        BERTH_WARN("process.capabilities.ambient: %s is not in both the permitted and "
                   "inheritable sets; it cannot be ambient and is skipped",
                   capability_name(cap));
    plan.ambient &= plan.permitted & plan.inheritable;
  }
  return plan;
}

Result<void> drop_bounding_set(const CapsPlan& plan) {
  for (int cap = 0; cap <= plan.last_cap; ++cap) {
    if (plan.bounding & bit(cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      const char* name = capability_name(cap);
      return BERTH_SYS("process.capabilities.bounding: PR_CAPBSET_DROP %s (%d)",
                       name ? name : "?", cap);
    }
  }
  return {};
}

Result<void> apply_caps(const CapsPlan& plan) {
  // Raw capset(2) with the 64-bit (version 3) layout: two 32-bit words per set.
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  for (int w = 0; w < 2; ++w) {
    data[w].effective = static_cast<uint32_t>(plan.effective >> (32 * w));
    data[w].permitted = static_cast<uint32_t>(plan.permitted >> (32 * w));
    // Test-only: the pre-CVE-2022-29162 behaviour of filling inheritable with the whole
    // bounding set (what engines put in every config).
    const uint64_t inh = unprotected("caps-inheritable") ? plan.bounding : plan.inheritable;
    data[w].inheritable = static_cast<uint32_t>(inh >> (32 * w));
  }
  if (::syscall(SYS_capset, &hdr, data) != 0)
    return BERTH_SYS("process.capabilities: capset(effective %#llx, permitted %#llx, "
                     "inheritable %#llx)",
                     static_cast<unsigned long long>(plan.effective),
                     static_cast<unsigned long long>(plan.permitted),
                     static_cast<unsigned long long>(plan.inheritable));
  // The ambient set survives execve for non-root users; start it from nothing so only
  // what the config asks for is there (CVE-2022-29162 class).
  if (!unprotected("caps-ambient") && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
    return BERTH_SYS("process.capabilities.ambient: PR_CAP_AMBIENT_CLEAR_ALL");
  for (int cap = 0; cap <= plan.last_cap; ++cap) {
    if (!(plan.ambient & bit(cap))) continue;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      const char* name = capability_name(cap);
      return BERTH_SYS("process.capabilities.ambient: PR_CAP_AMBIENT_RAISE %s",
                       name ? name : "?");
    }
  }
  return {};
}

Result<void> set_no_new_privs() {
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return BERTH_SYS("process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
  return {};
}

}  // namespace berth::security
