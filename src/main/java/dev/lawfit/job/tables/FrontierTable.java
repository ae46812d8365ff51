package dev.lawfit.job.tables;

import dev.lawfit.frontier.Frontier;
import dev.lawfit.frontier.FrontierAnalysis;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/** The {@code frontier} table: one row per (group, approach) of the compute-optimal allocation. */
public final class FrontierTable {

    public static final StructType SCHEMA = Columns.schema(
            field("approach", DataTypes.StringType),
            field("status", DataTypes.StringType),
            field("message", DataTypes.StringType),
            field("flags", DataTypes.createArrayType(DataTypes.StringType, false)),
            field("a", DataTypes.DoubleType),
            field("k_n", DataTypes.DoubleType),
            field("b", DataTypes.DoubleType),
            field("k_d", DataTypes.DoubleType),
            field("k_n_pf_days", DataTypes.DoubleType),
            field("k_d_pf_days", DataTypes.DoubleType),
            field("loss_k", DataTypes.DoubleType),
            field("loss_exponent", DataTypes.DoubleType),
            field("points", DataTypes.IntegerType),
            field("n_opt", MAP),
            field("d_opt", MAP),
            field("loss_opt", MAP),
            field("flops_convention", DataTypes.StringType))
            .merge(BootstrapTables.INTERVALS, false);

    private FrontierTable() {
    }

    /** One approach's row; {@code level} is the bootstrap's, for the intervals when the approach has them. */
    public static Row row(FrontierAnalysis.Result r, String conventions, double level) {
        Frontier f = r.frontier();
        dev.lawfit.fit.FitStatus status = f.ok() ? dev.lawfit.fit.Diagnostics.status(r.flags()) : dev.lawfit.fit.FitStatus.FAILED;
        String message = f.ok() ? dev.lawfit.fit.Diagnostics.messages(r.flags()) : f.message();
        RowBuilder row = RowBuilder.of(SCHEMA).set("approach", f.approach()).set("status", status.label()).set("message", message)
                .set("flags", dev.lawfit.fit.Diagnostics.names(r.flags()))
                .set("a", f.a()).set("k_n", f.kN()).set("b", f.b()).set("k_d", f.kD())
                .set("k_n_pf_days", f.kNPfDays()).set("k_d_pf_days", f.kDPfDays())
                .set("loss_k", f.kL()).set("loss_exponent", f.lossExponent()).set("points", f.points())
                .set("n_opt", r.nOpt()).set("d_opt", r.dOpt()).set("loss_opt", r.lossOpt()).set("flops_convention", conventions);
        if (r.intervals() != null) BootstrapTables.setIntervals(row, r.intervals(), level, "runs");
        return row.build();
    }
}
