package dev.lawfit.job.ingest;

import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.job.results.SqlSandbox;

import dev.lawfit.LawfitException;
import dev.lawfit.spec.JobSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

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

    /** The input rows in contract terms, the files they came from and the files left out as unreadable. */
    public record Read(Dataset<Row> rows, List<InputFiles.InputFile> files, List<InputFiles.Footer> badFiles) {
    }

    public static Dataset<Row> read(SparkSession spark, JobSpec.Input input) {
        return read(spark, input, false).rows();
    }

    /**
     * Reads the input. For Parquet, every file's footer is checked first: a file that is not readable Parquet
     * (truncated, empty, something else) stops the run with its name, or with {@code skipBadFiles} is left out
     * and returned in {@link Read#badFiles()}. Files whose schemas differ are reconciled by
     * {@link InputSchemaReconciler} and read group by group, each cast to the common schema.
     */
    public static Read read(SparkSession spark, JobSpec.Input input, boolean skipBadFiles) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        List<InputFiles.InputFile> files = InputFiles.list(conf, input.paths());
        if (files.isEmpty()) {
            throw new LawfitException("input.paths " + input.paths() + " hold no data files (names starting with _ or . are skipped, as Spark "
                    + "does); the previous results are unchanged");
        }
        Dataset<Row> rows;
        List<InputFiles.Footer> bad = List.of();
        try {
            if (input.format().equals("parquet")) {
                Map<String, String> options = parquetOptions(input.options());
                List<InputFiles.Footer> footers = InputFiles.footers(spark, files);
                bad = footers.stream().filter(f -> !f.ok()).toList();
                if (!bad.isEmpty() && !skipBadFiles) {
                    throw new LawfitException(bad.size() + " input file(s) are not readable Parquet: " + bad.stream().limit(5)
                            .map(f -> f.path() + " (" + f.error() + ")").collect(java.util.stream.Collectors.joining("; "))
                            + ". Fix or remove them, or run with --skip-bad-files to leave them out (they are then listed in the run record)");
                }
                checkParquetColumns(conf, files, footers);
                rows = readParquet(spark, input, options, files, footers, !bad.isEmpty());
                CheckpointContract.checkNotReserved(List.of(rows.columns()), input.columns().values(), "input " + input.paths());
            } else {
                rows = CsvInput.read(spark, input, files);
            }
        } catch (LawfitException e) {
            throw e;
        } catch (Exception e) { // AnalysisException is checked in Java but thrown undeclared from Scala
            throw new LawfitException("cannot read input " + input.paths() + " as " + input.format() + ": " + LawfitException.firstLine(e), e);
        }
        return new Read(contractTerms(rows, input), files, bad);
    }

    /** Parquet reader options that keep every row: ones that skip files or rows silently are refused. */
    private static Map<String, String> parquetOptions(Map<String, String> options) {
        Set<String> allowed = Set.of("mergeschema", "datetimerebasemode", "int96rebasemode");
        for (String key : options.keySet()) {
            if (!allowed.contains(key.toLowerCase(java.util.Locale.ROOT))) {
                throw new LawfitException("input.options." + key + " is not supported for Parquet input (options that skip files or rows "
                        + "would lose them silently); supported: mergeSchema, datetimeRebaseMode, int96RebaseMode");
            }
        }
        return options;
    }

    /**
     * A file whose columns repeat a name (Spark compares names without case) is refused naming the file and column, and
     * so is one with a column shadowed by its directory ({@link InputFiles#checkNotShadowed}).
     */
    private static void checkParquetColumns(Configuration conf, List<InputFiles.InputFile> files, List<InputFiles.Footer> footers) {
        Map<String, InputFiles.InputFile> byPath = new HashMap<>();
        for (InputFiles.InputFile f : files) byPath.put(f.path(), f);
        Map<String, String> bases = new HashMap<>();
        for (InputFiles.Footer footer : footers) {
            if (!footer.ok()) continue;
            StructType schema = (StructType) DataType.fromJson(footer.schemaJson());
            Map<String, String> seen = new HashMap<>();
            for (String name : schema.fieldNames()) {
                String previous = seen.put(name.toLowerCase(java.util.Locale.ROOT), name);
                if (previous != null) {
                    throw new LawfitException("input file " + footer.path() + " has the column '" + name + "' twice" + (previous.equals(name)
                            ? "" : " (as '" + previous + "' and '" + name + "'; Spark does not tell them apart)") + "; rewrite it with unique names");
                }
            }
            String base = bases.computeIfAbsent(byPath.get(footer.path()).input(), input -> InputFiles.qualifiedBasePath(conf, input));
            InputFiles.checkNotShadowed(footer.path(), InputFiles.partitionValues(base, footer.path()), seen.values());
        }
    }

    /** One read when all files agree and none was left out; otherwise one read per (input path, schema), cast and unioned. */
    private static Dataset<Row> readParquet(SparkSession spark, JobSpec.Input input, Map<String, String> options,
                                            List<InputFiles.InputFile> files, List<InputFiles.Footer> footers, boolean leftOut) {
        Map<String, String> schemaByFile = new HashMap<>();
        for (InputFiles.Footer f : footers) if (f.ok()) schemaByFile.put(f.path(), f.schemaJson());
        java.util.Set<String> schemas = new java.util.HashSet<>(schemaByFile.values());
        if (schemas.size() <= 1 && !leftOut) {
            org.apache.spark.sql.DataFrameReader reader = spark.read().options(options);
            // the schema Spark would infer, known from the footers already read: Spark's inference is a job of its own
            StructType known = knownSchema(footers, options);
            if (known != null) reader = reader.schema(known);
            return reader.parquet(input.paths().toArray(String[]::new));
        }
        if (schemaByFile.isEmpty()) {
            throw new LawfitException("no readable Parquet file is left in " + input.paths() + " after leaving out the bad ones");
        }
        List<InputSchemaReconciler.FileSchema> distinct = new ArrayList<>();
        Map<String, String> seen = new java.util.LinkedHashMap<>();
        for (InputFiles.InputFile f : files) {
            String schema = schemaByFile.get(f.path());
            if (schema != null && seen.putIfAbsent(schema, f.path()) == null) {
                distinct.add(new InputSchemaReconciler.FileSchema(f.path(), (StructType) DataType.fromJson(schema)));
            }
        }
        StructType common = InputSchemaReconciler.reconcile(distinct);
        Map<List<String>, List<String>> batches = new java.util.LinkedHashMap<>();
        for (InputFiles.InputFile f : files) {
            String schema = schemaByFile.get(f.path());
            if (schema != null) batches.computeIfAbsent(List.of(f.input(), schema), k -> new ArrayList<>()).add(f.path());
        }
        Dataset<Row> all = null;
        for (Map.Entry<List<String>, List<String>> batch : batches.entrySet()) {
            Dataset<Row> part = spark.read().options(options)
                    .option("basePath", InputFiles.basePath(spark.sparkContext().hadoopConfiguration(), batch.getKey().get(0)))
                    .parquet(batch.getValue().toArray(String[]::new));
            List<Column> cast = new ArrayList<>();
            Set<String> present = Set.of(part.columns());
            for (StructField f : common.fields()) {
                cast.add((present.contains(f.name()) ? column(f.name()).cast(f.dataType()) : lit(null).cast(f.dataType())).as(f.name()));
            }
            for (String partition : part.columns()) if (!common.getFieldIndex(partition).isDefined()) cast.add(column(partition));
            part = part.select(cast.toArray(Column[]::new));
            all = all == null ? part : all.unionByName(part, true);
        }
        return all;
    }

    /**
     * The schema Spark's inference would give these files, when the footers tell it for certain: every file read on the
     * driver with the same read schema, and no schema merging asked for. Null otherwise (Spark infers it, as before).
     */
    static StructType knownSchema(List<InputFiles.Footer> footers, Map<String, String> options) {
        for (Map.Entry<String, String> option : options.entrySet()) {
            if (option.getKey().equalsIgnoreCase("mergeSchema") && !option.getValue().equalsIgnoreCase("false")) return null;
        }
        String json = null;
        for (InputFiles.Footer footer : footers) {
            if (!footer.ok() || footer.readSchemaJson() == null || (json != null && !json.equals(footer.readSchemaJson()))) return null;
            json = footer.readSchemaJson();
        }
        return json == null ? null : (StructType) DataType.fromJson(json);
    }

    private static Dataset<Row> contractTerms(Dataset<Row> rows, JobSpec.Input input) {
        rows = mapColumns(unpivot(rows, input), input);
        // CSV rows come with their file and line; a Parquet row's file is Spark's to name
        if (!Arrays.asList(rows.columns()).contains(CheckpointContract.SOURCE_FILE)) {
            rows = rows.withColumn(CheckpointContract.SOURCE_FILE, input_file_name());
        }
        for (Map.Entry<String, String> derived : input.derive().entrySet()) {
            SqlSandbox.checkExpression(rows.sparkSession(), "input.derive." + derived.getKey(), derived.getValue(), rows.schema());
            try {
                rows = rows.withColumn(derived.getKey(), expr(derived.getValue()));
            } catch (Exception e) { // AnalysisException and ParseException are checked in Java but thrown undeclared from Scala
                throw new LawfitException("input.derive." + derived.getKey() + ": cannot evaluate '" + derived.getValue()
                        + "' over the columns " + Arrays.toString(rows.columns()) + ": " + LawfitException.firstLine(e), e);
            }
        }
        Column kept = lit(true);
        if (input.filter() != null && !input.filter().isBlank()) {
            SqlSandbox.checkExpression(rows.sparkSession(), "input.filter", input.filter(), rows.schema());
            try {
                kept = coalesce(expr(input.filter()).cast("boolean"), lit(false));
                rows.select(kept).schema();
            } catch (Exception e) { // AnalysisException and ParseException are checked in Java but thrown undeclared from Scala
                throw new LawfitException("input.filter: cannot evaluate '" + input.filter() + "' over the columns "
                        + Arrays.toString(rows.columns()) + ": " + LawfitException.firstLine(e), e);
            }
        }
        // a malformed record is rejected whatever the filter says: it cannot be known what it would have been
        if (Arrays.asList(rows.columns()).contains(CsvInput.MALFORMED)) kept = column(CsvInput.MALFORMED).isNotNull().or(kept);
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
}
