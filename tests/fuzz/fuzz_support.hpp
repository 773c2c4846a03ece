#pragma once
// What the fuzz targets share. The loaders read files, so each run writes its
// input to a private file in a temporary folder made once per process (and
// removed at exit), then hands that path to the loader.

#include <cstdint>
#include <cstdio>
#include <cstdlib>  // mkdtemp (POSIX)
#include <filesystem>
#include <string>

#include "faultline/diagnostics.hpp"

namespace faultline::fuzz {

// The process's folder, such as /tmp/faultline-fuzz-Ab12Cd.
inline const std::filesystem::path& work_dir() {
  // Never destroyed, so that the exit handler may still use it.
  static const std::filesystem::path* const dir = [] {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "faultline-fuzz-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz: mkdtemp");
      std::abort();
    }
    const auto* made = new std::filesystem::path(pattern);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_dir(), ignored);
    });
    return made;
  }();
  return *dir;
}

// Replaces the file at path with the bytes.
inline void write_file(const std::filesystem::path& path, const std::uint8_t* data,
                       std::size_t size) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || (size > 0 && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
    std::perror("fuzz: cannot write the input file");
    std::abort();
  }
}

// Copies a file from the source tree into the work folder under its own name.
inline void copy_beside(const std::filesystem::path& from) {
  std::error_code error;
  std::filesystem::copy_file(from, work_dir() / from.filename(),
                             std::filesystem::copy_options::overwrite_existing, error);
  if (error) {
    std::fprintf(stderr, "fuzz: cannot copy %s: %s\n", from.c_str(), error.message().c_str());
    std::abort();
  }
}

// A broken promise of the loaders: printed, then a crash libFuzzer records.
[[noreturn]] inline void broken(const char* promise, const Diagnostics& diagnostics) {
  std::fprintf(stderr, "fuzz: broken promise: %s\ndiagnostics:\n%s\n", promise,
               diagnostics.to_text().c_str());
  std::abort();
}

// What every answer of a loader must hold: a model exactly when there is no
// error, and every diagnostic says where and what.
template <class Model>
void check_answer(const Model& model, const Diagnostics& diagnostics) {
  if ((model != nullptr) == diagnostics.has_errors())
    broken("a model is returned exactly when there are no errors", diagnostics);
  for (const Diagnostic& d : diagnostics.all()) {
    if (d.where.file.empty() || d.where.line < 0 || d.where.column < 0 || d.message.empty())
      broken("every diagnostic names its file, a position (0 when unknown) and a message",
             diagnostics);
  }
}

// validate_file reads an accepted file as its loader did: same diagnostics.
inline void check_validate_agrees(const Diagnostics& loaded, const Diagnostics& validated) {
  if (validated.to_text() != loaded.to_text()) {
    std::fprintf(stderr, "validate_file said:\n%s\n", validated.to_text().c_str());
    broken("validate_file gives an accepted file the loader's own diagnostics", loaded);
  }
}

}  // namespace faultline::fuzz
