package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;

import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss-to-downstream laws on the generated study with two tasks whose error follows a known law. */
class DownstreamJobTest {

    @TempDir
    static Path dir;
    static String archive;

    @BeforeAll
    static void writeArchive() {
        archive = dir.resolve("archive").toString();
        ArchiveWriter.write(TestSpark.session(), SyntheticArchive.linearComplexityStudy(42, 0, java.util.List.of("hellaswag", "piqa")), archive, 1);
    }

    private static Dataset<Row> run(String output, String filter, String laws) {
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s'], filter: "%s"}
                laws: [%s]
                fit: {polish_starts: 4}
                downstream: {reference_eval: slimpajama-val}
                bootstrap: {resamples: 40}
                backtest: {hold_out_sizes: 1}
                output: {path: '%s'}
                """.formatted(archive, filter, laws, output), "test"));
        return Tables.current(output, "downstream");
    }

    @Test
    void recoversEachTasksLawAndReadsErrorOffTheFrontier() {
        Dataset<Row> downstream = run(dir.resolve("out").toString(), "true", "chinchilla");
        assertEquals(16, downstream.count(), "4 architectures x 2 tasks x 2 forms");
        try {
            java.util.Map<String, String> shown = dev.lawfit.testing.ReportCoverage.check(dir.resolve("out").toString(), dir.resolve("report.html"));
            assertEquals("picture", shown.get("downstream"));
            assertEquals("picture", shown.get("frontier"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertEquals(16, downstream.where("status = 'ok' and unpaired_points = 0").count(), downstream.select("model", "task", "law", "status", "message").collectAsList().toString());
        String[] tasks = {"hellaswag", "piqa"};
        for (int t = 0; t < tasks.length; t++) {
            double[] truth = SyntheticArchive.DOWNSTREAM_TRUTHS[t];
            for (Row r : downstream.where("law = 'downstream_exponential' and task = '" + tasks[t] + "'").collectAsList()) {
                Map<String, Double> p = r.getJavaMap(r.fieldIndex("parameters"));
                assertEquals(truth[0], p.get("epsilon"), 0.05, tasks[t] + " epsilon for " + r.getAs("model"));
                assertTrue(r.<Double>getAs("rmse") < 3 * SyntheticArchive.DOWNSTREAM_NOISE, "rmse " + r.getAs("rmse"));
                Map<String, Double> errorAt = r.getJavaMap(r.fieldIndex("error_at"));
                Row law = Tables.current(dir.resolve("out").toString(), "laws")
                        .where("eval_dataset = 'slimpajama-val' and model = '" + r.getAs("model") + "'").first();
                Map<String, Double> derived = law.getJavaMap(law.fieldIndex("derived"));
                double loss = derived.get("loss@1e23");
                assertEquals(truth[0] - truth[1] * Math.exp(-truth[2] * loss), errorAt.get("1e23"), 0.02,
                        "the error predicted at the chinchilla loss of 1e23 FLOPs");
                // Gadre et al.'s chain at a prediction target (by default each budget at 20 tokens per parameter)
                double forecastLoss = law.<String, Double>getJavaMap(law.fieldIndex("forecasts")).get("C=1e23,M=20");
                Map<String, Double> errorForecasts = r.getJavaMap(r.fieldIndex("error_forecasts"));
                assertEquals(truth[0] - truth[1] * Math.exp(-truth[2] * forecastLoss), errorForecasts.get("C=1e23,M=20"), 0.02,
                        "the error predicted at the chinchilla forecast for C = 1e23, M = 20");
            }
        }
    }

    @Test
    void downstreamNeedsALawThatGivesTheLossAtABudget() {
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(dev.lawfit.LawfitException.class, () -> JobSpecReader.parse("""
                input: {paths: ['%s']}
                laws: [pure_params]
                downstream: {reference_eval: slimpajama-val}
                output: {path: '%s'}
                """.formatted(archive, dir.resolve("never")), "test"));
        assertTrue(e.getMessage().contains("list one of [chinchilla, kaplan, overtraining, data_constrained] in laws"), e.getMessage());
    }

    @Test
    void taskRowsWithoutAReferenceLossAreCounted() {
        Dataset<Row> downstream = run(dir.resolve("missing").toString(),
                "not (eval_dataset = 'slimpajama-val' and run_id = 'llama-70m')", "chinchilla");
        // downstream laws are laws like every other: intervals, a backtest against the baseline, predictions
        for (Row r : downstream.where("status = 'ok'").collectAsList()) {
            assertEquals(40, (int) r.getAs("bootstrap_resamples"));
            java.util.Map<String, Double> low = r.getJavaMap(r.fieldIndex("ci_low")), high = r.getJavaMap(r.fieldIndex("ci_high"));
            for (String p : low.keySet()) assertTrue(low.get(p) <= high.get(p), p);
            assertEquals("ok", r.getAs("backtest_status"), String.valueOf((Object) r.getAs("backtest_message")));
        }
        long points = downstream.where("status = 'ok'").selectExpr("sum(n_points)").first().getLong(0);
        assertEquals(points, Tables.current(dir.resolve("missing").toString(), "downstream_predictions").count());
        Row llama = downstream.where("model = 'llama' and task = 'hellaswag' and law = 'downstream_exponential'").first();
        int unpaired = llama.getAs("unpaired_points");
        assertEquals(58, unpaired, "the 70M run's 58 checkpoints have no reference loss");
        assertEquals(6 * 58, unpaired + (int) llama.getAs("n_points"), "paired + unpaired = every llama hellaswag row");
        assertEquals(0, (int) downstream.where("model = 'tnl'").first().getAs("unpaired_points"));
    }
}
