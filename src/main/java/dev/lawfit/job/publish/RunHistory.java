package dev.lawfit.job.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The run history of an output path: one JSON record per run (and per rollback) under {@code <output>/runs/},
 * written when the run starts ({@code running}) and rewritten when it ends ({@code succeeded} or {@code failed}).
 * A record still {@code running} when the next run starts belongs to a run that was killed: it becomes
 * {@code interrupted} (or, if that run had published, the record it left in its version). The history is not versioned, so a rollback does not erase it; {@code lawfit sql} shows it
 * as the {@code runs} table. Records are replaced by an atomic rename, so a reader never sees half a record.
 */
public final class RunHistory {

    public static final String DIR = "runs";
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The columns of the {@code runs} table. */
    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("action", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("started", DataTypes.TimestampType)
            .add("ended", DataTypes.TimestampType)
            .add("millis", DataTypes.LongType)
            .add("version", DataTypes.StringType)
            .add("previous_version", DataTypes.StringType)
            .add("error", DataTypes.StringType)
            .add("spec_name", DataTypes.StringType)
            .add("spec_hash", DataTypes.StringType)
            .add("fit_settings_hash", DataTypes.StringType)
            .add("lawfit_version", DataTypes.StringType)
            .add("spark_version", DataTypes.StringType)
            .add("spark_master", DataTypes.StringType)
            .add("full_refit", DataTypes.BooleanType)
            .add("keep_stale", DataTypes.BooleanType)
            .add("skip_bad_files", DataTypes.BooleanType)
            .add("allow_empty", DataTypes.BooleanType)
            .add("inputs", DataTypes.createArrayType(new StructType().add("path", DataTypes.StringType)
                    .add("files", DataTypes.LongType).add("bytes", DataTypes.LongType)))
            .add("bad_files", DataTypes.createArrayType(new StructType().add("path", DataTypes.StringType)
                    .add("error", DataTypes.StringType)))
            .add("rows_read", DataTypes.LongType)
            .add("rows_accepted", DataTypes.LongType)
            .add("rows_rejected", DataTypes.LongType)
            .add("rows_filtered", DataTypes.LongType)
            .add("groups", DataTypes.LongType)
            .add("groups_added", DataTypes.LongType)
            .add("groups_refitted", DataTypes.LongType)
            .add("groups_reused", DataTypes.LongType)
            .add("groups_removed", DataTypes.LongType)
            .add("groups_stale", DataTypes.LongType)
            .add("groups_fitted_by_stage", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("fits_by_status", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("changes", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("phase_millis", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
            .add("tables", DataTypes.createArrayType(DataTypes.StringType));

    private final Configuration conf;
    private final Path dir;

    public RunHistory(Configuration conf, String outputPath) {
        this.conf = conf;
        this.dir = new Path(outputPath, DIR);
    }

    /** A new record with the fields every run and rollback has. */
    public static Map<String, Object> start(String runId, String action) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("run_id", runId);
        record.put("action", action);
        record.put("status", RUNNING);
        record.put("started", Instant.now().toString());
        record.put("lawfit_version", dev.lawfit.LawfitVersion.get());
        record.put("spark_version", org.apache.spark.package$.MODULE$.SPARK_VERSION());
        return record;
    }

    /** Closes a record: status, end time and duration. */
    public static void end(Map<String, Object> record, String status, String error) {
        Instant ended = Instant.now();
        record.put("status", status);
        record.put("ended", ended.toString());
        record.put("millis", ended.toEpochMilli() - Instant.parse((String) record.get("started")).toEpochMilli());
        if (error != null) record.put("error", error);
    }

    public static String toJson(Map<String, Object> record) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes (or replaces) the record under runs/, atomically. */
    public void write(Map<String, Object> record) {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
            // one line: Spark's JSON reader takes a file of JSON lines
            OutputPublisher.replaceAtomically(conf, new Path(dir, record.get("run_id") + ".json"), JSON.writeValueAsString(record) + "\n", "tmp");
        } catch (IOException e) {
            throw new LawfitException("cannot write the run record under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Marks records left {@code running} by a killed run as {@code interrupted}. */
    @SuppressWarnings("unchecked")
    public void markInterrupted() {
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) return;
            for (FileStatus s : fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith("."))) {
                Map<String, Object> record;
                try (var in = fs.open(s.getPath())) {
                    record = JSON.readValue((java.io.InputStream) in, Map.class);
                } catch (IOException unreadable) {
                    continue;
                }
                if (RUNNING.equals(record.get("status"))) {
                    Path published = new Path(new Path(new Path(dir.getParent(), OutputPublisher.VERSIONS), String.valueOf(record.get("run_id"))),
                            OutputPublisher.RUN_RECORD);
                    if (fs.exists(published)) {
                        // killed after its publish but before its history write: the version's own record is complete
                        try (var in = fs.open(published)) {
                            write(JSON.readValue((java.io.InputStream) in, Map.class));
                        }
                        continue;
                    }
                    record.put("status", INTERRUPTED);
                    record.put("error", "the run stopped without recording an end (killed?); nothing it wrote was published");
                    write(record);
                }
            }
        } catch (IOException e) {
            throw new LawfitException("cannot read the run history under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The {@code runs} table, oldest first; empty when the output has no history. */
    public static Dataset<Row> table(SparkSession spark, String outputPath) {
        Path dir = new Path(outputPath, DIR);
        try {
            FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(dir) || fs.listStatus(dir, p -> p.getName().endsWith(".json") && !p.getName().startsWith(".")).length == 0) {
                return spark.createDataFrame(java.util.List.of(), SCHEMA);
            }
        } catch (IOException e) {
            throw new LawfitException("cannot list the run history under " + dir + ": " + e.getMessage(), e);
        }
        return spark.read().schema(SCHEMA).json(dir.toString()).orderBy("started", "run_id");
    }
}
