// runtime.md#state and features.md / features-linux.md: parsing, the few
// static rules those documents state, and serialisation.
#include "json_write.h"
#include "oci/json.h"
#include "parse_internal.h"
#include "semver.h"

namespace oci::detail {

// runtime.md#state: ociVersion, id, status and bundle are REQUIRED.
Status parse_obj(const ObjectReader& r, State& out) {
  OCI_TRY(r.req("ociVersion", out.oci_version));
  OCI_TRY(r.req("id", out.id));
  OCI_TRY(r.req("status", out.status));
  OCI_TRY(r.opt("pid", out.pid));
  OCI_TRY(r.req("bundle", out.bundle));
  OCI_TRY(r.opt("annotations", out.annotations));
  return {};
}

Status parse_obj(const ObjectReader& r, CgroupFeatures& out) {
  OCI_TRY(r.opt("v1", out.v1));
  OCI_TRY(r.opt("v2", out.v2));
  OCI_TRY(r.opt("systemd", out.systemd));
  OCI_TRY(r.opt("systemdUser", out.systemd_user));
  OCI_TRY(r.opt("rdma", out.rdma));
  return {};
}

Status parse_obj(const ObjectReader& r, SeccompFeatures& out) {
  OCI_TRY(r.opt("enabled", out.enabled));
  OCI_TRY(r.opt("actions", out.actions));
  OCI_TRY(r.opt("operators", out.operators));
  OCI_TRY(r.opt("archs", out.archs));
  OCI_TRY(r.opt("knownFlags", out.known_flags));
  OCI_TRY(r.opt("supportedFlags", out.supported_flags));
  return {};
}

Status parse_obj(const ObjectReader& r, EnabledFeature& out) {
  OCI_TRY(r.opt("enabled", out.enabled));
  return {};
}

Status parse_obj(const ObjectReader& r, IntelRdtFeatures& out) {
  OCI_TRY(r.opt("enabled", out.enabled));
  OCI_TRY(r.opt("schemata", out.schemata));
  OCI_TRY(r.opt("monitoring", out.monitoring));
  return {};
}

Status parse_obj(const ObjectReader& r, MountExtensionsFeatures& out) {
  OCI_TRY(r.opt("idmap", out.idmap));
  return {};
}

Status parse_obj(const ObjectReader& r, MemoryPolicyFeatures& out) {
  OCI_TRY(r.opt("modes", out.modes));
  OCI_TRY(r.opt("flags", out.flags));
  return {};
}

Status parse_obj(const ObjectReader& r, LinuxFeatures& out) {
  OCI_TRY(r.opt("namespaces", out.namespaces));
  OCI_TRY(r.opt("capabilities", out.capabilities));
  OCI_TRY(r.opt("cgroup", out.cgroup));
  OCI_TRY(r.opt("seccomp", out.seccomp));
  OCI_TRY(r.opt("apparmor", out.apparmor));
  OCI_TRY(r.opt("selinux", out.selinux));
  OCI_TRY(r.opt("intelRdt", out.intel_rdt));
  OCI_TRY(r.opt("mountExtensions", out.mount_extensions));
  OCI_TRY(r.opt("netDevices", out.net_devices));
  OCI_TRY(r.opt("memoryPolicy", out.memory_policy));
  return {};
}

// features.md: ociVersionMin and ociVersionMax are REQUIRED.
Status parse_obj(const ObjectReader& r, Features& out) {
  OCI_TRY(r.req("ociVersionMin", out.oci_version_min));
  OCI_TRY(r.req("ociVersionMax", out.oci_version_max));
  OCI_TRY(r.opt("hooks", out.hooks));
  OCI_TRY(r.opt("mountOptions", out.mount_options));
  OCI_TRY(r.opt("annotations", out.annotations));
  OCI_TRY(r.opt("potentiallyUnsafeConfigAnnotations", out.potentially_unsafe_config_annotations));
  OCI_TRY(r.opt("linux", out.linux));
  return {};
}

void emit(Writer& w, const CgroupFeatures& v) {
  w.begin_object();
  field(w, "v1", v.v1);
  field(w, "v2", v.v2);
  field(w, "systemd", v.systemd);
  field(w, "systemdUser", v.systemd_user);
  field(w, "rdma", v.rdma);
  w.end_object();
}

void emit(Writer& w, const SeccompFeatures& v) {
  w.begin_object();
  field(w, "enabled", v.enabled);
  field(w, "actions", v.actions);
  field(w, "operators", v.operators);
  field(w, "archs", v.archs);
  field(w, "knownFlags", v.known_flags);
  field(w, "supportedFlags", v.supported_flags);
  w.end_object();
}

void emit(Writer& w, const EnabledFeature& v) {
  w.begin_object();
  field(w, "enabled", v.enabled);
  w.end_object();
}

void emit(Writer& w, const IntelRdtFeatures& v) {
  w.begin_object();
  field(w, "enabled", v.enabled);
  field(w, "schemata", v.schemata);
  field(w, "monitoring", v.monitoring);
  w.end_object();
}

void emit(Writer& w, const MountExtensionsFeatures& v) {
  w.begin_object();
  field(w, "idmap", v.idmap);
  w.end_object();
}

void emit(Writer& w, const MemoryPolicyFeatures& v) {
  w.begin_object();
  field(w, "modes", v.modes);
  field(w, "flags", v.flags);
  w.end_object();
}

void emit(Writer& w, const LinuxFeatures& v) {
  w.begin_object();
  field(w, "namespaces", v.namespaces);
  field(w, "capabilities", v.capabilities);
  field(w, "cgroup", v.cgroup);
  field(w, "seccomp", v.seccomp);
  field(w, "apparmor", v.apparmor);
  field(w, "selinux", v.selinux);
  field(w, "intelRdt", v.intel_rdt);
  field(w, "mountExtensions", v.mount_extensions);
  field(w, "netDevices", v.net_devices);
  field(w, "memoryPolicy", v.memory_policy);
  w.end_object();
}

void emit(Writer& w, const Features& v) {
  w.begin_object();
  field(w, "ociVersionMin", v.oci_version_min);
  field(w, "ociVersionMax", v.oci_version_max);
  field(w, "hooks", v.hooks);
  field(w, "mountOptions", v.mount_options);
  field(w, "annotations", v.annotations);
  field(w, "potentiallyUnsafeConfigAnnotations", v.potentially_unsafe_config_annotations);
  field(w, "linux", v.linux);
  w.end_object();
}

}  // namespace oci::detail

namespace oci {

using detail::fail;

Result<State> parse_state(std::string_view json) {
  auto st = detail::parse_document<State>(json);
  if (!st) return st;
  // runtime.md#state: pid is REQUIRED when status is created or running on
  // Linux; the schema gives it a minimum of 0.
  if (!st->pid && (st->status == "created" || st->status == "running")) {
    return fail("pid", "required when status is \"" + st->status + "\"");
  }
  if (st->pid && *st->pid < 0) return fail("pid", "must not be negative");
  if (st->id.empty()) return fail("id", "must not be empty");
  if (st->status.empty()) return fail("status", "must not be empty");
  // runtime.md#state: bundle "is the absolute path to the container's bundle".
  if (st->bundle.empty() || st->bundle[0] != '/') return fail("bundle", "must be an absolute path");
  return st;
}

std::string write_state(const State& s) {
  detail::Writer w(true);
  w.begin_object();
  detail::field(w, "ociVersion", s.oci_version);
  detail::field(w, "id", s.id);
  detail::field(w, "status", s.status);
  detail::field(w, "pid", s.pid);
  detail::field(w, "bundle", s.bundle);
  detail::nonempty(w, "annotations", s.annotations);
  w.end_object();
  return w.finish() + "\n";
}

Result<Features> parse_features(std::string_view json) {
  auto f = detail::parse_document<Features>(json);
  if (!f) return f;
  auto min = detail::parse_semver(f->oci_version_min);
  if (!min)
    return fail("ociVersionMin",
                "not a SemVer 2.0.0 version: " + detail::quote(f->oci_version_min));
  auto max = detail::parse_semver(f->oci_version_max);
  if (!max)
    return fail("ociVersionMax",
                "not a SemVer 2.0.0 version: " + detail::quote(f->oci_version_max));
  // features.md: ociVersionMax MUST NOT be less than ociVersionMin.
  if (detail::compare_semver(*max, *min) < 0) {
    return fail("ociVersionMax", "must not be less than ociVersionMin");
  }
  return f;
}

std::string write_features(const Features& f) {
  detail::Writer w(true);
  detail::emit(w, f);
  return w.finish() + "\n";
}

}  // namespace oci
