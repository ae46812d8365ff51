package dev.lawfit.job.publish;

import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Publishes all tables of a run as one version, atomically. Tables are written under
 * {@code <output>/versions/<version>/<table>}; only when every table is complete does the pointer file
 * {@code <output>/CURRENT} move to the new version, by an atomic rename. A run that fails or is killed
 * before that leaves CURRENT, and so the previous results, untouched.
 */
public final class OutputPublisher {

    public static final String CURRENT = "CURRENT";
    public static final String VERSIONS = "versions";
    public static final String RUN_RECORD = "_lawfit_run.json";
    /** The job spec a version was made with (YAML), for what reads the version later (lawfit predict, the report). */
    public static final String SPEC = "_lawfit_spec.yaml";
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Configuration conf;
    private final Path root;
    private final String version;
    private final java.util.List<String> written = new java.util.ArrayList<>();

    public OutputPublisher(Configuration conf, String outputPath) {
        this.conf = conf;
        this.root = new Path(outputPath);
        this.version = "v" + VERSION_TIME.format(Instant.now());
    }

    public String version() {
        return version;
    }

    public Path versionDir() {
        return new Path(new Path(root, VERSIONS), version);
    }

    public Path tablePath(String table) {
        return new Path(versionDir(), table);
    }

    /**
     * Writes a table of this version. The write runs beside the others ({@link #WRITERS} at a time: a small table's write is
     * mostly Spark's per-job overhead and its commit, which overlap well); {@link #read} waits for the table it reads and
     * {@link #awaitAll} for every one, and a failed write fails the run there.
     */
    public void write(String table, Dataset<Row> rows) {
        written.add(table);
        schemas.put(table, rows.schema());
        String path = tablePath(table).toString();
        pending.put(table, writers().submit(() -> {
            long started = System.nanoTime();
            rows.write().mode("errorifexists").parquet(path);
            LOG.debug("wrote {} in {} ms", table, (System.nanoTime() - started) / 1_000_000);
            return null;
        }));
    }

    /** How many tables are written at once. */
    static final int WRITERS = 4;
    private final java.util.Map<String, java.util.concurrent.Future<?>> pending = new java.util.LinkedHashMap<>();
    private java.util.concurrent.ExecutorService writers;

    private synchronized java.util.concurrent.ExecutorService writers() {
        if (writers == null) {
            java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
            writers = java.util.concurrent.Executors.newFixedThreadPool(WRITERS, r -> {
                Thread t = new Thread(r, "lawfit-writer-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return writers;
    }

    private synchronized void stopWriters() {
        if (writers != null) writers.shutdown();
    }

    /** Each table's schema as written: a read of it back needs no Spark job to learn it from the files. */
    private final java.util.Map<String, org.apache.spark.sql.types.StructType> schemas = new java.util.HashMap<>();

    /** A table of this version once written: waits for its write (and fails as it did). */
    public Dataset<Row> read(org.apache.spark.sql.SparkSession spark, String table) {
        await(table);
        org.apache.spark.sql.types.StructType schema = schemas.get(table);
        // as Spark reads it back from the files: every column nullable
        return (schema == null ? spark.read() : spark.read().schema(schema.asNullable())).parquet(tablePath(table).toString());
    }

    private void await(String table) {
        java.util.concurrent.Future<?> f = pending.get(table);
        if (f == null) return;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing " + table, e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException("writing " + table + " failed: " + cause.getMessage(), cause);
        }
    }

    /** Waits for every table written so far; the first failure (in write order) is thrown. */
    public void awaitAll() {
        for (String table : List.copyOf(pending.keySet())) await(table);
    }

    /** Waits for every write to end, failed or not (before the version is removed, or the cached data they read released). */
    public void awaitQuietly() {
        for (java.util.concurrent.Future<?> f : List.copyOf(pending.values())) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | RuntimeException ignored) {
                // the failure is thrown where it is awaited
            }
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutputPublisher.class);

    /** The tables written so far, in order. */
    public java.util.List<String> tables() {
        return java.util.List.copyOf(written);
    }

    /** Records the run and its spec beside its tables, then makes this version the current one. */
    public void publish(String runRecordJson, String specYaml, int keepVersions) {
        awaitAll();
        stopWriters();
        try {
            FileSystem fs = root.getFileSystem(conf);
            try (FSDataOutputStream out = fs.create(new Path(versionDir(), SPEC), false)) {
                out.write(specYaml.getBytes(StandardCharsets.UTF_8));
            }
            try (FSDataOutputStream out = fs.create(new Path(versionDir(), RUN_RECORD), false)) {
                out.write(runRecordJson.getBytes(StandardCharsets.UTF_8));
            }
            replaceAtomically(conf, new Path(root, CURRENT), version + "\n", version);
            writeManifest(conf, root, version);
            prune(fs, keepVersions);
        } catch (IOException e) {
            throw new LawfitException("cannot publish results under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replaces {@code target} with {@code text} in one atomic rename: the text goes to a hidden staged file beside it
     * ({@code .<name>.<tag>}), which then takes the target's place. A reader sees the old file or the new one.
     */
    public static void replaceAtomically(Configuration conf, Path target, String text, String tag) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        Path staged = new Path(target.getParent(), "." + target.getName() + "." + tag);
        try (FSDataOutputStream out = fs.create(staged, true)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        FileContext.getFileContext(target.toUri(), conf).rename(staged, target, Options.Rename.OVERWRITE);
    }

    /** The manifest beside CURRENT, for readers that cannot follow a pointer file themselves (pandas, DuckDB). */
    public static final String MANIFEST = "current.json";

    /**
     * Writes {@code <output>/current.json}: the current version and each of its tables' directory, relative to the
     * output path, so a notebook reads {@code <output>/<tables.laws>} without knowing the version (globbing
     * {@code versions/*} would read every kept version). Written atomically after CURRENT, which stays the source of
     * truth: a run killed between the two leaves the manifest one version behind, never pointing at a partial one.
     */
    static void writeManifest(Configuration conf, Path root, String version) throws IOException {
        FileSystem fs = root.getFileSystem(conf);
        Path dir = new Path(new Path(root, "versions"), version);
        java.util.Map<String, String> tables = new java.util.TreeMap<>();
        for (org.apache.hadoop.fs.FileStatus s : fs.listStatus(dir)) {
            String name = s.getPath().getName();
            if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) tables.put(name, "versions/" + version + "/" + name);
        }
        java.util.Map<String, Object> manifest = new java.util.LinkedHashMap<>();
        manifest.put("version", version);
        manifest.put("version_path", "versions/" + version);
        manifest.put("tables", tables);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(manifest);
        replaceAtomically(conf, new Path(root, MANIFEST), json + "\n", "manifest." + version);
    }

    /** A version is complete once its run record is written, which happens after its last table. */
    private static boolean isComplete(FileSystem fs, Path versionDir) throws IOException {
        return fs.exists(new Path(versionDir, RUN_RECORD));
    }

    /** Removes this run's unpublished version after a failure; the current version is never touched. */
    public void abandon() {
        awaitQuietly();
        stopWriters();
        try {
            FileSystem fs = root.getFileSystem(conf);
            fs.delete(versionDir(), true);
        } catch (IOException | RuntimeException ignored) {
            // best effort: an orphaned version directory is harmless, CURRENT never points at it
        }
    }

    /**
     * A version's name as lawfit writes it ({@code v20261207T004535.123Z}), or any plain name of letters, digits, '.', '_'
     * and '-' that is not a way up: a CURRENT file or a {@code --version} naming {@code ../../etc} is refused, so a pointer
     * cannot move a reader out of the output's versions.
     */
    private static final java.util.regex.Pattern VERSION_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** The version name, checked; {@code where} says where it was read, for the message. */
    public static String checkedVersion(String name, String where) {
        if (!VERSION_NAME.matcher(name).matches() || name.contains("..")) {
            throw new LawfitException(where + " names version '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "', which is not a version name (letters, digits, '.', '_', '-'; e.g. v20261207T004535.123Z)");
        }
        return name;
    }

    /**
     * The current version's directory of an output on this machine, read without Hadoop's file system (which costs half a
     * second to start); null when the output is elsewhere (HDFS, S3). No CURRENT pointer is an error naming the path.
     */
    public static java.io.File localCurrentVersion(String outputPath) {
        java.io.File root = localRoot(outputPath);
        if (root == null) return null;
        java.io.File pointer = new java.io.File(root, CURRENT);
        String current;
        try {
            current = pointer.isFile() ? java.nio.file.Files.readString(pointer.toPath()).strip() : "";
        } catch (IOException e) {
            throw new LawfitException("cannot read " + pointer + ": " + e.getMessage(), e);
        }
        if (current.isEmpty()) {
            throw new LawfitException("no published results under " + outputPath + " (no CURRENT file): run a job with output.path: " + outputPath);
        }
        return new java.io.File(new java.io.File(root, VERSIONS), checkedVersion(current, pointer.toString()));
    }

    /** A kept, published version's directory of an output on this machine (null when the output is elsewhere). */
    public static java.io.File localVersion(String outputPath, String version) {
        java.io.File root = localRoot(outputPath);
        if (root == null) return null;
        java.io.File dir = new java.io.File(new java.io.File(root, VERSIONS), checkedVersion(version, "--version"));
        if (!new java.io.File(dir, RUN_RECORD).isFile()) {
            java.io.File[] kept = new java.io.File(root, VERSIONS).listFiles(f -> new java.io.File(f, RUN_RECORD).isFile());
            List<String> names = kept == null ? List.of() : Arrays.stream(kept).map(java.io.File::getName).sorted().toList();
            throw new LawfitException("version " + version + " is not a published version under " + outputPath + "; kept: " + names);
        }
        return dir;
    }

    private static java.io.File localRoot(String outputPath) {
        return local(new Path(outputPath));
    }

    /** A path on this machine as a file; null when it is elsewhere (HDFS, S3) or null. */
    public static java.io.File local(Path path) {
        if (path == null) return null;
        java.net.URI uri = path.toUri();
        if (uri.getScheme() != null && !uri.getScheme().equals("file")) return null;
        return new java.io.File(uri.getPath()).getAbsoluteFile();
    }

    /** The directory of the current version under {@code outputPath}, or null when nothing was published. */
    public static Path currentVersion(Configuration conf, String outputPath) {
        Path root = new Path(outputPath);
        try {
            FileSystem fs = root.getFileSystem(conf);
            Path pointer = new Path(root, CURRENT);
            if (!fs.exists(pointer)) return null;
            try (var in = fs.open(pointer)) {
                String version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return new Path(new Path(root, VERSIONS), checkedVersion(version, pointer.toString()));
            }
        } catch (IOException e) {
            throw new LawfitException("cannot read " + new Path(root, CURRENT) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps the newest {@code keepVersions} published versions (and always the current one) and removes the rest,
     * including unpublished directories left by runs that were killed before publishing.
     */
    private void prune(FileSystem fs, int keepVersions) throws IOException {
        FileStatus[] versions = fs.listStatus(new Path(root, VERSIONS));
        List<FileStatus> sorted = Arrays.stream(versions).filter(FileStatus::isDirectory)
                .sorted(Comparator.comparing((FileStatus s) -> s.getPath().getName()).reversed()).toList();
        int kept = 0;
        for (FileStatus s : sorted) {
            boolean published = isComplete(fs, s.getPath());
            if (s.getPath().getName().equals(version) || (published && kept < keepVersions)) {
                kept++;
            } else if (!published && s.getPath().getName().compareTo(version) > 0) {
                // a newer unpublished directory belongs to a run still writing: not ours to remove
            } else {
                fs.delete(s.getPath(), true);
            }
        }
    }

    /** The published versions under {@code outputPath}, oldest first. */
    public static List<String> publishedVersions(Configuration conf, String outputPath) {
        Path versions = new Path(new Path(outputPath), VERSIONS);
        try {
            FileSystem fs = versions.getFileSystem(conf);
            if (!fs.exists(versions)) return List.of();
            List<String> names = new java.util.ArrayList<>();
            for (FileStatus s : fs.listStatus(versions)) {
                if (s.isDirectory() && isComplete(fs, s.getPath())) names.add(s.getPath().getName());
            }
            names.sort(Comparator.naturalOrder());
            return names;
        } catch (IOException e) {
            throw new LawfitException("cannot list the versions under " + versions + ": " + e.getMessage(), e);
        }
    }

    /** Makes {@code version}, a published version, the current one again (one atomic rename, as a publish). */
    public static void makeCurrent(Configuration conf, String outputPath, String version) {
        Path root = new Path(outputPath);
        List<String> published = publishedVersions(conf, outputPath);
        if (!published.contains(version)) {
            throw new LawfitException("version " + version + " is not a published version under " + outputPath
                    + "; published: " + published);
        }
        try {
            replaceAtomically(conf, new Path(root, CURRENT), version + "\n", "rollback." + version);
            writeManifest(conf, root, version);
        } catch (IOException e) {
            throw new LawfitException("cannot move " + new Path(root, CURRENT) + " to " + version + ": " + e.getMessage(), e);
        }
    }
}
