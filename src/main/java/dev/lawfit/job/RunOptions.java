package dev.lawfit.job;

/**
 * How a run treats what an earlier run left: {@code full} refits every group instead of reusing unchanged ones,
 * {@code keepStale} keeps (flagged) the results of groups whose rows disappeared from the input, and
 * {@code skipBadFiles} leaves out input files that are not readable Parquet, listing them in the run record, and
 * {@code allowEmpty} publishes a version even when the input has no row (otherwise such a run stops, exit 2).
 */
public record RunOptions(boolean full, boolean keepStale, boolean skipBadFiles, boolean allowEmpty) {

    public static final RunOptions INCREMENTAL = new RunOptions(false, false, false, false);

    public RunOptions(boolean full, boolean keepStale, boolean skipBadFiles) {
        this(full, keepStale, skipBadFiles, false);
    }
}
