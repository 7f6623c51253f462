// libFuzzer target: bytes -> oci::parse_config (parse + validate) -> every pure planning
// step `berth create` runs before its first side effect (runtime/create.cc):
// config::build_init_plan (namespaces, rootfs, attrs, identity, caps, LSM labels, net
// devices, the seccomp compiler), cgroups::resolve_path, and the cgroup
// translation Manager::apply performs (v1/v2 file writes, device rules, the v2 device
// eBPF program), for every host variant those take as options.
//
// A crash or sanitizer report is a bug. So is any trace left by planning, accepted or
// rejected input alike (DESIGN: the parent plans, nothing exists until the plan is
// complete): after each input no fd may stay open and the fake bundle and state root
// must be as created; every kMountCheckEvery inputs the mount table must be unchanged.
// Any of those abort(), so libFuzzer saves the input.
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <oci/json.h>

#include "cgroups/devices_bpf.h"
#include "cgroups/manager.h"
#include "base/log.h"
#include "cgroups/resources.h"
#include "config/plan.h"
#include "security/lsm.h"

namespace {

constexpr unsigned kMountCheckEvery = 256;
constexpr long kRootfsEntries = 4;  // dir abs up loop, see world()

struct World {
  std::string dir;     // mkdtemp'd; holds the two below
  std::string bundle;  // <dir>/bundle with an empty rootfs/
  std::string root;    // <dir>/state: what `--root` would be; planning never writes there
  std::string lsm_on;  // <dir>/lsm: a fake sysroot with AppArmor (profiles loaded) and SELinux
  bool check_mounts = false;
  std::size_t mount_lines = 0;
  unsigned inputs = 0;
};

[[noreturn]] void die(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_plan: %s\ninput: %.*s\n", what, static_cast<int>(input.size()),
               input.data());
  std::abort();
}

// Entries of a directory, "." and ".." excluded; -1 if it cannot be read.
long count_entries(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return -1;
  long n = 0;
  while (struct dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) ++n;
  ::closedir(d);
  return n;
}

// Counted through opendir, so the directory's own fd is in every count alike.
long open_fds() { return count_entries("/proc/self/fd"); }

std::size_t mountinfo_lines() {
  std::size_t n = 0;
  if (FILE* f = std::fopen("/proc/self/mountinfo", "re")) {
    for (int c; (c = std::fgetc(f)) != EOF;)
      if (c == '\n') ++n;
    std::fclose(f);
  }
  return n;
}

World& world() {
  static World* w = [] {
    auto* w = new World;
    char tmpl[] = "/tmp/berth-fuzz-plan.XXXXXX";
    if (!::mkdtemp(tmpl)) {
      std::perror("mkdtemp");
      std::abort();
    }
    w->dir = tmpl;
    w->bundle = w->dir + "/bundle";
    w->root = w->dir + "/state";
    const std::string rootfs = w->bundle + "/rootfs";
    // The rootfs is empty but for the links the destination check must see through:
    // /abs and /up escape the root (absolute, and by ".."), /loop loops, /dir is plain.
    if (::mkdir(w->bundle.c_str(), 0755) < 0 || ::mkdir(rootfs.c_str(), 0755) < 0 ||
        ::mkdir((rootfs + "/dir").c_str(), 0755) < 0 || ::symlink("/", (rootfs + "/abs").c_str()) < 0 ||
        ::symlink("../../..", (rootfs + "/up").c_str()) < 0 ||
        ::symlink("loop", (rootfs + "/loop").c_str()) < 0 || ::mkdir(w->root.c_str(), 0700) < 0) {
      std::perror("fake bundle");
      std::abort();
    }
    // The files security/lsm.h reads below its sysroot.
    w->lsm_on = w->dir + "/lsm";
    static const char* const kLsmFiles[][2] = {
        {"/sys/module/apparmor/parameters/enabled", "Y\n"},
        {"/sys/kernel/security/apparmor/profiles",
         "berth-default (enforce)\nunconfined-ish (complain)\n"},
        {"/sys/fs/selinux/enforce", "1\n"},
    };
    for (const auto& f : kLsmFiles) {
      std::string path = w->lsm_on + f[0];
      for (std::size_t at = w->dir.size() + 1; (at = path.find('/', at + 1)) != std::string::npos;)
        (void)::mkdir(path.substr(0, at).c_str(), 0755);
      FILE* out = std::fopen(path.c_str(), "w");
      if (!out || std::fputs(f[1], out) < 0 || std::fclose(out) != 0) {
        std::perror("fake sysroot");
        std::abort();
      }
    }
    // libFuzzer exit()s at the end of a bounded run: leave no temp dir behind then.
    std::atexit([] {
      const World& w = world();
      std::string rm = "rm -rf '" + w.lsm_on + "'";
      (void)std::system(rm.c_str());
      for (const char* p : {"/rootfs/dir", "/rootfs/abs", "/rootfs/up", "/rootfs/loop", "/rootfs"})
        (void)::remove((w.bundle + p).c_str());
      (void)::rmdir(w.bundle.c_str());
      (void)::rmdir(w.root.c_str());
      (void)::rmdir(w.dir.c_str());
    });
    // Planning warns about odd but accepted specs; keep the messages (their formatting
    // is exercised too) off the terminal.
    if (!berth::log::init("/dev/null", berth::log::Format::kText, true)) std::abort();
    // A private mount namespace: mounts made on the host meanwhile (other tests running
    // containers) must not count against us, and a planning bug that mounts must not
    // touch the host. Without the privilege for it, the mount check is skipped.
    w->check_mounts = ::unshare(CLONE_NEWNS) == 0 &&
                      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
    if (!w->check_mounts) std::fprintf(stderr, "fuzz_plan: no private mount namespace, mount check off\n");
    w->mount_lines = mountinfo_lines();
    return w;
  }();
  return *w;
}

// The cgroup half of create: resolve_path for every mode, then what Manager::apply
// computes before writing, for each combination of the host facts it probes.
void plan_cgroups(const oci::Spec& spec) {
  using namespace berth::cgroups;
  for (Mode m : {Mode::kV1, Mode::kHybrid, Mode::kV2, Mode::kDisabled})
    (void)resolve_path(spec.linux->cgroups_path, "fuzz", m);
  if (!spec.linux->resources) return;
  const oci::Resources& r = *spec.linux->resources;
  for (bool flag : {false, true}) {
    V2Options v2{flag, flag, !flag};
    (void)v2_writes(r, v2);
    V1Options v1{flag, flag, !flag, {}};
    if (flag) v1.current_memory_limit = 1 << 20;
    (void)v1_writes(r, v1);
    if (auto rules = device_rules(r.devices, flag)) (void)assemble_device_program(*rules);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const long fds_before = open_fds();
  {
    auto spec = oci::parse_config(in);
    if (spec) {
      berth::config::Options opts;  // create's defaults: no CLI flag
      opts.bundle = w.bundle;
      // The LSM planning sees either host, chosen by the input so a run replays exactly:
      // none enabled (this host), or AppArmor and SELinux with one loaded profile.
      if (size % 2) opts.lsm_sysroot = w.lsm_on;
      // The parsed spec is kept for plan_cgroups; build_init_plan takes its own copy,
      // as create's load does.
      auto plan = berth::config::build_init_plan(*spec, opts);
      if (plan) {
        (void)plan->spec.linux.has_value();
      } else {
        (void)plan.error().str();
      }
      if (spec->linux) plan_cgroups(*spec);
      // The seccomp compiler (security/seccomp.cc) runs inside build_init_plan. Any
      // planning step create gains outside build_init_plan must be called here too.
    }
  }
  if (open_fds() != fds_before) die("an fd leaked", in);
  if (count_entries(w.bundle) != 1 || count_entries(w.bundle + "/rootfs") != kRootfsEntries ||
      count_entries(w.bundle + "/rootfs/dir") != 0)
    die("the bundle changed", in);
  if (count_entries(w.root) != 0) die("the state root changed", in);
  if (w.check_mounts && ++w.inputs % kMountCheckEvery == 0 && mountinfo_lines() != w.mount_lines)
    die("the mount table changed (in one of the last inputs)", in);
  return 0;
}
