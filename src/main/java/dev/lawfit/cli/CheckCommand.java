package dev.lawfit.cli;

import dev.lawfit.job.ingest.SpecCheck;
import dev.lawfit.spec.JobSpec;
import dev.lawfit.spec.JobSpecReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a job spec against its input in seconds, without Spark: the spec, every input path, every mapped, "
                + "derived and contract column against the files' schemas, every expression; then warns about specs that cannot "
                + "give a law (one-size groups, a constant key, total_tokens changing within a run, duplicated checkpoints). "
                + "Exit 2 on an error, 0 otherwise (warnings printed).",
                "Example: lawfit check jobs/quickstart.yaml"})
final class CheckCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SPEC", description = "the job spec (YAML)")
    Path spec;

    @Override
    public Integer call() {
        JobSpec job = JobSpecReader.read(spec);
        System.out.print(SpecCheck.check(job).toText(spec.toString()));
        return 0;
    }
}
