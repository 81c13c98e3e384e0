#include <migrate/diff/compare.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate {

namespace {

std::string join_cols(const std::vector<std::string>& cols) { return util::join(cols, ","); }

/// Compares one table pair and appends its ops in Alembic's per-table order.
class TableComparer {
 public:
  TableComparer(const Table& live, const Table& declared, const Dialect& dialect,
                const CompareOptions& options, Diff& diff)
      : live_(live), decl_(declared), dialect_(dialect), options_(options), diff_(diff), renamed_(live) {
    // Keys, constraints and indexes are compared against the live table with the hinted
    // column renames already applied, so a renamed column does not rebuild its index.
    for (const auto& dc : decl_.columns) {
      if (!dc.renamed_from || live_.find_column(dc.name) || !live_.find_column(*dc.renamed_from)) continue;
      auto rename = [&](std::vector<std::string>& cols) {
        for (auto& c : cols)
          if (c == *dc.renamed_from) c = dc.name;
      };
      rename(renamed_.primary_key.columns);
      for (auto& u : renamed_.uniques) rename(u.columns);
      for (auto& i : renamed_.indexes) rename(i.columns);
      for (auto& f : renamed_.foreign_keys) rename(f.columns);
    }
  }

  void run() {
    columns();
    primary_key();
    uniques();
    foreign_keys();
    checks();
    indexes();
    comment();
    flush();
  }

 private:
  void add(std::vector<Operation>& bucket, Operation op, bool expression = false,
           std::string note = {}) {
    bucket.push_back(std::move(op));
    notes_for_[&bucket].push_back(std::move(note));
    if (expression) expression_ = true;
  }

  /// The identity a declared column asks for: its `identity`, or "by default" for an
  /// autoincrement integer column without a default (rendered as an identity).
  std::optional<std::string> declared_identity(const Column& c) const {
    if (c.identity) return c.identity;
    std::string t = util::to_lower(util::trim(c.type));
    bool serial = t.find("serial") != std::string::npos;
    std::string canon = dialect_.canonical_type(c.type);
    if (c.autoincrement && !serial && !c.default_ && !c.generated &&
        (canon == "integer" || canon == "bigint" || canon == "smallint"))
      return std::string("by default");
    return std::nullopt;
  }

  std::string canon_default(const std::optional<std::string>& d, const std::string& type) const {
    return d ? dialect_.canonical_default(*d, type) : std::string("\x01none");
  }

  void columns() {
    std::unordered_set<std::string> matched_live;
    std::vector<const Column*> added;
    for (const auto& dc : decl_.columns) {
      const Column* lc = live_.find_column(dc.name);
      std::optional<std::string> rename_from;
      if (!lc && dc.renamed_from) {
        lc = live_.find_column(*dc.renamed_from);
        if (lc && !decl_.find_column(*dc.renamed_from)) rename_from = *dc.renamed_from;
        else lc = nullptr;
      }
      if (!lc) {
        added.push_back(&dc);
        continue;
      }
      matched_live.insert(lc->name);
      // A generated column's expression (or storage) cannot be altered: the column is
      // dropped and added again, which loses nothing (its values are computed).
      if (lc->generated.has_value() != dc.generated.has_value() ||
          (dc.generated && (lc->generated_stored != dc.generated_stored ||
                            dialect_.canonical_expression(*lc->generated) != dialect_.canonical_expression(*dc.generated)))) {
        if (lc->generated && dc.generated && !rename_from) {
          add(adds_, DropColumn{decl_.schema, decl_.name, lc->name, *lc}, true);
          add(adds_, AddColumn{decl_.schema, decl_.name, dc}, true);
          continue;
        }
      }
      AlterColumn alter;
      alter.schema = decl_.schema;
      alter.table = decl_.name;
      alter.column = lc->name;
      bool changed = false;
      bool expr = false;
      if (rename_from) {
        alter.new_name = dc.name;
        changed = true;
      }
      if (options_.compare_types && dialect_.canonical_type(lc->type) != dialect_.canonical_type(dc.type)) {
        alter.new_type = dc.type;
        changed = true;
      }
      if (lc->nullable != dc.nullable && !lc->identity) {
        alter.new_nullable = dc.nullable;
        changed = true;
      }
      // Generated and identity columns have no server default to compare.
      if (options_.compare_server_defaults && !dc.generated && !dc.identity && !lc->identity &&
          canon_default(lc->default_, lc->type) != canon_default(dc.default_, dc.type)) {
        alter.new_default = dc.default_;
        changed = true;
        expr = true;
      }
      auto lowered = [](const std::optional<std::string>& v) { return util::to_lower(v.value_or("")); };
      if (lowered(lc->collation) != lowered(dc.collation)) {
        alter.new_collation = dc.collation;
        alter.existing_collation = lc->collation;
        changed = true;
      }
      // Identity columns exist where columns are altered natively (PostgreSQL); SQLite's
      // counterpart is AUTOINCREMENT on the INTEGER PRIMARY KEY.
      if (dialect_.capabilities().alter_column_type) {
        std::optional<std::string> want = declared_identity(dc);
        if (lowered(lc->identity) != lowered(want)) {
          alter.new_identity = want;
          alter.existing_identity = lc->identity;
          if (want && lc->default_ && !alter.new_default) alter.new_default = std::optional<std::string>();
          changed = true;
        }
      } else {
        bool want = dc.autoincrement && decl_.primary_key.columns == std::vector<std::string>{dc.name};
        if (lc->autoincrement != want) {
          alter.new_autoincrement = want;
          alter.existing_autoincrement = lc->autoincrement;
          changed = true;
        }
      }
      if (dialect_.capabilities().comments && lc->comment != dc.comment) {
        alter.new_comment = dc.comment;
        alter.existing_comment = lc->comment;
        changed = true;
      }
      if (changed) {
        alter.existing_type = lc->type;
        alter.existing_nullable = lc->nullable;
        alter.existing_default = lc->default_;
        if (!alter.new_comment && dialect_.capabilities().comments) alter.existing_comment = lc->comment;
        add(alter.new_name && !alter.new_type && !alter.new_nullable && !alter.new_default &&
                    !alter.new_collation && !alter.new_identity && !alter.new_autoincrement
                ? renames_
                : alters_,
            alter, expr);
      }
    }
    std::vector<const Column*> dropped;
    for (const auto& lc : live_.columns)
      if (!matched_live.count(lc.name)) dropped.push_back(&lc);
    // A single same-typed drop+add pair in one table is flagged as a possible rename.
    std::string hint;
    if (added.size() == 1 && dropped.size() == 1 &&
        dialect_.canonical_type(added[0]->type) == dialect_.canonical_type(dropped[0]->type)) {
      hint = fmt::format(
          "possible rename of column {}.{} to {}: if so, set renamed_from = \"{}\" on the column "
          "in the models and regenerate (a drop and an add lose the column's data)",
          decl_.name, dropped[0]->name, added[0]->name, dropped[0]->name);
    }
    for (const Column* c : added) add(adds_, AddColumn{decl_.schema, decl_.name, *c}, c->default_.has_value(), hint);
    for (const Column* c : dropped) add(drop_columns_, DropColumn{decl_.schema, decl_.name, c->name, *c}, false, hint);
  }

  void primary_key() {
    const auto& lp = renamed_.primary_key;
    const auto& dp = decl_.primary_key;
    // A name the model gives is part of the key; an unnamed model key accepts any name.
    if (lp.columns == dp.columns && (dp.name.empty() || dp.name == lp.name)) return;
    if (!lp.empty())
      add(drop_constraints_, DropConstraint{decl_.schema, decl_.name, lp.name, ConstraintKind::primary_key, lp});
    if (!dp.empty()) {
      PrimaryKey named = dp;
      if (named.name.empty())
        named.name = dialect_.implicit_constraint_name(decl_, ConstraintKind::primary_key, dp.columns, "");
      add(create_constraints_, CreatePrimaryKey{decl_.schema, decl_.name, named});
    }
  }

  template <class T, class Sig, class Same, class MakeCreate>
  void match_constraints(const std::vector<T>& live, const std::vector<T>& decl, ConstraintKind kind,
                         Sig signature, Same same, MakeCreate make_create, bool expression) {
    std::vector<bool> used(live.size(), false);
    for (const auto& d : decl) {
      // By name when the model names it and the database has that name, else by signature.
      std::optional<size_t> hit;
      if (!d.name.empty())
        for (size_t i = 0; i < live.size(); ++i)
          if (!used[i] && live[i].name == d.name) hit = i;
      if (!hit && d.renamed_from)
        for (size_t i = 0; i < live.size(); ++i)
          if (!used[i] && live[i].name == *d.renamed_from) hit = i;
      if (!hit)
        for (size_t i = 0; i < live.size(); ++i)
          if (!used[i] && signature(live[i]) == signature(d)) {
            hit = i;
            break;
          }
      if (hit) {
        used[*hit] = true;
        // A hinted rename of an unchanged constraint is a rename, not a drop and a create.
        if (d.renamed_from && live[*hit].name == *d.renamed_from && !d.name.empty() &&
            d.name != live[*hit].name && same(live[*hit], d)) {
          add(renames_, RenameConstraint{decl_.schema, decl_.name, live[*hit].name, d.name, kind});
          continue;
        }
        // A name the model gives must match; an unnamed model constraint accepts any.
        if (same(live[*hit], d) && (d.name.empty() || d.name == live[*hit].name)) continue;
        add(drop_constraints_, DropConstraint{decl_.schema, decl_.name, live[*hit].name, kind, live[*hit]}, expression);
      }
      add(create_constraints_, make_create(d), expression);
    }
    for (size_t i = 0; i < live.size(); ++i)
      if (!used[i])
        add(drop_constraints_, DropConstraint{decl_.schema, decl_.name, live[i].name, kind, live[i]}, expression);
  }

  void uniques() {
    match_constraints(
        renamed_.uniques, decl_.uniques, ConstraintKind::unique,
        [](const UniqueConstraint& u) { return join_cols(u.columns); },
        [](const UniqueConstraint& a, const UniqueConstraint& b) { return a.columns == b.columns; },
        [&](const UniqueConstraint& u) -> Operation {
          UniqueConstraint named = u;
          if (named.name.empty())
            named.name = dialect_.implicit_constraint_name(decl_, ConstraintKind::unique, u.columns, "");
          return CreateUniqueConstraint{decl_.schema, decl_.name, named};
        },
        false);
  }

  std::string fk_target(const ForeignKey& f) const {
    return f.ref_schema + "." + f.ref_table + "(" + join_cols(f.ref_columns) + ")";
  }

  void foreign_keys() {
    match_constraints(
        renamed_.foreign_keys, decl_.foreign_keys, ConstraintKind::foreign_key,
        [&](const ForeignKey& f) { return join_cols(f.columns) + "->" + fk_target(f); },
        [&](const ForeignKey& a, const ForeignKey& b) {
          return a.columns == b.columns && fk_target(a) == fk_target(b) && a.on_delete == b.on_delete &&
                 a.on_update == b.on_update && a.deferrable == b.deferrable &&
                 a.initially_deferred == b.initially_deferred;
        },
        [&](const ForeignKey& f) -> Operation {
          ForeignKey named = f;
          if (named.name.empty())
            named.name = dialect_.implicit_constraint_name(decl_, ConstraintKind::foreign_key, f.columns, "");
          return CreateForeignKey{decl_.schema, decl_.name, named};
        },
        false);
  }

  void checks() {
    match_constraints(
        renamed_.checks, decl_.checks, ConstraintKind::check,
        [&](const CheckConstraint& c) { return dialect_.canonical_expression(c.sql); },
        [&](const CheckConstraint& a, const CheckConstraint& b) {
          return dialect_.canonical_expression(a.sql) == dialect_.canonical_expression(b.sql);
        },
        [&](const CheckConstraint& c) -> Operation {
          CheckConstraint named = c;
          if (named.name.empty())
            named.name = dialect_.implicit_constraint_name(decl_, ConstraintKind::check, {}, c.sql);
          return CreateCheckConstraint{decl_.schema, decl_.name, named};
        },
        true);
  }

  std::string index_element(const std::string& e) const {
    return is_plain_identifier(e) ? e : dialect_.canonical_expression(e);
  }

  bool same_index(const Index& a, const Index& b) const {
    if (a.unique != b.unique || a.columns.size() != b.columns.size()) return false;
    for (size_t i = 0; i < a.columns.size(); ++i)
      if (index_element(a.columns[i]) != index_element(b.columns[i])) return false;
    auto method = [](const std::string& m) { return m.empty() ? std::string("btree") : util::to_lower(m); };
    if (method(a.method) != method(b.method)) return false;
    auto where = [&](const std::optional<std::string>& w) {
      return w ? dialect_.canonical_expression(*w) : std::string();
    };
    return where(a.where) == where(b.where);
  }

  void indexes() {
    std::unordered_map<std::string, const Index*> live_by_name;
    for (const auto& i : renamed_.indexes) live_by_name.emplace(i.name, &i);
    std::unordered_set<std::string> used;
    for (const auto& d : decl_.indexes) {
      bool expr = d.where.has_value() ||
                  std::any_of(d.columns.begin(), d.columns.end(), [](const std::string& c) { return !is_plain_identifier(c); });
      auto it = live_by_name.find(d.name);
      if (it == live_by_name.end() && d.renamed_from) {
        auto old = live_by_name.find(*d.renamed_from);
        if (old != live_by_name.end() && !used.count(old->first)) {
          used.insert(old->first);
          add(renames_, RenameIndex{decl_.schema, decl_.name, old->first, d.name});
          if (!same_index(*old->second, d)) {
            Index renamed = *old->second;
            renamed.name = d.name;
            add(drop_indexes_, DropIndex{decl_.schema, decl_.name, d.name, renamed}, expr);
            add(create_indexes_, CreateIndex{decl_.schema, decl_.name, d}, expr);
          }
          continue;
        }
      }
      if (it != live_by_name.end()) {
        used.insert(it->first);
        if (same_index(*it->second, d)) continue;
        add(drop_indexes_, DropIndex{decl_.schema, decl_.name, it->first, *it->second}, expr);
      }
      add(create_indexes_, CreateIndex{decl_.schema, decl_.name, d}, expr);
    }
    for (const auto& l : renamed_.indexes)
      if (!used.count(l.name)) {
        bool expr = l.where.has_value();
        add(drop_indexes_, DropIndex{decl_.schema, decl_.name, l.name, l}, expr);
      }
  }

  void comment() {
    if (!dialect_.capabilities().comments || live_.comment == decl_.comment) return;
    add(comments_, AlterTableComment{decl_.schema, decl_.name, decl_.comment, live_.comment});
  }

  void flush() {
    // Alembic's per-table order; drops of constraints and indexes come before the
    // creates that may reuse their names, and dropped columns come last.
    for (auto* bucket : {&renames_, &adds_, &alters_, &drop_constraints_, &drop_indexes_,
                         &create_indexes_, &create_constraints_, &comments_, &drop_columns_}) {
      auto& notes = notes_for_[bucket];
      for (size_t i = 0; i < bucket->size(); ++i) {
        diff_.upgrade.push_back(std::move((*bucket)[i]));
        diff_.notes.push_back(std::move(notes[i]));
      }
    }
    if (expression_) diff_.expression_tables.push_back(decl_.qualified_name());
  }

  const Table& live_;
  const Table& decl_;
  const Dialect& dialect_;
  const CompareOptions& options_;
  Diff& diff_;
  Table renamed_;  // live_ with the hinted column renames applied
  bool expression_ = false;
  std::vector<Operation> renames_, adds_, alters_, drop_constraints_, drop_indexes_, create_indexes_,
      create_constraints_, comments_, drop_columns_;
  std::unordered_map<const std::vector<Operation>*, std::vector<std::string>> notes_for_;
};

}  // namespace

namespace {

void compare_tables(const MetaData& live, const MetaData& declared, const Dialect& dialect,
                    const CompareOptions& options, Diff& diff) {
  std::unordered_set<std::string> live_matched;
  std::vector<size_t> created;
  std::vector<std::pair<const Table*, const Table*>> pairs;  // live, declared
  // Renames first: the renamed table is then compared as if it had the new name.
  std::vector<Table> renamed_live;
  renamed_live.reserve(2 * declared.tables().size());
  for (size_t i = 0; i < declared.tables().size(); ++i) {
    const Table& d = declared.tables()[i];
    const Table* l = live.find_table(d.qualified_name());
    if (!l && d.renamed_from) {
      std::string old = d.schema.empty() ? *d.renamed_from : d.schema + "." + *d.renamed_from;
      const Table* candidate = live.find_table(old);
      if (candidate && !declared.find_table(old)) {
        diff.upgrade.push_back(RenameTable{d.schema, candidate->name, d.name});
        diff.notes.emplace_back();
        live_matched.insert(old);
        renamed_live.push_back(*candidate);
        renamed_live.back().name = d.name;
        pairs.emplace_back(nullptr, &d);
        continue;
      }
    }
    if (l) {
      live_matched.insert(l->qualified_name());
      pairs.emplace_back(l, &d);
    } else {
      created.push_back(i);
    }
  }
  // Foreign keys of the live schema follow the hinted table renames (the database
  // rewrites them on RENAME), so they are not seen as changed.
  std::unordered_map<std::string, std::string> table_renames;
  for (const auto& op : diff.upgrade)
    if (const auto* r = std::get_if<RenameTable>(&op)) table_renames.emplace(r->table, r->new_name);
  if (!table_renames.empty()) {
    auto retarget = [&](Table& t) {
      for (auto& f : t.foreign_keys)
        if (auto it = table_renames.find(f.ref_table); it != table_renames.end()) f.ref_table = it->second;
    };
    for (auto& t : renamed_live) retarget(t);
    for (auto& p : pairs)
      if (p.first) {
        renamed_live.push_back(*p.first);  // reserved above: pointers stay valid
        retarget(renamed_live.back());
        p.first = &renamed_live.back();
      }
  }
  // New tables in dependency order.
  std::unordered_set<size_t> is_created(created.begin(), created.end());
  for (size_t idx : dependency_order(declared)) {
    if (!is_created.count(idx)) continue;
    const Table& t = declared.tables()[idx];
    diff.upgrade.push_back(CreateTable{t});
    diff.notes.emplace_back();
  }
  // Changed tables, sorted by name as Alembic does.
  size_t renamed_i = 0;
  std::vector<std::pair<const Table*, const Table*>> resolved;
  for (auto& p : pairs) {
    if (!p.first) p.first = &renamed_live[renamed_i++];
    resolved.push_back(p);
  }
  std::sort(resolved.begin(), resolved.end(), [](const auto& a, const auto& b) {
    return a.second->qualified_name() < b.second->qualified_name();
  });
  for (const auto& [l, d] : resolved) TableComparer(*l, *d, dialect, options, diff).run();
  // Dropped tables, dependents first.
  std::vector<size_t> order = dependency_order(live);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Table& t = live.tables()[*it];
    if (live_matched.count(t.qualified_name())) continue;
    diff.upgrade.push_back(DropTable{t.schema, t.name, t});
    diff.notes.emplace_back();
  }
}

std::string lower(const std::string& s) { return util::to_lower(s); }

/// Whether `sql` names `name` as an identifier (bare, any case, or double-quoted exactly),
/// outside string literals. Used to find the views that read a table or another view.
bool mentions(const std::string& sql, const std::string& name) {
  const std::string want = lower(name);
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'') {
      for (++i; i < sql.size() && sql[i] != '\''; ++i) {
      }
      ++i;
    } else if (c == '"') {
      size_t start = ++i;
      while (i < sql.size() && sql[i] != '"') ++i;
      if (sql.compare(start, i - start, name) == 0) return true;
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$')) ++i;
      if (lower(sql.substr(start, i - start)) == want) return true;
    } else {
      ++i;
    }
  }
  return false;
}

/// `sql` with every identifier `from` (bare in any case, or double-quoted exactly)
/// replaced by `to`, outside string literals: a live view's text as the database
/// rewrites it when the table it reads is renamed.
std::string rename_identifier(const std::string& sql, const std::string& from, const std::string& to) {
  const std::string want = lower(from);
  const std::string repl = is_plain_identifier(to) ? to : "\"" + to + "\"";
  std::string out;
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'') {
      size_t start = i++;
      while (i < sql.size() && sql[i] != '\'') ++i;
      ++i;
      out += sql.substr(start, i - start);
    } else if (c == '"') {
      size_t start = i++;
      while (i < sql.size() && sql[i] != '"') ++i;
      std::string inner = sql.substr(start + 1, i - start - 1);
      ++i;
      out += inner == from ? repl : sql.substr(start, i - start);
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = i;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == '_' || sql[i] == '$')) ++i;
      std::string word = sql.substr(start, i - start);
      out += lower(word) == want ? repl : word;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

std::string view_text(const Dialect& dialect, const std::string& sql) {
  std::string s = util::trim(sql);
  while (!s.empty() && (s.back() == ';' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
  return dialect.canonical_expression(s);
}

/// Indexes of `views` ordered so that a view comes after the views it reads.
std::vector<size_t> view_order(const std::vector<View>& views) {
  std::vector<int> state(views.size(), 0);
  std::vector<size_t> order;
  std::function<void(size_t)> visit = [&](size_t i) {
    if (state[i]) return;
    state[i] = 1;
    for (size_t j = 0; j < views.size(); ++j)
      if (j != i && mentions(views[i].sql, views[j].name)) visit(j);
    state[i] = 2;
    order.push_back(i);
  };
  for (size_t i = 0; i < views.size(); ++i) visit(i);
  return order;
}

template <class T>
const T* find_by_name(const std::vector<T>& v, const std::string& qualified) {
  for (const auto& x : v)
    if (x.qualified_name() == qualified) return &x;
  return nullptr;
}

struct SequenceBounds {
  long long min, max;
};

SequenceBounds type_bounds(const Dialect& dialect, const std::string& type) {
  std::string t = dialect.canonical_type(type.empty() ? "bigint" : type);
  if (t == "smallint") return {-32768, 32767};
  if (t == "integer") return {-2147483648LL, 2147483647LL};
  return {std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max()};
}

/// The sequence with every unset option replaced by the server's default for it.
Sequence effective(const Dialect& dialect, const Sequence& s) {
  Sequence e = s;
  e.type = dialect.canonical_type(s.type.empty() ? "bigint" : s.type);
  auto b = type_bounds(dialect, s.type);
  e.increment = s.increment.value_or(1);
  bool up = *e.increment > 0;
  e.min_value = s.min_value.value_or(up ? 1 : b.min);
  e.max_value = s.max_value.value_or(up ? b.max : -1);
  e.start = s.start.value_or(up ? *e.min_value : *e.max_value);
  e.cache = s.cache.value_or(1);
  return e;
}

void compare_enums(const MetaData& live, const MetaData& declared, std::vector<Operation>& creates,
                   std::vector<Operation>& alters, std::vector<Operation>& drops) {
  for (const auto& d : declared.enums) {
    const EnumType* l = find_by_name(live.enums, d.qualified_name());
    if (!l) {
      EnumType e = d;
      e.renamed_values.clear();
      creates.push_back(CreateEnum{e});
      continue;
    }
    AlterEnum op{d.schema, d.name, d.values, l->values, {}};
    std::vector<std::string> current = l->values;
    for (const auto& [to, from] : d.renamed_values) {
      bool has_from = std::find(current.begin(), current.end(), from) != current.end();
      bool has_to = std::find(current.begin(), current.end(), to) != current.end();
      if (!has_from || has_to) continue;  // already renamed, or nothing to rename
      op.renames.emplace_back(from, to);
      for (auto& v : current)
        if (v == from) v = to;
    }
    if (current == d.values && op.renames.empty()) continue;
    alters.push_back(op);
  }
  for (const auto& l : live.enums)
    if (!find_by_name(declared.enums, l.qualified_name())) drops.push_back(DropEnum{l.schema, l.name, l});
}

void compare_sequences(const MetaData& live, const MetaData& declared, const Dialect& dialect,
                       std::vector<Operation>& creates, std::vector<Operation>& alters,
                       std::vector<Operation>& drops) {
  for (const auto& d : declared.sequences) {
    const Sequence* l = find_by_name(live.sequences, d.qualified_name());
    if (!l) {
      creates.push_back(CreateSequence{d});
      continue;
    }
    if (effective(dialect, *l) == effective(dialect, d)) continue;
    alters.push_back(AlterSequence{d, *l});
  }
  for (const auto& l : live.sequences)
    if (!find_by_name(declared.sequences, l.qualified_name()))
      drops.push_back(DropSequence{l.schema, l.name, l});
}

}  // namespace

namespace {

std::string display_name(const Dialect& dialect) {
  return dialect.name() == "sqlite" ? "SQLite" : dialect.name() == "postgresql" ? "PostgreSQL" : std::string(dialect.name());
}

}  // namespace

Diff compare(const MetaData& live, const MetaData& declared, const Dialect& dialect,
             const CompareOptions& options) {
  // Refused here, before a migration that could never be applied is written.
  if (!dialect.capabilities().enums && !declared.enums.empty())
    throw InputError(fmt::format("the models declare enum type '{}', but {} has no enum types "
                                 "(enums and sequences are PostgreSQL only; use a CHECK constraint)",
                                 declared.enums.front().qualified_name(), display_name(dialect)));
  if (!dialect.capabilities().sequences && !declared.sequences.empty())
    throw InputError(fmt::format("the models declare sequence '{}', but {} has no sequences "
                                 "(enums and sequences are PostgreSQL only)",
                                 declared.sequences.front().qualified_name(), display_name(dialect)));
  Diff tables;
  compare_tables(live, declared, dialect, options, tables);

  // Views: dropped or changed ones go first (dependents before what they read), new and
  // changed ones come last (after the tables and views they read). A view that reads a
  // recreated view is recreated too; where columns are altered natively (a view blocks
  // a type change or a column drop there) views reading a table whose columns change
  // type or go away are recreated around the change.
  std::vector<bool> recreate(live.views.size(), false);
  std::set<std::string> changed_tables;
  if (dialect.capabilities().alter_column_type)
    for (const auto& op : tables.upgrade) {
      if (auto* a = std::get_if<AlterColumn>(&op); a && a->new_type) changed_tables.insert(a->table);
      if (auto* c = std::get_if<DropColumn>(&op)) changed_tables.insert(c->table);
      if (auto* t = std::get_if<DropTable>(&op)) changed_tables.insert(t->table);
    }
  // Both databases rewrite a view when a table it reads is renamed.
  std::vector<std::pair<std::string, std::string>> table_renames;
  for (const auto& op : tables.upgrade)
    if (auto* r = std::get_if<RenameTable>(&op)) table_renames.emplace_back(r->table, r->new_name);
  for (size_t i = 0; i < live.views.size(); ++i) {
    const View& l = live.views[i];
    const View* d = find_by_name(declared.views, l.qualified_name());
    std::string live_sql = l.sql;
    for (const auto& [from, to] : table_renames) live_sql = rename_identifier(live_sql, from, to);
    if (!d || view_text(dialect, live_sql) != view_text(dialect, d->sql)) recreate[i] = true;
    for (const auto& t : changed_tables)
      if (mentions(l.sql, t)) recreate[i] = true;
  }
  for (bool grew = true; grew;) {
    grew = false;
    for (size_t i = 0; i < live.views.size(); ++i) {
      if (recreate[i]) continue;
      for (size_t j = 0; j < live.views.size(); ++j)
        if (recreate[j] && j != i && mentions(live.views[i].sql, live.views[j].name)) {
          recreate[i] = grew = true;
          break;
        }
    }
  }
  Diff diff;
  auto push = [&](Operation op, std::string note = {}) {
    diff.upgrade.push_back(std::move(op));
    diff.notes.push_back(std::move(note));
  };
  std::vector<size_t> live_order = view_order(live.views);
  for (auto it = live_order.rbegin(); it != live_order.rend(); ++it)
    if (recreate[*it]) {
      const View& l = live.views[*it];
      push(DropView{l.schema, l.name, l});
    }
  std::vector<Operation> enum_creates, enum_alters, enum_drops, seq_creates, seq_alters, seq_drops;
  compare_enums(live, declared, enum_creates, enum_alters, enum_drops);
  compare_sequences(live, declared, dialect, seq_creates, seq_alters, seq_drops);
  // Enum values are added before the tables change (a new default or column may use
  // them) and removed after (columns and defaults have moved off them by then); the
  // downgrade, reversed, keeps the same rule.
  std::vector<Operation> enum_rebuilds;
  for (auto& op : enum_alters)
    if (std::get<AlterEnum>(op).needs_rebuild()) enum_rebuilds.push_back(op);
  enum_alters.erase(std::remove_if(enum_alters.begin(), enum_alters.end(),
                                   [](const Operation& op) { return std::get<AlterEnum>(op).needs_rebuild(); }),
                    enum_alters.end());
  for (auto* bucket : {&enum_creates, &seq_creates, &enum_alters, &seq_alters})
    for (auto& op : *bucket) push(std::move(op));
  for (size_t i = 0; i < tables.upgrade.size(); ++i) push(std::move(tables.upgrade[i]), std::move(tables.notes[i]));
  diff.expression_tables = std::move(tables.expression_tables);
  for (auto* bucket : {&enum_rebuilds, &enum_drops, &seq_drops})
    for (auto& op : *bucket) push(std::move(op));
  for (size_t i : view_order(declared.views)) {
    const View& d = declared.views[i];
    bool exists = false;
    for (size_t j = 0; j < live.views.size(); ++j)
      if (live.views[j].qualified_name() == d.qualified_name() && !recreate[j]) exists = true;
    if (!exists) push(CreateView{d});
  }
  return diff;
}

namespace {

std::string expand_convention(const std::string& pattern, const Table& t,
                              const std::vector<std::string>& cols, const std::string& referred,
                              const std::string& constraint_name) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.compare(i, 2, "%(") == 0) {
      auto end = pattern.find(")s", i);
      if (end != std::string::npos) {
        std::string token = pattern.substr(i + 2, end - i - 2);
        std::string value;
        if (token == "table_name") value = t.name;
        else if (token == "column_0_name") value = cols.empty() ? "" : cols[0];
        else if (token == "column_0N_name") value = util::join(cols, "");
        else if (token == "column_0_N_name") value = util::join(cols, "_");
        else if (token == "referred_table_name") value = referred;
        else if (token == "constraint_name") value = constraint_name;
        else value = "%(" + token + ")s";
        out += value;
        i = end + 2;
        continue;
      }
    }
    out += pattern[i++];
  }
  return out;
}

}  // namespace

void apply_naming_convention(MetaData& md, const std::map<std::string, std::string>& convention) {
  auto get = [&](const char* key) -> const std::string* {
    auto it = convention.find(key);
    return it == convention.end() ? nullptr : &it->second;
  };
  for (auto& t : md.mutable_tables()) {
    if (auto* p = get("pk"); p && t.primary_key.name.empty() && !t.primary_key.empty())
      t.primary_key.name = expand_convention(*p, t, t.primary_key.columns, "", "");
    if (auto* p = get("uq"))
      for (auto& u : t.uniques)
        if (u.name.empty()) u.name = expand_convention(*p, t, u.columns, "", "");
    if (auto* p = get("fk"))
      for (auto& f : t.foreign_keys)
        if (f.name.empty()) f.name = expand_convention(*p, t, f.columns, f.ref_table, "");
    if (auto* p = get("ix"))
      for (auto& i : t.indexes)
        if (i.name.empty()) i.name = expand_convention(*p, t, i.columns, "", "");
    if (auto* p = get("ck"))
      for (size_t k = 0; k < t.checks.size(); ++k)
        if (t.checks[k].name.empty())
          t.checks[k].name = expand_convention(*p, t, {}, "", std::to_string(k + 1));
  }
}

}  // namespace migrate
