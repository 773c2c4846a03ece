#include "replay/tenant_states.hpp"

#include <algorithm>

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
  restored_.resize(slots * tenant_count_);
  for (const Fault& f : scenario.faults)
    restored_when_struck_.emplace_back(f.tenants.size());
}

void TenantStates::reset(RunResult& result) {
  result_ = &result;
  result.tenants_out.clear();
  result.group_tenants_out.clear();
  std::fill(last_group_entry_.begin(), last_group_entry_.end(), kNoEntry);
  std::fill(held_.begin(), held_.end(), 0);
  std::fill(restored_.begin(), restored_.end(), 0);
  std::fill(services_out_.begin(), services_out_.end(), 0);
  std::fill(group_out_users_.begin(), group_out_users_.end(), UserCount{});
  std::fill(group_out_tenants_.begin(), group_out_tenants_.end(), 0);
  std::fill(is_changed_.begin(), is_changed_.end(), 0);
  changed_.clear();
  tenants_out_ = 0;
  users_out_ = UserCount{};
}

void TenantStates::take_out(FaultId fault, SimTime now) {
  const Fault& f = scenario_.faults[fault.value];
  const std::size_t base = slot(*f.service);
  for (std::size_t i = 0; i < f.tenants.size(); ++i) {
    const TenantId t = f.tenants[i];
    restored_when_struck_[fault.value][i] = restored_[base + t.value];
    if (held_[base + t.value]++ == 0 && services_out_[t.value]++ == 0)
      set_out(t, true, now);
  }
  record(now);
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
    if (--held == 0 && --services_out_[t.value] == 0) {
      set_out(t, false, now);
      ++back.tenants;
      back.users += users_of_[t.value];
    }
  }
  record(now);
  return back;
}

void TenantStates::bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  for (const TenantId t : tenants) {
    int& held = held_[slot(s) + t.value];
    if (held > 0 && --services_out_[t.value] == 0)
      set_out(t, false, now);
    held = 0;
    ++restored_[slot(s) + t.value];
  }
  record(now);
}

void TenantStates::set_out(TenantId t, bool out, SimTime now) {
  const UserGroupId g = group_of_[t.value];
  const UserCount change{out ? users_of_[t.value].value : -users_of_[t.value].value};
  group_out_users_[g.value] += change;
  group_out_tenants_[g.value] += out ? 1 : -1;
  users_out_ += change;
  tenants_out_ += out ? 1 : -1;
  if (out)
    out_since_[t.value] = now;
  if (!is_changed_[g.value]) {
    is_changed_[g.value] = 1;
    changed_.push_back(g);
  }
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
