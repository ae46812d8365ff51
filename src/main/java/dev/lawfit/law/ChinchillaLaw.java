package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hoffmann et al.'s approach 3: L(N, D) = E + A / N^alpha + B / D^beta, fitted in the log-sum-exp
 * form log L = LSE(a - alpha log N, b - beta log D, e) with A = e^a, B = e^b, E = e^e.
 */
public final class ChinchillaLaw extends SizeTokenLaw {

    private static final long serialVersionUID = 1L;

    /** The catalog's name of the law. */
    public static final String NAME = "chinchilla";

    private static final LawDescription DESCRIPTION = describe(NAME, "L(N,D) = E + A/N^alpha + B/D^beta",
            new double[] {-10, -10, -10, 0, 0}, new double[] {5, 60, 60, 3, 3}, grid());

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }

    /** Hoffmann's grid as Epoch used it: 5 x 6 x 6 x 5 x 5 = 4,500 starts. */
    private static StartingGrid grid() {
        double[] exponents = {0, 0.5, 1, 1.5, 2};
        return StartingGrid.of(
                "e", new double[] {-1, -0.5, 0, 0.5, 1},
                "a", StartingGrid.range(0, 25, 5),
                "b", StartingGrid.range(0, 25, 5),
                "alpha", exponents,
                "beta", exponents);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return logLoss(theta, points.logParams()[i], points.logTokens()[i], null);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        return logLoss(theta, points.logParams()[i], points.logTokens()[i], gradient);
    }

    /**
     * log L = LSE(a - alpha log N, b - beta log D, e) for coordinates (e, a, b, alpha, beta); with {@code gradient},
     * its first five entries get d log L / d theta. The data-constrained law calls it with effective N and D.
     */
    static double logLoss(double[] theta, double logN, double logD, double[] gradient) {
        double t1 = theta[1] - theta[3] * logN;
        double t2 = theta[2] - theta[4] * logD;
        double t3 = theta[0];
        double m = Math.max(t1, Math.max(t2, t3));
        double w1 = Math.exp(t1 - m);
        double w2 = Math.exp(t2 - m);
        double w3 = Math.exp(t3 - m);
        double sum = w1 + w2 + w3;
        if (gradient != null) {
            gradient[0] = w3 / sum;
            gradient[1] = w1 / sum;
            gradient[2] = w2 / sum;
            gradient[3] = -gradient[1] * logN;
            gradient[4] = -gradient[2] * logD;
        }
        return m + Math.log(sum);
    }

    /**
     * Compute-optimal allocation under C = 6ND: N_opt = G (C/6)^a, D_opt = (C/6)^b / G with
     * a = beta/(alpha+beta), b = alpha/(alpha+beta), G = (alpha A / (beta B))^(1/(alpha+beta));
     * at each budget C also N_opt, D_opt, their ratio (tokens per parameter) and the loss there.
     */
    @Override
    protected Map<String, Double> extraDerived(double[] theta) {
        return Map.of("G", Math.exp(logG(theta)));
    }

    private static double logG(double[] theta) {
        // G in logs: A and B can be e^50.
        return (Math.log(theta[3]) + theta[1] - Math.log(theta[4]) - theta[2]) / (theta[3] + theta[4]);
    }

    @Override
    public double[] allocation(double[] theta) {
        double sum = theta[3] + theta[4];
        double a = theta[4] / sum, b = theta[3] / sum, g = Math.exp(logG(theta));
        return new double[] {a, g * Math.pow(6, -a), b, Math.pow(6, -b) / g};
    }

    @Override
    public double logLossAt(double[] theta, double logN, double logD) {
        return Math.log(Math.exp(theta[0]) + Math.exp(theta[1] - theta[3] * logN) + Math.exp(theta[2] - theta[4] * logD));
    }

}
