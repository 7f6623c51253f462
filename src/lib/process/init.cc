// Container init: what runs inside the new namespaces between clone3() and execve().
//
// The steps run in a fixed order; each is a no-op when the spec does not ask for it. The
// order is the product of kernel rules, commented at each step. Everything here is plain
// syscalls over the plan the parent resolved (config/plan.h).
#include "process/init.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "attrs/apply.h"
#include "base/syscalls.h"
#include "base/unprotect.h"
#include "console/console.h"
#include "hooks/hooks.h"
#include "netlink/netlink.h"
#include "process/sealed_exec.h"
#include "process/sync.h"
#include "rootfs/setup.h"
#include "security/capabilities.h"
#include "security/identity.h"
#include "security/lsm.h"
#include "security/seccomp.h"

namespace berth::process {
namespace {

struct Ctx {
  const ChildArgs& a;
  const config::InitPlan& p;
  std::string state_json;    // for createContainer/startContainer hooks
  std::vector<std::string> env;
  std::string exec_path;     // args[0] resolved inside the container
  int stub_fd = -1;          // sealed berth-exec memfd (sealed_exec.h), or -1 unprotected
  attrs::Root procfs;        // private procfs for sysctl/oom/LSM writes (CVE-2025-52881)
  security::LsmFds lsm;      // exec-label files, opened privileged, written at the end
  int start_fd = -1;         // exec.fifo write end while `berth start` waits (create mode)
};

using Step = Result<void> (*)(Ctx&);

// The parent blocked signals to forward them; the container process must start with a
// clean mask and default dispositions, whatever berth itself was handed.
Result<void> reset_signals(Ctx&) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int s = 1; s < NSIG; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    signal(s, SIG_DFL);
  }
  // If the runtime dies during setup, init must not linger half-configured.
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) return BERTH_SYS("prctl(PR_SET_PDEATHSIG)");
  // Not dumpable while host resources are still reachable: other processes in the
  // container's pid namespace cannot ptrace us or open /proc/1/fd (CVE-2016-9962), nor
  // /proc/1/exe, the host berth binary (CVE-2019-5736). The CLI already cleared the flag
  // (cli/main.cc); this holds for any other caller of spawn_init.
  if (!unprotected("dumpable")) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  return {};
}

// The child starts with a copy of every fd of the runtime: state-dir locks, the log file,
// the caller's descriptors. Keep only what the remaining steps need (the sync socket, the
// exec.fifo handle, namespace fds) and the fds the container is meant to get; closing a
// copied lock fd here also matters for correctness, since flock() locks live as long as
// any copy of the open file description does.
Result<void> close_inherited(Ctx& c) {
  if (unprotected("fds")) return {};
  std::vector<unsigned> keep = {static_cast<unsigned>(c.a.sock)};
  if (c.a.fifo_fd >= 0) keep.push_back(static_cast<unsigned>(c.a.fifo_fd));
  for (const auto& j : c.p.ns.join) keep.push_back(static_cast<unsigned>(j.fd.get()));
  std::sort(keep.begin(), keep.end());
  unsigned next = 3u + static_cast<unsigned>(c.a.extra_fds);
  for (unsigned k : keep) {
    if (k < next) continue;
    if (k > next) sys::close_range(next, k - 1, 0);
    next = k + 1;
  }
  sys::close_range(next, ~0u, 0);
  return {};
}

// setns() for joined namespaces must precede everything that depends on them. The
// created ones already exist (clone3 flags).
Result<void> join_namespaces(Ctx& c) { return ns::join_all(c.p.ns); }

// Offsets must be written before any process enters the time namespace.
Result<void> time_namespace(Ctx& c) { return ns::setup_time(c.p.ns); }

// Tell the parent our namespaces exist, then wait while it moves network devices in and
// runs prestart/createRuntime hooks (runtime.md lifecycle steps 5-6).
Result<void> handshake(Ctx& c) {
  BERTH_TRY(sync::send(c.a.sock, sync::Msg::kNsReady));
  sync::Frame f;
  BERTH_TRY(sync::recv(c.a.sock, f));
  if (f.type != sync::Msg::kGo) return BERTH_ERR(EPROTO, "sync: expected go");
  if (f.code > 0) {
    BERTH_TRY_ASSIGN(c.state_json, sync::recv_blob(c.a.sock, static_cast<std::size_t>(f.code)));
  }
  return {};
}

// After the handshake the parent has put us in our cgroup on every hierarchy; a cgroup
// namespace made now is rooted there (config-linux.md "cgroup namespace").
Result<void> cgroup_namespace(Ctx& c) {
  if (c.p.ns.new_cgroup && ::unshare(CLONE_NEWCGROUP) < 0)
    return BERTH_SYS("linux.namespaces: unshare cgroup namespace");
  return {};
}

Result<void> session_keyring(Ctx& c) {
  if (c.p.options.no_new_keyring) return {};
  // A fresh session keyring keeps the host's keys out of the container. Kernels without
  // keyrings (ENOSYS) or with restricted keyctl (EPERM/EACCES) are tolerated, as in runc.
  std::string name = "_ses." + c.a.id;
  if (::syscall(SYS_keyctl, 1 /*KEYCTL_JOIN_SESSION_KEYRING*/, name.c_str()) < 0 &&
      errno != ENOSYS && errno != EPERM && errno != EACCES)
    return BERTH_SYS("join session keyring");
  return {};
}

Result<void> uts(Ctx& c) { return attrs::apply_uts(c.p.attrs); }

Result<void> loopback(Ctx& c) {
  if (!c.p.ns.new_net) return {};
  if (auto r = netlink::loopback_up(); !r) return fail(r.error().wrap("network namespace: lo"));
  return {};
}

// `exec` joined the container's mount namespace, whose root is the container's already.
Result<void> mounts(Ctx& c) {
  if (c.p.options.exec) return {};
  return rootfs::prepare(c.p.rootfs);
}

// config.md: createContainer hooks run in the container namespace, after the mount
// namespace is set up and before pivot_root, with host paths.
Result<void> create_container_hooks(Ctx& c) {
  if (!c.p.spec.hooks || c.p.spec.hooks->create_container.empty()) return {};
  return hooks::run_hooks(c.p.spec.hooks->create_container, "createContainer", c.state_json);
}

Result<void> pivot(Ctx& c) {
  if (c.p.options.exec) return {};
  return rootfs::pivot(c.p.rootfs);
}

// Every procfs write of init (sysctl, oom_score_adj, LSM exec labels) goes through one
// private procfs instance rather than the container's /proc, which the bundle's mounts
// can cover (CVE-2025-52881; attrs/procfs.h). Made after pivot_root so it belongs to the
// container's namespaces, and while we still hold CAP_SYS_ADMIN.
Result<void> private_procfs(Ctx& c) {
  const auto& a = c.p.attrs;
  if (a.sysctl.empty() && !a.oom_score_adj && c.p.lsm.apparmor_profile.empty() &&
      c.p.lsm.selinux_label.empty())
    return {};
  BERTH_TRY_ASSIGN(c.procfs, attrs::open_root());
  return {};
}

const attrs::Root* procfs(const Ctx& c) { return c.procfs.fd ? &c.procfs : nullptr; }

// Before readonlyPaths, in case the fallback (the container's /proc) is used: /proc/sys
// is usually one of them.
Result<void> sysctl(Ctx& c) { return attrs::apply_sysctl(c.p.attrs, procfs(c)); }

Result<void> protect_paths(Ctx& c) {
  if (c.p.options.exec) return {};
  return rootfs::protect(c.p.rootfs);
}

// The pty is allocated inside the container, from its own devpts, after pivot_root, so the
// slave is a container device; the master goes to the parent (and on to --console-socket).
Result<void> console(Ctx& c) {
  if (!c.p.terminal) return {};
  BERTH_TRY_ASSIGN(UniqueFd master, console::open_pty_in_container(c.p.console_size));
  // The slave was created by root; the container user must own its terminal.
  for (int fd = 0; fd <= 2; ++fd)
    if (::fchown(fd, c.p.identity.uid, c.p.identity.gid) < 0)
      return BERTH_SYS("chown console to %u", c.p.identity.uid);
  return sync::send(c.a.sock, sync::Msg::kConsole, "", master.get());
}

// rlimits, oom_score_adj, scheduler, ioprio: before the uid switch and capability drop,
// which would take away the right to set some of them.
Result<void> process_attrs(Ctx& c) { return attrs::apply_process(c.p.attrs, procfs(c)); }

// The exec-label files are opened now, before the identity switch: the private procfs
// was made with privileges we are about to drop. The procfs handle is not needed after.
Result<void> lsm_open(Ctx& c) {
  if (c.procfs.fd) BERTH_TRY(security::open_lsm_attrs(c.p.lsm, c.procfs, c.lsm));
  c.procfs.fd.reset();
  return {};
}

// Last before reporting ready: the labels take effect at the next execve (ours, and the
// startContainer hooks' children, which run "in the container"), never for berth's own
// setup; writing them now, not after `start`, makes a bad profile a `create` error.
Result<void> lsm_labels(Ctx& c) { return security::apply_lsm(c.p.lsm, c.lsm); }

// The cwd must exist: config.md "cwd". chdir before dropping privileges would let a cwd
// the user cannot enter pass, so it happens after the identity switch below; here we only
// check the path does not escape (it is resolved inside the new root already).
Result<void> identity(Ctx& c) {
  BERTH_TRY(security::apply_identity(c.p.identity, c.p.caps));
  return {};
}

Result<void> workdir(Ctx& c) {
  if (::chdir(c.p.cwd.c_str()) < 0) return BERTH_SYS("process.cwd: %s", c.p.cwd.c_str());
  // CVE-2024-21626: a cwd such as /proc/self/fd/N follows an fd (a preserved one, or one
  // that leaked) to a directory outside the container's root. The kernel's getcwd(2)
  // reports such a directory as "(unreachable)/..." (glibc's wrapper hides it as ENOENT),
  // so the raw syscall tells whether the cwd is reachable from the container's "/".
  char buf[PATH_MAX];
  long n = ::syscall(SYS_getcwd, buf, sizeof buf);
  const bool outside = (n < 0 && errno != ENAMETOOLONG) || (n > 0 && buf[0] != '/');
  if (outside && !unprotected("cwd"))
    return BERTH_ERR(EPERM, "process.cwd: %s is outside the container's root filesystem",
                     c.p.cwd.c_str());
  return {};
}

Result<void> environment(Ctx& c) {
  c.env = c.p.env;
  return security::set_home_env(c.env, c.p.identity.uid);
}

// PATH lookup in the container, with the container's PATH, as execvp would; done before
// reporting ready so `create` fails on a missing binary (as runc does), not `start`.
Result<void> resolve_exec(Ctx& c) {
  const std::string& arg0 = c.p.args[0];
  auto usable = [](const std::string& p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
  };
  if (arg0.find('/') != std::string::npos) {
    if (!usable(arg0)) return BERTH_SYS("exec: \"%s\"", arg0.c_str());
    c.exec_path = arg0;
    return {};
  }
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const auto& e : c.env)
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find(':', pos);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(pos, end - pos);
    std::string cand = (dir.empty() ? "." : dir) + "/" + arg0;
    if (usable(cand)) {
      c.exec_path = cand;
      return {};
    }
    pos = end + 1;
  }
  return BERTH_ERR(ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0.c_str());
}

// no_new_privs last among the privilege steps: it does not need privileges, and seccomp
// (next issue) relies on it being set when the filter is loaded unprivileged.
Result<void> no_new_privs(Ctx& c) {
  if (!c.p.no_new_privs) return {};
  return security::set_no_new_privs();
}

// Only fds 0-2 and the preserved ones reach the container (CVE-2024-21626): everything
// from 3 + extra_fds up is marked close-on-exec; the preserved ones lose the flag.
Result<void> close_fds(Ctx& c) {
  if (unprotected("fds")) return {};
  unsigned first = 3u + static_cast<unsigned>(c.a.extra_fds);
  if (sys::close_range(first, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
    for (int fd = static_cast<int>(first); fd < 1024; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  for (int fd = 3; fd < static_cast<int>(first); ++fd) {
    int fl = ::fcntl(fd, F_GETFD);
    if (fl >= 0) ::fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
  }
  return {};
}

// linux.seccomp: the filter the parent compiled. Where it is loaded depends on how:
//  - with process.noNewPrivileges, seccomp(2) needs no privilege, so it is loaded as late
//    as possible (after the capability drop and no_new_privs, just before `ready`): the
//    filter then restricts as few of the runtime's own syscalls as possible, and a notify
//    fd still reaches the parent before `create` returns;
//  - without it, loading needs CAP_SYS_ADMIN, so it must precede the identity/capability
//    step (runc's order too). The profile must then allow what the remaining steps do:
//    setgroups, setresgid, setresuid, capget/capset, prctl, chdir, stat/newfstatat,
//    access/faccessat2, close_range/fcntl, sendmsg/recvmsg, openat/write/close (exec.fifo),
//    fork/wait4 for startContainer hooks, and execve.
// The notify fd goes to the parent at once (it forwards it to listenerPath): a syscall the
// profile sends to the agent blocks until the agent has the fd.
Result<void> load_seccomp(Ctx& c) {
  BERTH_TRY_ASSIGN(UniqueFd nfd, security::load_seccomp(*c.p.seccomp));
  if (!nfd) return {};
  return sync::send(c.a.sock, sync::Msg::kSeccomp, "", nfd.get());
}

Result<void> seccomp_privileged(Ctx& c) {
  if (!c.p.seccomp || c.p.no_new_privs) return {};
  return load_seccomp(c);
}

Result<void> seccomp_unprivileged(Ctx& c) {
  if (!c.p.seccomp || !c.p.no_new_privs) return {};
  return load_seccomp(c);
}

// CVE-2019-5736: the final exec goes through berth-exec in a sealed memfd, so an exec that
// resolves /proc/self/exe on the way (a "#!/proc/self/exe" script, such an ELF interpreter,
// args[0] = /proc/self/exe) finds that stub, never the host binary init still runs. Made
// after close_fds: the memfd is close-on-exec and above the preserved fds. A seccomp
// filter loaded after this step must allow execveat(2) (AT_EMPTY_PATH on the memfd) as well as execve(2).
Result<void> make_exec_stub(Ctx& c) {
  if (unprotected("exe")) return {};
  c.stub_fd = open_stub(3 + c.a.extra_fds);
  if (c.stub_fd < 0) return BERTH_SYS("exec: sealed memfd for berth-exec");
  return {};
}

Result<void> ready(Ctx& c) {
  // From here the parent may exit on purpose (`create`), which must not kill us.
  prctl(PR_SET_PDEATHSIG, 0);
  return sync::send(c.a.sock, sync::Msg::kReady);
}

// runtime.md "start": the user process runs only when `start` is invoked.
Result<void> wait_start(Ctx& c) {
  if (c.a.mode == StartMode::kSocket) {
    sync::Frame f;
    BERTH_TRY(sync::recv(c.a.sock, f));
    if (f.type != sync::Msg::kGo) return BERTH_ERR(EPROTO, "sync: expected start");
    return {};
  }
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/fd/%d", c.a.fifo_fd);
  // Blocks until `berth start` opens the fifo for reading. Close-on-exec: `start` sees
  // EOF once the container process is exec'd.
  c.start_fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (c.start_fd < 0) return BERTH_SYS("open exec.fifo");
  return {};
}

// Tells `berth start` the startContainer hooks are done; it then waits for EOF (the exec)
// before it runs poststart hooks, so those follow the user process's start (config.md
// "Lifecycle" steps 7-9) instead of racing the startContainer hooks.
Result<void> signal_started(Ctx& c) {
  if (c.start_fd < 0) return {};
  if (::write(c.start_fd, "0", 1) != 1) return BERTH_SYS("write exec.fifo");
  return {};
}

// config.md: startContainer hooks run after start, in the container namespace, before the
// user process; their path resolves in the container.
Result<void> start_container_hooks(Ctx& c) {
  if (!c.p.spec.hooks || c.p.spec.hooks->start_container.empty()) return {};
  // The parent wrote the state while creating; by now the container is "created"
  // (runtime.md lifecycle step 7). The text comes from state::oci_state_json.
  std::string js = c.state_json;
  if (auto at = js.find("\"status\": \"creating\""); at != std::string::npos)
    js.replace(at, 20, "\"status\": \"created\"");
  return hooks::run_hooks(c.p.spec.hooks->start_container, "startContainer", js);
}

struct NamedStep {
  const char* name;
  Step fn;
};

constexpr NamedStep kSteps[] = {
    {"reset signals", reset_signals},
    {"close inherited fds", close_inherited},
    {"join namespaces", join_namespaces},
    {"time namespace", time_namespace},
    {"handshake", handshake},
    {"cgroup namespace", cgroup_namespace},
    {"session keyring", session_keyring},
    {"hostname", uts},
    {"loopback", loopback},
    {"mounts", mounts},
    {"createContainer hooks", create_container_hooks},
    {"pivot_root", pivot},
    {"private procfs", private_procfs},
    {"sysctl", sysctl},
    {"masked and read-only paths", protect_paths},
    {"console", console},
    {"process attributes", process_attrs},
    {"environment", environment},
    {"LSM attr files", lsm_open},
    {"seccomp (without noNewPrivileges)", seccomp_privileged},
    {"identity", identity},
    {"cwd", workdir},
    {"resolve executable", resolve_exec},
    {"no_new_privs", no_new_privs},
    {"close fds", close_fds},
    {"exec stub", make_exec_stub},
    {"LSM exec labels", lsm_labels},
    {"seccomp (with noNewPrivileges)", seccomp_unprivileged},
    {"ready", ready},
    {"wait for start", wait_start},
    {"startContainer hooks", start_container_hooks},
    {"signal start", signal_started},
};

}  // namespace

void child_main(const ChildArgs& a) {
  Ctx c{a, *a.plan, {}, {}, {}, -1, {}, {}, -1};
  for (const auto& s : kSteps) {
    if (auto r = s.fn(c); !r) {
      sync::send_error(a.sock, r.error());
      _exit(1);
    }
  }
  std::vector<char*> argv, envp;
  for (const auto& s : c.p.args) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  for (const auto& s : c.env) envp.push_back(const_cast<char*>(s.c_str()));
  envp.push_back(nullptr);
  if (c.stub_fd >= 0) {
    // The stub reports a failed exec of the program on the sync socket itself; EOF (the
    // socket is close-on-exec in the stub) still means the program runs.
    StubArgv sargv(c.exec_path.c_str(), argv.data());
    exec_stub(c.stub_fd, sargv, envp.data(), StubReport::kSyncFrame, a.sock);
    sync::send_error(a.sock, Error::sys("exec %s through berth-exec", c.exec_path.c_str()));
    _exit(127);
  }
  ::execve(c.exec_path.c_str(), argv.data(), envp.data());
  // Only reachable if execve failed; in socket mode the parent still listens.
  sync::send_error(a.sock, Error::sys("exec %s", c.exec_path.c_str()));
  _exit(127);
}

}  // namespace berth::process
