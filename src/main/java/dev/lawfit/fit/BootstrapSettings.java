package dev.lawfit.fit;

import java.io.Serializable;

/**
 * Bootstrap confidence intervals: {@code resamples} (0 turns them off), the interval {@code level},
 * resampling {@code points} (checkpoints, independently) or {@code runs} (whole training runs, the cluster
 * bootstrap), whether each resample is refitted from the grid instead of from the full fit's optimum,
 * the seed, and how many resamples one Spark task fits.
 */
public record BootstrapSettings(int resamples, double level, String mode, boolean fromGrid, long seed, int chunkSize, int keep)
        implements Serializable {

    /** How many resamples' parameters are published by default (the {@code resamples} table; lawfit predict and the report read them). */
    public static final int DEFAULT_KEEP = 200;
    public static final BootstrapSettings DEFAULT = new BootstrapSettings(1000, 0.95, "points", false, 20240417L, 100);
    public static final BootstrapSettings OFF = new BootstrapSettings(0, 0.95, "points", false, 20240417L, 100);

    public BootstrapSettings(int resamples, double level, String mode, boolean fromGrid, long seed, int chunkSize) {
        this(resamples, level, mode, fromGrid, seed, chunkSize, DEFAULT_KEEP);
    }

    public BootstrapSettings {
        if (keep < 0) throw new IllegalArgumentException("bootstrap.keep must be >= 0, got " + keep);
        if (resamples < 0) throw new IllegalArgumentException("bootstrap.resamples must be >= 0, got " + resamples);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("bootstrap.level must be in (0, 1), got " + level);
        if (!mode.equals("points") && !mode.equals("runs")) {
            throw new IllegalArgumentException("bootstrap.mode must be points or runs, got '" + mode + "'");
        }
        if (chunkSize < 1) throw new IllegalArgumentException("bootstrap.chunk_size must be >= 1, got " + chunkSize);
    }

    /** Everything that changes the intervals; the chunk size only changes how work is split. */
    public String describe() {
        return resamples + "/" + level + "/" + mode + "/" + fromGrid + "/" + seed;
    }

    public boolean enabled() {
        return resamples > 0;
    }

    public BootstrapSettings withResamples(int count) {
        return new BootstrapSettings(count, level, mode, fromGrid, seed, chunkSize, keep);
    }

    public BootstrapSettings withMode(String value) {
        return new BootstrapSettings(resamples, level, value, fromGrid, seed, chunkSize, keep);
    }

    /** Resamples whose parameters are published: the first {@code keep} (all of them when there are fewer). */
    public int kept() {
        return Math.min(keep, resamples);
    }
}
