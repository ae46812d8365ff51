package dev.lawfit.job;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.job.ingest.CheckpointValidator;
import dev.lawfit.job.ingest.InputFiles;
import dev.lawfit.job.plan.IncrementalPlan;
import dev.lawfit.job.publish.CatalogPublisher;
import dev.lawfit.job.publish.OutputLock;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;
import dev.lawfit.job.families.Families;
import dev.lawfit.job.families.FamilyRun;
import dev.lawfit.job.families.FamilyStage;
import dev.lawfit.job.stages.ForecastIntervals;

import dev.lawfit.LawfitException;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.LawfitVersion;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.SpecHashes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.job.ingest.InputReader.column;

/**
 * The lawfit batch job, top to bottom: read, validate, group and fit, write, publish.
 * Nothing is published unless every table was written; a failure leaves the previous version current.
 */
public final class LawfitJob {

    private static final Logger LOG = LoggerFactory.getLogger(LawfitJob.class);

    /** The table of every family's rolling-origin folds. */
    public static final String FOLDS = "folds";

    /** The table of every family's published bootstrap resamples. */
    public static final String RESAMPLES = "resamples";

    /** The table of what changed since the version a run started from. */
    public static final String CHANGES = "changes";

    private LawfitJob() {
    }

    /** One shared table's fresh rows of every family (null when none has any). */
    private static Dataset<Row> unionOf(List<FamilyStage.Fitted> fitted, java.util.function.Function<FamilyStage.Fitted, Dataset<Row>> table) {
        Dataset<Row> out = null;
        for (FamilyStage.Fitted f : fitted) out = union(out, table.apply(f));
        return out;
    }

    /** Rows of two families in one table; columns one side lacks are null there. */
    private static Dataset<Row> union(Dataset<Row> group, Dataset<Row> temporal) {
        if (temporal == null) return group;
        if (group == null) return temporal;
        return group.unionByName(temporal, true);
    }

    public static RunSummary run(SparkSession spark, JobSpec spec) {
        return run(spark, spec, RunOptions.INCREMENTAL);
    }

    /**
     * One run, recorded in the output's run history whatever its end. A failure before the publish leaves the
     * current version as it was and is recorded as {@code failed} with its reason.
     */
    public static RunSummary run(SparkSession spark, JobSpec spec, RunOptions options) {
        // Spec expressions over bad values give null (and a reject) instead of failing the job.
        spark.conf().set("spark.sql.ansi.enabled", "false");
        // Hive-style partition values stay text: one batch of files must not infer int where another infers string
        spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
        // a Parquet page whose bytes changed fails the read (naming the file) instead of giving wrong numbers
        spark.sparkContext().hadoopConfiguration().setBoolean("parquet.page.verify-checksum.enabled", true);
        if (ArchiveWriter.ensureSample(spark, spec)) {
            LOG.info("wrote the sample archive to {}", spec.input().paths().get(0));
        }
        org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        OutputPublisher publisher = new OutputPublisher(hadoop, spec.output().path());
        try (OutputLock lock = OutputLock.acquire(hadoop, spec.output().path(), publisher.version())) {
            return runLocked(spark, spec, options, hadoop, publisher);
        }
    }

    private static RunSummary runLocked(SparkSession spark, JobSpec spec, RunOptions options, org.apache.hadoop.conf.Configuration hadoop,
                                        OutputPublisher publisher) {
        RunHistory history = new RunHistory(hadoop, spec.output().path());
        history.markInterrupted();
        org.apache.hadoop.fs.Path previous = OutputPublisher.currentVersion(hadoop, spec.output().path());
        String settingsHash = SpecHashes.fitSettingsHash(spec, LawfitVersion.get());
        Map<String, Object> record = RunHistory.start(publisher.version(), "run");
        record.put("spec_name", spec.name());
        record.put("spec_hash", SpecHashes.specHash(spec));
        record.put("fit_settings_hash", settingsHash);
        record.put("spark_master", spark.sparkContext().master());
        record.put("full_refit", options.full());
        record.put("keep_stale", options.keepStale());
        record.put("skip_bad_files", options.skipBadFiles());
        record.put("allow_empty", options.allowEmpty());
        record.put("previous_version", previous == null ? null : previous.getName());
        history.write(record);
        try {
            RunSummary summary = fitAndPublish(spark, spec, options, publisher, previous, settingsHash, record);
            history.write(record);
            return summary;
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared from Scala
            RunHistory.end(record, RunHistory.FAILED, LawfitException.firstLine(e));
            try {
                history.write(record);
            } catch (RuntimeException recordFailed) { // e.g. the disk is full: the run's own error is the one to report
                e.addSuppressed(recordFailed);
            }
            if (e instanceof RuntimeException unchecked) throw unchecked;
            throw new IllegalStateException("the run failed before publishing; the previous results are unchanged: "
                    + LawfitException.firstLine(e), e);
        }
    }

    /** A table's fresh rows with the reused ones of the previous version; the fresh rows alone when nothing is planned. */
    private static Dataset<Row> combine(IncrementalPlan plan, String table, Dataset<Row> fresh, String... stages) {
        return plan == null || stages.length == 0 ? fresh : plan.combine(table, fresh, stages);
    }

    private static RunSummary fitAndPublish(SparkSession spark, JobSpec spec, RunOptions options, OutputPublisher publisher,
                                            org.apache.hadoop.fs.Path previous, String settingsHash, Map<String, Object> record) {
        long started = System.currentTimeMillis();
        Phases phases = new Phases();
        InputReader.Read read = InputReader.read(spark, spec.input(), options.skipBadFiles());
        record.put("inputs", InputFiles.sizes(spec.input().paths(), read.files()));
        record.put("bad_files", read.badFiles().stream().map(f -> Map.of("path", f.path(), "error", f.error())).toList());
        for (InputFiles.Footer bad : read.badFiles()) LOG.warn("left out {}: {}", bad.path(), bad.error());
        Runnable restoreSettings = SmallInputs.apply(spark, read.files().stream().mapToLong(InputFiles.InputFile::bytes).sum());
        try {
            return validateAndFit(spark, spec, options, publisher, previous, record, read, phases, started);
        } finally {
            restoreSettings.run();
        }
    }

    private static RunSummary validateAndFit(SparkSession spark, JobSpec spec, RunOptions options, OutputPublisher publisher,
                                             org.apache.hadoop.fs.Path previous, Map<String, Object> record, InputReader.Read read,
                                             Phases phases, long started) {
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(spec.groupBy());
        if (spec.lossToLoss() != null) keys.addAll(spec.lossToLoss().keyColumns(spec.groupBy()));
        CheckpointValidator.Validated validated = CheckpointValidator.validate(read.rows(), java.util.List.copyOf(keys), spec.input().paths(),
                spec.flops().toAccounting(), spec.downstream() == null ? null : spec.downstream().errorColumn(), spec.temporal(),
                spec.schedule() == null ? null : spec.schedule().toSettings());
        LOG.info("validated {} rows: {} accepted, {} rejected, {} filtered out", validated.rowsRead(),
                validated.rowsAccepted(), validated.rowsRejected(), validated.rowsFiltered());
        if (validated.rowsRead() == 0 && !options.allowEmpty()) {
            validated.cached().unpersist();
            throw new LawfitException("input " + spec.input().paths() + " has no rows (" + read.files().size() + " file(s), headers or footers "
                    + "only): nothing was published and the current version stays; run with --allow-empty to publish an empty version");
        }
        phases.end("read");
        Runnable restoreShuffles = ShuffleSizing.apply(spark, validated.rowsRead());
        try {
            return fitValidated(spark, spec, options, publisher, previous, record, read, validated, phases, started);
        } finally {
            restoreShuffles.run();
        }
    }

    private static RunSummary fitValidated(SparkSession spark, JobSpec spec, RunOptions options, OutputPublisher publisher,
                                           org.apache.hadoop.fs.Path previous, Map<String, Object> record, InputReader.Read read,
                                           CheckpointValidator.Validated validated, Phases phases, long started) {
        record.put("rows_read", validated.rowsRead());
        record.put("rows_accepted", validated.rowsAccepted());
        record.put("rows_rejected", validated.rowsRejected());
        record.put("rows_filtered", validated.rowsFiltered());

        int partitions = Math.max(1, spark.sparkContext().defaultParallelism() * 4);
        FitSettings settings = spec.toSettings();
        List<FamilyStage> families = Families.of(spec);
        String[] plannedStages = Families.plannedStages(families);
        // the families planned per group (compute laws, temporal runs, schedules): their groups are reused or refitted, and counted
        Map<String, String> stageHashes = SpecHashes.stageHashes(spec, LawfitVersion.get());
        IncrementalPlan plan = plannedStages.length > 0
                ? IncrementalPlan.make(spark, validated.accepted(), spec.groupBy(), stageHashes, Families.stageFamilies(), previous, options.full(),
                        options.keepStale(), publisher.version())
                : null;
        IncrementalPlan.Counts changes = plan == null ? new IncrementalPlan.Counts(0, 0, 0, 0, 0) : plan.counts();
        long groupCount = changes.groups();
        LOG.info("groups: {}", changes.toMap());
        phases.end("plan");
        if (plan != null) {
            Map<String, Long> byStage = new TreeMap<>();
            for (String stage : stageHashes.keySet()) byStage.put(stage, plan.fits(stage));
            record.put("groups_fitted_by_stage", byStage);
        }
        RunSummary published;
        FamilyRun run = new FamilyRun(spark, spec, settings, validated, plan, partitions, publisher, new java.util.ArrayList<>());
        List<FamilyStage.Fitted> fitted = new java.util.ArrayList<>();
        try {
            // every family's fit, in the registry's order; each gives its rows of the shared tables
            for (FamilyStage family : families) fitted.add(family.fit(run));
            Dataset<Row> freshLaws = unionOf(fitted, FamilyStage.Fitted::laws);
            Dataset<Row> calibrated = freshLaws == null ? null : ForecastIntervals.apply(combine(plan, "laws", freshLaws, plannedStages));
            phases.end("fit");
            if (freshLaws != null) {
                // every forecast's interval recalibrated by the folds of all the groups now published, reused ones included
                publisher.write("laws", calibrated);
                publisher.write("predictions", combine(plan, "predictions", unionOf(fitted, FamilyStage.Fitted::predictions), plannedStages));
            }
            // tables built across groups read the complete laws and folds just written
            Dataset<Row> allLaws = freshLaws == null ? null : publisher.read(spark, "laws");
            if (allLaws != null) publisher.write("parameters", dev.lawfit.job.tables.ParametersTable.build(allLaws));
            Dataset<Row> backtest = combine(plan, "backtest", unionOf(fitted, FamilyStage.Fitted::backtest), plannedStages);
            if (backtest != null) publisher.write("backtest", backtest);
            // the group-level families' folds (fresh and reused), which the law selection ranks on
            Dataset<Row> groupFolds = combine(plan, FOLDS, unionOf(fitted, FamilyStage.Fitted::folds), plannedStages);
            if (groupFolds != null) publisher.write(FOLDS, groupFolds);
            FamilyStage.Shared shared = new FamilyStage.Shared(allLaws, groupFolds == null ? null : publisher.read(spark, FOLDS));
            // each family's own tables; some add resamples of their own
            Dataset<Row> resamples = unionOf(fitted, FamilyStage.Fitted::resamples);
            for (FamilyStage.Fitted f : fitted) resamples = union(resamples, f.publisher().publish(run, shared));
            // every family's published resamples in one table (the reused groups' from the previous version)
            Dataset<Row> allResamples = combine(plan, RESAMPLES, resamples, plannedStages);
            if (allResamples != null) publisher.write(RESAMPLES, allResamples);
            if (plan != null) publisher.write(IncrementalPlan.GROUPS, plan.groupsTable());
            publisher.write("rejects", validated.rejects().orderBy(column(CheckpointContract.SOURCE_FILE), column(CheckpointContract.REJECT_REASON)));

            publisher.awaitAll();
            phases.end("tables");
            // what moved since the version this run started from, read back from the tables just written
            List<dev.lawfit.changes.Changes.Change> moved = previous == null ? List.of()
                    : dev.lawfit.changes.Changes.between(dev.lawfit.job.results.VersionReader.either(spark, previous),
                            dev.lawfit.job.results.VersionReader.either(spark, publisher.versionDir()));
            publisher.write(CHANGES, spark.createDataFrame(dev.lawfit.job.tables.ChangesTable.rows(moved,
                    previous == null ? null : previous.getName(), publisher.version()), dev.lawfit.job.tables.ChangesTable.SCHEMA).coalesce(1));
            record.put("changes", dev.lawfit.changes.Changes.counts(moved));
            phases.end("changes");

            Map<String, Long> byStatus = new TreeMap<>();
            if (allLaws != null) {
                for (Row r : allLaws.groupBy("status").count().collectAsList()) byStatus.put(r.getString(0), r.getLong(1));
            }
            record.put("groups", allLaws != null ? groupCount : 0);
            record.put("groups_added", changes.added());
            record.put("groups_refitted", changes.refitted());
            record.put("groups_reused", changes.reused());
            record.put("groups_removed", changes.removed());
            record.put("groups_stale", changes.stale());
            record.put("fits_by_status", byStatus);
            record.put("tables", publisher.tables());
            RunSummary summary = new RunSummary(publisher.version(), spec.output().path(), publisher.versionDir().toString(),
                    validated.rowsRead(), validated.rowsFiltered(), validated.rowsAccepted(), validated.rowsRejected(),
                    allLaws != null ? groupCount : 0, changes, byStatus, read.badFiles().stream().map(InputFiles.Footer::path).toList(),
                    publisher.tables(), System.currentTimeMillis() - started, previous == null ? null : previous.getName(),
                    dev.lawfit.changes.Changes.counts(moved), dev.lawfit.changes.Changes.summary(moved));
            RunHistory.end(record, RunHistory.SUCCEEDED, null);
            record.put("version", publisher.version());
            record.put("phase_millis", phases.millis());
            publisher.publish(RunHistory.toJson(record), dev.lawfit.spec.JobSpecReader.write(spec), spec.output().keepVersions());
            phases.end("publish");
            record.put("phase_millis", phases.millis());
            published = summary.withPhases(phases.millis());
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared from Scala
            publisher.abandon();
            if (e instanceof LawfitException bad) throw bad;
            throw new IllegalStateException("the run failed before publishing; the previous results are unchanged: "
                    + LawfitException.firstLine(e), e);
        } finally {
            publisher.awaitQuietly(); // no write still reading what is released here
            run.releases().forEach(Runnable::run);
            fitted.forEach(f -> f.release().run());
            if (plan != null) plan.release();
            validated.cached().unpersist();
        }
        // after the publish: a catalog failure leaves the new version current on disk and says so
        if (spec.output().catalog() != null) {
            CatalogPublisher.register(spark, spec.output().catalog(), spec.output().path(), published.versionPath(), published.tables());
        }
        return published;
    }

    /**
     * Where a run's seconds go, phase by phase (read and validate, plan, fit, write the tables, compare with the previous
     * version, publish): Spark is lazy, so a phase is the wall time from the end of the one before to its own end.
     */
    static final class Phases {
        private final Map<String, Long> millis = new java.util.LinkedHashMap<>();
        private long last = System.nanoTime();

        void end(String phase) {
            long now = System.nanoTime();
            millis.merge(phase, (now - last) / 1_000_000, Long::sum);
            last = now;
        }

        Map<String, Long> millis() {
            return new java.util.LinkedHashMap<>(millis);
        }
    }
}
