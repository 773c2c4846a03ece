#include "replay/stretched_draws.hpp"

#include <algorithm>
#include <cmath>

namespace faultline::detail {

namespace {

// Addresses as integers, which order any two (pointers into different
// objects have no order of their own).
std::uintptr_t address(const void* parameter) {
  return reinterpret_cast<std::uintptr_t>(parameter);
}

}  // namespace

StretchPlan::StretchPlan(const std::vector<const void*>& parameters,
                         std::vector<std::vector<double>> stretches, std::vector<int> percent)
    : size_(parameters.size()), stretches_(std::move(stretches)), percent_(std::move(percent)) {
  for (std::uint32_t i = 0; i < parameters.size(); ++i)
    sorted_.emplace_back(address(parameters[i]), i);
  std::sort(sorted_.begin(), sorted_.end());
  for (const auto& component : stretches_) {
    log_stretches_.emplace_back();
    for (const double k : component)
      log_stretches_.back().push_back(std::log(k));
  }
}

std::size_t StretchPlan::component_of(std::uint64_t run) const {
  auto position = static_cast<int>(run % 100);
  for (std::size_t c = 0; c + 1 < percent_.size(); ++c) {
    if (position < percent_[c])
      return c;
    position -= percent_[c];
  }
  return percent_.size() - 1;
}

std::optional<std::uint32_t> StretchPlan::find(const void* parameter) const {
  const auto it = std::lower_bound(sorted_.begin(), sorted_.end(),
                                   std::pair<std::uintptr_t, std::uint32_t>{address(parameter), 0});
  if (it == sorted_.end() || it->first != address(parameter))
    return std::nullopt;
  return it->second;
}

void StretchedDraws::reset(const StretchPlan* plan, std::uint64_t run) {
  plan_ = plan;
  component_ = plan ? plan->component_of(run) : 0;
  log_ratios_.assign(plan ? plan->components() : 0, 0.0);
  unplanned_ = 0;
  const std::size_t sites = plan ? plan->size() : 0;
  draws_.assign(sites, 0);
  surprisal_sums_.assign(sites, 0);
  failures_.assign(sites, 0);
}

// A fixed duration draws nothing, as in plain sampling; a parameter the
// plan lacks draws at a stretch of 1, its weight 1.
Duration StretchedDraws::duration(const Distribution& d, RandomStream& random) {
  if (d.is_fixed())
    return d.median();
  const auto site = plan_->find(&d);
  if (!site) {
    ++unplanned_;
    return d.sample(random);
  }
  const double s = -plan_->stretch(component_, *site) * std::log1p(-random.uniform());
  for (std::size_t c = 0; c < log_ratios_.size(); ++c) {
    const double k = plan_->stretch(c, *site);
    log_ratios_[c] += plan_->log_stretch(c, *site) - (1 - 1 / k) * s;
  }
  surprisal_sums_[*site] += s;
  ++draws_[*site];
  return d.at_surprisal(s);
}

// The outcome is weighed as what it is, a failure or a success, not by a
// surprisal behind it: that weight varies less.
bool StretchedDraws::succeeds(const double& p, RandomStream& random) {
  if (p <= 0)  // fails under every law: nothing to draw or weigh
    return false;
  const auto site = plan_->find(&p);
  if (!site) {
    ++unplanned_;
    return random.uniform() < p;
  }
  const double a = -std::log1p(-p);
  const bool fails = random.uniform() < std::exp(-a / plan_->stretch(component_, *site));
  // Failing: (1 - p) / e^-(a/k); succeeding: p / (1 - e^-(a/k)).
  for (std::size_t c = 0; c < log_ratios_.size(); ++c) {
    const double k = plan_->stretch(c, *site);
    if (k != 1)  // at 1 the ratio is 1, which the formula misses by a rounding
      log_ratios_[c] += fails ? -a * (1 - 1 / k) : std::log(p) - std::log(-std::expm1(-a / k));
  }
  ++draws_[*site];
  if (fails)
    ++failures_[*site];
  return !fails;
}

}  // namespace faultline::detail
