#include "process/spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/syscalls.h"
#include "process/sync.h"

namespace berth::process {
namespace {

// Joining a pid namespace by path only affects children (setns(2)), so the runtime itself
// switches pid_for_children around clone3 and restores it right after: the child lands in
// the target namespace, hooks forked later stay in ours.
class PidNsSwitch {
 public:
  Result<void> enter(const ns::Plan& plan) {
    const ns::Join* j = plan.joined(CLONE_NEWPID);
    if (!j) return {};
    saved_.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!saved_) return BERTH_SYS("open /proc/self/ns/pid");
    if (::setns(j->fd.get(), CLONE_NEWPID) < 0)
      return BERTH_SYS("linux.namespaces: setns pid %s", j->path.c_str());
    return {};
  }
  ~PidNsSwitch() {
    if (saved_) ::setns(saved_.get(), CLONE_NEWPID);
  }

 private:
  UniqueFd saved_;
};

}  // namespace

void kill_and_reap(Spawned& s) {
  if (s.pid <= 0) return;
  if (s.pidfd)
    sys::pidfd_send_signal(s.pidfd.get(), SIGKILL);
  else
    ::kill(s.pid, SIGKILL);
  while (::waitpid(s.pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  s.pid = -1;
}

Result<Spawned> spawn_init(const config::InitPlan& plan, const std::string& id, int fifo_fd,
                           StartMode mode, int extra_fds, int cgroup_fd,
                           const SpawnHooks& hooks) {
  UniqueFd psock, csock;
  BERTH_TRY(sync::make_pair(psock, csock));

  Spawned s;
  {
    PidNsSwitch pidns;
    BERTH_TRY(pidns.enter(plan.ns));
    int pidfd = -1;
    struct clone_args ca {};
    ca.flags = plan.ns.clone_flags | CLONE_PIDFD;
    ca.pidfd = reinterpret_cast<uint64_t>(&pidfd);
    ca.exit_signal = SIGCHLD;
    if (cgroup_fd >= 0) {
      ca.flags |= CLONE_INTO_CGROUP;
      ca.cgroup = static_cast<uint64_t>(cgroup_fd);
    }
    pid_t pid = sys::clone3(&ca);
    if (pid < 0) return BERTH_SYS("clone3");
    if (pid == 0) {
      psock.reset();
      ChildArgs args{&plan, csock.get(), fifo_fd, mode, id, extra_fds};
      child_main(args);
    }
    s.pid = pid;
    s.pidfd.reset(pidfd);
  }
  csock.reset();
  s.sock = std::move(psock);

  auto failed = [&](Error e) -> Result<Spawned> {
    kill_and_reap(s);
    return fail(std::move(e));
  };

  if (auto r = sync::expect(s.sock.get(), sync::Msg::kNsReady); !r) return failed(r.error());
  std::string state_json;
  if (hooks.on_namespaces) {
    auto r = hooks.on_namespaces(s.pid);
    if (!r) return failed(r.error());
    state_json = std::move(*r);
  }
  bool need_state = plan.spec.hooks && (!plan.spec.hooks->create_container.empty() ||
                                        !plan.spec.hooks->start_container.empty());
  int blob = need_state ? static_cast<int>(state_json.size()) : 0;
  if (auto r = sync::send(s.sock.get(), sync::Msg::kGo, {}, -1, blob); !r)
    return failed(r.error());
  if (blob > 0)
    if (auto r = sync::send_blob(s.sock.get(), state_json); !r) return failed(r.error());
  if (plan.terminal)
    if (auto r = sync::expect(s.sock.get(), sync::Msg::kConsole, &s.console_master); !r)
      return failed(r.error());
  if (plan.seccomp && plan.seccomp->notify) {
    UniqueFd nfd;
    if (auto r = sync::expect(s.sock.get(), sync::Msg::kSeccomp, &nfd); !r) return failed(r.error());
    if (hooks.on_seccomp_fd)
      if (auto r = hooks.on_seccomp_fd(s.pid, std::move(nfd)); !r) return failed(r.error());
  }
  if (auto r = sync::expect(s.sock.get(), sync::Msg::kReady); !r) return failed(r.error());
  return s;
}

Result<void> release(Spawned& s) {
  BERTH_TRY(sync::send(s.sock.get(), sync::Msg::kGo));
  // The socket is close-on-exec in the child: EOF means execve() succeeded; a frame means
  // it failed (or a startContainer hook did).
  sync::Frame f;
  auto r = sync::recv(s.sock.get(), f);
  if (r) {
    if (f.type == sync::Msg::kError) return BERTH_ERR(f.code, "%s", f.payload);
    return BERTH_ERR(EPROTO, "sync: unexpected message after start");
  }
  if (r.error().code() == EPIPE) return {};
  return fail(r.error());
}

}  // namespace berth::process
