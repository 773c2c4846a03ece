#pragma once
// The discrete-event kernel: one event queue, ordered by time and, at equal
// times, by the order events were scheduled.

#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

#include "faultline/time.hpp"

namespace faultline {

struct EventHandle {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;
};

// A 4-ary min-heap of (time, sequence) keys. Payloads live in reusable slots;
// a cancelled event stays in the heap and is dropped when it reaches the top,
// so cancel is O(1) and handles of fired events are detected as stale.
template <class Payload>
class EventQueue {
 public:
  struct Fired {
    SimTime at;
    Payload payload;
  };

  EventHandle schedule(SimTime at, Payload payload) {
    if (at < now_)
      throw std::logic_error("event scheduled before the current simulated time");
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back({std::move(payload), 0, true});
    } else {
      slot = free_.back();
      free_.pop_back();
      slots_[slot].payload = std::move(payload);
      slots_[slot].live = true;
    }
    heap_.push_back({at, next_sequence_++, slot});
    sift_up(heap_.size() - 1);
    ++live_;
    return {slot, slots_[slot].generation};
  }

  // False when the event already fired or was cancelled.
  bool cancel(EventHandle h) {
    if (h.slot >= slots_.size())
      return false;
    Slot& s = slots_[h.slot];
    if (s.generation != h.generation || !s.live)
      return false;
    s.live = false;
    --live_;
    return true;
  }

  // Empties the queue and rewinds time to 0, keeping its memory. Handles from
  // before do not carry over.
  void reset() {
    heap_.clear();
    slots_.clear();
    free_.clear();
    next_sequence_ = 0;
    live_ = 0;
    now_ = SimTime{};
  }

  bool empty() const { return live_ == 0; }
  std::size_t size() const { return live_; }
  SimTime now() const { return now_; }

  // Removes the earliest live event, advancing now(), and shows it until
  // the next pop (nothing when none is left). Copied whole into a member,
  // not returned in an optional built field by field: the event read right
  // after such a build waited on its partial stores, 3% of a Webex run.
  const Fired* pop() {
    while (!heap_.empty()) {
      const Entry top = heap_.front();
      heap_.front() = heap_.back();
      heap_.pop_back();
      if (!heap_.empty())
        sift_down(0);
      Slot& s = slots_[top.slot];
      const bool live = s.live;
      s.live = false;
      ++s.generation;
      free_.push_back(top.slot);
      if (!live)
        continue;
      --live_;
      now_ = top.at;
      fired_.at = top.at;
      fired_.payload = std::move(s.payload);
      return &fired_;
    }
    return nullptr;
  }

 private:
  struct Entry {
    SimTime at;
    std::uint64_t sequence;
    std::uint32_t slot;
    bool before(const Entry& o) const { return at != o.at ? at < o.at : sequence < o.sequence; }
  };
  struct Slot {
    Payload payload;
    std::uint32_t generation;
    bool live;
  };
  static constexpr std::size_t kArity = 4;

  void sift_up(std::size_t i) {
    const Entry e = heap_[i];
    while (i > 0) {
      const std::size_t parent = (i - 1) / kArity;
      if (!e.before(heap_[parent]))
        break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = e;
  }

  void sift_down(std::size_t i) {
    const Entry e = heap_[i];
    const std::size_t n = heap_.size();
    while (true) {
      const std::size_t first = i * kArity + 1;
      if (first >= n)
        break;
      std::size_t best = first;
      const std::size_t last = first + kArity < n ? first + kArity : n;
      for (std::size_t c = first + 1; c < last; ++c) {
        if (heap_[c].before(heap_[best]))
          best = c;
      }
      if (!heap_[best].before(e))
        break;
      heap_[i] = heap_[best];
      i = best;
    }
    heap_[i] = e;
  }

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  Fired fired_{};  // the last popped
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
  SimTime now_;
};

}  // namespace faultline
