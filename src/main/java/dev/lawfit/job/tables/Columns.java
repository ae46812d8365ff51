package dev.lawfit.job.tables;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Column helpers every table shares: nullable fields, the map type of parameters, and the group key. Group keys
 * travel through the stages as one struct column, {@code key}, whatever their number, and are flattened into
 * their own columns only when a table is written.
 */
public final class Columns {

    /** Rows whose fit is usable: status ok, or ok with warnings. */
    public static org.apache.spark.sql.Column usable() {
        return column("status").isin((Object[]) dev.lawfit.fit.FitStatus.USABLE);
    }

    /** A column by name, quoted for Spark so dots and spaces in source names are taken literally. */
    public static org.apache.spark.sql.Column column(String name) {
        return org.apache.spark.sql.functions.col("`" + name.replace("`", "``") + "`");
    }


    public static final String KEY = "key";
    public static final DataType MAP = DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);

    private Columns() {
    }

    /** A nullable column. */
    public static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    public static StructType schema(StructField... fields) {
        return new StructType(fields);
    }

    /** The struct type of a group key: one string field per key column. */
    public static StructType keyType(List<String> keys) {
        return new StructType(keys.stream().map(k -> field(k, DataTypes.StringType)).toArray(StructField[]::new));
    }

    /** The key struct column built from the key columns. */
    public static Column keyStruct(List<String> keys) {
        return org.apache.spark.sql.functions.struct(keys.stream().map(k -> col("`" + k + "`")).toArray(Column[]::new)).as(KEY);
    }

    /** The key struct's fields as top-level columns, for writing. */
    public static List<Column> flatKey(List<String> keys) {
        List<Column> out = new ArrayList<>();
        for (String k : keys) out.add(col(KEY).getField(k).as(k));
        return out;
    }

    /** A schema: the key struct, then the given fields. */
    public static StructType withKey(List<String> keys, StructField... rest) {
        List<StructField> fields = new ArrayList<>();
        fields.add(field(KEY, keyType(keys)));
        fields.addAll(List.of(rest));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /** The columns every per-point table starts with: which law, and where the point is (run, step, N, D). */
    public static StructField[] pointColumns(StructField... rest) {
        List<StructField> fields = new ArrayList<>(List.of(field("family", DataTypes.StringType), field("law", DataTypes.StringType),
                field("run_id", DataTypes.StringType), field("step", DataTypes.DoubleType), field("params", DataTypes.DoubleType),
                field("tokens", DataTypes.DoubleType)));
        fields.addAll(List.of(rest));
        return fields.toArray(StructField[]::new);
    }

    /** A per-point row's leading columns filled from the fit's law and the point. */
    public static RowBuilder point(StructType schema, String family, String law, dev.lawfit.law.Points points, int i) {
        return RowBuilder.of(schema).set("family", family).set("law", law).set("run_id", points.runIds()[i]).set("step", points.steps()[i])
                .set("params", points.params()[i]).set("tokens", points.tokens()[i]);
    }

    /** A double for a Row: null for NaN and infinities (Parquet and SQL readers expect null for "none"). */
    public static Double nullIfNotFinite(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
