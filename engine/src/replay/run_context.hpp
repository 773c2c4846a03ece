#pragma once
// What the parts of a run share: the scenario, the event queue, health and
// the record, the run's options and result, and the instant now. Run owns
// it and alone moves the clock; each part keeps a reference and, after
// changing what health sees, asks for one propagation.

#include <functional>
#include <vector>

#include "faultline/health.hpp"
#include "faultline/kernel.hpp"
#include "faultline/random.hpp"
#include "faultline/replay.hpp"
#include "replay/events.hpp"
#include "replay/outcomes.hpp"
#include "replay/recorder.hpp"
#include "replay/run_options.hpp"
#include "replay/stretched_draws.hpp"

namespace faultline::detail {

// What follows a failed attempt whose retry was drawn to start at some
// time: the retry; the next method, when the method's retry_until has
// passed by then; or nothing, when a method retrying without end would
// start after the run ends (the work stays unfinished).
enum class RetryVerdict { retry, next_method, stop };
RetryVerdict retry_verdict(const Method& m, SimTime retry_at, const Scenario& scenario);

struct RunContext {
  RunContext(const Scenario& scenario, std::function<void()> propagate)
      : scenario(scenario),
        topology(*scenario.topology),
        health(topology),
        recorder(scenario),
        propagate_(std::move(propagate)) {}

  // Settles health after changes and follows what it decides (Run::propagate).
  void propagate() const { propagate_(); }

  // A sample from streams[index] (stretched, when importance sampling), or
  // the median in the nominal run.
  Duration draw(const Distribution& d, RandomStreams& streams, std::uint32_t index) {
    if (!options.sampling)
      return d.median();
    return stretched.active() ? stretched.duration(d, streams[index]) : d.sample(streams[index]);
  }
  // The outcome of the attempt-th try (from 1) at something that succeeds
  // with probability p each time, drawn from streams[index] in a sampled run.
  // p by reference: its address in the model names it to importance sampling.
  bool succeeds(const double& p, int attempt, RandomStreams& streams, std::uint32_t index);
  // In a sampled run, one stream of the purpose for each of `count`
  // subjects; the nominal run draws from none.
  void open_streams(RandomStreams& streams, StreamPurpose purpose, std::size_t count) const;

  const Scenario& scenario;
  const Topology& topology;
  EventQueue<Event> queue;
  HealthPropagator health;
  Recorder recorder;
  RunOptions options;
  RunResult* result = nullptr;
  SimTime now;
  StretchedDraws stretched;

 private:
  std::function<void()> propagate_;
};

}  // namespace faultline::detail
