package dev.lawfit.law;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kaplan et al.'s L(N, D) with an irreducible term: L = E + ((A/N)^(alpha/beta) + B/D)^beta (their
 * N_c = A, D_c = B, alpha_N = alpha, alpha_D = beta; E = 0 in their paper). Fitted in logs:
 * log L = LSE(e, beta * LSE((alpha/beta)(a - log N), b - log D)) with E = e^e, A = e^a, B = e^b.
 * Under C = 6ND the loss is least at N_opt proportional to C^(beta/(alpha+beta)), as for Chinchilla.
 */
public final class KaplanLaw extends SizeTokenLaw {

    private static final long serialVersionUID = 1L;

    private static final LawDescription DESCRIPTION = describe("kaplan", "L(N,D) = E + ((A/N)^(alpha/beta) + B/D)^beta",
            new double[] {-10, -10, -10, 0.005, 0.005}, new double[] {5, 80, 80, 3, 3}, grid());

    @Override
    public LawDescription description() {
        return DESCRIPTION;
    }

    /** 3 x 5 x 5 x 4 x 4 = 1,200 starts; Kaplan's fit (N_c = 8.8e13, D_c = 5.4e13) has a, b near 32. */
    private static StartingGrid grid() {
        double[] exponents = {0.05, 0.15, 0.4, 0.8};
        return StartingGrid.of(
                "e", new double[] {-1, 0, 1},
                "a", StartingGrid.range(10, 50, 10),
                "b", StartingGrid.range(10, 50, 10),
                "alpha", exponents,
                "beta", exponents);
    }

    @Override
    public double logPredict(double[] theta, Points points, int i, double[] gradient) {
        double e = theta[0], a = theta[1], b = theta[2], alpha = theta[3], beta = theta[4];
        double shifted = a - points.logParams()[i];
        double u = alpha / beta * shifted, v = b - points.logTokens()[i];
        double inner = LogSumExp.of(u, v);
        double pu = Math.exp(u - inner), pv = Math.exp(v - inner);
        double term = beta * inner;
        double total = LogSumExp.of(e, term);
        double we = Math.exp(e - total), wt = Math.exp(term - total);
        gradient[0] = we;
        gradient[1] = wt * alpha * pu;
        gradient[2] = wt * beta * pv;
        gradient[3] = wt * pu * shifted;
        gradient[4] = wt * (inner - pu * u);
        return total;
    }

    /**
     * With D = C/(6N), (A/N)^(alpha/beta) + 6BN/C is least at
     * N_opt = (alpha A^(alpha/beta) C / (6 B beta))^(beta/(alpha+beta)).
     */
    @Override
    public double[] allocation(double[] theta) {
        double alpha = theta[3], beta = theta[4];
        double a = beta / (alpha + beta);
        double logKn = a * (Math.log(alpha) + alpha / beta * theta[1] - Math.log(6) - theta[2] - Math.log(beta));
        double kN = Math.exp(logKn);
        return new double[] {a, kN, 1 - a, 1 / (6 * kN)};
    }

    @Override
    public double logLossAt(double[] theta, double logN, double logD) {
        double u = theta[3] / theta[4] * (theta[1] - logN), v = theta[2] - logD;
        return LogSumExp.of(theta[0], theta[4] * LogSumExp.of(u, v));
    }
}
