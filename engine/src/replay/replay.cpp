#include "faultline/replay.hpp"

#include "replay/run.hpp"

namespace faultline {

RunResult replay(const Scenario& scenario) {
  RunResult result;
  detail::RunOptions options;
  options.record_timeline = true;
  detail::Run(scenario).execute(options, result);
  return result;
}

}  // namespace faultline
