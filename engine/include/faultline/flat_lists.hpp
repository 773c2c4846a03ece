#pragma once
// Lists of items by a dense id (a service's user groups, its dependants),
// kept end to end in one array: reading the lists of many ids touches one
// stretch of memory, not one heap block per id, which matters in an estate
// of 10^5 services.

#include <cstddef>
#include <span>
#include <vector>

namespace faultline {

template <class Id, class Item>
class FlatLists {
 public:
  FlatLists() = default;
  // lists[i] becomes the list of Id{i}.
  explicit FlatLists(const std::vector<std::vector<Item>>& lists) {
    starts_.reserve(lists.size() + 1);
    starts_.push_back(0);
    for (const auto& list : lists) {
      items_.insert(items_.end(), list.begin(), list.end());
      starts_.push_back(items_.size());
    }
  }
  std::span<const Item> operator[](Id id) const {
    return {items_.data() + starts_[id.value], starts_[id.value + 1] - starts_[id.value]};
  }

 private:
  std::vector<std::size_t> starts_;  // one more than lists
  std::vector<Item> items_;
};

}  // namespace faultline
