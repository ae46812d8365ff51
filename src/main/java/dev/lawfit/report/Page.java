package dev.lawfit.report;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Family;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What every section of the report page shares: its constants, the group sections and headings, tables of parameters, pictures, numbers for people, and the version's published resamples the bands read. */
final class Page {

    private Page() {
    }

    /** Fitted curves are drawn to this multiple of each size's largest token count. */
    static final double EXTRAPOLATE = 4;

    /** Lines and downstream laws are drawn this share of their loss range beyond the lowest observed loss. */
    static final double EXTEND_LOSS = 0.25;

    /** Runs drawn in one curve chart. */
    static final int RUNS_PER_CHART = 8;

    /** Groups drawn in one panel of a chart across groups. */
    static final int PANEL = 8;

    /** The version's published resamples, for the bands of the report being written (the report is written on one thread). */
    static LawBand.Resamples resamples = LawBand.Resamples.none();

    /**
     * A group's (or run's, line's) part of a family's section, collapsible: the first of each family open, the others closed
     * until clicked or reached from the contents list. Closed with {@link #CLOSE_GROUP}.
     */
    static void openGroup(StringBuilder html, String family, int index, String title) {
        html.append("<details class=\"group\" id=\"").append(esc(family)).append("-").append(index).append("\"")
                .append(index == 0 ? " open" : "").append("><summary><h3>").append(esc(title)).append("</h3></summary>");
    }

    static final String CLOSE_GROUP = "</details>";

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
        if (at < 0) at = page.indexOf("<section");
        if (at < 0) at = page.indexOf("<h2");
        return at < 0 ? page : page.substring(0, at) + toc + page.substring(at);
    }

    /** A family's heading, which the contents list links to. */
    static void familyHeading(StringBuilder html, Family family) {
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

    /** Points of one fit, rebuilt from its prediction rows (the data the law was fitted to). */
    static Points points(List<Row> rows) {
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

    static double are(Row fit) {
        Object are = fit.getAs("backtest_are");
        return are == null ? Double.POSITIVE_INFINITY : (Double) are;
    }

    static double orNaN(Row r, String column) {
        int i = Arrays.asList(r.schema().fieldNames()).indexOf(column);
        return i < 0 || r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    /** Points along a line of the covariate x (everything else as in {@code like}'s first point). */
    static Points along(double[] xs) {
        double[] ones = new double[xs.length];
        Arrays.fill(ones, 1);
        return Points.of(ones, ones, ones, ones).withX(xs);
    }

    static double[] grid(double from, double to, int n, boolean log) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) (n - 1);
            out[i] = log ? Math.exp(Math.log(from) + (Math.log(to) - Math.log(from)) * t) : from + (to - from) * t;
        }
        return out;
    }

    /** A fit row's identity columns: those before its family column (the group keys, and run_id for a run's laws). */
    static List<String> keysOf(Row fit) {
        return dev.lawfit.changes.VersionTables.keysOf("laws", List.of(fit.schema().fieldNames()));
    }

    static FitSettings settings(Row fit) {
        Object delta = fit.getAs("huber_delta");
        return delta == null ? FitSettings.DEFAULT : FitSettings.DEFAULT.withHuberDelta((Double) delta);
    }

    static double level(Row fit) {
        int i = fit.fieldIndex("ci_level");
        return fit.isNullAt(i) ? 0.95 : fit.getDouble(i);
    }

    static Map<String, List<Row>> byGroup(List<Row> rows, List<String> keys) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (Row r : rows) out.computeIfAbsent(groupName(r, keys), k -> new ArrayList<>()).add(r);
        return out;
    }

    static Map<String, List<Row>> byKey(List<Row> rows, List<String> keys) {
        Map<String, List<Row>> out = new TreeMap<>();
        for (Row r : rows) out.computeIfAbsent(groupName(r, keys) + "\u0000" + r.getAs("law"), k -> new ArrayList<>()).add(r);
        return out;
    }

    /** The fit solid where {@code inData}, dashed elsewhere, and its band dotted. */
    static void addFit(List<ReportCharts.Series> series, String label, double[] xs, LawBand.Curve curve,
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

    static double[] pick(double[] values, List<Integer> at) {
        return at.stream().mapToDouble(i -> values[i]).toArray();
    }

    /** Every ok fit's parameters and derived quantities without a budget, with their intervals; {@code label} columns name the fit. */
    static String parameterTable(List<Row> fits, List<String> label, boolean derivedToo) {
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

    static String num(Double v) {
        return v == null ? "" : number(v, 4);
    }

    /**
     * A number for people: empty for NaN, a whole number as one (a rank, a count: 1, not 1.0000), else {@code digits}
     * decimals, or significant digits when very large or small.
     */
    static String number(double v, int digits) {
        if (Double.isNaN(v)) return "";
        double a = Math.abs(v);
        if (v == Math.rint(v) && a < 1e9) return String.format("%d", (long) v);
        return String.format(a != 0 && (a >= 1e5 || a < 1e-3) ? "%." + digits + "g" : "%." + digits + "f", v);
    }

    static String percent(Double v) {
        return v == null || v.isNaN() ? "" : String.format("%.2f%%", 100 * v);
    }

    static String esc(Object s) {
        return s == null ? "" : String.valueOf(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
