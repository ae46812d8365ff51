package dev.lawfit.job.families;

import dev.lawfit.job.ingest.InputReader;
import dev.lawfit.job.stages.CurveStage;
import dev.lawfit.job.stages.FitProgress;
import dev.lawfit.job.stages.LawStage;
import dev.lawfit.law.Family;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.SpecHashes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Every run's training-curve laws (a temporal section's runs, planned incrementally with the temporal law). */
final class CurveFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.CURVE;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return spec.temporal() != null;
    }

    @Override
    public String plannedStage() {
        return SpecHashes.RUNS;
    }

    @Override
    public Fitted fit(FamilyRun run) {
        JobSpec spec = run.spec();
        long fits = run.fits(SpecHashes.RUNS);
        Dataset<Row> rows = run.rowsToFit(SpecHashes.RUNS);
        // a progress line of its own: a temporal archive can hold thousands of runs, each bootstrapped
        FitProgress progress = FitProgress.start(run.spark().sparkContext(), "runs", fits == 0 ? 0
                : rows.select(CurveStage.runKeys(spec.groupBy()).stream().map(InputReader::column).toArray(Column[]::new)).distinct().count());
        LawStage.Tables curves = CurveStage.fit(rows, spec, run.settings(), run.partitions(), progress, fits == 0);
        Dataset<Row> laws = spec.schedule() == null ? CurveStage.withoutSchedule(curves.laws()) : curves.laws();
        return new Fitted(laws, curves.predictions(), curves.backtest(), curves.folds(), curves.resamples(), (r, shared) -> null, () -> {
            progress.close();
            curves.release();
        });
    }
}
