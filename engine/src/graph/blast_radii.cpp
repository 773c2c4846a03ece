#include "graph/blast_radii.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace faultline::graph {

namespace {

using Word = std::uint64_t;
constexpr std::size_t kWordBits = 64;
// Sources per pass: 4096, which keeps a pass over 10^5 services near 50 MB.
constexpr std::size_t kMostWords = 64;

// The hard-dependency graph with each strong component as one vertex: a
// loss spreads from a component to lower-numbered ones only (Tarjan's
// numbering), so one pass from the highest down sees every way in.
struct Condensation {
  std::vector<std::uint32_t> component;  // by service
  std::vector<std::uint32_t> size;       // by component
  Successors edges;                      // by component
};

Condensation condense(const Successors& hard) {
  Condensation c;
  c.component = strong_components(hard);
  const std::uint32_t count =
      hard.empty() ? 0 : *std::max_element(c.component.begin(), c.component.end()) + 1;
  c.size.assign(count, 0);
  c.edges.resize(count);
  for (std::uint32_t u = 0; u < hard.size(); ++u) {
    ++c.size[c.component[u]];
    for (const std::uint32_t v : hard[u]) {
      if (c.component[v] != c.component[u])
        c.edges[c.component[u]].push_back(c.component[v]);
    }
  }
  for (auto& e : c.edges) {
    std::sort(e.begin(), e.end());
    e.erase(std::unique(e.begin(), e.end()), e.end());
  }
  return c;
}

// Calls f(i) for each bit i set in the row of `words` words.
template <class F>
void for_each_bit(const Word* row, std::size_t words, F&& f) {
  for (std::size_t w = 0; w < words; ++w) {
    for (Word bits = row[w]; bits != 0; bits &= bits - 1)
      f(w * kWordBits + static_cast<std::size_t>(std::countr_zero(bits)));
  }
}

// For a block of sources, the services [first, first + count): which of
// them reach each component, a row of `words` words per component, in
// memory kept from block to block.
class SourceBlock {
 public:
  SourceBlock(const Condensation& c, std::uint32_t first, std::uint32_t count, std::size_t words,
              std::vector<Word>& rows)
      : words_(words), rows_(rows) {
    rows_.assign(c.size.size() * words, 0);
    for (std::uint32_t i = 0; i < count; ++i)
      row(c.component[first + i])[i / kWordBits] |= Word{1} << (i % kWordBits);
    for (std::size_t from = c.size.size(); from-- > 0;) {
      const Word* source = row(from);
      for (const std::uint32_t to : c.edges[from]) {
        Word* target = row(to);
        for (std::size_t w = 0; w < words_; ++w)
          target[w] |= source[w];
      }
    }
  }
  const Word* row(std::size_t component) const { return rows_.data() + component * words_; }

 private:
  Word* row(std::size_t component) { return rows_.data() + component * words_; }

  std::size_t words_;
  std::vector<Word>& rows_;
};

// How many services each source takes down: the sizes of the components
// it reaches, less itself.
void count_services(const Condensation& c, const SourceBlock& block, std::size_t words,
                    BlastRadius* radii) {
  for (std::size_t comp = 0; comp < c.size.size(); ++comp)
    for_each_bit(block.row(comp), words,
                 [&](std::size_t i) { radii[i].services_lost_count += c.size[comp]; });
}

// The first services by id each source takes down, up to the limit: a
// source drops out of the mask once its list is full.
void list_services(const Topology& topology, const Condensation& c, const SourceBlock& block,
                   std::size_t words, std::uint32_t first, std::size_t limit, BlastRadius* radii) {
  std::vector<Word> open(words, ~Word{0});
  std::vector<Word> reached(words);
  for (std::uint32_t v = 0; v < topology.services().size(); ++v) {
    const Word* row = block.row(c.component[v]);
    for (std::size_t w = 0; w < words; ++w)
      reached[w] = row[w] & open[w];
    for_each_bit(reached.data(), words, [&](std::size_t i) {
      if (first + i == v)
        return;
      radii[i].services_lost.push_back(ServiceId{v});
      if (radii[i].services_lost.size() == limit)
        open[i / kWordBits] &= ~(Word{1} << (i % kWordBits));
    });
  }
}

// The groups each source reaches, through any service it takes down or
// itself, and their users.
void add_groups(const Topology& topology, const Condensation& c, const SourceBlock& block,
                std::size_t words, std::size_t limit, BlastRadius* radii) {
  std::vector<Word> reached(words);
  for (std::uint32_t g = 0; g < topology.user_groups().size(); ++g) {
    std::fill(reached.begin(), reached.end(), 0);
    for (const ServiceId s : topology.user_groups()[g].uses) {
      const Word* row = block.row(c.component[s.value]);
      for (std::size_t w = 0; w < words; ++w)
        reached[w] |= row[w];
    }
    const UserCount users = topology.user_groups()[g].users;
    for_each_bit(reached.data(), words, [&](std::size_t i) {
      BlastRadius& r = radii[i];
      r.users += users;
      if (r.user_groups_count++ < limit)
        r.user_groups.push_back(UserGroupId{g});
    });
  }
}

}  // namespace

Successors hard_dependants(const Topology& topology) {
  Successors edges(topology.services().size());
  for (std::uint32_t s = 0; s < topology.services().size(); ++s) {
    for (const auto& dep : topology.services()[s].dependencies) {
      if (dep.kind == DependencyKind::hard)
        edges[dep.service.value].push_back(s);
    }
  }
  return edges;
}

// Sources go in blocks of up to 4096, each block one pass over the
// condensation with a bitset per component: a loss reaches what its
// component reaches.
std::vector<BlastRadius> blast_radii(const Topology& topology, std::size_t list_limit) {
  const auto n = static_cast<std::uint32_t>(topology.services().size());
  std::vector<BlastRadius> radii(n);
  for (std::uint32_t s = 0; s < n; ++s)
    radii[s].service = ServiceId{s};
  const Condensation c = condense(hard_dependants(topology));
  const std::size_t most = kMostWords * kWordBits;
  std::vector<Word> rows;
  for (std::uint32_t first = 0; first < n; first += static_cast<std::uint32_t>(most)) {
    const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(most, n - first));
    const std::size_t words = (count + kWordBits - 1) / kWordBits;
    const SourceBlock block(c, first, count, words, rows);
    BlastRadius* const in_block = radii.data() + first;
    count_services(c, block, words, in_block);
    if (list_limit > 0)
      list_services(topology, c, block, words, first, list_limit, in_block);
    add_groups(topology, c, block, words, list_limit, in_block);
  }
  for (BlastRadius& r : radii)
    --r.services_lost_count;  // the service itself
  return radii;
}

}  // namespace faultline::graph
