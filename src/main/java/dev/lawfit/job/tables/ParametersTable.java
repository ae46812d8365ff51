package dev.lawfit.job.tables;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

/**
 * The {@code parameters} table: the {@code laws} table's maps in long form, one row per (group, law, quantity) of every
 * ok fit: group keys, {@code family}, {@code law}, {@code kind} ({@code parameter} or {@code derived}), {@code name},
 * {@code estimate}, {@code low}, {@code high}, {@code std_error}. Maps arrive in pandas as lists of tuples; these are
 * plain columns for a notebook or a BI tool.
 */
public final class ParametersTable {

    private ParametersTable() {
    }

    public static Dataset<Row> build(Dataset<Row> laws) {
        List<String> columns = Arrays.asList(laws.columns());
        List<String> keys = columns.subList(0, columns.indexOf("family"));
        Dataset<Row> ok = laws.where(Columns.usable());
        Dataset<Row> out = null;
        for (String kind : List.of("parameters", "derived")) {
            List<Column> select = new ArrayList<>();
            for (String k : keys) select.add(col("`" + k + "`"));
            select.add(col("family"));
            select.add(col("law"));
            select.add(lit(kind.equals("parameters") ? "parameter" : "derived").as("kind"));
            select.add(explode(col(kind)).as(new String[] {"name", "estimate"}));
            select.add(col("ci_low"));
            select.add(col("ci_high"));
            select.add(col("std_error"));
            Dataset<Row> part = ok.select(select.toArray(Column[]::new))
                    .withColumn("low", element_at(col("ci_low"), col("name")))
                    .withColumn("high", element_at(col("ci_high"), col("name")))
                    .withColumn("std_error", element_at(col("std_error"), col("name")))
                    .drop("ci_low", "ci_high");
            out = out == null ? part : out.unionByName(part);
        }
        List<Column> order = new ArrayList<>();
        for (String k : keys) order.add(col("`" + k + "`"));
        order.add(col("family"));
        order.add(col("law"));
        order.add(col("kind").desc());
        order.add(col("name"));
        return out.orderBy(order.toArray(Column[]::new));
    }
}
