#pragma once
// Restore-tenants steps at work: the tenants out on the step's service as
// it starts, ordered and cut into batches; up to `at_once` batches under
// way together, each holding its members of the step's crew, each attempted
// with the step's methods and retries on its own. A batch takes those of
// its tenants still out as it starts (others may have come back since the
// step started); one with none left is skipped. The step is done when
// every batch is, and has failed when some batch gave up.

#include <span>
#include <vector>

#include "faultline/runbook.hpp"
#include "replay/restoration_credit.hpp"
#include "replay/run_context.hpp"
#include "replay/tenant_states.hpp"

namespace faultline::detail {

// Members of a crew that a batch held, from its start until it was over
// (or the run ended).
struct CrewSpan {
  CrewId crew;
  int members = 0;
  SimTime from;
  SimTime to;
};

// Where a restore-tenants step stands after one of its batches moved.
enum class PipelineProgress { under_way, done, failed };

class BatchPipelines {
 public:
  // `random`: the steps' streams, by step.
  BatchPipelines(RunContext& run, RunbookExecutor& runbook, TenantStates& tenants,
                 RestorationCredit& credit, RandomStreams& random);

  void reset();
  // Some step restores tenants in batches; dispatch, which follows every
  // event, looks at pipelines only then.
  bool any_batches() const { return any_batches_; }
  // The step starts, holding the members of its first batch.
  PipelineProgress start(StepId s);
  PipelineProgress batch_ends(StepId s, BatchId b);
  void retry(StepId s, BatchId b);
  // Methods that arrived since the last call take over the batches under
  // way that their in_flight hands over.
  void check_arrivals();
  // Starts the next batches of running steps while their crews have the
  // members free; returns the steps left with nothing to do, whose
  // remaining batches had no tenant out any more.
  std::span<const StepId> fill();
  // The earliest shift start of a crew off shift with batches waiting for it.
  std::optional<SimTime> next_shift_start() const;
  // The run ended at `end`: what the batches held of their crews, batches
  // still under way included.
  std::span<const CrewSpan> crew_spans(SimTime end);
  bool any_gave_up(StepId s) const { return pipelines_[s.value].any_gave_up; }
  // The step is over (done or failed): methods still to arrive no longer
  // wake the run.
  void stop(StepId s);
  // The run ends now: with the timeline, the batches under way hold their
  // members, and a batch waiting for members waits, until the end.
  void finish();
  // The method of the step's last batch to give up, or, with none given
  // up, of its last batch to be over; with no batch, its first available.
  std::size_t last_method(StepId s) const { return pipelines_[s.value].last_method; }

 private:
  struct Batch {
    std::uint32_t first = 0;  // its tenants: the pipeline's cut[first, first + count)
    std::uint32_t count = 0;
    UserCount users;
    std::size_t method = 0;  // by position in Step::methods
    int retries_used = 0;    // by the method under way
    int failures = 0;        // failed attempts with the method under way
    int attempts = 0;        // every attempt at it, from 1
    std::uint64_t gave_up = 0;  // bit m: method m gave up on it
    SimTime started;
    bool over = false;  // done, or given up
    std::optional<EventHandle> pending;  // its attempt's end, or its retry
    std::optional<SimTime> attempt_ends;  // while an attempt is under way
  };
  struct Pipeline {
    // The service's tenants in the step's order where it is the same in
    // every run (as listed, by size), and as listed otherwise: sizes do not
    // change between runs, so they are sorted once.
    std::vector<TenantId> listed;
    // `listed` is the order in which TenantStates keeps the service's
    // tenants: batches cut from it whole are stretches of that order, which
    // TenantStates takes at once.
    bool listed_is_kept = false;
    // The batches cut from `listed` whole, once some run cut them.
    std::vector<Batch> all_out_batches;
    // The tenants the batches are cut from: `order`, or TenantStates' own
    // order when it is `listed` and every tenant is out.
    std::span<const TenantId> cut;
    std::vector<TenantId> order;
    std::vector<Batch> batches;
    // Every tenant of a batch is out as the batches are cut. While the
    // service's tenants came back only through this step's batches (the
    // service's comebacks are the count then and theirs since), a batch
    // not yet started still has each of its tenants out, and is not looked
    // at tenant by tenant.
    std::uint64_t comebacks = 0;
    std::size_t next = 0;  // the first batch not yet started
    int under_way = 0;     // started, and neither done nor given up
    bool any_gave_up = false;
    std::size_t last_method = 0;
    // With the timeline: since when a batch is ready but has not the
    // members it needs.
    std::optional<SimTime> short_of_members_since;
    std::vector<char> arrived;  // by method: available, as last checked
    std::vector<EventHandle> arrivals;  // MethodArrives still to come
  };

  void list_tenants(StepId s);
  void cut_in_order(StepId s, Pipeline& p);
  void order_tenants(StepId s, Pipeline& p);
  void cut_batches(const BatchPlan& plan, Pipeline& p);
  // Starts the next batch that still has tenants out, skipping those
  // without; returns whether one started.
  bool start_next_batch(StepId s);
  void keep_those_out(ServiceId service, Pipeline& p, Batch& batch);
  // No tenant of the service came back but through the step's batches
  // since they were cut.
  bool only_its_own_back(ServiceId service, const Pipeline& p) const {
    return tenants_.comebacks(service) == p.comebacks;
  }
  // Skips the batches ahead none of whose tenants is still out.
  void skip_empty_batches(StepId s);
  PipelineProgress progress(const Pipeline& p) const;
  // With the timeline, a batch's wait for members begins or ends as fill
  // leaves the pipeline.
  void note_member_wait(StepId s, Pipeline& p);
  bool available(const Method& m) const;
  // The first method available that has not given up on the batch.
  std::optional<std::size_t> first_available(StepId s, std::uint64_t gave_up) const;
  void hand_over(StepId s, std::size_t method);
  // A method listed before the batch's own, arrived, that takes over
  // batches in flight (InFlight::hand_over) and has not given up on it.
  std::optional<std::size_t> taking_over(StepId s, const Batch& batch) const;
  // The batch starts afresh with `method`, keeping its members.
  void switch_method(StepId s, BatchId b, std::size_t method);
  void attempt(StepId s, BatchId b);
  PipelineProgress fail(StepId s, BatchId b);
  PipelineProgress next_method_or_give_up(StepId s, BatchId b);
  PipelineProgress batch_over(StepId s, BatchId b);
  std::span<const TenantId> tenants_of(const Pipeline& p, const Batch& b) const {
    return p.cut.subspan(b.first, b.count);
  }
  // Tenants an entry names, and their users.
  struct TenantsNamed {
    int tenants = 0;
    UserCount users;
  };
  // The batch's tenants still out on the service.
  TenantsNamed still_out(ServiceId service, const Pipeline& p, const Batch& batch) const;
  // previous_method: for a batch that changed method, the one it had;
  // `named`: the tenants the entry names, when not all the batch's.
  void record(StepId s, BatchId b, TimelineKind kind, std::size_t previous_method = 0,
              std::optional<TenantsNamed> named = std::nullopt);

  RunContext& run_;
  RunbookExecutor& runbook_;
  TenantStates& tenants_;
  RestorationCredit& credit_;
  RandomStreams& random_;
  std::vector<Pipeline> pipelines_;  // by step
  // Some step has batches; runs without them skip the per-run work.
  bool any_batches_ = false;
  // Running steps with batches not yet started, in the order they started.
  std::vector<StepId> filling_;
  std::vector<CrewSpan> crew_spans_;
  // Batch steps under way with methods still to arrive.
  std::vector<StepId> running_;
  std::vector<StepId> finished_;  // what fill() returned last
};

}  // namespace faultline::detail
