package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

/**
 * Sum over points of Huber_delta(log prediction - log observed), optionally weighted (a bootstrap
 * resample is a weighting). Summed, not averaged: the mean shrinks the objective until L-BFGS stops
 * near its start.
 *
 * <p>The optimiser sees the sum divided by delta^2, i.e. residuals measured in units of delta. The
 * optimum is the same; the point is that Breeze's L-BFGS-B stops once the projected gradient is below
 * a fixed 1e-5, which on the raw scale would accept points with tiny but real gradients (the known
 * trap at Hoffmann's published values).
 */
public final class HuberLogObjective implements DifferentiableObjective {

    private final Law law;
    private final Points points;
    private final double delta;
    private final double[] weights;
    private final double optimiserScale;
    private final double[] pointGradient;

    public HuberLogObjective(Law law, Points points, double delta, double[] weights) {
        if (!(delta > 0)) throw new IllegalArgumentException("huber delta must be > 0, got " + delta);
        if (weights != null && weights.length != points.size()) {
            throw new IllegalArgumentException("need one weight per point");
        }
        this.law = law;
        this.points = points;
        this.delta = delta;
        this.weights = weights;
        this.optimiserScale = 1.0 / (delta * delta);
        this.pointGradient = new double[law.dimension()];
    }

    public HuberLogObjective(Law law, Points points, double delta) {
        this(law, points, delta, null);
    }

    /** The summed Huber loss at {@code theta}, on the scale users and papers report. */
    public double summedHuber(double[] theta) {
        double total = 0;
        double[] logLoss = points.logLoss();
        for (int i = 0; i < logLoss.length; i++) {
            double w = weights == null ? 1.0 : weights[i];
            if (w == 0) continue;
            total += w * huber(law.logPredict(theta, points, i) - logLoss[i]);
        }
        return total;
    }

    /** The value the optimiser minimises: {@link #summedHuber} / delta^2. */
    public double optimiserValue(double[] theta) {
        return summedHuber(theta) * optimiserScale;
    }

    @Override
    public double valueAndGradient(double[] theta, double[] gradient) {
        int dim = gradient.length;
        for (int k = 0; k < dim; k++) gradient[k] = 0;
        double total = 0;
        double[] logLoss = points.logLoss();
        for (int i = 0; i < logLoss.length; i++) {
            double w = weights == null ? 1.0 : weights[i];
            if (w == 0) continue;
            double r = law.logPredict(theta, points, i, pointGradient) - logLoss[i];
            double slope;
            if (Math.abs(r) <= delta) {
                total += w * 0.5 * r * r;
                slope = w * r;
            } else {
                total += w * delta * (Math.abs(r) - 0.5 * delta);
                slope = w * (r > 0 ? delta : -delta);
            }
            for (int k = 0; k < dim; k++) gradient[k] += slope * pointGradient[k];
        }
        for (int k = 0; k < dim; k++) gradient[k] *= optimiserScale;
        return total * optimiserScale;
    }

    private double huber(double r) {
        return huber(r, delta);
    }

    /** The Huber loss of one residual: quadratic within {@code delta}, linear beyond. */
    static double huber(double r, double delta) {
        double abs = Math.abs(r);
        return abs <= delta ? 0.5 * r * r : delta * (abs - 0.5 * delta);
    }
}
