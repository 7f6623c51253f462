// `spec`: writes runc's default config.json (with berth's hostname), or its rootless
// variant, into the bundle directory. Refuses to overwrite an existing one, like runc.
#include <fcntl.h>
#include <oci/json.h>
#include <unistd.h>

#include "base/file.h"
#include "cli/commands.h"

namespace berth::cli {
namespace {

oci::Mount mnt(const char* dst, const char* type, const char* src, std::vector<std::string> opts) {
  oci::Mount m;
  m.destination = dst;
  m.type = type;
  m.source = src;
  if (!opts.empty()) m.options = std::move(opts);
  return m;
}

oci::Spec default_spec(bool rootless) {
  oci::Spec s;
  s.oci_version = "1.3.0";
  oci::Process p;
  p.terminal = true;
  p.args = {"sh"};
  p.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
  p.cwd = "/";
  std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  oci::Capabilities c;
  c.bounding = c.effective = c.permitted = caps;
  p.capabilities = c;
  p.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
  p.no_new_privileges = true;
  s.process = p;
  s.root = oci::Root{"rootfs", true};
  s.hostname = "berth";
  s.mounts = {
      mnt("/proc", "proc", "proc", {}),
      mnt("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mnt("/dev/pts", "devpts", "devpts",
          rootless ? std::vector<std::string>{"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                              "mode=0620"}
                   : std::vector<std::string>{"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                              "mode=0620", "gid=5"}),
      mnt("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mnt("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      rootless ? mnt("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"})
               : mnt("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mnt("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
  };
  oci::Linux l;
  if (rootless) {
    l.uid_mappings = {{0, static_cast<uint32_t>(::geteuid()), 1}};
    l.gid_mappings = {{0, static_cast<uint32_t>(::getegid()), 1}};
  } else {
    oci::Resources r;
    oci::DeviceCgroup deny;
    deny.allow = false;
    deny.access = "rwm";
    r.devices = std::vector<oci::DeviceCgroup>{deny};
    l.resources = r;
  }
  for (const char* t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
    if (rootless && std::string_view(t) == "network") continue;
    l.namespaces.push_back({t, std::nullopt});
  }
  if (rootless) l.namespaces.push_back({"user", std::nullopt});
  l.masked_paths = {"/proc/acpi",        "/proc/asound",      "/proc/kcore",
                    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                    "/proc/scsi"};
  l.readonly_paths = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  s.linux = l;
  return s;
}

}  // namespace

int cmd_spec(Context&, const Flags& f) {
  std::string dir = f.value("bundle", ".");
  std::string path = dir + "/config.json";
  if (::access(path.c_str(), F_OK) == 0)
    return report(Error::make(EEXIST, "File %s exists. Remove it first", "config.json"));
  std::string json = oci::write_config(default_spec(f.boolean("rootless")), true) + "\n";
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
  if (!fd) return report(Error::sys("create %s", path.c_str()));
  if (::write(fd.get(), json.data(), json.size()) != static_cast<ssize_t>(json.size()))
    return report(Error::sys("write %s", path.c_str()));
  return 0;
}

}  // namespace berth::cli
