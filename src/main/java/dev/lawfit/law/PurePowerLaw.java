package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A power law without a constant, as Kaplan et al. and the linear-complexity study fit them:
 * L(X) = k * X^-alpha, with X the parameters, the tokens or the compute in PF-days, and alpha > 0 when loss
 * falls: the papers' sign convention (Kaplan et al. write L = (N_c / N)^alpha_N). Fitted as log L = log k - alpha log X.
 */
public final class PurePowerLaw implements Law {

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = dev.lawfit.law.LawDescription.of(variable.lawName, variable.formula)
                    .withCovariates(variable == Variable.PARAMS ? "N" : variable == Variable.TOKENS ? "D" : "C")
                    .withCoordinates(COORDINATES, new double[] {-50, -3}, new double[] {50, 3})
                    .withGrid(grid())
                    .withShape(List.of("alpha"))
                    .withMinPoints(3);
        }
        return description;
    }

    /** The variable the law is in. */
    public enum Variable {
        PARAMS("pure_params", "L(N) = k * N^-alpha"),
        TOKENS("pure_tokens", "L(D) = k * D^-alpha"),
        COMPUTE("pure_compute", "L(C) = k * C^-alpha, C in PF-days");

        final String lawName;
        final String formula;

        Variable(String lawName, String formula) {
            this.lawName = lawName;
            this.formula = formula;
        }
    }

    private static final List<String> COORDINATES = List.of("log_k", "alpha");
    private static final double LOG_PF_DAY = Math.log(FlopConvention.PF_DAY);

    private final Variable variable;

    public PurePowerLaw(Variable variable) {
        this.variable = variable;
    }

    private StartingGrid grid() {
        return StartingGrid.of("log_k", new double[] {0, 1, 2, 4, 8}, "alpha", new double[] {0.5, 0.2, 0.1, 0.05, 0});
    }

    @Override
    public String unidentifiable(Points points) {
        double[] x = switch (variable) {
            case PARAMS -> points.params();
            case TOKENS -> points.tokens();
            case COMPUTE -> points.flops();
        };
        if (variable == Variable.COMPUTE && Points.distinct(points.params()) < 2) return Compute.ONE_SIZE;
        int distinct = Points.distinct(x);
        return distinct < 2 ? name() + " needs at least 2 distinct values of its variable; the group has " + distinct : null;
    }

    private double logX(Points points, int i) {
        return switch (variable) {
            case PARAMS -> points.logParams()[i];
            case TOKENS -> points.logTokens()[i];
            case COMPUTE -> points.logFlops()[i] - LOG_PF_DAY;
        };
    }

    @Override
    public double logPredict(double[] theta, Points points, int i) {
        return theta[0] - theta[1] * logX(points, i);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        double logX = logX(points, i);
        gradient[0] = 1;
        gradient[1] = -logX;
        return theta[0] - theta[1] * logX;
    }

    @Override
    public Map<String, Double> parameters(double[] theta) {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("k", Math.exp(theta[0]));
        p.put("alpha", theta[1]);
        return p;
    }

    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        if (variable != Variable.COMPUTE) return Map.of();
        Map<String, Double> d = new LinkedHashMap<>();
        for (double budget : computeBudgets) {
            d.put(Budgets.Key.of("loss", budget).toString(), Math.exp(theta[0] - theta[1] * (Math.log(budget) - LOG_PF_DAY)));
        }
        return d;
    }

    @Override
    public double[] theta(Map<String, Double> p) {
        return new double[] {Math.log(p.get("k")), p.get("alpha")};
    }
}
