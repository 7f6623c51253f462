// `features` (features.md): what this build of berth implements. It must be truthful, so
// the lists are derived from the code that implements them where possible (mount options
// are the ones the option parser recognises, capabilities the ones oci-spec knows).
#include <oci/json.h>
#include <oci/validate.h>
#include <seccomp.h>

#include <cstdio>

#include "berth_config.h"
#include "cli/commands.h"
#include "rootfs/mount_options.h"
#include "security/seccomp.h"

namespace berth::cli {
namespace {

// Every option name in config.md's table; only those the parser recognises are reported.
constexpr const char* kMountOptionCandidates[] = {
    "async",       "atime",       "bind",        "defaults",    "dev",         "diratime",
    "dirsync",     "exec",        "iversion",    "lazytime",    "loud",        "mand",
    "noatime",     "nodev",       "nodiratime",  "noexec",      "noiversion",  "nolazytime",
    "nomand",      "norelatime",  "nostrictatime", "nosuid",    "nosymfollow", "private",
    "ratime",      "rbind",       "rdev",        "rdiratime",   "relatime",    "remount",
    "rexec",       "rnoatime",    "rnodev",      "rnodiratime", "rnoexec",     "rnorelatime",
    "rnostrictatime", "rnosuid",  "rnosymfollow", "ro",         "rprivate",    "rrelatime",
    "rro",         "rrw",         "rshared",     "rslave",      "rstrictatime", "rsuid",
    "rsymfollow",  "runbindable", "rw",          "shared",      "silent",      "slave",
    "strictatime", "suid",        "symfollow",   "sync",        "tmpcopyup",   "unbindable",
};

std::vector<std::string> recognised_mount_options() {
  std::vector<std::string> out;
  for (const char* o : kMountOptionCandidates) {
    auto r = rootfs::parse_mount_options({o});
    if (r && r->data.empty()) out.push_back(o);
  }
  return out;
}

}  // namespace

int cmd_features(Context&, const Flags&) {
  oci::Features f;
  f.oci_version_min = "1.0.0";
  f.oci_version_max = BERTH_SPEC_VERSION;
  f.hooks = std::vector<std::string>{"prestart",         "createRuntime", "createContainer",
                                     "startContainer",   "poststart",     "poststop"};
  f.mount_options = recognised_mount_options();
  const struct scmp_version* v = seccomp_version();
  char ver[32];
  std::snprintf(ver, sizeof ver, "%u.%u.%u", v->major, v->minor, v->micro);
  f.annotations = std::map<std::string, std::string>{
      {"io.github.seccomp.libseccomp.version", ver},
      {"org.berth.commit", BERTH_COMMIT},
      {"org.berth.version", BERTH_VERSION}};
  oci::LinuxFeatures l;
  // user namespaces are not implemented yet, so they are not listed.
  l.namespaces = std::vector<std::string>{"cgroup", "ipc", "mount", "network", "pid", "time", "uts"};
  l.capabilities = oci::known_capabilities();
  // cgroupfs drivers for v1, v2 and hybrid hosts; no systemd driver.
  l.cgroup = oci::CgroupFeatures{true, true, false, false, true};
  oci::SeccompFeatures sc;
  sc.enabled = true;
  sc.actions = security::seccomp_actions();
  sc.operators = security::seccomp_operators();
  sc.archs = security::seccomp_archs();
  sc.known_flags = security::seccomp_known_flags();
  sc.supported_flags = security::seccomp_supported_flags();  // probed on this kernel
  l.seccomp = sc;
  l.apparmor = oci::EnabledFeature{true};  // security/lsm.h (applied when the host has it)
  l.selinux = oci::EnabledFeature{true};
  l.intel_rdt = oci::IntelRdtFeatures{false, false, false};
  oci::MountExtensionsFeatures mx;
  mx.idmap = oci::EnabledFeature{false};
  l.mount_extensions = mx;
  l.net_devices = oci::EnabledFeature{true};
  oci::MemoryPolicyFeatures mp;
  mp.modes = std::vector<std::string>{"MPOL_DEFAULT", "MPOL_BIND", "MPOL_INTERLEAVE",
                                      "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED",
                                      "MPOL_PREFERRED_MANY", "MPOL_LOCAL"};
  mp.flags = std::vector<std::string>{"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                      "MPOL_F_STATIC_NODES"};
  l.memory_policy = mp;
  f.linux = l;
  std::printf("%s\n", oci::write_features(f).c_str());
  return 0;
}

}  // namespace berth::cli
