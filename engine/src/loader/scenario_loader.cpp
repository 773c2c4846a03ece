#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "faultline/strategy.hpp"
#include "faultline/words.hpp"
#include "graph/dependency_graph.hpp"
#include "loader/loaders.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline::loader {

namespace {

template <class Items>
std::vector<std::string> ids_of(const Items& items) {
  std::vector<std::string> ids;
  for (const auto& item : items)
    ids.push_back(item.id);
  return ids;
}

// A kind of the topology's ids, resolved through its own index.
template <class Find, class Items>
IdTable topology_ids(std::string kind, const Topology& topology, Find find, Items items) {
  return IdTable(
      std::move(kind),
      [&topology, find](std::string_view id) -> std::optional<std::uint32_t> {
        if (const auto found = (topology.*find)(id))
          return found->value;
        return std::nullopt;
      },
      [&topology, items] { return ids_of((topology.*items)()); });
}

class ScenarioReader {
 public:
  ScenarioReader(const std::string& path, Diagnostics& diagnostics, const LoadOptions& options)
      : reader_(path, diagnostics),
        options_(options),
        crews_("crew"),
        steps_("step"),
        fault_ids_("fault") {}

  // A topology where a scenario belongs gets one message, not three
  // unknown keys and three missing ones (found by a helper).
  bool is_topology(const yaml::Node& root) {
    if (!root.is_map() || root["topology"].defined() || !root["services"].defined())
      return false;
    reader_.error(root,
                  "this is a topology, not a scenario; pass a scenario whose 'topology' names "
                  "this file, or run analyze or markov on the topology");
    return true;
  }

  std::shared_ptr<const Scenario> read(const yaml::Node& root) {
    if (is_topology(root))
      return nullptr;
    Fields top(reader_, root, "the scenario", schema::scenario);
    if (!top.is_map())
      return nullptr;
    name_ = reader_.optional_text(top.get("name"), "the scenario's name");
    description_ = reader_.optional_text(top.get("description"), "the scenario's description");
    read_topology_reference(top.require("topology"));
    read_clock(top.require("start"), top.require("time_zone"));
    if (const yaml::Node h = top.get("horizon"); h.defined()) {
      if (const auto d = reader_.duration(h, "the horizon"))
        horizon_ = SimTime{} + *d;
    }
    // A horizon ends a run before any draw cut to the longest duration.
    reader_.warn_of_cut_draws(!top.get("horizon").defined());

    if (const yaml::Node st = top.get("strategy"); st.defined())
      read_strategy(st);

    const yaml::Node faults = top.get("faults");
    const yaml::Node crews = top.get("crews");
    const yaml::Node runbook = top.get("runbook");
    const yaml::Node observed = top.get("observed");
    crews_ = collect_ids(reader_, crews, "crew");
    steps_ = collect_ids(reader_, runbook, "step");
    fault_ids_ = collect_ids(reader_, faults, "fault");
    collect_ids(reader_, observed, "milestone");  // reports duplicate ids

    if (crews.defined() && reader_.sequence(crews, "crews")) {
      for (const auto& c : crews)
        read_crew(c);
    }
    // Without a topology there is nothing to resolve references against; the
    // structure of the rest is still checked below.
    if (faults.defined() && reader_.sequence(faults, "faults")) {
      for (const auto& f : faults)
        read_fault(f);
    }
    if (runbook.defined() && reader_.sequence(runbook, "runbook")) {
      for (const auto& s : runbook)
        read_step(s);
    }
    if (observed.defined() && reader_.sequence(observed, "observed")) {
      for (const auto& m : observed)
        read_milestone(m);
    }
    read_priority(top.get("priority"), top.get("strategy"));
    check_runbook_cycles();
    check_awaited_steps();
    if (topology_ && topology_->has_failure_models() && !horizon_) {
      reader_.error(root, "the topology " + topology_->file() +
                              " has failure models, so failures recur without end; give the "
                              "scenario a 'horizon' (such as 365d) to study");
    }
    if (topology_ && topology_->has_restarts() && !horizon_) {
      reader_.error(root, "the topology " + topology_->file() +
                              " has deployments that restart by themselves after falling over, "
                              "so a crash loop can go on without end; give the scenario a "
                              "'horizon' (such as 7d) to study");
    }
    check_countable(top.get("horizon"), root);
    warn_past_the_horizon();
    if (reader_.diagnostics().has_errors() || !topology_)
      return nullptr;

    auto step_successors = successors();
    return std::make_shared<const Scenario>(
        Scenario{reader_.file(), name_, description_, topology_, ScenarioClock(t0_, zone_),
                 std::move(faults_), std::move(crews_list_), std::move(steps_list_),
                 std::move(step_successors), std::move(observed_), horizon_, strategy_,
                 std::move(priority_), std::move(unknowns_), nullptr});
  }

 private:
  // What no run can reach: a likely slip of the horizon (1d for 1w) would
  // otherwise read as a harmless incident.
  void warn_past_the_horizon() {
    if (!horizon_)
      return;
    const std::string horizon = "the horizon, T0+" + format_duration(horizon_->since_t0());
    Diagnostics& diagnostics = reader_.diagnostics();
    for (const Fault& f : faults_) {
      if (f.at > *horizon_)
        diagnostics.warning(f.where, fmt::format("fault '{}' strikes at T0+{}, after {}: it "
                                                 "never does in a run",
                                                 f.id, format_duration(f.at.since_t0()), horizon));
    }
    for (const Step& s : steps_list_) {
      if (s.not_before && *s.not_before > *horizon_)
        diagnostics.warning(s.where,
                            fmt::format("step '{}' cannot start before T0+{}, after {}: "
                                        "it never starts in a run",
                                        s.id, format_duration(s.not_before->since_t0()), horizon));
      for (const Method& m : s.methods) {
        if (m.available_from && *m.available_from > *horizon_)
          diagnostics.warning(
              m.where,
              fmt::format("method '{}' of step '{}' arrives at T0+{}, after {}: it "
                          "never does in a run",
                          m.name, s.id, format_duration(m.available_from->since_t0()), horizon));
      }
    }
    for (const Milestone& m : observed_) {
      if (m.timing == MilestoneTiming::at && m.time - m.within > *horizon_)
        diagnostics.warning(
            m.where, fmt::format("milestone '{}' is met only from T0+{}, after "
                                 "{}: no run can meet it",
                                 m.id, format_duration((m.time - m.within).since_t0()), horizon));
    }
  }

  // A run longer than the topology's users can be counted for would give
  // wrong losses: a horizon (or, without one, the default) past it is
  // refused here, and a run that goes on past it stops (UncountableRun).
  void check_countable(const yaml::Node& horizon, const yaml::Node& root) {
    if (!topology_ || (horizon.defined() && !horizon_))
      return;
    const Duration most = topology_->longest_countable();
    const Duration asked = horizon_ ? *horizon_ - SimTime{} : kDefaultHorizon;
    if (asked <= most)
      return;
    const std::string why = fmt::format(
        "the loss of the {} users of {} can be counted exactly for {} at most "
        "(2^62 user-milliseconds)",
        topology_->users().value, topology_->file(), format_duration(most));
    if (horizon_) {
      reader_.error(horizon, fmt::format("a horizon of {} is too long: {}; give at most {}",
                                         format_duration(asked), why, format_duration(most)));
    } else {
      reader_.error(root,
                    fmt::format("without a horizon, a run with users still cut off goes "
                                "on for {}, but {}; give the scenario a 'horizon' of at "
                                "most {}",
                                format_duration(kDefaultHorizon), why, format_duration(most)));
    }
  }

  void read_strategy(const yaml::Node& node) {
    const auto name = reader_.text(node, "the strategy");
    if (!name)
      return;
    if (const auto k = parse_strategy(*name)) {
      strategy_ = *k;
      return;
    }
    reader_.error(node, "unknown strategy '" + *name + "'" +
                            did_you_mean(*name, accepted_words<StrategyKind>()) +
                            "; expected one of " + expected_words<StrategyKind>());
  }

  // The priority list goes with the `priority` strategy, and only with it.
  void read_priority(const yaml::Node& node, const yaml::Node& strategy) {
    const bool wanted = strategy_ == StrategyKind::priority;
    if (!node.defined()) {
      if (wanted) {
        reader_.error(strategy,
                      "the priority strategy needs a 'priority' list: the step ids, most urgent "
                      "first");
      }
      return;
    }
    if (!wanted) {
      reader_.error(node,
                    "'priority' lists an order for the priority strategy; add 'strategy: "
                    "priority' or remove the list");
      return;
    }
    const auto twice = [](const std::string& id) {
      return "step '" + id + "' appears twice in 'priority'; list each step once";
    };
    for (const auto s : steps_.resolve_list_once(reader_, node, twice))
      priority_.push_back(StepId{s});
  }

  void read_topology_reference(const yaml::Node& node) {
    if (!node.defined())
      return;
    const auto relative = reader_.text(node, "the topology path");
    if (!relative)
      return;
    const std::filesystem::path base = std::filesystem::path(reader_.file()).parent_path();
    const std::string path = (base / *relative).lexically_normal().string();
    // The error_code form: a path too long or otherwise unusable is a file
    // that does not exist, not an exception.
    std::error_code unusable;
    if (!std::filesystem::is_regular_file(path, unusable)) {
      reader_.error(node, "the topology file '" + *relative + "' does not exist (looked for " +
                              path + "); the path is relative to the scenario's folder");
      return;
    }
    topology_ = topology_at(path);
    if (topology_) {
      services_.emplace(
          topology_ids("service", *topology_, &Topology::find_service, &Topology::services));
      deployments_.emplace(topology_ids("deployment", *topology_, &Topology::find_deployment,
                                        &Topology::deployments));
      regions_.emplace(
          topology_ids("region", *topology_, &Topology::find_region, &Topology::regions));
      user_groups_.emplace("user group", ids_of(topology_->user_groups()));
      for (const Deployment& d : topology_->deployments()) {
        if (!d.zone.empty() && std::find(zones_.begin(), zones_.end(), d.zone) == zones_.end())
          zones_.push_back(d.zone);
      }
    }
  }

  // From the cache when it holds a clean read of the file; a clean read is
  // left there.
  std::shared_ptr<const Topology> topology_at(const std::string& path) {
    if (options_.topologies) {
      if (auto cached = options_.topologies->find(path))
        return cached;
    }
    const std::size_t before = reader_.diagnostics().all().size();
    const auto root = parse_file(path, reader_.diagnostics(), options_.max_input_bytes);
    auto topology = root ? read_topology(path, *root, reader_.diagnostics()) : nullptr;
    if (topology && options_.topologies && reader_.diagnostics().all().size() == before)
      options_.topologies->add(topology);
    return topology;
  }

  void read_clock(const yaml::Node& start, const yaml::Node& zone) {
    if (zone.defined()) {
      if (const auto name = reader_.text(zone, "the time_zone")) {
        zone_ = ScenarioClock::find_zone(*name);
        if (!zone_) {
          reader_.error(zone, "unknown time zone '" + *name +
                                  "'; expected an IANA name such as America/New_York or UTC");
        }
      }
    }
    if (!zone_) {
      clock_usable_ = false;
      zone_ = ScenarioClock::find_zone("UTC");
    }
    if (!start.defined())
      return;
    const auto text = reader_.text(start, "the start time");
    if (!text)
      return;
    if (const auto t0 = ScenarioClock::parse_local(*text, zone_)) {
      t0_ = *t0;
    } else if (const auto trouble = ScenarioClock::local_time_trouble(*text, zone_)) {
      reader_.error(start, "the start time " + *trouble +
                               "; give one that happens once there, or the same instant in UTC "
                               "with time_zone: UTC");
    } else {
      reader_.error(start,
                    "the start time must be a local date-time such as '2018-09-25 21:22' "
                    "that exists in the scenario's time zone, found '" +
                        *text + "'");
    }
  }

  // "T0", "T0+35h14m", or a local date-time in the scenario's zone.
  std::optional<SimTime> read_time(const yaml::Node& node, std::string_view what) {
    const auto text = reader_.text(node, what);
    if (!text)
      return std::nullopt;
    if (const auto t = ScenarioClock(t0_, zone_).parse_time(*text))
      return t;
    if (const auto trouble = ScenarioClock::local_time_trouble(*text, zone_)) {
      reader_.error(node, std::string(what) + ": " + *trouble +
                              "; write it as T0 plus a duration (T0+35h14m)");
      return std::nullopt;
    }
    reader_.error(node, std::string(what) +
                            " must be T0, T0 plus a duration (T0+35h14m) or a local date-time "
                            "such as '2018-09-27 08:36', found '" +
                            *text + "'");
    return std::nullopt;
  }

  // The deployments named by exactly one of the selectors present in f:
  // 'deployments' (ids), 'region' or 'zone' (every deployment there), and
  // where allowed 'service' (every deployment of it, in listed order).
  std::vector<DeploymentId> deployments_of(const Fields& f, const std::string& what,
                                           bool by_service = false) {
    std::vector<DeploymentId> out;
    const yaml::Node deployments = f.get("deployments");
    const yaml::Node region = f.get("region");
    const yaml::Node zone = f.get("zone");
    const yaml::Node service = f.get("service");
    const bool of_service = by_service && service.defined();
    const int given = deployments.defined() + region.defined() + zone.defined() + of_service;
    if (given != 1) {
      reader_.error(f.node(), what +
                                  " needs exactly one of 'deployments' (a list of deployment "
                                  "ids), 'region' or 'zone' (every deployment there)" +
                                  (by_service ? ", or 'service' (every deployment of it)" : ""));
      return out;
    }
    if (!topology_)
      return out;
    if (deployments.defined()) {
      for (const auto d : deployments_->resolve_list(reader_, deployments))
        out.push_back(DeploymentId{d});
    } else if (region.defined()) {
      if (const auto r = regions_->resolve(reader_, region)) {
        const auto in_region = topology_->deployments_in(RegionId{*r});
        out.assign(in_region.begin(), in_region.end());
        if (out.empty())
          reader_.error(region, "region '" + region.scalar() + "' has no deployments");
      }
    } else if (zone.defined()) {
      const auto name = reader_.text(zone, "the zone of " + what).value_or("");
      for (std::uint32_t d = 0; d < topology_->deployments().size(); ++d) {
        if (!name.empty() && topology_->deployments()[d].zone == name)
          out.push_back(DeploymentId{d});
      }
      if (!name.empty() && out.empty()) {
        reader_.error(zone, "no deployment is in zone '" + name + "'" + did_you_mean(name, zones_) +
                                (zones_.empty() ? "; the topology gives no deployment a 'zone'"
                                                : "; give a zone that some deployment names"));
      }
    } else if (const auto s = service_of(service)) {
      const auto& listed = topology_->service(*s).deployments;
      out.assign(listed.begin(), listed.end());
    }
    return out;
  }

  std::optional<ServiceId> service_of(const yaml::Node& node) {
    if (!topology_)
      return std::nullopt;
    if (const auto s = services_->resolve(reader_, node))
      return ServiceId{*s};
    return std::nullopt;
  }

  void read_fault(const yaml::Node& node) {
    Fields f(reader_, node, "a fault", schema::fault);
    if (!f.is_map())
      return;
    Fault fault;
    fault.where = reader_.at(node);
    fault.id = reader_.text(f.require("id"), "a fault's id").value_or("");
    const std::string what = "fault '" + fault.id + "'";
    fault.description = reader_.optional_text(f.get("description"), "description of " + what);
    if (const yaml::Node at = f.require("at"); at.defined()) {
      if (const auto t = read_time(at, "time of " + what)) {
        fault.at = *t;
        if (t->ms < 0 && clock_usable_) {
          reader_.error(at, what +
                                " happens before T0 (the scenario's start); faults start at or "
                                "after T0");
        }
      }
    }
    const yaml::Node kind = f.require("kind");
    if (!kind.defined())
      return;
    if (const auto parsed = reader_.word<FaultKind>(kind, "kind of " + what, "fault kind")) {
      fault.kind = *parsed;
      reject(f, keys_not_taken(*parsed), std::string(word_of(*parsed)) + " faults");
      read_fault_kind(f, what, fault);
    }
    faults_.push_back(std::move(fault));
  }

  // Found by a helper: 9 instances of a deployment of 4 went in silence
  // (the run deletes the 4, and export asked AWS FIS for COUNT(9)).
  void warn_more_than_deployed(const yaml::Node& n, const Fault& fault, const std::string& what) {
    if (!topology_ || !fault.instances)
      return;
    std::vector<const Deployment*> fewer;
    for (const DeploymentId d : fault.deployments) {
      if (topology_->deployment(d).instances < *fault.instances)
        fewer.push_back(&topology_->deployment(d));
    }
    if (fewer.empty())
      return;
    const Deployment& first = *fewer.front();
    const std::string more =
        fewer.size() == 1
            ? ""
            : fmt::format(" (and {} more deployment{} fewer than {})", fewer.size() - 1,
                          fewer.size() == 2 ? " has" : "s have", *fault.instances);
    reader_.warning(n, fmt::format("{} deletes {} instances of each deployment, but {} has only "
                                   "{}{}: the run deletes all {}",
                                   what, *fault.instances, first.id, first.instances, more,
                                   fewer.size() == 1 ? "it has" : "each has"));
  }

  // The keys of the fault's kind.
  void read_fault_kind(Fields& f, const std::string& what, Fault& fault) {
    switch (fault.kind) {
      case FaultKind::delete_instances:
        fault.deployments = deployments_of(f, what);
        if (const yaml::Node n = f.get("instances"); n.defined()) {
          fault.instances = static_cast<int>(
              reader_.integer(n, "instances of " + what, 1, 1'000'000).value_or(1));
          warn_more_than_deployed(n, fault, what);
        }
        break;
      case FaultKind::outage:
        if (const yaml::Node s = f.require("service"); s.defined())
          fault.service = service_of(s);
        if (const yaml::Node n = f.get("served_fraction"); n.defined())
          fault.served_fraction = reader_.fraction(n, "served_fraction of " + what).value_or(0.0);
        if (const yaml::Node d = f.get("lasts"); d.defined())
          fault.lasts = reader_.distribution(d, "how long " + what + " lasts");
        if (const yaml::Node t = f.get("cache_ttl"); t.defined()) {
          fault.cache_ttl = reader_.duration(t, "cache_ttl of " + what);
          if (fault.cache_ttl && fault.cache_ttl->ms <= 0) {
            reader_.error(t, "cache_ttl of " + what +
                                 " is 0; give how long consumers cache the service's answers, "
                                 "or remove it");
          }
        }
        if (const yaml::Node t = f.get("tenants"); t.defined() && fault.service)
          read_tenant_outage(f, t, what, fault);
        break;
      case FaultKind::bad_deploy:
        fault.deployments = deployments_of(f, what, true);
        if (const yaml::Node e = f.require("every"); e.defined())
          fault.every =
              reader_.duration(e, "'every' (time between waves) of " + what).value_or(Duration{});
        if (const yaml::Node n = f.get("per_wave"); n.defined()) {
          fault.per_wave =
              static_cast<int>(reader_.integer(n, "per_wave of " + what, 1, 1'000'000).value_or(1));
        }
        break;
      case FaultKind::degradation:
        read_degradation(f, what, fault);
        break;
    }
  }

  // Where (deployments, a region, a zone or a service's deployments), what
  // (at least one of packet_loss, added_latency, capacity) and how long.
  void read_degradation(Fields& f, const std::string& what, Fault& fault) {
    fault.deployments = deployments_of(f, what, true);
    // A deployment listed twice is degraded once, not twice over.
    std::vector<DeploymentId> seen;
    std::erase_if(fault.deployments, [&](DeploymentId d) {
      const bool again = std::find(seen.begin(), seen.end(), d) != seen.end();
      seen.push_back(d);
      return again;
    });
    Impairment& i = fault.impairment;
    const std::size_t errors = reader_.diagnostics().error_count();
    const yaml::Node loss = f.get("packet_loss");
    const yaml::Node latency = f.get("added_latency");
    const yaml::Node capacity = f.get("capacity");
    if (loss.defined()) {
      i.packet_loss = reader_.fraction(loss, "packet_loss of " + what).value_or(0.0);
      if (i.packet_loss == 1.0) {
        reader_.error(loss, "packet_loss of " + what +
                                " is 1: nothing gets through, which is an outage, not a "
                                "degradation; give a share below 1, or use a delete-instances "
                                "fault");
      }
    }
    if (latency.defined())
      i.added_latency = reader_.duration(latency, "added_latency of " + what).value_or(Duration{});
    if (capacity.defined()) {
      i.capacity = reader_.fraction(capacity, "capacity of " + what).value_or(1.0);
      if (i.capacity == 0.0) {
        reader_.error(capacity, "capacity of " + what +
                                    " is 0, which is an outage, not a degradation; give the share "
                                    "of capacity left (above 0), or use a delete-instances fault");
      }
    }
    // Values that change nothing (a loss of 0, a capacity of 1) are as
    // good as none; values in error have said so already.
    if (i == Impairment{} && reader_.diagnostics().error_count() == errors) {
      reader_.error(f.node(), what +
                                  " degrades nothing; give at least one of 'packet_loss' (share "
                                  "of packets lost, above 0), 'added_latency' (e.g. 200ms) or "
                                  "'capacity' (share of capacity left, below 1)");
    }
    if (const yaml::Node d = f.get("lasts"); d.defined())
      fault.lasts = reader_.distribution(d, "how long " + what + " lasts");
  }

  // tenants: all, {share: 0.3}, {deployment: store@east} or a list of
  // tenant ids, of those with a share of the outage's per-tenant service.
  void read_tenant_outage(const Fields& f, const yaml::Node& node, const std::string& what,
                          Fault& fault) {
    const Service& service = topology_->service(*fault.service);
    if (!service.per_tenant) {
      reader_.error(node, "service '" + service.id + "' is not per-tenant, so " + what +
                              " cannot take tenants out; give it per_tenant: true in the "
                              "topology, or remove 'tenants'");
      return;
    }
    for (const std::string_view key : {"served_fraction", "cache_ttl"}) {
      if (const yaml::Node n = f.get(key); n.defined()) {
        reader_.error(n, "'" + std::string(key) + "' does not apply to " + what +
                             ", which takes tenants out whole; remove it or 'tenants'");
      }
    }
    const auto on = topology_->tenants_on(*fault.service);
    if (on.empty()) {
      reader_.error(node, "no tenant has a share of service '" + service.id +
                              "': no user group made of tenants reaches it through hard "
                              "dependencies");
      return;
    }
    if (node.is_scalar() && node.scalar() == "all") {
      fault.tenants.assign(on.begin(), on.end());
    } else if (node.is_map()) {
      read_tenant_selector(node, what, on, fault);
    } else if (node.is_sequence()) {
      read_tenant_list(node, on, fault);
    } else {
      reader_.error(node, "tenants of " + what +
                              " must be 'all', {share: 0.3}, {deployment: " + service.id +
                              "@...} or a list of tenant ids, found " + describe(node));
    }
  }

  void read_tenant_selector(const yaml::Node& node, const std::string& what,
                            std::span<const TenantId> on, Fault& fault) {
    Fields f(reader_, node, "tenants of " + what, schema::tenant_selector);
    const yaml::Node share = f.get("share");
    const yaml::Node deployment = f.get("deployment");
    if (share.defined() == deployment.defined()) {
      reader_.error(node, "tenants of " + what +
                              " need exactly one of 'share' (of them all) or 'deployment' (the "
                              "ones on it)");
    } else if (share.defined()) {
      read_tenant_share(share, what, on, fault);
    } else {
      read_tenants_on_deployment(deployment, what, fault);
    }
  }

  // The tenants the service spread on one of its deployments.
  void read_tenants_on_deployment(const yaml::Node& node, const std::string& what, Fault& fault) {
    const auto d = deployments_->resolve(reader_, node);
    if (!d)
      return;
    const Deployment& deployment = topology_->deployment(DeploymentId{*d});
    if (deployment.service != *fault.service) {
      reader_.error(node, "deployment '" + deployment.id + "' of " + what +
                              " is not a deployment of service '" +
                              topology_->service(*fault.service).id + "'; name one of its own");
      return;
    }
    const auto on = topology_->tenants_on(DeploymentId{*d});
    if (on.empty()) {
      reader_.error(node, "no tenant is on deployment '" + deployment.id +
                              "': the service has fewer tenants than deployments");
      return;
    }
    fault.tenants.assign(on.begin(), on.end());
  }

  // An evenly spread share: the k-th of every n/k tenants, the same in
  // every run.
  void read_tenant_share(const yaml::Node& s, const std::string& what, std::span<const TenantId> on,
                         Fault& fault) {
    const auto share = reader_.fraction(s, "share of tenants of " + what);
    if (!share)
      return;
    const auto n = static_cast<std::int64_t>(on.size());
    const std::int64_t k = std::llround(*share * static_cast<double>(n));
    if (k == 0) {
      reader_.error(s, fmt::format("a share of {:g} of the {} tenants on the service is none of "
                                   "them; give a larger share",
                                   *share, n));
      return;
    }
    for (std::int64_t i = 0; i < n; ++i) {
      if ((i + 1) * k / n > i * k / n)
        fault.tenants.push_back(on[static_cast<std::size_t>(i)]);
    }
  }

  void read_tenant_list(const yaml::Node& node, std::span<const TenantId> on, Fault& fault) {
    std::vector<std::string> candidates;
    for (const TenantId t : on)
      candidates.push_back(topology_->tenant(t).id);
    for (const yaml::Node& item : node) {
      const auto id = reader_.text(item, "a tenant's id");
      if (!id)
        continue;
      const auto t = topology_->find_tenant(*id);
      if (!t || !std::binary_search(on.begin(), on.end(), *t)) {
        reader_.error(item, "no tenant '" + *id + "' has a share of the service" +
                                did_you_mean(*id, candidates));
        continue;
      }
      if (std::find(fault.tenants.begin(), fault.tenants.end(), *t) != fault.tenants.end()) {
        reader_.error(item, "tenant '" + *id + "' is listed twice; list each tenant once");
        continue;
      }
      fault.tenants.push_back(*t);
    }
    if (node.size() == 0) {
      reader_.error(node,
                    "the list of tenants is empty; name the tenants the outage takes out, "
                    "or give 'all' or {share: 0.3}");
    }
    std::sort(fault.tenants.begin(), fault.tenants.end());
  }

  // Keys that are known but belong to another variant.
  void reject(const Fields& f, std::span<const std::string_view> keys,
              const std::string& for_what) {
    for (const auto key : keys) {
      if (const yaml::Node n = f.get(key); n.defined()) {
        reader_.error(n, "'" + std::string(key) + "' does not apply to " + for_what +
                             "; remove it or change the kind");
      }
    }
  }

  void read_crew(const yaml::Node& node) {
    Fields f(reader_, node, "a crew", schema::crew);
    Crew crew;
    crew.where = reader_.at(node);
    if (f.is_map()) {
      crew.id = reader_.text(f.require("id"), "a crew's id").value_or("");
      const std::string what = "crew '" + crew.id + "'";
      crew.name = reader_.optional_text(f.get("name"), "a crew's name");
      if (const yaml::Node n = f.get("size"); n.defined()) {
        crew.size = static_cast<int>(reader_.integer(n, "a crew's size", 1, 10'000).value_or(1));
      }
      if (const yaml::Node shifts = f.get("shifts");
          shifts.defined() && reader_.sequence(shifts, "shifts of " + what)) {
        for (const auto& shift : shifts)
          read_shift(shift, what, crew);
        if (shifts.size() == 0)
          reader_.error(shifts, "shifts of " + what +
                                    " is empty, so the crew never works; list at least one "
                                    "shift or remove the key");
      }
      if (const yaml::Node r = f.get("resized");
          r.defined() && reader_.sequence(r, "resized of " + what)) {
        // The line of the size change at each time: two at one instant
        // would let a step start between them (found in review).
        std::map<SimTime, int> lines;
        for (const auto& change : r) {
          Fields rf(reader_, change, "a size change of " + what, schema::crew_resize);
          if (!rf.is_map())
            continue;
          CrewResize resize;
          if (const yaml::Node t = rf.require("at"); t.defined()) {
            const auto at = read_time(t, "time of a size change of " + what);
            resize.at = at.value_or(SimTime{});
            if (const auto [it, inserted] =
                    at ? lines.emplace(*at, reader_.at(t).line) : std::pair{lines.end(), true};
                !inserted) {
              reader_.error(t, "a second size change of " + what + " at that time (first at line " +
                                   std::to_string(it->second) + "); give each time one size");
            }
          }
          if (const yaml::Node n = rf.require("size"); n.defined()) {
            resize.size = static_cast<int>(
                reader_.integer(n, "size after a change of " + what, 0, 10'000).value_or(1));
          }
          crew.resized.push_back(resize);
        }
        std::stable_sort(crew.resized.begin(), crew.resized.end(),
                         [](const CrewResize& a, const CrewResize& b) { return a.at < b.at; });
      }
      if (const yaml::Node h = f.get("handover"); h.defined()) {
        crew.handover = reader_.duration(h, "handover of " + what).value_or(Duration{});
        if (!f.has("shifts"))
          reader_.warning(h, "handover of " + what + " has no effect without 'shifts'");
        else
          check_handover(h, what, crew);
      }
    }
    if (crew.name.empty())
      crew.name = crew.id;
    crews_list_.push_back(std::move(crew));
  }

  // Found by a helper: a handover of 1h with shifts of 30m was accepted,
  // and the work paused off shift never resumed; the run was then refused
  // for want of a horizon. Shifts that run into one another (in two time
  // zones, say) can make a longer stretch, so this is a warning.
  void check_handover(const yaml::Node& node, const std::string& what, const Crew& crew) {
    std::chrono::minutes longest{0};
    for (const Shift& s : crew.shifts) {
      const std::chrono::minutes length =
          s.to > s.from ? s.to - s.from : std::chrono::hours{24} - s.from + s.to;
      longest = std::max(longest, length);
    }
    const Duration shift = Duration::minutes(longest.count());
    if (longest.count() == 0 || crew.handover < shift)
      return;
    reader_.warning(node, "handover of " + what + " (" + format_duration(crew.handover) +
                              ") is at least as long as its longest shift (" +
                              format_duration(shift) +
                              "): work paused off shift resumes only where shifts run into one "
                              "another; give a handover shorter than a shift");
  }

  // {time_zone: Europe/London, hours: "08:00-17:00", days: weekdays}
  void read_shift(const yaml::Node& node, const std::string& crew, Crew& out) {
    Fields f(reader_, node, "a shift of " + crew, schema::shift);
    if (!f.is_map())
      return;
    Shift shift;
    shift.where = reader_.at(node);
    if (const yaml::Node z = f.require("time_zone"); z.defined()) {
      shift.time_zone = reader_.text(z, "time_zone of a shift of " + crew).value_or("");
      if (!shift.time_zone.empty() && !ScenarioClock::find_zone(shift.time_zone)) {
        reader_.error(z, "unknown time zone '" + shift.time_zone +
                             "'; expected an IANA name such as Europe/London or UTC");
      }
    }
    if (const yaml::Node h = f.require("hours"); h.defined()) {
      const auto text = reader_.text(h, "hours of a shift of " + crew).value_or("");
      const auto from = clock_minutes(text.substr(0, text.find('-')));
      const auto to = text.find('-') == std::string::npos
                          ? std::nullopt
                          : clock_minutes(text.substr(text.find('-') + 1));
      if (!from || !to || *from == *to || *from == std::chrono::hours{24}) {
        reader_.error(h, "hours of a shift of " + crew +
                             " must be a local start and end such as '08:00-17:00' (or "
                             "'22:00-06:00' across midnight), found '" +
                             text + "'");
      } else {
        shift.from = *from;
        shift.to = *to;
      }
    }
    if (const yaml::Node d = f.get("days"); d.defined()) {
      const auto days = reader_.text(d, "days of a shift of " + crew).value_or("");
      if (days == "weekdays") {
        shift.weekdays_only = true;
      } else if (days != "every-day" && !days.empty()) {
        reader_.error(d, "unknown days '" + days + "'" +
                             did_you_mean(days, {"weekdays", "every-day"}) +
                             "; expected weekdays (Monday to Friday) or every-day");
      }
    }
    out.shifts.push_back(std::move(shift));
  }

  // "08:00" as minutes after midnight; "24:00" is the end of the day.
  static std::optional<std::chrono::minutes> clock_minutes(std::string_view text) {
    if (text.size() != 5 || text[2] != ':')
      return std::nullopt;
    const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (!digit(0) || !digit(1) || !digit(3) || !digit(4))
      return std::nullopt;
    const int h = (text[0] - '0') * 10 + (text[1] - '0');
    const int m = (text[3] - '0') * 10 + (text[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
      return std::nullopt;
    return std::chrono::minutes{h * 60 + m};
  }

  void read_step(const yaml::Node& node) {
    Fields f(reader_, node, "a runbook step", schema::step);
    Step step;
    step.where = reader_.at(node);
    batch_only_keys_.clear();
    if (f.is_map()) {
      step.id = reader_.text(f.require("id"), "a step's id").value_or("");
      const std::string what = "step '" + step.id + "'";
      step.description = reader_.optional_text(f.get("description"), "description of " + what);
      if (const yaml::Node m = f.get("methods"); m.defined())
        read_methods(f, m, what, step);
      else
        step.methods.push_back(read_own_method(f, what, step.where));
      if (const yaml::Node c = f.get("crew"); c.defined()) {
        if (const auto crew = crews_.resolve(reader_, c))
          step.crew = CrewId{*crew};
      }
      if (const yaml::Node a = f.get("after"); a.defined()) {
        for (const auto s : steps_.resolve_list(reader_, a))
          step.after.push_back(StepId{s});
      }
      if (const yaml::Node nb = f.get("not_before"); nb.defined()) {
        step.not_before = read_time(nb, "not_before of " + what);
      }
      read_action(f, what, step);
      read_step_semantics(f, what, step);
      if (step.batches)
        check_batch_step(f, what, step);
      refuse_retries_at_one_instant(f, what, step);
    }
    steps_list_.push_back(std::move(step));
  }

  // An attempt that can fail and takes no time, retried at once and without
  // limit, is tried at one instant as often as it takes: with no time
  // passing, which models no recovery, and with a low success a million
  // times and more (the run's guard then stops it). A number of retries
  // ends; an attempt that never fails is never retried.
  void refuse_retries_at_one_instant(const Fields& f, const std::string& what, const Step& step) {
    const yaml::Node listed = f.get("methods");
    if (listed.defined() && listed.size() != step.methods.size())
      return;  // an item was no method, and said so
    for (std::size_t i = 0; i < step.methods.size(); ++i) {
      const Method& m = step.methods[i];
      if (m.retries != kUnlimitedRetries || m.success >= 1.0 || !m.retry_delay.always_zero() ||
          !attempt_takes_no_time(step, m))
        continue;
      const yaml::Node retries = listed.defined() ? listed[i]["retries"] : f.get("retries");
      const std::string of = m.name.empty() ? what : "method '" + m.name + "' of " + what;
      reader_.error(retries, "retries of " + of +
                                 " are unlimited, but neither an attempt nor the retry_delay "
                                 "takes any time: a failed attempt would be retried at the same "
                                 "instant, as often as it takes, with no time passing; give "
                                 "retry_delay a time above 0, or a number of retries");
    }
  }

  // Some attempt at a wave, at a batch or at the whole step is over the
  // instant it starts, in every run: equal waves share the duration in
  // whole milliseconds, so some get none of one shorter than their number.
  static bool attempt_takes_no_time(const Step& step, const Method& m) {
    if (!step.wave_plan.empty()) {
      return std::any_of(step.wave_plan.begin(), step.wave_plan.end(),
                         [](const Wave& w) { return w.duration.always_zero(); });
    }
    if (step.batches)
      return m.duration.always_zero() && m.per_tenant == Duration{};
    return m.duration.always_zero() ||
           (m.duration.is_fixed() && m.duration.median().ms < step.waves);
  }

  void read_step_semantics(Fields& f, const std::string& what, Step& step) {
    if (const yaml::Node c = f.get("only_if"); c.defined())
      step.only_if = read_condition(c, what);
    if (const yaml::Node r = f.get("requires"); r.defined()) {
      step.requirements = read_requirements(r, what);
      for (const ServiceRequirement& req : step.requirements) {
        if (step.service == req.service && topology_) {
          reader_.warning(r, what + " requires " + topology_->service(req.service).id +
                                 ", which it acts on itself: it starts only once something "
                                 "else brings the service back");
        }
      }
    }
    if (const yaml::Node v = f.get("verify"); v.defined() && topology_) {
      for (const auto s : services_->resolve_list(reader_, v))
        step.verify.push_back(ServiceId{s});
    }
    if (const yaml::Node r = f.get("rollback"); r.defined())
      step.rollback = reader_.distribution(r, "rollback of " + what);
    if (const yaml::Node at = f.get("fails_at"); at.defined()) {
      const auto times = at.is_sequence() ? std::vector<yaml::Node>(at.begin(), at.end())
                                          : std::vector<yaml::Node>{at};
      for (const auto& t : times) {
        if (const auto time = read_time(t, "fails_at of " + what))
          step.fails_at.push_back(*time);
      }
      std::sort(step.fails_at.begin(), step.fails_at.end());
    }
    if (const yaml::Node h = f.get("hold_ups");
        h.defined() && reader_.sequence(h, "hold_ups of " + what)) {
      for (const auto& hold_up : h) {
        Fields hf(reader_, hold_up, "a hold-up of " + what, schema::hold_up);
        if (!hf.is_map())
          continue;
        HoldUp held;
        if (const yaml::Node t = hf.require("at"); t.defined())
          held.at = read_time(t, "time of a hold-up of " + what).value_or(SimTime{});
        if (const yaml::Node d = hf.require("for"); d.defined())
          held.length = reader_.duration(d, "length of a hold-up of " + what).value_or(Duration{});
        step.hold_ups.push_back(held);
      }
      std::stable_sort(step.hold_ups.begin(), step.hold_ups.end(),
                       [](const HoldUp& a, const HoldUp& b) { return a.at < b.at; });
    }
  }

  // {service: calling, below: operational}
  std::optional<StepCondition> read_condition(const yaml::Node& node, const std::string& what) {
    Fields f(reader_, node, "the condition (only_if) of " + what, schema::condition);
    if (!f.is_map())
      return std::nullopt;
    StepCondition condition;
    const yaml::Node service = f.require("service");
    const auto s = service.defined() ? service_of(service) : std::nullopt;
    if (const yaml::Node below = f.get("below"); below.defined()) {
      condition.below = read_state_threshold(below, "below", what,
                                             "the step runs while the service is worse")
                            .value_or(condition.below);
    }
    if (!s)
      return std::nullopt;
    condition.service = *s;
    warn_of_tenants_unseen(service, *s, what);
    return condition;
  }

  // A condition reads the service's state, which an outage of its tenants
  // leaves as it is: while only they are out, the step is skipped.
  void warn_of_tenants_unseen(const yaml::Node& node, ServiceId s, const std::string& what) {
    const auto takes_tenants = [&](const Fault& f) { return f.service == s && !f.tenants.empty(); };
    if (std::none_of(faults_.begin(), faults_.end(), takes_tenants))
      return;
    const std::string& id = topology_->service(s).id;
    reader_.warning(node, fmt::format("the condition (only_if) of {} reads the state of '{}', "
                                      "which an outage of its tenants leaves unchanged: while "
                                      "only tenants are out, the step is skipped (a "
                                      "restore-tenants step needs no condition: it skips the "
                                      "batches whose tenants are back)",
                                      what, id));
  }

  // A service's state as the threshold under `key` (below, at_least): the
  // status-page words as reports write them (partial_outage) or with
  // hyphens (partial-outage), but never the worst, which every state meets.
  std::optional<ServiceState> read_state_threshold(const yaml::Node& node, std::string_view key,
                                                   const std::string& what,
                                                   const std::string& meaning) {
    const std::string written =
        reader_.text(node, "'" + std::string(key) + "' of " + what).value_or("");
    std::string state = written;
    std::replace(state.begin(), state.end(), '_', '-');
    const auto parsed = parse_word<ServiceState>(state);
    if (parsed && word_takes(*parsed, key))
      return parsed;
    if (parsed) {
      reader_.error(node, "state '" + written + "' cannot be '" + std::string(key) +
                              "': it is the worst; expected " +
                              expected_words<ServiceState>(key) + " (" + meaning + ")");
    } else if (!state.empty()) {
      reader_.error(node, "unknown state '" + written + "'" +
                              did_you_mean(state, accepted_words<ServiceState>(key)) +
                              "; expected " + expected_words<ServiceState>(key) + " (" + meaning +
                              ")");
    }
    return std::nullopt;
  }

  // requires: db, or a list of services, each a name (operational) or
  // {service: web, at_least: partial-outage}.
  std::vector<ServiceRequirement> read_requirements(const yaml::Node& node,
                                                    const std::string& what) {
    std::vector<ServiceRequirement> out;
    const auto items = node.is_sequence() ? std::vector<yaml::Node>(node.begin(), node.end())
                                          : std::vector<yaml::Node>{node};
    for (const yaml::Node& item : items) {
      if (!item.is_map()) {
        if (const auto s = service_of(item))
          out.push_back({*s});
        continue;
      }
      Fields f(reader_, item, "a requirement (requires) of " + what, schema::requirement);
      const yaml::Node service = f.require("service");
      const auto s = service.defined() ? service_of(service) : std::nullopt;
      ServiceRequirement requirement;
      if (const yaml::Node at_least = f.get("at_least"); at_least.defined()) {
        requirement.at_least = read_state_threshold(at_least, "at_least", what,
                                                    "the step starts once the service is as good")
                                   .value_or(requirement.at_least);
      }
      if (s) {
        requirement.service = *s;
        out.push_back(requirement);
      }
    }
    return out;
  }

  // The step's own method, from its duration and attempt keys. Uneven
  // waves each have a duration instead (see read_wave_plan).
  Method read_own_method(Fields& f, const std::string& what, SourceLocation where) {
    Method method;
    method.where = where;
    if (const yaml::Node w = f.get("waves"); w.is_sequence()) {
      if (const yaml::Node d = f.get("duration"); d.defined()) {
        reader_.error(d, what +
                             " gives each of its waves a duration: remove the step's "
                             "'duration', or make 'waves' a number of equal waves");
      }
    } else if (const yaml::Node d = f.require("duration"); d.defined()) {
      method.duration = reader_.distribution(d, "duration of " + what).value_or(Distribution{});
    }
    read_attempts(f, what, method);
    if (const yaml::Node p = f.get("per_tenant"); p.defined())
      method.per_tenant = reader_.duration(p, "per_tenant of " + what).value_or(Duration{});
    read_unknowns(f, what, method, 0);
    return method;
  }

  // methods: [{name, duration, success, retries, retry_delay, retry_until}]
  void read_methods(const Fields& f, const yaml::Node& node, const std::string& what, Step& step) {
    for (const std::string_view key : {"duration", "success", "retries", "retry_delay",
                                       "retry_until", "per_tenant", "unknown"}) {
      if (const yaml::Node n = f.get(key); n.defined()) {
        reader_.error(n, what + " lists methods: give '" + std::string(key) +
                             "' to each method instead of the step");
      }
    }
    if (!reader_.sequence(node, "methods of " + what))
      return;
    IdTable names("method");
    for (const yaml::Node& item : node) {
      if (!step.methods.empty() && step.methods.back().retries == kUnlimitedRetries &&
          !step.methods.back().retry_until) {
        reader_.warning(item, "this method of " + what + " is never reached: '" +
                                  step.methods.back().name +
                                  "' before it retries without limit; give it a retry_until");
      }
      Fields mf(reader_, item, "a method of " + what, schema::method);
      if (!mf.is_map())
        continue;
      Method method;
      method.where = reader_.at(item);
      if (const yaml::Node n = mf.require("name"); n.defined()) {
        method.name = reader_.text(n, "a method's name").value_or("");
        names.add(reader_, n, method.name, static_cast<std::uint32_t>(step.methods.size()));
      }
      const std::string of = "method '" + method.name + "' of " + what;
      if (const yaml::Node d = mf.require("duration"); d.defined())
        method.duration = reader_.distribution(d, "duration of " + of).value_or(Distribution{});
      read_attempts(mf, of, method);
      if (const yaml::Node p = mf.get("per_tenant"); p.defined()) {
        method.per_tenant = reader_.duration(p, "per_tenant of " + of).value_or(Duration{});
        batch_only_keys_.emplace_back("per_tenant", p);
      }
      read_arrival(mf, of, method);
      read_unknowns(mf, of, method, static_cast<std::uint32_t>(step.methods.size()));
      step.methods.push_back(std::move(method));
    }
    if (step.methods.empty()) {
      reader_.error(node, "methods of " + what +
                              " is empty; list at least one, or give the "
                              "step a duration instead");
    } else if (step.methods.size() > kMostMethods) {
      reader_.error(node, fmt::format("{} lists {} methods; give at most {}", what,
                                      step.methods.size(), kMostMethods));
    } else if (every_method_arrives_later(step)) {
      reader_.error(node, "every method of " + what +
                              " arrives later ('available'); give one that is there from the "
                              "start");
    }
  }

  // One available at T0 is there from the start (found by a helper: it was
  // refused), unless calibrate fits when it arrives, which may be later
  // (found in review: calibrate then started a batch with no method).
  bool every_method_arrives_later(const Step& step) const {
    const auto step_index = static_cast<std::uint32_t>(steps_list_.size());
    for (std::uint32_t m = 0; m < step.methods.size(); ++m) {
      const Method& method = step.methods[m];
      const bool fitted = std::any_of(unknowns_.begin(), unknowns_.end(), [&](const auto& p) {
        return p.kind == UnknownKind::arrival && p.step.value == step_index && p.method == m;
      });
      if (!method.available_after && !fitted &&
          (!method.available_from || *method.available_from <= SimTime{}))
        return false;
    }
    return true;
  }

  // unknown: {median: PRIOR, success: {min, max}, arrival: PRIOR}, of the
  // method at `position` in the step being read.
  void read_unknowns(const Fields& f, const std::string& what, const Method& method,
                     std::uint32_t position) {
    const yaml::Node node = f.get("unknown");
    if (!node.defined())
      return;
    Fields uf(reader_, node, "'unknown' of " + what, schema::unknown);
    if (!uf.is_map())
      return;
    if (node.size() == 0)
      reader_.warning(node, "'unknown' of " + what +
                                " names no parameter, so calibrate fits "
                                "nothing there; give median, success or arrival");
    for (const Word<UnknownKind>& word : WordTable<UnknownKind>::rows) {
      const yaml::Node prior = uf.get(word.text);
      if (!prior.defined())
        continue;
      UnknownParameter p;
      p.kind = word.value;
      p.step = StepId{static_cast<std::uint32_t>(steps_list_.size())};
      p.method = position;
      p.where = reader_.at(prior);
      const std::string of = "the prior over the " + std::string(word.text) + " of " + what;
      if (word.value == UnknownKind::success ? read_success_prior(prior, of, p)
                                             : read_duration_prior(prior, of, method, p))
        unknowns_.push_back(std::move(p));
    }
  }

  bool read_duration_prior(const yaml::Node& node, const std::string& of, const Method& method,
                           UnknownParameter& p) {
    const auto prior = reader_.distribution(node, of);
    if (!prior)
      return false;
    if (prior->is_fixed()) {
      reader_.error(node, of + " is a fixed value, which leaves nothing to fit; give a " +
                              "distribution of plausible values, such as {distribution: " +
                              "uniform, min: 2h, max: 12h}");
      return false;
    }
    if (p.kind == UnknownKind::median && method.duration.median().ms <= 0) {
      reader_.error(node, of + " cannot be fitted: the duration has no median above 0 to scale "
                               "(uneven waves each have their own, which it does not scale); "
                               "give it a duration above 0");
      return false;
    }
    if (p.kind == UnknownKind::arrival && !method.available_from) {
      reader_.error(node, of + " needs a method that arrives at a time: a listed method of a "
                               "restore-tenants step, with 'available: {at: TIME}'");
      return false;
    }
    p.prior = *prior;
    return true;
  }

  bool read_success_prior(const yaml::Node& node, const std::string& of, UnknownParameter& p) {
    Fields sf(reader_, node, of + " ({min, max})", schema::success_prior);
    if (!sf.is_map())
      return false;
    const yaml::Node min = sf.require("min");
    const yaml::Node max = sf.require("max");
    if (!min.defined() || !max.defined())
      return false;
    const auto low = reader_.fraction(min, "min of " + of);
    const auto high = reader_.fraction(max, "max of " + of);
    if (!low || !high)
      return false;
    if (!(*low > 0) || !(*low < *high)) {
      reader_.error(node, fmt::format("{} runs from {} to {}; give 0 < min < max <= 1 (an "
                                      "attempt that never works never finishes)",
                                      of, *low, *high));
      return false;
    }
    p.low = *low;
    p.high = *high;
    return true;
  }

  // available: {after: STEP} or {at: TIME}; in_flight: finish | hand-over.
  void read_arrival(const Fields& f, const std::string& what, Method& method) {
    if (const yaml::Node a = f.get("available"); a.defined()) {
      batch_only_keys_.emplace_back("available", a);
      Fields af(reader_, a, "'available' of " + what + " ({after: STEP} or {at: TIME})",
                schema::arrival);
      if (af.is_map() && af.has("after") == af.has("at")) {
        reader_.error(
            a, "'available' of " + what + " takes one of 'after' (a step) and 'at' (a time)");
      } else if (const yaml::Node s = af.get("after"); s.defined()) {
        const auto id = steps_.resolve(reader_, s);
        if (id && *id == steps_list_.size()) {
          reader_.error(s, what +
                               " arrives after its own step, so it never would; name the "
                               "step that builds it");
        } else if (id) {
          method.available_after = StepId{*id};
          awaited_.push_back({StepId{static_cast<std::uint32_t>(steps_list_.size())},
                              StepId{static_cast<std::uint32_t>(*id)}, reader_.at(s), what});
        }
      } else if (const yaml::Node t = af.get("at"); t.defined()) {
        method.available_from = read_time(t, "'available at' of " + what);
      }
    }
    if (const yaml::Node n = f.get("in_flight"); n.defined()) {
      batch_only_keys_.emplace_back("in_flight", n);
      method.in_flight =
          reader_.word<InFlight>(n, "in_flight of " + what, "in_flight").value_or(InFlight::finish);
      if (!f.has("available"))
        reader_.warning(n, "in_flight of " + what + " has no effect without 'available'");
    }
  }

  void read_attempts(const Fields& f, const std::string& what, Method& method) {
    if (const yaml::Node p = f.get("success"); p.defined()) {
      method.success = reader_.fraction(p, "success probability of " + what).value_or(1.0);
      if (method.success == 0.0) {
        reader_.error(p, "success probability of " + what +
                             " is 0, so the step can never finish; give a probability above 0");
      }
    }
    if (const yaml::Node r = f.get("retries"); r.defined()) {
      method.retries = r.is_scalar() && r.scalar() == "unlimited"
                           ? kUnlimitedRetries
                           : static_cast<int>(reader_
                                                  .integer(r,
                                                           "retries of " + what +
                                                               " (or "
                                                               "'unlimited')",
                                                           0, 1000)
                                                  .value_or(0));
    }
    // Retries of 0 are none, as when the key is absent (found by a helper:
    // only its absence was warned of).
    const auto no_retries = [&](const std::string& key) {
      return key + " of " + what + " has no effect without retries (give 'retries' above 0)";
    };
    if (const yaml::Node u = f.get("retry_until"); u.defined()) {
      method.retry_until = read_time(u, "retry_until of " + what);
      if (method.retries == 0)
        reader_.warning(u, no_retries("retry_until"));
    }
    if (const yaml::Node d = f.get("retry_delay"); d.defined()) {
      method.retry_delay =
          reader_.distribution(d, "retry_delay of " + what).value_or(Distribution{});
      if (method.retries == 0)
        reader_.warning(d, no_retries("retry_delay"));
    }
  }

  void read_action(Fields& f, const std::string& what, Step& step) {
    const yaml::Node action = f.require("action");
    if (!action.defined())
      return;
    const auto parsed = reader_.word<ActionKind>(action, "action of " + what, "action");
    if (!parsed)
      return;
    const std::string a(word_of(*parsed));
    step.action = *parsed;
    reject(f, keys_not_taken(*parsed),
           *parsed == ActionKind::none ? "steps whose action is none" : a + " steps");
    switch (*parsed) {
      case ActionKind::none:
        break;
      case ActionKind::rebuild:
        step.deployments = deployments_of(f, what);
        break;
      case ActionKind::restore:
      case ActionKind::enable_waves:
        read_capability_action(f, what, step, a);
        break;
      case ActionKind::fail_over:
        read_fail_over(f, what, step);
        break;
      case ActionKind::halt_rollout:
        read_fault_to_end(f, step, FaultKind::bad_deploy,
                          "is not a bad-deploy, so there is no rollout to halt");
        break;
      case ActionKind::mitigate:
        read_fault_to_end(f, step, FaultKind::degradation,
                          "is not a degradation, so there is nothing to mitigate (a restore "
                          "step brings back a service an outage took)");
        break;
      case ActionKind::restore_tenants:
        read_restore_tenants(f, what, step);
        break;
    }
    if (step.action != ActionKind::restore_tenants) {
      for (const auto& [key, n] : batch_only_keys_) {
        reader_.error(n, "'" + std::string(key) + "' does not apply to methods of " + a +
                             " steps, only to restore-tenants ones; remove it");
      }
    }
    batch_only_keys_.clear();
  }

  void read_restore_tenants(Fields& f, const std::string& what, Step& step) {
    step.service = required_service(f, what, "restore to its tenants");
    if (step.service && !topology_->service(*step.service).per_tenant) {
      reader_.error(f.get("service"), "service '" + topology_->service(*step.service).id +
                                          "' is not per-tenant, so " + what +
                                          " has no tenants to restore; give it per_tenant: true "
                                          "in the topology, or restore it as a whole");
    }
    step.batches = BatchPlan{};
    step.batches->where = reader_.at(f.node());
    if (const yaml::Node b = f.get("batches"); b.defined())
      read_batches(b, what, *step.batches);
  }

  // batches: {size | users, at_once, members, order}
  void read_batches(const yaml::Node& node, const std::string& what, BatchPlan& plan) {
    Fields f(reader_, node, "batches of " + what, schema::batches);
    if (!f.is_map())
      return;
    plan.where = reader_.at(node);
    const std::string of = "batches of " + what;
    if (const yaml::Node n = f.get("size"); n.defined())
      plan.size =
          static_cast<int>(reader_.integer(n, "size (tenants) of " + of, 1, 1'000'000).value_or(1));
    if (const yaml::Node n = f.get("users"); n.defined()) {
      plan.users = UserCount{reader_.integer(n, "users of " + of, 1, 10'000'000'000).value_or(1)};
      if (f.has("size")) {
        reader_.error(n, of + " gives both 'size' (tenants per batch) and 'users' (users per "
                              "batch); keep one");
      }
    }
    if (const yaml::Node n = f.get("at_once"); n.defined())
      plan.at_once =
          static_cast<int>(reader_.integer(n, "at_once of " + of, 1, 100'000).value_or(1));
    if (const yaml::Node n = f.get("members"); n.defined())
      plan.members =
          static_cast<int>(reader_.integer(n, "members of " + of, 1, 100'000).value_or(1));
    if (const yaml::Node o = f.get("order"); o.defined())
      plan.order = reader_.word<BatchOrder>(o, "order of " + of, "order").value_or(plan.order);
  }

  // What a batch step does not take, and a crew too small for one batch.
  void check_batch_step(const Fields& f, const std::string& what, const Step& step) {
    for (const std::string_view key : {"fails_at", "hold_ups", "rollback"}) {
      if (const yaml::Node n = f.get(key); n.defined()) {
        reader_.error(n, "'" + std::string(key) + "' does not apply to " + what +
                             ", whose batches are attempted each on its own; remove it");
      }
    }
    if (!step.crew || step.crew->value >= crews_list_.size())
      return;
    const Crew& crew = crews_list_[step.crew->value];
    int largest = crew.size;
    for (const CrewResize& r : crew.resized)
      largest = std::max(largest, r.size);
    if (step.batches->members > largest) {
      reader_.error(f.get("batches"),
                    fmt::format("each batch of {} holds {} members of crew '{}', which never has "
                                "more than {}; give at most {} members",
                                what, step.batches->members, crew.id, largest, largest));
    }
  }

  void read_capability_action(Fields& f, const std::string& what, Step& step,
                              const std::string& action) {
    step.service = required_service(f, what, action);
    const yaml::Node to = f.get("to");
    if (to.defined())
      step.to_fraction = reader_.fraction(to, "target fraction 'to' of " + what).value_or(1.0);
    if (const yaml::Node add = f.get("add"); add.defined()) {
      step.adds = reader_.fraction(add, "share 'add' of " + what);
      if (to.defined()) {
        reader_.error(add, what +
                               " gives both 'to' (a level to raise the service to) and 'add' "
                               "(a share to add to what it has); keep one");
      }
    }
    if (const yaml::Node w = f.get("waves"); w.is_sequence()) {
      read_wave_plan(w, what, step);
    } else if (w.defined()) {
      step.waves = static_cast<int>(reader_.integer(w, "waves of " + what, 1, 10'000).value_or(1));
    } else if (step.action == ActionKind::enable_waves) {
      reader_.error(f.node(), what +
                                  " is missing the required key 'waves' (how many equal "
                                  "waves enable the service's sites)");
    }
  }

  // waves: [{share: 0.2, duration: 2h}, ...]: shares that add up to 1.
  void read_wave_plan(const yaml::Node& node, const std::string& what, Step& step) {
    Duration medians;
    double shares = 0;
    for (const yaml::Node& item : node) {
      Fields w(reader_, item, "a wave of " + what, schema::wave);
      if (!w.is_map())
        continue;
      Wave wave;
      if (const yaml::Node s = w.require("share"); s.defined())
        wave.share = reader_.fraction(s, "share of a wave of " + what).value_or(0.0);
      if (const yaml::Node d = w.require("duration"); d.defined()) {
        wave.duration =
            reader_.distribution(d, "duration of a wave of " + what).value_or(Distribution{});
      }
      shares += wave.share;
      medians += wave.duration.median();
      step.wave_plan.push_back(wave);
    }
    if (step.wave_plan.empty()) {
      reader_.error(node, "waves of " + what +
                              " is empty; list each wave as {share, duration}, "
                              "or give a number of equal waves");
    } else if (std::abs(shares - 1.0) > 1e-9) {
      reader_.error(node, fmt::format("the shares of the waves of {} add up to {:g}; they must "
                                      "add up to 1 (all of the service)",
                                      what, shares));
    }
    step.waves = static_cast<int>(step.wave_plan.size());
    if (step.methods.size() == 1 && step.methods[0].name.empty()) {
      step.methods[0].duration = Distribution::fixed(medians);
    } else {
      reader_.error(node, what +
                              " lists methods, whose durations would compete with its uneven "
                              "waves'; give its waves as a number of equal waves");
    }
  }

  void read_fail_over(Fields& f, const std::string& what, Step& step) {
    step.service = required_service(f, what, "fail over");
    const yaml::Node to = f.get("to");
    if (!to.defined() || !topology_)
      return;
    const auto d = deployments_->resolve(reader_, to);
    if (!d)
      return;
    step.to_deployment = DeploymentId{*d};
    const ServiceId owner = topology_->deployment(DeploymentId{*d}).service;
    if (step.service && owner != *step.service) {
      reader_.error(to, "deployment '" + to.scalar() + "' belongs to service '" +
                            topology_->service(owner).id + "', not to '" +
                            topology_->service(*step.service).id +
                            "'; fail over to one of the service's own deployments");
    }
  }

  // halt-rollout and mitigate name the fault they end, of one kind.
  void read_fault_to_end(Fields& f, Step& step, FaultKind kind, const std::string& otherwise) {
    const yaml::Node fault = f.require("fault");
    if (!fault.defined())
      return;
    const auto id = fault_ids_.resolve(reader_, fault);
    if (!id)
      return;
    step.fault = FaultId{*id};
    if (*id < faults_.size() && faults_[*id].kind != kind) {
      reader_.error(fault, "fault '" + fault.scalar() + "' " + otherwise +
                               "; name a fault whose kind is " + std::string(word_of(kind)));
    }
  }

  std::optional<ServiceId> required_service(const Fields& f, const std::string& what,
                                            const std::string& action) {
    const yaml::Node s = f.get("service");
    if (!s.defined()) {
      reader_.error(f.node(), what + " is missing the required key 'service' (the service to " +
                                  action + ")");
      return std::nullopt;
    }
    return service_of(s);
  }

  void read_milestone(const yaml::Node& node) {
    Fields f(reader_, node, "an observed milestone", schema::milestone);
    if (!f.is_map())
      return;
    Milestone m;
    m.where = reader_.at(node);
    m.id = reader_.text(f.require("id"), "a milestone's id").value_or("");
    const std::string what = "milestone '" + m.id + "'";
    m.description = reader_.optional_text(f.get("description"), "description of " + what);
    m.source = reader_.optional_text(f.get("source"), "source of " + what);

    const yaml::Node service = f.get("service");
    const yaml::Node step = f.get("step");
    const yaml::Node share = f.get("share");
    if (service.defined() + step.defined() + share.defined() != 1) {
      reader_.error(node, what +
                              " needs exactly one of 'service', 'step' or 'share' (what the "
                              "milestone is about)");
    } else if (service.defined()) {
      m.service = service_of(service);
    } else if (share.defined()) {
      read_share_back(share, f.get("group"), what, m);
    } else if (const auto s = steps_.resolve(reader_, step)) {
      m.step = StepId{*s};
    }

    if (const yaml::Node group = f.get("group"); group.defined() && !share.defined())
      reader_.error(group, what + " has a 'group', which only a 'share' of tenants back takes");
    if (const yaml::Node e = f.require("event"); e.defined()) {
      const auto event = reader_.text(e, "event of " + what).value_or("");
      const std::string_view subject = service.defined() ? "service"
                                       : share.defined() ? "share"
                                                         : "step";
      const auto parsed = parse_word<MilestoneEvent>(event);
      const bool one_subject = service.defined() + step.defined() + share.defined() == 1;
      if (parsed && (!one_subject || word_takes(*parsed, subject))) {
        m.event = *parsed;
      } else if (!one_subject && !event.empty()) {
        reader_.error(e, "unknown event '" + event + "'" +
                             did_you_mean(event, accepted_words<MilestoneEvent>()) +
                             "; expected one of " + expected_words<MilestoneEvent>());
      } else if (!event.empty()) {
        reader_.error(e, "unknown event '" + event + "' for a " + std::string(subject) +
                             " milestone" +
                             did_you_mean(event, accepted_words<MilestoneEvent>(subject)) +
                             "; expected " + expected_words<MilestoneEvent>(subject));
      }
    }

    const yaml::Node at = f.get("at");
    const yaml::Node by = f.get("by");
    if (at.defined() == by.defined()) {
      reader_.error(node, what +
                              " needs exactly one of 'at' (when it happened) or 'by' (a "
                              "deadline it was met by)");
    } else {
      m.timing = at.defined() ? MilestoneTiming::at : MilestoneTiming::by;
      m.time = read_time(at.defined() ? at : by, "time of " + what).value_or(SimTime{});
    }
    bool within_read = true;
    if (const yaml::Node w = f.get("within"); w.defined()) {
      const auto within = reader_.duration(w, "tolerance 'within' of " + what);
      within_read = within.has_value();
      m.within = within.value_or(Duration{});
    }
    // A tolerance that did not read is said once, where it stands.
    if (at.defined() != by.defined() && within_read)
      refuse_before_t0(at.defined() ? at : by, m, what);
    observed_.push_back(std::move(m));
  }

  // Runs start at T0, so a milestone whose time and tolerance end before it
  // can never be met (found by a helper: validate took one, and calibrate
  // fitted to it).
  void refuse_before_t0(const yaml::Node& time, const Milestone& m, const std::string& what) {
    if (!clock_usable_ || (m.time + m.within).ms >= 0)
      return;
    const std::string tolerance =
        m.within.ms > 0 ? "more than its tolerance (" + format_duration(m.within) + ") " : "";
    const char* is = m.timing == MilestoneTiming::at ? " is at " : " is due by ";
    reader_.error(time, what + is + format_offset(m.time) + ", " + tolerance +
                            "before T0 (the scenario's start, where runs begin): no simulated "
                            "event can meet it; give a time at or after T0, or a 'within' that "
                            "reaches T0");
  }

  // A share of tenants back, of all of them or of one group's.
  void read_share_back(const yaml::Node& share, const yaml::Node& group, const std::string& what,
                       Milestone& m) {
    m.share = reader_.fraction(share, "share of " + what);
    if (m.share == 0.0) {
      reader_.error(share, "share of " + what +
                               " is 0, which is back before anything goes out; give a share "
                               "above 0, such as 0.5 for half");
    }
    if (group.defined() && user_groups_) {
      if (const auto g = user_groups_->resolve(reader_, group)) {
        m.group = UserGroupId{*g};
        if (topology_->user_group(*m.group).tenants == 0) {
          reader_.error(group, "user group '" + topology_->user_group(*m.group).id + "' of " +
                                   what + " is not made of tenants; name one that is");
        }
      }
    }
    // Without its topology no fault could take tenants out: the missing
    // topology is the one thing to say.
    if (topology_ && std::none_of(faults_.begin(), faults_.end(),
                                  [](const Fault& fault) { return !fault.tenants.empty(); })) {
      reader_.warning(share, what +
                                 " is about tenants, but no fault takes any out: it can "
                                 "never happen");
    }
  }

  std::vector<std::vector<StepId>> successors() const {
    std::vector<std::vector<StepId>> out(steps_list_.size());
    for (std::uint32_t s = 0; s < steps_list_.size(); ++s) {
      for (const StepId before : steps_list_[s].after)
        out[before.value].push_back(StepId{s});
    }
    return out;
  }

  void check_runbook_cycles() {
    graph::Successors waits_for(steps_list_.size());
    for (std::uint32_t s = 0; s < steps_list_.size(); ++s) {
      for (const StepId before : steps_list_[s].after)
        waits_for[s].push_back(before.value);
    }
    for (const auto& cycle : graph::find_cycles(waits_for)) {
      std::string path;
      for (const auto v : cycle)
        path += steps_list_[v].id + " -> ";
      path += steps_list_[cycle.front()].id;
      reader_.diagnostics().error(steps_list_[cycle.front()].where,
                                  "runbook steps wait for each other in a cycle: " + path +
                                      " (each waits for the next), so none of them can start; "
                                      "remove one of these 'after' entries");
    }
  }

  // A method that arrives once another step completes: that step must not
  // wait, through its 'after' entries, for the method's own step, which
  // would be done before the method could arrive.
  void check_awaited_steps() {
    if (awaited_.empty())
      return;
    graph::Successors released(steps_list_.size());
    for (std::uint32_t s = 0; s < steps_list_.size(); ++s) {
      for (const StepId before : steps_list_[s].after)
        released[before.value].push_back(s);
    }
    graph::Reachability reachability(released);
    for (const AwaitedStep& a : awaited_) {
      const std::uint32_t start = a.step.value;
      const auto later = reachability.from(std::span(&start, 1));
      if (!std::binary_search(later.begin(), later.end(), a.awaited.value))
        continue;
      const std::string& step = steps_list_[a.step.value].id;
      reader_.diagnostics().error(
          a.where, fmt::format("{} arrives after step '{}', which waits for '{}' to complete "
                               "first ('after'), so it never would while '{}' runs; name a "
                               "step that does not wait for it",
                               a.what, steps_list_[a.awaited.value].id, step, step));
    }
  }

  Reader reader_;
  LoadOptions options_;
  std::string name_;
  std::string description_;
  std::shared_ptr<const Topology> topology_;
  std::optional<IdTable> services_;
  std::optional<IdTable> deployments_;
  std::optional<IdTable> regions_;
  std::optional<IdTable> user_groups_;
  std::vector<std::string> zones_;
  IdTable crews_;
  IdTable steps_;
  IdTable fault_ids_;
  const date::time_zone* zone_ = nullptr;
  bool clock_usable_ = true;
  ScenarioClock::Seconds t0_{};
  std::optional<SimTime> horizon_;
  StrategyKind strategy_ = StrategyKind::as_written;
  std::vector<StepId> priority_;
  std::vector<Fault> faults_;
  std::vector<Crew> crews_list_;
  std::vector<Step> steps_list_;
  // Methods available after a step: whose, the step, where it is named.
  struct AwaitedStep {
    StepId step;
    StepId awaited;
    SourceLocation where;
    std::string what;
  };
  std::vector<AwaitedStep> awaited_;
  // The keys of the methods of the step being read that only
  // restore-tenants steps take (per_tenant, available, in_flight).
  std::vector<std::pair<std::string_view, yaml::Node>> batch_only_keys_;
  std::vector<Milestone> observed_;
  std::vector<UnknownParameter> unknowns_;
};

}  // namespace

std::shared_ptr<const Scenario> read_scenario(const std::string& path, const yaml::Node& root,
                                              Diagnostics& diagnostics,
                                              const LoadOptions& options) {
  return ScenarioReader(path, diagnostics, options).read(root);
}

}  // namespace faultline::loader

namespace faultline {

ScenarioLoad load_scenario(const std::string& path, const LoadOptions& options) {
  ScenarioLoad load;
  if (const auto root = loader::parse_file(path, load.diagnostics, options.max_input_bytes)) {
    load.scenario =
        loader::read_scenario(loader::shown_name(path), *root, load.diagnostics, options);
  }
  return load;
}

std::shared_ptr<const Topology> TopologyCache::find(const std::string& path) const {
  const auto it = topologies_.find(path);
  return it == topologies_.end() ? nullptr : it->second;
}

void TopologyCache::add(std::shared_ptr<const Topology> topology) {
  std::string path = topology->file();
  topologies_.emplace(std::move(path), std::move(topology));
}

Diagnostics validate_file(const std::string& path, const LoadOptions& options) {
  Diagnostics diagnostics;
  const auto root = loader::parse_file(path, diagnostics, options.max_input_bytes);
  if (!root)
    return diagnostics;
  const std::string name = loader::shown_name(path);
  if (root->is_map() && (*root)["topology"].defined()) {
    loader::read_scenario(name, *root, diagnostics, options);
  } else if (root->is_map() && (*root)["services"].defined()) {
    auto topology = loader::read_topology(name, *root, diagnostics);
    if (topology && options.topologies && diagnostics.all().empty())
      options.topologies->add(std::move(topology));
  } else {
    diagnostics.error({name, 1, 1},
                      "this is neither a Faultline topology nor a scenario: expected a mapping "
                      "with the key 'services' (a topology) or 'topology' (a scenario), found " +
                          loader::describe(*root));
  }
  return diagnostics;
}

}  // namespace faultline
