// Serialisation of config-linux.md objects.
#include "json_write.h"

namespace oci::detail {

void emit(Writer& w, const Namespace& v) {
  w.begin_object();
  field(w, "type", v.type);
  field(w, "path", v.path);
  w.end_object();
}

void emit(Writer& w, const TimeOffset& v) {
  w.begin_object();
  field(w, "secs", v.secs);
  field(w, "nanosecs", v.nanosecs);
  w.end_object();
}

void emit(Writer& w, const Device& v) {
  w.begin_object();
  field(w, "type", v.type);
  field(w, "path", v.path);
  field(w, "major", v.major);
  field(w, "minor", v.minor);
  field(w, "fileMode", v.file_mode);
  field(w, "uid", v.uid);
  field(w, "gid", v.gid);
  w.end_object();
}

void emit(Writer& w, const NetDevice& v) {
  w.begin_object();
  field(w, "name", v.name);
  w.end_object();
}

void emit(Writer& w, const DeviceCgroup& v) {
  w.begin_object();
  field(w, "allow", v.allow);
  field(w, "type", v.type);
  field(w, "major", v.major);
  field(w, "minor", v.minor);
  field(w, "access", v.access);
  w.end_object();
}

void emit(Writer& w, const Memory& v) {
  w.begin_object();
  field(w, "limit", v.limit);
  field(w, "reservation", v.reservation);
  field(w, "swap", v.swap);
  field(w, "kernel", v.kernel);
  field(w, "kernelTCP", v.kernel_tcp);
  field(w, "swappiness", v.swappiness);
  field(w, "disableOOMKiller", v.disable_oom_killer);
  field(w, "useHierarchy", v.use_hierarchy);
  field(w, "checkBeforeUpdate", v.check_before_update);
  w.end_object();
}

void emit(Writer& w, const CPU& v) {
  w.begin_object();
  field(w, "shares", v.shares);
  field(w, "quota", v.quota);
  field(w, "burst", v.burst);
  field(w, "period", v.period);
  field(w, "realtimeRuntime", v.realtime_runtime);
  field(w, "realtimePeriod", v.realtime_period);
  field(w, "cpus", v.cpus);
  field(w, "mems", v.mems);
  field(w, "idle", v.idle);
  w.end_object();
}

void emit(Writer& w, const WeightDevice& v) {
  w.begin_object();
  field(w, "major", v.major);
  field(w, "minor", v.minor);
  field(w, "weight", v.weight);
  field(w, "leafWeight", v.leaf_weight);
  w.end_object();
}

void emit(Writer& w, const ThrottleDevice& v) {
  w.begin_object();
  field(w, "major", v.major);
  field(w, "minor", v.minor);
  field(w, "rate", v.rate);
  w.end_object();
}

void emit(Writer& w, const BlockIO& v) {
  w.begin_object();
  field(w, "weight", v.weight);
  field(w, "leafWeight", v.leaf_weight);
  nonempty(w, "weightDevice", v.weight_device);
  nonempty(w, "throttleReadBpsDevice", v.throttle_read_bps_device);
  nonempty(w, "throttleWriteBpsDevice", v.throttle_write_bps_device);
  nonempty(w, "throttleReadIOPSDevice", v.throttle_read_iops_device);
  nonempty(w, "throttleWriteIOPSDevice", v.throttle_write_iops_device);
  w.end_object();
}

void emit(Writer& w, const HugepageLimit& v) {
  w.begin_object();
  field(w, "pageSize", v.page_size);
  field(w, "limit", v.limit);
  w.end_object();
}

void emit(Writer& w, const InterfacePriority& v) {
  w.begin_object();
  field(w, "name", v.name);
  field(w, "priority", v.priority);
  w.end_object();
}

void emit(Writer& w, const Network& v) {
  w.begin_object();
  field(w, "classID", v.class_id);
  nonempty(w, "priorities", v.priorities);
  w.end_object();
}

void emit(Writer& w, const Pids& v) {
  w.begin_object();
  field(w, "limit", v.limit);
  w.end_object();
}

void emit(Writer& w, const Rdma& v) {
  w.begin_object();
  field(w, "hcaHandles", v.hca_handles);
  field(w, "hcaObjects", v.hca_objects);
  w.end_object();
}

void emit(Writer& w, const Resources& v) {
  w.begin_object();
  field(w, "devices", v.devices);
  field(w, "memory", v.memory);
  field(w, "cpu", v.cpu);
  field(w, "blockIO", v.block_io);
  nonempty(w, "hugepageLimits", v.hugepage_limits);
  field(w, "network", v.network);
  field(w, "pids", v.pids);
  nonempty(w, "rdma", v.rdma);
  nonempty(w, "unified", v.unified);
  w.end_object();
}

void emit(Writer& w, const IntelRdt& v) {
  w.begin_object();
  field(w, "closID", v.clos_id);
  field(w, "schemata", v.schemata);
  field(w, "l3CacheSchema", v.l3_cache_schema);
  field(w, "memBwSchema", v.mem_bw_schema);
  field(w, "enableMonitoring", v.enable_monitoring);
  w.end_object();
}

void emit(Writer& w, const SeccompArg& v) {
  w.begin_object();
  field(w, "index", v.index);
  field(w, "value", v.value);
  field(w, "valueTwo", v.value_two);
  field(w, "op", v.op);
  w.end_object();
}

void emit(Writer& w, const SeccompSyscall& v) {
  w.begin_object();
  field(w, "names", v.names);
  field(w, "action", v.action);
  field(w, "errnoRet", v.errno_ret);
  nonempty(w, "args", v.args);
  w.end_object();
}

void emit(Writer& w, const Seccomp& v) {
  w.begin_object();
  field(w, "defaultAction", v.default_action);
  field(w, "defaultErrnoRet", v.default_errno_ret);
  nonempty(w, "architectures", v.architectures);
  nonempty(w, "flags", v.flags);
  field(w, "listenerPath", v.listener_path);
  field(w, "listenerMetadata", v.listener_metadata);
  nonempty(w, "syscalls", v.syscalls);
  w.end_object();
}

void emit(Writer& w, const Personality& v) {
  w.begin_object();
  field(w, "domain", v.domain);
  nonempty(w, "flags", v.flags);
  w.end_object();
}

void emit(Writer& w, const MemoryPolicy& v) {
  w.begin_object();
  field(w, "mode", v.mode);
  field(w, "nodes", v.nodes);
  nonempty(w, "flags", v.flags);
  w.end_object();
}

void emit(Writer& w, const Linux& v) {
  w.begin_object();
  nonempty(w, "namespaces", v.namespaces);
  nonempty(w, "uidMappings", v.uid_mappings);
  nonempty(w, "gidMappings", v.gid_mappings);
  nonempty(w, "timeOffsets", v.time_offsets);
  nonempty(w, "devices", v.devices);
  nonempty(w, "netDevices", v.net_devices);
  field(w, "cgroupsPath", v.cgroups_path);
  field(w, "resources", v.resources);
  field(w, "intelRdt", v.intel_rdt);
  nonempty(w, "sysctl", v.sysctl);
  field(w, "seccomp", v.seccomp);
  field(w, "rootfsPropagation", v.rootfs_propagation);
  nonempty(w, "maskedPaths", v.masked_paths);
  nonempty(w, "readonlyPaths", v.readonly_paths);
  field(w, "mountLabel", v.mount_label);
  field(w, "personality", v.personality);
  field(w, "memoryPolicy", v.memory_policy);
  w.end_object();
}

}  // namespace oci::detail
