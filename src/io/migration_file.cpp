#include <migrate/io/migration_file.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

#include <migrate/error.hpp>

#include "io/toml_schema.hpp"
#include "util/sha256.hpp"
#include "util/strings.hpp"

namespace migrate {

namespace {

using io::Fields;

std::string quoted(const std::string& s) { return "'" + s + "'"; }

// ---- header --------------------------------------------------------------------------

void check_id(Fields& f, const toml::node* at, const std::string& key, const std::string& id) {
  if (!is_valid_revision_id(id))
    f.fail(at, "'" + key + "' holds an invalid revision id '" + id +
                   "' (a revision id is one word without whitespace or @ - + :)");
}

// The text of a value exactly as written in `text` (one line; toml++ regions end one past
// the value). Falls back to toml++'s rendering when the region does not fit the text.
std::string written_text(std::string_view text, const toml::node& n) {
  const auto& r = n.source();
  size_t pos = 0;
  for (uint32_t line = 1; line < r.begin.line && pos != std::string_view::npos; ++line) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  if (pos != std::string_view::npos && r.begin.line == r.end.line && r.end.column > r.begin.column) {
    size_t from = pos + r.begin.column - 1;
    size_t len = r.end.column - r.begin.column;
    if (from + len <= text.size()) {
      std::string_view v = text.substr(from, len);
      if (!v.empty() && std::isdigit(static_cast<unsigned char>(v.front())) &&
          v.find('\n') == std::string_view::npos)
        return std::string(v);
    }
  }
  std::ostringstream ss;
  if (auto* dt = n.as_date_time()) ss << dt->get();
  else if (auto* d = n.as_date()) ss << d->get();
  return ss.str();
}

// Text for a comment line: TOML forbids control characters in comments.
std::string comment_text(const std::string& s) {
  std::string r = s;
  for (char& ch : r)
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
  return r;
}

void read_header(Fields& f, std::string_view text, Revision& rev, std::string& create_date) {
  const toml::node* id = f.get("revision");
  rev.id = f.required_str("revision");
  check_id(f, id, "revision", rev.id);
  if (auto downs = f.str_list("down_revision", true)) {
    const toml::node* at = f.get("down_revision");
    for (const auto& d : *downs) {
      if (d.empty())
        f.fail(at, "'down_revision' must not be empty (omit it for a base revision)");
      check_id(f, at, "down_revision", d);
    }
    rev.down_revisions = *downs;
  }
  rev.branch_labels = f.str_list("branch_labels", true).value_or(std::vector<std::string>{});
  rev.depends_on = f.str_list("depends_on", true).value_or(std::vector<std::string>{});
  for (const char* key : {"branch_labels", "depends_on"}) {
    const auto& list = std::string(key) == "branch_labels" ? rev.branch_labels : rev.depends_on;
    for (const auto& item : list)
      if (util::trim(item).empty()) f.fail_key(key, "'" + std::string(key) + "' must not hold an empty string");
  }
  rev.message = f.str("message").value_or("");
  if (const toml::node* d = f.get("create_date")) {
    if (d->is_string())
      create_date = d->as_string()->get();
    else if (d->is_date_time() || d->is_date())
      create_date = written_text(text, *d);
    else
      f.fail(d, "'create_date' must be a date-time (2026-11-22T09:30:00Z) or a string, not " +
                    io::a_type(*d));
  }
}

// ---- ops: reading --------------------------------------------------------------------

// The `type` of drop_constraint and rename_constraint ("foreignkey" is Alembic's spelling).
ConstraintKind read_constraint_kind(Fields& f) {
  const toml::node* type_node = f.get("type");
  std::string type = f.required_str("type");
  if (type == "primary" || type == "primary_key") return ConstraintKind::primary_key;
  if (type == "unique") return ConstraintKind::unique;
  if (type == "foreign_key" || type == "foreignkey") return ConstraintKind::foreign_key;
  if (type == "check") return ConstraintKind::check;
  f.fail(type_node, "'type' is '" + type + "'; expected \"primary\", \"unique\", \"foreign_key\" or \"check\"");
}

std::string required_table(Fields& f) {
  std::string t = f.required_str("table");
  if (t.empty()) f.fail_key("table", "'table' must not be empty");
  return t;
}

std::string required_nonempty(Fields& f, const char* key) {
  std::string v = f.required_str(key);
  if (v.empty()) f.fail_key(key, "'" + std::string(key) + "' must not be empty");
  return v;
}

// "value" / drop_value = true: a change to an optional text (nullopt inside = remove).
std::optional<std::optional<std::string>> read_set_or_drop(Fields& f, const char* key,
                                                           const char* drop_key) {
  auto value = f.str(key);
  bool drop = f.boolean(drop_key).value_or(false);
  if (value && drop)
    f.fail_key(drop_key, "give either '" + std::string(key) + "' or '" + drop_key + "', not both");
  if (value) return std::optional<std::string>(*value);
  if (drop) return std::optional<std::string>();
  return std::nullopt;
}

Table read_table_def(Fields& f, const toml::table& def, const std::string& schema,
                     const std::string& name, const std::string& context) {
  Fields e(def, f.path(), context);
  Table t;
  t.schema = schema;
  t.name = name;
  io::read_table_body(e, t);
  e.finish();
  return t;
}

std::vector<std::string> enum_values(Fields& f, const char* key, bool required) {
  auto values = f.str_list(key);
  if (!values) {
    if (required) f.fail(nullptr, "missing key '" + std::string(key) + "'");
    return {};
  }
  for (size_t i = 0; i < values->size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if ((*values)[i] == (*values)[j]) f.fail_key(key, "value '" + (*values)[i] + "' is listed twice");
  return *values;
}

// Ops on schema-level objects (views, enum types, sequences): `name` instead of `table`.
Operation read_schema_object_op(Fields& f, const std::string& kind, const std::string& schema) {
  std::string name = required_nonempty(f, "name");
  if (kind == "create_view") return CreateView{View{schema, name, required_nonempty(f, "sql")}};
  if (kind == "drop_view") {
    DropView op{schema, name, std::nullopt};
    if (auto sql = f.str("existing_sql")) op.existing = View{schema, name, *sql};
    return op;
  }
  if (kind == "create_enum") return CreateEnum{EnumType{schema, name, enum_values(f, "values", true), {}}};
  if (kind == "drop_enum") {
    DropEnum op{schema, name, std::nullopt};
    if (f.get("existing_values")) op.existing = EnumType{schema, name, enum_values(f, "existing_values", true), {}};
    return op;
  }
  if (kind == "alter_enum") {
    AlterEnum op{schema, name, enum_values(f, "values", true), enum_values(f, "existing_values", true), {}};
    if (const toml::array* renames = f.array("renames")) {
      for (const toml::node& item : *renames) {
        if (!item.is_table()) f.fail(&item, "'renames' entries must be tables { from = \"old\", to = \"new\" }");
        Fields r(*item.as_table(), f.path(), f.context() + ", renames");
        std::string from = required_nonempty(r, "from");
        std::string to = required_nonempty(r, "to");
        r.finish();
        op.renames.emplace_back(from, to);
      }
    }
    return op;
  }
  auto read_existing = [&](Sequence& out) {
    const toml::table* e = f.table("existing");
    if (!e) return false;
    Fields ef(*e, f.path(), f.context() + ", existing");
    out.schema = schema;
    out.name = name;
    io::read_sequence_options(ef, out);
    ef.finish();
    return true;
  };
  if (kind == "create_sequence" || kind == "alter_sequence") {
    Sequence seq;
    seq.schema = schema;
    seq.name = name;
    io::read_sequence_options(f, seq);
    if (kind == "create_sequence") return CreateSequence{seq};
    AlterSequence op{seq, std::nullopt};
    Sequence old;
    if (read_existing(old)) op.existing = old;
    return op;
  }
  DropSequence op{schema, name, std::nullopt};
  Sequence old;
  if (read_existing(old)) op.existing = old;
  return op;
}

Operation read_op(Fields& f, const std::string& kind) {
  auto existing_fields = [&](const toml::table& t) {
    return Fields(t, f.path(), f.context() + ", existing");
  };
  if (kind == "sql") {
    ExecuteSql op;
    auto sql = f.str("sql");
    op.sql = sql.value_or("");
    for (const char* dialect : {"sqlite", "postgresql"})
      if (auto s = f.str(dialect)) op.per_dialect[dialect] = *s;
    op.transaction = f.boolean("transaction").value_or(true);
    if (!sql && op.per_dialect.empty())
      f.fail(nullptr, "missing key 'sql' (or per-dialect 'sqlite' / 'postgresql')");
    return op;
  }
  std::string schema = f.str("schema").value_or("");
  if (kind == "create_view" || kind == "drop_view" || kind == "create_enum" || kind == "drop_enum" ||
      kind == "alter_enum" || kind == "create_sequence" || kind == "drop_sequence" || kind == "alter_sequence")
    return read_schema_object_op(f, kind, schema);
  std::string table = required_table(f);
  if (kind == "create_table") {
    CreateTable op;
    op.table.schema = schema;
    op.table.name = table;
    io::read_table_body(f, op.table);
    return op;
  }
  if (kind == "drop_table") {
    DropTable op{schema, table, std::nullopt};
    if (const toml::table* ex = f.table("existing"))
      op.existing = read_table_def(f, *ex, schema, table, f.context() + ", existing");
    return op;
  }
  if (kind == "rename_table") return RenameTable{schema, table, required_nonempty(f, "new_name")};
  if (kind == "add_column") {
    const toml::node* col = f.get("column");
    if (!col) f.fail(nullptr, "missing key 'column'");
    return AddColumn{schema, table, io::read_column(*col, f.path(), f.context(), 0, nullptr)};
  }
  if (kind == "drop_column") {
    DropColumn op{schema, table, required_nonempty(f, "column"), std::nullopt};
    if (const toml::node* ex = f.get("existing")) {
      op.existing = io::read_column(*ex, f.path(), f.context() + ", existing", 0, nullptr);
      if (op.existing->name != op.column)
        f.fail(ex, "existing column is named " + quoted(op.existing->name) + ", not " +
                       quoted(op.column));
    }
    return op;
  }
  if (kind == "alter_column") {
    AlterColumn op;
    op.schema = schema;
    op.table = table;
    op.column = required_nonempty(f, "column");
    op.new_type = f.str("type");
    op.new_nullable = f.boolean("nullable");
    op.new_default = read_set_or_drop(f, "default", "drop_default");
    op.new_name = f.str("new_name");
    op.new_comment = read_set_or_drop(f, "comment", "drop_comment");
    op.existing_type = f.str("existing_type");
    op.existing_nullable = f.boolean("existing_nullable");
    op.existing_default = read_set_or_drop(f, "existing_default", "existing_no_default");
    op.existing_comment = read_set_or_drop(f, "existing_comment", "existing_no_comment");
    op.new_collation = read_set_or_drop(f, "collation", "drop_collation");
    op.new_identity = read_set_or_drop(f, "identity", "drop_identity");
    op.new_autoincrement = f.boolean("autoincrement");
    op.existing_collation = read_set_or_drop(f, "existing_collation", "existing_no_collation");
    op.existing_identity = read_set_or_drop(f, "existing_identity", "existing_no_identity");
    op.existing_autoincrement = f.boolean("existing_autoincrement");
    for (const auto* id : {&op.new_identity, &op.existing_identity})
      if (*id && **id && **id != "always" && **id != "by default")
        f.fail(nullptr, "identity is '" + ***id + "'; expected \"always\" or \"by default\"");
    if (!op.new_type && !op.new_nullable && !op.new_default && !op.new_name && !op.new_comment &&
        !op.new_collation && !op.new_identity && !op.new_autoincrement)
      f.fail(nullptr, "alter_column changes nothing: give at least one of type, nullable, "
                      "default, drop_default, new_name, comment, drop_comment, collation, "
                      "drop_collation, identity, drop_identity, autoincrement");
    if (op.new_type && util::trim(*op.new_type).empty()) f.fail_key("type", "'type' must not be empty");
    if (op.new_name && op.new_name->empty()) f.fail_key("new_name", "'new_name' must not be empty");
    return op;
  }
  if (kind == "create_index") return CreateIndex{schema, table, io::read_index(f)};
  if (kind == "drop_index") {
    DropIndex op{schema, table, required_nonempty(f, "name"), std::nullopt};
    if (const toml::table* ex = f.table("existing")) {
      Fields e = existing_fields(*ex);
      Index ix = io::read_index(e);
      e.finish();
      if (ix.name.empty()) ix.name = op.name;
      op.existing = ix;
    }
    return op;
  }
  if (kind == "rename_index")
    return RenameIndex{schema, table, required_nonempty(f, "name"), required_nonempty(f, "new_name")};
  if (kind == "create_primary_key") return CreatePrimaryKey{schema, table, io::read_primary_key(f)};
  if (kind == "create_unique_constraint")
    return CreateUniqueConstraint{schema, table, io::read_unique(f)};
  if (kind == "create_foreign_key") return CreateForeignKey{schema, table, io::read_foreign_key(f)};
  if (kind == "create_check_constraint")
    return CreateCheckConstraint{schema, table, io::read_check(f)};
  if (kind == "rename_constraint") {
    RenameConstraint op{schema, table, required_nonempty(f, "name"), required_nonempty(f, "new_name"),
                        ConstraintKind::unique};
    op.kind = read_constraint_kind(f);
    return op;
  }
  if (kind == "drop_constraint") {
    DropConstraint op;
    op.schema = schema;
    op.table = table;
    op.name = f.str("name").value_or("");
    op.kind = read_constraint_kind(f);
    if (const toml::table* ex = f.table("existing")) {
      Fields e = existing_fields(*ex);
      switch (op.kind) {
        case ConstraintKind::primary_key: {
          PrimaryKey pk = io::read_primary_key(e);
          if (pk.name.empty()) pk.name = op.name;
          op.existing = pk;
          break;
        }
        case ConstraintKind::unique: {
          UniqueConstraint uq = io::read_unique(e);
          if (uq.name.empty()) uq.name = op.name;
          op.existing = uq;
          break;
        }
        case ConstraintKind::foreign_key: {
          ForeignKey fk = io::read_foreign_key(e);
          if (fk.name.empty()) fk.name = op.name;
          op.existing = fk;
          break;
        }
        case ConstraintKind::check: {
          CheckConstraint ck = io::read_check(e);
          if (ck.name.empty()) ck.name = op.name;
          op.existing = ck;
          break;
        }
      }
      e.finish();
    } else if (op.name.empty() && op.kind != ConstraintKind::primary_key) {
      f.fail(nullptr, "an unnamed constraint needs 'existing' (its definition) to be found");
    }
    return op;
  }
  if (kind == "alter_table_comment") {
    AlterTableComment op;
    op.schema = schema;
    op.table = table;
    auto change = read_set_or_drop(f, "comment", "drop_comment");
    if (!change) f.fail(nullptr, "missing key 'comment' (or drop_comment = true)");
    op.comment = *change;
    op.existing_comment = read_set_or_drop(f, "existing_comment", "existing_no_comment");
    return op;
  }
  // Unreachable: the caller checked the name.
  f.fail(nullptr, "unknown op '" + kind + "'");
}

const char* const kOpNames[] = {
    "create_table",       "drop_table",        "rename_table",
    "add_column",         "drop_column",       "alter_column",
    "create_index",       "drop_index",        "rename_index",
    "create_primary_key", "create_unique_constraint", "create_foreign_key",
    "create_check_constraint", "drop_constraint", "alter_table_comment",
    "sql",                "create_view",       "drop_view",
    "create_enum",        "drop_enum",         "alter_enum",
    "create_sequence",    "drop_sequence",     "alter_sequence",
    "rename_constraint"};
// kOpNames follows the order of the Operation variant.
static_assert(std::variant_size_v<Operation> == std::size(kOpNames));

std::vector<Operation> read_ops(Fields& top, const char* key) {
  std::vector<Operation> ops;
  const toml::node* n = top.get(key);
  if (!n) return ops;
  if (!n->is_array())
    top.fail(n, "'" + std::string(key) + "' must be an array of op tables ([[" + key +
                    "]]), not " + io::a_type(*n));
  size_t i = 0;
  for (const toml::node& item : *n->as_array()) {
    ++i;
    std::string ctx = std::string(key) + " op " + std::to_string(i);
    if (!item.is_table())
      io::fail_at(top.path(), item.source(), ctx + ": must be a table, not " + io::a_type(item));
    Fields f(*item.as_table(), top.path(), ctx);
    std::string kind = f.required_str("op");
    bool known = false;
    for (const char* name : kOpNames) known = known || kind == name;
    if (!known)
      f.fail_key("op", "unknown op '" + kind + "' (known: " +
                           util::join(std::vector<std::string>(std::begin(kOpNames), std::end(kOpNames)), ", ") +
                           ")");
    f.set_context(ctx + " (" + kind + ")");
    ops.push_back(read_op(f, kind));
    f.finish();
  }
  return ops;
}

// ---- ops: writing --------------------------------------------------------------------

using Lines = io::KeyValues;

void put(Lines& l, const char* key, const std::string& value) { l.emplace_back(key, io::quote(value)); }

void put_target(Lines& l, const std::string& schema, const std::string& table) {
  if (!schema.empty()) put(l, "schema", schema);
  put(l, "table", table);
}

void append(Lines& l, const io::KeyValues& kv) { l.insert(l.end(), kv.begin(), kv.end()); }

// Writes a changed-or-dropped text as `key = "..."` or `drop_key = true`.
void put_change(Lines& l, const char* key, const char* drop_key,
                const std::optional<std::optional<std::string>>& v) {
  if (!v) return;
  if (*v) put(l, key, **v);
  else l.emplace_back(drop_key, "true");
}

std::string qualified(const std::string& schema, const std::string& table) {
  return schema.empty() ? table : schema + "." + table;
}

// Writes one op block: comments, the [[section]] header, its keys, and a sub-table
// for a dropped table's definition.
void write_op(std::string& out, const char* section, const Operation& op,
              const std::string& note) {
  Lines l;
  l.emplace_back("op", io::quote(kOpNames[op.index()]));
  std::string body;          // extra text after the keys (create_table body, existing table)
  std::string warning;
  if (auto* o = std::get_if<CreateTable>(&op)) {
    put_target(l, o->table.schema, o->table.name);
    io::write_table_body(body, o->table);
  } else if (auto* o = std::get_if<DropTable>(&op)) {
    put_target(l, o->schema, o->table);
    if (o->existing) {
      body += "[" + std::string(section) + ".existing]\n";
      io::write_table_body(body, *o->existing);
    }
    warning = "drops table " + qualified(o->schema, o->table) + " and all its rows";
  } else if (auto* o = std::get_if<RenameTable>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "new_name", o->new_name);
  } else if (auto* o = std::get_if<AddColumn>(&op)) {
    put_target(l, o->schema, o->table);
    l.emplace_back("column", io::inline_table(io::column_kv(o->column, nullptr)));
  } else if (auto* o = std::get_if<DropColumn>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "column", o->column);
    if (o->existing) l.emplace_back("existing", io::inline_table(io::column_kv(*o->existing, nullptr)));
    warning = "drops column " + qualified(o->schema, o->table) + "." + o->column + " and its data";
  } else if (auto* o = std::get_if<AlterColumn>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "column", o->column);
    if (o->new_type) put(l, "type", *o->new_type);
    if (o->new_nullable) l.emplace_back("nullable", *o->new_nullable ? "true" : "false");
    put_change(l, "default", "drop_default", o->new_default);
    if (o->new_name) put(l, "new_name", *o->new_name);
    put_change(l, "comment", "drop_comment", o->new_comment);
    if (o->existing_type) put(l, "existing_type", *o->existing_type);
    if (o->existing_nullable) l.emplace_back("existing_nullable", *o->existing_nullable ? "true" : "false");
    put_change(l, "existing_default", "existing_no_default", o->existing_default);
    put_change(l, "existing_comment", "existing_no_comment", o->existing_comment);
    put_change(l, "collation", "drop_collation", o->new_collation);
    put_change(l, "identity", "drop_identity", o->new_identity);
    if (o->new_autoincrement) l.emplace_back("autoincrement", *o->new_autoincrement ? "true" : "false");
    put_change(l, "existing_collation", "existing_no_collation", o->existing_collation);
    put_change(l, "existing_identity", "existing_no_identity", o->existing_identity);
    if (o->existing_autoincrement)
      l.emplace_back("existing_autoincrement", *o->existing_autoincrement ? "true" : "false");
    std::string col = qualified(o->schema, o->table) + "." + o->column;
    if (o->new_type)
      warning = "changes the type of " + col + (o->existing_type ? " from " + *o->existing_type : "") +
                " to " + *o->new_type + "; values that do not convert are lost or fail";
    else if (o->new_nullable && !*o->new_nullable)
      warning = "makes " + col + " NOT NULL; fails while NULL values remain";
  } else if (auto* o = std::get_if<CreateIndex>(&op)) {
    put_target(l, o->schema, o->table);
    append(l, io::index_kv(o->index));
  } else if (auto* o = std::get_if<DropIndex>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "name", o->name);
    if (o->existing) {
      Index ix = *o->existing;
      if (ix.name == o->name) ix.name.clear();
      l.emplace_back("existing", io::inline_table(io::index_kv(ix)));
    }
    warning = "drops index " + o->name + " on " + qualified(o->schema, o->table);
  } else if (auto* o = std::get_if<RenameIndex>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "name", o->name);
    put(l, "new_name", o->new_name);
  } else if (auto* o = std::get_if<RenameConstraint>(&op)) {
    put_target(l, o->schema, o->table);
    put(l, "name", o->name);
    put(l, "new_name", o->new_name);
    put(l, "type", constraint_kind_name(o->kind));
  } else if (auto* o = std::get_if<CreatePrimaryKey>(&op)) {
    put_target(l, o->schema, o->table);
    append(l, io::primary_key_kv(o->primary_key));
  } else if (auto* o = std::get_if<CreateUniqueConstraint>(&op)) {
    put_target(l, o->schema, o->table);
    append(l, io::unique_kv(o->constraint));
  } else if (auto* o = std::get_if<CreateForeignKey>(&op)) {
    put_target(l, o->schema, o->table);
    append(l, io::foreign_key_kv(o->constraint));
  } else if (auto* o = std::get_if<CreateCheckConstraint>(&op)) {
    put_target(l, o->schema, o->table);
    append(l, io::check_kv(o->constraint));
  } else if (auto* o = std::get_if<DropConstraint>(&op)) {
    put_target(l, o->schema, o->table);
    if (!o->name.empty()) put(l, "name", o->name);
    const char* type = "unique";
    switch (o->kind) {
      case ConstraintKind::primary_key: type = "primary"; break;
      case ConstraintKind::unique: type = "unique"; break;
      case ConstraintKind::foreign_key: type = "foreign_key"; break;
      case ConstraintKind::check: type = "check"; break;
    }
    put(l, "type", type);
    // The definition's name is left out when it is the op's name (the reader fills it in).
    auto strip = [&](auto def) {
      if (def.name == o->name) def.name.clear();
      return def;
    };
    if (auto* pk = std::get_if<PrimaryKey>(&o->existing))
      l.emplace_back("existing", io::inline_table(io::primary_key_kv(strip(*pk))));
    else if (auto* uq = std::get_if<UniqueConstraint>(&o->existing))
      l.emplace_back("existing", io::inline_table(io::unique_kv(strip(*uq))));
    else if (auto* fk = std::get_if<ForeignKey>(&o->existing))
      l.emplace_back("existing", io::inline_table(io::foreign_key_kv(strip(*fk))));
    else if (auto* ck = std::get_if<CheckConstraint>(&o->existing))
      l.emplace_back("existing", io::inline_table(io::check_kv(strip(*ck))));
    warning = "drops constraint " + (o->name.empty() ? std::string("(unnamed ") + type + ")" : o->name) +
              " on " + qualified(o->schema, o->table);
  } else if (auto* o = std::get_if<AlterTableComment>(&op)) {
    put_target(l, o->schema, o->table);
    put_change(l, "comment", "drop_comment", std::optional<std::optional<std::string>>(o->comment));
    put_change(l, "existing_comment", "existing_no_comment", o->existing_comment);
  } else if (auto* o = std::get_if<CreateView>(&op)) {
    if (!o->view.schema.empty()) put(l, "schema", o->view.schema);
    put(l, "name", o->view.name);
    l.emplace_back("sql", io::quote_sql(o->view.sql));
  } else if (auto* o = std::get_if<DropView>(&op)) {
    if (!o->schema.empty()) put(l, "schema", o->schema);
    put(l, "name", o->name);
    if (o->existing) l.emplace_back("existing_sql", io::quote_sql(o->existing->sql));
  } else if (auto* o = std::get_if<CreateEnum>(&op)) {
    if (!o->type.schema.empty()) put(l, "schema", o->type.schema);
    put(l, "name", o->type.name);
    l.emplace_back("values", io::string_array(o->type.values));
  } else if (auto* o = std::get_if<DropEnum>(&op)) {
    if (!o->schema.empty()) put(l, "schema", o->schema);
    put(l, "name", o->name);
    if (o->existing) l.emplace_back("existing_values", io::string_array(o->existing->values));
    warning = "drops enum type " + qualified(o->schema, o->name);
  } else if (auto* o = std::get_if<AlterEnum>(&op)) {
    if (!o->schema.empty()) put(l, "schema", o->schema);
    put(l, "name", o->name);
    l.emplace_back("values", io::string_array(o->values));
    l.emplace_back("existing_values", io::string_array(o->existing_values));
    if (!o->renames.empty()) {
      std::vector<std::string> items;
      for (const auto& [from, to] : o->renames)
        items.push_back(io::inline_table({{"from", io::quote(from)}, {"to", io::quote(to)}}));
      l.emplace_back("renames", "[" + util::join(items, ", ") + "]");
    }
    warning = "rebuilds enum type " + qualified(o->schema, o->name) +
              ": fails while a row holds a removed value";
  } else if (auto* o = std::get_if<CreateSequence>(&op)) {
    if (!o->sequence.schema.empty()) put(l, "schema", o->sequence.schema);
    put(l, "name", o->sequence.name);
    append(l, io::sequence_kv(o->sequence));
  } else if (auto* o = std::get_if<DropSequence>(&op)) {
    if (!o->schema.empty()) put(l, "schema", o->schema);
    put(l, "name", o->name);
    if (o->existing) l.emplace_back("existing", io::inline_table(io::sequence_kv(*o->existing)));
    warning = "drops sequence " + qualified(o->schema, o->name) + " and its current value";
  } else if (auto* o = std::get_if<AlterSequence>(&op)) {
    if (!o->sequence.schema.empty()) put(l, "schema", o->sequence.schema);
    put(l, "name", o->sequence.name);
    append(l, io::sequence_kv(o->sequence));
    if (o->existing) l.emplace_back("existing", io::inline_table(io::sequence_kv(*o->existing)));
  } else if (auto* o = std::get_if<ExecuteSql>(&op)) {
    if (!o->sql.empty() || o->per_dialect.empty()) l.emplace_back("sql", io::quote_sql(o->sql));
    for (const auto& [dialect, sql] : o->per_dialect) l.emplace_back(io::key_text(dialect), io::quote_sql(sql));
    if (!o->transaction) l.emplace_back("transaction", "false");
  }

  if (!note.empty())
    for (const auto& line : util::split(note, '\n')) out += "# NOTE: " + comment_text(line) + "\n";
  if (is_destructive(op))
    out += "# DESTRUCTIVE: " + comment_text(warning.empty() ? describe(op) : warning) + "\n";
  out += "[[" + std::string(section) + "]]\n";
  for (const auto& [k, v] : l) out += k + " = " + v + "\n";
  if (!body.empty()) {
    if (body[0] == '[') out += "\n";
    out += body;
  }
}

}  // namespace

bool is_valid_revision_id(const std::string& id) {
  if (id.empty()) return false;
  // Control characters (which include every isspace() character but ' ') and ' '.
  for (char ch : id)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == '@' || ch == '-' || ch == '+' || ch == ':')
      return false;
  return true;
}

MigrationFile parse_migration_file(const std::string& text, const std::string& path) {
  toml::table root = io::parse_toml(text, path);
  Fields top(root, path, "");
  MigrationFile file;
  read_header(top, text, file.revision, file.create_date);
  file.revision.path = path;
  file.upgrade = read_ops(top, "upgrade");
  file.downgrade = read_ops(top, "downgrade");
  top.finish();
  return file;
}

MigrationFile read_migration_file(const std::string& path) {
  std::string text = util::read_file(path);
  MigrationFile file = parse_migration_file(text, path);
  file.sha256 = util::sha256_hex(text);
  return file;
}

namespace {

/// True when `line` starts with '[' after spaces and tabs: a table header, where the
/// header keys end.
bool is_table_line(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  return i < line.size() && line[i] == '[';
}

/// The header as most files write it (one `key = "text"`, `key = ["a", "b"]` or bare
/// create_date per line, no escapes, then a table header), read without a TOML parser:
/// `heads` and `history` read every file's header. `text` is the file or its start; the
/// lines up to the first table line are read. Returns false for anything else (also
/// when no table line follows), and for any value the full reader would reject, so the
/// full reader then gives the answer or the error.
bool read_simple_header(std::string_view text, Revision& rev) {
  auto trim = [](std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\r')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\r')) v.remove_suffix(1);
    return v;
  };
  auto quoted = [](std::string_view v, std::string* out) {
    if (v.size() < 2 || v.front() != '"' || v.back() != '"') return false;
    std::string_view inner = v.substr(1, v.size() - 2);
    // Two memchr scans: find_first_of tests the characters one at a time.
    if (inner.find('\\') != std::string_view::npos || inner.find('"') != std::string_view::npos) return false;
    out->assign(inner);
    return true;
  };
  auto list = [&](std::string_view v, std::vector<std::string>* out) {
    std::string one;
    if (quoted(v, &one)) {
      out->push_back(std::move(one));
      return true;
    }
    if (v.size() < 2 || v.front() != '[' || v.back() != ']') return false;
    v = v.substr(1, v.size() - 2);
    while (!v.empty()) {
      size_t comma = v.find(',');
      std::string_view item = trim(v.substr(0, comma));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
      if (item.empty()) continue;  // a trailing comma
      if (!quoted(item, &one)) return false;
      out->push_back(std::move(one));
    }
    return true;
  };
  unsigned seen = 0;  // one bit per key: a repeated key goes to the full reader
  bool have_revision = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (is_table_line(raw)) return have_revision;
    std::string_view line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    enum Key : unsigned { kRevision, kDownRevision, kBranchLabels, kDependsOn, kMessage, kCreateDate, kKeyCount };
    static constexpr std::string_view kKeys[kKeyCount] = {"revision",   "down_revision", "branch_labels",
                                                          "depends_on", "message",       "create_date"};
    unsigned k = 0;
    while (k < kKeyCount && key != kKeys[k]) ++k;
    if (k == kKeyCount || (seen & (1u << k))) return false;
    seen |= 1u << k;
    switch (k) {
      case kRevision:
        if (!quoted(value, &rev.id) || !is_valid_revision_id(rev.id)) return false;
        have_revision = true;
        break;
      case kDownRevision:
        if (!list(value, &rev.down_revisions)) return false;
        for (const auto& d : rev.down_revisions)
          if (!is_valid_revision_id(d)) return false;
        break;
      case kBranchLabels:
      case kDependsOn: {
        auto& out = k == kBranchLabels ? rev.branch_labels : rev.depends_on;
        if (!list(value, &out)) return false;
        for (const auto& item : out)
          if (trim(item).empty()) return false;
        break;
      }
      case kMessage:
        if (!quoted(value, &rev.message)) return false;
        break;
      default: {  // create_date: a bare date-time or a plain string
        // A loop, not find_first_not_of, which calls memchr once per character.
        auto date_char = [](char c) {
          return (c >= '0' && c <= '9') || c == '-' || c == 'T' || c == ':' || c == 'Z' || c == '+' || c == '.' ||
                 c == ' ';
        };
        std::string ignored;
        bool bare = !value.empty() && std::all_of(value.begin(), value.end(), date_char);
        if (!bare && !quoted(value, &ignored)) return false;
      }
    }
  }
  return false;
}

}  // namespace

Revision read_migration_header(const std::string& path) {
  // Only the start of the file: the header ends at the first line starting with '['.
  std::string text = util::read_file_until_line(path, '[');
  Revision simple;
  if (read_simple_header(text, simple)) {
    simple.path = path;
    return simple;
  }
  // Every header key precedes the first table header ([[upgrade]]), so the text before
  // the first line that starts with '[' holds the whole header and keeps its line
  // numbers. A cut that lands inside a multi-line string or array fails to parse; the
  // whole file is then parsed instead, which gives the right answer or the right error.
  size_t cut = text.size();
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (is_table_line(std::string_view(text).substr(pos, nl == std::string::npos ? nl : nl - pos))) {
      cut = pos;
      break;
    }
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  if (cut < text.size()) {
    std::optional<toml::table> root;
    try {
      root = toml::parse(std::string_view(text).substr(0, cut), std::string_view{path});
    } catch (const toml::parse_error&) {
      return parse_migration_file(util::read_file(path), path).revision;
    }
    Fields top(*root, path, "");
    Revision rev;
    std::string create_date;
    read_header(top, text, rev, create_date);
    top.allow("upgrade");
    top.allow("downgrade");
    top.finish();
    rev.path = path;
    return rev;
  }
  return parse_migration_file(text, path).revision;
}

std::string write_migration_file(const MigrationFile& file,
                                 const std::vector<std::string>* upgrade_notes) {
  const Revision& rev = file.revision;
  std::string out;
  std::string title = rev.message.substr(0, rev.message.find('\n'));
  out += "# " + comment_text(title.empty() ? "revision " + rev.id : title) + "\n";
  out += "revision = " + io::quote(rev.id) + "\n";
  if (rev.down_revisions.size() == 1)
    out += "down_revision = " + io::quote(rev.down_revisions[0]) + "\n";
  else if (!rev.down_revisions.empty())
    out += "down_revision = " + io::string_array(rev.down_revisions) + "\n";
  if (!rev.branch_labels.empty()) out += "branch_labels = " + io::string_array(rev.branch_labels) + "\n";
  if (!rev.depends_on.empty()) out += "depends_on = " + io::string_array(rev.depends_on) + "\n";
  out += "message = " + io::quote(rev.message) + "\n";
  if (!file.create_date.empty()) {
    // Written bare when it is a TOML date-time (or date) that reads back to the same text.
    bool bare = false;
    if (file.create_date.find_first_of("#\n\"'") == std::string::npos) {
      try {
        std::string probe = "d = " + file.create_date;
        toml::table t = toml::parse(probe, std::string_view{"create_date"});
        const toml::node* d = t.get("d");
        bare = d && (d->is_date_time() || d->is_date()) && written_text(probe, *d) == file.create_date;
      } catch (const toml::parse_error&) {
      }
    }
    out += "create_date = " + (bare ? file.create_date : io::quote(file.create_date)) + "\n";
  }
  if (file.upgrade.empty()) out += "upgrade = []\n";
  if (file.downgrade.empty()) out += "downgrade = []\n";
  for (size_t i = 0; i < file.upgrade.size(); ++i) {
    out += "\n";
    std::string note;
    if (upgrade_notes && i < upgrade_notes->size()) note = (*upgrade_notes)[i];
    write_op(out, "upgrade", file.upgrade[i], note);
  }
  for (const auto& op : file.downgrade) {
    out += "\n";
    write_op(out, "downgrade", op, "");
  }
  return out;
}

}  // namespace migrate
