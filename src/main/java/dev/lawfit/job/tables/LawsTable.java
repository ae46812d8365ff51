package dev.lawfit.job.tables;

import dev.lawfit.fit.Backtest;
import dev.lawfit.fit.LawFit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/**
 * The {@code laws} table (and the standard columns of every family's fit table): one row per (group, law). Owns
 * its schema and how a fit becomes a row; documented in the README's output section.
 */
public final class LawsTable {

    public static final StructType SCHEMA = Columns.schema(
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("formula", DataTypes.StringType),
            field("status", DataTypes.StringType),
            field("message", DataTypes.StringType),
            field("flags", DataTypes.createArrayType(DataTypes.StringType, false)),
            field("parameters", MAP),
            field("derived", MAP),
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
            field("backtest_split", DataTypes.StringType),
            field("backtest_threshold", DataTypes.DoubleType),
            field("backtest_points", DataTypes.IntegerType),
            field("backtest_are", DataTypes.DoubleType),
            field("backtest_are_low", DataTypes.DoubleType),
            field("backtest_are_high", DataTypes.DoubleType),
            field("baseline_are", DataTypes.DoubleType),
            field("forecasts", MAP),
            field("folds", DataTypes.IntegerType),
            field("fold_points", DataTypes.IntegerType),
            field("fold_error", DataTypes.DoubleType),
            field("extrapolation_bias", DataTypes.DoubleType),
            field("fold_stats", MAP),
            field("forecast_distance", MAP),
            field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
            field("group_seed", DataTypes.LongType));

    /** Columns used between stages only (the bootstrap starts from them), dropped from the published table. */
    public static final List<String> INTERNAL_COLUMNS = List.of("theta", "group_seed");

    private LawsTable() {
    }

    /** One fit as a row. {@code rmse} is in the target's units; the FLOP columns describe the group's points. */
    public static Row row(String family, LawFit fit, double huberDelta, int derivedFlops, String conventions, double rmse, String split) {
        Backtest.Result b = fit.backtest();
        return RowBuilder.of(SCHEMA)
                .set("family", family).set("law", fit.law()).set("formula", fit.formula()).set("status", fit.status().label())
                .set("message", fit.message()).set("flags", dev.lawfit.fit.Diagnostics.names(fit.flags())).set("parameters", fit.parameters()).set("derived", fit.derived())
                .set("n_points", fit.nPoints()).set("objective", fit.objective()).set("rmse_log", fit.rmseLog()).set("rmse", rmse)
                .set("r2", fit.r2()).set("huber_delta", huberDelta).set("grid_points", fit.gridPoints())
                .set("starts_polished", fit.startsPolished()).set("objective_evaluations", fit.objectiveEvaluations())
                .set("iterations", fit.iterations()).set("stop_reason", fit.stopReason()).set("flops_derived_points", derivedFlops)
                .set("flops_convention", conventions).set("fit_millis", fit.fitMillis()).set("fingerprint", fit.fingerprint())
                .set("backtest_status", b == null ? "off" : b.status().label()).set("backtest_message", b == null ? "" : b.message())
                .set("backtest_split", b == null ? null : split)
                .set("backtest_threshold", b == null ? null : b.threshold()).set("backtest_points", b == null ? 0 : b.heldOut().length)
                .set("backtest_are", b == null ? null : b.meanAre()).set("backtest_are_low", b == null ? null : b.meanAreLow())
                .set("backtest_are_high", b == null ? null : b.meanAreHigh()).set("baseline_are", b == null ? null : b.baselineMeanAre())
                .set("forecasts", fit.forecasts())
                .set("folds", fit.folds().cuts()).set("fold_points", fit.folds().errors().size()).set("fold_error", foldError(fit))
                .set("extrapolation_bias", fit.foldStats().bias()).set("fold_stats", fit.foldStats().toMap())
                .set("forecast_distance", fit.forecastDistances())
                .set("theta", fit.theta()).set("group_seed", fit.groupSeed())
                .build();
    }

    /** The folds' mean absolute relative error, each point weighted by its distance: the longest extrapolations count most. */
    static double foldError(LawFit fit) {
        double sum = 0, weight = 0;
        for (dev.lawfit.fit.RollingOrigin.Error e : fit.folds().errors()) {
            double w = Math.max(0.05, e.distance());
            sum += w * e.relativeError();
            weight += w;
        }
        return weight > 0 ? sum / weight : Double.NaN;
    }
}
