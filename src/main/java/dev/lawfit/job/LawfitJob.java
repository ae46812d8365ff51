package dev.lawfit.job;

import dev.lawfit.LawfitException;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.spec.JobSpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.job.InputReader.column;

/**
 * The lawfit batch job, top to bottom: read, validate, group and fit, write, publish.
 * Nothing is published unless every table was written; a failure leaves the previous version current.
 */
public final class LawfitJob {

    private static final Logger LOG = LoggerFactory.getLogger(LawfitJob.class);

    private LawfitJob() {
    }

    /** Group-level rows and temporal (per-run) rows in one table; columns one side lacks are null there. */
    private static Dataset<Row> union(Dataset<Row> group, Dataset<Row> temporal) {
        if (temporal == null) return group;
        if (group == null) return temporal;
        return group.unionByName(temporal, true);
    }

    public static RunSummary run(SparkSession spark, JobSpec spec) {
        long started = System.currentTimeMillis();
        // Spec expressions over bad values give null (and a reject) instead of failing the job.
        spark.conf().set("spark.sql.ansi.enabled", "false");
        spark.conf().set("spark.sql.debug.maxToStringFields", "1000");
        if (ArchiveWriter.ensureSample(spark, spec)) {
            LOG.info("wrote the sample archive to {}", spec.input().paths().get(0));
        }

        Dataset<Row> input = InputReader.read(spark, spec.input());
        java.util.LinkedHashSet<String> keys = new java.util.LinkedHashSet<>(spec.groupBy());
        if (spec.lossToLoss() != null) keys.addAll(spec.lossToLoss().keyColumns(spec.groupBy()));
        CheckpointValidator.Validated validated = CheckpointValidator.validate(input, java.util.List.copyOf(keys), spec.input().paths(),
                spec.flops().toAccounting(), spec.downstream() == null ? null : spec.downstream().errorColumn(), spec.temporal());
        LOG.info("validated {} rows: {} accepted, {} rejected, {} filtered out", validated.rowsRead(),
                validated.rowsAccepted(), validated.rowsRejected(), validated.rowsFiltered());

        OutputPublisher publisher = new OutputPublisher(spark.sparkContext().hadoopConfiguration(), spec.output().path());
        int partitions = Math.max(1, spark.sparkContext().defaultParallelism() * 4);
        FitSettings settings = spec.toSettings();
        boolean groupLaws = !spec.laws().isEmpty();
        // every accepted group gets law rows (group laws, or temporal rows per run): the summary's group count too
        long groupCount = groupLaws || spec.temporal() != null ? validated.accepted().select(spec.groupBy().stream()
                .map(InputReader::column).toArray(org.apache.spark.sql.Column[]::new)).distinct().count() : 0;
        FitProgress progress = FitProgress.start(spark.sparkContext(), "groups", groupLaws ? groupCount : 0);
        Dataset<Row> fitted = groupLaws
                ? GroupFitting.fit(validated.accepted(), spec.groupBy(), spec.laws(), settings, partitions, progress.counter())
                        .persist(StorageLevel.MEMORY_AND_DISK())
                : null;
        Dataset<Row> laws = null;
        TemporalStage.Tables temporal = null;
        RunSummary published;
        try {
            Dataset<Row> predictions = null;
            if (groupLaws) {
                Dataset<Row> intervals = settings.bootstrap().enabled()
                        ? BootstrapStage.intervals(fitted, spec.groupBy(), settings, partitions) : null;
                laws = GroupFitting.lawsTable(fitted, spec.groupBy(), intervals).persist(StorageLevel.MEMORY_AND_DISK());
                predictions = GroupFitting.predictionsTable(fitted, spec.groupBy());
            }
            temporal = spec.temporal() == null ? null
                    : TemporalStage.fit(validated.accepted(), spec.groupBy(), spec.temporal().toSettings(), partitions);
            Dataset<Row> allLaws = union(laws, temporal == null ? null : temporal.laws());
            if (allLaws != null) {
                publisher.write("laws", allLaws);
                publisher.write("predictions", union(predictions, temporal == null ? null : temporal.predictions()));
            }
            if (groupLaws) {
                publisher.write("backtest", GroupFitting.backtestTable(fitted, spec.groupBy()));
                Dataset<Row> frontier = GroupFitting.frontierTable(fitted, spec.groupBy());
                publisher.write("frontier", frontier);
                if (spec.laws().contains("chinchilla")) {
                    publisher.write("comparison", ComparisonTable.build(laws, frontier, spec.groupBy()));
                }
                if (spec.downstream() != null) {
                    publisher.write("downstream", DownstreamStage.fit(validated.accepted(), laws, spec.groupBy(), spec.downstream(), partitions));
                }
            }
            if (spec.lossToLoss() != null) {
                LossToLossStage.Tables l2l = LossToLossStage.fit(validated.accepted(), spec.lossToLoss(), spec.groupBy(), partitions);
                publisher.write("loss_to_loss", l2l.lines());
                publisher.write("line_factors", l2l.factors());
            }
            if (temporal != null) {
                publisher.write("temporal_points", temporal.points());
                publisher.write("temporal_quality", temporal.quality());
                publisher.write("temporal_ranking", temporal.ranking());
            }
            publisher.write("rejects", validated.rejects().orderBy(column(CheckpointContract.SOURCE_FILE), column(CheckpointContract.REJECT_REASON)));

            Map<String, Long> byStatus = new TreeMap<>();
            if (allLaws != null) {
                // from the written table: recomputing the union would refit the temporal runs
                Dataset<Row> written = spark.read().parquet(new org.apache.hadoop.fs.Path(publisher.versionDir(), "laws").toString());
                for (Row r : written.groupBy("status").count().collectAsList()) byStatus.put(r.getString(0), r.getLong(1));
            }
            RunSummary summary = new RunSummary(publisher.version(), spec.output().path(), publisher.versionDir().toString(),
                    validated.rowsRead(), validated.rowsFiltered(), validated.rowsAccepted(), validated.rowsRejected(),
                    allLaws != null ? groupCount : 0, byStatus, publisher.tables(), System.currentTimeMillis() - started);
            publisher.publish(summary.toJson(), spec.output().keepVersions());
            published = summary;
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared from Scala
            publisher.abandon();
            if (e instanceof LawfitException bad) throw bad;
            throw new IllegalStateException("the run failed before publishing; the previous results are unchanged: "
                    + InputReader.firstLine(e), e);
        } finally {
            progress.close();
            if (temporal != null) temporal.release();
            if (laws != null) laws.unpersist();
            if (fitted != null) fitted.unpersist();
            validated.cached().unpersist();
        }
        // after the publish: a catalog failure leaves the new version current on disk and says so
        if (spec.output().catalog() != null) {
            CatalogPublisher.register(spark, spec.output().catalog(), published.versionPath(), published.tables());
        }
        return published;
    }
}
