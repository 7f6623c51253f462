// See lsm.h. Parent side: host checks and mount labels; child side: the exec-label writes.
#include "security/lsm.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "base/file.h"
#include "base/log.h"

namespace berth::security {
namespace {

constexpr unsigned long kSelinuxMagic = 0xf97cff8c;  // linux/magic.h SELINUX_MAGIC

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

bool apparmor_enabled(const std::string& sysroot) {
  auto text = read_file(sysroot + "/sys/module/apparmor/parameters/enabled");
  return text && !text->empty() && (*text)[0] == 'Y';
}

bool selinux_enabled(const std::string& sysroot) {
  const std::string dir = sysroot + "/sys/fs/selinux";
  if (exists(dir + "/enforce")) return true;
  struct statfs st;
  return ::statfs(dir.c_str(), &st) == 0 && static_cast<unsigned long>(st.f_type) == kSelinuxMagic;
}

std::optional<bool> apparmor_profile_loaded(const std::string& profile,
                                            const std::string& sysroot) {
  auto text = read_file(sysroot + "/sys/kernel/security/apparmor/profiles");
  if (!text) return std::nullopt;
  // One "name (mode)" per line; a name may itself contain spaces, so match up to " (".
  std::size_t pos = 0;
  while (pos < text->size()) {
    std::size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    std::string_view line(text->data() + pos, end - pos);
    std::size_t mode = line.rfind(" (");
    if (line.substr(0, mode == std::string_view::npos ? line.size() : mode) == profile)
      return true;
    pos = end + 1;
  }
  return false;
}

std::string format_mount_label(const std::string& data, const std::string& label) {
  std::string opt = "context=\"" + label + "\"";
  return data.empty() ? opt : data + "," + opt;
}

bool mount_takes_label(const rootfs::MountOp& op) {
  if (op.is_bind || op.options.remount) return false;
  for (const char* t : {"proc", "sysfs", "cgroup", "cgroup2", "mqueue"})
    if (op.type == t) return false;
  return true;
}

Result<LsmPlan> build_lsm_plan(const oci::Spec& spec, rootfs::Plan& rootfs,
                               const std::string& sysroot) {
  LsmPlan plan;
  const oci::Process* proc = spec.process ? &*spec.process : nullptr;
  if (proc && proc->apparmor_profile && !proc->apparmor_profile->empty()) {
    const std::string& name = *proc->apparmor_profile;
    if (!apparmor_enabled(sysroot)) {
      BERTH_WARN("process.apparmorProfile: AppArmor is not enabled on this host; "
                 "ignoring profile \"%s\"", name.c_str());
    } else {
      // The kernel parses the written text as "exec <name>"; a newline or NUL would end
      // the name early and apply some other profile.
      if (name.find_first_of(std::string_view("\n\0", 2)) != std::string::npos)
        return BERTH_ERR(EINVAL, "process.apparmorProfile: invalid profile name");
      // "unconfined" is built in and never listed.
      if (name != "unconfined" && apparmor_profile_loaded(name, sysroot) == false)
        return BERTH_ERR(ENOENT, "process.apparmorProfile: profile \"%s\" is not loaded",
                         name.c_str());
      plan.apparmor_profile = name;
    }
  }
  const bool want_label = proc && proc->selinux_label && !proc->selinux_label->empty();
  const bool want_mount = spec.linux && spec.linux->mount_label && !spec.linux->mount_label->empty();
  if ((want_label || want_mount) && !selinux_enabled(sysroot))
    return BERTH_ERR(ENOTSUP, "%s: SELinux is not enabled on this host",
                     want_label ? "process.selinuxLabel" : "linux.mountLabel");
  if (want_label) {
    if (proc->selinux_label->find('\0') != std::string::npos)
      return BERTH_ERR(EINVAL, "process.selinuxLabel: invalid label");
    plan.selinux_label = *proc->selinux_label;
  }
  if (want_mount) {
    const std::string& label = *spec.linux->mount_label;
    // The label is quoted in the mount data; a quote or a comma would end the option.
    if (label.find_first_of(std::string_view("\",\0", 3)) != std::string::npos)
      return BERTH_ERR(EINVAL, "linux.mountLabel: invalid label \"%s\"", label.c_str());
    for (auto& op : rootfs.mounts)
      if (mount_takes_label(op)) op.options.data = format_mount_label(op.options.data, label);
  }
  return plan;
}

Result<void> open_lsm_attrs(const LsmPlan& plan, const attrs::Root& root, LsmFds& fds) {
  if (!plan.apparmor_profile.empty()) {
    // Linux 5.8+ has a directory per LSM; older kernels only the shared attr/exec.
    auto fd = attrs::open_self_file(root, "attr/apparmor/exec", O_WRONLY);
    if (!fd && fd.error().code() == ENOENT)
      fd = attrs::open_self_file(root, "attr/exec", O_WRONLY);
    if (!fd) return fail(fd.error().wrap("process.apparmorProfile"));
    fds.apparmor = std::move(*fd);
  }
  if (!plan.selinux_label.empty()) {
    auto fd = attrs::open_self_file(root, "attr/exec", O_WRONLY);
    if (!fd) return fail(fd.error().wrap("process.selinuxLabel"));
    fds.selinux = std::move(*fd);
  }
  return {};
}

Result<void> apply_lsm(const LsmPlan& plan, LsmFds& fds) {
  if (fds.apparmor) {
    char buf[4096];
    int n = std::snprintf(buf, sizeof buf, "exec %s", plan.apparmor_profile.c_str());
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof buf)
      return BERTH_ERR(ENAMETOOLONG, "process.apparmorProfile: profile name too long");
    auto w = attrs::write_all_once(fds.apparmor.get(), buf, static_cast<std::size_t>(n));
    if (!w && w.error().code() == ENOENT)
      return BERTH_ERR(ENOENT, "process.apparmorProfile: profile \"%s\" is not loaded",
                       plan.apparmor_profile.c_str());
    if (!w) return fail(w.error().wrap("process.apparmorProfile"));
    fds.apparmor.reset();
  }
  if (fds.selinux) {
    auto w = attrs::write_all_once(fds.selinux.get(), plan.selinux_label.data(),
                                   plan.selinux_label.size());
    if (!w) return fail(w.error().wrap("process.selinuxLabel"));
    fds.selinux.reset();
  }
  return {};
}

}  // namespace berth::security
