package dev.lawfit.job.families;

import dev.lawfit.job.stages.ForecastIntervals;
import dev.lawfit.job.stages.LossToLossStage;
import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;

/** Loss-to-loss lines per (group, x evaluation, y evaluation) and the tests of which factor moves them. */
final class LossToLossFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.LOSS_TO_LOSS;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return spec.lossToLoss() != null;
    }

    @Override
    public Fitted fit(FamilyRun run) {
        LossToLossStage.Tables l = LossToLossStage.fit(run.validated().accepted(), run.spec().lossToLoss(), run.spec().groupBy(), run.settings(),
                run.partitions());
        return new Fitted(null, null, null, null, null, (r, shared) -> {
            String table = Family.LOSS_TO_LOSS.label();
            r.write(table, ForecastIntervals.apply(l.lines()));
            r.write(table + "_folds", l.stage().folds());
            r.write("line_factors", l.factors());
            r.write(table + "_predictions", l.predictions());
            r.write(table + "_backtest", l.backtest());
            return l.stage().resamples();
        }, l::release);
    }
}
