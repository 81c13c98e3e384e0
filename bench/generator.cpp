#include "generator.hpp"

#include <optional>

#include <fmt/format.h>

namespace migrate::bench {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

struct GenColumn {
  std::string name;
  std::string type;     // models.toml spelling (also SQLite's: it keeps the declared text)
  std::string pg_type;  // PostgreSQL spelling
  bool nullable = true;
  std::optional<std::string> default_;
};

struct GenIndex {
  std::string name;
  std::vector<std::string> columns;
};

struct GenTable {
  std::string name;
  std::vector<GenColumn> columns;  // columns[0] is the primary key "id"
  std::string unique_column;
  std::vector<GenIndex> indexes;
  std::optional<std::string> fk_table;  // parent_id references fk_table(id)
};

std::string table_name(int i) { return fmt::format("t{:05d}", i); }

GenColumn col(std::string name, std::string type, std::string pg_type, bool nullable,
              std::optional<std::string> def = std::nullopt) {
  return GenColumn{std::move(name), std::move(type), std::move(pg_type), nullable, std::move(def)};
}

GenTable make_table(int i, Rng& rng) {
  static const int kNameLengths[] = {64, 100, 120, 255};
  static const char* kScoreTypes[][2] = {
      {"real", "real"}, {"double", "double precision"}, {"bigint", "bigint"}, {"smallint", "smallint"}};
  static const char* kNoteTypes[] = {"text", "json", "uuid"};
  GenTable t;
  t.name = table_name(i);
  std::string name_type = fmt::format("varchar({})", kNameLengths[rng.below(4)]);
  const auto& score = kScoreTypes[rng.below(4)];
  const char* note = kNoteTypes[rng.below(3)];
  t.columns = {
      col("id", "integer", "integer", false),
      col("name", name_type, name_type, false),
      col("code", "varchar(32)", "varchar(32)", false),
      col("status", "text", "text", false, "'active'"),
      col("amount", "numeric(12,2)", "numeric(12,2)", false, "0"),
      col("qty", "integer", "integer", false, "0"),
      col("score", score[0], score[1], true),
      col("is_active", "boolean", "boolean", false, "true"),
      col("created_at", "timestamp", "timestamp", false, "CURRENT_TIMESTAMP"),
      col("birth_date", "date", "date", true),
      col("note", note, note, true),
      col("parent_id", "integer", "integer", true),
  };
  t.unique_column = "code";
  t.indexes = {{fmt::format("ix_{}_created_at", t.name), {"created_at"}},
               {fmt::format("ix_{}_status_qty", t.name), {"status", "qty"}}};
  if (i > 1) t.fk_table = table_name(1 + static_cast<int>(rng.below(static_cast<uint64_t>(i - 1))));
  return t;
}

// Six changes, each in a different table; returns how many ops compare should find.
int apply_variant(std::vector<GenTable>& tables) {
  const size_t n = tables.size();
  auto find = [](GenTable& t, const std::string& name) -> GenColumn& {
    for (auto& c : t.columns)
      if (c.name == name) return c;
    throw std::logic_error("generator: no column " + name);
  };
  tables[n / 5].columns.push_back(col("extra_flag", "boolean", "boolean", false, "false"));
  {
    auto& cols = tables[2 * n / 5].columns;
    for (size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == "note") cols.erase(cols.begin() + static_cast<long>(k));
  }
  find(tables[3 * n / 5], "name").type = find(tables[3 * n / 5], "name").pg_type = "varchar(300)";
  find(tables[4 * n / 5], "birth_date").nullable = false;
  GenTable& last = tables[n - 1];
  last.indexes.push_back({fmt::format("ix_{}_qty", last.name), {"qty"}});
  Rng rng(4242);
  GenTable extra = make_table(static_cast<int>(n) + 1, rng);
  extra.name = "t_variant_new";
  for (auto& ix : extra.indexes) ix.name.replace(3, table_name(static_cast<int>(n) + 1).size(), extra.name);
  tables.push_back(std::move(extra));
  return 6;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "\"" : ", \"") + n + "\"";
  return s;
}

void write_toml_table(std::string& out, const GenTable& t) {
  out += fmt::format("[tables.{}]\ncolumns = [\n", t.name);
  for (const auto& c : t.columns) {
    out += fmt::format("  {{ name = \"{}\", type = \"{}\"", c.name, c.type);
    if (!c.nullable && c.name != "id") out += ", nullable = false";
    if (c.default_) out += fmt::format(", default = \"{}\"", *c.default_);
    out += " },\n";
  }
  out += "]\n";
  out += fmt::format("primary_key = {{ name = \"pk_{}\", columns = [\"id\"] }}\n", t.name);
  out += "indexes = [\n";
  for (const auto& ix : t.indexes)
    out += fmt::format("  {{ name = \"{}\", columns = [{}] }},\n", ix.name, quoted_list(ix.columns));
  out += "]\n";
  out += fmt::format("unique = [ {{ name = \"uq_{}_{}\", columns = [\"{}\"] }} ]\n", t.name, t.unique_column,
                     t.unique_column);
  if (t.fk_table)
    out += fmt::format(
        "foreign_keys = [ {{ name = \"fk_{}_parent\", columns = [\"parent_id\"], references = \"{}(id)\", "
        "on_delete = \"cascade\" }} ]\n",
        t.name, *t.fk_table);
  out += "\n";
}

void write_sql_table(std::string& out, const GenTable& t, bool postgresql) {
  out += fmt::format("CREATE TABLE \"{}\" (\n", t.name);
  for (const auto& c : t.columns) {
    out += fmt::format("  \"{}\" {}", c.name, postgresql ? c.pg_type : c.type);
    if (!c.nullable) out += " NOT NULL";
    if (c.default_) out += " DEFAULT " + *c.default_;
    out += ",\n";
  }
  out += fmt::format("  CONSTRAINT \"pk_{}\" PRIMARY KEY (\"id\"),\n", t.name);
  out += fmt::format("  CONSTRAINT \"uq_{0}_{1}\" UNIQUE (\"{1}\")", t.name, t.unique_column);
  if (t.fk_table)
    out += fmt::format(
        ",\n  CONSTRAINT \"fk_{}_parent\" FOREIGN KEY (\"parent_id\") REFERENCES \"{}\" (\"id\") ON DELETE CASCADE",
        t.name, *t.fk_table);
  out += "\n);\n";
  for (const auto& ix : t.indexes)
    out += fmt::format("CREATE INDEX \"{}\" ON \"{}\" ({});\n", ix.name, t.name, quoted_list(ix.columns));
}

}  // namespace

GeneratedSchema generate_schema(int tables, uint64_t seed, bool variant) {
  if (variant && tables < 10) throw std::invalid_argument("generate_schema: a variant needs at least 10 tables");
  Rng rng(seed);
  std::vector<GenTable> ts;
  ts.reserve(static_cast<size_t>(tables) + 1);
  for (int i = 1; i <= tables; ++i) ts.push_back(make_table(i, rng));
  GeneratedSchema out;
  if (variant) out.expected_differences = apply_variant(ts);
  out.models_toml = fmt::format("# {} generated tables (seed {}{})\n\n", tables, seed, variant ? ", variant" : "");
  for (const auto& t : ts) {
    write_toml_table(out.models_toml, t);
    write_sql_table(out.sqlite_sql, t, false);
    write_sql_table(out.postgresql_sql, t, true);
  }
  return out;
}

RevisionChain generate_revisions(int count, uint64_t seed) {
  Rng rng(seed);
  RevisionChain chain;
  std::string prev;
  std::string table;
  for (int k = 1; k <= count; ++k) {
    std::string id = fmt::format("{:012x}", rng.next() & 0xffffffffffffULL);
    std::string message;
    std::string up;
    std::string down;
    std::string sql;
    switch ((k - 1) % 4) {
      case 0:
        table = fmt::format("r{:05d}", k);
        message = "create table " + table;
        up = fmt::format(
            "op = \"create_table\"\ntable = \"{}\"\ncolumns = [\n"
            "  {{ name = \"id\", type = \"integer\", primary_key = true }},\n"
            "  {{ name = \"name\", type = \"text\" }},\n"
            "  {{ name = \"v\", type = \"integer\", nullable = false, default = \"0\" }},\n]\n",
            table);
        down = fmt::format("op = \"drop_table\"\ntable = \"{}\"\n", table);
        sql = fmt::format(
            "CREATE TABLE \"{}\" (\"id\" integer NOT NULL, \"name\" text, \"v\" integer NOT NULL DEFAULT 0, "
            "PRIMARY KEY (\"id\"))",
            table);
        break;
      case 1:
        message = "add column extra to " + table;
        up = fmt::format("op = \"add_column\"\ntable = \"{}\"\ncolumn = {{ name = \"extra\", type = \"text\" }}\n",
                         table);
        down = fmt::format("op = \"drop_column\"\ntable = \"{}\"\ncolumn = \"extra\"\n", table);
        sql = fmt::format("ALTER TABLE \"{}\" ADD COLUMN \"extra\" text", table);
        break;
      case 2:
        message = "index name of " + table;
        up = fmt::format("op = \"create_index\"\ntable = \"{0}\"\nname = \"ix_{0}_name\"\ncolumns = [\"name\"]\n",
                         table);
        down = fmt::format("op = \"drop_index\"\ntable = \"{0}\"\nname = \"ix_{0}_name\"\n", table);
        sql = fmt::format("CREATE INDEX \"ix_{0}_name\" ON \"{0}\" (\"name\")", table);
        break;
      default:
        message = "insert a row into " + table;
        sql = fmt::format("INSERT INTO \"{}\" (\"id\", \"name\") VALUES (1, 'x')", table);
        up = fmt::format("op = \"sql\"\nsql = '''{}'''\n", sql);
        down = fmt::format("op = \"sql\"\nsql = '''DELETE FROM \"{}\" WHERE \"id\" = 1'''\n", table);
        break;
    }
    std::string text = fmt::format("# {}\nrevision = \"{}\"\n", message, id);
    if (!prev.empty()) text += fmt::format("down_revision = \"{}\"\n", prev);
    text += fmt::format("message = \"{}\"\ncreate_date = 2026-01-01T00:00:00Z\n\n", message);
    text += "[[upgrade]]\n" + up + "\n[[downgrade]]\n" + down;
    std::string slug = message;
    for (char& c : slug)
      if (c == ' ') c = '_';
    chain.files.push_back({id + "_" + slug + ".toml", std::move(text)});
    chain.statements.push_back(std::move(sql));
    prev = id;
  }
  chain.head = prev;
  return chain;
}

}  // namespace migrate::bench
