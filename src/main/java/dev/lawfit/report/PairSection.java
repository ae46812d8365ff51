package dev.lawfit.report;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Family;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.report.Page.*;

/** The loss-to-loss and downstream sections: one chart per line or task with every law of it, and what moves a line. */
final class PairSection {

    private PairSection() {
    }

    /** How many factor tests get charts (the table lists them all). */
    static final int FACTOR_CHARTS = 24;

    /**
     * What moves the line: a table of every factor test (verdict, effect in nats with its interval, what was held fixed),
     * and for the first {@link #FACTOR_CHARTS}: each level's offset with its interval against the tolerance, and the
     * pairs coloured by level with the pooled line and each level's own line.
     */
    static void factorSections(StringBuilder html, List<Row> factors, Fits f) {
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
        int drawn = 0, chartable = 0;
        for (Row r : factors) {
            Map<String, Double> offsets = r.isNullAt(r.fieldIndex("level_offsets")) ? Map.of() : r.getJavaMap(r.fieldIndex("level_offsets"));
            if (offsets.size() < 2) continue;
            if (chartable++ >= FACTOR_CHARTS) continue;
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
        if (chartable > drawn) {
            html.append("<p>Charts for the first ").append(drawn).append(" of ").append(chartable).append(" factor tests with two or more levels ")
                    .append("(the table above lists every test; <code>lawfit sql</code> on <code>line_factors</code> has their offsets).</p>");
        }
    }

    /** The pairs of one factor test coloured by level, with the pooled line and each level's own line; null when the pairs are not at hand. */
    static String linesByLevel(Row test, Fits f) {
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
    static double[] lineAt(Map<String, Double> parameters, double[] grid) {
        Law line = LawCatalog.byName(dev.lawfit.losstoloss.LossLineLaw.NAME);
        double[] theta = line.theta(parameters);
        Points at = along(grid);
        double[] ys = new double[grid.length];
        for (int i = 0; i < grid.length; i++) ys[i] = line.predict(theta, at, i);
        return ys;
    }

    /** Loss-to-loss lines and downstream laws: one chart per fit key (a line, a task), every law of it drawn. */
    static int pairSections(StringBuilder html, Fits f) {
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
}
