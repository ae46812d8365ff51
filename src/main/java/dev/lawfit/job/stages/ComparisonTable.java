package dev.lawfit.job.stages;

import dev.lawfit.job.ingest.InputReader;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;

/**
 * The {@code comparison} table: one row per group (e.g. per architecture) with the chinchilla parameters and
 * their intervals, the compute-optimal exponents of every frontier approach side by side, and the predicted
 * loss at the compute budgets. Built from the laws and frontier tables, so it adds no fitting.
 */
public final class ComparisonTable {

    private static final List<String> PARAMETERS = List.of("E", "A", "B", "alpha", "beta");
    private static final List<String> APPROACHES = List.of(dev.lawfit.law.ChinchillaLaw.NAME, "isoflop", "envelope");

    private ComparisonTable() {
    }

    public static Dataset<Row> build(Dataset<Row> laws, Dataset<Row> frontier, List<String> keys) {
        List<Column> lawColumns = new ArrayList<>();
        for (String key : keys) lawColumns.add(column(key));
        for (String p : PARAMETERS) {
            lawColumns.add(expr("parameters['" + p + "']").as(p));
            lawColumns.add(expr("ci_low['" + p + "']").as(p + "_low"));
            lawColumns.add(expr("ci_high['" + p + "']").as(p + "_high"));
        }
        // Parquet column names are case-insensitive: the allocation exponents a, b (next to A, B) are
        // a_chinchilla, b_chinchilla, with the other approaches' beside them.
        for (String p : List.of("a", "b")) {
            lawColumns.add(expr("ci_low['" + p + "']").as(p + "_chinchilla_low"));
            lawColumns.add(expr("ci_high['" + p + "']").as(p + "_chinchilla_high"));
        }
        lawColumns.add(expr("map_filter(derived, (k, v) -> k like 'loss@%')").as("loss_at"));
        lawColumns.add(expr("map_filter(ci_low, (k, v) -> k like 'loss@%')").as("loss_at_low"));
        lawColumns.add(expr("map_filter(ci_high, (k, v) -> k like 'loss@%')").as("loss_at_high"));
        lawColumns.add(column("backtest_are"));
        lawColumns.add(column("flops_convention"));
        Dataset<Row> chinchilla = laws.where("law = 'chinchilla' and " + dev.lawfit.fit.FitStatus.USABLE_SQL).select(lawColumns.toArray(Column[]::new));

        List<Column> pivoted = new ArrayList<>();
        for (String approach : APPROACHES) {
            String when = "approach = '" + approach + "' and " + dev.lawfit.fit.FitStatus.USABLE_SQL;
            pivoted.add(first(expr("case when " + when + " then a end"), true).as("a_" + approach));
            pivoted.add(first(expr("case when " + when + " then b end"), true).as("b_" + approach));
            pivoted.add(first(expr("case when " + when + " then k_n_pf_days end"), true).as("k_n_pf_days_" + approach));
            pivoted.add(first(expr("case when " + when + " then k_d_pf_days end"), true).as("k_d_pf_days_" + approach));
        }
        // the frontier loss L_opt(C) = k C^exponent with C in PF-days, as the linear-complexity study reports L(C)
        for (String approach : List.of("envelope", "isoflop")) {
            String when = "approach = '" + approach + "' and " + dev.lawfit.fit.FitStatus.USABLE_SQL;
            pivoted.add(first(expr("case when " + when + " then loss_k * power(" + dev.lawfit.law.FlopConvention.PF_DAY
                    + ", loss_exponent) end"), true).as("loss_k_pf_days_" + approach));
            pivoted.add(first(expr("case when " + when + " then loss_exponent end"), true).as("loss_exponent_" + approach));
        }
        Column[] groupBy = keys.stream().map(InputReader::column).toArray(Column[]::new);
        Dataset<Row> frontiers = frontier.groupBy(groupBy).agg(pivoted.get(0), pivoted.subList(1, pivoted.size()).toArray(Column[]::new));
        return chinchilla.join(frontiers, scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left").orderBy(groupBy);
    }
}
