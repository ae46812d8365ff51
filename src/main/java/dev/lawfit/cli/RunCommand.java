package dev.lawfit.cli;

import dev.lawfit.job.LawfitJob;
import dev.lawfit.job.RunOptions;
import dev.lawfit.job.RunSummary;
import dev.lawfit.job.SparkSessions;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.job.ingest.SpecCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs a job spec: read, validate, fit every law per group, publish the tables as a new version.",
                "Over an existing output the run is incremental: groups whose validated rows and fit settings are unchanged keep their results."})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML), e.g. jobs/quickstart.yaml")
    Path spec;

    @Option(names = "--master", description = "Spark master for embedded runs (default: the spec's spark.master, else local[*]); ignored under spark-submit")
    String master;

    @Option(names = "--output", description = "output path, overriding the spec's output.path")
    String output;

    @Option(names = "--full", description = "refit every group, even those whose rows and settings did not change since the current version")
    boolean full;

    @Option(names = "--keep-stale", description = "keep the results of groups no longer in the input (status 'stale' in the groups table) instead of dropping them")
    boolean keepStale;

    @Option(names = "--skip-bad-files", description = "leave out input files that are not readable Parquet (listed in the summary and the run record) instead of stopping")
    boolean skipBadFiles;

    @Option(names = "--allow-empty", description = "publish a version even when the input has no row (by default such a run stops with exit 2 and the current version stays)")
    boolean allowEmpty;

    @Option(names = "--fail-on", split = ",", paramLabel = "KIND",
            description = "exit 3 (after publishing) when the run's changes include one of these kinds, e.g. moved_forecast,status_changed "
                    + "(for a scheduler to alert on). " + DiffCommand.KINDS)
    java.util.List<String> failOn = java.util.List.of();

    @Override
    public Integer call() {
        DiffCommand.kinds(failOn, "--fail-on"); // a typo is exit 2 before anything runs
        JobSpec read = JobSpecReader.read(spec);
        JobSpec job = output != null ? read.withOutputPath(output) : read;
        // the spec against its input's footers and headers before Spark starts: a wrong path or column is exit 2 in a
        // second, not after start-up (the warnings that scan every row are lawfit check's)
        SpecCheck.Result checked = SpecCheck.check(job, false);
        for (String w : checked.warnings()) System.err.println("lawfit: warning: " + w);
        RunSummary summary = SparkSessions.using(master != null ? master : job.spark().master(), job.spark().conf(),
                spark -> LawfitJob.run(spark, job, new RunOptions(full, keepStale, skipBadFiles, allowEmpty)));
        System.out.println(summary.toText());
        return DiffCommand.exitFor(summary.changes(), failOn);
    }
}
