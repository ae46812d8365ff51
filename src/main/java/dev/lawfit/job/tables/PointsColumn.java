package dev.lawfit.job.tables;

import dev.lawfit.law.Points;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/**
 * A group's points as an array column between stages (the fit, and the bootstrap refitting them): the core's
 * {@link Points} to rows and back, by name. The fit stage's input carries {@code flops_derived} too.
 */
public final class PointsColumn {

    public static final StructType POINT = Columns.schema(
            field("params", DataTypes.DoubleType),
            field("tokens", DataTypes.DoubleType),
            field("flops", DataTypes.DoubleType),
            field("loss", DataTypes.DoubleType),
            field("x", DataTypes.DoubleType),
            field("run_id", DataTypes.StringType),
            field("step", DataTypes.DoubleType));

    private PointsColumn() {
    }

    public static List<Row> rows(Points points) {
        List<Row> rows = new ArrayList<>(points.size());
        for (int i = 0; i < points.size(); i++) {
            rows.add(RowBuilder.of(POINT).set("params", points.params()[i]).set("tokens", points.tokens()[i])
                    .set("flops", points.flops()[i]).set("loss", points.loss()[i]).set("x", points.x()[i])
                    .set("run_id", points.runIds()[i]).set("step", points.steps()[i]).build());
        }
        return rows;
    }

    public static Points points(List<Row> rows) {
        int n = rows.size();
        double[] params = new double[n], tokens = new double[n], flops = new double[n], loss = new double[n], x = new double[n],
                steps = new double[n];
        String[] runIds = new String[n];
        for (int i = 0; i < n; i++) {
            Row p = rows.get(i);
            params[i] = p.getAs("params");
            tokens[i] = p.getAs("tokens");
            flops[i] = p.getAs("flops");
            loss[i] = p.getAs("loss");
            x[i] = orNaN(p, "x");
            runIds[i] = p.getAs("run_id");
            steps[i] = orNaN(p, "step");
        }
        return Points.of(params, tokens, flops, loss, x, runIds, steps);
    }

    /** How many of the rows had their FLOPs derived by the convention (the fit stage's input rows). */
    public static int derivedFlops(List<Row> rows) {
        int n = 0;
        for (Row r : rows) if (Boolean.TRUE.equals(r.getAs("flops_derived"))) n++;
        return n;
    }

    private static double orNaN(Row r, String column) {
        Object v = r.getAs(column);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
