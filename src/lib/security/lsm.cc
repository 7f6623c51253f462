#include "security/lsm.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "attrs/procfs.h"
#include "base/file.h"
#include "base/unprotect.h"

namespace berth::security {
namespace {

bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }

// A loaded profile appears as "name (enforce)" / "name (complain)" / "name (kill)" ...
bool profile_loaded(const std::string& list, const std::string& name) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t end = list.find('\n', pos);
    if (end == std::string::npos) end = list.size();
    std::string_view line(list.data() + pos, end - pos);
    if (line.size() > name.size() && line.substr(0, name.size()) == name &&
        line.substr(name.size(), 2) == " (")
      return true;
    pos = end + 1;
  }
  return false;
}

// Opens <attr> of the calling process on the real procfs: "/proc" must be procfs, and the
// file is reached without crossing onto any other mount (attrs/procfs.h).
Result<UniqueFd> open_attr(const char* rel) {
  if (unprotected("procfs-write")) {
    std::string p = std::string("/proc/") + rel;
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return BERTH_SYS("open %s", p.c_str());
    return fd;
  }
  BERTH_TRY_ASSIGN(UniqueFd proc, attrs::open_procfs_dir("/proc"));
  return attrs::open_procfs_file(proc.get(), rel, O_WRONLY, true);
}

Result<void> write_attr(const char* rel, const std::string& value, const char* field) {
  auto fd = open_attr(rel);
  if (!fd) return fail(fd.error().wrap(field));
  if (auto r = attrs::write_all_once(fd->get(), value.data(), value.size()); !r)
    return fail(r.error().wrap(field));
  return {};
}

}  // namespace

LsmHost detect_lsm_host(const std::string& sysfs_root) {
  LsmHost h;
  // runc's test: the module parameter says "Y".
  if (auto v = read_file(sysfs_root + "/module/apparmor/parameters/enabled"))
    h.apparmor = !v->empty() && (*v)[0] == 'Y';
  if (h.apparmor) {
    if (auto v = read_file(sysfs_root + "/kernel/security/apparmor/profiles"))
      h.apparmor_profiles = std::move(*v);
  }
  // selinuxfs is mounted at /sys/fs/selinux when SELinux is enabled.
  h.selinux = exists(sysfs_root + "/fs/selinux/enforce");
  return h;
}

Result<LsmPlan> plan_lsm(const oci::Spec& spec, const LsmHost& host) {
  LsmPlan p;
  if (spec.process && spec.process->apparmor_profile && !spec.process->apparmor_profile->empty()) {
    const std::string& name = *spec.process->apparmor_profile;
    if (host.apparmor) {
      // "unconfined" is built in and never listed.
      if (name != "unconfined" && !host.apparmor_profiles.empty() &&
          !profile_loaded(host.apparmor_profiles, name))
        return BERTH_ERR(ENOENT, "process.apparmorProfile: profile \"%s\" is not loaded",
                         name.c_str());
      p.apparmor_profile = name;
    }
  }
  if (spec.process && spec.process->selinux_label && !spec.process->selinux_label->empty()) {
    if (!host.selinux)
      return BERTH_ERR(EINVAL, "process.selinuxLabel: SELinux is not enabled on this host");
    p.selinux_label = *spec.process->selinux_label;
  }
  if (spec.linux && spec.linux->mount_label && !spec.linux->mount_label->empty()) {
    if (!host.selinux)
      return BERTH_ERR(EINVAL, "linux.mountLabel: SELinux is not enabled on this host");
    p.mount_label = *spec.linux->mount_label;
  }
  return p;
}

std::string with_mount_label(const std::string& fstype, const std::string& data,
                             const std::string& label) {
  // Filesystems without xattr labelling take their context from the mount; proc, sysfs,
  // cgroup and binds keep the policy's labels (a context= there fails or relabels the host).
  static constexpr const char* kTypes[] = {"tmpfs", "devpts", "mqueue", "shm", "ramfs"};
  if (label.empty() || data.find("context=") != std::string::npos) return data;
  bool takes = false;
  for (const char* t : kTypes) takes = takes || fstype == t;
  if (!takes) return data;
  std::string opt = "context=\"" + label + "\"";
  return data.empty() ? opt : data + "," + opt;
}

Result<void> apply_exec_labels(const LsmPlan& plan) {
  if (!plan.apparmor_profile.empty()) {
    // Newer kernels have a per-LSM directory; /proc/self/attr/exec is the older interface.
    std::string v = "exec " + plan.apparmor_profile;
    const char* rel = "self/attr/apparmor/exec";
    if (::access("/proc/self/attr/apparmor", F_OK) != 0) rel = "self/attr/exec";
    if (auto r = write_attr(rel, v, "process.apparmorProfile"); !r) {
      if (r.error().code() == ENOENT)
        return BERTH_ERR(ENOENT, "process.apparmorProfile: profile \"%s\" is not loaded",
                         plan.apparmor_profile.c_str());
      return r;
    }
  }
  if (!plan.selinux_label.empty())
    BERTH_TRY(write_attr("self/attr/exec", plan.selinux_label, "process.selinuxLabel"));
  return {};
}

}  // namespace berth::security
