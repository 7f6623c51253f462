#include "cgroups/hierarchy.h"

#include "base/file.h"

namespace berth::cgroups {

bool Hierarchy::has(std::string_view controller) const {
  std::size_t pos = 0;
  while (pos <= controllers.size()) {
    auto end = controllers.find(',', pos);
    if (end == std::string::npos) end = controllers.size();
    if (std::string_view(controllers).substr(pos, end - pos) == controller) return true;
    pos = end + 1;
  }
  return false;
}

std::vector<Hierarchy> parse_v1_hierarchies(std::string_view text) {
  std::vector<Hierarchy> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    // "<id> <parent> <maj:min> <root> <mount point> <opts> [tags] - <fstype> <source> <super>"
    auto dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    std::string_view tail = line.substr(dash + 3);
    if (tail.rfind("cgroup ", 0) != 0) continue;
    std::string_view super = tail.substr(tail.rfind(' ') + 1);
    std::string_view head = line.substr(0, dash);
    std::size_t f = 0;
    std::string_view mnt;
    for (int field = 0; field < 5; ++field) {
      auto sp = head.find(' ', f);
      if (field == 4) mnt = head.substr(f, sp == std::string_view::npos ? head.npos : sp - f);
      f = sp + 1;
    }
    Hierarchy h;
    h.mount_point = std::string(mnt);
    std::size_t p = 0;
    while (p <= super.size()) {
      auto end = super.find(',', p);
      if (end == std::string_view::npos) end = super.size();
      std::string_view opt = super.substr(p, end - p);
      p = end + 1;
      if (opt.empty() || opt == "rw" || opt == "ro" || opt == "noprefix" || opt == "xattr" ||
          opt == "clone_children" || opt == "cpuset_v2_mode" || opt.rfind("release_agent=", 0) == 0)
        continue;
      if (!h.controllers.empty()) h.controllers += ",";
      h.controllers += std::string(opt);
    }
    out.push_back(std::move(h));
  }
  return out;
}

const std::vector<Hierarchy>& v1_hierarchies() {
  static const std::vector<Hierarchy> h = [] {
    auto text = read_file("/proc/self/mountinfo");
    return text ? parse_v1_hierarchies(*text) : std::vector<Hierarchy>{};
  }();
  return h;
}

}  // namespace berth::cgroups
