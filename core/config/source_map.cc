#include "core/config/source_map.h"

#include <map>
#include <mutex>

namespace relay {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const SourceMap>, std::less<>> maps;
};

Registry& registry() {
  static Registry r;
  return r;
}

std::shared_ptr<const SourceMap> mapFor(const std::string& file) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.maps.find(file);
  return it == r.maps.end() ? nullptr : it->second;
}

}  // namespace

void registerSourceMap(const std::string& file, std::shared_ptr<const SourceMap> map) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.maps[file] = std::move(map);
}

void forgetSourceMap(const std::string& file) {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.maps.erase(file);
}

ConfigMark sourceMark(const std::string& file, int yaml_line, int yaml_column) {
  ConfigMark m;
  m.file = file;
  if (yaml_line < 0) return m;
  std::shared_ptr<const SourceMap> map = mapFor(file);
  if (!map) {
    m.line = yaml_line + 1;
    m.column = yaml_column + 1;
    return m;
  }
  if (static_cast<size_t>(yaml_line) < map->lines.size()) {
    m.line = map->lines[yaml_line].line;
    m.column = map->lines[yaml_line].column;
  }
  return m;
}

}  // namespace relay
