// Error type and Result alias shared by every oci-spec entry point.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "oci/expected.h"

namespace oci {

// A failure, located by the JSON path of the offending property (e.g.
// `linux.namespaces[2].type`). `path` is empty for document-level problems
// such as malformed JSON.
struct Error {
  std::string path;
  std::string message;

  std::string str() const { return path.empty() ? message : path + ": " + message; }
  bool operator==(const Error&) const = default;
};

// Quotes a string for an error message ("a\"b", control bytes as \xNN), the way every
// oci-spec message quotes values; exported so users of the library word theirs alike.
std::string quote(std::string_view s);

}  // namespace oci

namespace oci {
template <class T>
using Result = Expected<T, Error>;
}  // namespace oci
