package dev.lawfit.job.tables;

import dev.lawfit.fit.LawFit;
import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/** The {@code predictions} table (and every family's {@code <family>_predictions}): one row per (group, law, point) of an ok fit. */
public final class PredictionsTable {

    public static final StructType SCHEMA = Columns.schema(Columns.pointColumns(
            field("flops", DataTypes.DoubleType),
            field("x", DataTypes.DoubleType),
            field("observed", DataTypes.DoubleType),
            field("predicted", DataTypes.DoubleType),
            field("residual", DataTypes.DoubleType),
            field("log_residual", DataTypes.DoubleType)));

    private PredictionsTable() {
    }

    public static List<Row> rows(String family, LawFit fit, Points points) {
        List<Row> out = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            double observed = points.loss()[i], predicted = fit.predicted()[i];
            out.add(Columns.point(SCHEMA, family, fit.law(), points, i).set("flops", points.flops()[i]).set("x", points.x()[i]).set("observed", observed).set("predicted", predicted)
                    .set("residual", observed - predicted).set("log_residual", Math.log(observed) - Math.log(predicted)).build());
        }
        return out;
    }
}
