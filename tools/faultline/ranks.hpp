#pragma once
// The processes of an MPI job as the engine's ProcessGroup. Faultline joins
// a job only when a launcher (mpirun, srun) started it and it was built
// with MPI (FAULTLINE_HAVE_MPI); otherwise it is one process alone, and
// never calls MPI, so a plain `faultline` pays nothing for it.

#include <string>
#include <vector>

#include "faultline/distributed.hpp"

namespace faultline::cli {

class Ranks : public ProcessGroup {
 public:
  // Joins the job, if there is one (MPI_Init).
  Ranks(int& argc, char**& argv);
  ~Ranks() override;  // leaves it (MPI_Finalize)
  Ranks(const Ranks&) = delete;
  Ranks& operator=(const Ranks&) = delete;

  // Whether this process is one of an MPI job: false when no launcher
  // started it, or when faultline was built without MPI.
  bool joined() const { return joined_; }
  int rank() const override { return rank_; }
  bool first() const { return rank_ == 0; }
  int size() const override { return size_; }
  std::vector<std::string> all_gather(const std::string& mine) const override;
  // The value rank 0 gives, on every rank: its exit code, say.
  int from_first(int value) const;
  // Whether every rank says yes: before the ranks' runs, so that a rank
  // that could not read its inputs does not leave the others waiting.
  bool everyone(bool mine) const;
  // Ends every rank of the job (MPI_Abort) after an error on this one,
  // which the others would wait for forever; nothing outside a job.
  void abandon(int code) const;

 private:
  bool joined_ = false;
  int rank_ = 0;
  int size_ = 1;
};

// Whether a launcher started this process as one of an MPI job, and how
// many processes it started (1 when it does not say).
bool launched_by_mpi();
int launched_size();

}  // namespace faultline::cli
