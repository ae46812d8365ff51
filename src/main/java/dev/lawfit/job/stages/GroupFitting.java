package dev.lawfit.job.stages;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.spec.CheckpointContract;
import dev.lawfit.job.tables.BootstrapTables;
import dev.lawfit.job.tables.Columns;
import dev.lawfit.job.tables.GroupResult;
import dev.lawfit.job.tables.LawsTable;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Law;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.List;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.struct;

/**
 * Groups accepted rows by the spec's keys and fits every law per group, groups in parallel across
 * Spark tasks. The grouped data is repartitioned to an explicit count, because fitting cost does not
 * follow data size and adaptive execution would otherwise merge many groups into few tasks.
 */
public final class GroupFitting {

    private GroupFitting() {
    }

    /** The column a family stage puts its covariate x in (progress, the x loss, the reference loss) before {@link #fit}. */
    public static final String X = "_lawfit_x";

    /** One row per group with arrays of law rows and prediction rows (see {@link FitOutputSchema}). */
    public static Dataset<Row> fit(Dataset<Row> accepted, List<String> keys, List<Law> laws, FitSettings settings,
                                   int partitions) {
        return fit(accepted, keys, laws, settings, partitions, null);
    }

    /**
     * Any family's laws, fitted per group of {@code keys} by the core's one call. {@code rows} has the contract
     * columns (params, tokens, flops, loss as the law's target, run_id, step, and the FLOP bookkeeping) and, for
     * families with a covariate, {@link #X}. Adds one to {@code fitted} per group fitted (for progress).
     */
    public static Dataset<Row> fit(Dataset<Row> rows, List<String> keys, List<Law> laws, FitSettings settings,
                                   int partitions, org.apache.spark.util.LongAccumulator fitted) {
        Column[] keyColumns = keys.stream().map(InputReader::column).toArray(Column[]::new);
        Column x = java.util.Arrays.asList(rows.columns()).contains(X) ? column(X) : org.apache.spark.sql.functions.lit(null).cast("double");
        Dataset<Row> groups = rows
                .groupBy(keyColumns)
                .agg(collect_list(struct(column(CheckpointContract.PARAMS), column(CheckpointContract.TOKENS),
                        column(CheckpointContract.FLOPS), column(CheckpointContract.LOSS), x.as("x"), column(CheckpointContract.RUN_ID),
                        column(CheckpointContract.STEP), column(CheckpointContract.FLOPS_DERIVED))).as("points"),
                        concat_ws("+", sort_array(collect_set(column(CheckpointContract.FLOPS_CONVENTION)))).as("flops_conventions"))
                .repartition(partitions, keyColumns)
                .select(Columns.keyStruct(keys), column("points"), column("flops_conventions"));
        return groups.map(new GroupFitFunction(keys, laws, settings, fitted), Encoders.row(GroupResult.schema(keys)));
    }

    /**
     * The {@code laws} table: group keys, the law columns and, when given, the bootstrap intervals
     * (otherwise those columns are null); ordered by group and law.
     */
    public static Dataset<Row> lawsTable(Dataset<Row> fitted, List<String> keys, Dataset<Row> intervals) {
        Dataset<Row> laws = explodeTable(fitted, keys, "laws", List.of("law"));
        for (String internal : LawsTable.INTERNAL_COLUMNS) laws = laws.drop(internal);
        if (intervals != null) {
            List<String> on = new ArrayList<>(keys);
            on.add("law");
            // a join on columns puts them first: keep the table's own order (keys, family, law, ...), then the intervals
            List<Column> order = new ArrayList<>();
            for (String c : laws.columns()) order.add(column(c));
            for (String c : intervals.columns()) if (!on.contains(c)) order.add(column(c));
            laws = laws.join(intervals, scala.jdk.javaapi.CollectionConverters.asScala(on).toSeq(), "left").select(order.toArray(Column[]::new));
        } else {
            for (org.apache.spark.sql.types.StructField f : BootstrapTables.INTERVALS.fields()) {
                laws = laws.withColumn(f.name(), org.apache.spark.sql.functions.lit(null).cast(f.dataType()));
            }
        }
        List<Column> sort = new ArrayList<>();
        for (String key : keys) sort.add(column(key));
        sort.add(column("law"));
        return laws.orderBy(sort.toArray(Column[]::new));
    }

    /** The {@code frontier} table: one row per (group, approach). */
    public static Dataset<Row> frontierTable(Dataset<Row> fitted, List<String> keys) {
        return explodeTable(fitted, keys, "frontier", List.of("approach"));
    }

    /** The {@code backtest} table: one row per (group, law, held-out point). */
    public static Dataset<Row> backtestTable(Dataset<Row> fitted, List<String> keys) {
        return explodeTable(fitted, keys, "backtest", List.of("law", "params", "tokens", "run_id", "step", "observed"));
    }

    /** The {@code folds} table: one row per (group, law, rolling-origin cut, held-out point). */
    public static Dataset<Row> foldsTable(Dataset<Row> fitted, List<String> keys) {
        return explodeTable(fitted, keys, "folds", List.of("law", "cut", "params", "tokens", "run_id", "step", "observed"));
    }

    /** The {@code predictions} table: one row per (group, law, point). */
    public static Dataset<Row> predictionsTable(Dataset<Row> fitted, List<String> keys) {
        return explodeTable(fitted, keys, "predictions", List.of("law", "params", "tokens", "run_id", "step", "observed"));
    }

    /** One of a fitted group's arrays as a table: the key flattened into its columns, then the array's rows, sorted. */
    public static Dataset<Row> explodeTable(Dataset<Row> fitted, List<String> keys, String arrayColumn, List<String> order) {
        org.apache.spark.sql.types.StructType item = (org.apache.spark.sql.types.StructType)
                ((org.apache.spark.sql.types.ArrayType) fitted.schema().apply(arrayColumn).dataType()).elementType();
        List<Column> flat = new ArrayList<>(Columns.flatKey(keys));
        // a key the rows also carry (run_id for per-run families) is the key's value: not twice
        for (String name : item.fieldNames()) {
            if (!keys.contains(name)) flat.add(org.apache.spark.sql.functions.col("item").getField(name).as(name));
        }
        List<Column> sort = new ArrayList<>();
        for (String key : keys) sort.add(column(key));
        for (String o : order) sort.add(column(o));
        return fitted.select(column(Columns.KEY), explode(column(arrayColumn)).as("item")).select(flat.toArray(Column[]::new))
                .orderBy(sort.toArray(Column[]::new));
    }
}
