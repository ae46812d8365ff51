package dev.lawfit.job.families;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.job.stages.ComparisonTable;
import dev.lawfit.job.stages.FitProgress;
import dev.lawfit.job.stages.GroupFitting;
import dev.lawfit.job.stages.LawStage;
import dev.lawfit.job.stages.SelectionStage;
import dev.lawfit.law.ChinchillaLaw;
import dev.lawfit.law.Family;
import dev.lawfit.law.Law;
import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.SpecHashes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.List;

import static dev.lawfit.job.ingest.InputReader.column;

/**
 * The laws in model size, tokens and compute, per group (planned incrementally); then the tables built on every group's
 * published laws: the compute-optimal frontier, the forecasts at the spec's targets, the law selection and, with Chinchilla's
 * law, the comparison with the published fits.
 */
final class ComputeFamily implements FamilyStage {

    @Override
    public Family family() {
        return Family.COMPUTE;
    }

    @Override
    public boolean runs(JobSpec spec) {
        return !spec.laws().isEmpty();
    }

    @Override
    public String plannedStage() {
        return SpecHashes.COMPUTE;
    }

    @Override
    public Fitted fit(FamilyRun run) {
        JobSpec spec = run.spec();
        long fits = run.fits(SpecHashes.COMPUTE);
        FitProgress progress = FitProgress.start(run.spark().sparkContext(), "groups", fits);
        List<Law> laws = spec.laws().stream().map(LawCatalog::byName).toList();
        // no more fitting tasks than groups to fit: an empty task still costs its scheduling, and a small job is mostly such costs
        int partitions = (int) Math.max(1, Math.min(run.partitions(), fits));
        LawStage.Tables t = LawStage.run(run.rowsToFit(SpecHashes.COMPUTE).withColumn(GroupFitting.X, column(CheckpointContract.UNIQUE_TOKENS)),
                spec.groupBy(), laws, run.settings(), partitions, progress, fits == 0);
        return new Fitted(t.laws(), t.predictions(), t.backtest(), t.folds(), t.resamples(), (r, shared) -> {
            r.write("frontier", r.combine("frontier", GroupFitting.frontierTable(t.fitted(), spec.groupBy()), SpecHashes.COMPUTE));
            Dataset<Row> frontier = r.publisher().read(r.spark(), "frontier");
            r.write("forecasts", SelectionStage.forecasts(r.spark(), shared.laws(), spec.groupBy(), r.settings()));
            r.write("law_selection", SelectionStage.lawSelection(shared.laws(), shared.folds(), spec.groupBy(), r.settings()));
            if (laws.stream().anyMatch(l -> l instanceof ChinchillaLaw)) {
                r.write("comparison", ComparisonTable.build(shared.laws(), frontier, spec.groupBy()));
            }
            return null;
        }, () -> {
            progress.close();
            t.release();
        });
    }
}
