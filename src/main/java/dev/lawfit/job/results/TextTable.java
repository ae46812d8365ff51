package dev.lawfit.job.results;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code lawfit sql} prints an answer, whichever engine found it: cells as text (null as {@code null}), rendered as an
 * aligned table (nulls as NULL, a row count, a note when rows were cut at --max-rows) or as CSV (RFC 4180 quoting).
 */
public final class TextTable {

    private TextTable() {
    }

    public static String render(String format, String[] columns, List<String[]> rows, boolean more) {
        StringBuilder out = new StringBuilder();
        if (format.equals("csv")) {
            out.append(String.join(",", java.util.Arrays.stream(columns).map(TextTable::csv).toList())).append('\n');
            for (String[] r : rows) {
                List<String> cells = new ArrayList<>();
                for (String c : r) cells.add(c == null ? "" : csv(c));
                out.append(String.join(",", cells)).append('\n');
            }
            return out.toString();
        }
        int[] width = new int[columns.length];
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) width[i] = columns[i].length();
        for (String[] r : rows) {
            String[] line = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                line[i] = r[i] == null ? "NULL" : r[i];
                width[i] = Math.max(width[i], line[i].length());
            }
            cells.add(line);
        }
        appendLine(out, columns, width);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < columns.length; i++) rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        out.append(rule).append('\n');
        for (String[] line : cells) appendLine(out, line, width);
        out.append("(").append(rows.size()).append(rows.size() == 1 ? " row" : " rows").append(more ? ", more not shown: --max-rows" : "").append(")\n");
        return out.toString();
    }

    private static void appendLine(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) out.append(" | ");
            out.append(cells[i]).append(" ".repeat(width[i] - cells[i].length()));
        }
        out.append('\n');
    }

    static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") || cell.contains("\n") ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
