// start, kill, delete, state, list (runtime.md "Operations").
#include <dirent.h>
#include <fcntl.h>
#include <oci/json.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "base/log.h"
#include "hooks/hooks.h"
#include "runtime/common.h"
#include "runtime/runtime.h"
#include "state/status.h"

namespace berth::runtime {
namespace {


// Every process in the container's pid namespace (kill --all without a cgroup to ask).
std::vector<int> pids_in_pidns_of(int init_pid) {
  std::vector<int> out;
  struct stat ref;
  if (::stat(("/proc/" + std::to_string(init_pid) + "/ns/pid").c_str(), &ref) < 0) return out;
  DIR* d = ::opendir("/proc");
  if (!d) return out;
  while (struct dirent* e = ::readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    struct stat st;
    if (::stat(("/proc/" + std::string(e->d_name) + "/ns/pid").c_str(), &st) == 0 &&
        st.st_ino == ref.st_ino && st.st_dev == ref.st_dev)
      out.push_back(pid);
  }
  ::closedir(d);
  return out;
}

}  // namespace

Result<void> start(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(state::Lock lock, store.lock(id));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status == "stopped") return BERTH_ERR(EINVAL, "cannot start a container that has stopped");
  if (l.status != "created")
    return BERTH_ERR(EINVAL, "cannot start an already running container");
  BERTH_TRY_ASSIGN(UniqueFd dir, store.open_dir(id));
  // Non-blocking open: if init died, a blocking open would wait forever for a writer.
  UniqueFd fifo(::openat(dir.get(), state::Store::kExecFifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fifo) return BERTH_SYS("open exec.fifo");
  // init writes one byte after its startContainer hooks and holds the write end until
  // exec (close-on-exec), so: the byte, then EOF. EOF with no byte means init died (a
  // startContainer hook failed or it was killed). Linux reports no POLLHUP on a fifo
  // whose writer has not opened yet, so polling before init's open is safe.
  bool got_byte = false, writer_gone = false;
  for (;;) {
    struct pollfd p = {fifo.get(), POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n < 0 && errno != EINTR) return BERTH_SYS("poll exec.fifo");
    if (n > 0 && (p.revents & (POLLIN | POLLHUP))) {
      char b;
      ssize_t r = ::read(fifo.get(), &b, 1);
      if (r == 1) {
        got_byte = true;
        continue;
      }
      if (r == 0 && got_byte) break;  // the exec closed the write end
      writer_gone = r == 0;
    }
    if (!state::process_alive(l.rec.pid, l.rec.pid_start_time)) {
      if (got_byte) break;  // exec'd and already exited
      if (writer_gone)
        return BERTH_ERR(ESRCH, "cannot start container: its init exited before the "
                                "process was executed (a startContainer hook failed?)");
      return BERTH_ERR(ESRCH, "cannot start a container that has stopped");
    }
    if (writer_gone) ::usleep(10000);  // EOF until init is reaped: do not spin
  }
  ::unlinkat(dir.get(), state::Store::kExecFifo, 0);
  l.rec.status = "running";
  BERTH_TRY(store.save(l.rec));
  auto spec = oci::load_config(l.rec.config_path);
  if (spec && spec->hooks) BERTH_TRY(run_poststart(l.rec, spec->hooks->poststart));
  return {};
}

Result<void> kill(const Global& g, const std::string& id, int sig, bool all) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status == "stopped") return BERTH_ERR(ESRCH, "container not running");
  if (all) {
    if (cgroups::Manager cg = manager_for(l.rec); cg.mode() != cgroups::Mode::kDisabled)
      return cg.signal_all(sig);
    bool own_pidns = false;
    for (const auto& [type, path] : l.rec.namespace_paths)
      if (type == "pid") own_pidns = true;
    if (own_pidns) {
      for (int pid : pids_in_pidns_of(l.rec.pid)) ::kill(pid, sig);
      return {};
    }
  }
  return signal_init(l.rec, sig);
}

Result<void> remove(const Global& g, const std::string& id, bool force) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  auto locked = store.lock(id);
  if (!locked) {
    // A directory without state.json (a create that crashed) is removed too, as runc does.
    if (locked.error().code() == ENOENT && force) {
      (void)store.remove(id);
      return {};
    }
    return fail(locked.error());
  }
  auto l = load(store, id);
  if (!l) {
    if (force) (void)store.remove(id);
    return fail(l.error());
  }
  // runtime.md "delete": deleting a container that is not stopped MUST fail and leave it
  // alone (runc 1.1 deletes a created one; the spec does not allow that).
  if (l->status != "stopped" && !force)
    return BERTH_ERR(EBUSY, "cannot delete container %s that is not stopped: %s", id.c_str(),
                     l->status.c_str());
  if (l->status != "stopped") {
    // --force kills a created or running init. Wait for it: the state dir must outlive
    // the process.
    (void)signal_init(l->rec, SIGKILL);
    if (!wait_gone(l->rec, 10000))
      return BERTH_ERR(EBUSY, "container %s: init did not exit after SIGKILL", id.c_str());
  }
  return destroy(store, l->rec);
}

Result<std::string> state(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  return state_json(l);
}

Result<std::vector<ListEntry>> list(const Global& g) {
  std::vector<ListEntry> out;
  struct stat st;
  if (::stat(g.root.c_str(), &st) < 0 && errno == ENOENT) return out;
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(auto ids, store.list());
  for (const auto& id : ids) {
    auto l = load(store, id);
    if (!l) continue;  // removed meanwhile
    out.push_back({id, l->status, l->rec.bundle, l->rec.rootfs, l->rec.created, l->rec.owner,
                   l->status == "stopped" ? 0 : l->rec.pid});
  }
  return out;
}

}  // namespace berth::runtime
