// JSON parsing and serialisation of config.json, state and features.
#pragma once

#include <string>
#include <string_view>

#include "oci/config.h"
#include "oci/error.h"
#include "oci/features.h"
#include "oci/state.h"

namespace oci {

// Parses config.json and runs validate() on the result. Unknown properties are
// ignored (config.md#extensibility); JSON null is treated as absent for
// OPTIONAL properties.
Result<Spec> parse_config(std::string_view json);
// Reads and parses a file; I/O failures are reported with the file path as
// the error path.
Result<Spec> load_config(const std::string& path);
// Emits only present optional fields, with the spec's JSON names.
std::string write_config(const Spec& spec, bool pretty = true);

Result<State> parse_state(std::string_view json);
std::string write_state(const State& state);

Result<Features> parse_features(std::string_view json);
std::string write_features(const Features& features);

}  // namespace oci
