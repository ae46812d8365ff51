package dev.lawfit.report;

import dev.lawfit.LawfitException;
import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.law.Budgets;
import dev.lawfit.law.ComputeOptimal;
import dev.lawfit.law.Family;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.schedule.ScheduleStudy;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;


/**
 * The HTML report of a published output, one self-contained file (charts embedded as PNG), with a section for
 * every law family present, drawn from the catalog: the report asks each fitted law for its predictions (no
 * formula is re-implemented here) along its covariate, solid over the data and dashed where it extrapolates,
 * with a pointwise bootstrap band ({@link LawBand}) and the backtest's forecasts of its held-out points. An
 * overview lists every fit with its status, R^2 and backtest error next to its baseline's; the compute family
 * adds the loss at each compute budget and the comparison table.
 */
public final class ReportWriter {

    /** Fitted curves are drawn to this multiple of each size's largest token count. */
    static final double EXTRAPOLATE = 4;
    /** Lines and downstream laws are drawn this share of their loss range beyond the lowest observed loss. */
    static final double EXTEND_LOSS = 0.25;
    /** Runs drawn in one curve chart. */
    static final int RUNS_PER_CHART = 8;
    /** Groups drawn in one panel of a chart across groups. */
    static final int PANEL = 8;

    private ReportWriter() {
    }

    /** One family's published rows: fits, predictions and backtest, with the columns that key a fit. */
    private record Fits(Family family, List<Row> fits, List<Row> predictions, List<Row> backtest, List<String> keys,
                        List<Row> selection, List<Row> forecasts) {
        Fits(Family family, List<Row> fits, List<Row> predictions, List<Row> backtest, List<String> keys) {
            this(family, fits, predictions, backtest, keys, List.of(), List.of());
        }

        /** The family's name as the tables write it. */
        String name() {
            return family.label();
        }
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

    /** The version's published resamples, for the bands of the report being written (the report is written on one thread). */
    private static LawBand.Resamples resamples = LawBand.Resamples.none();

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
                html.append("<h3>Comparison</h3>").append(comparisonTable(source.rows("comparison"), f.keys()));
            }
        }
        html.append("</section>");

        int sections = 0;
        for (Fits f : families) {
            if (f.family() == Family.SCHEDULE) continue; // drawn from its own tables below
            familyHeading(html, f.family());
            sections += switch (f.family()) {
                case COMPUTE -> computeSections(html, f);
                case CURVE -> curveSections(html, f);
                default -> pairSections(html, f);
            };
            if (f.family() == Family.LOSS_TO_LOSS && source.has("line_factors")) {
                factorSections(html, source.rows("line_factors"), f);
            }
        }
        if (schedules) {
            List<Row> fits = families.stream().filter(f -> f.family() == Family.SCHEDULE).flatMap(f -> f.fits().stream()).toList();
            sections += scheduleSections(html, source, fits);
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

    /**
     * A group's (or run's, line's) part of a family's section, collapsible: the first of each family open, the others closed
     * until clicked or reached from the contents list. Closed with {@link #CLOSE_GROUP}.
     */
    private static void openGroup(StringBuilder html, String family, int index, String title) {
        html.append("<details class=\"group\" id=\"").append(esc(family)).append("-").append(index).append("\"")
                .append(index == 0 ? " open" : "").append("><summary><h3>").append(esc(title)).append("</h3></summary>");
    }

    private static final String CLOSE_GROUP = "</details>";

    /**
     * The page's contents: every family heading, table section and group section with an id, in page order, as nested links
     * (a family's groups under it, folded away when there are many), placed after the page's introduction.
     */
    static String withContents(String page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "<h2 class=\"family\" id=\"([^\"]+)\">(.*?)</h2>|<details class=\"group\" id=\"([^\"]+)\"[^>]*><summary><h3>(.*?)</h3>"
                        + "|<section class=\"table\" id=\"([^\"]+)\"><h2>(.*?)</h2>|<section id=\"(overview)\"><h2>(.*?)</h2>").matcher(page);
        StringBuilder toc = new StringBuilder("<nav id=\"contents\"><h2>Contents</h2><ul>");
        List<String> groups = new ArrayList<>();
        Runnable flush = () -> {
            if (groups.isEmpty()) return;
            toc.append(groups.size() > 12 ? "<details><summary>" + groups.size() + " sections</summary><ul>" : "<ul>");
            groups.forEach(toc::append);
            toc.append(groups.size() > 12 ? "</ul></details>" : "</ul>");
            groups.clear();
        };
        boolean open = false;
        while (m.find()) {
            if (m.group(3) != null) {
                groups.add("<li><a href=\"#" + m.group(3) + "\">" + m.group(4) + "</a></li>");
                continue;
            }
            flush.run();
            if (open) toc.append("</li>");
            String id = m.group(1) != null ? m.group(1) : m.group(5) != null ? m.group(5) : m.group(7);
            String title = m.group(1) != null ? m.group(2) : m.group(5) != null ? m.group(6) : m.group(8);
            toc.append("<li><a href=\"#").append(id).append("\">").append(title).append("</a>");
            open = true;
        }
        flush.run();
        if (open) toc.append("</li>");
        toc.append("</ul><p><button onclick=\"for(const d of document.querySelectorAll('details.group'))d.open=true\">open every section</button> "
                + "<button onclick=\"for(const d of document.querySelectorAll('details.group'))d.open=false\">close every section</button></p></nav>");
        int at = page.indexOf("<section id=\"overview\">");
        if (at < 0) at = page.indexOf("<h2");
        return at < 0 ? page : page.substring(0, at) + toc + page.substring(at);
    }

    /** A family's heading, which the contents list links to. */
    private static void familyHeading(StringBuilder html, Family family) {
        html.append("<h2 class=\"family\" id=\"family-").append(family.label()).append("\">").append(esc(family.title())).append("</h2>");
    }

    /** A row's flags (empty when the table has no flags column or the row none). */
    static List<String> flags(Row r) {
        int at;
        try {
            at = r.fieldIndex("flags");
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        return r.isNullAt(at) ? List.of() : r.getList(at);
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

    /** Points of one fit, rebuilt from its prediction rows (the data the law was fitted to). */
    private static Points points(List<Row> rows) {
        int n = rows.size();
        double[] p = new double[n], d = new double[n], c = new double[n], y = new double[n], x = new double[n], s = new double[n];
        String[] runs = new String[n];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            p[i] = r.getAs("params");
            d[i] = r.getAs("tokens");
            c[i] = r.isNullAt(r.fieldIndex("flops")) ? 6 * p[i] * d[i] : r.<Double>getAs("flops");
            y[i] = r.getAs("observed");
            x[i] = orNaN(r, "x");
            runs[i] = r.getAs("run_id");
            s[i] = orNaN(r, "step");
        }
        return Points.of(p, d, c, y, x, runs, s).canonicalOrder();
    }

    private static double are(Row fit) {
        Object are = fit.getAs("backtest_are");
        return are == null ? Double.POSITIVE_INFINITY : (Double) are;
    }

    private static double orNaN(Row r, String column) {
        int i = Arrays.asList(r.schema().fieldNames()).indexOf(column);
        return i < 0 || r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    /** Points along a line of the covariate x (everything else as in {@code like}'s first point). */
    private static Points along(double[] xs) {
        double[] ones = new double[xs.length];
        Arrays.fill(ones, 1);
        return Points.of(ones, ones, ones, ones).withX(xs);
    }

    private static double[] grid(double from, double to, int n, boolean log) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) (n - 1);
            out[i] = log ? Math.exp(Math.log(from) + (Math.log(to) - Math.log(from)) * t) : from + (to - from) * t;
        }
        return out;
    }

    /** A fit row's identity columns: those before its family column (the group keys, and run_id for a run's laws). */
    private static List<String> keysOf(Row fit) {
        return dev.lawfit.changes.VersionTables.keysOf("laws", List.of(fit.schema().fieldNames()));
    }

    private static FitSettings settings(Row fit) {
        Object delta = fit.getAs("huber_delta");
        return delta == null ? FitSettings.DEFAULT : FitSettings.DEFAULT.withHuberDelta((Double) delta);
    }

    private static double level(Row fit) {
        int i = fit.fieldIndex("ci_level");
        return fit.isNullAt(i) ? 0.95 : fit.getDouble(i);
    }

    private static Map<String, List<Row>> byGroup(List<Row> rows, List<String> keys) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (Row r : rows) out.computeIfAbsent(groupName(r, keys), k -> new ArrayList<>()).add(r);
        return out;
    }

    private static Map<String, List<Row>> byKey(List<Row> rows, List<String> keys) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (Row r : rows) out.computeIfAbsent(groupName(r, keys) + "\u0000" + r.getAs("law"), k -> new ArrayList<>()).add(r);
        return out;
    }

    private static int computeSections(StringBuilder html, Fits f) {
        Map<String, List<Row>> fitsByGroup = new TreeMap<>();
        for (Row r : f.fits()) fitsByGroup.computeIfAbsent(groupName(r, f.keys()), k -> new ArrayList<>()).add(r);
        Map<String, List<Row>> predictionsByFit = byKey(f.predictions(), f.keys());
        int sections = 0;
        for (Map.Entry<String, List<Row>> g : fitsByGroup.entrySet()) {
            String group = g.getKey();
            Row sizeFit = null, computeFit = null;
            for (Row r : g.getValue()) {
                if (!dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))) continue;
                Law law = LawCatalog.byName(r.getAs("law"));
                if (sizeFit == null && law instanceof ComputeOptimal) sizeFit = r;
                if (computeFit == null && law.covariates().equals("C")) computeFit = r;
            }
            Row drawn = sizeFit != null ? sizeFit : g.getValue().stream().filter(r -> dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))).findFirst().orElse(null);
            List<Row> observed = drawn == null ? List.of() : predictionsByFit.getOrDefault(group + "\u0000" + drawn.getAs("law"), List.of());
            openGroup(html, Family.COMPUTE.label(), sections, group);
            if (observed.isEmpty()) {
                html.append("<p>No law of this group was fitted: nothing to draw.</p>");
            } else {
                List<ReportCharts.Point> points = new ArrayList<>();
                for (Row r : observed) {
                    points.add(new ReportCharts.Point(r.<Double>getAs("params"), r.<Double>getAs("tokens"), r.<Double>getAs("flops"),
                            r.<Double>getAs("observed"), r.<Double>getAs("log_residual")));
                }
                ReportCharts.SizeLaw sizeLaw = null;
                if (sizeFit != null) {
                    ComputeOptimal law = (ComputeOptimal) LawCatalog.byName(sizeFit.getAs("law"));
                    double[] theta = law.theta(sizeFit.getJavaMap(sizeFit.fieldIndex("parameters")));
                    sizeLaw = (n, d) -> Math.exp(law.logLossAt(theta, Math.log(n), Math.log(d)));
                }
                java.util.function.DoubleUnaryOperator computeLaw = null;
                if (computeFit != null) {
                    Law law = LawCatalog.byName(computeFit.getAs("law"));
                    double[] theta = law.theta(computeFit.getJavaMap(computeFit.fieldIndex("parameters")));
                    computeLaw = c -> law.predict(theta, Points.of(new double[] {1}, new double[] {1}, new double[] {c}, new double[] {1}), 0);
                }
                String lawName = sizeFit == null ? "" : " (" + sizeFit.getAs("law") + ")";
                html.append(img(ReportCharts.lossCurves(group + ": loss against compute" + lawName, points, sizeLaw, computeLaw, true, EXTRAPOLATE),
                        "loss against compute"));
                html.append(img(ReportCharts.lossCurves(group + ": loss against tokens, per model size" + lawName, points, sizeLaw, null, false, EXTRAPOLATE),
                        "loss against tokens"));
                if (sizeFit != null) {
                    html.append(img(largestSizeBand(group, sizeFit, observed), "extrapolation of the largest size with its band"));
                }
                html.append(img(ReportCharts.residuals(group + ": " + drawn.getAs("law") + " residuals", points), "residuals"));
                forms(html, group, g.getValue(), points, f);
            }
            html.append(parameterTable(g.getValue(), f.keys(), false)).append(CLOSE_GROUP);
            sections++;
        }
        return sections;
    }

    /**
     * The group's forms side by side, when it has two or more: each law along the group's median tokens per parameter
     * (solid over the data's compute, dashed beyond), each law's backtest predictions of the held-out runs next to
     * what was observed, the law_selection ranking and every law's forecasts at the spec's targets with intervals.
     */
    private static void forms(StringBuilder html, String group, List<Row> fits, List<ReportCharts.Point> points, Fits f) {
        List<Row> ok = fits.stream().filter(r -> dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))).toList();
        if (ok.size() < 2) return;
        html.append("<h4>Forms compared</h4>");
        double[] ratios = points.stream().mapToDouble(p -> p.tokens() / p.params()).sorted().toArray();
        double ratio = ratios[ratios.length / 2];
        double cMin = points.stream().mapToDouble(ReportCharts.Point::flops).min().orElse(1);
        double cMax = points.stream().mapToDouble(ReportCharts.Point::flops).max().orElse(1);
        double[] flops = grid(cMin, cMax * 100, 60, true);
        double[] n = new double[flops.length], d = new double[flops.length], one = new double[flops.length];
        for (int i = 0; i < flops.length; i++) {
            n[i] = Math.sqrt(flops[i] / (6 * ratio));
            d[i] = ratio * n[i];
            one[i] = 1;
        }
        Points path = Points.of(n, d, flops, one);
        List<ReportCharts.Series> series = new ArrayList<>();
        List<Integer> near = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) if (Math.abs(Math.log(points.get(i).tokens() / points.get(i).params() / ratio)) < Math.log(2)) near.add(i);
        series.add(new ReportCharts.Series("runs within 2x of M = " + ReportCharts.human(ratio), near.stream().mapToDouble(i -> points.get(i).flops()).toArray(),
                near.stream().mapToDouble(i -> points.get(i).loss()).toArray(), ReportCharts.Kind.POINTS, 7));
        for (int k = 0; k < ok.size(); k++) {
            Row fit = ok.get(k);
            Law law = LawCatalog.byName(fit.getAs("law"));
            double[] theta = law.theta(fit.getJavaMap(fit.fieldIndex("parameters")));
            double[] predicted = new double[flops.length];
            for (int i = 0; i < flops.length; i++) predicted[i] = law.predict(theta, path, i);
            List<Integer> in = new ArrayList<>(), out = new ArrayList<>();
            for (int i = 0; i < flops.length; i++) (flops[i] <= cMax * (1 + 1e-12) ? in : out).add(i);
            if (!in.isEmpty() && !out.isEmpty()) out.add(0, in.get(in.size() - 1));
            series.add(new ReportCharts.Series(law.name(), pick(flops, in), pick(predicted, in), ReportCharts.Kind.FIT, k));
            series.add(new ReportCharts.Series(law.name() + " extrapolated", pick(flops, out), pick(predicted, out), ReportCharts.Kind.EXTRAPOLATION, k));
        }
        html.append(img(ReportCharts.xy("the forms at M = " + ReportCharts.human(ratio) + " tokens per parameter, to 100x the compute",
                "training compute C (FLOPs)", "loss (nats/token)", true, series), "forms extrapolated"));

        // the backtest of every form on the same held-out runs: predicted against observed (on the diagonal = exact)
        List<ReportCharts.Series> held = new ArrayList<>();
        String split = ok.get(0).getAs("backtest_split");
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < ok.size(); k++) {
            String law = ok.get(k).getAs("law");
            List<Row> rows = f.backtest().stream().filter(r -> groupName(r, f.keys()).equals(group) && law.equals(r.getAs("law"))).toList();
            if (rows.isEmpty()) continue;
            for (Row r : rows) {
                lo = Math.min(lo, Math.min(r.<Double>getAs("observed"), r.<Double>getAs("predicted")));
                hi = Math.max(hi, Math.max(r.<Double>getAs("observed"), r.<Double>getAs("predicted")));
            }
            held.add(new ReportCharts.Series(law, rows.stream().mapToDouble(r -> r.<Double>getAs("observed")).toArray(),
                    rows.stream().mapToDouble(r -> r.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.POINTS, k));
        }
        if (!held.isEmpty()) {
            held.add(new ReportCharts.Series("exact (predicted = observed)", new double[] {lo, hi}, new double[] {lo, hi}, ReportCharts.Kind.FIT, 7));
            html.append(img(ReportCharts.xy("held-out runs (" + (split == null ? "backtest" : split) + "): each form refitted without them",
                    "observed loss", "predicted loss", false, held), "backtest of every form"));
        }

        List<Row> ranked = f.selection().stream().filter(r -> groupName(r, f.keys()).equals(group)).toList();
        if (!ranked.isEmpty()) {
            Row any = ranked.get(0);
            Boolean dependent = any.getAs("form_dependent");
            html.append("<p>").append(dependent == null ? "Form dependence not assessed (it needs bootstrap intervals on two or more forms)."
                    : dependent ? "<b class=\"bad\">The extrapolation is form-dependent</b> at " + esc(String.join(", ", any.<String>getList(any.fieldIndex("form_dependent_at"))))
                    + ": two forms' forecasts there differ by more than their intervals (largest spread between forms " + percent(any.getAs("forecast_spread")) + ")."
                    : "The forms' forecasts agree within their intervals at every target (largest spread " + percent(any.getAs("forecast_spread")) + ").")
                    .append("</p><table><tr><th>rank</th><th class=\"k\">law</th><th>held-out error</th><th>interval</th><th>baseline</th><th class=\"k\">verdict</th></tr>");
            for (Row r : ranked) {
                html.append("<tr><td>").append(esc(r.getAs("rank"))).append("</td><td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td>")
                        .append(percent(r.getAs("held_out_error"))).append("</td><td>").append(r.isNullAt(r.fieldIndex("held_out_error_low")) ? ""
                                : percent(r.getAs("held_out_error_low")) + " to " + percent(r.getAs("held_out_error_high")))
                        .append("</td><td>").append(percent(r.getAs("baseline_error"))).append("</td><td class=\"k\">").append(esc(r.getAs("message"))).append("</td></tr>");
            }
            html.append("</table>");
        }
        List<Row> forecasts = f.forecasts().stream().filter(r -> groupName(r, f.keys()).equals(group)).toList();
        if (!forecasts.isEmpty()) {
            html.append("<table><tr><th class=\"k\">target</th><th>N</th><th>D</th><th>D/N</th><th class=\"k\">law</th><th>predicted loss</th><th>interval</th></tr>");
            for (Row r : forecasts) {
                html.append("<tr><td class=\"k\">").append(esc(r.getAs("target"))).append("</td><td>").append(ReportCharts.human(r.getAs("target_params")))
                        .append("</td><td>").append(ReportCharts.human(r.getAs("target_tokens"))).append("</td><td>").append(num(r.getAs("target_tokens_per_param")))
                        .append("</td><td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td>").append(num(r.getAs("prediction"))).append("</td><td>")
                        .append(r.isNullAt(r.fieldIndex("low")) ? "" : num(r.getAs("low")) + " to " + num(r.getAs("high"))).append("</td></tr>");
            }
            html.append("</table>");
        }
    }

    /** The largest model size: its points, the law along its tokens and on to {@link #EXTRAPOLATE}x, with the band. */
    private static String largestSizeBand(String group, Row fit, List<Row> observed) {
        Law law = LawCatalog.byName(fit.getAs("law"));
        Points data = points(observed);
        double largest = Arrays.stream(data.params()).max().orElse(1);
        List<Integer> mine = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) if (data.params()[i] == largest) mine.add(i);
        double dMin = mine.stream().mapToDouble(i -> data.tokens()[i]).min().orElse(1), dMax = mine.stream().mapToDouble(i -> data.tokens()[i]).max().orElse(1);
        double[] tokens = grid(dMin, dMax * EXTRAPOLATE, 40, true);
        double[] n = new double[tokens.length], c = new double[tokens.length], one = new double[tokens.length];
        Arrays.fill(n, largest);
        Arrays.fill(one, 1);
        for (int i = 0; i < c.length; i++) c[i] = 6 * largest * tokens[i];
        LawBand.Curve curve = LawBand.withBand(law, fit.getJavaMap(fit.fieldIndex("parameters")), resamples.of(fit, keysOf(fit)),
                Points.of(n, tokens, c, one), level(fit));
        List<ReportCharts.Series> series = new ArrayList<>();
        series.add(new ReportCharts.Series("N = " + ReportCharts.human(largest), mine.stream().mapToDouble(i -> data.tokens()[i]).toArray(),
                mine.stream().mapToDouble(i -> data.loss()[i]).toArray(), ReportCharts.Kind.POINTS, 0));
        addFit(series, law.name(), tokens, curve, t -> t <= dMax * (1 + 1e-12), 0);
        return ReportCharts.xy(law.name() + " at the largest size, N = " + ReportCharts.human(largest) + ", to " + (int) EXTRAPOLATE
                + "x its tokens, " + Math.round(100 * level(fit)) + "% band", "tokens D", "loss (nats/token)", true, series);
    }

    /** The fit solid where {@code inData}, dashed elsewhere, and its band dotted. */
    private static void addFit(List<ReportCharts.Series> series, String label, double[] xs, LawBand.Curve curve,
                               java.util.function.DoublePredicate inData, int colour) {
        List<Integer> in = new ArrayList<>(), out = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) (inData.test(xs[i]) ? in : out).add(i);
        // the dashed part starts where the solid part ends, so the line is unbroken
        if (!in.isEmpty() && !out.isEmpty()) {
            out.add(out.get(0) < in.get(0) ? in.get(0) : in.get(in.size() - 1));
            java.util.Collections.sort(out);
        }
        series.add(new ReportCharts.Series(label, pick(xs, in), pick(curve.predicted(), in), ReportCharts.Kind.FIT, colour));
        series.add(new ReportCharts.Series(label + " extrapolated", pick(xs, out), pick(curve.predicted(), out), ReportCharts.Kind.EXTRAPOLATION, colour));
        if (curve.low() != null) {
            series.add(new ReportCharts.Series(label + " band low", xs, curve.low(), ReportCharts.Kind.BAND, colour));
            series.add(new ReportCharts.Series(label + " band high", xs, curve.high(), ReportCharts.Kind.BAND, colour));
        }
    }

    private static double[] pick(double[] values, List<Integer> at) {
        return at.stream().mapToDouble(i -> values[i]).toArray();
    }

    /** One chart per group: each run's loss against progress, the first ok curve law per run, its band, its backtest forecast. */
    private static int curveSections(StringBuilder html, Fits f) {
        List<String> groupKeys = f.keys().subList(0, f.keys().size() - 1);
        Map<String, List<Row>> fitsByGroup = new TreeMap<>();
        for (Row r : f.fits()) fitsByGroup.computeIfAbsent(groupName(r, groupKeys), k -> new ArrayList<>()).add(r);
        Map<String, List<Row>> predictionsByFit = byKey(f.predictions(), f.keys());
        Map<String, List<Row>> backtestByFit = byKey(f.backtest(), f.keys());
        int sections = 0;
        for (Map.Entry<String, List<Row>> g : fitsByGroup.entrySet()) {
            openGroup(html, Family.CURVE.label(), sections, g.getKey());
            // per run, the curve law that predicted its held-out checkpoints best
            Map<String, Row> firstOkByRun = new TreeMap<>();
            for (Row r : g.getValue()) {
                if (!dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))) continue;
                Row best = firstOkByRun.get(r.<String>getAs("run_id"));
                if (best == null || are(r) < are(best)) firstOkByRun.put(r.getAs("run_id"), r);
            }
            List<ReportCharts.Series> series = new ArrayList<>();
            int colour = 0;
            for (Row fit : firstOkByRun.values()) {
                if (colour >= RUNS_PER_CHART) break;
                String key = groupName(fit, f.keys()) + "\u0000" + fit.getAs("law");
                Points data = points(predictionsByFit.getOrDefault(key, List.of()));
                if (data.size() == 0) continue;
                Law law = LawCatalog.byName(fit.getAs("law"));
                double xMax = Arrays.stream(data.x()).max().orElse(1);
                double[] xs = grid(Arrays.stream(data.x()).min().orElse(0.01), Math.max(1, xMax), 60, false);
                LawBand.Curve curve = LawBand.withBand(law, fit.getJavaMap(fit.fieldIndex("parameters")), resamples.of(fit, f.keys()), along(xs), level(fit));
                String run = fit.getAs("run_id");
                series.add(new ReportCharts.Series(run, data.x(), data.loss(), ReportCharts.Kind.POINTS, colour));
                addFit(series, run + " " + law.name(), xs, curve, x -> x <= xMax * (1 + 1e-12), colour);
                List<Row> held = backtestByFit.getOrDefault(key, List.of());
                series.add(new ReportCharts.Series(run + " backtest forecast", held.stream().mapToDouble(r -> r.<Double>getAs("x")).toArray(),
                        held.stream().mapToDouble(r -> r.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.FORECAST, colour));
                colour++;
            }
            if (series.isEmpty()) {
                html.append("<p>No curve law of this group was fitted: nothing to draw.</p>");
            } else {
                html.append(img(ReportCharts.xy("Loss against training progress, each run's best-forecasting curve law"
                        + (firstOkByRun.size() > RUNS_PER_CHART
                        ? " (the first " + RUNS_PER_CHART + " of " + firstOkByRun.size() + " runs)" : ""), "progress x = tokens / total tokens",
                        "loss (nats/token)", false, series), "training curves"));
            }
            html.append(parameterTable(g.getValue(), List.of("run_id"), true)).append(CLOSE_GROUP);
            sections++;
        }
        return sections;
    }

    /** Loss-to-loss lines and downstream laws: one chart per fit key (a line, a task), every law of it drawn. */
    /** How many factor tests get charts (the table lists them all). */
    static final int FACTOR_CHARTS = 24;

    /**
     * What moves the line: a table of every factor test (verdict, effect in nats with its interval, what was held fixed),
     * and for the first {@link #FACTOR_CHARTS}: each level's offset with its interval against the tolerance, and the
     * pairs coloured by level with the pooled line and each level's own line.
     */
    private static void factorSections(StringBuilder html, List<Row> factors, Fits f) {
        html.append("<h3>What moves the line</h3><table><tr><th class=\"k\">x / y</th><th class=\"k\">pairing</th><th class=\"k\">factor</th>")
                .append("<th class=\"k\">within</th><th class=\"k\">verdict</th><th>effect (nats)</th><th>interval</th><th>tolerance</th>")
                .append("<th>levels</th><th class=\"k\">message</th></tr>");
        for (Row r : factors) {
            html.append("<tr><td class=\"k\">").append(esc(r.getAs("x_eval") + " / " + r.getAs("y_eval"))).append("</td><td class=\"k\">")
                    .append(esc(r.getAs("pairing"))).append("</td><td class=\"k\">").append(esc(r.getAs("factor"))).append("</td><td class=\"k\">")
                    .append(esc(r.getAs("stratum"))).append("</td><td class=\"k").append("moves_line".equals(r.getAs("verdict")) ? " bad" : "")
                    .append("\">").append(esc(r.getAs("verdict"))).append("</td><td>").append(num(r.getAs("effect_nats"))).append("</td><td>")
                    .append(r.isNullAt(r.fieldIndex("effect_low")) ? "" : num(r.getAs("effect_low")) + " to " + num(r.getAs("effect_high")))
                    .append("</td><td>").append(num(r.getAs("tolerance_nats"))).append("</td><td>").append(esc(r.getAs("levels")))
                    .append("</td><td class=\"k\">").append(esc(r.getAs("message"))).append("</td></tr>");
        }
        html.append("</table>");
        int drawn = 0;
        for (Row r : factors) {
            if (drawn >= FACTOR_CHARTS) break;
            Map<String, Double> offsets = r.isNullAt(r.fieldIndex("level_offsets")) ? Map.of() : r.getJavaMap(r.fieldIndex("level_offsets"));
            if (offsets.size() < 2) continue;
            drawn++;
            String title = r.getAs("factor") + " (" + r.getAs("stratum") + "), " + r.getAs("x_eval") + " -> " + r.getAs("y_eval");
            html.append("<section class=\"factor\"><h4>").append(esc(title)).append(": ").append(esc(r.getAs("verdict"))).append("</h4>");
            Map<String, Double> low = r.isNullAt(r.fieldIndex("level_offset_low")) ? Map.of() : r.getJavaMap(r.fieldIndex("level_offset_low"));
            Map<String, Double> high = r.isNullAt(r.fieldIndex("level_offset_high")) ? Map.of() : r.getJavaMap(r.fieldIndex("level_offset_high"));
            List<ReportCharts.Series> series = new ArrayList<>();
            List<String> levels = new ArrayList<>(offsets.keySet());
            double tolerance = r.isNullAt(r.fieldIndex("tolerance_nats")) ? 0 : r.<Double>getAs("tolerance_nats");
            for (int k = 0; k < levels.size(); k++) {
                String level = levels.get(k);
                series.add(new ReportCharts.Series(level, new double[] {k + 1}, new double[] {offsets.get(level)}, ReportCharts.Kind.POINTS, k));
                if (low.containsKey(level)) {
                    series.add(new ReportCharts.Series(level + " interval", new double[] {k + 1, k + 1}, new double[] {low.get(level), high.get(level)},
                            ReportCharts.Kind.BAND, k));
                }
            }
            // the tolerance around the mean offset: an effect inside the band is below it
            double[] span = {0.5, levels.size() + 0.5};
            series.add(new ReportCharts.Series("tolerance (+/- half of " + num(tolerance) + " nats)", span, new double[] {tolerance / 2, tolerance / 2},
                    ReportCharts.Kind.FIT, 7));
            series.add(new ReportCharts.Series("tolerance low", span, new double[] {-tolerance / 2, -tolerance / 2}, ReportCharts.Kind.BAND, 7));
            html.append(img(ReportCharts.xy("offset of each level from the pooled line (nats), levels 1.." + levels.size(), "level (in the legend's order)",
                    "offset of L_y (nats)", false, series), "line factor offsets"));
            String byLevel = linesByLevel(r, f);
            if (byLevel != null) html.append(img(byLevel, "lines by level"));
            html.append("</section>");
        }
    }

    /** The pairs of one factor test coloured by level, with the pooled line and each level's own line; null when the pairs are not at hand. */
    private static String linesByLevel(Row test, Fits f) {
        String factor = test.getAs("factor");
        String stratum = test.getAs("stratum");
        Map<String, String> fixed = new LinkedHashMap<>();
        if (!"all".equals(stratum)) {
            for (String part : stratum.split(", ")) {
                int eq = part.indexOf('=');
                if (eq > 0) fixed.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        Map<String, List<double[]>> points = new TreeMap<>();
        for (Row p : f.predictions()) {
            if (!test.getAs("x_eval").equals(p.getAs("x_eval")) || !test.getAs("y_eval").equals(p.getAs("y_eval"))) continue;
            if (Arrays.asList(p.schema().fieldNames()).contains("pairing") && !String.valueOf((Object) p.getAs("pairing")).equals(test.getAs("pairing"))) continue;
            boolean in = true;
            for (Map.Entry<String, String> e : fixed.entrySet()) {
                if (!Arrays.asList(p.schema().fieldNames()).contains(e.getKey())) return null;
                if (!String.valueOf((Object) p.getAs(e.getKey())).equals(e.getValue())) in = false;
            }
            if (!in) continue;
            if (!Arrays.asList(p.schema().fieldNames()).contains(factor)) return null;
            points.computeIfAbsent(String.valueOf((Object) p.getAs(factor)), k -> new ArrayList<>()).add(new double[] {p.<Double>getAs("x"), p.<Double>getAs("observed")});
        }
        if (points.isEmpty()) return null;
        Map<String, Double> k = test.getJavaMap(test.fieldIndex("level_k")), kappa = test.getJavaMap(test.fieldIndex("level_kappa"));
        Map<String, Double> ex = test.getJavaMap(test.fieldIndex("level_e_x")), ey = test.getJavaMap(test.fieldIndex("level_e_y"));
        List<ReportCharts.Series> series = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        int colour = 0;
        for (Map.Entry<String, List<double[]>> e : points.entrySet()) {
            double[] xs = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            series.add(new ReportCharts.Series(e.getKey(), xs, e.getValue().stream().mapToDouble(v -> v[1]).toArray(), ReportCharts.Kind.POINTS, colour));
            double from = Arrays.stream(xs).min().orElse(0), to = Arrays.stream(xs).max().orElse(1);
            lo = Math.min(lo, from);
            hi = Math.max(hi, to);
            if (k.containsKey(e.getKey())) {
                double[] grid = grid(from, to, 30, false);
                double[] ys = lineAt(Map.of("K", k.get(e.getKey()), "kappa", kappa.get(e.getKey()), "E_x", ex.get(e.getKey()),
                        "E_y", ey.get(e.getKey())), grid);
                series.add(new ReportCharts.Series(e.getKey() + " line", grid, ys, ReportCharts.Kind.EXTRAPOLATION, colour));
            }
            colour++;
        }
        Map<String, Double> pooled = test.isNullAt(test.fieldIndex("pooled_line")) ? Map.of() : test.getJavaMap(test.fieldIndex("pooled_line"));
        if (pooled.containsKey("K")) {
            double[] grid = grid(lo, hi, 60, false);
            double[] ys = lineAt(pooled, grid);
            series.add(new ReportCharts.Series("pooled line", grid, ys, ReportCharts.Kind.FIT, 7));
        }
        return ReportCharts.xy("pairs by " + factor + ": each level's line (dashed), the pooled line (solid)", "L_x (" + test.getAs("x_eval") + ")",
                "L_y (" + test.getAs("y_eval") + ")", false, series);
    }

    /** A loss-to-loss line with these parameters along {@code grid}, predicted by the law itself. */
    private static double[] lineAt(Map<String, Double> parameters, double[] grid) {
        Law line = LawCatalog.byName(dev.lawfit.losstoloss.LossLineLaw.NAME);
        double[] theta = line.theta(parameters);
        Points at = along(grid);
        double[] ys = new double[grid.length];
        for (int i = 0; i < grid.length; i++) ys[i] = line.predict(theta, at, i);
        return ys;
    }

    private static int pairSections(StringBuilder html, Fits f) {
        Map<String, List<Row>> fitsByKey = new TreeMap<>();
        for (Row r : f.fits()) fitsByKey.computeIfAbsent(groupName(r, f.keys()), k -> new ArrayList<>()).add(r);
        Map<String, List<Row>> predictionsByFit = byKey(f.predictions(), f.keys());
        Map<String, List<Row>> backtestByFit = byKey(f.backtest(), f.keys());
        boolean line = f.family() == Family.LOSS_TO_LOSS;
        int sections = 0;
        for (Map.Entry<String, List<Row>> g : fitsByKey.entrySet()) {
            openGroup(html, f.name(), sections, g.getKey());
            List<ReportCharts.Series> series = new ArrayList<>();
            int colour = 0;
            boolean pointsDrawn = false;
            for (Row fit : g.getValue()) {
                if (!dev.lawfit.fit.FitStatus.usable(fit.<String>getAs("status"))) continue;
                String key = g.getKey() + "\u0000" + fit.getAs("law");
                Points data = points(predictionsByFit.getOrDefault(key, List.of()));
                if (data.size() == 0) continue;
                Map<String, Double> parameters = fit.getJavaMap(fit.fieldIndex("parameters"));
                Law law = line ? LawCatalog.byName(fit.getAs("law"), new LawCatalog.Options(0, "joint".equals(fit.getAs("e_source")) ? "joint" : "compute_fit"))
                        : LawCatalog.byName(fit.getAs("law"));
                double lo = Arrays.stream(data.x()).min().orElse(0), hi = Arrays.stream(data.x()).max().orElse(1);
                double from = lo - EXTEND_LOSS * (hi - lo);
                if (line) from = Math.max(from, parameters.get("E_x") + 0.02 * (hi - parameters.get("E_x")));
                double[] xs = grid(from, hi, 60, false);
                LawBand.Curve curve = LawBand.withBand(law, parameters, resamples.of(fit, f.keys()), along(xs), level(fit));
                if (!pointsDrawn) {
                    series.add(new ReportCharts.Series("observed", data.x(), data.loss(), ReportCharts.Kind.POINTS, 7));
                    pointsDrawn = true;
                }
                addFit(series, law.name(), xs, curve, x -> x >= lo * (1 - 1e-12), colour);
                List<Row> held = backtestByFit.getOrDefault(key, List.of());
                series.add(new ReportCharts.Series(law.name() + " backtest forecast", held.stream().mapToDouble(r -> r.<Double>getAs("x")).toArray(),
                        held.stream().mapToDouble(r -> r.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.FORECAST, colour));
                colour++;
            }
            if (series.isEmpty()) {
                html.append("<p>No law of this ").append(line ? "line" : "task").append(" was fitted: nothing to draw.</p>");
            } else {
                html.append(img(ReportCharts.xy(g.getKey() + (line ? ": loss against loss" : ": task error against the reference loss"),
                        line ? "L_x (the x eval's loss)" : "reference loss", line ? "L_y (the y eval's loss)" : "error", false, series),
                        f.name() + " chart"));
            }
            html.append(parameterTable(g.getValue(), List.of(), false)).append(CLOSE_GROUP);
            sections++;
        }
        return sections;
    }

    /** The comparison table, its numbers rounded. */
    private static String comparisonTable(List<Row> rows, List<String> keys) {
        String[][] columns = {{"alpha", "alpha", "3"}, {"beta", "beta", "3"}, {"a_chinchilla", "a_chinchilla", "3"}, {"a_isoflop", "a_isoflop", "3"},
                {"a_envelope", "a_envelope", "3"}, {"loss_k_pf_days_envelope", "L(C) k", "3"}, {"loss_exponent_envelope", "L(C) exponent", "4"}};
        StringBuilder t = new StringBuilder("<table><tr>");
        for (String k : keys) t.append("<th class=\"k\">").append(esc(k)).append("</th>");
        for (String[] c : columns) t.append("<th class=\"k\">").append(esc(c[1])).append("</th>");
        t.append("<th class=\"k\">flops_convention</th></tr>");
        for (Row r : rows) {
            t.append("<tr>");
            for (String k : keys) t.append("<td class=\"k\">").append(esc(r.getAs(k))).append("</td>");
            for (String[] c : columns) {
                Object v = java.util.Arrays.asList(r.schema().fieldNames()).contains(c[0]) ? r.getAs(c[0]) : null;
                t.append("<td>").append(v instanceof Number n ? String.format("%." + c[2] + "f", n.doubleValue()) : "").append("</td>");
            }
            t.append("<td class=\"k\">").append(esc(r.getAs("flops_convention"))).append("</td></tr>");
        }
        return t.append("</table>").toString();
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
            java.nio.file.Files.writeString(target, html);
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

    /** The schedule-aware law to draw: the first of the catalog's schedule laws (the Multi-Power Law first) the quality table scores. */
    private static String scheduleLaw(List<Row> quality) {
        java.util.Set<Object> scored = new java.util.HashSet<>();
        for (Row q : quality) scored.add(q.getAs("law"));
        for (String law : LawCatalog.names(Family.SCHEDULE)) if (scored.contains(law)) return law;
        return null;
    }

    /**
     * The schedule family, per group: every run's observed curve with the law's curve (solid on the runs it was fitted on,
     * dashed on the runs it predicted) and the learning-rate schedules beneath; the rest of runs predicted from their
     * first fraction (solid up to it, dashed after, next to the run's own power law); the scores; the ranking.
     */
    private static int scheduleSections(StringBuilder html, ReportSource source, List<Row> fits) {
        List<String> columns = Arrays.asList(source.columns("schedule_quality"));
        List<String> keys = columns.subList(0, columns.indexOf("law"));
        Map<String, List<Row>> quality = byGroup(source.rows("schedule_quality"), keys);
        List<Row> sortedPredictions = new ArrayList<>(source.rows("schedule_predictions"));
        sortedPredictions.sort(java.util.Comparator.<Row, String>comparing(r -> r.getAs("run_id")).thenComparingDouble(r -> r.<Double>getAs("step")));
        Map<String, List<Row>> predictions = byGroup(sortedPredictions, keys);
        List<Row> sortedRanking = new ArrayList<>(source.has("schedule_ranking") ? source.rows("schedule_ranking") : List.of());
        sortedRanking.sort(java.util.Comparator.<Row, String>comparing(r -> r.getAs("law")).thenComparingDouble(r -> r.<Double>getAs("predicted_rank")));
        Map<String, List<Row>> ranking = byGroup(sortedRanking, keys);
        familyHeading(html, Family.SCHEDULE);
        Map<String, List<Row>> fitsByGroup = byGroup(fits, keys);
        int sections = 0;
        for (Map.Entry<String, List<Row>> g : new TreeMap<>(quality).entrySet()) {
            String group = g.getValue().isEmpty() ? g.getKey() : groupName(g.getValue().get(0), keys);
            String law = scheduleLaw(g.getValue());
            List<Row> rows = predictions.getOrDefault(g.getKey(), List.of());
            openGroup(html, Family.SCHEDULE.label(), sections, group);
            if (law != null) {
                Map<String, List<Row>> unseen = new TreeMap<>(), early = new TreeMap<>(), power = new TreeMap<>();
                for (Row r : rows) {
                    String run = r.getAs("run_id");
                    if (law.equals(r.getAs("law")) && ScheduleStudy.UNSEEN.equals(r.getAs("scenario"))) unseen.computeIfAbsent(run, k -> new ArrayList<>()).add(r);
                    if (law.equals(r.getAs("law")) && ScheduleStudy.EARLY.equals(r.getAs("scenario"))) early.computeIfAbsent(run, k -> new ArrayList<>()).add(r);
                    if (ScheduleStudy.RUN_POWER.equals(r.getAs("law")) && ScheduleStudy.EARLY.equals(r.getAs("scenario"))) power.computeIfAbsent(run, k -> new ArrayList<>()).add(r);
                }
                List<ReportCharts.Series> curves = new ArrayList<>(), lrs = new ArrayList<>();
                int colour = 0;
                for (Map.Entry<String, List<Row>> run : unseen.entrySet()) {
                    List<Row> r = run.getValue();
                    double[] step = r.stream().mapToDouble(x -> x.<Double>getAs("step")).toArray();
                    boolean predicted = r.stream().anyMatch(x -> Boolean.TRUE.equals(x.getAs("held_out")));
                    curves.add(new ReportCharts.Series(run.getKey(), step, r.stream().mapToDouble(x -> x.<Double>getAs("observed")).toArray(),
                            ReportCharts.Kind.POINTS, colour));
                    curves.add(new ReportCharts.Series(run.getKey() + (predicted ? " predicted" : " fitted"), step,
                            r.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray(),
                            predicted ? ReportCharts.Kind.EXTRAPOLATION : ReportCharts.Kind.FIT, colour));
                    lrs.add(new ReportCharts.Series(run.getKey(), step, r.stream().mapToDouble(x -> x.<Double>getAs("lr")).toArray(), ReportCharts.Kind.FIT, colour));
                    colour++;
                }
                html.append("<p>").append(esc(law)).append(" fitted on the fit runs (solid) predicts the other runs' whole curves (dashed); ")
                        .append("their learning-rate schedules beneath.</p>");
                html.append(img(ReportCharts.xy("Unseen schedules: " + law, "optimiser step", "loss (nats/token)", false, curves), "schedule curves"));
                html.append(img(ReportCharts.xy("Learning-rate schedules", "optimiser step", "learning rate", false, lrs), "schedules"));
                List<ReportCharts.Series> rest = new ArrayList<>();
                colour = 0;
                for (Map.Entry<String, List<Row>> run : early.entrySet()) {
                    if (colour >= RUNS_PER_CHART) break;
                    List<Row> r = run.getValue();
                    double[] step = r.stream().mapToDouble(x -> x.<Double>getAs("step")).toArray();
                    rest.add(new ReportCharts.Series(run.getKey(), step, r.stream().mapToDouble(x -> x.<Double>getAs("observed")).toArray(),
                            ReportCharts.Kind.POINTS, colour));
                    List<Row> fitted = r.stream().filter(x -> !Boolean.TRUE.equals(x.getAs("held_out"))).toList();
                    rest.add(new ReportCharts.Series(run.getKey() + " " + law, fitted.stream().mapToDouble(x -> x.<Double>getAs("step")).toArray(),
                            fitted.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.FIT, colour));
                    List<Row> after = r.stream().filter(x -> Boolean.TRUE.equals(x.getAs("held_out"))).toList();
                    rest.add(new ReportCharts.Series(run.getKey() + " rest", after.stream().mapToDouble(x -> x.<Double>getAs("step")).toArray(),
                            after.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.EXTRAPOLATION, colour));
                    List<Row> held = power.getOrDefault(run.getKey(), List.of()).stream().filter(x -> Boolean.TRUE.equals(x.getAs("held_out"))).toList();
                    List<Row> p = java.util.stream.IntStream.range(0, held.size()).filter(i -> i % 6 == 0).mapToObj(held::get).toList();
                    rest.add(new ReportCharts.Series(run.getKey() + " run power law", p.stream().mapToDouble(x -> x.<Double>getAs("step")).toArray(),
                            p.stream().mapToDouble(x -> x.<Double>getAs("predicted")).toArray(), ReportCharts.Kind.FORECAST, colour));
                    colour++;
                }
                if (!rest.isEmpty()) {
                    html.append("<p>Each run's rest predicted from its first part: ").append(esc(law))
                            .append(" fitted there with the fit runs (solid, then dashed), and a power law fitted on the run's first part alone (crosses).</p>");
                    html.append(img(ReportCharts.xy("Rest of runs from their first part", "optimiser step", "loss (nats/token)", false, rest), "rest of runs"));
                }
            }
            html.append("<h4>Scores (relative error on what each fit did not see)</h4><table><tr><th class=\"k\">law</th><th class=\"k\">scenario</th>")
                    .append("<th>fit fraction</th><th class=\"k\">runs</th><th>mean error</th><th>worst point</th><th>n</th></tr>");
            Map<String, double[]> summary = new TreeMap<>();
            for (Row q : g.getValue()) {
                if (!dev.lawfit.fit.FitStatus.usable(q.<String>getAs("status"))) continue;
                String k = q.getAs("law") + "\u0000" + q.getAs("scenario") + "\u0000" + q.getAs("fit_fraction") + "\u0000" + q.getAs("role");
                double[] s = summary.computeIfAbsent(k, x -> new double[3]);
                s[0] += q.<Double>getAs("mean_are");
                s[1] = Math.max(s[1], q.<Double>getAs("worst_are"));
                s[2]++;
            }
            summary.forEach((k, s) -> {
                String[] p = k.split("\u0000");
                html.append("<tr><td class=\"k\">").append(esc(p[0])).append("</td><td class=\"k\">").append(esc(p[1])).append("</td><td>")
                        .append(esc(p[2])).append("</td><td class=\"k\">").append(esc(p[3])).append("</td><td>").append(percent(s[0] / s[2]))
                        .append("</td><td>").append(percent(s[1])).append("</td><td>").append((int) s[2]).append("</td></tr>");
            });
            html.append("</table>");
            for (Row q : g.getValue()) {
                if (ScheduleStudy.SAME_SCHEDULE.equals(q.getAs("law"))) html.append("<p>The floor beneath these errors (row same_schedule): ").append(esc(q.getAs("message"))).append(".</p>");
            }
            List<Row> groupFits = fitsByGroup.getOrDefault(g.getKey(), List.of());
            if (!groupFits.isEmpty()) html.append("<h4>Parameters (fitted on the fit runs, bootstrap intervals)</h4>").append(parameterTable(groupFits, List.of(), false));
            List<Row> ranks = ranking.getOrDefault(g.getKey(), List.of());
            if (!ranks.isEmpty()) {
                Map<String, Map<Double, Double>> byLaw = new TreeMap<>();
                html.append("<h4>Runs and candidate schedules by predicted final loss</h4><table><tr><th class=\"k\">law</th><th>rank</th>")
                        .append("<th class=\"k\">schedule</th><th class=\"k\">kind</th><th>predicted final</th><th>observed final</th><th>observed rank</th>")
                        .append("<th>Spearman's rho</th></tr>");
                for (Row r : ranks) {
                    html.append("<tr><td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td>").append(num(r.getAs("predicted_rank")))
                            .append("</td><td class=\"k\">").append(esc(r.getAs("name"))).append("</td><td class=\"k\">").append(esc(r.getAs("kind")))
                            .append("</td><td>").append(num(r.getAs("predicted_final"))).append("</td><td>").append(num(r.getAs("observed_final")))
                            .append("</td><td>").append(num(r.getAs("observed_rank"))).append("</td><td>").append(num(r.getAs("rank_correlation")))
                            .append("</td></tr>");
                    if ("run".equals(r.getAs("kind")) && r.getAs("observed_final") != null) {
                        byLaw.computeIfAbsent(r.getAs("law"), k -> new TreeMap<>()).put(r.<Double>getAs("observed_final"), r.<Double>getAs("predicted_final"));
                    }
                }
                html.append("</table>");
                List<ReportCharts.Series> parity = new ArrayList<>();
                int colour = 0;
                double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
                for (Map.Entry<String, Map<Double, Double>> e : byLaw.entrySet()) {
                    double[] x = e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
                    double[] y = e.getValue().values().stream().mapToDouble(Double::doubleValue).toArray();
                    for (double v : x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
                    parity.add(new ReportCharts.Series(e.getKey(), x, y, ReportCharts.Kind.POINTS, colour++));
                }
                if (!parity.isEmpty()) {
                    parity.add(new ReportCharts.Series("predicted = observed", new double[] {lo, hi}, new double[] {lo, hi}, ReportCharts.Kind.FIT, 7));
                    html.append(img(ReportCharts.xy("Final loss: predicted vs observed", "observed final loss", "predicted final loss",
                            false, parity), "ranking parity"));
                }
            }
            html.append(CLOSE_GROUP);
            sections++;
        }
        return sections;
    }

    /** Every ok fit's parameters and derived quantities without a budget, with their intervals; {@code label} columns name the fit. */
    private static String parameterTable(List<Row> fits, List<String> label, boolean derivedToo) {
        StringBuilder t = new StringBuilder("<table><tr>");
        for (String l : label) t.append("<th class=\"k\">").append(esc(l)).append("</th>");
        t.append("<th class=\"k\">law</th><th class=\"k\">parameter</th><th>estimate</th><th>interval low</th><th>interval high</th></tr>");
        for (Row r : fits) {
            if (!dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))) continue;
            Map<String, Double> values = new LinkedHashMap<>(r.getJavaMap(r.fieldIndex("parameters")));
            if (derivedToo) values.putAll(r.getJavaMap(r.fieldIndex("derived")));
            Map<String, Double> low = r.isNullAt(r.fieldIndex("ci_low")) ? Map.of() : r.getJavaMap(r.fieldIndex("ci_low"));
            Map<String, Double> high = r.isNullAt(r.fieldIndex("ci_high")) ? Map.of() : r.getJavaMap(r.fieldIndex("ci_high"));
            for (Map.Entry<String, Double> e : values.entrySet()) {
                t.append("<tr>");
                for (String l : label) t.append("<td class=\"k\">").append(esc(r.getAs(l))).append("</td>");
                t.append("<td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td class=\"k\">").append(esc(e.getKey()))
                        .append("</td><td>").append(num(e.getValue())).append("</td><td>").append(num(low.get(e.getKey())))
                        .append("</td><td>").append(num(high.get(e.getKey()))).append("</td></tr>");
            }
        }
        return t.append("</table>").toString();
    }

    static String img(String base64, String alt) {
        String svg = ReportCharts.Figures.fileOf(base64); // the picture's vector file
        return "<div><img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + base64 + "\">"
                + (svg == null ? "" : "<br><a class=\"figure\" href=\"" + esc(svg) + "\">" + esc(svg) + " ("
                + svg.substring(svg.lastIndexOf('.') + 1).toUpperCase(java.util.Locale.ROOT) + ", for papers)</a>") + "</div>";
    }

    static String groupName(Row r, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) parts.add(String.valueOf((Object) r.getAs(k)));
        return parts.isEmpty() ? "all" : String.join(" / ", parts);
    }

    private static String num(Double v) {
        if (v == null || v.isNaN()) return "";
        double a = Math.abs(v);
        return a != 0 && (a >= 1e5 || a < 1e-3) ? String.format("%.4g", v) : String.format("%.4f", v);
    }

    private static String percent(Double v) {
        return v == null || v.isNaN() ? "" : String.format("%.2f%%", 100 * v);
    }

    static String esc(Object s) {
        return s == null ? "" : String.valueOf(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
