#include "rare/draw_sites.hpp"

#include <fmt/format.h>

#include <cmath>

namespace faultline::detail {

namespace {

class Catalogue {
 public:
  void duration(const Distribution& d, std::string name) {
    if (!d.is_fixed())
      sites_.push_back({&d, DrawKind::duration, std::move(name), 0});
  }
  // Drawn only strictly between 0 and 1 (StretchedDraws::succeeds).
  void outcome(const double& p, std::string name) {
    if (p > 0 && p < 1)
      sites_.push_back({&p, DrawKind::outcome, std::move(name), -std::log1p(-p)});
  }
  std::vector<DrawSite> take() { return std::move(sites_); }

 private:
  std::vector<DrawSite> sites_;
};

void add_step(const Step& step, Catalogue& sites) {
  for (const Method& m : step.methods) {
    const std::string who = m.name.empty() ? step.id : fmt::format("{} ({})", step.id, m.name);
    sites.duration(m.duration, who + " duration");
    sites.duration(m.retry_delay, who + " retry delay");
    sites.outcome(m.success, who + " attempts");
  }
  for (std::size_t w = 0; w < step.wave_plan.size(); ++w)
    sites.duration(step.wave_plan[w].duration, fmt::format("{} wave {}", step.id, w + 1));
  if (step.rollback)
    sites.duration(*step.rollback, step.id + " rollback");
}

}  // namespace

std::vector<DrawSite> draw_sites(const Scenario& scenario) {
  Catalogue sites;
  for (const Step& step : scenario.steps)
    add_step(step, sites);
  for (const Fault& fault : scenario.faults) {
    if (fault.lasts)
      sites.duration(*fault.lasts, fault.id + " lasting");
  }
  for (const Service& service : scenario.topology->services()) {
    sites.duration(service.failover.detection, service.id + " failover detection");
    sites.duration(service.failover.duration, service.id + " failover");
    sites.outcome(service.failover.success, service.id + " failover attempts");
    if (service.overload && service.overload->restarts_after)
      sites.duration(*service.overload->restarts_after, service.id + " overload restart");
  }
  return sites.take();
}

}  // namespace faultline::detail
