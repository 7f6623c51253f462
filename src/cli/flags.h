// A small command-line parser with urfave/cli's conventions (what runc uses), because
// containerd, conmon and scripts call berth exactly as they call runc:
//   -f, --f, --flag value, --flag=value, -flag value; bool flags take no value
//   (--flag=true/false accepted); parsing stops at the first positional argument or "--".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace berth::cli {

struct FlagSpec {
  std::string name;    // long name, e.g. "bundle"
  std::string alias;   // short alias, e.g. "b" (may be empty)
  bool takes_value;    // false: boolean flag
  std::string help;
  bool repeatable = false;
};

class Flags {
 public:
  bool has(std::string_view name) const;
  bool boolean(std::string_view name) const;
  std::string value(std::string_view name, std::string_view def = "") const;
  const std::vector<std::string>& values(std::string_view name) const;
  std::vector<std::string> positionals;

  std::map<std::string, std::vector<std::string>, std::less<>> set_;
};

/// Parses argv[first..]; returns the flags and the rest (positionals) or an error
/// "flag provided but not defined: -x" (urfave's wording).
Result<Flags> parse_flags(const std::vector<FlagSpec>& specs, const std::vector<std::string>& args,
                          std::size_t first, bool stop_at_positional = true);

/// Renders "   --bundle value, -b value  help" lines.
std::string flags_help(const std::vector<FlagSpec>& specs);

}  // namespace berth::cli
