package dev.lawfit.job;

import dev.lawfit.job.publish.OutputLock;
import dev.lawfit.job.publish.OutputPublisher;

import dev.lawfit.cli.LawfitCommand;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults around publishing: a second writer, a lock left by a killed run, a full disk and a read-only output. Each
 * leaves the previous version current and complete, says what happened in one line, and the next run succeeds.
 */
class OutputFaultTest {

    @TempDir
    Path dir;

    private Configuration conf() {
        return TestSpark.session().sparkContext().hadoopConfiguration();
    }

    private Path spec(String output, int resamples) throws Exception {
        Path spec = dir.resolve("job-" + resamples + ".yaml");
        Files.writeString(spec, """
                sample: {preset: linear_complexity, seed: 7}
                input: {paths: ['%s']}
                laws: [chinchilla]
                fit: {polish_starts: 2}
                bootstrap: {resamples: %d}
                output: {path: '%s'}
                """.formatted(dir.resolve("archive"), resamples, output));
        return spec;
    }

    private record Result(int exit, String err) {
    }

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        int exit = LawfitCommand.execute(new PrintWriter(err, true), args);
        return new Result(exit, err.toString());
    }

    private void assertIntact(String output, org.apache.hadoop.fs.Path version, long lawRows) {
        assertEquals(version, OutputPublisher.currentVersion(conf(), output), "the previous version is still current");
        assertEquals(lawRows, Tables.current(output, "laws").count(), "and complete");
        assertTrue(Tables.current(output, "predictions").count() > 0);
    }

    @Test
    void aSecondWriterIsRefusedAtOnceNamingTheFirst() throws Exception {
        String output = dir.resolve("out").toString();
        Path spec = spec(output, 0);
        assertEquals(0, run("run", spec.toString()).exit());
        org.apache.hadoop.fs.Path before = OutputPublisher.currentVersion(conf(), output);
        long laws = Tables.current(output, "laws").count();

        try (OutputLock held = OutputLock.acquire(conf(), output, "v-other-run")) {
            Result second = run("run", spec.toString());
            assertEquals(2, second.exit(), second.err());
            assertTrue(second.err().contains("output " + output + " is being written by run v-other-run (process "
                    + ProcessHandle.current().pid()), second.err());
            assertTrue(second.err().contains(" since "), second.err());
            assertEquals(1, second.err().strip().lines().count(), second.err());
            Result rollback = run("rollback", "--output", output);
            assertEquals(2, rollback.exit(), "a rollback is a writer too: " + rollback.err());
            assertIntact(output, before, laws);
        }
        assertFalse(Files.exists(Path.of(output, OutputLock.FILE)), "released");
        assertEquals(0, run("run", spec.toString(), "--full").exit(), "the next run succeeds");
        assertNotEquals(before, OutputPublisher.currentVersion(conf(), output));
    }

    @Test
    void twoConcurrentRunsPublishOneCompleteVersion() throws Exception {
        String output = dir.resolve("out").toString();
        Path slow = spec(output, 200);
        assertEquals(0, run("run", spec(output, 0).toString()).exit()); // writes the archive
        CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> run("run", slow.toString(), "--full"));
        Path lock = Path.of(output, OutputLock.FILE);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!Files.exists(lock) && !first.isDone() && System.nanoTime() < deadline) Thread.sleep(20);
        Assumptions.assumeTrue(Files.exists(lock), "the first run ended before the second could start");
        Result second = run("run", slow.toString(), "--full");
        Result firstResult = first.get(15, TimeUnit.MINUTES);
        assertEquals(0, firstResult.exit(), firstResult.err());
        assertEquals(2, second.exit(), second.err());
        assertTrue(second.err().contains("is being written by run"), second.err());
        org.apache.hadoop.fs.Path current = OutputPublisher.currentVersion(conf(), output);
        assertTrue(Files.exists(Path.of(current.toUri().getPath()).resolve(OutputPublisher.RUN_RECORD)), "the current version is complete");
        assertTrue(Tables.current(output, "laws").count() > 0);
        assertTrue(Tables.current(output, "laws").where("ci_low IS NOT NULL").count() > 0, "the first (bootstrapped) run published");
    }

    @Test
    void aLockLeftByAKilledRunIsReportedAndTakenOver() throws Exception {
        String output = dir.resolve("out").toString();
        Process gone = new ProcessBuilder("true").start();
        assertEquals(0, gone.waitFor());
        Files.createDirectories(Path.of(output));
        Files.writeString(Path.of(output, OutputLock.FILE), "{\"run_id\": \"v-killed\", \"host\": \"%s\", \"pid\": %d, \"started\": \"2026-01-01T00:00:00Z\"}\n"
                .formatted(java.net.InetAddress.getLocalHost().getHostName(), gone.pid()));
        Result r = run("run", spec(output, 0).toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(Files.exists(Path.of(output, OutputLock.FILE)));
    }

    /** A small tmpfs mounted for the test (root in a sandbox that allows it; skipped elsewhere). */
    private static Path mount(Path at, String size) throws Exception {
        Files.createDirectories(at);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString()).redirectErrorStream(true).start();
        boolean mounted = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        Assumptions.assumeTrue(mounted, "cannot mount a tmpfs here: " + new String(p.getInputStream().readAllBytes()));
        return at;
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + said);
    }

    @Test
    void aFullDiskOrAReadOnlyOutputLeavesThePreviousVersionAndSaysSoInOneLine() throws Exception {
        Path disk = mount(dir.resolve("disk"), "48m");
        try {
            String output = disk.resolve("out").toString();
            Path spec = spec(output, 0);
            assertEquals(0, run("run", spec.toString()).exit());
            org.apache.hadoop.fs.Path before = OutputPublisher.currentVersion(conf(), output);
            long laws = Tables.current(output, "laws").count();

            // fill the disk: dd stops with "No space left on device"
            new ProcessBuilder("dd", "if=/dev/zero", "of=" + disk.resolve("filler"), "bs=1M").redirectErrorStream(true).start().waitFor(120, TimeUnit.SECONDS);
            Result full = run("run", spec.toString(), "--full");
            assertEquals(1, full.exit(), full.err());
            assertTrue(full.err().contains("No space left on device"), full.err());
            assertTrue(full.err().contains("the previous version is still current"), full.err());
            assertFalse(full.err().contains("\tat "), "no stack trace: " + full.err());
            assertEquals(1, full.err().strip().lines().count(), full.err());
            Files.delete(disk.resolve("filler"));
            assertIntact(output, before, laws);

            sh("mount", "-o", "remount,ro", disk.toString());
            Result readOnly = run("run", spec.toString(), "--full");
            // found before any work: the machine's state, as a full disk (exit 1), one line, naming the path
            assertEquals(1, readOnly.exit(), readOnly.err());
            assertTrue(readOnly.err().contains("Read-only file system") && readOnly.err().contains(output), readOnly.err());
            assertTrue(readOnly.err().contains("the previous version is still current"), readOnly.err());
            assertEquals(1, readOnly.err().strip().lines().count(), readOnly.err());
            assertIntact(output, before, laws);
            sh("mount", "-o", "remount,rw", disk.toString());

            assertEquals(0, run("run", spec.toString(), "--full").exit(), "the next run succeeds");
            assertNotEquals(before, OutputPublisher.currentVersion(conf(), output));
        } finally {
            new ProcessBuilder("umount", "-l", disk.toString()).start().waitFor(60, TimeUnit.SECONDS);
        }
    }
}
