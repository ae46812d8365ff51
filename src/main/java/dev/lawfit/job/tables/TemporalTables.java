package dev.lawfit.job.tables;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/**
 * The temporal scaling law's tables: {@code temporal_points} (the per-position law at every checkpoint),
 * {@code temporal_quality} (each fit fraction and method, judged on the held-out rest of the run),
 * {@code temporal_ranking}, and its {@code temporal} rows in {@code laws} and {@code predictions}.
 */
public final class TemporalTables {

    public static final String FAMILY = dev.lawfit.law.Family.TEMPORAL.label();

    public static final StructType POINT = Columns.schema(field("run_id", DataTypes.StringType), field("step", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType), field("progress", DataTypes.DoubleType), field("a0", DataTypes.DoubleType),
            field("a1", DataTypes.DoubleType), field("a2", DataTypes.DoubleType), field("rmse", DataTypes.DoubleType),
            field("positions", DataTypes.IntegerType), field("status", DataTypes.StringType));

    public static final StructType QUALITY = Columns.schema(field("run_id", DataTypes.StringType), field("mode", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("method", DataTypes.StringType), field("status", DataTypes.StringType),
            field("message", DataTypes.StringType), field("fit_checkpoints", DataTypes.IntegerType),
            field("held_out_points", DataTypes.IntegerType), field("held_out_r2", DataTypes.DoubleType),
            field("held_out_are", DataTypes.DoubleType), field("final_are", DataTypes.DoubleType),
            field("predicted_final", DataTypes.DoubleType), field("observed_final", DataTypes.DoubleType),
            field("finished", DataTypes.BooleanType), field("formula", DataTypes.StringType), field("parameters", MAP));

    public static final StructType LAW = Columns.schema(field("run_id", DataTypes.StringType), field("family", DataTypes.StringType),
            field("law", DataTypes.StringType), field("fit_fraction", DataTypes.DoubleType), field("formula", DataTypes.StringType),
            field("status", DataTypes.StringType), field("message", DataTypes.StringType), field("parameters", MAP), field("derived", MAP),
            field("n_points", DataTypes.IntegerType), field("r2", DataTypes.DoubleType), field("fit_millis", DataTypes.LongType));

    public static final StructType PREDICTION = Columns.schema(field("family", DataTypes.StringType), field("law", DataTypes.StringType),
            field("run_id", DataTypes.StringType), field("fit_fraction", DataTypes.DoubleType), field("step", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType), field("x", DataTypes.DoubleType), field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType), field("residual", DataTypes.DoubleType), field("log_residual", DataTypes.DoubleType),
            field("held_out", DataTypes.BooleanType), field("a0", DataTypes.DoubleType), field("a1", DataTypes.DoubleType),
            field("a2", DataTypes.DoubleType));

    public static final StructType RANK = Columns.schema(field("fit_fraction", DataTypes.DoubleType), field("method", DataTypes.StringType),
            field("run_id", DataTypes.StringType), field("predicted_final", DataTypes.DoubleType), field("predicted_rank", DataTypes.DoubleType),
            field("observed_final", DataTypes.DoubleType), field("observed_rank", DataTypes.DoubleType), field("runs", DataTypes.IntegerType),
            field("finished_runs", DataTypes.IntegerType), field("rank_correlation", DataTypes.DoubleType));

    private TemporalTables() {
    }

    /** One fitted run between stages: the group key, then the rows of each table. */
    public static StructType result(List<String> keys) {
        return Columns.withKey(keys, field("points", new ArrayType(POINT, false)), field("quality", new ArrayType(QUALITY, false)),
                field("laws", new ArrayType(LAW, false)), field("predictions", new ArrayType(PREDICTION, false)));
    }

    /** One ranked run of a group: the group key, then {@link #RANK}'s columns. */
    public static StructType ranking(List<String> keys) {
        return Columns.withKey(keys, RANK.fields());
    }
}
