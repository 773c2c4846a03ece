#include "network/request_flows.hpp"

#include <fmt/format.h>
#include <simgrid/Exception.hpp>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "network/demand_meter.hpp"
#include "network/platform.hpp"

namespace faultline::detail {

namespace sg4 = simgrid::s4u;

namespace {

// Latencies are binned on a log scale, twenty bins a decade from 0.1 ms up
// to 10^6 s, for the percentiles of a window (within 12%).
constexpr double kFirstBinSeconds = 1e-4;
constexpr int kBinsPerDecade = 20;
constexpr int kBins = 10 * kBinsPerDecade;

class LatencyHistogram {
 public:
  // `weight` responses spread evenly over [low, high] seconds.
  void add(double weight, double low, double high) {
    if (weight <= 0)
      return;
    const double a = position(low);
    const double b = position(high);
    if (b - a < 1e-12) {
      bins_[bin_of(a)] += weight;
      return;
    }
    // Spread in log space, which is close enough within a bin.
    for (int bin = bin_of(a); bin <= bin_of(b); ++bin) {
      const double overlap = std::min(b, bin + 1.0) - std::max(a, static_cast<double>(bin));
      if (overlap > 0)
        bins_[static_cast<std::size_t>(bin)] += weight * overlap / (b - a);
    }
  }
  void add(const LatencyHistogram& other, double times) {
    for (std::size_t i = 0; i < bins_.size(); ++i)
      bins_[i] += other.bins_[i] * times;
  }
  std::optional<Duration> percentile(double p) const {
    double total = 0;
    for (const double b : bins_)
      total += b;
    if (total <= 0)
      return std::nullopt;
    const double wanted = p * total;
    double seen = 0;
    for (int bin = 0; bin < kBins; ++bin) {
      const double here = bins_[static_cast<std::size_t>(bin)];
      if (here > 0 && seen + here >= wanted) {
        const double at = bin + (wanted - seen) / here;
        const double seconds = kFirstBinSeconds * std::pow(10.0, at / kBinsPerDecade);
        return Duration{static_cast<std::int64_t>(std::llround(seconds * 1000))};
      }
      seen += here;
    }
    return Duration{static_cast<std::int64_t>(
        std::llround(kFirstBinSeconds * std::pow(10.0, kBins / kBinsPerDecade) * 1000))};
  }

 private:
  static double position(double seconds) {
    const double p =
        std::log10(std::max(seconds, kFirstBinSeconds) / kFirstBinSeconds) * kBinsPerDecade;
    return std::min(p, kBins - 1e-9);
  }
  static int bin_of(double position) { return static_cast<int>(position); }

  std::array<double, kBins> bins_{};
};

// The responses of a step to one service or user group, kept so that a
// repeated step can add them again.
struct Responses {
  double requests = 0;
  double served = 0;
  LatencyHistogram latency;
};

struct StepRecord {
  // The step's length within the run: the last stops at the run's end.
  double seconds = 0;
  StepFlows flows;
  int in_flight = 0;  // its flows and probes not yet done
  // Until added into the windows.
  std::vector<Responses> services;
  std::vector<Responses> groups;
  std::vector<double> served_share;  // groups x services: of each group's flow to each
  DemandMeter::StepDemand demand;    // when measured
};

// A flow carries the requests of this long, the first of its step, as a
// sample of the whole step: SimGrid times each stage on the sample, and a
// stage that takes longer than the sample's span cannot keep up. A short
// sample keeps a step's flows from running into the next one.
constexpr double kSampleSeconds = 1.0;
// The least the monitor sends to every service, and a user group to each
// it uses: a request a minute, whatever the step.
constexpr double kLeastRequestsPerSecond = 1.0 / 60;

// A call's outcome, per request of the call.
struct CallOutcome {
  double served = 0;     // answered in time
  double degraded = 0;   // of those, answered without a soft dependency
  double retryable = 0;  // timed out or cut off: worth another attempt
  // The latency of the first request of the flow, and the busiest stage's
  // time over the sample's span (requests queue when above 1).
  double latency = 0;
  double load = 0;
  bool answered = false;
};

class FlowSimulation {
 public:
  FlowSimulation(const Topology& topology, const ActivityCalendar& calendar,
                 std::span<const HealthChange> trace, SimTime end, const NetworkOptions& options,
                 bool measure_demand)
      : topology_(topology),
        calendar_(calendar),
        trace_(trace),
        end_(end),
        step_(options.step),
        step_seconds_(options.step.in_seconds()),
        sample_seconds_(std::min(step_seconds_, kSampleSeconds)),
        window_(options.window),
        timeout_(topology.network().request.timeout.in_seconds()),
        platform_(build_platform(topology)),
        inputs_(trace.front().inputs) {
    if (measure_demand)
      meter_.emplace(topology, platform_, windows());
    metrics_.services.resize(topology.services().size());
    metrics_.groups.resize(topology.user_groups().size());
    for (std::size_t i = 1; i < trace.size(); ++i)
      changes_.push_back(trace[i].at);
    for (std::size_t s = 1; s < calendar.segments(); ++s)
      changes_.push_back(calendar.segment_start(s));
    std::sort(changes_.begin(), changes_.end());
    changes_.erase(std::unique(changes_.begin(), changes_.end()), changes_.end());
  }

  void run(FlowResult& result) {
    if (platform_.clients.empty() || end_ <= SimTime{}) {
      // No user group and no monitor, or a run that ends as it starts
      // (a horizon of 0s): nothing sends a request.
      add_step(0);
      runs_.back().count = steps();
    } else {
      // On a client host, which no fault turns off.
      sg4::Actor::create("coordinator", platform_.clients.front(), [this] { coordinate(); });
      sg4::Engine::get_instance()->run();
    }
    collect(result);
  }

 private:
  SimTime step_start(std::int64_t k) const { return SimTime{} + step_ * k; }
  static double seconds(SimTime t) { return Duration{t.ms}.in_seconds(); }

  std::int64_t steps() const {
    return std::max<std::int64_t>(1, (end_.ms + step_.ms - 1) / step_.ms);
  }

  void coordinate() {
    const std::int64_t steps = this->steps();
    std::size_t next_change = 0;
    apply(SimTime{});
    bool can_repeat = false;
    for (std::int64_t k = 0; k < steps;) {
      const SimTime start = step_start(k);
      bool changed = false;
      while (next_change < changes_.size() && changes_[next_change] <= start) {
        apply(changes_[next_change++]);
        changed = true;
      }
      if (can_repeat && !changed) {
        // Nothing differs from the step before until the next change: the
        // steps that end by then would repeat it exactly.
        const SimTime until = next_change < changes_.size() ? changes_[next_change] : end_;
        std::int64_t count = 0;
        while (k + count < steps && step_start(k + count + 1) <= until)
          ++count;
        if (count > 0) {
          runs_.back().count += count;
          repeated_ += count;
          k += count;
          sg4::this_actor::sleep_until(seconds(step_start(k)));
          can_repeat = false;
          continue;
        }
      }
      const bool quiet_at_start = in_flight_ == 0;
      launch(k);
      const SimTime next = step_start(k + 1);
      while (next_change < changes_.size() && changes_[next_change] < next) {
        sg4::this_actor::sleep_until(seconds(changes_[next_change]));
        apply(changes_[next_change++]);
        changed = true;
      }
      sg4::this_actor::sleep_until(seconds(next));
      can_repeat = quiet_at_start && in_flight_ == 0 && !changed;
      fold_finished();
      ++k;
    }
  }

  // Brings hosts and routing to the health inputs in force at t.
  void apply(SimTime t) {
    while (trace_next_ < trace_.size() && trace_[trace_next_].at <= t)
      inputs_ = trace_[trace_next_++].inputs;
    segment_ = calendar_.segment_at(t);
    for (std::size_t d = 0; d < platform_.deployments.size(); ++d) {
      sg4::Host* host = platform_.deployments[d];
      const int healthy = inputs_.healthy_instances[d];
      if (healthy == 0) {
        if (host->is_on())
          host->turn_off();
        continue;
      }
      if (!host->is_on())
        host->turn_on();
      const auto pstate =
          static_cast<unsigned long>(topology_.deployments()[d].instances - healthy);
      if (host->get_pstate() != pstate)
        host->set_pstate(pstate);
    }
  }

  // A step of its own from step k, in which nothing has been sent yet.
  void add_step(std::int64_t k) {
    runs_.push_back({k, 1, {}});
    records_.emplace_back();
    StepRecord& record = records_.back();
    record.seconds = (std::min(step_start(k + 1), end_) - step_start(k)).in_seconds();
    const std::size_t services = topology_.services().size();
    const std::size_t groups = topology_.user_groups().size();
    record.flows.requests.assign(services, 0.0);
    record.flows.served.assign(services, 0.0);
    record.flows.degraded.assign(services, 0.0);
    record.flows.cut_off.assign(groups, 0.0);
    record.services.resize(services);
    record.groups.resize(groups);
    record.served_share.assign(groups * services, 1.0);
    if (meter_)
      record.demand = meter_->new_step();
  }

  void launch(std::int64_t k) {
    add_step(k);
    const std::size_t services = topology_.services().size();
    const std::size_t groups = topology_.user_groups().size();
    // The last step stops at the run's end (found by a helper: 20m in steps
    // of 7m counted 21m of requests).
    const double seconds = records_.back().seconds;
    const double per_user = topology_.network().request.per_active_user_hour * seconds / 3600;
    const std::size_t index = records_.size() - 1;
    // A monitor probes every service each step, so that a service whose
    // callers fail before reaching it still has a state: a request a
    // minute, the sample's share of it (a request a step made the load grow
    // as the step shrank, found by a helper).
    for (std::uint32_t s = 0; s < services; ++s) {
      start(index, platform_.clients.front(), [this, index, s] {
        std::vector<ServiceId> path;
        const double deadline = sg4::Engine::get_clock() + 2 * step_seconds_ + timeout_;
        call_service(index, ServiceId{s}, sample_seconds_ * kLeastRequestsPerSecond,
                     platform_.clients.front(), path, deadline);
      });
    }
    for (std::uint32_t g = 0; g < groups; ++g) {
      const UserGroup& group = topology_.user_groups()[g];
      const auto active = active_share(group.users, calendar_.permille(segment_, UserGroupId{g}));
      // At least a request a minute, as a synthetic monitor would send, so
      // that availability is known while nobody is active; only the users'
      // own are counted as theirs. Found by a helper: a request a step
      // made the load and the counts depend on --step (at 10 ms, a group
      // of one user sent 100 requests a second, and overloaded its
      // service), and a group with nobody active had its monitor's counted.
      const double demand = static_cast<double>(active.value) * per_user;
      const double requests = std::max(seconds * kLeastRequestsPerSecond, demand);
      for (const ServiceId s : group.uses) {
        start(index, platform_.clients[g], [this, index, g, s, requests, demand] {
          send_flow(index, UserGroupId{g}, s, requests, demand);
        });
      }
    }
  }

  // An actor carrying requests of the step records_[index].
  void start(std::size_t index, sg4::Host* host, std::function<void()> work) {
    ++in_flight_;
    ++records_[index].in_flight;
    sg4::Actor::create("flow", host, [this, index, work = std::move(work)] {
      work();
      --in_flight_;
      --records_[index].in_flight;
    });
  }

  // A user group's requests to a service for one step, with the clients'
  // retries of those that timed out or were cut off; of them, `demand` are
  // its users' and counted as theirs.
  void send_flow(std::size_t index, UserGroupId g, ServiceId s, double requests, double demand) {
    const double deadline = sg4::Engine::get_clock() + 2 * step_seconds_ + timeout_;
    sg4::Host* from = platform_.clients[g.value];
    std::vector<ServiceId> path;
    double served = 0;
    double pending = requests;
    const double sampled = sample_seconds_ / records_[index].seconds;
    for (int attempt = 0; attempt <= topology_.network().request.retries && pending > 0;
         ++attempt) {
      const CallOutcome outcome = call_service(index, s, pending * sampled, from, path, deadline);
      served += pending * outcome.served;
      // The users' share of the responses: none while nobody is active.
      if (outcome.answered && demand > 0) {
        records_[index].groups[g.value].latency.add(pending * demand / requests, outcome.latency,
                                                    profile_end(outcome));
      }
      pending *= outcome.retryable;
    }
    StepRecord& record = records_[index];
    record.groups[g.value].requests += demand;
    record.groups[g.value].served += served / requests * demand;
    const std::size_t services = topology_.services().size();
    record.served_share[g.value * services + s.value] = served / requests;
    double worst = 1.0;
    for (const ServiceId used : topology_.user_group(g).uses)
      worst = std::min(worst, record.served_share[g.value * services + used.value]);
    record.flows.cut_off[g.value] = 1.0 - worst;
  }

  // Requests queue behind the busiest stage when it cannot keep up: spread
  // evenly over the step, the last waits for the step's excess.
  double profile_end(const CallOutcome& o) const {
    return o.latency + std::max(0.0, o.load - 1.0) * step_seconds_;
  }

  // The share of a flow's requests answered within the timeout.
  double in_time(const CallOutcome& o) const {
    const double last = profile_end(o);
    if (last <= timeout_)
      return 1.0;
    if (o.latency >= timeout_)
      return 0.0;
    return (timeout_ - o.latency) / (last - o.latency);
  }

  // The deployments a service's requests go to, with their shares: those
  // taking traffic, by weight; a deployment with no healthy instance does
  // not, as its load balancer's health checks know.
  std::vector<std::pair<DeploymentId, double>> route(ServiceId s) const {
    const Service& service = topology_.service(s);
    std::vector<std::pair<DeploymentId, double>> targets;
    if (service.redundancy == Redundancy::active_passive) {
      targets.emplace_back(inputs_.active[s.value], 1.0);
      return targets;
    }
    double total = 0;
    for (const DeploymentId d : service.deployments) {
      if (inputs_.in_service[d.value] && inputs_.healthy_instances[d.value] > 0) {
        targets.emplace_back(d, topology_.deployment(d).weight);
        total += topology_.deployment(d).weight;
      }
    }
    if (targets.empty()) {
      targets.emplace_back(service.deployments.front(), 1.0);
      return targets;
    }
    for (auto& target : targets)
      target.second /= total;
    return targets;
  }

  CallOutcome call_service(std::size_t index, ServiceId s, double requests, sg4::Host* from,
                           std::vector<ServiceId>& path, double deadline) {
    CallOutcome total;
    for (const auto& [d, share] : route(s)) {
      const CallOutcome o = call_deployment(index, s, d, requests * share, from, path, deadline);
      total.served += share * o.served;
      total.degraded += share * o.degraded;
      total.retryable += share * o.retryable;
      total.latency += share * o.latency;
      total.load = std::max(total.load, o.load);
      total.answered = total.answered || o.answered;
    }
    return total;
  }

  double route_latency(sg4::Host* from, sg4::Host* to) {
    const auto [at, added] = latency_.try_emplace({from, to}, 0.0);
    if (added) {
      std::vector<sg4::Link*> links;
      from->route_to(to, links, &at->second);
    }
    return at->second;
  }

  bool quorum_lost(const Service& service) const {
    if (service.redundancy != Redundancy::k_of_n)
      return false;
    const auto up =
        std::count_if(service.deployments.begin(), service.deployments.end(), [&](DeploymentId d) {
          return inputs_.in_service[d.value] && inputs_.healthy_instances[d.value] > 0;
        });
    return up < service.quorum;
  }

  // Waits for an activity until the flow's deadline; false when it failed
  // (a host went off under it) or the deadline passed, and it was given up.
  template <typename ActivityPtr>
  static bool finished(const ActivityPtr& activity, double deadline) {
    try {
      activity->wait_for(std::max(0.0, deadline - sg4::Engine::get_clock()));
      return true;
    } catch (const simgrid::TimeoutException&) {
      activity->cancel();
      return false;
    } catch (const simgrid::Exception&) {
      return false;
    }
  }

  // `requests` is the sample's; the step's are counted.
  CallOutcome call_deployment(std::size_t index, ServiceId s, DeploymentId d, double requests,
                              sg4::Host* from, std::vector<ServiceId>& path, double deadline) {
    const double counted = requests * records_[index].seconds / sample_seconds_;
    const Service& service = topology_.service(s);
    const RequestSpec& spec = topology_.network().request;
    sg4::Host* host = platform_.deployments[d.value];
    Responses& responses = records_[index].services[s.value];
    StepFlows& flows = records_[index].flows;
    flows.requests[s.value] += counted;
    responses.requests += counted;
    const double latency = route_latency(from, host);
    CallOutcome outcome;
    // No healthy instance, or no quorum: refused at once, a round trip.
    if (!host->is_on() || quorum_lost(service)) {
      outcome.latency = 2 * latency;
      outcome.answered = true;
      responses.latency.add(counted, outcome.latency, outcome.latency);
      return outcome;
    }
    const auto bytes = [&](std::int64_t each) {
      return static_cast<std::uint64_t>(std::llround(requests * static_cast<double>(each)));
    };
    const auto cut_off = [&] {
      outcome.retryable = 1.0;
      return outcome;
    };
    note_demand(index, s, d, requests, from, path);
    const double started = sg4::Engine::get_clock();
    if (!finished(sg4::Comm::sendto_async(from, host, bytes(spec.request_bytes)), deadline))
      return cut_off();
    const double received = sg4::Engine::get_clock();
    // Host::exec_async would run on the calling actor's host in SimGrid 3.32.
    const sg4::ExecPtr work = sg4::Exec::init()->set_flops_amount(requests * kFlopsPerRequest);
    work->set_host(host);
    work->start();
    if (!finished(work, deadline))
      return cut_off();
    const double executed = sg4::Engine::get_clock();
    const double transfer = std::max(0.0, received - started - latency);
    outcome.latency = 2 * latency + (transfer + executed - received) / requests;
    outcome.load = std::max(transfer, executed - received) / sample_seconds_;
    double alive = requests * inputs_.capability[s.value];
    double degraded = 0;
    path.push_back(s);
    for (const Dependency& dependency : service.dependencies) {
      if (alive <= 0)
        break;
      if (std::find(path.begin(), path.end(), dependency.service) != path.end())
        continue;
      const CallOutcome dep = call_service(index, dependency.service, alive, host, path, deadline);
      outcome.latency += dep.latency;
      outcome.load = std::max(outcome.load, dep.load);
      if (dependency.kind == DependencyKind::hard) {
        degraded = degraded * dep.served + alive * dep.degraded;
        alive *= dep.served;
      } else {
        degraded += (alive - degraded) * (1.0 - dep.served);
      }
    }
    path.pop_back();
    const double replying = sg4::Engine::get_clock();
    if (!finished(sg4::Comm::sendto_async(host, from, bytes(spec.response_bytes)), deadline))
      return cut_off();
    const double reply = std::max(0.0, sg4::Engine::get_clock() - replying - latency);
    outcome.latency += reply / requests;
    outcome.load = std::max(outcome.load, reply / sample_seconds_);
    outcome.answered = true;
    const double timely = in_time(outcome);
    outcome.served = alive / requests * timely;
    outcome.degraded = degraded / requests * timely;
    outcome.retryable = alive / requests * (1.0 - timely);
    flows.served[s.value] += counted * outcome.served;
    flows.degraded[s.value] += counted * outcome.degraded;
    responses.served += counted * outcome.served;
    responses.latency.add(counted, outcome.latency, profile_end(outcome));
    return outcome;
  }

  // What the call's `requests` (the sample's) ask per second of the links
  // there and back and of the host, when demand is measured.
  void note_demand(std::size_t index, ServiceId s, DeploymentId d, double requests, sg4::Host* from,
                   const std::vector<ServiceId>& callers) {
    if (!meter_)
      return;
    const RequestSpec& spec = topology_.network().request;
    const double per_second = requests / sample_seconds_;
    sg4::Host* host = platform_.deployments[d.value];
    DemandMeter::StepDemand& demand = records_[index].demand;
    const auto bits = [&](std::int64_t bytes) {
      return per_second * static_cast<double>(bytes) * 8;
    };
    meter_->transfer(demand, from, host, bits(spec.request_bytes), callers, s);
    meter_->work(demand, d, per_second, callers, s);
    meter_->transfer(demand, host, from, bits(spec.response_bytes), callers, s);
  }

  std::int64_t windows() const {
    return std::max<std::int64_t>(1, (end_.ms + window_.ms - 1) / window_.ms);
  }
  std::int64_t window_of(std::int64_t step) const { return step_.ms * step / window_.ms; }
  std::int64_t first_step_in(std::int64_t window) const {
    return (window_.ms * window + step_.ms - 1) / step_.ms;
  }

  // Adds the responses of the steps done, in time order, into their
  // windows. The latest stays open: the steps after it may repeat it.
  void fold_finished() {
    while (folded_ + 1 < runs_.size() && records_[folded_].in_flight == 0) {
      fold(runs_[folded_], records_[folded_]);
      ++folded_;
    }
  }

  // Adds a run of steps into the windows they fall in, per window rather
  // than per step (a run may repeat a step for a year), and closes the
  // windows before, which no later step reaches.
  void fold(const StepRun& run, StepRecord& record) {
    const std::int64_t last = run.first + run.count - 1;
    const std::int64_t last_window = std::min(window_of(last), windows() - 1);
    for (std::int64_t w = window_of(run.first); w <= last_window; ++w) {
      close_before(w);
      const std::int64_t steps =
          std::min(last, first_step_in(w + 1) - 1) - std::max(run.first, first_step_in(w)) + 1;
      if (steps <= 0)
        continue;
      while (first_open_ + static_cast<std::int64_t>(open_.size()) <= w)
        open_.push_back({std::vector<Responses>(record.services.size()),
                         std::vector<Responses>(record.groups.size())});
      WindowSums& sums = open_[static_cast<std::size_t>(w - first_open_)];
      const auto times = static_cast<double>(steps);
      const auto add = [times](Responses& into, const Responses& from) {
        into.requests += from.requests * times;
        into.served += from.served * times;
        into.latency.add(from.latency, times);
      };
      for (std::size_t s = 0; s < record.services.size(); ++s)
        add(sums.services[s], record.services[s]);
      for (std::size_t g = 0; g < record.groups.size(); ++g) {
        add(sums.groups[g], record.groups[g]);
        metrics_.requests += record.groups[g].requests * times;
      }
    }
    std::vector<Responses>().swap(record.services);
    std::vector<Responses>().swap(record.groups);
    if (meter_) {
      meter_->fold(record.demand, run.first, window_of(run.first), last_window);
      record.demand = {};
    }
  }

  // Turns the windows before `window` into their metrics.
  void close_before(std::int64_t window) {
    const auto summary = [](SimTime from, const Responses& r) {
      return RequestWindow{from, r.requests, r.served, r.latency.percentile(0.5),
                           r.latency.percentile(0.99)};
    };
    const std::size_t services = topology_.services().size();
    const std::size_t groups = topology_.user_groups().size();
    while (first_open_ < window) {
      const SimTime from = SimTime{} + window_ * first_open_;
      if (open_.empty())
        open_.push_back({std::vector<Responses>(services), std::vector<Responses>(groups)});
      for (std::size_t s = 0; s < services; ++s)
        metrics_.services[s].push_back(summary(from, open_.front().services[s]));
      for (std::size_t g = 0; g < groups; ++g)
        metrics_.groups[g].push_back(summary(from, open_.front().groups[g]));
      open_.pop_front();
      ++first_open_;
    }
  }

  void collect(FlowResult& result) {
    while (folded_ < runs_.size()) {
      fold(runs_[folded_], records_[folded_]);
      ++folded_;
    }
    close_before(windows());
    result.steps = runs_;
    for (std::size_t i = 0; i < runs_.size(); ++i)
      result.steps[i].flows = records_[i].flows;
    metrics_.step = step_;
    metrics_.window = window_;
    metrics_.steps_simulated = static_cast<std::int64_t>(runs_.size());
    metrics_.steps_repeated = repeated_;
    result.metrics = std::move(metrics_);
    if (meter_)
      result.demand = meter_->result();
  }

  const Topology& topology_;
  const ActivityCalendar& calendar_;
  std::span<const HealthChange> trace_;
  SimTime end_;
  Duration step_;
  double step_seconds_;
  double sample_seconds_;
  Duration window_;
  double timeout_;
  Platform platform_;
  std::optional<DemandMeter> meter_;
  // One-way, by route, as requests first take it.
  std::map<std::pair<const sg4::Host*, const sg4::Host*>, double> latency_;
  std::vector<SimTime> changes_;  // when health inputs or activity change, after T0
  std::size_t trace_next_ = 0;
  HealthInputs inputs_;
  std::size_t segment_ = 0;
  int in_flight_ = 0;
  std::vector<StepRun> runs_;
  std::size_t folded_ = 0;  // runs_ before this are added into the windows
  struct WindowSums {
    std::vector<Responses> services;
    std::vector<Responses> groups;
  };
  std::deque<WindowSums> open_;  // windows from first_open_ on
  std::int64_t first_open_ = 0;
  RequestMetrics metrics_;
  // By position in runs_; a deque, as flows keep references into it while
  // later steps are added.
  std::deque<StepRecord> records_;
  std::int64_t repeated_ = 0;
};

void write_window(std::string& out, const RequestWindow& w) {
  fmt::format_to(std::back_inserter(out), "{:.17g} {:.17g} {} {}\n", w.requests, w.served,
                 w.p50 ? w.p50->ms : -1, w.p99 ? w.p99->ms : -1);
}

RequestWindow read_window(std::istream& in, SimTime from) {
  RequestWindow w{from, 0, 0, {}, {}};
  std::int64_t p50 = -1;
  std::int64_t p99 = -1;
  in >> w.requests >> w.served >> p50 >> p99;
  if (p50 >= 0)
    w.p50 = Duration{p50};
  if (p99 >= 0)
    w.p99 = Duration{p99};
  return w;
}

}  // namespace

std::string serialize(const FlowResult& result) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{}\n", result.steps.size());
  for (const StepRun& run : result.steps) {
    fmt::format_to(it, "{} {}\n", run.first, run.count);
    for (const auto* values :
         {&run.flows.requests, &run.flows.served, &run.flows.degraded, &run.flows.cut_off}) {
      for (const double v : *values)
        fmt::format_to(it, "{:.17g} ", v);
      out += '\n';
    }
  }
  const RequestMetrics& m = result.metrics;
  fmt::format_to(it, "{} {} {:.17g} {} {}\n", m.step.ms, m.window.ms, m.requests, m.steps_simulated,
                 m.steps_repeated);
  fmt::format_to(it, "{}\n", m.services.empty() ? 0 : m.services.front().size());
  for (const auto* series : {&m.services, &m.groups}) {
    for (const auto& windows : *series) {
      for (const RequestWindow& w : windows)
        write_window(out, w);
    }
  }
  fmt::format_to(it, "{}\n", result.demand ? 1 : 0);
  if (const auto& d = result.demand) {
    for (const auto* values : {&d->capacity, &d->peak, &d->busiest_utilisation}) {
      for (const double v : *values)
        fmt::format_to(it, "{:.17g} ", v);
      out += '\n';
    }
    for (const auto* values : {&d->peak_step, &d->busiest}) {
      for (const std::int64_t v : *values)
        fmt::format_to(it, "{} ", v);
      out += '\n';
    }
  }
  return out;
}

namespace {

ResourceDemand read_demand(std::istream& in, const Topology& topology, std::size_t windows) {
  const std::size_t resources = network_resources(topology).size();
  const std::size_t by_window = topology.services().size() * windows;
  ResourceDemand d;
  d.capacity.resize(resources);
  d.peak.resize(resources);
  d.busiest_utilisation.resize(by_window);
  d.peak_step.resize(resources);
  d.busiest.resize(by_window);
  for (auto* values : {&d.capacity, &d.peak, &d.busiest_utilisation}) {
    for (double& v : *values)
      in >> v;
  }
  for (auto* values : {&d.peak_step, &d.busiest}) {
    for (std::int64_t& v : *values)
      in >> v;
  }
  return d;
}

}  // namespace

FlowResult parse_flows(const std::string& text, const Topology& topology) {
  const std::size_t services = topology.services().size();
  const std::size_t groups = topology.user_groups().size();
  std::istringstream in(text);
  FlowResult result;
  std::size_t runs = 0;
  in >> runs;
  for (std::size_t i = 0; i < runs && in; ++i) {
    StepRun run;
    in >> run.first >> run.count;
    for (auto* values : {&run.flows.requests, &run.flows.served, &run.flows.degraded}) {
      values->resize(services);
      for (double& v : *values)
        in >> v;
    }
    run.flows.cut_off.resize(groups);
    for (double& v : run.flows.cut_off)
      in >> v;
    result.steps.push_back(std::move(run));
  }
  RequestMetrics& m = result.metrics;
  std::size_t windows = 0;
  in >> m.step.ms >> m.window.ms >> m.requests >> m.steps_simulated >> m.steps_repeated >> windows;
  for (auto [series, count] : {std::pair{&m.services, services}, std::pair{&m.groups, groups}}) {
    series->resize(count);
    for (auto& list : *series) {
      for (std::size_t w = 0; w < windows && in; ++w)
        list.push_back(read_window(in, SimTime{} + m.window * static_cast<std::int64_t>(w)));
    }
  }
  int measured = 0;
  in >> measured;
  if (measured == 1)
    result.demand = read_demand(in, topology, windows);
  if (!in)
    throw std::runtime_error("the network simulation sent back results that do not parse");
  return result;
}

FlowResult simulate_flows(const Topology& topology, const ActivityCalendar& calendar,
                          std::span<const HealthChange> trace, SimTime end,
                          const NetworkOptions& options, bool measure_demand) {
  if (trace.empty() || trace.front().at != SimTime{})
    throw std::logic_error("the health trace must start at T0");
  const auto engine = make_engine();
  FlowSimulation simulation(topology, calendar, trace, end, options, measure_demand);
  FlowResult result;
  simulation.run(result);
  return result;
}

}  // namespace faultline::detail
