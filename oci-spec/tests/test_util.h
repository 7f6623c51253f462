#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace test {

inline std::string data_dir() { return OCI_TEST_DATA; }

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Sorted relative paths ("config/good/minimal.json") of the JSON files under
// data/<sub>.
inline std::vector<std::string> list(const std::string& sub) {
  std::vector<std::string> out;
  std::filesystem::path root(data_dir());
  for (const auto& e : std::filesystem::directory_iterator(root / sub)) {
    if (e.path().extension() == ".json") out.push_back(sub + "/" + e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string test_name(const std::string& rel) {
  std::string n;
  for (char c : rel) n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

}  // namespace test
