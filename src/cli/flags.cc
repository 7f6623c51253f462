#include "cli/flags.h"

namespace berth::cli {

bool Flags::has(std::string_view name) const { return set_.find(name) != set_.end(); }

bool Flags::boolean(std::string_view name) const {
  auto it = set_.find(name);
  if (it == set_.end() || it->second.empty()) return false;
  const std::string& v = it->second.back();
  return v != "false" && v != "0";
}

std::string Flags::value(std::string_view name, std::string_view def) const {
  auto it = set_.find(name);
  if (it == set_.end() || it->second.empty()) return std::string(def);
  return it->second.back();
}

const std::vector<std::string>& Flags::values(std::string_view name) const {
  static const std::vector<std::string> kEmpty;
  auto it = set_.find(name);
  return it == set_.end() ? kEmpty : it->second;
}

Result<Flags> parse_flags(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                          std::size_t first, bool stop_at_positional) {
  Flags f;
  std::size_t i = first;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      if (stop_at_positional) break;
      f.positionals.push_back(a);
      continue;
    }
    std::string body = a.substr(a[1] == '-' ? 2 : 1);
    std::string val;
    bool has_val = false;
    if (auto eq = body.find('='); eq != std::string::npos) {
      val = body.substr(eq + 1);
      body = body.substr(0, eq);
      has_val = true;
    }
    const FlagSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == body || (!s.alias.empty() && s.alias == body)) spec = &s;
    if (!spec) return BERTH_ERR(EINVAL, "flag provided but not defined: -%s", body.c_str());
    if (spec->takes_value) {
      if (!has_val) {
        if (i + 1 >= args.size())
          return BERTH_ERR(EINVAL, "flag needs an argument: -%s", body.c_str());
        val = args[++i];
      }
    } else if (!has_val) {
      val = "true";
    } else if (val != "true" && val != "false" && val != "1" && val != "0") {
      return BERTH_ERR(EINVAL, "invalid boolean value \"%s\" for -%s", val.c_str(), body.c_str());
    }
    f.set_[spec->name].push_back(val);
  }
  for (; i < args.size(); ++i) f.positionals.push_back(args[i]);
  return f;
}

std::string flags_help(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "   --" + s.name + (s.takes_value ? " value" : "");
    if (!s.alias.empty()) left += ", -" + s.alias + (s.takes_value ? " value" : "");
    if (left.size() < 32) left.resize(32, ' ');
    out += left + "  " + s.help + "\n";
  }
  return out;
}

}  // namespace berth::cli
