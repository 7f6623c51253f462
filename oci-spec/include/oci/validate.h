// Static checks of a Spec against the MUST statements of runtime-spec v1.3.0
// that can be decided without touching the host.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/config.h"
#include "oci/error.h"

namespace oci {

// Runs every named check in order and returns the first failure.
Result<void> validate(const Spec& spec);

// One entry of the check table, exposed so callers/tests can list them.
struct ValidationCheck {
  const char* name;
  const char* section;  // spec section the check enforces
  Result<void> (*run)(const Spec&);
};
const std::vector<ValidationCheck>& validation_checks();

// Linux capability names with the CAP_ prefix (capabilities(7)),
// CAP_CHOWN = 0 ... CAP_CHECKPOINT_RESTORE = 40.
bool is_known_capability(std::string_view name);
std::optional<int> capability_number(std::string_view name);
const std::vector<std::string>& known_capabilities();

}  // namespace oci
