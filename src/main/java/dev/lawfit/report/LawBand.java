package dev.lawfit.report;

import dev.lawfit.fit.Bootstrap;
import dev.lawfit.fit.BootstrapSettings;
import dev.lawfit.fit.FitSettings;
import dev.lawfit.law.Law;
import dev.lawfit.law.Points;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report draws for one fitted law: its prediction along a line of covariates, computed by the law
 * itself (no formula here), and a pointwise interval band around it from a small bootstrap of the same fit
 * (the shared {@link Bootstrap}, resamples polished from the published optimum).
 */
final class LawBand {

    static final int RESAMPLES = 60;

    record Curve(double[] predicted, double[] low, double[] high) {
    }

    private LawBand() {
    }

    /** The law's prediction at every point of {@code along}. */
    static double[] predict(Law law, double[] theta, Points along) {
        double[] out = new double[along.size()];
        for (int i = 0; i < out.length; i++) out[i] = law.predict(theta, along, i);
        return out;
    }

    /**
     * The prediction along {@code along} with a {@code level} band over bootstrap refits on {@code data}; the band
     * is null when fewer than 10 resamples fit.
     */
    static Curve withBand(Law law, Map<String, Double> parameters, Points data, Points along, FitSettings settings, double level) {
        double[] theta = law.theta(parameters);
        double[] predicted = predict(law, theta, along);
        FitSettings s = settings.withBootstrap(new BootstrapSettings(RESAMPLES, level, "points", false, 20240417L, RESAMPLES));
        List<String> names = Bootstrap.estimateNames(law, theta, s);
        double[][] estimates = Bootstrap.resample(law, data, s, theta, 1, 0, RESAMPLES);
        double[][] curves = new double[estimates.length][];
        int fitted = 0;
        for (double[] e : estimates) {
            if (e.length == 0 || Double.isNaN(e[0])) continue;
            Map<String, Double> p = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) p.put(names.get(k), e[k]);
            curves[fitted++] = predict(law, law.theta(p), along);
        }
        if (fitted < 10) return new Curve(predicted, null, null);
        double[] low = new double[along.size()], high = new double[along.size()];
        Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
        double tail = 100 * (1 - level) / 2;
        for (int i = 0; i < low.length; i++) {
            double[] values = new double[fitted];
            for (int r = 0; r < fitted; r++) values[r] = curves[r][i];
            percentile.setData(values);
            low[i] = percentile.evaluate(tail);
            high[i] = percentile.evaluate(100 - tail);
        }
        return new Curve(predicted, low, high);
    }
}
