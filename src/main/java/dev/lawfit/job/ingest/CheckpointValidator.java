package dev.lawfit.job.ingest;

import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.LawfitException;
import dev.lawfit.law.FlopAccounting;
import org.apache.spark.sql.api.java.UDF6;
import org.apache.spark.sql.api.java.UDF8;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.lawfit.spec.CheckpointContract.FLOPS;
import static dev.lawfit.spec.CheckpointContract.FLOPS_DERIVED;
import static dev.lawfit.spec.CheckpointContract.PARAMS;
import static dev.lawfit.spec.CheckpointContract.REJECT_REASON;
import static dev.lawfit.spec.CheckpointContract.STEP;
import static dev.lawfit.spec.CheckpointContract.TOKENS;
import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

/**
 * Splits the input into rows that meet the contract and rejects with every reason they break it.
 * Rows read = rows filtered out by the spec + rows accepted + rows rejected, always.
 */
public final class CheckpointValidator {

    /** Accepted rows in contract types, the rejects as they were read with a reason, and the counts. */
    public record Validated(Dataset<Row> accepted, Dataset<Row> rejects, long rowsRead, long rowsFiltered,
                            long rowsAccepted, long rowsRejected, Dataset<Row> cached) {
    }

    private CheckpointValidator() {
    }

    public static Validated validate(Dataset<Row> input, List<String> groupKeys, List<String> paths, FlopAccounting flops,
                                     String errorColumn) {
        return validate(input, groupKeys, paths, flops, errorColumn, null);
    }

    /**
     * With {@code temporal} set, position_losses (when present) must be an array of positive numbers and every row
     * needs the run's planned tokens: a positive total_tokens, or {@code temporal.totalTokens()} where it is missing.
     */
    public static Validated validate(Dataset<Row> input, List<String> groupKeys, List<String> paths, FlopAccounting flops,
                                     String errorColumn, dev.lawfit.spec.JobSpec.Temporal temporal) {
        return validate(input, groupKeys, paths, flops, errorColumn, temporal, null);
    }

    /**
     * With {@code schedule} set, every row needs a step, and a learning rate: its lr (>= 0), or its run described in
     * {@code schedule.runs}; a run with two learning rates at one step is rejected whole at that step.
     */
    public static Validated validate(Dataset<Row> input, List<String> groupKeys, List<String> paths, FlopAccounting flops,
                                     String errorColumn, dev.lawfit.spec.JobSpec.Temporal temporal,
                                     dev.lawfit.schedule.ScheduleSettings schedule) {
        Set<String> keys = new LinkedHashSet<>(CheckpointContract.REQUIRED_KEYS);
        keys.addAll(groupKeys);
        checkColumns(input, keys, paths);
        if (errorColumn != null && !has(input, errorColumn)) {
            throw new LawfitException("input " + paths + " has no column " + errorColumn + " (downstream.error_column: the downstream "
                    + "error of task rows); available columns: " + Arrays.toString(input.columns()));
        }

        boolean positions = has(input, CheckpointContract.POSITION_LOSSES);
        boolean totals = has(input, CheckpointContract.TOTAL_TOKENS);
        if (temporal != null) checkTemporalColumns(input, paths, temporal, positions, totals);

        List<Column> reasons = new ArrayList<>();
        if (has(input, CsvInput.MALFORMED)) reasons.add(column(CsvInput.MALFORMED));
        for (String key : keys) {
            // blank in Unicode too: tabs, newlines, no-break, ideographic and zero-width spaces, other format characters
            reasons.add(when(column(key).isNull().or(regexp_replace(column(key).cast("string"), BLANK, "").equalTo("")),
                    lit(key + " is missing")));
        }
        for (String name : CheckpointContract.REQUIRED_NUMBERS) reasons.add(numberReason(name, true, true));
        if (has(input, FLOPS)) reasons.add(numberReason(FLOPS, false, true));
        if (has(input, STEP)) reasons.add(numberReason(STEP, false, false));
        if (has(input, CheckpointContract.UNIQUE_TOKENS)) reasons.add(numberReason(CheckpointContract.UNIQUE_TOKENS, false, true));
        if (errorColumn != null) {
            Column error = number(errorColumn);
            reasons.add(when(column(errorColumn).isNotNull().and(error.isNull()),
                    concat(lit(errorColumn + " is not a number: '"), column(errorColumn).cast("string"), lit("'")))
                    .when(isnan(error).or(error.lt(0)).or(error.gt(1)), concat(lit(errorColumn + " must be in [0, 1], got "), error.cast("string"))));
        }

        if (temporal != null) {
            if (totals) reasons.add(numberReason(CheckpointContract.TOTAL_TOKENS, temporal.totalTokens() == null, true));
            if (positions) {
                Column p = column(CheckpointContract.POSITION_LOSSES);
                reasons.add(when(org.apache.spark.sql.functions.size(p).lt(3).and(p.isNotNull()),
                                concat(lit("position_losses has "), org.apache.spark.sql.functions.size(p).cast("string"), lit(" positions; 3 are needed")))
                        .when(org.apache.spark.sql.functions.exists(p, x -> x.isNull().or(isnan(x.cast("double"))).or(x.cast("double").leq(0))),
                                lit("position_losses has a missing, NaN or non-positive value")));
            }
        }
        boolean lrs = has(input, CheckpointContract.LR);
        if (schedule != null) {
            if (!has(input, STEP)) {
                throw new LawfitException("input " + paths + " has no column step: the schedule laws place each checkpoint on its run's "
                        + "learning-rate schedule by its optimiser step (map one with input.columns.step or derive it)");
            }
            if (!lrs && schedule.runs().isEmpty()) {
                throw new LawfitException("input " + paths + " has no column lr and schedule.runs describes no run: the schedule laws need "
                        + "each run's learning rate (an lr column at every checkpoint, or the run's schedule in schedule.runs); available columns: "
                        + Arrays.toString(input.columns()));
            }
            reasons.add(when(column(STEP).isNull(), lit("step is missing: the schedule laws place each checkpoint on its run's schedule by its step")));
            Column described = column(CheckpointContract.RUN_ID).cast("string").isin(schedule.runs().keySet().toArray());
            if (lrs) {
                reasons.add(numberReason(CheckpointContract.LR, false, false));
                org.apache.spark.sql.expressions.WindowSpec atStep = org.apache.spark.sql.expressions.Window
                        .partitionBy(column(CheckpointContract.RUN_ID), number(STEP));
                Column lr = number(CheckpointContract.LR);
                reasons.add(when(number(STEP).isNotNull().and(org.apache.spark.sql.functions.min(lr).over(atStep)
                                .notEqual(org.apache.spark.sql.functions.max(lr).over(atStep))),
                        concat(lit("run has two learning rates at step "), number(STEP).cast("string"), lit(": an inconsistent schedule"))));
                reasons.add(when(column(CheckpointContract.LR).isNull().and(not(described)),
                        lit("lr is missing and schedule.runs does not describe this run: the schedule laws need its learning rate")));
            } else {
                reasons.add(when(not(described), lit("no lr column and schedule.runs does not describe this run: the schedule laws need its learning rate")));
            }
        }
        reasons.add(when(flopsOverflow(input), lit("flops is not finite: the FLOP count (6ND or the architecture's) overflows")));
        // the FLOP count is computed once per row (a UDF) and cached with the checks, for the reason and the contract
        Dataset<Row> checked = input.withColumn(COUNTED_FLOPS, flopsColumn(input, flops))
                .withColumn(REJECT_REASON, concat_ws("; ", reasons.toArray(Column[]::new)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Column kept = column(InputReader.KEPT);
        Column good = column(REJECT_REASON).equalTo("");
        Row counts;
        try {
            counts = checked.agg(count(lit(1)),
                    sum(when(not(kept), 1).otherwise(0)),
                    sum(when(kept.and(good), 1).otherwise(0)),
                    sum(when(kept.and(not(good)), 1).otherwise(0))).first();
        } catch (Exception e) { // SparkException is checked in Java but thrown undeclared from Scala
            checked.unpersist();
            // The first full read of the input: a corrupt or truncated file fails here, and Spark names it.
            throw new LawfitException("cannot read input " + paths + ": " + readFailure(e), e);
        }

        Dataset<Row> rejects = checked.where(kept.and(not(good))).drop(InputReader.KEPT, CsvInput.MALFORMED, COUNTED_FLOPS);
        List<Column> contract = contractColumns(input, keys, flops);
        if (errorColumn != null) contract.add(number(errorColumn).as(CheckpointContract.ERROR));
        if (temporal != null) {
            Column fallback = temporal.totalTokens() == null ? lit(null).cast("double") : lit(temporal.totalTokens());
            contract.add((totals ? org.apache.spark.sql.functions.coalesce(number(CheckpointContract.TOTAL_TOKENS), fallback) : fallback)
                    .as(CheckpointContract.TOTAL_TOKENS));
            contract.add((positions ? column(CheckpointContract.POSITION_LOSSES).cast("array<double>") : lit(null).cast("array<double>"))
                    .as(CheckpointContract.POSITION_LOSSES));
        }
        if (schedule != null) {
            contract.add((lrs ? number(CheckpointContract.LR) : lit(null).cast("double")).as(CheckpointContract.LR));
        }
        Dataset<Row> accepted = checked.where(kept.and(good)).select(contract.toArray(Column[]::new));
        return new Validated(accepted, rejects, counts.getLong(0), longOrZero(counts, 1), longOrZero(counts, 2),
                longOrZero(counts, 3), checked);
    }

    /** Unicode white space, control and format characters (zero-width spaces among them): a key made only of these is blank. */
    private static final String BLANK = "[\\p{Z}\\p{Cc}\\p{Cf}\\s]+";

    /** The FLOP count of each row under the spec's convention (a hidden column of the checked rows). */
    private static final String COUNTED_FLOPS = "_lawfit_flops";

    /** True where the FLOP count lawfit derives (when the input gives none) is not finite, e.g. 6ND over the double range. */
    private static Column flopsOverflow(Dataset<Row> input) {
        Column derived = column(COUNTED_FLOPS);
        Column given = inputFlops(input);
        Column givenNotFinite = org.apache.spark.sql.functions.coalesce(isnan(given).or(abs(given).equalTo(Double.POSITIVE_INFINITY)), lit(false));
        return derived.isNotNull().and(isnan(derived).or(abs(derived).equalTo(Double.POSITIVE_INFINITY))).and(not(givenNotFinite));
    }

    /** The FLOP column the input gives (null where absent), and the architecture shape columns the conventions read. */
    private static Column inputFlops(Dataset<Row> input) {
        return has(input, FLOPS) ? number(FLOPS) : lit(null).cast("double");
    }

    private static Column[] shape(Dataset<Row> input) {
        return new Column[]{optionalInt(input, "n_layers"), optionalInt(input, "d_model"), optionalInt(input, "n_heads"),
                optionalInt(input, "context_length")};
    }

    private static Column flopsColumn(Dataset<Row> input, FlopAccounting accounting) {
        Column inputFlops = inputFlops(input);
        Column[] shape = shape(input);
        UserDefinedFunction flops = udf((UDF8<String, Double, Double, Double, Integer, Integer, Integer, Integer, Double>)
                accounting::flops, DataTypes.DoubleType);
        return flops.apply(column(CheckpointContract.MODEL).cast("string"), number(PARAMS), number(TOKENS), inputFlops,
                shape[0], shape[1], shape[2], shape[3]);
    }

    private static List<Column> contractColumns(Dataset<Row> input, Set<String> keys, FlopAccounting accounting) {
        List<Column> columns = new ArrayList<>();
        for (String key : keys) columns.add(column(key).cast("string").as(key));
        columns.add(number(PARAMS).as(PARAMS));
        columns.add(number(TOKENS).as(TOKENS));
        Column inputFlops = inputFlops(input);
        Column[] shape = shape(input);
        UserDefinedFunction convention = udf((UDF6<String, Double, Integer, Integer, Integer, Integer, String>)
                accounting::convention, DataTypes.StringType);
        columns.add(column(COUNTED_FLOPS).as(FLOPS));
        columns.add(inputFlops.isNull().as(FLOPS_DERIVED));
        columns.add(convention.apply(column(CheckpointContract.MODEL).cast("string"), inputFlops, shape[0], shape[1], shape[2], shape[3])
                .as(CheckpointContract.FLOPS_CONVENTION));
        columns.add(has(input, STEP) ? number(STEP).as(STEP) : lit(null).cast("double").as(STEP));
        columns.add(number(CheckpointContract.LOSS).as(CheckpointContract.LOSS));
        columns.add((has(input, CheckpointContract.UNIQUE_TOKENS) ? number(CheckpointContract.UNIQUE_TOKENS) : lit(null).cast("double"))
                .as(CheckpointContract.UNIQUE_TOKENS));
        return columns;
    }

    private static void checkTemporalColumns(Dataset<Row> input, List<String> paths, dev.lawfit.spec.JobSpec.Temporal temporal,
                                             boolean positions, boolean totals) {
        if (!totals && temporal.totalTokens() == null) {
            throw new LawfitException("input " + paths + " has no column " + CheckpointContract.TOTAL_TOKENS + " and the spec sets no "
                    + "temporal.total_tokens: the temporal law needs each run's planned tokens (map a column with input.columns.total_tokens, "
                    + "derive it with input.derive, or set temporal.total_tokens)");
        }
        if (positions) {
            DataType type = field(input, CheckpointContract.POSITION_LOSSES).dataType();
            if (!(type instanceof org.apache.spark.sql.types.ArrayType array && array.elementType() instanceof NumericType)) {
                throw new LawfitException("input " + paths + ": column '" + CheckpointContract.POSITION_LOSSES + "' has type "
                        + type.simpleString() + ", expected an array of numbers (the loss at each token position)");
            }
        }
        if (totals) {
            DataType type = field(input, CheckpointContract.TOTAL_TOKENS).dataType();
            if (!(type instanceof NumericType || type instanceof StringType || type instanceof NullType)) {
                throw new LawfitException("input " + paths + ": column '" + CheckpointContract.TOTAL_TOKENS + "' has type "
                        + type.simpleString() + ", expected a number");
            }
        }
    }

    /** The first thing wrong with a numeric column, or null. Invalid text casts to null (ANSI is off). */
    private static Column numberReason(String name, boolean required, boolean positive) {
        Column raw = column(name);
        Column value = number(name);
        Column reason = required ? when(raw.isNull(), lit(name + " is missing")) : when(lit(false), lit(""));
        reason = reason
                .when(raw.isNotNull().and(value.isNull()), concat(lit(name + " is not a number: '"), raw.cast("string"), lit("'")))
                .when(isnan(value).or(abs(value).equalTo(Double.POSITIVE_INFINITY)), concat(lit(name + " is not finite: "), value.cast("string")));
        return positive
                ? reason.when(value.leq(0), concat(lit(name + " must be > 0, got "), value.cast("string")))
                : reason.when(value.lt(0), concat(lit(name + " must be >= 0, got "), value.cast("string")));
    }

    private static Column optionalInt(Dataset<Row> input, String name) {
        return has(input, name) ? column(name).cast("int") : lit(null).cast("int");
    }

    private static Column number(String name) {
        return column(name).cast("double");
    }

    private static void checkColumns(Dataset<Row> input, Set<String> keys, List<String> paths) {
        List<String> missing = new ArrayList<>();
        for (String key : keys) if (!has(input, key)) missing.add(key);
        for (String name : CheckpointContract.REQUIRED_NUMBERS) if (!has(input, name)) missing.add(name);
        if (!missing.isEmpty()) {
            throw new LawfitException("input " + paths + " has no column " + String.join(", ", missing)
                    + " (required by the checkpoint-evaluation contract or group_by); available columns: "
                    + Arrays.toString(input.drop(CheckpointContract.SOURCE_FILE, InputReader.KEPT, CsvInput.LINE, CsvInput.MALFORMED).columns())
                    + ". Map a source column with input.columns." + missing.get(0) + ": <source column>, or derive it with input.derive.");
        }
        List<String> numbers = new ArrayList<>(CheckpointContract.REQUIRED_NUMBERS);
        numbers.addAll(CheckpointContract.OPTIONAL_NUMBERS);
        for (String name : numbers) {
            if (!has(input, name)) continue;
            DataType type = field(input, name).dataType();
            if (!(type instanceof NumericType || type instanceof StringType || type instanceof NullType)) {
                throw new LawfitException("input " + paths + ": column '" + name + "' has type " + type.simpleString()
                        + ", expected a number");
            }
        }
        for (String key : keys) {
            DataType type = field(input, key).dataType();
            if (!type.sameType(DataTypes.StringType) && !(type instanceof NumericType) && !type.sameType(DataTypes.BooleanType)
                    && !(type instanceof NullType)) {
                throw new LawfitException("input " + paths + ": key column '" + key + "' has type " + type.simpleString()
                        + ", expected a string");
            }
        }
    }

    /** The message in the cause chain that names a file, with the innermost cause (what was wrong with it), else the first line. */
    private static String readFailure(Throwable e) {
        String file = null;
        for (Throwable t = e; t != null && file == null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("file:") || message.contains("://"))) file = LawfitException.firstLine(t);
        }
        if (file == null) return LawfitException.firstLine(e);
        String innermost = LawfitException.innermostLine(e);
        return file.contains(innermost) ? file : file + ": " + innermost;
    }

    private static boolean has(Dataset<Row> input, String name) {
        return Arrays.asList(input.columns()).contains(name);
    }

    private static StructField field(Dataset<Row> input, String name) {
        return input.schema().apply(name);
    }

    private static long longOrZero(Row row, int i) {
        return row.isNullAt(i) ? 0 : row.getLong(i);
    }
}
