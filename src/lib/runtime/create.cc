// `create` and the shared half of `run`: plan, state dir, clone, handshake, record.
#include <fcntl.h>
#include <limits.h>
#include <oci/json.h>
#include <pwd.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "cgroups/manager.h"
#include "console/console.h"
#include "hooks/hooks.h"
#include "netlink/netlink.h"
#include "runtime/common.h"
#include "runtime/create.h"
#include "security/seccomp_listener.h"
#include "state/id.h"
#include "state/status.h"

namespace berth::runtime {
namespace {

Result<std::string> absolute(const std::string& p, const char* what) {
  char buf[PATH_MAX];
  if (!::realpath(p.c_str(), buf)) return BERTH_SYS("%s %s", what, p.c_str());
  return std::string(buf);
}

std::string owner_name() {
  struct passwd* pw = ::getpwuid(::geteuid());
  return pw ? pw->pw_name : "";
}

// runc passes systemd socket-activation fds through: LISTEN_FDS=n means fds 3..3+n-1 are
// for the container, which then sees LISTEN_PID=1 (it is pid 1 in its namespace).
int listen_fds(std::vector<std::string>& env) {
  const char* v = ::getenv("LISTEN_FDS");
  if (!v || !*v) return 0;
  int n = std::atoi(v);
  if (n <= 0) return 0;
  env.push_back("LISTEN_FDS=" + std::to_string(n));
  env.push_back("LISTEN_PID=1");
  return n;
}

// Moves linux.netDevices into the container's network namespace (config-linux.md
// "Network Devices"); the runtime must do it from the host namespace.
Result<void> move_net_devices(const config::InitPlan& plan, pid_t pid) {
  if (!plan.has_net_devices) return {};
  UniqueFd own;
  int nsfd;
  if (const ns::Join* j = plan.ns.joined(CLONE_NEWNET)) {
    nsfd = j->fd.get();
  } else {
    own.reset(::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    if (!own) return BERTH_SYS("open network namespace of init");
    nsfd = own.get();
  }
  for (const auto& [host, dev] : plan.spec.linux->net_devices) {
    if (auto r = netlink::move_link(host, dev.name.value_or(""), nsfd); !r)
      return fail(r.error().wrap("linux.netDevices[\"" + host + "\"]"));
  }
  return {};
}

int pid_in_container(pid_t pid) {
  auto status = read_file("/proc/" + std::to_string(pid) + "/status");
  if (!status) return pid;
  auto at = status->find("\nNSpid:");
  if (at == std::string::npos) return pid;
  auto end = status->find('\n', at + 1);
  std::string line = status->substr(at + 7, end - at - 7);
  auto last = line.find_last_of(" \t");
  int v = std::atoi(line.c_str() + (last == std::string::npos ? 0 : last + 1));
  return v > 0 ? v : pid;
}

}  // namespace

Result<Created> create_container(const Global& g, const CreateOptions& o, process::StartMode mode,
                                 bool foreground) {
  BERTH_TRY(state::validate_id(o.id));
  BERTH_TRY_ASSIGN(std::string bundle, absolute(o.bundle, "bundle"));
  // The cache lives in the state root under a name no container id can take ('@').
  config::Options copts{bundle, o.no_pivot, o.no_new_keyring, o.preserve_fds, {},
                        g.root + "/@seccomp-cache"};
  BERTH_TRY_ASSIGN(config::InitPlan plan, config::build_init_plan(copts));
  int extra = o.preserve_fds + listen_fds(plan.env);

  // runc's check and message: a detached terminal needs somewhere to send the master.
  if (plan.terminal && o.console_socket.empty() && !foreground)
    return BERTH_ERR(EINVAL, "cannot allocate tty if berth will detach without setting console socket");
  if (!plan.terminal && !o.console_socket.empty())
    return BERTH_ERR(EINVAL, "cannot use console socket if berth will not detach or allocate tty");

  BERTH_TRY_ASSIGN(cgroups::Mode cg_mode, cgroup_mode(g));
  BERTH_TRY_ASSIGN(std::string cg_path,
                   cgroups::resolve_path(plan.spec.linux->cgroups_path, o.id, cg_mode));

  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  state::Record rec;
  rec.id = o.id;
  rec.bundle = bundle;
  const std::string& root_path = plan.spec.root->path;
  rec.rootfs = root_path.starts_with("/") ? root_path : bundle + "/" + root_path;
  rec.created = state::rfc3339_nano_now();
  rec.owner = owner_name();
  rec.annotations = plan.spec.annotations;
  rec.console_socket = o.console_socket;
  rec.status = "creating";
  rec.cgroup_path = cg_path;
  BERTH_TRY(store.create(rec));

  // From here on every failure must remove what we made: the state dir, the cgroup and
  // the child (spawn_init kills it on its own errors).
  Created c{std::move(store), {}, {}, false, {}};
  cgroups::Manager cg(cg_mode, cg_path);
  auto cleanup = [&](Error e) -> Result<Created> {
    process::kill_and_reap(c.init);
    (void)cg.destroy();
    (void)c.store.remove(o.id);
    return fail(std::move(e));
  };
  // The cgroup exists, with its limits, before the container's first instruction.
  if (auto r = cg.create(plan.spec.linux->resources); !r) {
    (void)c.store.remove(o.id);
    return fail(r.error());
  }

  BERTH_TRY_ASSIGN(UniqueFd dir, c.store.open_dir(o.id));
  // A private copy of the config: later commands (poststop hooks at delete) must not
  // depend on the bundle still being there, or unchanged.
  rec.config_path = g.root + "/" + o.id + "/config.json";
  if (auto r = write_file_atomic(rec.config_path, oci::write_config(plan.spec, false), 0600); !r)
    return cleanup(r.error());

  UniqueFd fifo;
  if (mode == process::StartMode::kFifo) {
    if (::mkfifoat(dir.get(), state::Store::kExecFifo, 0622) < 0)
      return cleanup(Error::sys("mkfifo exec.fifo"));
    fifo.reset(::openat(dir.get(), state::Store::kExecFifo, O_PATH | O_CLOEXEC));
    if (!fifo) return cleanup(Error::sys("open exec.fifo"));
  }

  process::SpawnHooks hooks;
  hooks.on_namespaces = [&](pid_t pid) -> Result<std::string> {
    // v1 hierarchies have no CLONE_INTO_CGROUP: join them before the child goes on.
    BERTH_TRY(cg.add_pid(pid));
    BERTH_TRY(move_net_devices(plan, pid));
    state::Record r = rec;
    r.pid = pid;
    std::string js = state_json(r, "creating");
    if (plan.spec.hooks) {
      // config.md: prestart (deprecated) then createRuntime, both in the runtime namespace.
      BERTH_TRY(hooks::run_hooks(plan.spec.hooks->prestart, "prestart", js));
      BERTH_TRY(hooks::run_hooks(plan.spec.hooks->create_runtime, "createRuntime", js));
    }
    // Hooks run inside the container see the pid as the container sees it (runtime.md
    // "state": pid in the hook's pid namespace), i.e. the last NSpid of init.
    r.pid = pid_in_container(pid);
    return state_json(r, "creating");
  };
  hooks.on_seccomp_fd = [&](pid_t pid, UniqueFd nfd) -> Result<void> {
    // config-linux.md "The Container Process State": pid as the runtime sees it.
    state::Record r = rec;
    r.pid = pid;
    return security::forward_notify_fd(*plan.seccomp, pid, nfd.get(), state_json(r, "creating"));
  };
  auto spawned = process::spawn_init(plan, o.id, fifo.get(), mode, extra, cg.clone_into_fd(),
                                     hooks);
  if (!spawned) return cleanup(spawned.error());
  c.init = std::move(*spawned);

  if (c.init.console_master && !o.console_socket.empty()) {
    if (auto r = console::send_to_console_socket(o.console_socket, c.init.console_master.get()); !r)
      return cleanup(r.error());
    c.init.console_master.reset();
  }

  rec.pid = c.init.pid;
  rec.pid_start_time = state::process_start_time(c.init.pid);
  rec.status = "created";
  for (const auto& n : plan.spec.linux->namespaces)
    rec.namespace_paths.emplace_back(
        n.type, n.path.value_or("/proc/" + std::to_string(c.init.pid) + "/ns/" +
                                ns::proc_name(ns::flag_of(n.type))));
  if (auto r = c.store.save(rec); !r) return cleanup(r.error());
  if (!o.pid_file.empty())
    if (auto r = write_pid_file(o.pid_file, c.init.pid); !r) return cleanup(r.error());
  c.rec = std::move(rec);
  c.plan_terminal = plan.terminal;
  c.poststart = plan.spec.hooks ? plan.spec.hooks->poststart : std::vector<oci::Hook>{};
  return c;
}

Result<void> create(const Global& g, const CreateOptions& o) {
  BERTH_TRY_ASSIGN(Created c, create_container(g, o, process::StartMode::kFifo, false));
  // init keeps running, blocked on exec.fifo; the caller's subreaper adopts it when we exit.
  c.init.pid = -1;
  return {};
}

}  // namespace berth::runtime
