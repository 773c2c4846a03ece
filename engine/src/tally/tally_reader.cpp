// Reading a shard's tally back: the header, then every statistic into a
// result the scenario has shaped, each line checked, so that a file cut
// short, edited or of another study is refused at file:line:col and never
// read as something else.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "faultline/tally.hpp"
#include "tally/tally_fields.hpp"
#include "tally/tally_format.hpp"

namespace faultline {

namespace {

struct Unreadable {
  SourceLocation where;
  std::string message;
};

// The file's lines, one at a time, cut into words at single spaces.
class Lines {
 public:
  Lines(std::string file, std::string text) : file_(std::move(file)), text_(std::move(text)) {}

  // Moves to the next line; at the end of the file, says the file ends early.
  void next(std::string_view expected) {
    if (next_ >= text_.size())
      fail_at({file_, line_ + 1, 1}, fmt::format("the tally ends early: {} should follow; a "
                                                 "shard cut short must be made again",
                                                 expected));
    const std::size_t end = text_.find('\n', next_);
    line_text_ = std::string_view(text_).substr(next_, end - next_);
    next_ = end == std::string::npos ? text_.size() : end + 1;
    ++line_;
    words_.clear();
    for (std::size_t from = 0; from <= line_text_.size();) {
      const std::size_t space = std::min(line_text_.find(' ', from), line_text_.size());
      words_.push_back({line_text_.substr(from, space - from), static_cast<int>(from) + 1});
      from = space + 1;
    }
  }
  bool at_end() const { return next_ >= text_.size(); }
  std::size_t words() const { return words_.size(); }
  std::string_view word(std::size_t i) const {
    if (i >= words_.size())
      fail(words_.size(), "the line ends early");
    return words_[i].text;
  }
  // The line from word i on, spaces and all.
  std::string_view rest(std::size_t i) const {
    word(i);
    return line_text_.substr(static_cast<std::size_t>(words_[i].column - 1));
  }
  // Checks the line starts with `key` and has `count` words in all.
  void expect(std::string_view key, std::size_t count) const {
    if (word(0) != key)
      fail(0, fmt::format("expected '{}', found '{}'", key, word(0)));
    if (words_.size() != count)
      fail(std::min(words_.size(), count),
           fmt::format("'{}' takes {} values, found {}", key, count - 1, words_.size() - 1));
  }
  std::uint64_t unsigned_at(std::size_t i) const { return number<std::uint64_t>(i, 10); }
  std::int64_t signed_at(std::size_t i) const { return number<std::int64_t>(i, 10); }
  Uint128 hex_at(std::size_t i) const {
    const std::string_view w = word(i);
    if (w.empty() || w.size() > 32)
      fail(i, fmt::format("expected a sum of up to 32 hex digits, found '{}'", w));
    const std::size_t split = w.size() > 16 ? w.size() - 16 : 0;
    const auto high = split == 0 ? 0 : parse<std::uint64_t>(i, w.substr(0, split), 16);
    return (static_cast<Uint128>(high) << 64) | parse<std::uint64_t>(i, w.substr(split), 16);
  }
  [[noreturn]] void fail(std::size_t i, std::string message) const {
    const int column =
        i < words_.size() ? words_[i].column : static_cast<int>(line_text_.size()) + 1;
    fail_at({file_, line_, column}, std::move(message));
  }

 private:
  template <class Number>
  Number number(std::size_t i, int base) const {
    return parse<Number>(i, word(i), base);
  }
  template <class Number>
  Number parse(std::size_t i, std::string_view w, int base) const {
    Number value{};
    const auto [end, error] = std::from_chars(w.data(), w.data() + w.size(), value, base);
    if (error != std::errc() || end != w.data() + w.size() || w.empty())
      fail(i, fmt::format("expected a whole number, found '{}'", word(i)));
    return value;
  }
  [[noreturn]] static void fail_at(SourceLocation where, std::string message) {
    throw Unreadable{std::move(where), std::move(message)};
  }

  struct Word {
    std::string_view text;
    int column = 1;
  };
  std::string file_;
  std::string text_;
  std::size_t next_ = 0;
  int line_ = 0;
  std::string_view line_text_;
  std::vector<Word> words_;
};

// Reads the statistics visit_tally lists, in its order, into a result
// already shaped by the scenario: a count that disagrees with the shape is
// an error, not a resize.
class TallyReader {
 public:
  // `runs` bounds the counts until a "runs" line says how many there are.
  explicit TallyReader(Lines& lines, std::uint64_t runs = 0) : lines_(lines), runs_(runs) {}

  // The first statistic is the runs, which bound every count after it.
  void operator()(const std::string& name, std::uint64_t& count) {
    begin(name);
    lines_.expect(name, 2);
    count = name == "runs" ? runs_ = lines_.unsigned_at(1) : counted(1);
  }
  // Counts of runs (unsigned), or sums of values of 0 or more (signed).
  template <class Number>
  void operator()(const std::string& name, std::vector<Number>& numbers) {
    begin(name);
    if (lines_.unsigned_at(1) != numbers.size())
      lines_.fail(1, fmt::format("'{}' has {} values for this scenario, found {}", name,
                                 numbers.size(), lines_.word(1)));
    lines_.expect(name, numbers.size() + 2);
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      if constexpr (std::is_signed_v<Number>) {
        numbers[i] = lines_.signed_at(i + 2);
        if (numbers[i] < 0)
          lines_.fail(i + 2, "a sum of values of 0 or more is not below 0");
      } else {
        numbers[i] = counted(i + 2);
      }
    }
  }
  void operator()(const std::string& name, Moments& m) {
    begin(name);
    std::size_t i = 1;
    m = whole(1, [&] { return Moments(moments(i)); });
    end_of_line(name, i);
  }
  // Each run counted short ended with users cut off, or before a strike,
  // or both, and before the others' same run did: the two have as many
  // runs, and the earliest and latest of its ends come before theirs.
  void operator()(const std::string& name, CountedShort& c) {
    begin(name);
    c.cut_off = counted(1);
    c.strikes_to_come = counted(2);
    std::size_t i = 3;
    c.ended_ms = whole(3, [&] { return Moments(moments(i)); });
    const std::size_t others = i;
    c.others_ended_ms = whole(others, [&] { return Moments(moments(i)); });
    const Moments& ended = c.ended_ms;
    const Moments& later = c.others_ended_ms;
    check_ways_ended(c);
    if (ended.count() != later.count())
      lines_.fail(others, fmt::format("{} runs counted short, and the others' ends of {}",
                                      ended.count(), later.count()));
    if (ended.count() > 0 && ended.min() < 0)
      lines_.fail(6, fmt::format("a run ended {} ms before T0", -ended.min()));
    if (ended.count() > 0 && (ended.min() >= later.min() || ended.max() >= later.max()))
      lines_.fail(others, "the others' same runs end after the runs counted short, not before");
    end_of_line(name, i);
  }
  // Every run counted short ended one way or both.
  void check_ways_ended(const CountedShort& c) {
    const std::uint64_t runs = c.ended_ms.count();
    if (c.cut_off > runs)
      lines_.fail(1, fmt::format("{} runs ended cut off, of {} counted short", c.cut_off, runs));
    if (c.strikes_to_come > runs)
      lines_.fail(2, fmt::format("{} runs ended before a strike, of {} counted short",
                                 c.strikes_to_come, runs));
    if (c.cut_off + c.strikes_to_come < runs)
      lines_.fail(1, fmt::format("{} runs counted short, but {} ended cut off and {} before a "
                                 "strike",
                                 runs, c.cut_off, c.strikes_to_come));
  }
  void operator()(const std::string& name, Accumulator& a) {
    begin(name);
    std::size_t i = 1;
    a = accumulator(i);
    end_of_line(name, i);
  }
  void operator()(const std::string& name, EventTimes& t) {
    begin(name);
    const std::uint64_t never = counted(1);
    std::size_t i = 2;
    t = EventTimes(accumulator(i), never);
    if (t.runs() > runs_)
      lines_.fail(1, fmt::format("{} runs with or without the event, of {}", t.runs(), runs_));
    end_of_line(name, i);
  }
  void operator()(const std::string& name, SignedTimes& t) {
    begin(name);
    const std::uint64_t never = counted(1);
    std::size_t i = 2;
    const Moments all = whole(i, [&] { return Moments(moments(i)); });
    Accumulator below = accumulator(i);
    Accumulator from = accumulator(i);
    t = whole(2, [&] { return SignedTimes(all, std::move(below), std::move(from), never); });
    if (t.runs() > runs_)
      lines_.fail(1, fmt::format("{} runs with or without the event, of {}", t.runs(), runs_));
    end_of_line(name, i);
  }

 private:
  void begin(std::string_view name) {
    lines_.next(fmt::format("'{}'", name));
    if (lines_.word(0) != name)
      lines_.fail(0, fmt::format("expected '{}', found '{}'", name, lines_.word(0)));
  }
  void end_of_line(std::string_view name, std::size_t i) const {
    if (lines_.words() != i)
      lines_.fail(i, fmt::format("'{}' has {} values, found {}", name, i - 1, lines_.words() - 1));
  }
  // Builds a statistic from the words from `first` on, its checks located there.
  template <class Build>
  auto whole(std::size_t first, const Build& build) const -> decltype(build()) {
    try {
      return build();
    } catch (const std::invalid_argument& e) {
      lines_.fail(first, fmt::format("not a tally any runs give: {}", e.what()));
    }
  }
  // A count of runs, at most the runs.
  std::uint64_t counted(std::size_t i) const {
    const std::uint64_t count = lines_.unsigned_at(i);
    if (count > runs_)
      lines_.fail(i, fmt::format("a count of {} runs, of {}", count, runs_));
    return count;
  }
  // Values no run gives are refused: they would overflow the reports'
  // arithmetic.
  std::int64_t extreme(std::size_t i) const {
    const std::int64_t value = lines_.signed_at(i);
    if (value <= -kLargestValue || value >= kLargestValue)
      lines_.fail(i, fmt::format("a value of {}, past the 2^62 a run can give", value));
    return value;
  }
  MomentsState moments(std::size_t& i) const {
    MomentsState m;
    m.count = counted(i);
    m.sum = lines_.hex_at(i + 1);
    m.sum_of_squares = lines_.hex_at(i + 2);
    m.min = extreme(i + 3);
    m.max = extreme(i + 4);
    i += 5;
    return m;
  }
  Accumulator accumulator(std::size_t& i) const {
    const std::size_t first = i;
    AccumulatorState state;
    state.moments = moments(i);
    state.first_bucket = lines_.unsigned_at(i);
    const std::uint64_t buckets = lines_.unsigned_at(i + 1);
    i += 2;
    if (buckets > lines_.words() - i)
      lines_.fail(i - 1, fmt::format("{} bucket counts should follow, found {}", buckets,
                                     lines_.words() - i));
    for (std::uint64_t b = 0; b < buckets; ++b)
      state.buckets.push_back(lines_.unsigned_at(i++));
    return whole(first, [&] { return Accumulator(std::move(state)); });
  }

  static constexpr std::int64_t kLargestValue = std::int64_t{1} << 62;
  Lines& lines_;
  std::uint64_t runs_ = 0;
};

TallyHeader parse_header(Lines& lines) {
  using detail::HeaderLine;
  TallyHeader h;
  lines.next("the header");
  if (lines.word(0) != detail::kTallyMagic)
    lines.fail(0, fmt::format("not a Faultline tally: it starts '{}' where a tally starts '{} {}'",
                              lines.word(0), detail::kTallyMagic, kTallyFormatVersion));
  lines.expect(detail::kTallyMagic, 2);
  if (lines.unsigned_at(1) != kTallyFormatVersion)
    lines.fail(1, fmt::format("the tally is in format {}; this faultline reads format {} only",
                              lines.word(1), kTallyFormatVersion));
  lines.next("command");
  lines.expect("command", 2);
  const auto command = parse_word<StudyCommand>(lines.word(1));
  if (!command)
    lines.fail(
        1, fmt::format("expected {}, found '{}'", expected_words<StudyCommand>(), lines.word(1)));
  h.command = *command;
  lines.next("faultline-version");
  lines.expect("faultline-version", 2);
  h.faultline_version = lines.word(1);
  lines.next("seed");
  lines.expect("seed", 2);
  h.seed = lines.unsigned_at(1);
  lines.next("runs");
  lines.expect("runs", 2);
  h.runs = lines.unsigned_at(1);
  if (h.runs < 1 || h.runs > kMostRuns)
    lines.fail(1, fmt::format("a study makes 1 to {} runs, found {}", kMostRuns, h.runs));
  lines.next("range");
  lines.expect("range", 3);
  h.range = {lines.unsigned_at(1), lines.unsigned_at(2)};
  if (h.range.first > h.range.end || h.range.end > h.runs)
    lines.fail(1, fmt::format("the range [{}, {}) is not within the study's runs [0, {})",
                              h.range.first, h.range.end, h.runs));
  return h;
}

// What the command reads again from the header: a simulation's one
// scenario and at most one strategy and SLO file; a comparison's one
// scenario under two strategies or more, or two under at most one, and no
// sampling step or fidelity of its own. Said at the "body" line.
void check_inputs_and_options(const Lines& lines, const TallyHeader& h) {
  const auto inputs = [&](std::string_view role) {
    return std::count_if(h.inputs.begin(), h.inputs.end(),
                         [&](const TallyInput& input) { return input.role == role; });
  };
  const auto scenarios = inputs("scenario");
  const auto strategies = h.strategies.size();
  const bool simulation = scenarios == 1 && strategies <= 1;
  const bool comparison =
      ((scenarios == 1 && strategies >= 2) || (scenarios == 2 && strategies <= 1)) &&
      !h.sample_every && !h.network;
  if ((h.command == StudyCommand::simulate ? !simulation : !comparison) || inputs("slo") > 1)
    lines.fail(0, fmt::format("a tally of {} with {} scenarios, {} strategies, {} SLO files and "
                              "{}: no {} reads those",
                              word_of(h.command), scenarios, strategies, inputs("slo"),
                              h.sample_every || h.network ? "options of sampling or fidelity"
                                                          : "no options",
                              word_of(h.command)));
}

void parse_options(Lines& lines, TallyHeader& h) {
  lines.next("sample-every");
  lines.expect("sample-every", 2);
  if (lines.word(1) != "-") {
    h.sample_every = Duration{lines.signed_at(1)};
    if (h.sample_every->ms <= 0)
      lines.fail(1, "the sampling step is a number of milliseconds above 0, or -");
  }
  lines.next("fidelity");
  if (lines.word(1) == "network") {
    lines.expect("fidelity", 4);
    h.network = NetworkOptions{Duration{lines.signed_at(2)}, Duration{lines.signed_at(3)}};
    if (h.network->step.ms <= 0 || h.network->window < h.network->step)
      lines.fail(2, "a network step is milliseconds above 0, and its window at least as long");
  } else if (lines.word(1) == "state") {
    lines.expect("fidelity", 2);
  } else {
    lines.fail(1, fmt::format("expected 'state' or 'network', found '{}'", lines.word(1)));
  }
  lines.next("strategies");
  lines.expect("strategies", lines.words());
  for (std::size_t i = 1; i < lines.words(); ++i) {
    if (lines.word(i).empty())
      lines.fail(i, "strategies are words, one space apart");
    h.strategies.emplace_back(lines.word(i));
  }
  for (lines.next("body"); lines.word(0) == "input"; lines.next("body")) {
    if (lines.words() < 4)
      lines.fail(lines.words(), "an input gives its part, its SHA-256 and its path");
    h.inputs.push_back(
        {std::string(lines.word(1)), std::string(lines.rest(3)), std::string(lines.word(2))});
  }
  lines.expect("body", 1);
  check_inputs_and_options(lines, h);
}

std::optional<std::string> contents(const std::string& path, Diagnostics& diagnostics) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    diagnostics.error({path, 0, 0},
                      "a tally is a file that simulate or compare wrote; this is "
                      "none, or cannot be read");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in)
    text << in.rdbuf();
  if (!in || in.bad()) {
    diagnostics.error({path, 0, 0}, "cannot read the tally file");
    return std::nullopt;
  }
  return std::move(text).str();
}

TallyHeader header_of(Lines& lines) {
  TallyHeader h = parse_header(lines);
  parse_options(lines, h);
  return h;
}

// The file's lines parsed; nothing, with the first problem as the
// diagnostic, when it cannot be read or parsed.
template <class Value, class Parse>
std::optional<Value> parsed(const std::string& path, Diagnostics& diagnostics, const Parse& parse) {
  auto text = contents(path, diagnostics);
  if (!text)
    return std::nullopt;
  Lines lines(path, std::move(*text));
  try {
    return parse(lines);
  } catch (const Unreadable& e) {
    diagnostics.error(e.where, e.message);
    return std::nullopt;
  }
}

// The tally's header and body, the body read into `empty` by `visit`.
template <class Result, class Visit>
std::optional<Result> read_body(const std::string& path, Diagnostics& diagnostics,
                                const Result& empty, StudyCommand command, const Visit& visit) {
  return parsed<Result>(path, diagnostics, [&](Lines& lines) {
    const TallyHeader header = header_of(lines);
    if (header.command != command)
      throw Unreadable{{path, static_cast<int>(detail::HeaderLine::command), 9},
                       fmt::format("a tally of {} where one of {} was expected",
                                   word_of(header.command), word_of(command))};
    Result result = empty;
    TallyReader reader(lines);
    visit(result, reader);
    lines.next("'end'");
    lines.expect("end", 1);
    if (!lines.at_end())
      lines.fail(0, "the tally goes on after its end");
    if (result.runs != header.range.end - header.range.first)
      throw Unreadable{{path, static_cast<int>(detail::HeaderLine::range), 1},
                       fmt::format("the range holds {} runs, the tally {}",
                                   header.range.end - header.range.first, result.runs)};
    result.first_run = header.range.first;
    return result;
  });
}

}  // namespace

TallyHeaderRead read_tally_header(const std::string& path) {
  TallyHeaderRead read;
  read.header = parsed<TallyHeader>(path, read.diagnostics, header_of);
  return read;
}

TallyRead read_tally(const std::string& path, const MonteCarloResult& empty) {
  TallyRead read;
  read.result = read_body(path, read.diagnostics, empty, StudyCommand::simulate,
                          [](MonteCarloResult& r, TallyReader& v) { detail::visit_tally(r, v); });
  return read;
}

ComparisonTallyRead read_tally(const std::string& path, const Comparison& empty) {
  ComparisonTallyRead read;
  read.result = read_body(path, read.diagnostics, empty, StudyCommand::compare,
                          [](Comparison& r, TallyReader& v) { detail::visit_comparison(r, v); });
  return read;
}

namespace {

// Reads `text` with `read`; a problem becomes std::invalid_argument.
template <class Read>
auto read_text(const std::string& text, const Read& read) {
  Lines lines("<process>", text);
  try {
    return read(lines);
  } catch (const Unreadable& e) {
    throw std::invalid_argument(
        fmt::format("{}:{}:{}: {}", e.where.file, e.where.line, e.where.column, e.message));
  }
}

}  // namespace

namespace {

// A body read into `empty` by `visit`, as a process of the study wrote it.
template <class Result, class Visit>
Result read_process_body(const std::string& text, const Result& empty, const Visit& visit) {
  return read_text(text, [&](Lines& lines) {
    Result result = empty;
    TallyReader reader(lines);
    visit(result, reader);
    lines.next("'end'");
    lines.expect("end", 1);
    return result;
  });
}

}  // namespace

MonteCarloResult read_tally_body(const std::string& text, const MonteCarloResult& empty) {
  return read_process_body(text, empty,
                           [](MonteCarloResult& r, TallyReader& v) { detail::visit_tally(r, v); });
}

Comparison read_tally_body(const std::string& text, const Comparison& empty) {
  return read_process_body(text, empty,
                           [](Comparison& r, TallyReader& v) { detail::visit_comparison(r, v); });
}

Accumulator read_statistic(const std::string& text) {
  return read_text(text, [](Lines& lines) {
    Accumulator statistic;
    TallyReader reader(lines, std::numeric_limits<std::uint64_t>::max());
    reader("statistic", statistic);
    return statistic;
  });
}

}  // namespace faultline
