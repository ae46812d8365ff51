package dev.lawfit.job.tables;

import dev.lawfit.losstoloss.LineFactorTest;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/** The {@code line_factors} table: per (x eval, y eval) and factor, whether the factor moves the loss-to-loss line. */
public final class LineFactorsTable {

    public static final StructType SCHEMA = Columns.schema(field("x_eval", DataTypes.StringType), field("y_eval", DataTypes.StringType),
            field("factor", DataTypes.StringType), field("levels", DataTypes.IntegerType), field("n_points", DataTypes.IntegerType),
            field("rss_pooled", DataTypes.DoubleType), field("rss_separate", DataTypes.DoubleType),
            field("improvement", DataTypes.DoubleType), field("f_statistic", DataTypes.DoubleType), field("p_value", DataTypes.DoubleType),
            field("delta_bic", DataTypes.DoubleType), field("k_spread", DataTypes.DoubleType), field("kappa_spread", DataTypes.DoubleType),
            field("level_k", MAP), field("level_kappa", MAP), field("verdict", DataTypes.StringType));

    private LineFactorsTable() {
    }

    public static Row row(String xEval, String yEval, String factor, LineFactorTest.Result r) {
        Map<String, Double> k = new LinkedHashMap<>(), kappa = new LinkedHashMap<>();
        r.lines().forEach((level, line) -> {
            k.put(level, line.k());
            kappa.put(level, line.kappa());
        });
        return RowBuilder.of(SCHEMA).set("x_eval", xEval).set("y_eval", yEval).set("factor", factor).set("levels", r.levels())
                .set("n_points", r.n()).set("rss_pooled", r.rssPooled()).set("rss_separate", r.rssSeparate())
                .set("improvement", r.improvement()).set("f_statistic", r.fStatistic()).set("p_value", r.pValue())
                .set("delta_bic", r.deltaBic()).set("k_spread", r.kSpread()).set("kappa_spread", r.kappaSpread())
                .set("level_k", k).set("level_kappa", kappa).set("verdict", r.verdict()).build();
    }
}
