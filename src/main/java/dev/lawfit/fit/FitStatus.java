package dev.lawfit.fit;

/** How a law's fit on a group ended. The lower-case name is what the output tables hold. */
public enum FitStatus {
    /** Fitted, and nothing in its diagnostics says to distrust it. */
    OK,
    /** Fitted, with one or more diagnostic flags (a parameter at a bound, a law rising where it must fall, ...): read them. */
    OK_WITH_WARNINGS,
    FAILED, TOO_FEW_POINTS;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether a fit of this status has parameters to use (ok, or ok with warnings). */
    public boolean usable() {
        return this == OK || this == OK_WITH_WARNINGS;
    }

    /** The labels of the usable statuses, for a query's {@code status IN (...)}. */
    public static final String[] USABLE = {"ok", "ok_with_warnings"};

    /** A SQL predicate (Spark or DuckDB) on a table's {@code status} column: the fit is usable. */
    public static final String USABLE_SQL = "status IN (" + String.join(", ", java.util.Arrays.stream(USABLE).map(s -> "'" + s + "'").toList()) + ")";

    /** The same for a table's status label. */
    public static boolean usable(String label) {
        return OK.label().equals(label) || OK_WITH_WARNINGS.label().equals(label);
    }
}
