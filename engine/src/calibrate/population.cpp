#include "calibrate/population.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "monte_carlo/parallel_runs.hpp"

namespace faultline::detail {

namespace {

// Proposals run at a time in a later generation: enough to keep the
// threads busy, few enough not to overshoot the particles by much.
constexpr std::uint64_t kRound = 1024;

// What a round of proposals gave, by position in it.
struct Round {
  std::vector<double> z;
  std::vector<double> distance;
  std::vector<std::int64_t> event_ms;  // [proposal x events]
  bool complete = true;
};

void keep_events(const Evidence& evidence, const RunResult& result, std::int64_t* into) {
  for (std::size_t e = 0; e < evidence.events.size(); ++e)
    into[e] = event_ms(evidence.events[e], result);
}

// Runs proposals [first, first + count): proposal i's coordinates from
// propose(i), its run from run_of(i); with `record`, each run's milestones.
Round run_round(std::uint64_t first, std::uint64_t count, std::size_t dims,
                const std::function<void(std::uint64_t, std::span<double>)>& propose,
                const std::function<std::uint64_t(std::uint64_t)>& run_of, const Evidence& evidence,
                const CalibrationOptions& options, WorkerPool& pool, MilestoneRecord* record) {
  Round round;
  round.z.resize(count * dims);
  round.distance.resize(count);
  round.event_ms.resize(count * evidence.events.size());
  const auto workers =
      static_cast<std::size_t>(std::min<std::uint64_t>(pool.size(), (count + kBlock - 1) / kBlock));
  const std::uint64_t made = parallel_runs(
      first, first + count, workers,
      [&](std::size_t w, std::uint64_t from, std::uint64_t to) {
        for (std::uint64_t i = from; i < to; ++i) {
          const std::span<double> z(round.z.data() + (i - first) * dims, dims);
          propose(i, z);
          const RunResult& result = pool[w].execute(z, options.seed, run_of(i));
          round.distance[i - first] = distance(pool[w].scenario(), evidence, result);
          keep_events(evidence, result,
                      round.event_ms.data() + (i - first) * evidence.events.size());
          if (record)
            record->keep(i - first, result);
        }
      },
      options.stop);
  round.complete = made == first + count;
  return round;
}

// A particle drawn by weight, from the running sums of the weights.
std::size_t drawn_by_weight(const std::vector<double>& cumulative, RandomStream& random) {
  const auto it = std::ranges::upper_bound(cumulative, random.uniform() * cumulative.back());
  return static_cast<std::size_t>(
      std::min<std::ptrdiff_t>(it - cumulative.begin(), std::ssize(cumulative) - 1));
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double at = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(at));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (at - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Whether the events known to be ahead at the evidence's `now` had not
// yet happened by then in the run. (The milestones known by then are held to
// their times by the distance alone: one observed at or just before
// `now` may land a little after it within its tolerance.)
bool still_ahead(const Evidence& evidence, const RunResult& run) {
  for (std::size_t e = 0; e < evidence.events.size(); ++e) {
    if (!evidence.ahead[e])
      continue;
    if (const auto at = event_time(evidence.events[e], run); at && *at <= *evidence.now)
      return false;
  }
  return true;
}

}  // namespace

Evidence Evidence::every_milestone(const Scenario& scenario) {
  Evidence evidence;
  for (std::size_t m = 0; m < scenario.observed.size(); ++m)
    evidence.milestones.push_back(m);
  return evidence;
}

double distance(const Scenario& scenario, const Evidence& evidence, const RunResult& run) {
  double sum = 0;
  for (const std::size_t i : evidence.milestones) {
    const Milestone& m = scenario.observed[i];
    const std::optional<SimTime>& at = run.observed[i].simulated;
    if (!at)
      return std::numeric_limits<double>::infinity();
    const auto unit = static_cast<double>(m.within.ms > 0 ? m.within.ms : kUnstatedTolerance.ms);
    const auto off = static_cast<double>((*at - m.time).ms);
    // Past the deadline for `by`: a miss of 1 is one tolerance late, which
    // milestone_met still counts as met.
    const double miss = m.timing == MilestoneTiming::at ? std::abs(off) : std::max(0.0, off);
    sum += (miss / unit) * (miss / unit);
  }
  if (evidence.now && !still_ahead(evidence, run))
    return std::numeric_limits<double>::infinity();
  return std::sqrt(sum);
}

void Population::drop_infinitely_far() {
  double total = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    weight[i] = std::isfinite(distance[i]) ? 1.0 : 0.0;
    total += weight[i];
  }
  for (double& w : weight)
    w /= total;
}

double Population::effective_size() const {
  double sum = 0;
  double squares = 0;
  for (const double w : weight) {
    sum += w;
    squares += w * w;
  }
  return squares > 0 ? sum * sum / squares : 0;
}

double Population::farthest() const {
  double most = 0;
  for (std::size_t i = 0; i < size(); ++i) {
    if (weight[i] > 0)
      most = std::max(most, distance[i]);
  }
  return most;
}

double Population::quantile_of(std::size_t k, double q) const {
  std::vector<std::size_t> order(size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
    return std::pair(z[a * dims + k], a) < std::pair(z[b * dims + k], b);
  });
  double below = 0;
  for (const std::size_t i : order) {
    below += weight[i];
    if (below >= q)
      return z[i * dims + k];
  }
  return z[order.back() * dims + k];
}

void Population::weigh_against(const Population& last, std::span<const double> widths) {
  std::vector<double> log_weight(size());
  std::vector<double> terms(last.size());
  for (std::size_t i = 0; i < size(); ++i) {
    const std::span<const double> here = at(i);
    double log_prior = 0;
    for (const double c : here)
      log_prior -= c * c / 2;
    // log sum_j w_j K(z | z_j), the kernel's constant left out: it is the
    // same for every particle, and the weights are normalised.
    double top = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < last.size(); ++j) {
      const std::span<const double> there = last.at(j);
      double exponent = 0;
      for (std::size_t k = 0; k < dims; ++k) {
        const double step = (here[k] - there[k]) / widths[k];
        exponent -= step * step / 2;
      }
      terms[j] = std::log(last.weight[j]) + exponent;
      top = std::max(top, terms[j]);
    }
    double sum = 0;
    for (const double t : terms)
      sum += std::exp(t - top);
    log_weight[i] = log_prior - (top + std::log(sum));
  }
  const double top = *std::ranges::max_element(log_weight);
  weight.resize(size());
  double total = 0;
  for (std::size_t i = 0; i < size(); ++i)
    total += weight[i] = std::exp(log_weight[i] - top);
  for (double& w : weight)
    w /= total;
}

WorkerPool::WorkerPool(const Scenario& scenario, unsigned threads) {
  for (unsigned w = 0; w < threads; ++w)
    workers_.push_back(std::make_unique<ParameterizedRuns>(scenario));
}

void MilestoneRecord::resize(std::size_t runs, std::size_t milestone_count) {
  milestones = milestone_count;
  times.assign(runs * milestones, std::nullopt);
  met.assign(runs * milestones, 0);
}

void MilestoneRecord::keep(std::size_t run, const RunResult& result) {
  for (std::size_t m = 0; m < milestones; ++m) {
    const MilestoneOutcome& outcome = result.observed[m];
    if (outcome.simulated)
      times[run * milestones + m] = outcome.simulated->since_t0().ms;
    met[run * milestones + m] = outcome.met ? 1 : 0;
  }
}

MilestoneSpread MilestoneRecord::spread(std::size_t milestone) const {
  const std::size_t runs = milestones > 0 ? times.size() / milestones : 0;
  std::vector<double> happened;
  std::size_t met_count = 0;
  for (std::size_t r = 0; r < runs; ++r) {
    if (const auto& t = times[r * milestones + milestone])
      happened.push_back(static_cast<double>(*t));
    met_count += met[r * milestones + milestone] ? 1 : 0;
  }
  MilestoneSpread out;
  if (runs == 0)
    return out;
  out.met = static_cast<double>(met_count) / static_cast<double>(runs);
  out.never = static_cast<double>(runs - happened.size()) / static_cast<double>(runs);
  if (!happened.empty()) {
    std::ranges::sort(happened);
    out.simulated = Spread{quantile_of_sorted(happened, 0.1), quantile_of_sorted(happened, 0.5),
                           quantile_of_sorted(happened, 0.9)};
  }
  return out;
}

Proposer::Proposer(const Population& last, std::uint64_t seed, std::uint64_t first_run)
    : last_(last), seed_(seed), first_run_(first_run) {
  std::partial_sum(last.weight.begin(), last.weight.end(), std::back_inserter(cumulative_));
  for (std::size_t k = 0; k < last.dims; ++k) {
    double mean = 0;
    for (std::size_t i = 0; i < last.size(); ++i)
      mean += last.weight[i] * last.z[i * last.dims + k];
    double variance = 0;
    for (std::size_t i = 0; i < last.size(); ++i) {
      const double d = last.z[i * last.dims + k] - mean;
      variance += last.weight[i] * d * d;
    }
    // A population all at one point would stop moving: keep a floor.
    widths_.push_back(std::max(std::sqrt(2 * variance), 1e-3));
  }
}

void Proposer::propose(std::uint64_t i, std::span<double> z) const {
  RandomStream random(seed_, run_of(i), StreamPurpose::calibrate, 0);
  const std::span<const double> from = last_.at(drawn_by_weight(cumulative_, random));
  for (std::size_t k = 0; k < z.size(); ++k)
    z[k] = from[k] + widths_[k] * standard_normal(random);
}

GenerationRuns first_generation(const Evidence& evidence, const CalibrationOptions& options,
                                WorkerPool& pool, MilestoneRecord& record) {
  const Scenario& scenario = pool[0].scenario();
  const std::size_t dims = scenario.unknowns.size();
  record.resize(options.particles, scenario.observed.size());
  const auto from_prior = [&](std::uint64_t i, std::span<double> z) {
    RandomStream random(options.seed, i, StreamPurpose::calibrate, 0);
    for (double& c : z)
      c = standard_normal(random);
  };
  Round round = run_round(
      0, options.particles, dims, from_prior, [](std::uint64_t i) { return i; }, evidence, options,
      pool, &record);
  GenerationRuns out;
  out.proposals = options.particles;
  out.runs = options.particles;
  out.complete = round.complete;
  out.interrupted = !round.complete;
  out.population = {
      dims,
      std::move(round.z),
      std::move(round.distance),
      std::vector<double>(options.particles, 1.0 / static_cast<double>(options.particles)),
      evidence.events.size(),
      std::move(round.event_ms)};
  return out;
}

GenerationRuns next_generation(const Proposer& proposer, const Evidence& evidence, double tolerance,
                               std::uint64_t most_proposals, const CalibrationOptions& options,
                               WorkerPool& pool) {
  GenerationRuns out;
  Population& kept = out.population;
  kept.dims = proposer.widths().size();
  kept.events = evidence.events.size();
  const auto propose = [&](std::uint64_t i, std::span<double> z) { proposer.propose(i, z); };
  const auto run_of = [&](std::uint64_t i) { return proposer.run_of(i); };
  while (kept.size() < options.particles) {
    if (out.proposals >= most_proposals)
      return out;
    const std::uint64_t count = std::min(kRound, most_proposals - out.proposals);
    out.runs += count;
    const Round round = run_round(out.proposals, count, kept.dims, propose, run_of, evidence,
                                  options, pool, nullptr);
    if (!round.complete) {
      out.interrupted = true;
      return out;
    }
    for (std::uint64_t i = 0; i < count && kept.size() < options.particles; ++i) {
      ++out.proposals;
      if (!(round.distance[i] <= tolerance))
        continue;
      kept.distance.push_back(round.distance[i]);
      kept.z.insert(kept.z.end(), round.z.begin() + static_cast<std::ptrdiff_t>(i * kept.dims),
                    round.z.begin() + static_cast<std::ptrdiff_t>((i + 1) * kept.dims));
      kept.event_ms.insert(
          kept.event_ms.end(),
          round.event_ms.begin() + static_cast<std::ptrdiff_t>(i * kept.events),
          round.event_ms.begin() + static_cast<std::ptrdiff_t>((i + 1) * kept.events));
    }
  }
  out.complete = true;
  return out;
}

bool posterior_runs(const Population& population, const CalibrationOptions& options,
                    std::uint64_t first_run, WorkerPool& pool, MilestoneRecord& record) {
  record.resize(options.check_runs, pool[0].scenario().observed.size());
  std::vector<double> cumulative;
  std::partial_sum(population.weight.begin(), population.weight.end(),
                   std::back_inserter(cumulative));
  const auto drawn = [&](std::uint64_t i, std::span<double> z) {
    RandomStream random(options.seed, first_run + i, StreamPurpose::calibrate, 0);
    std::ranges::copy(population.at(drawn_by_weight(cumulative, random)), z.begin());
  };
  const Round round = run_round(
      0, options.check_runs, population.dims, drawn, [&](std::uint64_t i) { return first_run + i; },
      Evidence{}, options, pool, &record);
  return round.complete;
}

}  // namespace faultline::detail
