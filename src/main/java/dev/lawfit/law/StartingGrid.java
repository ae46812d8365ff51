package dev.lawfit.law;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Cartesian grid of starting points: one list of values per optimiser coordinate. */
public record StartingGrid(LinkedHashMap<String, double[]> axes) {

    public static StartingGrid of(Object... namesAndValues) {
        LinkedHashMap<String, double[]> axes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            axes.put((String) namesAndValues[i], (double[]) namesAndValues[i + 1]);
        }
        return new StartingGrid(axes);
    }

    /** Evenly spaced values from {@code from} to {@code to} inclusive. */
    public static double[] range(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step) + 1;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = from + i * step;
        return values;
    }

    /** This grid with some axes replaced (e.g. from a job spec); unknown axis names are an error. */
    public StartingGrid withAxes(Map<String, double[]> overrides) {
        LinkedHashMap<String, double[]> merged = new LinkedHashMap<>(axes);
        for (Map.Entry<String, double[]> e : overrides.entrySet()) {
            if (!merged.containsKey(e.getKey())) {
                throw new IllegalArgumentException("grid axis '" + e.getKey() + "' is not a coordinate of this law; expected one of " + axes.keySet());
            }
            if (e.getValue().length == 0) {
                throw new IllegalArgumentException("grid axis '" + e.getKey() + "' needs at least one value");
            }
            merged.put(e.getKey(), e.getValue());
        }
        return new StartingGrid(merged);
    }

    public int size() {
        int n = 1;
        for (double[] values : axes.values()) n *= values.length;
        return n;
    }

    /** Every grid point, the first axis varying slowest, in the coordinate order of {@code names}. */
    public double[][] points(List<String> names) {
        List<double[]> ordered = new ArrayList<>();
        for (String name : names) {
            double[] values = axes.get(name);
            if (values == null) throw new IllegalArgumentException("grid has no axis for coordinate '" + name + "'");
            ordered.add(values);
        }
        double[][] out = new double[size()][names.size()];
        for (int row = 0; row < out.length; row++) {
            int rest = row;
            for (int d = names.size() - 1; d >= 0; d--) {
                double[] values = ordered.get(d);
                out[row][d] = values[rest % values.length];
                rest /= values.length;
            }
        }
        return out;
    }
}
