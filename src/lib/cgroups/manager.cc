#include "cgroups/manager.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <charconv>
#include <cstring>

#include "base/file.h"
#include "cgroups/devices_bpf.h"
#include "cgroups/hierarchy.h"
#include "cgroups/resources.h"

namespace berth::cgroups {
namespace {

constexpr const char* kRoot = "/sys/fs/cgroup";

bool is_cgroup2(const char* path) {
  struct statfs s;
  return ::statfs(path, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

// Writes with the file named in the error: cgroup files report EINVAL/EBUSY etc. for
// values the kernel refuses, and the user needs to know which one.
Result<void> put(const std::string& dir, const std::string& file, std::string_view value) {
  if (auto r = write_file(dir + "/" + file, value); !r)
    return BERTH_ERR(r.error().code(), "write %s to %s/%s: %s", std::string(value).c_str(),
                     dir.c_str(), file.c_str(), std::strerror(r.error().code()));
  return {};
}

// Polls pred() until it holds or timeout_ms pass: 1 ms steps first (a cgroup is usually
// released or frozen within a few), then 10 ms.
template <class F>
bool wait_until(F pred, int timeout_ms) {
  for (int t = 0, i = 0; t <= timeout_ms; ++i) {
    if (pred()) return true;
    int step = i < 20 ? 1 : 10;
    ::poll(nullptr, 0, step);
    t += step;
  }
  return false;
}

void collect_pids(const std::string& dir, std::vector<pid_t>& out) {
  if (auto procs = read_file(dir + "/cgroup.procs")) {
    std::size_t pos = 0;
    while (pos < procs->size()) {
      auto end = procs->find('\n', pos);
      if (end == std::string::npos) end = procs->size();
      pid_t p = 0;
      std::from_chars(procs->data() + pos, procs->data() + end, p);
      if (p > 0) out.push_back(p);
      pos = end + 1;
    }
  }
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d))
      if (e->d_type == DT_DIR && e->d_name[0] != '.') collect_pids(dir + "/" + e->d_name, out);
    ::closedir(d);
  }
}

// rmdir bottom-up (the container may have made sub-cgroups); a cgroup directory is busy
// until the kernel has released its last task, shortly after the task's exit.
Result<void> remove_tree(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    std::vector<std::string> subs;
    while (struct dirent* e = ::readdir(d))
      if (e->d_type == DT_DIR && e->d_name[0] != '.') subs.push_back(dir + "/" + e->d_name);
    ::closedir(d);
    for (const auto& s : subs) BERTH_TRY(remove_tree(s));
  }
  int err = 0;
  bool ok = wait_until(
      [&] {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
        err = errno;
        return err != EBUSY;
      },
      2000);
  if (!ok || (err != 0 && err != EBUSY && ::access(dir.c_str(), F_OK) == 0))
    return BERTH_ERR(err, "remove cgroup %s: %s", dir.c_str(), std::strerror(err));
  return {};
}

}  // namespace

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::kV1: return "v1";
    case Mode::kHybrid: return "hybrid";
    case Mode::kV2: return "v2";
    case Mode::kDisabled: return "disabled";
  }
  return "?";
}

Mode detect_mode() {
  if (is_cgroup2(kRoot)) return Mode::kV2;
  if (is_cgroup2("/sys/fs/cgroup/unified")) return Mode::kHybrid;
  return Mode::kV1;
}

Result<std::string> resolve_path(const std::optional<std::string>& cgroups_path,
                                 const std::string& id, Mode mode) {
  if (mode == Mode::kDisabled) return std::string();
  std::string p = cgroups_path.value_or("/berth/" + id);
  if (p.empty()) p = "/berth/" + id;
  // A systemd unit spec ("slice:prefix:name") needs systemd, which berth does not drive.
  if (p.find(':') != std::string::npos)
    return BERTH_ERR(EINVAL, "linux.cgroupsPath: \"%s\": systemd cgroup paths are not supported",
                     p.c_str());
  std::string out;
  std::size_t pos = 0;
  while (pos <= p.size()) {
    auto end = p.find('/', pos);
    if (end == std::string::npos) end = p.size();
    std::string c = p.substr(pos, end - pos);
    pos = end + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..")
      return BERTH_ERR(EINVAL, "linux.cgroupsPath: \"%s\": must not contain \"..\"", p.c_str());
    out += "/" + c;
  }
  // config-linux.md: a relative path is placed at a runtime-determined location; berth
  // puts it below the hierarchy root like an absolute one.
  if (out.empty()) return BERTH_ERR(EINVAL, "linux.cgroupsPath: \"%s\": is the root cgroup", p.c_str());
  return out;
}

Manager::Manager(Mode mode, std::string path) : mode_(mode), path_(std::move(path)) {
  if (mode_ == Mode::kDisabled) path_.clear();
}

std::string Manager::v2_dir() const {
  if (mode_ == Mode::kV2) return std::string(kRoot) + path_;
  if (mode_ == Mode::kHybrid) return std::string(kRoot) + "/unified" + path_;
  return "";
}

std::vector<std::pair<std::string, std::string>> Manager::v1_dirs() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (mode_ != Mode::kV1 && mode_ != Mode::kHybrid) return out;
  for (const auto& h : v1_hierarchies()) out.emplace_back(h.controllers, h.mount_point + path_);
  return out;
}

std::string Manager::v1_dir(std::string_view controller) const {
  if (mode_ != Mode::kV1 && mode_ != Mode::kHybrid) return "";
  for (const auto& h : v1_hierarchies())
    if (h.has(controller)) return h.mount_point + path_;
  return "";
}

Result<void> Manager::create(const std::optional<oci::Resources>& resources) {
  if (mode_ == Mode::kDisabled) return {};
  auto undo = [&](Error e) -> Result<void> {
    (void)destroy();
    return fail(std::move(e));
  };
  if (std::string v2 = v2_dir(); !v2.empty()) {
    // Controllers must be enabled in every ancestor's subtree_control for the leaf to get
    // them (cgroup-v2.rst "Top-down constraint").
    std::string base = mode_ == Mode::kV2 ? kRoot : std::string(kRoot) + "/unified";
    std::string cur = base;
    std::size_t pos = 1;
    while (true) {
      if (auto ctl = read_file(cur + "/cgroup.controllers"); ctl && !ctl->empty()) {
        std::string enable;
        std::size_t p = 0;
        while (p < ctl->size()) {
          auto e = ctl->find_first_of(" \n", p);
          if (e == std::string::npos) e = ctl->size();
          if (e > p) enable += (enable.empty() ? "+" : " +") + ctl->substr(p, e - p);
          p = e + 1;
        }
        if (!enable.empty() && cur != base + path_) (void)write_file(cur + "/cgroup.subtree_control", enable);
      }
      if (pos > path_.size()) break;
      auto end = path_.find('/', pos);
      if (end == std::string::npos) end = path_.size();
      cur = base + path_.substr(0, end);
      pos = end + 1;
      if (::mkdir(cur.c_str(), 0755) < 0 && errno != EEXIST)
        return undo(Error::sys("create cgroup %s", cur.c_str()));
    }
    v2_fd_.reset(::open(v2.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!v2_fd_) return undo(Error::sys("open cgroup %s", v2.c_str()));
  }
  for (const auto& [ctl, dir] : v1_dirs()) {
    if (auto r = mkdir_p(dir, 0755); !r) return undo(r.error());
  }
  // v1 cpuset refuses tasks while cpuset.cpus/mems are empty, and new directories start
  // empty: inherit the parent's values from the top down.
  if (std::string cs = v1_dir("cpuset"); !cs.empty()) {
    std::string root;
    for (const auto& h : v1_hierarchies())
      if (h.has("cpuset")) root = h.mount_point;
    std::string cur = root;
    std::size_t pos = 1;
    while (pos <= path_.size()) {
      auto end = path_.find('/', pos);
      if (end == std::string::npos) end = path_.size();
      std::string child = root + path_.substr(0, end);
      pos = end + 1;
      for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
        auto mine = read_file(child + "/" + f);
        if (mine && mine->find_first_not_of(" \n") == std::string::npos)
          if (auto parent = read_file(cur + "/" + f)) (void)write_file(child + "/" + f, *parent);
      }
      cur = child;
    }
  }
  if (resources)
    if (auto r = apply(*resources); !r) return undo(r.error());
  return {};
}

namespace {

// The effective device rules (the spec's, then runc's default allow list) in the spec's
// own shape, for v1's devices.allow/deny files.
Result<std::vector<oci::DeviceCgroup>> v1_device_rules(const oci::Resources& r) {
  BERTH_TRY_ASSIGN(auto rules, device_rules(r.devices, true));
  std::vector<oci::DeviceCgroup> out;
  for (const auto& d : rules) {
    oci::DeviceCgroup c;
    c.allow = d.allow;
    c.type = std::string(1, d.type);
    if (d.major >= 0) c.major = d.major;
    if (d.minor >= 0) c.minor = d.minor;
    c.access = std::string(d.r ? "r" : "") + (d.w ? "w" : "") + (d.m ? "m" : "");
    out.push_back(std::move(c));
  }
  return out;
}

// config-linux.md "unified": a key whose controller is not available in the cgroup MUST
// be an error (the write would fail anyway, but with a less helpful message).
Result<void> check_unified_controllers(const oci::Resources& r, const std::string& dir) {
  if (r.unified.empty()) return {};
  std::string avail = " " + read_file(dir + "/cgroup.controllers").value_or("") + " ";
  for (auto& c : avail)
    if (c == '\n') c = ' ';
  for (const auto& [key, value] : r.unified) {
    std::string ctl = key.substr(0, key.find('.'));
    if (ctl == "cgroup") continue;
    if (avail.find(" " + ctl + " ") == std::string::npos)
      return BERTH_ERR(ENOTSUP, "linux.resources.unified[\"%s\"]: the %s controller is not available in %s",
                       key.c_str(), ctl.c_str(), dir.c_str());
  }
  return {};
}

// Whether the hugetlb reservation files (Linux 5.7) exist in a directory.
bool has_rsvd(const std::string& dir) {
  bool found = false;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (struct dirent* e = ::readdir(d))
      if (std::strstr(e->d_name, ".rsvd.")) found = true;
    ::closedir(d);
  }
  return found;
}

Result<void> apply_writes(const std::vector<Write>& writes, const std::string& dir) {
  for (const auto& w : writes)
    if (auto r = put(dir, w.file, w.value); !r) return fail(r.error().wrap("linux.resources"));
  return {};
}

}  // namespace

Result<void> Manager::apply(const oci::Resources& r, bool update) {
  if (mode_ == Mode::kDisabled) return {};
  if (mode_ == Mode::kV2) {
    std::string dir = v2_dir();
    BERTH_TRY(check_unified_controllers(r, dir));
    V2Options opts;
    opts.bfq = ::access((dir + "/io.bfq.weight").c_str(), F_OK) == 0;
    opts.swap = ::access((dir + "/memory.swap.max").c_str(), F_OK) == 0;
    opts.hugetlb_rsvd = has_rsvd(dir);
    BERTH_TRY_ASSIGN(auto writes, v2_writes(r, opts));
    BERTH_TRY(apply_writes(writes, dir));
    // cgroup v2 has no devices files: the rules are an eBPF program on the directory.
    BERTH_TRY_ASSIGN(auto rules, device_rules(r.devices, true));
    BERTH_TRY_ASSIGN(UniqueFd prog, load_device_program(assemble_device_program(rules)));
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd) return BERTH_SYS("open cgroup %s", dir.c_str());
    if (auto a = attach_device_program(dfd.get(), prog.get()); !a)
      return fail(a.error().wrap("linux.resources.devices"));
    return {};
  }
  oci::Resources v1 = r;
  if (update) {
    v1.devices.reset();
  } else {
    BERTH_TRY_ASSIGN(auto devs, v1_device_rules(r));
    v1.devices = std::move(devs);
  }
  // hugetlb may live only on the unified hierarchy of a hybrid host; drive it there.
  bool hugetlb_on_v2 = v1_dir("hugetlb").empty() && mode_ == Mode::kHybrid &&
                       !r.hugepage_limits.empty();
  if (hugetlb_on_v2) v1.hugepage_limits.clear();
  V1Options opts;
  if (std::string mem = v1_dir("memory"); !mem.empty()) {
    opts.memsw = ::access((mem + "/memory.memsw.limit_in_bytes").c_str(), F_OK) == 0;
    if (auto cur = read_file(mem + "/memory.limit_in_bytes")) {
      uint64_t v = 0;
      std::from_chars(cur->data(), cur->data() + cur->size(), v);
      opts.current_memory_limit = v;
    }
  }
  if (std::string blk = v1_dir("blkio"); !blk.empty())
    opts.bfq = ::access((blk + "/blkio.bfq.weight").c_str(), F_OK) == 0;
  if (std::string h = v1_dir("hugetlb"); !h.empty()) opts.hugetlb_rsvd = has_rsvd(h);
  BERTH_TRY_ASSIGN(auto writes, v1_writes(v1, opts));
  for (const auto& w : writes) {
    std::string dir = v1_dir(w.controller);
    if (dir.empty())
      return BERTH_ERR(ENOTSUP, "linux.resources: the %s controller is not mounted on this host",
                       w.controller.c_str());
    BERTH_TRY(apply_writes({w}, dir));
  }
  if (hugetlb_on_v2) {
    oci::Resources h;
    h.hugepage_limits = r.hugepage_limits;
    V2Options hopts;
    hopts.hugetlb_rsvd = has_rsvd(v2_dir());
    BERTH_TRY_ASSIGN(auto hw, v2_writes(h, hopts));
    BERTH_TRY(apply_writes(hw, v2_dir()));
  }
  return {};
}

Result<void> Manager::open_existing() {
  std::string v2 = v2_dir();
  if (v2.empty()) return {};
  v2_fd_.reset(::open(v2.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!v2_fd_) return BERTH_SYS("open cgroup %s", v2.c_str());
  return {};
}

Result<void> Manager::add_pid(pid_t pid) const {
  // The unified hierarchy is joined by clone3(CLONE_INTO_CGROUP) already; writing
  // cgroup.procs again would be a second migration, which costs an RCU grace period
  // (~30 ms measured) for nothing.
  std::string p = std::to_string(pid);
  for (const auto& [ctl, dir] : v1_dirs()) BERTH_TRY(put(dir, "cgroup.procs", p));
  return {};
}

Result<void> Manager::freeze(bool frozen) const {
  if (mode_ == Mode::kDisabled) return BERTH_ERR(ENOTSUP, "pause: the container has no cgroup");
  if (std::string f = v1_dir("freezer"); !f.empty()) {
    const char* want = frozen ? "FROZEN" : "THAWED";
    BERTH_TRY(put(f, "freezer.state", want));
    bool ok = wait_until(
        [&] {
          auto s = read_file(f + "/freezer.state");
          if (s && s->rfind(want, 0) == 0) return true;
          // FREEZING sticks while a task resists; rewriting retries the freeze.
          if (frozen) (void)write_file(f + "/freezer.state", want);
          return false;
        },
        5000);
    if (!ok) return BERTH_ERR(EBUSY, "freezer: cgroup did not reach %s", want);
    return {};
  }
  std::string v2 = v2_dir();
  if (v2.empty() || ::access((v2 + "/cgroup.freeze").c_str(), F_OK) < 0)
    return BERTH_ERR(ENOTSUP, "pause: no freezer controller on this host");
  BERTH_TRY(put(v2, "cgroup.freeze", frozen ? "1" : "0"));
  std::string want = frozen ? "frozen 1" : "frozen 0";
  bool ok = wait_until(
      [&] {
        auto ev = read_file(v2 + "/cgroup.events");
        return ev && ev->find(want) != std::string::npos;
      },
      5000);
  if (!ok) return BERTH_ERR(EBUSY, "cgroup.freeze: cgroup did not reach \"%s\"", want.c_str());
  return {};
}

Result<std::vector<pid_t>> Manager::pids() const {
  std::vector<pid_t> out;
  std::string dir = v2_dir();
  if (mode_ != Mode::kV2) {
    dir = v1_dir("pids");
    if (dir.empty()) dir = v1_dir("freezer");
    if (dir.empty() && !v1_dirs().empty()) dir = v1_dirs().front().second;
  }
  if (dir.empty()) return out;
  if (::access(dir.c_str(), F_OK) < 0) return out;
  collect_pids(dir, out);
  return out;
}

Result<void> Manager::signal_all(int sig) const {
  std::string v2 = v2_dir();
  if (mode_ == Mode::kV2 && sig == SIGKILL && ::access((v2 + "/cgroup.kill").c_str(), F_OK) == 0)
    return put(v2, "cgroup.kill", "1");  // Linux 5.14: atomic, no fork race
  // Without cgroup.kill, freeze first so no process forks a new one between listing and
  // signalling, then thaw so the signals are delivered.
  bool frozen = static_cast<bool>(freeze(true));
  BERTH_TRY_ASSIGN(auto list, pids());
  for (pid_t p : list) ::kill(p, sig);
  if (frozen) BERTH_TRY(freeze(false));
  return {};
}

Result<void> Manager::destroy() const {
  if (mode_ == Mode::kDisabled) return {};
  Result<void> first;
  for (const auto& [ctl, dir] : v1_dirs())
    if (auto r = remove_tree(dir); !r && first) first = r;
  if (std::string v2 = v2_dir(); !v2.empty())
    if (auto r = remove_tree(v2); !r && first) first = r;
  return first;
}

}  // namespace berth::cgroups
