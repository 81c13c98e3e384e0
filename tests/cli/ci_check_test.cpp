// check --ci: single head, upgrade from empty, models match, round trip, on a scratch
// database of each dialect.
#include <memory>

#include <catch2/catch.hpp>

#include "cli/project.hpp"

using migrate::test::Project;
using migrate::test::RunResult;

namespace {

const char* kModels = R"M([tables.t]
columns = [ { name = "id", type = "integer", primary_key = true }, { name = "v", type = "text" } ]
)M";

void ci_checks(const std::string& backend) {
  Project p(backend);
  p.write_config();
  p.write_models(kModels);
  std::unique_ptr<migrate::test::PgDatabase> scratch;
  std::vector<std::string> scratch_args;
  if (backend == "postgresql") {
    scratch = std::make_unique<migrate::test::PgDatabase>();
    scratch_args = {"--scratch-url", scratch->url()};
  }
  auto ci = [&](std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"check", "--ci"};
    args.insert(args.end(), scratch_args.begin(), scratch_args.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return p.run(args);
  };
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "t", "--rev-id", "a1"}), 0);
  RunResult good = ci();
  REQUIRE_RC(good, 0);
  CHECK(good.out.find("ok   heads: one head: a1") != std::string::npos);
  CHECK(good.out.find("ok   upgrade:") != std::string::npos);
  CHECK(good.out.find("ok   roundtrip:") != std::string::npos);
  CHECK(good.out.find("ok   models:") != std::string::npos);
  CHECK(p.tables().empty());  // the project's own database was never touched

  // A downgrade that forgets to drop what its upgrade added leaves a trace.
  p.write("versions/b2_trace.toml",
          "revision = \"b2\"\ndown_revision = \"a1\"\nmessage = \"trace\"\n[[upgrade]]\nop = \"add_column\"\n"
          "table = \"t\"\ncolumn = { name = \"extra\", type = \"integer\" }\n");
  RunResult trace = ci({"--checks", "roundtrip"});
  REQUIRE_RC(trace, 1);
  CHECK(trace.out.find("FAIL roundtrip: the downgrade of b2 leaves a trace") != std::string::npos);
  // ...and the migrations no longer produce what the models declare.
  RunResult models = ci({"--checks", "models"});
  REQUIRE_RC(models, 1);
  CHECK(models.out.find("FAIL models: 1 difference") != std::string::npos);

  // Two heads.
  p.write("versions/c3_side.toml", "revision = \"c3\"\ndown_revision = \"a1\"\nmessage = \"side\"\n");
  RunResult heads = ci({"--checks", "heads"});
  REQUIRE_RC(heads, 1);
  CHECK(heads.out.find("FAIL heads: expected 1 head revision, found 2: b2, c3") != std::string::npos);
  RunResult unknown = ci({"--checks", "nonsense"});
  REQUIRE_RC(unknown, 2);
}

}  // namespace

ON_EVERY_DIALECT("check --ci runs the pytest-alembic checks on a scratch database", ci_checks)

TEST_CASE("check --ci refuses a scratch database that is not empty", "[cli][sqlite]") {
  Project p("sqlite");
  p.write_config();
  p.write_models(kModels);
  REQUIRE_RC(p.run({"revision", "--autogenerate", "-m", "t"}), 0);
  REQUIRE_RC(p.run({"upgrade", "head"}), 0);
  RunResult r = p.run({"check", "--ci", "--scratch-url", "sqlite:///app.db"});
  REQUIRE_RC(r, 2);
  CHECK(r.err.find("is not empty") != std::string::npos);
  CHECK(p.versions().size() == 1);
}
