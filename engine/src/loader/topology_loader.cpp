#include <fmt/format.h>

#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "faultline/words.hpp"
#include "graph/dependency_graph.hpp"
#include "loader/loaders.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline::loader {

namespace {

// `count` tenant sizes, smallest first: a lognormal's quantiles at
// (i + 1/2) / count, each at least one user.
std::vector<UserCount> lognormal_sizes(double median, double p95, int count) {
  const boost::math::normal standard;
  const double sigma = std::log(p95 / median) / boost::math::quantile(standard, 0.95);
  std::vector<UserCount> sizes;
  for (int i = 0; i < count; ++i) {
    const double z = boost::math::quantile(standard, (i + 0.5) / count);
    sizes.push_back(
        UserCount{std::max<std::int64_t>(1, std::llround(median * std::exp(sigma * z)))});
  }
  return sizes;
}

class TopologyReader {
 public:
  TopologyReader(const std::string& path, Diagnostics& diagnostics)
      : reader_(path, diagnostics), regions_("region"), services_("service") {}

  // A scenario where a topology belongs gets one message naming its
  // topology, not a dozen unknown keys.
  bool is_scenario(const yaml::Node& root) {
    if (!root.is_map() || root["services"].defined() || !root["topology"].defined())
      return false;
    const yaml::Node named = root["topology"];
    reader_.error(root, "this is a scenario, not a topology" +
                            (named.is_scalar() ? " (its topology is '" + named.scalar() + "')"
                                               : std::string()) +
                            "; pass its topology file, or run replay or simulate on the scenario");
    return true;
  }

  std::shared_ptr<const Topology> read(const yaml::Node& root) {
    if (is_scenario(root))
      return nullptr;
    Fields top(reader_, root, "the topology", schema::topology);
    if (!top.is_map())
      return nullptr;
    parts_.file = reader_.file();
    parts_.name = reader_.optional_text(top.get("name"), "the topology's name");
    reader_.optional_text(top.get("description"), "the topology's description");
    if (const yaml::Node network = top.get("network"); network.defined())
      read_network(network);

    const yaml::Node regions = top.require("regions");
    const yaml::Node services = top.require("services");
    const yaml::Node groups = top.require("user_groups");
    regions_ = collect_ids(reader_, regions, "region");
    services_ = collect_ids(reader_, services, "service");

    if (regions.defined() && reader_.sequence(regions, "regions")) {
      for (const auto& r : regions)
        read_region(r);
    }
    if (services.defined() && reader_.sequence(services, "services")) {
      parts_.services.reserve(services.size());
      for (const auto& s : services)
        read_service(s);
    }
    if (groups.defined() && reader_.sequence(groups, "user_groups")) {
      collect_ids(reader_, groups, "user group");  // reports duplicate ids
      for (const auto& g : groups)
        read_user_group(g);
    }
    if (reader_.diagnostics().has_errors())
      return nullptr;

    auto topology = std::make_shared<const Topology>(std::move(parts_));
    warn_about_cycles(*topology);
    return topology;
  }

 private:
  // A link's fields over the given defaults.
  LinkSpec read_link(const yaml::Node& node, std::string_view what, LinkSpec link) {
    Fields f(reader_, node, std::string(what), schema::link);
    if (!f.is_map())
      return link;
    if (const yaml::Node b = f.get("bandwidth"); b.defined())
      link.bits_per_second = reader_.bandwidth(b, std::string(what) + "'s bandwidth").value_or(1);
    if (const yaml::Node l = f.get("latency"); l.defined())
      link.latency = reader_.duration(l, std::string(what) + "'s latency").value_or(Duration{});
    return link;
  }

  void read_network(const yaml::Node& node) {
    Fields f(reader_, node, "the network", schema::network);
    if (!f.is_map())
      return;
    NetworkSpec& network = parts_.network;
    if (const yaml::Node lan = f.get("lan"); lan.defined())
      network.lan = read_link(lan, "the network's lan", network.lan);
    if (const yaml::Node wan = f.get("wan"); wan.defined())
      network.wan = read_link(wan, "the network's wan", network.wan);
    const yaml::Node request = f.get("request");
    if (!request.defined())
      return;
    Fields r(reader_, request, "the network's request", schema::request);
    if (!r.is_map())
      return;
    RequestSpec& spec = network.request;
    if (const yaml::Node n = r.get("size"); n.defined())
      spec.request_bytes = reader_.bytes(n, "a request's size").value_or(1);
    if (const yaml::Node n = r.get("response_size"); n.defined())
      spec.response_bytes = reader_.bytes(n, "a response's size").value_or(1);
    if (const yaml::Node n = r.get("timeout"); n.defined()) {
      const auto timeout = reader_.duration(n, "a request's timeout");
      if (timeout && timeout->ms <= 0)
        reader_.error(n, "a request's timeout must be longer than 0, such as 2s or 500ms");
      spec.timeout = timeout.value_or(spec.timeout);
    }
    if (const yaml::Node n = r.get("retries"); n.defined())
      spec.retries = static_cast<int>(reader_.integer(n, "a request's retries", 0, 10).value_or(0));
    if (const yaml::Node n = r.get("per_active_user_hour"); n.defined()) {
      spec.per_active_user_hour =
          reader_.number(n, "requests per active user and hour", 1e-6, 1e6).value_or(1);
    }
  }

  void read_region(const yaml::Node& node) {
    Fields f(reader_, node, "a region", schema::region);
    Region region;
    region.where = reader_.at(node);
    if (f.is_map()) {
      region.id = reader_.text(f.require("id"), "a region's id").value_or("");
      region.name = reader_.optional_text(f.get("name"), "a region's name");
      reader_.optional_text(f.get("description"), "a region's description");
      if (const yaml::Node wan = f.get("wan"); wan.defined())
        region.wan = read_link(wan, "a region's wan link", parts_.network.wan);
    }
    if (region.name.empty())
      region.name = region.id;
    parts_.regions.push_back(std::move(region));
  }

  void read_service(const yaml::Node& node) {
    const auto index = static_cast<std::uint32_t>(parts_.services.size());
    Service service;
    service.where = reader_.at(node);
    Fields f(reader_, node, "a service", schema::service);
    if (f.is_map()) {
      service.id = reader_.text(f.require("id"), "a service's id").value_or("");
      const std::string what = "service '" + service.id + "'";
      service.name = reader_.optional_text(f.get("name"), "name of " + what);
      service.description = reader_.optional_text(f.get("description"), "description of " + what);
      if (const yaml::Node sites = f.get("sites"); sites.defined()) {
        service.sites =
            static_cast<int>(reader_.integer(sites, "sites of " + what, 1, 10'000'000).value_or(0));
      }
      if (const yaml::Node p = f.get("per_tenant"); p.defined())
        service.per_tenant = reader_.flag(p, "per_tenant of " + what).value_or(false);
      read_deployments(f.require("deployments"), index, service);
      read_redundancy(f, what, service);
      read_capacity(f, what, service);
      read_dependencies(f.get("depends_on"), what, service);
      service.failures = read_failures(f.get("failures"), what);
      if (const yaml::Node r = f.get("repairers"); r.defined()) {
        service.repairers =
            static_cast<int>(reader_.integer(r, "repairers of " + what, 1, 10'000).value_or(1));
      }
      if (const yaml::Node h = f.get("health_check"); h.defined())
        service.health_check = read_health_check(h, what);
    }
    if (service.name.empty())
      service.name = service.id;
    parts_.services.push_back(std::move(service));
  }

  void read_redundancy(Fields& f, const std::string& what, Service& service) {
    const yaml::Node node = f.get("redundancy");
    if (node.defined()) {
      const auto mode = reader_.text(node, "redundancy of " + what).value_or("");
      if (const auto parsed = parse_word<Redundancy>(mode)) {
        service.redundancy = *parsed;
      } else if (!mode.empty()) {
        reader_.error(node, "unknown redundancy '" + mode + "' for " + what +
                                did_you_mean(mode, accepted_words<Redundancy>()) + "; expected " +
                                expected_words<Redundancy>());
      }
    }
    const yaml::Node quorum = f.get("quorum");
    const auto n = static_cast<std::int64_t>(service.deployments.size());
    if (service.redundancy == Redundancy::k_of_n) {
      if (!quorum.defined()) {
        reader_.error(node, what + " is k-of-n, so it needs 'quorum': how many of its " +
                                std::to_string(n) + " deployments must be up");
      } else if (n > 0) {
        service.quorum =
            static_cast<int>(reader_.integer(quorum, "quorum of " + what, 1, n).value_or(1));
      }
    } else if (quorum.defined()) {
      reader_.error(quorum, "'quorum' applies only to k-of-n services; " + what + " is " +
                                std::string(to_string(service.redundancy)));
    }
    if (service.redundancy == Redundancy::none && service.deployments.size() > 1) {
      reader_.error(node.defined() ? node : f.node(),
                    what + " has " + std::to_string(service.deployments.size()) +
                        " deployments, so it needs a redundancy mode: active-active or "
                        "active-passive");
    }
  }

  void read_failover(const yaml::Node& node, const std::string& what, Service& service) {
    Fields f(reader_, node, "the failover of " + what, schema::failover);
    service.failover.where = reader_.at(node);
    if (!f.is_map())
      return;
    if (const yaml::Node d = f.get("detection"); d.defined()) {
      service.failover.detection =
          reader_.distribution(d, "failover detection of " + what).value_or(Distribution{});
    }
    if (const yaml::Node d = f.get("duration"); d.defined()) {
      service.failover.duration =
          reader_.distribution(d, "failover duration of " + what).value_or(Distribution{});
    }
    if (const yaml::Node p = f.get("success"); p.defined()) {
      service.failover.success =
          reader_.fraction(p, "failover success probability of " + what).value_or(1.0);
    }
  }

  // Capacities come all or nothing per service; load shedding, overload and
  // retries only mean something with them.
  void read_capacity(Fields& f, const std::string& what, Service& service) {
    std::size_t with_capacity = 0;
    const Deployment* without = nullptr;
    std::size_t cold = 0;
    for (const DeploymentId d : service.deployments) {
      const Deployment& deployment = parts_.deployments[d.value];
      if (deployment.capacity) {
        ++with_capacity;
      } else if (without == nullptr) {
        without = &deployment;
      }
      cold += deployment.cold_standby ? 1 : 0;
    }
    if (with_capacity > 0 && without != nullptr) {
      reader_.diagnostics().error(without->where,
                                  "deployment '" + without->id + "' of " + what +
                                      " has no capacity but others do; give every deployment of a "
                                      "service a capacity, or none");
    }
    service.capacity_limited = with_capacity > 0 && without == nullptr;
    if (!service.deployments.empty() && cold == service.deployments.size()) {
      reader_.error(f.get("deployments"), "every deployment of " + what +
                                              " is a cold standby, so it could never serve; "
                                              "leave at least one without 'standby: cold'");
    }
    const yaml::Node failover = f.get("failover");
    if (failover.defined()) {
      if (service.redundancy == Redundancy::active_passive) {
        read_failover(failover, what, service);
      } else {
        reader_.error(failover, "'failover' applies only to active-passive services; " + what +
                                    " is " + std::string(to_string(service.redundancy)));
      }
    }
    const yaml::Node overload = f.get("overload");
    const yaml::Node retries = f.get("retry_amplification");
    for (const auto& [node, key] :
         {std::pair{overload, "overload"}, std::pair{retries, "retry_amplification"}}) {
      if (node.defined() && !service.capacity_limited && with_capacity == 0) {
        reader_.error(node, std::string("'") + key +
                                "' needs capacities: give each deployment of " + what +
                                " a 'capacity' (concurrent active users it serves)");
      }
    }
    if (overload.defined()) {
      Fields o(reader_, overload, "the overload of " + what, schema::overload);
      if (o.is_map()) {
        Overload model;
        model.where = reader_.at(overload);
        if (const yaml::Node t = o.require("threshold"); t.defined()) {
          model.threshold =
              reader_.number(t, "overload threshold (load over capacity) of " + what, 1.0, 1000.0)
                  .value_or(1.0);
        }
        std::optional<Duration> after;
        if (const yaml::Node a = o.require("after"); a.defined()) {
          after = reader_.duration(a, "overload 'after' of " + what);
          model.after = after.value_or(Duration{});
        }
        if (const yaml::Node r = o.get("restarts_after"); r.defined()) {
          model.restarts_after = reader_.distribution(r, "overload 'restarts_after' of " + what);
          if (after && after->ms <= 0) {
            reader_.error(o.get("after"),
                          "overload 'after' of " + what +
                              " is 0 with restarts_after: a deployment would fall over as it "
                              "restarts, again and again at the same instant; give a time above 0");
          }
        }
        service.overload = model;
      }
    }
    if (retries.defined()) {
      service.retry_amplification =
          reader_.number(retries, "retry_amplification of " + what, 1.0, 100.0).value_or(1.0);
    }
  }

  // health_check: {max_packet_loss, max_latency, deep}, at least one limit.
  std::optional<HealthCheck> read_health_check(const yaml::Node& node, const std::string& what) {
    Fields f(reader_, node, "the health_check of " + what, schema::health_check);
    if (!f.is_map())
      return std::nullopt;
    HealthCheck check;
    check.where = reader_.at(node);
    const yaml::Node loss = f.get("max_packet_loss");
    const yaml::Node latency = f.get("max_latency");
    if (loss.defined())
      check.max_packet_loss =
          reader_.fraction(loss, "max_packet_loss of the health_check of " + what);
    if (latency.defined())
      check.max_latency = reader_.duration(latency, "max_latency of the health_check of " + what);
    if (const yaml::Node d = f.get("deep"); d.defined())
      check.deep = reader_.flag(d, "deep of the health_check of " + what).value_or(false);
    if (!loss.defined() && !latency.defined()) {
      reader_.error(node, "the health_check of " + what +
                              " never fails; give 'max_packet_loss' (the share of probes it "
                              "tolerates losing) or 'max_latency' (e.g. 500ms), or both");
    }
    return check;
  }

  std::optional<FailureModel> read_failures(const yaml::Node& node, const std::string& what) {
    if (!node.defined())
      return std::nullopt;
    Fields f(reader_, node, "the failures of " + what, schema::failures);
    if (!f.is_map())
      return std::nullopt;
    const yaml::Node ttf = f.require("time_to_failure");
    const yaml::Node ttr = f.require("time_to_repair");
    if (!ttf.defined() || !ttr.defined())
      return std::nullopt;
    auto to_failure = reader_.distribution(ttf, "time_to_failure of " + what);
    auto to_repair = reader_.distribution(ttr, "time_to_repair of " + what);
    if (!to_failure || !to_repair)
      return std::nullopt;
    // A unit that fails again the instant it is repaired would loop forever.
    if (to_failure->is_fixed() && to_failure->median().ms == 0) {
      reader_.error(ttf, "time_to_failure of " + what + " must be more than 0");
      return std::nullopt;
    }
    return FailureModel{std::move(*to_failure), std::move(*to_repair), reader_.at(node)};
  }

  void read_deployments(const yaml::Node& list, std::uint32_t service_index, Service& service) {
    if (!list.defined())
      return;
    const std::string what = "service '" + service.id + "'";
    if (!reader_.sequence(list, "deployments of " + what))
      return;
    if (list.size() == 0) {
      reader_.error(list, what + " needs at least one deployment (a region and instances)");
    }
    for (const auto& node : list) {
      Fields f(reader_, node, "a deployment of " + what, schema::deployment);
      if (!f.is_map())
        continue;
      Deployment d;
      d.where = reader_.at(node);
      d.service = ServiceId{service_index};
      const auto region = regions_.resolve(reader_, f.require("region"));
      if (region)
        d.region = RegionId{*region};
      if (const yaml::Node n = f.get("instances"); n.defined()) {
        d.instances = static_cast<int>(
            reader_.integer(n, "a deployment's instances", 1, 1'000'000).value_or(1));
      }
      d.weight = d.instances;
      if (const yaml::Node w = f.get("weight"); w.defined()) {
        d.weight = reader_.number(w, "a deployment's weight", 0.0, 1e9).value_or(1.0);
        if (d.weight == 0.0)
          reader_.error(w, "a deployment's weight must be more than 0; it is its share of traffic");
      }
      if (const yaml::Node z = f.get("zone"); z.defined())
        d.zone = reader_.text(z, "a deployment's zone").value_or("");
      if (const yaml::Node c = f.get("capacity"); c.defined()) {
        if (const auto users =
                reader_.integer(c, "a deployment's capacity (concurrent users)", 1, 10'000'000'000))
          d.capacity = UserCount{*users};
      }
      if (const yaml::Node sb = f.get("standby"); sb.defined()) {
        const auto kind = reader_.text(sb, "a deployment's standby").value_or("");
        if (kind == "cold") {
          d.cold_standby = true;
        } else if (!kind.empty()) {
          reader_.error(sb, "unknown standby '" + kind +
                                "'; the only kind is 'cold' (takes no traffic until a runbook "
                                "step fails over to it)");
        }
      }
      d.failures = read_failures(f.get("failures"), "a deployment of " + what);
      if (const yaml::Node id = f.get("id"); id.defined()) {
        d.id = reader_.text(id, "a deployment's id").value_or("");
      } else if (region) {
        d.id = service.id + "@" + parts_.regions[*region].id;
      }
      if (!d.id.empty()) {
        const auto [it, inserted] = deployment_lines_.emplace(d.id, d.where.line);
        if (!inserted) {
          reader_.error(node, "duplicate deployment id '" + d.id + "' (first at line " +
                                  std::to_string(it->second) +
                                  "); give one of them an explicit 'id'");
        }
      }
      service.deployments.push_back(
          DeploymentId{static_cast<std::uint32_t>(parts_.deployments.size())});
      parts_.deployments.push_back(std::move(d));
    }
  }

  void read_dependencies(const yaml::Node& list, const std::string& what, Service& service) {
    if (!list.defined())
      return;
    if (!reader_.sequence(list, "depends_on of " + what))
      return;
    for (const auto& node : list) {
      Dependency dep;
      dep.where = reader_.at(node);
      yaml::Node target = node;
      if (node.is_map()) {
        Fields f(reader_, node, "a dependency of " + what, schema::dependency);
        target = f.require("service");
        if (const yaml::Node kind = f.get("kind"); kind.defined()) {
          dep.kind = reader_.word<DependencyKind>(kind, "a dependency's kind", "dependency kind")
                         .value_or(dep.kind);
        }
        if (!target.defined())
          continue;
      }
      const auto s = services_.resolve(reader_, target);
      if (!s)
        continue;
      dep.service = ServiceId{*s};
      const bool repeated =
          std::any_of(service.dependencies.begin(), service.dependencies.end(),
                      [&](const Dependency& d) { return d.service == dep.service; });
      if (repeated) {
        reader_.error(node, what + " lists its dependency on '" + target.scalar() +
                                "' twice; list each dependency once");
        continue;
      }
      service.dependencies.push_back(dep);
    }
  }

  void read_user_group(const yaml::Node& node) {
    Fields f(reader_, node, "a user group", schema::user_group);
    UserGroup group;
    group.where = reader_.at(node);
    group.first_tenant = static_cast<std::uint32_t>(parts_.tenants.size());
    if (f.is_map()) {
      group.id = reader_.text(f.require("id"), "a user group's id").value_or("");
      const std::string what = "user group '" + group.id + "'";
      group.name = reader_.optional_text(f.get("name"), "name of " + what);
      reader_.optional_text(f.get("description"), "description of " + what);
      const yaml::Node tenants = f.get("tenants");
      if (tenants.defined())
        read_tenants(tenants, what, group);
      if (const yaml::Node users = tenants.defined() ? f.get("users") : f.require("users");
          users.defined()) {
        const UserCount given{
            reader_.integer(users, "users of " + what, 0, 10'000'000'000).value_or(0)};
        if (tenants.defined() && given != group.users) {
          reader_.error(users, fmt::format("{} gives {} users, but its tenants have {}; give "
                                           "the tenants' sum, or leave 'users' out",
                                           what, given.value, group.users.value));
        }
        group.users = given;
      }
      if (const yaml::Node region = f.require("region"); region.defined()) {
        if (const auto r = regions_.resolve(reader_, region))
          group.region = RegionId{*r};
      }
      if (const yaml::Node tz = f.require("time_zone"); tz.defined()) {
        group.time_zone = reader_.text(tz, "time_zone of " + what).value_or("");
        if (!group.time_zone.empty() && !ScenarioClock::find_zone(group.time_zone)) {
          reader_.error(tz,
                        "unknown time zone '" + group.time_zone +
                            "'; expected an IANA name such as America/New_York or Europe/London");
        }
      }
      if (const yaml::Node a = f.get("activity"); a.defined())
        group.activity = read_activity(a, what).value_or(ActivityCurve::business_day());
      if (const yaml::Node uses = f.require("uses"); uses.defined()) {
        const auto twice = [&](const std::string& id) {
          return what + " uses '" + id + "' twice; list each service once";
        };
        for (const auto s : services_.resolve_list_once(reader_, uses, twice))
          group.uses.push_back(ServiceId{s});
        if (uses.is_sequence() && uses.size() == 0) {
          reader_.error(uses, what + " uses no service; list the services its users need");
        }
      }
    }
    if (group.name.empty())
      group.name = group.id;
    parts_.user_groups.push_back(std::move(group));
  }

  // tenants: [{id, users}, ...], or {count, users_each}: users_each a
  // number or {median, p95} of a lognormal, whose quantiles at (i + 1/2) /
  // count size the tenants (smallest first) - the same sizes every time.
  void read_tenants(const yaml::Node& node, const std::string& what, UserGroup& group) {
    const auto group_index = static_cast<std::uint32_t>(parts_.user_groups.size());
    if (node.is_sequence()) {
      for (const yaml::Node& item : node) {
        Fields f(reader_, item, "a tenant of " + what, schema::tenant);
        if (!f.is_map())
          continue;
        Tenant tenant{reader_.text(f.require("id"), "a tenant's id").value_or(""), UserCount{},
                      UserGroupId{group_index}, reader_.at(item)};
        if (const yaml::Node u = f.require("users"); u.defined()) {
          tenant.users =
              UserCount{reader_.integer(u, "users of tenant '" + tenant.id + "'", 1, 1'000'000'000)
                            .value_or(1)};
        }
        add_tenant(f.get("id"), std::move(tenant), group);
      }
      if (node.size() == 0)
        reader_.error(node, "tenants of " + what + " is empty; list them, or leave it out");
      return;
    }
    Fields f(reader_, node, "tenants of " + what, schema::generated_tenants);
    if (!f.is_map())
      return;
    const auto count =
        reader_.integer(f.require("count"), "count of tenants of " + what, 1, 1'000'000);
    const yaml::Node each = f.require("users_each");
    if (!count || !each.defined())
      return;
    const auto sizes = tenant_sizes(each, "users_each of " + what, static_cast<int>(*count));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      add_tenant(node,
                 Tenant{group.id + "/" + std::to_string(i + 1), sizes[i], UserGroupId{group_index},
                        reader_.at(node)},
                 group);
    }
  }

  std::vector<UserCount> tenant_sizes(const yaml::Node& each, const std::string& what, int count) {
    if (each.is_scalar()) {
      const auto users = reader_.integer(each, what, 1, 1'000'000'000);
      return std::vector<UserCount>(static_cast<std::size_t>(count), UserCount{users.value_or(1)});
    }
    Fields f(reader_, each, what + " (a number, or {median, p95} of a lognormal)",
             schema::tenant_sizes);
    if (!f.is_map())
      return {};
    const auto median = reader_.number(f.require("median"), "median of " + what, 1, 1e9);
    const auto p95 = reader_.number(f.require("p95"), "p95 of " + what, 1, 1e9);
    if (!median || !p95)
      return {};
    if (*p95 < *median) {
      reader_.error(f.get("p95"), what +
                                      " has a p95 below its median; give a p95 at least "
                                      "as large");
      return {};
    }
    return lognormal_sizes(*median, *p95, count);
  }

  void add_tenant(const yaml::Node& at, Tenant tenant, UserGroup& group) {
    if (const auto earlier = tenant_lines_.find(tenant.id); earlier != tenant_lines_.end()) {
      reader_.error(at, "tenant '" + tenant.id + "' is defined twice (first at line " +
                            std::to_string(earlier->second) + "); give each tenant its own id");
      return;
    }
    tenant_lines_.emplace(tenant.id, reader_.at(at).line);
    group.users += tenant.users;
    ++group.tenants;
    parts_.tenants.push_back(std::move(tenant));
  }

  // business-day, always, 24 hourly weights for every day, or a mapping of
  // 24 for weekdays and 24 for weekends.
  std::optional<ActivityCurve> read_activity(const yaml::Node& node, const std::string& what) {
    const std::string where = "activity of " + what;
    if (node.is_scalar()) {
      const std::string& name = node.scalar();
      if (name == "business-day")
        return ActivityCurve::business_day();
      if (name == "always")
        return ActivityCurve::always();
      reader_.error(node, "unknown activity '" + name + "' for " + what +
                              did_you_mean(name, {"business-day", "always"}) +
                              "; expected business-day, always, 24 hourly weights, or weekdays "
                              "and weekends of 24 each");
      return std::nullopt;
    }
    ActivityCurve::Weights weights = [] {
      ActivityCurve::Weights w{};
      const ActivityCurve standard = ActivityCurve::business_day();
      for (int h = 0; h < ActivityCurve::kHoursPerWeek; ++h)
        w[static_cast<std::size_t>(h)] = standard.permille(h);
      return w;
    }();
    const auto read_day = [&](const yaml::Node& hours, const std::string& which,
                              std::initializer_list<int> days) {
      if (!reader_.sequence(hours, which))
        return false;
      if (hours.size() != 24) {
        reader_.error(hours, which +
                                 " must list 24 hourly weights (00:00 to 23:00 local time), "
                                 "found " +
                                 std::to_string(hours.size()));
        return false;
      }
      bool ok = true;
      for (std::size_t h = 0; h < 24; ++h) {
        const auto w = reader_.fraction(hours[h], "an hourly weight of " + which);
        if (!w) {
          ok = false;
          continue;
        }
        for (const int day : days) {
          weights[static_cast<std::size_t>(day) * 24 + h] =
              static_cast<std::uint16_t>(std::lround(*w * 1000));
        }
      }
      return ok;
    };
    if (node.is_sequence()) {
      if (!read_day(node, where, {0, 1, 2, 3, 4, 5, 6}))
        return std::nullopt;
      return ActivityCurve(weights);
    }
    Fields f(reader_, node, where, schema::weekly_activity);
    if (!f.is_map())
      return std::nullopt;
    bool ok = true;
    if (const yaml::Node w = f.get("weekdays"); w.defined())
      ok = read_day(w, "weekdays of " + where, {0, 1, 2, 3, 4}) && ok;
    if (const yaml::Node w = f.get("weekends"); w.defined())
      ok = read_day(w, "weekends of " + where, {5, 6}) && ok;
    if (!ok)
      return std::nullopt;
    return ActivityCurve(weights);
  }

  void warn_about_cycles(const Topology& topology) {
    for (const auto& cycle : graph::find_cycles(graph::hard_dependency_edges(topology))) {
      std::string path;
      for (const auto v : cycle)
        path += topology.services()[v].id + " -> ";
      path += topology.services()[cycle.front()].id;
      reader_.diagnostics().warning(
          topology.services()[cycle.front()].where,
          "dependency cycle: " + path +
              " (each depends on the next); after a full outage none of them can come back "
              "first, so a runbook needs an explicit bootstrap step");
    }
  }

  Reader reader_;
  IdTable regions_;
  IdTable services_;
  std::unordered_map<std::string, int> deployment_lines_;
  std::unordered_map<std::string, int> tenant_lines_;
  TopologyParts parts_;
};

}  // namespace

std::shared_ptr<const Topology> read_topology(const std::string& path, const yaml::Node& root,
                                              Diagnostics& diagnostics) {
  return TopologyReader(path, diagnostics).read(root);
}

}  // namespace faultline::loader

namespace faultline {

TopologyLoad load_topology(const std::string& path, const LoadOptions& options) {
  TopologyLoad load;
  if (const auto root = loader::parse_file(path, load.diagnostics, options.max_input_bytes)) {
    load.topology = loader::read_topology(loader::shown_name(path), *root, load.diagnostics);
  }
  return load;
}

}  // namespace faultline
