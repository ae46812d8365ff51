package dev.lawfit.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** output.catalog against Spark's embedded Hive metastore (Derby), in a child JVM this test starts and waits for. */
class HiveCatalogTest {

    @TempDir
    Path dir;

    @Test
    void tablesPublishedToTheMetastoreAreReadByANewSession() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.add("@" + Path.of("conf", "jvm-options.txt").toAbsolutePath());
        command.add("-Xmx1g");
        command.add("-Dlog4j2.configurationFile=" + Path.of("conf", "log4j2-test.properties").toAbsolutePath());
        command.add("-Dderby.system.home=" + dir);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HiveCatalogMain.class.getName());
        command.add(dir.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process child = builder.start();
        boolean finished = child.waitFor(240, TimeUnit.SECONDS);
        if (!finished) child.destroyForcibly().waitFor();
        String log = Files.readString(dir.resolve("child.log"));
        String tail = log.length() > 3000 ? log.substring(log.length() - 3000) : log;
        assertTrue(finished, "child JVM did not finish in 240 s:\n" + tail);
        assertEquals(0, child.exitValue(), tail);
        String check = log.lines().filter(l -> l.startsWith("HIVE-CHECK")).findFirst().orElse("");
        assertTrue(check.contains("lines=4") && check.contains("dataset_verdict=moves_line") && check.contains("catalog=hive"), tail);
        assertTrue(new File(dir.toFile(), "metastore_db").isDirectory(), "the Derby metastore is on disk");
    }
}
