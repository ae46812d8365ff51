package dev.lawfit.temporal;

/**
 * How well a curve fitted on early checkpoints predicts the held-out later ones: R^2 (1 - residual sum of
 * squares over total sum of squares about the held-out mean), mean ARE (|predicted - observed| / observed, averaged)
 * and ARE at the last checkpoint (|predicted - observed| / observed there: the run's final loss when it
 * finished). NaN where there is nothing held out.
 */
public record PredictionQuality(int heldOut, double r2, double are, double finalAre) {

    public static PredictionQuality of(double[] observed, double[] predicted, int from) {
        int n = observed.length - from;
        if (n <= 0) return new PredictionQuality(0, Double.NaN, Double.NaN, Double.NaN);
        double mean = 0;
        for (int i = from; i < observed.length; i++) mean += observed[i];
        mean /= n;
        double ssRes = 0, ssTot = 0, ape = 0;
        for (int i = from; i < observed.length; i++) {
            double e = predicted[i] - observed[i];
            ssRes += e * e;
            ssTot += (observed[i] - mean) * (observed[i] - mean);
            ape += Math.abs(e) / observed[i];
        }
        int last = observed.length - 1;
        return new PredictionQuality(n, ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN, ape / n,
                Math.abs(predicted[last] - observed[last]) / observed[last]);
    }
}
