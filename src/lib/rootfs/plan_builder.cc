// Spec -> rootfs::Plan (parent side). Checks what oci-spec's schema validation cannot:
// paths on this host, option semantics, device numbers.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>
#include <string_view>

#include "rootfs/plan.h"

#include "base/unprotect.h"
#include "rootfs/resolve.h"

namespace berth::rootfs {
namespace {

std::string join(const std::string& dir, const std::string& p) {
  if (!p.empty() && p[0] == '/') return p;
  if (dir.empty() || dir.back() == '/') return dir + p;
  return dir + "/" + p;
}

Result<std::string> absolute_dir(const std::string& bundle_dir) {
  if (!bundle_dir.empty() && bundle_dir[0] == '/') return bundle_dir;
  char cwd[PATH_MAX];
  if (!::getcwd(cwd, sizeof cwd)) return BERTH_SYS("getcwd");
  return join(cwd, bundle_dir.empty() ? std::string(".") : bundle_dir);
}

// config.md#root: "path is either an absolute path or a relative path to the bundle";
// "A directory MUST exist at the path declared by the field."
Result<std::string> resolve_root(const oci::Spec& spec, const std::string& bundle) {
  if (!spec.root) return BERTH_ERR(EINVAL, "root: required on Linux");
  const std::string& p = spec.root->path;
  if (p.empty()) return BERTH_ERR(EINVAL, "root.path: must not be empty");
  std::string abs = join(bundle, p);
  char real[PATH_MAX];
  struct stat st;
  if (!::realpath(abs.c_str(), real) || ::stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
    return BERTH_ERR(ENOENT, "root.path: %s: no such directory", abs.c_str());
  return std::string(real);
}

// Overlay's lowerdir/upperdir/workdir are host paths; relative ones are taken relative
// to the bundle (like bind sources) instead of the runtime's working directory.
std::string rewrite_overlay_data(const std::string& data, const std::string& bundle) {
  auto fix_list = [&](std::string_view list) {
    std::string out;
    std::size_t pos = 0;
    while (pos <= list.size()) {
      std::size_t next = pos;
      while (next < list.size() && !(list[next] == ':' && (next == 0 || list[next - 1] != '\\')))
        ++next;
      std::string item(list.substr(pos, next - pos));
      if (!out.empty() || pos > 0) out += ':';
      out += item.empty() ? item : join(bundle, item);
      pos = next + 1;
    }
    return out;
  };
  std::string out;
  std::size_t pos = 0;
  while (pos <= data.size()) {
    auto next = data.find(',', pos);
    if (next == std::string::npos) next = data.size();
    std::string opt = data.substr(pos, next - pos);
    pos = next + 1;
    for (std::string_view key : {"lowerdir=", "upperdir=", "workdir="}) {
      if (opt.rfind(key, 0) == 0) {
        opt = std::string(key) + fix_list(std::string_view(opt).substr(key.size()));
        break;
      }
    }
    if (!out.empty()) out += ',';
    out += opt;
  }
  return out;
}

Result<MountOp> build_mount(const oci::Mount& m, std::size_t i, const std::string& bundle) {
  MountOp op;
  op.index = i;
  if (m.destination.empty())
    return BERTH_ERR(EINVAL, "mounts[%zu].destination: must not be empty", i);
  // config.md lets a runtime interpret a relative destination from "/", but a relative
  // path is almost always a mistake in the bundle; berth refuses it, as runc 1.1 does.
  if (m.destination[0] != '/')
    return BERTH_ERR(EINVAL, "mounts[%zu].destination: must be an absolute path, got \"%s\"", i,
                     m.destination.c_str());
  op.destination = clean_path(m.destination);
  if (op.destination == "/")
    return BERTH_ERR(EINVAL, "mounts[%zu].destination: cannot mount over the container's \"/\"",
                     i);
  static const std::vector<std::string> kNoOptions;
  auto parsed = parse_mount_options(m.options ? *m.options : kNoOptions);
  if (!parsed) return fail(parsed.error().wrap("mounts[" + std::to_string(i) + "].options"));
  op.options = std::move(*parsed);
  op.type = m.type.value_or("");
  // runc and crun treat type "bind" as a bind mount even without the option.
  op.is_bind = op.options.bind || op.type == "bind";
  op.is_recursive = op.options.recursive;
  if (op.options.idmap || op.options.ridmap)
    return BERTH_ERR(ENOTSUP, "mounts[%zu].options: idmapped mounts (\"%s\") are not supported yet",
                     i, op.options.ridmap ? "ridmap" : "idmap");
  if (!m.uid_mappings.empty() || !m.gid_mappings.empty())
    return BERTH_ERR(ENOTSUP, "mounts[%zu].uidMappings: idmapped mounts are not supported yet", i);
  if (op.options.tmpcopyup && op.type != "tmpfs")
    return BERTH_ERR(EINVAL, "mounts[%zu].options: \"tmpcopyup\" needs type \"tmpfs\", not \"%s\"",
                     i, op.type.c_str());
  if (op.is_bind) {
    if (!m.source || m.source->empty())
      return BERTH_ERR(EINVAL, "mounts[%zu].source: required for a bind mount", i);
    // config.md: "Path values for bind mounts are either absolute or relative to the bundle."
    op.source = join(bundle, *m.source);
    struct stat st;
    if (::stat(op.source.c_str(), &st) < 0)
      return BERTH_SYS("mounts[%zu].source: %s", i, op.source.c_str());
  } else {
    if (op.type.empty() && !op.options.remount)
      return BERTH_ERR(EINVAL, "mounts[%zu].type: required for a mount that is not a bind mount",
                       i);
    op.source = m.source.value_or(op.type);
    if (op.type == "overlay") op.options.data = rewrite_overlay_data(op.options.data, bundle);
  }
  return op;
}

struct DefaultDevice {
  const char* path;
  unsigned major, minor;
};
// config-linux.md#configLinuxDefaultDevices (/dev/console and /dev/ptmx are handled apart).
constexpr DefaultDevice kDefaultDevices[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},
                                             {"/dev/full", 1, 7},    {"/dev/random", 1, 8},
                                             {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};

Result<DeviceOp> build_device(const oci::Device& d, std::size_t i) {
  DeviceOp op;
  op.spec_index = static_cast<int>(i);
  if (d.type == "c" || d.type == "u")
    op.type = S_IFCHR;
  else if (d.type == "b")
    op.type = S_IFBLK;
  else if (d.type == "p")
    op.type = S_IFIFO;
  else
    return BERTH_ERR(EINVAL, "linux.devices[%zu].type: unknown device type \"%s\"", i,
                     d.type.c_str());
  if (d.path.empty() || d.path[0] != '/')
    return BERTH_ERR(EINVAL, "linux.devices[%zu].path: \"%s\" is not an absolute path", i,
                     d.path.c_str());
  op.path = clean_path(d.path);
  if (op.path == "/" || op.path == "/dev")
    return BERTH_ERR(EINVAL, "linux.devices[%zu].path: \"%s\" cannot be a device", i,
                     d.path.c_str());
  if (op.type != S_IFIFO) {
    if (!d.major) return BERTH_ERR(EINVAL, "linux.devices[%zu].major: required for type \"%s\"",
                                   i, d.type.c_str());
    if (!d.minor) return BERTH_ERR(EINVAL, "linux.devices[%zu].minor: required for type \"%s\"",
                                   i, d.type.c_str());
    if (*d.major < 0 || *d.major > 0xffffffffLL)
      return BERTH_ERR(EINVAL, "linux.devices[%zu].major: %lld out of range", i,
                       static_cast<long long>(*d.major));
    if (*d.minor < 0 || *d.minor > 0xffffffffLL)
      return BERTH_ERR(EINVAL, "linux.devices[%zu].minor: %lld out of range", i,
                       static_cast<long long>(*d.minor));
    op.rdev = makedev(static_cast<unsigned>(*d.major), static_cast<unsigned>(*d.minor));
  }
  if (d.file_mode) {
    uint32_t m = *d.file_mode;
    if (m & ~static_cast<uint32_t>(S_IFMT | 07777))
      return BERTH_ERR(EINVAL, "linux.devices[%zu].fileMode: %u has unknown bits", i, m);
    // fileMode may carry the file type bits (e.g. 8630 = S_IFCHR|0666); they must agree.
    if ((m & S_IFMT) != 0 && (m & S_IFMT) != op.type)
      return BERTH_ERR(EINVAL, "linux.devices[%zu].fileMode: file type bits do not match type \"%s\"",
                       i, d.type.c_str());
    op.mode = m & 07777;
  }
  op.uid = d.uid.value_or(0);
  op.gid = d.gid.value_or(0);
  return op;
}

Result<std::vector<std::string>> clean_list(const std::vector<std::string>& in, const char* field) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i].empty() || in[i][0] != '/')
      return BERTH_ERR(EINVAL, "%s[%zu]: \"%s\" is not an absolute path", field, i, in[i].c_str());
    out.push_back(clean_path(in[i]));
  }
  return out;
}

}  // namespace

Result<Plan> build_plan(const oci::Spec& spec, const std::string& bundle_dir, bool no_pivot) {
  Plan plan;
  plan.no_pivot = no_pivot;
  BERTH_TRY_ASSIGN(std::string bundle, absolute_dir(bundle_dir));
  BERTH_TRY_ASSIGN(plan.rootfs, resolve_root(spec, bundle));
  plan.readonly = spec.root->readonly.value_or(false);
  plan.console = spec.process && spec.process->terminal.value_or(false);

  UniqueFd rootfs_fd(::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfs_fd) return BERTH_SYS("root.path: open %s", plan.rootfs.c_str());
  for (std::size_t i = 0; i < spec.mounts.size(); ++i) {
    BERTH_TRY_ASSIGN(MountOp op, build_mount(spec.mounts[i], i, bundle));
    if (op.destination == "/dev") {
      plan.dev_mounted = true;
      // Devices are created after every mount, so a later non-bind /dev turns it back on.
      plan.setup_dev = !op.is_bind;
      if (op.type == "tmpfs" && (op.options.flags & MS_RDONLY)) {
        op.options.flags &= ~MS_RDONLY;
        op.defer_rdonly = true;
      }
    }
    plan.mounts.push_back(std::move(op));
  }

  for (const auto& d : kDefaultDevices) {
    DeviceOp op;
    op.path = d.path;
    op.type = S_IFCHR;
    op.rdev = makedev(d.major, d.minor);
    plan.devices.push_back(std::move(op));
  }
  if (spec.linux) {
    const auto& lx = *spec.linux;
    for (std::size_t i = 0; i < lx.devices.size(); ++i) {
      BERTH_TRY_ASSIGN(DeviceOp op, build_device(lx.devices[i], i));
      bool replaced = false;
      for (auto& existing : plan.devices) {
        if (existing.path != op.path) continue;
        if (existing.spec_index >= 0)
          return BERTH_ERR(EINVAL, "linux.devices[%zu].path: \"%s\" already used by linux.devices[%d]",
                           i, op.path.c_str(), existing.spec_index);
        existing = op;  // a spec device on a default path overrides the default
        replaced = true;
        break;
      }
      if (!replaced) plan.devices.push_back(std::move(op));
    }
    if (lx.rootfs_propagation && !lx.rootfs_propagation->empty()) {
      plan.root_propagation = propagation_from_name(*lx.rootfs_propagation);
      if (plan.root_propagation == 0)
        return BERTH_ERR(EINVAL, "linux.rootfsPropagation: unknown propagation \"%s\"",
                         lx.rootfs_propagation->c_str());
    }
    BERTH_TRY_ASSIGN(plan.masked_paths, clean_list(lx.masked_paths, "linux.maskedPaths"));
    BERTH_TRY_ASSIGN(plan.readonly_paths, clean_list(lx.readonly_paths, "linux.readonlyPaths"));
  }
  return plan;
}

}  // namespace berth::rootfs
