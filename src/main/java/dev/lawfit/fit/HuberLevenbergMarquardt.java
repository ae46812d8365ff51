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
 * Allocation-free after its {@link Workspace} is made: one per thread, reused across resamples. A run works on the points of
 * nonzero weight only, listed once each with their weight (a resample's ~63% distinct points): its loops neither visit
 * the points a resample left out nor branch on them.
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
    /** A fit's stop: a step (or the model's expectation of one) lowers the objective by less than this share of it. */
    public static final double RELATIVE_DECREASE = 1e-14;

    /**
     * A resample's stop: Gauss-Newton's model expects less than this share of the objective from another step. The resample
     * then sits within that share of its optimum's objective (the model is exact there to second order), inside the 1e-9 the
     * resample solver promises, and skips the last trial step, which moved the estimates by about 1e-8 of their intervals' width.
     */
    public static final double RESAMPLE_DECREASE = 1e-10;

    private HuberLevenbergMarquardt() {
    }

    private static final ThreadLocal<java.util.Map<Integer, Workspace>> WORKSPACES = ThreadLocal.withInitial(java.util.HashMap::new);

    /** This thread's workspace for laws of {@code dimension} parameters (each run grows it to its points): one per thread, reused. */
    public static Workspace workspace(int dimension, int points) {
        // no computeIfAbsent: its capturing lambda was an allocation per resample
        java.util.Map<Integer, Workspace> mine = WORKSPACES.get();
        Workspace workspace = mine.get(dimension);
        if (workspace == null) {
            workspace = new Workspace(dimension, points);
            mine.put(dimension, workspace);
        }
        return workspace;
    }

    /** Arrays one run needs, sized for a law's dimension and a data set's points; reused by the next run of the same size. */
    public static final class Workspace {
        final int p;
        int n;
        // the points this run sees (nonzero weight): m of them, point index[k] with its weight[k] and its target[k] (the log
        // loss for log residuals, 1 / loss for relative ones); residuals and gradients are held in that order, k = 0..m
        int m;
        int[] index, all;
        double[] weight, target;
        double[] r, jacobian, trialR, trialJacobian, trial, step, gradient, normal, factor, inverseDiagonal, point, x;
        boolean[] free;
        // every point's residual and gradient at the last run's start: a bootstrap starts its thousand resamples of a group
        // from the same point (the full fit's optimum), where only the weights differ, so that evaluation is made once
        private Law startLaw;
        private Points startPoints;
        private Residual startKind;
        private double[] startX, startR, startJacobian;
        // ...and, for Gauss-Newton's curvature at that start, each point's Huber loss and its terms of the first normal
        // equations, unweighted (psi J, then the lower triangle of J J' inside delta, row by row): a resample's first sums
        // are then a weighted sum of these (for the start's delta)
        private double startDelta = Double.NaN;
        private double[] startHuber, startTerms;
        // the first normal equations came from the start's terms and r / jacobian have not been copied from the start yet
        boolean startPending;
        // the last law's bounds (a law makes them afresh on each call)
        private Law boundsOf;
        private double[] lower, upper;

        double[] lower(Law law) {
            if (law != boundsOf) {
                lower = law.lowerBounds();
                upper = law.upperBounds();
                boundsOf = law;
            }
            return lower;
        }

        double[] upper(Law law) {
            lower(law);
            return upper;
        }

        public Workspace(int dimension, int points) {
            p = dimension;
            resize(points);
            gradient = new double[p];
            normal = new double[p * p];
            factor = new double[p * p];
            inverseDiagonal = new double[p];
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
            index = new int[points];
            weight = new double[points];
            target = new double[points];
            all = new int[points];
            for (int i = 0; i < points; i++) all[i] = i;
        }

        /** Lists the points of nonzero weight (weights null: every point, weight 1) with their targets. */
        void select(Points points, double[] weights, Residual kind) {
            double[] targets = targets(points, kind);
            int count = 0;
            for (int i = 0; i < n; i++) {
                double wi = weights == null ? 1 : weights[i];
                // written for every point, kept (count moves on) for the drawn ones: no branch on a random draw
                index[count] = i;
                weight[count] = wi;
                target[count] = targets[i];
                count += wi != 0 ? 1 : 0;
            }
            m = count;
        }

        // every point's target for the last points and kind seen (a bootstrap selects from the same points a thousand times)
        private Points targetsOf;
        private Residual targetsKind;
        private double[] targets;

        private double[] targets(Points points, Residual kind) {
            if (points != targetsOf || kind != targetsKind) {
                targets = new double[points.size()];
                double[] logLoss = points.logLoss(), loss = points.loss();
                for (int i = 0; i < targets.length; i++) targets[i] = kind == Residual.LOG ? logLoss[i] : 1 / loss[i];
                targetsOf = points;
                targetsKind = kind;
            }
            return targets;
        }

        /** Makes the start's cache hold every point's residual and gradient at {@code x} (evaluated unless it already does). */
        private void cacheStart(Law law, Points points, double[] x, Residual kind) {
            boolean same = law == startLaw && points == startPoints && kind == startKind && java.util.Arrays.equals(x, startX);
            if (!same) evaluateStart(law, points, x, kind);
        }

        /** Every point's residual and gradient at {@code x} into the start's cache. */
        private void evaluateStart(Law law, Points points, double[] x, Residual kind) {
            startLaw = null;
            startDelta = Double.NaN;
            if (startR == null || startR.length < n) {
                startR = new double[n];
                startJacobian = new double[n * p];
            }
            // every point, whatever this run's weights: the next resample draws others (a non-finite residual is kept,
            // since a point a resample leaves out may be the non-finite one)
            boolean log = kind == Residual.LOG;
            law.predictions(x, points, all, n, log, startR, startJacobian, point);
            double[] every = targets(points, kind);
            for (int i = 0; i < n; i++) residual(startR, startJacobian, i, p, every[i], log);
            startX = x.clone();
            startLaw = law;
            startPoints = points;
            startKind = kind;
        }

        /**
         * The summed Huber loss at {@code x} with these weights, and its residuals and gradients in {@link #r} and
         * {@link #jacobian}: copied from the start's evaluation when the last run started at the same point of the same data.
         */
        double start(Law law, Points points, double delta, double[] x, Residual kind) {
            startPending = false;
            cacheStart(law, points, x, kind);
            copyStart();
            double total = 0;
            for (int k = 0; k < m; k++) {
                if (!Double.isFinite(r[k])) return Double.NaN;
                total += weight[k] * HuberLogObjective.huber(r[k], delta);
            }
            return total;
        }

        /** The start's residuals and gradients of this run's points into {@link #r} and {@link #jacobian}. */
        private void copyStart() {
            for (int k = 0; k < m; k++) {
                int i = index[k];
                r[k] = startR[i];
                for (int j = 0; j < p; j++) jacobian[k * p + j] = startJacobian[i * p + j]; // (an arraycopy call per row cost more)
            }
        }

        /** Entries per point of {@link #startTerms}: psi J (p), then the lower triangle of J J' (p (p + 1) / 2). */
        private int termsPerPoint() {
            return p + p * (p + 1) / 2;
        }

        /** Every point's terms (see startTerms) at the cached start, for {@code delta}. */
        private void startTerms(double delta) {
            int terms = termsPerPoint();
            if (startHuber == null || startHuber.length < n) {
                startHuber = new double[n];
                startTerms = new double[n * terms];
            }
            for (int i = 0; i < n; i++) {
                double r = startR[i], a = Math.abs(r);
                startHuber[i] = HuberLogObjective.huber(r, delta);
                double psi = a <= delta ? r : Math.copySign(delta, r), curvature = a <= delta ? 1 : 0;
                int row = i * p, at = i * terms;
                for (int k = 0; k < p; k++) startTerms[at++] = psi * startJacobian[row + k];
                for (int k = 0; k < p; k++) {
                    double ck = curvature * startJacobian[row + k];
                    for (int l = 0; l <= k; l++) startTerms[at++] = ck * startJacobian[row + l];
                }
            }
            startDelta = delta;
        }

        /**
         * As {@link #start}, and the first normal equations (Gauss-Newton's curvature) into {@link #gradient} and {@link #normal}'s
         * lower triangle, as the weighted sum of the start's per-point terms (made once for the resamples of a group, which start
         * at the same point); no residual or gradient is copied ({@link #startPending}; {@link #materialize} copies them when a run
         * needs them at its start after all).
         */
        double startSummed(Law law, Points points, double delta, double[] x, Residual kind) {
            startPending = false;
            cacheStart(law, points, x, kind);
            if (delta != startDelta) startTerms(delta); // a new start's delta is NaN (evaluateStart): its terms are made
            double total = 0;
            for (int k = 0; k < m; k++) total += weight[k] * startHuber[index[k]];
            if (!Double.isFinite(total)) return Double.NaN;
            double[] t = startTerms;
            if (p == 3) {
                double g0 = 0, g1 = 0, g2 = 0, n00 = 0, n10 = 0, n11 = 0, n20 = 0, n21 = 0, n22 = 0;
                for (int k = 0; k < m; k++) {
                    double wk = weight[k];
                    int at = index[k] * 9;
                    g0 += wk * t[at];
                    g1 += wk * t[at + 1];
                    g2 += wk * t[at + 2];
                    n00 += wk * t[at + 3];
                    n10 += wk * t[at + 4];
                    n11 += wk * t[at + 5];
                    n20 += wk * t[at + 6];
                    n21 += wk * t[at + 7];
                    n22 += wk * t[at + 8];
                }
                store3(gradient, normal, g0, g1, g2, n00, n10, n11, n20, n21, n22);
            } else {
                java.util.Arrays.fill(gradient, 0);
                java.util.Arrays.fill(normal, 0);
                int terms = termsPerPoint();
                for (int k = 0; k < m; k++) {
                    double wk = weight[k];
                    int at = index[k] * terms;
                    for (int j = 0; j < p; j++) gradient[j] += wk * t[at++];
                    for (int j = 0; j < p; j++) {
                        for (int l = 0; l <= j; l++) normal[j * p + l] += wk * t[at++];
                    }
                }
            }
            startPending = true;
            return total;
        }

        /** Copies the start's residuals and gradients of this run's points into {@link #r} and {@link #jacobian}, if not yet. */
        void materialize() {
            if (!startPending) return;
            copyStart();
            startPending = false;
        }

        /** The trial point's residuals and gradients become the current ones (the buffers swap). */
        void acceptTrial() {
            startPending = false;
            double[] t = r;
            r = trialR;
            trialR = t;
            t = jacobian;
            jacobian = trialJacobian;
            trialJacobian = t;
        }
    }

    /**
     * How one run goes: at most {@code maxIterations} steps; {@code reweighted}: residuals beyond delta get the curvature
     * delta / |r| (iteratively reweighted least squares: slower near an optimum, but it moves from a start far from one,
     * where nearly every residual is beyond delta and Gauss-Newton's curvature would be nearly zero); {@code kind} of
     * residual; stop once a step lowers the objective (or Gauss-Newton's model expects it to) by less than
     * {@code relativeDecrease} of it, twice or at once respectively; {@code initialDamping}: the first step's lambda.
     */
    public record Options(int maxIterations, boolean reweighted, Residual kind, double relativeDecrease, double initialDamping) {
        /** A fit's run: log residuals, Gauss-Newton's curvature, the fit's stop, damping for a start that may be far away. */
        public static final Options FIT = new Options(MAX_ITERATIONS, false, Residual.LOG, RELATIVE_DECREASE, COLD_DAMPING);

        public Options withMaxIterations(int value) {
            return new Options(value, reweighted, kind, relativeDecrease, initialDamping);
        }

        public Options withReweighted(boolean value) {
            return new Options(maxIterations, value, kind, relativeDecrease, initialDamping);
        }

        public Options withKind(Residual value) {
            return new Options(maxIterations, reweighted, value, relativeDecrease, initialDamping);
        }

        public Options withRelativeDecrease(double value) {
            return new Options(maxIterations, reweighted, kind, value, initialDamping);
        }

        /** A run from the full fit's optimum (a curve law's bootstrap resample): its first step nearly undamped. */
        public Options warm() {
            return new Options(maxIterations, reweighted, kind, relativeDecrease, WARM_DAMPING);
        }
    }

    /** The first step's damping from a start that may be far from an optimum (a grid point). */
    public static final double COLD_DAMPING = 1e-3;

    /**
     * The first step's damping from the full fit's optimum, which a resample's optimum lies next to. Marquardt's damping
     * (lambda times the diagonal) holds a step back most along the directions the data pin down least, where a law's
     * coordinates trade off (a curve's p0, p1 and exponent): at 1e-3 a curve resample took 4.4 steps to its stop, at 1e-6
     * 3.1, with no more rejected steps (1e-8 and below: a few more). Used by the curve laws only: from the optimum of a law
     * with a flat valley between basins (a schedule law), a nearly undamped first step crossed into another basin.
     */
    public static final double WARM_DAMPING = 1e-6;

    /**
     * Minimises from {@code start} (clamped into the bounds) with the given point weights (null: all 1), as a fit's run
     * ({@link Options#FIT}). {@code workspace} may be null (one is made).
     */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace) {
        return minimize(law, points, weights, delta, start, workspace, Options.FIT);
    }

    /** As {@link #minimize(Law, Points, double[], double, double[], Workspace)}, run as {@code options} say. */
    public static Outcome minimize(Law law, Points points, double[] weights, double delta, double[] start, Workspace workspace,
                                   Options options) {
        int maxIterations = options.maxIterations();
        boolean reweighted = options.reweighted();
        Residual kind = options.kind();
        double relativeDecrease = options.relativeDecrease();
        int p = law.dimension(), n = points.size();
        Workspace w = workspace != null && workspace.p == p ? workspace : new Workspace(p, n);
        w.resize(n);
        w.select(points, weights, kind);
        double[] lower = w.lower(law), upper = w.upper(law);
        double[] x = w.x;
        for (int k = 0; k < p; k++) x[k] = Math.min(upper[k], Math.max(lower[k], start[k]));
        // a weighted run (a bootstrap resample, which starts where the group's other resamples do) makes Gauss-Newton's first
        // sums from the start's per-point terms; every weighted run does, whether its start was cached or not, so a resample's
        // estimates do not depend on which resamples its task fitted before it. Not a reweighted run: its curvature depends on
        // the residuals' sizes beyond delta
        double f = reweighted || weights == null ? w.start(law, points, delta, x, kind) : w.startSummed(law, points, delta, x, kind);
        int evaluations = 1, iterations = 0, stalls = 0;
        double lambda = options.initialDamping();
        boolean converged = false;
        if (!Double.isFinite(f)) return new Outcome(x.clone(), f, 0, evaluations, false);
        boolean irls = reweighted;
        while (iterations < maxIterations) {
            iterations++;
            double gradientNorm;
            if (w.startPending && !irls) {
                gradientNorm = projected(w, lower, upper); // the sums were made at the start
            } else {
                w.materialize();
                gradientNorm = normalEquations(delta, w, lower, upper, irls);
            }
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
                if (!irls && lambda <= 1e-2 && predictedDecrease(w) <= relativeDecrease * Math.max(f, 1e-300)) {
                    // Gauss-Newton's own model expects nothing more from a full step: at a minimum, without a trial
                    stalls = 2;
                    accepted = true;
                    break;
                }
                for (int k = 0; k < p; k++) w.trial[k] = Math.min(upper[k], Math.max(lower[k], x[k] + w.step[k]));
                double trial = residuals(law, points, delta, w.trial, w, kind, w.trialR, w.trialJacobian);
                evaluations++;
                if (Double.isFinite(trial) && trial <= f) {
                    double decrease = f - trial;
                    System.arraycopy(w.trial, 0, x, 0, p);
                    w.acceptTrial();
                    f = trial;
                    lambda = Math.max(1e-12, lambda / 10);
                    accepted = true;
                    // a stall counts in Gauss-Newton's model only: the reweighted one also crawls where it is not at a minimum
                    boolean stalled = decrease <= relativeDecrease * Math.max(f, 1e-300);
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

    /**
     * The summed Huber loss at {@code x} over the run's points, the k-th one's residual into {@code r[k]} and its gradient into
     * {@code jacobian}; NaN at the first non-finite residual.
     */
    private static double residuals(Law law, Points points, double delta, double[] x, Workspace w, Residual kind, double[] r,
                                    double[] jacobian) {
        boolean log = kind == Residual.LOG;
        law.predictions(x, points, w.index, w.m, log, r, jacobian, w.point);
        double[] target = w.target, weight = w.weight;
        double total = 0;
        int p = w.p;
        if (!log && p == 3) {
            // residual()'s relative case for three coordinates with its gradient row scaled in line: the general loop over the
            // row was an eighth of a curve resample's time. The same operations, so the same residuals to the bit
            for (int k = 0, m = w.m; k < m; k++) {
                double t = target[k];
                int row = 3 * k;
                jacobian[row] *= t;
                jacobian[row + 1] *= t;
                jacobian[row + 2] *= t;
                double rk = r[k] = r[k] * t - 1;
                if (!Double.isFinite(rk)) return Double.NaN;
                total += weight[k] * HuberLogObjective.huber(rk, delta);
            }
            return total;
        }
        for (int k = 0, m = w.m; k < m; k++) {
            double rk = residual(r, jacobian, k, p, target[k], log);
            if (!Double.isFinite(rk)) return Double.NaN;
            total += weight[k] * HuberLogObjective.huber(rk, delta);
        }
        return total;
    }

    /**
     * Turns the k-th prediction (and its gradient row) into its residual against {@code target} (the log loss for a log
     * residual; 1 / loss for a relative one, whose gradient is scaled by it too), in place; returns the residual.
     */
    private static double residual(double[] r, double[] jacobian, int k, int p, double target, boolean log) {
        if (log) return r[k] -= target;
        for (int j = k * p; j < k * p + p; j++) jacobian[j] *= target;
        return r[k] = r[k] * target - 1;
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
    private static double normalEquations(double delta, Workspace w, double[] lower, double[] upper, boolean reweighted) {
        int p = w.p;
        java.util.Arrays.fill(w.normal, 0);
        java.util.Arrays.fill(w.gradient, 0);
        if (p == 3) {
            normalEquations3(delta, w, reweighted);
        } else for (int i = 0; i < w.m; i++) {
            double weight = w.weight[i];
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
        return projected(w, lower, upper);
    }

    /**
     * Completes the normal equations from their lower triangle, marks the coordinates held at a bound (the gradient pushes
     * them out), and returns the largest projected gradient component.
     */
    private static double projected(Workspace w, double[] lower, double[] upper) {
        int p = w.p;
        double largest = 0;
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < k; l++) w.normal[l * p + k] = w.normal[k * p + l];
            boolean atLower = w.x[k] <= lower[k] && w.gradient[k] > 0, atUpper = w.x[k] >= upper[k] && w.gradient[k] < 0;
            w.free[k] = !(atLower || atUpper) && upper[k] > lower[k];
            if (w.free[k]) largest = Math.max(largest, Math.abs(w.gradient[k]));
        }
        return largest;
    }

    /**
     * {@link #normalEquations}'s sums for three coordinates (the curve laws, the loss-to-loss line), held in registers: the
     * general loop's array updates were a third of a resample's time.
     */
    private static void normalEquations3(double delta, Workspace w, boolean reweighted) {
        double g0 = 0, g1 = 0, g2 = 0, n00 = 0, n10 = 0, n11 = 0, n20 = 0, n21 = 0, n22 = 0;
        double[] jacobian = w.jacobian, residuals = w.r, weights = w.weight;
        for (int i = 0, m = w.m; i < m; i++) {
            double weight = weights[i];
            double r = residuals[i], a = Math.abs(r);
            double psi = weight * (a <= delta ? r : Math.copySign(delta, r));
            double curvature = a <= delta ? weight : reweighted ? weight * delta / a : 0;
            double j0 = jacobian[3 * i], j1 = jacobian[3 * i + 1], j2 = jacobian[3 * i + 2];
            g0 += psi * j0;
            g1 += psi * j1;
            g2 += psi * j2;
            double c0 = curvature * j0, c1 = curvature * j1, c2 = curvature * j2;
            n00 += c0 * j0;
            n10 += c1 * j0;
            n11 += c1 * j1;
            n20 += c2 * j0;
            n21 += c2 * j1;
            n22 += c2 * j2;
        }
        store3(w.gradient, w.normal, g0, g1, g2, n00, n10, n11, n20, n21, n22);
    }

    /** Three coordinates' gradient and the lower triangle of their normal matrix, from registers into the workspace's arrays. */
    private static void store3(double[] g, double[] m, double g0, double g1, double g2, double n00, double n10, double n11, double n20,
                               double n21, double n22) {
        g[0] = g0;
        g[1] = g1;
        g[2] = g2;
        m[0] = n00;
        m[3] = n10;
        m[4] = n11;
        m[6] = n20;
        m[7] = n21;
        m[8] = n22;
    }

    /**
     * {@link #solve} for three free coordinates (a curve resample's every step, a loss-to-loss line's), in registers and as
     * L D L' instead of Cholesky's L L': the same factorisation without its three square roots, which with the divisions
     * were the longest chain of a resample's step (a sixth of a curve resample's time). The same test of positive
     * definiteness (each pivot d > 0, the same quantities as Cholesky's); the step equal to {@link #solve}'s to rounding.
     */
    private static boolean solve3(Workspace w, double lambda) {
        double[] m = w.normal, g = w.gradient, y = w.step;
        double n00 = m[0], n10 = m[3], n11 = m[4], n20 = m[6], n21 = m[7], n22 = m[8];
        double scale = Math.max(Math.max(Math.max(0, n00), n11), n22);
        double floor = Math.max(scale, 1e-300) * 1e-12;
        double d0 = n00 + lambda * Math.max(n00, floor);
        if (!(d0 > 0) || !Double.isFinite(d0)) return false;
        double i0 = 1 / d0;
        double l10 = n10 * i0, l20 = n20 * i0;
        double d1 = n11 + lambda * Math.max(n11, floor);
        d1 -= l10 * n10;
        if (!(d1 > 0) || !Double.isFinite(d1)) return false;
        double i1 = 1 / d1;
        double c21 = n21 - l20 * n10, l21 = c21 * i1;
        double d2 = n22 + lambda * Math.max(n22, floor);
        d2 -= l20 * n20;
        d2 -= l21 * c21;
        if (!(d2 > 0) || !Double.isFinite(d2)) return false;
        double z0 = -g[0];
        double z1 = -g[1] - l10 * z0;
        double z2 = -g[2] - l20 * z0 - l21 * z1;
        double y2 = z2 / d2;
        double y1 = z1 * i1 - l21 * y2;
        double y0 = z0 * i0 - l10 * y1 - l20 * y2;
        y[0] = y0;
        y[1] = y1;
        y[2] = y2;
        return true;
    }

    /** The damped step over the free coordinates, by Cholesky; false when the damped matrix is not positive definite. */
    private static boolean solve(Workspace w, double lambda) {
        int p = w.p;
        if (p == 3 && w.free[0] && w.free[1] && w.free[2]) return solve3(w, lambda);
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
        // Cholesky in place (lower triangle), each diagonal's reciprocal kept (one division per column, not one per entry)
        double[] inverse = w.inverseDiagonal;
        for (int j = 0; j < p; j++) {
            double d = a[j * p + j];
            for (int k = 0; k < j; k++) d -= a[j * p + k] * a[j * p + k];
            if (!(d > 0) || !Double.isFinite(d)) return false;
            d = Math.sqrt(d);
            a[j * p + j] = d;
            double invD = 1 / d;
            inverse[j] = invD;
            for (int i = j + 1; i < p; i++) {
                double s = a[i * p + j];
                for (int k = 0; k < j; k++) s -= a[i * p + k] * a[j * p + k];
                a[i * p + j] = s * invD;
            }
        }
        double[] y = w.step;
        for (int i = 0; i < p; i++) {
            double s = w.free[i] ? -w.gradient[i] : 0;
            for (int k = 0; k < i; k++) s -= a[i * p + k] * y[k];
            y[i] = s * inverse[i];
        }
        for (int i = p - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < p; k++) s -= a[k * p + i] * y[k];
            y[i] = s * inverse[i];
        }
        for (int k = 0; k < p; k++) if (!w.free[k]) y[k] = 0;
        return true;
    }
}
