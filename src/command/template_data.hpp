// The files of migrations_template/, compiled into the binary (internal).
#pragma once

#include <string>
#include <vector>

namespace migrate {

struct TemplateFile {
  const char* name;
  const char* content;
};

const std::vector<TemplateFile>& template_files();

}  // namespace migrate
