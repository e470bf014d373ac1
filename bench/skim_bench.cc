// Micro-benchmark of the request body skim (relay::json::skimObject), not part of the test suite.
// Reports, per body shape and per skim path (the reference skim, each block kernel this CPU has,
// and the automatic choice), the best time of several rounds in ns per skim and, where the CPU
// exposes counters, user-space instructions per skim (perf_event_open).
// Build and run from the repository root (release flags, as the relay is built):
//   python3 bench/make_body.py /tmp/skimbody
//   g++ -std=c++20 -O3 -DNDEBUG -I. bench/skim_bench.cc core/json/skim.cc
//       core/json/skim_reference.cc core/json/json_view.cc -o /tmp/skim_bench
//   /tmp/skim_bench /tmp/skimbody/body.json [SHAPE]
// On a machine without counters (a VM), count instructions with callgrind, one shape and path:
//   valgrind --tool=callgrind --toggle-collect='*runSkims*' --callgrind-out-file=/tmp/cg.out
//       /tmp/skim_bench /tmp/skimbody/body.json body reference 1000
//   (total Ir / 1000 = instructions per skim; valgrind hides AVX-512 from the program)
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "core/json/skim.h"
#include "core/json/skim_paths.h"

using namespace relay::json;

namespace {

std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Shapes other than the bench body, each about 20 KB.
std::string longAscii() {
  std::string s = "{\"model\":\"m\",\"a\":\"" + std::string(10000, 'x') + "\",\"b\":\"";
  return s + std::string(10000, 'y') + "\"}";
}
std::string nonAscii() {
  std::string s = "{\"model\":\"m\",\"messages\":[";
  for (int i = 0; i < 60; ++i) {
    if (i) s += ",";
    s += "{\"role\":\"user\",\"content\":\"";
    for (int j = 0; j < 20; ++j)
      s += "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e caf\xc3\xa9 \xf0\x9f\x98\x80";
    s += "\"}";
  }
  return s + "]}";
}
std::string numbers() {
  std::string s = "{\"model\":\"m\",\"a\":[";
  for (int i = 0; i < 2500; ++i) {
    if (i) s += ",";
    s += std::to_string(i * 7919 % 100000) + (i % 3 == 0 ? ".25" : "");
  }
  return s + "]}";
}
std::string deep() {
  std::string s = "{\"model\":\"m\"";
  for (int i = 0; i < 80; ++i) s += ",\"k\":" + std::string(120, '[') + std::string(120, ']');
  return s + "}";
}
std::string escapes() {
  std::string s = "{\"model\":\"m\",\"messages\":[";
  for (int i = 0; i < 100; ++i) {
    if (i) s += ",";
    s +=
        R"({"role":"user","content":"line one\nline \"two\"\t\\path\\to\\file \u00e9\ud83d\ude00 end\n"})";
    s += R"(,{"role":"assistant","content":"int main() {\n  return 0;\n}\n"})";
  }
  return s + "]}";
}

class InstructionCounter {
 public:
  InstructionCounter() {
    perf_event_attr attr{};
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof(attr);
    attr.config = PERF_COUNT_HW_INSTRUCTIONS;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    fd_ = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
  }
  ~InstructionCounter() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void start() {
    ioctl(fd_, PERF_EVENT_IOC_RESET, 0);
    ioctl(fd_, PERF_EVENT_IOC_ENABLE, 0);
  }
  uint64_t stop() {
    ioctl(fd_, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t n = 0;
    if (read(fd_, &n, sizeof(n)) != sizeof(n)) return 0;
    return n;
  }

 private:
  int fd_ = -1;
};

void measure(const char* shape, const char* path_name, const std::string& body,
             const std::function<ObjectSkim(std::string_view)>& skim, InstructionCounter& counter) {
  ObjectSkim check = skim(body);
  if (!check.ok) {
    std::printf("%-10s %-10s REFUSED: %s\n", shape, path_name, check.error.c_str());
    return;
  }
  // Many short rounds, the best one: on a shared machine some round runs uninterrupted.
  const int iters = 10;
  double best = 1e18;
  for (int round = 0; round < 1000; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) {
      ObjectSkim s = skim(body);
      asm volatile("" : : "r"(s.members.data()) : "memory");
    }
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / iters);
  }
  double instructions = 0;
  if (counter.ok()) {
    counter.start();
    for (int i = 0; i < iters; ++i) {
      ObjectSkim s = skim(body);
      asm volatile("" : : "r"(s.members.data()) : "memory");
    }
    instructions = static_cast<double>(counter.stop()) / iters;
  }
  std::printf("%-10s %-10s %7zu B %9.0f ns %9.0f instr %6.2f GB/s %5zu members\n", shape, path_name,
              body.size(), best, instructions, body.size() / best, check.members.size());
}

}  // namespace

[[gnu::noinline]] void runSkims(const std::string& body, const char* path, int iters) {
  for (int i = 0; i < iters; ++i) {
    ObjectSkim s;
    if (std::strcmp(path, "reference") == 0) {
      s = skimObjectReference(body);
    } else if (std::strcmp(path, "auto") == 0) {
      s = skimObject(body);
    } else {
      for (SkimKernel k : availableSkimKernels())
        if (std::strcmp(path, skimKernelName(k)) == 0) s = skimObjectWith(body, k);
    }
    if (!s.ok) std::abort();
    asm volatile("" : : "r"(s.members.data()) : "memory");
  }
}

int main(int argc, char** argv) {
  std::vector<std::pair<const char*, std::string>> shapes;
  if (argc > 1) shapes.emplace_back("body", readFile(argv[1]));
  shapes.emplace_back("ascii", longAscii());
  shapes.emplace_back("nonascii", nonAscii());
  shapes.emplace_back("numbers", numbers());
  shapes.emplace_back("deep", deep());
  shapes.emplace_back("escapes", escapes());
  const char* only = argc > 2 ? argv[2] : nullptr;
  if (argc > 4) {  // SHAPE PATH ITERATIONS: just run them (for callgrind)
    for (auto& [shape, body] : shapes)
      if (std::strcmp(only, shape) == 0) runSkims(body, argv[3], std::atoi(argv[4]));
    return 0;
  }

  InstructionCounter counter;
  for (auto& [shape, body] : shapes) {
    if (only && std::strcmp(only, shape) != 0) continue;
    measure(shape, "reference", body, skimObjectReference, counter);
    for (SkimKernel k : availableSkimKernels())
      measure(
          shape, skimKernelName(k), body, [k](std::string_view t) { return skimObjectWith(t, k); },
          counter);
    measure(shape, "auto", body, skimObject, counter);
  }
  return 0;
}
