// The cgroup v1 hierarchies mounted on this host, from /proc/self/mountinfo.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::cgroups {

struct Hierarchy {
  std::string mount_point;  // /sys/fs/cgroup/cpu
  std::string controllers;  // "cpu", "cpu,cpuacct", "name=systemd"
  bool has(std::string_view controller) const;
};

/// Parsed once per process (the mount table of the runtime's namespace does not change
/// under it).
const std::vector<Hierarchy>& v1_hierarchies();
/// Pure parser for tests: the v1 cgroup mounts of a mountinfo text.
std::vector<Hierarchy> parse_v1_hierarchies(std::string_view mountinfo);

}  // namespace berth::cgroups
