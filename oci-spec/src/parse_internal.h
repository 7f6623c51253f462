// Internal: per-struct parse functions, found by read_any() via ADL.
#pragma once

#include "json_read.h"
#include "oci/config.h"
#include "oci/features.h"
#include "oci/state.h"

namespace oci::detail {

// config.md (parse_config.cc)
Status parse_obj(const ObjectReader& r, Root& out);
Status parse_obj(const ObjectReader& r, IDMapping& out);
Status parse_obj(const ObjectReader& r, Mount& out);
Status parse_obj(const ObjectReader& r, Hook& out);
Status parse_obj(const ObjectReader& r, Hooks& out);
Status parse_obj(const ObjectReader& r, Spec& out);
// config.md#process (parse_process.cc)
Status parse_obj(const ObjectReader& r, Box& out);
Status parse_obj(const ObjectReader& r, User& out);
Status parse_obj(const ObjectReader& r, Capabilities& out);
Status parse_obj(const ObjectReader& r, Rlimit& out);
Status parse_obj(const ObjectReader& r, IOPriority& out);
Status parse_obj(const ObjectReader& r, Scheduler& out);
Status parse_obj(const ObjectReader& r, ExecCPUAffinity& out);
Status parse_obj(const ObjectReader& r, Process& out);
// config-linux.md (parse_linux.cc)
Status parse_obj(const ObjectReader& r, Namespace& out);
Status parse_obj(const ObjectReader& r, TimeOffset& out);
Status parse_obj(const ObjectReader& r, Device& out);
Status parse_obj(const ObjectReader& r, NetDevice& out);
Status parse_obj(const ObjectReader& r, IntelRdt& out);
Status parse_obj(const ObjectReader& r, Personality& out);
Status parse_obj(const ObjectReader& r, MemoryPolicy& out);
Status parse_obj(const ObjectReader& r, Linux& out);
// config-linux.md#control-groups (parse_resources.cc)
Status parse_obj(const ObjectReader& r, DeviceCgroup& out);
Status parse_obj(const ObjectReader& r, Memory& out);
Status parse_obj(const ObjectReader& r, CPU& out);
Status parse_obj(const ObjectReader& r, WeightDevice& out);
Status parse_obj(const ObjectReader& r, ThrottleDevice& out);
Status parse_obj(const ObjectReader& r, BlockIO& out);
Status parse_obj(const ObjectReader& r, HugepageLimit& out);
Status parse_obj(const ObjectReader& r, InterfacePriority& out);
Status parse_obj(const ObjectReader& r, Network& out);
Status parse_obj(const ObjectReader& r, Pids& out);
Status parse_obj(const ObjectReader& r, Rdma& out);
Status parse_obj(const ObjectReader& r, Resources& out);
// config-linux.md#seccomp (parse_seccomp.cc)
Status parse_obj(const ObjectReader& r, SeccompArg& out);
Status parse_obj(const ObjectReader& r, SeccompSyscall& out);
Status parse_obj(const ObjectReader& r, Seccomp& out);
// runtime.md#state, features.md (parse_state_features.cc)
Status parse_obj(const ObjectReader& r, State& out);
Status parse_obj(const ObjectReader& r, CgroupFeatures& out);
Status parse_obj(const ObjectReader& r, SeccompFeatures& out);
Status parse_obj(const ObjectReader& r, EnabledFeature& out);
Status parse_obj(const ObjectReader& r, IntelRdtFeatures& out);
Status parse_obj(const ObjectReader& r, MountExtensionsFeatures& out);
Status parse_obj(const ObjectReader& r, MemoryPolicyFeatures& out);
Status parse_obj(const ObjectReader& r, LinuxFeatures& out);
Status parse_obj(const ObjectReader& r, Features& out);

}  // namespace oci::detail

namespace oci::detail {
// Parses a document whose top level must be a JSON object (parse_config.cc;
// instantiated for Spec, State and Features).
template <class T>
Result<T> parse_document(std::string_view json);
}  // namespace oci::detail
