package dev.lawfit.job.publish;

import dev.lawfit.LawfitException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output lock as nightly runs meet it: a dead driver's lock is taken over once, however many writers find it at the
 * same moment; a process id that now names another process is not its holder; an empty lock file does not block forever.
 */
class OutputLockTest {

    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    /** The id of a process that has ended. */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        long pid = p.pid();
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        return pid;
    }

    private static String host() throws Exception {
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    private void writeLock(Path output, String json) throws Exception {
        Files.createDirectories(output);
        Files.writeString(output.resolve(OutputLock.FILE), json);
    }

    @Test
    void manyWritersTakingOverADeadLockLeaveExactlyOneHolder() throws Exception {
        long dead = deadPid();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int trial = 0; trial < 100; trial++) {
                Path output = dir.resolve("out" + trial);
                writeLock(output, "{\"run_id\":\"dead-run\",\"host\":\"" + host() + "\",\"pid\":" + dead + ",\"started\":\"2026-01-01T00:00:00Z\"}\n");
                CountDownLatch go = new CountDownLatch(1);
                String busyPrefix = "is being written by run run-" + trial + "-";
                List<Future<OutputLock>> attempts = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String runId = "run-" + trial + "-" + w;
                    attempts.add(pool.submit(() -> {
                        go.await();
                        try {
                            return OutputLock.acquire(CONF, output.toString(), runId);
                        } catch (LawfitException busy) {
                            assertTrue(busy.getMessage().contains(busyPrefix), busy.getMessage());
                            return null;
                        }
                    }));
                }
                go.countDown();
                List<OutputLock> holders = new ArrayList<>();
                for (Future<OutputLock> a : attempts) {
                    OutputLock lock = a.get(120, TimeUnit.SECONDS);
                    if (lock != null) holders.add(lock);
                }
                assertEquals(1, holders.size(), "trial " + trial + ": exactly one writer holds the lock");
                String onDisk = Files.readString(output.resolve(OutputLock.FILE));
                assertTrue(onDisk.contains("run-" + trial + "-"), onDisk);
                holders.forEach(OutputLock::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writersInSeparateProcessesTakeADeadLockOverOnce() throws Exception {
        long dead = deadPid();
        Path output = dir.resolve("procs");
        writeLock(output, "{\"run_id\":\"dead-run\",\"host\":\"" + host() + "\",\"pid\":" + dead + ",\"started\":\"2026-01-01T00:00:00Z\"}\n");
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), LockProbe.class.getName(), output.toString(), "proc-" + w, go.toString(), "4")
                    .redirectErrorStream(true).start());
        }
        // each probe waits for the go file, so all four ask at about the same moment
        Files.writeString(go, "go");
        int holders = 0;
        for (Process p : processes) {
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "a probe ended");
            String out = new String(p.getInputStream().readAllBytes());
            if (out.contains("HELD")) holders++;
            else assertTrue(out.contains("BUSY"), out);
        }
        assertEquals(1, holders, "exactly one process took the dead lock over");
    }

    @Test
    void aPidThatNowNamesAnotherProcessIsNotTheHolder() throws Exception {
        Path output = dir.resolve("reused");
        long me = ProcessHandle.current().pid();
        // our own (live) pid, but recorded with another start time: the process that took the lock is gone
        writeLock(output, "{\"run_id\":\"old-run\",\"host\":\"" + host() + "\",\"pid\":" + me
                + ",\"pid_started\":\"2020-01-01T00:00:00Z\",\"started\":\"2020-01-01T00:00:00Z\"}\n");
        try (OutputLock lock = OutputLock.acquire(CONF, output.toString(), "new-run")) {
            assertTrue(Files.readString(output.resolve(OutputLock.FILE)).contains("new-run"));
        }
        // the same pid with its real start time is a live holder: refused
        String started = ProcessHandle.current().info().startInstant().orElseThrow().toString();
        writeLock(output, "{\"run_id\":\"live-run\",\"host\":\"" + host() + "\",\"pid\":" + me + ",\"pid_started\":\"" + started
                + "\",\"started\":\"2026-01-01T00:00:00Z\"}\n");
        LawfitException busy = assertThrows(LawfitException.class, () -> OutputLock.acquire(CONF, output.toString(), "other-run"));
        assertTrue(busy.getMessage().contains("is being written by run live-run"), busy.getMessage());
    }

    @Test
    void anEmptyLockFileIsTakenOverOnceItIsOld() throws Exception {
        Path output = dir.resolve("empty");
        writeLock(output, "");
        // just written: a writer may be filling it in
        LawfitException young = assertThrows(LawfitException.class, () -> OutputLock.acquire(CONF, output.toString(), "run-a"));
        assertTrue(young.getMessage().contains("empty or unreadable"), young.getMessage());
        Files.setLastModifiedTime(output.resolve(OutputLock.FILE), FileTime.from(Instant.now().minusSeconds(600)));
        try (OutputLock lock = OutputLock.acquire(CONF, output.toString(), "run-b")) {
            assertTrue(Files.readString(output.resolve(OutputLock.FILE)).contains("run-b"));
        }
        assertTrue(Files.notExists(output.resolve(OutputLock.FILE)), "released");
    }
}
