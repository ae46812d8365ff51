package dev.lawfit.job.tables;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.MAP;
import static dev.lawfit.job.tables.Columns.field;

/** The bootstrap's rows: tasks (a chunk of resamples of one fit), their estimates, and the intervals joined onto a family's table. */
public final class BootstrapTables {

    /** The interval columns of every family's fit table. */
    public static final StructType INTERVALS = Columns.schema(
            field("ci_low", MAP),
            field("ci_high", MAP),
            field("std_error", MAP),
            field("ci_level", DataTypes.DoubleType),
            field("bootstrap_mode", DataTypes.StringType),
            field("bootstrap_resamples", DataTypes.IntegerType),
            field("bootstrap_failed", DataTypes.IntegerType),
            field("bootstrap_fallbacks", DataTypes.IntegerType));

    private BootstrapTables() {
    }

    /** The interval columns of a row, from the shared bootstrap's summary. */
    public static RowBuilder setIntervals(RowBuilder row, dev.lawfit.fit.Bootstrap.Intervals intervals, double level, String mode) {
        return row.set("ci_low", intervals.low()).set("ci_high", intervals.high()).set("std_error", intervals.standardError())
                .set("ci_level", level).set("bootstrap_mode", mode).set("bootstrap_resamples", intervals.resamples())
                .set("bootstrap_failed", intervals.failed()).set("bootstrap_fallbacks", intervals.fallbacks());
    }

    public static StructType task(List<String> keys) {
        return Columns.withKey(keys, field("law", DataTypes.StringType), field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
                field("group_seed", DataTypes.LongType), field("first", DataTypes.IntegerType), field("end", DataTypes.IntegerType),
                field("points", new ArrayType(PointsColumn.POINT, false)));
    }

    public static StructType chunk(List<String> keys) {
        return Columns.withKey(keys, field("law", DataTypes.StringType), field("theta", DataTypes.createArrayType(DataTypes.DoubleType, false)),
                field("first", DataTypes.IntegerType),
                field("estimates", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, true), false)));
    }

    /** Between stages: the published resamples' parameters, in the law's parameter order, per (group, law). */
    public static final String DRAWS = "draws";

    public static StructType intervals(List<String> keys) {
        StructField[] fields = new StructField[INTERVALS.size() + 3];
        fields[0] = field("law", DataTypes.StringType);
        System.arraycopy(INTERVALS.fields(), 0, fields, 1, INTERVALS.size());
        fields[INTERVALS.size() + 1] = field("family", DataTypes.StringType);
        fields[INTERVALS.size() + 2] = field(DRAWS, DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, true), false));
        return Columns.withKey(keys, fields);
    }

    /**
     * The {@code resamples} table after the group keys: one row per published resample of a (group, law): the first
     * {@code bootstrap.keep} resamples' parameters, as the law's {@code parameters} map; failed resamples are left out.
     */
    public static final StructType RESAMPLES = Columns.schema(
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("resample", DataTypes.IntegerType),
            field("parameters", MAP));
}
