// ScriptDirectory on directories large enough to be read by several threads.
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <migrate/error.hpp>
#include <migrate/script/script_directory.hpp>

#include "support/support.hpp"

namespace {

/// Writes a linear chain of `n` revisions r00000 ... into dir, file names in chain order.
void write_chain(const migrate::test::TempDir& dir, int n) {
  for (int i = 0; i < n; ++i) {
    std::string down = i == 0 ? "" : fmt::format("down_revision = \"r{:05}\"\n", i - 1);
    dir.write(fmt::format("r{:05}.toml", i), fmt::format("revision = \"r{:05}\"\n{}message = \"step {}\"\n", i, down, i));
  }
}

}  // namespace

TEST_CASE("a large versions directory reads every header, in file order", "[script]") {
  migrate::test::TempDir dir;
  write_chain(dir, 2400);
  migrate::ScriptDirectory scripts(dir.path());
  const migrate::RevisionGraph& graph = scripts.graph();
  CHECK(graph.heads() == std::vector<std::string>{"r02399"});
  for (int i : {0, 1199, 1200, 2399}) {
    const migrate::Revision* r = graph.find(fmt::format("r{:05}", i));
    REQUIRE(r != nullptr);
    CHECK(r->message == fmt::format("step {}", i));
    CHECK(r->path == dir.file(fmt::format("r{:05}.toml", i)));
  }
}

TEST_CASE("a large versions directory reports the first malformed file in name order", "[script]") {
  migrate::test::TempDir dir;
  write_chain(dir, 2400);
  // One file late in the listing, one earlier: whichever part of the listing is read
  // first, the error names the earlier file, as a reading in one pass would.
  dir.write("r02300.toml", "revision = \n");
  dir.write("r01100.toml", "revision = \"r01100\"\ndown_revision = [\n");
  try {
    migrate::ScriptDirectory scripts(dir.path());
    FAIL("the malformed files were accepted");
  } catch (const migrate::InputError& e) {
    std::string what = e.what();
    INFO(what);
    CHECK(what.find("r01100.toml") != std::string::npos);
    CHECK(what.find("r02300.toml") == std::string::npos);
  }
}
