package dev.lawfit.predict;

import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A law as a version published it: its parameters, and the parameters of its published bootstrap resamples. It predicts at
 * any point by itself, with the percentile interval of the resamples' predictions there (the same R-7 percentiles as the
 * job's intervals), without refitting anything: {@code lawfit predict} and the report read laws this way.
 */
public record PublishedLaw(Law law, Map<String, Double> parameters, List<Map<String, Double>> resamples, double level) {

    /** A prediction at one point, with the interval of the resamples' predictions ({@code NaN} without resamples). */
    public record Prediction(double value, double low, double high, int resamples) {
    }

    public PublishedLaw {
        resamples = List.copyOf(resamples);
    }

    /** The law's optimiser coordinates of these parameters. */
    public double[] theta() {
        return law.theta(parameters);
    }

    public Prediction predict(Points at, int i) {
        double value = law.predict(theta(), at, i);
        List<Double> draws = new ArrayList<>();
        for (Map<String, Double> r : resamples) {
            double v = law.predict(law.theta(r), at, i);
            if (Double.isFinite(v)) draws.add(v);
        }
        if (draws.size() < 2) return new Prediction(value, Double.NaN, Double.NaN, draws.size());
        Percentile p = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        p.setData(draws.stream().mapToDouble(Double::doubleValue).toArray());
        double tail = (1 - level) / 2;
        return new Prediction(value, p.evaluate(100 * tail), p.evaluate(100 * (1 - tail)), draws.size());
    }
}
