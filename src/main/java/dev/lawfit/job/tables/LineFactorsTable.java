package dev.lawfit.job.tables;

import dev.lawfit.losstoloss.LineFactorTest;
import dev.lawfit.losstoloss.ShiftedPowerLine;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/**
 * The {@code line_factors} table: per (x eval, y eval, pairing), factor and stratum (the levels of the held-fixed
 * columns it is tested within), how far the factor moves the loss-to-loss line in nats, and whether that matters.
 */
public final class LineFactorsTable {

    private static final org.apache.spark.sql.types.DataType COUNTS = DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType);

    public static final StructType SCHEMA = Columns.schema(field("x_eval", DataTypes.StringType), field("y_eval", DataTypes.StringType),
            field("pairing", DataTypes.StringType), field("factor", DataTypes.StringType), field("held_fixed", DataTypes.StringType),
            field("stratum", DataTypes.StringType), field("verdict", DataTypes.StringType),
            field("flags", DataTypes.createArrayType(DataTypes.StringType, false)),
            field("effect_nats", DataTypes.DoubleType), field("effect_low", DataTypes.DoubleType), field("effect_high", DataTypes.DoubleType),
            field("tolerance_nats", DataTypes.DoubleType), field("offset_p_value", DataTypes.DoubleType),
            field("level_offsets", MAP), field("level_offset_low", MAP), field("level_offset_high", MAP), field("level_points", COUNTS),
            field("dropped_levels", COUNTS), field("message", DataTypes.StringType),
            field("levels", DataTypes.IntegerType), field("n_points", DataTypes.IntegerType),
            field("rss_pooled", DataTypes.DoubleType), field("rss_separate", DataTypes.DoubleType),
            field("improvement", DataTypes.DoubleType), field("f_statistic", DataTypes.DoubleType), field("p_value", DataTypes.DoubleType),
            field("delta_bic", DataTypes.DoubleType), field("k_spread", DataTypes.DoubleType), field("kappa_spread", DataTypes.DoubleType),
            field("pooled_line", MAP), field("level_k", MAP), field("level_kappa", MAP), field("level_e_x", MAP), field("level_e_y", MAP));

    private LineFactorsTable() {
    }

    public static Row row(String xEval, String yEval, String pairing, String factor, String heldFixed, String stratum, LineFactorTest.Result r) {
        Map<String, Double> k = new LinkedHashMap<>(), kappa = new LinkedHashMap<>(), ex = new LinkedHashMap<>(), ey = new LinkedHashMap<>();
        r.lines().forEach((level, line) -> {
            k.put(level, line.k());
            kappa.put(level, line.kappa());
            ex.put(level, line.ex());
            ey.put(level, line.ey());
        });
        Map<String, Double> pooled = new LinkedHashMap<>();
        ShiftedPowerLine p = r.pooled();
        if (p != null && p.ok()) {
            pooled.put("K", p.k());
            pooled.put("kappa", p.kappa());
            pooled.put("E_x", p.ex());
            pooled.put("E_y", p.ey());
        }
        return RowBuilder.of(SCHEMA).set("x_eval", xEval).set("y_eval", yEval).set("pairing", pairing).set("factor", factor)
                .set("held_fixed", heldFixed).set("stratum", stratum).set("verdict", r.verdict()).set("flags", r.flags())
                .set("effect_nats", r.effect()).set("effect_low", r.effectLow()).set("effect_high", r.effectHigh())
                .set("tolerance_nats", r.toleranceNats()).set("offset_p_value", r.offsetPValue())
                .set("level_offsets", r.offsets()).set("level_offset_low", r.offsetLow()).set("level_offset_high", r.offsetHigh())
                .set("level_points", r.levelPoints()).set("dropped_levels", r.dropped()).set("message", r.message())
                .set("levels", r.levels()).set("n_points", r.n()).set("rss_pooled", r.rssPooled()).set("rss_separate", r.rssSeparate())
                .set("improvement", r.improvement()).set("f_statistic", r.fStatistic()).set("p_value", r.pValue())
                .set("delta_bic", r.deltaBic()).set("k_spread", r.kSpread()).set("kappa_spread", r.kappaSpread())
                .set("pooled_line", pooled).set("level_k", k).set("level_kappa", kappa).set("level_e_x", ex).set("level_e_y", ey).build();
    }
}
