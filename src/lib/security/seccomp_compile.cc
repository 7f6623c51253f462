// Parent side of linux.seccomp: libseccomp builds the filter, we export it as BPF.
//
// libseccomp 2.5.4 can only export to an fd (seccomp_export_bpf), so the program goes
// through a memfd and is read back into the plan. The names of actions, operators and
// architectures are libseccomp's (config-linux.md: "strings that match the definitions in
// seccomp.h from libseccomp").
#include <errno.h>
#include <oci/error.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cctype>
#include <memory>

#include "base/log.h"
#include "security/seccomp.h"
#include "security/seccomp_cache.h"
#include "security/seccomp_flags.h"

namespace berth::security {
namespace {

struct CtxDeleter {
  void operator()(void* c) const { seccomp_release(c); }
};
using Filter = std::unique_ptr<void, CtxDeleter>;

std::string q(std::string_view s) { return oci::quote(s); }

// errnoRet is "the errno return code to use"; the action carries it in 16 bits.
Result<uint16_t> ret_value(std::optional<uint32_t> v, const std::string& field) {
  if (!v) return static_cast<uint16_t>(EPERM);  // config-linux.md: "The default is EPERM"
  if (*v > 0xffff) return BERTH_ERR(EINVAL, "%s: %u is out of range (0-65535)", field.c_str(), *v);
  return static_cast<uint16_t>(*v);
}

// action_field names the action, ret_field the errno property beside it.
Result<uint32_t> action_of(const std::string& name, std::optional<uint32_t> errno_ret,
                           const std::string& action_field, const std::string& ret_field) {
  if (name == "SCMP_ACT_ERRNO") {
    BERTH_TRY_ASSIGN(uint16_t e, ret_value(errno_ret, ret_field));
    return SCMP_ACT_ERRNO(e);
  }
  // For TRACE the value is the message number the tracer reads with PTRACE_GETEVENTMSG;
  // runc defaults it to EPERM too, so a profile behaves the same on both.
  if (name == "SCMP_ACT_TRACE") {
    BERTH_TRY_ASSIGN(uint16_t e, ret_value(errno_ret, ret_field));
    return SCMP_ACT_TRACE(e);
  }
  // config-linux.md: "When the action doesn't support an errno, the runtime MUST print
  // and error and fail."
  if (errno_ret)
    return BERTH_ERR(EINVAL, "%s: not supported with action %s", ret_field.c_str(),
                     q(name).c_str());
  // SCMP_ACT_KILL is libseccomp's old name for killing the thread.
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") return SCMP_ACT_NOTIFY;
  return BERTH_ERR(EINVAL, "%s: unknown action %s", action_field.c_str(), q(name).c_str());
}

Result<scmp_compare> op_of(const std::string& name, const std::string& field) {
  static constexpr struct {
    const char* name;
    scmp_compare op;
  } kOps[] = {{"SCMP_CMP_NE", SCMP_CMP_NE},
              {"SCMP_CMP_LT", SCMP_CMP_LT},
              {"SCMP_CMP_LE", SCMP_CMP_LE},
              {"SCMP_CMP_EQ", SCMP_CMP_EQ},
              {"SCMP_CMP_GE", SCMP_CMP_GE},
              {"SCMP_CMP_GT", SCMP_CMP_GT},
              {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (const auto& o : kOps)
    if (name == o.name) return o.op;
  return BERTH_ERR(EINVAL, "%s: unknown operator %s", field.c_str(), q(name).c_str());
}


Result<std::vector<scmp_arg_cmp>> conditions(const oci::SeccompSyscall& s, const std::string& p) {
  std::vector<scmp_arg_cmp> out;
  for (std::size_t j = 0; j < s.args.size(); ++j) {
    const oci::SeccompArg& a = s.args[j];
    std::string ap = p + ".args[" + std::to_string(j) + "]";
    // seccomp_data has six arguments.
    if (a.index > 5) return BERTH_ERR(EINVAL, "%s.index: %u is not 0-5", ap.c_str(), a.index);
    BERTH_TRY_ASSIGN(scmp_compare op, op_of(a.op, ap + ".op"));
    // MASKED_EQ is (arg & value) == valueTwo; the other operators have one operand.
    uint64_t two = op == SCMP_CMP_MASKED_EQ ? a.value_two.value_or(0) : 0;
    out.push_back(scmp_arg_cmp{a.index, op, a.value, two});
  }
  return out;
}

// libseccomp refuses two comparisons of the same argument in one rule (EINVAL). runc's
// rule, kept for compatibility: if any index repeats, each comparison becomes a rule of
// its own, so the entry matches when ANY of them holds (OR); otherwise all comparisons
// go in one rule and must ALL hold (AND). E.g. args [A0 > 1, A0 < 5] means "A0 > 1 or
// A0 < 5", not a range.
bool repeats_index(const std::vector<scmp_arg_cmp>& c) {
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::size_t j = i + 1; j < c.size(); ++j)
      if (c[i].arg == c[j].arg) return true;
  return false;
}

Result<void> add_entry(scmp_filter_ctx ctx, const oci::SeccompSyscall& s, std::size_t i,
                       uint32_t default_action, bool& notify) {
  std::string p = "linux.seccomp.syscalls[" + std::to_string(i) + "]";
  BERTH_TRY_ASSIGN(uint32_t act, action_of(s.action, s.errno_ret, p + ".action", p + ".errnoRet"));
  BERTH_TRY_ASSIGN(std::vector<scmp_arg_cmp> cmps, conditions(s, p));
  if (s.names.empty())
    return BERTH_ERR(EINVAL, "%s.names: must contain at least one entry", p.c_str());
  // A rule with the default action changes nothing; libseccomp rejects it (EACCES).
  if (act == default_action) return {};
  notify = notify || act == SCMP_ACT_NOTIFY;
  bool split = repeats_index(cmps);
  for (std::size_t j = 0; j < s.names.size(); ++j) {
    std::string np = p + ".names[" + std::to_string(j) + "]";
    int nr = seccomp_syscall_resolve_name(s.names[j].c_str());
    if (nr == __NR_SCMP_ERROR) {
      // Profiles list syscalls of newer kernels/libseccomps; runc skips them too.
      BERTH_WARN("%s: unknown syscall %s, skipped", np.c_str(), q(s.names[j]).c_str());
      continue;
    }
    if (!ctx) continue;  // the program came from the cache: checking only
    auto add = [&](unsigned n, const scmp_arg_cmp* c) -> Result<void> {
      int rc = seccomp_rule_add_array(ctx, act, nr, n, c);
      if (rc < 0) {
        errno = -rc;
        return BERTH_SYS("%s: adding rule for %s", np.c_str(), q(s.names[j]).c_str());
      }
      return {};
    };
    if (!split) {
      BERTH_TRY(add(static_cast<unsigned>(cmps.size()), cmps.data()));
    } else {
      for (const auto& c : cmps) BERTH_TRY(add(1, &c));
    }
  }
  return {};
}

Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("berth-seccomp", MFD_CLOEXEC));
  if (!fd) return BERTH_SYS("linux.seccomp: memfd_create");
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) {
    errno = -rc;
    return BERTH_SYS("linux.seccomp: seccomp_export_bpf");
  }
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0)
    return BERTH_ERR(EIO, "linux.seccomp: exported program has a bad size %lld",
                     static_cast<long long>(size));
  std::vector<sock_filter> prog(static_cast<std::size_t>(size) / sizeof(sock_filter));
  if (::pread(fd.get(), prog.data(), static_cast<std::size_t>(size), 0) != size)
    return BERTH_SYS("linux.seccomp: read exported program");
  // seccomp(2) rejects programs over BPF_MAXINSNS; say so here, before anything exists.
  if (prog.size() > BPF_MAXINSNS)
    return BERTH_ERR(E2BIG, "linux.seccomp: the filter has %zu instructions (kernel limit %d)",
                     prog.size(), BPF_MAXINSNS);
  return prog;
}

}  // namespace

uint32_t arch_token(const std::string& name) {
  if (!name.starts_with("SCMP_ARCH_")) return 0;
  std::string low = name.substr(10);
  for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return seccomp_arch_resolve_name(low.c_str());
}

Result<SeccompPlan> compile_seccomp(const oci::Seccomp& sc, const std::string& cache_dir) {
  SeccompPlan plan;
  BERTH_TRY_ASSIGN(uint32_t def,
                   action_of(sc.default_action, sc.default_errno_ret, "linux.seccomp.defaultAction",
                             "linux.seccomp.defaultErrnoRet"));
  plan.notify = def == SCMP_ACT_NOTIFY;
  // With a cached program every check below still runs (same errors, same warnings);
  // only libseccomp's rule building and export are skipped (seccomp_cache.h).
  std::string key;
  std::optional<std::vector<sock_filter>> cached;
  if (!cache_dir.empty()) {
    key = seccomp_cache_key(sc);
    cached = seccomp_cache_lookup(cache_dir, key);
  }
  Filter ctx;
  if (!cached) {
    ctx.reset(seccomp_init(def));
    if (!ctx) return BERTH_ERR(EINVAL, "linux.seccomp: seccomp_init failed");
    // Real errnos from libseccomp instead of its -ECANCELED catch-all.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_API_SYSRAWRC, 1);
  }

  // The native architecture is always in the filter (seccomp_init adds it); the list adds
  // the others whose syscalls are allowed to be made, e.g. x86 and x32 on x86_64.
  for (std::size_t i = 0; i < sc.architectures.size(); ++i) {
    const std::string& a = sc.architectures[i];
    std::string f = "linux.seccomp.architectures[" + std::to_string(i) + "]";
    uint32_t tok = arch_token(a);
    if (tok == 0)
      return BERTH_ERR(EINVAL, "%s: architecture %s is not supported by libseccomp %u.%u.%u",
                       f.c_str(), q(a).c_str(), seccomp_version()->major, seccomp_version()->minor,
                       seccomp_version()->micro);
    if (!ctx) continue;
    int rc = seccomp_arch_add(ctx.get(), tok);
    if (rc < 0 && rc != -EEXIST) {
      errno = -rc;
      return BERTH_SYS("%s: adding %s", f.c_str(), q(a).c_str());
    }
  }

  for (std::size_t i = 0; i < sc.syscalls.size(); ++i)
    BERTH_TRY(add_entry(ctx.get(), sc.syscalls[i], i, def, plan.notify));

  BERTH_TRY_ASSIGN(plan.flags, seccomp_flags_of(sc.flags, plan.notify));
  if (plan.notify && !sc.listener_path)
    return BERTH_ERR(EINVAL, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used");
  // config-linux.md: listenerMetadata "MUST NOT be set if listenerPath is not set".
  if (sc.listener_metadata && !sc.listener_path)
    return BERTH_ERR(EINVAL,
                     "linux.seccomp.listenerMetadata: must not be set without listenerPath");
  if (plan.notify) {
    plan.listener_path = *sc.listener_path;
    plan.listener_metadata = sc.listener_metadata;
  }
  if (cached) {
    plan.program = std::move(*cached);
    return plan;
  }
  BERTH_TRY_ASSIGN(plan.program, export_bpf(ctx.get()));
  BERTH_TRY(add_enosys_stub(plan.program, sc, def));
  if (!cache_dir.empty()) seccomp_cache_store(cache_dir, key, plan.program);
  return plan;
}

Result<std::optional<SeccompPlan>> build_seccomp(const oci::Spec& spec,
                                                 const std::string& cache_dir) {
  if (!spec.linux || !spec.linux->seccomp) return std::optional<SeccompPlan>{};
  BERTH_TRY_ASSIGN(SeccompPlan p, compile_seccomp(*spec.linux->seccomp, cache_dir));
  return std::optional<SeccompPlan>(std::move(p));
}

}  // namespace berth::security
