#include "faultline/optimize.hpp"

#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

#include "faultline/random.hpp"
#include "faultline/strategy.hpp"
#include "monte_carlo/parallel_runs.hpp"
#include "replay/run.hpp"

namespace faultline {

namespace {

// The search's runs, and the check's, draw from streams no simulate or
// compare run uses, nor each other.
constexpr std::uint64_t kSearchRuns = std::uint64_t{1} << 40;
constexpr std::uint64_t kCheckRuns = std::uint64_t{1} << 41;

// The user-time lost over the search's runs under an order, summed exactly so
// that it does not depend on the thread count.
class Judge {
 public:
  Judge(const Scenario& scenario, const OptimizeOptions& options)
      : tables_(scenario), options_(options), workers_(options.threads) {}

  // Over the runs from `first` (kSearchRuns or kCheckRuns).
  std::int64_t user_ms_lost(const std::vector<std::uint32_t>& rank, std::uint64_t first) {
    for (const auto& worker : workers_) {
      if (worker) {
        worker->run.set_ranks(rank);
        worker->lost = 0;
      }
    }
    detail::parallel_runs(first, first + options_.runs, workers_.size(),
                          [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
                            if (!workers_[w])
                              workers_[w] = std::make_unique<Worker>(tables_.for_worker(), rank);
                            Worker& worker = *workers_[w];
                            detail::RunOptions run_options;
                            for (std::uint64_t i = from; i < to; ++i) {
                              run_options.sampling = detail::RunSampling{options_.seed, i, nullptr};
                              worker.run.execute(run_options, worker.result);
                              worker.lost += worker.result.overall.lost.user_ms;
                            }
                          });
    std::int64_t total = 0;
    for (const auto& worker : workers_) {
      if (worker)
        total += worker->lost;
    }
    return total;
  }

  double user_hours(std::int64_t total) const {
    return static_cast<double>(total) / static_cast<double>(options_.runs) / 3.6e6;
  }

 private:
  // Built by the thread that uses it, for the reason parallel_runs gives.
  struct Worker {
    Worker(std::shared_ptr<const detail::RunTables> tables, std::vector<std::uint32_t> rank)
        : run(std::move(tables), std::move(rank)) {}
    detail::Run run;
    RunResult result;
    std::int64_t lost = 0;
  };

  detail::SharedRunTables tables_;
  const OptimizeOptions& options_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

// Each crew's steps in the order they would start; steps without a crew
// never compete and keep their place.
struct CrewOrders {
  std::vector<std::vector<std::uint32_t>> by_crew;

  // Ranks that follow the crews' orders, steps interleaved as in the runbook.
  std::vector<std::uint32_t> ranks(const Scenario& scenario) const {
    std::vector<std::size_t> next(by_crew.size(), 0);
    std::vector<std::uint32_t> rank(scenario.steps.size());
    std::uint32_t place = 0;
    for (std::uint32_t s = 0; s < scenario.steps.size(); ++s) {
      const auto crew = scenario.steps[s].crew;
      const std::uint32_t step = crew ? by_crew[crew->value][next[crew->value]++] : s;
      rank[step] = place++;
    }
    return rank;
  }
};

CrewOrders orders_of(const Scenario& scenario, const std::vector<std::uint32_t>& rank) {
  std::vector<std::uint32_t> by_rank(scenario.steps.size());
  for (std::uint32_t s = 0; s < by_rank.size(); ++s)
    by_rank[rank[s]] = s;
  CrewOrders orders;
  orders.by_crew.resize(scenario.crews.size());
  for (const std::uint32_t s : by_rank) {
    if (const auto crew = scenario.steps[s].crew)
      orders.by_crew[crew->value].push_back(s);
  }
  return orders;
}

// A move: one step of a crew with steps that compete (`movable`) goes to
// another place in the crew's order.
CrewOrders moved_one_step(const CrewOrders& current, const std::vector<std::uint32_t>& movable,
                          RandomStream& random) {
  const std::uint32_t crew = movable[random() % movable.size()];
  const std::size_t size = current.by_crew[crew].size();
  const std::size_t from = random() % size;
  std::size_t to = random() % (size - 1);
  if (to >= from)
    ++to;
  CrewOrders candidate = current;
  auto& moved = candidate.by_crew[crew];
  const std::uint32_t step = moved[from];
  moved.erase(moved.begin() + static_cast<std::ptrdiff_t>(from));
  moved.insert(moved.begin() + static_cast<std::ptrdiff_t>(to), step);
  return candidate;
}

// The order found if it loses less than the start's over the check's runs
// too; the start's otherwise, as `out` records. A search that found no
// other order keeps the start's without a check (found by a helper: its
// JSON said kept_start false).
const CrewOrders& confirmed(const Scenario& scenario, Judge& judge, const CrewOrders& start,
                            const CrewOrders& best, OptimizedPriority& out) {
  if (best.by_crew == start.by_crew) {
    out.kept_start = true;
    return start;
  }
  const std::int64_t best_lost = judge.user_ms_lost(best.ranks(scenario), kCheckRuns);
  const std::int64_t start_lost = judge.user_ms_lost(start.ranks(scenario), kCheckRuns);
  out.check_user_hours = judge.user_hours(best_lost);
  out.check_start_user_hours = judge.user_hours(start_lost);
  out.kept_start = best_lost >= start_lost;
  return out.kept_start ? start : best;
}

}  // namespace

OptimizedPriority optimize_priority(const Scenario& scenario, const OptimizeOptions& options) {
  detail::check_runs_and_threads(options.runs, options.threads);
  if (options.evaluations < 1)
    throw std::invalid_argument("the search needs at least one evaluation");
  Judge judge(scenario, options);
  std::map<std::vector<std::vector<std::uint32_t>>, std::int64_t> judged;
  OptimizedPriority out;
  out.runs = options.runs;
  out.seed = options.seed;
  const auto evaluate = [&](const CrewOrders& orders) {
    const auto [it, fresh] = judged.try_emplace(orders.by_crew, 0);
    if (fresh) {
      it->second = judge.user_ms_lost(orders.ranks(scenario), kSearchRuns);
      ++out.evaluations;
    }
    return it->second;
  };

  CrewOrders current;
  std::int64_t current_lost = 0;
  bool started = false;
  for (const StrategyKind k : heuristic_strategies()) {
    if (started && out.evaluations >= options.evaluations)
      break;
    const CrewOrders orders = orders_of(scenario, step_ranks(scenario, k));
    const std::int64_t lost = evaluate(orders);
    if (!started || lost < current_lost) {
      started = true;
      current = orders;
      current_lost = lost;
      out.started_from = k;
    }
  }
  out.start_user_hours = judge.user_hours(current_lost);
  const CrewOrders start = current;
  CrewOrders best = current;
  std::int64_t best_lost = current_lost;

  std::vector<std::uint32_t> movable;  // crews with steps that compete
  for (std::uint32_t c = 0; c < current.by_crew.size(); ++c) {
    if (current.by_crew[c].size() >= 2)
      movable.push_back(c);
  }
  // Annealing: a move takes one step of a crew to another place in the
  // crew's order. A worse order is accepted with a chance that falls as the
  // temperature, a share of the starting loss, cools to nothing.
  RandomStream random(options.seed, 0, StreamPurpose::search, 0);
  const double start_temperature =
      0.02 * static_cast<double>(std::max<std::int64_t>(current_lost, 1));
  const unsigned budget = options.evaluations;
  const unsigned most_proposals = budget * 20;
  for (unsigned proposal = 0;
       !movable.empty() && out.evaluations < budget && proposal < most_proposals; ++proposal) {
    CrewOrders candidate = moved_one_step(current, movable, random);
    const std::int64_t lost = evaluate(candidate);
    const double progress = static_cast<double>(out.evaluations) / static_cast<double>(budget);
    const double temperature = start_temperature * (1.0 - progress) + 1e-9;
    const double worse = static_cast<double>(lost - current_lost);
    if (worse <= 0 || random.uniform() < std::exp(-worse / temperature)) {
      current = std::move(candidate);
      current_lost = lost;
      if (lost < best_lost) {
        best = current;
        best_lost = lost;
      }
    }
  }
  out.search_user_hours = judge.user_hours(best_lost);
  const auto rank = confirmed(scenario, judge, start, best, out).ranks(scenario);
  out.order.resize(rank.size());
  for (std::uint32_t s = 0; s < rank.size(); ++s)
    out.order[rank[s]] = StepId{s};
  return out;
}

std::shared_ptr<const Scenario> with_priority(const Scenario& scenario, std::vector<StepId> order,
                                              std::shared_ptr<const OptimizedPriority> found_by) {
  auto out = std::make_shared<Scenario>(scenario);
  out->strategy = StrategyKind::priority;
  out->priority = std::move(order);
  out->priority_search = std::move(found_by);
  return out;
}

}  // namespace faultline
