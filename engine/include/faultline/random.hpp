#pragma once
// Random streams. Every run draws from streams derived from (seed, run index)
// and, within a run, from one stream per purpose (a step, a failing unit, a
// service's failovers), so
// results do not depend on thread count and two strategies compared on the
// same seed see the same draws for the same step (common random numbers).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace faultline {

// What a stream is drawn for; part of the stream's identity.
enum class StreamPurpose : std::uint32_t {
  step = 1,
  failure = 2,
  failover = 3,
  search = 4,
  fault = 5,
  restart = 6,
  calibrate = 7,  // calibrate's proposals: which particle, how far it moves
};

// xoshiro256** (Blackman and Vigna), seeded through SplitMix64. Small, fast,
// and with 2^256 - 1 period; satisfies UniformRandomBitGenerator.
class RandomStream {
 public:
  using result_type = std::uint64_t;

  RandomStream(std::uint64_t seed, std::uint64_t run, StreamPurpose purpose, std::uint32_t index) {
    std::uint64_t key = mix(seed + kGolden);
    key = mix(key ^ run);
    key = mix(key ^ ((static_cast<std::uint64_t>(purpose) << 32) | index));
    for (auto& word : state_) {
      key += kGolden;
      word = mix(key);
    }
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1), with 53 random bits.
  double uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  // SplitMix64's finaliser: a bijection that scatters nearby inputs.
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4];
};

// The streams of one purpose in one run, one per subject (a step, a
// service, a deployment), each opened when first drawn from: a run draws
// for few of an estate's services, and opening all of them every run cost
// a stream per service per run. A stream opened late starts where one
// opened early would have: nothing draws from it before.
class RandomStreams {
 public:
  // Streams (seed, run, purpose, i) for subjects i < count, none open yet.
  void open(std::uint64_t seed, std::uint64_t run, StreamPurpose purpose, std::size_t count) {
    seed_ = seed;
    run_ = run;
    purpose_ = purpose;
    if (count != opened_in_.size()) {
      // The streams first: should either assign throw, opened_in_ still
      // differs from `count`, and the next open sizes both again rather
      // than index streams_ past its end.
      streams_.assign(count, RandomStream(0, 0, purpose, 0));
      opened_in_.assign(count, 0);
      generation_ = 0;
    }
    if (++generation_ == 0) {  // after 2^32 runs in one worker
      std::fill(opened_in_.begin(), opened_in_.end(), 0);
      generation_ = 1;
    }
  }

  RandomStream& operator[](std::uint32_t subject) {
    if (opened_in_[subject] != generation_) {
      streams_[subject] = RandomStream(seed_, run_, purpose_, subject);
      opened_in_[subject] = generation_;
    }
    return streams_[subject];
  }

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t run_ = 0;
  StreamPurpose purpose_ = StreamPurpose::step;
  // Which open() a subject's stream was last opened in: open() forgets
  // every stream at once by counting up.
  std::uint32_t generation_ = 0;
  std::vector<std::uint32_t> opened_in_;
  std::vector<RandomStream> streams_;
};

}  // namespace faultline
