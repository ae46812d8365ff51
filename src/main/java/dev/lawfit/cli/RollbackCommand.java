package dev.lawfit.cli;

import dev.lawfit.LawfitException;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Moves an output's CURRENT pointer back to an earlier complete version - a bad night undone in one command.
 * Needs no Spark: the pointer is one file, replaced by an atomic rename as a run's publish does.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Makes an earlier version of an output current again (default: the one before the current).",
                "Versions kept: output.keep_versions. The rollback is recorded in the run history."})
final class RollbackCommand implements Callable<Integer> {

    @Option(names = "--output", required = true, description = "the output path (a job's output.path)")
    String output;

    @Option(names = "--to", paramLabel = "VERSION", description = "the version to make current (see --list)")
    String to;

    @Option(names = "--list", description = "list the versions kept, marking the current one, and change nothing")
    boolean list;

    @Override
    public Integer call() {
        Configuration conf = new Configuration();
        List<String> versions = OutputPublisher.publishedVersions(conf, output);
        Path currentPath = OutputPublisher.currentVersion(conf, output);
        String current = currentPath == null ? null : currentPath.getName();
        if (list) {
            for (String v : versions) System.out.println((v.equals(current) ? "* " : "  ") + v);
            return 0;
        }
        if (current == null) throw new LawfitException("no published results under " + output + " (no CURRENT file): nothing to roll back");
        String target = to;
        if (target == null) {
            int at = versions.indexOf(current);
            if (at <= 0) {
                throw new LawfitException("version " + current + " is the oldest kept under " + output + ": there is no earlier version to roll back to");
            }
            target = versions.get(at - 1);
        }
        if (target.equals(current)) {
            System.out.println("lawfit: " + target + " is already the current version of " + output);
            return 0;
        }
        String runId = "rollback-" + java.time.Instant.now().toEpochMilli();
        try (dev.lawfit.job.publish.OutputLock lock = dev.lawfit.job.publish.OutputLock.acquire(conf, output, runId)) {
            Map<String, Object> record = RunHistory.start(runId, "rollback");
            record.put("previous_version", current);
            OutputPublisher.makeCurrent(conf, output, target);
            record.put("version", target);
            RunHistory.end(record, RunHistory.SUCCEEDED, null);
            new RunHistory(conf, output).write(record);
        }
        System.out.println("lawfit: rolled " + output + " back from " + current + " to " + target);
        return 0;
    }
}
