// Backstage catalog files into a topology: read the entities, resolve their
// references, then write the services, regions and user groups as YAML.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

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

// Backstage's rules: a name is 1 to 63 letters and digits, single '-', '_'
// or '.' between them; a namespace, lower-case letters and digits with
// single '-' between them.
bool is_backstage_name(std::string_view text, bool is_namespace) {
  if (text.empty() || text.size() > 63)
    return false;
  bool after_separator = true;  // nothing may start or end with one
  for (const char c : text) {
    const bool alnum = std::isalnum(static_cast<unsigned char>(c)) &&
                       !(is_namespace && std::isupper(static_cast<unsigned char>(c)));
    const bool separator = is_namespace ? c == '-' : c == '-' || c == '_' || c == '.';
    if (!alnum && (!separator || after_separator))
      return false;
    after_separator = !alnum;
  }
  return !after_separator;
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
  loader::yaml::Node node;
  loader::Reader* reader = nullptr;               // of its file, for located messages
  std::map<std::string, loader::yaml::Node> annotations;  // faultline.io/ ones, by their short name
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
std::optional<EntityRef> parse_ref(loader::Reader& reader, const loader::yaml::Node& node,
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
    for (const loader::Document& document : *documents) {
      readers_.push_back(std::make_unique<loader::Reader>(loader::shown_name(path), diagnostics_,
                                                          document.line_offset));
      if (!document.node.is_null())
        read_entity(*readers_.back(), document.node);
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
  // " (did you mean ...?)" for a reference no entity has: a component or
  // resource of the same name first, which is far from it in letters
  // (found by a helper: resource:db for a component db had no hint), then
  // the nearest reference in letters.
  std::string hint_for(const EntityRef& ref) const {
    for (const Entity& e : entities_) {
      if ((e.ref.kind == "component" || e.ref.kind == "resource") &&
          lower(e.ref.name) == lower(ref.name) && lower(e.ref.ns) == lower(ref.ns))
        return " (did you mean '" + e.ref.text() + "'?)";
    }
    return did_you_mean(ref.text(), known_refs());
  }

 private:
  void read_entity(loader::Reader& reader, const loader::yaml::Node& node);
  void left_out(const std::string& kind, const std::string& api_version);
  void read_annotations(Entity& entity, const loader::yaml::Node& annotations);

  Diagnostics& diagnostics_;
  std::vector<std::unique_ptr<loader::Reader>> readers_;
  std::vector<Entity> entities_;
  std::map<std::string, std::size_t> by_key_;
  std::map<std::string, std::size_t> left_out_;  // "Group", "Component (example.com/v1)"
};

bool is_mapped_kind(const std::string& kind) {
  return kind == "component" || kind == "resource" || kind == "api" || kind == "system";
}

void Catalog::read_entity(loader::Reader& reader, const loader::yaml::Node& node) {
  if (!node.is_map()) {
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
    left_out(*kind, *api_version);
    return;
  }
  const loader::yaml::Node metadata = node["metadata"];
  if (!metadata.is_map()) {
    reader.error(metadata.defined() ? metadata : node,
                 "a catalog entity needs 'metadata', a mapping with its name");
    return;
  }
  const auto name = reader.required_text(metadata, "name", "the entity's metadata");
  if (!name)
    return;
  std::string ns = reader.optional_text(metadata["namespace"], "the entity's namespace");
  if (ns.empty())
    ns = "default";
  for (const auto& [text, field, is_namespace] :
       {std::tuple{*name, "name", false}, {ns, "namespace", true}}) {
    if (!is_backstage_name(text, is_namespace)) {
      reader.error(metadata[field],
                   fmt::format("'{}' is no Backstage {}: expected 1 to 63 {}", text, field,
                               is_namespace ? "lower-case letters and digits, '-' between them"
                                            : "letters and digits, '-', '_' or '.' between them"));
      return;
    }
  }
  Entity entity{{lower(*kind), ns, *name}, node, &reader, {}};
  if (const auto [it, added] = by_key_.emplace(entity.ref.key(), entities_.size()); !added) {
    const Entity& first = entities_[it->second];
    const SourceLocation where = first.reader->at(first.node);
    reader.error(node, fmt::format("{} is defined twice; first at {}:{}", entity.ref.text(),
                                   where.file, where.line));
    return;
  }
  read_annotations(entity, metadata["annotations"]);
  entities_.push_back(std::move(entity));
}

// Counts an entity of a kind not imported, or of another tool's apiVersion,
// by its kind as Backstage's own kinds are spelt (Group, not group).
void Catalog::left_out(const std::string& kind, const std::string& api_version) {
  std::string shown = lower(kind);
  if (!shown.empty())
    shown[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(shown[0])));
  if (!api_version.starts_with("backstage.io/"))
    shown = fmt::format("{} ({})", kind, api_version);
  ++left_out_[shown];
}

// The faultline.io/ annotations; an unknown one is an error, as a typo
// would otherwise be dropped without a word.
void Catalog::read_annotations(Entity& entity, const loader::yaml::Node& annotations) {
  if (!annotations.is_map())
    return;
  for (const auto& pair : annotations) {
    const std::string key = pair.first.scalar();
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

// Words YAML would read as a plain scalar of the same text in a block or a
// flow collection: a letter, then letters, digits, single spaces and
// . _ @ / -, and no word YAML takes for a boolean or null.
bool is_plain(std::string_view text) {
  static const std::vector<std::string> kTyped = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "y",   "n"};
  const auto allowed = [](unsigned char c) {
    return std::isalnum(c) || c == ' ' || c == '.' || c == '_' || c == '@' || c == '/' || c == '-';
  };
  return !text.empty() && std::isalpha(static_cast<unsigned char>(text.front())) &&
         text.back() != ' ' && text.find("  ") == std::string_view::npos &&
         std::ranges::all_of(text, allowed) &&
         std::ranges::find(kTyped, lower(text)) == kTyped.end();
}

// A scalar that reads back as the same text wherever it is written: plain
// when it can be, double-quoted otherwise.
std::string scalar(std::string_view text) {
  if (is_plain(text))
    return std::string(text);
  YAML::Emitter out;
  out << YAML::DoubleQuoted << std::string(text);
  return out.c_str();
}

// Text for a comment line: control characters, a line break above all,
// become spaces.
std::string comment_text(std::string text) {
  std::ranges::replace_if(
      text, [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
  return text;
}

// The comma-separated items of an annotation's text; an empty one (two
// commas in a row, or one at either end) is refused, as it may be a name
// lost in an edit.
std::vector<std::string> split_list(loader::Reader& reader, const loader::yaml::Node& node,
                                    const std::string& what) {
  const std::string text = reader.text(node, what).value_or("");
  std::vector<std::string> items;
  std::size_t from = 0;
  while (!text.empty() && from <= text.size()) {
    const std::size_t comma = std::min(text.find(',', from), text.size());
    std::string item(text.substr(from, comma - from));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) {
      reader.error(node, what + " has an empty item in '" + text +
                             "'; give a name between each two commas, and none at either end");
      return {};
    }
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
  explicit TopologyBuilder(Catalog& catalog) : catalog_(catalog) {}

  void build();
  bool empty() const { return services_.empty(); }
  BackstageImport write() const;

 private:
  void add_services();
  void add_dependency(std::size_t client, std::size_t server);
  std::optional<std::size_t> service_of(const Entity& from, const loader::yaml::Node& ref_node,
                                        std::string_view default_kind);
  void read_relations(std::size_t s);
  void read_api_relations();
  void read_annotations(ImportedService& service);
  void read_placement(ImportedService& service);
  void read_users(ImportedService& service);
  void read_soft_dependencies(ImportedService& service, const loader::yaml::Node& node);
  std::string region_lines(BackstageImport& result) const;
  std::string service_lines(const ImportedService& service, BackstageImport& result) const;
  std::string user_group_lines(BackstageImport& result) const;
  std::string topology_name() const;

  std::vector<std::size_t> group_owners() const;

  Catalog& catalog_;
  std::vector<ImportedService> services_;
  std::string unplaced_;  // the placeholder region's id
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
  unplaced_ = std::string(kUnplaced);
  for (int n = 2; std::ranges::any_of(services_,
                                      [&](const ImportedService& service) {
                                        return std::ranges::find(service.regions, unplaced_) !=
                                               service.regions.end();
                                      });
       ++n)
    unplaced_ = fmt::format("{}-{}", kUnplaced, n);
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
                                                       const loader::yaml::Node& ref_node,
                                                       std::string_view default_kind) {
  loader::Reader& reader = *from.reader;
  const auto ref = parse_ref(reader, ref_node, default_kind, from.ref.ns);
  if (!ref)
    return std::nullopt;
  const Entity* target = catalog_.find(*ref);
  // A group, user, domain...: the catalog keeps none of them, and none is a
  // service wherever it is defined.
  if (!target && !is_mapped_kind(lower(ref->kind))) {
    reader.error(ref_node, ref->text() + " is a " + ref->kind +
                               ", which is no service; expected a component or a resource");
    return std::nullopt;
  }
  if (!target) {
    reader.error(ref_node, ref->text() + " names no entity in the files given" +
                               catalog_.hint_for(*ref) + "; add the file that defines it");
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
  const loader::yaml::Node spec = entity.node["spec"];
  if (!spec.is_map())
    return;
  for (const auto& [field, inverse] : {std::pair{"dependsOn", false}, {"dependencyOf", true}}) {
    const loader::yaml::Node list = spec[field];
    if (!list.defined() || !entity.reader->sequence(list, std::string("spec.") + field))
      continue;
    for (const loader::yaml::Node& ref : list) {
      if (const auto other = service_of(entity, ref, ""))
        inverse ? add_dependency(*other, s) : add_dependency(s, *other);
    }
  }
}

// consumesApis against providesApis: a consumer depends on each provider.
// An API that nothing in the files provides is said, and left out.
void TopologyBuilder::read_api_relations() {
  std::map<std::string, std::vector<std::size_t>> providers;
  std::vector<std::tuple<std::size_t, loader::yaml::Node, EntityRef>> consumed;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const Entity& entity = *services_[s].entity;
    const loader::yaml::Node spec = entity.node["spec"];
    if (!spec.is_map())
      continue;
    for (const char* field : {"providesApis", "consumesApis"}) {
      const loader::yaml::Node list = spec[field];
      if (!list.defined() || !entity.reader->sequence(list, std::string("spec.") + field))
        continue;
      for (const loader::yaml::Node& node : list) {
        const auto ref = parse_ref(*entity.reader, node, "api", entity.ref.ns);
        if (ref && std::string_view(field) == "providesApis")
          providers[ref->key()].push_back(s);
        else if (ref)
          consumed.emplace_back(s, node, *ref);
      }
    }
  }
  for (const auto& [s, node, api] : consumed) {
    const Entity& entity = *services_[s].entity;
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

// The annotation `name` of the service's entity; undefined when absent.
loader::yaml::Node annotation(const ImportedService& service, const std::string& name) {
  const auto& a = service.entity->annotations;
  const auto it = a.find(name);
  return it == a.end() ? loader::yaml::Node() : it->second;
}

void TopologyBuilder::read_annotations(ImportedService& service) {
  read_placement(service);
  read_users(service);
  if (const loader::yaml::Node n = annotation(service, "soft-dependencies"); n.defined())
    read_soft_dependencies(service, n);
}

// Regions, instances and redundancy, as the topology's loader takes them:
// each region once, a redundancy mode other than none for several, a
// quorum for k-of-n and only for it.
void TopologyBuilder::read_placement(ImportedService& service) {
  loader::Reader& reader = *service.entity->reader;
  const std::string what = " of " + service.entity->ref.text();
  if (const loader::yaml::Node n = annotation(service, "regions"); n.defined()) {
    for (std::string& region : split_list(reader, n, "faultline.io/regions" + what)) {
      if (std::ranges::find(service.regions, region) != service.regions.end())
        reader.error(n, "faultline.io/regions" + what + " names " + region + " twice");
      else
        service.regions.push_back(std::move(region));
    }
  }
  if (const loader::yaml::Node n = annotation(service, "instances"); n.defined())
    service.instances = reader.integer(n, "faultline.io/instances" + what, 1, 1'000'000);
  const loader::yaml::Node redundancy = annotation(service, "redundancy");
  if (redundancy.defined())
    service.redundancy =
        reader.word<Redundancy>(redundancy, "faultline.io/redundancy" + what, "redundancy");
  if (service.redundancy == Redundancy::none && service.regions.size() > 1)
    reader.error(redundancy, service.id + " is in " + std::to_string(service.regions.size()) +
                                 " regions, so its redundancy cannot be none; expected "
                                 "active-active, active-passive or k-of-n");
  const loader::yaml::Node quorum = annotation(service, "quorum");
  if (quorum.defined() && service.redundancy != Redundancy::k_of_n)
    reader.error(quorum, "faultline.io/quorum applies only to k-of-n redundancy");
  else if (quorum.defined())
    service.quorum =
        reader.integer(quorum, "faultline.io/quorum" + what, 1,
                       static_cast<std::int64_t>(std::max<std::size_t>(1, service.regions.size())));
  if (service.redundancy == Redundancy::k_of_n && !quorum.defined())
    reader.error(redundancy, service.id +
                                 " is k-of-n, so it needs faultline.io/quorum: how many of its "
                                 "regions must be up");
}

// The users of the service's user group, and their time zone, which
// belongs to them: a time zone without users is refused.
void TopologyBuilder::read_users(ImportedService& service) {
  loader::Reader& reader = *service.entity->reader;
  const std::string what = " of " + service.entity->ref.text();
  const loader::yaml::Node users = annotation(service, "users");
  if (users.defined())
    service.users = reader.integer(users, "faultline.io/users" + what, 1, 1'000'000'000);
  if (const loader::yaml::Node n = annotation(service, "time-zone"); n.defined()) {
    service.time_zone = reader.text(n, "faultline.io/time-zone" + what).value_or("");
    if (!users.defined())
      reader.error(n,
                   "faultline.io/time-zone is the time zone of the users faultline.io/users "
                   "gives, and " +
                       service.id + " has none");
    else if (!service.time_zone.empty() && !ScenarioClock::find_zone(service.time_zone))
      reader.error(n, "unknown time zone '" + service.time_zone +
                          "'; expected an IANA name such as Europe/Paris or UTC");
  }
}

// Each reference must name one of the service's dependencies.
void TopologyBuilder::read_soft_dependencies(ImportedService& service,
                                             const loader::yaml::Node& node) {
  loader::Reader& reader = *service.entity->reader;
  for (const std::string& text : split_list(reader, node, "faultline.io/soft-dependencies")) {
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
  const loader::yaml::Node title = system->node["metadata"]["title"];
  return title.is_scalar() ? title.scalar() : system->ref.name;
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
    out += fmt::format("  - id: {}\n    description: {}\n", scalar(unplaced_), scalar(note));
    result.placeholders.push_back(
        fmt::format("region '{}' holds {}", unplaced_, fmt::join(unplaced, ", ")));
  }
  return out;
}

std::string provenance(const Entity& e) {
  std::string text = "Backstage " + e.ref.text();
  const loader::yaml::Node spec = e.node["spec"];
  for (const char* field : {"system", "owner", "type", "lifecycle"}) {
    if (spec.is_map() && spec[field].is_scalar())
      text += fmt::format(", {} {}", field, spec[field].scalar());
  }
  return text;
}

std::string TopologyBuilder::service_lines(const ImportedService& service,
                                           BackstageImport& result) const {
  const Entity& e = *service.entity;
  const loader::yaml::Node metadata = e.node["metadata"];
  std::string out = "  # " + comment_text(provenance(e)) + "\n  - id: " + scalar(service.id) + "\n";
  if (metadata["title"].is_scalar())
    out += "    name: " + scalar(metadata["title"].scalar()) + "\n";
  if (metadata["description"].is_scalar())
    out += "    description: " + scalar(metadata["description"].scalar()) + "\n";
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
      service.regions.empty() ? std::vector<std::string>{unplaced_} : service.regions;
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

// The services that get a user group: each with faultline.io/users; with
// none at all, each Component nothing depends on (its users' entry point)
// or, where every one is depended on, the first service.
std::vector<std::size_t> TopologyBuilder::group_owners() const {
  std::vector<bool> depended_on(services_.size(), false);
  for (const ImportedService& service : services_) {
    for (const auto& [s, kind] : service.depends_on)
      depended_on[s] = true;
  }
  const bool any_users = std::ranges::any_of(
      services_, [](const ImportedService& service) { return service.users.has_value(); });
  std::vector<std::size_t> owners;
  for (std::size_t s = 0; s < services_.size(); ++s) {
    const bool entry = services_[s].entity->ref.kind == "component" && !depended_on[s];
    if (any_users ? services_[s].users.has_value() : entry)
      owners.push_back(s);
  }
  if (owners.empty())
    owners.push_back(0);
  return owners;
}

std::string TopologyBuilder::user_group_lines(BackstageImport& result) const {
  std::string out = "user_groups:\n";
  for (const std::size_t s : group_owners()) {
    const ImportedService& service = services_[s];
    std::vector<std::string> missing;
    if (!service.users)
      missing.push_back(fmt::format("{} users", kPlaceholderUsers));
    if (service.time_zone.empty())
      missing.push_back("time zone UTC");
    if (service.regions.empty())
      missing.push_back("region " + unplaced_);
    out += "  - id: " + scalar(service.id + "-users") + "\n";
    if (!missing.empty()) {
      const std::string note = fmt::format("PLACEHOLDER: {}", fmt::join(missing, ", "));
      out += "    description: " + scalar(note) + "\n";
      result.placeholders.push_back(
          fmt::format("group {}-users: {}", service.id, fmt::join(missing, ", ")));
    }
    out += fmt::format("    users: {}\n", service.users.value_or(kPlaceholderUsers));
    out += "    region: " + scalar(service.regions.empty() ? unplaced_ : service.regions.front()) +
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

// What the import writes must load; where it does not, that is a defect of
// the import, said as such rather than handed on to the user's next step.
bool loads(const std::string& yaml, Diagnostics& diagnostics) {
  Diagnostics check;
  const std::string shown = "<imported topology>";
  if (const auto root = loader::parse_text(shown, yaml, check))
    loader::read_topology(shown, *root, check);
  for (const Diagnostic& d : check.all()) {
    if (d.severity == Severity::error)
      diagnostics.error({shown, d.where.line, d.where.column},
                        "a defect of faultline import, which wrote a topology its loader "
                        "refuses: " +
                            d.message);
  }
  return !check.has_errors();
}

}  // namespace

std::optional<BackstageImport> import_backstage(const std::vector<std::string>& paths,
                                                const LoadOptions& options,
                                                Diagnostics& diagnostics) {
  Catalog catalog(diagnostics);
  for (const std::string& path : paths)
    catalog.read(path, options);
  // On past an entity's error, so that every problem is said at once.
  TopologyBuilder builder(catalog);
  builder.build();
  if (diagnostics.has_errors())
    return std::nullopt;
  if (builder.empty()) {
    diagnostics.error({paths.empty() ? std::string() : paths.front(), 0, 0},
                      "the files hold no Component or Resource entity, so there is no service "
                      "to import");
    return std::nullopt;
  }
  BackstageImport result = builder.write();
  if (!loads(result.topology_yaml, diagnostics))
    return std::nullopt;
  return result;
}

}  // namespace faultline
