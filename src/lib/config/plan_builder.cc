#include <oci/json.h>

#include "config/plan.h"
#include "netlink/netlink.h"

namespace berth::config {
namespace {

// oci-spec errors carry a JSON path; berth errors carry a message. Keep the path first.
Error from_oci(const oci::Error& e) { return Error::make(EINVAL, "%s", e.str().c_str()); }

}  // namespace

Result<InitPlan> build_init_plan(const Options& opts) {
  auto spec = oci::load_config(opts.bundle + "/config.json");
  if (!spec) return fail(from_oci(spec.error()));
  return build_init_plan(std::move(*spec), opts);
}

Result<InitPlan> build_init_plan(oci::Spec spec, const Options& opts) {
  InitPlan p;
  p.options = opts;
  if (!spec.process) return BERTH_ERR(EINVAL, "process: required to create a container");
  if (spec.process->args.empty()) return BERTH_ERR(EINVAL, "process.args: must not be empty");
  if (!spec.linux) return BERTH_ERR(EINVAL, "linux: required on Linux");
  const oci::Process& proc = *spec.process;

  BERTH_TRY_ASSIGN(p.ns, ns::build_plan(spec, opts.exec));
  BERTH_TRY_ASSIGN(p.rootfs, rootfs::build_plan(spec, opts.bundle, opts.no_pivot));
  BERTH_TRY_ASSIGN(p.attrs, attrs::build_plan(spec));
  // config.md: execCPUAffinity is for processes joining the container (exec); it "is not
  // applicable to the container's init process", which keeps the runtime's affinity.
  p.attrs.cpu_affinity_initial.reset();
  p.attrs.cpu_affinity_final.reset();
  p.identity = security::build_identity(spec);
  BERTH_TRY_ASSIGN(p.caps, security::build_caps_plan(spec));
  // After the rootfs plan: linux.mountLabel goes into its mounts' data.
  BERTH_TRY_ASSIGN(p.lsm, security::build_lsm_plan(spec, p.rootfs, opts.lsm_sysroot));
  BERTH_TRY(netlink::validate_net_devices(spec));
  p.has_net_devices = !spec.linux->net_devices.empty();
  // Compiled here so a bad profile fails before anything is created.
  BERTH_TRY_ASSIGN(p.seccomp, security::build_seccomp(spec, opts.seccomp_cache));

  p.no_new_privs = proc.no_new_privileges.value_or(false);
  p.terminal = proc.terminal.value_or(false);
  p.console_size = proc.console_size;
  p.args = proc.args;
  p.env = proc.env;
  p.cwd = proc.cwd.empty() ? "/" : proc.cwd;
  p.spec = std::move(spec);
  return p;
}

}  // namespace berth::config
