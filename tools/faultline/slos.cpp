#include "slos.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>

#include "output.hpp"

namespace faultline::cli {

std::optional<std::vector<Slo>> slos_for(const std::string& path,
                                         std::span<const Scenario* const> scenarios,
                                         const LoadOptions& options) {
  if (path.empty())
    return std::vector<Slo>{};
  std::vector<const Topology*> topologies;
  for (const Scenario* scenario : scenarios)
    topologies.push_back(scenario->topology.get());
  SloLoad load = load_slos(path, topologies, options);
  print(load.diagnostics);
  if (load.diagnostics.has_errors())
    return std::nullopt;
  return std::move(load.slos);
}

int gated_by_budgets(bool required, std::span<const Slo> slos,
                     const std::function<bool(std::size_t, std::size_t)>& kept, int code) {
  if (!required || code != kExitOk)
    return code;
  std::vector<std::string> missed;
  std::size_t objectives = 0;
  for (std::size_t k = 0; k < slos.size(); ++k) {
    for (std::size_t o = 0; o < slos[k].objectives.size(); ++o, ++objectives) {
      if (!kept(k, o))
        missed.push_back(slos[k].name + "/" + slos[k].objectives[o].name);
    }
  }
  if (missed.empty())
    return code;
  std::cerr << fmt::format(
      "faultline: the error budget was not kept for {} of {} SLO "
      "objectives: {}\n",
      missed.size(), objectives, fmt::join(missed, ", "));
  return kExitMissed;
}

}  // namespace faultline::cli
