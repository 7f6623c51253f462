// Structural parsing of config-linux.md#control-groups "resources".
#include "parse_internal.h"

namespace oci::detail {

// config-linux.md#allowed-device-list: allow is REQUIRED.
Status parse_obj(const ObjectReader& r, DeviceCgroup& out) {
  OCI_TRY(r.req("allow", out.allow));
  OCI_TRY(r.opt("type", out.type));
  OCI_TRY(r.opt("major", out.major));
  OCI_TRY(r.opt("minor", out.minor));
  OCI_TRY(r.opt("access", out.access));
  return {};
}

// config-linux.md#memory
Status parse_obj(const ObjectReader& r, Memory& out) {
  OCI_TRY(r.opt("limit", out.limit));
  OCI_TRY(r.opt("reservation", out.reservation));
  OCI_TRY(r.opt("swap", out.swap));
  OCI_TRY(r.opt("kernel", out.kernel));
  OCI_TRY(r.opt("kernelTCP", out.kernel_tcp));
  OCI_TRY(r.opt("swappiness", out.swappiness));
  OCI_TRY(r.opt("disableOOMKiller", out.disable_oom_killer));
  OCI_TRY(r.opt("useHierarchy", out.use_hierarchy));
  OCI_TRY(r.opt("checkBeforeUpdate", out.check_before_update));
  return {};
}

// config-linux.md#cpu
Status parse_obj(const ObjectReader& r, CPU& out) {
  OCI_TRY(r.opt("shares", out.shares));
  OCI_TRY(r.opt("quota", out.quota));
  OCI_TRY(r.opt("burst", out.burst));
  OCI_TRY(r.opt("period", out.period));
  OCI_TRY(r.opt("realtimeRuntime", out.realtime_runtime));
  OCI_TRY(r.opt("realtimePeriod", out.realtime_period));
  OCI_TRY(r.opt("cpus", out.cpus));
  OCI_TRY(r.opt("mems", out.mems));
  OCI_TRY(r.opt("idle", out.idle));
  return {};
}

// config-linux.md#block-io: major and minor are REQUIRED per device entry.
Status parse_obj(const ObjectReader& r, WeightDevice& out) {
  OCI_TRY(r.req("major", out.major));
  OCI_TRY(r.req("minor", out.minor));
  OCI_TRY(r.opt("weight", out.weight));
  OCI_TRY(r.opt("leafWeight", out.leaf_weight));
  return {};
}

// config-linux.md#block-io: major, minor and rate are REQUIRED.
Status parse_obj(const ObjectReader& r, ThrottleDevice& out) {
  OCI_TRY(r.req("major", out.major));
  OCI_TRY(r.req("minor", out.minor));
  OCI_TRY(r.req("rate", out.rate));
  return {};
}

Status parse_obj(const ObjectReader& r, BlockIO& out) {
  OCI_TRY(r.opt("weight", out.weight));
  OCI_TRY(r.opt("leafWeight", out.leaf_weight));
  OCI_TRY(r.opt("weightDevice", out.weight_device));
  OCI_TRY(r.opt("throttleReadBpsDevice", out.throttle_read_bps_device));
  OCI_TRY(r.opt("throttleWriteBpsDevice", out.throttle_write_bps_device));
  OCI_TRY(r.opt("throttleReadIOPSDevice", out.throttle_read_iops_device));
  OCI_TRY(r.opt("throttleWriteIOPSDevice", out.throttle_write_iops_device));
  return {};
}

// config-linux.md#huge-page-limits: pageSize and limit are REQUIRED.
Status parse_obj(const ObjectReader& r, HugepageLimit& out) {
  OCI_TRY(r.req("pageSize", out.page_size));
  OCI_TRY(r.req("limit", out.limit));
  return {};
}

// config-linux.md#network: name and priority are REQUIRED.
Status parse_obj(const ObjectReader& r, InterfacePriority& out) {
  OCI_TRY(r.req("name", out.name));
  OCI_TRY(r.req("priority", out.priority));
  return {};
}

Status parse_obj(const ObjectReader& r, Network& out) {
  OCI_TRY(r.opt("classID", out.class_id));
  OCI_TRY(r.opt("priorities", out.priorities));
  return {};
}

Status parse_obj(const ObjectReader& r, Pids& out) {
  OCI_TRY(r.opt("limit", out.limit));
  return {};
}

Status parse_obj(const ObjectReader& r, Rdma& out) {
  OCI_TRY(r.opt("hcaHandles", out.hca_handles));
  OCI_TRY(r.opt("hcaObjects", out.hca_objects));
  return {};
}

Status parse_obj(const ObjectReader& r, Resources& out) {
  OCI_TRY(r.opt("devices", out.devices));
  OCI_TRY(r.opt("memory", out.memory));
  OCI_TRY(r.opt("cpu", out.cpu));
  OCI_TRY(r.opt("blockIO", out.block_io));
  OCI_TRY(r.opt("hugepageLimits", out.hugepage_limits));
  OCI_TRY(r.opt("network", out.network));
  OCI_TRY(r.opt("pids", out.pids));
  OCI_TRY(r.opt("rdma", out.rdma));
  OCI_TRY(r.opt("unified", out.unified));
  return {};
}

}  // namespace oci::detail
