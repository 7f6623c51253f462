// The runtime features structure, features.md and features-linux.md.
// features.md: every property except ociVersionMin/ociVersionMax may be
// absent or null, and null MUST NOT be confused with an empty value, so every
// such property is a std::optional (null and absent both read as nullopt).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#ifdef linux
#undef linux
#endif

namespace oci {

struct CgroupFeatures {
  std::optional<bool> v1, v2, systemd, systemd_user, rdma;
  bool operator==(const CgroupFeatures&) const = default;
};

struct SeccompFeatures {
  std::optional<bool> enabled;
  std::optional<std::vector<std::string>> actions, operators, archs, known_flags, supported_flags;
  bool operator==(const SeccompFeatures&) const = default;
};

// Shared shape of apparmor / selinux / netDevices / mountExtensions.idmap.
struct EnabledFeature {
  std::optional<bool> enabled;
  bool operator==(const EnabledFeature&) const = default;
};

struct IntelRdtFeatures {
  std::optional<bool> enabled, schemata, monitoring;
  bool operator==(const IntelRdtFeatures&) const = default;
};

struct MountExtensionsFeatures {
  std::optional<EnabledFeature> idmap;
  bool operator==(const MountExtensionsFeatures&) const = default;
};

struct MemoryPolicyFeatures {
  std::optional<std::vector<std::string>> modes, flags;
  bool operator==(const MemoryPolicyFeatures&) const = default;
};

struct LinuxFeatures {
  std::optional<std::vector<std::string>> namespaces;
  std::optional<std::vector<std::string>> capabilities;
  std::optional<CgroupFeatures> cgroup;
  std::optional<SeccompFeatures> seccomp;
  std::optional<EnabledFeature> apparmor;
  std::optional<EnabledFeature> selinux;
  std::optional<IntelRdtFeatures> intel_rdt;
  std::optional<MountExtensionsFeatures> mount_extensions;
  std::optional<EnabledFeature> net_devices;
  std::optional<MemoryPolicyFeatures> memory_policy;
  bool operator==(const LinuxFeatures&) const = default;
};

struct Features {
  std::string oci_version_min;
  std::string oci_version_max;
  std::optional<std::vector<std::string>> hooks;
  std::optional<std::vector<std::string>> mount_options;
  std::optional<std::map<std::string, std::string>> annotations;
  std::optional<std::vector<std::string>> potentially_unsafe_config_annotations;
  std::optional<LinuxFeatures> linux;
  bool operator==(const Features&) const = default;
};

}  // namespace oci
