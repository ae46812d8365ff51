package dev.lawfit.cli;

import dev.lawfit.LawfitException;
import dev.lawfit.changes.Changes;
import dev.lawfit.changes.VersionTables;
import dev.lawfit.job.SparkSessions;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.results.TextTable;
import dev.lawfit.job.results.VersionReader;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What changed between two kept versions of an output (default: the current one and the one before it), by the same
 * comparison a run writes as its {@code changes} table. Reads a local output with DuckDB, one on HDFS or S3 through Spark.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Lists what changed between two kept versions of an output: groups added or removed, rows added, status changes "
                + "and new warnings, parameters and forecasts that moved outside the earlier version's interval, law-selection winners.",
                "Default: the current version against the one before it. Exit 3 with --fail-on when a change of those kinds is found.",
                "Example: lawfit diff --output target/quickstart/output --fail-on moved_forecast"})
final class DiffCommand implements Callable<Integer> {

    static final String KINDS = "Kinds: group_added, group_removed, rows_added, rows_removed, law_added, law_removed, status_changed, "
            + "new_warning, moved_parameter, moved_forecast, selection_changed";
    /** The exit code of a run or diff whose changes include a kind named by --fail-on. */
    static final int EXIT_CHANGES = 3;

    @Option(names = {"-o", "--output"}, required = true, description = "the output path (a job's output.path)")
    String output;

    @Option(names = "--from", paramLabel = "VERSION", description = "the earlier version (default: the kept version before --to)")
    String from;

    @Option(names = "--to", paramLabel = "VERSION", description = "the later version (default: the current one)")
    String to;

    @Option(names = "--kind", split = ",", paramLabel = "KIND", description = "list only changes of these kinds. " + KINDS)
    List<String> only = List.of();

    @Option(names = "--fail-on", split = ",", paramLabel = "KIND", description = "exit 3 when a change of one of these kinds is found")
    List<String> failOn = List.of();

    @Option(names = "--format", defaultValue = "table", description = "table (default), csv or json")
    String format;

    @Override
    public Integer call() {
        Set<Changes.Kind> shown = kinds(only, "--kind");
        kinds(failOn, "--fail-on");
        if (!List.of("table", "csv", "json").contains(format)) throw new LawfitException("diff --format must be table, csv or json, got '" + format + "'");
        Configuration conf = new Configuration();
        List<String> kept = OutputPublisher.publishedVersions(conf, output);
        org.apache.hadoop.fs.Path current = OutputPublisher.currentVersion(conf, output);
        if (current == null) throw new LawfitException("no published results under " + output + " (no CURRENT file): run a job with output.path: " + output);
        String later = to != null ? checked(to, kept) : current.getName();
        String earlier;
        if (from != null) {
            earlier = checked(from, kept);
        } else {
            int at = kept.indexOf(later);
            if (at <= 0) throw new LawfitException("version " + later + " is the oldest kept under " + output + ": nothing to compare it with (kept: " + kept + ")");
            earlier = kept.get(at - 1);
        }
        List<Changes.Change> changes = changes(output, earlier, later);
        List<Changes.Change> listed = shown.isEmpty() ? changes : changes.stream().filter(c -> shown.contains(c.kind())).toList();
        System.err.println("lawfit diff: " + earlier + " -> " + later + ": " + Changes.summary(changes));
        System.out.print(render(listed, format));
        return exitFor(Changes.counts(changes), failOn);
    }

    private static List<Changes.Change> changes(String output, String earlier, String later) {
        java.io.File local = OutputPublisher.localVersion(output, later);
        if (local != null) {
            return Changes.between(VersionReader.duckDb(OutputPublisher.localVersion(output, earlier)), VersionReader.duckDb(local));
        }
        return SparkSessions.usingToRead(spark -> {
            org.apache.hadoop.fs.Path versions = new org.apache.hadoop.fs.Path(output, OutputPublisher.VERSIONS);
            VersionTables a = VersionReader.spark(spark, new org.apache.hadoop.fs.Path(versions, earlier));
            VersionTables b = VersionReader.spark(spark, new org.apache.hadoop.fs.Path(versions, later));
            return Changes.between(a, b);
        });
    }

    private static String checked(String version, List<String> kept) {
        if (!kept.contains(OutputPublisher.checkedVersion(version, "diff"))) {
            throw new LawfitException("version " + version + " is not a kept version; kept: " + kept);
        }
        return version;
    }

    static String render(List<Changes.Change> changes, String format) {
        String[] columns = {"kind", "group", "law", "name", "message"};
        if (format.equals("json")) {
            StringBuilder out = new StringBuilder();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (Changes.Change c : changes) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("kind", c.kind().label());
                row.put("table", c.table());
                row.put("group", c.group());
                row.put("family", c.family());
                row.put("law", c.law());
                row.put("name", c.name());
                row.put("before", c.before());
                row.put("after", c.after());
                row.put("before_low", c.beforeLow());
                row.put("before_high", c.beforeHigh());
                row.put("message", c.message());
                try {
                    out.append(json.writeValueAsString(row)).append('\n');
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out.toString();
        }
        List<String[]> cells = new ArrayList<>();
        for (Changes.Change c : changes) cells.add(new String[] {c.kind().label(), c.groupLabel(), c.law(), c.name(), c.message()});
        return TextTable.render(format, columns, cells, false);
    }

    /** The kinds a list names; an unknown one is exit 2 naming the option. */
    static Set<Changes.Kind> kinds(List<String> labels, String option) {
        Set<Changes.Kind> out = java.util.EnumSet.noneOf(Changes.Kind.class);
        for (String l : labels) {
            try {
                out.add(Changes.Kind.byLabel(l));
            } catch (IllegalArgumentException e) {
                throw new LawfitException(option + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** 3 when the counted changes include a kind of {@code failOn}, else 0. */
    static int exitFor(Map<String, Long> counts, List<String> failOn) {
        for (Changes.Kind k : kinds(failOn, "--fail-on")) {
            if (counts.getOrDefault(k.label(), 0L) > 0) {
                System.err.println("lawfit: " + counts.get(k.label()) + " change(s) of kind " + k.label() + " (--fail-on): exit " + EXIT_CHANGES);
                return EXIT_CHANGES;
            }
        }
        return 0;
    }
}
