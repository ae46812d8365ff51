package dev.lawfit.job.families;

import dev.lawfit.job.stages.DownstreamStage;
import dev.lawfit.job.stages.ForecastIntervals;
import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;

/** Downstream error from loss, per (group, task): built on the published compute laws, so fitted once they are written. */
final class DownstreamFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.DOWNSTREAM;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return spec.downstream() != null && !spec.laws().isEmpty();
    }

    @Override
    public Fitted fit(FamilyRun run) {
        JobSpec spec = run.spec();
        return Fitted.afterwards((r, shared) -> {
            DownstreamStage.Tables d = DownstreamStage.stage(r.validated().accepted(), shared.laws(), spec.groupBy(), spec.downstream(),
                    spec.laws(), r.settings(), r.partitions());
            String table = Family.DOWNSTREAM.label();
            r.write(table, ForecastIntervals.apply(d.table()));
            r.write(table + "_folds", d.stage().folds());
            r.write(table + "_predictions", d.stage().predictions());
            r.write(table + "_backtest", d.stage().backtest());
            r.releaseLater(d.stage()::release);
            return d.stage().resamples();
        });
    }
}
