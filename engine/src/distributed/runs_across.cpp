#include <algorithm>
#include <stdexcept>

#include "faultline/distributed.hpp"

namespace faultline {

namespace {

constexpr const char* kRowsFromOneProcess =
    "rows per run come from one process: across processes, write each shard's with --run-range";

// Adds this process's share of the study's runs [from, to) to `mine`;
// false when it was stopped before making them all.
bool make_share(const Scenario& scenario, const MonteCarloOptions& options, std::uint64_t from,
                std::uint64_t to, const ProcessGroup& group, MonteCarloResult& mine) {
  const RunRange share = share_of_runs(from, to, group.rank(), group.size());
  if (share.first == share.end)
    return !(options.stop && options.stop->load());
  MonteCarloOptions part = options;
  part.first_run = share.first;
  part.runs = share.end - share.first;
  part.until_ci.reset();
  const MonteCarloResult made = simulate(scenario, part);
  merge_results(mine, made);
  return !made.interrupted;
}

// Whether any process says yes.
bool anyone(bool mine, const ProcessGroup& group) {
  const std::vector<std::string> all = group.all_gather(mine ? "1" : "0");
  return std::find(all.begin(), all.end(), "1") != all.end();
}

// The user-seconds lost over every process's runs so far.
Accumulator lost_so_far(const MonteCarloResult& mine, const ProcessGroup& group) {
  Accumulator lost;
  for (const std::string& text : group.all_gather(statistic_text(mine.overall.user_seconds_lost)))
    lost.merge(read_statistic(text));
  return lost;
}

// Rounds of kRunsPerCheck runs of the study, each spread over the
// processes, until the target is met: the rounds and the check are those
// of simulate, so every process stops after the same round it would.
// False when some process was stopped.
bool make_rounds(const Scenario& scenario, const MonteCarloOptions& options,
                 const ProcessGroup& group, MonteCarloResult& mine) {
  for (std::uint64_t made = 0; made < options.runs;) {
    const std::uint64_t end = std::min(made + kRunsPerCheck, options.runs);
    if (anyone(!make_share(scenario, options, made, end, group, mine), group))
      return false;
    made = end;
    mine.reached_ci_target = reached_ci_target(lost_so_far(mine, group), *options.until_ci);
    if (*mine.reached_ci_target)
      break;
  }
  return true;
}

// This process's share of the comparison's runs, merged into `mine`;
// false when it was stopped before making them all.
bool compare_share(std::span<const Variant> variants, const CompareOptions& options,
                   const ProcessGroup& group, Comparison& mine) {
  const RunRange share = share_of_runs(options.first_run, options.first_run + options.runs,
                                       group.rank(), group.size());
  if (share.first == share.end)
    return !(options.stop && options.stop->load());
  CompareOptions part = options;
  part.first_run = share.first;
  part.runs = share.end - share.first;
  const Comparison made = compare(variants, part);
  merge_comparisons(mine, made);
  return !made.interrupted;
}

}  // namespace

RunRange share_of_runs(std::uint64_t first, std::uint64_t end, int rank, int size) {
  const auto processes = static_cast<std::uint64_t>(size);
  const auto r = static_cast<std::uint64_t>(rank);
  const std::uint64_t each = (end - first) / processes;
  const std::uint64_t extra = (end - first) % processes;
  const std::uint64_t from = first + r * each + std::min(r, extra);
  return {from, from + each + (r < extra ? 1 : 0)};
}

std::optional<MonteCarloResult> simulate_across(const Scenario& scenario,
                                                const MonteCarloOptions& options,
                                                const ProcessGroup& group) {
  if (options.on_run)
    throw std::invalid_argument(kRowsFromOneProcess);
  if (options.network)
    throw std::invalid_argument(
        "network fidelity forks a process for each run, which a process of an MPI job must "
        "not do: run its shards one per process with --run-range and --tally, and merge them");
  MonteCarloResult mine = empty_result(scenario, options);
  const bool made = options.until_ci
                        ? make_rounds(scenario, options, group, mine)
                        : !anyone(!make_share(scenario, options, options.first_run,
                                              options.first_run + options.runs, group, mine),
                                  group);
  if (!made)
    return std::nullopt;
  MonteCarloResult total = empty_result(scenario, options);
  const MonteCarloResult shape = total;
  for (const std::string& body : group.all_gather(tally_body(mine)))
    merge_results(total, read_tally_body(body, shape));
  total.reached_ci_target = mine.reached_ci_target;
  return total;
}

std::optional<Comparison> compare_across(std::span<const Variant> variants,
                                         const CompareOptions& options, const ProcessGroup& group) {
  if (options.on_run)
    throw std::invalid_argument(kRowsFromOneProcess);
  Comparison mine = empty_comparison(variants, options);
  if (anyone(!compare_share(variants, options, group, mine), group))
    return std::nullopt;
  Comparison total = empty_comparison(variants, options);
  const Comparison shape = total;
  for (const std::string& body : group.all_gather(tally_body(mine)))
    merge_comparisons(total, read_tally_body(body, shape));
  return total;
}

}  // namespace faultline
