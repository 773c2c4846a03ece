#pragma once
// One run's tenants: which of them have lost their share of which
// per-tenant service, the users of each group that this cuts off, and the
// count of tenants out over time.

#include <span>
#include <vector>

#include "faultline/replay.hpp"

namespace faultline::detail {

// Tenants that got a service back, and their users.
struct TenantsBack {
  int tenants = 0;
  UserCount users;
};

class TenantStates {
 public:
  explicit TenantStates(const Scenario& scenario);

  // A new run, recording into the result's tenants_out, group_tenants_out
  // and tenants_peak.
  void reset(RunResult& result);
  // An outage of tenants takes their share of its service out; a tenant
  // out on it already is held out by one more fault.
  void take_out(FaultId fault, SimTime now);
  // The outage ended: each of its tenants that it still holds out comes
  // back once no other fault holds it.
  TenantsBack heal(FaultId fault, SimTime now);
  // A step brought their share back, whatever held it out: faults that
  // struck before no longer hold it.
  void bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now);

  bool out_on(ServiceId s, TenantId t) const { return held_[slot(s) + t.value] > 0; }
  // How many tenants are out on the per-tenant service.
  int out_count(ServiceId s) const { return out_on_service_[slot_of_[s.value]]; }
  UserCount users_of(TenantId t) const { return users_of_[t.value]; }
  // Since when the tenant is out on anything; only while it is, and only
  // kept when some step orders its batches oldest first.
  SimTime out_since(TenantId t) const { return out_since_[t.value]; }
  // The group's users whose tenant is out on some service.
  UserCount out_users(UserGroupId g) const { return group_out_users_[g.value]; }
  // The run ended: the shares back in each entry of tenants_out.
  void finish();
  // The groups whose out_users changed since the last call.
  std::span<const UserGroupId> take_changed_groups();

 private:
  std::size_t slot(ServiceId s) const { return slot_of_[s.value] * tenant_count_; }
  // Defined here: called for each of thousands of tenants in a run.
  void set_out(TenantId t, bool out, SimTime now) {
    const UserGroupId g = group_of_[t.value];
    const UserCount change{out ? users_of_[t.value].value : -users_of_[t.value].value};
    group_out_users_[g.value] += change;
    group_out_tenants_[g.value] += out ? 1 : -1;
    users_out_ += change;
    tenants_out_ += out ? 1 : -1;
    if (out && tracks_since_)
      out_since_[t.value] = now;
    mark_changed(g);
  }
  void mark_changed(UserGroupId g) {
    if (!is_changed_[g.value]) {
      is_changed_[g.value] = 1;
      changed_.push_back(g);
    }
  }
  void take_out_fresh(FaultId fault, SimTime now);
  void take_out_each(FaultId fault, SimTime now);
  std::vector<GroupTenantsOut> groups_of(std::span<const TenantId> tenants) const;
  void record(SimTime now);
  void record_groups(SimTime now);

  const Scenario& scenario_;
  const Topology& topology_;
  std::size_t tenant_count_ = 0;
  // By service: its place among the per-tenant services.
  std::vector<std::size_t> slot_of_;
  // Only what some fault or step reads is kept: how often a step brought a
  // tenant back, for faults that end by themselves, and since when it is
  // out, for oldest-first batches.
  bool tracks_restores_ = false;
  bool tracks_since_ = false;
  // By per-tenant service, then tenant: the faults holding its share out,
  // and how often a step brought it back.
  std::vector<int> held_;
  std::vector<int> restored_;
  // By fault: its tenants and their users, by group.
  std::vector<std::vector<GroupTenantsOut>> fault_groups_;
  // By per-tenant service: its tenants out.
  std::vector<int> out_on_service_;
  // By fault, then its tenants: restored_ as it struck; a heal counts only
  // where no step has brought the tenant back since.
  std::vector<std::vector<int>> restored_when_struck_;
  // By tenant: its users and group, kept close together for the loops
  // over thousands of tenants in each run.
  std::vector<UserCount> users_of_;
  std::vector<UserGroupId> group_of_;
  // By tenant: the services it is out on.
  std::vector<int> services_out_;
  std::vector<SimTime> out_since_;
  std::vector<UserCount> group_out_users_;
  std::vector<int> group_out_tenants_;
  std::vector<UserGroupId> changed_;
  std::vector<UserGroupId> handed_out_;
  std::vector<char> is_changed_;
  // By group: its last entry in group_tenants_out, if any.
  std::vector<std::size_t> last_group_entry_;
  int tenants_out_ = 0;
  UserCount users_out_;
  RunResult* result_ = nullptr;
};

}  // namespace faultline::detail
