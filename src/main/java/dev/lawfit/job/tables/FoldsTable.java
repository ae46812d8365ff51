package dev.lawfit.job.tables;

import dev.lawfit.fit.LawFit;
import dev.lawfit.fit.RollingOrigin;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/**
 * The {@code folds} table (and {@code <family>_folds}): every held-out point of every rolling-origin fold, one row per
 * (group, law, cut, point): where the fold was cut, how far the point lay past it, and how far off the law refitted there
 * was. The errors behind the extrapolation-aware intervals and the law selection on many folds.
 */
public final class FoldsTable {

    public static final StructType SCHEMA = Columns.schema(Columns.pointColumns(
            field("x", DataTypes.DoubleType),
            field("point", DataTypes.IntegerType),
            field("cut", DataTypes.IntegerType),
            field("cut_level", DataTypes.DoubleType),
            field("distance", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("log_error", DataTypes.DoubleType),
            field("are", DataTypes.DoubleType),
            field("spread", DataTypes.DoubleType)));

    private FoldsTable() {
    }

    public static List<Row> rows(String family, LawFit fit, Points points) {
        List<Row> out = new ArrayList<>(fit.folds().errors().size());
        for (RollingOrigin.Error e : fit.folds().errors()) {
            int i = e.point();
            out.add(Columns.point(SCHEMA, family, fit.law(), points, i).set("x", points.x()[i]).set("point", i).set("cut", e.cut()).set("cut_level", e.cutLevel())
                    .set("distance", e.distance()).set("observed", e.observed()).set("predicted", e.predicted()).set("log_error", e.logError())
                    .set("are", e.relativeError()).set("spread", e.spread()).build());
        }
        return out;
    }
}
