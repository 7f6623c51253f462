// InitPlan: everything the container child needs, fully resolved in the parent.
//
// The parent parses config.json, validates it and builds this plan (DESIGN "Process model"):
// errors are found here, before any namespace or mount exists, and name the spec field.
// The child then only executes it, step by step (process/init.cc).
#pragma once

#include <oci/config.h>

#include <optional>
#include <string>
#include <vector>

#include "attrs/plan.h"
#include "base/error.h"
#include "namespaces/namespaces.h"
#include "rootfs/plan.h"
#include "security/capabilities.h"
#include "security/identity.h"
#include "security/lsm.h"
#include "security/seccomp.h"

namespace berth::config {

struct Options {
  std::string bundle;  // absolute bundle directory
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;  // fds 3 .. 3+preserve_fds-1 are passed to the container process
  /// Prefix of the /sys paths the LSM checks read: "" for the host; the fuzzer points it
  /// at fake trees (security/lsm.h).
  std::string lsm_sysroot;
  /// Where compiled seccomp programs are kept ("" = no cache; security/seccomp_cache.h).
  std::string seccomp_cache;
  /// `exec`: the process joins an existing container (every namespace by path); the
  /// root filesystem, mounts, sysctl and masks are the container's already.
  bool exec = false;
};

struct InitPlan {
  oci::Spec spec;  // kept for hooks (state JSON) and for the state record
  Options options;
  ns::Plan ns;
  rootfs::Plan rootfs;
  attrs::Plan attrs;
  security::Identity identity;
  security::CapsPlan caps;
  security::LsmPlan lsm;  // process.apparmorProfile, process.selinuxLabel
  bool no_new_privs = false;
  bool terminal = false;
  std::optional<oci::Box> console_size;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::string cwd;
  bool has_net_devices = false;
  std::optional<security::SeccompPlan> seccomp;  // compiled linux.seccomp
};

/// Loads <bundle>/config.json, validates it and builds the plan.
Result<InitPlan> build_init_plan(const Options& opts);
/// Same, from an already parsed spec (used by tests and by exec later).
Result<InitPlan> build_init_plan(oci::Spec spec, const Options& opts);

}  // namespace berth::config
