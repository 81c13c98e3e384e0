#include <migrate/script/script_directory.hpp>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <functional>
#include <random>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include <migrate/error.hpp>

#include "util/strings.hpp"

namespace migrate {

namespace fs = std::filesystem;

namespace {

/// Appends the headers of dir/names[i] to `out`, in that order. Opening and reading the
/// files is most of what heads and history do on a large directory, and the kernel runs
/// those calls side by side: 10 000 files took 41 ms in one thread and 27 ms in two on
/// the bench machine. A failure is that of the first file, in order, that fails, as in
/// one thread.
void append_headers(const std::string& dir, const std::vector<std::string_view>& names, std::vector<Revision>& out) {
  const size_t base = out.size();
  out.resize(base + names.size());
  auto read_range = [&](size_t begin, size_t end, size_t& failed_at, std::exception_ptr& error) {
    std::string path;
    for (size_t i = begin; i < end; ++i) {
      try {
        path.assign(dir).append("/").append(names[i]);
        out[base + i] = read_migration_header(path);
      } catch (...) {
        failed_at = i;
        error = std::current_exception();
        return;
      }
    }
  };
  // At 1000 files a second thread saved nothing measurable (about 10 ms either way).
  // Below two threads' worth of files, not even the core count is asked for (it reads
  // /sys on every start).
  constexpr size_t kFilesPerThread = 1000;
  size_t threads = names.size() < 2 * kFilesPerThread
                       ? 1
                       : std::min<size_t>({std::max(1u, std::thread::hardware_concurrency()), 4,
                                           names.size() / kFilesPerThread});
  std::vector<size_t> failed_at(threads, names.size());
  std::vector<std::exception_ptr> errors(threads);
  auto range_start = [&](size_t t) { return names.size() * t / threads; };
  std::vector<std::thread> helpers;
  size_t started = 1;  // ranges 1 .. started-1 have a thread of their own
  try {
    for (; started < threads; ++started)
      helpers.emplace_back(read_range, range_start(started), range_start(started + 1), std::ref(failed_at[started]),
                           std::ref(errors[started]));
  } catch (const std::system_error&) {
    // No more threads to be had: this one reads the ranges left.
  }
  read_range(0, range_start(1), failed_at[0], errors[0]);
  for (size_t t = started; t < threads; ++t) read_range(range_start(t), range_start(t + 1), failed_at[t], errors[t]);
  for (auto& h : helpers) h.join();
  size_t first = static_cast<size_t>(std::min_element(failed_at.begin(), failed_at.end()) - failed_at.begin());
  if (errors[first]) std::rethrow_exception(errors[first]);
}

}  // namespace

ScriptDirectory::ScriptDirectory(std::string dir, std::vector<std::string> more_dirs) : dir_(std::move(dir)) {
  dirs_.push_back(dir_);
  for (auto& d : more_dirs)
    if (std::find(dirs_.begin(), dirs_.end(), d) == dirs_.end()) dirs_.push_back(std::move(d));
  std::vector<Revision> revisions;
  for (const auto& d : dirs_) {
    std::error_code ec;
    if (!fs::is_directory(d, ec))
      throw InputError(fmt::format("versions directory '{}' does not exist (run `migrate init` or set "
                                   "[migrations] directory in migrate.toml)",
                                   d));
    const std::vector<std::string> files = util::list_files(d);
    // Sorted as views of the bare names: the paths share the prefix d + "/", and a view
    // moves more cheaply than a string.
    std::vector<std::string_view> names;
    names.reserve(files.size());
    for (const auto& name : files)
      if (name.size() >= 6 && name.compare(name.size() - 5, 5, ".toml") == 0 && name[0] != '.')
        names.push_back(name);
    std::sort(names.begin(), names.end());
    append_headers(d, names, revisions);
  }
  graph_ = std::make_unique<RevisionGraph>(std::move(revisions));
}

const std::string& ScriptDirectory::path_of(const std::string& id) const {
  const Revision* r = graph_->find(id);
  if (!r) throw InputError("no migration file for revision '" + id + "'");
  return r->path;
}

const MigrationFile& ScriptDirectory::load(const std::string& id) const {
  auto it = cache_.find(id);
  if (it != cache_.end()) return *it->second;
  auto file = std::make_unique<MigrationFile>(read_migration_file(path_of(id)));
  if (file->revision.id != id)
    throw InputError(fmt::format("{}: revision changed while reading ('{}' became '{}')", path_of(id), id,
                                 file->revision.id));
  return *cache_.emplace(id, std::move(file)).first->second;
}

std::string ScriptDirectory::file_name(const std::string& id, const std::string& message) {
  std::vector<std::string> words;
  std::string word;
  for (char ch : message) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || ch == '_') {
      word += static_cast<char>(std::tolower(c));
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  std::string slug;
  for (const auto& w : words) {
    std::string next = slug.empty() ? w : slug + "_" + w;
    if (next.size() > 40) {
      if (slug.empty()) slug = w.substr(0, 40);
      break;
    }
    slug = next;
  }
  return slug.empty() ? id + ".toml" : id + "_" + slug + ".toml";
}

std::string ScriptDirectory::new_revision_id() const {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  for (;;) {
    std::string id = fmt::format("{:012x}", gen() & 0xffffffffffffULL);
    if (!graph_->find(id)) return id;
  }
}

}  // namespace migrate
