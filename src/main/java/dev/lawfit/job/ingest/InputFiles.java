package dev.lawfit.job.ingest;

import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.util.SerializableConfiguration;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files behind the input paths: globs expanded, directories (Hive-style partition trees included) walked,
 * hidden files ({@code _SUCCESS}, {@code .crc}) left out as Spark does. For Parquet every file's footer is read,
 * in a Spark job, which gives its schema and row count, or says why it is not a readable Parquet file
 * (truncated, empty, not Parquet at all).
 */
public final class InputFiles {

    /** One input file: the input path (as the spec gives it) it was found under, its path and size. */
    public record InputFile(String input, String path, long bytes) implements Serializable {
    }

    /**
     * What a file's footer says: its Spark schema (as JSON) and row count, or the error reading it. {@code readSchemaJson}: the
     * schema Spark's own inference would give the file (the Spark schema stored in its metadata, else its Parquet schema
     * converted under the session's settings), when the footer was read on the driver; null otherwise.
     */
    public record Footer(String path, String schemaJson, long rows, String error, String readSchemaJson) implements Serializable {
        public boolean ok() {
            return error == null;
        }
    }

    private InputFiles() {
    }

    public static List<InputFile> list(Configuration conf, List<String> paths) {
        List<InputFile> files = new ArrayList<>();
        for (String input : paths) {
            Path pattern = new Path(input);
            try {
                FileSystem fs = pattern.getFileSystem(conf);
                FileStatus[] matches = fs.globStatus(pattern);
                if (matches == null || matches.length == 0) {
                    throw new LawfitException("input path '" + input + "' (input.paths) does not exist or matches no file");
                }
                for (FileStatus match : matches) {
                    if (hidden(match.getPath())) continue;
                    if (match.isFile()) {
                        files.add(new InputFile(input, match.getPath().toString(), match.getLen()));
                        continue;
                    }
                    RemoteIterator<LocatedFileStatus> walk = fs.listFiles(match.getPath(), true);
                    while (walk.hasNext()) {
                        LocatedFileStatus f = walk.next();
                        if (!hiddenBelow(match.getPath(), f.getPath())) files.add(new InputFile(input, f.getPath().toString(), f.getLen()));
                    }
                }
            } catch (IOException e) {
                throw new LawfitException("input path '" + input + "' cannot be listed: " + e.getMessage(), e);
            }
        }
        return files;
    }

    /** Per input path: how many files and bytes it matched (for the run record). */
    public static List<Map<String, Object>> sizes(List<String> paths, List<InputFile> files) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String input : paths) {
            long count = 0, bytes = 0;
            for (InputFile f : files) {
                if (f.input().equals(input)) {
                    count++;
                    bytes += f.bytes();
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", input);
            m.put("files", count);
            m.put("bytes", bytes);
            out.add(m);
        }
        return out;
    }

    /** Up to this many files, the driver reads the footers itself: a Spark job would cost more than the reads. */
    static final int DRIVER_FOOTERS = 16;

    /** Reads every file's footer: on the driver for a few files, in parallel on the cluster for more. */
    public static List<Footer> footers(SparkSession spark, List<InputFile> files) {
        if (files.isEmpty()) return List.of();
        if (files.size() <= DRIVER_FOOTERS) {
            Configuration local = spark.sparkContext().hadoopConfiguration();
            org.apache.spark.sql.internal.SQLConf session = spark.sessionState().conf();
            return files.stream().map(f -> footer(local, f.path(), session)).toList();
        }
        SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        List<String> paths = files.stream().map(InputFile::path).toList();
        int slices = Math.max(1, Math.min(paths.size(), spark.sparkContext().defaultParallelism() * 4));
        return new JavaSparkContext(spark.sparkContext()).parallelize(paths, slices).map(p -> footer(conf.value(), p, null)).collect();
    }

    public static Footer footer(Configuration conf, String path) {
        return footer(conf, path, null);
    }

    /** The metadata key under which Spark stores a file's schema (Spark's ParquetReadSupport.SPARK_METADATA_KEY). */
    static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

    /** As {@link #footer(Configuration, String)}; with {@code session} settings, also the schema Spark would read the file with. */
    static Footer footer(Configuration conf, String path, org.apache.spark.sql.internal.SQLConf session) {
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf))) {
            org.apache.parquet.hadoop.metadata.FileMetaData meta = reader.getFooter().getFileMetaData();
            String schema = new ParquetToSparkSchemaConverter(new org.apache.spark.sql.internal.SQLConf()).convert(meta.getSchema()).json();
            return new Footer(path, schema, reader.getRecordCount(), null, session == null ? null : readSchema(meta, session));
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : LawfitException.firstLine(e);
            return new Footer(path, null, -1, message, null);
        }
    }

    /**
     * The schema Spark's inference reads from a footer (ParquetFileFormat.readSchemaFromFooter): the Spark schema stored in
     * the file's metadata when it parses, else the Parquet schema converted under the session's settings (binary as string,
     * INT96 as timestamp, timestamp without time zone, nanoseconds as long). Null when the stored schema does not parse as
     * JSON (Spark then tries a legacy format: left to Spark).
     */
    static String readSchema(org.apache.parquet.hadoop.metadata.FileMetaData meta, org.apache.spark.sql.internal.SQLConf session) {
        // a file source's columns are all nullable whatever the file says (Spark's asNullable, at every depth)
        String stored = meta.getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
        if (stored == null) return new ParquetToSparkSchemaConverter(session).convert(meta.getSchema()).asNullable().json();
        try {
            return org.apache.spark.sql.types.DataType.fromJson(stored) instanceof org.apache.spark.sql.types.StructType struct
                    ? struct.asNullable().json() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    /**
     * The directory partition discovery starts from for an input path: the path itself for a directory, its parent
     * for a file, the part before the first glob character for a glob.
     */
    public static String basePath(Configuration conf, String input) {
        int glob = indexOfGlob(input);
        if (glob >= 0) {
            String prefix = input.substring(0, glob);
            int slash = prefix.lastIndexOf('/');
            return slash <= 0 ? (slash == 0 ? "/" : ".") : prefix.substring(0, slash);
        }
        Path p = new Path(input);
        try {
            FileSystem fs = p.getFileSystem(conf);
            // a bare file name ("evals.csv") has an empty parent: qualify it first
            return fs.getFileStatus(p).isFile() ? fs.makeQualified(p).getParent().toString() : input;
        } catch (IOException e) {
            return input;
        }
    }

    /**
     * The Hive-style partition values of a file's directories below {@code base} ({@code model=llama/...}), unescaped as
     * Spark does; Hive's default partition name is a null value.
     */
    public static Map<String, String> partitionValues(String base, String file) {
        Map<String, String> values = new LinkedHashMap<>();
        String root = new Path(base).toUri().getPath();
        Path parent = new Path(file).getParent();
        List<String> segments = new ArrayList<>();
        for (Path p = parent; p != null && p.toUri().getPath().length() > root.length(); p = p.getParent()) segments.add(0, p.getName());
        for (String segment : segments) {
            int eq = segment.indexOf('=');
            if (eq <= 0) continue;
            String value = org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.unescapePathName(segment.substring(eq + 1));
            values.put(org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils.unescapePathName(segment.substring(0, eq)),
                    value.equals("__HIVE_DEFAULT_PARTITION__") ? null : value);
        }
        return values;
    }

    /**
     * Refuses a file that has a column named like a Hive-style directory it lies in ({@code model=tnl/} holding a
     * {@code model} column, compared without case as Spark does): the two would disagree, and Spark lets the directory win.
     */
    public static void checkNotShadowed(String file, Map<String, String> partitions, Iterable<String> columns) {
        for (String column : columns) {
            for (Map.Entry<String, String> p : partitions.entrySet()) {
                if (column.equalsIgnoreCase(p.getKey())) {
                    throw new LawfitException("input file " + file + " has a column '" + column + "' and lies in a directory '" + p.getKey() + "="
                            + p.getValue() + "': the directory's value would silently replace the file's; rename the column or the directory");
                }
            }
        }
    }

    /** {@link #basePath} as a fully qualified path, comparable with the listed files' paths. */
    public static String qualifiedBasePath(Configuration conf, String input) {
        Path base = new Path(basePath(conf, input));
        try {
            return base.getFileSystem(conf).makeQualified(base).toString();
        } catch (IOException e) {
            throw new LawfitException("input path '" + input + "' cannot be resolved: " + e.getMessage(), e);
        }
    }

    private static int indexOfGlob(String path) {
        for (int i = 0; i < path.length(); i++) {
            if ("*?[{".indexOf(path.charAt(i)) >= 0) return i;
        }
        return -1;
    }

    private static boolean hidden(Path p) {
        return hidden(p.getName());
    }

    /** Whether a file or directory of this name is skipped, as Spark skips it: {@code _x} (not {@code _x=1}) and {@code .x}. */
    public static boolean hidden(String name) {
        return (name.startsWith("_") && !name.contains("=")) || name.startsWith(".");
    }

    private static boolean hiddenBelow(Path root, Path file) {
        for (Path p = file; p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
            if (hidden(p)) return true;
        }
        return false;
    }
}
