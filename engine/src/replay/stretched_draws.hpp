#pragma once
// Importance sampling's side of a run (rare.hpp). Each model parameter a
// run draws from, a Distribution or an attempt's success probability, is a
// draw site with a stretch of its own (StretchPlan). A duration is drawn at
// a surprisal s (Distribution::at_surprisal) taken from an exponential of
// mean k, its site's stretch, instead of 1, so long durations come more
// often; an attempt that succeeds with probability p = 1 - e^-a fails with
// probability e^-(a / k) instead of e^-a. The run keeps the log of its
// likelihood ratio, the product over its draws of what the scenario's law
// gives the draw over what the stretched one does (k e^-(1 - 1/k) s for a
// duration), which weighs the run back to the scenario's law (against each
// component of a mixture); and, site by site, what the cross-entropy search
// picks the next stretches from.

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "faultline/distribution.hpp"
#include "faultline/random.hpp"

namespace faultline::detail {

// The stretch of each draw site, a site named by the address of its
// parameter in the immutable model, at a position of the caller's order:
// for each of one or more components, laws that runs draw from in fixed
// shares (run r from component_of(r)), weighed against all of them.
class StretchPlan {
 public:
  // `stretches`: by component, then by site. `percent`: each component's
  // share of the runs, in whole percent adding up to 100.
  StretchPlan(const std::vector<const void*>& parameters,
              std::vector<std::vector<double>> stretches, std::vector<int> percent);
  std::size_t size() const { return size_; }
  std::size_t components() const { return stretches_.size(); }
  // The site of the parameter; none for one the plan lacks.
  std::optional<std::uint32_t> find(const void* parameter) const;
  double stretch(std::size_t component, std::uint32_t site) const {
    return stretches_[component][site];
  }
  double log_stretch(std::size_t component, std::uint32_t site) const {
    return log_stretches_[component][site];
  }
  // By the run's index modulo 100, in runs of whole components.
  std::size_t component_of(std::uint64_t run) const;

 private:
  std::size_t size_ = 0;
  std::vector<std::pair<std::uintptr_t, std::uint32_t>> sorted_;
  std::vector<std::vector<double>> stretches_;
  std::vector<std::vector<double>> log_stretches_;
  std::vector<int> percent_;
};

class StretchedDraws {
 public:
  // For run `run`: inactive without a plan, when plain sampling draws.
  void reset(const StretchPlan* plan, std::uint64_t run);
  bool active() const { return plan_ != nullptr; }

  Duration duration(const Distribution& d, RandomStream& random);
  // Whether an attempt that succeeds with probability p (p < 1) does;
  // p by reference, as its address in the model names its site.
  bool succeeds(const double& p, RandomStream& random);

  // By component c of the plan, the log of f / g_c over the run's draws:
  // the scenario's law over component c's.
  std::span<const double> log_likelihood_ratios() const { return log_ratios_; }
  // By site: the draws, their surprisals summed (durations), the failures
  // (outcomes).
  std::span<const std::uint32_t> draws() const { return draws_; }
  std::span<const double> surprisal_sums() const { return surprisal_sums_; }
  std::span<const std::uint32_t> failures() const { return failures_; }
  // Draws from parameters the plan lacks, made as the scenario says.
  std::uint64_t unplanned() const { return unplanned_; }

 private:
  const StretchPlan* plan_ = nullptr;
  std::size_t component_ = 0;  // the one drawn from
  std::vector<double> log_ratios_;
  std::vector<std::uint32_t> draws_;
  std::vector<double> surprisal_sums_;
  std::vector<std::uint32_t> failures_;
  std::uint64_t unplanned_ = 0;
};

}  // namespace faultline::detail
