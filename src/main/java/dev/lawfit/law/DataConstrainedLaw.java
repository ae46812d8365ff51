package dev.lawfit.law;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Muennighoff et al. 2023's data-constrained law: Chinchilla's form in effective data and parameters,
 * L(N, D) = E + A / N'^alpha + B / D'^beta with D' = U_D + U_D R*_D (1 - exp(-R_D / R*_D)): U_D the unique tokens
 * (the optional contract column {@code unique_tokens}, in the points' covariate x), R_D = D / U_D - 1 the repetitions
 * (epochs beyond the first, 0 when D <= U_D), and R*_D how many repetitions are still worth having; the same for
 * parameters, N' = U_N + U_N R*_N (1 - exp(-R_N / R*_N)) with U_N = min(N, U_D / 20) the size U_D tokens train
 * compute-optimally (Chinchilla's 20 tokens per parameter) and R_N = N / U_N - 1. Fitted in logs,
 * log L = LSE(e, a - alpha log N', b - beta log D'), with log R*_D and log R*_N as coordinates. Without a unique-token
 * count (x NaN) a point has fresh data: D' = D. Its compute-optimal allocation is the one with unlimited unique data
 * (Chinchilla's formula on E, A, B, alpha, beta).
 */
public final class DataConstrainedLaw implements ComputeOptimal {

    private static final long serialVersionUID = 1L;
    private static final List<String> COORDINATES = List.of("e", "a", "b", "alpha", "beta", "log_rd", "log_rn");

    /** Tokens per parameter that make a size compute-optimal for its unique data (U_N = U_D / 20). */
    public static final double OPTIMAL_RATIO = 20;
    /** Muennighoff et al.'s fitted R*_N, where a group cannot determine it (no run has excess parameters). */
    public static final double PUBLISHED_RN = 5.309;

    private static final LawDescription DESCRIPTION = LawDescription.of("data_constrained", "L(N,D) = E + A/N'^alpha + B/D'^beta, D' = U_D(1 + R*_D(1 - exp(-R_D/R*_D))), N' likewise")
            .withCovariates("N, D, U_D (unique_tokens)")
            .withCoordinates(COORDINATES, new double[] {-10, -10, -10, 0, 0, Math.log(0.1), Math.log(0.1)}, new double[] {5, 60, 60, 3, 3, Math.log(1e4), Math.log(1e4)})
            // 3 x 6 x 6 x 3 x 3 x 3 x 1 = 2,916 starts (R*_N from Muennighoff et al.'s 5.3: it matters only for over-sized runs).
            .withGrid(StartingGrid.of("e", new double[] {-1, 0, 1}, "a", StartingGrid.range(0, 25, 5), "b", StartingGrid.range(0, 25, 5),
                "alpha", new double[] {0.2, 0.35, 0.5}, "beta", new double[] {0.2, 0.35, 0.5},
                "log_rd", new double[] {Math.log(3), Math.log(15), Math.log(60)}, "log_rn", new double[] {Math.log(PUBLISHED_RN)}))
            .withShape(List.of("alpha", "beta", "log_rd"))
            .withMinPoints(9);

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }
    private static final ChinchillaLaw FRESH = new ChinchillaLaw();

    @Override
    public String unidentifiable(Points points) {
        int sizes = Points.distinct(points.params()), tokens = Points.distinct(points.tokens());
        if (sizes < 3 || tokens < 3) return name() + " needs at least 3 model sizes and 3 token counts; the group has " + sizes + " and " + tokens;
        if (Arrays.stream(points.x()).anyMatch(Double::isNaN)) {
            return name() + " needs the unique tokens of every run (input column unique_tokens); "
                    + Arrays.stream(points.x()).filter(Double::isNaN).count() + " of the group's " + points.size() + " points have none";
        }
        double[] epochs = new double[points.size()];
        for (int i = 0; i < epochs.length; i++) epochs[i] = Math.rint(Math.max(1, points.tokens()[i] / points.x()[i]) * 100) / 100;
        int levels = Points.distinct(epochs);
        return levels < 3 ? name() + " needs at least 3 levels of repetition (epochs, tokens / unique_tokens); the group has " + levels : null;
    }

    /** Says when R*_N is not determined by the group (no run has more parameters than its unique data support). */
    @Override
    public String note(Points points) {
        for (int i = 0; i < points.size(); i++) {
            if (!Double.isNaN(points.x()[i]) && points.params()[i] > points.x()[i] / OPTIMAL_RATIO * (1 + 1e-9)) return null;
        }
        return "no run has more parameters than its unique tokens support (N > unique_tokens / 20): R*_N is not determined here and stays "
                + "at Muennighoff et al.'s " + PUBLISHED_RN;
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return log(theta, points.params()[i], points.tokens()[i], points.x()[i], null);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        return log(theta, points.params()[i], points.tokens()[i], points.x()[i], gradient);
    }

    /**
     * Effective count of a repeated resource: {U' , d log U' / d log R*} for base U, repetitions R and log R*.
     * U' = U (1 + R* (1 - exp(-R/R*))).
     */
    private static void effective(double base, double repetitions, double logStar, double[] out) {
        if (repetitions <= 0) {
            out[0] = Math.log(base);
            out[1] = 0;
            return;
        }
        double star = Math.exp(logStar);
        double decay = Math.exp(-repetitions / star);
        double g = star * (1 - decay);
        double dgdLogStar = star * ((1 - decay) - (repetitions / star) * decay);
        out[0] = Math.log(base) + Math.log1p(g);
        out[1] = dgdLogStar / (1 + g);
    }

    private static double log(double[] theta, double n, double d, double unique, double[] gradient) {
        double[] dEff = new double[2], nEff = new double[2];
        if (Double.isNaN(unique)) {
            dEff[0] = Math.log(d);
            nEff[0] = Math.log(n);
        } else {
            effective(Math.min(d, unique), Math.max(0, d / unique - 1), theta[5], dEff);
            double baseN = Math.min(n, unique / OPTIMAL_RATIO);
            effective(baseN, Math.max(0, n / baseN - 1), theta[6], nEff);
        }
        // Chinchilla's form in the effective counts; the chain rule adds R*_D's and R*_N's entries
        double total = ChinchillaLaw.logLoss(theta, nEff[0], dEff[0], gradient);
        if (gradient != null) {
            gradient[5] = -gradient[2] * theta[4] * dEff[1];
            gradient[6] = -gradient[1] * theta[3] * nEff[1];
        }
        return total;
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("E", Math.exp(theta[0]));
        p.put("A", Math.exp(theta[1]));
        p.put("B", Math.exp(theta[2]));
        p.put("alpha", theta[3]);
        p.put("beta", theta[4]);
        p.put("R_D_star", Math.exp(theta[5]));
        p.put("R_N_star", Math.exp(theta[6]));
        return p;
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("E")), Math.log(p.get("A")), Math.log(p.get("B")), p.get("alpha"), p.get("beta"),
                Math.log(p.get("R_D_star")), Math.log(p.get("R_N_star"))};
    }

    /** With unlimited unique data: the allocation exponents a and b, G, then N_opt, D_opt, tokens per parameter and loss at each budget. */
    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return FRESH.derived(Arrays.copyOf(theta, 5), computeBudgets);
    }

    @Override
    public double[] allocation(double[] theta) {
        return FRESH.allocation(Arrays.copyOf(theta, 5));
    }

    @Override
    public double logLossAt(double[] theta, double logN, double logD) {
        return FRESH.logLossAt(theta, logN, logD);
    }
}
