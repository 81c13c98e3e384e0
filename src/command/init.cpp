#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include <migrate/command.hpp>
#include <migrate/error.hpp>

#include "command/template_data.hpp"

namespace migrate {

namespace fs = std::filesystem;

void cmd_init(const std::string& dir, const Output& out) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec))
    throw InputError(fmt::format("directory '{}' already exists and is not empty", dir));
  fs::create_directories(fs::path(dir) / "versions", ec);
  if (ec) throw Error(fmt::format("cannot create directory '{}': {}", dir, ec.message()));
  for (const auto& f : template_files()) {
    fs::path p = fs::path(dir) / f.name;
    std::ofstream o(p, std::ios::binary);
    o << f.content;
    if (!o) throw Error(fmt::format("cannot write '{}'", p.string()));
    out.info(fmt::format("  Creating {}", p.string()));
  }
  out.info(fmt::format("  Creating {}", (fs::path(dir) / "versions").string()));
  out.out(fmt::format("Initialised a migrate environment in '{}'. Edit {}/migrate.toml and {}/models.toml, then run "
                      "`migrate revision --autogenerate -m \"initial\"` there.",
                      dir, dir, dir));
}

}  // namespace migrate
