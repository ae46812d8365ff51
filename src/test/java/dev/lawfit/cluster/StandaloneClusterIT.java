package dev.lawfit.cluster;

import dev.lawfit.job.LawfitJob;
import dev.lawfit.job.publish.OutputPublisher;
import dev.lawfit.job.publish.RunHistory;
import dev.lawfit.job.RunOptions;
import dev.lawfit.job.RunSummary;
import dev.lawfit.spec.JobSpecReader;
import dev.lawfit.testing.Tables;
import dev.lawfit.testing.TestSpark;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lawfit on a real Spark standalone cluster on loopback (scripts/local-cluster: one master, two workers, executors
 * in their own JVMs), submitted with spark-submit as users do: the quickstart gives the same tables as a local
 * run, also when an executor is killed mid-fit (it costs retries, not results); a driver killed while writing
 * leaves the previous version current and complete, and the next run succeeds.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {

    static final Path HOME = Paths.get("").toAbsolutePath();
    static final Path WORK = HOME.resolve("target/it-cluster");
    static Path clusterDir;
    static int port;
    static Path local;
    /** The quickstart without the bootstrap: the driver-kill test needs a run to kill, not intervals. */
    static Path lightSpec;

    @BeforeAll
    static void startCluster() throws Exception {
        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        clusterDir = WORK.resolve("cluster");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process start = script("start", "2").redirectOutput(WORK.resolve("start.log").toFile()).redirectErrorStream(true).start();
        // the script's own waits poll with a 600 s limit each (LAWFIT_CLUSTER_WAIT); this bound is only a backstop
        assertTrue(start.waitFor(25, TimeUnit.MINUTES), () -> "the cluster start-up script did not end: " + read(WORK.resolve("start.log")));
        assertEquals(0, start.exitValue(), () -> read(WORK.resolve("start.log")));

        // the same job on embedded Spark, undisturbed, for comparison
        local = WORK.resolve("local");
        LawfitJob.run(TestSpark.session(), JobSpecReader.read(HOME.resolve("jobs/quickstart.yaml")).withOutputPath(local.toString()));
        lightSpec = WORK.resolve("quickstart-light.yaml");
        Files.writeString(lightSpec, Files.readString(HOME.resolve("jobs/quickstart.yaml")).replace("resamples: 200", "resamples: 0"));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Process stop = script("stop").redirectOutput(WORK.resolve("stop.log").toFile()).redirectErrorStream(true).start();
        stop.waitFor(2, TimeUnit.MINUTES);
    }

    /**
     * The quickstart through spark-submit, with one executor SIGKILLed while the groups are being fitted (one run
     * for both checks: the suite's time on 2 cores is the budget): Spark retries the lost tasks on a new executor
     * and every table equals the undisturbed embedded run's.
     */
    @Test
    @Order(1)
    void theQuickstartOnTheClusterGivesTheLocalRunsTablesEvenWhenAnExecutorIsKilled() throws Exception {
        Path out = WORK.resolve("cluster-out");
        Submitted run = submit("quickstart", "run", "jobs/quickstart.yaml", "--output", out.toString());
        run.awaitLog("INFO LawfitJob: groups:", 900);
        Thread.sleep(3000); // the groups are being fitted now: the fit takes tens of seconds on two 1-core executors
        long executor = executorOf("worker-1");
        new ProcessBuilder("kill", "-9", String.valueOf(executor)).start().waitFor();
        assertEquals(0, run.waitFor(), run.log());
        assertTrue(run.log().contains("Lost executor"), "the executor died mid-run: " + run.log());
        assertTrue(run.log().contains("published version") && !run.log().contains("lawfit: error"), run.log());
        assertSameTables(local, out);
        Row record = RunHistory.table(TestSpark.session(), out.toString()).first();
        assertTrue(((String) record.getAs("spark_master")).startsWith("spark://127.0.0.1:"), (String) record.getAs("spark_master"));
    }

    @Test
    @Order(2)
    void aDriverKilledWhilePublishingLeavesThePreviousVersionCurrentAndTheNextRunSucceeds() throws Exception {
        Path out = WORK.resolve("driver-killed");
        Configuration conf = new Configuration();
        RunSummary first = LawfitJob.run(TestSpark.session(), JobSpecReader.read(lightSpec).withOutputPath(out.toString()));
        long lawsRows = Tables.current(out.toString(), "laws").count();
        long predictionRows = Tables.current(out.toString(), "predictions").count();

        Submitted run = submit("driver-killed", "run", lightSpec.toString(), "--full", "--output", out.toString());
        Path versions = out.resolve(OutputPublisher.VERSIONS);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        String writing = null;
        while (writing == null && System.nanoTime() < deadline && run.process.isAlive()) {
            try (var dirs = Files.list(versions)) {
                writing = dirs.map(p -> p.getFileName().toString()).filter(v -> !v.equals(first.version())).findFirst().orElse(null);
            }
            if (writing == null) Thread.sleep(20);
        }
        assertTrue(writing != null, "the run started writing its version: " + run.log());
        run.process.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        run.process.waitFor(1, TimeUnit.MINUTES);

        assertEquals(first.version(), OutputPublisher.currentVersion(conf, out.toString()).getName(), "CURRENT did not move");
        assertEquals(lawsRows, Tables.current(out.toString(), "laws").count(), "the previous version is complete");
        assertEquals(predictionRows, Tables.current(out.toString(), "predictions").count());
        assertTrue(Files.exists(versions.resolve(writing)), "the killed run's half-written version is still there");
        assertEquals(List.of(first.version()), OutputPublisher.publishedVersions(conf, out.toString()), "but it is not a complete version");

        RunSummary next = LawfitJob.run(TestSpark.session(), JobSpecReader.read(lightSpec).withOutputPath(out.toString()),
                RunOptions.INCREMENTAL);
        assertEquals(next.version(), OutputPublisher.currentVersion(conf, out.toString()).getName());
        assertEquals(4, next.groupChanges().reused(), "the next run reuses the last complete version");
        assertTrue(!Files.exists(versions.resolve(writing)), "and clears the killed run's leftovers");
        List<Row> runs = RunHistory.table(TestSpark.session(), out.toString()).collectAsList();
        assertEquals(List.of(RunHistory.SUCCEEDED, RunHistory.INTERRUPTED, RunHistory.SUCCEEDED),
                runs.stream().map(r -> (String) r.getAs("status")).toList());
        assertNotEquals(first.version(), next.version());
    }

    /** Every table of the two outputs' current versions holds the same rows (timings aside). */
    static void assertSameTables(Path expected, Path actual) throws IOException {
        Configuration conf = new Configuration();
        Path e = Paths.get(OutputPublisher.currentVersion(conf, expected.toString()).toUri().getPath());
        Path a = Paths.get(OutputPublisher.currentVersion(conf, actual.toString()).toUri().getPath());
        List<String> tables;
        try (var list = Files.list(e)) {
            tables = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        try (var list = Files.list(a)) {
            assertEquals(tables, list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList());
        }
        for (String table : tables) {
            Dataset<Row> x = Tables.of(e.toString(), table), y = Tables.of(a.toString(), table);
            if (List.of(x.columns()).contains("fit_millis")) {
                x = x.drop("fit_millis");
                y = y.drop("fit_millis");
            }
            if (table.equals("groups")) { // which run fitted a group is the run's own name
                x = x.drop("fitted_version");
                y = y.drop("fitted_version");
            }
            assertEquals(x.count(), y.count(), table);
            assertEquals(0, Tables.differingRows(x, y), table + " differs between the local and the cluster run");
        }
    }

    long executorOf(String worker) throws Exception {
        long workerPid = Files.readAllLines(clusterDir.resolve("pids")).stream().filter(l -> l.startsWith(worker + " "))
                .mapToLong(l -> Long.parseLong(l.split(" ")[1])).findFirst().orElseThrow();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            var child = ProcessHandle.of(workerPid).orElseThrow().children().filter(p -> p.info().commandLine().orElse("")
                    .contains("CoarseGrainedExecutorBackend")).findFirst();
            if (child.isPresent()) return child.get().pid();
            Thread.sleep(200);
        }
        throw new AssertionError(worker + " started no executor in 10 minutes; its log: " + read(clusterDir.resolve("logs").resolve(worker + ".log")));
    }

    record Submitted(Process process, Path logFile) {
        int waitFor() throws InterruptedException {
            assertTrue(process.waitFor(30, TimeUnit.MINUTES), () -> "the job did not end in 30 minutes: " + log());
            return process.exitValue();
        }

        String log() {
            return read(logFile);
        }

        void awaitLog(String text, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (!log().contains(text)) {
                assertTrue(process.isAlive() && System.nanoTime() < deadline, () -> "gave up waiting for '" + text + "' after "
                        + seconds + " s" + (process.isAlive() ? "" : " (the job exited)") + ": " + log());
                Thread.sleep(100);
            }
        }
    }

    static Submitted submit(String name, String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "submit";
        System.arraycopy(args, 0, command, 1, args.length);
        Path log = WORK.resolve(name + ".log");
        return new Submitted(script(command).redirectOutput(log.toFile()).redirectErrorStream(true).start(), log);
    }

    static ProcessBuilder script(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = HOME.resolve("scripts/local-cluster").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile());
        pb.environment().put("LAWFIT_CLUSTER_DIR", clusterDir.toString());
        pb.environment().put("LAWFIT_CLUSTER_PORT", String.valueOf(port));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb;
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
