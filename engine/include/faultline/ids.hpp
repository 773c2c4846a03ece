#pragma once
// Strong indices into the model's tables, and user counts, so that a service
// index can never be passed where a region index or a head count is expected.

#include <compare>
#include <cstdint>

namespace faultline {

template <class Tag>
struct Id {
  std::uint32_t value = 0;
  constexpr auto operator<=>(const Id&) const = default;
};

using RegionId = Id<struct RegionTag>;
using ServiceId = Id<struct ServiceTag>;
using DeploymentId = Id<struct DeploymentTag>;
using UserGroupId = Id<struct UserGroupTag>;
using CrewId = Id<struct CrewTag>;
using StepId = Id<struct StepTag>;
using FaultId = Id<struct FaultTag>;
using TenantId = Id<struct TenantTag>;

// A number of people.
struct UserCount {
  std::int64_t value = 0;
  constexpr auto operator<=>(const UserCount&) const = default;
  constexpr UserCount operator+(UserCount o) const { return {value + o.value}; }
  constexpr UserCount operator-(UserCount o) const { return {value - o.value}; }
  constexpr UserCount& operator+=(UserCount o) {
    value += o.value;
    return *this;
  }
};

// People times time, kept exact in user-milliseconds.
struct UserTime {
  // The most a run counts (2^62, some 146 million user-years): half the
  // range of its int64, so that a run's sums of it and their rounding to
  // seconds stay exact. Topology::longest_countable says how long that is.
  static constexpr std::int64_t kMostUserMs = std::int64_t{1} << 62;

  std::int64_t user_ms = 0;
  constexpr auto operator<=>(const UserTime&) const = default;
  constexpr UserTime& operator+=(UserTime o) {
    user_ms += o.user_ms;
    return *this;
  }
  constexpr double in_user_hours() const { return static_cast<double>(user_ms) / 3.6e6; }
};

}  // namespace faultline
