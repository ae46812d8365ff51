package dev.lawfit.job;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** The schemas of the fitted-law and prediction rows (documented in the README's output section). */
public final class FitOutputSchema {

    public static final StructType LAW = new StructType(new StructField[] {
            field("law", DataTypes.StringType),
            field("formula", DataTypes.StringType),
            field("status", DataTypes.StringType),
            field("message", DataTypes.StringType),
            field("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("derived", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)),
            field("n_points", DataTypes.IntegerType),
            field("objective", DataTypes.DoubleType),
            field("rmse_log", DataTypes.DoubleType),
            field("r2", DataTypes.DoubleType),
            field("huber_delta", DataTypes.DoubleType),
            field("grid_points", DataTypes.IntegerType),
            field("starts_polished", DataTypes.IntegerType),
            field("objective_evaluations", DataTypes.LongType),
            field("iterations", DataTypes.IntegerType),
            field("stop_reason", DataTypes.StringType),
            field("flops_derived_points", DataTypes.IntegerType),
            field("fit_millis", DataTypes.LongType),
            field("fingerprint", DataTypes.StringType)});

    public static final StructType PREDICTION = new StructType(new StructField[] {
            field("law", DataTypes.StringType),
            field("run_id", DataTypes.StringType),
            field("step", DataTypes.DoubleType),
            field("params", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType),
            field("flops", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("residual", DataTypes.DoubleType),
            field("log_residual", DataTypes.DoubleType)});

    private FitOutputSchema() {
    }

    /** One row per group: its keys, then an array of law rows and an array of prediction rows. */
    public static StructType groupResult(List<String> keys) {
        List<StructField> fields = new ArrayList<>();
        for (String key : keys) fields.add(field(key, DataTypes.StringType));
        fields.add(field("laws", new ArrayType(LAW, false)));
        fields.add(field("predictions", new ArrayType(PREDICTION, false)));
        return new StructType(fields.toArray(StructField[]::new));
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
        return DataTypes.createStructField(name, type, true);
    }
}
