package dev.lawfit.cli;

import dev.lawfit.job.LawfitJob;
import dev.lawfit.job.RunSummary;
import dev.lawfit.job.SparkSessions;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a job spec: read, validate, fit every law per group, publish the tables.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML), e.g. jobs/quickstart.yaml")
    Path spec;

    @Option(names = "--master", description = "Spark master for embedded runs (default: the spec's spark.master, else local[*]); ignored under spark-submit")
    String master;

    @Option(names = "--output", description = "output path, overriding the spec's output.path")
    String output;

    @Override
    public Integer call() {
        JobSpec read = JobSpecReader.read(spec);
        JobSpec job = output != null ? read.withOutputPath(output) : read;
        RunSummary summary = SparkSessions.using(master != null ? master : job.spark().master(), job.spark().conf(),
                spark -> LawfitJob.run(spark, job));
        System.out.println(summary.toText());
        return 0;
    }
}
