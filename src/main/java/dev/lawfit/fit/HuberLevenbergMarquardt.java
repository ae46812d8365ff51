package dev.lawfit.fit;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;

/**
 * The resample solver: bounded Levenberg-Marquardt on the summed Huber loss of log residuals, by iteratively reweighted
 * least squares. A bootstrap resample starts next to the full fit's optimum with a handful of parameters and tens to
 * hundreds of points, which is where a Gauss-Newton method with the law's analytic Jacobian converges in a few steps and
 * a quasi-Newton method needs dozens. Each step solves {@code (J'HJ + lambda diag(J'HJ)) step = -J' psi(r)} over the
 * coordinates not held at a bound, with H the Huber loss's curvature (1 for residuals within delta, 0 beyond) and psi its
 * slope; a step is kept only if the true objective falls, else lambda grows. It stops
 * when the objective no longer falls (relative change below 1e-14 twice) or the projected gradient vanishes; a run that
 * does not get there within its iterations is reported as not converged, and the caller falls back to L-BFGS-B.
 * Allocation-free after its {@link Workspace} is made: one per thread, reused across resamples.
 */
public final class HuberLevenbergMarquardt {

    /**
     * What a residual is: log prediction minus log observation (the compute and schedule laws' objective), or prediction
     * over observation minus one (the curve laws').
     */
    public enum Residual { LOG, RELATIVE }

    /** Where a run ended: the point, the summed Huber loss there, the iterations and evaluations it took, and whether it converged. */
    public record Outcome(double[] x, double objective, int iterations, int evaluations, boolean converged) {
    }

    public static final int MAX_ITERATIONS = 200;
    private static final double RELATIVE_DECREASE = 1e-14;

    private HuberLevenbergMarquardt() {
    }

    private static final ThreadLocal<java.util.Map<Integer, Workspace>> WORKSPACES = ThreadLocal.withInitial(java.util.HashMap::new);

    /** This thread's workspace for laws of {@code dimension} parameters (each run grows it to its points): one per thread, reused. */
    public static Workspace workspace(int dimension, int points) {
        return WORKSPACES.get().computeIfAbsent(dimension, k -> new Workspace(dimension, points));
    }

    /** Arrays one run needs, sized for a law's dimension and a data set's points; reused by the next run of the same size. */
    public static final class Workspace {
        final int p;
        int n;
        double[] r, jacobian, trialR, trialJacobian, trial, step, gradient, normal, factor, point, x;
        boolean[] free;

        public Workspace(int dimension, int points) {
            p = dimension;
            resize(points);
            gradient = new double[p];
            normal = new double[p * p];
            factor = new double[p * p];
            point = new double[p];
            step = new double[p];
            trial = new double[p];
            x = new double[p];
            free = new boolean[p];
        }

        void resize(int points) {
            if (r != null && r.length >= points) {
                n = points;
                return;
            }
            n = points;
            r = new double[points];
            jacobian = new double[points * p];
            trialR = new double[points];
            trialJacobian = new double[points * p];
        }

        /** The trial point's residuals and gradients become the current ones (the buffers swap). */
        void acceptTrial() {
            double[] t = r;
            r = trialR;
            trialR = t;
            t = jacobian;
            jacobian = trialJacobian;
            trialJacobian = t;
        }
    }

    /**
     * Minimises from {@code start} (clamped into the bounds) with the given point weights (null: all 1). {@code workspace}
     * may be null (one is made).
     */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace) {
        return minimize(law, points, weights, delta, start, workspace, MAX_ITERATIONS);
    }

    /** As {@link #minimize(Law, Points, double[], double, double[], Workspace)}, for at most {@code maxIterations} steps. */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace,
                                   int maxIterations) {
        return minimize(law, points, weights, delta, start, workspace, maxIterations, false);
    }

    /**
     * With {@code reweighted}, residuals beyond delta get the curvature delta / |r| (iteratively reweighted least squares):
     * slower near an optimum, but it moves from a start far from one, where nearly every residual is beyond delta and
     * Gauss-Newton's curvature would be nearly zero.
     */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace,
                                   int maxIterations, boolean reweighted) {
        return minimize(law, points, weights, delta, start, workspace, maxIterations, reweighted, Residual.LOG);
    }

    /** As above, with residuals of the given kind. */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace,
                                   int maxIterations, boolean reweighted, Residual kind) {
        int p = law.dimension(), n = points.size();
        Workspace w = workspace != null && workspace.p == p ? workspace : new Workspace(p, n);
        w.resize(n);
        double[] lower = law.lowerBounds(), upper = law.upperBounds();
        double[] x = w.x;
        for (int k = 0; k < p; k++) x[k] = Math.min(upper[k], Math.max(lower[k], start[k]));
        double f = residuals(law, points, weights, delta, x, w, kind, w.r, w.jacobian);
        int evaluations = 1, iterations = 0, stalls = 0;
        double lambda = 1e-3;
        boolean converged = false;
        if (!Double.isFinite(f)) return new Outcome(x.clone(), f, 0, evaluations, false);
        boolean irls = reweighted;
        while (iterations < maxIterations) {
            iterations++;
            double gradientNorm = normalEquations(law, points, weights, delta, w, lower, upper, irls);
            if (gradientNorm <= 1e-13 * Math.max(1, f)) {
                converged = true;
                break;
            }
            boolean accepted = false;
            double lambdaAtStart = lambda;
            while (lambda < 1e16) {
                if (!solve(w, lambda)) {
                    lambda *= 8;
                    continue;
                }
                if (!irls && lambda <= 1e-2 && predictedDecrease(w) <= RELATIVE_DECREASE * Math.max(f, 1e-300)) {
                    // Gauss-Newton's own model expects nothing more from a full step: at a minimum, without a trial
                    stalls = 2;
                    accepted = true;
                    break;
                }
                for (int k = 0; k < p; k++) w.trial[k] = Math.min(upper[k], Math.max(lower[k], x[k] + w.step[k]));
                double trial = residuals(law, points, weights, delta, w.trial, w, kind, w.trialR, w.trialJacobian);
                evaluations++;
                if (Double.isFinite(trial) && trial <= f) {
                    double decrease = f - trial;
                    System.arraycopy(w.trial, 0, x, 0, p);
                    w.acceptTrial();
                    f = trial;
                    lambda = Math.max(1e-12, lambda / 10);
                    accepted = true;
                    // a stall counts in Gauss-Newton's model only: the reweighted one also crawls where it is not at a minimum
                    boolean stalled = decrease <= RELATIVE_DECREASE * Math.max(f, 1e-300);
                    stalls = !stalled ? 0 : irls && !reweighted ? stalls : stalls + 1;
                    break;
                }
                lambda *= 4;
            }
            if (!accepted && !irls) {
                // Gauss-Newton's model (no curvature on the Huber loss's linear arms) found no step down: try the
                // reweighted one, which sees those residuals, before concluding
                irls = true;
                lambda = lambdaAtStart;
                continue;
            }
            if (!accepted || stalls >= 2) {
                // no step lowers the objective any more: a minimum, as far as double precision can tell
                converged = true;
                break;
            }
            irls = reweighted;
        }
        return new Outcome(x.clone(), f, iterations, evaluations, converged);
    }

    /** The summed Huber loss at {@code x}, each point's residual into {@code r} and its gradient into {@code jacobian}. */
    private static double residuals(Law law, Points points, double[] weights, double delta, double[] x, Workspace w, Residual kind,
                                    double[] r, double[] jacobian) {
        double[] logLoss = points.logLoss(), loss = points.loss();
        double total = 0;
        int p = w.p;
        for (int i = 0; i < w.n; i++) {
            double weight = weights == null ? 1 : weights[i];
            if (weight == 0) {
                r[i] = 0;
                continue;
            }
            double ri;
            if (kind == Residual.LOG) {
                ri = law.logPredict(x, points, i, w.point) - logLoss[i];
            } else {
                ri = law.predict(x, points, i, w.point) / loss[i] - 1;
                for (int k = 0; k < p; k++) w.point[k] /= loss[i];
            }
            System.arraycopy(w.point, 0, jacobian, i * p, p);
            r[i] = ri;
            if (!Double.isFinite(ri)) return Double.NaN;
            double a = Math.abs(ri);
            total += weight * (a <= delta ? 0.5 * ri * ri : delta * (a - 0.5 * delta));
        }
        return total;
    }

    /** The decrease Gauss-Newton's model predicts for the current step: -g.step - step'(J'HJ)step / 2. */
    private static double predictedDecrease(Workspace w) {
        int p = w.p;
        double linear = 0, quadratic = 0;
        for (int k = 0; k < p; k++) {
            linear += w.gradient[k] * w.step[k];
            for (int l = 0; l < p; l++) quadratic += w.step[k] * w.normal[k * p + l] * w.step[l];
        }
        return -linear - 0.5 * quadratic;
    }

    /**
     * Builds J'WJ and the gradient J' psi(r) at the current point, marks the coordinates held at a bound (the gradient
     * pushes them out), and returns the largest projected gradient component.
     */
    private static double normalEquations(Law law, Points points, double[] weights, double delta, Workspace w, double[] lower, double[] upper,
                                          boolean reweighted) {
        int p = w.p;
        java.util.Arrays.fill(w.normal, 0);
        java.util.Arrays.fill(w.gradient, 0);
        for (int i = 0; i < w.n; i++) {
            double weight = weights == null ? 1 : weights[i];
            if (weight == 0) continue;
            double r = w.r[i], a = Math.abs(r);
            double psi = a <= delta ? r : Math.copySign(delta, r);
            // Gauss-Newton's curvature of the Huber loss: 1 inside delta, none on its linear arms (reweighting them by
            // delta / |r|, as IRLS does, made convergence linear: 20 to 200 steps instead of about 10)
            double curvature = a <= delta ? weight : reweighted ? weight * delta / a : 0;
            int row = i * p;
            for (int k = 0; k < p; k++) {
                double jk = w.jacobian[row + k];
                w.gradient[k] += weight * psi * jk;
                double wk = curvature * jk;
                for (int l = 0; l <= k; l++) w.normal[k * p + l] += wk * w.jacobian[row + l];
            }
        }
        double largest = 0;
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < k; l++) w.normal[l * p + k] = w.normal[k * p + l];
            boolean atLower = w.x[k] <= lower[k] && w.gradient[k] > 0, atUpper = w.x[k] >= upper[k] && w.gradient[k] < 0;
            w.free[k] = !(atLower || atUpper) && upper[k] > lower[k];
            if (w.free[k]) largest = Math.max(largest, Math.abs(w.gradient[k]));
        }
        return largest;
    }

    /** The damped step over the free coordinates, by Cholesky; false when the damped matrix is not positive definite. */
    private static boolean solve(Workspace w, double lambda) {
        int p = w.p;
        double scale = 0;
        for (int k = 0; k < p; k++) if (w.free[k]) scale = Math.max(scale, w.normal[k * p + k]);
        double floor = Math.max(scale, 1e-300) * 1e-12;
        double[] a = w.factor;
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < p; l++) {
                a[k * p + l] = w.free[k] && w.free[l] ? w.normal[k * p + l] : (k == l ? 1 : 0);
            }
            if (w.free[k]) a[k * p + k] += lambda * Math.max(w.normal[k * p + k], floor);
        }
        // Cholesky in place (lower triangle)
        for (int j = 0; j < p; j++) {
            double d = a[j * p + j];
            for (int k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
            if (!(d > 0) || !Double.isFinite(d)) return false;
            d = Math.sqrt(d);
            a[j * p + j] = d;
            for (int i = j + 1; i < p; i++) {
                double s = a[i * p + j];
                for (int k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
                a[i * p + j] = s / d;
            }
        }
        double[] y = w.step;
        for (int i = 0; i < p; i++) {
            double s = w.free[i] ? -w.gradient[i] : 0;
            for (int k = 0; k < i; k++) s -= a[i * p + k] * y[k];
            y[i] = s / a[i * p + i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < p; k++) s -= a[k * p + i] * y[k];
            y[i] = s / a[i * p + i];
        }
        for (int k = 0; k < p; k++) if (!w.free[k]) y[k] = 0;
        return true;
    }
}
