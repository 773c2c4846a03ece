#pragma once
// A visitor made of lambdas, one per alternative of a std::variant:
// std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v).

namespace faultline {

template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// Clang 14 does not deduce an aggregate's template arguments by itself.
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

}  // namespace faultline
