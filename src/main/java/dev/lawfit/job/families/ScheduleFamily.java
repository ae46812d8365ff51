package dev.lawfit.job.families;

import dev.lawfit.job.stages.ScheduleStage;
import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.SpecHashes;

/**
 * The schedule-aware laws per group, fitted jointly over its runs' learning-rate schedules, and each group's study (unseen
 * schedules, the rest of runs, the ranking of candidates). Planned incrementally: a group whose rows and schedule settings
 * are unchanged keeps its rows of every table.
 */
final class ScheduleFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.SCHEDULE;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return spec.schedule() != null;
    }

    @Override
    public String plannedStage() {
        return SpecHashes.SCHEDULE;
    }

    @Override
    public Fitted fit(FamilyRun run) {
        ScheduleStage.Tables t = ScheduleStage.fit(run.rowsToFit(SpecHashes.SCHEDULE), run.spec().groupBy(), run.spec().schedule().toSettings(),
                run.settings(), run.partitions(), null);
        return new Fitted(t.laws().laws(), t.laws().predictions(), t.laws().backtest(), t.laws().folds(), t.laws().resamples(), (r, shared) -> {
            r.write("schedule_quality", r.combine("schedule_quality", t.quality(), SpecHashes.SCHEDULE));
            r.write("schedule_predictions", r.combine("schedule_predictions", t.predictions(), SpecHashes.SCHEDULE));
            r.write("schedule_ranking", r.combine("schedule_ranking", t.ranking(), SpecHashes.SCHEDULE));
            return null;
        }, t::release);
    }
}
