#include "faultline/reports/chaos.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>

#include "faultline/analysis.hpp"
#include "faultline/version.hpp"
#include "faultline/words.hpp"
#include "format.hpp"

namespace faultline::reports {

using nlohmann::ordered_json;

namespace {

// FIS's longest wait, and its longest action duration.
constexpr Duration kLongestFisWait = Duration::hours(12);
constexpr std::size_t kFisDescriptionLimit = 512;
constexpr std::size_t kFisNameLimit = 64;
constexpr std::string_view kDeploymentTag = "faultline:deployment";

// The faults in the order they strike, the earlier listed first on a tie.
std::vector<const Fault*> faults_in_time_order(const Scenario& scenario) {
  std::vector<const Fault*> faults;
  for (const Fault& f : scenario.faults)
    faults.push_back(&f);
  std::ranges::stable_sort(faults, {}, [](const Fault* f) { return f->at; });
  return faults;
}

std::string deployment_list(const Topology& topology, const std::vector<DeploymentId>& ds) {
  std::vector<std::string> ids;
  for (const DeploymentId d : ds)
    ids.push_back(topology.deployment(d).id);
  return fmt::format("{}", fmt::join(ids, ", "));
}

// "for 2 of its 6 tenants: a, b (300 users)": the tenants an outage takes
// out whole, the first five by name (found in review: "serving 0%" after
// them read as the whole service serving nothing).
std::string tenants_phrase(const Topology& topology, const Fault& f) {
  constexpr std::size_t kNamed = 5;
  std::vector<std::string> names;
  UserCount users;
  for (const TenantId t : f.tenants) {
    users += topology.tenant(t).users;
    if (names.size() < kNamed)
      names.push_back(topology.tenant(t).id);
  }
  const std::size_t on = topology.tenants_on(*f.service).size();
  const std::string more =
      f.tenants.size() > kNamed ? fmt::format(" and {} more", f.tenants.size() - kNamed) : "";
  const std::string which = f.tenants.size() == on
                                ? fmt::format("all {} of its tenants", on)
                                : fmt::format("{} of its {} tenants", f.tenants.size(), on);
  return fmt::format("for {}: {}{} ({} users)", which, fmt::join(names, ", "), more,
                     thousands(users.value));
}

// Why no run reaches the fault, if none does: it strikes after the horizon.
std::optional<std::string> past_the_horizon(const Scenario& scenario, const Fault& f) {
  if (!scenario.horizon || f.at <= *scenario.horizon)
    return std::nullopt;
  return fmt::format("{}: strikes at {}, after the horizon ({}), so no run reaches it", f.id,
                     format_offset(f.at), format_offset(*scenario.horizon));
}

// What the fault does, in a sentence of our own (the scenario's own
// description, when it has one, follows it).
std::string fault_sentence(const Scenario& scenario, const Fault& f) {
  const Topology& topology = *scenario.topology;
  std::string text;
  switch (f.kind) {
    case FaultKind::delete_instances:
      text = fmt::format("delete {} of {}",
                         !f.instances        ? std::string("all instances")
                         : *f.instances == 1 ? std::string("1 instance (each)")
                                             : fmt::format("{} instances (each)", *f.instances),
                         deployment_list(topology, f.deployments));
      break;
    case FaultKind::outage:
      text = f.tenants.empty()
                 ? fmt::format("outage of {}, serving {}", topology.service(*f.service).id,
                               served_percent(f.served_fraction))
                 : fmt::format("outage of {} {}", topology.service(*f.service).id,
                               tenants_phrase(topology, f));
      break;
    case FaultKind::bad_deploy:
      text = fmt::format("a bad release over {}, {} a wave every {}",
                         deployment_list(topology, f.deployments), f.per_wave,
                         format_duration(f.every));
      break;
    case FaultKind::degradation:
      // Durations to the millisecond: rounded to seconds, 100ms read 0s.
      text =
          fmt::format("degradation of {}: {} packet loss, {} added latency, {} capacity",
                      deployment_list(topology, f.deployments), percent(f.impairment.packet_loss),
                      format_duration(f.impairment.added_latency), percent(f.impairment.capacity));
      break;
  }
  if (f.lasts)
    text += fmt::format(", lasting {}", format_duration(f.lasts->median()));
  return f.description.empty() ? text : text + " (" + f.description + ")";
}

// ---- Chaos Toolkit ----------------------------------------------------------

// A configuration key: lower-case letters, digits and underscores.
std::string config_key(std::string_view id) {
  std::string key;
  for (const char c : id)
    key += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return key;
}

std::string upper(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

ordered_json placeholder_action(const std::string& name, const std::string& description,
                                const std::string& what) {
  return {{"type", "action"},
          {"name", name},
          {"description", description},
          {"provider",
           {{"type", "process"},
            {"path", "echo"},
            {"arguments", "PLACEHOLDER: replace with a command that " + what}}}};
}

// Services some user group uses directly, in topology order.
std::vector<ServiceId> user_facing(const Topology& topology) {
  std::vector<ServiceId> out;
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    if (!topology.users_of(ServiceId{s}).empty())
      out.push_back(ServiceId{s});
  }
  return out;
}

// Each user-facing service's probe and the configuration entry its URL
// comes from.
void add_hypothesis(const Topology& topology, ordered_json& experiment) {
  ordered_json configuration = ordered_json::object();
  ordered_json probes = ordered_json::array();
  for (const ServiceId s : user_facing(topology)) {
    const std::string& id = topology.service(s).id;
    std::string key = config_key(id) + "_health_url";
    for (int n = 2; configuration.contains(key); ++n)
      key = fmt::format("{}_health_url_{}", config_key(id), n);
    configuration[key] = {{"type", "env"},
                          {"key", "FAULTLINE_" + upper(key)},
                          {"default", "https://PLACEHOLDER.invalid/health/" + config_key(id)}};
    probes.push_back({{"type", "probe"},
                      {"name", id + " answers"},
                      {"tolerance", 200},
                      {"provider", {{"type", "http"}, {"url", "${" + key + "}"}, {"timeout", 5}}}});
  }
  experiment["configuration"] = std::move(configuration);
  experiment["steady-state-hypothesis"] = {
      {"title", "Every user-facing service answers its health check"}, {"probes", probes}};
}

// The faults in time order, each paused after the one before by the time
// between them; those no run reaches left out.
ordered_json method(const Scenario& scenario, std::vector<std::string>& left_out) {
  ordered_json method = ordered_json::array();
  SimTime previous;
  for (const Fault* f : faults_in_time_order(scenario)) {
    if (auto why = past_the_horizon(scenario, *f)) {
      left_out.push_back(std::move(*why));
      continue;
    }
    ordered_json action = placeholder_action(
        f->id, fault_sentence(scenario, *f),
        fmt::format("injects this fault ({} at {})", word_of(f->kind), format_offset(f->at)));
    const Duration gap = f->at - previous;
    if (gap.ms > 0)
      action["pauses"] = {{"before", gap.in_seconds()}};
    previous = f->at;
    method.push_back(std::move(action));
  }
  return method;
}

// The steps the replay started, in that order (the runbook's order on a
// tie).
ordered_json rollbacks(const Scenario& scenario, const RunResult& replay) {
  std::vector<std::size_t> started;
  for (std::size_t s = 0; s < scenario.steps.size(); ++s) {
    if (replay.steps[s].started && !replay.steps[s].skipped)
      started.push_back(s);
  }
  std::ranges::stable_sort(started, {}, [&](std::size_t s) { return *replay.steps[s].started; });
  ordered_json out = ordered_json::array();
  for (const std::size_t s : started) {
    const Step& step = scenario.steps[s];
    const std::string what =
        step.action == ActionKind::none
            ? std::string("work that changes nothing modelled")
            : fmt::format("{} {}", word_of(step.action), step_subject(scenario, step));
    const std::string description = step.description.empty() ? what : step.description;
    out.push_back(placeholder_action(step.id, description,
                                     fmt::format("does this step ({}; the replay started it at {})",
                                                 what, format_offset(*replay.steps[s].started))));
  }
  return out;
}

// ---- AWS FIS ----------------------------------------------------------------

// A name FIS takes: letters, digits, '-' and '_', at most 64 characters;
// anything else becomes one '-', and none ends it.
std::string fis_name(std::string_view text) {
  std::string name;
  for (const char c : text) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (kept)
      name += c;
    else if (!name.empty() && name.back() != '-')
      name += '-';
  }
  name.resize(std::min(name.size(), kFisNameLimit));
  while (!name.empty() && name.back() == '-')
    name.pop_back();
  return name;
}

std::int64_t whole_seconds_up(Duration d) {
  return (d.ms + 999) / 1000;
}

// ISO 8601, as FIS reads durations: PT1H30M, PT45S; whole seconds, rounded up.
std::string iso_duration(Duration d) {
  std::int64_t seconds = whole_seconds_up(d);
  std::string text = "PT";
  for (const auto& [unit, size] : {std::pair{'H', 3600}, {'M', 60}, {'S', 1}}) {
    if (seconds >= size) {
      text += fmt::format("{}{}", seconds / size, unit);
      seconds %= size;
    }
  }
  return text == "PT" ? "PT0S" : text;
}

// The first bytes of text, whole UTF-8 characters only.
std::string truncated(const std::string& text, std::size_t limit) {
  if (text.size() <= limit)
    return text;
  std::size_t end = limit - 3;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
    --end;
  return text.substr(0, end) + "...";
}

// The template's targets and actions, built fault by fault in time order.
class FisBuilder {
 public:
  FisBuilder(const Scenario& scenario, const RunResult& replay)
      : scenario_(scenario), topology_(*scenario.topology), replay_(replay) {}

  ChaosExperiment build();

 private:
  using Names = std::vector<std::string>;
  std::string target(DeploymentId d, const std::string& selection);
  std::string action(const std::string& base, ordered_json body, const Names& after);
  Names waits(const Fault& f, SimTime& clock_at, Names after);
  void add_fault(const Fault& f, const Names& after);
  void add_degradation(const Fault& f, const Names& after);
  std::optional<Duration> degradation_length(const Fault& f);
  Duration within_fis_limits(const Fault& f, Duration d, std::string_view what);
  std::string percent_selection(const Fault& f, double share_taken, std::string_view what);
  std::string loss_percent(const Fault& f, double loss);
  std::optional<std::string> why_left_out(const Fault& f) const;
  void note_all_tenants(const Fault& f);

  const Scenario& scenario_;
  const Topology& topology_;
  const RunResult& replay_;
  ordered_json targets_ = ordered_json::object();
  ordered_json actions_ = ordered_json::object();
  std::map<std::pair<std::string, std::string>, std::string> target_names_;
  std::vector<std::string> notes_;
};

// A name not yet among `taken`'s keys: the base as FIS takes it, then with
// -2, -3 ... in place of its end.
std::string unique_name(const ordered_json& taken, std::string_view base) {
  std::string name = fis_name(base);
  for (int n = 2; taken.contains(name); ++n) {
    const std::string suffix = fmt::format("-{}", n);
    name = fis_name(fis_name(base).substr(0, kFisNameLimit - suffix.size())) + suffix;
  }
  return name;
}

// The deployment's instances (tagged faultline:deployment=<its id>) as one
// selection mode picks them: ALL, COUNT(n) or PERCENT(n).
std::string FisBuilder::target(DeploymentId d, const std::string& selection) {
  const std::string& id = topology_.deployment(d).id;
  const auto [it, added] = target_names_.try_emplace({id, selection});
  if (!added)
    return it->second;
  std::string mode = selection;
  std::ranges::transform(mode, mode.begin(), [](unsigned char c) { return std::tolower(c); });
  it->second = unique_name(targets_, id + "-" + mode);
  targets_[it->second] = {{"resourceType", "aws:ec2:instance"},
                          {"resourceTags", {{std::string(kDeploymentTag), id}}},
                          {"selectionMode", selection}};
  return it->second;
}

// Adds an action under a name not yet taken, started after `after`.
std::string FisBuilder::action(const std::string& base, ordered_json body, const Names& after) {
  const std::string name = unique_name(actions_, base);
  if (!after.empty())
    body["startAfter"] = after;
  actions_[name] = std::move(body);
  return name;
}

// A duration FIS takes for an action's parameter: from 1 minute to 12
// hours; one outside is brought inside, and said.
Duration FisBuilder::within_fis_limits(const Fault& f, Duration d, std::string_view what) {
  const Duration kept = std::clamp(d, Duration::minutes(1), kLongestFisWait);
  if (kept != d)
    notes_.push_back(fmt::format("{}: {} {} becomes {}, as FIS takes from 1 minute to 12 hours",
                                 f.id, what, format_duration(d), format_duration(kept)));
  return kept;
}

// PERCENT(n) of the instances for the share a fault takes, 1 at least:
// FIS selects none with 0.
std::string FisBuilder::percent_selection(const Fault& f, double share_taken,
                                          std::string_view what) {
  const long whole = std::lround(share_taken * 100);
  if (whole < 1)
    notes_.push_back(fmt::format("{}: {} takes {} of the instances, made 1%", f.id, what,
                                 percent(share_taken, 2)));
  return fmt::format("PERCENT({})", std::max(1L, whole));
}

// LossPercent, a whole percent, for a packet loss: some loss is 1% at
// least (0 would inject none) and a partial one 99% at most (100 would cut
// the deployment off); either change is said.
std::string FisBuilder::loss_percent(const Fault& f, double loss) {
  const long rounded = std::lround(loss * 100);
  const long kept = loss >= 1 ? 100 : std::clamp(rounded, 1L, 99L);
  if (kept != rounded)
    notes_.push_back(
        fmt::format("{}: a packet loss of {} is made {}%, as LossPercent takes whole percents",
                    f.id, percent(loss, 2), kept));
  return std::to_string(kept);
}

// aws:fis:wait actions, one after another, from clock_at to the fault's
// time, which clock_at becomes: FIS waits from 1 minute to 12 hours, so a
// long gap is cut into equal parts of 12 hours at most (none of them under
// a minute), and a gap under a minute is made one, which is said.
FisBuilder::Names FisBuilder::waits(const Fault& f, SimTime& clock_at, Names after) {
  Duration gap = f.at - clock_at;
  if (gap < Duration::minutes(1)) {
    notes_.push_back(
        fmt::format("{}: the wait of {} before it becomes 1m, as FIS waits from 1 "
                    "minute to 12 hours, so it comes {} late",
                    f.id, format_duration(gap), format_duration(Duration::minutes(1) - gap)));
    gap = Duration::minutes(1);
  }
  // FIS takes whole seconds: the parts are, the first taking the odd ones
  // and the gap's last part of a second.
  clock_at = clock_at + gap;
  const std::int64_t parts = (gap.ms + kLongestFisWait.ms - 1) / kLongestFisWait.ms;
  const std::int64_t seconds = gap.ms / 1000;
  for (std::int64_t i = 0; i < parts; ++i) {
    const std::int64_t whole = seconds / parts + (i < seconds % parts ? 1 : 0);
    const Duration part{whole * 1000 + (i == 0 ? gap.ms % 1000 : 0)};
    after = {action("wait-" + iso_duration(part),
                    {{"actionId", "aws:fis:wait"},
                     {"description", "the time between the scenario's faults"},
                     {"parameters", {{"duration", iso_duration(part)}}}},
                    after)};
  }
  return after;
}

// How long a degradation lasts: to the first of its `lasts` (at its
// median, as the replay draws it), the replay's step that mitigated it, and
// the scenario's horizon (found by a helper: a `lasts` of 2h mitigated at
// 1h was injected for 2h, and one of 5h under a 2h horizon for 5h). A
// mitigation done before the fault strikes ends nothing (the strike comes
// first at the same instant, as the replay's queue has it). Nothing when it
// never ends: without a horizon the replay stops once nothing else happens,
// and the fault goes on (or it strikes after the horizon, as the loader
// warns).
std::optional<Duration> FisBuilder::degradation_length(const Fault& f) {
  std::optional<SimTime> end;
  const auto ends_at = [&](SimTime t) {
    if (t >= f.at && (!end || t < *end))
      end = t;
  };
  if (f.lasts)
    ends_at(f.at + f.lasts->median());
  for (std::size_t s = 0; s < scenario_.steps.size(); ++s) {
    const Step& step = scenario_.steps[s];
    // A step with a gate mitigates when its work is done, before the gate
    // opens and it completes.
    const StepOutcome& o = replay_.steps[s];
    const auto done = o.work_done ? o.work_done : o.completed;
    if (step.action == ActionKind::mitigate && step.fault &&
        &scenario_.faults[step.fault->value] == &f && done)
      ends_at(*done);
  }
  if (scenario_.horizon)
    ends_at(*scenario_.horizon);
  if (!end)
    return std::nullopt;
  return *end - f.at;
}

// The actions that inject one fault, each started after `after`; none for a
// fault FIS has no action for.
void FisBuilder::add_fault(const Fault& f, const Names& after) {
  const std::string description = truncated(fault_sentence(scenario_, f), kFisDescriptionLimit);
  switch (f.kind) {
    case FaultKind::delete_instances:
      for (const DeploymentId d : f.deployments) {
        const std::string selection =
            f.instances ? fmt::format("COUNT({})", *f.instances) : std::string("ALL");
        action(f.id + "-" + topology_.deployment(d).id,
               {{"actionId", "aws:ec2:terminate-instances"},
                {"description", description},
                {"targets", {{"Instances", target(d, selection)}}}},
               after);
      }
      break;
    case FaultKind::outage: {
      const std::string selection = f.served_fraction > 0
                                        ? percent_selection(f, 1 - f.served_fraction, "the outage")
                                        : std::string("ALL");
      ordered_json parameters = ordered_json::object();
      if (f.lasts)
        parameters["startInstancesAfterDuration"] =
            iso_duration(within_fis_limits(f, f.lasts->median(), "restarting after"));
      for (const DeploymentId d : topology_.service(*f.service).deployments) {
        action(f.id + "-" + topology_.deployment(d).id,
               {{"actionId", "aws:ec2:stop-instances"},
                {"description", description},
                {"parameters", parameters},
                {"targets", {{"Instances", target(d, selection)}}}},
               after);
      }
      break;
    }
    case FaultKind::degradation:
      add_degradation(f, after);
      break;
    case FaultKind::bad_deploy:
      break;
  }
}

// A degradation: the SSM documents FIS ships for packet loss and latency,
// and stopped instances for lost capacity, on each of its deployments.
void FisBuilder::add_degradation(const Fault& f, const Names& after) {
  const auto lasting = degradation_length(f);
  if (!lasting) {
    notes_.push_back(
        fmt::format("{}: never ends in the replay (no lasts, no mitigation after it "
                    "strikes); FIS keeps it up for its longest, 12h",
                    f.id));
  }
  const Duration length = lasting ? within_fis_limits(f, *lasting, "lasting") : kLongestFisWait;
  const std::string seconds = std::to_string(whole_seconds_up(length));
  const Impairment& impairment = f.impairment;
  for (const DeploymentId d : f.deployments) {
    const std::string base = f.id + "-" + topology_.deployment(d).id;
    const auto ssm = [&](const char* suffix, const char* document, const std::string& parameter,
                         const std::string& value) {
      const ordered_json document_parameters = {
          {parameter, value}, {"DurationSeconds", seconds}, {"InstallDependencies", "True"}};
      action(base + "-" + suffix,
             {{"actionId", "aws:ssm:send-command"},
              {"description", truncated(fault_sentence(scenario_, f), kFisDescriptionLimit)},
              {"parameters",
               {{"documentArn", fmt::format("arn:aws:ssm:REGION::document/{}", document)},
                {"documentParameters", document_parameters.dump()},
                {"duration", iso_duration(length)}}},
              {"targets", {{"Instances", target(d, "ALL")}}}},
             after);
    };
    if (impairment.packet_loss > 0)
      ssm("packet-loss", "AWSFIS-Run-Network-Packet-Loss", "LossPercent",
          loss_percent(f, impairment.packet_loss));
    if (impairment.added_latency.ms > 0)
      ssm("latency", "AWSFIS-Run-Network-Latency", "DelayMilliseconds",
          std::to_string(impairment.added_latency.ms));
    if (impairment.capacity < 1) {
      const std::string selection =
          percent_selection(f, 1 - impairment.capacity, "the lost capacity");
      action(base + "-capacity",
             {{"actionId", "aws:ec2:stop-instances"},
              {"description",
               truncated("lost capacity: " + fault_sentence(scenario_, f), kFisDescriptionLimit)},
              {"parameters", {{"startInstancesAfterDuration", iso_duration(length)}}},
              {"targets", {{"Instances", target(d, selection)}}}},
             after);
    }
  }
}

// Found by a helper: an outage of one tenant stopped every instance of its
// service, taking every tenant down in the game day.
std::optional<std::string> FisBuilder::why_left_out(const Fault& f) const {
  if (f.kind == FaultKind::bad_deploy)
    return f.id + ": a bad release, which FIS has no action for";
  if (f.kind == FaultKind::outage && !f.tenants.empty() &&
      f.tenants.size() < topology_.tenants_on(*f.service).size()) {
    const ServiceId s = *f.service;
    return fmt::format(
        "{}: an outage of {} of the {} tenants of {}; FIS stops a deployment's instances, which "
        "takes every tenant down",
        f.id, f.tenants.size(), topology_.tenants_on(s).size(), topology_.service(s).id);
  }
  return past_the_horizon(scenario_, f);
}

// An outage of every tenant of a service is injected as the service
// stopped, which the users in no tenant whose traffic needs it lose too;
// said only when there are any (found in review: it was said of an estate
// whose every user is in a tenant).
void FisBuilder::note_all_tenants(const Fault& f) {
  if (f.kind != FaultKind::outage || f.tenants.empty())
    return;
  const ServiceId service = *f.service;
  UserCount outside;
  for (const UserGroupId g : hard_reach(topology_, std::span(&service, 1)).user_groups) {
    if (topology_.user_group(g).tenants == 0)
      outside += topology_.user_group(g).users;
  }
  if (outside == UserCount{})
    return;
  notes_.push_back(fmt::format(
      "{}: an outage of all {} tenants of {} is injected as its instances stopped, which "
      "takes it from the {} users in no tenant too",
      f.id, f.tenants.size(), topology_.service(service).id, thousands(outside.value)));
}

// Fault after fault in time order, each started after a chain of waits
// from the experiment's start that reaches its time: startAfter waits for
// actions to end, and a fault's actions may last (a packet loss does).
ChaosExperiment FisBuilder::build() {
  ChaosExperiment result;
  Names clock;  // the wait that ends at clock_at; none at the start
  SimTime clock_at;
  for (const Fault* f : faults_in_time_order(scenario_)) {
    if (auto why = why_left_out(*f)) {
      result.left_out.push_back(std::move(*why));
      continue;
    }
    if (f->at > clock_at) {
      clock = waits(*f, clock_at, clock);
    } else if (f->at < clock_at) {
      notes_.push_back(fmt::format("{}: comes {} late, with the fault before it", f->id,
                                   format_duration(clock_at - f->at)));
    }
    note_all_tenants(*f);
    add_fault(*f, clock);
  }
  result.notes = notes_;
  const std::string title = scenario_title(scenario_);
  result.json["description"] = truncated(
      fmt::format("{}: the scenario's faults, made by Faultline {} from {}. Targets are EC2 "
                  "instances tagged {}=<deployment>; the stop condition and role are "
                  "PLACEHOLDERs.",
                  title, kVersion, scenario_.file, kDeploymentTag),
      kFisDescriptionLimit);
  result.json["targets"] = targets_;
  result.json["actions"] = actions_;
  result.json["stopConditions"] = ordered_json::array(
      {{{"source", "aws:cloudwatch:alarm"},
        {"value", "arn:aws:cloudwatch:REGION:ACCOUNT:alarm:PLACEHOLDER-stop-the-experiment"}}});
  result.json["roleArn"] = "arn:aws:iam::ACCOUNT:role/PLACEHOLDER-fis-experiment-role";
  result.json["tags"] = {{"Name", truncated(title, 256)},
                         {"faultline:scenario", truncated(scenario_.file, 256)}};
  return result;
}

}  // namespace

ChaosExperiment chaostoolkit_experiment(const Scenario& scenario, const RunResult& replay) {
  ChaosExperiment result;
  ordered_json& experiment = result.json;
  experiment["version"] = "1.0.0";
  experiment["title"] = scenario_title(scenario);
  experiment["description"] = fmt::format(
      "{}Made by Faultline {} from {}. Every provider is a PLACEHOLDER: each probe reads its URL "
      "from an environment variable, and each action echoes what it stands for; replace them "
      "before a game day.",
      scenario.description.empty() ? "" : scenario.description + "\n\n", kVersion, scenario.file);
  std::vector<std::string> tags{"faultline"};
  for (const Fault& f : scenario.faults) {
    const std::string kind(word_of(f.kind));
    if (std::ranges::find(tags, kind) == tags.end())
      tags.push_back(kind);
  }
  experiment["tags"] = tags;
  add_hypothesis(*scenario.topology, experiment);
  experiment["method"] = method(scenario, result.left_out);
  experiment["rollbacks"] = rollbacks(scenario, replay);
  return result;
}

ChaosExperiment aws_fis_template(const Scenario& scenario, const RunResult& replay) {
  return FisBuilder(scenario, replay).build();
}

}  // namespace faultline::reports
