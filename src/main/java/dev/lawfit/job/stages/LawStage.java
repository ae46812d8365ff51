package dev.lawfit.job.stages;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Law;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.List;

/**
 * The one stage every law family runs through: its rows grouped by the family's keys, every law fitted per
 * group by the core ({@code Fitter.fit}), bootstrap intervals spread over Spark tasks, and the standard
 * tables: one row per (group, law) with parameters, derived quantities, fit quality, backtest against its
 * baseline and intervals; one per (group, law, point) of predictions; one per held-out point of the backtest.
 * The families differ only in how they build their rows (keys, target, covariate x) and what they add on top.
 */
public final class LawStage {

    /**
     * The stage's tables; {@code resamples} is null without a bootstrap. {@link #release} frees the cached fits once they are
     * written.
     */
    public record Tables(Dataset<Row> fitted, Dataset<Row> laws, Dataset<Row> predictions, Dataset<Row> backtest, Dataset<Row> resamples,
                         Dataset<Row> intervals, Dataset<Row> folds) {
        public void release() {
            laws.unpersist();
            fitted.unpersist();
            if (intervals != null) intervals.unpersist();
        }
    }

    private LawStage() {
    }

    /** {@code progress} (may be null) counts the fits, then the bootstrap's chunks. */
    public static Tables run(Dataset<Row> rows, List<String> keys, List<Law> laws, FitSettings settings, int partitions,
                             FitProgress progress) {
        return run(rows, keys, laws, settings, partitions, progress, false);
    }

    /**
     * As above; with {@code nothingToFit} (the plan reuses every group) the stage's tables are empty relations of the right
     * shape, which Spark answers without running a job: a nightly rerun with nothing changed pays for no fitting queries.
     */
    public static Tables run(Dataset<Row> rows, List<String> keys, List<Law> laws, FitSettings settings, int partitions,
                             FitProgress progress, boolean nothingToFit) {
        Dataset<Row> fitted = nothingToFit
                ? rows.sparkSession().createDataFrame(java.util.List.of(), dev.lawfit.job.tables.GroupResult.schema(keys))
                : GroupFitting.fit(rows, keys, laws, settings, partitions, progress == null ? null : progress.counter());
        Dataset<Row> fits = fitted.persist(StorageLevel.MEMORY_AND_DISK());
        // fitted once, here: every table below reads the cached fits. Left lazy, a query that joins two of them (the laws
        // and their intervals) starts both sides at once and one side's tasks sit in their slots waiting for the other's
        // to cache the same partitions
        fits.count();
        Dataset<Row> intervals = settings.bootstrap().enabled() ? BootstrapStage.intervals(fits, keys, laws, settings, partitions, progress) : null;
        Dataset<Row> lawRows = GroupFitting.lawsTable(fits, keys, intervals == null ? null : BootstrapStage.withoutDraws(intervals))
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new Tables(fits, lawRows, GroupFitting.predictionsTable(fits, keys), GroupFitting.backtestTable(fits, keys),
                intervals == null ? null : BootstrapStage.resamples(intervals, keys, laws), intervals, GroupFitting.foldsTable(fits, keys));
    }
}
