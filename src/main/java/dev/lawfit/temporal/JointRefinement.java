package dev.lawfit.temporal;

import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.Pair;

import java.util.ArrayList;
import java.util.List;

/**
 * The second stage of the temporal fit. The staged fit (hyperbolic law per checkpoint, then a curve
 * through each parameter's values) treats a0, a1 and a2 separately, but at one checkpoint their
 * estimates are strongly correlated (a larger a0 with a larger a1 fits nearly as well), so the trajectories
 * inherit that noise. Starting from the staged trajectories, this refines all trajectory parameters
 * together against every early checkpoint's per-position losses (relative residuals, Levenberg-Marquardt
 * from Commons Math; theta in log space; decaying forms kept non-negative) and is kept only if it lowers
 * the error on those losses.
 */
final class JointRefinement {

    private static final int MAX_ITERATIONS = 200;

    private JointRefinement() {
    }

    static TemporalLaw refine(TemporalLaw staged, double[] x, double[][] positionLosses) {
        Curve[] curves = {staged.a0(), staged.a1(), staged.a2()};
        List<double[]> start = new ArrayList<>();
        for (Curve c : curves) start.add(pack(c));
        int size = start.stream().mapToInt(a -> a.length).sum();
        double[] p = new double[size];
        int at = 0;
        for (double[] a : start) {
            System.arraycopy(a, 0, p, at, a.length);
            at += a.length;
        }
        int residuals = 0;
        for (double[] losses : positionLosses) residuals += losses.length;
        double[] target = new double[residuals];
        int positions = staged.positions();
        MultivariateJacobianFunction model = point -> {
            double[] q = point.toArray();
            double[] value = residuals(curves, q, x, positionLosses, positions);
            double[][] jacobian = new double[value.length][q.length];
            for (int k = 0; k < q.length; k++) {
                double h = 1e-7 * Math.max(1, Math.abs(q[k]));
                double saved = q[k];
                q[k] = saved + h;
                double[] shifted = residuals(curves, q, x, positionLosses, positions);
                q[k] = saved;
                for (int r = 0; r < value.length; r++) jacobian[r][k] = (shifted[r] - value[r]) / h;
            }
            return new Pair<>(new ArrayRealVector(value, false), new Array2DRowRealMatrix(jacobian, false));
        };
        try {
            LeastSquaresOptimizer.Optimum optimum = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                    .start(p).target(target).model(model).maxEvaluations(10 * MAX_ITERATIONS).maxIterations(MAX_ITERATIONS)
                    .parameterValidator(v -> clamp(curves, v)).build());
            double[] q = optimum.getPoint().toArray();
            TemporalLaw refined = TemporalLaw.full(unpack(curves[0], q, 0), unpack(curves[1], q, curves[0].form().parameterCount()),
                    unpack(curves[2], q, curves[0].form().parameterCount() + curves[1].form().parameterCount()), positions);
            return cost(refined, x, positionLosses) < cost(staged, x, positionLosses) ? refined : staged;
        } catch (RuntimeException e) { // too many evaluations or a singular step: keep the staged fit
            return staged;
        }
    }

    static double cost(TemporalLaw law, double[] x, double[][] positionLosses) {
        double s = 0;
        for (int c = 0; c < x.length; c++) {
            for (int i = 0; i < positionLosses[c].length; i++) {
                double r = law.positionLoss(x[c], i + 1) / positionLosses[c][i] - 1;
                s += r * r;
            }
        }
        return s;
    }

    private static double[] residuals(Curve[] curves, double[] q, double[] x, double[][] positionLosses, int positions) {
        int n0 = curves[0].form().parameterCount(), n1 = curves[1].form().parameterCount();
        TemporalLaw law = TemporalLaw.full(unpack(curves[0], q, 0), unpack(curves[1], q, n0), unpack(curves[2], q, n0 + n1), positions);
        int total = 0;
        for (double[] losses : positionLosses) total += losses.length;
        double[] out = new double[total];
        int r = 0;
        for (int c = 0; c < x.length; c++) {
            double b0 = law.a0().at(x[c]), b1 = Math.max(0, law.a1().at(x[c])), b2 = law.a2().at(x[c]);
            for (int i = 0; i < positionLosses[c].length; i++) {
                out[r++] = (b0 / (1 + b1 * (i + 1)) + b2) / positionLosses[c][i] - 1;
            }
        }
        return out;
    }

    private static double[] pack(Curve c) {
        return switch (c.form().parameterCount()) {
            case 1 -> new double[] {c.p0()};
            case 2 -> new double[] {c.p0(), c.p1()};
            default -> new double[] {c.p0(), c.p1(), Math.log(c.theta())};
        };
    }

    private static Curve unpack(Curve c, double[] q, int at) {
        int count = c.form().parameterCount();
        return new Curve(c.form(), q[at], count > 1 ? q[at + 1] : 0, count > 2 ? Math.exp(q[at + 2]) : Double.NaN, c.warmup(),
                Double.NaN, c.points());
    }

    private static RealVector clamp(Curve[] curves, RealVector v) {
        double[] q = v.toArray();
        int at = 0;
        for (Curve c : curves) {
            TrajectoryForm form = c.form();
            if (form.decays()) {
                q[at] = Math.max(0, q[at]);
                q[at + 1] = Math.max(0, q[at + 1]);
            }
            if (form.hasTheta()) q[at + 2] = Math.min(Math.log(form.thetaHigh()), Math.max(Math.log(form.thetaLow()), q[at + 2]));
            at += form.parameterCount();
        }
        return new ArrayRealVector(q, false);
    }
}
