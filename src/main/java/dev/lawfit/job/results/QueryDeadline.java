package dev.lawfit.job.results;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A query's {@code --timeout}, for either engine: once the time is up, {@code cancel} runs every second until the query
 * returns and this is closed. A cancel that lands before the query's work has started (planning can outlast a short timeout on
 * a loaded machine) is not the last one.
 */
final class QueryDeadline implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lawfit-sql-timeout");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean passed = new AtomicBoolean();

    QueryDeadline(long seconds, Runnable cancel) {
        timer.scheduleAtFixedRate(() -> {
            passed.set(true);
            cancel.run();
        }, seconds, 1, TimeUnit.SECONDS);
    }

    /** Whether the time ran out (the query was cancelled, or is being). */
    boolean passed() {
        return passed.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
