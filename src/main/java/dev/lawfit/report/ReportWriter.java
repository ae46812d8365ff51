package dev.lawfit.report;

import dev.lawfit.LawfitException;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Budgets;
import dev.lawfit.law.ComputeOptimal;
import dev.lawfit.law.Family;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.report.Page.*;

/**
 * The HTML report of a published output, one self-contained file (charts embedded as PNG), with a section for
 * every law family present, drawn from the catalog: the report asks each fitted law for its predictions (no
 * formula is re-implemented here) along its covariate, solid over the data and dashed where it extrapolates,
 * with a pointwise bootstrap band ({@link LawBand}) and the backtest's forecasts of its held-out points. An
 * overview lists every fit with its status, R^2 and backtest error next to its baseline's; the compute family
 * adds the loss at each compute budget and the comparison table.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /** Writes the report of the current version under {@code outputPath} to {@code target}; returns the number of sections. */
    /** The report of an output's current version: read by DuckDB when it is on this machine (no Spark needed), else by {@code spark}. */
    public static int write(SparkSession spark, String outputPath, java.nio.file.Path target) {
        ReportSource local = ReportSource.local(outputPath);
        try (ReportSource source = local != null ? local : ReportSource.spark(spark, outputPath)) {
            return write(source, outputPath, target);
        }
    }

    /** The report with its tables read through Spark even on this machine ({@code lawfit report --engine spark}). */
    public static int writeWithSpark(SparkSession spark, String outputPath, java.nio.file.Path target) {
        try (ReportSource source = ReportSource.spark(spark, outputPath)) {
            return write(source, outputPath, target);
        }
    }

    /** The report without Spark, for an output on this machine; null when the output is elsewhere (HDFS, S3: Spark reads it). */
    public static Integer writeLocal(String outputPath, java.nio.file.Path target) {
        ReportSource local = ReportSource.local(outputPath);
        if (local == null) return null;
        try (ReportSource source = local) {
            return write(source, outputPath, target);
        }
    }

    private static boolean inFamily(Row r, Family family, boolean familyColumn) {
        if (familyColumn) return family.is(r.getAs("family"));
        return family == Family.COMPUTE && LawCatalog.names(Family.COMPUTE).contains((String) r.getAs("law"));
    }

    /** The vector format of the figures the reports written on this thread save beside their page (null: none). */
    private static final ThreadLocal<ReportCharts.Figures.Format> VECTOR_FIGURES = ThreadLocal.withInitial(() -> ReportCharts.Figures.Format.PDF);

    /**
     * Runs {@code work} with the reports it writes on this thread saving every chart as a vector file beside the page in
     * {@code format} ({@code pdf}, the default, or {@code svg}), or none ({@code none}); the thread's setting is restored afterwards.
     */
    public static <T> T withVectorFigures(String format, java.util.function.Supplier<T> work) {
        ReportCharts.Figures.Format before = VECTOR_FIGURES.get();
        VECTOR_FIGURES.set(switch (format) {
            case "pdf" -> ReportCharts.Figures.Format.PDF;
            case "svg" -> ReportCharts.Figures.Format.SVG;
            case "none" -> null;
            default -> throw new LawfitException("report --figures must be pdf, svg or none, got '" + format + "'");
        });
        try {
            return work.get();
        } finally {
            VECTOR_FIGURES.set(before);
        }
    }

    static int write(ReportSource source, String outputPath, java.nio.file.Path target) {
        ReportCharts.Figures.Format format = VECTOR_FIGURES.get();
        if (format == null) return writePage(source, outputPath, target);
        java.nio.file.Path page = target.toAbsolutePath();
        String base = page.getFileName().toString().replaceFirst("\\.html?$", "");
        ReportCharts.Figures.open(page.resolveSibling(base + "-figures"), format);
        try {
            return writePage(source, outputPath, target);
        } finally {
            ReportCharts.Figures.close();
        }
    }

    private static int writePage(ReportSource source, String outputPath, java.nio.file.Path target) {
        ReportCharts.Pending.open();
        try {
            return writeCharts(source, outputPath, target);
        } finally {
            ReportCharts.Pending.close();
        }
    }

    private static int writeCharts(ReportSource source, String outputPath, java.nio.file.Path target) {
        resamples = source.has("resamples") ? new LawBand.Resamples(source.rows("resamples"), source.columns("resamples")) : LawBand.Resamples.none();
        List<Fits> families = new ArrayList<>();
        if (source.has("laws")) {
            List<Row> laws = source.rows("laws");
            List<Row> predictions = source.has("predictions") ? source.rows("predictions") : List.of();
            List<Row> backtest = source.has("backtest") ? source.rows("backtest") : List.of();
            List<String> columns = Arrays.asList(source.columns("laws"));
            boolean familyColumn = columns.contains("family");
            boolean predictionFamily = source.has("predictions") && Arrays.asList(source.columns("predictions")).contains("family");
            boolean backtestFamily = source.has("backtest") && Arrays.asList(source.columns("backtest")).contains("family");
            int firstLawColumn = familyColumn ? Math.min(columns.indexOf("family"), columns.indexOf("law")) : columns.indexOf("law");
            // the group keys (run_id, a per-run key of the curve rows, is added for that family only)
            List<String> keys = new ArrayList<>(columns.subList(0, firstLawColumn));
            keys.remove("run_id");
            for (Family family : List.of(Family.COMPUTE, Family.CURVE, Family.SCHEDULE)) {
                List<String> familyKeys = new ArrayList<>(keys);
                if (family.perRun()) familyKeys.add("run_id");
                List<Row> fits = laws.stream().filter(r -> inFamily(r, family, familyColumn)).toList();
                if (fits.isEmpty()) continue;
                boolean compute = family == Family.COMPUTE;
                families.add(new Fits(family, fits, predictions.stream().filter(r -> inFamily(r, family, predictionFamily)).toList(),
                        backtest.stream().filter(r -> inFamily(r, family, backtestFamily)).toList(), familyKeys,
                        compute && source.has("law_selection") ? source.rows("law_selection") : List.of(),
                        compute && source.has("forecasts") ? source.rows("forecasts") : List.of()));
            }
        }
        // the families with tables of their own, named after them
        for (Family family : List.of(Family.LOSS_TO_LOSS, Family.DOWNSTREAM)) {
            String table = family.label();
            if (!source.has(table) || !source.has(table + "_predictions")) continue;
            List<String> columns = Arrays.asList(source.columns(table + "_predictions"));
            List<String> keys = columns.subList(0, columns.indexOf("family"));
            families.add(new Fits(family, source.rows(table).stream().filter(r -> r.getAs("law") != null).toList(),
                    source.rows(table + "_predictions"), source.has(table + "_backtest") ? source.rows(table + "_backtest") : List.of(), keys));
        }
        boolean schedules = source.has("schedule_quality") && source.has("schedule_predictions");
        if (families.isEmpty() && !schedules) return writeTablesOnly(source, outputPath, target);

        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lawfit report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.k,th.k{text-align:left}img{max-width:100%;margin:0.5em 0}.bad{color:#b00}")
                .append("details.group>summary{cursor:pointer}details.group>summary h3{display:inline}nav#contents ul{margin:0.2em 0}</style>")
                // a link to a closed section opens it
                .append("<script>function lawfitOpen(){const t=location.hash&&document.getElementById(location.hash.slice(1));")
                .append("if(t&&t.tagName==='DETAILS')t.open=true}addEventListener('hashchange',lawfitOpen);addEventListener('load',lawfitOpen)</script>")
                .append("</head><body>")
                .append("<h1>lawfit report</h1><p>Output <code>").append(esc(outputPath)).append("</code>, version <code>")
                .append(esc(source.version())).append("</code>; families: ")
                .append(esc(String.join(", ", families.stream().map(Fits::name).toList()) + (schedules && families.stream().noneMatch(f -> f.family() == Family.SCHEDULE)
                        ? (families.isEmpty() ? "" : ", ") + Family.SCHEDULE.label() : "")))
                .append(".</p>")
                .append("<p>Every chart is drawn by the fitted law itself: observed points, the fit (solid) over the data, its ")
                .append("extrapolation (dashed), a pointwise band (dotted) over the law's published bootstrap resamples (the ")
                .append("<code>resamples</code> table: nothing is refitted here) and the backtest's forecasts of held-out points (crosses).</p>");
        html.append("<section id=\"overview\"><h2>Overview</h2>");
        overview(html, families);
        for (Fits f : families) {
            if (f.family() != Family.COMPUTE) continue;
            Map<String, Map<Double, Double>> lossAtBudget = new TreeMap<>(), lowAtBudget = new TreeMap<>(), highAtBudget = new TreeMap<>();
            String budgetLaw = null;
            for (Row r : f.fits()) {
                if (!dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status")) || !(LawCatalog.byName(r.getAs("law")) instanceof ComputeOptimal)) continue;
                if (budgetLaw == null) budgetLaw = r.getAs("law");
                if (!budgetLaw.equals(r.getAs("law"))) continue;
                Map<Double, Double> budgets = new TreeMap<>();
                Map<String, Double> derived = r.getJavaMap(r.fieldIndex("derived"));
                derived.forEach((name, value) -> {
                    Budgets.Key at = Budgets.Key.parse(name);
                    if (at != null && at.name().equals("loss")) budgets.put(Double.parseDouble(at.budget()), value);
                });
                lossAtBudget.put(groupName(r, f.keys()), budgets);
                for (String bound : List.of("ci_low", "ci_high")) {
                    if (r.isNullAt(r.fieldIndex(bound))) continue;
                    Map<Double, Double> at = new TreeMap<>();
                    Map<String, Double> values = r.getJavaMap(r.fieldIndex(bound));
                    values.forEach((name, value) -> {
                        Budgets.Key k = Budgets.Key.parse(name);
                        if (k != null && k.name().equals("loss")) at.put(Double.parseDouble(k.budget()), value);
                    });
                    (bound.equals("ci_low") ? lowAtBudget : highAtBudget).put(groupName(r, f.keys()), at);
                }
            }
            // one panel per PANEL groups: a hundred groups' lines in one panel (and a legend cut at the chart's foot) read as none
            List<String> groups = new ArrayList<>(lossAtBudget.keySet());
            for (int from = 0; from < groups.size(); from += PANEL) {
                List<String> panel = groups.subList(from, Math.min(groups.size(), from + PANEL));
                Map<String, Map<Double, Double>> loss = new TreeMap<>(), low = new TreeMap<>(), high = new TreeMap<>();
                for (String g : panel) {
                    loss.put(g, lossAtBudget.get(g));
                    if (lowAtBudget.containsKey(g)) low.put(g, lowAtBudget.get(g));
                    if (highAtBudget.containsKey(g)) high.put(g, highAtBudget.get(g));
                }
                String which = groups.size() <= PANEL ? "by group" : "groups " + (from + 1) + "-" + (from + panel.size()) + " of " + groups.size();
                html.append(img(ReportCharts.perBudget(budgetLaw + " loss at each compute budget, " + which + " (dotted: bootstrap interval)",
                        "loss at the compute-optimal allocation", loss, low, high), "loss at budgets"));
            }
            if (source.has("comparison")) {
                html.append("<h3>Comparison</h3>").append(ComputeSection.comparisonTable(source.rows("comparison"), f.keys()));
            }
        }
        html.append("</section>");

        // each family's section, from the registry of report sections
        int sections = 0;
        for (Fits f : families) {
            if (f.family() == Family.SCHEDULE || !FamilySections.has(f.family())) continue; // the schedule's, from its own tables below
            sections += FamilySections.write(html, f.family(), f, source);
        }
        if (schedules) {
            Fits fits = families.stream().filter(f -> f.family() == Family.SCHEDULE).findFirst().orElse(null);
            sections += FamilySections.write(html, Family.SCHEDULE, fits, source);
        }
        otherTables(html, source, families, schedules);
        html.append("</body></html>");
        try {
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.writeString(target, ReportCharts.Pending.resolve(withContents(html.toString())));
        } catch (IOException e) {
            throw new LawfitException("cannot write the report to " + target + ": " + e.getMessage(), e);
        }
        return sections;
    }

    private static void overview(StringBuilder html, List<Fits> families) {
        Map<String, Integer> counts = new TreeMap<>();
        int flagged = 0, fits = 0;
        for (Fits f : families) {
            for (Row r : f.fits()) {
                fits++;
                List<String> flags = flags(r);
                if (!flags.isEmpty()) flagged++;
                for (String flag : flags) counts.merge(flag, 1, Integer::sum);
            }
        }
        if (flagged > 0) {
            List<String> parts = new ArrayList<>();
            counts.forEach((flag, n) -> parts.add(flag + " " + n));
            html.append("<p class=\"bad\">").append(flagged).append(" of ").append(fits).append(" fits carry warnings (")
                    .append(esc(String.join(", ", parts))).append("): their status is <code>ok_with_warnings</code> or <code>failed</code>, ")
                    .append("and the message says why. Query <code>flags</code> in the tables for all of them.</p>");
        } else {
            html.append("<p>No fit carries a warning flag.</p>");
        }
        html.append("<table><tr><th class=\"k\">family</th><th class=\"k\">fit</th><th class=\"k\">law</th><th class=\"k\">status</th>")
                .append("<th>n</th><th>R&sup2;</th><th>backtest ARE</th><th>baseline ARE</th><th class=\"k\">flags</th><th class=\"k\">message</th></tr>");
        int shown = 0, total = 0;
        for (Fits f : families) {
            for (Row r : f.fits()) {
                total++;
                if (shown++ >= 400) continue;
                String status = r.getAs("status");
                html.append("<tr><td class=\"k\">").append(esc(f.name())).append("</td><td class=\"k\">").append(esc(groupName(r, f.keys())))
                        .append("</td><td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td class=\"k").append("ok".equals(status) ? "" : " bad")
                        .append("\">").append(esc(status)).append("</td><td>").append(esc(r.getAs("n_points"))).append("</td><td>").append(num(r.getAs("r2")))
                        .append("</td><td>").append(percent(r.getAs("backtest_are"))).append("</td><td>").append(percent(r.getAs("baseline_are")))
                        .append("</td><td class=\"k\">").append(esc(String.join(", ", flags(r))))
                        .append("</td><td class=\"k\">").append(esc(r.getAs("message"))).append("</td></tr>");
            }
        }
        html.append("</table>");
        if (total > 400) html.append("<p>The first 400 of ").append(total).append(" fits; query the tables for the rest.</p>");
    }

    /**
     * An output without group laws (a loss-to-loss-only job, for one): the tables it has, each with its row count and
     * first rows, until those families get sections of their own. Returns 0 group sections.
     */
    private static int writeTablesOnly(ReportSource source, String outputPath, java.nio.file.Path target) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lawfit report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}</style></head><body>")
                .append("<h1>lawfit report</h1><p>Output <code>").append(esc(outputPath)).append("</code>, version <code>")
                .append(esc(source.version())).append("</code>. This output has no group laws (no <code>laws</code> table); its tables:</p>");
        for (String name : source.tables()) {
            List<Row> rows = source.rows(name);
            html.append(TableSections.plain(name, source.columns(name), rows.subList(0, Math.min(20, rows.size())), rows.size()));
        }
        html.append("</body></html>");
        try {
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            java.nio.file.Files.writeString(target, withContents(html.toString()));
        } catch (java.io.IOException e) {
            throw new LawfitException("cannot write the report " + target + ": " + e.getMessage(), e);
        }
        return 0;
    }

    /** The version's tables, by directory. */
    static List<String> tables(SparkSession spark, Path version) {
        List<String> out = new ArrayList<>();
        try {
            org.apache.hadoop.fs.FileSystem fs = version.getFileSystem(spark.sparkContext().hadoopConfiguration());
            for (org.apache.hadoop.fs.FileStatus st : fs.listStatus(version)) {
                String name = st.getPath().getName();
                if (st.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) out.add(name);
            }
        } catch (IOException e) {
            throw new LawfitException("cannot list the tables of " + version + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Every table the family sections did not draw: the frontier, the backtests, the temporal law's tables and the rejects
     * as pictures, the rest (parameters, groups, ...) as their first rows; so every table of the version is in the report.
     */
    private static void otherTables(StringBuilder html, ReportSource source, List<Fits> families, boolean schedules) {
        List<String> all = source.tables();
        // what the report shows of each table: the family sections above drew these
        java.util.Set<String> drawn = new java.util.HashSet<>();
        if (families.stream().anyMatch(f -> f.family() == Family.COMPUTE || f.family() == Family.CURVE || f.family() == Family.SCHEDULE)) {
            drawn.addAll(List.of("laws", "predictions"));
        }
        for (Fits f : families) {
            if (f.family() == Family.LOSS_TO_LOSS || f.family() == Family.DOWNSTREAM) drawn.addAll(List.of(f.name(), f.name() + "_predictions", f.name() + "_backtest"));
        }
        if (families.stream().anyMatch(f -> f.family() == Family.LOSS_TO_LOSS)) drawn.add("line_factors");
        if (families.stream().anyMatch(f -> f.family() == Family.COMPUTE)) drawn.add("comparison");
        if (schedules) drawn.addAll(List.of("schedule_quality", "schedule_predictions", "schedule_ranking"));
        if (html.indexOf("<h4>Forms compared</h4>") >= 0) drawn.addAll(List.of("law_selection", "forecasts"));
        // the resamples are drawn as every fit's band
        if (!families.isEmpty()) drawn.add("resamples");
        Map<String, String> how = new java.util.TreeMap<>();
        for (String name : all) if (drawn.contains(name)) how.put(name, "picture");
        html.append("<h2 class=\"family\" id=\"tables\">Tables</h2>");
        if (all.contains("frontier")) {
            List<String> columns = Arrays.asList(source.columns("frontier"));
            section(html, how, "frontier", TableSections.frontier(source.rows("frontier"), columns.subList(0, columns.indexOf("approach"))), "text");
        }
        if (all.contains("backtest")) section(html, how, "backtest", TableSections.backtest(source.rows("backtest")), "text");
        for (String name : all) {
            if (name.equals("folds") || name.endsWith("_folds")) section(html, how, name, TableSections.folds(source.rows(name)), "text (no fold)");
        }
        if (all.contains("temporal_quality")) {
            html.append(TableSections.temporal(source.rows("temporal_quality"),
                    all.contains("temporal_ranking") ? source.rows("temporal_ranking") : List.of(),
                    all.contains("temporal_points") ? source.rows("temporal_points") : List.of()));
            for (String t : List.of("temporal_quality", "temporal_ranking", "temporal_points")) if (all.contains(t)) how.put(t, "picture");
        }
        if (all.contains("rejects")) section(html, how, "rejects", TableSections.rejects(source.rows("rejects")), "text (no row was rejected)");
        for (String name : all) {
            if (how.containsKey(name)) continue;
            List<Row> rows = source.rows(name);
            html.append(TableSections.plain(name, source.columns(name), rows.subList(0, Math.min(20, rows.size())), rows.size()));
            how.put(name, "table");
        }
        // what the report shows of each table, for readers and tests: picture, table or text
        html.append("<!-- lawfit-report-tables: ");
        how.forEach((k, v) -> html.append(k).append('=').append(v).append("; "));
        html.append("-->");
    }

    /** A table's section appended, and recorded as a picture when it drew one, else as {@code otherwise}. */
    private static void section(StringBuilder html, Map<String, String> how, String table, String section, String otherwise) {
        html.append(section);
        how.put(table, section.contains("<img") ? "picture" : otherwise);
    }

}
