// `exec`: a new process in an existing container (runc's `exec`, what `podman exec`,
// `ctr task exec` and conmon's exec sessions call).
//
// The process is built like init, through the same plan and the same child steps
// (process/init.cc), with three differences: every namespace of the container is joined
// by path (so it lands in the container's pid namespace, as a child of berth), the
// child starts inside the container's cgroup (CLONE_INTO_CGROUP, then the v1
// hierarchies), and the root filesystem steps (mounts, pivot_root, masks) are skipped:
// joining the mount namespace puts the process at the container's root already. The
// security steps are the same as init's: inherited fds closed, non-dumpable until exec,
// capabilities, no_new_privs, the container's seccomp profile, LSM labels, and the exec
// through berth-exec (CVE-2019-5736, CVE-2016-9962, CVE-2024-21626).
#include <oci/json.h>
#include <sys/prctl.h>

#include "base/file.h"
#include "config/plan.h"
#include "console/fdpass.h"
#include "process/spawn.h"
#include "runtime/common.h"
#include "runtime/exec.h"
#include "runtime/foreground.h"
#include "security/seccomp_listener.h"
#include "state/store.h"

namespace berth::runtime {
namespace {

// --process: a process.json as config.md's "process" object. It is parsed (and
// validated) inside a minimal config so errors name the field, e.g. "process.args".
Result<oci::Process> read_process_file(const std::string& path, const std::string& version) {
  BERTH_TRY_ASSIGN(std::string text, read_file(path));
  std::string doc = "{\"ociVersion\":\"" + version + "\",\"root\":{\"path\":\"/\"},\"process\":" +
                    text + "}";
  auto spec = oci::parse_config(doc);
  if (!spec) return BERTH_ERR(EINVAL, "%s: %s", path.c_str(), spec.error().str().c_str());
  if (!spec->process) return BERTH_ERR(EINVAL, "%s: no process", path.c_str());
  return std::move(*spec->process);
}

// runc's --user "uid[:gid]".
Result<void> parse_user(const std::string& s, oci::User& u) {
  auto num = [&](std::string_view v, uint32_t& out) -> bool {
    if (v.empty()) return false;
    uint64_t n = 0;
    for (char c : v) {
      if (c < '0' || c > '9') return false;
      n = n * 10 + static_cast<uint64_t>(c - '0');
      if (n > 0xffffffffull) return false;
    }
    out = static_cast<uint32_t>(n);
    return true;
  };
  auto colon = s.find(':');
  if (!num(std::string_view(s).substr(0, colon), u.uid) ||
      (colon != std::string::npos && !num(std::string_view(s).substr(colon + 1), u.gid)))
    return BERTH_ERR(EINVAL, "--user: \"%s\" is not uid[:gid] (numeric)", s.c_str());
  return {};
}

// Flags over the container's process (runc's rules: --env adds or replaces one
// variable, --cap adds to every set but ambient).
Result<void> apply_flags(const ExecOptions& o, oci::Process& p) {
  if (!o.args.empty()) p.args = o.args;
  if (p.args.empty()) return BERTH_ERR(EINVAL, "exec: no command given");
  p.terminal = o.tty;
  if (!o.cwd.empty()) p.cwd = o.cwd;
  for (const auto& e : o.env) {
    auto eq = e.find('=');
    std::string key = e.substr(0, eq);
    bool replaced = false;
    for (auto& cur : p.env)
      if (cur.compare(0, key.size() + 1, key + "=") == 0) {
        cur = e;
        replaced = true;
      }
    if (!replaced) p.env.push_back(e);
  }
  if (!o.user.empty()) BERTH_TRY(parse_user(o.user, p.user));
  for (const auto& g : o.additional_gids) {
    oci::User tmp;
    BERTH_TRY(parse_user(g, tmp));
    p.user.additional_gids.push_back(tmp.uid);
  }
  if (!o.caps.empty()) {
    if (!p.capabilities) p.capabilities.emplace();
    auto add = [&](std::optional<std::vector<std::string>>& set) {
      if (!set) set.emplace();
      for (const auto& c : o.caps) set->push_back(c);
    };
    add(p.capabilities->bounding);
    add(p.capabilities->effective);
    add(p.capabilities->permitted);
    add(p.capabilities->inheritable);
  }
  if (o.no_new_privs) p.no_new_privileges = true;
  if (!o.apparmor.empty()) p.apparmor_profile = o.apparmor;
  if (!o.process_label.empty()) p.selinux_label = o.process_label;
  return {};
}

// The container's config, reduced to what a joining process needs: its namespaces by
// path, its seccomp profile and LSM labels; nothing that would set the container up again.
Result<oci::Spec> exec_spec(const Loaded& l, const ExecOptions& o) {
  auto loaded = oci::load_config(l.rec.config_path);
  if (!loaded) return BERTH_ERR(EINVAL, "%s", loaded.error().str().c_str());
  oci::Spec spec = std::move(*loaded);
  if (!o.process_file.empty()) {
    BERTH_TRY_ASSIGN(oci::Process p, read_process_file(o.process_file, spec.oci_version));
    // The file is the whole process, terminal included (containerd sends "terminal" there
    // with --console-socket, not -t); as with runc, the process flags do not apply.
    if (p.args.empty())
      return BERTH_ERR(EINVAL, "%s: process.args: must not be empty", o.process_file.c_str());
    spec.process = std::move(p);
  } else {
    if (!spec.process) return BERTH_ERR(EINVAL, "exec: the container has no process");
    BERTH_TRY(apply_flags(o, *spec.process));
  }
  spec.hooks.reset();
  spec.mounts.clear();
  spec.hostname.reset();
  spec.domainname.reset();
  if (spec.linux) {
    auto& lx = *spec.linux;
    for (auto& n : lx.namespaces)
      for (const auto& [type, path] : l.rec.namespace_paths)
        if (type == n.type) n.path = path;
    // Joined namespaces are configured already.
    lx.uid_mappings.clear();
    lx.gid_mappings.clear();
    lx.time_offsets.clear();
    lx.sysctl.clear();
    lx.masked_paths.clear();
    lx.readonly_paths.clear();
    lx.devices.clear();
    lx.net_devices.clear();
    lx.resources.reset();
  }
  return spec;
}

}  // namespace

Result<int> exec(const Global& g, const ExecOptions& o) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, o.id));
  if (l.status == "stopped") return BERTH_ERR(EINVAL, "cannot exec in a stopped container");
  if (l.status == "paused" && !o.ignore_paused)
    return BERTH_ERR(EINVAL, "cannot exec in a paused container (use --ignore-paused to override)");
  BERTH_TRY_ASSIGN(oci::Spec spec, exec_spec(l, o));

  config::Options copts{l.rec.bundle, false, false, o.preserve_fds, {},
                        g.root + "/@seccomp-cache", true};
  BERTH_TRY_ASSIGN(config::InitPlan plan, config::build_init_plan(std::move(spec), copts));
  if (plan.terminal && o.console_socket.empty() && o.detach)
    return BERTH_ERR(EINVAL, "cannot allocate tty if berth will detach without setting console socket");
  if (!plan.terminal && !o.console_socket.empty())
    return BERTH_ERR(EINVAL, "cannot use console socket if berth will not detach or allocate tty");

  cgroups::Manager cg = manager_for(l.rec);
  BERTH_TRY(cg.open_existing());

  const bool foreground = !o.detach;
  if (foreground) prctl(PR_SET_CHILD_SUBREAPER, 1);
  BlockedSignals sigs;
  process::SpawnHooks hooks;
  hooks.on_namespaces = [&](pid_t pid) -> Result<std::string> {
    BERTH_TRY(cg.add_pid(pid));
    return std::string();
  };
  hooks.on_seccomp_fd = [&](pid_t pid, UniqueFd nfd) -> Result<void> {
    return security::forward_notify_fd(*plan.seccomp, pid, nfd.get(), state_json(l));
  };
  BERTH_TRY_ASSIGN(process::Spawned s,
                   process::spawn_init(plan, o.id, -1, process::StartMode::kSocket,
                                       o.preserve_fds, cg.clone_into_fd(), hooks));
  auto abort_exec = [&](Error e) -> Result<int> {
    process::kill_and_reap(s);
    return fail(std::move(e));
  };
  if (s.console_master && !o.console_socket.empty()) {
    if (auto r = console::send_to_console_socket(o.console_socket, s.console_master.get()); !r)
      return abort_exec(r.error());
    s.console_master.reset();
  }
  if (auto r = process::release(s); !r) return abort_exec(r.error());
  if (!o.pid_file.empty())
    if (auto r = write_pid_file(o.pid_file, s.pid); !r) return abort_exec(r.error());
  if (!foreground) {
    s.pid = -1;  // detached: the caller's subreaper (or host init) adopts it
    return 0;
  }
  return wait_foreground(s, sigs);
}

}  // namespace berth::runtime
