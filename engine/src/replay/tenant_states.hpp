#pragma once
// One run's tenants: which of them have lost their share of which
// per-tenant service, the users of each group that this cuts off, and the
// count of tenants out over time.

#include <optional>
#include <span>
#include <vector>

#include "faultline/replay.hpp"

namespace faultline::detail {

// Tenants that lost a service or got it back, and their users.
struct TenantsMoved {
  int tenants = 0;
  UserCount users;
};

// Whether a restore-tenants step in this order cuts the same batches in
// every run from the same tenants out: as listed, largest or smallest first.
bool same_every_run(BatchOrder order);

// The service's tenants in the order a restore-tenants step taking them
// `order` lists them: the topology's, or by size (stable). Random and
// oldest-first orders start from the topology's.
std::vector<TenantId> listed_order(const Topology& topology, ServiceId s, BatchOrder order);

class TenantStates {
 public:
  explicit TenantStates(const Scenario& scenario);

  // A new run, recording into the result's tenants_out, group_tenants_out
  // and tenants_peak.
  void reset(RunResult& result);
  // An outage of tenants takes their share of its service out; a tenant
  // out on it already is held out by one more fault. Returns those that
  // lost the service now: the fault's tenants not out on it already.
  TenantsMoved take_out(FaultId fault, SimTime now);
  // The outage ended: each of its tenants that it still holds out comes
  // back once no other fault holds it. Returns those that got the service
  // back now, their users cut off still where another service is out.
  TenantsMoved heal(FaultId fault, SimTime now);
  // A step brought their share back, whatever held it out: faults that
  // struck before no longer hold it.
  void bring_back(ServiceId s, std::span<const TenantId> tenants, SimTime now);

  // The per-tenant service's tenants in the order its state is kept: that
  // of the first restore-tenants step on it with an order fixed for every
  // run (see listed_order). Spans of `tenants` taken from this very array
  // are looked at as one stretch of memory, not tenant by tenant: a
  // batch of 300 in a run of thousands.
  std::span<const TenantId> order(ServiceId s) const { return services_[slot_of_[s.value]].order; }
  bool out_on(ServiceId s, TenantId t) const {
    const ServiceTenants& st = services_[slot_of_[s.value]];
    return st.held[position(s, t)] > 0;
  }
  bool all_out(ServiceId s, std::span<const TenantId> tenants) const;
  bool any_out(ServiceId s, std::span<const TenantId> tenants) const;
  // How many tenants are out on the per-tenant service.
  int out_count(ServiceId s) const { return services_[slot_of_[s.value]].out; }
  // How many times in the run a tenant of the per-tenant service came
  // back on it, by whatever brought it back: a count that only grows.
  std::uint64_t comebacks(ServiceId s) const { return services_[slot_of_[s.value]].comebacks; }
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
  // A per-tenant service's tenants, by position in its order.
  struct ServiceTenants {
    std::vector<TenantId> order;
    std::vector<UserCount> users;
    std::vector<UserGroupId> group;
    // The users of the tenants before each position (one more entry than
    // tenants), and where the run of tenants of the same group that each
    // is in ends: a stretch's users of each group, without a loop over
    // the stretch.
    std::vector<std::int64_t> users_before;
    std::vector<std::uint32_t> group_run_end;
    // The faults holding the tenant's share out, and how often a step
    // brought it back (only for faults that end by themselves).
    std::vector<int> held;
    std::vector<int> restored;
    int out = 0;  // tenants with held > 0
    std::uint64_t comebacks = 0;  // times `out` went down by one
    // None of its tenants is on another per-tenant service: a tenant out on
    // it is out on something exactly while it is held, and services_out_
    // need not be kept.
    bool exclusive = true;
  };
  std::size_t slot(ServiceId s) const { return slot_of_[s.value]; }
  std::uint32_t position(ServiceId s, TenantId t) const {
    return position_of_[slot(s) * tenant_count_ + t.value];
  }
  // Defined here: called for each of thousands of tenants in a run.
  void set_out(TenantId t, UserGroupId g, UserCount users, bool out, SimTime now) {
    const UserCount change{out ? users.value : -users.value};
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
  // The tenants as a stretch of the service's order, when they are one:
  // the position of the first.
  static std::optional<std::uint32_t> stretch_of(const ServiceTenants& st,
                                                 std::span<const TenantId> tenants);
  // bring_back on a stretch of an exclusive service's tenants that are
  // all out: its counts change by the stretch's own, group run by group
  // run. Returns false, changing nothing, where that does not apply.
  bool bring_back_stretch(ServiceTenants& st, std::uint32_t first, std::size_t n);
  // bring_back on the tenants at positions at(0), ..., at(n - 1).
  template <class Positions>
  void bring_back_at(ServiceTenants& st, const Positions& at, std::size_t n);
  void keep_services();
  void take_out_fresh(FaultId fault, SimTime now);
  TenantsMoved take_out_each(FaultId fault, SimTime now);
  std::vector<GroupTenantsOut> groups_of(std::span<const TenantId> tenants) const;
  void record(SimTime now);
  void record_groups(SimTime now);

  const Scenario& scenario_;
  const Topology& topology_;
  std::size_t tenant_count_ = 0;
  // By service: its place among the per-tenant services.
  std::vector<std::size_t> slot_of_;
  std::vector<ServiceTenants> services_;  // by slot
  // By slot, then tenant: its position in the slot's order.
  std::vector<std::uint32_t> position_of_;
  // Only what some fault or step reads is kept: how often a step brought a
  // tenant back, for faults that end by themselves, and since when it is
  // out, for oldest-first batches.
  bool tracks_restores_ = false;
  bool tracks_since_ = false;
  // Some tenant is on more than one per-tenant service.
  bool any_shared_ = false;
  // By fault: its tenants and their users, by group.
  std::vector<std::vector<GroupTenantsOut>> fault_groups_;
  // By fault, then its tenants: restored as it struck; a heal counts only
  // where no step has brought the tenant back since.
  std::vector<std::vector<int>> restored_when_struck_;
  // By tenant: its users and group.
  std::vector<UserCount> users_of_;
  std::vector<UserGroupId> group_of_;
  // By tenant: the services it is out on; kept for tenants of services that
  // are not exclusive.
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
