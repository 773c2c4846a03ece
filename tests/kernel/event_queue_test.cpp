#include <gtest/gtest.h>

#include "faultline/kernel.hpp"

namespace faultline {
namespace FAULTLINE_TEST_FILE {

SimTime at(std::int64_t ms) {
  return SimTime{ms};
}

TEST(EventQueue, PopsInTimeOrder) {
  EventQueue<int> q;
  q.schedule(at(30), 3);
  q.schedule(at(10), 1);
  q.schedule(at(20), 2);
  EXPECT_EQ(q.size(), 3u);
  for (int expected = 1; expected <= 3; ++expected) {
    const auto e = q.pop();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->payload, expected);
    EXPECT_EQ(q.now(), e->at);
  }
  EXPECT_TRUE(q.empty());
  EXPECT_FALSE(q.pop());
}

// A run handles the event it popped while its handlers schedule more: the
// event shown stays as it was, however many slots the queue adds meanwhile,
// until the next pop.
TEST(EventQueue, ThePoppedEventStaysWhileMoreAreScheduled) {
  EventQueue<int> q;
  q.schedule(at(10), 7);
  const auto fired = q.pop();
  ASSERT_TRUE(fired);
  for (int i = 0; i < 1000; ++i)
    q.schedule(at(20 + i), i);
  EXPECT_EQ(fired->payload, 7);
  EXPECT_EQ(fired->at, at(10));
  EXPECT_EQ(q.pop()->payload, 0);
}

TEST(EventQueue, BreaksTiesInTheOrderEventsWereScheduled) {
  EventQueue<int> q;
  // Enough equal keys to exercise the 4-ary heap's several levels.
  for (int i = 0; i < 100; ++i)
    q.schedule(at(i % 2 == 0 ? 5 : 7), i);
  std::vector<int> order;
  while (auto e = q.pop())
    order.push_back(e->payload);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[i], 2 * i) << "time 5 first, in scheduling order";
    EXPECT_EQ(order[50 + i], 2 * i + 1);
  }
}

TEST(EventQueue, CancelledEventsNeverFire) {
  EventQueue<int> q;
  q.schedule(at(1), 1);
  const EventHandle doomed = q.schedule(at(2), 2);
  q.schedule(at(3), 3);
  EXPECT_TRUE(q.cancel(doomed));
  EXPECT_FALSE(q.cancel(doomed)) << "twice";
  EXPECT_EQ(q.size(), 2u);
  EXPECT_EQ(q.pop()->payload, 1);
  EXPECT_EQ(q.pop()->payload, 3);
  EXPECT_FALSE(q.pop());
}

TEST(EventQueue, HandlesOfFiredEventsGoStaleEvenWhenTheirSlotIsReused) {
  EventQueue<int> q;
  const EventHandle first = q.schedule(at(1), 1);
  EXPECT_EQ(q.pop()->payload, 1);
  EXPECT_FALSE(q.cancel(first));
  const EventHandle second = q.schedule(at(2), 2);
  EXPECT_EQ(second.slot, first.slot) << "the slot is reused";
  EXPECT_FALSE(q.cancel(first)) << "the old handle must not cancel the new event";
  EXPECT_EQ(q.pop()->payload, 2);
}

TEST(EventQueue, RefusesToScheduleIntoThePast) {
  EventQueue<int> q;
  q.schedule(at(10), 1);
  q.pop();
  EXPECT_THROW(q.schedule(at(9), 2), std::logic_error);
  EXPECT_NO_THROW(q.schedule(at(10), 3));
}

TEST(EventQueue, KeepsHeapOrderUnderRandomInterleaving) {
  EventQueue<std::int64_t> q;
  std::uint64_t x = 88172645463325252ull;  // xorshift: a fixed, reproducible sequence
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  std::vector<EventHandle> handles;
  for (int i = 0; i < 2000; ++i) {
    const auto t = q.now().ms + static_cast<std::int64_t>(next() % 1000);
    handles.push_back(q.schedule(at(t), t));
    if (next() % 3 == 0)
      q.cancel(handles[next() % handles.size()]);
    if (next() % 2 == 0) {
      const SimTime before = q.now();
      if (const auto e = q.pop()) {
        EXPECT_GE(e->at, before);
        EXPECT_EQ(e->payload, e->at.ms);
      }
    }
  }
  SimTime last = q.now();
  while (const auto e = q.pop()) {
    EXPECT_GE(e->at, last);
    last = e->at;
  }
}

}  // namespace FAULTLINE_TEST_FILE
}  // namespace faultline
