// Structural parsing of config-linux.md (except resources and seccomp).
#include "parse_internal.h"

namespace oci::detail {

// config-linux.md#namespaces: type is REQUIRED.
Status parse_obj(const ObjectReader& r, Namespace& out) {
  OCI_TRY(r.req("type", out.type));
  OCI_TRY(r.opt("path", out.path));
  return {};
}

Status parse_obj(const ObjectReader& r, TimeOffset& out) {
  OCI_TRY(r.opt("secs", out.secs));
  OCI_TRY(r.opt("nanosecs", out.nanosecs));
  return {};
}

// config-linux.md#devices: type and path are REQUIRED; major/minor are
// REQUIRED unless type is "p" (checked in validate()).
Status parse_obj(const ObjectReader& r, Device& out) {
  OCI_TRY(r.req("type", out.type));
  OCI_TRY(r.req("path", out.path));
  OCI_TRY(r.opt("major", out.major));
  OCI_TRY(r.opt("minor", out.minor));
  OCI_TRY(r.opt("fileMode", out.file_mode));
  OCI_TRY(r.opt("uid", out.uid));
  OCI_TRY(r.opt("gid", out.gid));
  return {};
}

Status parse_obj(const ObjectReader& r, NetDevice& out) {
  OCI_TRY(r.opt("name", out.name));
  return {};
}

Status parse_obj(const ObjectReader& r, IntelRdt& out) {
  OCI_TRY(r.opt("closID", out.clos_id));
  OCI_TRY(r.opt("schemata", out.schemata));
  OCI_TRY(r.opt("l3CacheSchema", out.l3_cache_schema));
  OCI_TRY(r.opt("memBwSchema", out.mem_bw_schema));
  OCI_TRY(r.opt("enableMonitoring", out.enable_monitoring));
  return {};
}

// config-linux.md#personality: domain is REQUIRED.
Status parse_obj(const ObjectReader& r, Personality& out) {
  OCI_TRY(r.req("domain", out.domain));
  OCI_TRY(r.opt("flags", out.flags));
  return {};
}

// config-linux.md#memory-policy: mode is REQUIRED.
Status parse_obj(const ObjectReader& r, MemoryPolicy& out) {
  OCI_TRY(r.req("mode", out.mode));
  OCI_TRY(r.opt("nodes", out.nodes));
  OCI_TRY(r.opt("flags", out.flags));
  return {};
}

Status parse_obj(const ObjectReader& r, Linux& out) {
  OCI_TRY(r.opt("namespaces", out.namespaces));
  OCI_TRY(r.opt("uidMappings", out.uid_mappings));
  OCI_TRY(r.opt("gidMappings", out.gid_mappings));
  OCI_TRY(r.opt("timeOffsets", out.time_offsets));
  OCI_TRY(r.opt("devices", out.devices));
  OCI_TRY(r.opt("netDevices", out.net_devices));
  OCI_TRY(r.opt("cgroupsPath", out.cgroups_path));
  OCI_TRY(r.opt("resources", out.resources));
  OCI_TRY(r.opt("intelRdt", out.intel_rdt));
  OCI_TRY(r.opt("sysctl", out.sysctl));
  OCI_TRY(r.opt("seccomp", out.seccomp));
  OCI_TRY(r.opt("rootfsPropagation", out.rootfs_propagation));
  OCI_TRY(r.opt("maskedPaths", out.masked_paths));
  OCI_TRY(r.opt("readonlyPaths", out.readonly_paths));
  OCI_TRY(r.opt("mountLabel", out.mount_label));
  OCI_TRY(r.opt("personality", out.personality));
  OCI_TRY(r.opt("memoryPolicy", out.memory_policy));
  return {};
}

}  // namespace oci::detail
