package dev.lawfit.job;

import dev.lawfit.job.plan.IncrementalPlan;
import dev.lawfit.job.publish.OutputPublisher;

import java.util.List;
import java.util.Map;

/** What a run did, printed at its end (the run history and the version keep the full record). */
public record RunSummary(String version, String outputPath, String versionPath, long rowsRead, long rowsFiltered,
                         long rowsAccepted, long rowsRejected, long groups, IncrementalPlan.Counts groupChanges,
                         Map<String, Long> fitsByStatus, List<String> badFiles, List<String> tables, long millis,
                         String previousVersion, Map<String, Long> changes, String changeSummary, Map<String, Long> phaseMillis) {

    public RunSummary(String version, String outputPath, String versionPath, long rowsRead, long rowsFiltered, long rowsAccepted,
                      long rowsRejected, long groups, IncrementalPlan.Counts groupChanges, Map<String, Long> fitsByStatus,
                      List<String> badFiles, List<String> tables, long millis, String previousVersion, Map<String, Long> changes,
                      String changeSummary) {
        this(version, outputPath, versionPath, rowsRead, rowsFiltered, rowsAccepted, rowsRejected, groups, groupChanges, fitsByStatus,
                badFiles, tables, millis, previousVersion, changes, changeSummary, Map.of());
    }

    /** The same summary with the run's time by phase, in the order the phases ran. */
    public RunSummary withPhases(Map<String, Long> phases) {
        return new RunSummary(version, outputPath, versionPath, rowsRead, rowsFiltered, rowsAccepted, rowsRejected, groups, groupChanges,
                fitsByStatus, badFiles, tables, millis, previousVersion, changes, changeSummary,
                java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phases)));
    }

    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("lawfit: published version ").append(version).append(" in ").append(String.format("%.1f s", millis / 1000.0)).append('\n');
        s.append(String.format("  rows: %d read, %d accepted, %d rejected, %d filtered out by input.filter%n",
                rowsRead, rowsAccepted, rowsRejected, rowsFiltered));
        s.append(String.format("  groups: %d (%d added, %d refitted, %d reused unchanged, %d removed, %d kept stale); law fits: %s%n",
                groups, groupChanges.added(), groupChanges.refitted(), groupChanges.reused(), groupChanges.removed(),
                groupChanges.stale(), fitsByStatus));
        if (!badFiles.isEmpty()) {
            s.append("  left out ").append(badFiles.size()).append(" unreadable input file(s) (--skip-bad-files): ")
                    .append(String.join(", ", badFiles)).append('\n');
        }
        s.append("  changes since ").append(previousVersion == null ? "nothing (the first version of this output)" : previousVersion + ": "
                + changeSummary + (changes.isEmpty() ? "" : "; lawfit diff --output " + outputPath + " lists them")).append('\n');
        if (!phaseMillis.isEmpty()) {
            List<String> parts = new java.util.ArrayList<>();
            phaseMillis.forEach((phase, ms) -> parts.add(String.format(java.util.Locale.ROOT, "%s %.1f s", phase, ms / 1000.0)));
            s.append("  time: ").append(String.join(", ", parts)).append('\n');
        }
        s.append("  tables: ").append(versionPath).append("/{").append(String.join(",", tables)).append("}\n");
        s.append("  current version recorded in ").append(outputPath).append("/").append(OutputPublisher.CURRENT)
                .append("; run history: lawfit sql --output ").append(outputPath).append(" \"select * from runs\"");
        return s.toString();
    }
}
