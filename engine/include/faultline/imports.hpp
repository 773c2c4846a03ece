#pragma once
// What other tools know of an estate, brought in: a Backstage service
// catalog becomes a topology, and the calls a tracing system saw are held
// against a topology's dependencies.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "faultline/diagnostics.hpp"
#include "faultline/loader.hpp"
#include "faultline/model.hpp"

namespace faultline {

// ---- Backstage ------------------------------------------------------------
//
// Backstage catalog files (catalog-info.yaml; several documents each, "---"
// between them). Components and Resources become services; `dependsOn` and
// `dependencyOf` (entity references [kind:][namespace/]name, the namespace
// defaulting to the entity's own), and `consumesApis` matched with the
// `providesApis` of other entities (kind API by default), become
// dependencies; `system` and the owner are noted beside each service.
// Entities of other kinds (Group, User, Domain, Location, Template ...) are
// counted and left out.
//
// What a catalog does not hold comes from annotations on the entity:
//   faultline.io/regions            "us-east, eu-west": a deployment in each
//   faultline.io/instances          instances of each deployment
//   faultline.io/redundancy         none, active-active, active-passive, k-of-n
//   faultline.io/quorum             for k-of-n
//   faultline.io/users              a user group of this many uses it
//   faultline.io/time-zone          that group's time zone (IANA)
//   faultline.io/soft-dependencies  references among its dependencies that
//                                   are soft (it works, degraded, without them)
// What is missing is written as a placeholder, said in the service's or
// group's description ("PLACEHOLDER: ...") and in `placeholders`.
struct BackstageImport {
  std::string topology_yaml;  // a topology that `faultline validate` accepts
  std::size_t services = 0;
  std::size_t dependencies = 0;
  std::size_t user_groups = 0;
  // One line per placeholder written, and per entity left out by kind.
  std::vector<std::string> placeholders;
  std::vector<std::string> left_out;
};

// Nothing, with the reasons in `diagnostics`, when a file cannot be read or
// an entity is malformed, a reference names nothing in the files, or an
// annotation is unknown or out of range.
std::optional<BackstageImport> import_backstage(const std::vector<std::string>& paths,
                                                const LoadOptions& options,
                                                Diagnostics& diagnostics);

// ---- Traces ---------------------------------------------------------------

// Calls from one service to another that traces saw, summed over the input
// (at most 2^63 - 1). A pair with no calls names its services as traced, but
// is no call.
struct ObservedCall {
  std::string client;
  std::string server;
  std::uint64_t calls = 0;
};

// Reads dependency links, by their content: Jaeger's or Zipkin's JSON (an
// array, or Jaeger's {"data": [...]}, of {parent, child, callCount}) or the
// OpenTelemetry service graph's Prometheus text metrics
// (traces_service_graph_request_total{client, server}). Pairs in order of
// first appearance.
std::optional<std::vector<ObservedCall>> read_trace_links(const std::string& path,
                                                          const LoadOptions& options,
                                                          Diagnostics& diagnostics);

struct DeclaredDependency {
  ServiceId client;  // depends on server
  ServiceId server;
  DependencyKind kind = DependencyKind::hard;
};

// A topology's dependencies against the calls traces saw: drift is a call
// the topology does not declare, a declared dependency between two services
// the traces see that they never saw called, or a service the traces name
// that the topology does not have. A dependency on or of a service the
// traces never name is not judged: it was not traced.
struct DependencyDrift {
  std::vector<ObservedCall> undeclared;
  std::vector<DeclaredDependency> never_called;
  std::vector<DeclaredDependency> not_traced;
  // Names in the traces that are no service id, in order of appearance.
  std::vector<std::string> unknown_services;
  // Calls of a service of the topology to itself: no dependency, so not
  // judged, but said.
  std::vector<ObservedCall> to_itself;
  std::size_t calls_matched = 0;  // pairs both declared and seen

  bool drifted() const {
    return !undeclared.empty() || !never_called.empty() || !unknown_services.empty();
  }
};

DependencyDrift dependency_drift(const Topology& topology, const std::vector<ObservedCall>& calls);

}  // namespace faultline
