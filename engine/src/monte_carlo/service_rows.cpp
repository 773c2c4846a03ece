#include "monte_carlo/service_rows.hpp"

#include <algorithm>
#include <stdexcept>

namespace faultline::detail {

namespace {
// Per worker: beside the 20 MB of statistics it keeps at 10^5 services, and
// enough rows that a service's accumulators are reached once for a score
// of runs. Small estates keep a block's worth.
constexpr std::size_t kRowsBytes = std::size_t{32} << 20;
constexpr std::size_t kMostRows = 64;
// A time down doubled, with room for the bit beside it.
constexpr std::int64_t kLongestDown = std::int64_t{1} << 61;
}  // namespace

std::size_t ServiceRows::rows_for(std::size_t services) {
  const std::size_t row_bytes = 2 * sizeof(std::int64_t) * std::max<std::size_t>(services, 1);
  return std::clamp<std::size_t>(kRowsBytes / row_bytes, 1, kMostRows);
}

ServiceRows::ServiceRows(std::size_t services, std::size_t rows)
    : services_(services),
      down_(services, std::max<std::size_t>(rows, 1)),
      restored_(services, std::max<std::size_t>(rows, 1)) {}

void ServiceRows::add(const RunResult& run, std::span<ServiceStatistics> into) {
  if (run.services.size() != services_)
    throw std::logic_error("a run of another estate tallied with these services");
  if (down_.full())
    flush(into);
  const std::span<std::int64_t> down = down_.next_row();
  const std::span<std::int64_t> restored = restored_.next_row();
  for (std::size_t s = 0; s < services_; ++s) {
    const ServiceOutcome& outcome = run.services[s];
    if (outcome.down.ms < 0 || outcome.down.ms >= kLongestDown)
      throw std::invalid_argument("a service's time down is negative or past 2^61 ms");
    down[s] = 2 * outcome.down.ms + (outcome.first_down ? 1 : 0);
    const bool still_out = outcome.final_state == ServiceState::partial_outage ||
                           outcome.final_state == ServiceState::major_outage;
    restored[s] = outcome.restored_at ? outcome.restored_at->since_t0().ms
                  : still_out         ? kNeverBack
                                      : kNotOut;
  }
  down_.keep();
  restored_.keep();
}

void ServiceRows::flush(std::span<ServiceStatistics> into) {
  down_.flush([&](std::size_t s, std::span<std::int64_t> values) {
    for (std::int64_t& v : values) {
      into[s].runs_down += static_cast<std::uint64_t>(v % 2);
      v /= 2;
    }
    into[s].downtime_ms.add_all(values);
  });
  restored_.flush([&](std::size_t s, std::span<std::int64_t> values) {
    const auto never = std::count(values.begin(), values.end(), kNeverBack);
    into[s].restored_at.add_never(static_cast<std::uint64_t>(never));
    // Only the codes go: any other value below 0 reaches add_all, which
    // refuses it.
    const auto back = std::remove_if(values.begin(), values.end(), [](std::int64_t v) {
      return v == kNeverBack || v == kNotOut;
    });
    into[s].restored_at.add_all({values.begin(), back});
  });
}

}  // namespace faultline::detail
