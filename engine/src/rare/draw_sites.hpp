#pragma once
// The catalogue of a scenario's draw sites (rare.hpp): every parameter of
// its model a sampled run may draw from, by its address in the immutable
// model, in the scenario's order: the runbook's steps, then the faults, then
// the topology's services.

#include <string>
#include <vector>

#include "faultline/model.hpp"
#include "faultline/rare.hpp"

namespace faultline::detail {

struct DrawSite {
  const void* parameter = nullptr;  // a Distribution, or a success probability
  DrawKind kind = DrawKind::duration;
  std::string name;
  double failure_surprisal = 0;  // an outcome's a, its failing chance e^-a
};

std::vector<DrawSite> draw_sites(const Scenario& scenario);

}  // namespace faultline::detail
