package dev.lawfit.losstoloss;

import dev.lawfit.fit.FitSettings;
import dev.lawfit.fit.Solution;
import dev.lawfit.fit.SolvedLaw;
import dev.lawfit.fit.Solver;
import dev.lawfit.law.DirectLaw;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import dev.lawfit.law.StartingGrid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loss-to-loss line L_y = K (L_x - E_x)^kappa + E_y between the losses of the same checkpoints on two
 * eval datasets (x = L_x, target L_y). Solved as Brandfonbrener et al. do: with {@code compute_fit}, E_x
 * and E_y are the E of each loss's own Chinchilla fit over the same checkpoints ({@link IrreducibleLoss}),
 * then K and kappa are a closed-form line in logs; when a compute fit fails the line falls back to
 * {@code joint} and the fit's message says why. With {@code joint}, E_x and E_y are searched on a grid
 * with K and kappa in closed form at each cell ({@link LossToLossFit#joint}). Held out: the largest model sizes.
 */
public final class LossLineLaw implements DirectLaw, SolvedLaw {

    private static final long serialVersionUID = 1L;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = dev.lawfit.law.LawDescription.of(NAME, "L_y = K * (L_x - E_x)^kappa + E_y")
                    .withFamily(dev.lawfit.law.Family.LOSS_TO_LOSS, "loss_y")
                    .withCovariates("L_x (N, D for the irreducible losses)")
                    .withCoordinates(List.of("K", "kappa", "E_x", "E_y"), new double[] {1e-6, 0.01, 0, 0}, new double[] {1e3, 10, 20, 20})
                    .withGrid(StartingGrid.of("K", new double[] {0.5, 1, 2}, "kappa", new double[] {0.5, 1, 2}, "E_x", new double[] {0, 1},
                "E_y", new double[] {0, 1}))
                    .withShape(List.of("kappa"))
                    .withMinPoints(4);
        }
        return description;
    }
    public static final String NAME = "loss_line";
    /** Bootstrap resamples re-estimate E_x and E_y with this many polished starts (the full fit uses the settings'). */
    static final int RESAMPLE_POLISH_STARTS = 4;

    private final String irreducible;
    private final boolean robust;
    private final List<Double> predictX;

    public LossLineLaw(String irreducible) {
        this(irreducible, false, List.of());
    }

    /**
     * @param robust   K and kappa by Huber-weighted least squares in logs (a loss spike does not pull the line)
     * @param predictX L_x values the line predicts L_y at (its forecasts, named {@code L_x=<value>}, with bootstrap intervals)
     */
    public LossLineLaw(String irreducible, boolean robust, List<Double> predictX) {
        if (!irreducible.equals(LossToLossFit.GIVEN) && !irreducible.equals(LossToLossFit.JOINT)) {
            throw new IllegalArgumentException("loss_to_loss.irreducible must be compute_fit or joint, got '" + irreducible + "'");
        }
        this.irreducible = irreducible;
        this.robust = robust;
        this.predictX = List.copyOf(predictX);
    }

    /** L_y at each of the spec's {@code predict_x} values (NaN at or below E_x). */
    @Override
    public Map<String, Double> forecasts(double[] theta) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (double x : predictX) {
            out.put("L_x=" + x, x > theta[2] ? theta[0] * Math.pow(x - theta[2], theta[1]) + theta[3] : Double.NaN);
        }
        return out;
    }

    /** A predict_x value at or below E_x: the line (a power of L_x - E_x) is not defined there. */
    @Override
    public String undefinedBecause(double[] theta) {
        return String.format(java.util.Locale.ROOT, ": at or below the line's E_x = %.4g, where L_x - E_x is not positive and the line is not defined",
                theta[2]);
    }

    /** How far below (or above) the fitted x range each predict_x value lies. */
    @Override
    public Map<String, Double> forecastDistances(Points fit) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (double x : predictX) out.put("L_x=" + x, dev.lawfit.law.Law.outside(fit.x(), x));
        return out;
    }

    @Override
    public double predict(double[] theta, Points points, int i) {
        double lx = points.x()[i];
        return lx > theta[2] ? theta[0] * Math.pow(lx - theta[2], theta[1]) + theta[3] : Double.NaN;
    }

    @Override
    public double predict(double[] theta, Points points, int i, double[] gradient) {
        double shifted = points.x()[i] - theta[2];
        double power = Math.pow(shifted, theta[1]);
        gradient[0] = power;
        gradient[1] = theta[0] * power * Math.log(shifted);
        gradient[2] = -theta[0] * theta[1] * power / shifted;
        gradient[3] = 1;
        return theta[0] * power + theta[3];
    }

    /** The x loss below (or above) the fitted range: bigger models lie at lower x losses, ln(x_min / x). */
    @Override
    public double distance(Points fit, Points at, int i) {
        return dev.lawfit.law.Law.outside(fit.x(), at.x()[i]);
    }

    @Override
    public Solver solver() {
        return new LineSolver(irreducible, robust);
    }

    /**
     * The E route (compute fits, or joint), then K and kappa in closed form. A resample (a start given) reuses what the
     * full data fixed: each loss's compute fit is polished from the full data's optimum by the resample solver (its full
     * search runs once per solver, i.e. once per chunk of resamples), and the joint search looks only near the full fit's E.
     */
    private static final class LineSolver implements Solver {
        private static final long serialVersionUID = 1L;
        private final String irreducible;
        private final boolean robust;
        /** The full data's compute fits (x, y) for {@link #fullFor}, kept for that data's resamples. */
        private transient Points fullFor;
        private transient double[] fullX, fullY;

        LineSolver(String irreducible, boolean robust) {
            this.irreducible = irreducible;
            this.robust = robust;
        }

        @Override
        public Solution solve(Law law, Points points, double[] weights, FitSettings settings, double[] start) {
            Points data = weights == null ? points : points.repeated(weights);
            double[] lx = data.x(), ly = data.loss();
            ShiftedPowerLine line;
            String note = "";
            if (irreducible.equals(LossToLossFit.GIVEN)) {
                IrreducibleLoss.Estimate ex, ey;
                if (start != null && weights != null) {
                    if (fullFor != points) {
                        fullX = IrreducibleLoss.computeFitTheta(points.params(), points.tokens(), points.x(), settings);
                        fullY = IrreducibleLoss.computeFitTheta(points.params(), points.tokens(), points.loss(), settings);
                        fullFor = points;
                    }
                    ex = IrreducibleLoss.polished(points.params(), points.tokens(), points.x(), weights, fullX, settings);
                    ey = IrreducibleLoss.polished(points.params(), points.tokens(), points.loss(), weights, fullY, settings);
                } else {
                    FitSettings computeFit = start == null ? settings : settings.withPolishStarts(RESAMPLE_POLISH_STARTS);
                    ex = IrreducibleLoss.fromComputeFit(data.params(), data.tokens(), lx, computeFit);
                    ey = IrreducibleLoss.fromComputeFit(data.params(), data.tokens(), ly, computeFit);
                }
                if (ex.ok() && ey.ok()) {
                    line = LossToLossFit.withIrreducible(lx, ly, ex.e(), ey.e(), LossToLossFit.GIVEN, robust);
                } else {
                    line = LossToLossFit.joint(lx, ly, robust);
                    note = "E fitted jointly: " + (ex.ok() ? "" : "x " + ex.message() + (ey.ok() ? "" : "; ")) + (ey.ok() ? "" : "y " + ey.message());
                }
            } else {
                line = start == null ? LossToLossFit.joint(lx, ly, robust) : LossToLossFit.joint(lx, ly, robust, start[2], start[3]);
            }
            if (!line.ok()) throw new IllegalStateException("no line could be fitted" + (note.isEmpty() ? "" : " (" + note + ")"));
            return new Solution(new double[] {line.k(), line.kappa(), line.ex(), line.ey()}, line.rss(), 0, 1, 0, 0, line.eSource(), note);
        }
    }
}
