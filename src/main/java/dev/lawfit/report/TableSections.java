package dev.lawfit.report;

import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.report.Page.esc;
import static dev.lawfit.report.Page.img;

/**
 * Report sections for the tables that are not one family's fits: the compute-optimal frontier, every family's
 * backtest, the temporal law's tables and the rejects; and a plain table for the rest. Each returns its HTML.
 */
final class TableSections {

    private TableSections() {
    }

    private static String group(Row r, List<String> keys) {
        return Page.groupName(r, keys);
    }

    private static double number(Row r, String column) {
        int i = r.fieldIndex(column);
        return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
    }

    private static String num(double v) {
        return Page.number(v, 3);
    }

    /** A cell for people: numbers rounded, maps as {@code name = value} pairs, lists comma-separated (not {@code Map(...)}). */
    static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof Double d) return num(d);
        if (v instanceof Float f) return num(f);
        if (v instanceof scala.collection.Map<?, ?> m) v = scala.jdk.javaapi.CollectionConverters.asJava(m);
        if (v instanceof scala.collection.Seq<?> q) v = scala.jdk.javaapi.CollectionConverters.asJava(q);
        if (v instanceof java.util.Map<?, ?> m) {
            List<String> parts = new java.util.ArrayList<>();
            new TreeMap<Object, Object>(m).forEach((k, x) -> parts.add(k + " = " + cell(x)));
            return String.join(", ", parts);
        }
        if (v instanceof java.util.List<?> l) return String.join(", ", l.stream().map(TableSections::cell).toList());
        return String.valueOf(v);
    }

    /** N_opt (solid) and D_opt (dashed) against the compute budget, one colour per approach, exponents with intervals in the legend. */
    static String frontier(List<Row> rows, List<String> keys) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-frontier\"><h2>Compute-optimal frontier</h2>")
                .append("<p>Per group and approach, N_opt(C) = k_N C^a (solid) and D_opt(C) = k_D C^b (dashed) at the compute budgets; ")
                .append("the legend gives a with its bootstrap interval where the approach has one.</p>");
        Map<String, List<Row>> byGroup = new TreeMap<>();
        for (Row r : rows) byGroup.computeIfAbsent(group(r, keys), k -> new ArrayList<>()).add(r);
        for (Map.Entry<String, List<Row>> g : byGroup.entrySet()) {
            List<ReportCharts.Series> series = new ArrayList<>();
            int colour = 0;
            StringBuilder failed = new StringBuilder();
            for (Row r : g.getValue()) {
                if (!dev.lawfit.fit.FitStatus.usable(r.<String>getAs("status"))) {
                    failed.append("<li>").append(esc(r.getAs("approach"))).append(": ").append(esc(r.getAs("status"))).append(", ")
                            .append(esc(r.getAs("message"))).append("</li>");
                    continue;
                }
                if (!Page.flags(r).isEmpty() && failed.indexOf(r.<String>getAs("message")) < 0) {
                    failed.append("<li class=\"bad\">").append(esc(String.join(", ", Page.flags(r)))).append(": ").append(esc(r.getAs("message")))
                            .append("</li>");
                }
                Map<String, Double> n = r.isNullAt(r.fieldIndex("n_opt")) ? Map.of() : new TreeMap<>(r.getJavaMap(r.fieldIndex("n_opt")));
                Map<String, Double> d = r.isNullAt(r.fieldIndex("d_opt")) ? Map.of() : new TreeMap<>(r.getJavaMap(r.fieldIndex("d_opt")));
                if (n.isEmpty()) continue;
                String a = "a " + num(number(r, "a"));
                if (!r.isNullAt(r.fieldIndex("ci_low"))) {
                    Map<String, Double> low = r.getJavaMap(r.fieldIndex("ci_low")), high = r.getJavaMap(r.fieldIndex("ci_high"));
                    if (low.get("a") != null) a += " [" + num(low.get("a")) + ", " + num(high.get("a")) + "]";
                }
                double[] c = n.keySet().stream().mapToDouble(Double::parseDouble).sorted().toArray();
                double[] nv = java.util.Arrays.stream(c).map(x -> n.get(key(n, x))).toArray();
                double[] dv = java.util.Arrays.stream(c).map(x -> d.getOrDefault(key(d, x), Double.NaN)).toArray();
                series.add(new ReportCharts.Series(r.getAs("approach") + ": " + a, c, nv, ReportCharts.Kind.FIT, colour));
                series.add(new ReportCharts.Series(r.getAs("approach") + " D_opt", c, dv, ReportCharts.Kind.EXTRAPOLATION, colour));
                colour++;
            }
            html.append("<h3>").append(esc(g.getKey())).append("</h3>");
            if (!series.isEmpty()) {
                html.append(img(ReportCharts.xy("N_opt (solid) and D_opt (dashed) against compute", "compute budget C (FLOPs)", "N_opt, D_opt",
                        true, series, true), "frontier"));
            }
            if (failed.length() > 0) html.append("<ul>").append(failed).append("</ul>");
        }
        return html.append("</section>").toString();
    }

    private static String key(Map<String, Double> m, double x) {
        for (String k : m.keySet()) if (Double.parseDouble(k) == x) return k;
        return null;
    }

    /** Every family's backtest: each held-out point's prediction against what was observed, one colour per law. */
    static String backtest(List<Row> rows) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-backtest\"><h2>Backtests</h2>")
                .append("<p>Each law refitted without its held-out points (the largest sizes, the most over-trained, the highest compute or ")
                .append("a run's late checkpoints) predicts them: points on the diagonal were predicted exactly.</p>");
        Map<String, Map<String, List<double[]>>> byFamily = new TreeMap<>();
        for (Row r : rows) {
            String family = r.getAs("family") == null ? dev.lawfit.law.Family.COMPUTE.label() : r.getAs("family");
            byFamily.computeIfAbsent(family, k -> new TreeMap<>()).computeIfAbsent(r.getAs("law"), k -> new ArrayList<>())
                    .add(new double[] {number(r, "observed"), number(r, "predicted")});
        }
        for (Map.Entry<String, Map<String, List<double[]>>> f : byFamily.entrySet()) {
            List<ReportCharts.Series> series = new ArrayList<>();
            double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
            int colour = 0;
            for (Map.Entry<String, List<double[]>> law : f.getValue().entrySet()) {
                double[] x = law.getValue().stream().mapToDouble(v -> v[0]).toArray(), y = law.getValue().stream().mapToDouble(v -> v[1]).toArray();
                for (double v : x) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                series.add(new ReportCharts.Series(law.getKey(), x, y, ReportCharts.Kind.POINTS, colour++));
            }
            series.add(new ReportCharts.Series("predicted = observed", new double[] {lo, hi}, new double[] {lo, hi}, ReportCharts.Kind.FIT, 17));
            html.append(img(ReportCharts.xy(f.getKey() + " laws: held-out points, predicted vs observed", "observed", "predicted", false, series),
                    "backtest " + f.getKey()));
        }
        return html.append("</section>").toString();
    }

    /**
     * The rolling-origin folds: every held-out point's log error against how far past its fold it lay, a colour per law,
     * per family. Where a law's points fan out or drift from zero as the distance grows, its forecasts far out are less
     * trustworthy, and their intervals say so.
     */
    static String folds(List<Row> rows) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-folds\"><h2>Extrapolation error by distance</h2>")
                .append("<p>Each law refitted on a group's smaller levels (rolling-origin folds) predicts every larger one: the log error ")
                .append("(positive: the law predicted too low) against the distance past the fold, in natural-log units (ln 10 = 10x). These ")
                .append("errors calibrate every forecast's interval.</p>");
        Map<String, Map<String, List<double[]>>> byFamily = new TreeMap<>();
        for (Row r : rows) {
            String family = r.getAs("family") == null ? dev.lawfit.law.Family.COMPUTE.label() : r.getAs("family");
            byFamily.computeIfAbsent(family, k -> new TreeMap<>()).computeIfAbsent(r.getAs("law"), k -> new ArrayList<>())
                    .add(new double[] {number(r, "distance"), number(r, "log_error")});
        }
        for (Map.Entry<String, Map<String, List<double[]>>> f : byFamily.entrySet()) {
            List<ReportCharts.Series> series = new ArrayList<>();
            int colour = 0;
            for (Map.Entry<String, List<double[]>> law : f.getValue().entrySet()) {
                series.add(new ReportCharts.Series(law.getKey(), law.getValue().stream().mapToDouble(v -> v[0]).toArray(),
                        law.getValue().stream().mapToDouble(v -> v[1]).toArray(), ReportCharts.Kind.POINTS, colour++));
            }
            html.append(img(ReportCharts.xy(f.getKey() + " laws: fold errors against distance past the fold", "distance (natural log)",
                    "log(observed / predicted)", false, series), "folds " + f.getKey()));
        }
        return html.append("</section>").toString();
    }

    /** The rejects: how many rows each reason stopped, and an example of each. */
    static String rejects(List<Row> rows) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-rejects\"><h2>Rejects</h2>");
        if (rows.isEmpty()) return html.append("<p>No row was rejected.</p></section>").toString();
        Map<String, Double> counts = new LinkedHashMap<>();
        Map<String, String> example = new LinkedHashMap<>();
        for (Row r : rows) {
            String reasons = r.getAs("reject_reason");
            for (String reason : reasons.split("; ")) {
                String kind = reason.replaceAll(", got .*$", "").replaceAll(": '.*'$", "").replaceAll("at step [0-9.E]+", "at a step");
                counts.merge(kind, 1.0, Double::sum);
                example.putIfAbsent(kind, r.getAs("source_file") + ": " + reason);
            }
        }
        Map<String, Double> top = new LinkedHashMap<>();
        counts.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(12).forEach(e -> top.put(e.getKey(), e.getValue()));
        html.append("<p>").append(rows.size()).append(rows.size() == 1 ? " row" : " rows").append(" rejected; every reason a row breaks is counted.</p>")
                .append(img(ReportCharts.bars("Rejected rows by reason", "reason", "rows", top), "rejects by reason"))
                .append("<table><tr><th class=\"k\">reason</th><th>rows</th><th class=\"k\">example</th></tr>");
        counts.forEach((k, v) -> html.append("<tr><td class=\"k\">").append(esc(k)).append("</td><td>").append(v.intValue())
                .append("</td><td class=\"k\">").append(esc(example.get(k))).append("</td></tr>"));
        return html.append("</table></section>").toString();
    }

    /** The temporal law's tables: its held-out error by method and fraction, its ranking, the per-position parameters over training. */
    static String temporal(List<Row> quality, List<Row> ranking, List<Row> points) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-temporal_quality\"><h2>Temporal law</h2>");
        Map<String, double[]> byMethod = new TreeMap<>();
        for (Row q : quality) {
            if (!"ok".equals(q.getAs("status")) || Double.isNaN(number(q, "held_out_are"))) continue;
            double[] s = byMethod.computeIfAbsent(q.getAs("method") + " @" + q.getAs("fit_fraction"), k -> new double[2]);
            s[0] += number(q, "held_out_are");
            s[1]++;
        }
        Map<String, Double> mean = new LinkedHashMap<>();
        byMethod.forEach((k, v) -> mean.put(k, 100 * v[0] / v[1]));
        if (!mean.isEmpty()) {
            html.append(img(ReportCharts.bars("Mean error on the rest of each run, by method and fit fraction", "method @ fit fraction",
                    "mean relative error (%)", mean), "temporal quality"));
        }
        html.append("</section><section class=\"table\" id=\"table-temporal_ranking\"><h3>Runs ranked by predicted final loss</h3>");
        Map<String, List<Row>> byFit = new TreeMap<>();
        for (Row r : ranking) byFit.computeIfAbsent(r.getAs("method") + " @" + r.getAs("fit_fraction"), k -> new ArrayList<>()).add(r);
        List<ReportCharts.Series> parity = new ArrayList<>();
        int colour = 0;
        for (Map.Entry<String, List<Row>> e : byFit.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(r -> number(r, "observed_final")).toArray();
            double[] y = e.getValue().stream().mapToDouble(r -> number(r, "predicted_final")).toArray();
            double rho = e.getValue().isEmpty() ? Double.NaN : number(e.getValue().get(0), "rank_correlation");
            parity.add(new ReportCharts.Series(e.getKey() + " (rho " + num(rho) + ")", x, y, ReportCharts.Kind.POINTS, colour++));
        }
        if (!parity.isEmpty()) {
            html.append(img(ReportCharts.xy("Final loss of each run: predicted vs observed", "observed final loss", "predicted final loss", false, parity),
                    "temporal ranking"));
        }
        html.append("</section><section class=\"table\" id=\"table-temporal_points\"><h3>The per-position law over training</h3>");
        Map<String, List<Row>> byRun = new TreeMap<>();
        for (Row p : points) if ("ok".equals(p.getAs("status"))) byRun.computeIfAbsent(p.getAs("run_id"), k -> new ArrayList<>()).add(p);
        List<ReportCharts.Series> a2 = new ArrayList<>();
        colour = 0;
        for (Map.Entry<String, List<Row>> run : byRun.entrySet()) {
            if (colour >= 20) break;
            List<Row> rs = new ArrayList<>(run.getValue());
            rs.sort(java.util.Comparator.comparingDouble(r -> number(r, "progress")));
            a2.add(new ReportCharts.Series(run.getKey(), rs.stream().mapToDouble(r -> number(r, "progress")).toArray(),
                    rs.stream().mapToDouble(r -> number(r, "a2")).toArray(), ReportCharts.Kind.POINTS, colour++));
        }
        if (!a2.isEmpty()) {
            html.append(img(ReportCharts.xy("a2, the loss far into the context, at each checkpoint", "progress (tokens / total tokens)", "a2", false, a2),
                    "temporal points"));
        } else {
            html.append("<p>No checkpoint has per-position losses: the reduced law was fitted (see the curve family).</p>");
        }
        return html.append("</section>").toString();
    }

    /** A table without a picture of its own: its first rows. */
    static String plain(String name, String[] columns, List<Row> rows, long total) {
        StringBuilder html = new StringBuilder("<section class=\"table\" id=\"table-").append(esc(name)).append("\"><h2>").append(esc(name))
                .append("</h2><p>").append(total).append(total == 1 ? " row" : " rows").append(total > rows.size() ? "; the first " + rows.size() : "")
                .append(" (query it with <code>lawfit sql</code>).</p><table><tr>");
        for (String c : columns) html.append("<th class=\"k\">").append(esc(c)).append("</th>");
        html.append("</tr>");
        for (Row r : rows) {
            html.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                String text = cell(v);
                if (text.length() > 120) text = text.substring(0, 119) + "\u2026";
                html.append(v instanceof Number ? "<td>" : "<td class=\"k\">").append(esc(text)).append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</table></section>").toString();
    }
}
