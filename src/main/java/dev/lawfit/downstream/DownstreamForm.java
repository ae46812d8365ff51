package dev.lawfit.downstream;

import org.apache.commons.math3.analysis.ParametricUnivariateFunction;

import java.util.List;

/**
 * A law from a model's loss L (on a reference eval set) to its error on a downstream task.
 * {@code exponential}: Err(L) = epsilon - k exp(-gamma L), as Gadre et al. 2024 fit average top-1 error;
 * {@code sigmoid}: Err(L) = floor + (ceiling - floor) / (1 + exp(-s (L - l0))), which also bends at chance.
 */
public enum DownstreamForm implements ParametricUnivariateFunction {
    EXPONENTIAL("Err(L) = epsilon - k*exp(-gamma*L)", List.of("epsilon", "k", "gamma")) {
        @Override
        public double value(double l, double... p) {
            return p[0] - p[1] * Math.exp(-p[2] * l);
        }

        @Override
        public double[] gradient(double l, double... p) {
            double e = Math.exp(-p[2] * l);
            return new double[] {1, -e, p[1] * l * e};
        }

        @Override
        public void clamp(double[] p) {
            p[1] = Math.max(0, p[1]);
            p[2] = Math.min(50, Math.max(1e-4, p[2]));
        }
    },
    SIGMOID("Err(L) = floor + (ceiling - floor)/(1 + exp(-s*(L - l0)))", List.of("floor", "ceiling", "s", "l0")) {
        @Override
        public double value(double l, double... p) {
            return p[0] + (p[1] - p[0]) / (1 + Math.exp(-p[2] * (l - p[3])));
        }

        @Override
        public double[] gradient(double l, double... p) {
            double z = Math.exp(-p[2] * (l - p[3]));
            double sig = 1 / (1 + z);
            double dsig = sig * sig * z; // d sig / d (s (l - l0))
            return new double[] {1 - sig, sig, (p[1] - p[0]) * dsig * (l - p[3]), -(p[1] - p[0]) * dsig * p[2]};
        }

        /** Errors are shares: floor and ceiling stay in [0, 1], the slope positive. */
        @Override
        public void clamp(double[] p) {
            p[0] = Math.min(1, Math.max(0, p[0]));
            p[1] = Math.min(1, Math.max(p[0], p[1]));
            p[2] = Math.min(100, Math.max(1e-4, p[2]));
        }
    };

    /** Keeps parameters where the form makes sense (applied at every least-squares step). */
    public abstract void clamp(double[] p);

    private final String formula;
    private final List<String> parameterNames;

    DownstreamForm(String formula, List<String> parameterNames) {
        this.formula = formula;
        this.parameterNames = parameterNames;
    }

    public String formula() {
        return formula;
    }

    public List<String> parameterNames() {
        return parameterNames;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static DownstreamForm byLabel(String label) {
        for (DownstreamForm f : values()) if (f.label().equalsIgnoreCase(label)) return f;
        throw new IllegalArgumentException("unknown downstream law '" + label + "'; expected exponential or sigmoid");
    }
}
