package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gadre et al. 2024's scaling law for over-trained models: L(C, M) = E + (a M^eta + b M^-eta) C^-eta, with
 * M = D/N the tokens per parameter and C the training compute. Fitted in logs:
 * log L = LSE(e, LSE(log a + eta log M, log b - eta log M) - eta log C). At a compute budget the loss is least
 * at M* = (b/a)^(1/(2 eta)), so under C = 6ND the allocation has a = b = 1/2: N_opt = (C / (6 M*))^(1/2).
 */
public final class OvertrainingLaw implements ComputeOptimal {

    private static final long serialVersionUID = 1L;
    private static final List<String> COORDINATES = List.of("e", "log_a", "log_b", "eta");

    private static final LawDescription DESCRIPTION = LawDescription.of("overtraining", "L(C,M) = E + (a*M^eta + b*M^-eta)*C^-eta, M = D/N")
            .withCovariates("C, M = D/N")
            .withCoordinates(COORDINATES, new double[] {-10, -10, -10, 0.005}, new double[] {5, 40, 40, 2})
            // 3 x 4 x 4 x 4 = 192 starts.
            .withGrid(StartingGrid.of("e", new double[] {-1, 0, 1}, "log_a", StartingGrid.range(0, 15, 5), "log_b", StartingGrid.range(0, 15, 5),
                "eta", new double[] {0.05, 0.1, 0.2, 0.4}))
            .withShape(List.of("eta"))
            .withMinPoints(6);

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }
    private static final double LOG_6 = Math.log(6);

    /** The ratio M and the compute must each take 3 values, or eta and the coefficients trade off. */
    @Override
    public String unidentifiable(Points points) {
        double[] ratios = new double[points.size()];
        for (int i = 0; i < ratios.length; i++) ratios[i] = points.tokens()[i] / points.params()[i];
        int m = Points.distinct(ratios), c = Points.distinct(points.flops());
        // two ratios determine it (Gadre et al.'s own design): each ratio's curve in C gives E, eta and a M^eta + b M^-eta there
        return m < 2 || c < 3 ? "overtraining needs at least 2 token-per-parameter ratios and 3 compute values; the group has " + m + " and " + c : null;
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return log(theta, points.logTokens()[i] - points.logParams()[i], points.logFlops()[i], null);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        return log(theta, points.logTokens()[i] - points.logParams()[i], points.logFlops()[i], gradient);
    }

    private static double log(double[] theta, double logM, double logC, double[] gradient) {
        double eta = theta[3];
        double s1 = theta[1] + eta * logM, s2 = theta[2] - eta * logM;
        double inner = LogSumExp.of(s1, s2);
        double term = inner - eta * logC;
        double total = LogSumExp.of(theta[0], term);
        if (gradient != null) {
            double we = Math.exp(theta[0] - total), wt = Math.exp(term - total);
            double p1 = Math.exp(s1 - inner), p2 = Math.exp(s2 - inner);
            gradient[0] = we;
            gradient[1] = wt * p1;
            gradient[2] = wt * p2;
            gradient[3] = wt * ((p1 - p2) * logM - logC);
        }
        return total;
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("E", Math.exp(theta[0]));
        p.put("a", Math.exp(theta[1]));
        p.put("b", Math.exp(theta[2]));
        p.put("eta", theta[3]);
        return p;
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("E")), Math.log(p.get("a")), Math.log(p.get("b")), p.get("eta")};
    }

    /** The allocation exponents (1/2 each), M*, the loss-optimal tokens per parameter at any budget, then N_opt, D_opt and the loss at each budget. */
    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        Map<String, Double> d = new LinkedHashMap<>();
        d.put("a", 0.5);
        d.put("b", 0.5);
        d.put("m_opt", Math.exp(logOptimalRatio(theta)));
        d.putAll(atBudgets(theta, computeBudgets));
        return d;
    }

    private static double logOptimalRatio(double[] theta) {
        return (theta[2] - theta[1]) / (2 * theta[3]);
    }

    @Override
    public double[] allocation(double[] theta) {
        double logM = logOptimalRatio(theta);
        double kN = Math.exp(-0.5 * (LOG_6 + logM));
        return new double[] {0.5, kN, 0.5, Math.exp(logM) * kN};
    }

    @Override
    public double logLossAt(double[] theta, double logN, double logD) {
        return log(theta, logD - logN, LOG_6 + logN + logD, null);
    }
}
