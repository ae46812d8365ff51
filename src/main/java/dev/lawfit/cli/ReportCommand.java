package dev.lawfit.cli;

import dev.lawfit.job.SparkSessions;
import dev.lawfit.report.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes a self-contained HTML report (charts embedded) of the current published results of an output path.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUTPUT", description = "the output path, e.g. target/quickstart/output")
    String output;

    @Option(names = "--to", description = "where to write the report (default: <OUTPUT>/report.html)")
    Path to;

    @Override
    public Integer call() {
        Path target = to != null ? to : Path.of(output, "report.html");
        int groups = SparkSessions.using("local[*]", Map.of(), spark -> ReportWriter.write(spark, output, target));
        System.out.println("lawfit: wrote " + target + " (" + groups + " group sections)");
        return 0;
    }
}
