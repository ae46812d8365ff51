package dev.lawfit.job;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.GeneratedPoints;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The field's forms side by side through the job: an over-trained family (M = 5..640, no unique-token counts) and a
 * repeated-data archive (with {@code unique_tokens}), every form fitted and backtested on the most over-trained runs,
 * ranked in {@code law_selection}, and predicted at the spec's targets with intervals in {@code forecasts}.
 */
class LawSelectionJobTest {

    @TempDir
    static Path dir;
    static Path output;

    @BeforeAll
    static void run() throws Exception {
        StringBuilder csv = new StringBuilder("run_id,model,dataset,tokenizer,eval_dataset,params,tokens,loss,unique_tokens\n");
        Random random = new Random(11);
        Law overtraining = LawCatalog.byName("overtraining");
        double[] gadre = {Math.log(1.8366), Math.log(212.2), Math.log(366.7), 0.1364};
        for (double n : GeneratedPoints.logSpaced(1.1e7, 4.1e8, 6)) {
            for (double m : new double[] {5, 10, 20, 40, 80, 160, 320, 640}) {
                Points p = Points.of(new double[] {n}, new double[] {m * n}, new double[] {6 * n * m * n}, new double[] {1});
                double loss = Math.exp(overtraining.logPredict(gadre, p, 0) + 0.003 * random.nextGaussian());
                csv.append(String.format(Locale.ROOT, "ot-%d-%d,overtrained,web,bpe,val,%.6g,%.6g,%.6f,\n", (long) n, (long) m, n, m * n, loss));
            }
        }
        Law constrained = LawCatalog.byName("data_constrained");
        double[] truth = {Math.log(1.69), Math.log(406.4), Math.log(410.7), 0.34, 0.28, Math.log(15.4), Math.log(5.3)};
        Points repeated = GeneratedPoints.repeated(constrained, truth, GeneratedPoints.logSpaced(7e7, 2e9, 5), new double[] {1e9, 4e9, 1.6e10},
                new double[] {1, 2, 4, 8, 16}, 0.003, 7);
        for (int i = 0; i < repeated.size(); i++) {
            csv.append(String.format(Locale.ROOT, "%s,repeated,web,bpe,val,%.6g,%.6g,%.6f,%.6g\n", repeated.runIds()[i], repeated.params()[i],
                    repeated.tokens()[i], repeated.loss()[i], repeated.x()[i]));
        }
        csv.append("bad-unique,repeated,web,bpe,val,1e8,1e10,3.1,-5\n");
        Path input = dir.resolve("archive.csv");
        Files.writeString(input, csv);
        output = dir.resolve("out");
        LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s'], format: csv}
                laws: [chinchilla, overtraining, data_constrained, kaplan]
                fit: {polish_starts: 6}
                bootstrap: {resamples: 30}
                backtest: {hold_out: most_overtrained, hold_out_sizes: 2}
                predict:
                  - {name: gadre_1.4b, flops: 7.6e21, tokens_per_param: 640}
                  - {name: next_run, params: 1.0e9, tokens: 2.0e10, unique_tokens: 4.0e9}
                output: {path: '%s'}
                """.formatted(input, output), "test"));
    }

    @Test
    void lawSelectionRanksEveryFormOnTheSameSplit() {
        Dataset<Row> selection = Tables.current(output.toString(), "law_selection");
        assertEquals(8, selection.count(), "2 groups x 4 laws");
        Row first = selection.where("model = 'repeated' and rank = 1").first();
        assertEquals("data_constrained", first.getAs("law"), "repeated data: the data-constrained law extrapolates best");
        assertEquals("most_overtrained", first.getAs("held_out_split"));
        assertTrue(first.<Boolean>getAs("beats_baseline"));
        assertEquals(3, first.<Integer>getAs("held_out_points"), "the runs with D/N in the top two factor-of-2 bands (1,448 and up)");
        Row best = selection.where("model = 'overtrained' and rank = 1").first();
        assertTrue(best.<Double>getAs("held_out_error_low") <= best.<Double>getAs("held_out_error")
                && best.<Double>getAs("held_out_error") <= best.<Double>getAs("held_out_error_high"));
        Row chinchilla = selection.where("model = 'repeated' and law = 'chinchilla'").first();
        assertTrue(chinchilla.<Double>getAs("held_out_error") > 2 * first.<Double>getAs("held_out_error"),
                "chinchilla, blind to repetition: " + chinchilla.getAs("held_out_error") + " vs " + first.getAs("held_out_error"));
        Row notRanked = selection.where("model = 'overtrained' and law = 'data_constrained'").first();
        assertNull(notRanked.getAs("rank"));
        assertTrue(notRanked.<String>getAs("message").contains("too_few_points"), "" + notRanked.getAs("message"));
        assertEquals(3, selection.where("model = 'overtrained' and rank is not null").count());
        assertEquals(12, selection.where("model = 'overtrained' and rank = 1").first().<Integer>getAs("held_out_points"), "the M = 320 and 640 runs of each size");
        assertNotNull(selection.where("model = 'overtrained'").first().getAs("form_dependent"), "the verdict needs intervals, which the bootstrap gives");
        Row laws = Tables.current(output.toString(), "laws").where("model = 'overtrained' and law = 'data_constrained'").first();
        assertTrue(laws.<String>getAs("message").contains("unique_tokens"), "" + laws.getAs("message"));
    }

    @Test
    void forecastsAtTheSpecsTargetsWithIntervals() {
        Dataset<Row> forecasts = Tables.current(output.toString(), "forecasts");
        assertEquals(2 * 3 + 2 * 4, forecasts.count(), "targets x ok laws (data_constrained is not fitted on the over-trained group)");
        Row gadre = forecasts.where("model = 'overtrained' and law = 'overtraining' and target = 'gadre_1.4b'").first();
        assertEquals(Math.sqrt(7.6e21 / (6 * 640)), gadre.<Double>getAs("target_params"), 1);
        assertEquals(640, gadre.<Double>getAs("target_tokens_per_param"), 1e-9);
        double truth = 1.8366 + (212.2 * Math.pow(640, 0.1364) + 366.7 * Math.pow(640, -0.1364)) * Math.pow(7.6e21, -0.1364);
        assertEquals(truth, gadre.<Double>getAs("prediction"), 0.01 * truth, "the over-training law extrapolates 20x in compute");
        assertTrue(gadre.<Double>getAs("low") < gadre.<Double>getAs("prediction") && gadre.<Double>getAs("prediction") < gadre.<Double>getAs("high"));
        Row next = forecasts.where("model = 'repeated' and law = 'data_constrained' and target = 'next_run'").first();
        assertEquals(4.0e9, next.<Double>getAs("target_unique_tokens"), 1);
        Row nextFresh = forecasts.where("model = 'repeated' and law = 'chinchilla' and target = 'next_run'").first();
        assertTrue(next.<Double>getAs("prediction") > nextFresh.<Double>getAs("prediction") - 0.05, "5 epochs cost loss the fresh-data law does not see");
    }

    @Test
    void theReportComparesTheFormsOfEachGroup() throws Exception {
        Path report = dir.resolve("report.html");
        assertEquals(2, dev.lawfit.report.ReportWriter.write(TestSpark.session(), output.toString(), report));
        String html = Files.readString(report);
        assertEquals(2, html.split("<h4>Forms compared</h4>", -1).length - 1, "one comparison per group");
        assertEquals(2, html.split("alt=\"forms extrapolated\"", -1).length - 1);
        assertEquals(2, html.split("alt=\"backtest of every form\"", -1).length - 1);
        assertTrue(html.contains("gadre_1.4b") && html.contains("next_run"), "the forecasts at the spec's targets");
        assertTrue(html.contains("form-dependent") || html.contains("agree within their intervals"), "the form-dependence verdict");
    }

    @Test
    void badUniqueTokensAreRejectedWithAReason() {
        List<Row> rejects = Tables.current(output.toString(), "rejects").collectAsList();
        assertEquals(1, rejects.size());
        assertTrue(rejects.get(0).<String>getAs("reject_reason").contains("unique_tokens must be > 0"), "" + rejects.get(0).getAs("reject_reason"));
    }
}
