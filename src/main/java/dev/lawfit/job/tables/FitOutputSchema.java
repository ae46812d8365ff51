package dev.lawfit.job.tables;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** The schemas of the fitted-law and prediction rows (documented in the README's output section). */
public final class FitOutputSchema {

    public static final StructType LAW = new StructType(new StructField[] {
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("formula", DataTypes.StringType),
            field("status", DataTypes.StringType),
            field("message", DataTypes.StringType),
            field("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("derived", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("n_points", DataTypes.IntegerType),
            field("objective", DataTypes.DoubleType),
            field("rmse_log", DataTypes.DoubleType),
            field("rmse", DataTypes.DoubleType),
            field("r2", DataTypes.DoubleType),
            field("huber_delta", DataTypes.DoubleType),
            field("grid_points", DataTypes.IntegerType),
            field("starts_polished", DataTypes.IntegerType),
            field("objective_evaluations", DataTypes.LongType),
            field("iterations", DataTypes.IntegerType),
            field("stop_reason", DataTypes.StringType),
            field("flops_derived_points", DataTypes.IntegerType),
            field("flops_convention", DataTypes.StringType),
            field("fit_millis", DataTypes.LongType),
            field("fingerprint", DataTypes.StringType),
            field("backtest_status", DataTypes.StringType),
            field("backtest_message", DataTypes.StringType),
            field("backtest_threshold", DataTypes.DoubleType),
            field("backtest_points", DataTypes.IntegerType),
            field("backtest_are", DataTypes.DoubleType),
            field("baseline_are", DataTypes.DoubleType),
            field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
            field("group_seed", DataTypes.LongType)});

    /** Columns of LAW used between stages only, dropped from the published table. */
    public static final java.util.List<String> INTERNAL_LAW_COLUMNS = java.util.List.of("theta", "group_seed");

    public static final StructType POINT = new StructType(new StructField[] {
            field("params", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType),
            field("flops", DataTypes.DoubleType),
            field("loss", DataTypes.DoubleType),
            field("x", DataTypes.DoubleType),
            field("run_id", DataTypes.StringType),
            field("step", DataTypes.DoubleType)});

    public static final StructType BACKTEST = new StructType(new StructField[] {
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("run_id", DataTypes.StringType),
            field("step", DataTypes.DoubleType),
            field("params", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType),
            field("x", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("are", DataTypes.DoubleType),
            field("baseline_predicted", DataTypes.DoubleType),
            field("baseline_are", DataTypes.DoubleType)});

    public static final StructType FRONTIER = new StructType(new StructField[] {
            field("approach", DataTypes.StringType),
            field("status", DataTypes.StringType),
            field("message", DataTypes.StringType),
            field("a", DataTypes.DoubleType),
            field("k_n", DataTypes.DoubleType),
            field("b", DataTypes.DoubleType),
            field("k_d", DataTypes.DoubleType),
            field("k_n_pf_days", DataTypes.DoubleType),
            field("k_d_pf_days", DataTypes.DoubleType),
            field("loss_k", DataTypes.DoubleType),
            field("loss_exponent", DataTypes.DoubleType),
            field("points", DataTypes.IntegerType),
            field("n_opt", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("d_opt", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("loss_opt", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("flops_convention", DataTypes.StringType)});

    /** Bootstrap results per (group, law), joined onto the laws table. */
    public static final StructType INTERVALS = new StructType(new StructField[] {
            field("law", DataTypes.StringType),
            field("ci_low", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("ci_high", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("std_error", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("ci_level", DataTypes.DoubleType),
            field("bootstrap_mode", DataTypes.StringType),
            field("bootstrap_resamples", DataTypes.IntegerType),
            field("bootstrap_failed", DataTypes.IntegerType)});

    public static final StructType PREDICTION = new StructType(new StructField[] {
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("run_id", DataTypes.StringType),
            field("step", DataTypes.DoubleType),
            field("params", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType),
            field("flops", DataTypes.DoubleType),
            field("x", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("residual", DataTypes.DoubleType),
            field("log_residual", DataTypes.DoubleType)});

    private FitOutputSchema() {
    }

    /** A double for a Row: null for NaN and infinities (Parquet and SQL readers expect null for "none"). */
    public static Double nullIfNotFinite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }

    /** One row per group: its keys, its points in canonical order, and arrays of law, prediction, backtest and frontier rows. */
    public static StructType groupResult(List<String> keys) {
        return withKeys(keys, field("points", new ArrayType(POINT, false)), field("laws", new ArrayType(LAW, false)),
                field("predictions", new ArrayType(PREDICTION, false)), field("backtest", new ArrayType(BACKTEST, false)),
                field("frontier", new ArrayType(FRONTIER, false)));
    }

    /** One bootstrap task: a chunk of resamples of one law on one group. */
    public static StructType bootstrapTask(List<String> keys) {
        return withKeys(keys, field("law", DataTypes.StringType), field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
                field("group_seed", DataTypes.LongType), field("first", DataTypes.IntegerType), field("end", DataTypes.IntegerType),
                field("points", new ArrayType(POINT, false)));
    }

    /** The estimates of one chunk of resamples. */
    public static StructType bootstrapChunk(List<String> keys) {
        return withKeys(keys, field("law", DataTypes.StringType), field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
                field("first", DataTypes.IntegerType),
                field("estimates", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false)));
    }

    public static StructType intervals(List<String> keys) {
        return withKeys(keys, INTERVALS.fields());
    }

    private static StructType withKeys(List<String> keys, StructField... rest) {
        List<StructField> fields = new ArrayList<>();
        for (String key : keys) fields.add(field(key, DataTypes.StringType));
        fields.addAll(List.of(rest));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** A nullable column. */
    public static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return DataTypes.createStructField(name, type, true);
    }
}
