// User identity: see identity.h.
#include "security/identity.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "base/unique_fd.h"

namespace berth::security {
namespace {

// user_namespaces(7): after "deny" is written to /proc/<pid>/setgroups, setgroups(2)
// fails with EPERM even for a process with CAP_SETGID in the namespace.
bool setgroups_denied() {
  UniqueFd fd(::open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return false;
  char buf[16] = {};
  ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
  return n >= 4 && std::string_view(buf, 4) == "deny";
}

Result<void> apply_groups(const Identity& id) {
  if (::setgroups(id.additional_gids.size(), id.additional_gids.data()) == 0) return {};
  if (errno == EPERM && setgroups_denied()) {
    if (id.additional_gids.empty()) return {};  // nothing to drop: we are already groupless
    return BERTH_ERR(EPERM, "process.user.additionalGids: setgroups is denied in this user "
                            "namespace (/proc/self/setgroups is \"deny\")");
  }
  return BERTH_SYS("process.user.additionalGids: setgroups(%zu groups)",
                   id.additional_gids.size());
}

}  // namespace

Identity build_identity(const oci::Spec& spec) {
  Identity id;
  if (!spec.process) return id;
  const oci::User& u = spec.process->user;
  id.uid = static_cast<uid_t>(u.uid);
  id.gid = static_cast<gid_t>(u.gid);
  id.additional_gids.assign(u.additional_gids.begin(), u.additional_gids.end());
  return id;
}

Result<void> apply_identity(const Identity& id, const CapsPlan& caps) {
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return BERTH_SYS("prctl(PR_SET_KEEPCAPS, 1)");
  // Bounding set first: PR_CAPBSET_DROP needs CAP_SETPCAP in the effective set, and
  // setresuid() to a non-zero uid empties the effective set (KEEPCAPS keeps only the
  // permitted set).
  BERTH_TRY(drop_bounding_set(caps));
  BERTH_TRY(apply_groups(id));
  // gid before uid: once the uid is non-zero, CAP_SETGID is no longer effective.
  if (::setresgid(id.gid, id.gid, id.gid) != 0)
    return BERTH_SYS("process.user.gid: setresgid(%u)", static_cast<unsigned>(id.gid));
  if (::setresuid(id.uid, id.uid, id.uid) != 0)
    return BERTH_SYS("process.user.uid: setresuid(%u)", static_cast<unsigned>(id.uid));
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return BERTH_SYS("prctl(PR_SET_KEEPCAPS, 0)");
  // capset() can re-raise effective from the permitted set that KEEPCAPS preserved.
  BERTH_TRY(apply_caps(caps));
  return {};
}

std::string find_home_in_passwd(std::string_view passwd, uid_t uid) {
  while (!passwd.empty()) {
    std::size_t nl = passwd.find('\n');
    std::string_view line = passwd.substr(0, nl);
    passwd = nl == std::string_view::npos ? std::string_view() : passwd.substr(nl + 1);
    // name:password:uid:gid:gecos:home:shell (passwd(5)).
    std::string_view field[7];
    int n = 0;
    while (n < 7) {
      std::size_t c = line.find(':');
      field[n++] = line.substr(0, c);
      if (c == std::string_view::npos) break;
      line = line.substr(c + 1);
    }
    if (n < 6) continue;
    unsigned long v = 0;
    auto [p, ec] = std::from_chars(field[2].data(), field[2].data() + field[2].size(), v);
    if (field[2].empty() || ec != std::errc() || p != field[2].data() + field[2].size()) continue;
    if (v == uid) return std::string(field[5]);
  }
  return {};
}

Result<void> set_home_env(std::vector<std::string>& env, uid_t uid) {
  for (const auto& e : env)
    if (e.compare(0, 5, "HOME=") == 0) return {};
  std::string home;
  // O_NONBLOCK: a FIFO planted at /etc/passwd must not hang the runtime.
  UniqueFd fd(::open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st;
  if (fd && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode)) {
    std::string text;
    text.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), kMaxPasswdSize));
    std::size_t got = 0;
    while (got < text.size()) {
      ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    home = find_home_in_passwd(text, uid);
  }
  // A missing, unreadable or odd /etc/passwd is normal for minimal images: fall back.
  // Built by append: g++ 12's -Wrestrict misfires on `home = "/"` and `"HOME=" + home`.
  std::string var = "HOME=";
  var.append(home.empty() ? std::string_view("/") : std::string_view(home));
  env.push_back(std::move(var));
  return {};
}

}  // namespace berth::security
