package dev.lawfit.temporal;

/**
 * Fits y = p0 + p1 g(x; theta) by variable projection: for a given theta the best p0 and p1 are a
 * weighted linear least-squares solution in closed form, so only theta is searched (a log-spaced grid of
 * {@value #GRID} values in the form's bounds, then golden-section refinement in log theta around the best).
 * Residuals are relative (y_hat/y - 1, close to log residuals), made robust by iteratively reweighted
 * least squares with Huber weights: residuals beyond {@code huberDelta} weigh delta/|r|. Decaying forms
 * (power, hyperbolic, exponential) keep p0 >= 0 and p1 >= 0: a floor and an amplitude.
 */
public final class CurveFit {

    static final int GRID = 41;
    private static final int GOLDEN_STEPS = 40;
    private static final int IRLS_ROUNDS = 4;

    private CurveFit() {
    }

    /** Fits the first {@code n} points; null when they cannot determine the curve. */
    public static Curve fit(TrajectoryForm form, double[] x, double[] y, int n, double warmup, double huberDelta) {
        if (n < form.parameterCount()) return null;
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) weights[i] = 1 / Math.max(y[i] * y[i], 1e-300);
        Curve best = null;
        for (int round = 0; round < IRLS_ROUNDS; round++) {
            best = fitWeighted(form, x, y, n, warmup, weights);
            if (best == null) return null;
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                double r = Math.abs(best.at(x[i]) / y[i] - 1);
                double w = (r <= huberDelta ? 1 : huberDelta / r) / Math.max(y[i] * y[i], 1e-300);
                if (Math.abs(w - weights[i]) > 1e-12 * weights[i]) changed = true;
                weights[i] = w;
            }
            if (!changed) break;
        }
        return withRmse(best, x, y, n);
    }

    private static Curve fitWeighted(TrajectoryForm form, double[] x, double[] y, int n, double warmup, double[] w) {
        if (!form.hasTheta()) return solve(form, x, y, n, warmup, w, Double.NaN);
        double lo = Math.log(form.thetaLow()), hi = Math.log(form.thetaHigh());
        double bestCost = Double.POSITIVE_INFINITY;
        int bestK = -1;
        for (int k = 0; k < GRID; k++) {
            Curve c = solve(form, x, y, n, warmup, w, Math.exp(lo + (hi - lo) * k / (GRID - 1)));
            double cost = c == null ? Double.POSITIVE_INFINITY : cost(c, x, y, n, w);
            if (cost < bestCost) {
                bestCost = cost;
                bestK = k;
            }
        }
        if (bestK < 0) return null;
        double step = (hi - lo) / (GRID - 1);
        double a = Math.max(lo, lo + step * (bestK - 1)), b = Math.min(hi, lo + step * (bestK + 1));
        double phi = (Math.sqrt(5) - 1) / 2;
        double c1 = b - phi * (b - a), c2 = a + phi * (b - a);
        double f1 = costAt(form, x, y, n, warmup, w, c1), f2 = costAt(form, x, y, n, warmup, w, c2);
        for (int s = 0; s < GOLDEN_STEPS; s++) {
            if (f1 <= f2) {
                b = c2;
                c2 = c1;
                f2 = f1;
                c1 = b - phi * (b - a);
                f1 = costAt(form, x, y, n, warmup, w, c1);
            } else {
                a = c1;
                c1 = c2;
                f1 = f2;
                c2 = a + phi * (b - a);
                f2 = costAt(form, x, y, n, warmup, w, c2);
            }
        }
        double refined = Math.exp(f1 <= f2 ? c1 : c2);
        Curve c = solve(form, x, y, n, warmup, w, refined);
        Curve grid = solve(form, x, y, n, warmup, w, Math.exp(lo + step * bestK));
        return c != null && cost(c, x, y, n, w) <= bestCost ? c : grid;
    }

    private static double costAt(TrajectoryForm form, double[] x, double[] y, int n, double warmup, double[] w, double logTheta) {
        Curve c = solve(form, x, y, n, warmup, w, Math.exp(logTheta));
        return c == null ? Double.POSITIVE_INFINITY : cost(c, x, y, n, w);
    }

    private static double cost(Curve c, double[] x, double[] y, int n, double[] w) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = c.at(x[i]) - y[i];
            s += w[i] * r * r;
        }
        return s;
    }

    /** Weighted least squares for p0, p1 at a fixed theta. */
    private static Curve solve(TrajectoryForm form, double[] x, double[] y, int n, double warmup, double[] w, double theta) {
        double sw = 0, sg = 0, sgg = 0, sy = 0, sgy = 0;
        for (int i = 0; i < n; i++) {
            double g = form.basis(x[i], theta, warmup);
            sw += w[i];
            sg += w[i] * g;
            sgg += w[i] * g * g;
            sy += w[i] * y[i];
            sgy += w[i] * g * y[i];
        }
        if (form == TrajectoryForm.CONSTANT) return new Curve(form, sy / sw, 0, Double.NaN, warmup, Double.NaN, n);
        double det = sw * sgg - sg * sg;
        if (!(Math.abs(det) > 1e-14 * sw * Math.max(sgg, 1e-300)) || !Double.isFinite(det)) return null;
        double p1 = (sw * sgy - sg * sy) / det;
        double p0 = (sy - p1 * sg) / sw;
        if (form.decays() && (p0 < 0 || p1 < 0)) {
            // A decaying curve's floor and amplitude are both >= 0: the best with one of them at 0 (active set of two).
            Curve floorZero = new Curve(form, 0, Math.max(0, sgy / sgg), theta, warmup, Double.NaN, n);
            Curve flat = new Curve(form, Math.max(0, sy / sw), 0, theta, warmup, Double.NaN, n);
            return cost(floorZero, x, y, n, w) <= cost(flat, x, y, n, w) ? floorZero : flat;
        }
        return new Curve(form, p0, p1, theta, warmup, Double.NaN, n);
    }

    private static Curve withRmse(Curve c, double[] x, double[] y, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = c.at(x[i]) - y[i];
            s += r * r;
        }
        return new Curve(c.form(), c.p0(), c.p1(), c.theta(), c.warmup(), Math.sqrt(s / n), n);
    }
}
