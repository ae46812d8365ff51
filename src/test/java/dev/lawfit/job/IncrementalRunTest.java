package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.job.plan.IncrementalPlan;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nightly runs over a growing archive laid out as a Hive-style partition tree (model=...): unchanged groups are
 * reused row for row, appended-to groups refitted, removed groups dropped or kept stale, --full refits all,
 * every run lands in the runs table and a rollback is one command.
 */
class IncrementalRunTest {

    static final List<String> GROUP_TABLES = List.of("laws", "predictions", "backtest", "frontier", "comparison");

    @TempDir
    Path dir;

    @Test
    void nightlyRunsReuseUnchangedGroupsAndRefitOnlyChangedOnes() throws Exception {
        var spark = TestSpark.session();
        List<CheckpointEvaluation> all = SyntheticArchive.manyGroups(5, 48, 11);
        List<CheckpointEvaluation> initial = new ArrayList<>(), appended = new ArrayList<>();
        for (int g = 0; g < 5; g++) {
            List<CheckpointEvaluation> group = all.subList(g * 48, (g + 1) * 48);
            initial.addAll(group.subList(0, 40));
            if (g < 2) appended.addAll(group.subList(40, 48));
        }
        String archive = dir.resolve("archive").toString();
        ArchiveWriter.toDataFrame(spark, initial).write().partitionBy("model").parquet(archive);
        String output = dir.resolve("out").toString();
        JobSpec spec = JobSpecReader.parse("""
                name: nightly
                input: {paths: [%s]}
                laws: [chinchilla, pure_params]
                bootstrap: {resamples: 10, chunk_size: 10}
                output: {path: %s, keep_versions: 3}
                """.formatted(archive, output), "test");

        RunSummary first = LawfitJob.run(spark, spec);
        assertEquals(new IncrementalPlan.Counts(5, 0, 0, 0, 0), first.groupChanges());
        assertEquals(5 * 40, Tables.of(first.versionPath(), "laws").where("law = 'chinchilla'").selectExpr("sum(n_points)").first().getLong(0),
                "the partition column model is read back from the directory names");

        RunSummary again = LawfitJob.run(spark, spec);
        assertEquals(new IncrementalPlan.Counts(0, 0, 5, 0, 0), again.groupChanges(), "same input: nothing refitted");
        for (String table : GROUP_TABLES) {
            assertEquals(0, Tables.differingRows(Tables.of(first.versionPath(), table), Tables.of(again.versionPath(), table)),
                    table + " is identical on a rerun");
        }
        assertEquals(0, Tables.differingRows(Tables.of(first.versionPath(), "rejects"), Tables.of(again.versionPath(), "rejects")));

        // the next night: new checkpoints for two families
        ArchiveWriter.toDataFrame(spark, appended).write().mode("append").partitionBy("model").parquet(archive);
        RunSummary grown = LawfitJob.run(spark, spec);
        assertEquals(new IncrementalPlan.Counts(0, 2, 3, 0, 0), grown.groupChanges());
        Dataset<Row> groups = Tables.of(grown.versionPath(), "groups");
        assertEquals(List.of("family-00000", "family-00001"), groups.where("status = 'refitted'").orderBy("model")
                .select("model").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
        assertEquals(3, groups.where("status = 'reused' and fitted_version = '" + first.version() + "'").count(),
                "reused groups remember the run that fitted them");
        String unchanged = "model not in ('family-00000', 'family-00001')";
        String changed = "model in ('family-00000', 'family-00001')";
        for (String table : GROUP_TABLES) {
            // the extrapolation-aware intervals are calibrated over every group's folds, so they move when any group is refitted
            String[] pooled = {"forecast_low", "forecast_high", "interval_method"};
            Dataset<Row> before = Tables.of(again.versionPath(), table).where(unchanged).drop(pooled);
            Dataset<Row> after = Tables.of(grown.versionPath(), table).where(unchanged).drop(pooled);
            assertTrue(before.count() > 0, table);
            assertEquals(0, Tables.differingRows(before, after), table + ": rows of unchanged groups are carried over untouched");
        }
        assertEquals(2 * 48, Tables.of(grown.versionPath(), "laws").where("law = 'chinchilla' and " + changed)
                .selectExpr("sum(n_points)").first().getLong(0), "the refitted groups saw the appended checkpoints");
        assertEquals(5 * 40 + 2 * 8, Tables.of(grown.versionPath(), "laws").where("law = 'chinchilla'").selectExpr("sum(n_points)").first().getLong(0));

        // a family leaves the archive: kept and flagged with --keep-stale, dropped otherwise
        deleteRecursively(dir.resolve("archive").resolve("model=family-00004"));
        RunSummary stale = LawfitJob.run(spark, spec, new RunOptions(false, true, false));
        assertEquals(new IncrementalPlan.Counts(0, 0, 4, 0, 1), stale.groupChanges());
        assertEquals(1, Tables.of(stale.versionPath(), "groups").where("status = 'stale' and model = 'family-00004'").count());
        assertEquals(2, Tables.of(stale.versionPath(), "laws").where("model = 'family-00004'").count(), "stale results kept");
        RunSummary removed = LawfitJob.run(spark, spec);
        assertEquals(new IncrementalPlan.Counts(0, 0, 4, 1, 0), removed.groupChanges());
        assertEquals(0, Tables.of(removed.versionPath(), "laws").where("model = 'family-00004'").count());

        // --full refits everything and gets the same results (all but the timings)
        RunSummary full = LawfitJob.run(spark, spec, new RunOptions(true, false, false));
        assertEquals(new IncrementalPlan.Counts(0, 4, 0, 0, 0), full.groupChanges());
        assertEquals(0, Tables.differingRows(Tables.of(removed.versionPath(), "laws").drop("fit_millis"),
                Tables.of(full.versionPath(), "laws").drop("fit_millis")), "a full refit reproduces the reused results");

        // the run history: every run, in order, with its counts; then a rollback, also recorded
        List<Row> runs = RunHistory.table(spark, output).collectAsList();
        assertEquals(6, runs.size());
        assertTrue(runs.stream().allMatch(r -> r.getAs("status").equals(RunHistory.SUCCEEDED)));
        assertEquals(List.of(0L, 5L, 3L, 4L, 4L, 0L), runs.stream().map(r -> (Long) r.getAs("groups_reused")).toList());
        Row last = runs.get(5);
        assertEquals(full.version(), last.getAs("version"));
        assertEquals(removed.version(), last.getAs("previous_version"));
        assertTrue((Boolean) last.getAs("full_refit"));
        Row input = last.<Row>getList(last.fieldIndex("inputs")).get(0);
        assertEquals(archive, input.getAs("path"));
        long parquetFiles;
        try (var walk = Files.walk(dir.resolve("archive"))) {
            parquetFiles = walk.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
        assertEquals(parquetFiles, (long) input.getAs("files"), "every data file under the partition tree, none of Spark's hidden ones");
        assertTrue((Long) input.getAs("bytes") > 0);
        assertEquals(64, ((String) last.getAs("spec_hash")).length());

        assertEquals(List.of(stale.version(), removed.version(), full.version()),
                OutputPublisher.publishedVersions(spark.sparkContext().hadoopConfiguration(), output), "keep_versions: 3");
        assertEquals(0, LawfitCommand.execute("rollback", "--output", output));
        assertEquals(removed.version(), OutputPublisher.currentVersion(spark.sparkContext().hadoopConfiguration(), output).getName());
        Row rollback = RunHistory.table(spark, output).orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        assertEquals("rollback", rollback.getAs("action"));
        assertEquals(removed.version(), rollback.getAs("version"));
        assertEquals(full.version(), rollback.getAs("previous_version"));
        assertEquals(0, Tables.differingRows(Tables.of(removed.versionPath(), "laws"), Tables.current(output, "laws")));

        // grouping by a column the previous groups lacked: nothing carries over, every group is new
        JobSpec byCohort = JobSpecReader.parse("""
                name: nightly
                input: {paths: [%s], derive: {cohort: "'2026'"}}
                group_by: [model, cohort]
                laws: [pure_params]
                bootstrap: {resamples: 0}
                output: {path: %s}
                """.formatted(archive, output), "test");
        assertEquals(new IncrementalPlan.Counts(4, 0, 0, 0, 0), LawfitJob.run(spark, byCohort).groupChanges());
    }

    /** Settings are hashed per stage: a new temporal setting refits the runs, not the compute laws, and the other way round. */
    @Test
    void changingOneStageRefitsOnlyThatStage() {
        var spark = TestSpark.session();
        String archive = dir.resolve("stages-archive").toString();
        ArchiveWriter.write(spark, SyntheticArchive.manyGroups(3, 40, 5), archive, 1);
        String output = dir.resolve("stages-out").toString();
        String spec = """
                input: {paths: [%s]}
                laws: [power_compute]
                fit: {huber_delta: %s}
                temporal: {fit_fractions: [%s], total_tokens: 1.0e12}
                bootstrap: {resamples: 0}
                output: {path: %s}
                """;
        RunSummary first = LawfitJob.run(spark, JobSpecReader.parse(spec.formatted(archive, "0.001", "0.3", output), "test"));
        RunSummary temporalChanged = LawfitJob.run(spark, JobSpecReader.parse(spec.formatted(archive, "0.001", "0.2", output), "test"));
        assertEquals(new IncrementalPlan.Counts(0, 3, 0, 0, 0), temporalChanged.groupChanges(), "every group has a changed stage");
        String compute = "family = 'compute'", runs = "family in ('curve', 'temporal')";
        assertEquals(0, Tables.differingRows(Tables.of(first.versionPath(), "laws").where(compute),
                Tables.of(temporalChanged.versionPath(), "laws").where(compute)), "compute rows copied, fit_millis and all");
        assertEquals(3 * 8, Tables.of(temporalChanged.versionPath(), "laws").where("law = 'temporal' and fit_fraction = 0.2").count(),
                "every run (3 groups of 8) was refitted with the new fraction");
        assertEquals(0, Tables.of(temporalChanged.versionPath(), "laws").where("fit_fraction = 0.3").count());
        assertEquals(0, Tables.differingRows(Tables.of(first.versionPath(), "frontier"), Tables.of(temporalChanged.versionPath(), "frontier")));

        RunSummary fitChanged = LawfitJob.run(spark, JobSpecReader.parse(spec.formatted(archive, "0.002", "0.2", output), "test"));
        assertEquals(0, Tables.differingRows(Tables.of(temporalChanged.versionPath(), "laws").where(runs),
                Tables.of(fitChanged.versionPath(), "laws").where(runs)), "run rows copied when only fit changed");
        assertEquals(0, Tables.differingRows(Tables.of(temporalChanged.versionPath(), "temporal_quality"),
                Tables.of(fitChanged.versionPath(), "temporal_quality")));
        assertEquals(3, Tables.of(fitChanged.versionPath(), "laws").where(compute + " and huber_delta = 0.002").count(), "compute refitted");
        Row record = RunHistory.table(spark, output).orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        java.util.Map<String, Long> byStage = record.getJavaMap(record.fieldIndex("groups_fitted_by_stage"));
        assertEquals(3L, (long) byStage.get("compute"));
        assertEquals(0L, (long) byStage.get("runs"));
    }

    private static void deleteRecursively(Path path) throws java.io.IOException {
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
