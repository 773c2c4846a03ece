#include "format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "faultline/health.hpp"
#include "faultline/overloaded.hpp"

namespace faultline::reports {

std::string thousands(std::int64_t n) {
  // The magnitude as unsigned: -n has none for the least int64.
  const std::uint64_t magnitude =
      n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

namespace {
// x to `decimals` places, except that a value strictly between 0 and `all`
// never shows as either end.
std::string between_ends(double x, int decimals, double all) {
  const std::string shown = fmt::format("{:.{}f}", x, decimals);
  const double step = std::pow(10.0, -decimals);
  if (x > 0 && std::stod(shown) == 0)
    return fmt::format("<{:.{}f}", step, decimals);
  if (x < all && std::stod(shown) == all)
    return fmt::format(">{:.{}f}", all - step, decimals);
  return shown;
}
}  // namespace

std::string percent(double fraction, int decimals) {
  return between_ends(fraction * 100.0, decimals, 100) + "%";
}

// On the health's own lines (health.hpp): within kServedTolerance of all or
// of half counts as on it, so that neither can show for a state it is not.
std::string served_percent(double fraction) {
  if (fraction <= 0 || fully_served(fraction))
    return fraction <= 0 ? "0%" : "100%";
  const double percent = 100 * fraction;
  const bool under_half = fraction < kMajorOutageBelow - kServedTolerance;
  // A share given to two decimals of a percent or fewer, such as 12.5%,
  // shows as given (found in review: rehearse echoed 0.125 as 12%).
  int fewest = 0;
  for (int d = 0; d <= 2; ++d) {
    const double scaled = percent * std::pow(10.0, d);
    if (std::abs(std::round(scaled) - scaled) < 1e-6) {
      fewest = d;
      break;
    }
  }
  for (int decimals = fewest; decimals <= 9; ++decimals) {
    std::string text = fmt::format("{:.{}f}", percent, decimals);
    const double shown = std::stod(text);
    if (shown == 100 || shown == 0 || (under_half && shown >= 50))
      continue;
    if (decimals > 0) {
      text.erase(text.find_last_not_of('0') + 1);
      if (text.back() == '.')
        text.pop_back();
    }
    return text + "%";
  }
  // Not fully served reads under 99.9999999%, and under half under
  // 49.9999999%: only a share this small is left.
  return "less than 0.000000001%";
}

std::string outage_cap_text(double served_fraction) {
  return served_fraction > 0 ? "serves at most " + served_percent(served_fraction)
                             : "serves nothing";
}

std::string share_text(double share) {
  return between_ends(share, 3, 1);
}

std::string millions(double v) {
  return std::abs(v) >= 1e6 ? fmt::format("{:.2f} M", v / 1e6) : fmt::format("{:.0f}", v);
}

std::string number(double v) {
  if (std::abs(v) >= 1e6)
    return fmt::format("{:.3f} M", v / 1e6);
  if (std::abs(v) >= 100)
    return thousands(std::llround(v));
  if (v == 0)
    return "0";
  return fmt::format("{:.2f}", v);
}

std::string_view kind_name(TimelineKind k) {
  switch (k) {
    case TimelineKind::fault:
      return "fault";
    case TimelineKind::fault_healed:
      return "fault_healed";
    case TimelineKind::rollout_wave:
      return "rollout_wave";
    case TimelineKind::step_started:
      return "step_started";
    case TimelineKind::step_wave:
      return "step_wave";
    case TimelineKind::step_work_done:
      return "step_work_done";
    case TimelineKind::step_completed:
      return "step_completed";
    case TimelineKind::step_attempt_failed:
      return "step_attempt_failed";
    case TimelineKind::step_retry:
      return "step_retry";
    case TimelineKind::step_next_method:
      return "step_next_method";
    case TimelineKind::step_skipped:
      return "step_skipped";
    case TimelineKind::step_failed:
      return "step_failed";
    case TimelineKind::step_rolled_back:
      return "step_rolled_back";
    case TimelineKind::batch_done:
      return "batch_done";
    case TimelineKind::batch_attempt_failed:
      return "batch_attempt_failed";
    case TimelineKind::batch_retry:
      return "batch_retry";
    case TimelineKind::batch_next_method:
      return "batch_next_method";
    case TimelineKind::batch_gave_up:
      return "batch_gave_up";
    case TimelineKind::batch_skipped:
      return "batch_skipped";
    case TimelineKind::batch_handed_over:
      return "batch_handed_over";
    case TimelineKind::crew:
      return "crew";
    case TimelineKind::failover_begins:
      return "failover_begins";
    case TimelineKind::failover_done:
      return "failover_done";
    case TimelineKind::failover_failed:
      return "failover_failed";
    case TimelineKind::overloaded:
      return "overloaded";
    case TimelineKind::restarted:
      return "restarted";
    case TimelineKind::check_failed:
      return "check_failed";
    case TimelineKind::check_passed:
      return "check_passed";
    case TimelineKind::service_state:
      return "service_state";
    case TimelineKind::users:
      return "users";
  }
  return "fault";
}

std::string_view kind_label(TimelineKind k) {
  switch (k) {
    case TimelineKind::fault:
      return "FAULT";
    case TimelineKind::fault_healed:
      return "HEALED";
    case TimelineKind::rollout_wave:
      return "FAULT";
    case TimelineKind::step_started:
      return "START";
    case TimelineKind::step_wave:
      return "WAVE";
    case TimelineKind::step_work_done:
      return "VERIFY";
    case TimelineKind::step_completed:
      return "DONE";
    case TimelineKind::step_attempt_failed:
      return "MISS";
    case TimelineKind::step_retry:
      return "RETRY";
    case TimelineKind::step_next_method:
      return "METHOD";
    case TimelineKind::step_skipped:
      return "SKIP";
    case TimelineKind::step_failed:
      return "FAILED";
    case TimelineKind::step_rolled_back:
      return "UNDONE";
    case TimelineKind::batch_done:
      return "BATCH";
    case TimelineKind::batch_attempt_failed:
      return "MISS";
    case TimelineKind::batch_retry:
      return "RETRY";
    case TimelineKind::batch_next_method:
      return "METHOD";
    case TimelineKind::batch_gave_up:
      return "FAILED";
    case TimelineKind::batch_skipped:
      return "SKIP";
    case TimelineKind::batch_handed_over:
      return "METHOD";
    case TimelineKind::crew:
      return "CREW";
    case TimelineKind::failover_begins:
      return "SWITCH";
    case TimelineKind::failover_done:
      return "SWITCH";
    case TimelineKind::failover_failed:
      return "SWITCH";
    case TimelineKind::overloaded:
      return "CRASH";
    case TimelineKind::restarted:
      return "UP";
    case TimelineKind::check_failed:
      return "CHECK";
    case TimelineKind::check_passed:
      return "CHECK";
    case TimelineKind::service_state:
      return "STATE";
    case TimelineKind::users:
      return "USERS";
  }
  return "FAULT";
}

namespace {

std::string crew_text(const Scenario& scenario, const Step& step) {
  return step.crew ? " (crew " + scenario.crews[step.crew->value].id + ")" : std::string{};
}

// " (wave 2/4)" for a step done in waves.
std::string wave_text(const TimelineEntry& e) {
  return e.waves > 1 ? fmt::format(" (wave {}/{})", e.wave, e.waves) : std::string{};
}

std::string attempt_failed_text(const Scenario& scenario, const TimelineEntry& e) {
  return fmt::format("{}: attempt {}{} failed{}", scenario.steps[e.step().value].id, e.attempt,
                     wave_text(e), e.scripted ? " (scripted)" : "");
}

std::string next_method_text(const Scenario& scenario, const TimelineEntry& e) {
  const Step& s = scenario.steps[e.step().value];
  return fmt::format("{}: {} gave up; {} starts{}", s.id, s.methods[e.method - 1].name,
                     s.methods[e.method].name, wave_text(e));
}

std::string retry_text(const Scenario& scenario, const TimelineEntry& e) {
  const Step& s = scenario.steps[e.step().value];
  const int retries = s.methods[e.method].retries;
  return fmt::format("{}: attempt {}{} starts, a retry ({} allowed)", s.id, e.attempt, wave_text(e),
                     retries == kUnlimitedRetries ? "no limit" : std::to_string(retries));
}

// "restore-sites batch 2/5 (40 tenants, 1,200 users)".
std::string batch_text(const Scenario& scenario, const TimelineEntry& e) {
  return fmt::format("{} batch {}/{} ({} tenant{}, {} users)", scenario.steps[e.step().value].id,
                     e.batch, e.batches, e.tenants, e.tenants == 1 ? "" : "s",
                     thousands(e.users.value));
}

std::string batch_entry_text(const Scenario& scenario, const TimelineEntry& e) {
  const Step& s = scenario.steps[e.step().value];
  const std::string batch = batch_text(scenario, e);
  switch (e.kind) {
    case TimelineKind::batch_done:
      if (e.tenants == 0)
        return fmt::format("{} batch {}/{}: done, its tenants were back already", s.id, e.batch,
                           e.batches);
      return batch + ": back";
    case TimelineKind::batch_attempt_failed:
      return fmt::format("{}: attempt {} failed", batch, e.attempt);
    case TimelineKind::batch_retry:
      return fmt::format("{}: attempt {} starts, a retry", batch, e.attempt + 1);
    case TimelineKind::batch_next_method:
      return fmt::format("{}: {} gave up; {} starts", batch, s.methods[e.previous_method].name,
                         s.methods[e.method].name);
    case TimelineKind::batch_handed_over:
      return fmt::format("{}: handed over from {} to {}, which arrived", batch,
                         s.methods[e.previous_method].name, s.methods[e.method].name);
    case TimelineKind::batch_skipped:
      return fmt::format("{} batch {}/{}: skipped, its tenants are back", s.id, e.batch, e.batches);
    default:
      return batch + ": gave up; its tenants stay out";
  }
}

// An outage that ended by itself, and what it gave back.
std::string healed_text(const Scenario& scenario, const TimelineEntry& e) {
  const Fault& f = scenario.faults[e.fault().value];
  if (f.kind == FaultKind::degradation)
    return fmt::format("{}: ends by itself; its impairment lifts", f.id);
  const std::string& service = scenario.topology->service(*f.service).id;
  if (!f.tenants.empty()) {
    return fmt::format("{}: ends by itself; {} tenants ({} users) have {} back", f.id, e.tenants,
                       thousands(e.users.value), service);
  }
  if (f.cache_ttl) {
    return fmt::format(
        "{}: ends by itself; {}'s own capability is {}, and consumers whose caches hold the "
        "outage get it back as they refresh",
        f.id, service, served_percent(e.served_fraction));
  }
  return fmt::format("{}: ends by itself; {}'s own capability is {}", f.id, service,
                     served_percent(e.served_fraction));
}

// "api@eu: health check fails (probes lose 30%, +200ms): out of rotation".
std::string check_text(const Scenario& scenario, const TimelineEntry& e) {
  std::string met;
  if (e.packet_loss > 0)
    met = "lose " + percent(e.packet_loss);
  if (e.added_latency_ms > 0) {
    met += (met.empty() ? "" : ", ") +
           ("+" + format_duration(Duration{std::llround(e.added_latency_ms)}));
  }
  const bool failed = e.kind == TimelineKind::check_failed;
  return fmt::format("{}: health check {}{}: {}", scenario.topology->deployment(e.deployment()).id,
                     failed ? "fails" : "passes", met.empty() ? "" : " (probes " + met + ")",
                     failed ? "out of rotation" : "back in rotation");
}

// A step's work done before its gate, skipped, given up or rolled back.
std::string step_end_text(const Scenario& scenario, const TimelineEntry& e) {
  const Topology& topology = *scenario.topology;
  const Step& s = scenario.steps[e.step().value];
  switch (e.kind) {
    case TimelineKind::step_work_done: {
      std::string gate;
      for (const ServiceId v : s.verify)
        gate += (gate.empty() ? "" : ", ") + topology.service(v).id;
      return fmt::format("{}: work done; completes once {} operational", s.id, gate);
    }
    case TimelineKind::step_skipped:
      return fmt::format("{}: {} is no longer worse than {}", s.id,
                         topology.service(s.only_if->service).id, to_string(s.only_if->below));
    case TimelineKind::step_failed:
      return fmt::format("{}: gave up{}", s.id,
                         s.rollback ? "; rolling back" : "; the steps after it never start");
    default:
      return fmt::format("{}: rolled back", s.id);
  }
}

std::string outage_text(const Scenario& scenario, const Fault& f, const TimelineEntry& e) {
  const std::string& service = scenario.topology->service(*f.service).id;
  if (!f.tenants.empty()) {
    // A tenant out on the service already does not lose it again: a second
    // outage of all six sites, one of them out, used to read "6 of 6 tenants
    // lose" with that one's users among those cut off.
    const auto named = static_cast<int>(f.tenants.size());
    const std::size_t on_service = scenario.topology->tenants_on(*f.service).size();
    if (e.tenants == named) {
      return fmt::format("{} of {} tenants lose {} ({} users)", e.tenants, on_service, service,
                         thousands(e.users.value));
    }
    return fmt::format("{} more of {} tenants lose {} ({} users): {} it names had lost it already",
                       e.tenants, on_service, service, thousands(e.users.value),
                       e.tenants == 0 ? fmt::format("the {}", named)
                                      : fmt::format("{} of the {}", named - e.tenants, named));
  }
  // A partial outage caps what the service serves: one already serving
  // less (under an outage before it) serves no more, and no less; and one
  // already serving nothing does not stop serving now.
  return fmt::format("{} {}{}", service, outage_cap_text(f.served_fraction),
                     f.cache_ttl ? ", reaching its consumers as their caches of " +
                                       format_duration(*f.cache_ttl) + " expire"
                                 : "");
}

// "4 deployments degrade: 30% packet loss, +200ms, 50% of capacity left".
std::string degradation_text(const Scenario& scenario, const Fault& f) {
  std::vector<std::string> parts;
  const Impairment& i = f.impairment;
  if (i.packet_loss > 0)
    parts.push_back(percent(i.packet_loss) + " packet loss");
  if (i.added_latency.ms > 0)
    parts.push_back("+" + format_duration(i.added_latency));
  if (i.capacity < 1)
    parts.push_back(percent(i.capacity) + " of capacity left");
  std::string joined;
  for (const std::string& p : parts)
    joined += (joined.empty() ? "" : ", ") + p;
  const std::string where = f.deployments.size() == 1
                                ? scenario.topology->deployment(f.deployments[0]).id
                                : std::to_string(f.deployments.size()) + " deployments";
  return fmt::format("{} degrade{}: {}", where, f.deployments.size() == 1 ? "s" : "", joined);
}

// "1 instance", "456 instances".
std::string instances_text(int instances) {
  return fmt::format("{} instance{}", thousands(instances), instances == 1 ? "" : "s");
}

// "vm-deletion: 456 instances deleted - ...".
std::string fault_text(const Scenario& scenario, const TimelineEntry& e) {
  const Fault& f = scenario.faults[e.fault().value];
  std::string what;
  switch (f.kind) {
    case FaultKind::delete_instances:
      what = fmt::format("{} deleted", instances_text(e.instances));
      break;
    case FaultKind::outage:
      what = outage_text(scenario, f, e);
      break;
    case FaultKind::bad_deploy:
      what = fmt::format("bad deploy takes down {}", instances_text(e.instances));
      break;
    case FaultKind::degradation:
      what = degradation_text(scenario, f);
      break;
  }
  return fmt::format("{}: {}{}", f.id, what, f.description.empty() ? "" : " - " + f.description);
}

}  // namespace

std::string entry_description(const Scenario& scenario, const TimelineEntry& e) {
  const Topology& topology = *scenario.topology;
  switch (e.kind) {
    case TimelineKind::fault:
      return fault_text(scenario, e);
    case TimelineKind::fault_healed:
      return healed_text(scenario, e);
    case TimelineKind::rollout_wave:
      return fmt::format("{}: wave {}/{} of the bad deploy takes down {}",
                         scenario.faults[e.fault().value].id, e.wave, e.waves,
                         instances_text(e.instances));
    case TimelineKind::failover_begins:
      return fmt::format("{}: loss of the active deployment noticed, failing over",
                         topology.services()[e.service().value].id);
    case TimelineKind::failover_done:
      return fmt::format("{}: now serving from {}", topology.services()[e.service().value].id,
                         topology.deployments()[e.serving_from.value].id);
    case TimelineKind::failover_failed:
      return fmt::format("{}: failover failed; down until a runbook step acts",
                         topology.services()[e.service().value].id);
    case TimelineKind::overloaded:
      return fmt::format("{}: fell over under load",
                         topology.deployments()[e.deployment().value].id);
    case TimelineKind::restarted:
      return fmt::format("{}: restarts by itself with {}",
                         topology.deployments()[e.deployment().value].id,
                         instances_text(e.instances));
    case TimelineKind::check_failed:
    case TimelineKind::check_passed:
      return check_text(scenario, e);
    case TimelineKind::step_started: {
      const Step& s = scenario.steps[e.step().value];
      return fmt::format("{}{}{}", s.id, crew_text(scenario, s),
                         s.description.empty() ? "" : " - " + s.description);
    }
    case TimelineKind::step_wave:
      return fmt::format("{}: wave {}/{} done", scenario.steps[e.step().value].id, e.wave, e.waves);
    case TimelineKind::step_completed:
      return fmt::format("{}", scenario.steps[e.step().value].id);
    case TimelineKind::step_attempt_failed:
      return attempt_failed_text(scenario, e);
    case TimelineKind::step_next_method:
      return next_method_text(scenario, e);
    case TimelineKind::step_retry:
      return retry_text(scenario, e);
    case TimelineKind::step_work_done:
    case TimelineKind::step_skipped:
    case TimelineKind::step_failed:
    case TimelineKind::step_rolled_back:
      return step_end_text(scenario, e);
    case TimelineKind::batch_done:
    case TimelineKind::batch_attempt_failed:
    case TimelineKind::batch_retry:
    case TimelineKind::batch_next_method:
    case TimelineKind::batch_gave_up:
    case TimelineKind::batch_skipped:
    case TimelineKind::batch_handed_over:
      return batch_entry_text(scenario, e);
    case TimelineKind::crew:
      return fmt::format("{}: {} of {} busy", scenario.crews[e.crew().value].id, e.busy, e.size);
    case TimelineKind::service_state:
      return fmt::format("{}: {} -> {} ({} served)", topology.services()[e.service().value].id,
                         to_string(e.from), to_string(e.to), served_percent(e.served_fraction));
    case TimelineKind::users:
      return fmt::format("{} cut off, {} of them active now", thousands(e.affected.value),
                         thousands(e.active.value));
  }
  return {};
}

std::string_view component_kind(const Component& c) {
  return std::visit(Overloaded{[](RegionId) { return std::string_view{"region"}; },
                               [](DeploymentId) { return std::string_view{"deployment"}; },
                               [](ServiceId) { return std::string_view{"service"}; }},
                    c);
}

std::string component_id(const Topology& topology, const Component& c) {
  return std::visit(Overloaded{[&](RegionId r) { return topology.region(r).id; },
                               [&](DeploymentId d) { return topology.deployment(d).id; },
                               [&](ServiceId s) { return topology.service(s).id; }},
                    c);
}

std::string time_or_dash(const ScenarioClock& clock, const std::optional<SimTime>& t) {
  return t ? clock.local_text(*t) : std::string("-");
}

namespace {

template <class Id, class Name>
std::string names(const std::vector<Id>& ids, Name name) {
  // Appended piece by piece: GCC 12 with LTO takes `"" + name` for an
  // overflowing copy (-Wstringop-overflow).
  std::string out;
  for (const Id id : ids) {
    if (!out.empty())
      out += ", ";
    out += name(id);
  }
  return out;
}

std::string wait_reason(const Scenario& scenario, const WaitCause& cause) {
  const auto crew = [&](CrewId c) { return scenario.crews[c.value].id; };
  const auto step = [&](StepId s) { return scenario.steps[s.value].id; };
  const auto service = [&](ServiceId s) { return scenario.topology->service(s).id; };
  if (const auto* p = std::get_if<PredecessorsWait>(&cause))
    return "waiting for its predecessors, the last " + step(p->last);
  if (std::holds_alternative<EarliestStartWait>(cause))
    return "held by its not_before";
  if (const auto* required = std::get_if<RequirementWait>(&cause))
    return "requires " + names(required->services, service);
  if (const auto* off = std::get_if<OffShiftWait>(&cause))
    return crew(off->crew) + (off->work_paused ? " off shift, its work paused" : " off shift");
  if (const auto* busy = std::get_if<CrewBusyWait>(&cause)) {
    return busy->holding.empty() ? crew(busy->crew) + " has no members"
                                 : crew(busy->crew) + " busy with " + names(busy->holding, step);
  }
  if (const auto* batch = std::get_if<BatchMembersWait>(&cause)) {
    const std::string needs =
        fmt::format("a batch needs {} of {}'s members", batch->members, crew(batch->crew));
    if (batch->crew_size < batch->members)
      return needs + (batch->crew_size == 0 ? ", which has none"
                                            : fmt::format(", which has {}", batch->crew_size));
    return needs + ", busy with " + names(batch->holding, step);
  }
  return "gate waiting for " + names(std::get<GateWait>(cause).services, service);
}

}  // namespace

std::string wait_text(const Scenario& scenario, const Wait& wait) {
  const std::string until =
      wait.at_end ? ", still at the end" : " until " + scenario.clock.local_text(wait.to);
  return wait_reason(scenario, wait.cause) + until;
}

std::string resource_name(const Topology& topology, const NetworkResource& r) {
  const std::string way = r.inbound ? "into" : "out of";
  switch (r.kind) {
    case NetworkResource::Kind::deployment_host:
      return "deployment " + topology.deployment(DeploymentId{r.index}).id + "'s hosts";
    case NetworkResource::Kind::deployment_link:
      return fmt::format("the LAN link {} deployment {}", way,
                         topology.deployment(DeploymentId{r.index}).id);
    case NetworkResource::Kind::clients_link:
      return fmt::format("the LAN link {} user group {}'s clients", way,
                         topology.user_group(UserGroupId{r.index}).id);
    case NetworkResource::Kind::region_link:
      return fmt::format("the WAN link {} region {}", way, topology.region(RegionId{r.index}).id);
  }
  return "";
}

namespace {

// Three significant digits, rounded up: a capacity that carries `amount`.
double round_up_3(double amount) {
  if (amount <= 0)
    return 0;
  const double scale = std::pow(10.0, std::floor(std::log10(amount)) - 2);
  return std::ceil(amount / scale - 1e-9) * scale;
}

// "134Mbps": as the loader reads a bandwidth.
std::string bandwidth_word(double bits_per_second) {
  const double v = round_up_3(bits_per_second);
  if (v >= 1e9)
    return fmt::format("{:g}Gbps", v / 1e9);
  if (v >= 1e6)
    return fmt::format("{:g}Mbps", v / 1e6);
  if (v >= 1e3)
    return fmt::format("{:g}kbps", v / 1e3);
  return fmt::format("{:g}bps", v);
}

}  // namespace

std::string load_text(const NetworkResource& r, double amount) {
  if (r.kind == NetworkResource::Kind::deployment_host)
    return fmt::format("{} requests/s", number(amount));
  if (amount >= 1e9)
    return fmt::format("{:.3g} Gbit/s", amount / 1e9);
  if (amount >= 1e6)
    return fmt::format("{:.3g} Mbit/s", amount / 1e6);
  return fmt::format("{:.3g} kbit/s", amount / 1e3);
}

std::string remedy_text(const Topology& topology, const ResourceLoad& load) {
  const NetworkResource& r = load.resource;
  switch (r.kind) {
    case NetworkResource::Kind::deployment_host:
      return load.capacity_needed ? fmt::format("a `capacity` of at least {} users",
                                                thousands(load.capacity_needed->value))
                                  : "more instances";
    case NetworkResource::Kind::deployment_link:
    case NetworkResource::Kind::clients_link:
      return fmt::format("a `lan` bandwidth of at least {} in the network section",
                         bandwidth_word(load.peak));
    case NetworkResource::Kind::region_link:
      return fmt::format("a `wan` bandwidth of at least {} for region {}",
                         bandwidth_word(load.peak), topology.region(RegionId{r.index}).id);
  }
  return "";
}

std::string seen_late_text(const StepResolution& r) {
  return fmt::format(
      "requests saw {} of the state run's {} changes only from the next step (steps of {}), up "
      "to {} late",
      thousands(static_cast<std::int64_t>(r.changes_late)),
      thousands(static_cast<std::int64_t>(r.changes)), human_duration(r.step),
      human_duration(r.latest));
}

std::string unseen_text(const ScenarioClock& clock, const StepResolution& r) {
  const bool one = r.unseen == 1;
  return fmt::format(
      "{} state{} of the estate, {} in all, began and ended between two step starts (the first "
      "at {}), and no request saw {}: the users {} cut off or brought back are not in these "
      "figures; a --step of {} or less sees every state",
      thousands(static_cast<std::int64_t>(r.unseen)), one ? "" : "s", human_duration(r.unseen_time),
      clock.local_text(r.first_unseen_at), one ? "it" : "them", one ? "it" : "they",
      format_duration(r.shortest_state));
}

std::optional<std::string> seen_late_text(const StepResolutionStatistics& s) {
  if (s.latest_ms.max() == 0)
    return std::nullopt;
  return fmt::format(
      "changes of the state runs inside a step of {} were seen from the next step on, up to {} "
      "late ({} on average per run)",
      human_duration(s.step), human_duration(Duration{s.latest_ms.max()}),
      human_duration(Duration{std::llround(s.latest_ms.mean())}));
}

std::optional<std::string> unseen_text(const StepResolutionStatistics& s, std::uint64_t runs) {
  if (s.runs_with_unseen == 0)
    return std::nullopt;
  return fmt::format(
      "in {} of {} runs, states of the estate began and ended between two step starts and no "
      "request saw them ({} in such a run on average): the users they cut off or brought back "
      "are not in these figures; a --step of {} or less sees every state of every run",
      thousands(static_cast<std::int64_t>(s.runs_with_unseen)),
      thousands(static_cast<std::int64_t>(runs)), human_duration(s.mean_unseen_where_any()),
      format_duration(Duration{s.shortest_state_ms.min()}));
}

std::string baseline_headline(const Scenario& scenario, const NetworkBaseline& baseline) {
  const std::string until = scenario.clock.local_text(baseline.until);
  const long least = std::lround(kBaselineServed * 100);
  if (baseline.healthy()) {
    return fmt::format(
        "With nothing failed, every service served at least {}% of its requests in every window "
        "to {}",
        least, until);
  }
  return fmt::format(
      "With nothing failed, {} of the services serve under {}% of their requests in some window "
      "to {}: the network figures below say more about the platform than about the faults",
      baseline.shortfalls.size(), least, until);
}

std::vector<BottleneckGroup> bottleneck_groups(const NetworkBaseline& baseline) {
  std::vector<BottleneckGroup> groups;
  for (const BaselineShortfall& s : baseline.shortfalls) {
    auto group = std::find_if(groups.begin(), groups.end(),
                              [&](const BottleneckGroup& g) { return g.resource == s.bottleneck; });
    if (group == groups.end())
      group = groups.insert(groups.end(), BottleneckGroup{s.bottleneck, {}});
    group->services.push_back(&s);
  }
  std::stable_partition(groups.begin(), groups.end(),
                        [](const BottleneckGroup& g) { return g.resource.has_value(); });
  return groups;
}

std::string bottleneck_text(const Scenario& scenario, const ResourceLoad& load) {
  const Topology& topology = *scenario.topology;
  return fmt::format("{}, asked for up to {} (at {}) against {}: {} would carry it",
                     resource_name(topology, load.resource), load_text(load.resource, load.peak),
                     scenario.clock.local_text(load.peak_at),
                     load_text(load.resource, load.capacity), remedy_text(topology, load));
}

std::string shortfall_text(const Scenario& scenario, const BaselineShortfall& s) {
  std::string out =
      fmt::format("{}: {} served in the window from {}", scenario.topology->service(s.service).id,
                  percent(s.worst.success_rate(), 1), scenario.clock.local_text(s.worst.from));
  if (s.bottleneck)
    out += fmt::format(", the bottleneck at {} of its capacity there",
                       percent(s.bottleneck_utilisation));
  return out;
}

std::string runs_text(std::uint64_t runs, std::uint64_t first_run, bool grouped) {
  const auto shown = [grouped](std::uint64_t n) {
    return grouped ? thousands(static_cast<std::int64_t>(n)) : std::to_string(n);
  };
  // A shard stopped before its first run made none to name.
  if (first_run == 0 || runs == 0)
    return shown(runs) + (runs == 1 ? " run" : " runs");
  if (runs == 1)
    return "run " + shown(first_run);
  return fmt::format("runs {} to {}", shown(first_run), shown(first_run + runs - 1));
}

std::string user_hours(UserTime t) {
  return thousands(std::llround(t.in_user_hours()));
}

std::string signed_duration(Duration d) {
  // Not "+" + text: g++ 12 at -O3 with LTO warns of an impossible memcpy
  // bound in that std::string concatenation.
  return fmt::format("{}{}", d.ms > 0 ? "+" : "", human_duration(d));
}

std::string milestone_when(const ScenarioClock& clock, const Milestone& m) {
  std::string out = fmt::format("{} {}", to_string(m.timing), clock.local_text(m.time));
  if (m.within.ms > 0)
    out += (m.timing == MilestoneTiming::at ? " +/- " : " + ") + format_duration(m.within);
  return out;
}

std::string difference_text(const MilestoneOutcome& o) {
  if (!o.difference)
    return "never happened";
  return o.difference->ms == 0 ? "on time" : signed_duration(*o.difference);
}

double share(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

std::int64_t to_readable(double ms) {
  constexpr double kMinute = 60'000.0;
  constexpr double kHour = 60 * kMinute;
  const double size = std::abs(ms);
  const double unit = size >= kHour ? kMinute : size >= kMinute ? 1'000.0 : 1.0;
  return std::llround(ms / unit) * static_cast<std::int64_t>(unit);
}

std::string duration_text(double ms) {
  return format_duration(Duration{to_readable(ms)});
}

std::string at_local(const ScenarioClock& clock, double ms) {
  return clock.local_text(SimTime{to_readable(ms)});
}

std::string event_time_text(const ScenarioClock& clock, const EventTimes& times, double q,
                            std::string_view never) {
  if (times.runs() == 0)
    return "-";
  const auto at = times.quantile(q);
  return at ? at_local(clock, *at) : std::string(never);
}

TimeQuantiles time_quantiles(const ScenarioClock& clock, const EventTimes& times,
                             std::string_view never) {
  return {event_time_text(clock, times, 0.1, never), event_time_text(clock, times, 0.5, never),
          event_time_text(clock, times, 0.9, never)};
}

// fmt pads the text to a width of its length in bytes, which no character
// exceeds (one of two columns takes three bytes or four), with the columns
// it does not fill: the bytes less that padding are the columns it fills.
std::size_t text_width(std::string_view text) {
  const std::size_t padded = fmt::formatted_size("{:<{}}", text, text.size());
  return 2 * text.size() - padded;
}

std::size_t column_width(std::span<const std::string> texts, std::size_t least) {
  std::size_t width = least;
  for (const std::string& text : texts)
    width = std::max(width, text_width(text));
  return width;
}

std::size_t time_column_width(std::span<const std::string> times) {
  return column_width(times, 22);
}

std::size_t time_column_width(std::span<const TimeQuantiles> rows) {
  std::size_t width = 22;
  for (const TimeQuantiles& row : rows)
    width = std::max(width, time_column_width(row));
  return width;
}

std::string scenario_title(const Scenario& scenario) {
  return scenario.name.empty() ? scenario.file : scenario.name;
}

std::string scenario_and_file(const Scenario& scenario) {
  if (scenario.name.empty())
    return "file " + scenario.file;
  return fmt::format("{} (file {})", scenario.name, scenario.file);
}

std::string run_event_words(const Scenario& scenario, const RunEvent& event) {
  switch (event.kind) {
    case RunEventKind::all_restored:
      return scenario.takes_tenants_out()
                 ? "everything back: every service serving everyone, every tenant back"
                 : "every service serving everyone again";
    case RunEventKind::service_restored:
      return fmt::format("service {} back", scenario.topology->service(*event.service).id);
    case RunEventKind::step_completed:
      return fmt::format("step {} completed", scenario.steps[event.step->value].id);
    case RunEventKind::milestone:
      return fmt::format("milestone {}", scenario.observed[*event.milestone].id);
  }
  return "";
}

// What the step acts on: its service, its fault, or its deployments (a
// count past three).
std::string step_subject(const Scenario& scenario, const Step& step) {
  const Topology& topology = *scenario.topology;
  if (step.service)
    return topology.service(*step.service).id;
  if (step.fault)
    return scenario.faults[step.fault->value].id;
  if (step.deployments.size() > 3)
    return std::to_string(step.deployments.size()) + " deployments";
  std::string out;
  for (const DeploymentId d : step.deployments)
    out += (out.empty() ? "" : ",") + topology.deployment(d).id;
  return out;
}

double mean_busy(const MonteCarloResult& result, std::size_t index) {
  return result.runs == 0 ? 0.0
                          : static_cast<double>(result.sampled_busy_sum[index]) /
                                static_cast<double>(result.runs);
}

double in_unit(ComparedMetric m, double value) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return value / kSecondsPerHour;
    case ComparedMetric::peak_active:
      return value;
    case ComparedMetric::restored_ms:
      return value / kMsPerHour;
  }
  return value;
}

std::string_view unit(ComparedMetric m) {
  switch (m) {
    case ComparedMetric::user_seconds_lost:
      return "user-hours";
    case ComparedMetric::peak_active:
      return "users";
    case ComparedMetric::restored_ms:
      return "hours";
  }
  return "";
}

std::string restoration_cap_note(const Comparison& c) {
  return fmt::format(
      "Time to full restoration counts a run in which something was still out at T0+{} (a "
      "service serving less than everyone, or a tenant; the shortest horizon of the "
      "variants, {} for one without) as {}.",
      format_duration(c.restoration_cap), format_duration(kDefaultHorizon),
      format_duration(c.restoration_cap));
}

Interval interval(const PairedDifference& d) {
  const ComparedMetric m = d.metric;
  const auto scaled = [&](const std::optional<double>& v) {
    return v ? std::optional(in_unit(m, *v)) : std::nullopt;
  };
  return {in_unit(m, d.mean), scaled(d.ci_low), scaled(d.ci_high), d.significant};
}

Interval mean_interval(ComparedMetric m, const Accumulator& a) {
  const auto half = a.ci95_half_width();
  if (!half)
    return {in_unit(m, a.mean()), std::nullopt, std::nullopt, false};
  return {in_unit(m, a.mean()), in_unit(m, a.mean() - *half), in_unit(m, a.mean() + *half), false};
}

std::string range_text(const Interval& i) {
  return i.low ? number(*i.low) + " .. " + number(*i.high) : std::string("-");
}

std::vector<std::size_t> ranking(const Comparison& c) {
  std::vector<std::size_t> order(c.names.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return c.metrics[a][kLost].mean() < c.metrics[b][kLost].mean();
  });
  return order;
}

RequestTotals request_totals(const std::vector<RequestWindow>& windows) {
  RequestTotals t;
  for (const RequestWindow& w : windows) {
    t.requests += w.requests;
    t.served += w.served;
    if (w.requests > 0 && (!t.worst_success || w.success_rate() < t.worst_success->success_rate()))
      t.worst_success = &w;
    if (w.p99 && (!t.worst_p99 || *w.p99 > *t.worst_p99->p99))
      t.worst_p99 = &w;
  }
  return t;
}

std::string latency_text(Duration d) {
  return d.ms < 1000 ? fmt::format("{} ms", d.ms) : fmt::format("{:.1f} s", d.in_seconds());
}

std::string worst_success_text(const ScenarioClock& clock, const RequestTotals& t) {
  return t.worst_success ? fmt::format("{} from {}", percent(t.worst_success->success_rate()),
                                       clock.local_text(t.worst_success->from))
                         : "-";
}

std::string worst_p99_text(const ScenarioClock& clock, const RequestTotals& t) {
  return t.worst_p99 ? fmt::format("{} from {}", latency_text(*t.worst_p99->p99),
                                   clock.local_text(t.worst_p99->from))
                     : "-";
}

}  // namespace faultline::reports
