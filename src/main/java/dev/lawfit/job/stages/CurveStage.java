package dev.lawfit.job.stages;

import dev.lawfit.spec.CheckpointContract;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Law;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.temporal.TemporalSettings;
import dev.lawfit.temporal.TrajectoryForm;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import static dev.lawfit.job.ingest.InputReader.column;

/**
 * The curve family: every run's average loss against training progress x = tokens / planned tokens, fitted per
 * run (group keys + run_id) with the curve laws of the temporal section (its {@code average} form and its
 * baselines), through {@link LawStage}: intervals, a backtest that fits the run up to
 * {@code backtest.fit_fraction} and predicts the rest against the last-loss baseline, predictions. Checkpoints
 * before {@code temporal.skip_fraction} are left out. The bootstrap resamples checkpoints (a run is one unit, so
 * {@code mode: runs} has nothing to draw from here).
 */
public final class CurveStage {

    private CurveStage() {
    }

    /** The curve laws the temporal section asks for. */
    public static List<Law> laws(TemporalSettings temporal) {
        LinkedHashSet<TrajectoryForm> forms = new LinkedHashSet<>();
        forms.add(temporal.averageForm());
        forms.addAll(temporal.baselines());
        forms.remove(TrajectoryForm.CONSTANT);
        List<Law> out = new ArrayList<>();
        LawCatalog.Options options = new LawCatalog.Options(temporal.warmupFraction(), LawCatalog.Options.DEFAULT.irreducible());
        for (TrajectoryForm form : forms) out.add(LawCatalog.byName("curve_" + form.label(), options));
        return out;
    }

    /** The keys a curve law is fitted by: the group keys, then the run. */
    public static List<String> runKeys(List<String> groupBy) {
        List<String> keys = new ArrayList<>(groupBy);
        keys.add(CheckpointContract.RUN_ID);
        return keys;
    }

    /** What the curve laws' rows say when no learning rate was read: they are fitted as before, blind to the schedule. */
    public static final String NO_SCHEDULE = "no learning-rate schedule read (no schedule section): the curve is fitted in progress x alone, "
            + "blind to the schedule, as before";

    /** The curve laws' rows of a job without a schedule section, saying so in their message. */
    public static Dataset<Row> withoutSchedule(Dataset<Row> laws) {
        Column message = column("message");
        return laws.withColumn("message", org.apache.spark.sql.functions.when(message.isNull().or(message.equalTo("")), org.apache.spark.sql.functions.lit(NO_SCHEDULE))
                .otherwise(org.apache.spark.sql.functions.concat_ws("; ", message, org.apache.spark.sql.functions.lit(NO_SCHEDULE))));
    }

    public static LawStage.Tables fit(Dataset<Row> accepted, JobSpec spec, FitSettings settings, int partitions) {
        return fit(accepted, spec, settings, partitions, null, false);
    }

    /**
     * As above; {@code progress} (may be null) counts the runs fitted, then the bootstrap's chunks; {@code nothingToFit}: every
     * run's curves are reused (see {@link LawStage#run(Dataset, List, List, FitSettings, int, FitProgress, boolean)}).
     */
    public static LawStage.Tables fit(Dataset<Row> accepted, JobSpec spec, FitSettings settings, int partitions, FitProgress progress,
                                      boolean nothingToFit) {
        TemporalSettings temporal = spec.temporal().toSettings();
        FitSettings curve = settings.withHuberDelta(temporal.huberDelta()).withBootstrap(new BootstrapSettings(settings.bootstrap().resamples(),
                settings.bootstrap().level(), "points", settings.bootstrap().fromGrid(), settings.bootstrap().seed(), settings.bootstrap().chunkSize()));
        List<String> keys = runKeys(spec.groupBy());
        Dataset<Row> rows = accepted
                .withColumn(GroupFitting.X, column(CheckpointContract.TOKENS).divide(column(CheckpointContract.TOTAL_TOKENS)))
                .where(column(GroupFitting.X).gt(temporal.skipFraction()));
        return LawStage.run(rows, keys, laws(temporal), curve, partitions, progress, nothingToFit);
    }
}
