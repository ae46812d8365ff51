package dev.lawfit.job;

import dev.lawfit.LawfitException;
import dev.lawfit.spec.JobSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

/**
 * Reads the job's input and puts it in the contract's terms: the source file of each row, column
 * mapping, derived columns and the filter (as a column {@link #KEPT}, so filtered rows are counted,
 * not silently lost). Errors name the path, the spec key and the column.
 */
public final class InputReader {

    public static final String KEPT = "_lawfit_kept";

    private InputReader() {
    }

    public static Dataset<Row> read(SparkSession spark, JobSpec.Input input) {
        checkPathsExist(spark.sparkContext().hadoopConfiguration(), input.paths());
        Map<String, String> options = new HashMap<>();
        if (input.format().equals("csv")) {
            options.put("header", "true");
            options.put("inferSchema", "true");
        }
        options.putAll(input.options());
        Dataset<Row> rows;
        try {
            rows = spark.read().format(input.format()).options(options).load(input.paths().toArray(String[]::new));
        } catch (RuntimeException e) {
            throw new LawfitException("cannot read input " + input.paths() + " as " + input.format() + ": " + e.getMessage(), e);
        }
        rows = rows.withColumn(CheckpointContract.SOURCE_FILE, input_file_name());
        rows = unpivot(rows, input);
        rows = mapColumns(rows, input);
        for (Map.Entry<String, String> derived : input.derive().entrySet()) {
            try {
                rows = rows.withColumn(derived.getKey(), expr(derived.getValue()));
            } catch (RuntimeException e) {
                throw new LawfitException("input.derive." + derived.getKey() + ": cannot evaluate '" + derived.getValue()
                        + "' over the columns " + Arrays.toString(rows.columns()) + ": " + firstLine(e), e);
            }
        }
        Column kept = lit(true);
        if (input.filter() != null && !input.filter().isBlank()) {
            try {
                kept = coalesce(expr(input.filter()).cast("boolean"), lit(false));
                rows.select(kept).schema();
            } catch (RuntimeException e) {
                throw new LawfitException("input.filter: cannot evaluate '" + input.filter() + "' over the columns "
                        + Arrays.toString(rows.columns()) + ": " + firstLine(e), e);
            }
        }
        return rows.withColumn(KEPT, kept);
    }

    /**
     * Wide input, one loss column per eval dataset: {@code input.unpivot} maps eval_dataset values to their
     * loss columns, and each row becomes one row per entry with {@code eval_dataset} and {@code loss}. A row
     * whose loss column is null becomes a row with a null loss, rejected with its reason.
     */
    private static Dataset<Row> unpivot(Dataset<Row> rows, JobSpec.Input input) {
        if (input.unpivot().isEmpty()) return rows;
        Set<String> present = Set.of(rows.columns());
        List<Column> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : input.unpivot().entrySet()) {
            if (!present.contains(e.getValue())) {
                throw new LawfitException("input.unpivot." + e.getKey() + " names loss column '" + e.getValue() + "', which is not in "
                        + input.paths() + "; available columns: " + Arrays.toString(rows.columns()));
            }
            entries.add(org.apache.spark.sql.functions.struct(lit(e.getKey()).as(CheckpointContract.EVAL_DATASET),
                    column(e.getValue()).cast("double").as(CheckpointContract.LOSS)));
        }
        List<Column> keep = new ArrayList<>();
        for (String name : rows.columns()) {
            if (!input.unpivot().containsValue(name) && !name.equals(CheckpointContract.EVAL_DATASET) && !name.equals(CheckpointContract.LOSS)) {
                keep.add(column(name));
            }
        }
        keep.add(org.apache.spark.sql.functions.explode(org.apache.spark.sql.functions.array(entries.toArray(Column[]::new))).as("_lawfit_entry"));
        return rows.select(keep.toArray(Column[]::new))
                .withColumn(CheckpointContract.LOSS, column("_lawfit_entry").getField(CheckpointContract.LOSS))
                .withColumn(CheckpointContract.EVAL_DATASET, column("_lawfit_entry").getField(CheckpointContract.EVAL_DATASET))
                .drop("_lawfit_entry");
    }

    /** Quotes a column name for Spark so dots and spaces in source names are taken literally. */
    public static Column column(String name) {
        return org.apache.spark.sql.functions.col("`" + name.replace("`", "``") + "`");
    }

    private static Dataset<Row> mapColumns(Dataset<Row> rows, JobSpec.Input input) {
        if (input.columns().isEmpty()) return rows;
        Set<String> present = Set.of(rows.columns());
        Map<String, String> contractBySource = new HashMap<>();
        input.columns().forEach((contract, source) -> {
            if (!present.contains(source)) {
                throw new LawfitException("input.columns." + contract + " names source column '" + source + "', which is not in "
                        + input.paths() + "; available columns: " + Arrays.toString(rows.columns()));
            }
            contractBySource.put(source, contract);
        });
        List<Column> projection = new ArrayList<>();
        for (String name : rows.columns()) {
            String target = contractBySource.get(name);
            if (target != null) {
                projection.add(column(name).as(target));
            } else if (!input.columns().containsKey(name)) {
                projection.add(column(name));
            }
        }
        return rows.select(projection.toArray(Column[]::new));
    }

    private static void checkPathsExist(Configuration conf, List<String> paths) {
        for (String path : paths) {
            try {
                Path p = new Path(path);
                FileSystem fs = p.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(p);
                if (matches == null || matches.length == 0) {
                    throw new LawfitException("input path '" + path + "' (input.paths) does not exist or matches no file");
                }
            } catch (IOException e) {
                throw new LawfitException("input path '" + path + "' cannot be listed: " + e.getMessage(), e);
            }
        }
    }

    static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
