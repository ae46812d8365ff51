package dev.lawfit.job.plan;

import dev.lawfit.job.ingest.InputReader;

import dev.lawfit.spec.CheckpointContract;

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
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.bit_xor;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.not;
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
 * Which groups a run refits, stage by stage. Each group's data hash covers its validated rows (order-independent:
 * the row count, the exact sum of every row's 64-bit hash and the XOR of a second, independent 32-bit hash); its
 * fingerprint per stage (compute laws; the runs of a temporal section) hashes that with the stage's settings
 * hash, so a change to one stage's settings refits only that stage. Against the current version's
 * {@code groups} table a group is {@code added} (new), {@code refitted} (some stage's fingerprint changed),
 * {@code reused} (unchanged everywhere) or, when it disappeared, removed - or kept as {@code stale} with
 * {@code --keep-stale}. Per stage, a group whose fingerprint is unchanged has its rows of that stage copied from
 * the previous version, not refitted. {@code --full} refits every group.
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
    private final Map<String, Long> stageFits;
    /** The families whose rows each stage writes into the shared tables (laws, predictions, backtest, ...). */
    private final Map<String, List<String>> stageFamilies;

    private IncrementalPlan(SparkSession spark, List<String> keys, Path previousVersion, Dataset<Row> groups, Counts counts,
                            Map<String, Long> stageFits, Map<String, List<String>> stageFamilies) {
        this.spark = spark;
        this.stageFamilies = Map.copyOf(stageFamilies);
        this.keys = keys;
        this.previousVersion = previousVersion;
        this.groups = groups;
        this.counts = counts;
        this.stageFits = stageFits;
    }

    /**
     * Plans a run. {@code previousVersion} is the current version's directory (null on a first run); a previous
     * version without a {@code groups} table (written before lawfit kept one) counts as none.
     */
    public static IncrementalPlan make(SparkSession spark, Dataset<Row> accepted, List<String> keys, Map<String, String> stageHashes,
                                       Map<String, List<String>> stageFamilies, Path previousVersion, boolean full, boolean keepStale, String version) {
        Column[] keyColumns = keys.stream().map(InputReader::column).toArray(Column[]::new);
        Column[] rowColumns = Arrays.stream(accepted.columns()).filter(c -> !c.equals(CheckpointContract.SOURCE_FILE))
                .map(InputReader::column).toArray(Column[]::new);
        List<String> stages = List.copyOf(stageHashes.keySet());
        Dataset<Row> current = accepted.groupBy(keyColumns).agg(count(lit(1)).as("rows"),
                        sum(xxhash64(rowColumns).cast("decimal(38,0)")).as("_h64"), bit_xor(hash(rowColumns)).as("_h32"))
                .withColumn("_data", concat_ws("/", column("rows").cast("string"), column("_h64").cast("string"), column("_h32").cast("string")));
        List<Column> stageFingerprints = new ArrayList<>();
        for (String stage : stages) {
            stageFingerprints.add(lit(stage));
            stageFingerprints.add(sha2(concat_ws("/", column("_data"), lit(stageHashes.get(stage))), 256));
        }
        current = current
                .withColumn("fingerprint", sha2(concat_ws("/", column("_data"), lit(String.join("/", stageHashes.values()))), 256))
                .withColumn("stage_fingerprints", map(stageFingerprints.toArray(Column[]::new)))
                .drop("_h64", "_h32", "_data");

        Path previousGroups = previousVersion == null ? null : new Path(previousVersion, GROUPS);
        Dataset<Row> previous = previousGroups != null && exists(spark, previousGroups) ? spark.read().parquet(previousGroups.toString()) : null;
        // grouped by other keys before (group_by changed), or written before stage fingerprints: no group carries over
        boolean havePrevious = previous != null && java.util.Set.of(previous.columns()).containsAll(keys)
                && java.util.Set.of(previous.columns()).contains("stage_fingerprints");
        Dataset<Row> table;
        long removed = 0;
        if (!havePrevious) {
            table = current.withColumn("status", lit(ADDED)).withColumn("fitted_version", lit(version))
                    .withColumn("reused_stages", array().cast("array<string>"));
        } else {
            List<Column> prev = new ArrayList<>(Arrays.asList(keyColumns));
            prev.add(column("rows").as("_prev_rows"));
            prev.add(column("fingerprint").as("_prev_fingerprint"));
            prev.add(column("stage_fingerprints").as("_prev_stage_fingerprints"));
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
            // the stages whose rows this group copies: unchanged fingerprint there (stale groups: every stage they had)
            List<Column> reusedStages = new ArrayList<>();
            for (String stage : stages) {
                Column same = column("stage_fingerprints").getItem(stage).equalTo(column("_prev_stage_fingerprints").getItem(stage));
                reusedStages.add(when(column("status").equalTo(STALE).or(lit(!full).and(same)), lit(stage)));
            }
            joined = joined.withColumn("status", status)
                    .withColumn("reused_stages", filter(array(reusedStages.toArray(Column[]::new)), c -> c.isNotNull()));
            if (!keepStale) {
                removed = joined.where(column("status").equalTo(STALE)).count();
                joined = joined.where(column("status").notEqual(STALE));
            }
            List<Column> out = new ArrayList<>(Arrays.asList(keyColumns));
            out.add(coalesce(column("rows"), column("_prev_rows")).as("rows"));
            out.add(coalesce(column("fingerprint"), column("_prev_fingerprint")).as("fingerprint"));
            out.add(coalesce(column("stage_fingerprints"), column("_prev_stage_fingerprints")).as("stage_fingerprints"));
            out.add(column("status"));
            out.add(when(column("status").isin(REUSED, STALE), column("_prev_fitted_version")).otherwise(lit(version)).as("fitted_version"));
            out.add(column("reused_stages"));
            table = joined.select(out.toArray(Column[]::new));
        }
        table = table.persist(StorageLevel.MEMORY_AND_DISK());
        // the groups by status and, per stage, those it fits: one pass over the plan
        List<Column> tallies = new ArrayList<>();
        for (String stage : stages) {
            tallies.add(sum(when(column("status").notEqual(STALE)
                    .and(not(array_contains(column("reused_stages"), stage))), 1).otherwise(0)).as(stage));
        }
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> stageFits = new TreeMap<>();
        for (Row r : table.groupBy("status").agg(count(lit(1)), tallies.toArray(Column[]::new)).collectAsList()) {
            byStatus.put(r.getString(0), r.getLong(1));
            for (int k = 0; k < stages.size(); k++) stageFits.merge(stages.get(k), r.isNullAt(2 + k) ? 0L : r.getLong(2 + k), Long::sum);
        }
        for (String stage : stages) stageFits.putIfAbsent(stage, 0L);
        Counts counts = new Counts(byStatus.getOrDefault(ADDED, 0L), byStatus.getOrDefault(REFITTED, 0L),
                byStatus.getOrDefault(REUSED, 0L), removed, byStatus.getOrDefault(STALE, 0L));
        return new IncrementalPlan(spark, keys, havePrevious ? previousVersion : null, table, counts, stageFits, stageFamilies);
    }

    /** Groups this run fits in a stage (the others' rows of that stage are copied). */
    public long fits(String stage) {
        return stageFits.getOrDefault(stage, 0L);
    }

    public Counts counts() {
        return counts;
    }

    /**
     * The {@code groups} table: keys, rows, fingerprint (of every stage), stage_fingerprints, status, the version
     * whose run last fitted the group, and the stages whose rows this run copied.
     */
    public Dataset<Row> groupsTable() {
        return sorted(groups);
    }

    /** The accepted rows of the groups a stage fits (new, or changed for that stage), all of them when nothing is reused. */
    public Dataset<Row> toFit(Dataset<Row> accepted, String stage) {
        if (previousVersion == null) return accepted;
        Dataset<Row> toFit = groups.where(column("status").notEqual(STALE).and(not(array_contains(column("reused_stages"), stage))));
        return accepted.join(toFit.select(keys.stream().map(InputReader::column).toArray(Column[]::new)),
                scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left_semi");
    }

    /**
     * A group-keyed table of this run written by the given stages: the rows just fitted and, per stage, the previous
     * version's rows of the groups that stage copies (in a table several stages share, only the rows of that stage's
     * families), in one deterministic order (group keys, then every scalar column).
     */
    public Dataset<Row> combine(String table, Dataset<Row> fresh, String... stages) {
        Dataset<Row> kept = null;
        Path previous = previousVersion == null ? null : new Path(previousVersion, table);
        if (previous != null && exists(spark, previous)) {
            Dataset<Row> old = spark.read().parquet(previous.toString());
            boolean shared = java.util.Arrays.asList(old.columns()).contains("family");
            for (String stage : stages) {
                Dataset<Row> copied = groups.where(array_contains(column("reused_stages"), stage)).select(keys.stream().map(InputReader::column).toArray(Column[]::new));
                Dataset<Row> rows = old.join(copied, scala.jdk.javaapi.CollectionConverters.asScala(keys).toSeq(), "left_semi");
                if (shared) rows = rows.where(column("family").isin(stageFamilies.getOrDefault(stage, List.of()).toArray()));
                kept = kept == null ? rows : kept.unionByName(rows, true);
            }
        }
        Dataset<Row> all = kept == null ? fresh : fresh == null ? kept : fresh.unionByName(kept, true);
        return all == null ? null : sorted(all);
    }

    public void release() {
        groups.unpersist();
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
