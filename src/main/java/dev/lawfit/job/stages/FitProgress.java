package dev.lawfit.job.stages;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.time.Duration;

/**
 * Console progress of a long fit: units (groups, runs) fitted out of the total, elapsed time and an
 * estimate of the time left, every {@code lawfit.progress.seconds} seconds (default 10; 0 turns it off) on
 * standard error. Counts come from an accumulator the fitting tasks add to, so they advance as tasks finish.
 */
public final class FitProgress implements AutoCloseable {

    private final LongAccumulator done;
    private final Thread reporter;
    private final long started = System.nanoTime();

    private FitProgress(LongAccumulator done, Thread reporter) {
        this.done = done;
        this.reporter = reporter;
    }

    public LongAccumulator counter() {
        return done;
    }

    /** Starts reporting on {@code total} units of {@code what} (e.g. "groups"). */
    public static FitProgress start(SparkContext context, String what, long total) {
        LongAccumulator done = context.longAccumulator("lawfit " + what + " fitted");
        long seconds = Long.parseLong(context.getConf().get("lawfit.progress.seconds", "10"));
        FitProgress[] self = new FitProgress[1];
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(seconds * 1000);
                    System.err.println("lawfit: " + self[0].line(what, total));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lawfit-progress");
        thread.setDaemon(true);
        self[0] = new FitProgress(done, thread);
        if (seconds > 0 && total > 0) thread.start();
        return self[0];
    }

    /** e.g. "fitted 1,250 of 10,000 groups (12%), 0:31 elapsed, about 3:37 left". */
    public String line(String what, long total) {
        // a task retried after a lost executor adds its groups again: never report more than all of them
        long count = Math.min(done.value(), total);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        String left = count == 0 ? "time left unknown yet"
                : "about " + clock(elapsed.multipliedBy(Math.max(0, total - count)).dividedBy(count)) + " left";
        return String.format("fitted %,d of %,d %s (%d%%), %s elapsed, %s", count, total, what, 100 * count / Math.max(1, total),
                clock(elapsed), left);
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        reporter.interrupt();
    }
}
