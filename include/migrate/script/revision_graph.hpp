// The revision graph: migration revisions as a DAG, with Alembic's semantics.
//
// Pure: built from a list of Revision values, no file or database I/O, so tests build
// graphs in memory. Built once per command; every lookup afterwards is a hash lookup or
// a walk over the graph (nothing rescans all revisions per target).
//
// Semantics follow Alembic (shared/reference/alembic.md §2, alembic-graph.md):
// versioned heads vs real heads, branch-label propagation, normalised down-revisions
// (down_revision + depends_on not already ancestors), target grammar (head, heads, base,
// full/partial ids, label@head, +N/-N, REV+N, ...), upgrade/downgrade step sets and
// order, and the version-table updates of HeadMaintainer. Where Alembic picks
// arbitrarily, we refuse with a RevisionError instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <migrate/script/revision.hpp>

namespace migrate {


enum class Direction { up, down };

/// One step of a plan: run `revision`'s upgrade or downgrade.
struct Step {
  std::string revision;
  Direction direction = Direction::up;
  /// Text for "-- Running upgrade FROM -> TO" and progress lines: upgrade: from = the
  /// revision's down_revisions comma-joined ("" at a base), to = revision; downgrade:
  /// the other way round.
  std::string from_text;
  std::string to_text;
};

/// A change to the version table (one row per current head).
struct VersionChange {
  enum class Kind { insert, update, remove };
  Kind kind = Kind::update;
  std::string from;  // update, remove: the row's current value
  std::string to;    // insert, update: the new value
};

/// A stamp step: moves the rows `from` (maybe empty) to `to` (maybe empty) without
/// running migrations.
struct StampStep {
  std::vector<std::string> from;
  std::vector<std::string> to;
  std::vector<VersionChange> changes;  // the version-table statements, in order
  std::string from_text;               // for "-- Running stamp_revision A -> B"
  std::string to_text;
};

class RevisionGraph {
 public:
  /// Builds and validates the graph. Throws InputError, naming the files involved, on: a
  /// duplicate revision id, an id containing whitespace or one of "@-+:", a
  /// down_revision or depends_on that names no revision (or label), a cycle or
  /// self-loop (dependencies included), a duplicate branch label.
  explicit RevisionGraph(std::vector<Revision> revisions);

  /// All revisions in load order.
  const std::vector<Revision>& revisions() const;
  /// The revision with exactly this id, or nullptr.
  const Revision* find(std::string_view id) const;
  /// Resolves one revision from a full id, unique partial id or branch label (also
  /// "head" and "label@head" when they name one revision). Throws RevisionError
  /// (unknown: the message says so; ambiguous: lists the candidates; "base").
  const Revision& get(std::string_view id_or_label) const;

  /// Versioned heads (no child through down_revision), in load order.
  std::vector<std::string> heads() const;
  /// Real heads (no child through down_revision or depends_on), in load order.
  std::vector<std::string> real_heads() const;
  std::vector<std::string> bases() const;
  /// Revisions that have more than one child (branch points), in load order.
  std::vector<std::string> branch_points() const;
  /// Children through down_revision, in load order; empty for an unknown id.
  std::vector<std::string> children(std::string_view id) const;
  /// children(id).size() without building the list (0: a head; 2 or more: a branch point).
  size_t child_count(std::string_view id) const;

  /// Resolves an upgrade target ("head", "heads", "base", ids, "label@head", "+2",
  /// "REV+1", ...) given the database's current version rows and returns the steps in
  /// the order to run them. An upgrade to an ancestor of the current state is no steps.
  /// `current` holds exact revision ids (the version-table rows; for offline FROM:TO,
  /// resolve FROM with resolve() first). Throws RevisionError: unknown or ambiguous
  /// target, several heads for "head", a walk that is ambiguous or goes too far, a row
  /// naming no revision, overlapping rows ("Requested revision c3 overlaps ...").
  std::vector<Step> upgrade_steps(const std::vector<std::string>& current,
                                  std::string_view target) const;
  /// Same for a downgrade target ("base", "-1", ids, "label@-1", "label@base", ...).
  /// "-1" with several distinct current rows is refused (name a branch: "label@-1").
  /// A target that is not applied below the current rows: "Destination X is not a
  /// valid downgrade target from current head(s)".
  std::vector<Step> downgrade_steps(const std::vector<std::string>& current,
                                    std::string_view target) const;
  /// The stamp steps that move the version table from `current` to `targets` (several
  /// revisions, "heads", "base", ...; empty means "base"). With purge, the caller
  /// passes an empty `current`. Each step's `changes` are computed against the rows as
  /// they stand after the previous steps, so applying them in order always fits.
  std::vector<StampStep> stamp_steps(const std::vector<std::string>& current,
                                     const std::vector<std::string>& targets) const;

  /// The version-table changes for `step` given the rows before it (Alembic's
  /// HeadMaintainer.update_to_step rules: create branch, merge, unmerge, delete
  /// branch, update). Throws RevisionError when the step's revision is unknown or its
  /// down-revision cannot be told from the rows.
  std::vector<VersionChange> version_changes(const std::vector<std::string>& rows,
                                             const Step& step) const;
  /// `rows` after `changes` (throws InputError when an update/remove misses its row).
  static std::vector<std::string> apply_changes(std::vector<std::string> rows,
                                                const std::vector<VersionChange>& changes);
  /// The changes that turn the rows `from` into `to` in one go: an update for each row
  /// that goes while another comes (in order), then the removals, then the inserts.
  static std::vector<VersionChange> net_changes(const std::vector<std::string>& from,
                                                const std::vector<std::string>& to);

  /// True when `revision` is applied in a database whose version rows are `rows`
  /// (it is one of them or an ancestor of one, dependencies included). False for an
  /// unknown revision; throws RevisionError when a row names no revision.
  bool is_applied(std::string_view revision, const std::vector<std::string>& rows) const;

  /// What `current` prints for these rows: the rows plus dependency ancestors that are
  /// branch heads (alembic-graph.md item 21).
  std::vector<std::string> current_heads(const std::vector<std::string>& rows) const;

  /// Revisions newest first (Alembic's history order), optionally limited to a range
  /// "[start]:[end]" (ends may be any target; "current" resolves through `rows`).
  std::vector<std::string> history(std::string_view range,
                                   const std::vector<std::string>& rows) const;

  // ---- Added for the commands (heads -v, history, show, offline FROM:TO) ----

  /// Resolves an absolute revision argument to full ids, as Alembic's get_revisions:
  /// full or unique partial id, branch label, "head", "heads", "base" (empty result),
  /// "label@head", "label@heads", "label@REV", "REV@head", and "-N"/"label@-N" walked
  /// down from the graph's heads. Throws RevisionError (unknown, ambiguous, several heads
  /// for "head").
  std::vector<std::string> resolve(std::string_view spec) const;
  /// The branch labels that apply to a revision after propagation (its own, its
  /// descendants' ancestors' up to the nearest branch point, ...), sorted. Empty when the
  /// id is unknown.
  std::vector<std::string> branch_labels(std::string_view id) const;
  /// depends_on of a revision resolved to full ids (declaration order, duplicates
  /// dropped). Empty when the id is unknown.
  std::vector<std::string> dependencies(std::string_view id) const;
  /// down_revisions plus the dependencies that are not already implied by an ancestor's
  /// dependencies (Alembic's _normalized_down_revisions). Empty when unknown.
  std::vector<std::string> normalized_down_revisions(std::string_view id) const;

 private:
  // The revisions and every index over them are the implementation's business.
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace migrate
