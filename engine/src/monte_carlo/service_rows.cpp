#include "monte_carlo/service_rows.hpp"

#include <algorithm>

namespace faultline::detail {

namespace {
constexpr std::size_t kRowsBytes = std::size_t{32} << 20;
constexpr std::size_t kMostRows = 64;
}  // namespace

std::size_t ServiceRows::rows_for(std::size_t services) {
  const std::size_t row_bytes = 2 * sizeof(std::int64_t) * std::max<std::size_t>(services, 1);
  return std::clamp<std::size_t>(kRowsBytes / row_bytes, 1, kMostRows);
}

ServiceRows::ServiceRows(std::size_t services, std::size_t rows)
    : down_(services, rows), restored_(services, rows) {}

void ServiceRows::add(const RunResult& run, std::span<ServiceStatistics> into) {
  if (down_.full())
    flush(into);
  const std::span<std::int64_t> down = down_.next_row();
  const std::span<std::int64_t> restored = restored_.next_row();
  for (std::size_t s = 0; s < down.size(); ++s) {
    const ServiceOutcome& outcome = run.services[s];
    down[s] = 2 * outcome.down.ms + (outcome.first_down ? 1 : 0);
    const bool still_out = outcome.final_state == ServiceState::partial_outage ||
                           outcome.final_state == ServiceState::major_outage;
    restored[s] = outcome.restored_at ? outcome.restored_at->since_t0().ms
                  : still_out         ? kNeverBack
                                      : kNotOut;
  }
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
    const auto back =
        std::remove_if(values.begin(), values.end(), [](std::int64_t v) { return v < 0; });
    into[s].restored_at.add_all({values.begin(), back});
  });
}

}  // namespace faultline::detail
