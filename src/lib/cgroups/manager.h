// The container's control group on whatever hierarchy the host has (config-linux.md
// "Control groups"). One class serves the three layouts, because they differ only in
// where files live:
//   v2      one unified directory /sys/fs/cgroup/<path>
//   v1      one directory per mounted controller hierarchy /sys/fs/cgroup/<mnt>/<path>
//   hybrid  v1 for every controller mounted as v1, plus the unified directory (processes
//           are tracked there too, and controllers that only exist on v2, like hugetlb on
//           some hosts, are driven there)
//   disabled  no cgroup at all (crun's --cgroup-manager=disabled)
#pragma once

#include <oci/config.h>
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::cgroups {

enum class Mode { kV1, kHybrid, kV2, kDisabled };
const char* mode_name(Mode m);

/// From the filesystem type of /sys/fs/cgroup (cgroup2 -> v2; tmpfs with a cgroup2 at
/// unified/ -> hybrid; otherwise v1).
Mode detect_mode();

/// The cgroup path for a container (config-linux.md "cgroupsPath"): absolute paths are
/// taken from the hierarchy root, relative ones from the runtime's own cgroup, and an
/// absent one defaults to /berth/<id>. Errors name linux.cgroupsPath.
Result<std::string> resolve_path(const std::optional<std::string>& cgroups_path,
                                 const std::string& id, Mode mode);

class Manager {
 public:
  /// An existing (or to-be-created) cgroup; no filesystem access.
  Manager(Mode mode, std::string path);
  Manager() = default;

  /// Creates the directories (enabling controllers on v2 from the root down) and applies
  /// the resources. On error, removes what it created.
  Result<void> create(const std::optional<oci::Resources>& resources);
  /// Applies resources to an existing cgroup (create, update). For an update of a running
  /// container, v1 device rules are left alone: rewriting them restarts from deny-all and
  /// would briefly cut the container off its devices (runc skips them too).
  Result<void> apply(const oci::Resources& resources, bool update = false);
  /// The v2 (or hybrid unified) directory fd for clone3(CLONE_INTO_CGROUP); -1 if none.
  int clone_into_fd() const { return v2_fd_.get(); }
  /// Opens an existing cgroup's v2 directory for clone_into_fd() (`exec` joins the
  /// container's cgroup this way). No-op without a unified hierarchy.
  Result<void> open_existing();
  /// Moves pid into every hierarchy it is not already in via clone3 (v1 hierarchies).
  Result<void> add_pid(pid_t pid) const;
  /// Freezes or thaws, waiting until the kernel reports the new state.
  Result<void> freeze(bool frozen) const;
  /// Every pid in the cgroup and its descendants.
  Result<std::vector<pid_t>> pids() const;
  /// Signals every process: cgroup.kill for SIGKILL on v2, else freeze, signal, thaw.
  Result<void> signal_all(int sig) const;
  /// Removes the container's cgroup directories, retrying while the kernel releases them.
  Result<void> destroy() const;

  Mode mode() const { return mode_; }
  const std::string& path() const { return path_; }
  /// Directory of the unified hierarchy for this cgroup ("" when none).
  std::string v2_dir() const;
  /// (controller names, directory) of each v1 hierarchy.
  std::vector<std::pair<std::string, std::string>> v1_dirs() const;
  /// The v1 directory holding a controller ("" when not mounted).
  std::string v1_dir(std::string_view controller) const;

 private:
  Mode mode_ = Mode::kDisabled;
  std::string path_;
  UniqueFd v2_fd_;
};

}  // namespace berth::cgroups
