package dev.lawfit.fit;

/** How a law's fit on a group ended. The lower-case name is what the output tables hold. */
public enum FitStatus {
    OK, FAILED, TOO_FEW_POINTS;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
