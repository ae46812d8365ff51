package dev.lawfit.job.tables;

import dev.lawfit.changes.Changes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

import static dev.lawfit.job.tables.Columns.field;

/**
 * The {@code changes} table: what moved since the version a run started from, one row per change ({@link Changes}).
 * Documented in docs/operations.md.
 */
public final class ChangesTable {

    public static final StructType SCHEMA = Columns.schema(
            field("kind", DataTypes.StringType),
            field("table", DataTypes.StringType),
            field("group", DataTypes.StringType),
            field("group_keys", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)),
            field("family", DataTypes.StringType),
            field("law", DataTypes.StringType),
            field("name", DataTypes.StringType),
            field("before", DataTypes.DoubleType),
            field("after", DataTypes.DoubleType),
            field("before_low", DataTypes.DoubleType),
            field("before_high", DataTypes.DoubleType),
            field("message", DataTypes.StringType),
            field("from_version", DataTypes.StringType),
            field("to_version", DataTypes.StringType));

    private ChangesTable() {
    }

    public static List<Row> rows(List<Changes.Change> changes, String from, String to) {
        return changes.stream().map(c -> RowBuilder.of(SCHEMA).set("kind", c.kind().label()).set("table", c.table())
                .set("group", c.groupLabel()).set("group_keys", c.group()).set("family", c.family()).set("law", c.law()).set("name", c.name())
                .set("before", c.before()).set("after", c.after()).set("before_low", c.beforeLow()).set("before_high", c.beforeHigh())
                .set("message", c.message()).set("from_version", from).set("to_version", to).build()).toList();
    }
}
