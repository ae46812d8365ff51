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

    @Override
    public Integer call() {
        Path target = html != null ? html : Path.of(output, "report.html");
        int groups = SparkSessions.using("local[*]", Map.of(), spark -> ReportWriter.write(spark, output, target));
        System.out.println("lawfit: wrote " + target + " (" + groups + " group sections)");
        return 0;
    }
}
