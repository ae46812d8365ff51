package dev.lawfit.downstream;

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
 * A law from a model's loss on a reference eval set (x) to its error on a downstream task (the target):
 * one {@link DownstreamForm} (exponential as Gadre et al. 2024 fit it, or sigmoid). Solved by bounded
 * Levenberg-Marquardt from a few starts ({@link DownstreamFit}); held out: the largest model sizes.
 */
public final class DownstreamLaw implements DirectLaw, SolvedLaw {

    private static final long serialVersionUID = 1L;

    /** Built on first use (not serialised: an executor builds its own). */
    private transient dev.lawfit.law.LawDescription description;

    @Override
    public dev.lawfit.law.LawDescription description() {
        if (description == null) {
            description = dev.lawfit.law.LawDescription.of("downstream_" + form.label(), form.formula())
                    .withFamily(dev.lawfit.law.Family.DOWNSTREAM, "error")
                    .withCovariates("L = the reference eval's loss")
                    .withCoordinates(form.parameterNames(), form == DownstreamForm.EXPONENTIAL ? new double[] {-10, 0, 1e-4} : new double[] {0, 0, 1e-4, -100}, form == DownstreamForm.EXPONENTIAL ? new double[] {10, 1e6, 50} : new double[] {1, 1, 100, 100})
                    .withGrid(form == DownstreamForm.EXPONENTIAL
                ? StartingGrid.of("epsilon", new double[] {0.5, 1}, "k", new double[] {1, 10}, "gamma", new double[] {0.5, 1, 2})
                : StartingGrid.of("floor", new double[] {0, 0.2}, "ceiling", new double[] {0.8, 1}, "s", new double[] {1, 4}, "l0", new double[] {2, 3}))
                    .withShape(form == DownstreamForm.EXPONENTIAL ? List.of("gamma") : List.of("s"))
                    .withMinPoints(DownstreamFit.MIN_POINTS);
        }
        return description;
    }

    private final DownstreamForm form;

    public DownstreamLaw(DownstreamForm form) {
        this.form = form;
    }

    /** The sigmoid's floor and ceiling are error rates: 0 and 1 are where they may rightly sit. */
    @Override
    public boolean naturalBound(int k, boolean lower) {
        return form != DownstreamForm.EXPONENTIAL && k <= 1;
    }

    @Override
    public String unidentifiable(Points points) {
        int distinct = Points.distinct(points.x());
        return distinct < 3 ? name() + " needs 3 distinct reference losses; the group has " + distinct : null;
    }

    @Override
    public double predict(double[] theta, Points points, int i) {
        return form.value(points.x()[i], theta);
    }

    @Override
    public double predict(double[] theta, Points points, int i, double[] gradient) {
        double[] g = form.gradient(points.x()[i], theta);
        System.arraycopy(g, 0, gradient, 0, g.length);
        return form.value(points.x()[i], theta);
    }

    public DownstreamForm form() {
        return form;
    }

    /** The x loss below (or above) the fitted range: bigger models lie at lower x losses, ln(x_min / x). */
    @Override
    public double distance(Points fit, Points at, int i) {
        return dev.lawfit.law.Law.outside(fit.x(), at.x()[i]);
    }

    @Override
    public Solver solver() {
        return new LeastSquares(form);
    }

    private record LeastSquares(DownstreamForm form) implements Solver {
        @Override
        public Solution solve(Law law, Points points, double[] weights, FitSettings settings, double[] start) {
            Points data = weights == null ? points : points.repeated(weights);
            // a resample starts from the full fit alone (the full fit's few starts when that one fails)
            DownstreamFit.Result r = start == null ? DownstreamFit.fit(form, data.x(), data.loss()) : DownstreamFit.fitFrom(form, data.x(), data.loss(), start);
            if (!r.ok()) throw new IllegalStateException(r.message());
            return new Solution(r.coefficients(), r.rmse() * r.rmse() * r.n(), 0, 1, 0, 0, "levenberg-marquardt");
        }
    }
}
