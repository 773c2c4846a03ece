// The tables of schema.hpp: one per mapping of the two formats. A key added
// here is one the loader takes (it reads mappings by these tables) and one
// `faultline schema` writes; the loader then gives it its meaning.

#include <algorithm>
#include <array>
#include <limits>

#include "faultline/model.hpp"
#include "faultline/schema.hpp"
#include "faultline/words.hpp"

namespace faultline::schema {

const Key* Shape::find(std::string_view key) const {
  const auto it =
      std::find_if(keys.begin(), keys.end(), [&](const Key& k) { return k.name == key; });
  return it == keys.end() ? nullptr : &*it;
}

namespace {

constexpr Value text(std::string_view note) {
  return {.form = Form::text, .note = note};
}
constexpr Value choice(std::span<const std::string_view> words) {
  return {.form = Form::word, .words = words};
}
template <class E>
constexpr Value choice() {
  return choice(word_texts<E>);
}
constexpr Value integer(double min, double max) {
  return {.form = Form::integer, .min = min, .max = max};
}
constexpr Value number(double min, double max) {
  return {.form = Form::number, .min = min, .max = max};
}
constexpr Value kAnyNumber{.form = Form::number,
                           .min = -std::numeric_limits<double>::infinity(),
                           .max = std::numeric_limits<double>::infinity()};
constexpr Value kFraction{.form = Form::number, .min = 0, .max = 1};
constexpr Value kFlag{.form = Form::flag};
constexpr Value kDuration{.form = Form::duration};
constexpr Value kDistribution{.form = Form::distribution};
constexpr Value kTime{.form = Form::time};
constexpr Value kTimeZone{.form = Form::time_zone};
constexpr Value of(const Shape& shape) {
  return {.form = Form::mapping, .shape = &shape};
}
constexpr Value list_of(const Value& item, std::string_view note = {}) {
  return {.form = Form::list, .note = note, .item = &item};
}
constexpr Value one_or_list(const Value& item) {
  return {.form = Form::one_or_list, .item = &item};
}
constexpr Value either(std::span<const Value> alternatives) {
  return {.form = Form::either, .alternatives = alternatives};
}

// Mappings that are items of lists.
constexpr Value kCrewItem = of(crew);
constexpr Value kCrewResizeItem = of(crew_resize);
constexpr Value kDeploymentItem = of(deployment);
constexpr Value kFaultItem = of(fault);
constexpr Value kHoldUpItem = of(hold_up);
constexpr Value kMethodItem = of(method);
constexpr Value kMilestoneItem = of(milestone);
constexpr Value kRegionItem = of(region);
constexpr Value kServiceItem = of(service);
constexpr Value kShiftItem = of(shift);
constexpr Value kStepItem = of(step);
constexpr Value kTenantItem = of(tenant);
constexpr Value kUserGroupItem = of(user_group);
constexpr Value kWaveItem = of(wave);

// Names, ids and descriptions: text that refers to nothing.
constexpr Value kFreeText = text({});
constexpr Value kServiceRef = text("a service id");
constexpr Value kServiceRefs = one_or_list(kServiceRef);
constexpr Value kDeploymentRef = text("a deployment id (SERVICE@REGION unless given its own)");
constexpr Value kDeploymentRefs = one_or_list(kDeploymentRef);
constexpr Value kRegionRef = text("a region id");
constexpr Value kStepRef = text("a runbook step id");
constexpr Value kStepRefs = one_or_list(kStepRef);

// The states a step's only_if (below) and requires (at_least) take: all but
// the worst, with hyphens or, as reports write them, underscores.
constexpr auto kThresholdWords = [] {
  std::array<std::string_view, 5> out{};
  std::size_t n = 0;
  for (const auto& w : WordTable<ServiceState>::rows) {
    if (!word_takes(w.value, "below"))
      continue;
    out.at(n++) = w.text;
    if (!w.shown.empty())
      out.at(n++) = w.shown;
  }
  return out;
}();
constexpr Value kThreshold = choice(kThresholdWords);

// ---- Both formats ----------------------------------------------------------

constexpr Key kDistributionKeys[] = {
    {"distribution", choice<DistributionKind>(), "The distribution's kind.", true},
    {"value", kDuration, "The duration of a fixed distribution."},
    {"min", kDuration, "The least duration (uniform, triangular, pert)."},
    {"mode", kDuration, "The most likely duration (triangular, pert)."},
    {"max", kDuration, "The greatest duration (uniform, triangular, pert)."},
    {"mean", kDuration, "The mean (normal, truncated at 0; exponential)."},
    {"sd", kDuration, "The standard deviation of a normal distribution."},
    {"median", kDuration, "The median of a lognormal distribution, given with p95."},
    {"p95", kDuration, "The 95th percentile of a lognormal distribution, given with median."},
    {"mu", kAnyNumber, "The mean of ln(hours) of a lognormal, given with sigma."},
    {"sigma", kAnyNumber, "The standard deviation of ln(hours) of a lognormal, given with mu."},
    {"shape", kAnyNumber, "The shape of a Weibull distribution."},
    {"scale", kDuration, "The scale of a Weibull distribution."},
    {"samples", list_of(kDuration), "The samples of an empirical distribution, equally likely."},
};
constexpr std::string_view kDistributionVariantKeys[] = {
    "value", "min", "mode",  "max",   "mean",  "sd",     "median",
    "p95",   "mu",  "sigma", "shape", "scale", "samples"};
constexpr std::string_view kLognormalKeys[] = {"median", "p95", "mu", "sigma"};
constexpr Variant distribution_variant(DistributionKind kind) {
  return {word_of(kind), word_row(kind).keys, word_row(kind).keys};
}
constexpr Variant kDistributionVariants[] = {
    distribution_variant(DistributionKind::fixed),
    distribution_variant(DistributionKind::uniform),
    distribution_variant(DistributionKind::triangular),
    distribution_variant(DistributionKind::normal),
    {"lognormal", kLognormalKeys},
    distribution_variant(DistributionKind::exponential),
    distribution_variant(DistributionKind::weibull),
    distribution_variant(DistributionKind::pert),
    distribution_variant(DistributionKind::empirical),
};

// ---- Topology --------------------------------------------------------------

constexpr Key kLinkKeys[] = {
    {"bandwidth", {.form = Form::bandwidth}, "The link's capacity: 10Gbps, 100Mbps, 1GBps."},
    {"latency", kDuration, "The link's latency: 1ms, 40ms."},
};

constexpr Key kRequestKeys[] = {
    {"size", {.form = Form::size}, "Bytes a request sends (default 10kB)."},
    {"response_size", {.form = Form::size}, "Bytes a response returns (default 50kB)."},
    {"timeout", kDuration, "How long a client waits for an answer (default 2s; above 0)."},
    {"retries", integer(0, 10), "How often a client retries a request that failed (default 1)."},
    {"per_active_user_hour", number(1e-6, 1e6),
     "Requests each active user makes per hour (default 60)."},
};

constexpr Key kNetworkKeys[] = {
    {"lan", of(link), "The link of each deployment's host (default 10Gbps, 1ms)."},
    {"wan", of(link), "Each region's link to the WAN (default 10Gbps, 40ms)."},
    {"request", of(request), "What a user's request is like."},
};

constexpr Key kRegionKeys[] = {
    {"id", kFreeText, "The region's id.", true},
    {"name", kFreeText, "The region's name for people (default: its id)."},
    {"description", kFreeText, "What the region is."},
    {"wan", of(link), "This region's own WAN link, instead of the network's."},
};

constexpr Key kFailoverKeys[] = {
    {"detection", kDistribution, "How long until the failure is noticed (default 0)."},
    {"duration", kDistribution, "How long the move takes once noticed (default 0)."},
    {"success", kFraction, "The probability the failover works (default 1)."},
};

constexpr Key kOverloadKeys[] = {
    {"threshold", number(1, 1000),
     "The load over capacity (1.2 for 120%) at which a deployment falls over.", true},
    {"after", kDuration, "How long it stands that load before falling over.", true},
    {"restarts_after", kDistribution,
     "How long after falling over it restarts by itself (without: until a step rebuilds it)."},
};

constexpr Key kHealthCheckKeys[] = {
    {"max_packet_loss", kFraction,
     "The share of probes lost above which the load balancer takes a deployment out."},
    {"max_latency", kDuration,
     "The added latency above which the load balancer takes a deployment out."},
    {"deep", kFlag, "Whether probes go through the service's hard dependencies (default false)."},
};

constexpr Key kFailuresKeys[] = {
    {"time_to_failure", kDistribution, "Time from repair to the next failure.", true},
    {"time_to_repair", kDistribution, "Time from failure to repair.", true},
};

constexpr Key kDeploymentKeys[] = {
    {"id", kFreeText, "The deployment's id (default SERVICE@REGION)."},
    {"region", kRegionRef, "The region it runs in.", true},
    {"zone", text("a zone name"), "The zone it runs in, for faults that take a zone."},
    {"instances", integer(1, 1'000'000), "How many instances it runs (default 1)."},
    {"weight", number(0, 1e9), "Its share of traffic, above 0 (default: its instances)."},
    {"capacity", integer(1, 1e10),
     "Concurrent active users it serves with every instance healthy (all of a service's "
     "deployments have one, or none)."},
    {"standby", choice(bare_words::kStandby),
     "cold: it takes no traffic until a fail-over step names it."},
    {"failures", of(failures), "Random failures and repairs, for steady-state studies."},
};

constexpr Value kDependencyForms[] = {kServiceRef, of(dependency)};
constexpr Value kDependencyForm = either(kDependencyForms);

constexpr Key kDependencyKeys[] = {
    {"service", kServiceRef, "The service depended on.", true},
    {"kind", choice<DependencyKind>(),
     "hard (the default): it caps what this service serves; soft: it only slows it."},
};

constexpr Key kServiceKeys[] = {
    {"id", kFreeText, "The service's id.", true},
    {"name", kFreeText, "The service's name for people (default: its id)."},
    {"description", kFreeText, "What the service does."},
    {"redundancy", choice<Redundancy>(),
     "How its deployments share the load (default none; needed with more than one)."},
    {"quorum", integer(1, 1e7), "For k-of-n: how many deployments must be up."},
    {"deployments", list_of(kDeploymentItem), "Where the service runs.", true},
    {"depends_on", list_of(kDependencyForm),
     "The services it needs: an id (a hard dependency) or {service, kind}."},
    {"sites", integer(1, 1e7), "For a hybrid service: its sites, enabled in waves."},
    {"per_tenant", kFlag,
     "Whether each tenant reaching it has its own share of it (its data, its connector)."},
    {"failures", of(failures), "Random failures and repairs of each deployment."},
    {"repairers", integer(1, 10'000), "How many repairers its deployments queue for."},
    {"failover", of(failover), "For active-passive: how it moves to the next deployment."},
    {"overload", of(overload), "When a deployment falls over under load (needs capacities)."},
    {"retry_amplification", number(1, 100),
     "How many times its load a shedding deployment sees (needs capacities)."},
    {"health_check", of(health_check),
     "When its load balancer takes a degraded deployment out of rotation."},
};

constexpr Key kTenantKeys[] = {
    {"id", kFreeText, "The tenant's id.", true},
    {"users", integer(1, 1e9), "Its users.", true},
};

constexpr Key kTenantSizesKeys[] = {
    {"median", number(1, 1e9), "The median tenant's users.", true},
    {"p95", number(1, 1e9), "The 95th percentile of tenants' users (at least the median).", true},
};

constexpr Value kTenantSizeForms[] = {integer(1, 1e9), of(tenant_sizes)};
constexpr Key kGeneratedTenantsKeys[] = {
    {"count", integer(1, 1'000'000), "How many tenants.", true},
    {"users_each", either(kTenantSizeForms),
     "Users of each: a number, or {median, p95} of a lognormal.", true},
};

constexpr Value kHourlyWeight = kFraction;
constexpr Value kDay = {.form = Form::list,
                        .note = "24 hourly weights, 00:00 to 23:00 local time",
                        .item = &kHourlyWeight,
                        .length = 24};
constexpr Key kWeeklyActivityKeys[] = {
    {"weekdays", kDay, "Monday to Friday (default: business-day's)."},
    {"weekends", kDay, "Saturday and Sunday (default: business-day's)."},
};
constexpr Value kActivityForms[] = {choice(bare_words::kActivity), kDay, of(weekly_activity)};

constexpr Value kTenantListForms[] = {list_of(kTenantItem), of(generated_tenants)};

constexpr Key kUserGroupKeys[] = {
    {"id", kFreeText, "The group's id.", true},
    {"name", kFreeText, "The group's name for people (default: its id)."},
    {"description", kFreeText, "Who the users are."},
    {"users", integer(0, 1e10), "Its users (with tenants: their sum, or left out)."},
    {"tenants", either(kTenantListForms),
     "Its tenants: a list of {id, users}, or {count, users_each}."},
    {"region", kRegionRef, "The region its users are in.", true},
    {"time_zone", kTimeZone, "Its users' time zone, for their activity.", true},
    {"activity", either(kActivityForms),
     "When its users are active: business-day (the default), always, 24 hourly weights or "
     "{weekdays, weekends}."},
    {"uses", kServiceRefs, "The services its users need.", true},
};

constexpr Key kTopologyKeys[] = {
    {"name", kFreeText, "The topology's name."},
    {"description", kFreeText, "What the estate is."},
    {"network", of(network), "Links and requests, for network fidelity."},
    {"regions", list_of(kRegionItem), "The regions.", true},
    {"services", list_of(kServiceItem), "The services.", true},
    {"user_groups", list_of(kUserGroupItem), "The users and what they use.", true},
};

// ---- Scenario --------------------------------------------------------------

constexpr std::string_view kShareOrDeployment[] = {"share", "deployment"};
constexpr Key kTenantSelectorKeys[] = {
    {"share", kFraction, "A share of the service's tenants, spread evenly over them."},
    {"deployment", kDeploymentRef, "The tenants on one of the service's deployments."},
};
constexpr Value kTenantId = text("a tenant id");
constexpr Value kTenantOutageForms[] = {choice(bare_words::kAllTenants), of(tenant_selector),
                                        list_of(kTenantId)};

constexpr Key kFaultKeys[] = {
    {"id", kFreeText, "The fault's id.", true},
    {"description", kFreeText, "What happened."},
    {"at", kTime, "When it strikes (at or after T0).", true},
    {"kind", choice<FaultKind>(), "What kind of fault it is.", true},
    {"region", kRegionRef, "Every deployment in this region."},
    {"zone", text("a zone name"), "Every deployment in this zone."},
    {"deployments", kDeploymentRefs, "These deployments."},
    {"instances", integer(1, 1'000'000),
     "Instances deleted from each deployment (default: all of them)."},
    {"service", kServiceRef, "The service it strikes (an outage; every deployment of it)."},
    {"served_fraction", kFraction, "What the service still serves in an outage (default 0)."},
    {"lasts", kDistribution, "How long until it ends by itself (default: until a step)."},
    {"cache_ttl", kDuration,
     "The TTL of the caches through which an outage reaches the service's consumers."},
    {"tenants", either(kTenantOutageForms),
     "The tenants an outage of a per-tenant service takes out: all, {share}, {deployment} or "
     "a list of tenant ids."},
    {"every", kDuration, "The time between waves of a bad deploy."},
    {"per_wave", integer(1, 1'000'000), "Deployments a bad deploy reaches per wave (default 1)."},
    {"packet_loss", kFraction, "The share of packets a degradation loses (below 1)."},
    {"added_latency", kDuration, "The latency a degradation adds."},
    {"capacity", kFraction, "The share of capacity a degradation leaves (above 0)."},
};
constexpr std::string_view kWhere[] = {"deployments", "region", "zone"};
constexpr std::string_view kWhereOrService[] = {"deployments", "region", "zone", "service"};
constexpr std::string_view kService[] = {"service"};
constexpr std::string_view kEvery[] = {"every"};
constexpr Variant fault_variant(FaultKind kind, std::span<const std::string_view> needs = {},
                                std::span<const std::string_view> one_of = {}) {
  return {word_of(kind), word_row(kind).keys, needs, one_of};
}
constexpr Variant kFaultVariants[] = {
    fault_variant(FaultKind::delete_instances, {}, kWhere),
    fault_variant(FaultKind::outage, kService),
    fault_variant(FaultKind::bad_deploy, kEvery, kWhereOrService),
    fault_variant(FaultKind::degradation, {}, kWhereOrService),
};

constexpr Key kCrewResizeKeys[] = {
    {"at", kTime, "When the size changes.", true},
    {"size", integer(0, 10'000), "The size from then on.", true},
};

constexpr Key kShiftKeys[] = {
    {"time_zone", kTimeZone, "The zone of the shift's hours.", true},
    {"hours",
     {.form = Form::clock_span},
     "Local start and end: 08:00-17:00, or 22:00-06:00 across midnight.",
     true},
    {"days", choice(bare_words::kShiftDays), "weekdays (Monday to Friday) or every-day (default)."},
};

constexpr Key kCrewKeys[] = {
    {"id", kFreeText, "The crew's id.", true},
    {"name", kFreeText, "The crew's name for people (default: its id)."},
    {"size", integer(1, 10'000), "How many steps it works on at once (default 1)."},
    {"shifts", list_of(kShiftItem), "When it works; without, always."},
    {"handover", kDuration, "The pause at the start of each shift."},
    {"resized", list_of(kCrewResizeItem), "Changes of its size over the incident."},
};

constexpr Key kHoldUpKeys[] = {
    {"at", kTime, "When the step is held up.", true},
    {"for", kDuration, "For how long.", true},
};

constexpr Key kConditionKeys[] = {
    {"service", kServiceRef, "The service whose state decides.", true},
    {"below", kThreshold,
     "The step runs only while the service is worse than this (default operational)."},
};

constexpr Key kRequirementKeys[] = {
    {"service", kServiceRef, "The service required.", true},
    {"at_least", kThreshold, "The state it must be in at least (default operational)."},
};
constexpr Value kRequirementForms[] = {kServiceRef, of(requirement)};
constexpr Value kRequirementForm = either(kRequirementForms);

constexpr Value kRetryForms[] = {integer(0, 1000), choice(bare_words::kUnlimited)};
constexpr Value kRetries = either(kRetryForms);

constexpr std::string_view kAfterOrAt[] = {"after", "at"};
constexpr Key kArrivalKeys[] = {
    {"after", kStepRef, "The step whose completion brings the method."},
    {"at", kTime, "The time the method arrives."},
};

constexpr Key kSuccessPriorKeys[] = {
    {"min", kFraction, "The lowest plausible success probability (above 0).", true},
    {"max", kFraction, "The highest plausible success probability.", true},
};

// Keyed by the words of WordTable<UnknownKind>.
constexpr Key kUnknownKeys[] = {
    {"median", kDistribution, "Prior over the median of the duration; its spread is kept."},
    {"success", of(success_prior), "Uniform prior over the success probability."},
    {"arrival", kDistribution, "Prior over when the method arrives, after T0."},
};

constexpr Key kMethodKeys[] = {
    {"name", kFreeText, "The method's name, unique in its step.", true},
    {"duration", kDistribution, "How long an attempt takes.", true},
    {"success", kFraction, "The probability an attempt works (default 1)."},
    {"retries", kRetries, "Attempts after the first (default 0), or unlimited."},
    {"retry_delay", kDistribution, "The wait before each retry."},
    {"retry_until", kTime, "No retry starts after this time."},
    {"per_tenant", kDuration, "Time added for each tenant of a batch (restore-tenants)."},
    {"available", of(arrival),
     "When a method of a restore-tenants step arrives mid-incident: {after: STEP} or {at: TIME}."},
    {"in_flight", choice<InFlight>(),
     "When it arrives, what batches under way with a later method do (default finish)."},
    {"unknown", of(unknown), "Parameters calibrate fits to the observed milestones."},
};

constexpr Key kBatchesKeys[] = {
    {"size", integer(1, 1'000'000), "Tenants per batch."},
    {"users", integer(1, 1e10), "Users per batch, as many tenants as fit (at least one)."},
    {"at_once", integer(1, 100'000), "Batches under way together (default 1)."},
    {"members", integer(1, 100'000), "Crew members each batch holds (default 1)."},
    {"order", choice<BatchOrder>(), "The order of the tenants (default as-listed)."},
};

constexpr Key kWaveKeys[] = {
    {"share", kFraction, "The share of the service the wave enables.", true},
    {"duration", kDistribution, "How long the wave takes.", true},
};
constexpr Value kWaveForms[] = {integer(1, 10'000), list_of(kWaveItem)};

constexpr Value kTimes = one_or_list(kTime);
constexpr Value kToForms[] = {kFraction, kDeploymentRef};

constexpr Key kStepKeys[] = {
    {"id", kFreeText, "The step's id.", true},
    {"description", kFreeText, "What the step does."},
    {"action", choice<ActionKind>(), "What the step does to the estate.", true},
    {"deployments", kDeploymentRefs, "The deployments a rebuild brings back."},
    {"region", kRegionRef, "Rebuild every deployment in this region."},
    {"zone", text("a zone name"), "Rebuild every deployment in this zone."},
    {"service", kServiceRef, "The service the step acts on."},
    {"to", either(kToForms),
     "restore: the level (0 to 1) to raise the service to; fail-over: the deployment to go to."},
    {"add", kFraction, "restore: a share added to what the service has."},
    {"waves", either(kWaveForms),
     "enable-in-waves: a number of equal waves, or a list of {share, duration}."},
    {"fault", text("a fault id"), "The fault a halt-rollout or mitigate step ends."},
    {"duration", kDistribution, "How long the work takes."},
    {"crew", text("a crew id"), "The crew that works on it."},
    {"after", kStepRefs, "The steps it waits for."},
    {"not_before", kTime, "It starts no earlier than this."},
    {"success", kFraction, "The probability an attempt works (default 1)."},
    {"retries", kRetries, "Attempts after the first (default 0), or unlimited."},
    {"retry_delay", kDistribution, "The wait before each retry."},
    {"retry_until", kTime, "No retry starts after this time."},
    {"methods", list_of(kMethodItem), "Ways to do it, tried in order."},
    {"only_if", of(condition), "Run only while a service is worse than a state."},
    {"requires", one_or_list(kRequirementForm), "Services that must be up before it starts."},
    {"verify", kServiceRefs, "It completes only once these services are operational."},
    {"rollback", kDistribution, "The time spent undoing its waves when it fails."},
    {"fails_at", kTimes, "Scripted failures of the attempt under way."},
    {"hold_ups", list_of(kHoldUpItem), "Pauses in the work."},
    {"batches", of(batches), "How a restore-tenants step cuts its tenants into batches."},
    {"per_tenant", kDuration, "Time added for each tenant of a batch."},
    {"unknown", of(unknown), "Parameters calibrate fits to the observed milestones."},
};
constexpr std::string_view kFault[] = {"fault"};
constexpr std::string_view kServiceAndWaves[] = {"service", "waves"};
constexpr Variant action_variant(ActionKind kind, std::span<const std::string_view> needs = {},
                                 std::span<const std::string_view> one_of = {}) {
  return {word_of(kind), word_row(kind).keys, needs, one_of};
}
constexpr Variant kActionVariants[] = {
    action_variant(ActionKind::none),
    action_variant(ActionKind::rebuild, {}, kWhere),
    action_variant(ActionKind::restore, kService),
    action_variant(ActionKind::enable_waves, kServiceAndWaves),
    action_variant(ActionKind::fail_over, kService),
    action_variant(ActionKind::halt_rollout, kFault),
    action_variant(ActionKind::restore_tenants, kService),
    action_variant(ActionKind::mitigate, kFault),
};

constexpr Key kMilestoneKeys[] = {
    {"id", kFreeText, "The milestone's id.", true},
    {"description", kFreeText, "What was observed."},
    {"source", kFreeText, "Where it was reported."},
    {"service", kServiceRef, "The service it is about."},
    {"step", kStepRef, "The runbook step it is about."},
    {"share", kFraction, "The share of tenants (or their users) back, above 0."},
    {"group", text("a user group id"), "Count only this group's tenants."},
    {"event", choice<MilestoneEvent>(), "What happened.", true},
    {"at", kTime, "When it happened."},
    {"by", kTime, "A deadline it was met by."},
    {"within", kDuration, "The tolerance either side of 'at', or after 'by'."},
};
constexpr std::string_view kMilestoneSubjects[] = {"service", "step", "share", "group"};
constexpr Variant milestone_variant(MilestoneEvent event) {
  const auto takes = word_row(event).keys;
  return {word_of(event), takes, takes.first(1)};
}
constexpr Variant kMilestoneVariants[] = {
    milestone_variant(MilestoneEvent::service_down),
    milestone_variant(MilestoneEvent::service_partly_restored),
    milestone_variant(MilestoneEvent::service_restored),
    milestone_variant(MilestoneEvent::step_started),
    milestone_variant(MilestoneEvent::step_completed),
    milestone_variant(MilestoneEvent::tenants_back),
    milestone_variant(MilestoneEvent::tenant_users_back),
};
constexpr std::string_view kAtOrBy[] = {"at", "by"};

constexpr Key kScenarioKeys[] = {
    {"name", kFreeText, "The scenario's name."},
    {"description", kFreeText, "What the scenario is about."},
    {"topology", kFreeText, "The topology file, relative to the scenario's folder.", true},
    {"start", {.form = Form::local_time}, "T0, as a local date-time in time_zone.", true},
    {"time_zone", kTimeZone, "The zone of every local time in the scenario.", true},
    {"horizon", kDuration,
     "How long after T0 a run ends (default: at its last event, or 30 days if users are still "
     "out)."},
    {"strategy", choice<StrategyKind>(),
     "How ready steps compete for a crew (default as-written)."},
    {"priority", kStepRefs, "For the priority strategy: the step ids, most urgent first."},
    {"faults", list_of(kFaultItem), "What goes wrong."},
    {"crews", list_of(kCrewItem), "Who works on the runbook."},
    {"runbook", list_of(kStepItem), "The recovery steps."},
    {"observed", list_of(kMilestoneItem), "What happened in the real incident, to compare."},
};

}  // namespace

constinit const Shape distribution{
    .name = "distribution",
    .description = "A distribution of durations: {distribution: KIND, ...}.",
    .keys = kDistributionKeys,
    .picked_by = "distribution",
    .variant_keys = kDistributionVariantKeys,
    .variants = kDistributionVariants};

constinit const Shape link{"link", "A network link.", kLinkKeys};
constinit const Shape request{"request", "A user's request at network fidelity.", kRequestKeys};
constinit const Shape network{"network", "The network, for network fidelity.", kNetworkKeys};
constinit const Shape region{"region", "A region.", kRegionKeys};
constinit const Shape failover{"failover", "An active-passive service's failover.", kFailoverKeys};
constinit const Shape overload{"overload", "When a deployment falls over under load.",
                               kOverloadKeys};
constinit const Shape health_check{"health_check", "A load balancer's health check.",
                                   kHealthCheckKeys};
constinit const Shape failures{"failures", "Random failures and repairs.", kFailuresKeys};
constinit const Shape deployment{"deployment", "Where a service runs.", kDeploymentKeys};
constinit const Shape dependency{"dependency", "A dependency with its kind.", kDependencyKeys};
constinit const Shape service{"service", "A service.", kServiceKeys};
constinit const Shape tenant{"tenant", "A tenant of a user group.", kTenantKeys};
constinit const Shape tenant_sizes{"tenant_sizes", "Tenant sizes from a lognormal.",
                                   kTenantSizesKeys};
constinit const Shape generated_tenants{"generated_tenants", "Tenants generated by size.",
                                        kGeneratedTenantsKeys};
constinit const Shape weekly_activity{"weekly_activity", "Activity on weekdays and weekends.",
                                      kWeeklyActivityKeys};
constinit const Shape user_group{"user_group", "Users, where they are and what they use.",
                                 kUserGroupKeys};
constinit const Shape topology{"topology", "A Faultline topology: regions, services and users.",
                               kTopologyKeys};

constinit const Shape tenant_selector{.name = "tenant_selector",
                                      .description = "Which tenants an outage takes out.",
                                      .keys = kTenantSelectorKeys,
                                      .exactly_one_of = kShareOrDeployment};
constinit const Shape fault{.name = "fault",
                            .description = "A fault.",
                            .keys = kFaultKeys,
                            .picked_by = "kind",
                            .variant_keys = WordTable<FaultKind>::variant_keys,
                            .variants = kFaultVariants};
constinit const Shape crew_resize{"crew_resize", "A change of a crew's size.", kCrewResizeKeys};
constinit const Shape shift{"shift", "A crew's working hours.", kShiftKeys};
constinit const Shape crew{"crew", "A crew.", kCrewKeys};
constinit const Shape hold_up{"hold_up", "A pause in a step's work.", kHoldUpKeys};
constinit const Shape condition{"condition", "A step's only_if.", kConditionKeys};
constinit const Shape requirement{"requirement", "A service a step requires, in a state.",
                                  kRequirementKeys};
constinit const Shape arrival{.name = "arrival",
                              .description = "When a method arrives.",
                              .keys = kArrivalKeys,
                              .exactly_one_of = kAfterOrAt};
constinit const Shape success_prior{"success_prior", "A uniform prior over a probability.",
                                    kSuccessPriorKeys};
constinit const Shape unknown{"unknown", "Parameters of a method that calibrate fits.",
                              kUnknownKeys};
constinit const Shape method{"method", "A way to do a step.", kMethodKeys};
constinit const Shape batches{"batches", "How a restore-tenants step batches its tenants.",
                              kBatchesKeys};
constinit const Shape wave{"wave", "One of a step's uneven waves.", kWaveKeys};
constinit const Shape step{.name = "step",
                           .description = "A runbook step.",
                           .keys = kStepKeys,
                           .picked_by = "action",
                           .variant_keys = WordTable<ActionKind>::variant_keys,
                           .variants = kActionVariants};
constinit const Shape milestone{.name = "milestone",
                                .description = "An observed milestone.",
                                .keys = kMilestoneKeys,
                                .exactly_one_of = kAtOrBy,
                                .picked_by = "event",
                                .variant_keys = kMilestoneSubjects,
                                .variants = kMilestoneVariants};
constinit const Shape scenario{"scenario",
                               "A Faultline scenario: faults, crews, a runbook and what was "
                               "observed.",
                               kScenarioKeys};

}  // namespace faultline::schema
