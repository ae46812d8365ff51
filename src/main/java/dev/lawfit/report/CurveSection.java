package dev.lawfit.report;

import dev.lawfit.catalog.LawCatalog;
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

/** The curve family's section: per group, each run's loss against progress with its best-forecasting curve law. */
final class CurveSection {

    private CurveSection() {
    }

    /** One chart per group: each run's loss against progress, the first ok curve law per run, its band, its backtest forecast. */
    static int curveSections(StringBuilder html, Fits f) {
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
}
