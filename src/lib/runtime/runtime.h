// The container lifecycle operations (runtime.md "Operations"), as the CLI calls them.
// Each returns an Error whose text follows runc's wording where containerd or conmon
// match on it ("container does not exist", "container not running", ...).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/error.h"

namespace berth::runtime {

struct Global {
  std::string root = "/run/berth";
  bool systemd_cgroup = false;
  bool debug = false;
  std::string cgroup_manager = "cgroupfs";  // crun's --cgroup-manager: cgroupfs | disabled
};

struct CreateOptions {
  std::string id;
  std::string bundle = ".";
  std::string pid_file;
  std::string console_socket;
  int preserve_fds = 0;
  bool no_pivot = false;
  bool no_new_keyring = false;
};

struct RunOptions : CreateOptions {
  bool detach = false;
  bool keep = false;
};

Result<void> create(const Global& g, const CreateOptions& o);
Result<void> start(const Global& g, const std::string& id);
/// Foreground run returns the exit code berth must exit with (status, or 128+signal).
Result<int> run(const Global& g, const RunOptions& o);
Result<void> kill(const Global& g, const std::string& id, int sig, bool all);
Result<void> remove(const Global& g, const std::string& id, bool force);
/// The OCI state JSON of one container.
Result<std::string> state(const Global& g, const std::string& id);

Result<void> pause(const Global& g, const std::string& id);
Result<void> resume(const Global& g, const std::string& id);
/// Pids of every process in the container's cgroup.
Result<std::vector<int>> pids(const Global& g, const std::string& id);
/// One `events --stats` JSON line.
Result<std::string> stats(const Global& g, const std::string& id);
/// `events`: stats every interval and OOM notifications, until the container stops.
Result<void> events(const Global& g, const std::string& id, long long interval_ns);
/// `update`: merges the patch into the container's resources and applies it.
Result<void> update(const Global& g, const std::string& id, const std::string& resources_json,
                    const std::map<std::string, std::string>& flags);

struct ListEntry {
  std::string id, status, bundle, rootfs, created, owner;
  int pid = 0;
};
Result<std::vector<ListEntry>> list(const Global& g);

}  // namespace berth::runtime
