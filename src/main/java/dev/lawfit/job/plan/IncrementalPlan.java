package dev.lawfit.job.plan;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.job.ingest.CheckpointContract;

import dev.lawfit.LawfitException;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.lawfit.job.ingest.InputReader.column;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Which groups a run refits. Each group's fingerprint hashes its validated rows (order-independent: the row
 * count, the exact sum of every row's 64-bit hash and the XOR of a second, independent 32-bit hash) together with
 * the fit-settings hash. Against the current version's {@code groups} table a group is {@code added} (new),
 * {@code refitted} (fingerprint changed), {@code reused} (unchanged: its rows in every group-keyed table are
 * copied from the previous version, not refitted) or, when it disappeared, removed - or kept as {@code stale}
 * with {@code --keep-stale}. {@code --full} refits every group.
 */
public final class IncrementalPlan {

    public static final String GROUPS = "groups";
    public static final String ADDED = "added";
    public static final String REFITTED = "refitted";
    public static final String REUSED = "reused";
    public static final String STALE = "stale";

    /** What the plan decided, for the summary and the run record. */
    public record Counts(long added, long refitted, long reused, long removed, long stale) {
        public long fitted() {
            return added + refitted;
        }

        /** The groups in this run's input. */
        public long groups() {
            return added + refitted + reused;
        }

        /** Whether any group's rows come from the previous version (reused or kept stale). */
        boolean carriesOver() {
            return reused + stale > 0;
        }

        public Map<String, Long> toMap() {
            Map<String, Long> m = new java.util.LinkedHashMap<>();
            m.put(ADDED, added);
            m.put(REFITTED, refitted);
            m.put(REUSED, reused);
            m.put("removed", removed);
            m.put(STALE, stale);
            return m;
        }
    }

    private final SparkSession spark;
    private final List<String> keys;
    private final Path previousVersion;
    private final Dataset<Row> groups;
    private final Counts counts;

    private IncrementalPlan(SparkSession spark, List<String> keys, Path previousVersion, Dataset<Row> groups, Counts counts) {
        this.spark = spark;
        this.keys = keys;
        this.previousVersion = previousVersion;
        this.groups = groups;
        this.counts = counts;
    }

    /**
     * Plans a run. {@code previousVersion} is the current version's directory (null on a first run); a previous
     * version without a {@code groups} table (written before lawfit kept one) counts as none.
     */
    public static IncrementalPlan make(SparkSession spark, Dataset<Row> accepted, List<String> keys, String fitSettingsHash,
                                       Path previousVersion, boolean full, boolean keepStale, String version) {
        Column[] keyColumns = keys.stream().map(InputReader::column).toArray(Column[]::new);
        Column[] rowColumns = Arrays.stream(accepted.columns()).filter(c -> !c.equals(CheckpointContract.SOURCE_FILE))
                .map(InputReader::column).toArray(Column[]::new);
        Dataset<Row> current = accepted.groupBy(keyColumns).agg(count(lit(1)).as("rows"),
                        sum(xxhash64(rowColumns).cast("decimal(38,0)")).as("_h64"), bit_xor(hash(rowColumns)).as("_h32"))
                .withColumn("fingerprint", sha2(concat_ws("/", column("rows").cast("string"), column("_h64").cast("string"),
                        column("_h32").cast("string"), lit(fitSettingsHash)), 256))
                .drop("_h64", "_h32");

        Path previousGroups = previousVersion == null ? null : new Path(previousVersion, GROUPS);
        Dataset<Row> previous = previousGroups != null && exists(spark, previousGroups) ? spark.read().parquet(previousGroups.toString()) : null;
        // grouped by other keys before (group_by changed): no group carries over (the settings hash differs anyway)
        boolean havePrevious = previous != null && java.util.Set.of(previous.columns()).containsAll(keys);
        Dataset<Row> table;
        long removed = 0;
        if (!havePrevious) {
            table = current.withColumn("status", lit(ADDED)).withColumn("fitted_version", lit(version));
        } else {
            List<Column> prev = new ArrayList<>(Arrays.asList(keyColumns));
            prev.add(column("rows").as("_prev_rows"));
            prev.add(column("fingerprint").as("_prev_fingerprint"));
            prev.add(column("fitted_version").as("_prev_fitted_version"));
            Dataset<Row> joined = current.join(previous.select(prev.toArray(Column[]::new)),
                    scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "full_outer");
            Column isCurrent = column("fingerprint").isNotNull();
            Column wasThere = column("_prev_fingerprint").isNotNull();
            Column unchanged = wasThere.and(column("fingerprint").equalTo(column("_prev_fingerprint")));
            Column status = when(isCurrent.and(wasThere.and(unchanged).and(lit(!full))), lit(REUSED))
                    .when(isCurrent.and(wasThere), lit(REFITTED))
                    .when(isCurrent, lit(ADDED))
                    .otherwise(lit(STALE));
            joined = joined.withColumn("status", status);
            if (!keepStale) {
                removed = joined.where(column("status").equalTo(STALE)).count();
                joined = joined.where(column("status").notEqual(STALE));
            }
            List<Column> out = new ArrayList<>(Arrays.asList(keyColumns));
            out.add(coalesce(column("rows"), column("_prev_rows")).as("rows"));
            out.add(coalesce(column("fingerprint"), column("_prev_fingerprint")).as("fingerprint"));
            out.add(column("status"));
            out.add(when(column("status").isin(REUSED, STALE), column("_prev_fitted_version")).otherwise(lit(version)).as("fitted_version"));
            table = joined.select(out.toArray(Column[]::new));
        }
        table = table.persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> byStatus = new TreeMap<>();
        for (Row r : table.groupBy("status").count().collectAsList()) byStatus.put(r.getString(0), r.getLong(1));
        Counts counts = new Counts(byStatus.getOrDefault(ADDED, 0L), byStatus.getOrDefault(REFITTED, 0L),
                byStatus.getOrDefault(REUSED, 0L), removed, byStatus.getOrDefault(STALE, 0L));
        return new IncrementalPlan(spark, keys, havePrevious ? previousVersion : null, table, counts);
    }

    public Counts counts() {
        return counts;
    }

    /** The {@code groups} table: keys, rows, fingerprint, status, and the version whose run last fitted the group. */
    public Dataset<Row> groupsTable() {
        return sorted(groups);
    }

    /** The accepted rows of the groups to fit (new and changed), all of them when nothing is reused. */
    public Dataset<Row> toFit(Dataset<Row> accepted) {
        if (!counts.carriesOver()) return accepted;
        return accepted.join(keysWith(ADDED, REFITTED), scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left_semi");
    }

    /**
     * A group-keyed table of this run: the rows just fitted and, for reused and stale groups, the previous
     * version's rows, in one deterministic order (group keys, then every scalar column).
     */
    public Dataset<Row> combine(String table, Dataset<Row> fresh) {
        Dataset<Row> kept = null;
        if (previousVersion != null && counts.carriesOver()) {
            Path previous = new Path(previousVersion, table);
            if (exists(spark, previous)) {
                kept = spark.read().parquet(previous.toString())
                        .join(keysWith(REUSED, STALE), scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left_semi");
            }
        }
        Dataset<Row> all = kept == null ? fresh : fresh == null ? kept : fresh.unionByName(kept, true);
        return all == null ? null : sorted(all);
    }

    public void release() {
        groups.unpersist();
    }

    private Dataset<Row> keysWith(String... statuses) {
        return groups.where(column("status").isin((Object[]) statuses)).select(keys.stream().map(InputReader::column).toArray(Column[]::new));
    }

    /** Group keys first, then every scalar column in schema order: the same rows always land in the same order. */
    private Dataset<Row> sorted(Dataset<Row> rows) {
        List<Column> order = new ArrayList<>();
        for (String key : keys) order.add(column(key));
        for (StructField f : rows.schema().fields()) {
            if (!keys.contains(f.name()) && f.dataType() instanceof AtomicType) order.add(column(f.name()));
        }
        return rows.orderBy(order.toArray(Column[]::new));
    }

    /** Whether the previous version has a table; an error asking is an error, never "absent" (reused rows would be lost). */
    private static boolean exists(SparkSession spark, Path path) {
        try {
            return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
        } catch (IOException e) {
            throw new LawfitException("cannot read the previous version's " + path + ": " + e.getMessage()
                    + "; the run stops rather than publish a version without the rows it would reuse", e);
        }
    }
}
