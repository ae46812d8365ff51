package dev.lawfit.job.tables;

import dev.lawfit.fit.Backtest;
import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/** The {@code backtest} table (and {@code <family>_backtest}): one row per (group, law, held-out point). */
public final class BacktestTable {

    public static final StructType SCHEMA = Columns.schema(Columns.pointColumns(
            field("x", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("are", DataTypes.DoubleType),
            field("baseline_predicted", DataTypes.DoubleType),
            field("baseline_are", DataTypes.DoubleType)));

    private BacktestTable() {
    }

    public static List<Row> rows(String family, LawFit fit, Points points) {
        Backtest.Result b = fit.backtest();
        List<Row> out = new ArrayList<>(b.heldOut().length);
        for (int k = 0; k < b.heldOut().length; k++) {
            int i = b.heldOut()[k];
            out.add(Columns.point(SCHEMA, family, fit.law(), points, i).set("x", points.x()[i]).set("observed", points.loss()[i]).set("predicted", b.predicted()[k]).set("are", b.are()[k])
                    .set("baseline_predicted", b.baseline()).set("baseline_are", b.baselineAre()[k]).build());
        }
        return out;
    }
}
