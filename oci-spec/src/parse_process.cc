// Structural parsing of config.md#process.
#include "parse_internal.h"

namespace oci::detail {

// config.md#process "consoleSize": height and width are REQUIRED.
Status parse_obj(const ObjectReader& r, Box& out) {
  OCI_TRY(r.req("height", out.height));
  OCI_TRY(r.req("width", out.width));
  return {};
}

// config.md#posix-platform-user: uid and gid are REQUIRED.
Status parse_obj(const ObjectReader& r, User& out) {
  OCI_TRY(r.req("uid", out.uid));
  OCI_TRY(r.req("gid", out.gid));
  OCI_TRY(r.opt("umask", out.umask));
  OCI_TRY(r.opt("additionalGids", out.additional_gids));
  OCI_TRY(r.opt("username", out.username));
  return {};
}

Status parse_obj(const ObjectReader& r, Capabilities& out) {
  OCI_TRY(r.opt("bounding", out.bounding));
  OCI_TRY(r.opt("effective", out.effective));
  OCI_TRY(r.opt("inheritable", out.inheritable));
  OCI_TRY(r.opt("permitted", out.permitted));
  OCI_TRY(r.opt("ambient", out.ambient));
  return {};
}

// config.md#posix-process: type, soft and hard are REQUIRED.
Status parse_obj(const ObjectReader& r, Rlimit& out) {
  OCI_TRY(r.req("type", out.type));
  OCI_TRY(r.req("hard", out.hard));
  OCI_TRY(r.req("soft", out.soft));
  return {};
}

// config.md#linux-process "ioPriority": class and priority are REQUIRED in
// the spec text (the schema only lists class).
Status parse_obj(const ObjectReader& r, IOPriority& out) {
  OCI_TRY(r.req("class", out.class_));
  OCI_TRY(r.req("priority", out.priority));
  return {};
}

// config.md#linux-process "scheduler": policy is REQUIRED.
Status parse_obj(const ObjectReader& r, Scheduler& out) {
  OCI_TRY(r.req("policy", out.policy));
  OCI_TRY(r.opt("nice", out.nice));
  OCI_TRY(r.opt("priority", out.priority));
  OCI_TRY(r.opt("flags", out.flags));
  OCI_TRY(r.opt("runtime", out.runtime));
  OCI_TRY(r.opt("deadline", out.deadline));
  OCI_TRY(r.opt("period", out.period));
  return {};
}

Status parse_obj(const ObjectReader& r, ExecCPUAffinity& out) {
  OCI_TRY(r.opt("initial", out.initial));
  OCI_TRY(r.opt("final", out.final_));
  return {};
}

// config.md#process: cwd is REQUIRED; args must have an entry on Linux, which
// validate() checks so the message can say so.
Status parse_obj(const ObjectReader& r, Process& out) {
  OCI_TRY(r.opt("terminal", out.terminal));
  OCI_TRY(r.opt("consoleSize", out.console_size));
  OCI_TRY(r.opt("user", out.user));
  OCI_TRY(r.opt("args", out.args));
  OCI_TRY(r.opt("commandLine", out.command_line));
  OCI_TRY(r.opt("env", out.env));
  OCI_TRY(r.req("cwd", out.cwd));
  OCI_TRY(r.opt("capabilities", out.capabilities));
  OCI_TRY(r.opt("rlimits", out.rlimits));
  OCI_TRY(r.opt("noNewPrivileges", out.no_new_privileges));
  OCI_TRY(r.opt("apparmorProfile", out.apparmor_profile));
  OCI_TRY(r.opt("oomScoreAdj", out.oom_score_adj));
  OCI_TRY(r.opt("selinuxLabel", out.selinux_label));
  OCI_TRY(r.opt("ioPriority", out.io_priority));
  OCI_TRY(r.opt("scheduler", out.scheduler));
  OCI_TRY(r.opt("execCPUAffinity", out.exec_cpu_affinity));
  return {};
}

}  // namespace oci::detail
