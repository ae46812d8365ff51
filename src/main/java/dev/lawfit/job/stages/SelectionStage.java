package dev.lawfit.job.stages;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.LawSelection;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.SelectionTables;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

/**
 * Tables built across the (N, D, C) laws of each group from the complete {@code laws} table (fresh and reused groups
 * alike): {@code forecasts}, every law's prediction at the spec's targets with its bootstrap interval, and
 * {@code law_selection}, the laws ranked by held-out error on the same split, by the core's {@link LawSelection}.
 */
public final class SelectionStage {

    private SelectionStage() {
    }

    private static Dataset<Row> computeLaws(Dataset<Row> laws) {
        return laws.where(column("family").equalTo(dev.lawfit.law.Family.COMPUTE.label()));
    }

    /** One row per (group, law, target): the target, the law's prediction there and its interval. */
    public static Dataset<Row> forecasts(SparkSession spark, Dataset<Row> laws, List<String> keys, FitSettings settings) {
        List<Row> targets = settings.forecastTargets().stream().map(SelectionTables::targetRow).toList();
        Dataset<Row> targetTable = spark.createDataFrame(targets, SelectionTables.TARGET);
        List<Column> select = new ArrayList<>();
        for (String key : keys) select.add(column(key));
        select.add(column("law"));
        select.add(column("ci_low"));
        select.add(column("ci_high"));
        select.add(column("ci_level"));
        select.add(column(ForecastIntervals.LOW));
        select.add(column(ForecastIntervals.HIGH));
        select.add(column(ForecastIntervals.METHOD));
        select.add(column("forecast_distance"));
        select.add(explode(column("forecasts")).as(new String[] {"target", "prediction"}));
        Dataset<Row> exploded = computeLaws(laws).where(Columns.usable()).select(select.toArray(Column[]::new));
        Column at = concat(lit(Bootstrap.FORECAST), column("target"));
        List<Column> out = new ArrayList<>();
        for (String key : keys) out.add(column(key));
        out.add(column("law"));
        for (String c : SelectionTables.TARGET.fieldNames()) out.add(column(c));
        out.add(column("prediction"));
        out.add(element_at(column(ForecastIntervals.LOW), column("target")).as("low"));
        out.add(element_at(column(ForecastIntervals.HIGH), column("target")).as("high"));
        out.add(column("ci_level"));
        out.add(element_at(column("forecast_distance"), column("target")).as("distance"));
        out.add(column(ForecastIntervals.METHOD).as("interval_method"));
        out.add(element_at(column("ci_low"), at).as("bootstrap_low"));
        out.add(element_at(column("ci_high"), at).as("bootstrap_high"));
        List<Column> order = new ArrayList<>();
        for (String key : keys) order.add(column(key));
        order.add(column("target_flops"));
        order.add(column("target"));
        order.add(column("law"));
        return exploded.join(targetTable, "target").select(out.toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
    }

    /**
     * One row per (group, law): rank on the rolling-origin folds with an interval, whether it is tied with the best and the
     * ranking settled, the classic held-out split's error, baseline and the group's form-dependence verdict.
     */
    public static Dataset<Row> lawSelection(Dataset<Row> laws, Dataset<Row> folds, List<String> keys, FitSettings settings) {
        List<String> on = new ArrayList<>(keys);
        on.add("law");
        Dataset<Row> errors = folds == null ? null : folds.where(column("family").equalTo(dev.lawfit.law.Family.COMPUTE.label()))
                .groupBy(on.stream().map(dev.lawfit.job.tables.Columns::column).toArray(Column[]::new))
                .agg(collect_list(struct(column("cut"), column("point"), column("distance"), column("are"))).as("fold_errors"));
        Dataset<Row> withFolds = errors == null ? computeLaws(laws).withColumn("fold_errors", lit(null))
                : computeLaws(laws).join(errors, scala.jdk.javaapi.CollectionConverters.asScala(on).toSeq(), "left");
        Dataset<Row> grouped = withFolds.select(Columns.keyStruct(keys), struct(column("law"), column("status"), column("backtest_status"),
                        column("backtest_message"), column("backtest_split"), column("backtest_points"), column("backtest_are"),
                        column("backtest_are_low"), column("backtest_are_high"), column("baseline_are"), column("forecasts"),
                        column(ForecastIntervals.LOW), column(ForecastIntervals.HIGH), column("fold_errors")).as("candidate"))
                .groupBy(column(Columns.KEY)).agg(collect_list(column("candidate")).as("candidates"));
        StructType schema = SelectionTables.selection(keys);
        Dataset<Row> ranked = grouped.flatMap(new Ranker(schema, settings.backtestSplit().label()), Encoders.row(schema));
        List<Column> flat = new ArrayList<>(Columns.flatKey(keys));
        for (String c : SelectionTables.SELECTION.fieldNames()) flat.add(column(c));
        List<Column> order = new ArrayList<>();
        for (String key : keys) order.add(column(key));
        order.add(org.apache.spark.sql.functions.coalesce(column("rank"), lit(Integer.MAX_VALUE)));
        order.add(column("law"));
        return ranked.select(flat.toArray(Column[]::new)).orderBy(order.toArray(Column[]::new));
    }

    /** A group's laws through the core's ranking. */
    static final class Ranker implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final StructType schema;
        private final String split;

        Ranker(StructType schema, String split) {
            this.schema = schema;
            this.split = split;
        }

        @Override
        public Iterator<Row> call(Row group) {
            List<LawSelection.Candidate> candidates = new ArrayList<>();
            for (Row c : group.<Row>getList(group.fieldIndex("candidates"))) {
                List<LawSelection.FoldError> folds = new ArrayList<>();
                if (!c.isNullAt(c.fieldIndex("fold_errors"))) {
                    for (Row e : c.<Row>getList(c.fieldIndex("fold_errors"))) {
                        folds.add(new LawSelection.FoldError(e.getInt(0), e.getInt(1), e.getDouble(2), e.getDouble(3)));
                    }
                }
                candidates.add(new LawSelection.Candidate(c.getAs("law"), c.getAs("status"), c.getAs("backtest_status"), c.getAs("backtest_message"),
                        c.isNullAt(c.fieldIndex("backtest_points")) ? 0 : c.<Integer>getAs("backtest_points"), d(c, "backtest_are"),
                        d(c, "backtest_are_low"), d(c, "backtest_are_high"), d(c, "baseline_are"), map(c, "forecasts", ""),
                        map(c, ForecastIntervals.LOW, ""), map(c, ForecastIntervals.HIGH, ""), folds));
            }
            candidates.sort(java.util.Comparator.comparing(LawSelection.Candidate::law));
            List<Row> out = new ArrayList<>();
            for (LawSelection.Ranked r : LawSelection.rank(candidates)) {
                out.add(SelectionTables.selectionRow(schema, group.getAs(Columns.KEY), r.rank() == null ? null : split, r));
            }
            return out.iterator();
        }

        private static double d(Row r, String column) {
            Object v = r.getAs(column);
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        }

        /** A map column's entries whose key starts with {@code prefix}, the prefix removed. */
        private static Map<String, Double> map(Row r, String column, String prefix) {
            Map<String, Double> out = new LinkedHashMap<>();
            scala.collection.Map<String, Object> m = r.getAs(column);
            if (m == null) return out;
            CollectionConverters.asJava(m).forEach((k, v) -> {
                if (k.startsWith(prefix) && v != null) out.put(k.substring(prefix.length()), ((Number) v).doubleValue());
            });
            return out;
        }
    }
}
