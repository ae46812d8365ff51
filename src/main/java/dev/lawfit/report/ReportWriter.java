package dev.lawfit.report;

import dev.lawfit.LawfitException;
import dev.lawfit.job.OutputPublisher;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
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

import static org.apache.spark.sql.functions.col;

/**
 * The HTML report of a published output, one self-contained file (charts embedded as PNG): an overview
 * comparing groups (the comparison table when there is one, each group's chinchilla loss at the compute
 * budgets, every law's status), then a section per group with loss against compute and against tokens per
 * model size (fitted law solid over the data, dashed where it extrapolates), residuals, and every law's
 * parameters with their bootstrap intervals.
 */
public final class ReportWriter {

    private static final List<String> GROUP_LAWS = List.of("chinchilla", "power_compute", "pure_params", "pure_tokens", "pure_compute");
    /** Fitted curves are drawn to this multiple of each size's largest token count. */
    static final double EXTRAPOLATE = 4;

    private ReportWriter() {
    }

    /** Writes the report of the current version under {@code outputPath} to {@code target}; returns the number of group sections. */
    public static int write(SparkSession spark, String outputPath, java.nio.file.Path target) {
        Path version = OutputPublisher.currentVersion(spark.sparkContext().hadoopConfiguration(), outputPath);
        if (version == null) throw new LawfitException("no published results under " + outputPath + " (no CURRENT file)");
        if (!hasTable(spark, version, "laws")) return writeTablesOnly(spark, outputPath, version, target);
        Dataset<Row> laws = spark.read().parquet(new Path(version, "laws").toString());
        List<String> columns = Arrays.asList(laws.columns());
        List<String> keys = columns.subList(0, columns.indexOf("law"));
        if (columns.contains("run_id")) laws = laws.where(col("run_id").isNull());
        laws = laws.where(col("law").isin(GROUP_LAWS.toArray()));
        // observed points with the residuals of the group's chinchilla fit, else of its first ok law
        Dataset<Row> predictions = spark.read().parquet(new Path(version, "predictions").toString())
                .where(col("law").isin(GROUP_LAWS.toArray()));

        Map<String, List<Row>> lawsByGroup = new TreeMap<>();
        for (Row r : laws.collectAsList()) lawsByGroup.computeIfAbsent(groupName(r, keys), k -> new ArrayList<>()).add(r);
        List<Row> predicted = predictions.collectAsList();
        Map<String, String> residualLaw = new TreeMap<>();
        for (Row r : predicted) {
            String group = groupName(r, keys), law = r.getAs("law");
            String chosen = residualLaw.get(group);
            if (chosen == null || GROUP_LAWS.indexOf(law) < GROUP_LAWS.indexOf(chosen)) residualLaw.put(group, law); // chinchilla first
        }
        Map<String, List<ReportCharts.Point>> pointsByGroup = new TreeMap<>();
        for (Row r : predicted) {
            if (!r.getAs("law").equals(residualLaw.get(groupName(r, keys)))) continue;
            pointsByGroup.computeIfAbsent(groupName(r, keys), k -> new ArrayList<>()).add(new ReportCharts.Point(
                    r.<Double>getAs("params"), r.<Double>getAs("tokens"), r.<Double>getAs("flops"), r.<Double>getAs("observed"),
                    r.<Double>getAs("log_residual")));
        }

        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lawfit report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.k,th.k{text-align:left}img{max-width:100%;margin:0.5em 0}.bad{color:#b00}</style></head><body>")
                .append("<h1>lawfit report</h1><p>Output <code>").append(esc(outputPath)).append("</code>, version <code>")
                .append(esc(version.getName())).append("</code>; groups by ").append(esc(String.join(", ", keys))).append(".</p>");

        html.append("<section id=\"overview\"><h2>Overview</h2>");
        Map<String, Map<Double, Double>> lossAtBudget = new TreeMap<>();
        html.append("<table><tr><th class=\"k\">group</th><th class=\"k\">law</th><th class=\"k\">status</th><th>n</th><th>R&sup2;</th>")
                .append("<th>backtest ARE</th><th class=\"k\">message</th></tr>");
        lawsByGroup.forEach((group, rows) -> {
            for (Row r : rows) {
                String status = r.getAs("status");
                html.append("<tr><td class=\"k\">").append(esc(group)).append("</td><td class=\"k\">").append(esc(r.getAs("law")))
                        .append("</td><td class=\"k").append("ok".equals(status) ? "" : " bad").append("\">").append(esc(status))
                        .append("</td><td>").append(r.<Object>getAs("n_points")).append("</td><td>").append(num(r.getAs("r2")))
                        .append("</td><td>").append(percent(r.getAs("backtest_are"))).append("</td><td class=\"k\">")
                        .append(esc(r.getAs("message"))).append("</td></tr>");
                if ("chinchilla".equals(r.getAs("law")) && "ok".equals(status)) {
                    Map<Double, Double> budgets = new TreeMap<>();
                    Map<String, Double> derived = r.getJavaMap(r.fieldIndex("derived"));
                    derived.forEach((name, value) -> {
                        dev.lawfit.law.Budgets.Key at = dev.lawfit.law.Budgets.Key.parse(name);
                        if (at != null && at.name().equals("loss")) budgets.put(Double.parseDouble(at.budget()), value);
                    });
                    lossAtBudget.put(group, budgets);
                }
            }
        });
        html.append("</table>");
        if (!lossAtBudget.isEmpty()) {
            html.append(img(ReportCharts.perBudget("Chinchilla loss at each compute budget, by group", "loss at the compute-optimal allocation",
                    lossAtBudget), "loss at budgets"));
        }
        try {
            if (version.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(version, "comparison"))) {
                html.append("<h3>Comparison</h3>").append(table(spark.read().parquet(new Path(version, "comparison").toString())
                        .selectExpr(comparisonColumns(keys))));
            }
        } catch (IOException e) {
            throw new LawfitException("cannot read " + version + ": " + e.getMessage(), e);
        }
        html.append("</section>");

        int sections = 0;
        for (Map.Entry<String, List<Row>> g : lawsByGroup.entrySet()) {
            String group = g.getKey();
            List<ReportCharts.Point> points = pointsByGroup.getOrDefault(group, List.of());
            ReportCharts.Chinchilla law = null;
            double[] power = null;
            for (Row r : g.getValue()) {
                if (!"ok".equals(r.getAs("status"))) continue;
                Map<String, Double> p = r.getJavaMap(r.fieldIndex("params"));
                if ("chinchilla".equals(r.getAs("law"))) law = new ReportCharts.Chinchilla(p.get("E"), p.get("A"), p.get("B"), p.get("alpha"), p.get("beta"));
                if ("power_compute".equals(r.getAs("law"))) power = new double[] {p.get("E"), p.get("A"), p.get("alpha")};
            }
            html.append("<section class=\"group\" id=\"group-").append(sections).append("\"><h2>").append(esc(group)).append("</h2>");
            if (!points.isEmpty()) {
                html.append(img(ReportCharts.lossCurves(group + ": loss against compute", points, law, power, true, EXTRAPOLATE), "loss against compute"));
                html.append(img(ReportCharts.lossCurves(group + ": loss against tokens, per model size", points, law, null, false, EXTRAPOLATE),
                        "loss against tokens"));
                html.append(img(ReportCharts.residuals(group + ": " + residualLaw.get(group) + " residuals", points), "residuals"));
            } else {
                html.append("<p>No law of this group was fitted: nothing to draw.</p>");
            }
            html.append(parameterTable(g.getValue())).append("</section>");
            sections++;
        }
        html.append("</body></html>");
        try {
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.writeString(target, html);
        } catch (IOException e) {
            throw new LawfitException("cannot write the report to " + target + ": " + e.getMessage(), e);
        }
        return sections;
    }

    private static String[] comparisonColumns(List<String> keys) {
        List<String> out = new ArrayList<>(keys.stream().map(k -> "`" + k + "`").toList());
        out.addAll(List.of("round(alpha, 3) AS alpha", "round(beta, 3) AS beta", "round(a_chinchilla, 3) AS a_chinchilla",
                "round(a_isoflop, 3) AS a_isoflop", "round(a_envelope, 3) AS a_envelope", "round(loss_k_pf_days_envelope, 3) AS `L(C) k`",
                "round(loss_exponent_envelope, 4) AS `L(C) exponent`", "flops_convention"));
        return out.toArray(String[]::new);
    }

    private static boolean hasTable(SparkSession spark, Path version, String table) {
        try {
            return version.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(new Path(version, table));
        } catch (java.io.IOException e) {
            throw new LawfitException("cannot read " + version + ": " + e.getMessage(), e);
        }
    }

    /**
     * An output without group laws (a loss-to-loss-only job, for one): the tables it has, each with its row count and
     * first rows, until those families get sections of their own. Returns 0 group sections.
     */
    private static int writeTablesOnly(SparkSession spark, String outputPath, Path version, java.nio.file.Path target) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>lawfit report</title><style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}</style></head><body>")
                .append("<h1>lawfit report</h1><p>Output <code>").append(esc(outputPath)).append("</code>, version <code>")
                .append(esc(version.getName())).append("</code>. This output has no group laws (no <code>laws</code> table); its tables:</p>");
        try {
            for (org.apache.hadoop.fs.FileStatus s : version.getFileSystem(spark.sparkContext().hadoopConfiguration()).listStatus(version)) {
                String name = s.getPath().getName();
                if (!s.isDirectory() || name.startsWith("_") || name.startsWith(".")) continue;
                Dataset<Row> table = spark.read().parquet(s.getPath().toString());
                long rows = table.count();
                html.append("<section class=\"table\"><h2>").append(esc(name)).append("</h2><p>").append(rows).append(rows == 1 ? " row" : " rows")
                        .append(rows > 20 ? ", the first 20:" : "").append("</p><table><tr>");
                for (String c : table.columns()) html.append("<th>").append(esc(c)).append("</th>");
                html.append("</tr>");
                for (Row r : table.limit(20).collectAsList()) {
                    html.append("<tr>");
                    for (int i = 0; i < r.length(); i++) html.append("<td>").append(esc(r.isNullAt(i) ? "" : String.valueOf(r.get(i)))).append("</td>");
                    html.append("</tr>");
                }
                html.append("</table></section>");
            }
            html.append("</body></html>");
            java.nio.file.Files.writeString(target, html);
        } catch (java.io.IOException e) {
            throw new LawfitException("cannot write the report " + target + ": " + e.getMessage(), e);
        }
        return 0;
    }

    private static String parameterTable(List<Row> laws) {
        StringBuilder t = new StringBuilder("<table><tr><th class=\"k\">law</th><th class=\"k\">parameter</th><th>estimate</th>"
                + "<th>interval low</th><th>interval high</th></tr>");
        for (Row r : laws) {
            if (!"ok".equals(r.getAs("status"))) continue;
            Map<String, Double> p = r.getJavaMap(r.fieldIndex("params"));
            Map<String, Double> low = r.isNullAt(r.fieldIndex("ci_low")) ? Map.of() : r.getJavaMap(r.fieldIndex("ci_low"));
            Map<String, Double> high = r.isNullAt(r.fieldIndex("ci_high")) ? Map.of() : r.getJavaMap(r.fieldIndex("ci_high"));
            for (Map.Entry<String, Double> e : new LinkedHashMap<>(p).entrySet()) {
                t.append("<tr><td class=\"k\">").append(esc(r.getAs("law"))).append("</td><td class=\"k\">").append(esc(e.getKey()))
                        .append("</td><td>").append(num(e.getValue())).append("</td><td>").append(num(low.get(e.getKey())))
                        .append("</td><td>").append(num(high.get(e.getKey()))).append("</td></tr>");
            }
        }
        return t.append("</table>").toString();
    }

    private static String table(Dataset<Row> rows) {
        StringBuilder t = new StringBuilder("<table><tr>");
        for (String c : rows.columns()) t.append("<th class=\"k\">").append(esc(c)).append("</th>");
        t.append("</tr>");
        for (Row r : rows.collectAsList()) {
            t.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                Object v = r.get(i);
                t.append(v instanceof String ? "<td class=\"k\">" : "<td>").append(v instanceof Double d ? num(d) : esc(v == null ? "" : String.valueOf(v)))
                        .append("</td>");
            }
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static String img(String base64, String alt) {
        return "<div><img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + base64 + "\"></div>";
    }

    private static String groupName(Row r, List<String> keys) {
        List<String> parts = new ArrayList<>();
        for (String k : keys) parts.add(String.valueOf((Object) r.getAs(k)));
        return String.join(" / ", parts);
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
