#pragma once
// What a network run's requests ask of each link and host, step by step,
// and which services' requests crossed each: how a baseline run finds the
// bottleneck of a platform that cannot carry its load.

#include <simgrid/s4u.hpp>

#include <map>
#include <span>
#include <vector>

#include "faultline/model.hpp"
#include "network/platform.hpp"
#include "network/request_flows.hpp"

namespace faultline::detail {

class DemandMeter {
 public:
  // A step's demand, per second of it, kept until all its flows are done.
  struct StepDemand {
    std::vector<double> asked;  // by resource
    std::vector<std::vector<std::uint32_t>> crossed;  // by ServiceId: the resources
  };

  // Reads the capacities of a platform whose hosts are at full strength.
  DemandMeter(const Topology& topology, const Platform& platform, std::int64_t windows);

  StepDemand new_step() const;
  // `bits_per_second` from one host to another, over the links between
  // them, for the requests of `callers` and `service`.
  void transfer(StepDemand& step, simgrid::s4u::Host* from, simgrid::s4u::Host* to,
                double bits_per_second, std::span<const ServiceId> callers, ServiceId service);
  void work(StepDemand& step, DeploymentId d, double requests_per_second,
            std::span<const ServiceId> callers, ServiceId service);
  // Adds a step's demand, which held from step `first` on, in windows
  // `first_window` to `last_window`.
  void fold(const StepDemand& step, std::int64_t first, std::int64_t first_window,
            std::int64_t last_window);

  const ResourceDemand& result() const { return demand_; }

 private:
  void ask(StepDemand& step, std::uint32_t resource, double amount,
           std::span<const ServiceId> callers, ServiceId service) const;
  const std::vector<std::uint32_t>& links_between(simgrid::s4u::Host* from,
                                                  simgrid::s4u::Host* to);

  std::size_t services_;
  std::size_t windows_;
  std::map<const simgrid::s4u::Link*, std::uint32_t> resource_of_link_;
  std::map<std::pair<const simgrid::s4u::Host*, const simgrid::s4u::Host*>,
           std::vector<std::uint32_t>>
      routes_;
  ResourceDemand demand_;
};

}  // namespace faultline::detail
