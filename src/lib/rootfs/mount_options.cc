#include "rootfs/mount_options.h"

#include <linux/mount.h>

#include <array>

namespace berth::rootfs {
namespace {

enum class Kind {
  kFlag,         // MS_* set/clear
  kAtime,        // classic atime mode: sets one of NOATIME/RELATIME/STRICTATIME exclusively
  kRecAttr,      // MOUNT_ATTR_* set/clear, applied with AT_RECURSIVE
  kRecAtime,     // recursive atime mode (MOUNT_ATTR__ATIME is an enum, not bits)
  kPropagation,  // MS_SHARED/... [| MS_REC]
  kBind,
  kRbind,
  kRemount,
  kTmpcopyup,
  kIdmap,
  kRidmap,
  kNone,  // "defaults"
};

struct Entry {
  std::string_view name;
  Kind kind;
  unsigned long set = 0;  // MS_* or MOUNT_ATTR_* (or the atime mode)
  unsigned long clr = 0;
};

constexpr unsigned long kAtimeBits = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

// Every option of the config.md table, plus "nosymfollow"/"symfollow" and "remount".
// Descriptions follow mount(8) ("FILESYSTEM-INDEPENDENT MOUNT OPTIONS").
constexpr std::array kTable = {
    Entry{"async", Kind::kFlag, 0, MS_SYNCHRONOUS},
    Entry{"atime", Kind::kFlag, 0, MS_NOATIME},
    Entry{"bind", Kind::kBind},
    Entry{"defaults", Kind::kNone},
    Entry{"dev", Kind::kFlag, 0, MS_NODEV},
    Entry{"diratime", Kind::kFlag, 0, MS_NODIRATIME},
    Entry{"dirsync", Kind::kFlag, MS_DIRSYNC, 0},
    Entry{"exec", Kind::kFlag, 0, MS_NOEXEC},
    Entry{"iversion", Kind::kFlag, MS_I_VERSION, 0},
    Entry{"lazytime", Kind::kFlag, MS_LAZYTIME, 0},
    Entry{"loud", Kind::kFlag, 0, MS_SILENT},
    Entry{"mand", Kind::kFlag, MS_MANDLOCK, 0},
    Entry{"noatime", Kind::kAtime, MS_NOATIME, 0},
    Entry{"nodev", Kind::kFlag, MS_NODEV, 0},
    Entry{"nodiratime", Kind::kFlag, MS_NODIRATIME, 0},
    Entry{"noexec", Kind::kFlag, MS_NOEXEC, 0},
    Entry{"noiversion", Kind::kFlag, 0, MS_I_VERSION},
    Entry{"nolazytime", Kind::kFlag, 0, MS_LAZYTIME},
    Entry{"nomand", Kind::kFlag, 0, MS_MANDLOCK},
    Entry{"norelatime", Kind::kFlag, 0, MS_RELATIME},
    Entry{"nostrictatime", Kind::kFlag, 0, MS_STRICTATIME},
    Entry{"nosuid", Kind::kFlag, MS_NOSUID, 0},
    Entry{"nosymfollow", Kind::kFlag, MS_NOSYMFOLLOW, 0},
    Entry{"private", Kind::kPropagation, MS_PRIVATE, 0},
    Entry{"ratime", Kind::kRecAtime, MOUNT_ATTR_RELATIME, 0},
    Entry{"rbind", Kind::kRbind},
    Entry{"rdev", Kind::kRecAttr, 0, MOUNT_ATTR_NODEV},
    Entry{"rdiratime", Kind::kRecAttr, 0, MOUNT_ATTR_NODIRATIME},
    Entry{"relatime", Kind::kAtime, MS_RELATIME, 0},
    Entry{"remount", Kind::kRemount},
    Entry{"rexec", Kind::kRecAttr, 0, MOUNT_ATTR_NOEXEC},
    Entry{"rnoatime", Kind::kRecAtime, MOUNT_ATTR_NOATIME, 0},
    Entry{"rnodev", Kind::kRecAttr, MOUNT_ATTR_NODEV, 0},
    Entry{"rnodiratime", Kind::kRecAttr, MOUNT_ATTR_NODIRATIME, 0},
    Entry{"rnoexec", Kind::kRecAttr, MOUNT_ATTR_NOEXEC, 0},
    // "not relatime" leaves only the other mode that updates atime: strictatime.
    Entry{"rnorelatime", Kind::kRecAtime, MOUNT_ATTR_STRICTATIME, 0},
    Entry{"rnostrictatime", Kind::kRecAtime, MOUNT_ATTR_RELATIME, 0},
    Entry{"rnosuid", Kind::kRecAttr, MOUNT_ATTR_NOSUID, 0},
    Entry{"rnosymfollow", Kind::kRecAttr, MOUNT_ATTR_NOSYMFOLLOW, 0},
    Entry{"ro", Kind::kFlag, MS_RDONLY, 0},
    Entry{"rprivate", Kind::kPropagation, MS_PRIVATE | MS_REC, 0},
    Entry{"rrelatime", Kind::kRecAtime, MOUNT_ATTR_RELATIME, 0},
    Entry{"rro", Kind::kRecAttr, MOUNT_ATTR_RDONLY, 0},
    Entry{"rrw", Kind::kRecAttr, 0, MOUNT_ATTR_RDONLY},
    Entry{"rshared", Kind::kPropagation, MS_SHARED | MS_REC, 0},
    Entry{"rslave", Kind::kPropagation, MS_SLAVE | MS_REC, 0},
    Entry{"rstrictatime", Kind::kRecAtime, MOUNT_ATTR_STRICTATIME, 0},
    Entry{"rsuid", Kind::kRecAttr, 0, MOUNT_ATTR_NOSUID},
    Entry{"rsymfollow", Kind::kRecAttr, 0, MOUNT_ATTR_NOSYMFOLLOW},
    Entry{"runbindable", Kind::kPropagation, MS_UNBINDABLE | MS_REC, 0},
    Entry{"rw", Kind::kFlag, 0, MS_RDONLY},
    Entry{"shared", Kind::kPropagation, MS_SHARED, 0},
    Entry{"silent", Kind::kFlag, MS_SILENT, 0},
    Entry{"slave", Kind::kPropagation, MS_SLAVE, 0},
    Entry{"strictatime", Kind::kAtime, MS_STRICTATIME, 0},
    Entry{"suid", Kind::kFlag, 0, MS_NOSUID},
    Entry{"symfollow", Kind::kFlag, 0, MS_NOSYMFOLLOW},
    Entry{"sync", Kind::kFlag, MS_SYNCHRONOUS, 0},
    Entry{"tmpcopyup", Kind::kTmpcopyup},
    Entry{"unbindable", Kind::kPropagation, MS_UNBINDABLE, 0},
    Entry{"idmap", Kind::kIdmap},
    Entry{"ridmap", Kind::kRidmap},
};

const Entry* find(std::string_view name) {
  for (const auto& e : kTable)
    if (e.name == name) return &e;
  return nullptr;
}

void apply(const Entry& e, ParsedOptions& o) {
  switch (e.kind) {
    case Kind::kFlag:
      o.flags = (o.flags | e.set) & ~e.clr;
      o.cleared = (o.cleared | e.clr) & ~e.set;
      break;
    case Kind::kAtime:
      // The atime options name one mode; the last one given wins (mount(8) would OR
      // the bits and let the kernel pick strictatime > noatime > relatime).
      o.flags = (o.flags & ~kAtimeBits) | e.set;
      o.cleared = (o.cleared | (kAtimeBits & ~e.set)) & ~e.set;
      break;
    case Kind::kRecAttr:
      o.attr_set = (o.attr_set | e.set) & ~e.clr;
      o.attr_clr = (o.attr_clr | e.clr) & ~e.set;
      break;
    case Kind::kRecAtime:
      // mount_setattr(2): to change the atime mode, MOUNT_ATTR__ATIME goes in attr_clr
      // and the mode in attr_set.
      o.attr_set = (o.attr_set & ~static_cast<uint64_t>(MOUNT_ATTR__ATIME)) | e.set;
      o.attr_clr |= MOUNT_ATTR__ATIME;
      break;
    case Kind::kPropagation: o.propagation.push_back(e.set); break;
    case Kind::kBind: o.bind = true; break;
    case Kind::kRbind: o.bind = o.recursive = true; break;
    case Kind::kRemount: o.remount = true; break;
    case Kind::kTmpcopyup: o.tmpcopyup = true; break;
    case Kind::kIdmap: o.idmap = true; break;
    case Kind::kRidmap: o.ridmap = true; break;
    case Kind::kNone: break;
  }
}

}  // namespace

Result<ParsedOptions> parse_mount_options(const std::vector<std::string>& options) {
  ParsedOptions o;
  for (const auto& opt : options) {
    if (opt.empty()) return BERTH_ERR(EINVAL, "empty mount option");
    if (const Entry* e = find(opt)) {
      apply(*e, o);
      continue;
    }
    auto eq = opt.find('=');
    if (eq != std::string::npos && find(std::string_view(opt).substr(0, eq)))
      return BERTH_ERR(EINVAL, "mount option \"%.*s\" takes no value", static_cast<int>(eq),
                       opt.c_str());
    if (!o.data.empty()) o.data += ',';
    o.data += opt;
  }
  if (o.idmap && o.ridmap)
    return BERTH_ERR(EINVAL, "mount options \"idmap\" and \"ridmap\" are mutually exclusive");
  return o;
}

void ms_to_mount_attr(unsigned long flags, unsigned long cleared, uint64_t* set, uint64_t* clr) {
  struct Bit {
    unsigned long ms;
    uint64_t attr;
  };
  constexpr Bit kBits[] = {{MS_RDONLY, MOUNT_ATTR_RDONLY},
                           {MS_NOSUID, MOUNT_ATTR_NOSUID},
                           {MS_NODEV, MOUNT_ATTR_NODEV},
                           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
                           {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
                           {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW}};
  *set = *clr = 0;
  for (const auto& b : kBits) {
    if (flags & b.ms) *set |= b.attr;
    if (cleared & b.ms) *clr |= b.attr;
  }
  // atime: the kernel's mount(2) precedence, then the "no<mode>" options fall back to
  // the mode that remains ("atime", "nostrictatime" -> relatime; "norelatime" -> strict).
  int mode = -1;
  if (flags & MS_STRICTATIME)
    mode = MOUNT_ATTR_STRICTATIME;
  else if (flags & MS_NOATIME)
    mode = MOUNT_ATTR_NOATIME;
  else if (flags & MS_RELATIME)
    mode = MOUNT_ATTR_RELATIME;
  else if (cleared & (MS_NOATIME | MS_STRICTATIME))
    mode = MOUNT_ATTR_RELATIME;
  else if (cleared & MS_RELATIME)
    mode = MOUNT_ATTR_STRICTATIME;
  if (mode >= 0) {
    *clr |= MOUNT_ATTR__ATIME;
    *set |= static_cast<uint64_t>(mode);
  }
}

unsigned long propagation_from_name(std::string_view name) {
  const Entry* e = find(name);
  return e && e->kind == Kind::kPropagation ? e->set : 0;
}

}  // namespace berth::rootfs
