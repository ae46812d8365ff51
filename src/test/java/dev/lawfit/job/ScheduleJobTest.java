package dev.lawfit.job;

import dev.lawfit.LawfitException;
import dev.lawfit.generate.ScheduleArchive;
import dev.lawfit.job.ingest.ArchiveWriter;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule family through the job, on the generated schedule archive with its three bad rows. */
class ScheduleJobTest {

    @TempDir
    static Path dir;
    static String archive;

    @BeforeAll
    static void writeArchive() {
        archive = dir.resolve("archive").toString();
        ArchiveWriter.writeSchedules(TestSpark.session(), ScheduleArchive.runs(11, true), archive);
    }

    static String spec(String output, String schedule) {
        return """
                input: {paths: ['%s']}
                laws: []
                schedule: %s
                bootstrap: {resamples: 8}
                output: {path: '%s'}
                """.formatted(archive, schedule, output);
    }

    @Test
    void fitsOnSomeRunsPredictsTheOthersAndRanksSchedules() throws Exception {
        String out = dir.resolve("out").toString();
        String schedule = "{fit_runs: [s/cosine_20000, s/constant_20000, s/twostage_20000, m/cosine_20000, m/constant_20000, m/twostage_20000], "
                + "warmup_steps: 1000, runs: {s/twostage_20000: {shape: step, peak_lr: 3.0e-4, warmup_steps: 1000, total_steps: 20000, drops: [[8000, 9.0e-5]]}}, "
                + "candidates: {wsd_10pct: {shape: wsd, peak_lr: 3.0e-4, warmup_steps: 1000, total_steps: 20000, decay_start: 18000, final_lr: 3.0e-5}}}";
        RunSummary summary = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec(out, schedule), "test"));

        // nothing lost: the three bad rows and the row the conflicting one collides with are rejected with their reasons
        assertEquals(4, summary.rowsRejected());
        List<String> reasons = Tables.current(out, "rejects").select("reject_reason").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertTrue(reasons.stream().anyMatch(r -> r.contains("lr must be >= 0, got -1.0E-4")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.contains("lr is missing and schedule.runs does not describe this run")), reasons.toString());
        assertEquals(2, reasons.stream().filter(r -> r.contains("run has two learning rates at step 5000.0")).count(), reasons.toString());

        Dataset<Row> laws = Tables.current(out, "laws").where("family = 'schedule'");
        assertEquals(6, laws.where("status = 'ok'").count(), "three laws for each of two sizes: "
                + laws.select("model", "law", "status", "message").collectAsList());
        Row mpl = laws.where("law = 'multi_power' and model = 's'").first();
        assertEquals(ScheduleArchive.TRUTH.get("s")[0], mpl.<String, Double>getJavaMap(mpl.fieldIndex("parameters")).get("L0"), 0.05);
        assertTrue(mpl.<String, Double>getJavaMap(mpl.fieldIndex("ci_low")).containsKey("forecast@final@wsd_10pct"), "the candidate's forecast has an interval");
        assertEquals("late_progress", mpl.getAs("backtest_split"));

        Dataset<Row> quality = Tables.current(out, "schedule_quality");
        for (String model : List.of("s", "m")) {
            double unseen = quality.where("model = '" + model + "' and law = 'multi_power' and role = 'unseen'").agg(org.apache.spark.sql.functions.avg("mean_are")).first().getDouble(0);
            double early = quality.where("model = '" + model + "' and law = 'multi_power' and scenario = 'early'").agg(org.apache.spark.sql.functions.avg("mean_are")).first().getDouble(0);
            double power = quality.where("model = '" + model + "' and law = 'run_power'").agg(org.apache.spark.sql.functions.avg("mean_are")).first().getDouble(0);
            assertTrue(unseen < 0.0015, model + " unseen schedules " + unseen);
            assertTrue(early * 5 < power, model + " early " + early + " vs " + power);
        }
        // every scored fit's parameters are in the table, so its predictions can be recomputed: an unseen run's are the
        // fit runs' law (the laws table's), an early scenario's its own fit on the runs' first part
        Row unseenRow = quality.where("model = 's' and law = 'multi_power' and role = 'unseen'").first();
        Row earlyRow = quality.where("model = 's' and law = 'multi_power' and scenario = 'early'").first();
        java.util.Map<String, Double> unseenParameters = unseenRow.getJavaMap(unseenRow.fieldIndex("parameters"));
        java.util.Map<String, Double> earlyParameters = earlyRow.getJavaMap(earlyRow.fieldIndex("parameters"));
        assertEquals(mpl.<String, Double>getJavaMap(mpl.fieldIndex("parameters")), unseenParameters);
        assertEquals(unseenParameters.keySet(), earlyParameters.keySet());
        assertTrue(!earlyParameters.equals(unseenParameters), "the early scenario's own fit");
        // constant_20000 and wsd_20000 share their schedule to step 16,000 and carry independent 0.1% noise: their losses
        // differ there by 0.1% * sqrt(2) * sqrt(2 / pi) = 0.113% on average
        for (Row floor : quality.where("law = 'same_schedule'").collectAsList()) {
            assertTrue(floor.<Double>getAs("mean_are") > 0.0008 && floor.<Double>getAs("mean_are") < 0.0015, floor.toString());
            assertTrue(floor.<String>getAs("message").contains("constant_20000 and ") && floor.<String>getAs("message").contains("wsd_20000 follow one"), floor.toString());
        }
        assertEquals(2, quality.where("law = 'same_schedule' and role = 'repeat'").count(), "one floor per size");
        Dataset<Row> ranking = Tables.current(out, "schedule_ranking").where("law = 'multi_power'");
        assertEquals(2 * 7, ranking.count(), "six runs and one candidate per size");
        assertTrue(ranking.where("rank_correlation < 0.9").isEmpty(), "predicted finals rank the runs as observed");
        assertTrue(Tables.current(out, "schedule_predictions").where("lr is null and law != 'run_power'").isEmpty());
        // every held-out prediction and the candidate carry an interval measured on the other runs
        Row candidate = ranking.where("kind = 'candidate'").first();
        assertEquals("unseen_runs", candidate.getAs("interval_method"));
        assertTrue(candidate.<Double>getAs("final_low") < candidate.<Double>getAs("predicted_final")
                && candidate.<Double>getAs("predicted_final") < candidate.<Double>getAs("final_high"), candidate.toString());
        Dataset<Row> held = Tables.current(out, "schedule_predictions").where("held_out and law = 'multi_power'");
        assertTrue(held.where("low is null or interval_method != 'other_runs'").isEmpty(), "held-out predictions without an interval");
        double covered = held.where("observed between low and high").count() / (double) held.count();
        assertTrue(covered >= 0.8 && covered <= 0.995, "held-out losses inside their intervals: " + covered);
        assertTrue(quality.where("law = 'multi_power' and role != 'fitted' and coverage is null").isEmpty(), "each run's coverage");

        java.nio.file.Path html = dir.resolve("report.html");
        java.util.Map<String, String> shown = dev.lawfit.testing.ReportCoverage.check(out, html);
        assertEquals("picture", shown.get("schedule_quality"));
        String text = assertDoesNotThrowRead(html);
        assertTrue(text.contains("Learning-rate schedules") && text.contains("alt=\"schedule curves\"") && text.contains("alt=\"schedules\"")
                && text.contains("alt=\"rest of runs\"") && text.contains("alt=\"ranking parity\""), "the schedule pictures");

        // the schedule family is planned like the others: a rerun with nothing changed refits no group and copies every row
        RunSummary rerun = LawfitJob.run(TestSpark.session(), JobSpecReader.parse(spec(out, schedule), "test"));
        Row record = dev.lawfit.job.publish.RunHistory.table(TestSpark.session(), out)
                .orderBy(org.apache.spark.sql.functions.col("started").desc()).first();
        java.util.Map<String, Long> byStage = record.getJavaMap(record.fieldIndex("groups_fitted_by_stage"));
        assertEquals(0L, (long) byStage.get("schedule"), byStage.toString());
        assertEquals(2, rerun.groupChanges().reused(), "both sizes reused");
        for (String table : List.of("laws", "schedule_quality", "schedule_predictions", "schedule_ranking", "resamples")) {
            assertEquals(0, Tables.differingRows(Tables.of(summary.versionPath(), table), Tables.of(rerun.versionPath(), table)), table + " copied");
        }
    }

    private static String assertDoesNotThrowRead(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aScheduleSectionWithoutLearningRatesSaysWhatIsMissing() {
        String noLr = dir.resolve("no-lr").toString();
        TestSpark.session().read().parquet(archive).drop("lr").write().parquet(noLr);
        String out = dir.resolve("out-no-lr").toString();
        LawfitException e = assertThrows(LawfitException.class, () -> LawfitJob.run(TestSpark.session(),
                JobSpecReader.parse(spec(out, "{warmup_steps: 1000}").replace(archive, noLr), "test")));
        assertTrue(e.getMessage().contains("has no column lr and schedule.runs describes no run"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
