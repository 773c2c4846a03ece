#include "replay/tenant_states.hpp"

#include <algorithm>

namespace faultline::detail {

TenantStates::TenantStates(const Topology& topology)
    : topology_(topology),
      tenant_count_(topology.tenants().size()),
      slot_of_(topology.services().size()),
      services_out_(tenant_count_),
      out_since_(tenant_count_),
      group_out_users_(topology.user_groups().size()),
      is_changed_(topology.user_groups().size()) {
  std::size_t slots = 0;
  for (std::size_t s = 0; s < topology.services().size(); ++s) {
    if (topology.services()[s].per_tenant)
      slot_of_[s] = slots++;
  }
  held_.resize(slots * tenant_count_);
}

void TenantStates::reset(RunResult& result) {
  result_ = &result;
  result.tenants_out.clear();
  if (tenants_out_ == 0 && changed_.empty())
    return;  // nothing went out in the last run
  std::fill(held_.begin(), held_.end(), 0);
  std::fill(services_out_.begin(), services_out_.end(), 0);
  std::fill(group_out_users_.begin(), group_out_users_.end(), UserCount{});
  std::fill(is_changed_.begin(), is_changed_.end(), 0);
  changed_.clear();
  tenants_out_ = 0;
  users_out_ = UserCount{};
}

void TenantStates::take_out(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  for (const TenantId t : tenants) {
    if (held_[slot(s) + t.value]++ == 0 && services_out_[t.value]++ == 0)
      set_out(t, true, now);
  }
  record(now);
}

void TenantStates::heal(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  for (const TenantId t : tenants) {
    int& held = held_[slot(s) + t.value];
    if (held > 0 && --held == 0 && --services_out_[t.value] == 0)
      set_out(t, false, now);
  }
  record(now);
}

void TenantStates::bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now) {
  for (const TenantId t : tenants) {
    int& held = held_[slot(s) + t.value];
    if (held > 0 && --services_out_[t.value] == 0)
      set_out(t, false, now);
    held = 0;
  }
  record(now);
}

void TenantStates::set_out(TenantId t, bool out, SimTime now) {
  const Tenant& tenant = topology_.tenant(t);
  const UserCount change{out ? tenant.users.value : -tenant.users.value};
  group_out_users_[tenant.group.value] += change;
  users_out_ += change;
  tenants_out_ += out ? 1 : -1;
  if (out)
    out_since_[t.value] = now;
  if (!is_changed_[tenant.group.value]) {
    is_changed_[tenant.group.value] = 1;
    changed_.push_back(tenant.group);
  }
}

// One entry per instant: changes at the same time replace the last.
void TenantStates::record(SimTime now) {
  auto& out = result_->tenants_out;
  if (!out.empty() && out.back().at == now) {
    out.back() = {now, tenants_out_, users_out_};
  } else if (out.empty() || out.back().tenants != tenants_out_ || out.back().users != users_out_) {
    out.push_back({now, tenants_out_, users_out_});
  }
}

void TenantStates::finish() {
  auto& out = result_->tenants_out;
  int most = 0;
  UserCount most_users;
  for (const TenantsOut& o : out) {
    most = std::max(most, o.tenants);
    most_users = std::max(most_users, o.users);
  }
  for (TenantsOut& o : out) {
    o.tenants_back = most > 0 ? 1.0 - static_cast<double>(o.tenants) / most : 1.0;
    o.users_back =
        most_users.value > 0 ? 1.0 - static_cast<double>(o.users.value) / most_users.value : 1.0;
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
