package dev.lawfit.job;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a run did, printed at its end and stored as the version's run record. */
public record RunSummary(String version, String outputPath, String versionPath, long rowsRead, long rowsFiltered,
                         long rowsAccepted, long rowsRejected, long groups, Map<String, Long> fitsByStatus,
                         java.util.List<String> tables, long millis) {

    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append("lawfit: published version ").append(version).append(" in ").append(String.format("%.1f s", millis / 1000.0)).append('\n');
        s.append(String.format("  rows: %d read, %d accepted, %d rejected, %d filtered out by input.filter%n",
                rowsRead, rowsAccepted, rowsRejected, rowsFiltered));
        s.append(String.format("  groups: %d; law fits: %s%n", groups, fitsByStatus));
        s.append("  tables: ").append(versionPath).append("/{").append(String.join(",", tables)).append("}\n");
        s.append("  current version recorded in ").append(outputPath).append("/").append(OutputPublisher.CURRENT);
        return s.toString();
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("rows_read", rowsRead);
        m.put("rows_filtered", rowsFiltered);
        m.put("rows_accepted", rowsAccepted);
        m.put("rows_rejected", rowsRejected);
        m.put("groups", groups);
        m.put("fits_by_status", fitsByStatus);
        m.put("tables", tables);
        m.put("millis", millis);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
