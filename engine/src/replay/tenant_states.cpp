#include "replay/tenant_states.hpp"

#include <algorithm>
#include <functional>

namespace faultline::detail {

namespace {
constexpr std::size_t kNoEntry = static_cast<std::size_t>(-1);

// The order of the service's first restore-tenants step whose order is the
// same in every run: its batches are then stretches of the kept order.
BatchOrder kept_order(const Scenario& scenario, ServiceId s) {
  for (const Step& step : scenario.steps) {
    if (step.batches && step.service == s && same_every_run(step.batches->order))
      return step.batches->order;
  }
  return BatchOrder::as_listed;
}

// Whether some tenant of the stretch is not held out. A loop without an
// early exit goes through a batch in vector steps; the usual answer is
// that all are out, which stopping early would find no sooner.
bool any_back(const int* held, std::size_t n) {
  int back = 0;
  for (std::size_t i = 0; i < n; ++i)
    back |= held[i] == 0;
  return back != 0;
}
}  // namespace

bool same_every_run(BatchOrder order) {
  return order == BatchOrder::as_listed || order == BatchOrder::largest_first ||
         order == BatchOrder::smallest_first;
}

std::vector<TenantId> listed_order(const Topology& topology, ServiceId s, BatchOrder order) {
  const auto on = topology.tenants_on(s);
  std::vector<TenantId> listed(on.begin(), on.end());
  const auto users = [&](TenantId t) { return topology.tenant(t).users; };
  if (order == BatchOrder::largest_first) {
    std::stable_sort(listed.begin(), listed.end(),
                     [&](TenantId a, TenantId b) { return users(a) > users(b); });
  } else if (order == BatchOrder::smallest_first) {
    std::stable_sort(listed.begin(), listed.end(),
                     [&](TenantId a, TenantId b) { return users(a) < users(b); });
  }
  return listed;
}

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
  tracks_restores_ = std::any_of(scenario.faults.begin(), scenario.faults.end(),
                                 [](const Fault& f) { return !f.tenants.empty() && f.lasts; });
  tracks_since_ = std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const Step& s) {
    return s.batches && s.batches->order == BatchOrder::oldest_first;
  });
  keep_services();
  for (const Fault& f : scenario.faults)
    fault_groups_.push_back(groups_of(f.tenants));
  if (tracks_restores_) {
    for (const Fault& f : scenario.faults)
      restored_when_struck_.emplace_back(f.tenants.size());
  }
}

// Each per-tenant service's tenants in its kept order, with their users and
// groups beside them, and where each tenant is in it.
void TenantStates::keep_services() {
  std::vector<int> services_of(tenant_count_);
  for (std::uint32_t s = 0; s < topology_.services().size(); ++s) {
    if (!topology_.services()[s].per_tenant)
      continue;
    slot_of_[s] = services_.size();
    ServiceTenants& st = services_.emplace_back();
    st.order = listed_order(topology_, ServiceId{s}, kept_order(scenario_, ServiceId{s}));
    for (const TenantId t : st.order) {
      st.users.push_back(users_of_[t.value]);
      st.group.push_back(group_of_[t.value]);
      ++services_of[t.value];
    }
    st.users_before.push_back(0);
    for (const UserCount users : st.users)
      st.users_before.push_back(st.users_before.back() + users.value);
    st.group_run_end.resize(st.order.size());
    for (std::size_t i = st.order.size(); i-- > 0;) {
      const bool last = i + 1 == st.order.size() || st.group[i + 1] != st.group[i];
      st.group_run_end[i] = last ? static_cast<std::uint32_t>(i + 1) : st.group_run_end[i + 1];
    }
    st.held.resize(st.order.size());
    if (tracks_restores_)
      st.restored.resize(st.order.size());
  }
  position_of_.resize(services_.size() * tenant_count_);
  for (std::size_t slot = 0; slot < services_.size(); ++slot) {
    ServiceTenants& st = services_[slot];
    for (std::uint32_t i = 0; i < st.order.size(); ++i)
      position_of_[slot * tenant_count_ + st.order[i].value] = i;
    st.exclusive = std::all_of(st.order.begin(), st.order.end(),
                               [&](TenantId t) { return services_of[t.value] == 1; });
    any_shared_ = any_shared_ || !st.exclusive;
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
  for (ServiceTenants& st : services_) {
    std::fill(st.held.begin(), st.held.end(), 0);
    std::fill(st.restored.begin(), st.restored.end(), 0);
    st.out = 0;
    st.comebacks = 0;
  }
  if (any_shared_)
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
TenantsMoved TenantStates::take_out(FaultId fault, SimTime now) {
  const auto& groups = fault_groups_[fault.value];
  TenantsMoved lost;
  if (!tracks_restores_ && std::all_of(groups.begin(), groups.end(), [&](const GroupTenantsOut& g) {
        return group_out_tenants_[g.group.value] == 0;
      })) {
    take_out_fresh(fault, now);
    for (const GroupTenantsOut& g : groups) {
      lost.tenants += g.tenants;
      lost.users += g.users;
    }
  } else {
    lost = take_out_each(fault, now);
  }
  record(now);
  return lost;
}

// With none of its tenants out anywhere, each of them goes out: the counts
// change by the fault's own, worked out once. An outage of all the
// service's tenants (its tenants are distinct) fills the whole stretch.
void TenantStates::take_out_fresh(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const ServiceId s = *f.service;
  ServiceTenants& st = services_[slot(s)];
  if (f.tenants.size() == st.order.size()) {
    std::fill(st.held.begin(), st.held.end(), 1);
  } else {
    for (const TenantId t : f.tenants)
      st.held[position(s, t)] = 1;
  }
  if (!st.exclusive) {
    for (const TenantId t : f.tenants)
      services_out_[t.value] = 1;
  }
  if (tracks_since_) {
    for (const TenantId t : f.tenants)
      out_since_[t.value] = now;
  }
  st.out += static_cast<int>(f.tenants.size());
  for (const GroupTenantsOut& g : fault_groups_[fault.value]) {
    group_out_tenants_[g.group.value] += g.tenants;
    group_out_users_[g.group.value] += g.users;
    tenants_out_ += g.tenants;
    users_out_ += g.users;
    mark_changed(g.group);
  }
}

TenantsMoved TenantStates::take_out_each(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const ServiceId s = *f.service;
  ServiceTenants& st = services_[slot(s)];
  TenantsMoved lost;
  for (std::size_t i = 0; i < f.tenants.size(); ++i) {
    const TenantId t = f.tenants[i];
    const std::uint32_t at = position(s, t);
    if (tracks_restores_)
      restored_when_struck_[fault.value][i] = st.restored[at];
    if (st.held[at]++ > 0)
      continue;
    ++st.out;
    ++lost.tenants;
    lost.users += st.users[at];
    if (st.exclusive || services_out_[t.value]++ == 0)
      set_out(t, st.group[at], st.users[at], true, now);
  }
  return lost;
}

TenantsMoved TenantStates::heal(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const ServiceId s = *f.service;
  ServiceTenants& st = services_[slot(s)];
  TenantsMoved back;
  for (std::size_t i = 0; i < f.tenants.size(); ++i) {
    const TenantId t = f.tenants[i];
    const std::uint32_t at = position(s, t);
    int& held = st.held[at];
    if (held == 0 || st.restored[at] != restored_when_struck_[fault.value][i])
      continue;
    if (--held > 0)
      continue;
    --st.out;
    ++st.comebacks;
    // It has the service back, as take_out counts those that lose it, even
    // while another service keeps its users cut off (found in review).
    ++back.tenants;
    back.users += st.users[at];
    if (st.exclusive || --services_out_[t.value] == 0)
      set_out(t, st.group[at], st.users[at], false, now);
  }
  record(now);
  return back;
}

std::optional<std::uint32_t> TenantStates::stretch_of(const ServiceTenants& st,
                                                      std::span<const TenantId> tenants) {
  const TenantId* const first = st.order.data();
  const std::less_equal<const TenantId*> not_after;
  if (tenants.empty() || !not_after(first, tenants.data()) ||
      !not_after(tenants.data() + tenants.size(), first + st.order.size()))
    return std::nullopt;
  return static_cast<std::uint32_t>(tenants.data() - first);
}

bool TenantStates::all_out(ServiceId s, std::span<const TenantId> tenants) const {
  const ServiceTenants& st = services_[slot(s)];
  if (const auto first = stretch_of(st, tenants))
    return !any_back(st.held.data() + *first, tenants.size());
  return std::all_of(tenants.begin(), tenants.end(), [&](TenantId t) { return out_on(s, t); });
}

bool TenantStates::any_out(ServiceId s, std::span<const TenantId> tenants) const {
  const ServiceTenants& st = services_[slot(s)];
  if (const auto first = stretch_of(st, tenants)) {
    const auto held = st.held.begin() + *first;
    return std::any_of(held, held + tenants.size(), [](int h) { return h > 0; });
  }
  return std::any_of(tenants.begin(), tenants.end(), [&](TenantId t) { return out_on(s, t); });
}

void TenantStates::bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  ServiceTenants& st = services_[slot(s)];
  const auto first = stretch_of(st, tenants);
  if (!first) {
    bring_back_at(
        st, [&](std::size_t i) { return position(s, tenants[i]); }, tenants.size());
  } else if (!bring_back_stretch(st, *first, tenants.size())) {
    bring_back_at(
        st, [first = *first](std::size_t i) { return first + i; }, tenants.size());
  }
  record(now);
}

bool TenantStates::bring_back_stretch(ServiceTenants& st, std::uint32_t first, std::size_t n) {
  const auto held = st.held.begin() + first;
  if (!st.exclusive || any_back(st.held.data() + first, n))
    return false;
  if (tracks_restores_) {
    const auto restored = st.restored.begin() + first;
    std::for_each(restored, restored + n, [](int& r) { ++r; });
  }
  std::fill(held, held + n, 0);
  st.out -= static_cast<int>(n);
  st.comebacks += n;
  const std::size_t end = first + n;
  for (std::size_t p = first; p < end;) {
    const std::size_t run_end = std::min<std::size_t>(st.group_run_end[p], end);
    const UserGroupId g = st.group[p];
    const int tenants = static_cast<int>(run_end - p);
    const UserCount users{st.users_before[run_end] - st.users_before[p]};
    group_out_users_[g.value] = group_out_users_[g.value] - users;
    group_out_tenants_[g.value] -= tenants;
    tenants_out_ -= tenants;
    users_out_ = users_out_ - users;
    mark_changed(g);
    p = run_end;
  }
  return true;
}

// The loop works on local pointers and sums, and a group's change is
// written once for each run of its tenants: stores through the char flags
// of changed groups could alias anything.
template <class Positions>
void TenantStates::bring_back_at(ServiceTenants& st, const Positions& at, std::size_t n) {
  if (tracks_restores_) {
    for (std::size_t i = 0; i < n; ++i)
      ++st.restored[at(i)];
  }
  int* const held = st.held.data();
  int left_service = 0;
  std::optional<UserGroupId> group;
  int group_back = 0;
  UserCount group_users;
  const auto group_done = [&] {
    if (!group)
      return;
    group_out_users_[group->value] = group_out_users_[group->value] - group_users;
    group_out_tenants_[group->value] -= group_back;
    tenants_out_ -= group_back;
    users_out_ = users_out_ - group_users;
    mark_changed(*group);
  };
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t p = at(i);
    if (held[p] == 0)
      continue;
    held[p] = 0;
    ++left_service;
    if (!st.exclusive && --services_out_[st.order[p].value] > 0)
      continue;
    if (st.group[p] != group) {
      group_done();
      group = st.group[p];
      group_back = 0;
      group_users = UserCount{};
    }
    ++group_back;
    group_users += st.users[p];
  }
  group_done();
  st.out -= left_service;
  st.comebacks += static_cast<std::uint64_t>(left_service);
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
