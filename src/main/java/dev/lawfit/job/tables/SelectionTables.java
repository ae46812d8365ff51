package dev.lawfit.job.tables;

import dev.lawfit.fit.LawSelection;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/**
 * The {@code law_selection} table (one row per group and (N, D, C) law: its rank by held-out error with an interval,
 * the baseline, and the group's form-dependence verdict) and the {@code forecasts} table's target columns.
 */
public final class SelectionTables {

    public static final StructType SELECTION = Columns.schema(
            field("law", DataTypes.StringType),
            field("rank", DataTypes.IntegerType),
            field("status", DataTypes.StringType),
            field("held_out_split", DataTypes.StringType),
            field("folds", DataTypes.IntegerType),
            field("fold_points", DataTypes.IntegerType),
            field("fold_error", DataTypes.DoubleType),
            field("fold_error_low", DataTypes.DoubleType),
            field("fold_error_high", DataTypes.DoubleType),
            field("settled", DataTypes.BooleanType),
            field("held_out_points", DataTypes.IntegerType),
            field("held_out_error", DataTypes.DoubleType),
            field("held_out_error_low", DataTypes.DoubleType),
            field("held_out_error_high", DataTypes.DoubleType),
            field("baseline_error", DataTypes.DoubleType),
            field("beats_baseline", DataTypes.BooleanType),
            field("tied_with_best", DataTypes.BooleanType),
            field("message", DataTypes.StringType),
            field("form_dependent", DataTypes.BooleanType),
            field("form_dependent_at", DataTypes.createArrayType(DataTypes.StringType, false)),
            field("forecast_spread", DataTypes.DoubleType));

    /** The columns of a prediction target in the {@code forecasts} table. */
    public static final StructType TARGET = Columns.schema(
            field("target", DataTypes.StringType),
            field("target_params", DataTypes.DoubleType),
            field("target_tokens", DataTypes.DoubleType),
            field("target_flops", DataTypes.DoubleType),
            field("target_tokens_per_param", DataTypes.DoubleType),
            field("target_unique_tokens", DataTypes.DoubleType));

    private SelectionTables() {
    }

    public static StructType selection(List<String> keys) {
        return Columns.withKey(keys, SELECTION.fields());
    }

    public static Row selectionRow(StructType schema, Object key, String split, LawSelection.Ranked r) {
        LawSelection.Candidate c = r.candidate();
        return RowBuilder.of(schema).set(Columns.KEY, key).set("law", c.law()).set("rank", r.rank()).set("status", c.status())
                .set("held_out_split", split).set("folds", r.folds()).set("fold_points", r.foldPoints()).set("fold_error", r.foldError())
                .set("fold_error_low", r.foldErrorLow()).set("fold_error_high", r.foldErrorHigh()).set("settled", r.settled())
                .set("held_out_points", c.heldOutPoints()).set("held_out_error", c.heldOutError())
                .set("held_out_error_low", c.heldOutErrorLow()).set("held_out_error_high", c.heldOutErrorHigh())
                .set("baseline_error", c.baselineError()).set("beats_baseline", r.beatsBaseline()).set("tied_with_best", r.tiedWithBest())
                .set("message", r.message()).set("form_dependent", r.formDependent()).set("form_dependent_at", r.formDependentAt())
                .set("forecast_spread", r.forecastSpread()).build();
    }

    public static Row targetRow(dev.lawfit.law.Target t) {
        return RowBuilder.of(TARGET).set("target", t.name()).set("target_params", t.params()).set("target_tokens", t.tokens())
                .set("target_flops", t.flops()).set("target_tokens_per_param", t.ratio()).set("target_unique_tokens", t.uniqueTokens()).build();
    }
}
