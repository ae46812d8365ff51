package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;

import dev.lawfit.generate.CheckpointEvaluation;
import dev.lawfit.generate.LossToLossArchive;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss-to-loss lines and line factors through the job, on families whose line follows the pretraining data. */
class LossToLossJobTest {

    @TempDir
    static Path dir;

    @Test
    void fitsALinePerFamilyCountsUnpairedCheckpointsAndFindsWhatMovesTheLine() {
        List<CheckpointEvaluation> rows = new ArrayList<>(LossToLossArchive.families(5, "dataset"));
        // three checkpoints of one run were never evaluated on the downstream set
        int before = rows.size();
        rows.removeIf(r -> r.runId().equals("fineweb-llama-50m") && r.evalDataset().equals("downstream") && r.step() <= 750);
        assertEquals(3, before - rows.size());
        String archive = dir.resolve("archive").toString();
        ArchiveWriter.write(TestSpark.session(), rows, archive, 1);
        String out = dir.resolve("out").toString();
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s']}
                laws: []
                loss_to_loss:
                  pairs: [{x: val, y: downstream}]
                  group_by: [dataset, model]
                  factors: [dataset, model, params]
                bootstrap: {resamples: 100}
                output: {path: '%s'}
                """.formatted(archive, out), "test"));

        Dataset<Row> lines = Tables.current(out, "loss_to_loss");
        assertEquals(4, lines.where("status = 'ok'").count(), "a line per (dataset, architecture)");
        try {
            java.util.Map<String, String> shown = dev.lawfit.testing.ReportCoverage.check(out, dir.resolve("report.html"));
            assertEquals("picture", shown.get("line_factors"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        // the line is a law like every other: intervals, a backtest against its baseline, predictions
        for (Row r : lines.where("status = 'ok'").collectAsList()) {
            java.util.Map<String, Double> low = r.getJavaMap(r.fieldIndex("ci_low")), high = r.getJavaMap(r.fieldIndex("ci_high"));
            double kappa = r.getAs("kappa");
            assertTrue(low.get("kappa") <= kappa && kappa <= high.get("kappa"), "kappa " + kappa + " in [" + low.get("kappa") + ", " + high.get("kappa") + "]");
            assertEquals(100, (int) r.getAs("bootstrap_resamples"));
            assertEquals("ok", r.getAs("backtest_status"), String.valueOf((Object) r.getAs("backtest_message")));
            assertTrue(r.<Double>getAs("backtest_are") < r.<Double>getAs("baseline_are"), "the line extrapolates better than carrying the last loss");
        }
        long pairs = lines.selectExpr("sum(n_points)").first().getLong(0);
        assertEquals(pairs, Tables.current(out, "loss_to_loss_predictions").count(), "a prediction per paired checkpoint");
        assertTrue(Tables.current(out, "loss_to_loss_backtest").count() > 0);
        // a spec without group laws gets a report section per line, drawn by the law with its band
        java.nio.file.Path report = dir.resolve("report.html");
        assertEquals(4, dev.lawfit.report.ReportWriter.write(TestSpark.session(), out, report));
        String html = org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> java.nio.file.Files.readString(report));
        assertTrue(html.contains("Loss-to-loss lines"), "the family's heading");
        assertEquals(4, html.split("alt=\"loss_to_loss chart\"", -1).length - 1, "a chart per line");
        // and per factor test with two levels or more: the offsets, and the pairs by level (dataset, model, params)
        assertEquals(3, html.split("alt=\"line factor offsets\"", -1).length - 1);
        assertEquals(3, html.split("alt=\"lines by level\"", -1).length - 1);
        for (Row r : lines.collectAsList()) {
            LossToLossArchive.Line truth = LossToLossArchive.LINES[r.getAs("dataset").equals("fineweb") ? 0 : 1];
            double kappa = r.getAs("kappa"), ex = r.getAs("E_x");
            System.out.printf("%s/%s: K %.3f kappa %.3f E_x %.3f E_y %.3f (%s) rmse %.4f%n", r.getAs("dataset"), r.getAs("model"),
                    r.<Double>getAs("K"), kappa, ex, r.<Double>getAs("E_y"), r.getAs("e_source"), r.<Double>getAs("rmse"));
            assertTrue(r.<Double>getAs("rmse") < 0.03, "rmse " + r.getAs("rmse"));
            // the line's value over the family's x range matches the true line within 1%
            for (double lx : new double[] {3.0, 3.5}) {
                double predicted = r.<Double>getAs("K") * Math.pow(lx - ex, kappa) + r.<Double>getAs("E_y");
                assertEquals(truth.y(lx), predicted, 0.01 * truth.y(lx), r.getAs("dataset") + "/" + r.getAs("model") + " at " + lx);
            }
        }
        Row fineweb = lines.where("dataset = 'fineweb' and model = 'llama'").first();
        assertEquals(3, (int) fineweb.getAs("unpaired_x"), "the x rows with no downstream evaluation are counted");
        assertEquals(29, (int) fineweb.getAs("n_points"));

        Dataset<Row> factors = Tables.current(out, "line_factors");
        assertEquals("moves_line", factors.where("factor = 'dataset'").first().getAs("verdict"));
        assertEquals("no_effect", factors.where("factor = 'model'").first().getAs("verdict"));
        assertEquals(4, (int) factors.where("factor = 'params'").first().getAs("levels"));
    }

    @Test
    void wideInputIsUnpivotedThroughTheSpec() {
        // one row per checkpoint with a loss column per eval dataset; one downstream loss missing
        List<CheckpointEvaluation> rows = LossToLossArchive.families(5, "model");
        List<org.apache.spark.sql.Row> wide = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 2) {
            CheckpointEvaluation x = rows.get(i), y = rows.get(i + 1);
            wide.add(org.apache.spark.sql.RowFactory.create(x.runId(), x.model(), x.dataset(), x.tokenizer(), x.params(), x.tokens(),
                    x.loss(), i == 0 ? null : y.loss()));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("run_id", "string").add("model", "string").add("dataset", "string").add("tokenizer", "string")
                .add("params", "double").add("tokens", "double").add("loss_val", "double").add("loss_downstream", "double");
        String archive = dir.resolve("wide").toString();
        TestSpark.session().createDataFrame(wide, schema).coalesce(1).write().parquet(archive);
        String out = dir.resolve("wide-out").toString();
        RunSummary summary = LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s'], unpivot: {val: loss_val, downstream: loss_downstream}}
                laws: []
                loss_to_loss: {all_pairs: true, group_by: [dataset, model], factors: [dataset, model]}
                bootstrap: {resamples: 0}
                output: {path: '%s'}
                """.formatted(archive, out), "test"));
        assertEquals(2L * wide.size(), summary.rowsRead(), "one row per (checkpoint, eval dataset)");
        assertEquals(1, summary.rowsRejected(), "the missing downstream loss is a reject");
        assertTrue(Tables.current(out, "rejects").first().<String>getAs("reject_reason").contains("loss is missing"));
        Dataset<Row> factors = Tables.current(out, "line_factors");
        assertEquals("downstream", factors.first().getAs("x_eval"), "all_pairs orders the eval datasets by name");
        assertEquals("moves_line", factors.where("factor = 'model'").first().getAs("verdict"));
        assertEquals("no_effect", factors.where("factor = 'dataset'").first().getAs("verdict"));
    }
}
