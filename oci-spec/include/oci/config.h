// In-memory model of config.json, OCI runtime-spec v1.3.0 (config.md and
// config-linux.md; Linux only). Field names are snake_case versions of the
// JSON names. OPTIONAL properties are std::optional, except lists and maps
// whose absence and emptiness mean the same thing per the spec (those are
// plain containers that are empty when absent and omitted when empty).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

// GNU modes predefine `linux` as 1, which would break Spec::linux. The macro
// is a legacy non-reserved name; __linux__ is the portable spelling.
#ifdef linux
#undef linux
#endif

namespace oci {

// config.md#root
struct Root {
  std::string path;
  std::optional<bool> readonly;
  bool operator==(const Root&) const = default;
};

// config-linux.md#user-namespace-mappings (also used by mounts[].uidMappings)
struct IDMapping {
  uint32_t container_id = 0;
  uint32_t host_id = 0;
  uint32_t size = 0;
  bool operator==(const IDMapping&) const = default;
};

// config.md#mounts
struct Mount {
  std::string destination;
  std::optional<std::string> source;
  // Optional rather than a plain vector: `"options": []` and an absent
  // options list are preserved distinctly on a round trip.
  std::optional<std::vector<std::string>> options;
  std::optional<std::string> type;
  std::vector<IDMapping> uid_mappings;
  std::vector<IDMapping> gid_mappings;
  bool operator==(const Mount&) const = default;
};

// config.md#console-size ("consoleSize")
struct Box {
  uint64_t height = 0;
  uint64_t width = 0;
  bool operator==(const Box&) const = default;
};

// config.md#posix-platform-user
struct User {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::optional<uint32_t> umask;
  std::vector<uint32_t> additional_gids;
  std::optional<std::string> username;  // Windows field, kept for round trips
  bool operator==(const User&) const = default;
};

// config.md#linux-process "capabilities": each set may be absent (runtime
// default) or explicitly empty (drop everything), so each is optional.
struct Capabilities {
  std::optional<std::vector<std::string>> bounding;
  std::optional<std::vector<std::string>> effective;
  std::optional<std::vector<std::string>> inheritable;
  std::optional<std::vector<std::string>> permitted;
  std::optional<std::vector<std::string>> ambient;
  bool operator==(const Capabilities&) const = default;
};

// config.md#posix-process "rlimits"
struct Rlimit {
  std::string type;
  uint64_t hard = 0;
  uint64_t soft = 0;
  bool operator==(const Rlimit&) const = default;
};

// config.md#linux-process "ioPriority"
struct IOPriority {
  std::string class_;  // JSON "class"
  int32_t priority = 0;
  bool operator==(const IOPriority&) const = default;
};

// config.md#linux-process "scheduler"
struct Scheduler {
  std::string policy;
  std::optional<int32_t> nice;
  std::optional<int32_t> priority;
  std::vector<std::string> flags;
  std::optional<uint64_t> runtime;
  std::optional<uint64_t> deadline;
  std::optional<uint64_t> period;
  bool operator==(const Scheduler&) const = default;
};

// config.md#linux-process "execCPUAffinity"
struct ExecCPUAffinity {
  std::optional<std::string> initial;
  std::optional<std::string> final_;  // JSON "final"
  bool operator==(const ExecCPUAffinity&) const = default;
};

// config.md#process
struct Process {
  std::optional<bool> terminal;
  std::optional<Box> console_size;
  // Always present in the model: an absent "user" reads as uid 0 / gid 0,
  // and the writer always emits it.
  User user;
  std::vector<std::string> args;
  std::optional<std::string> command_line;  // Windows field, kept for round trips
  std::vector<std::string> env;
  std::string cwd;
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;
  std::optional<bool> no_new_privileges;
  std::optional<std::string> apparmor_profile;
  std::optional<int> oom_score_adj;
  std::optional<std::string> selinux_label;
  std::optional<IOPriority> io_priority;
  std::optional<Scheduler> scheduler;
  std::optional<ExecCPUAffinity> exec_cpu_affinity;
  bool operator==(const Process&) const = default;
};

// config.md#posix-platform-hooks
struct Hook {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::optional<int> timeout;
  bool operator==(const Hook&) const = default;
};

struct Hooks {
  std::vector<Hook> prestart;  // DEPRECATED in the spec, still honoured
  std::vector<Hook> create_runtime;
  std::vector<Hook> create_container;
  std::vector<Hook> start_container;
  std::vector<Hook> poststart;
  std::vector<Hook> poststop;
  bool operator==(const Hooks&) const = default;
};

// config-linux.md#namespaces
struct Namespace {
  std::string type;
  std::optional<std::string> path;
  bool operator==(const Namespace&) const = default;
};

// config-linux.md#offset-for-time-namespace
struct TimeOffset {
  std::optional<int64_t> secs;
  std::optional<uint32_t> nanosecs;
  bool operator==(const TimeOffset&) const = default;
};

// config-linux.md#devices
struct Device {
  std::string type;
  std::string path;
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::optional<uint32_t> file_mode;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  bool operator==(const Device&) const = default;
};

// config-linux.md#network-devices
struct NetDevice {
  std::optional<std::string> name;
  bool operator==(const NetDevice&) const = default;
};

// config-linux.md#allowed-device-list
struct DeviceCgroup {
  bool allow = false;
  std::optional<std::string> type;
  std::optional<int64_t> major;
  std::optional<int64_t> minor;
  std::optional<std::string> access;
  bool operator==(const DeviceCgroup&) const = default;
};

// config-linux.md#memory
struct Memory {
  std::optional<int64_t> limit;
  std::optional<int64_t> reservation;
  std::optional<int64_t> swap;
  std::optional<int64_t> kernel;
  std::optional<int64_t> kernel_tcp;
  std::optional<uint64_t> swappiness;
  std::optional<bool> disable_oom_killer;
  std::optional<bool> use_hierarchy;
  std::optional<bool> check_before_update;
  bool operator==(const Memory&) const = default;
};

// config-linux.md#cpu
struct CPU {
  std::optional<uint64_t> shares;
  std::optional<int64_t> quota;
  std::optional<uint64_t> burst;
  std::optional<uint64_t> period;
  std::optional<int64_t> realtime_runtime;
  std::optional<uint64_t> realtime_period;
  std::optional<std::string> cpus;
  std::optional<std::string> mems;
  std::optional<int64_t> idle;
  bool operator==(const CPU&) const = default;
};

// config-linux.md#block-io "weightDevice" entries
struct WeightDevice {
  int64_t major = 0;
  int64_t minor = 0;
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  bool operator==(const WeightDevice&) const = default;
};

// config-linux.md#block-io "throttle*Device" entries
struct ThrottleDevice {
  int64_t major = 0;
  int64_t minor = 0;
  uint64_t rate = 0;
  bool operator==(const ThrottleDevice&) const = default;
};

// config-linux.md#block-io
struct BlockIO {
  std::optional<uint16_t> weight;
  std::optional<uint16_t> leaf_weight;
  std::vector<WeightDevice> weight_device;
  std::vector<ThrottleDevice> throttle_read_bps_device;
  std::vector<ThrottleDevice> throttle_write_bps_device;
  std::vector<ThrottleDevice> throttle_read_iops_device;
  std::vector<ThrottleDevice> throttle_write_iops_device;
  bool operator==(const BlockIO&) const = default;
};

// config-linux.md#huge-page-limits
struct HugepageLimit {
  std::string page_size;
  uint64_t limit = 0;
  bool operator==(const HugepageLimit&) const = default;
};

// config-linux.md#network
struct InterfacePriority {
  std::string name;
  uint32_t priority = 0;
  bool operator==(const InterfacePriority&) const = default;
};

struct Network {
  std::optional<uint32_t> class_id;
  std::vector<InterfacePriority> priorities;
  bool operator==(const Network&) const = default;
};

// config-linux.md#pids ("limit" is OPTIONAL in the v1.3.0 text)
struct Pids {
  std::optional<int64_t> limit;
  bool operator==(const Pids&) const = default;
};

// config-linux.md#rdma
struct Rdma {
  std::optional<uint32_t> hca_handles;
  std::optional<uint32_t> hca_objects;
  bool operator==(const Rdma&) const = default;
};

// config-linux.md#control-groups "resources"
struct Resources {
  // Optional: an explicitly empty device list differs from "don't touch".
  std::optional<std::vector<DeviceCgroup>> devices;
  std::optional<Memory> memory;
  std::optional<CPU> cpu;
  std::optional<BlockIO> block_io;
  std::vector<HugepageLimit> hugepage_limits;
  std::optional<Network> network;
  std::optional<Pids> pids;
  std::map<std::string, Rdma> rdma;
  std::map<std::string, std::string> unified;
  bool operator==(const Resources&) const = default;
};

// config-linux.md#intelrdt
struct IntelRdt {
  std::optional<std::string> clos_id;
  std::optional<std::vector<std::string>> schemata;
  std::optional<std::string> l3_cache_schema;
  std::optional<std::string> mem_bw_schema;
  std::optional<bool> enable_monitoring;
  bool operator==(const IntelRdt&) const = default;
};

// config-linux.md#seccomp "syscalls[].args"
struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0;
  std::optional<uint64_t> value_two;
  std::string op;
  bool operator==(const SeccompArg&) const = default;
};

struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
  bool operator==(const SeccompSyscall&) const = default;
};

// config-linux.md#seccomp
struct Seccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<std::string> flags;
  std::optional<std::string> listener_path;
  std::optional<std::string> listener_metadata;
  std::vector<SeccompSyscall> syscalls;
  bool operator==(const Seccomp&) const = default;
};

// config-linux.md#personality
struct Personality {
  std::string domain;
  std::vector<std::string> flags;
  bool operator==(const Personality&) const = default;
};

// config-linux.md#memory-policy
struct MemoryPolicy {
  std::string mode;
  std::optional<std::string> nodes;
  std::vector<std::string> flags;
  bool operator==(const MemoryPolicy&) const = default;
};

// config-linux.md
struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IDMapping> uid_mappings;
  std::vector<IDMapping> gid_mappings;
  std::map<std::string, TimeOffset> time_offsets;
  std::vector<Device> devices;
  std::map<std::string, NetDevice> net_devices;
  std::optional<std::string> cgroups_path;
  std::optional<Resources> resources;
  std::optional<IntelRdt> intel_rdt;
  std::map<std::string, std::string> sysctl;
  std::optional<Seccomp> seccomp;
  std::optional<std::string> rootfs_propagation;
  std::vector<std::string> masked_paths;
  std::vector<std::string> readonly_paths;
  std::optional<std::string> mount_label;
  std::optional<Personality> personality;
  std::optional<MemoryPolicy> memory_policy;
  bool operator==(const Linux&) const = default;
};

// config.md (top level)
struct Spec {
  std::string oci_version;
  std::optional<Process> process;
  // Optional in the model so any document can be represented; validate()
  // requires it because config.md#root makes it REQUIRED on Linux.
  std::optional<Root> root;
  std::optional<std::string> hostname;
  std::optional<std::string> domainname;
  std::vector<Mount> mounts;
  std::optional<Hooks> hooks;
  std::map<std::string, std::string> annotations;
  std::optional<Linux> linux;
  bool operator==(const Spec&) const = default;
};

}  // namespace oci
