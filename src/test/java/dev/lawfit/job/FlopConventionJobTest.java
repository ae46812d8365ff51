package dev.lawfit.job;

import dev.lawfit.job.ingest.ArchiveWriter;

import dev.lawfit.generate.SyntheticArchive;
import dev.lawfit.law.FlopConvention;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The job spec's FLOP conventions: per-architecture compute from the shape columns, recorded on every row. */
class FlopConventionJobTest {

    @TempDir
    Path dir;

    @Test
    void architectureConventionCountsEachFamilyAndSaysSo() {
        String archive = dir.resolve("archive").toString();
        ArchiveWriter.write(TestSpark.session(), SyntheticArchive.linearComplexityStudy(42, 0), archive, 1);
        String output = dir.resolve("out").toString();
        RunSummary summary = LawfitJob.run(TestSpark.session(), JobSpecReader.parse("""
                input: {paths: ['%s']}
                flops:
                  convention: architecture
                  architectures: {llama: softmax_attention, tnl: tnl, hgrn2: hgrn2}
                laws: [pure_compute]
                bootstrap: {resamples: 0}
                backtest: {hold_out_sizes: 0}
                output: {path: '%s'}
                """.formatted(archive, output), "test"));
        assertEquals(1376, summary.rowsAccepted());

        List<Row> laws = Tables.current(output, "laws").orderBy("model").collectAsList();
        assertEquals(List.of("6nd", "hgrn2", "softmax_attention", "tnl"),
                laws.stream().map(r -> (String) r.getAs("flops_convention")).toList(),
                "cosformer2 is not mapped, so it falls back to 6ND; every law row names its convention");

        Row llama70m = Tables.current(output, "predictions").where("model = 'llama' and run_id = 'llama-70m'").orderBy("tokens").first();
        double expected = llama70m.<Double>getAs("tokens") * FlopConvention.SOFTMAX_ATTENTION.perToken(0, 6, 512, 8, 8192);
        assertEquals(expected, llama70m.<Double>getAs("flops"), expected * 1e-12);
        Row cosformer = Tables.current(output, "predictions").where("model = 'cosformer2'").first();
        assertEquals(6 * cosformer.<Double>getAs("params") * cosformer.<Double>getAs("tokens"), cosformer.<Double>getAs("flops"), 1);
    }

    @Test
    void unknownConventionIsNamed() {
        String message = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> JobSpecReader.parse(
                "input: {paths: [x]}\noutput: {path: y}\nflops: {convention: architecture, architectures: {llama: mamba}}\n", "spec.yaml")).getMessage();
        assertEquals(true, message.contains("unknown FLOP convention 'mamba'"), message);
    }
}
