package dev.lawfit.job.stages;

import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

import java.time.Duration;

/**
 * Console progress of a long stage: what it is doing, units done of the total, elapsed time and an estimate of the
 * time left, every {@code lawfit.progress.seconds} seconds (default 10; 0 turns it off) on standard error. Counts come
 * from accumulators the tasks add to, so they advance as tasks finish. Two phases: the fits (groups, runs, lines),
 * then the bootstrap's resample chunks (planned by the tasks that split the work, counted as they finish). The line
 * never says 100% while the stage runs (all fits done but the stage not closed reads "finishing"), and the estimate
 * of the time left never goes up between two lines of the same phase. Running tasks' counts arrive with the executors'
 * heartbeats ({@code spark.executor.heartbeatInterval}, 10 s by default; lawfit's local sessions use 3 s), so a stage
 * whose tasks each take minutes still moves within seconds.
 */
public final class FitProgress implements AutoCloseable {

    private final String stage;
    private final LongAccumulator done;
    private final LongAccumulator chunksPlanned;
    private final LongAccumulator chunksDone;
    private final Thread reporter;
    private final long started = System.nanoTime();
    private volatile boolean closed;
    private long lastLineNanos;
    private Duration lastLeft;
    private int lastPhase = -1;
    private long phaseStarted = System.nanoTime();
    private long phaseStartCount;

    private final SparkContext context;
    private final InFlight inFlight;
    private long shownCount, shownChunks;

    private FitProgress(SparkContext context, String stage, LongAccumulator done, LongAccumulator chunksPlanned, LongAccumulator chunksDone,
                        Thread reporter) {
        this.context = context;
        this.stage = stage;
        this.done = done;
        this.chunksPlanned = chunksPlanned;
        this.chunksDone = chunksDone;
        this.reporter = reporter;
        this.inFlight = new InFlight(java.util.Set.of(done.id(), chunksDone.id()));
    }

    /**
     * What running tasks have added to the counters so far, from the executors' heartbeats (an accumulator's value on the
     * driver moves only when a task ends, and a task fits a whole partition of groups: without this the first line of a
     * long stage would say "time left unknown" until the first partition was done).
     */
    static final class InFlight extends org.apache.spark.scheduler.SparkListener {
        private final java.util.Set<Long> watched;
        private final java.util.concurrent.ConcurrentHashMap<Long, java.util.Map<Long, Long>> byTask = new java.util.concurrent.ConcurrentHashMap<>();

        InFlight(java.util.Set<Long> watched) {
            this.watched = watched;
        }

        @Override
        public void onExecutorMetricsUpdate(org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate update) {
            for (scala.Tuple4<Object, Object, Object, scala.collection.immutable.Seq<org.apache.spark.scheduler.AccumulableInfo>> task
                    : scala.jdk.javaapi.CollectionConverters.asJava(update.accumUpdates())) {
                long taskId = (Long) task._1();
                for (org.apache.spark.scheduler.AccumulableInfo info : scala.jdk.javaapi.CollectionConverters.asJava(task._4())) {
                    if (watched.contains(info.id()) && info.update().isDefined() && info.update().get() instanceof Long value) {
                        byTask.computeIfAbsent(taskId, k -> new java.util.concurrent.ConcurrentHashMap<>()).put(info.id(), value);
                    }
                }
            }
        }

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
            byTask.remove(end.taskInfo().taskId()); // its additions are now in the accumulator itself
        }

        long of(long accumulator) {
            long sum = 0;
            for (java.util.Map<Long, Long> task : byTask.values()) sum += task.getOrDefault(accumulator, 0L);
            return sum;
        }
    }

    /** Add one per unit fitted. */
    public LongAccumulator counter() {
        return done;
    }

    /** The bootstrap adds the number of resample chunks it plans here... */
    public LongAccumulator chunksPlanned() {
        return chunksPlanned;
    }

    /** ...and one per chunk fitted here. */
    public LongAccumulator chunksDone() {
        return chunksDone;
    }

    /** Starts reporting on {@code total} units of {@code what} (e.g. "groups"). */
    public static FitProgress start(SparkContext context, String what, long total) {
        LongAccumulator done = context.longAccumulator("lawfit " + what + " fitted");
        LongAccumulator planned = context.longAccumulator("lawfit " + what + " bootstrap chunks planned");
        LongAccumulator chunks = context.longAccumulator("lawfit " + what + " bootstrap chunks fitted");
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
        self[0] = new FitProgress(context, what, done, planned, chunks, thread);
        if (seconds > 0 && total > 0) {
            context.addSparkListener(self[0].inFlight);
            thread.start();
        }
        return self[0];
    }

    /**
     * e.g. "fitted 1,250 of 10,000 groups (12%), 0:31 elapsed, about 3:37 left", then "groups: bootstrap, 40 of 400
     * resample chunks (10%), 2:10 elapsed, about 5:12 left", then "groups: all 10,000 fitted, finishing (tables), ...".
     */
    public synchronized String line(String what, long total) {
        // a task retried after a lost executor adds its units again: never report more than all of them
        // finished tasks' additions and running tasks' (from their last heartbeat); a task retried after a lost executor adds its
        // units again, and a task's additions can be counted twice for a moment as it ends: never more than all, never going back
        shownCount = Math.max(shownCount, Math.min(done.value() + inFlight.of(done.id()), total));
        long count = shownCount;
        long planned = chunksPlanned.value();
        shownChunks = Math.max(shownChunks, Math.min(chunksDone.value() + inFlight.of(chunksDone.id()), planned));
        long chunks = shownChunks;
        long now = System.nanoTime();
        Duration elapsed = Duration.ofNanos(now - started);
        String text;
        if (count < total) {
            text = String.format("fitted %,d of %,d %s (%d%%), %s elapsed, %s", count, total, what, percent(count, total), clock(elapsed),
                    left(0, count, total, now));
        } else if (planned > 0 && chunks < planned) {
            text = String.format("%s: bootstrap, %,d of %,d resample chunks (%d%%), %s elapsed, %s", what, chunks, planned, percent(chunks, planned),
                    clock(elapsed), left(1, chunks, planned, now));
        } else {
            text = String.format("%s: all %,d fitted, finishing (intervals and tables), %s elapsed", what, total, clock(elapsed));
        }
        lastLineNanos = now;
        return text;
    }

    /** Below 100 while the stage runs: 99% until it is closed. */
    private int percent(long count, long total) {
        int p = (int) (100 * count / Math.max(1, total));
        return closed ? p : Math.min(99, p);
    }

    /** The time left in this phase: at the phase's pace so far, and never more than the last line said minus the time since. */
    private String left(int phase, long count, long total, long now) {
        if (phase != lastPhase) {
            // the fits started with the stage, not at the first line (tasks report only when they finish, so counting
            // from the first line would take a task's whole work as done in one interval); the bootstrap starts when seen
            lastPhase = phase;
            phaseStarted = phase == 0 ? started : now;
            phaseStartCount = phase == 0 ? 0 : count;
            lastLeft = null;
        }
        long progressed = count - phaseStartCount;
        if (progressed <= 0) return lastLeft == null ? "time left unknown yet" : "about " + clock(lastLeft) + " left";
        Duration estimate = Duration.ofNanos(now - phaseStarted).multipliedBy(Math.max(0, total - count)).dividedBy(progressed);
        if (lastLeft != null) {
            Duration since = Duration.ofNanos(now - lastLineNanos);
            Duration ceiling = lastLeft.minus(since).isNegative() ? Duration.ZERO : lastLeft.minus(since);
            if (estimate.compareTo(ceiling) > 0) estimate = ceiling;
        }
        lastLeft = estimate;
        return estimate.isZero() ? "almost done" : "about " + clock(estimate) + " left";
    }

    private static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        closed = true;
        reporter.interrupt();
        context.removeSparkListener(inFlight);
    }
}
