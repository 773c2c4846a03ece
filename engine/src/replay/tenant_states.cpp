#include "replay/tenant_states.hpp"

#include <algorithm>
#include <optional>

namespace faultline::detail {

namespace {
constexpr std::size_t kNoEntry = static_cast<std::size_t>(-1);
}  // namespace

TenantStates::TenantStates(const Scenario& scenario)
    : scenario_(scenario),
      topology_(*scenario.topology),
      tenant_count_(topology_.tenants().size()),
      slot_of_(topology_.services().size()),
      users_of_(tenant_count_),
      group_of_(tenant_count_),
      services_out_(tenant_count_),
      out_since_(tenant_count_),
      group_out_users_(topology_.user_groups().size()),
      group_out_tenants_(topology_.user_groups().size()),
      is_changed_(topology_.user_groups().size()),
      last_group_entry_(topology_.user_groups().size()) {
  for (std::size_t t = 0; t < tenant_count_; ++t) {
    users_of_[t] = topology_.tenants()[t].users;
    group_of_[t] = topology_.tenants()[t].group;
  }
  std::size_t slots = 0;
  for (std::size_t s = 0; s < topology_.services().size(); ++s) {
    if (topology_.services()[s].per_tenant)
      slot_of_[s] = slots++;
  }
  held_.resize(slots * tenant_count_);
  out_on_service_.resize(slots);
  tracks_restores_ = std::any_of(scenario.faults.begin(), scenario.faults.end(),
                                 [](const Fault& f) { return !f.tenants.empty() && f.lasts; });
  tracks_since_ = std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const Step& s) {
    return s.batches && s.batches->order == BatchOrder::oldest_first;
  });
  for (const Fault& f : scenario.faults)
    fault_groups_.push_back(groups_of(f.tenants));
  if (tracks_restores_) {
    restored_.resize(slots * tenant_count_);
    for (const Fault& f : scenario.faults)
      restored_when_struck_.emplace_back(f.tenants.size());
  }
}

// The tenants and users of each group among `tenants`, by group.
std::vector<GroupTenantsOut> TenantStates::groups_of(std::span<const TenantId> tenants) const {
  std::vector<GroupTenantsOut> groups;
  for (const TenantId t : tenants) {
    const UserGroupId g = group_of_[t.value];
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const GroupTenantsOut& o) { return o.group == g; });
    if (it == groups.end())
      it = groups.insert(it, GroupTenantsOut{SimTime{}, g, 0, UserCount{}});
    ++it->tenants;
    it->users += users_of_[t.value];
  }
  return groups;
}

void TenantStates::reset(RunResult& result) {
  result_ = &result;
  result.tenants_out.clear();
  result.group_tenants_out.clear();
  std::fill(last_group_entry_.begin(), last_group_entry_.end(), kNoEntry);
  std::fill(held_.begin(), held_.end(), 0);
  std::fill(restored_.begin(), restored_.end(), 0);
  std::fill(out_on_service_.begin(), out_on_service_.end(), 0);
  std::fill(services_out_.begin(), services_out_.end(), 0);
  std::fill(group_out_users_.begin(), group_out_users_.end(), UserCount{});
  std::fill(group_out_tenants_.begin(), group_out_tenants_.end(), 0);
  std::fill(is_changed_.begin(), is_changed_.end(), 0);
  changed_.clear();
  tenants_out_ = 0;
  users_out_ = UserCount{};
}

// None of the fault's tenants is out anywhere when none of their groups'
// is. Faults that end by themselves need each tenant's restores as they
// struck.
void TenantStates::take_out(FaultId fault, SimTime now) {
  const auto& groups = fault_groups_[fault.value];
  if (!tracks_restores_ && std::all_of(groups.begin(), groups.end(), [&](const GroupTenantsOut& g) {
        return group_out_tenants_[g.group.value] == 0;
      }))
    take_out_fresh(fault, now);
  else
    take_out_each(fault, now);
  record(now);
}

// With none of its tenants out anywhere, each of them goes out: the counts
// change by the fault's own, worked out once.
void TenantStates::take_out_fresh(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  int* held = held_.data() + slot(*f.service);
  for (const TenantId t : f.tenants) {
    held[t.value] = 1;
    services_out_[t.value] = 1;
  }
  if (tracks_since_) {
    for (const TenantId t : f.tenants)
      out_since_[t.value] = now;
  }
  out_on_service_[slot_of_[f.service->value]] += static_cast<int>(f.tenants.size());
  for (const GroupTenantsOut& g : fault_groups_[fault.value]) {
    group_out_tenants_[g.group.value] += g.tenants;
    group_out_users_[g.group.value] += g.users;
    tenants_out_ += g.tenants;
    users_out_ += g.users;
    mark_changed(g.group);
  }
}

void TenantStates::take_out_each(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const std::size_t base = slot(*f.service);
  int& on_service = out_on_service_[slot_of_[f.service->value]];
  for (std::size_t i = 0; i < f.tenants.size(); ++i) {
    const TenantId t = f.tenants[i];
    if (tracks_restores_)
      restored_when_struck_[fault.value][i] = restored_[base + t.value];
    if (held_[base + t.value]++ > 0)
      continue;
    ++on_service;
    if (services_out_[t.value]++ == 0)
      set_out(t, true, now);
  }
}

TenantsBack TenantStates::heal(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const std::size_t base = slot(*f.service);
  TenantsBack back;
  for (std::size_t i = 0; i < f.tenants.size(); ++i) {
    const TenantId t = f.tenants[i];
    int& held = held_[base + t.value];
    if (held == 0 || restored_[base + t.value] != restored_when_struck_[fault.value][i])
      continue;
    if (--held > 0)
      continue;
    --out_on_service_[slot_of_[f.service->value]];
    if (--services_out_[t.value] == 0) {
      set_out(t, false, now);
      ++back.tenants;
      back.users += users_of_[t.value];
    }
  }
  record(now);
  return back;
}

// The loop works on local pointers and sums: stores through the char
// flags of changed groups could alias anything, so they wait for a change
// of group.
void TenantStates::bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  const std::size_t base = slot(s);
  if (tracks_restores_) {
    for (const TenantId t : tenants)
      ++restored_[base + t.value];
  }
  int* const held = held_.data() + base;
  int* const services_out = services_out_.data();
  UserCount* const group_users = group_out_users_.data();
  int* const group_tenants = group_out_tenants_.data();
  int left_service = 0;
  int back = 0;
  UserCount back_users;
  std::optional<UserGroupId> last_group;
  for (const TenantId t : tenants) {
    if (held[t.value] == 0)
      continue;
    held[t.value] = 0;
    ++left_service;
    if (--services_out[t.value] > 0)
      continue;
    const UserGroupId g = group_of_[t.value];
    const UserCount users = users_of_[t.value];
    group_users[g.value] = group_users[g.value] - users;
    --group_tenants[g.value];
    ++back;
    back_users += users;
    if (g != last_group) {
      mark_changed(g);
      last_group = g;
    }
  }
  out_on_service_[slot_of_[s.value]] -= left_service;
  tenants_out_ -= back;
  users_out_ = users_out_ - back_users;
  record(now);
}

// One entry per instant: changes at the same time replace the last.
void TenantStates::record(SimTime now) {
  record_groups(now);
  auto& out = result_->tenants_out;
  if (!out.empty() && out.back().at == now) {
    out.back() = {now, tenants_out_, users_out_};
  } else if (out.empty() || out.back().tenants != tenants_out_ || out.back().users != users_out_) {
    out.push_back({now, tenants_out_, users_out_});
  }
}

// The groups changed since the last take include all that changed now.
void TenantStates::record_groups(SimTime now) {
  auto& out = result_->group_tenants_out;
  for (const UserGroupId g : changed_) {
    const GroupTenantsOut entry{now, g, group_out_tenants_[g.value], group_out_users_[g.value]};
    std::size_t& last = last_group_entry_[g.value];
    if (last != kNoEntry && out[last].at == now) {
      out[last] = entry;
    } else if (last == kNoEntry
                   ? entry.tenants != 0
                   : out[last].tenants != entry.tenants || out[last].users != entry.users) {
      last = out.size();
      out.push_back(entry);
    }
  }
}

// Shares of the most out at once, counted from when that many were out:
// before then nothing counts as back, as more was still to go out.
void TenantStates::finish() {
  auto& out = result_->tenants_out;
  int most = 0;
  UserCount most_users;
  for (const TenantsOut& o : out) {
    most = std::max(most, o.tenants);
    most_users = std::max(most_users, o.users);
  }
  result_->tenants_peak = {most, most_users, std::nullopt};
  if (!out.empty() && out.back().tenants == 0)
    result_->tenants_peak.all_back = out.back().at;
  bool tenants_peaked = false;
  bool users_peaked = false;
  for (TenantsOut& o : out) {
    tenants_peaked = tenants_peaked || o.tenants == most;
    users_peaked = users_peaked || o.users == most_users;
    o.tenants_back = tenants_peaked && most > 0 ? 1.0 - static_cast<double>(o.tenants) / most : 0;
    o.users_back = users_peaked && most_users.value > 0
                       ? 1.0 - static_cast<double>(o.users.value) / most_users.value
                       : 0;
  }
}

std::span<const UserGroupId> TenantStates::take_changed_groups() {
  if (changed_.empty())
    return {};
  for (const UserGroupId g : changed_)
    is_changed_[g.value] = 0;
  changed_.swap(handed_out_);
  changed_.clear();
  return handed_out_;
}

}  // namespace faultline::detail
