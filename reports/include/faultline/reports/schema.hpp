#pragma once
// A format's JSON Schema (draft-07, as yaml-language-server reads it),
// written from the shapes the loader reads by (schema.hpp): a definition
// per mapping with a description for every key, the enums' words from their
// tables, no key the loader would refuse (additionalProperties: false), and
// for variants (a fault's kind, a step's action, a distribution, a
// milestone's event) the keys each takes and needs.

#include <nlohmann/json.hpp>

#include "faultline/schema.hpp"

namespace faultline::reports {

// The schema of the format whose root mapping is `root`: schema::topology
// or schema::scenario.
nlohmann::ordered_json json_schema(const schema::Shape& root);

}  // namespace faultline::reports
