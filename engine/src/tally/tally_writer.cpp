// Writing a shard's tally: its header, then a line per statistic, numbers in
// decimal but the 128-bit sums, which are in hex.

#include <fmt/format.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "faultline/tally.hpp"
#include "tally/tally_fields.hpp"
#include "tally/tally_format.hpp"

namespace faultline {

namespace {

std::string hex(Uint128 v) {
  const auto high = static_cast<std::uint64_t>(v >> 64);
  const auto low = static_cast<std::uint64_t>(v);
  return high == 0 ? fmt::format("{:x}", low) : fmt::format("{:x}{:016x}", high, low);
}

class TallyWriter {
 public:
  explicit TallyWriter(std::string& out) : out_(out) {}

  void operator()(std::string_view name, std::uint64_t count) {
    out_ += fmt::format("{} {}\n", name, count);
  }
  template <class Number>
  void operator()(std::string_view name, const std::vector<Number>& numbers) {
    out_ += fmt::format("{} {}", name, numbers.size());
    for (const Number n : numbers)
      out_ += fmt::format(" {}", n);
    out_ += '\n';
  }
  void operator()(std::string_view name, const Moments& m) {
    out_ += name;
    moments(m.state());
    out_ += '\n';
  }
  void operator()(std::string_view name, const CountedShort& c) {
    out_ += fmt::format("{} {} {}", name, c.cut_off, c.strikes_to_come);
    moments(c.ended_ms.state());
    moments(c.others_ended_ms.state());
    out_ += '\n';
  }
  void operator()(std::string_view name, const Accumulator& a) {
    out_ += name;
    accumulator(a);
    out_ += '\n';
  }
  void operator()(std::string_view name, const EventTimes& t) {
    out_ += fmt::format("{} {}", name, t.never());
    accumulator(t.happened());
    out_ += '\n';
  }
  void operator()(std::string_view name, const SignedTimes& t) {
    out_ += fmt::format("{} {}", name, t.never());
    moments(t.all().state());
    accumulator(t.below_zero());
    accumulator(t.from_zero());
    out_ += '\n';
  }

 private:
  void moments(const MomentsState& m) {
    out_ +=
        fmt::format(" {} {} {} {} {}", m.count, hex(m.sum), hex(m.sum_of_squares), m.min, m.max);
  }
  void accumulator(const Accumulator& a) {
    const AccumulatorState state = a.state();
    moments(state.moments);
    out_ += fmt::format(" {} {}", state.first_bucket, state.buckets.size());
    for (const std::uint64_t count : state.buckets)
      out_ += fmt::format(" {}", count);
  }

  std::string& out_;
};

std::string header_text(const TallyHeader& h) {
  std::string out = fmt::format("{} {}\n", detail::kTallyMagic, kTallyFormatVersion);
  out += fmt::format("command {}\n", word_of(h.command));
  out += fmt::format("faultline-version {}\n", h.faultline_version);
  out += fmt::format("seed {}\nruns {}\n", h.seed, h.runs);
  out += fmt::format("range {} {}\n", h.range.first, h.range.end);
  out += h.sample_every ? fmt::format("sample-every {}\n", h.sample_every->ms) : "sample-every -\n";
  out += h.network
             ? fmt::format("fidelity network {} {}\n", h.network->step.ms, h.network->window.ms)
             : "fidelity state\n";
  out += "strategies";
  for (const std::string& strategy : h.strategies) {
    if (strategy.empty() || strategy.find_first_of(" \n") != std::string::npos)
      throw std::invalid_argument("a tally's strategies are words: found '" + strategy + "'");
    out += " " + strategy;
  }
  out += '\n';
  for (const TallyInput& input : h.inputs) {
    if (input.path.find('\n') != std::string::npos)
      throw std::invalid_argument("a tally cannot name a file whose path holds a line break");
    out += fmt::format("input {} {} {}\n", input.role, input.sha256, input.path);
  }
  out += "body\n";
  return out;
}

}  // namespace

std::string file_sha256(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw std::runtime_error("cannot read " + path + " as a file");
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL could not start a SHA-256");
  std::vector<char> chunk(1 << 16);
  while (in.read(chunk.data(), static_cast<std::streamsize>(chunk.size())) || in.gcount() > 0) {
    EVP_DigestUpdate(context.get(), chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (in.eof())
      break;
  }
  if (in.bad())
    throw std::runtime_error("cannot read " + path);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context.get(), digest, &size);
  std::string out;
  for (unsigned int i = 0; i < size; ++i)
    out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::string tally_text(const TallyHeader& header, const MonteCarloResult& result) {
  return header_text(header) + tally_body(result);
}

std::string tally_body(const MonteCarloResult& result) {
  std::string out;
  TallyWriter writer(out);
  detail::visit_tally(result, writer);
  out += "end\n";
  return out;
}

std::string statistic_text(const Accumulator& statistic) {
  std::string out;
  TallyWriter writer(out);
  writer("statistic", statistic);
  return out;
}

std::string tally_text(const TallyHeader& header, const Comparison& result) {
  return header_text(header) + tally_body(result);
}

std::string tally_body(const Comparison& result) {
  std::string out;
  TallyWriter writer(out);
  detail::visit_comparison(result, writer);
  out += "end\n";
  return out;
}

}  // namespace faultline
