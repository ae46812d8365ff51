package dev.lawfit.job.tables;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

import java.util.List;
import java.util.Map;

/**
 * A row of a table built by column name, never by position: an unknown name fails at once, doubles that are
 * NaN or infinite become null, Java lists and maps become Spark's.
 */
public final class RowBuilder {

    private final StructType schema;
    private final Object[] values;

    private RowBuilder(StructType schema) {
        this.schema = schema;
        this.values = new Object[schema.size()];
    }

    public static RowBuilder of(StructType schema) {
        return new RowBuilder(schema);
    }

    public RowBuilder set(String column, Object value) {
        int i;
        try {
            i = schema.fieldIndex(column);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no column '" + column + "' in " + schema.simpleString(), e);
        }
        values[i] = convert(value);
        return this;
    }

    public Row build() {
        return RowFactory.create(values);
    }

    private static Object convert(Object value) {
        if (value instanceof Double d) return Columns.nullIfNotFinite(d);
        if (value instanceof List<?> list) return CollectionConverters.asScala(list).toList();
        if (value instanceof Map<?, ?> map) return CollectionConverters.asScala(map);
        if (value instanceof double[] array) return CollectionConverters.asScala(java.util.Arrays.stream(array).boxed().toList()).toList();
        return value;
    }
}
