package dev.lawfit.job.publish;

import dev.lawfit.job.ingest.InputReader;

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
 * host, process id and start time, until it ends. A second writer fails at once, naming the holder. A lock left by a
 * dead process on this host (a killed driver) is detected, reported and taken over; one from another host cannot be
 * checked and is reported with its age, to be removed by hand if that run is gone.
 */
public final class OutputLock implements AutoCloseable {

    public static final String FILE = "lock.json";
    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();

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
        mine.put("started", Instant.now().toString());
        try {
            String text = JSON.writeValueAsString(mine) + "\n";
            for (int attempt = 0; attempt < 2; attempt++) {
                if (create(conf, path, text)) return new OutputLock(conf, path, runId);
                Map<String, Object> holder = read(conf, path);
                if (holder == null) continue; // released between our try and our read
                if (isDeadHere(holder)) {
                    LOG.warn("output {} was locked by run {} (process {} on this host, {}), which is no longer running: taking the lock over",
                            outputPath, holder.get("run_id"), holder.get("pid"), holder.get("started"));
                    path.getFileSystem(conf).delete(path, false);
                    continue;
                }
                throw new LawfitException("output " + outputPath + " is being written by run " + holder.get("run_id") + " (process "
                        + holder.get("pid") + " on " + holder.get("host") + ") since " + holder.get("started")
                        + "; wait for it to end, or if that run is dead, remove " + path);
            }
            throw new LawfitException("output " + outputPath + ": cannot take the lock " + path + " (it keeps reappearing)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock output " + outputPath + " (" + path + "): " + InputReader.firstLine(e), e);
        }
    }

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
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            Map<String, Object> unreadable = new LinkedHashMap<>();
            unreadable.put("run_id", "unknown (unreadable lock file)");
            return unreadable;
        }
    }

    private static boolean isDeadHere(Map<String, Object> holder) {
        if (!host().equals(holder.get("host")) || !(holder.get("pid") instanceof Number pid)) return false;
        return ProcessHandle.of(pid.longValue()).map(p -> !p.isAlive()).orElse(true);
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
