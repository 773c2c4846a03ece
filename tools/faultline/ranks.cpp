#include "ranks.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <stdexcept>

#ifdef FAULTLINE_HAVE_MPI
#include <mpi.h>
#endif

namespace faultline::cli {

bool launched_by_mpi() {
  // Open MPI's mpirun, and PMI or PMIx launchers such as Slurm's srun.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"}) {
    if (std::getenv(name))
      return true;
  }
  return false;
}

int launched_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_NTASKS"}) {
    if (const char* size = std::getenv(name))
      return std::max(1, std::atoi(size));
  }
  return 1;
}

#ifdef FAULTLINE_HAVE_MPI

Ranks::Ranks(int& argc, char**& argv) {
  if (!launched_by_mpi())
    return;
  MPI_Init(&argc, &argv);
  joined_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

Ranks::~Ranks() {
  if (joined_)
    MPI_Finalize();
}

std::vector<std::string> Ranks::all_gather(const std::string& mine) const {
  if (size_ == 1)
    return {mine};
  if (mine.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("a rank's tally is over 2 GiB, more than MPI sends at once");
  const int length = static_cast<int>(mine.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_));
  MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD);
  std::vector<int> offsets(lengths.size());
  long long total = 0;
  for (std::size_t r = 0; r < lengths.size(); ++r) {
    offsets[r] = static_cast<int>(total);
    total += lengths[r];
  }
  if (total > std::numeric_limits<int>::max())
    throw std::runtime_error("the ranks' tallies are over 2 GiB, more than MPI gathers at once");
  std::string all(static_cast<std::size_t>(total), '\0');
  MPI_Allgatherv(mine.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(),
                 MPI_CHAR, MPI_COMM_WORLD);
  std::vector<std::string> out;
  for (std::size_t r = 0; r < lengths.size(); ++r)
    out.push_back(
        all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r])));
  return out;
}

int Ranks::from_first(int value) const {
  if (size_ > 1)
    MPI_Bcast(&value, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return value;
}

bool Ranks::everyone(bool mine) const {
  int all = mine ? 1 : 0;
  if (size_ > 1)
    MPI_Allreduce(MPI_IN_PLACE, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return all == 1;
}

void Ranks::abandon(int code) const {
  if (joined_)
    MPI_Abort(MPI_COMM_WORLD, code);
}

#else

Ranks::Ranks(int&, char**&) {}
Ranks::~Ranks() = default;

std::vector<std::string> Ranks::all_gather(const std::string& mine) const {
  return {mine};
}

int Ranks::from_first(int value) const {
  return value;
}

bool Ranks::everyone(bool mine) const {
  return mine;
}

void Ranks::abandon(int) const {}

#endif

}  // namespace faultline::cli
