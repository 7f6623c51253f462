// pause, resume, ps, events, update: the operations that act on the container's cgroup.
#include <oci/json.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cstdio>

#include "base/file.h"
#include "cgroups/stats.h"
#include "cgroups/update_flags.h"
#include "runtime/common.h"
#include "runtime/runtime.h"

namespace berth::runtime {
namespace {

Result<cgroups::Manager> cgroup_of(const Loaded& l) {
  cgroups::Manager cg = manager_for(l.rec);
  if (cg.mode() == cgroups::Mode::kDisabled)
    return BERTH_ERR(ENOTSUP, "container %s has no cgroup (created with --cgroup-manager=disabled)",
                     l.rec.id.c_str());
  return cg;
}

Result<cgroups::Stats> read_stats(const cgroups::Manager& cg) {
  if (cg.mode() == cgroups::Mode::kV2) {
    UniqueFd fd(::open(cg.v2_dir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return BERTH_SYS("open cgroup %s", cg.v2_dir().c_str());
    return cgroups::read_stats_v2(fd.get());
  }
  std::vector<UniqueFd> keep;
  std::map<std::string, int> fds;
  auto add = [&](const char* key, const std::string& dir) {
    if (dir.empty()) return;
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return;
    fds[key] = fd.get();
    keep.push_back(std::move(fd));
  };
  for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "hugetlb"})
    add(c, cg.v1_dir(c));
  // Hybrid: controllers that exist only on the unified hierarchy (hugetlb here) are read
  // from there by read_stats_v1.
  add("unified", cg.v2_dir());
  return cgroups::read_stats_v1(fds);
}

}  // namespace

Result<void> pause(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(state::Lock lock, store.lock(id));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status != "running" && l.status != "created")
    return BERTH_ERR(EINVAL, "container not running");
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  BERTH_TRY(cg.freeze(true));
  l.rec.status = "paused";
  return store.save(l.rec);
}

Result<void> resume(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(state::Lock lock, store.lock(id));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status != "paused") return BERTH_ERR(EINVAL, "container not paused");
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  BERTH_TRY(cg.freeze(false));
  BERTH_TRY_ASSIGN(UniqueFd dir, store.open_dir(id));
  // Back to what it was before the pause: created while exec.fifo still waits.
  l.rec.status = ::faccessat(dir.get(), state::Store::kExecFifo, F_OK, 0) == 0 ? "created" : "running";
  return store.save(l.rec);
}

Result<std::vector<int>> pids(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  BERTH_TRY_ASSIGN(auto list, cg.pids());
  return std::vector<int>(list.begin(), list.end());
}

Result<std::string> stats(const Global& g, const std::string& id) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status == "stopped") return BERTH_ERR(ESRCH, "container not running");
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  BERTH_TRY_ASSIGN(cgroups::Stats st, read_stats(cg));
  return cgroups::stats_event_json(id, st);
}

Result<void> events(const Global& g, const std::string& id, long long interval_ns) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status == "stopped") return BERTH_ERR(ESRCH, "container not running");
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  uint64_t ooms = 0;
  if (auto st = read_stats(cg)) ooms = st->oom_kill;
  int ms = static_cast<int>(std::max<long long>(interval_ns / 1000000, 1));
  for (;;) {
    // Status first, stats second: the OOM kill that stops a container is then still
    // reported in the round that notices the stop.
    BERTH_TRY_ASSIGN(Loaded now, load(store, id));
    auto st = read_stats(cg);
    if (!st) break;  // the cgroup went away with the container
    if (st->oom_kill > ooms) {
      ooms = st->oom_kill;
      std::printf("%s\n", cgroups::oom_event_json(id).c_str());
    }
    std::printf("%s\n", cgroups::stats_event_json(id, *st).c_str());
    std::fflush(stdout);
    if (now.status == "stopped") break;
    ::poll(nullptr, 0, ms);
  }
  return {};
}

Result<void> update(const Global& g, const std::string& id, const std::string& resources_json,
                    const std::map<std::string, std::string>& flags) {
  BERTH_TRY_ASSIGN(state::Store store, state::Store::open(g.root));
  BERTH_TRY_ASSIGN(state::Lock lock, store.lock(id));
  BERTH_TRY_ASSIGN(Loaded l, load(store, id));
  if (l.status == "stopped") return BERTH_ERR(ESRCH, "container not running");
  BERTH_TRY_ASSIGN(cgroups::Manager cg, cgroup_of(l));
  auto spec = oci::load_config(l.rec.config_path);
  if (!spec) return BERTH_ERR(EINVAL, "%s", spec.error().str().c_str());
  oci::Resources patch;
  if (!resources_json.empty()) {
    BERTH_TRY_ASSIGN(patch, cgroups::resources_from_update_json(resources_json));
  }
  BERTH_TRY_ASSIGN(cgroups::UpdatePatch from_flags, cgroups::resources_from_update_flags(flags));
  if (from_flags.l3_cache_schema || from_flags.mem_bw_schema)
    return BERTH_ERR(ENOTSUP, "update: Intel RDT is not supported");
  cgroups::merge_resources(patch, from_flags.resources);
  oci::Resources& res = spec->linux->resources ? *spec->linux->resources
                                               : spec->linux->resources.emplace();
  cgroups::merge_resources(res, patch);
  // config-linux.md memory.checkBeforeUpdate: refuse a limit below current usage.
  if (res.memory && res.memory->check_before_update.value_or(false) && patch.memory &&
      patch.memory->limit && *patch.memory->limit > 0) {
    if (auto st = read_stats(cg);
        st && st->memory.usage.usage > static_cast<uint64_t>(*patch.memory->limit))
      return BERTH_ERR(EBUSY,
                       "linux.resources.memory.limit: %lld is below the current usage %llu "
                       "(checkBeforeUpdate)",
                       static_cast<long long>(*patch.memory->limit),
                       static_cast<unsigned long long>(st->memory.usage.usage));
  }
  BERTH_TRY(cg.apply(res, /*update=*/true));
  // Keep the private config copy current, so later updates merge onto these values.
  return write_file_atomic(l.rec.config_path, oci::write_config(*spec, false), 0600);
}

}  // namespace berth::runtime
