#include "runtime/common.h"

#include <limits.h>
#include <oci/json.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "base/file.h"
#include "base/log.h"
#include "base/syscalls.h"
#include "hooks/hooks.h"
#include "state/status.h"

namespace berth::runtime {

Result<Loaded> load(state::Store& store, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Record rec, store.load(id));
  BERTH_TRY_ASSIGN(UniqueFd dir, store.open_dir(id));
  Loaded l{std::move(rec), {}};
  l.status = state::live_status(l.rec, dir.get());
  return l;
}

std::string state_json(const state::Record& r, const std::string& status) {
  return state::oci_state_json(r, status, status == "stopped" ? 0 : r.pid);
}

std::string state_json(const Loaded& l) { return state_json(l.rec, l.status); }

Result<void> signal_init(const state::Record& r, int sig) {
  if (r.pid <= 0) return BERTH_ERR(ESRCH, "container not running");
  UniqueFd pidfd(sys::pidfd_open(r.pid));
  if (!pidfd) return BERTH_ERR(ESRCH, "container not running");
  // The pidfd pins the process; checking the start time after opening it closes the
  // pid-reuse window between the check and the signal.
  if (!state::process_alive(r.pid, r.pid_start_time))
    return BERTH_ERR(ESRCH, "container not running");
  if (sys::pidfd_send_signal(pidfd.get(), sig) < 0) {
    if (errno == ESRCH) return BERTH_ERR(ESRCH, "no such process");
    return BERTH_SYS("kill container init");
  }
  return {};
}

bool wait_gone(const state::Record& r, int timeout_ms) {
  if (r.pid <= 0) return true;
  UniqueFd pidfd(sys::pidfd_open(r.pid));
  if (!pidfd) return true;
  if (!state::process_alive(r.pid, r.pid_start_time)) return true;
  // A pidfd polls readable when the process exits, whoever its parent is. Zombies of a
  // parent that does not reap count as gone for us (process_alive treats Z as dead).
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    struct pollfd p = {pidfd.get(), POLLIN, 0};
    if (::poll(&p, 1, 10) > 0) return true;
    if (!state::process_alive(r.pid, r.pid_start_time)) return true;
  }
  return false;
}

Result<cgroups::Mode> cgroup_mode(const Global& g) {
  if (g.systemd_cgroup)
    return BERTH_ERR(ENOTSUP, "--systemd-cgroup: berth drives cgroupfs directly; systemd is not supported");
  if (g.cgroup_manager == "disabled") return cgroups::Mode::kDisabled;
  if (g.cgroup_manager == "cgroupfs" || g.cgroup_manager.empty()) return cgroups::detect_mode();
  return BERTH_ERR(EINVAL, "--cgroup-manager: unknown manager \"%s\" (cgroupfs or disabled)",
                   g.cgroup_manager.c_str());
}

cgroups::Manager manager_for(const state::Record& r) {
  if (r.cgroup_path.empty()) return cgroups::Manager(cgroups::Mode::kDisabled, "");
  return cgroups::Manager(cgroups::detect_mode(), r.cgroup_path);
}

Result<void> destroy(state::Store& store, const state::Record& r, bool poststop) {
  // Without a pid namespace, processes can outlive init; the cgroup knows them all.
  cgroups::Manager cg = manager_for(r);
  if (cg.mode() != cgroups::Mode::kDisabled) {
    if (auto left = cg.pids(); left && !left->empty()) (void)cg.signal_all(SIGKILL);
    BERTH_TRY(cg.destroy());
  }
  if (poststop) run_poststop(r);
  return store.remove(r.id);
}

Result<void> run_poststart(const state::Record& r, const std::vector<oci::Hook>& hooks) {
  if (hooks.empty()) return {};
  // runtime.md step 9: a failing poststart hook is an error and the container is stopped.
  auto res = hooks::run_hooks(hooks, "poststart", state_json(r, "running"));
  if (!res) {
    (void)signal_init(r, SIGKILL);
    return res;
  }
  return {};
}

void run_poststop(const state::Record& r) {
  if (r.config_path.empty()) return;
  auto spec = oci::load_config(r.config_path);
  if (!spec || !spec->hooks || spec->hooks->poststop.empty()) return;
  auto res = hooks::run_hooks(spec->hooks->poststop, "poststop", state_json(r, "stopped"),
                             hooks::OnFailure::kWarn);
  if (!res) BERTH_WARN("%s", res.error().what());
}

Result<void> write_pid_file(const std::string& path, int pid) {
  std::string p = path;
  if (!p.starts_with("/")) {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) p = std::string(cwd) + "/" + p;
  }
  return write_file_atomic(p, std::to_string(pid), 0644);
}

}  // namespace berth::runtime
