package dev.lawfit.job.publish;


import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One writer per output: a run (or a rollback) holds {@code <output>/lock.json}, created atomically with its run id,
 * host, process id and the process's start time, until it ends. A second writer fails at once, naming the holder. A lock
 * left by a dead process on this host (a killed driver) is detected, reported and taken over; a process id that now
 * belongs to another process (the start time differs) counts as dead; an empty or unreadable lock file older than
 * {@link #UNREADABLE_GRACE} is taken over too. One from another host cannot be checked and is reported with its age, to be
 * removed by hand if that run is gone.
 *
 * <p>Taking a lock over is a read, a delete and a create: two writers that both found the dead lock would both take it
 * (the slower deleting the lock the faster had just created). So every writer on a host does all three while holding an
 * operating-system lock on a guard file ({@code <output>/.lock.json.guard}, or one in the temporary directory for an output
 * on HDFS/S3), and threads of one JVM also queue on a lock of the JVM's: the takeover happens once.
 */
public final class OutputLock implements AutoCloseable {

    public static final String FILE = "lock.json";
    /** How old an empty or unreadable lock file must be before it counts as left by a crash rather than being written. */
    static final java.time.Duration UNREADABLE_GRACE = java.time.Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.locks.ReentrantLock IN_JVM = new java.util.concurrent.locks.ReentrantLock();

    private final Configuration conf;
    private final Path path;
    private final String runId;

    private OutputLock(Configuration conf, Path path, String runId) {
        this.conf = conf;
        this.path = path;
        this.runId = runId;
    }

    /** Takes the output's lock for {@code runId}, or fails with exit 2 naming the run that holds it. */
    public static OutputLock acquire(Configuration conf, String outputPath, String runId) {
        Path path = new Path(outputPath, FILE);
        Map<String, Object> mine = new LinkedHashMap<>();
        mine.put("run_id", runId);
        mine.put("host", host());
        mine.put("pid", ProcessHandle.current().pid());
        ProcessHandle.current().info().startInstant().ifPresent(t -> mine.put("pid_started", t.toString()));
        mine.put("started", Instant.now().toString());
        IN_JVM.lock();
        try (Guard guard = Guard.take(conf, path)) {
            String text = JSON.writeValueAsString(mine) + "\n";
            if (create(conf, path, text)) return new OutputLock(conf, path, runId);
            Map<String, Object> holder = read(conf, path);
            if (holder == null) { // released between our create and our read
                if (create(conf, path, text)) return new OutputLock(conf, path, runId);
                holder = read(conf, path);
            }
            String stale = holder == null ? null : staleBecause(conf, path, holder);
            if (stale != null) {
                LOG.warn("output {}: {}: taking the lock over", outputPath, stale);
                System.err.println("lawfit: warning: output " + outputPath + ": " + stale + "; taking the lock over");
                path.getFileSystem(conf).delete(path, false);
                if (create(conf, path, text)) return new OutputLock(conf, path, runId);
                holder = read(conf, path);
            }
            if (holder == null) throw new LawfitException("output " + outputPath + ": cannot take the lock " + path + " (it keeps changing)");
            if (holder.containsKey(UNREADABLE)) {
                throw new LawfitException("output " + outputPath + " has a lock file " + path + " that is empty or unreadable and was written "
                        + holder.get(UNREADABLE) + " ago: a run may be taking it right now; if not, it is taken over after "
                        + UNREADABLE_GRACE.toSeconds() + " s");
            }
            throw new LawfitException("output " + outputPath + " is being written by run " + holder.get("run_id") + " (process "
                    + holder.get("pid") + " on " + holder.get("host") + ") since " + holder.get("started")
                    + "; wait for it to end, or if that run is dead, remove " + path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock output " + outputPath + " (" + path + "): " + LawfitException.firstLine(e), e);
        } finally {
            IN_JVM.unlock();
        }
    }

    /** Why a holder's lock may be taken over (its process is gone, or the file is unreadable and old), or null. */
    private static String staleBecause(Configuration conf, Path path, Map<String, Object> holder) throws IOException {
        if (holder.containsKey(UNREADABLE)) {
            long age = System.currentTimeMillis() - path.getFileSystem(conf).getFileStatus(path).getModificationTime();
            holder.put(UNREADABLE, (age / 1000) + " s");
            return age >= UNREADABLE_GRACE.toMillis() ? "the lock file " + path + " is empty or unreadable and " + (age / 1000)
                    + " s old (left by a crash)" : null;
        }
        if (!host().equals(holder.get("host")) || !(holder.get("pid") instanceof Number pid)) return null;
        java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid.longValue());
        String who = "run " + holder.get("run_id") + " (process " + pid + " on this host, since " + holder.get("started") + ")";
        if (process.isEmpty() || !process.get().isAlive()) return "the lock of " + who + " is left by a process that is no longer running";
        Object recorded = holder.get("pid_started");
        java.util.Optional<Instant> now = process.get().info().startInstant();
        if (recorded != null && now.isPresent() && !now.get().toString().equals(recorded)) {
            return "the lock of " + who + " names process " + pid + ", which is now another process (started " + now.get()
                    + ", not " + recorded + ")";
        }
        return null;
    }

    /** An operating-system lock on the guard file of one output, held while a writer reads, deletes and creates its lock. */
    private static final class Guard implements AutoCloseable {
        private final java.nio.channels.FileChannel channel;
        private final java.nio.channels.FileLock lock;

        private Guard(java.nio.channels.FileChannel channel, java.nio.channels.FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        static Guard take(Configuration conf, Path lockPath) throws IOException {
            FileSystem fs = lockPath.getFileSystem(conf);
            java.nio.file.Path file;
            if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
                fs.mkdirs(lockPath.getParent());
                file = java.nio.file.Path.of(fs.makeQualified(lockPath).toUri()).resolveSibling("." + FILE + ".guard");
            } else {
                String id = Integer.toHexString(fs.makeQualified(lockPath).toString().hashCode());
                file = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "lawfit-output-" + id + ".guard");
            }
            java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                return new Guard(channel, channel.lock());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** The key under which {@link #read} reports a lock file it could not read (with its age, once known). */
    private static final String UNREADABLE = "_unreadable";

    /** Releases the lock if this run still holds it. */
    @Override
    public void close() {
        try {
            Map<String, Object> holder = read(conf, path);
            if (holder != null && runId.equals(holder.get("run_id"))) path.getFileSystem(conf).delete(path, false);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not release the lock {}: {}", path, e.getMessage());
        }
    }

    /**
     * Creates the file, whole, only if absent, atomically: on a local disk the text is written to a staged file that is
     * then hard-linked into place (a reader never sees it half-written, and a full disk leaves no lock behind); elsewhere
     * (HDFS) a create without overwrite.
     */
    private static boolean create(Configuration conf, Path path, String text) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        fs.mkdirs(path.getParent());
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(path).toUri());
            java.nio.file.Path staged = local.resolveSibling("." + local.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime());
            try {
                Files.writeString(staged, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.createLink(local, staged);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(staged);
            }
        }
        try (FSDataOutputStream out = fs.create(path, false)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Configuration conf, Path path) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        try (var in = fs.open(path)) {
            return JSON.readValue(in.readAllBytes(), Map.class);
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (com.fasterxml.jackson.core.JacksonException | ClassCastException e) {
            Map<String, Object> unreadable = new LinkedHashMap<>();
            unreadable.put("run_id", "unknown (unreadable lock file)");
            unreadable.put(UNREADABLE, "");
            return unreadable;
        }
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
