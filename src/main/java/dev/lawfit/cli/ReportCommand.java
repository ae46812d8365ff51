package dev.lawfit.cli;

import dev.lawfit.job.SparkSessions;
import dev.lawfit.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes a self-contained HTML report (charts embedded) of the current published results of an output path.")
final class ReportCommand implements Callable<Integer> {

    @Option(names = {"-o", "--output"}, required = true, description = "the output path (a job's output.path), e.g. target/quickstart/output")
    String output;

    @Option(names = "--html", paramLabel = "FILE", description = "where to write the report (default: <output>/report.html)")
    Path html;

    @Option(names = "--engine", defaultValue = "duckdb", description = "duckdb (default: reads a local output without Spark) or spark")
    String engine;

    @Option(names = "--figures", defaultValue = "pdf", description = "pdf (default) or svg: also write every chart as a vector file "
            + "in <report>-figures/ beside the page, linked under its picture (for papers; svg is slower); none: the page alone")
    String figures;

    @Override
    public Integer call() {
        Path target = html != null ? html : Path.of(output, "report.html");
        long started = System.nanoTime();
        // an output on this machine is read without Spark (DuckDB); one on HDFS or S3 through a Spark session
        if (!engine.equals("duckdb") && !engine.equals("spark")) throw new dev.lawfit.LawfitException("report --engine must be duckdb or spark, got '" + engine + "'");
        ReportWriter.withVectorFigures(figures, () -> null); // refuses an unknown format before anything is read
        Integer local = engine.equals("duckdb") ? ReportWriter.withVectorFigures(figures, () -> ReportWriter.writeLocal(output, target)) : null;
        int groups = local != null ? local : SparkSessions.usingToRead(spark -> ReportWriter.withVectorFigures(figures,
                () -> engine.equals("spark") ? ReportWriter.writeWithSpark(spark, output, target) : ReportWriter.write(spark, output, target)));
        System.err.println("lawfit report: written in " + (System.nanoTime() - started) / 1_000_000 + " ms" + (local != null ? " (no Spark)" : " (Spark)"));
        System.out.println("lawfit: wrote " + target + " (" + groups + " group sections)");
        return 0;
    }
}
