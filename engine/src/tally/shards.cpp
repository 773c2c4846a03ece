// Whether tally files are shards of one study that tile its runs.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "faultline/tally.hpp"
#include "faultline/version.hpp"
#include "tally/tally_format.hpp"

namespace faultline {

namespace {

using detail::HeaderLine;

SourceLocation at(const std::string& path, HeaderLine line) {
  return {path, static_cast<int>(line), 1};
}

std::string fidelity_text(const std::optional<NetworkOptions>& network) {
  return network ? fmt::format("network (step {}, window {})", format_duration(network->step),
                               format_duration(network->window))
                 : "state";
}

std::string inputs_text(const std::vector<TallyInput>& inputs) {
  std::string out;
  for (const TallyInput& input : inputs)
    out += fmt::format("{}{} {} (SHA-256 starting {})", out.empty() ? "" : ", ", input.role,
                       input.path, input.sha256.substr(0, 12));
  return out.empty() ? "none" : out;
}

// Each way a shard can differ from the first: where it says so, what the
// two say.
void check_same_study(const std::string& path, const TallyHeader& h, const std::string& first_path,
                      const TallyHeader& first, Diagnostics& out) {
  const auto differ = [&](HeaderLine line, std::string_view what, const std::string& mine,
                          const std::string& theirs) {
    out.error(at(path, line),
              fmt::format("{}: {} here, {} in {}; the shards of one study share its seed, runs, "
                          "options and inputs, and one faultline makes them all",
                          what, mine, theirs, first_path));
  };
  if (h.command != first.command)
    differ(HeaderLine::command, "the command", std::string(word_of(h.command)),
           std::string(word_of(first.command)));
  if (h.faultline_version != first.faultline_version)
    differ(HeaderLine::faultline_version, "the faultline version", h.faultline_version,
           first.faultline_version);
  if (h.seed != first.seed)
    differ(HeaderLine::seed, "the seed", fmt::to_string(h.seed), fmt::to_string(first.seed));
  if (h.runs != first.runs)
    differ(HeaderLine::runs, "the study's runs", fmt::to_string(h.runs),
           fmt::to_string(first.runs));
  const auto every = [](const TallyHeader& x) {
    return x.sample_every ? format_duration(*x.sample_every)
                          : std::string("chosen by the scenario");
  };
  if (h.sample_every != first.sample_every)
    differ(HeaderLine::sample_every, "the sampling step", every(h), every(first));
  const auto same_network = h.network.has_value() == first.network.has_value() &&
                            (!h.network || (h.network->step == first.network->step &&
                                            h.network->window == first.network->window));
  if (!same_network)
    differ(HeaderLine::fidelity, "the fidelity", fidelity_text(h.network),
           fidelity_text(first.network));
  const auto strategies = [](const TallyHeader& x) {
    return x.strategies.empty() ? std::string("the scenario's own")
                                : fmt::format("{}", fmt::join(x.strategies, ", "));
  };
  if (h.strategies != first.strategies)
    differ(HeaderLine::strategies, "the strategies", strategies(h), strategies(first));
  if (h.inputs != first.inputs)
    differ(HeaderLine::first_input, "the inputs", inputs_text(h.inputs), inputs_text(first.inputs));
}

// "run 7 is" or "runs 7 to 9 are", of runs [first, end).
std::string runs_are(std::uint64_t first, std::uint64_t end) {
  return end - first == 1 ? fmt::format("run {} is", first)
                          : fmt::format("runs {} to {} are", first, end - 1);
}

// The ranges in order of their first run must follow one another from 0 to
// the study's runs.
void check_tiling(std::span<const std::string> paths, std::span<const TallyHeader> headers,
                  Diagnostics& out) {
  std::vector<std::size_t> order(headers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return headers[a].range.first < headers[b].range.first;
  });
  std::uint64_t covered = 0;  // runs [0, covered) are in a shard seen
  std::size_t last = order.front();
  for (const std::size_t i : order) {
    const RunRange r = headers[i].range;
    if (r.first == r.end)
      continue;
    if (r.first > covered) {
      out.error(at(paths[i], HeaderLine::range),
                fmt::format("{} in no shard; make a shard of --run-range {}:{}",
                            runs_are(covered, r.first), covered, r.first));
    } else if (r.first < covered) {
      out.error(at(paths[i], HeaderLine::range),
                fmt::format("{} also in {}: each run must be in one shard only",
                            runs_are(r.first, std::min(r.end, covered)), paths[last]));
    }
    if (r.end > covered) {
      covered = r.end;
      last = i;
    }
  }
  const std::uint64_t runs = headers.front().runs;
  if (covered < runs)
    out.error(at(paths[last], HeaderLine::range),
              fmt::format("{} in no shard; make a shard of --run-range {}:{}",
                          runs_are(covered, runs), covered, runs));
}

// Each input of the study as its file is now; the problems, located at the
// first shard's input lines, when one changed or is gone.
void check_inputs_unchanged(const std::string& path, const TallyHeader& header, Diagnostics& out) {
  for (std::size_t k = 0; k < header.inputs.size(); ++k) {
    const TallyInput& input = header.inputs[k];
    const SourceLocation where{path,
                               static_cast<int>(HeaderLine::first_input) + static_cast<int>(k), 1};
    std::string now;
    try {
      now = file_sha256(input.path);
    } catch (const std::runtime_error& e) {
      out.error(where, fmt::format("{}: merge runs in the folder the shards ran in, where their "
                                   "{} file is",
                                   e.what(), input.role));
      continue;
    }
    if (now != input.sha256)
      out.error(where, fmt::format("the {} {} has changed since the shards were made (its "
                                   "SHA-256 is now {}, theirs {}): make the shards again",
                                   input.role, input.path, now, input.sha256));
  }
}

}  // namespace

Diagnostics check_shards(std::span<const std::string> paths, std::span<const TallyHeader> headers) {
  Diagnostics out;
  if (headers.empty()) {
    out.error({}, "there are no tally files to merge");
    return out;
  }
  for (std::size_t i = 1; i < headers.size(); ++i)
    check_same_study(paths[i], headers[i], paths[0], headers[0], out);
  if (!out.has_errors())
    check_tiling(paths, headers, out);
  if (!out.has_errors() && headers.front().faultline_version != kVersion)
    out.error(at(paths.front(), HeaderLine::faultline_version),
              fmt::format("the shards were made by faultline {}; this is faultline {}, whose "
                          "runs may differ: merge with the faultline that made them",
                          headers.front().faultline_version, kVersion));
  if (!out.has_errors())
    check_inputs_unchanged(paths.front(), headers.front(), out);
  return out;
}

}  // namespace faultline
