package dev.lawfit.job.publish;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A writer in its own process for {@link OutputLockTest}: waits for the go file, tries the lock, says HELD or BUSY, marks
 * that it tried ({@code <go>.<id>}), and a holder keeps the lock until every one of the {@code writers} has tried.
 */
public final class LockProbe {

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[2]);
        int writers = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (!Files.exists(go) && System.nanoTime() < deadline) Thread.sleep(5);
        try (OutputLock lock = OutputLock.acquire(new org.apache.hadoop.conf.Configuration(), args[0], args[1])) {
            System.out.println("HELD");
            Files.writeString(Path.of(go + "." + args[1]), "tried");
            // hold it until every writer has tried
            while (System.nanoTime() < deadline) {
                try (var tried = Files.list(go.getParent())) {
                    if (tried.filter(p -> p.getFileName().toString().startsWith(go.getFileName() + ".")).count() >= writers) break;
                }
                Thread.sleep(20);
            }
        } catch (dev.lawfit.LawfitException busy) {
            System.out.println("BUSY " + busy.getMessage());
            Files.writeString(Path.of(go + "." + args[1]), "tried");
        }
    }
}
