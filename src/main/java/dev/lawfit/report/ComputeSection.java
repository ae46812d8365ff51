package dev.lawfit.report;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.ComputeOptimal;
import dev.lawfit.law.Family;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.report.Page.*;

/** The compute family's section: per group, loss against compute and tokens, the largest size's band, residuals, the forms compared, and the comparison table. */
final class ComputeSection {

    private ComputeSection() {
    }

    static int computeSections(StringBuilder html, Fits f) {
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
    static void forms(StringBuilder html, String group, List<Row> fits, List<ReportCharts.Point> points, Fits f) {
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
    static String largestSizeBand(String group, Row fit, List<Row> observed) {
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

    /** The comparison table, its numbers rounded. */
    static String comparisonTable(List<Row> rows, List<String> keys) {
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
}
