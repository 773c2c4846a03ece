// Backstage catalog files into a topology: read the entities, resolve their
// references, then write the services, regions and user groups as YAML.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "faultline/imports.hpp"
#include "faultline/words.hpp"
#include "loader/loaders.hpp"
#include "loader/yaml_reader.hpp"

namespace faultline {

namespace {

constexpr std::string_view kAnnotationPrefix = "faultline.io/";
const std::vector<std::string> kAnnotations = {"regions", "instances", "redundancy",       "quorum",
                                               "users",   "time-zone", "soft-dependencies"};
constexpr std::string_view kUnplaced = "unplaced";
constexpr std::int64_t kPlaceholderUsers = 1000;

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// kind:namespace/name, lower case, as Backstage compares references.
struct EntityRef {
  std::string kind;
  std::string ns;
  std::string name;

  std::string key() const { return lower(kind) + ":" + lower(ns) + "/" + lower(name); }
  std::string text() const { return lower(kind) + ":" + ns + "/" + name; }
};

struct Entity {
  EntityRef ref;
  YAML::Node node;
  loader::Reader* reader = nullptr;               // of its file, for located messages
  std::map<std::string, YAML::Node> annotations;  // faultline.io/ ones, by their short name
};

// A Backstage reference [kind:][namespace/]name; the kind and namespace
// default as the field that holds it says. Nothing when a part is empty.
std::optional<EntityRef> ref_of(const std::string& text, std::string_view default_kind,
                                const std::string& default_ns) {
  EntityRef ref{std::string(default_kind), default_ns, text};
  if (const auto colon = ref.name.find(':'); colon != std::string::npos) {
    ref.kind = ref.name.substr(0, colon);
    ref.name.erase(0, colon + 1);
  }
  if (const auto slash = ref.name.find('/'); slash != std::string::npos) {
    ref.ns = ref.name.substr(0, slash);
    ref.name.erase(0, slash + 1);
  }
  if (ref.kind.empty() || ref.ns.empty() || ref.name.empty())
    return std::nullopt;
  return ref;
}

std::string bad_ref(const std::string& text, std::string_view default_kind) {
  return "'" + text + "' is no entity reference" +
         (default_kind.empty() ? std::string(" (this field needs its kind)") : std::string()) +
         "; expected [kind:][namespace/]name such as component:default/payments";
}

// The reference at node, reported when it is none.
std::optional<EntityRef> parse_ref(loader::Reader& reader, const YAML::Node& node,
                                   std::string_view default_kind, const std::string& default_ns) {
  const auto text = reader.text(node, "an entity reference");
  if (!text)
    return std::nullopt;
  auto ref = ref_of(*text, default_kind, default_ns);
  if (!ref)
    reader.error(node, bad_ref(*text, default_kind));
  return ref;
}

// The catalog: every entity of every file, by reference.
class Catalog {
 public:
  explicit Catalog(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void read(const std::string& path, const LoadOptions& options) {
    const auto documents = loader::parse_documents(path, diagnostics_, options.max_input_bytes,
                                                   "Backstage catalog entities");
    if (!documents)
      return;
    readers_.push_back(std::make_unique<loader::Reader>(loader::shown_name(path), diagnostics_));
    for (const YAML::Node& document : *documents) {
      if (!document.IsNull())
        read_entity(*readers_.back(), document);
    }
  }

  std::vector<Entity>& entities() { return entities_; }
  const std::map<std::string, std::size_t>& left_out() const { return left_out_; }

  const Entity* find(const EntityRef& ref) const {
    const auto it = by_key_.find(ref.key());
    return it == by_key_.end() ? nullptr : &entities_[it->second];
  }

  // The references of the files' entities, for "did you mean".
  std::vector<std::string> known_refs() const {
    std::vector<std::string> refs;
    for (const Entity& e : entities_)
      refs.push_back(e.ref.text());
    return refs;
  }

 private:
  void read_entity(loader::Reader& reader, const YAML::Node& node);
  void read_annotations(Entity& entity, const YAML::Node& annotations);

  Diagnostics& diagnostics_;
  std::vector<std::unique_ptr<loader::Reader>> readers_;
  std::vector<Entity> entities_;
  std::map<std::string, std::size_t> by_key_;
  std::map<std::string, std::size_t> left_out_;  // kind -> entities left out
};

bool is_mapped_kind(const std::string& kind) {
  return kind == "component" || kind == "resource" || kind == "api" || kind == "system";
}

void Catalog::read_entity(loader::Reader& reader, const YAML::Node& node) {
  if (!node.IsMap()) {
    reader.error(node,
                 "a catalog entity must be a mapping with apiVersion, kind, metadata and "
                 "spec; found " +
                     loader::describe(node));
    return;
  }
  const auto api_version = reader.required_text(node, "apiVersion", "the entity");
  const auto kind = reader.required_text(node, "kind", "the entity");
  if (!api_version || !kind)
    return;
  if (!api_version->starts_with("backstage.io/") || !is_mapped_kind(lower(*kind))) {
    ++left_out_[*kind];
    return;
  }
  const YAML::Node metadata = loader::value_of(node, "metadata");
  if (!metadata.IsMap()) {
    reader.error(metadata.IsDefined() ? metadata : node,
                 "a catalog entity needs 'metadata', a mapping with its name");
    return;
  }
  const auto name = reader.required_text(metadata, "name", "the entity's metadata");
  if (!name)
    return;
  std::string ns =
      reader.optional_text(loader::value_of(metadata, "namespace"), "the entity's namespace");
  if (ns.empty())
    ns = "default";
  Entity entity{{lower(*kind), ns, *name}, node, &reader, {}};
  if (const auto [it, added] = by_key_.emplace(entity.ref.key(), entities_.size()); !added) {
    const Entity& first = entities_[it->second];
    const SourceLocation where = first.reader->at(first.node);
    reader.error(node, fmt::format("{} is defined twice; first at {}:{}", entity.ref.text(),
                                   where.file, where.line));
    return;
  }
  read_annotations(entity, loader::value_of(metadata, "annotations"));
  entities_.push_back(std::move(entity));
}

// The faultline.io/ annotations; an unknown one is an error, as a typo
// would otherwise be dropped without a word.
void Catalog::read_annotations(Entity& entity, const YAML::Node& annotations) {
  if (!annotations.IsMap())
    return;
  for (const auto& pair : annotations) {
    const std::string key = pair.first.as<std::string>("");
    if (!key.starts_with(kAnnotationPrefix))
      continue;
    const std::string name = key.substr(kAnnotationPrefix.size());
    if (std::ranges::find(kAnnotations, name) == kAnnotations.end()) {
      std::vector<std::string> known;
      for (const auto& a : kAnnotations)
        known.push_back(std::string(kAnnotationPrefix) + a);
      entity.reader->error(pair.first, "unknown annotation '" + key + "'" +
                                           did_you_mean(key, known) + "; expected one of " +
                                           as_sentence(known));
      continue;
    }
    entity.annotations[name] = pair.second;
  }
}

// A scalar as YAML writes it: plain where it can be, quoted where it must.
std::string scalar(std::string_view text) {
  YAML::Emitter out;
  out << std::string(text);
  return out.c_str();
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    std::string item(text.substr(from, comma - from));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty())
      items.push_back(std::move(item));
    from = comma + 1;
  }
  return items;
}

struct ImportedService {
  const Entity* entity = nullptr;
  std::string id;
  std::vector<std::string> regions;  // none: placed in the placeholder region
  std::optional<std::int64_t> instances;
  std::optional<Redundancy> redundancy;
  std::optional<std::int64_t> quorum;
  std::vector<std::pair<std::size_t, DependencyKind>> depends_on;  // by service index
  std::optional<std::int64_t> users;
  std::string time_zone;
};

// The services, their dependencies and what the annotations add, resolved
// against the catalog.
class TopologyBuilder {
 public:
  TopologyBuilder(Catalog& catalog, Diagnostics& diagnostics)
      : catalog_(catalog), diagnostics_(diagnostics) {}

  void build();
  BackstageImport write() const;

 private:
  void add_services();
  void add_dependency(std::size_t client, std::size_t server);
  std::optional<std::size_t> service_of(const Entity& from, const YAML::Node& ref_node,
                                        std::string_view default_kind);
  void read_relations(std::size_t s);
  void read_api_relations();
  void read_annotations(ImportedService& service);
  void read_soft_dependencies(ImportedService& service, const YAML::Node& node);
  std::string region_lines(BackstageImport& result) const;
  std::string service_lines(const ImportedService& service, BackstageImport& result) const;
  std::string user_group_lines(BackstageImport& result) const;
  std::string topology_name() const;

  Catalog& catalog_;
  Diagnostics& diagnostics_;
  std::vector<ImportedService> services_;
  std::map<const Entity*, std::size_t> index_of_;
  std::size_t dependencies_ = 0;
};

void TopologyBuilder::build() {
  add_services();
  for (std::size_t s = 0; s < services_.size(); ++s)
    read_relations(s);
  read_api_relations();
  for (ImportedService& service : services_)
    read_annotations(service);
}

// Components and Resources, in the order of the files; each is named by its
// name, or by its whole reference where two share a name.
void TopologyBuilder::add_services() {
  std::map<std::string, int> names;
  for (const Entity& e : catalog_.entities()) {
    if (e.ref.kind == "component" || e.ref.kind == "resource")
      ++names[e.ref.name];
  }
  for (const Entity& e : catalog_.entities()) {
    if (e.ref.kind != "component" && e.ref.kind != "resource")
      continue;
    index_of_[&e] = services_.size();
    ImportedService service;
    service.entity = &e;
    service.id = names[e.ref.name] == 1 ? e.ref.name : e.ref.text();
    services_.push_back(std::move(service));
  }
}

void TopologyBuilder::add_dependency(std::size_t client, std::size_t server) {
  auto& list = services_[client].depends_on;
  if (client == server ||
      std::ranges::any_of(list, [&](const auto& d) { return d.first == server; }))
    return;
  list.emplace_back(server, DependencyKind::hard);
  ++dependencies_;
}

// The service a reference in `from` names: a Component or Resource of the
// files; anything else is reported.
std::optional<std::size_t> TopologyBuilder::service_of(const Entity& from,
                                                       const YAML::Node& ref_node,
                                                       std::string_view default_kind) {
  loader::Reader& reader = *from.reader;
  const auto ref = parse_ref(reader, ref_node, default_kind, from.ref.ns);
  if (!ref)
    return std::nullopt;
  const Entity* target = catalog_.find(*ref);
  if (!target) {
    reader.error(ref_node, ref->text() + " names no entity in the files given" +
                               did_you_mean(ref->text(), catalog_.known_refs()) +
                               "; add the file that defines it");
    return std::nullopt;
  }
  const auto it = index_of_.find(target);
  if (it == index_of_.end()) {
    reader.error(ref_node, ref->text() + " is a " + target->ref.kind +
                               ", which is no service; expected a component or a resource");
    return std::nullopt;
  }
  return it->second;
}

// dependsOn and dependencyOf, which name their kind.
void TopologyBuilder::read_relations(std::size_t s) {
  const Entity& entity = *services_[s].entity;
  const YAML::Node spec = loader::value_of(entity.node, "spec");
  if (!spec.IsMap())
    return;
  for (const auto& [field, inverse] : {std::pair{"dependsOn", false}, {"dependencyOf", true}}) {
    const YAML::Node list = loader::value_of(spec, field);
    if (!list.IsDefined() || !entity.reader->sequence(list, std::string("spec.") + field))
      continue;
    for (const YAML::Node& ref : list) {
      if (const auto other = service_of(entity, ref, ""))
        inverse ? add_dependency(*other, s) : add_dependency(s, *other);
    }
  }
}

// consumesApis against providesApis: a consumer depends on each provider.
// An API that nothing in the files provides is said, and left out.
void TopologyBuilder::read_api_relations() {
  std::map<std::string, std::vector<std::size_t>> providers;
  std::vector<std::pair<std::size_t, YAML::Node>> consumed;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const Entity& entity = *services_[s].entity;
    const YAML::Node spec = loader::value_of(entity.node, "spec");
    if (!spec.IsMap())
      continue;
    for (const char* field : {"providesApis", "consumesApis"}) {
      const YAML::Node list = loader::value_of(spec, field);
      if (!list.IsDefined() || !entity.reader->sequence(list, std::string("spec.") + field))
        continue;
      for (const YAML::Node& node : list) {
        const auto ref = parse_ref(*entity.reader, node, "api", entity.ref.ns);
        if (ref && std::string_view(field) == "providesApis")
          providers[ref->key()].push_back(s);
        else if (ref)
          consumed.emplace_back(s, node);
      }
    }
  }
  for (const auto& [s, node] : consumed) {
    const Entity& entity = *services_[s].entity;
    const EntityRef api = *parse_ref(*entity.reader, node, "api", entity.ref.ns);
    const auto it = providers.find(api.key());
    if (it == providers.end()) {
      entity.reader->warning(node, services_[s].id + " consumes " + api.text() +
                                       ", which no component in the files provides; that "
                                       "dependency is left out");
      continue;
    }
    for (const std::size_t provider : it->second)
      add_dependency(s, provider);
  }
}

void TopologyBuilder::read_annotations(ImportedService& service) {
  const auto& a = service.entity->annotations;
  loader::Reader& reader = *service.entity->reader;
  const auto get = [&](const char* name) {
    const auto it = a.find(name);
    return it == a.end() ? YAML::Node(YAML::NodeType::Undefined) : it->second;
  };
  const std::string what = " of " + service.entity->ref.text();
  if (const YAML::Node n = get("regions"); n.IsDefined())
    service.regions = split_list(reader.text(n, "faultline.io/regions" + what).value_or(""));
  if (const YAML::Node n = get("instances"); n.IsDefined())
    service.instances = reader.integer(n, "faultline.io/instances" + what, 1, 1'000'000);
  if (const YAML::Node n = get("redundancy"); n.IsDefined())
    service.redundancy = reader.word<Redundancy>(n, "faultline.io/redundancy" + what, "redundancy");
  if (const YAML::Node n = get("quorum"); n.IsDefined()) {
    const auto most = static_cast<std::int64_t>(std::max<std::size_t>(1, service.regions.size()));
    service.quorum = reader.integer(n, "faultline.io/quorum" + what, 1, most);
  }
  if (service.redundancy == Redundancy::k_of_n && !service.quorum)
    reader.error(get("redundancy"), service.id +
                                        " is k-of-n, so it needs faultline.io/quorum: how "
                                        "many of its regions must be up");
  if (const YAML::Node n = get("users"); n.IsDefined())
    service.users = reader.integer(n, "faultline.io/users" + what, 1, 1'000'000'000);
  if (const YAML::Node n = get("time-zone"); n.IsDefined()) {
    service.time_zone = reader.text(n, "faultline.io/time-zone" + what).value_or("");
    if (!service.time_zone.empty() && !ScenarioClock::find_zone(service.time_zone))
      reader.error(n, "unknown time zone '" + service.time_zone +
                          "'; expected an IANA name such as Europe/Paris or UTC");
  }
  if (const YAML::Node n = get("soft-dependencies"); n.IsDefined())
    read_soft_dependencies(service, n);
}

// Each reference must name one of the service's dependencies.
void TopologyBuilder::read_soft_dependencies(ImportedService& service, const YAML::Node& node) {
  loader::Reader& reader = *service.entity->reader;
  for (const std::string& text :
       split_list(reader.text(node, "faultline.io/soft-dependencies").value_or(""))) {
    const auto ref = ref_of(text, "", service.entity->ref.ns);
    if (!ref) {
      reader.error(node, bad_ref(text, ""));
      continue;
    }
    const Entity* target = catalog_.find(*ref);
    const auto it = target ? index_of_.find(target) : index_of_.end();
    auto dep = it == index_of_.end() ? service.depends_on.end()
                                     : std::ranges::find_if(service.depends_on, [&](const auto& d) {
                                         return d.first == it->second;
                                       });
    if (dep == service.depends_on.end()) {
      reader.error(node, "faultline.io/soft-dependencies of " + service.id + " names '" + text +
                             "', which is none of its dependencies");
      continue;
    }
    dep->second = DependencyKind::soft;
  }
}

// The one System's title or name; "Backstage catalog" otherwise.
std::string TopologyBuilder::topology_name() const {
  const Entity* system = nullptr;
  for (const Entity& e : catalog_.entities()) {
    if (e.ref.kind != "system")
      continue;
    if (system)
      return "Backstage catalog";
    system = &e;
  }
  if (!system)
    return "Backstage catalog";
  const YAML::Node title = loader::value_of(loader::value_of(system->node, "metadata"), "title");
  return title.IsScalar() ? title.Scalar() : system->ref.name;
}

// Every region an annotation names, in order of appearance, then the
// placeholder region of the services no annotation placed.
std::string TopologyBuilder::region_lines(BackstageImport& result) const {
  std::vector<std::string> regions;
  std::vector<std::string> unplaced;
  for (const ImportedService& service : services_) {
    for (const std::string& r : service.regions) {
      if (std::ranges::find(regions, r) == regions.end())
        regions.push_back(r);
    }
    if (service.regions.empty())
      unplaced.push_back(service.id);
  }
  std::string out = "regions:\n";
  for (const std::string& r : regions)
    out += "  - id: " + scalar(r) + "\n";
  if (!unplaced.empty() || regions.empty()) {
    const std::string note = fmt::format(
        "PLACEHOLDER: the region of {} service(s) without a faultline.io/regions annotation",
        unplaced.size());
    out += fmt::format("  - id: {}\n    description: {}\n", kUnplaced, scalar(note));
    result.placeholders.push_back(
        fmt::format("region '{}' holds {}", kUnplaced, fmt::join(unplaced, ", ")));
  }
  return out;
}

std::string provenance(const Entity& e) {
  std::string text = "Backstage " + e.ref.text();
  const YAML::Node spec = loader::value_of(e.node, "spec");
  for (const char* field : {"system", "owner", "type", "lifecycle"}) {
    if (spec.IsMap() && loader::value_of(spec, field).IsScalar())
      text += fmt::format(", {} {}", field, loader::value_of(spec, field).Scalar());
  }
  return text;
}

std::string TopologyBuilder::service_lines(const ImportedService& service,
                                           BackstageImport& result) const {
  const Entity& e = *service.entity;
  const YAML::Node metadata = loader::value_of(e.node, "metadata");
  std::string out = "  # " + provenance(e) + "\n  - id: " + scalar(service.id) + "\n";
  if (loader::value_of(metadata, "title").IsScalar())
    out += "    name: " + scalar(loader::value_of(metadata, "title").Scalar()) + "\n";
  if (loader::value_of(metadata, "description").IsScalar())
    out += "    description: " + scalar(loader::value_of(metadata, "description").Scalar()) + "\n";
  std::optional<Redundancy> redundancy = service.redundancy;
  if (!redundancy && service.regions.size() > 1) {
    redundancy = Redundancy::active_active;
    out += "    # PLACEHOLDER: in several regions, with no faultline.io/redundancy\n";
    result.placeholders.push_back(service.id + " is active-active over its regions");
  }
  if (redundancy)
    out += fmt::format("    redundancy: {}\n", word_of(*redundancy));
  if (service.quorum)
    out += fmt::format("    quorum: {}\n", *service.quorum);
  out += "    deployments:\n";
  const std::vector<std::string> regions =
      service.regions.empty() ? std::vector<std::string>{std::string(kUnplaced)} : service.regions;
  for (const std::string& r : regions) {
    out += "      - {region: " + scalar(r);
    if (service.instances)
      out += fmt::format(", instances: {}", *service.instances);
    out += "}\n";
  }
  if (!service.depends_on.empty()) {
    std::vector<std::string> deps;
    for (const auto& [s, kind] : service.depends_on) {
      const std::string id = scalar(services_[s].id);
      deps.push_back(kind == DependencyKind::soft ? "{service: " + id + ", kind: soft}" : id);
    }
    out += fmt::format("    depends_on: [{}]\n", fmt::join(deps, ", "));
  }
  return out;
}

// A group for each service with faultline.io/users; with none at all, a
// placeholder group for each Component nothing depends on (its users'
// entry point).
std::string TopologyBuilder::user_group_lines(BackstageImport& result) const {
  std::vector<bool> depended_on(services_.size(), false);
  bool any_users = false;
  for (const ImportedService& service : services_) {
    any_users = any_users || service.users.has_value();
    for (const auto& [s, kind] : service.depends_on)
      depended_on[s] = true;
  }
  std::string out = "user_groups:\n";
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const ImportedService& service = services_[s];
    const bool entry = service.entity->ref.kind == "component" && !depended_on[s];
    if (any_users ? !service.users : !entry)
      continue;
    std::vector<std::string> missing;
    if (!service.users)
      missing.push_back(fmt::format("{} users", kPlaceholderUsers));
    if (service.time_zone.empty())
      missing.push_back("time zone UTC");
    if (service.regions.empty())
      missing.push_back("region " + std::string(kUnplaced));
    out += "  - id: " + scalar(service.id + "-users") + "\n";
    if (!missing.empty()) {
      const std::string note = fmt::format("PLACEHOLDER: {}", fmt::join(missing, ", "));
      out += "    description: " + scalar(note) + "\n";
      result.placeholders.push_back(
          fmt::format("group {}-users: {}", service.id, fmt::join(missing, ", ")));
    }
    out += fmt::format("    users: {}\n", service.users.value_or(kPlaceholderUsers));
    out += "    region: " +
           scalar(service.regions.empty() ? std::string(kUnplaced) : service.regions.front()) +
           "\n";
    out += "    time_zone: " + scalar(service.time_zone.empty() ? "UTC" : service.time_zone) +
           "\n    uses: [" + scalar(service.id) + "]\n";
    ++result.user_groups;
  }
  return out;
}

BackstageImport TopologyBuilder::write() const {
  BackstageImport result;
  result.services = services_.size();
  result.dependencies = dependencies_;
  for (const auto& [kind, count] : catalog_.left_out())
    result.left_out.push_back(fmt::format("{} {}", count, kind));
  std::string services = "services:\n";
  for (const ImportedService& service : services_)
    services += service_lines(service, result);
  const std::string regions = region_lines(result);
  const std::string groups = user_group_lines(result);
  result.topology_yaml =
      "# Imported from a Backstage catalog by `faultline import backstage`. A catalog holds\n"
      "# no regions, instances or users: what the faultline.io/ annotations did not give\n"
      "# is marked PLACEHOLDER below. Check each before trusting a result.\n"
      "name: " +
      scalar(topology_name()) + "\n" + regions + services + groups;
  return result;
}

}  // namespace

std::optional<BackstageImport> import_backstage(const std::vector<std::string>& paths,
                                                const LoadOptions& options,
                                                Diagnostics& diagnostics) {
  Catalog catalog(diagnostics);
  for (const std::string& path : paths)
    catalog.read(path, options);
  // On past an entity's error, so that every problem is said at once.
  TopologyBuilder builder(catalog, diagnostics);
  builder.build();
  if (diagnostics.has_errors())
    return std::nullopt;
  BackstageImport result = builder.write();
  if (result.services == 0) {
    diagnostics.error({paths.front(), 0, 0},
                      "the files hold no Component or Resource entity, so there is no service "
                      "to import");
    return std::nullopt;
  }
  return result;
}

}  // namespace faultline
