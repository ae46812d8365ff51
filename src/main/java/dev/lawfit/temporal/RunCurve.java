package dev.lawfit.temporal;

/**
 * One training run's checkpoints in token order: tokens seen, average loss and, when evaluated, the loss
 * at each token position (index k = position k + 1; null rows where a checkpoint has none), with the
 * run's planned total tokens.
 */
public record RunCurve(String runId, double[] tokens, double[] steps, double[] loss, double[][] positionLosses, double totalTokens) {

    public int size() {
        return tokens.length;
    }

    /** True when every checkpoint has per-position losses. */
    public boolean hasPositions() {
        if (positionLosses == null) return false;
        for (double[] p : positionLosses) if (p == null || p.length < 3) return false;
        return true;
    }

    public double progress(int i) {
        return tokens[i] / totalTokens;
    }
}
