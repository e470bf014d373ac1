#include "core/config/toml_to_yaml.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/config/config_error.h"

namespace relay {

namespace {

using Position = SourceMap::Position;

Position positionOf(const toml::source_region& region, Position fallback) {
  if (region.begin.line == 0) return fallback;
  return Position{static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

// A YAML double-quoted scalar. Besides quotes and backslashes, control characters and the
// characters YAML treats as line breaks (U+0085, U+2028, U+2029) are escaped.
std::string quoteYaml(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size(); i++) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      out.append("\\x").push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      out.append("\\N");
      i += 1;
    } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      out.append(static_cast<unsigned char>(s[i + 2]) == 0xa8 ? "\\L" : "\\P");
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

std::string floatText(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string text(buf, ec == std::errc() ? end : buf);
  // "1e+20" and "3" read back as floats only with a dot or an exponent.
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

template <typename T>
std::string streamed(const T& value) {
  std::ostringstream s;
  s << value;
  return s.str();
}

struct Entry {
  const toml::key* key;
  const toml::node* value;
};

// A table's entries in document order (toml++ keeps them sorted by name).
std::vector<Entry> entriesInOrder(const toml::table& table, std::string_view skip = {}) {
  std::vector<Entry> entries;
  for (auto&& [key, value] : table) {
    if (!skip.empty() && key.str() == skip) continue;
    entries.push_back(Entry{&key, &value});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    const auto& pa = a.key->source().begin;
    const auto& pb = b.key->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  return entries;
}

class YamlWriter {
 public:
  // `moved` (a key of `moved_from`) is written elsewhere, so it is left out there.
  YamlWriter(const toml::table* moved_from, const toml::key* moved)
      : moved_from_(moved_from), moved_(moved) {}

  void table(Position where, const std::vector<Entry>& entries) {
    line("{", where);
    indent_ += 2;
    for (size_t i = 0; i < entries.size(); i++) {
      Position key_at = positionOf(entries[i].key->source(), where);
      line(quoteYaml(entries[i].key->str()) + ":", key_at);
      indent_ += 2;
      node(*entries[i].value, key_at);
      indent_ -= 2;
      if (i + 1 < entries.size()) comma();
    }
    indent_ -= 2;
    line("}", where);
  }

  void node(const toml::node& n, Position fallback) {
    Position at = positionOf(n.source(), fallback);
    if (const toml::table* t = n.as_table()) {
      table(at, entriesInOrder(*t, t == moved_from_ ? moved_->str() : std::string_view()));
    } else if (const toml::array* a = n.as_array()) {
      line("[", at);
      indent_ += 2;
      for (size_t i = 0; i < a->size(); i++) {
        node((*a)[i], at);
        if (i + 1 < a->size()) comma();
      }
      indent_ -= 2;
      line("]", at);
    } else if (const auto* s = n.as_string()) {
      line(quoteYaml(s->get()), at);
    } else if (const auto* i = n.as_integer()) {
      line(std::to_string(i->get()), at);
    } else if (const auto* f = n.as_floating_point()) {
      line(floatText(f->get()), at);
    } else if (const auto* b = n.as_boolean()) {
      line(b->get() ? "true" : "false", at);
    } else if (const auto* d = n.as_date()) {
      line(quoteYaml(streamed(d->get())), at);
    } else if (const auto* tm = n.as_time()) {
      line(quoteYaml(streamed(tm->get())), at);
    } else if (const auto* dt = n.as_date_time()) {
      line(quoteYaml(streamed(dt->get())), at);
    }
  }

  std::string text;
  SourceMap map;

 private:
  void line(const std::string& token, Position at) {
    text.append(static_cast<size_t>(indent_), ' ').append(token).push_back('\n');
    map.lines.push_back(at);
  }
  void comma() { text.insert(text.size() - 1, 1, ','); }

  const toml::table* moved_from_;
  const toml::key* moved_;
  int indent_ = 0;
};

ConfigMark markAt(const std::string& file, Position p) {
  return ConfigMark{file, p.line, p.column};
}

// The original README shows `api_keys` after [server]; pasted in order it lands inside the
// table. Accepted there, with a warning, as long as the top level does not also have one.
const toml::key* serverApiKeysAlias(const toml::table& root, const std::string& file,
                                    std::vector<std::string>* warnings) {
  const toml::table* server = root["server"].as_table();
  if (!server) return nullptr;
  auto it = server->find("api_keys");
  if (it == server->end()) return nullptr;
  Position at = positionOf(it->first.source(), Position{});
  if (auto top = root.find("api_keys"); top != root.end()) {
    Position first = positionOf(top->first.source(), Position{});
    throw ConfigError(markAt(file, at), "server.api_keys",
                      "api_keys is given twice: at the top level (line " +
                          std::to_string(first.line) + ") and inside [server]; keep one");
  }
  warnings->push_back(formatConfigError(
      markAt(file, at), "server.api_keys",
      "api_keys belongs at the top level: move it above the first table ([server]); "
      "read as the top-level api_keys"));
  return &it->first;
}

}  // namespace

TomlAsYaml translateToml(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw ConfigError(ConfigMark{file, static_cast<int>(b.line), static_cast<int>(b.column)}, "",
                      "TOML syntax error: " + std::string(e.description()));
  }
  TomlAsYaml out;
  const toml::key* alias = serverApiKeysAlias(root, file, &out.warnings);
  const toml::table* server = alias ? root["server"].as_table() : nullptr;
  std::vector<Entry> entries = entriesInOrder(root);
  if (alias) entries.push_back(Entry{alias, server->get("api_keys")});
  YamlWriter w(server, alias);
  w.table(Position{1, 1}, entries);
  out.yaml = std::move(w.text);
  out.map = std::move(w.map);
  return out;
}

}  // namespace relay
