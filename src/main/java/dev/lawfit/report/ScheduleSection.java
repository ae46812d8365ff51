package dev.lawfit.report;

import dev.lawfit.catalog.LawCatalog;
import dev.lawfit.law.Family;
import dev.lawfit.law.Law;
import dev.lawfit.schedule.ScheduleStudy;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.report.Page.*;

/** The schedule family's section, from its own tables: runs and schedules, the rest of runs, the scores, the ranking. */
final class ScheduleSection {

    private ScheduleSection() {
    }

    /** The schedule-aware law to draw: the first of the catalog's schedule laws (the Multi-Power Law first) the quality table scores. */
    static String scheduleLaw(List<Row> quality) {
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
    static int scheduleSections(StringBuilder html, ReportSource source, List<Row> fits) {
        List<String> columns = Arrays.asList(source.columns("schedule_quality"));
        List<String> keys = columns.subList(0, columns.indexOf("law"));
        Map<String, List<Row>> quality = byGroup(source.rows("schedule_quality"), keys);
        List<Row> sortedPredictions = new ArrayList<>(source.rows("schedule_predictions"));
        sortedPredictions.sort(java.util.Comparator.<Row, String>comparing(r -> r.getAs("run_id")).thenComparingDouble(r -> r.<Double>getAs("step")));
        Map<String, List<Row>> predictions = byGroup(sortedPredictions, keys);
        List<Row> sortedRanking = new ArrayList<>(source.has("schedule_ranking") ? source.rows("schedule_ranking") : List.of());
        sortedRanking.sort(java.util.Comparator.<Row, String>comparing(r -> r.getAs("law")).thenComparingDouble(r -> r.<Double>getAs("predicted_rank")));
        Map<String, List<Row>> ranking = byGroup(sortedRanking, keys);
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
}
