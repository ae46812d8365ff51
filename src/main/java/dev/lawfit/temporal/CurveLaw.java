package dev.lawfit.temporal;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Solution;
import dev.lawfit.fit.SolvedLaw;
import dev.lawfit.fit.Solver;
import dev.lawfit.law.DirectLaw;
import dev.lawfit.law.Points;
import dev.lawfit.law.StartingGrid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training-curve law of one run: the loss as a function of training progress x (tokens over the run's
 * planned tokens), L(x) = p0 + p1 g(x; theta), one {@link TrajectoryForm} (power, exponential,
 * hyperbolic, log, cosine). It is the temporal scaling law's reduced form on the average loss and the
 * baselines it is compared with. Fitted by variable projection ({@link CurveFit}: p0 and p1 in closed
 * form, theta searched) on Huber-weighted relative residuals, delta = the settings' Huber threshold; its
 * backtest fits the checkpoints up to {@code backtest.fit_fraction} of the run and predicts the rest.
 */
public final class CurveLaw implements DirectLaw, SolvedLaw {

    private static final long serialVersionUID = 1L;

    private final TrajectoryForm form;
    private final double warmup;
    private final List<String> coordinates;
    private final double[] lower, upper;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = dev.lawfit.law.LawDescription.of("curve_" + form.label(), "L(x) = " + form.formula())
                    .withFamily(dev.lawfit.law.Family.CURVE, "loss")
                    .withCovariates("x = tokens / total_tokens")
                    .withCoordinates(coordinates, lower.clone(), upper.clone())
                    .withGrid(grid())
                    .withShape(form.hasTheta() ? List.of("theta") : List.of())
                    .withMinPoints(Math.max(3, form.parameterCount()))
                    .withHoldOut(HoldOut.LATE_PROGRESS);
        }
        return description;
    }

    public CurveLaw(TrajectoryForm form, double warmup) {
        this.form = form;
        this.warmup = warmup;
        this.coordinates = List.copyOf(List.of("p0", "p1", "theta").subList(0, form.parameterCount()));
        double low = form.decays() ? 0 : -1e6;
        this.lower = java.util.Arrays.copyOf(new double[] {low, low, form.hasTheta() ? form.thetaLow() : 0}, form.parameterCount());
        this.upper = java.util.Arrays.copyOf(new double[] {1e6, 1e6, form.hasTheta() ? form.thetaHigh() : 0}, form.parameterCount());
    }

    public TrajectoryForm form() {
        return form;
    }

    /** A run's later checkpoints: how far past the last fitted progress, ln(x / x_max). */
    @Override
    public double distance(Points fit, Points at, int i) {
        return Math.max(0, dev.lawfit.law.Law.outside(fit.x(), at.x()[i]));
    }

    @Override
    public int dimension() {
        return form.parameterCount();
    }

    private StartingGrid grid() {
        StartingGrid grid = StartingGrid.of("p0", new double[] {1, 2, 3}, "p1", new double[] {0.1, 1}, "theta", new double[] {0.1, 0.5, 1});
        LinkedHashMap<String, double[]> axes = new LinkedHashMap<>();
        for (String name : coordinates) axes.put(name, grid.axes().get(name));
        return new StartingGrid(axes);
    }

    @Override
    public String unidentifiable(Points points) {
        int distinct = Points.distinct(points.x());
        return distinct < form.parameterCount() ? name() + " needs " + form.parameterCount() + " distinct checkpoints; the run has " + distinct : null;
    }

    @Override
    public double predict(double[] theta, Points points, int i) {
        return curve(theta).at(points.x()[i]);
    }

    @Override
    public double predict(double[] theta, Points points, int i, double[] gradient) {
        double x = points.x()[i];
        double p1 = form.parameterCount() > 1 ? theta[1] : 0, t = form.hasTheta() ? theta[2] : Double.NaN;
        // the power form from the points' logs: x^-t = exp(-t ln x), without a pow and a log per point and step
        double g = form == TrajectoryForm.POWER ? Math.exp(-t * points.logX()[i]) : form.basis(x, t, warmup);
        gradient[0] = 1;
        if (form.parameterCount() > 1) gradient[1] = g;
        if (form.hasTheta()) {
            gradient[2] = p1 * switch (form) {
                case POWER -> -points.logX()[i] * g;
                case HYPERBOLIC -> -x * g * g;
                case EXPONENTIAL -> -x * g;
                default -> 0;
            };
        }
        return theta[0] + (form == TrajectoryForm.CONSTANT ? 0 : p1 * g);
    }

    /** Every point in one loop (the solver's evaluation; a bootstrap makes thousands per run). */
    @Override
    public void predictions(double[] theta, Points points, int[] index, int count, boolean log, double[] values, double[] jacobian,
                            double[] scratch) {
        int p = form.parameterCount();
        if (form != TrajectoryForm.POWER || log) {
            DirectLaw.super.predictions(theta, points, index, count, log, values, jacobian, scratch);
            return;
        }
        double p0 = theta[0], p1 = theta[1], t = theta[2];
        double[] logX = points.logX();
        for (int k = 0; k < count; k++) {
            double l = logX[index[k]], g = Math.exp(-t * l);
            values[k] = p0 + p1 * g;
            jacobian[k * p] = 1;
            jacobian[k * p + 1] = g;
            jacobian[k * p + 2] = -p1 * l * g;
        }
    }

    /** The name of a curve law's forecast: the run's loss at its end (x = 1), with its extrapolation-aware interval. */
    public static final String FINAL = "final";

    /** The loss at the run's end: the rest of the run forecast from its checkpoints. */
    @Override
    public Map<String, Double> forecasts(double[] theta) {
        return Map.of(FINAL, finalLoss(theta));
    }

    /** A curve law's parameters are its coordinates. */
    @Override
    public void parameters(double[] theta, double[] out, int from) {
        System.arraycopy(theta, 0, out, from, theta.length);
    }

    @Override
    public void forecasts(double[] theta, double[] out, int from) {
        out[from] = finalLoss(theta);
    }

    /** The run's end (x = 1) past the last checkpoint fitted. */
    @Override
    public Map<String, Double> forecastDistances(Points fit) {
        return Map.of(FINAL, Math.max(0, dev.lawfit.law.Law.outside(fit.x(), 1.0)));
    }

    /** The loss the curve predicts at the end of the run (x = 1). */
    @Override
    public Map<String, Double> derived(double[] theta, double[] computeBudgets) {
        return Map.of("final_loss", finalLoss(theta));
    }

    @Override
    public void derived(double[] theta, double[] computeBudgets, double[] out, int from) {
        out[from] = finalLoss(theta);
    }

    private double finalLoss(double[] theta) {
        // a power curve at x = 1 is p0 + p1 (1^-theta is 1): written out, since every resample asks twice (about 5% of a
        // resample's time went to Math.pow here)
        if (form == TrajectoryForm.POWER && Double.isFinite(theta[2])) return theta[0] + theta[1];
        return curve(theta).at(1.0);
    }

    public Curve curve(double[] theta) {
        return new Curve(form, theta[0], form.parameterCount() > 1 ? theta[1] : 0, form.hasTheta() ? theta[2] : Double.NaN, warmup,
                Double.NaN, 0);
    }

    @Override
    public Solver solver() {
        return new VariableProjection();
    }

    /**
     * {@link CurveFit} on the points (variable projection: a global search over theta), polished by Levenberg-Marquardt to
     * the exact minimum of the summed Huber loss of relative residuals; a resample (a start given) is that polish alone from
     * the full fit's optimum, with the resample's weights.
     */
    private final class VariableProjection implements Solver {
        private static final long serialVersionUID = 1L;
        /** A curve's run: relative residuals, otherwise a fit's. */
        private static final dev.lawfit.fit.HuberLevenbergMarquardt.Options CURVE_FIT =
                dev.lawfit.fit.HuberLevenbergMarquardt.Options.FIT.withKind(dev.lawfit.fit.HuberLevenbergMarquardt.Residual.RELATIVE);
        /** A curve resample's run: from the full fit's optimum, to the resample's tolerance. */
        private static final dev.lawfit.fit.HuberLevenbergMarquardt.Options CURVE_RESAMPLE =
                CURVE_FIT.withRelativeDecrease(dev.lawfit.fit.HuberLevenbergMarquardt.RESAMPLE_DECREASE).warm();

        @Override
        public Solution solve(dev.lawfit.law.Law law, Points points, double[] weights, FitSettings settings, double[] start) {
            double[] from = start;
            if (from == null) {
                Points data = weights == null ? points : points.repeated(weights);
                Curve c = CurveFit.fit(form, data.x(), data.loss(), data.size(), warmup, settings.huberDelta());
                if (c == null || !c.ok()) throw new IllegalStateException(name() + ": the curve could not be determined from " + data.size() + " checkpoints");
                from = java.util.Arrays.copyOf(new double[] {c.p0(), c.p1(), c.theta()}, form.parameterCount());
            }
            // a resample's run starts next to its optimum (nearly undamped) and stops at the resample's tolerance
            dev.lawfit.fit.HuberLevenbergMarquardt.Options run = start == null ? CURVE_FIT : CURVE_RESAMPLE;
            dev.lawfit.fit.HuberLevenbergMarquardt.Outcome polished = dev.lawfit.fit.HuberLevenbergMarquardt.minimize(law, points, weights,
                    settings.huberDelta(), from, dev.lawfit.fit.HuberLevenbergMarquardt.workspace(law.dimension(), points.size()), run);
            if (!Double.isFinite(polished.objective())) throw new IllegalStateException(name() + ": the curve's objective is not finite");
            return new Solution(polished.x(), polished.objective(), start == null ? CurveFit.GRID : 0, 1, polished.evaluations(),
                    polished.iterations(), start == null ? "variable projection, levenberg-marquardt" : "levenberg-marquardt");
        }
    }
}
