#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include <migrate/command.hpp>
#include <migrate/error.hpp>
#include <migrate/io/migration_file.hpp>

#include "command/environment.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace fs = std::filesystem;

namespace {

std::string now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void check_rev_id(const std::string& id) {
  if (id.empty()) throw InputError("--rev-id must not be empty");
  for (char c : id)
    if (c == '@' || c == '-' || c == '+' || c == ':' || std::isspace(static_cast<unsigned char>(c)))
      throw InputError(fmt::format("Character(s) '{}' not allowed in revision identifier '{}'", c, id));
  if (id.size() > 32)
    throw InputError(fmt::format("revision identifier '{}' is longer than 32 characters (the version table's "
                                 "version_num is VARCHAR(32))",
                                 id));
}

/// Drops the full definitions that drop ops carry for inversion: the file already holds
/// both directions, and people read it. (Unnamed constraints keep theirs: the definition
/// is how SQLite finds them.)
void strip_drop_definitions(std::vector<Operation>& ops) {
  for (auto& op : ops) {
    if (auto* t = std::get_if<DropTable>(&op)) t->existing.reset();
    if (auto* c = std::get_if<DropColumn>(&op)) c->existing.reset();
    if (auto* i = std::get_if<DropIndex>(&op)) i->existing.reset();
  }
}

/// Validates the graph with the new revision added, then writes the file atomically, so a
/// bad revision never leaves a broken file behind.
std::string write_revision(const Environment& env, MigrationFile& file, const std::vector<std::string>* notes,
                           const std::string& version_path) {
  const ScriptDirectory& scripts = env.scripts();
  std::string dir = scripts.dir();
  std::error_code ec;
  if (!version_path.empty()) {
    // As Alembic: the path must be one of the directories the graph is read from, or
    // the new revision would be invisible to every later command.
    std::string wanted = fs::weakly_canonical(fs::absolute(version_path), ec).string();
    dir.clear();
    for (const auto& d : scripts.dirs())
      if (fs::weakly_canonical(d, ec).string() == wanted) dir = d;
    if (dir.empty())
      throw InputError(fmt::format("--version-path '{}' is not one of the version locations ({}); add it to "
                                   "[migrations] version_locations",
                                   version_path, util::join(scripts.dirs(), ", ")));
  }
  std::string path = (fs::path(dir) / ScriptDirectory::file_name(file.revision.id, file.revision.message)).string();
  file.revision.path = path;
  std::vector<Revision> all = scripts.graph().revisions();
  all.push_back(file.revision);
  RevisionGraph check(std::move(all));  // throws on duplicates, missing parents, cycles
  if (fs::exists(path, ec)) throw InputError(fmt::format("{}: file already exists", path));
  util::write_file_atomic(path, write_migration_file(file, notes));
  return path;
}

std::vector<std::string> resolve_head_option(const Environment& env, const RevisionOptions& o) {
  const RevisionGraph& graph = env.scripts().graph();
  auto heads = graph.heads();
  if (o.head == "base") return {};
  if (o.head == "head") {
    if (heads.size() > 1)
      throw RevisionError(
          "Multiple heads are present; please specify the head revision on which the new revision should be based, "
          "or perform a merge.",
          "heads: " + util::join(heads, ", "));
    return heads;
  }
  std::string spec = o.head;
  if (util::ends_with(spec, "@head")) {
    // label@head: the head of that branch.
    std::vector<std::string> out = graph.resolve(spec);
    if (out.size() != 1) throw RevisionError(fmt::format("'{}' does not name one head", spec));
    return out;
  }
  const Revision& r = graph.get(spec);
  if (std::find(heads.begin(), heads.end(), r.id) == heads.end() && !o.splice)
    throw RevisionError(fmt::format(
        "Revision {} is not a head revision; please specify --splice to create a new branch from this revision", r.id));
  return {r.id};
}

}  // namespace

std::string cmd_revision(const GlobalOptions& g, const RevisionOptions& o, const Output& out) {
  Environment env(g);
  const RevisionGraph& graph = env.scripts().graph();
  MigrationFile file;
  file.revision.id = o.rev_id.empty() ? env.scripts().new_revision_id() : o.rev_id;
  check_rev_id(file.revision.id);
  if (graph.find(file.revision.id))
    throw InputError(fmt::format("revision '{}' already exists in {}", file.revision.id,
                                 env.scripts().path_of(file.revision.id)));
  file.revision.message = o.message;
  file.revision.branch_labels = o.branch_labels;
  for (const auto& d : o.depends_on) {
    // A partial id becomes the full id; a branch label is kept as written (Alembic).
    const Revision& r = graph.get(d);
    bool is_label = std::find(r.branch_labels.begin(), r.branch_labels.end(), d) != r.branch_labels.end();
    file.revision.depends_on.push_back(is_label ? d : r.id);
  }
  file.revision.down_revisions = resolve_head_option(env, o);
  file.create_date = now_rfc3339();
  std::vector<std::string> notes;
  if (o.autogenerate) {
    auto conn = env.connect();
    auto rows = env.version_table().read(*conn);
    std::vector<std::string> heads = graph.real_heads();
    std::vector<std::string> current = graph.current_heads(rows);
    auto sorted = [](std::vector<std::string> v) {
      std::sort(v.begin(), v.end());
      return v;
    };
    bool up_to_date = true;
    for (const auto& h : heads)
      if (!graph.is_applied(h, rows)) up_to_date = false;
    if (!up_to_date)
      throw InputError(fmt::format("Target database is not up to date: it is at {}, the heads are {}; run `migrate "
                                   "upgrade heads` first",
                                   rows.empty() ? "base" : util::join(sorted(current), ", "),
                                   util::join(sorted(heads), ", ")));
    MetaData declared = env.load_models();
    Diff diff = compare_with_database(env, *conn, declared);
    if (diff.empty() && !o.empty) {
      out.out("No changes in schema detected; no revision written (use --empty to write one anyway).");
      return "";
    }
    file.upgrade = diff.upgrade;
    file.downgrade = reverse_all(diff.upgrade);
    strip_drop_definitions(file.upgrade);
    strip_drop_definitions(file.downgrade);
    notes = diff.notes;
    for (size_t i = 0; i < diff.upgrade.size(); ++i)
      out.info(fmt::format("Detected {}{}", describe(diff.upgrade[i]),
                           notes[i].empty() ? "" : "  (" + notes[i] + ")"));
  }
  std::string path = write_revision(env, file, o.autogenerate ? &notes : nullptr, o.version_path);
  out.out(fmt::format("Generating {} ... done", path));
  return path;
}

std::string cmd_merge(const GlobalOptions& g, const MergeOptions& o, const Output& out) {
  Environment env(g);
  const RevisionGraph& graph = env.scripts().graph();
  MigrationFile file;
  file.revision.id = o.rev_id.empty() ? env.scripts().new_revision_id() : o.rev_id;
  check_rev_id(file.revision.id);
  file.revision.message = o.message;
  file.revision.branch_labels = o.branch_labels;
  std::vector<std::string> parents;
  for (const auto& r : o.revisions) {
    if (r == "heads") {
      for (const auto& h : graph.heads()) parents.push_back(h);
      continue;
    }
    parents.push_back(graph.get(r).id);
  }
  // Keep the order given (it decides the upgrade order of the parents), drop repeats.
  std::vector<std::string> unique;
  for (const auto& p : parents)
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  parents = std::move(unique);
  if (parents.size() < 2)
    throw InputError(fmt::format("merge needs at least two revisions to merge; got {}",
                                 parents.empty() ? "none" : util::join(parents, ", ")));
  file.revision.down_revisions = parents;
  file.create_date = now_rfc3339();
  std::string path = write_revision(env, file, nullptr, "");
  out.out(fmt::format("Generating {} ... done", path));
  return path;
}

}  // namespace migrate
