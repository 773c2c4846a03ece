#include "faultline/model.hpp"

#include <algorithm>

#include "faultline/words.hpp"
#include "graph/dependency_graph.hpp"

namespace faultline {

std::string_view to_string(DependencyKind k) {
  return word_of(k);
}

std::string_view to_string(Redundancy r) {
  return word_of(r);
}

std::string as_sentence(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0)
      out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

Impairment combined(const Impairment& a, const Impairment& b) {
  return {1.0 - (1.0 - a.packet_loss) * (1.0 - b.packet_loss), a.added_latency + b.added_latency,
          a.capacity * b.capacity};
}

// Losses are products of doubles and latencies means of them: within
// 1e-9 of a limit they count as on it, and a check fails only above it.
bool HealthCheck::fails(double packet_loss, double added_latency_ms) const {
  return (max_packet_loss && packet_loss > *max_packet_loss + 1e-9) ||
         (max_latency && added_latency_ms > static_cast<double>(max_latency->ms) + 1e-9);
}

std::string_view to_string(MilestoneEvent e) {
  return word_of(e);
}

std::string_view to_string(UnknownKind k) {
  return word_of(k);
}

std::string_view to_string(MilestoneTiming t) {
  return t == MilestoneTiming::at ? "at" : "by";
}

namespace {
// Weekday office hours (local time), thousandths of the group active: people
// log on from 07:00, are busiest 09:00-12:00 and 13:00-17:00, and a few work
// in the evening. Weekends see a tenth of a weekday's peak.
constexpr std::array<std::uint16_t, 24> kWeekday = {20,   10,   10,   10,   10,  20,   50,   200,
                                                    600,  1000, 1000, 1000, 800, 1000, 1000, 1000,
                                                    1000, 600,  300,  200,  150, 100,  60,   30};
constexpr std::array<std::uint16_t, 24> kWeekend = {10, 10, 10,  10,  10,  10,  10,  20,
                                                    50, 80, 100, 100, 100, 100, 100, 100,
                                                    80, 60, 50,  40,  30,  20,  10,  10};
}  // namespace

ActivityCurve ActivityCurve::business_day() {
  Weights w{};
  for (int day = 0; day < 7; ++day) {
    const auto& hours = day < 5 ? kWeekday : kWeekend;
    std::copy(hours.begin(), hours.end(), w.begin() + day * 24);
  }
  return ActivityCurve(w);
}

ActivityCurve ActivityCurve::always() {
  Weights w{};
  w.fill(1000);
  return ActivityCurve(w);
}

std::uint16_t ActivityCurve::busiest() const {
  return *std::max_element(permille_.begin(), permille_.end());
}

namespace {
template <class IdT, class Item>
std::unordered_map<std::string, IdT> index_by_id(const std::vector<Item>& items) {
  std::unordered_map<std::string, IdT> index;
  for (std::uint32_t i = 0; i < items.size(); ++i)
    index.emplace(items[i].id, IdT{i});
  return index;
}

template <class IdT>
std::optional<IdT> lookup(const std::unordered_map<std::string, IdT>& index, std::string_view id) {
  const auto it = index.find(std::string(id));
  if (it == index.end())
    return std::nullopt;
  return it->second;
}
}  // namespace

Topology::Topology(TopologyParts parts)
    : parts_(std::move(parts)),
      region_index_(index_by_id<RegionId>(parts_.regions)),
      service_index_(index_by_id<ServiceId>(parts_.services)),
      deployment_index_(index_by_id<DeploymentId>(parts_.deployments)),
      tenant_index_(index_by_id<TenantId>(parts_.tenants)),
      tenants_on_(parts_.services.size()),
      tenants_on_deployment_(parts_.deployments.size()),
      deployments_in_(parts_.regions.size()) {
  const std::size_t services = parts_.services.size();
  std::vector<std::vector<ServiceId>> dependants(services);
  for (std::uint32_t s = 0; s < services; ++s) {
    for (const auto& dep : parts_.services[s].dependencies) {
      dependants[dep.service.value].push_back(ServiceId{s});
    }
  }
  dependants_ = FlatLists<ServiceId, ServiceId>(dependants);
  std::vector<std::vector<UserGroupId>> users_of(services);
  for (std::uint32_t g = 0; g < parts_.user_groups.size(); ++g) {
    for (const ServiceId s : parts_.user_groups[g].uses)
      users_of[s.value].push_back(UserGroupId{g});
  }
  users_of_ = FlatLists<ServiceId, UserGroupId>(users_of);
  graph::Reachability dependencies(graph::dependency_edges(*this));
  std::vector<std::vector<UserGroupId>> load_of(services);
  for (std::uint32_t g = 0; g < parts_.user_groups.size(); ++g) {
    std::vector<std::uint32_t> used;
    for (const ServiceId s : parts_.user_groups[g].uses)
      used.push_back(s.value);
    for (const std::uint32_t s : dependencies.from(used))
      load_of[s].push_back(UserGroupId{g});
  }
  load_of_ = FlatLists<ServiceId, UserGroupId>(load_of);
  place_tenants();
  for (std::uint32_t d = 0; d < parts_.deployments.size(); ++d) {
    deployments_in_[parts_.deployments[d].region.value].push_back(DeploymentId{d});
  }
  evaluation_rank_ = graph::evaluation_ranks(*this);
  has_failure_models_ = std::any_of(parts_.services.begin(), parts_.services.end(),
                                    [](const Service& s) { return s.failures.has_value(); }) ||
                        std::any_of(parts_.deployments.begin(), parts_.deployments.end(),
                                    [](const Deployment& d) { return d.failures.has_value(); });
  has_restarts_ = std::any_of(parts_.services.begin(), parts_.services.end(), [](const Service& s) {
    return s.overload && s.overload->restarts_after;
  });
  for (const UserGroup& group : parts_.user_groups)
    users_ += group.users;
}

Duration Topology::longest_countable() const {
  return Duration{UserTime::kMostUserMs / std::max<std::int64_t>(users_.value, 1)};
}

// A group's tenants have a share of each per-tenant service their traffic
// reaches through hard dependencies: a soft one keeps serving without it.
void Topology::place_tenants() {
  for (std::uint32_t g = 0; g < parts_.user_groups.size(); ++g) {
    const UserGroup& group = parts_.user_groups[g];
    if (group.tenants == 0)
      continue;
    std::vector<char> seen(parts_.services.size(), 0);
    std::vector<ServiceId> to_visit(group.uses.begin(), group.uses.end());
    while (!to_visit.empty()) {
      const ServiceId s = to_visit.back();
      to_visit.pop_back();
      if (seen[s.value])
        continue;
      seen[s.value] = 1;
      for (const Dependency& dep : parts_.services[s.value].dependencies) {
        if (dep.kind == DependencyKind::hard)
          to_visit.push_back(dep.service);
      }
    }
    for (std::uint32_t s = 0; s < parts_.services.size(); ++s) {
      if (!seen[s] || !parts_.services[s].per_tenant)
        continue;
      for (std::uint32_t t = group.first_tenant; t < group.first_tenant + group.tenants; ++t)
        tenants_on_[s].push_back(TenantId{t});
    }
  }
  // Each service's tenants are spread over its deployments in turn.
  for (std::size_t s = 0; s < parts_.services.size(); ++s) {
    const std::vector<DeploymentId>& deployments = parts_.services[s].deployments;
    for (std::size_t i = 0; i < tenants_on_[s].size() && !deployments.empty(); ++i) {
      tenants_on_deployment_[deployments[i % deployments.size()].value].push_back(
          tenants_on_[s][i]);
    }
  }
}

std::optional<RegionId> Topology::find_region(std::string_view id) const {
  return lookup(region_index_, id);
}
std::optional<StepId> Scenario::find_step(std::string_view id) const {
  for (std::uint32_t s = 0; s < steps.size(); ++s) {
    if (steps[s].id == id)
      return StepId{s};
  }
  return std::nullopt;
}

bool Scenario::takes_tenants_out() const {
  return std::any_of(faults.begin(), faults.end(),
                     [](const Fault& f) { return !f.tenants.empty(); });
}

std::optional<StepId> Scenario::first_retrying_to_the_end() const {
  for (std::uint32_t s = 0; s < steps.size(); ++s) {
    for (const Method& m : steps[s].methods) {
      if (m.retries == kUnlimitedRetries && !m.retry_until)
        return StepId{s};
    }
  }
  return std::nullopt;
}

std::optional<ServiceId> Topology::find_service(std::string_view id) const {
  return lookup(service_index_, id);
}
std::optional<DeploymentId> Topology::find_deployment(std::string_view id) const {
  return lookup(deployment_index_, id);
}
UserCount Topology::users_of(std::span<const TenantId> tenants) const {
  UserCount users;
  for (const TenantId t : tenants)
    users += parts_.tenants[t.value].users;
  return users;
}

std::optional<TenantId> Topology::find_tenant(std::string_view id) const {
  return lookup(tenant_index_, id);
}

}  // namespace faultline
