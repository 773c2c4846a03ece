#pragma once
// Monte Carlo and paired comparisons across processes: each makes its share
// of the runs, their exact tallies (tally.hpp) go to every process and add
// up to what one process making every run gives, byte for byte in every
// report. The engine knows nothing of how processes talk: the faultline
// program gives it MPI's ranks (tools/faultline/ranks.hpp), the tests a
// group of threads.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "faultline/compare.hpp"
#include "faultline/monte_carlo.hpp"
#include "faultline/tally.hpp"

namespace faultline {

// The processes of one study, each calling the same functions in the same
// order.
class ProcessGroup {
 public:
  virtual ~ProcessGroup() = default;
  virtual int rank() const = 0;  // this process, from 0
  virtual int size() const = 0;  // the processes, at least 1
  // Every process's text, in rank order, on every process.
  virtual std::vector<std::string> all_gather(const std::string& mine) const = 0;
};

// The runs [first, end) this process makes of a study's [first, end): a
// contiguous share, the first processes taking one more when they do not
// divide evenly.
RunRange share_of_runs(std::uint64_t first, std::uint64_t end, int rank, int size);

// simulate(scenario, options), its runs spread over the group's processes
// (and each process's over options.threads threads); every process returns
// the whole result. With until_ci, the processes check the target together
// after every kRunsPerCheck runs of the study, so they stop at the run one
// process would. Empty when some process was stopped (options.stop): the
// runs made are then no prefix of the study's, so no result is honest.
// Throws std::invalid_argument as simulate does, and for network fidelity
// (each of its runs forks a process, which MPI's processes must not do).
std::optional<MonteCarloResult> simulate_across(const Scenario& scenario,
                                                const MonteCarloOptions& options,
                                                const ProcessGroup& group);

// compare(variants, options), its runs spread over the group's processes
// as simulate_across spreads them; every process returns the whole
// comparison, empty when some process was stopped. Throws
// std::invalid_argument as compare does, and for rows per run.
std::optional<Comparison> compare_across(std::span<const Variant> variants,
                                         const CompareOptions& options, const ProcessGroup& group);

}  // namespace faultline
