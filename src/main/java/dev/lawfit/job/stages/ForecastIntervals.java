package dev.lawfit.job.stages;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.ExtrapolationError;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.RowBuilder;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lawfit.job.tables.Columns.column;

/**
 * Every published forecast's extrapolation-aware interval ({@link ExtrapolationError}), on a complete table of fitted laws
 * (fresh and reused rows alike): each law's fold statistics pooled over the table's groups, each row's own shrunk toward
 * them, and the forecasts' bootstrap intervals recalibrated. Adds {@code forecast_low}, {@code forecast_high} (by target, as
 * {@code forecasts}) and {@code interval_method}; the bootstrap-only intervals stay in {@code ci_low}/{@code ci_high}. Also the
 * diagnostics that need the bootstrap ({@link dev.lawfit.fit.Diagnostics#ofIntervals}): their flags join the row's, and an ok
 * fit with one becomes ok with warnings.
 */
public final class ForecastIntervals {

    public static final String LOW = "forecast_low", HIGH = "forecast_high", METHOD = "interval_method";

    private ForecastIntervals() {
    }

    public static Dataset<Row> apply(Dataset<Row> laws) {
        if (laws == null) return null;
        java.util.Set<String> columns = java.util.Set.of(laws.columns());
        if (!columns.contains("fold_stats") || !columns.contains("forecasts")) return laws;
        Map<String, ExtrapolationError.Stats> pooled = new HashMap<>();
        for (Row r : laws.where(column("fold_stats").isNotNull()).select(column("family"), column("law"), column("fold_stats")).collectAsList()) {
            ExtrapolationError.Stats s = ExtrapolationError.Stats.of(r.isNullAt(2) ? null : r.<String, Double>getJavaMap(2));
            pooled.merge(r.getString(0) + "/" + r.getString(1), s, ExtrapolationError.Stats::plus);
        }
        Dataset<Row> base = laws;
        for (String c : List.of(LOW, HIGH, METHOD)) if (columns.contains(c)) base = base.drop(c);
        List<StructField> fields = new ArrayList<>(List.of(base.schema().fields()));
        fields.add(Columns.field(LOW, Columns.MAP));
        fields.add(Columns.field(HIGH, Columns.MAP));
        fields.add(Columns.field(METHOD, DataTypes.StringType));
        StructType schema = new StructType(fields.toArray(StructField[]::new));
        return base.map(new Calibrator(pooled, schema), Encoders.row(schema));
    }

    /** One row's forecasts, recalibrated. */
    static final class Calibrator implements MapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final Map<String, ExtrapolationError.Stats> pooled;
        private final StructType schema;

        Calibrator(Map<String, ExtrapolationError.Stats> pooled, StructType schema) {
            this.pooled = pooled;
            this.schema = schema;
        }

        @Override
        public Row call(Row row) {
            Object[] values = new Object[schema.size()];
            for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
            flag(row, values);
            Map<String, Double> forecasts = map(row, "forecasts");
            Map<String, Double> low = new LinkedHashMap<>(), high = new LinkedHashMap<>();
            String method = null;
            if (!forecasts.isEmpty() && dev.lawfit.fit.FitStatus.usable(row.<String>getAs("status"))) {
                ExtrapolationError.Calibration calibration = ExtrapolationError.choose(
                        ExtrapolationError.Stats.of(map(row, "fold_stats")), pooled.get(row.<String>getAs("family") + "/" + row.<String>getAs("law")));
                Map<String, Double> bootLow = map(row, "ci_low"), bootHigh = map(row, "ci_high"), distance = map(row, "forecast_distance");
                double level = row.isNullAt(row.fieldIndex("ci_level")) ? 0.95 : row.<Double>getAs("ci_level");
                double noise = row.isNullAt(row.fieldIndex("rmse_log")) ? Double.NaN : row.<Double>getAs("rmse_log");
                for (Map.Entry<String, Double> f : forecasts.entrySet()) {
                    String at = Bootstrap.FORECAST + f.getKey();
                    ExtrapolationError.Interval interval = ExtrapolationError.interval(f.getValue(), bootLow.getOrDefault(at, Double.NaN),
                            bootHigh.getOrDefault(at, Double.NaN), noise, distance.getOrDefault(f.getKey(), Double.NaN), calibration, level);
                    if (Double.isFinite(interval.low())) {
                        low.put(f.getKey(), interval.low());
                        high.put(f.getKey(), interval.high());
                    }
                    method = interval.method();
                }
            }
            values[row.size()] = low.isEmpty() ? null : CollectionConverters.asScala(low);
            values[row.size() + 1] = high.isEmpty() ? null : CollectionConverters.asScala(high);
            values[row.size() + 2] = method;
            return org.apache.spark.sql.RowFactory.create(values);
        }

        /** The interval-based diagnostics: flags, status and message updated in {@code values}. */
        private static void flag(Row row, Object[] values) {
            java.util.Set<String> names = java.util.Set.of(row.schema().fieldNames());
            if (!names.contains("flags") || !names.contains("ci_low") || !dev.lawfit.fit.FitStatus.usable(row.<String>getAs("status"))) return;
            List<dev.lawfit.fit.Diagnostics.Flag> found = dev.lawfit.fit.Diagnostics.ofIntervals(map(row, "parameters"), map(row, "ci_low"), map(row, "ci_high"));
            List<String> flags = new ArrayList<>(row.isNullAt(row.fieldIndex("flags")) ? List.of() : row.<String>getList(row.fieldIndex("flags")));
            String message = row.getAs("message") == null ? "" : row.getAs("message");
            for (dev.lawfit.fit.Diagnostics.Flag f : found) {
                if (flags.contains(f.name())) continue;
                flags.add(f.name());
                message = message.isEmpty() ? f.name() + ": " + f.message() : message + "; " + f.name() + ": " + f.message();
            }
            values[row.fieldIndex("flags")] = CollectionConverters.asScala(flags).toList();
            values[row.fieldIndex("message")] = message;
            if (!flags.isEmpty() && dev.lawfit.fit.FitStatus.OK.label().equals(row.getAs("status"))) {
                values[row.fieldIndex("status")] = dev.lawfit.fit.FitStatus.OK_WITH_WARNINGS.label();
            }
        }

        private static Map<String, Double> map(Row row, String column) {
            Map<String, Double> out = new LinkedHashMap<>();
            int i = row.fieldIndex(column);
            if (row.isNullAt(i)) return out;
            scala.collection.Map<String, Object> m = row.getMap(i);
            CollectionConverters.asJava(m).forEach((k, v) -> {
                if (v != null) out.put(k, ((Number) v).doubleValue());
            });
            return out;
        }
    }
}
