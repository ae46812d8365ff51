package dev.lawfit.job.tables;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/**
 * The schedule family's scored predictions: {@code schedule_quality} (per law or baseline, scenario, fit
 * fraction and run: mean and worst relative error on what the fit did not see), {@code schedule_predictions}
 * (every checkpoint of every run with its learning rate, observed and predicted loss) and {@code schedule_ranking}
 * (runs and candidate schedules by predicted final loss, Spearman's rho against the real finals). Its fits are
 * in {@code laws}, {@code predictions} and {@code backtest} with family {@code schedule}.
 */
public final class ScheduleTables {

    public static final String FAMILY = dev.lawfit.law.Family.SCHEDULE.label();

    public static final StructType QUALITY = Columns.schema(field("law", DataTypes.StringType), field("scenario", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("run_id", DataTypes.StringType), field("role", DataTypes.StringType),
            field("status", DataTypes.StringType), field("message", DataTypes.StringType), field("fit_points", DataTypes.IntegerType),
            field("scored_points", DataTypes.IntegerType), field("mean_are", DataTypes.DoubleType), field("worst_are", DataTypes.DoubleType),
            field("final_are", DataTypes.DoubleType), field("predicted_final", DataTypes.DoubleType), field("observed_final", DataTypes.DoubleType),
            field("parameters", Columns.MAP), field("coverage", DataTypes.DoubleType));

    public static final StructType PREDICTION = Columns.schema(field("law", DataTypes.StringType), field("scenario", DataTypes.StringType),
            field("fit_fraction", DataTypes.DoubleType), field("run_id", DataTypes.StringType), field("step", DataTypes.DoubleType),
            field("lr", DataTypes.DoubleType), field("observed", DataTypes.DoubleType), field("predicted", DataTypes.DoubleType),
            field("held_out", DataTypes.BooleanType), field("low", DataTypes.DoubleType), field("high", DataTypes.DoubleType),
            field("interval_method", DataTypes.StringType));

    public static final StructType RANK = Columns.schema(field("law", DataTypes.StringType), field("name", DataTypes.StringType),
            field("kind", DataTypes.StringType), field("predicted_final", DataTypes.DoubleType), field("predicted_rank", DataTypes.DoubleType),
            field("observed_final", DataTypes.DoubleType), field("observed_rank", DataTypes.DoubleType), field("runs", DataTypes.IntegerType),
            field("rank_correlation", DataTypes.DoubleType), field("final_low", DataTypes.DoubleType), field("final_high", DataTypes.DoubleType),
            field("interval_method", DataTypes.StringType));

    private ScheduleTables() {
    }

    /** One studied group between stages: its key, then the rows of each table. */
    public static StructType result(List<String> keys) {
        return Columns.withKey(keys, field("quality", new ArrayType(QUALITY, false)), field("predictions", new ArrayType(PREDICTION, false)),
                field("ranking", new ArrayType(RANK, false)));
    }
}
