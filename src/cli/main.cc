// berth: global flags (runc's), then a command. Exit code 1 on error, with the error on
// stderr and, as a log line, in --log (containerd reads the last error's msg from there).
#include <fcntl.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "base/log.h"
#include "base/unprotect.h"
#include "berth_config.h"
#include "cli/commands.h"

namespace berth::cli {
namespace {

const std::vector<FlagSpec>& global_flags() {
  static const std::vector<FlagSpec> f = {
      {"root", "", true, "root directory for storage of container state (default: /run/berth)"},
      {"log", "", true, "set the log file to write berth logs to (default is stderr)"},
      {"log-format", "", true, "set the log format ('text' (default), or 'json')"},
      {"debug", "", false, "enable debug logging"},
      {"systemd-cgroup", "", false, "enable systemd cgroup support"},
      {"rootless", "", true, "ignore cgroup permission errors ('true', 'false', or 'auto')"},
      {"criu", "", true, "path to the criu binary (accepted for compatibility)"},
      {"cgroup-manager", "", true, "cgroup manager: 'cgroupfs' (default) or 'disabled'"},
      {"help", "h", false, "show help"},
      {"version", "v", false, "print the version"},
  };
  return f;
}

void print_version() {
  const struct scmp_version* v = seccomp_version();
  std::printf("berth version %s\ncommit: %s\nspec: %s\nlibseccomp: %u.%u.%u\n", BERTH_VERSION,
              BERTH_COMMIT, BERTH_SPEC_VERSION, v->major, v->minor, v->micro);
  if (berth::kUnprotectBuild)
    std::printf("build: TEST-ONLY, protections can be switched off (BERTH_UNPROTECT)\n");
}

void print_help() {
  std::printf(
      "NAME:\n   berth - Open Container Initiative runtime\n\n"
      "USAGE:\n   berth [global options] command [command options] [arguments...]\n\n"
      "COMMANDS:\n");
  for (const auto& c : commands()) std::printf("   %-10s %s\n", c.name, c.summary);
  std::printf("\nGLOBAL OPTIONS:\n%s", flags_help(global_flags()).c_str());
}

void print_command_help(const Command& c) {
  std::printf("NAME:\n   berth %s - %s\n\nUSAGE:\n   berth %s [command options] %s\n", c.name,
              c.summary, c.name, c.usage);
  if (!c.flags.empty()) std::printf("\nOPTIONS:\n%s", flags_help(c.flags).c_str());
}

// --preserve-fds N hands fds 3..3+N-1 of the caller to the container (and LISTEN_FDS
// likewise). If the caller has fewer open, the first descriptors berth opens itself (the
// log, the state dir, sockets, the cgroup) would take the missing numbers and be passed
// on: a host handle in the container (CVE-2024-21626 class). So before anything is opened,
// every missing number in 0..3+N-1 is filled with /dev/null. argv is scanned by hand
// because the flag parser runs after --log is opened.
long wanted_fds(int argc, char** argv) {
  long n = 0;
  auto take = [&](const char* v) {
    char* end = nullptr;
    long x = std::strtol(v, &end, 10);
    if (end != v && *end == 0 && x > n) n = x;
  };
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (std::strncmp(a, "--", 2) == 0) ++a;
    if (std::strcmp(a, "-preserve-fds") == 0 && i + 1 < argc) take(argv[i + 1]);
    if (std::strncmp(a, "-preserve-fds=", 14) == 0) take(a + 14);
  }
  if (const char* l = std::getenv("LISTEN_FDS")) {
    long listen = 0;
    char* end = nullptr;
    listen = std::strtol(l, &end, 10);
    if (end != l && listen > 0) n += listen;
  }
  return n;
}

void reserve_fds(int argc, char** argv) {
  long last = 3 + wanted_fds(argc, argv);
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && static_cast<rlim_t>(last) > rl.rlim_cur)
    last = static_cast<long>(rl.rlim_cur);
  for (int fd = 0; fd < last; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    // Every lower number is open, so open() returns exactly fd.
    int got = ::open("/dev/null", O_RDWR);
    if (got >= 0 && got != fd) {
      ::dup2(got, fd);
      ::close(got);
    }
  }
}

}  // namespace

int report(const Error& e) {
  BERTH_ERROR("%s", e.what());
  std::fprintf(stderr, "berth: %s\n", e.what());
  return 1;
}

}  // namespace berth::cli

int main(int argc, char** argv) {
  using namespace berth::cli;
  if (!berth::unprotected("fds-reserve")) reserve_fds(argc, argv);
  // Defence in depth for CVE-2019-5736 and CVE-2016-9962: as root, the runtime holds host
  // fds (state dir, bundle, logs) and is the binary a container would like to overwrite. A
  // non-dumpable process's /proc/<pid>/{exe,fd,mem,...} are closed to every process that
  // lacks CAP_SYS_PTRACE in the initial user namespace, so a container sharing the host
  // pid namespace cannot reach them; container init inherits the flag through clone3 and
  // keeps it until its exec.
  if (::geteuid() == 0 && !berth::unprotected("dumpable")) ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::vector<std::string> args(argv, argv + argc);
  auto g = parse_flags(global_flags(), args, 1);
  if (!g) return report(g.error());
  if (g->boolean("version")) {
    print_version();
    return 0;
  }
  std::string fmt = g->value("log-format", "text");
  if (fmt != "text" && fmt != "json")
    return report(berth::Error::make(EINVAL, "invalid log-format: %s", fmt.c_str()));
  if (!berth::log::init(g->value("log"),
                        fmt == "json" ? berth::log::Format::kJson : berth::log::Format::kText,
                        g->boolean("debug")))
    return 1;
  if (g->positionals.empty() || g->positionals[0] == "help") {
    if (g->positionals.size() > 1) {
      for (const auto& c : commands())
        if (g->positionals[1] == c.name) {
          print_command_help(c);
          return 0;
        }
    }
    print_help();
    return g->positionals.empty() && !g->boolean("help") ? 1 : 0;
  }
  const std::string& name = g->positionals[0];
  for (const auto& c : commands()) {
    if (name != c.name) continue;
    std::vector<FlagSpec> specs = c.flags;
    specs.push_back({"help", "h", false, "show help"});
    std::vector<std::string> rest(g->positionals.begin(), g->positionals.end());
    auto f = parse_flags(specs, rest, 1);
    if (!f) return report(f.error());
    if (f->boolean("help")) {
      print_command_help(c);
      return 0;
    }
    int n = static_cast<int>(f->positionals.size());
    if (n < c.min_args || (c.max_args >= 0 && n > c.max_args)) {
      std::fprintf(stderr, "berth: \"%s\" requires %s%d argument%s\n", c.name,
                   c.min_args == c.max_args ? "exactly " : "at least ", c.min_args,
                   c.min_args == 1 ? "" : "s");
      print_command_help(c);
      return 1;
    }
    Context ctx;
    ctx.global.root = g->value("root", "/run/berth");
    ctx.global.systemd_cgroup = g->boolean("systemd-cgroup");
    ctx.global.debug = g->boolean("debug");
    ctx.global.cgroup_manager = g->value("cgroup-manager", "cgroupfs");
    ctx.args = f->positionals;
    return c.fn(ctx, *f);
  }
  return report(berth::Error::make(EINVAL, "No help topic for '%s'", name.c_str()));
}
