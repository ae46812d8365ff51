package dev.lawfit.job;

import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loss-to-loss as evidence, through the job with spec keys only: on generated families where size shifts the line by
 * 0.005 nats and the pretraining data by 0.5, size is tested within each pretraining set ({@code hold_fixed}) and
 * reported below tolerance, the data within each size moves the line; and models trained on the two data sets at the
 * same size and tokens, paired across runs, give back the train-to-train line they were generated from.
 */
class LossToLossEvidenceJobTest {

    static final double[] SIZES = {50e6, 100e6, 200e6, 400e6};
    /** The train-to-train line: slimpajama's val loss from fineweb's at the same (N, D). */
    static final double K = 0.9, KAPPA = 1.1, E_X = 1.8, E_Y = 1.6;

    @TempDir
    static Path dir;
    static String out;

    static double fromFineweb(double lx) {
        return K * Math.pow(lx - E_X, KAPPA) + E_Y;
    }

    @BeforeAll
    static void run() throws Exception {
        Random random = new Random(21);
        StringBuilder csv = new StringBuilder("run_id,model,dataset,tokenizer,eval_dataset,params,tokens,step,loss\n");
        for (int d = 0; d < 2; d++) {
            String data = d == 0 ? "fineweb" : "slimpajama";
            for (int s = 0; s < SIZES.length; s++) {
                String run = data + "-" + (long) (SIZES[s] / 1e6) + "m";
                for (int c = 1; c <= 100; c++) {
                    double tokens = SIZES[s] * 0.4 * c;
                    double fineweb = E_X + 400 / Math.pow(SIZES[s], 0.34) + 400 / Math.pow(tokens, 0.28);
                    double val = (d == 0 ? fineweb : fromFineweb(fineweb)) * (1 + 0.001 * random.nextGaussian());
                    double task = 1.3 * Math.pow(val - 1.5, 0.85) + 2.0 + 0.005 * s / 3 + 0.5 * d + 0.003 * random.nextGaussian();
                    csv.append(String.format(Locale.ROOT, "%s,llama,%s,bpe,val,%.0f,%.0f,%d,%.6f%n", run, data, SIZES[s], tokens, c, val));
                    csv.append(String.format(Locale.ROOT, "%s,llama,%s,bpe,task,%.0f,%.0f,%d,%.6f%n", run, data, SIZES[s], tokens, c, task));
                }
            }
        }
        Path input = dir.resolve("archive.csv");
        Files.writeString(input, csv);
        out = dir.resolve("out").toString();
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s'], format: csv}
                laws: []
                loss_to_loss:
                  pairs:
                    - {x: val, y: task}
                    - {x: val, y: val, across: dataset, x_level: fineweb, y_level: slimpajama}
                  group_by: [dataset]
                  factors: [params, dataset]
                  hold_fixed: [dataset, params]
                  tolerance_nats: 0.02
                  predict_x: [3.0]
                bootstrap: {resamples: 40}
                output: {path: '%s'}
                """.formatted(input, out), "test"));
    }

    @Test
    void sizeWithinEachPretrainingSetIsBelowToleranceAndTheDataMovesTheLine() {
        List<Row> size = Tables.current(out, "line_factors").where("factor = 'params' and pairing = 'checkpoint'").collectAsList();
        assertEquals(2, size.size(), "size is tested within each pretraining set");
        for (Row r : size) {
            assertEquals("dataset", r.getAs("held_fixed"));
            assertTrue(r.<String>getAs("stratum").startsWith("dataset="), "" + r.getAs("stratum"));
            assertEquals("below_tolerance", r.getAs("verdict"), r.getAs("stratum") + ": " + r.getAs("message"));
            assertEquals(0.005, r.<Double>getAs("effect_nats"), 0.001, "the size effect in nats");
            assertTrue(r.<Double>getAs("effect_low") <= r.<Double>getAs("effect_nats") && r.<Double>getAs("effect_nats") <= r.<Double>getAs("effect_high"));
            assertEquals(4, r.<Integer>getAs("levels"));
        }
        List<Row> data = Tables.current(out, "line_factors").where("factor = 'dataset' and pairing = 'checkpoint'").collectAsList();
        assertEquals(4, data.size(), "the data is tested within each size");
        for (Row r : data) {
            assertEquals("moves_line", r.getAs("verdict"), r.getAs("stratum") + ": " + r.getAs("message"));
            assertEquals(0.5, r.<Double>getAs("effect_nats"), 0.1, "the data effect in nats");
            Map<String, Double> offsets = r.getJavaMap(r.fieldIndex("level_offsets"));
            assertEquals(0.5, offsets.get("slimpajama") - offsets.get("fineweb"), 0.1);
        }
    }

    @Test
    void pairingAcrossRunsGivesBackTheTrainToTrainLine() {
        Row line = Tables.current(out, "loss_to_loss").where("pairing = 'across_dataset'").first();
        assertEquals("ok", line.getAs("status"), "" + line.getAs("message"));
        assertEquals("fineweb->slimpajama", line.getAs("dataset"));
        assertEquals("val", line.getAs("x_eval"));
        assertEquals(400, line.<Integer>getAs("n_points"), "every (size, tokens) of one data set paired with the other's");
        Map<String, Double> p = line.getJavaMap(line.fieldIndex("parameters"));
        // the line itself, over the range of the data, within 0.5% of the one the pairs were generated from
        for (double lx = 2.9; lx <= 5.5; lx += 0.1) {
            double predicted = p.get("K") * Math.pow(lx - p.get("E_x"), p.get("kappa")) + p.get("E_y");
            assertEquals(fromFineweb(lx), predicted, 0.005 * fromFineweb(lx), "at L_x = " + lx + ": " + p);
        }
        assertEquals(E_X, p.get("E_x"), 0.05, "E_x from fineweb's own compute fit");
        // predict_x: slimpajama's loss where fineweb's is 3.0, with its bootstrap interval
        Map<String, Double> forecasts = line.getJavaMap(line.fieldIndex("forecasts"));
        double at3 = forecasts.get("L_x=3.0");
        assertEquals(fromFineweb(3.0), at3, 0.005 * fromFineweb(3.0));
        Map<String, Double> low = line.getJavaMap(line.fieldIndex("ci_low")), high = line.getJavaMap(line.fieldIndex("ci_high"));
        assertTrue(low.get("forecast@L_x=3.0") <= at3 && at3 <= high.get("forecast@L_x=3.0"), low + " " + high);
    }

    @Test
    void aJobWithOnlyALossToLossSectionHasAReportWithItsPictures() throws Exception {
        Path report = dir.resolve("report.html");
        dev.lawfit.report.ReportWriter.write(TestSpark.session(), out, report);
        String html = Files.readString(report);
        assertTrue(html.contains("Loss-to-loss lines"), "the family's section");
        assertTrue(html.contains("alt=\"line factor offsets\""), "the offsets of each factor with their intervals");
        assertTrue(html.contains("alt=\"lines by level\""), "the points coloured by level with the pooled and per-level lines");
        assertTrue(html.contains("below_tolerance") && html.contains("moves_line"), "the verdicts");
    }
}
