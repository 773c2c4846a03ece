#include <algorithm>
#include <stdexcept>

#include "faultline/distributed.hpp"

namespace faultline {

namespace {

constexpr const char* kRowsFromOneProcess =
    "rows per run come from one process: across processes, write each shard's with --run-range";

void merge_into(MonteCarloResult& into, const MonteCarloResult& from) {
  merge_results(into, from);
}

void merge_into(Comparison& into, const Comparison& from) {
  merge_comparisons(into, from);
}

// This process's share of the study's runs [from, to), made by
// make(options for the share) and added to `mine`; false when it was
// stopped before making them all.
template <class Options, class Result, class Make>
bool make_share_of(const Options& options, std::uint64_t from, std::uint64_t to,
                   const ProcessGroup& group, Result& mine, const Make& make) {
  const RunRange share = share_of_runs(from, to, group.rank(), group.size());
  if (share.first == share.end)
    return !(options.stop && options.stop->load());
  Options part = options;
  part.first_run = share.first;
  part.runs = share.end - share.first;
  const Result made = make(part);
  merge_into(mine, made);
  return !made.interrupted;
}

// Every process's runs, from their tallies, added in rank order to `total`
// (the study's before any run).
template <class Result>
Result gathered(const Result& mine, Result total, const ProcessGroup& group) {
  const Result shape = total;
  for (const std::string& body : group.all_gather(tally_body(mine)))
    merge_into(total, read_tally_body(body, shape));
  return total;
}

bool make_share(const Scenario& scenario, const MonteCarloOptions& options, std::uint64_t from,
                std::uint64_t to, const ProcessGroup& group, MonteCarloResult& mine) {
  return make_share_of(options, from, to, group, mine, [&](MonteCarloOptions part) {
    part.until_ci.reset();  // the rounds judge the target, over every process
    return simulate(scenario, part);
  });
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

bool compare_share(std::span<const Variant> variants, const CompareOptions& options,
                   const ProcessGroup& group, Comparison& mine) {
  return make_share_of(options, options.first_run, options.first_run + options.runs, group, mine,
                       [&](const CompareOptions& part) { return compare(variants, part); });
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
  MonteCarloResult total = gathered(mine, empty_result(scenario, options), group);
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
  return gathered(mine, empty_comparison(variants, options), group);
}

}  // namespace faultline
